//! The desktop app's operations end to end on a real store: what a
//! volunteer does in one shift, through the same API the Tauri shell calls.

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::{AppSettings, CallFilter, ErrorCode, Session, store_status};
use quietline::model::Field;
use quietline::safeguarding::Signpost;
use quietline::store::Vault;

use crate::support::{PASSPHRASE, TempStore, call_form as form};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 10, 12, 0, 0).unwrap()
}

#[test]
fn a_shift_create_log_list_edit_delete_and_lock() {
    let store = TempStore::new();
    assert!(!store_status(&store.dir).exists);
    let (mut session, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(created.recovery_key.split('-').count(), 9);
    assert!(store_status(&store.dir).exists);

    let id = session
        .log_call(&form("2024-06-10T09:15"), now())
        .unwrap()
        .id;
    session.log_call(&form("2024-06-01T16:00"), now()).unwrap();
    let listed = session.list_calls(&CallFilter::default(), now()).unwrap();
    assert_eq!(listed.matched, 2);
    assert_eq!(listed.calls[0].id, id, "newest first");
    assert_eq!(listed.follow_ups_due, 2, "both due today or before");

    let opened = session.open_call(&id).unwrap();
    assert_eq!(opened.form, {
        let mut f = form("2024-06-10T09:15");
        f.follow_up_needed = true;
        // The form of a stored call carries its id, and its due date as
        // the screen shows dates, UK style.
        f.id = id.clone();
        f.started_at = "Mon 10 Jun 2024 09:15".into();
        f.follow_up_due = "Mon 10 Jun 2024".into();
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

    session.delete_call(&id, chrono::Utc::now()).unwrap();
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
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
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
    assert_eq!(err.field, Some(Field::Role), "{}", err.message);
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
    assert!(
        !defaults.check_for_updates,
        "a new store never checks for updates until the volunteer says so"
    );

    let mut wanted = AppSettings {
        display_name: " Volunteer A ".into(),
        idle_lock_minutes: 10,
        check_for_updates: true,
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
    assert!(session.settings().check_for_updates);

    let mut session = session;
    for (field, bad) in [
        (
            Field::IdleLock,
            AppSettings {
                idle_lock_minutes: 0,
                ..saved.clone()
            },
        ),
        (
            Field::TimeZone,
            AppSettings {
                time_zone: "Mars/Olympus".into(),
                ..saved.clone()
            },
        ),
    ] {
        let err = session.update_settings(&bad).unwrap_err();
        assert_eq!(err.field, Some(field), "{}", err.message);
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
        .change_passphrase("wrong guess here", "otter mango tulip raven")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassphrase);
    let err = session.change_passphrase(PASSPHRASE, "short").unwrap_err();
    assert_eq!(err.field, Some(Field::NewPassphrase));
    // Long enough, but among the first guesses: refused, saying why.
    let err = session
        .change_passphrase(PASSPHRASE, "Headteacher2024!")
        .unwrap_err();
    assert_eq!(
        (err.code, err.field),
        (ErrorCode::Invalid, Some(Field::NewPassphrase))
    );
    assert!(err.message.contains("too easy to guess"), "{}", err.message);
    session
        .change_passphrase(PASSPHRASE, "otter mango tulip raven")
        .unwrap();
    drop(session);
    assert!(Session::unlock(&store.dir, PASSPHRASE).is_err());
    Session::unlock(&store.dir, "otter mango tulip raven").unwrap();
}

#[test]
fn recovery_sets_a_new_passphrase() {
    let store = TempStore::new();
    let (_, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let err = Session::recover(&store.dir, "AAAA-BBBB", "raven tulip mango otter")
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::WrongRecoveryKey);
    // A weak new passphrase is refused even with the right key.
    let err = Session::recover(&store.dir, &created.recovery_key, "password123")
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::Invalid);
    Session::recover(
        &store.dir,
        &created.recovery_key.to_lowercase(),
        "raven tulip mango otter",
    )
    .unwrap();
    Session::unlock(&store.dir, "raven tulip mango otter").unwrap();
}

/// One character of the recovery key typed wrong is caught by its check
/// character: refused as a typing mistake, which only the parser says,
/// before the key derivation (which would say only "wrong key"). Keys
/// written down before the check character still work.
#[test]
fn a_mistyped_recovery_key_is_caught_before_any_key_derivation() {
    let store = TempStore::new();
    let (_, created) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let key = created.recovery_key.clone();
    assert_eq!(key.split('-').count(), 9, "{key}");
    // Change the first character to another base32 character.
    let first = key.chars().next().unwrap();
    let other = if first == 'A' { 'B' } else { 'A' };
    let typo = format!("{other}{}", &key[1..]);
    let err = Session::recover(&store.dir, &typo, "raven tulip mango otter")
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::WrongRecoveryKey);
    assert!(err.message.contains("typing mistake"), "{}", err.message);
    // The same key without its check character is tried, and is wrong.
    let unchecked = &typo[..typo.len() - 2];
    let err = Session::recover(&store.dir, unchecked, "raven tulip mango otter")
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::WrongRecoveryKey);
    assert!(!err.message.contains("typing mistake"), "{}", err.message);
    // As written down before the check character: accepted.
    Session::recover(&store.dir, &key[..key.len() - 2], "raven tulip mango otter").unwrap();
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
fn the_demo_log_cannot_coordinate_make_or_merge_returns_import_keep_drafts_or_back_up() {
    use quietline::app::{MergeRequest, ProfileImport, ReturnRequest};
    let root = tempfile::tempdir().unwrap();
    let demo = root.path().join("demo");
    let refused = |e: quietline::app::AppError, what: &str| {
        assert!(
            e.message
                .starts_with("The demo log is for trying Quietline out")
                || e.message.contains("demo call log"),
            "{what}: {}",
            e.message
        );
    };
    let mut session = Session::open_demo(&demo, now()).unwrap();
    assert!(!session.status().demo_note.is_empty());
    refused(
        session.become_coordinator(now()).unwrap_err(),
        "coordinator",
    );
    let request = ReturnRequest {
        year: 2024,
        academic: true,
        path: root.path().display().to_string(),
    };
    refused(
        session.create_return(&request, now()).unwrap_err(),
        "return",
    );
    refused(
        session.check_returns(&["x.qlreturn".into()]).unwrap_err(),
        "check returns",
    );
    let merge = MergeRequest {
        paths: vec!["x.qlreturn".into()],
        trust: vec![],
    };
    refused(session.merge_returns(&merge, now()).unwrap_err(), "merge");
    refused(
        session.check_profile_file("x.qlprofile").unwrap_err(),
        "check profile",
    );
    let import = ProfileImport {
        path: "x.qlprofile".into(),
        fingerprint: String::new(),
        repin: false,
    };
    refused(session.import_profile(&import).unwrap_err(), "import");
    let form = session.new_form(now()).unwrap();
    refused(session.save_draft(&form).unwrap_err(), "draft");
    assert_eq!(session.draft().unwrap(), None);
    refused(session.back_up_now(now()).unwrap_err(), "backup");
    assert!(!session.backup_status(now()).unwrap().allowed);
    drop(session);

    // The mark is in the store: unlocked the ordinary way, it is the demo still.
    let again = Session::unlock(&demo, quietline::app::DEMO_PASSPHRASE).unwrap();
    assert!(again.status().demo);
    drop(again);
    // And so it is to the command line.
    let pass = ("QUIETLINE_PASSPHRASE", quietline::app::DEMO_PASSPHRASE);
    for args in [
        &["coordinator", "init"][..],
        &[
            "return",
            "--year",
            "2024",
            "--academic",
            "-o",
            "/tmp/never.qlreturn",
        ],
        &["merge", "/tmp/never.qlreturn"],
        &["backup", "-o", "/tmp/never.qlbackup"],
    ] {
        let out = crate::support::cli(&demo, args, &[pass]);
        assert!(!out.status.success(), "{args:?}");
        let said = crate::support::stderr(&out);
        assert!(said.contains("demo"), "{args:?}: {said}");
    }
    assert!(!std::path::Path::new("/tmp/never.qlreturn").exists());

    // A demo made by an earlier version (no mark, a draft kept) is marked,
    // and its draft dropped, when the app opens it as the demo.
    let old = root.path().join("old-demo");
    let (mut vault, _) = Vault::create(
        &old,
        &quietline::crypto::Passphrase::new(quietline::app::DEMO_PASSPHRASE),
    )
    .unwrap();
    let generation = vault.draft_generation().unwrap();
    vault.save_draft(generation, b"{}").unwrap();
    drop(vault);
    let opened = Session::open_demo(&old, now()).unwrap();
    assert!(opened.status().demo);
    assert!(!opened.status().demo_note.is_empty());
    assert!(opened.draft().unwrap().is_none());
    drop(opened);
    let vault = Vault::open(
        &old,
        &quietline::crypto::Passphrase::new(quietline::app::DEMO_PASSPHRASE),
    )
    .unwrap();
    assert!(vault.is_demo());
    assert!(vault.draft().unwrap().is_none());

    // An ordinary store is not the demo.
    let store = TempStore::new();
    let (mut own, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    assert!(!own.status().demo);
    assert!(own.status().demo_note.is_empty());
    own.become_coordinator(now()).unwrap();
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
    assert_eq!(e.field, Some(Field::CoordinatorKey), "{e:?}");
    let mut settings = volunteer.settings();
    settings.coordinator_key = "age1 not a key".into();
    let e = volunteer.update_settings(&settings).unwrap_err();
    assert_eq!(e.field, Some(Field::CoordinatorKey), "{e:?}");
    settings.coordinator_key = quietline::returns::PUBLISHED_TEST_KEY.into();
    let e = volunteer.update_settings(&settings).unwrap_err();
    assert_eq!(e.field, Some(Field::CoordinatorKey), "{e:?}");
    assert!(e.message.contains("protects nothing"), "{e:?}");
    settings.coordinator_key = key.clone();
    settings.display_name = "Volunteer A".into();
    // A key from an email is kept only with the fingerprint read out by phone.
    let e = volunteer.update_settings(&settings).unwrap_err();
    assert_eq!(e.field, Some(Field::Fingerprint), "{e:?}");
    let read_out = quietline::app::coordinator_key_fingerprint(&key).unwrap();
    assert!(e.message.contains(&read_out), "{}", e.message);
    settings.coordinator_key_fingerprint = "ABCD-EFGH-IJKL-MNOP".into();
    let e = volunteer.update_settings(&settings).unwrap_err();
    assert!(e.message.contains("Do not use this key"), "{}", e.message);
    settings.coordinator_key_fingerprint = read_out.clone();
    volunteer.update_settings(&settings).unwrap();
    assert_eq!(volunteer.settings().coordinator_key_fingerprint, read_out);
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
        .layout
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

/// What can reach the store while one call is logged on a slow machine:
/// two draft writes queued while typing, the save, the same save sent
/// again, and the next form's first draft (which exists only once the
/// save has answered).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Draft1,
    Draft2,
    Save,
    SaveAgain,
    NextDraft,
}

fn orders(steps: &[Step]) -> Vec<Vec<Step>> {
    if steps.len() <= 1 {
        return vec![steps.to_vec()];
    }
    let mut out = Vec::new();
    for (i, first) in steps.iter().enumerate() {
        let mut rest = steps.to_vec();
        rest.remove(i);
        for mut tail in orders(&rest) {
            tail.insert(0, *first);
            out.push(tail);
        }
    }
    out
}

#[test]
fn draft_writes_and_saves_in_every_order_log_one_call_and_leave_no_ghost_draft() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let all = orders(&[
        Step::Draft1,
        Step::Draft2,
        Step::Save,
        Step::SaveAgain,
        Step::NextDraft,
    ]);
    let mut tried = 0;
    for order in all {
        let save_at = order.iter().position(|s| *s == Step::Save).unwrap();
        let next_at = order.iter().position(|s| *s == Step::NextDraft).unwrap();
        if next_at < save_at {
            continue;
        }
        tried += 1;
        let before = session
            .list_calls(&CallFilter::default(), now())
            .unwrap()
            .matched;
        let opened = session.new_form(now()).unwrap();
        let mut typed = form("2024-06-10T09:15");
        typed.id = opened.id.clone();
        typed.draft_generation = opened.draft_generation;
        let mut half = typed.clone();
        half.notes = "Synthetic: half".into();
        let mut next = None;
        let mut next_draft = None;
        for step in &order {
            match step {
                Step::Draft1 => {
                    session.save_draft(&half).unwrap();
                }
                Step::Draft2 => {
                    session.save_draft(&typed).unwrap();
                }
                Step::Save | Step::SaveAgain => {
                    let logged = session.log_call(&typed, now()).unwrap();
                    assert_eq!(logged.id, typed.id);
                    next.get_or_insert(logged.next);
                }
                Step::NextDraft => {
                    let mut n = next.clone().unwrap();
                    n.notes = "Synthetic: the next caller".into();
                    assert!(session.save_draft(&n).unwrap(), "{order:?}");
                    next_draft = Some(n);
                }
            }
        }
        let listed = session.list_calls(&CallFilter::default(), now()).unwrap();
        assert_eq!(listed.matched, before + 1, "exactly one call: {order:?}");
        assert!(listed.calls.iter().any(|c| c.id == typed.id), "{order:?}");
        assert_eq!(
            session.draft().unwrap(),
            next_draft,
            "only the next call's draft, never the saved one: {order:?}"
        );
        session.clear_form(now()).unwrap();
    }
    assert_eq!(tried, 60);
}

#[test]
fn a_draft_written_after_clear_form_is_dropped() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let mut opened = session.new_form(now()).unwrap();
    opened.notes = "Synthetic: typed, then cleared".into();
    assert!(session.save_draft(&opened).unwrap());
    let fresh = session.clear_form(now()).unwrap();
    assert_eq!(session.draft().unwrap(), None);
    // The write queued before Clear lands late: it must not come back.
    assert!(!session.save_draft(&opened).unwrap());
    assert_eq!(session.draft().unwrap(), None);
    let mut typing = fresh;
    typing.notes = "Synthetic: the next call".into();
    assert!(session.save_draft(&typing).unwrap());
    assert_eq!(session.draft().unwrap(), Some(typing));
}

#[test]
fn a_running_timer_survives_a_lock_and_lengthens_the_idle_lock() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let idle = session.idle_lock_after();
    assert_eq!(idle.as_secs(), 5 * 60);
    let mut form = session.new_form(now()).unwrap();
    form.timer_started_ms = Some(now().timestamp_millis());
    session.save_draft(&form).unwrap();
    assert_eq!(session.idle_lock_after().as_secs(), 60 * 60);
    drop(session);

    let mut session = Session::unlock(&store.dir, PASSPHRASE).unwrap();
    assert_eq!(
        session.idle_lock_after().as_secs(),
        60 * 60,
        "still in a call after unlocking"
    );
    let draft = session.draft().unwrap().unwrap();
    assert_eq!(draft.timer_started_ms, form.timer_started_ms);
    let logged = session.log_short_call(&draft, "hang_up", now()).unwrap();
    assert!(
        logged.message.starts_with("Hang-up logged at "),
        "{}",
        logged.message
    );
    assert_eq!(session.idle_lock_after().as_secs(), 5 * 60);
}

#[test]
fn undo_takes_back_the_call_and_gives_the_form_back_under_a_new_id() {
    let store = TempStore::new();
    let (mut session, _) = Session::create(&store.dir, PASSPHRASE).unwrap();
    let opened = session.new_form(now()).unwrap();
    let mut typed = form("2024-06-10T09:15");
    typed.id = opened.id;
    typed.draft_generation = opened.draft_generation;
    let logged = session.log_call(&typed, now()).unwrap();
    assert_eq!(logged.message, "Call logged at 13:00.");
    let back = session.undo_log(&logged.id, &typed).unwrap();
    assert_ne!(back.id, typed.id);
    assert_eq!(back.notes, typed.notes);
    assert_eq!(
        session
            .list_calls(&CallFilter::default(), now())
            .unwrap()
            .matched,
        0
    );
    assert_eq!(
        session.draft().unwrap(),
        Some(back.clone()),
        "kept as the draft"
    );
    session.log_call(&back, now()).unwrap();
    assert_eq!(
        session
            .list_calls(&CallFilter::default(), now())
            .unwrap()
            .matched,
        1
    );
    assert_eq!(session.draft().unwrap(), None);
}
