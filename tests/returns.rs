//! Coordinator returns end to end: volunteers' stores make returns, a
//! coordinator's store merges them, and the report counts everything once.

use chrono::NaiveDate;
use quietline::model::{CallSummary, Region};
use quietline::period::Period;
use quietline::report::Report;
use quietline::returns::MergeCounts;
use quietline::returns::{
    self, CoordinatorKey, MAX_RETURN_BYTES, Merged, ReturnError, VolunteerKey, check_return,
    merge_checked,
};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;

use crate::support::*;

fn today() -> NaiveDate {
    now().date_naive()
}

fn academic(year: i32) -> Period {
    Period::academic(year).unwrap()
}

/// A coordinator's store with a few calls of its own.
fn coordinator() -> (TempStore, Vault, CoordinatorKey) {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let (key, created) = vault.create_coordinator_identity().unwrap();
    assert!(created);
    add_synthetic(&mut vault, 99, 40);
    (store, vault, key)
}

fn add_synthetic(vault: &mut Vault, seed: u64, calls: usize) {
    let mut batch = vault.begin_import(now()).unwrap();
    for call in SyntheticCalls::new(seed, 2023, 3).take(calls) {
        batch.add(&call).unwrap();
    }
    batch.commit().unwrap();
}

/// A volunteer's store with synthetic calls over 2023–2025, set up to send
/// returns to `coordinator`.
fn volunteer(
    name: &str,
    seed: u64,
    calls: usize,
    coordinator: &CoordinatorKey,
) -> (TempStore, Vault) {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut settings = vault.settings().clone();
    settings.display_name = name.into();
    settings.coordinator_key = Some(coordinator.to_string());
    vault.update_settings(settings).unwrap();
    add_synthetic(&mut vault, seed, calls);
    (store, vault)
}

fn make(vault: &mut Vault, period: Period) -> Vec<u8> {
    let to = returns::coordinator_key(vault, None).unwrap();
    returns::make_return(vault, period, &to, today())
        .unwrap()
        .bytes
}

fn merge(vault: &mut Vault, file: &[u8], trust: bool) -> Result<Merged, ReturnError> {
    let checked = check_return(vault, file)?;
    merge_checked(vault, &checked, trust, today())
}

fn merged_counts(result: Result<Merged, ReturnError>) -> MergeCounts {
    match result {
        Ok(Merged::Merged(counts)) => counts,
        other => panic!("expected a merge, got {other:?}"),
    }
}

/// The report computed independently: from every call's full record in
/// every store, counted together.
fn union_report(period: Period, stores: &[&Vault]) -> Report {
    let mut months = period.months().to_vec();
    months.extend_from_slice(&period.previous().months());
    let calls: Vec<CallSummary> = stores
        .iter()
        .flat_map(|v| v.calls_in_months(&months).unwrap())
        .collect();
    let first = stores[0];
    Report::from_calls(period, first.settings().time_zone, first.themes(), &calls).unwrap()
}

#[test]
fn three_volunteers_and_a_coordinator_make_one_report_equal_to_the_union() {
    let (store, mut coordinator, key) = coordinator();
    let mut volunteers = [
        volunteer("Volunteer A", 1, 120, &key),
        volunteer("Volunteer B", 2, 90, &key),
        volunteer("Volunteer C", 3, 60, &key),
    ];
    let mut files = Vec::new();
    for (_, vault) in volunteers.iter_mut() {
        files.push(make(vault, academic(2023)));
        files.push(make(vault, academic(2024)));
    }
    for file in &files {
        merged_counts(merge(&mut coordinator, file, true));
    }
    let period = academic(2024);
    let all: Vec<&Vault> = std::iter::once(&coordinator)
        .chain(volunteers.iter().map(|(_, v)| v))
        .collect();
    let expected = union_report(period, &all);
    assert!(expected.total_calls.unwrap() > 50, "the test needs calls");
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), expected);
    assert_eq!(
        Report::for_vault_from_records(&coordinator, period).unwrap(),
        expected
    );
    // Suppression treats merged counts like any other.
    let mut published = Report::for_vault(&coordinator, period).unwrap();
    published.suppress_below(5);
    let mut expected_published = expected.clone();
    expected_published.suppress_below(5);
    assert_eq!(published, expected_published);

    let listed = coordinator.volunteers().unwrap();
    assert_eq!(
        listed.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["Volunteer A", "Volunteer B", "Volunteer C"]
    );
    assert!(listed.iter().all(|v| v.returns_merged == 2));

    // Merging every file again changes nothing, not a byte of the store.
    drop(coordinator);
    let before = store.snapshot();
    let mut coordinator = store.open();
    let after_open = store.snapshot();
    for file in &files {
        assert_eq!(
            merge(&mut coordinator, file, false).unwrap(),
            Merged::AlreadyMerged
        );
    }
    assert_eq!(store.snapshot(), after_open);
    drop(coordinator);
    assert_eq!(
        store.snapshot().get("quietline.db"),
        before.get("quietline.db")
    );
    let coordinator = store.open();
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), expected);
}

/// Changes one call's region, as a volunteer editing it would.
fn edit_region(volunteer: &mut Vault, call: &CallSummary) {
    let mut changed = volunteer.call(call.id).unwrap();
    changed.summary.facts.region = if changed.summary.facts.region == Region::London {
        Region::NorthEast
    } else {
        Region::London
    };
    let new_call = quietline::model::NewCall {
        facts: changed.summary.facts.clone(),
        details: changed.details.clone(),
    };
    volunteer.update_call(call.id, &new_call, now()).unwrap();
}

#[test]
fn a_deletion_and_an_edit_reach_the_coordinator_with_the_next_return() {
    let (_store, mut coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 5, 120, &key);
    let period = academic(2024);
    merged_counts(merge(
        &mut coordinator,
        &make(&mut volunteer, academic(2023)),
        true,
    ));
    let first = make(&mut volunteer, period);
    merged_counts(merge(&mut coordinator, &first, false));
    assert_eq!(
        Report::for_vault(&coordinator, period).unwrap(),
        union_report(period, &[&coordinator, &volunteer])
    );

    // Made but never sent, so older than the returns that follow.
    let unsent = make(&mut volunteer, period);
    let calls = volunteer.calls_in_months(&period.months()).unwrap();
    assert!(calls.len() >= 3, "the test needs calls in the period");
    volunteer.delete_call(calls[0].id).unwrap();
    edit_region(&mut volunteer, &calls[1]);
    let second = make(&mut volunteer, period);
    let counts = merged_counts(merge(&mut coordinator, &second, false));
    assert_eq!(counts.removed, 1, "{counts:?}");
    assert_eq!(counts.updated, 1, "{counts:?}");
    assert_eq!(counts.added, 0, "{counts:?}");
    assert_eq!(
        Report::for_vault(&coordinator, period).unwrap(),
        union_report(period, &[&coordinator, &volunteer])
    );

    // A deletion marker travels in every later return, even one for
    // another period.
    volunteer.delete_call(calls[2].id).unwrap();
    let other = make(&mut volunteer, academic(2023));
    let counts = merged_counts(merge(&mut coordinator, &other, false));
    assert_eq!(counts.removed, 1, "{counts:?}");
    let report = Report::for_vault(&coordinator, period).unwrap();
    assert_eq!(report, union_report(period, &[&coordinator, &volunteer]));

    // An older return can no longer bring anything back; the first one
    // again is recognised as already merged.
    assert_eq!(
        merge(&mut coordinator, &first, false).unwrap(),
        Merged::AlreadyMerged
    );
    let e = merge(&mut coordinator, &unsent, false).unwrap_err();
    assert!(matches!(e, ReturnError::Superseded { .. }), "{e}");
    assert!(e.to_string().contains("newer return"), "{e}");
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), report);
}

/// The merged calls' records and the merged report pages as SQLite holds
/// them, each row whole.
fn merged_rows(store: &TempStore) -> Vec<Vec<rusqlite::types::Value>> {
    let raw = rusqlite::Connection::open(store.dir.join(quietline::store::DB_FILE)).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM merged_calls ORDER BY id",
        "SELECT * FROM merged_pages ORDER BY period_tag, page",
    ] {
        let mut stmt = raw.prepare(sql).unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[test]
fn a_return_made_again_unchanged_writes_no_merged_call_and_later_changes_still_land() {
    let (store, mut coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 7, 150, &key);
    let (_w, mut other) = volunteer_b(&key);
    let period = academic(2024);
    for year in [academic(2023), period] {
        merged_counts(merge(&mut coordinator, &make(&mut volunteer, year), true));
        merged_counts(merge(&mut coordinator, &make(&mut other, year), true));
    }
    let in_period = volunteer.calls_in_months(&period.months()).unwrap();
    assert!(in_period.len() >= 3, "the test needs calls in the period");
    let expected = union_report(period, &[&coordinator, &volunteer, &other]);
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), expected);

    // Made again with nothing changed: a new return, every call as it was.
    let before = merged_rows(&store);
    let again = make(&mut volunteer, period);
    let counts = merged_counts(merge(&mut coordinator, &again, false));
    assert_eq!(counts.unchanged as usize, in_period.len(), "{counts:?}");
    assert_eq!((counts.added, counts.updated, counts.removed), (0, 0, 0));
    assert_eq!(merged_rows(&store), before, "no merged call was written");
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), expected);
    assert_eq!(
        Report::for_vault_from_records(&coordinator, period).unwrap(),
        expected
    );

    // An edit and a deletion after it still land, and the return the
    // unchanged one replaced can no longer bring anything back.
    let unsent = make(&mut volunteer, period);
    volunteer.delete_call(in_period[0].id).unwrap();
    edit_region(&mut volunteer, &in_period[1]);
    let counts = merged_counts(merge(
        &mut coordinator,
        &make(&mut volunteer, period),
        false,
    ));
    assert_eq!((counts.removed, counts.updated), (1, 1), "{counts:?}");
    let expected = union_report(period, &[&coordinator, &volunteer, &other]);
    assert_eq!(Report::for_vault(&coordinator, period).unwrap(), expected);
    assert_eq!(
        Report::for_vault_from_records(&coordinator, period).unwrap(),
        expected
    );
    let e = merge(&mut coordinator, &unsent, false).unwrap_err();
    assert!(matches!(e, ReturnError::Superseded { .. }), "{e}");

    // Purging the volunteer takes their calls out of the pages too: the
    // report is the other volunteer's and the coordinator's own.
    let fingerprint = coordinator.volunteers().unwrap()[0].fingerprint();
    let signer = coordinator.volunteers().unwrap()[0].signer().unwrap();
    assert!(!fingerprint.is_empty());
    coordinator.purge_volunteer_calls(&signer).unwrap();
    assert_eq!(
        Report::for_vault(&coordinator, period).unwrap(),
        union_report(period, &[&coordinator, &other])
    );
    drop(coordinator);
    let coordinator = store.open();
    assert!(coordinator.check_every_record().is_ok());
}

fn volunteer_b(key: &CoordinatorKey) -> (TempStore, Vault) {
    volunteer("Volunteer B", 8, 90, key)
}

#[test]
fn a_store_makes_no_deletion_markers_before_its_first_return() {
    let (_store, _coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 6, 10, &key);
    let first = volunteer.all_calls().unwrap()[0].id;
    volunteer.delete_call(first).unwrap();
    assert!(volunteer.deleted_export_ids().unwrap().is_empty());
    make(&mut volunteer, academic(2024));
    let second = volunteer.all_calls().unwrap()[0].id;
    volunteer.delete_call(second).unwrap();
    assert_eq!(
        volunteer.deleted_export_ids().unwrap(),
        [volunteer.export_id(second)]
    );
}

/// Decrypts a return with an age identity the test holds, to read exactly
/// what would travel.
fn plaintext_of_a_return(volunteer: &mut Vault, period: Period) -> String {
    let identity = age::x25519::Identity::generate();
    let to = CoordinatorKey::parse(&identity.to_public().to_string()).unwrap();
    let made = returns::make_return(volunteer, period, &to, today()).unwrap();
    let plain = age::decrypt(&identity, &made.bytes).unwrap();
    String::from_utf8(plain).unwrap()
}

#[test]
fn no_note_text_safeguarding_step_call_id_or_exact_time_is_in_a_return() {
    let (_store, _coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 7, 0, &key);
    let mut ids = Vec::new();
    for (i, (day, hour, minute)) in [(3, 9, 37), (14, 16, 5), (27, 21, 52)].iter().enumerate() {
        let mut call = typical_call(utc(2024, 10, *day, *hour, *minute));
        call.details.notes = format!("PRIVATE-NOTE-{i}: the caller's school and her head of HR");
        call.details.safeguarding = vec![format!("SAFEGUARDING-STEP-{i}: agreed a safety plan")];
        call.facts.duration_minutes = 41 + i as u32;
        ids.push(volunteer.log_call(&call, now()).unwrap());
    }
    let plaintext = plaintext_of_a_return(&mut volunteer, academic(2024));
    // The header's base64 signature and key are random letters; what the
    // return says is the payload.
    let (_, text) = plaintext.split_once("\n\n").unwrap();
    assert!(text.contains("\"month\":\"2024-10\""), "{text}");
    let bytes = text.as_bytes();
    let time_like = bytes
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'T' && w[2].is_ascii_digit());
    assert!(!time_like, "an ISO date-time is in the return:\n{text}");
    assert_eq!(text.matches("\"month\":").count(), 3);
    for forbidden in [
        "PRIVATE-NOTE",
        "SAFEGUARDING-STEP",
        "safety plan",
        "head of HR",
        "09:37",
        "10:37",
        "16:05",
        "21:52",
        "2024-10-03",
        "2024-10-14",
        "2024-10-27",
        "started",
        "created",
        "updated",
        "logged",
        "notes",
        "safeguarding",
    ] {
        assert!(
            !text.contains(forbidden),
            "'{forbidden}' is in the return:\n{text}"
        );
    }
    for id in &ids {
        let hex: String = id.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !text.contains(&id.to_string()),
            "call id {id} is in the return"
        );
        assert!(!text.contains(&hex), "call id {id} is in the return as hex");
    }
    let stamps = [
        utc(2024, 10, 3, 9, 37),
        utc(2024, 10, 14, 16, 5),
        utc(2024, 10, 27, 21, 52),
    ];
    for stamp in stamps {
        for number in [stamp.timestamp(), stamp.timestamp_millis()] {
            assert!(
                !text.contains(&number.to_string()),
                "timestamp {number} is in the return"
            );
        }
    }
}

#[test]
fn re_exporting_gives_the_same_export_ids_and_ids_differ_between_stores() {
    let (_store, _coordinator, key) = coordinator();
    let (_a, mut a) = volunteer("Volunteer A", 8, 20, &key);
    let ids = |text: &str| -> Vec<String> {
        text.split("\"id\":\"")
            .skip(1)
            .map(|rest| rest[..32].to_string())
            .collect()
    };
    let first = ids(&plaintext_of_a_return(&mut a, academic(2024)));
    let second = ids(&plaintext_of_a_return(&mut a, academic(2024)));
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

/// A refused return leaves every byte of the coordinator's store as it was.
fn assert_refused(
    store: &TempStore,
    coordinator: &mut Vault,
    file: &[u8],
    trust: bool,
    expected: fn(&ReturnError) -> bool,
) -> String {
    let before = store.snapshot();
    let e = merge(coordinator, file, trust).unwrap_err();
    assert!(expected(&e), "unexpected refusal: {e:?}");
    assert_eq!(
        store.snapshot(),
        before,
        "a refused return changed the store ({e})"
    );
    e.to_string()
}

#[test]
fn tampered_truncated_foreign_and_future_returns_are_refused_and_change_nothing() {
    let (store, mut coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 9, 30, &key);
    let good = make(&mut volunteer, academic(2024));
    merged_counts(merge(&mut coordinator, &good, true));
    let identity = coordinator.coordinator_identity().unwrap().unwrap();
    let fresh = make(&mut volunteer, academic(2024));

    // A flipped byte anywhere after the age header; a file cut short.
    let mut tampered = fresh.clone();
    let at = tampered.len() - 40;
    tampered[at] ^= 0x20;
    let m = assert_refused(&store, &mut coordinator, &tampered, true, |e| {
        matches!(e, ReturnError::Damaged)
    });
    assert!(m.contains("send it again"), "{m}");
    for cut in [fresh.len() - 1, fresh.len() - 17, fresh.len() / 2, 30] {
        assert_refused(&store, &mut coordinator, &fresh[..cut], true, |e| {
            matches!(e, ReturnError::Damaged | ReturnError::NotAReturn)
        });
    }
    assert_refused(
        &store,
        &mut coordinator,
        b"not a return at all",
        true,
        |e| matches!(e, ReturnError::NotAReturn),
    );

    // The same payload re-signed by another key: an unknown signer...
    let signed = returns::open(&fresh, &identity).unwrap();
    let intruder = VolunteerKey::generate().unwrap();
    let resigned = returns::seal(&signed.payload, &intruder, &key).unwrap();
    let m = assert_refused(&store, &mut coordinator, &resigned, false, |e| {
        matches!(e, ReturnError::UnknownSigner { .. })
    });
    assert!(m.contains(intruder.signer().fingerprint().as_str()), "{m}");
    // ...or claiming the volunteer's key over the intruder's signature.
    let intruder_text = String::from_utf8(returns::sign(&signed.payload, &intruder)).unwrap();
    let intruder_line = intruder_text.lines().nth(2).unwrap();
    assert!(intruder_line.starts_with("signer "), "{intruder_line}");
    let volunteer_line = format!(
        "signer {}",
        data_encoding::BASE64.encode(&signed.signer.to_bytes())
    );
    let forged = intruder_text.replacen(intruder_line, &volunteer_line, 1);
    assert_ne!(forged, intruder_text);
    let forged_file = age::encrypt(&identity_recipient(&key), forged.as_bytes()).unwrap();
    assert_refused(&store, &mut coordinator, &forged_file, true, |e| {
        matches!(e, ReturnError::BadSignature)
    });

    // Made for another coordinator.
    let other = age::x25519::Identity::generate();
    let elsewhere = CoordinatorKey::parse(&other.to_public().to_string()).unwrap();
    let misdirected = returns::make_return(&mut volunteer, academic(2024), &elsewhere, today())
        .unwrap()
        .bytes;
    let m = assert_refused(&store, &mut coordinator, &misdirected, true, |e| {
        matches!(e, ReturnError::WrongCoordinator)
    });
    assert!(m.contains("different coordinator key"), "{m}");
    // Signed for another coordinator, then re-encrypted to this one.
    let opened_elsewhere = age::decrypt(&other, &misdirected).unwrap();
    let redirected = age::encrypt(&identity_recipient(&key), &opened_elsewhere).unwrap();
    assert_refused(&store, &mut coordinator, &redirected, true, |e| {
        matches!(e, ReturnError::WrongCoordinator)
    });

    // From a newer Quietline: the envelope, or the payload inside it.
    let plain = age::decrypt(&other, &misdirected).unwrap();
    let newer = String::from_utf8(plain).unwrap().replacen(
        "quietline-return 1\n",
        "quietline-return 2\n",
        1,
    );
    let newer_file = age::encrypt(&identity_recipient(&key), newer.as_bytes()).unwrap();
    let m = assert_refused(&store, &mut coordinator, &newer_file, true, |e| {
        matches!(e, ReturnError::UnsupportedVersion { found: 2 })
    });
    assert!(m.contains("update Quietline"), "{m}");
    let mut future_payload = signed.payload.clone();
    future_payload.format = 2;
    let future = returns::seal(&future_payload, &intruder, &key).unwrap();
    assert_refused(&store, &mut coordinator, &future, true, |e| {
        matches!(e, ReturnError::UnsupportedVersion { found: 2 })
    });

    // Oversized: refused before it is read, or before it is decrypted.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.qlreturn");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_RETURN_BYTES + 1)
        .unwrap();
    assert!(matches!(
        returns::read_return_file(&big),
        Err(ReturnError::TooLarge)
    ));
    let huge = vec![b'a'; MAX_RETURN_BYTES as usize + 1];
    assert_refused(&store, &mut coordinator, &huge, true, |e| {
        matches!(e, ReturnError::TooLarge)
    });
    let padded = age::encrypt(
        &identity_recipient(&key),
        &vec![b'x'; MAX_RETURN_BYTES as usize + 10],
    )
    .unwrap();
    assert_refused(&store, &mut coordinator, &padded[..], true, |e| {
        matches!(e, ReturnError::TooLarge)
    });

    // The untouched return still merges after all that.
    merged_counts(merge(&mut coordinator, &fresh, false));
}

fn identity_recipient(key: &CoordinatorKey) -> age::x25519::Recipient {
    key.to_string().parse().unwrap()
}

#[test]
fn a_revoked_volunteer_is_refused_and_their_merged_calls_stay() {
    let (store, mut coordinator, key) = coordinator();
    let (_v, mut volunteer) = volunteer("Volunteer A", 10, 30, &key);
    merged_counts(merge(
        &mut coordinator,
        &make(&mut volunteer, academic(2024)),
        true,
    ));
    let report = Report::for_vault(&coordinator, academic(2024)).unwrap();
    let fingerprint = coordinator.volunteers().unwrap()[0].fingerprint();
    assert!(
        coordinator
            .revoke_volunteer(&fingerprint.to_lowercase(), today())
            .unwrap()
    );
    assert!(!coordinator.revoke_volunteer("AAAA-BBBB", today()).unwrap());
    let next = make(&mut volunteer, academic(2024));
    let m = assert_refused(&store, &mut coordinator, &next, true, |e| {
        matches!(e, ReturnError::RevokedSigner { .. })
    });
    assert!(m.contains("revoked"), "{m}");
    assert_eq!(
        Report::for_vault(&coordinator, academic(2024)).unwrap(),
        report
    );
}

#[test]
fn a_volunteer_without_a_name_or_coordinator_key_is_told_what_to_set() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    assert!(matches!(
        returns::coordinator_key(&vault, None),
        Err(ReturnError::NoCoordinatorKey)
    ));
    let identity = age::x25519::Identity::generate();
    let to = CoordinatorKey::parse(&identity.to_public().to_string()).unwrap();
    let e = returns::make_return(&mut vault, academic(2024), &to, today())
        .err()
        .unwrap();
    assert!(matches!(e, ReturnError::NoDisplayName), "{e}");
    let mut settings = vault.settings().clone();
    settings.coordinator_key = Some("age1-not-a-key".into());
    let e = vault.update_settings(settings).unwrap_err();
    assert!(e.to_string().contains("coordinator key"), "{e}");
    // Nothing was counted as a return.
    assert_eq!(vault.returns_made().unwrap(), 0);
}

/// Two connections to one store (as the app and the CLI would be), each
/// calling `act` at the same moment, `rounds` times.
fn race<T: Send + 'static>(
    store: &TempStore,
    rounds: usize,
    act: fn(&mut Vault) -> T,
) -> Vec<[T; 2]> {
    use std::sync::{Arc, Barrier};
    let start = Arc::new(Barrier::new(3));
    let done = Arc::new(Barrier::new(3));
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let (start, done) = (start.clone(), done.clone());
            let mut vault = store.open();
            std::thread::spawn(move || {
                let mut out = Vec::new();
                for _ in 0..rounds {
                    start.wait();
                    out.push(act(&mut vault));
                    done.wait();
                }
                out
            })
        })
        .collect();
    for _ in 0..rounds {
        start.wait();
        done.wait();
    }
    let mut results: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    let second = results.pop().unwrap();
    let first = results.pop().unwrap();
    first.into_iter().zip(second).map(|(a, b)| [a, b]).collect()
}

fn named_rows(store: &TempStore, name: &str) -> u32 {
    let raw = rusqlite::Connection::open(store.dir.join(quietline::store::DB_FILE)).unwrap();
    raw.query_row(
        "SELECT count(*) FROM settings WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn two_processes_becoming_the_coordinator_at_once_end_with_one_key() {
    // A fresh store each round: removing the identity between rounds with
    // plain SQL would be tampering, which the ledger refuses.
    for _ in 0..6 {
        let store = TempStore::new();
        drop(store.create());
        let rounds = race(&store, 1, |vault| {
            let (key, created) = vault.create_coordinator_identity().unwrap();
            (key.to_string(), created)
        });
        for [(a, a_made), (b, b_made)] in rounds {
            assert_eq!(a, b, "two coordinator keys were made");
            assert!(a_made ^ b_made, "exactly one of the two made it");
        }
        assert_eq!(named_rows(&store, "coordinator_identity"), 1);
        let kept = store.open().coordinator_identity().unwrap().unwrap().key();
        let (again, created) = store.open().create_coordinator_identity().unwrap();
        assert_eq!((again.to_string(), created), (kept.to_string(), false));
    }
}

#[test]
fn two_processes_asking_for_the_signing_key_at_once_end_with_one_key() {
    for _ in 0..6 {
        let store = TempStore::new();
        drop(store.create());
        let rounds = race(&store, 1, |vault| {
            vault
                .volunteer_key()
                .unwrap()
                .signer()
                .fingerprint()
                .to_string()
        });
        for [a, b] in rounds {
            assert_eq!(a, b, "two signing keys were made");
        }
        assert_eq!(named_rows(&store, "signing_key"), 1);
        // The store still opens: nothing was written around the ledger.
        drop(store.open());
    }
}

#[test]
fn two_processes_making_returns_at_once_number_them_apart() {
    let (_c, coordinator, key) = coordinator();
    let (store, vault) = volunteer("Volunteer A", 10, 20, &key);
    drop(vault);
    let rounds = race(&store, 4, |vault| make(vault, academic(2024)));
    let mut sequences = Vec::new();
    for [a, b] in rounds {
        for file in [a, b] {
            let checked = check_return(&coordinator, &file).unwrap();
            sequences.push(checked.signed.payload.sequence);
        }
    }
    let distinct: std::collections::BTreeSet<_> = sequences.iter().collect();
    assert_eq!(distinct.len(), sequences.len(), "{sequences:?}");
    assert_eq!(store.open().returns_made().unwrap(), 8);
}

/// Writes `bytes` as a return file in `dir`, returning its path.
fn file_in(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Merges `files` as `quietline merge --trust …` does, with no terminal to
/// ask on: each file's outcome, in order.
fn merge_trusting(
    coordinator: &mut Vault,
    files: &[std::path::PathBuf],
    trusted: &[String],
) -> Result<Vec<Result<quietline::app::ReturnMerged, ReturnError>>, ReturnError> {
    let mut outcomes = Vec::new();
    quietline::app::merge_files(
        coordinator,
        files,
        now(),
        trusted,
        |_, _| false,
        |_, outcome| outcomes.push(outcome),
    )?;
    Ok(outcomes)
}

fn signing_fingerprint(vault: &mut Vault) -> String {
    vault
        .volunteer_key()
        .unwrap()
        .signer()
        .fingerprint()
        .to_string()
}

#[test]
fn trust_names_the_volunteers_to_trust_and_no_one_else() {
    let (_c, mut coordinator, key) = coordinator();
    let (_a, mut alex) = volunteer("Alex", 10, 20, &key);
    let (_b, mut sam) = volunteer("Sam", 11, 20, &key);
    let dir = tempfile::tempdir().unwrap();
    let files = [
        file_in(
            dir.path(),
            "alex.qlreturn",
            &make(&mut alex, academic(2024)),
        ),
        file_in(dir.path(), "sam.qlreturn", &make(&mut sam, academic(2024))),
    ];
    let alex_fp = signing_fingerprint(&mut alex);

    // A fingerprint that signed none of the files: nothing is merged at all.
    let e = merge_trusting(
        &mut coordinator,
        &files,
        &[alex_fp.clone(), "ABCD-1234".into()],
    )
    .unwrap_err();
    assert!(
        matches!(&e, ReturnError::TrustedSignedNothing { given } if given == "ABCD-1234"),
        "{e}"
    );
    assert!(coordinator.volunteers().unwrap().is_empty());

    // Alex's fingerprint (typed in lower case) trusts Alex only.
    let outcomes = merge_trusting(&mut coordinator, &files, &[alex_fp.to_lowercase()]).unwrap();
    assert!(matches!(outcomes[0], Ok(ref m) if m.volunteer == "Alex"));
    assert!(
        matches!(outcomes[1], Err(ReturnError::UnknownSigner { ref name, .. }) if name == "Sam"),
        "{:?}",
        outcomes[1]
    );
    let names: Vec<String> = coordinator
        .volunteers()
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["Alex"]);
}

#[test]
fn a_new_signer_with_a_trusted_volunteers_name_is_warned_about() {
    let (_c, mut coordinator, key) = coordinator();
    let (_a, mut alex) = volunteer("Alex Smith", 10, 20, &key);
    let (_b, mut other) = volunteer("  alex   SMITH", 11, 20, &key);
    merged_counts(merge(
        &mut coordinator,
        &make(&mut alex, academic(2024)),
        true,
    ));
    let dir = tempfile::tempdir().unwrap();
    let files = [file_in(
        dir.path(),
        "other.qlreturn",
        &make(&mut other, academic(2024)),
    )];
    let alex_fp = coordinator.volunteers().unwrap()[0].fingerprint();

    // What the coordinator is shown before choosing to trust.
    let checked = check_return(&coordinator, &std::fs::read(&files[0]).unwrap()).unwrap();
    let warning = quietline::app::same_name_warning(&coordinator, &checked)
        .unwrap()
        .expect("a warning");
    assert!(
        warning.contains("Alex Smith") && warning.contains(&alex_fp),
        "{warning}"
    );

    // What the terminal prompt is given, and what the merge says.
    let mut asked = Vec::new();
    let mut outcomes = Vec::new();
    quietline::app::merge_files(
        &mut coordinator,
        &files,
        now(),
        &[],
        |_, warning| {
            asked.push(warning.map(str::to_string));
            true
        },
        |_, outcome| outcomes.push(outcome),
    )
    .unwrap();
    assert_eq!(asked, [Some(warning.clone())]);
    let merged = outcomes.pop().unwrap().unwrap();
    assert_eq!(merged.warning, Some(warning));

    // A trusted volunteer's own next return carries no warning.
    let checked = check_return(&coordinator, &make(&mut alex, academic(2024))).unwrap();
    assert_eq!(
        quietline::app::same_name_warning(&coordinator, &checked).unwrap(),
        None
    );
}

#[test]
fn a_return_made_from_the_coordinators_own_store_is_refused() {
    let (_store, mut coordinator, key) = coordinator();
    let mut settings = coordinator.settings().clone();
    settings.display_name = "Coordinator".into();
    settings.coordinator_key = Some(key.to_string());
    coordinator.update_settings(settings).unwrap();
    let own = make(&mut coordinator, academic(2024));
    let report = Report::for_vault(&coordinator, academic(2024)).unwrap();
    let e = merge(&mut coordinator, &own, true).unwrap_err();
    assert!(matches!(e, ReturnError::OwnReturn), "{e}");
    assert!(e.to_string().contains("count them twice"), "{e}");
    assert!(coordinator.volunteers().unwrap().is_empty());
    assert_eq!(
        Report::for_vault(&coordinator, academic(2024)).unwrap(),
        report
    );
}

#[test]
fn display_names_with_hidden_characters_are_refused() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    for name in [
        "Alex\u{202E}htimS",
        "Al\u{200B}ex",
        "Alex\u{2066}",
        "Alex\u{200F}",
        "Alex\u{061C}",
        "\u{FEFF}Alex",
        "Al\u{2060}ex",
        "Al\u{7}ex",
    ] {
        let mut settings = vault.settings().clone();
        settings.display_name = name.into();
        let e = vault.update_settings(settings).unwrap_err();
        assert!(e.to_string().contains("hidden character"), "{name:?}: {e}");
    }
    let mut settings = vault.settings().clone();
    settings.display_name = "Zoë O’Brien-Søndergård".into();
    vault.update_settings(settings).unwrap();
}

#[test]
fn a_revoked_volunteers_calls_can_be_purged_and_reports_stop_counting_them() {
    let (_c, mut coordinator, key) = coordinator();
    let (_a, mut alex) = volunteer("Alex", 10, 30, &key);
    let (_b, mut sam) = volunteer("Sam", 11, 30, &key);
    let before = Report::for_vault(&coordinator, academic(2024)).unwrap();
    merged_counts(merge(
        &mut coordinator,
        &make(&mut alex, academic(2024)),
        true,
    ));
    let with_sam = make(&mut sam, academic(2024));
    let alex_only = Report::for_vault(&coordinator, academic(2024)).unwrap();
    merged_counts(merge(&mut coordinator, &with_sam, true));
    let sam_fp = signing_fingerprint(&mut sam);

    // Still trusted: refused, nothing removed.
    let e =
        quietline::app::purge_volunteer(&mut coordinator, &sam_fp, chrono::Utc::now()).unwrap_err();
    assert!(e.message.contains("Revoke it first"), "{}", e.message);
    let e = quietline::app::purge_volunteer(&mut coordinator, "AAAA-BBBB", chrono::Utc::now())
        .unwrap_err();
    assert_eq!(e.code, quietline::app::ErrorCode::NotFound);

    assert!(coordinator.revoke_volunteer(&sam_fp, today()).unwrap());
    let purged =
        quietline::app::purge_volunteer(&mut coordinator, &sam_fp, chrono::Utc::now()).unwrap();
    assert!(purged.calls > 0);
    assert!(purged.message.contains("Sam"), "{}", purged.message);
    // The report is as it was with Alex's return only; Sam stays revoked.
    assert_eq!(
        Report::for_vault(&coordinator, academic(2024)).unwrap(),
        alex_only
    );
    assert_ne!(alex_only, before);
    let sam_row = coordinator
        .volunteers()
        .unwrap()
        .into_iter()
        .find(|v| v.name == "Sam")
        .unwrap();
    assert!(sam_row.revoked_on.is_some());
    assert!(matches!(
        merge(&mut coordinator, &with_sam, true),
        Err(ReturnError::RevokedSigner { .. })
    ));
    // Purging again finds nothing left.
    assert_eq!(
        quietline::app::purge_volunteer(&mut coordinator, &sam_fp, chrono::Utc::now())
            .unwrap()
            .calls,
        0
    );
}
