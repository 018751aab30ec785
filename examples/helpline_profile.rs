//! The helpline profile from start to finish, with synthetic calls only: a
//! coordinator publishes theme list version 2 (Quietline's 2025 list) and
//! exports the profile, with a merge and a retirement of its own; three volunteers import it after checking the
//! fingerprint, log 2024/25 under version 1 and 2025/26 under version 2,
//! and send returns; the coordinator merges them and writes the 2025/26
//! academic report (text, JSON and the printable HTML) comparing the two
//! years across the two versions.
//!
//! ```sh
//! cargo run --example helpline_profile -- OUT_DIR
//! ```
//!
//! The stores live in a temporary directory and are removed at the end;
//! only the reports are written to `OUT_DIR`.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use quietline::app::ThemeDraftEdit;
use quietline::app::profile::{self, ProfileDetails, ProfileImport};
use quietline::app::themes;
use quietline::crypto::Passphrase;
use quietline::period::Period;
use quietline::report::{Report, to_html, to_text};
use quietline::returns::{self, check_return, merge_checked};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use quietline::themes::ThemeList;
use quietline::themes::edit::ThemeEdit;

type Failure = Box<dyn std::error::Error>;

const PASSPHRASE: &str = "synthetic example store, not a real one";

fn create(dir: &Path) -> Result<Vault, Failure> {
    Ok(Vault::create(dir, &Passphrase::new(PASSPHRASE))?.0)
}

fn log_year(
    vault: &mut Vault,
    seed: u64,
    calls: usize,
    start: i32,
    list: &ThemeList,
) -> Result<(), Failure> {
    let first = NaiveDate::from_ymd_opt(start, 9, 1).ok_or("no such day")?;
    let last = NaiveDate::from_ymd_opt(start + 1, 8, 31).ok_or("no such day")?;
    let now = Utc::now();
    let mut batch = vault.begin_import(now)?;
    for call in SyntheticCalls::new(seed, start, 2)
        .with_themes(list.clone())
        .filter(|c| {
            let day = c.facts.started_at.date_naive();
            day >= first && day <= last
        })
        .take(calls)
    {
        batch.add(&call)?;
    }
    batch.commit()?;
    Ok(())
}

fn main() -> Result<(), Failure> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("give a folder for the reports")?,
    );
    std::fs::create_dir_all(&out)?;
    let work = tempfile::tempdir()?;
    let today = Utc
        .with_ymd_and_hms(2026, 12, 2, 12, 0, 0)
        .single()
        .ok_or("bad date")?;

    // The coordinator.
    let mut coordinator = create(&work.path().join("coordinator"))?;
    coordinator.create_coordinator_identity()?;
    profile::set_details(
        &mut coordinator,
        &ProfileDetails {
            helpline: "Example Headteachers' Helpline (synthetic)".into(),
            suppress_below: 5,
        },
    )?;
    let folder = work.path().display().to_string();
    let v1_profile = profile::export(&mut coordinator, &folder, today)?;
    let v1 = coordinator.themes().current().clone();

    // Three volunteers import it after comparing the fingerprint by phone.
    let mut volunteers = Vec::new();
    for (i, name) in ["Volunteer A", "Volunteer B", "Volunteer C"]
        .iter()
        .enumerate()
    {
        let mut vault = create(&work.path().join(format!("volunteer-{i}")))?;
        let mut settings = vault.settings().clone();
        settings.display_name = (*name).into();
        vault.update_settings(settings)?;
        profile::import(
            &mut vault,
            &ProfileImport {
                path: v1_profile.path.clone(),
                fingerprint: v1_profile.fingerprint.clone(),
                repin: false,
            },
            today,
        )?;
        log_year(&mut vault, i as u64 + 1, 700, 2024, &v1)?;
        volunteers.push(vault);
    }

    // The coordinator adopts Quietline's 2025 list and sends a new profile.
    // On top of it, two changes of this helpline's own: complaints from
    // parents become one theme, and "information request" is retired.
    let mut draft = themes::start_draft(&mut coordinator, true, today.date_naive())?.draft;
    for edit in [
        ThemeEdit::Merge {
            ids: vec![
                "parents.unreasonable_behaviour".into(),
                "parents.vexatious_complaints".into(),
            ],
            label: "Unreasonable behaviour and vexatious complaints".into(),
        },
        ThemeEdit::Retire {
            id: "other.information".into(),
        },
    ] {
        draft = themes::edit_draft(
            &mut coordinator,
            &ThemeDraftEdit { draft, edit },
            today.date_naive(),
        )?
        .draft;
    }
    themes::publish_draft(&mut coordinator, &draft)?;
    let v2_profile = profile::export(&mut coordinator, &folder, today)?;
    let v2 = coordinator.themes().current().clone();
    for (i, vault) in volunteers.iter_mut().enumerate() {
        profile::import(
            vault,
            &ProfileImport {
                path: v2_profile.path.clone(),
                fingerprint: String::new(),
                repin: false,
            },
            today,
        )?;
        log_year(vault, i as u64 + 10, 760, 2025, &v2)?;
    }

    // Returns for both years, merged at the coordinator's.
    for vault in &mut volunteers {
        for year in [2024, 2025] {
            let to = returns::coordinator_key(vault, None)?;
            let made =
                returns::make_return(vault, Period::academic(year)?, &to, today.date_naive())?;
            let checked = check_return(&coordinator, &made.bytes)?;
            merge_checked(&mut coordinator, &checked, true, today.date_naive())?;
        }
    }

    let mut report = Report::for_vault(&coordinator, Period::academic(2025)?)?;
    report.suppress_below(5);
    std::fs::write(out.join("report-2025-26.txt"), to_text(&report))?;
    std::fs::write(out.join("report-2025-26.html"), to_html(&report))?;
    std::fs::write(
        out.join("report-2025-26.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    eprintln!(
        "Wrote the 2025/26 report ({} calls; theme list version {}) to {}",
        report.total_calls.unwrap_or_default(),
        report.theme_list_version,
        out.display()
    );
    Ok(())
}
