//! The helpline profile end to end: a coordinator publishes theme list
//! version 2 and exports the profile; volunteers import it once after
//! confirming the fingerprint, log calls under both versions and make
//! returns; the coordinator's report compares 2025/26 with 2024/25 across
//! the two versions and equals the union of everyone's calls.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use quietline::app::profile::{self, ProfileDetails, ProfileFileState, ProfileImport};
use quietline::app::themes;
use quietline::app::{ErrorCode, ProfileRole};
use quietline::model::CallSummary;
use quietline::period::Period;
use quietline::report::Report;
use quietline::returns::{self, Merged, check_return, merge_checked};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use quietline::themes::ThemeList;
use quietline::themes::edit::ThemeEdit;

use crate::support::*;

fn today() -> NaiveDate {
    now().date_naive()
}

struct Coordinator {
    _store: TempStore,
    vault: Vault,
    out: tempfile::TempDir,
}

impl Coordinator {
    fn new() -> Coordinator {
        let store = TempStore::new();
        let (mut vault, _) = store.create();
        vault.create_coordinator_identity().unwrap();
        profile::set_details(
            &mut vault,
            &ProfileDetails {
                helpline: "Headteachers' Helpline (test)".into(),
                suppress_below: 5,
            },
        )
        .unwrap();
        Coordinator {
            _store: store,
            vault,
            out: tempfile::tempdir().unwrap(),
        }
    }

    fn export(&mut self) -> (PathBuf, String) {
        let made = profile::export(
            &mut self.vault,
            &self.out.path().display().to_string(),
            today().and_hms_opt(12, 0, 0).unwrap().and_utc(),
        )
        .unwrap();
        (PathBuf::from(made.path), made.fingerprint)
    }

    /// Publishes Quietline's 2025 list, with one change of the
    /// coordinator's own on top.
    fn publish_v2(&mut self) {
        let draft = themes::start_draft(&mut self.vault, true, today()).unwrap();
        let edited = themes::edit_draft(
            &mut self.vault,
            &quietline::app::ThemeDraftEdit {
                draft: draft.draft,
                edit: ThemeEdit::Rename {
                    id: "premises.raac".into(),
                    label: "RAAC and unsafe buildings".into(),
                    description: "Reinforced concrete and other unsafe structures".into(),
                },
            },
            today(),
        )
        .unwrap();
        assert!(
            edited
                .changes
                .iter()
                .any(|c| c.from.iter().any(|f| f.id == "inspection.ofsted")),
            "the preview shows the split"
        );
        themes::publish_draft(&mut self.vault, &edited.draft).unwrap();
        assert_eq!(self.vault.themes().current().version, 2);
    }
}

fn import(
    vault: &mut Vault,
    file: &Path,
    fingerprint: &str,
) -> Result<(), quietline::app::AppError> {
    profile::import(
        vault,
        &ProfileImport {
            path: file.display().to_string(),
            fingerprint: fingerprint.into(),
            repin: false,
        },
        chrono::Utc::now(),
    )
    .map(|_| ())
}

fn volunteer(name: &str) -> (TempStore, Vault) {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut settings = vault.settings().clone();
    settings.display_name = name.into();
    vault.update_settings(settings).unwrap();
    (store, vault)
}

/// Calls of one academic year, themes from `list`.
fn log_year(vault: &mut Vault, seed: u64, calls: usize, start: i32, list: &ThemeList) {
    let first = NaiveDate::from_ymd_opt(start, 9, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(start + 1, 8, 31).unwrap();
    let mut batch = vault.begin_import(now()).unwrap();
    let year = SyntheticCalls::new(seed, start, 2)
        .with_themes(list.clone())
        .filter(|c| {
            let day = c.facts.started_at.date_naive();
            // The tests' "now" is 1 January 2026: no call after it.
            day >= first && day <= last && day < now().date_naive()
        })
        .take(calls);
    for call in year {
        batch.add(&call).unwrap();
    }
    batch.commit().unwrap();
}

fn make(vault: &mut Vault, period: Period) -> Vec<u8> {
    let to = returns::coordinator_key(vault, None).unwrap();
    returns::make_return(vault, period, &to, today())
        .unwrap()
        .bytes
}

fn merge(vault: &mut Vault, file: &[u8]) {
    let checked = check_return(vault, file).unwrap();
    match merge_checked(vault, &checked, true, today()).unwrap() {
        Merged::Merged(_) => {}
        other => panic!("expected a merge, got {other:?}"),
    }
}

#[test]
fn volunteers_import_the_profile_and_the_report_compares_across_versions() {
    let mut coordinator = Coordinator::new();
    let (v1_file, fingerprint) = coordinator.export();

    let mut volunteers = [
        volunteer("Volunteer A"),
        volunteer("Volunteer B"),
        volunteer("Volunteer C"),
    ];
    for (_, vault) in volunteers.iter_mut() {
        // Without the fingerprint read out by phone, nothing changes.
        let e = import(vault, &v1_file, "").unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid);
        assert!(e.message.contains(&fingerprint), "{}", e.message);
        let e = import(vault, &v1_file, "AAAA-BBBB-CCCC-DDDD").unwrap_err();
        assert!(e.message.contains("Do not import it"), "{}", e.message);
        assert_eq!(vault.settings().coordinator_key, None);
        assert_eq!(profile::show(vault).unwrap().role, ProfileRole::None);
        // Typed as people read it: lower case, spaces for dashes.
        import(
            vault,
            &v1_file,
            &fingerprint.to_lowercase().replace('-', " "),
        )
        .unwrap();
        assert_eq!(profile::show(vault).unwrap().role, ProfileRole::Volunteer);
        assert_eq!(
            profile::show(vault).unwrap().signer_fingerprint,
            fingerprint
        );
    }
    let v1 = coordinator.vault.themes().current().clone();
    for (seed, (_, vault)) in volunteers.iter_mut().enumerate() {
        log_year(vault, seed as u64 + 1, 80, 2024, &v1);
    }

    coordinator.publish_v2();
    let (v2_file, _) = coordinator.export();
    let v2 = coordinator.vault.themes().current().clone();
    // Volunteer C logs some 2025/26 calls before importing version 2: the
    // report maps them forward.
    log_year(&mut volunteers[2].1, 99, 15, 2025, &v1);
    for (seed, (_, vault)) in volunteers.iter_mut().enumerate() {
        // From the pinned coordinator: applied without asking again.
        let checked = profile::check_file(vault, &v2_file.display().to_string()).unwrap();
        assert_eq!(checked.state, ProfileFileState::Update);
        import(vault, &v2_file, "").unwrap();
        assert_eq!(vault.themes().current().version, 2);
        // The older profile is refused now, and changes nothing.
        let e = import(vault, &v1_file, "").unwrap_err();
        assert!(e.message.contains("older"), "{}", e.message);
        assert_eq!(vault.themes().current().version, 2);
        log_year(vault, seed as u64 + 10, 80, 2025, &v2);
    }
    {
        let calls: Vec<CallSummary> = volunteers[2].1.all_calls().unwrap();
        assert!(calls.iter().any(|c| c.theme_list_version == 1));
        assert!(calls.iter().any(|c| c.theme_list_version == 2));
    }

    for (_, vault) in volunteers.iter_mut() {
        for year in [2024, 2025] {
            let file = make(vault, Period::academic(year).unwrap());
            merge(&mut coordinator.vault, &file);
        }
    }

    let period = Period::academic(2025).unwrap();
    let mut months = period.months().to_vec();
    months.extend_from_slice(&period.previous().months());
    let all: Vec<CallSummary> = volunteers
        .iter()
        .flat_map(|(_, v)| v.calls_in_months(&months).unwrap())
        .collect();
    let tz = coordinator.vault.settings().time_zone;
    let expected = Report::from_calls(period, tz, coordinator.vault.themes(), &all).unwrap();
    let report = Report::for_vault(&coordinator.vault, period).unwrap();
    assert_eq!(report, expected);
    assert_eq!(report.theme_list_version, 2);
    assert!(
        report.total_calls.unwrap() >= 200,
        "{:?}",
        report.total_calls
    );
    assert!(report.previous_total_calls.unwrap() >= 200);
    let inspection = report
        .themes
        .iter()
        .find(|t| t.count.id == "inspection")
        .unwrap();
    assert!(
        inspection.count.previous_calls.is_some(),
        "the category compares"
    );
}

#[test]
fn a_damaged_foreign_or_oversized_profile_is_refused_and_changes_nothing() {
    let mut coordinator = Coordinator::new();
    let (file, fingerprint) = coordinator.export();
    let (store, mut vault) = volunteer("Volunteer A");
    import(&mut vault, &file, &fingerprint).unwrap();
    drop(vault);
    let before = store.snapshot();
    let mut vault = store.open();
    let bytes = std::fs::read(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let mut tampered = bytes.clone();
    let last = tampered.len() - 3;
    tampered[last] ^= 0x01;
    let truncated = &bytes[..bytes.len() - 10];
    let oversized = vec![b'q'; quietline::profile::MAX_PROFILE_BYTES + 1];

    // Another coordinator's profile, newer than the one in use.
    let mut other = Coordinator::new();
    other.publish_v2();
    other.export();
    let (foreign, foreign_fingerprint) = other.export();

    for (path, words) in [
        (write("tampered.qlprofile", &tampered), "changed since"),
        (write("truncated.qlprofile", truncated), "incomplete"),
        (write("oversized.qlprofile", &oversized), "larger than"),
        (foreign.clone(), "different key"),
    ] {
        let e = import(&mut vault, &path, &fingerprint).unwrap_err();
        assert!(e.message.contains(words), "{words}: {}", e.message);
    }
    drop(vault);
    assert_eq!(
        store.snapshot(),
        before,
        "a refused profile changes nothing"
    );

    // Pinning the new coordinator is its own, explicit step.
    let mut vault = store.open();
    profile::import(
        &mut vault,
        &ProfileImport {
            path: foreign.display().to_string(),
            fingerprint: foreign_fingerprint.clone(),
            repin: true,
        },
        chrono::Utc::now(),
    )
    .unwrap();
    assert_eq!(
        profile::show(&mut vault).unwrap().signer_fingerprint,
        foreign_fingerprint
    );
}

#[test]
fn a_return_made_in_another_time_zone_is_refused_at_merge() {
    let mut coordinator = Coordinator::new();
    let (file, fingerprint) = coordinator.export();
    let (_store, mut vault) = volunteer("Volunteer A");
    import(&mut vault, &file, &fingerprint).unwrap();
    log_year(&mut vault, 7, 20, 2024, &ThemeList::default_list());
    let mut settings = vault.settings().clone();
    settings.time_zone = "Europe/Dublin".parse().unwrap();
    vault.update_settings(settings).unwrap();
    let made = make(&mut vault, Period::academic(2024).unwrap());
    let e = check_return(&coordinator.vault, &made).unwrap_err();
    assert!(e.to_string().contains("Europe/Dublin time zone"), "{e}");
}

#[test]
fn a_profile_with_another_time_zone_files_every_call_under_its_new_month() {
    let mut coordinator = Coordinator::new();
    let mut settings = coordinator.vault.settings().clone();
    settings.time_zone = "America/New_York".parse().unwrap();
    coordinator.vault.update_settings(settings).unwrap();
    let (file, fingerprint) = coordinator.export();
    let (_store, mut vault) = volunteer("Volunteer A");
    // 02:00 on 1 October in London is 21:00 on 30 September in New York.
    let mut batch = vault.begin_import(now()).unwrap();
    batch.add(&typical_call(utc(2024, 10, 1, 1, 0))).unwrap();
    batch.commit().unwrap();
    let september = |vault: &Vault| {
        let report = Report::for_vault(vault, Period::academic(2024).unwrap()).unwrap();
        assert_eq!(
            report,
            Report::for_vault_from_records(vault, Period::academic(2024).unwrap()).unwrap(),
            "the report pages follow the records"
        );
        report.by_month[0].calls
    };
    assert_eq!(september(&vault), Some(0));
    import(&mut vault, &file, &fingerprint).unwrap();
    assert_eq!(vault.settings().time_zone.name(), "America/New_York");
    assert_eq!(september(&vault), Some(1));
}
