//! The activity record end to end: each use case writes its own entry, a
//! failed unlock writes nothing, and no entry ever holds a call's notes.

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::{
    CallForm, ErrorCode, ExportFormat, MergeRequest, MergeState, ProfileDetails, ProfileImport,
    ReportRequest, RestoreRequest, ReturnRequest, Session, ThemeDraftEdit,
};
use quietline::crypto::Passphrase;
use quietline::safeguarding::SafeguardingChecklist;
use quietline::store::Vault;
use quietline::themes::edit::{NewTheme, ThemeEdit};

use crate::support::{PASSPHRASE, TempStore, call_form};

/// Typed into a call's notes and safeguarding steps: it must never reach
/// the activity record.
const CANARY: &str = "CANARY-caller-said-their-name-was-Jo";
const NEW_PASSPHRASE: &str = "a brand new passphrase for the log";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 10, 12, 0, 0).unwrap()
}

fn form(at: &str) -> CallForm {
    CallForm {
        themes: vec!["wellbeing".into()],
        safeguarding: SafeguardingChecklist {
            signposted: vec![CANARY.into()],
            ..Default::default()
        },
        follow_up_due: String::new(),
        notes: format!("Synthetic: {CANARY}"),
        ..call_form(at)
    }
}

fn kinds(session: &Session) -> Vec<String> {
    let list = session.activity(None).unwrap();
    assert_eq!(list.total as usize, list.entries.len());
    list.entries.into_iter().map(|e| e.kind).collect()
}

fn descriptions(session: &Session) -> Vec<String> {
    let list = session.activity(None).unwrap();
    list.entries.into_iter().map(|e| e.description).collect()
}

/// Every entry of the store's record as stored (its sealed plaintext,
/// opened) and as shown: none may hold the canary.
fn assert_no_canary(dir: &std::path::Path, passphrase: &str, session: &Session) {
    let vault = Vault::open(dir, &Passphrase::new(passphrase)).unwrap();
    let stored = format!("{:?}", vault.activity().unwrap());
    let shown = serde_json::to_string(&session.activity(None).unwrap()).unwrap();
    for text in [stored, shown] {
        assert!(!text.contains("CANARY"), "{text}");
        assert!(!text.contains("Synthetic"), "{text}");
    }
}

#[test]
fn a_failed_unlock_writes_nothing_and_the_next_unlock_counts_it() {
    let store = TempStore::new();
    let (session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    drop(session);
    let before = store.snapshot();
    for _ in 0..2 {
        let e = Session::unlock(&store.dir, "not the passphrase at all").err();
        assert_eq!(e.map(|e| e.code), Some(ErrorCode::WrongPassphrase));
    }
    assert_eq!(store.snapshot(), before, "a failed unlock writes nothing");

    let session = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(
        descriptions(&session),
        ["Made this call log.", "Unlocked after 2 failed attempts."]
    );
    drop(session);
    // The count starts again after a successful unlock.
    let session = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(descriptions(&session)[2], "Unlocked.");
}

#[test]
fn each_use_case_records_its_entry_and_none_holds_a_note() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().display().to_string();

    // The coordinator publishes the helpline profile.
    let coordinator_store = TempStore::new();
    let (mut coordinator, _) = Session::create(&coordinator_store.dir, PASSPHRASE).unwrap();
    coordinator.become_coordinator(now()).unwrap();
    coordinator
        .set_profile_details(&ProfileDetails {
            helpline: "Test Helpline".into(),
            suppress_below: 5,
        })
        .unwrap();
    let profile = coordinator.export_profile(&out, now()).unwrap();

    // A volunteer's shift, and the year's end.
    let store = TempStore::new();
    let (mut volunteer, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let kept = volunteer
        .log_call(&form("2024-03-14T09:35"), now())
        .unwrap();
    let gone = volunteer
        .log_call(&form("2024-05-02T16:10"), now())
        .unwrap();
    volunteer
        .update_call(&kept.id, &form("2024-03-14T09:40"), now())
        .unwrap();
    volunteer.hold(&kept.id, now()).unwrap();
    volunteer.release_hold(&kept.id).unwrap();
    volunteer.delete_call(&gone.id, now()).unwrap();
    volunteer
        .change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
        .unwrap();
    let request = ReportRequest {
        year: 2023,
        academic: true,
        suppress_below: 0,
    };
    let report = volunteer
        .export_report(&request, &[], ExportFormat::Html, &out)
        .unwrap();
    let shred = volunteer.set_retention(1, now()).unwrap();
    assert_eq!(shred.calls, 1);
    let backup = folder.path().join("shift.qlbackup");
    let backup = volunteer.back_up_to(&backup, now()).unwrap().path;
    volunteer
        .import_profile(&ProfileImport {
            path: profile.path.clone(),
            fingerprint: profile.fingerprint.clone(),
            repin: false,
        })
        .unwrap();
    let mut settings = volunteer.settings();
    settings.display_name = "Volunteer A".into();
    volunteer.update_settings(&settings).unwrap();
    let made = volunteer
        .create_return(
            &ReturnRequest {
                year: 2023,
                academic: true,
                path: out.clone(),
            },
            now(),
        )
        .unwrap();
    assert_eq!(
        kinds(&volunteer),
        [
            "created",
            "call_edited",
            "hold_placed",
            "hold_released",
            "call_deleted",
            "passphrase_changed",
            "report_written",
            "retention_set",
            "shredded",
            "backup_made",
            "profile_imported",
            "return_written",
        ]
    );
    let shown = volunteer.activity(None).unwrap().entries;
    assert_eq!(
        shown[4].description,
        format!("Deleted call {}…", &gone.id[..8])
    );
    assert_eq!(shown[4].at, "Mon 10 Jun 2024 13:00", "UK date, London time");
    assert_eq!(
        shown[6].description,
        format!("Wrote the 2023/24 report to {}.", report.path)
    );
    assert_eq!(
        shown[11].description,
        format!("Wrote the return for 2023/24 to {}.", made.path)
    );
    assert_no_canary(&store.dir, NEW_PASSPHRASE, &volunteer);

    // The coordinator refuses a file that is no return, trusts the
    // volunteer, merges theirs, then revokes them.
    let junk = folder.path().join("junk.qlreturn");
    std::fs::write(&junk, b"not a return").unwrap();
    let merge = |coordinator: &mut Session, path: String, trust: Vec<String>| {
        let request = MergeRequest {
            paths: vec![path],
            trust,
        };
        coordinator.merge_returns(&request, now()).unwrap()
    };
    let refused = merge(&mut coordinator, junk.display().to_string(), vec![]);
    assert_eq!(refused[0].state, MergeState::Refused);
    let merged = merge(
        &mut coordinator,
        made.path.clone(),
        vec![made.fingerprint.clone()],
    );
    assert_eq!(merged[0].state, MergeState::Merged, "{}", merged[0].message);
    let again = merge(&mut coordinator, made.path.clone(), vec![]);
    assert_eq!(again[0].state, MergeState::AlreadyMerged);
    coordinator
        .revoke_volunteer(&made.fingerprint, now())
        .unwrap();
    // A new theme list published.
    let draft = coordinator.start_theme_draft(true, now()).unwrap();
    let edited = coordinator
        .edit_theme_draft(
            &ThemeDraftEdit {
                draft: draft.draft,
                edit: ThemeEdit::Add {
                    category: None,
                    theme: NewTheme {
                        id: "trusts".into(),
                        label: "Trusts".into(),
                        description: "Working in a multi-academy trust".into(),
                    },
                },
            },
            now(),
        )
        .unwrap();
    coordinator.publish_theme_draft(&edited.draft).unwrap();
    assert_eq!(
        kinds(&coordinator),
        [
            "created",
            "profile_exported",
            "return_refused",
            "volunteer_trusted",
            "return_merged",
            "volunteer_revoked",
            "theme_list_published",
        ]
    );
    let shown = coordinator.activity(None).unwrap().entries;
    assert!(
        shown[2].description.contains("not a Quietline return"),
        "{}",
        shown[2].description
    );
    assert!(shown[5].description.contains(&made.fingerprint));
    assert_no_canary(&coordinator_store.dir, PASSPHRASE, &coordinator);

    // The backup restored elsewhere: its record up to the backup, then
    // the restore.
    let elsewhere = TempStore::new();
    let (restored, _) = Session::restore(
        &elsewhere.dir,
        &RestoreRequest {
            path: backup.clone(),
            passphrase: NEW_PASSPHRASE.into(),
            ..RestoreRequest::default()
        },
        now(),
    )
    .unwrap();
    let after = kinds(&restored);
    assert_eq!(after[..9], kinds(&volunteer)[..9]);
    assert_eq!(after[9..], ["restored"]);
    assert_no_canary(&elsewhere.dir, NEW_PASSPHRASE, &restored);

    // The recovery key sets a new passphrase and unlocks.
    drop(volunteer);
    let recovered = Session::recover(&store.dir, &created.recovery_key, PASSPHRASE).unwrap();
    assert_eq!(kinds(&recovered).last().unwrap(), "recovery_key_used");
}

#[test]
fn the_since_filter_keeps_entries_from_that_local_day_on() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let id = session
        .log_call(&form("2024-06-01T10:00"), now())
        .unwrap()
        .id;
    // 22:30 UTC on 9 June is 23:30 that day in London; 23:30 UTC is
    // already 10 June there.
    let early = Utc.with_ymd_and_hms(2024, 6, 9, 22, 30, 0).unwrap();
    let late = Utc.with_ymd_and_hms(2024, 6, 9, 23, 30, 0).unwrap();
    session.hold(&id, early).unwrap();
    session.delete_call(&id, late).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 10);
    let since = session.activity(day).unwrap();
    assert_eq!(since.total, 3);
    let kinds: Vec<&str> = since.entries.iter().map(|e| e.kind.as_str()).collect();
    // The store was made today, by the clock.
    assert_eq!(kinds, ["created", "call_deleted"]);
    assert_eq!(since.entries[1].at, "Mon 10 Jun 2024 00:30");
    assert_eq!(since.entries[1].at_utc, "2024-06-09T23:30:00Z");
}
