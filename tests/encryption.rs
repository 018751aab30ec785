//! What an attacker with the laptop's disk sees and can do: no plaintext,
//! no way in without the passphrase, and no undetected tampering.

use quietline::crypto::Passphrase;
use quietline::model::CallId;
use quietline::period::Period;
use quietline::report::{Report, ReportError};
use quietline::store::{DB_FILE, StoreError, Vault};
use rusqlite::{Connection, params};

use crate::support::*;

fn raw(store: &TempStore) -> Connection {
    Connection::open(store.dir.join(DB_FILE)).unwrap()
}

/// Unlocking after rows were swapped, moved or put back is refused by the
/// ledger before anything reads them.
fn refused_at_unlock(store: &TempStore) {
    match Vault::open(&store.dir, &passphrase()) {
        Err(StoreError::Tampered { .. }) => {}
        Err(other) => panic!("expected the ledger to refuse the store, got {other:?}"),
        Ok(_) => panic!("a store with rows swapped or moved unlocked as if nothing happened"),
    }
}

fn corrupt_record(err: &StoreError) -> String {
    match err {
        StoreError::Corrupt { record } => record.clone(),
        other => panic!("expected an integrity error, got {other:?}"),
    }
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_no_byte_of_the_store() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    drop(vault);
    let before = store.snapshot();
    for wrong in [
        "",
        "correct horse battery stapl",
        "CORRECT HORSE BATTERY STAPLE",
    ] {
        let err = Vault::open(&store.dir, &Passphrase::new(wrong))
            .err()
            .unwrap();
        assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
        assert!(err.to_string().contains("passphrase"));
    }
    assert_eq!(store.snapshot(), before);
}

#[test]
fn a_flipped_byte_in_a_sealed_record_is_named_not_miscounted() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let id = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    vault
        .log_call(&typical_call(utc(2024, 4, 1, 9, 30)), now())
        .unwrap();
    drop(vault);

    let db = raw(&store);
    let mut sealed: Vec<u8> = db
        .query_row(
            "SELECT sealed FROM calls WHERE id = ?1",
            params![id.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap();
    let middle = sealed.len() / 2;
    sealed[middle] ^= 0x20;
    db.execute(
        "UPDATE calls SET sealed = ?1 WHERE id = ?2",
        params![sealed, id.as_bytes().as_slice()],
    )
    .unwrap();
    drop(db);

    let vault = store.open();
    let err = vault.call(id).unwrap_err();
    assert_eq!(corrupt_record(&err), format!("call {id}"));
    assert!(err.to_string().contains(&id.to_string()));
    match Report::for_vault_from_records(&vault, Period::calendar(2024).unwrap()) {
        Err(ReportError::Store(e)) => assert_eq!(corrupt_record(&e), format!("call {id}")),
        other => panic!("a report over a damaged record must fail, got {other:?}"),
    }
    assert!(vault.all_calls().is_err());
}

#[test]
fn a_flipped_byte_in_a_report_page_fails_the_report() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    drop(vault);
    let db = raw(&store);
    let mut sealed: Vec<u8> = db
        .query_row("SELECT sealed FROM report_pages", [], |r| r.get(0))
        .unwrap();
    // A byte between the nonce and the tag: the ledger covers each row by
    // those two ends, so it is the record's own authentication that fails.
    let middle = sealed.len() / 2;
    sealed[middle] ^= 0x01;
    db.execute("UPDATE report_pages SET sealed = ?1", params![sealed])
        .unwrap();
    drop(db);
    let vault = store.open();
    match Report::for_vault(&vault, Period::calendar(2024).unwrap()) {
        Err(ReportError::Store(e)) => assert!(corrupt_record(&e).starts_with("report page")),
        other => panic!("a report over a damaged page must fail, got {other:?}"),
    }
}

#[test]
fn ciphertexts_swapped_between_rows_fail_to_open() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    // Same month, so the two rows share a period tag and only the id binding differs.
    let a = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    let mut other = typical_call(utc(2024, 3, 20, 9, 30));
    other.details.notes = "Someone else's notes.".into();
    let b = vault.log_call(&other, now()).unwrap();
    drop(vault);

    // Swapped while the store is unlocked (after the ledger's check at
    // unlock): each record's binding to its id still refuses it.
    let vault = store.open();
    let db = raw(&store);
    let swap = |table: &str| {
        let get = |id: CallId| -> Vec<u8> {
            db.query_row(
                &format!("SELECT sealed FROM {table} WHERE id = ?1"),
                params![id.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .unwrap()
        };
        let (sa, sb) = (get(a), get(b));
        for (id, sealed) in [(a, sb), (b, sa)] {
            db.execute(
                &format!("UPDATE {table} SET sealed = ?1 WHERE id = ?2"),
                params![sealed, id.as_bytes().as_slice()],
            )
            .unwrap();
        }
    };
    swap("call_details");
    let err = vault.call(a).unwrap_err();
    assert!(corrupt_record(&err).contains(&a.to_string()), "{err}");
    drop(vault);
    refused_at_unlock(&store);

    swap("call_details");
    let vault = store.open();
    swap("calls");
    assert!(corrupt_record(&vault.call(a).unwrap_err()).contains(&a.to_string()));
    assert!(corrupt_record(&vault.call(b).unwrap_err()).contains(&b.to_string()));
    drop(vault);
    refused_at_unlock(&store);
}

#[test]
fn a_ciphertext_moved_to_another_table_fails_to_open() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let id = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    drop(vault);
    let vault = store.open();
    let db = raw(&store);
    db.execute(
        "UPDATE call_details SET sealed = (SELECT sealed FROM calls WHERE id = ?1) WHERE id = ?1",
        params![id.as_bytes().as_slice()],
    )
    .unwrap();
    drop(db);
    assert!(corrupt_record(&vault.call(id).unwrap_err()).contains(&id.to_string()));
    drop(vault);
    refused_at_unlock(&store);
}

/// Moving a record to another month's tag must not silently move it
/// between periods: the tag is bound into the record's associated data.
#[test]
fn a_record_moved_to_another_months_tag_fails_loudly() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let march = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    vault
        .log_call(&typical_call(utc(2023, 7, 14, 9, 30)), now())
        .unwrap();
    drop(vault);
    let vault = store.open();
    let db = raw(&store);
    let tag_of = |same: bool| -> Vec<u8> {
        let op = if same { "=" } else { "!=" };
        db.query_row(
            &format!("SELECT period_tag FROM calls WHERE id {op} ?1"),
            params![march.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (march_tag, july_tag) = (tag_of(true), tag_of(false));
    db.execute(
        "UPDATE calls SET period_tag = ?2 WHERE id = ?1",
        params![march.as_bytes().as_slice(), july_tag],
    )
    .unwrap();
    drop(db);
    // The month's calls no longer match the ledger; opened anyway, the
    // moved record would not open under its new month.
    let err = Report::for_vault_from_records(&vault, Period::calendar(2023).unwrap()).unwrap_err();
    assert!(err.to_string().contains("the calls of one month"), "{err}");
    assert!(corrupt_record(&vault.call(march).unwrap_err()).contains(&march.to_string()));
    drop(vault);
    refused_at_unlock(&store);
    let db = raw(&store);
    db.execute(
        "UPDATE calls SET period_tag = ?2 WHERE id = ?1",
        params![march.as_bytes().as_slice(), march_tag],
    )
    .unwrap();
    drop(db);

    // The same for the report pages: the month tag is part of each page's
    // identity, so a page moved to another month does not open.
    let vault = store.open();
    let db = raw(&store);
    db.execute(
        "DELETE FROM report_pages WHERE period_tag = ?1",
        params![july_tag],
    )
    .unwrap();
    let moved = db
        .execute(
            "UPDATE report_pages SET period_tag = ?2 WHERE period_tag = ?1",
            params![march_tag, july_tag],
        )
        .unwrap();
    assert_eq!(moved, 1);
    drop(db);
    assert!(Report::for_vault(&vault, Period::calendar(2023).unwrap()).is_err());
    drop(vault);
    refused_at_unlock(&store);
}

#[test]
fn no_plaintext_reaches_the_disk() {
    let store = TempStore::new();
    let (mut vault, recovery) = store.create();
    let mut settings = vault.settings().clone();
    settings.display_name = "CANARY-NAME-7731".into();
    vault.update_settings(settings).unwrap();
    let mut call = typical_call(utc(2024, 3, 14, 9, 30));
    call.details.notes = "CANARY-NOTES-4412 the caller's private words".into();
    call.details.safeguarding = vec!["CANARY-STEP-9904".into()];
    for _ in 0..20 {
        vault.log_call(&call, now()).unwrap();
    }
    let mut edited = call.clone();
    edited.details.notes = "CANARY-EDITED-5521".into();
    let id = vault.log_call(&call, now()).unwrap();
    vault.update_call(id, &edited, now()).unwrap();
    let deleted = vault.log_call(&call, now()).unwrap();
    vault.delete_call(deleted).unwrap();

    // Ids of the model and other telling strings must not be on disk either.
    let needles: Vec<String> = vec![
        "CANARY-NAME-7731".into(),
        "CANARY-NOTES-4412".into(),
        "CANARY-STEP-9904".into(),
        "CANARY-EDITED-5521".into(),
        "private words".into(),
        "inspection".into(),
        "ofsted".into(),
        "workload".into(),
        "headteacher".into(),
        "north_west".into(),
        "local_authority".into(),
        "Europe/London".into(),
        "2024-03".into(),
        PASSPHRASE.into(),
        recovery.clone(),
        recovery.replace('-', ""),
    ];
    let scan = |when: &str| {
        let files = store.snapshot();
        assert!(files.contains_key(DB_FILE));
        for (name, bytes) in &files {
            for needle in &needles {
                let hit = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
                assert!(!hit, "{when}: '{needle}' found in {name}");
            }
        }
        files.len()
    };
    // While open, the WAL holds the recent writes.
    let open_files = scan("while open");
    assert!(open_files >= 2, "expected the WAL beside the database");
    drop(vault);
    scan("after closing");
    // A positive control, so a scan that reads nothing cannot pass: the
    // schema itself is plaintext.
    let db_bytes = std::fs::read(store.dir.join(DB_FILE)).unwrap();
    assert!(db_bytes.windows(11).any(|w| w == b"call_detail"));
}

/// Report pages live in a rowid table; sequential rowids would record the
/// order in which months' pages were written, so they must be random.
#[test]
fn report_page_rowids_do_not_record_the_order_pages_were_written() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    for month in 1..=6 {
        vault
            .log_call(&typical_call(utc(2024, month, 10, 9, 30)), now())
            .unwrap();
    }
    drop(vault);
    let ids: Vec<i64> = raw(&store)
        .prepare("SELECT id FROM report_pages")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.len(), 6, "one page per month");
    // Six random 63-bit ids all fall above 2^32 but for a chance of 6 in 2^31.
    assert!(ids.iter().all(|id| *id > 1 << 32), "{ids:?}");
}

#[test]
fn out_of_bounds_kdf_parameters_are_refused_before_deriving() {
    let store = TempStore::new();
    let (vault, _) = store.create();
    drop(vault);
    let db = raw(&store);
    // 4 TiB of memory would hang or kill the machine if it were honoured.
    db.execute("UPDATE key_slots SET memory_kib = 4294967295", [])
        .unwrap();
    drop(db);
    let started = std::time::Instant::now();
    let err = Vault::open(&store.dir, &passphrase()).err().unwrap();
    assert!(
        err.to_string().contains("outside the accepted bounds"),
        "{err}"
    );
    // Not a timing assertion on speed: just that no 4 TiB derivation ran.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let store = TempStore::new();
    std::fs::create_dir_all(&store.dir).unwrap();
    let db = raw(&store);
    db.execute_batch("CREATE TABLE something (x)").unwrap();
    drop(db);
    let err = Vault::open(&store.dir, &passphrase()).err().unwrap();
    assert!(matches!(err, StoreError::NotAStore), "{err}");
}

#[test]
fn a_store_from_a_newer_version_is_refused_with_a_clear_message() {
    let store = TempStore::new();
    let (vault, _) = store.create();
    drop(vault);
    let db = raw(&store);
    db.execute("UPDATE meta SET value = 99 WHERE name = 'format'", [])
        .unwrap();
    drop(db);
    let err = Vault::open(&store.dir, &passphrase()).err().unwrap();
    assert!(
        err.to_string().contains("newer version of Quietline"),
        "{err}"
    );
}

#[test]
fn notes_of_different_lengths_are_sealed_to_the_same_size() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut ids = Vec::new();
    for notes in [
        "Ofsted.",
        &"A long and careful account of the call. ".repeat(5),
    ] {
        let mut call = typical_call(utc(2024, 3, 14, 9, 30));
        call.details.notes = notes.to_string();
        ids.push(vault.log_call(&call, now()).unwrap());
    }
    drop(vault);
    let db = raw(&store);
    let size = |table: &str, id: CallId| -> i64 {
        db.query_row(
            &format!("SELECT length(sealed) FROM {table} WHERE id = ?1"),
            params![id.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(size("call_details", ids[0]), size("call_details", ids[1]));
    assert_eq!(size("calls", ids[0]), size("calls", ids[1]));
    // And they read back exactly.
    drop(db);
    let vault = store.open();
    assert_eq!(vault.call(ids[0]).unwrap().details.notes, "Ofsted.");
}
