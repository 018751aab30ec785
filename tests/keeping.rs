//! Backups, restore, retention and erasure, through the use cases both
//! front doors call (`quietline::app::keeping`), and kill -9 in the middle
//! of each through the CLI.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use quietline::app::ErrorCode;
use quietline::app::keeping::{self, BackupChoice, RestoreRequest};
use quietline::crypto::Passphrase;
use quietline::model::{CallId, Field, NewCall};
use quietline::period::Period;
use quietline::report::{Report, to_text};
use quietline::returns::{self, CoordinatorKey, check_return, merge_checked};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;

use crate::support::PASSPHRASE;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap()
}

/// Synthetic calls from September 2024 up to `now()`, each with a canary
/// in its notes and safeguarding steps, so a scan can look for them.
fn calls(n: usize) -> Vec<NewCall> {
    SyntheticCalls::new(3, 2024, 2)
        .filter(|c| c.facts.started_at < now())
        .take(n)
        .enumerate()
        .map(|(i, mut c)| {
            c.details.notes = format!("CANARY-NOTE-{i:05} synthetic");
            c.details.safeguarding = vec![format!("CANARY-STEP-{i:05}")];
            c
        })
        .collect()
}

fn store_with(dir: &Path, calls: &[NewCall]) -> Vault {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let mut settings = vault.settings().clone();
    settings.display_name = "Volunteer A".into();
    vault.update_settings(settings).unwrap();
    let mut batch = vault.begin_import(now()).unwrap();
    for call in calls {
        batch.add(call).unwrap();
    }
    batch.commit().unwrap();
    vault
}

fn report(vault: &Vault, year: i32) -> String {
    to_text(&Report::for_vault(vault, Period::academic(year).unwrap()).unwrap())
}

fn request(path: &Path) -> RestoreRequest {
    RestoreRequest {
        path: path.display().to_string(),
        passphrase: PASSPHRASE.into(),
        ..RestoreRequest::default()
    }
}

fn with_folder(vault: &mut Vault, folder: &Path, keep: u32) {
    std::fs::create_dir_all(folder).unwrap();
    let choice = BackupChoice {
        folder: folder.display().to_string(),
        keep,
        warn_after_days: 7,
    };
    keeping::choose(vault, &choice, now()).unwrap();
}

fn backups_in(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "qlbackup"))
        .collect();
    found.sort();
    found
}

/// The calls a backup holds, restored into a scratch folder.
fn calls_in_backup(file: &Path) -> Vec<quietline::model::Call> {
    let tmp = tempfile::tempdir().unwrap();
    let (vault, _) = keeping::restore(&tmp.path().join("s"), &request(file), now()).unwrap();
    vault
        .all_calls()
        .unwrap()
        .into_iter()
        .map(|c| vault.call(c.id).unwrap())
        .collect()
}

/// The refusal of a restore that must fail.
fn refused<T>(result: Result<T, quietline::app::AppError>) -> quietline::app::AppError {
    match result {
        Ok(_) => panic!("the restore should have been refused"),
        Err(e) => e,
    }
}

fn coordinator(dir: &Path) -> (Vault, CoordinatorKey) {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let (key, _) = vault.create_coordinator_identity().unwrap();
    (vault, key)
}

fn make_return(vault: &mut Vault, to: &CoordinatorKey) -> Vec<u8> {
    returns::make_return(
        vault,
        Period::academic(2024).unwrap(),
        to,
        now().date_naive(),
    )
    .unwrap()
    .bytes
}

fn merge(vault: &mut Vault, file: &[u8]) -> Result<returns::Merged, returns::ReturnError> {
    let checked = check_return(vault, file)?;
    merge_checked(vault, &checked, true, now().date_naive())
}

#[test]
fn a_restored_backup_gives_the_same_report_notes_and_return() {
    let tmp = tempfile::tempdir().unwrap();
    let mut vault = store_with(&tmp.path().join("store"), &calls(300));
    let file = tmp.path().join("one.qlbackup");
    let made = keeping::back_up_to(&mut vault, &file, now()).unwrap();
    assert_eq!(made.calls, 300);

    let laptop = tmp.path().join("new-laptop");
    let preview = keeping::preview_restore(&laptop, &request(&file)).unwrap();
    assert_eq!(preview.calls, 300, "{preview:?}");
    assert!(!preview.store_exists);
    assert!(!Vault::exists(&laptop), "a preview keeps nothing");
    let (mut restored, done) = keeping::restore(&laptop, &request(&file), now()).unwrap();
    assert_eq!(done.calls, 300);
    assert_eq!(report(&restored, 2024), report(&vault, 2024));
    assert_eq!(report(&restored, 2025), report(&vault, 2025));
    let all = vault.all_calls().unwrap();
    assert_eq!(restored.all_calls().unwrap(), all);
    let ids: Vec<CallId> = all.iter().map(|c| c.id).collect();
    assert_eq!(
        restored.details_of(&ids).unwrap(),
        vault.details_of(&ids).unwrap()
    );

    // Two coordinators merge a return from each: the same counts.
    let (mut first, key) = coordinator(&tmp.path().join("c1"));
    let (mut second, key2) = coordinator(&tmp.path().join("c2"));
    let settings = |v: &mut Vault, k: &CoordinatorKey| {
        let mut s = v.settings().clone();
        s.coordinator_key = Some(k.to_string());
        v.update_settings(s).unwrap();
    };
    settings(&mut vault, &key);
    settings(&mut restored, &key2);
    merge(&mut first, &make_return(&mut vault, &key)).unwrap();
    merge(&mut second, &make_return(&mut restored, &key2)).unwrap();
    assert_eq!(report(&first, 2024), report(&second, 2024));
}

#[test]
fn a_store_restored_from_an_older_backup_still_sends_returns_that_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut coordinator, key) = coordinator(&tmp.path().join("coordinator"));
    let mut vault = store_with(&tmp.path().join("store"), &calls(120));
    let mut s = vault.settings().clone();
    s.coordinator_key = Some(key.to_string());
    vault.update_settings(s).unwrap();
    let file = tmp.path().join("before.qlbackup");
    keeping::back_up_to(&mut vault, &file, now()).unwrap();
    // The lost laptop made several returns after the backup.
    for _ in 0..3 {
        let r = make_return(&mut vault, &key);
        merge(&mut coordinator, &r).unwrap();
    }
    drop(vault);
    let (mut restored, _) =
        keeping::restore(&tmp.path().join("new-laptop"), &request(&file), now()).unwrap();
    let next = make_return(&mut restored, &key);
    let merged = merge(&mut coordinator, &next);
    assert!(
        matches!(merged, Ok(returns::Merged::Merged(_))),
        "the restored store's return must merge, got {merged:?}"
    );
}

#[test]
fn wrong_damaged_truncated_and_foreign_files_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut vault = store_with(&tmp.path().join("store"), &calls(50));
    let file = tmp.path().join("good.qlbackup");
    keeping::back_up_to(&mut vault, &file, now()).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let laptop = tmp.path().join("laptop");

    let wrong = RestoreRequest {
        passphrase: "not the passphrase at all".into(),
        ..request(&file)
    };
    let e = refused(keeping::restore(&laptop, &wrong, now()));
    assert_eq!(e.code, ErrorCode::WrongPassphrase, "{e:?}");

    let flipped = tmp.path().join("flipped.qlbackup");
    let mut changed = bytes.clone();
    let at = changed.len() - 5000;
    changed[at] ^= 0x40;
    std::fs::write(&flipped, &changed).unwrap();
    let e = refused(keeping::restore(&laptop, &request(&flipped), now()));
    assert!(e.message.contains("damaged"), "{e:?}");

    let truncated = tmp.path().join("truncated.qlbackup");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let e = refused(keeping::restore(&laptop, &request(&truncated), now()));
    assert!(e.message.contains("damaged"), "{e:?}");

    let other = tmp.path().join("notes.qlbackup");
    std::fs::write(&other, b"Dear diary, this is not a backup.\n").unwrap();
    let e = refused(keeping::restore(&laptop, &request(&other), now()));
    assert!(e.message.contains("not a Quietline backup"), "{e:?}");

    let missing = tmp.path().join("missing.qlbackup");
    let e = refused(keeping::restore(&laptop, &request(&missing), now()));
    assert_eq!(e.field, Some(Field::BackupFile), "{e:?}");

    // A header edited to pass the file off as made at another time.
    let edited = tmp.path().join("edited.qlbackup");
    let text = String::from_utf8_lossy(&bytes[..300]).into_owned();
    let year = text.find("\"made_at\":\"2026").unwrap() + "\"made_at\":\"".len();
    let mut changed = bytes.clone();
    changed[year..year + 4].copy_from_slice(b"2027");
    std::fs::write(&edited, &changed).unwrap();
    let e = refused(keeping::restore(&laptop, &request(&edited), now()));
    assert!(e.message.contains("damaged"), "{e:?}");

    // Nothing was left behind by any of them.
    let left: Vec<_> = std::fs::read_dir(&laptop)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn the_recovery_key_restores_and_sets_a_new_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let (mut vault, recovery) = Vault::create(&dir, &Passphrase::new(PASSPHRASE)).unwrap();
    vault.log_call(&calls(1)[0], now()).unwrap();
    let file = tmp.path().join("b.qlbackup");
    keeping::back_up_to(&mut vault, &file, now()).unwrap();
    let laptop = tmp.path().join("laptop");
    let by_key = RestoreRequest {
        path: file.display().to_string(),
        recovery_key: recovery.to_display().to_string(),
        new_passphrase: "a brand new passphrase for the new laptop".into(),
        ..RestoreRequest::default()
    };
    keeping::restore(&laptop, &by_key, now()).unwrap();
    let reopened = Vault::open(
        &laptop,
        &Passphrase::new("a brand new passphrase for the new laptop"),
    )
    .unwrap();
    assert_eq!(reopened.call_count().unwrap(), 1);
}

#[test]
fn an_existing_log_is_replaced_only_after_the_typed_word() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let mut vault = store_with(&dir, &calls(40));
    let file = tmp.path().join("b.qlbackup");
    keeping::back_up_to(&mut vault, &file, now()).unwrap();
    drop(vault);
    let mut other = store_with(&tmp.path().join("elsewhere"), &[]);
    other.log_call(&calls(1)[0], now()).unwrap();
    drop(other);
    // A log of one call exists where the backup of forty is restored.
    let (mut here, _) =
        Vault::create(&tmp.path().join("here"), &Passphrase::new(PASSPHRASE)).unwrap();
    here.log_call(&calls(1)[0], now()).unwrap();
    drop(here);
    let target = tmp.path().join("here");
    let e = refused(keeping::restore(&target, &request(&file), now()));
    assert_eq!(e.field, Some(Field::ReplaceConfirmation), "{e:?}");
    let still = Vault::open(&target, &Passphrase::new(PASSPHRASE)).unwrap();
    assert_eq!(still.call_count().unwrap(), 1);
    drop(still);
    let typed = RestoreRequest {
        confirm: " Replace ".into(),
        ..request(&file)
    };
    let (restored, _) = keeping::restore(&target, &typed, now()).unwrap();
    assert_eq!(restored.call_count().unwrap(), 40);
    drop(restored);
    let reopened = Vault::open(&target, &Passphrase::new(PASSPHRASE)).unwrap();
    assert_eq!(reopened.call_count().unwrap(), 40);
}

#[test]
fn a_backup_taken_while_another_process_logs_holds_every_call_committed_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let mut vault = store_with(&dir, &calls(200));
    let logger_dir = dir.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let committed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<CallId>::new()));
    let logger = {
        let (stop, committed) = (stop.clone(), committed.clone());
        std::thread::spawn(move || {
            // Another connection, as the CLI beside the open app would be.
            let mut other = Vault::open(&logger_dir, &Passphrase::new(PASSPHRASE)).unwrap();
            let call = calls(1).remove(0);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let id = other.log_call(&call, now()).unwrap();
                committed.lock().unwrap().push(id);
                // A breath between calls, as anyone logging takes: without
                // it this loop holds the write lock so nearly all the time
                // that the backup's own activity entry can wait out the
                // busy timeout.
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        })
    };
    // Let the logger get going, then back up three times while it runs.
    while committed.lock().unwrap().len() < 20 {
        std::thread::yield_now();
    }
    let mut checks = Vec::new();
    for n in 0..3 {
        let before: Vec<CallId> = committed.lock().unwrap().clone();
        let file = tmp.path().join(format!("during-{n}.qlbackup"));
        keeping::back_up_to(&mut vault, &file, now()).unwrap();
        checks.push((file, before));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    logger.join().unwrap();
    for (file, before) in checks {
        let held: BTreeSet<CallId> = calls_in_backup(&file)
            .iter()
            .map(|c| c.summary.id)
            .collect();
        assert!(before.len() >= 20);
        for id in &before {
            assert!(held.contains(id), "{id} was committed before the backup");
        }
    }
}

#[test]
fn backups_rotate_to_the_newest_kept_and_leave_other_files_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    let mut vault = store_with(&tmp.path().join("store"), &calls(30));
    with_folder(&mut vault, &folder, 3);
    // Another store's backup and an unrelated file share the folder.
    let mut stranger = store_with(&tmp.path().join("stranger"), &calls(2));
    keeping::back_up_to(&mut stranger, &folder.join("theirs.qlbackup"), now()).unwrap();
    std::fs::write(folder.join("shopping.txt"), "milk").unwrap();

    let status = keeping::status(&vault, now()).unwrap();
    assert!(status.line.starts_with("No backups yet"), "{status:?}");
    for day in 0..5 {
        let at = now() + Duration::days(day);
        keeping::back_up_now(&mut vault, at).unwrap();
    }
    let files = backups_in(&folder);
    assert_eq!(files.len(), 4, "3 of ours and theirs: {files:?}");
    assert!(folder.join("theirs.qlbackup").exists());
    assert!(folder.join("shopping.txt").exists());
    let later = now() + Duration::days(6);
    let status = keeping::status(&vault, later).unwrap();
    assert_eq!(status.kept, 3);
    assert!(
        status
            .line
            .starts_with("Last backup: 2 days ago, 3 kept in"),
        "{}",
        status.line
    );
    assert!(status.warning.is_empty(), "{}", status.warning);
    let status = keeping::status(&vault, now() + Duration::days(12)).unwrap();
    assert!(status.warning.contains("8 days ago"), "{}", status.warning);
    // Automatic backups: at most one a day.
    let after = now() + Duration::days(4) + Duration::hours(3);
    assert!(
        keeping::back_up_if_due(&mut vault, after)
            .unwrap()
            .is_none()
    );
    let next_day = now() + Duration::days(5) + Duration::hours(1);
    assert!(
        keeping::back_up_if_due(&mut vault, next_day)
            .unwrap()
            .is_some()
    );
    // An unplugged folder: a calm warning, and no automatic backup.
    std::fs::rename(&folder, tmp.path().join("unplugged")).unwrap();
    let status = keeping::status(&vault, next_day).unwrap();
    assert!(status.warning.contains("cannot be reached"), "{status:?}");
    assert!(!status.reachable);
    let much_later = next_day + Duration::days(3);
    assert!(
        keeping::back_up_if_due(&mut vault, much_later)
            .unwrap()
            .is_none()
    );
    assert!(keeping::back_up_now(&mut vault, much_later).is_err());
}

#[test]
fn rotation_removes_backups_older_than_the_retention_period() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    let mut vault = store_with(&tmp.path().join("store"), &calls(20));
    with_folder(&mut vault, &folder, 7);
    keeping::back_up_now(&mut vault, now() - Duration::days(400)).unwrap();
    keeping::back_up_now(&mut vault, now() - Duration::days(200)).unwrap();
    vault
        .change_keeping(|k| {
            k.retention_months = Some(12);
            Ok(())
        })
        .unwrap();
    keeping::back_up_now(&mut vault, now()).unwrap();
    // The 400-day-old backup holds text older than the policy allows.
    assert_eq!(backups_in(&folder).len(), 2);
    assert_eq!(keeping::status(&vault, now()).unwrap().kept, 2);
}

#[test]
fn the_demo_store_is_never_backed_up() {
    let tmp = tempfile::tempdir().unwrap();
    let mut vault = store_with(&tmp.path().join("store"), &calls(3));
    vault.mark_demo().unwrap();
    let e = keeping::back_up_to(&mut vault, &tmp.path().join("x.qlbackup"), now()).unwrap_err();
    assert!(e.message.contains("demo"), "{e:?}");
    assert!(!tmp.path().join("x.qlbackup").exists());
}

/// Every run of at least 24 bytes of `needle` found in `haystack`.
fn contains_any_run(haystack: &[u8], needles: &[Vec<u8>]) -> usize {
    let mut found = 0;
    for needle in needles {
        for window in needle.chunks(24).filter(|w| w.len() == 24) {
            if haystack.windows(24).any(|h| h == window) {
                found += 1;
                break;
            }
        }
    }
    found
}

/// The sealed bytes of each call's notes record, straight from the file.
fn sealed_details(dir: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let conn = rusqlite::Connection::open(dir.join("quietline.db")).unwrap();
    let mut stmt = conn.prepare("SELECT id, sealed FROM call_details").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

#[test]
fn shredding_leaves_no_trace_of_old_notes_anywhere_and_moves_no_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let folder = tmp.path().join("usb");
    let all = calls(400);
    let mut vault = store_with(&dir, &all);
    with_folder(&mut vault, &folder, 7);
    keeping::back_up_now(&mut vault, now() - Duration::days(2)).unwrap();
    keeping::back_up_now(&mut vault, now() - Duration::days(1)).unwrap();
    let coordinator_key = {
        let (_, key) = coordinator(&tmp.path().join("c"));
        key
    };
    let mut s = vault.settings().clone();
    s.coordinator_key = Some(coordinator_key.to_string());
    vault.update_settings(s).unwrap();

    // One old call is on legal hold.
    let tz = vault.settings().time_zone;
    let summaries = vault.all_calls().unwrap();
    let cutoff = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
    let old: Vec<_> = summaries
        .iter()
        .filter(|c| c.facts.started_at.with_timezone(&tz).date_naive() < cutoff)
        .collect();
    assert!(old.len() > 100, "{} old calls", old.len());
    let held = old[0].id;
    keeping::hold(&mut vault, held, now()).unwrap();

    let reports_before = (report(&vault, 2024), report(&vault, 2025));
    let return_before = {
        let (mut c, key) = coordinator(&tmp.path().join("c-before"));
        let mut s = vault.settings().clone();
        s.coordinator_key = Some(key.to_string());
        vault.update_settings(s).unwrap();
        merge(&mut c, &make_return(&mut vault, &key)).unwrap();
        (report(&c, 2024), report(&c, 2025))
    };
    let old_sealed: Vec<Vec<u8>> = sealed_details(&dir)
        .into_iter()
        .filter(|(id, _)| {
            old.iter()
                .any(|c| c.id.as_bytes().as_slice() == id.as_slice() && c.id != held)
        })
        .map(|(_, sealed)| sealed)
        .collect();
    assert_eq!(old_sealed.len(), old.len() - 1);
    let preview = keeping::preview_shred(&vault, 12, now()).unwrap();
    assert_eq!(preview.calls as usize, old.len() - 1);
    assert_eq!(
        preview.message,
        format!(
            "Notes of {} calls logged before 15 June 2025 will be shredded. 1 call on legal \
             hold keeps its notes.",
            old.len() - 1
        )
    );
    // Before shredding, the old records are in the store and the backups.
    let mut store_bytes = file_bytes(&dir.join("quietline.db"));
    store_bytes.extend(file_bytes(&dir.join("quietline.db-wal")));
    assert_eq!(
        contains_any_run(&store_bytes, &old_sealed),
        old_sealed.len()
    );
    for backup in backups_in(&folder) {
        assert_eq!(
            contains_any_run(&file_bytes(&backup), &old_sealed),
            old_sealed.len()
        );
    }

    let done = keeping::set_retention(&mut vault, 12, now()).unwrap();
    assert_eq!(done.calls as usize, old.len() - 1, "{done:?}");

    // No count moved: reports, and a return as a coordinator merges it.
    assert_eq!((report(&vault, 2024), report(&vault, 2025)), reports_before);
    let (mut c, key) = coordinator(&tmp.path().join("c-after"));
    let mut s = vault.settings().clone();
    s.coordinator_key = Some(key.to_string());
    vault.update_settings(s).unwrap();
    merge(&mut c, &make_return(&mut vault, &key)).unwrap();
    assert_eq!((report(&c, 2024), report(&c, 2025)), return_before);

    // The text is gone from every call but the held one, which keeps it.
    for summary in vault.all_calls().unwrap() {
        let call = vault.call(summary.id).unwrap();
        let day = summary.facts.started_at.with_timezone(&tz).date_naive();
        if summary.id == held || day >= cutoff {
            assert!(call.details.notes.starts_with("CANARY-NOTE"));
            assert!(summary.shredded_on.is_none());
        } else {
            assert!(call.details.notes.is_empty() && call.details.safeguarding.is_empty());
            assert_eq!(summary.shredded_on, Some(now().date_naive()));
            assert_eq!(
                summary
                    .facts
                    .started_at
                    .with_timezone(&tz)
                    .format("%H:%M")
                    .to_string(),
                "12:00"
            );
        }
    }
    // Not a byte of the old sealed notes remains in the database, its WAL
    // or any backup; and no canary in plain text anywhere either.
    let mut places = vec![dir.join("quietline.db"), dir.join("quietline.db-wal")];
    places.extend(backups_in(&folder));
    assert_eq!(backups_in(&folder).len(), 2);
    for place in &places {
        let bytes = file_bytes(place);
        assert_eq!(
            contains_any_run(&bytes, &old_sealed),
            0,
            "old sealed notes remain in {}",
            place.display()
        );
        assert!(
            !bytes.windows(7).any(|w| w == b"CANARY-"),
            "plain text in {}",
            place.display()
        );
    }
    // And the backups hold the shredded calls too, held one intact.
    for backup in backups_in(&folder) {
        for call in calls_in_backup(&backup) {
            let shredded = call.summary.shredded_on.is_some();
            assert_eq!(
                shredded,
                call.details.notes.is_empty(),
                "{}",
                backup.display()
            );
            if call.summary.id == held {
                assert!(!shredded);
            }
        }
    }
    // Running again shreds nothing more; releasing the hold shreds it.
    assert_eq!(keeping::shred(&mut vault, now()).unwrap().calls, 0);
    keeping::release(&mut vault, held, now()).unwrap();
    assert_eq!(keeping::shred(&mut vault, now()).unwrap().calls, 1);
}

#[test]
fn no_policy_shreds_nothing_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let mut vault = store_with(&tmp.path().join("store"), &calls(50));
    let view = keeping::retention(&vault).unwrap();
    assert_eq!(view.months, 0);
    assert!(view.notice.contains("No retention policy"), "{view:?}");
    keeping::housekeeping(&mut vault, now()).unwrap();
    let done = keeping::shred(&mut vault, now()).unwrap();
    assert_eq!(done.calls, 0);
    assert!(
        vault
            .all_calls()
            .unwrap()
            .iter()
            .all(|c| c.shredded_on.is_none())
    );
    let e = keeping::preview_shred(&vault, 500, now()).unwrap_err();
    assert_eq!(e.field, Some(Field::RetentionMonths));
}

#[test]
fn a_deleted_call_is_erased_from_every_backup_even_after_the_folder_was_away() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let folder = tmp.path().join("usb");
    let mut vault = store_with(&dir, &calls(60));
    with_folder(&mut vault, &folder, 7);
    for day in 0..3 {
        keeping::back_up_now(&mut vault, now() + Duration::days(day)).unwrap();
    }
    let ids: Vec<CallId> = vault.all_calls().unwrap().iter().map(|c| c.id).collect();
    let in_all = |id: CallId| {
        backups_in(&folder)
            .iter()
            .filter(|b| calls_in_backup(b).iter().any(|c| c.summary.id == id))
            .count()
    };
    // Folder present: the deletion reaches all three backups at once.
    vault.delete_call(ids[0]).unwrap();
    assert_eq!(keeping::catch_up_backups(&mut vault, now()).unwrap(), 3);
    assert_eq!(in_all(ids[0]), 0);
    assert!(vault.keeping().unwrap().pending_erasures.is_empty());

    // Folder unplugged: the erasure waits, sealed, and applies on return.
    let away = tmp.path().join("away");
    std::fs::rename(&folder, &away).unwrap();
    vault.delete_call(ids[1]).unwrap();
    assert_eq!(keeping::catch_up_backups(&mut vault, now()).unwrap(), 0);
    assert_eq!(vault.keeping().unwrap().pending_erasures.len(), 1);
    std::fs::rename(&away, &folder).unwrap();
    assert_eq!(in_all(ids[1]), 3, "still in the backups while away");
    keeping::housekeeping(&mut vault, now()).unwrap();
    assert_eq!(in_all(ids[1]), 0);
    assert!(vault.keeping().unwrap().pending_erasures.is_empty());
    for backup in backups_in(&folder) {
        assert_eq!(calls_in_backup(&backup).len(), 58);
    }
}

#[test]
fn a_damaged_backup_in_the_folder_stops_neither_erasure_nor_new_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    let mut vault = store_with(&tmp.path().join("store"), &calls(30));
    with_folder(&mut vault, &folder, 7);
    keeping::back_up_now(&mut vault, now()).unwrap();
    keeping::back_up_now(&mut vault, now() + Duration::days(1)).unwrap();
    let damaged = backups_in(&folder).remove(0);
    let mut bytes = std::fs::read(&damaged).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 1;
    std::fs::write(&damaged, bytes).unwrap();
    let id = vault.all_calls().unwrap()[0].id;
    vault.delete_call(id).unwrap();
    assert_eq!(keeping::catch_up_backups(&mut vault, now()).unwrap(), 1);
    assert!(vault.keeping().unwrap().pending_erasures.is_empty());
    keeping::back_up_now(&mut vault, now() + Duration::days(2)).unwrap();
    assert_eq!(backups_in(&folder).len(), 3);
}

#[test]
fn restoring_an_older_backup_erases_again_what_newer_backups_know_was_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let folder = tmp.path().join("usb");
    let mut vault = store_with(&dir, &calls(40));
    let old = tmp.path().join("old.qlbackup");
    // A backup kept outside the folder, which erasure cannot reach.
    keeping::back_up_to(&mut vault, &old, now()).unwrap();
    with_folder(&mut vault, &folder, 7);
    let gone = vault.all_calls().unwrap()[5].id;
    vault.delete_call(gone).unwrap();
    keeping::back_up_now(&mut vault, now() + Duration::days(1)).unwrap();
    // The old backup is copied into the folder, beside the newer one.
    let copied = folder.join("old-copy.qlbackup");
    std::fs::copy(&old, &copied).unwrap();
    let preview = keeping::preview_restore(&tmp.path().join("laptop"), &request(&copied)).unwrap();
    assert!(preview.warning.contains("1 newer backup"), "{preview:?}");
    let newest = backups_in(&folder)
        .into_iter()
        .find(|p| p != &copied)
        .unwrap();
    let preview = keeping::preview_restore(&tmp.path().join("laptop"), &request(&newest)).unwrap();
    assert_eq!(
        preview.warning, "",
        "the newest of its folder needs no warning"
    );
    let (restored, done) =
        keeping::restore(&tmp.path().join("laptop"), &request(&copied), now()).unwrap();
    assert_eq!(done.erasures_reapplied, 1, "{done:?}");
    assert_eq!(restored.call_count().unwrap(), 39);
    assert!(restored.call(gone).is_err());
    assert!(
        done.message
            .contains("1 call deleted after that backup was erased again")
    );
}

/// kill -9 at moments spread over a whole run of each long operation: the
/// store always opens, a backup is whole or absent (never half a file
/// under its name, never the only good copy lost), a restore leaves a
/// whole store or none, and shredding is all or nothing per batch.
#[cfg(unix)]
mod killed {
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use super::*;

    const KILLS: u32 = 8;

    fn spawn(store: &Path, args: &[&str]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_quietline"))
            .args(args)
            .env("QUIETLINE_STORE", store)
            .env("QUIETLINE_PASSPHRASE", PASSPHRASE)
            .env_remove("QUIETLINE_NEW_PASSPHRASE")
            .env_remove("QUIETLINE_RECOVERY_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// How long a whole run takes, and a kill at each of `KILLS` moments
    /// spread over it; `after` checks what each kill left.
    fn kill_throughout(
        mut prepare: impl FnMut(u32) -> (PathBuf, Vec<String>),
        mut after: impl FnMut(u32, bool),
    ) {
        let (store, args) = prepare(u32::MAX);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        let status = spawn(&store, &args).wait().unwrap();
        assert!(status.success(), "the uninterrupted run failed");
        let whole = started.elapsed();
        after(u32::MAX, true);
        let mut interrupted = 0;
        for i in 0..KILLS {
            let (store, args) = prepare(i);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut child = spawn(&store, &args);
            // Spread over the first four fifths of a run: other tests share
            // the machine, so a later run may be quicker than the first.
            std::thread::sleep(whole.mul_f64(0.8 * (f64::from(i) + 0.5) / f64::from(KILLS)));
            let finished = child.try_wait().unwrap().is_some();
            child.kill().ok(); // SIGKILL
            child.wait().unwrap();
            interrupted += u32::from(!finished);
            after(i, finished);
        }
        assert!(
            interrupted >= 2,
            "only {interrupted} kills landed mid-way; the test proved less than it should"
        );
    }

    fn open(dir: &Path) -> Vault {
        Vault::open(dir, &Passphrase::new(PASSPHRASE)).unwrap()
    }

    /// Every backup file in `folder` opens whole; returns how many.
    fn whole_backups(folder: &Path) -> usize {
        let files = backups_in(folder);
        for file in &files {
            let tmp = tempfile::tempdir().unwrap();
            keeping::preview_restore(&tmp.path().join("s"), &request(file))
                .unwrap_or_else(|e| panic!("{} is not whole: {e:?}", file.display()));
        }
        files.len()
    }

    #[test]
    fn kill_9_during_backups_and_rotation() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let folder = tmp.path().join("usb");
        let mut vault = store_with(&dir, &calls(3000));
        with_folder(&mut vault, &folder, 2);
        keeping::back_up_now(&mut vault, now() - Duration::days(3)).unwrap();
        keeping::back_up_now(&mut vault, now() - Duration::days(2)).unwrap();
        drop(vault);
        // Into the folder, rotating: the folder always holds whole backups,
        // at least the two there before.
        kill_throughout(
            |_| (dir.clone(), vec!["backup".into()]),
            |_, _| {
                let n = whole_backups(&folder);
                assert!(n >= 2, "{n} backups left");
                assert_eq!(open(&dir).call_count().unwrap(), 3000);
            },
        );
        // To a file: the file is whole or not there.
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        kill_throughout(
            |i| {
                let file = out.join(format!("b{i}.qlbackup"));
                (
                    dir.clone(),
                    vec!["backup".into(), "-o".into(), file.display().to_string()],
                )
            },
            |_, _| {
                whole_backups(&out);
                assert_eq!(open(&dir).call_count().unwrap(), 3000);
            },
        );
    }

    #[test]
    fn kill_9_during_a_restore() {
        let tmp = tempfile::tempdir().unwrap();
        let mut vault = store_with(&tmp.path().join("store"), &calls(3000));
        let file = tmp.path().join("b.qlbackup");
        keeping::back_up_to(&mut vault, &file, now()).unwrap();
        drop(vault);
        let target = |i: u32| tmp.path().join(format!("laptop-{i}"));
        kill_throughout(
            |i| {
                (
                    target(i),
                    vec!["restore".into(), file.display().to_string()],
                )
            },
            |i, _| {
                let dir = target(i);
                if Vault::exists(&dir) {
                    assert_eq!(open(&dir).call_count().unwrap(), 3000);
                } else {
                    // Nothing adopted: restoring again works.
                    let (again, _) = keeping::restore(&dir, &request(&file), now()).unwrap();
                    assert_eq!(again.call_count().unwrap(), 3000);
                }
            },
        );
    }

    #[test]
    fn kill_9_during_shredding_is_all_or_nothing_per_batch() {
        let tmp = tempfile::tempdir().unwrap();
        let template = tmp.path().join("template");
        // Calls from 2023 to 2025: all older than twelve months by the
        // real clock the CLI uses.
        let all: Vec<NewCall> = SyntheticCalls::new(9, 2023, 3)
            .take(3000)
            .map(|mut c| {
                c.details.notes = "CANARY-NOTE".into();
                c
            })
            .collect();
        let cutoff = Utc::now().date_naive() - chrono::Months::new(12);
        let tz = chrono_tz::Europe::London;
        let due = all
            .iter()
            .filter(|c| c.facts.started_at.with_timezone(&tz).date_naive() < cutoff)
            .count();
        assert!(due > 2000, "{due}");
        let mut vault = store_with(&template, &all);
        vault
            .change_keeping(|k| {
                k.retention_months = Some(12);
                Ok(())
            })
            .unwrap();
        drop(vault);
        let copy = |i: u32| {
            let dir = tmp.path().join(format!("store-{i}"));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(template.join("quietline.db"), dir.join("quietline.db")).unwrap();
            dir
        };
        kill_throughout(
            |i| (copy(i), vec!["shred".into()]),
            |i, finished| {
                let dir = tmp.path().join(format!("store-{i}"));
                let vault = open(&dir);
                let tz = vault.settings().time_zone;
                let mut shredded = 0;
                for summary in vault.all_calls().unwrap() {
                    let call = vault.call(summary.id).unwrap();
                    let midday = summary
                        .facts
                        .started_at
                        .with_timezone(&tz)
                        .format("%H:%M")
                        .to_string()
                        == "12:00";
                    if summary.shredded_on.is_some() {
                        shredded += 1;
                        assert!(call.details.notes.is_empty() && midday);
                    } else {
                        assert_eq!(call.details.notes, "CANARY-NOTE");
                    }
                }
                assert!(
                    shredded % 250 == 0 || shredded == due,
                    "{shredded} of {due} shredded: a batch was split"
                );
                if finished {
                    assert_eq!(shredded, due);
                }
            },
        );
    }
}

/// The CLI's doors onto the same use cases, and its refusals.
mod cli {
    use super::*;
    use crate::support::{TempStore, stderr, stdout};

    const PASS: (&str, &str) = ("QUIETLINE_PASSPHRASE", PASSPHRASE);

    #[test]
    fn backup_restore_retention_and_hold_from_the_command_line() {
        let store = TempStore::new();
        let vault = store_with(&store.dir, &calls(30));
        let id = vault.all_calls().unwrap()[0].id.to_string();
        drop(vault);
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("b.qlbackup");
        let file_arg = file.display().to_string();

        let out = store.cli(&["backup", "-o", &file_arg], &[PASS]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("Backed up 30 calls"),
            "{}",
            stderr(&out)
        );
        let again = store.cli(&["backup", "-o", &file_arg], &[PASS]);
        assert_eq!(again.status.code(), Some(1));
        assert!(
            stderr(&again).contains("already exists"),
            "{}",
            stderr(&again)
        );
        let no_folder = store.cli(&["backup"], &[PASS]);
        assert_eq!(no_folder.status.code(), Some(2), "{}", stderr(&no_folder));

        let laptop = TempStore::new();
        let out = laptop.cli(&["restore", &file_arg], &[PASS]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("Restored 30 calls"),
            "{}",
            stderr(&out)
        );
        let out = laptop.cli(&["restore", &file_arg], &[PASS]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "an existing store is never replaced here"
        );
        let wrong = TempStore::new();
        let out = wrong.cli(
            &["restore", &file_arg],
            &[("QUIETLINE_PASSPHRASE", "nope nope nope")],
        );
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

        let out = store.cli(&["hold", &id], &[PASS]);
        assert!(stderr(&out).contains("legal hold"), "{}", stderr(&out));
        let out = store.cli(&["hold", "not-an-id"], &[PASS]);
        assert_eq!(out.status.code(), Some(2));

        // Without a terminal, shredding needs --yes.
        let out = store.cli(&["settings", "--retention-months", "12"], &[PASS]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("add --yes"), "{}", stderr(&out));
        let preview = store.cli(&["shred", "--preview"], &[PASS]);
        assert!(
            stderr(&preview).contains("No retention policy"),
            "{}",
            stderr(&preview)
        );
        let out = store.cli(&["settings", "--retention-months", "12", "--yes"], &[PASS]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("retention months\t12"),
            "{}",
            stdout(&out)
        );
        assert!(
            stderr(&out).contains("Shredded the notes of"),
            "{}",
            stderr(&out)
        );
        let listed = stdout(&store.cli(&["list", "--notes"], &[PASS]));
        let held_line = listed.lines().find(|l| l.starts_with(&id)).unwrap();
        assert!(held_line.contains("CANARY-NOTE"), "{held_line}");
    }
}
