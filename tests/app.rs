//! The desktop app's operations end to end on a real store: what a
//! volunteer does in one shift, through the same API the Tauri shell calls.

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::{AppSettings, CallFilter, CallForm, ErrorCode, Session, store_status};
use quietline::safeguarding::{SafeguardingChecklist, Signpost};
use quietline::store::Vault;

use crate::support::{PASSPHRASE, TempStore};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 10, 12, 0, 0).unwrap()
}

fn form(at: &str) -> CallForm {
    CallForm {
        started_at: at.into(),
        duration_minutes: "30".into(),
        role: "headteacher".into(),
        setting: "special".into(),
        region: "london".into(),
        themes: vec!["send.ehcp".into(), "wellbeing".into()],
        risk: "high".into(),
        safeguarding: SafeguardingChecklist {
            asked_directly_about_suicide: true,
            signposted: vec!["Samaritans 116 123".into()],
            ..Default::default()
        },
        follow_up_due: "2024-06-10".into(),
        notes: "Synthetic: talked about the tribunal.".into(),
        ..CallForm::default()
    }
}

#[test]
fn a_shift_create_log_list_edit_delete_and_lock() {
    let store = TempStore::new();
    assert!(!store_status(&store.dir).exists);
    let (mut session, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(created.recovery_key.split('-').count(), 8);
    assert!(store_status(&store.dir).exists);

    let id = session.log_call(&form("2024-06-10T09:15"), now()).unwrap();
    session.log_call(&form("2024-06-01T16:00"), now()).unwrap();
    let listed = session.list_calls(&CallFilter::default(), now()).unwrap();
    assert_eq!(listed.matched, 2);
    assert_eq!(listed.calls[0].id, id, "newest first");
    assert_eq!(listed.follow_ups_due, 2, "both due today or before");

    let opened = session.open_call(&id).unwrap();
    assert_eq!(opened.form, {
        let mut f = form("2024-06-10T09:15");
        f.follow_up_needed = true;
        f
    });
    let mut edited = opened.form.clone();
    edited.follow_up_done = true;
    session.update_call(&id, &edited, now()).unwrap();
    let due = session
        .list_calls(
            &CallFilter {
                follow_up_due: true,
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    assert_eq!(due.matched, 1);

    session.delete_call(&id).unwrap();
    let err = session.open_call(&id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    // Locking is dropping the session; unlocking finds the same log.
    drop(session);
    let again = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(
        again
            .list_calls(&CallFilter::default(), now())
            .unwrap()
            .matched,
        1
    );
    let wrong = Session::unlock(&store.dir, "not the passphrase")
        .err()
        .unwrap();
    assert_eq!(wrong.code, ErrorCode::WrongPassphrase);
}

#[test]
fn a_draft_survives_a_lock_and_is_gone_once_the_call_is_saved() {
    let store = TempStore::new();
    let (session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let mut half = form("2024-06-10T09:15");
    half.role.clear();
    half.notes = "Synthetic: half-typed when the lock came".into();
    session.save_draft(&half).unwrap();
    drop(session);

    // The draft is sealed: its words are not in the file.
    let bytes: Vec<u8> = store.snapshot().into_values().flatten().collect();
    assert!(!bytes.windows(9).any(|w| w == b"half-type"));

    let mut session = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    let restored = session.draft().unwrap().expect("draft restored");
    assert_eq!(restored, half);
    let err = session.log_call(&restored, now()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("role"), "{}", err.message);
    assert!(
        session.draft().unwrap().is_some(),
        "a refused save keeps the draft"
    );

    let mut finished = restored;
    finished.role = "deputy_or_assistant_head".into();
    session.log_call(&finished, now()).unwrap();
    assert_eq!(session.draft().unwrap(), None);
}

#[test]
fn settings_are_kept_and_checked() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let defaults = session.settings();
    assert_eq!(defaults.idle_lock_minutes, 5);
    assert_eq!(defaults.time_zone, "Europe/London");
    assert!(defaults.signposting.iter().any(|s| s.contact == "116 123"));

    let mut wanted = AppSettings {
        display_name: " Volunteer A ".into(),
        idle_lock_minutes: 10,
        ..defaults.clone()
    };
    wanted.signposting.push(Signpost {
        name: "Local crisis line".into(),
        contact: "0800 000 0000".into(),
    });
    let saved = session.update_settings(&wanted).unwrap();
    assert_eq!(saved.display_name, "Volunteer A");
    drop(session);
    let session = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(session.settings(), saved);

    let mut session = session;
    for (field, bad) in [
        (
            "idle lock",
            AppSettings {
                idle_lock_minutes: 0,
                ..saved.clone()
            },
        ),
        (
            "time_zone",
            AppSettings {
                time_zone: "Mars/Olympus".into(),
                ..saved.clone()
            },
        ),
    ] {
        let err = session.update_settings(&bad).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
    }
    assert_eq!(
        session.settings(),
        saved,
        "a refused change changes nothing"
    );
}

#[test]
fn changing_the_passphrase_needs_the_current_one() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let err = session
        .change_passphrase("wrong guess here", "a new long passphrase")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassphrase);
    let err = session.change_passphrase(PASSPHRASE, "short").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("new_passphrase"));
    session
        .change_passphrase(PASSPHRASE, "a new long passphrase")
        .unwrap();
    drop(session);
    assert!(Session::unlock(&store.dir, PASSPHRASE).is_err());
    Session::unlock(&store.dir, "a new long passphrase").unwrap();
}

#[test]
fn recovery_sets_a_new_passphrase() {
    let store = TempStore::new();
    let (_, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let err = Session::recover(&store.dir, "AAAA-BBBB", "another passphrase")
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::WrongRecoveryKey);
    Session::recover(
        &store.dir,
        &created.recovery_key.to_lowercase(),
        "another passphrase",
    )
    .unwrap();
    Session::unlock(&store.dir, "another passphrase").unwrap();
}

#[test]
fn the_demo_store_is_separate_and_full_of_synthetic_calls() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("store");
    let demo = root.path().join("demo");
    let session = Session::open_demo(&demo, now()).unwrap();
    assert!(session.status().demo);
    let listed = session.list_calls(&CallFilter::default(), now()).unwrap();
    assert!(listed.matched > 1000, "{}", listed.matched);
    assert!(
        listed
            .calls
            .iter()
            .all(|c| c.started_at.as_str() <= "2024-06-10T13:00")
    );
    assert!(
        !Vault::exists(&real),
        "the volunteer's own store is untouched"
    );
    drop(session);
    // Opening it again reuses it rather than adding more.
    let again = Session::open_demo(&demo, now()).unwrap();
    assert_eq!(
        again
            .list_calls(&CallFilter::default(), now())
            .unwrap()
            .matched,
        listed.matched
    );
}

#[test]
fn a_volunteer_sends_a_return_and_the_coordinator_checks_trusts_and_merges_it() {
    use quietline::app::{MergeRequest, MergeState, ReportRequest, ReturnFileState, ReturnRequest};
    let folder = tempfile::tempdir().unwrap();
    let coordinator_store = TempStore::new();
    let (mut coordinator, _) = Session::create(&coordinator_store.dir, PASSPHRASE).unwrap();
    let before = coordinator.returns_overview(now()).unwrap();
    assert_eq!(before.own_coordinator_key, None);
    assert_eq!(before.suggested_year, 2023);
    let key = coordinator
        .become_coordinator(now())
        .unwrap()
        .own_coordinator_key
        .unwrap();
    assert!(key.starts_with("age1"));

    let volunteer_store = TempStore::new();
    let (mut volunteer, _) = Session::create(&volunteer_store.dir, PASSPHRASE).unwrap();
    let request = ReturnRequest {
        year: 2023,
        academic: true,
        path: folder.path().display().to_string(),
    };
    let e = volunteer.create_return(&request, now()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("coordinator key"), "{e:?}");
    let mut settings = volunteer.settings();
    settings.coordinator_key = "age1 not a key".into();
    let e = volunteer.update_settings(&settings).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("coordinator key"), "{e:?}");
    settings.coordinator_key = key.clone();
    settings.display_name = "Volunteer A".into();
    volunteer.update_settings(&settings).unwrap();
    volunteer
        .log_call(&form("2024-03-14T09:35"), now())
        .unwrap();
    volunteer
        .log_call(&form("2024-05-02T16:10"), now())
        .unwrap();
    let made = volunteer.create_return(&request, now()).unwrap();
    assert_eq!(
        (made.calls, made.deleted, made.period.as_str()),
        (2, 0, "2023/24")
    );
    assert!(
        made.path.ends_with("quietline-return-2023-24.qlreturn"),
        "{}",
        made.path
    );
    let again = volunteer.create_return(&request, now()).unwrap();
    assert!(
        again
            .path
            .ends_with("quietline-return-2023-24 (2).qlreturn"),
        "{}",
        again.path
    );
    let fingerprint = volunteer.returns_overview(now()).unwrap().fingerprint;
    assert_eq!(made.fingerprint, fingerprint);

    let junk = folder.path().join("junk.qlreturn");
    std::fs::write(&junk, b"not a return").unwrap();
    let paths = vec![made.path.clone(), junk.display().to_string()];
    let checked = coordinator.check_returns(&paths).unwrap();
    assert_eq!(checked[0].state, ReturnFileState::NewVolunteer);
    assert_eq!(checked[0].fingerprint, fingerprint);
    assert_eq!(
        (checked[0].volunteer.as_str(), checked[0].calls),
        ("Volunteer A", 2)
    );
    assert_eq!(checked[1].state, ReturnFileState::Refused);
    assert!(
        checked[1].problem.contains("not a Quietline return"),
        "{}",
        checked[1].problem
    );

    // Not merged until the coordinator confirms the fingerprint.
    let merge_made = |coordinator: &mut Session, trust: &[&str]| {
        let request = MergeRequest {
            paths: vec![made.path.clone()],
            trust: trust.iter().map(|t| t.to_string()).collect(),
        };
        coordinator.merge_returns(&request, now()).unwrap()
    };
    let unconfirmed = merge_made(&mut coordinator, &[]);
    assert_eq!(unconfirmed[0].state, MergeState::Refused);
    assert!(
        unconfirmed[0].message.contains(&fingerprint),
        "{}",
        unconfirmed[0].message
    );
    let merged = merge_made(&mut coordinator, &[&fingerprint]);
    assert_eq!(merged[0].state, MergeState::Merged, "{}", merged[0].message);
    let twice = merge_made(&mut coordinator, &[]);
    assert_eq!(twice[0].state, MergeState::AlreadyMerged);
    assert_eq!(
        coordinator
            .check_returns(std::slice::from_ref(&made.path))
            .unwrap()[0]
            .state,
        ReturnFileState::AlreadyMerged
    );

    let report = coordinator
        .report(&ReportRequest {
            year: 2023,
            academic: true,
            suppress_below: 0,
        })
        .unwrap();
    let all_calls = report
        .key_figures
        .iter()
        .find(|k| k.id == "total_calls")
        .unwrap();
    assert_eq!(
        all_calls.now.text, "2",
        "the coordinator's report counts the merged calls"
    );

    let volunteers = coordinator.volunteers().unwrap();
    assert_eq!(volunteers.len(), 1);
    assert_eq!(volunteers[0].calls_by_year[0].label, "2023/24");
    assert_eq!(volunteers[0].calls_by_year[0].calls, 2);
    let revoked = coordinator.revoke_volunteer(&fingerprint, now()).unwrap();
    assert!(revoked[0].revoked_on.is_some());
    assert_eq!(
        coordinator
            .check_returns(std::slice::from_ref(&again.path))
            .unwrap()[0]
            .state,
        ReturnFileState::Refused
    );
    assert_eq!(
        coordinator
            .revoke_volunteer("AAAA-AAAA", now())
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}
