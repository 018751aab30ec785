//! The ledger: a sealed row deleted, duplicated or put back from an older
//! copy, in any table, is noticed at the next unlock, and before a report,
//! a return or a merge relies on the rows it reads.
//!
//! Each case edits a copy of one store with plain SQLite, as someone with
//! the file (and no key) could, then unlocks it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use quietline::crypto::{Passphrase, VolunteerKey};
use quietline::model::{CallId, CallType, CallerType, Region, RiskLevel, Role, Setting};
use quietline::period::{LocalMonth, Period};
use quietline::returns;
use quietline::store::{
    HeldCall, MergePlan, MergedReturn, ReturnedCall, StoreError, Vault, Volunteer,
};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::support::{TempStore, passphrase, typical_call, utc};

const NEW_PASSPHRASE: &str = "a quite different passphrase";

/// Every row of every table as SQLite holds it: table → primary key →
/// the whole row.
type Rows = BTreeMap<String, BTreeMap<String, Vec<Value>>>;

/// The sealed tables and the columns that key their rows.
const TABLES: &[(&str, &str)] = &[
    ("calls", "id"),
    ("call_details", "id"),
    ("report_pages", "hex(period_tag) || '/' || page"),
    ("deleted_calls", "id"),
    ("volunteers", "id"),
    ("merged_returns", "id"),
    ("merged_calls", "id"),
    ("merged_pages", "hex(period_tag) || '/' || page"),
    ("settings", "name"),
    ("key_slots", "slot"),
    ("activity", "id"),
];

fn rows(db: &Path) -> Rows {
    let conn = Connection::open(db).unwrap();
    let mut all = Rows::new();
    for (table, key) in TABLES {
        let mut stmt = conn
            .prepare(&format!("SELECT quote({key}), * FROM {table}"))
            .unwrap();
        let width = stmt.column_count();
        let table_rows = stmt
            .query_map([], |r| {
                let key: String = r.get(0)?;
                let values = (1..width)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((key, values))
            })
            .unwrap()
            .collect::<Result<BTreeMap<_, _>, _>>()
            .unwrap();
        all.insert(table.to_string(), table_rows);
    }
    all
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    stmt.column_names().map(|c| c.to_string()).collect()
}

fn put_row(conn: &Connection, table: &str, values: &[Value]) {
    let names = columns(conn, table);
    let marks = vec!["?"; names.len()].join(", ");
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})",
            names.join(", ")
        ),
        rusqlite::params_from_iter(values.iter()),
    )
    .unwrap();
}

/// A copy of `row` under another key, so that it can sit beside the first.
fn moved(table: &str, row: &[Value]) -> Vec<Value> {
    let mut row = row.to_vec();
    let key_column = match table {
        // rowid, period_tag, page, ...: a new rowid and page number.
        "report_pages" | "merged_pages" => {
            row[0] = Value::Integer(7_777_777);
            2
        }
        // period_tag, id, ...
        "calls" | "merged_calls" => 1,
        _ => 0,
    };
    row[key_column] = match &row[key_column] {
        Value::Blob(b) => {
            let mut b = b.clone();
            let last = b.len() - 1;
            b[last] ^= 0x55;
            Value::Blob(b)
        }
        Value::Text(t) => Value::Text(format!("{t}-copy")),
        Value::Integer(i) => Value::Integer(i + 1000),
        other => other.clone(),
    };
    row
}

fn returned_call(id: &str, month: &str, minutes: u32) -> ReturnedCall {
    ReturnedCall {
        id: id.into(),
        month: month.into(),
        minutes,
        call_type: CallType::Substantive,
        role: Role::Headteacher,
        setting: Setting::Primary,
        employer: None,
        region: Region::London,
        caller: CallerType::FirstTime,
        theme_list_version: 1,
        themes: vec!["wellbeing".into()],
        risk: RiskLevel::Low,
        follow_up: false,
    }
}

fn merge_into(vault: &mut Vault, signer_seed: &VolunteerKey, sequence: u64, minutes: u32) {
    let signer = signer_seed.signer();
    let today = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
    let merge = vault
        .begin_merge(&signer, &format!("return {sequence}"))
        .unwrap();
    let mut volunteer = merge
        .volunteer()
        .unwrap()
        .unwrap_or_else(|| Volunteer::trusted(&signer, "Volunteer A".into(), today));
    volunteer.returns_merged += 1;
    merge
        .apply(MergePlan {
            volunteer,
            file: vec![
                (
                    "aa".repeat(16),
                    HeldCall {
                        sequence,
                        call: Some(returned_call(&"aa".repeat(16), "2024-10", minutes)),
                    },
                ),
                (
                    "bb".repeat(16),
                    HeldCall {
                        sequence,
                        call: Some(returned_call(&"bb".repeat(16), "2024-11", minutes)),
                    },
                ),
            ],
            remove: Vec::new(),
            merged_return: MergedReturn {
                return_id: format!("return {sequence}"),
                sequence,
                made_on: "2025-09-03".into(),
                merged_on: today,
                calls: 2,
                deleted: 0,
            },
        })
        .unwrap();
}

/// Deletes one row of `table` with plain SQLite, as someone with the
/// file could while the store is unlocked.
fn remove_one(conn: &Connection, table: &str) {
    let removed = conn
        .execute(
            &format!("DELETE FROM {table} WHERE id = (SELECT id FROM {table} LIMIT 1)"),
            [],
        )
        .unwrap();
    assert_eq!(removed, 1, "{table} had no row to remove");
}

/// An edit made to a copy of the store with plain SQLite.
type Edit = Box<dyn Fn(&Connection)>;

struct Made {
    store: TempStore,
    /// Every row after the first round of writes, and after the second.
    before: Rows,
    after: Rows,
}

/// A store with a row of every sealed kind, each written twice so that an
/// older copy of it exists to be put back.
fn made() -> Made {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let signer = VolunteerKey::generate().unwrap();
    let at = utc(2024, 10, 2, 9, 0);
    let kept = vault.log_call(&typical_call(at), at).unwrap();
    let other = vault.log_call(&typical_call(at), at).unwrap();
    let november = utc(2024, 11, 5, 9, 0);
    vault.log_call(&typical_call(november), november).unwrap();
    let gone = vault.log_call(&typical_call(november), november).unwrap();
    vault.delete_call(gone).unwrap();
    let (coordinator, _) = vault.create_coordinator_identity().unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
    // Writes (or rewrites) the settings, a return's counters, the draft,
    // a merged return and the keeping record.
    let round = |vault: &mut Vault, n: u32| {
        let mut settings = vault.settings().clone();
        settings.display_name = format!("Volunteer {n}");
        settings.coordinator_key = Some(coordinator.to_string());
        vault.update_settings(settings).unwrap();
        let period = Period::academic(2024).unwrap();
        returns::make_return(vault, period, &coordinator, today).unwrap();
        vault
            .save_draft(0, &b"a draft ".repeat(n as usize))
            .unwrap();
        merge_into(vault, &signer, u64::from(n), 10 * n);
        vault
            .change_keeping(|k| {
                k.keep_backups = n + 4;
                Ok(())
            })
            .unwrap();
    };
    round(&mut vault, 1);
    drop(vault);
    let db = store.dir.join("quietline.db");
    let before = rows(&db);

    // The second round rewrites each kind of row.
    let mut vault = store.open();
    let mut edit = typical_call(at);
    edit.facts.duration_minutes += 5;
    vault
        .update_call(kept, &edit, at + Duration::hours(1))
        .unwrap();
    vault.delete_call(other).unwrap();
    round(&mut vault, 2);
    let fingerprint = signer.signer().fingerprint().to_string();
    assert!(vault.revoke_volunteer(&fingerprint, today).unwrap());
    vault
        .change_passphrase(&Passphrase::new(NEW_PASSPHRASE))
        .unwrap();
    drop(vault);
    let after = rows(&db);
    Made {
        store,
        before,
        after,
    }
}

/// A copy of the made store's directory, to edit.
fn copy_of(made: &Made, into: &Path) -> PathBuf {
    let dir = into.join("copy");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&made.store.dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

/// Unlocks `dir`, with the passphrase of the time or, if a key slot was
/// put back, the older one it then opens with.
fn unlock(dir: &Path) -> Result<Vault, StoreError> {
    match Vault::open(dir, &Passphrase::new(NEW_PASSPHRASE)) {
        Err(StoreError::WrongPassphrase) => Vault::open(dir, &passphrase()),
        other => other,
    }
}

#[test]
fn deleting_duplicating_or_putting_back_any_sealed_row_is_noticed_at_unlock() {
    let made = made();
    // Untouched, the store opens.
    let tmp = tempfile::tempdir().unwrap();
    unlock(&copy_of(&made, &tmp.path().join("untouched"))).unwrap();

    let mut cases: Vec<(String, Edit)> = Vec::new();
    for (table, table_rows) in &made.after {
        assert!(!table_rows.is_empty(), "{table} has no row to test with");
        // One row of each kind: each named row of the settings table and
        // each key slot is a kind of its own.
        let named = ["settings", "key_slots"].contains(&table.as_str());
        let mut deleted_one = false;
        let mut put_back_one = false;
        for (key, row) in table_rows {
            let older = made.before[table].get(key).filter(|old| *old != row);
            let delete_this = named || !deleted_one;
            let put_back_this = older.is_some() && (named || !put_back_one);
            if !delete_this && !put_back_this {
                continue;
            }
            deleted_one |= delete_this;
            put_back_one |= put_back_this;
            if let Some(older) = older.filter(|_| put_back_this) {
                let (t, older) = (table.clone(), older.clone());
                cases.push((
                    format!("put back {table} {key}"),
                    Box::new(move |c: &Connection| put_row(c, &t, &older)),
                ));
            }
            if !delete_this {
                continue;
            }
            let t = table.clone();
            let k = key.clone();
            let key_sql = TABLES.iter().find(|(n, _)| n == table).unwrap().1;
            cases.push((
                format!("delete {table} {key}"),
                Box::new(move |c: &Connection| {
                    let n = c
                        .execute(
                            &format!("DELETE FROM {t} WHERE quote({key_sql}) = ?1"),
                            [&k],
                        )
                        .unwrap();
                    assert_eq!(n, 1);
                }),
            ));
            let (t, copy) = (table.clone(), moved(table, row));
            cases.push((
                format!("duplicate {table} {key}"),
                Box::new(move |c: &Connection| put_row(c, &t, &copy)),
            ));
        }
    }
    // Every kind has at least one row put back from its older copy.
    for (table, _) in TABLES {
        if ["deleted_calls", "merged_returns", "activity"].contains(table) {
            // Written once and never rewritten: putting back their older
            // state is deleting a row, tested above.
            continue;
        }
        assert!(
            cases
                .iter()
                .any(|(name, _)| name.starts_with(&format!("put back {table} "))),
            "no older copy of a {table} row to put back"
        );
    }
    // Each named row of the settings table is a kind of its own (the
    // signing key and coordinator identity are written once, never again).
    for name in [
        "settings",
        "draft",
        "keeping",
        "returns_made",
        "return_sequence",
        "ledger",
    ] {
        assert!(
            cases
                .iter()
                .any(|(case, _)| case == &format!("put back settings '{name}'")),
            "no older copy of the settings row '{name}'"
        );
    }

    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!("{} cases:\n{}", cases.len(), names.join("\n"));
    let mut missed = Vec::new();
    for (i, (name, edit)) in cases.iter().enumerate() {
        let dir = copy_of(&made, &tmp.path().join(format!("case{i}")));
        {
            let conn = Connection::open(dir.join("quietline.db")).unwrap();
            edit(&conn);
        }
        match unlock(&dir) {
            Err(e @ (StoreError::Tampered { .. } | StoreError::Corrupt { .. })) => {
                let message = e.to_string();
                assert!(
                    message.contains("backup"),
                    "{name}: the message should say to restore from a backup: {message}"
                );
            }
            Err(other) => missed.push(format!("{name}: unexpected error {other}")),
            Ok(_) => missed.push(format!("{name}: unlocked as if nothing had happened")),
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} cases went unnoticed:\n{}",
        missed.len(),
        cases.len(),
        missed.join("\n")
    );
}

#[test]
fn a_report_a_return_and_a_merge_notice_rows_changed_while_the_store_is_open() {
    let made = made();
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of(&made, tmp.path());
    let vault = Vault::open(&dir, &Passphrase::new(NEW_PASSPHRASE)).unwrap();
    let months = [
        LocalMonth::parse("2024-10").unwrap(),
        LocalMonth::parse("2024-11").unwrap(),
    ];
    assert!(vault.report_pages(&months).is_ok());
    assert!(vault.merged_calls_in_months(&months).is_ok());
    assert!(vault.calls_in_months(&months).is_ok());

    // Someone with the file removes rows while the app has it unlocked.
    let other = Connection::open(dir.join("quietline.db")).unwrap();
    let page: Vec<u8> = other
        .query_row("SELECT period_tag FROM report_pages LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    other
        .execute("DELETE FROM report_pages WHERE period_tag = ?1", [&page])
        .unwrap();
    let refused = vault.report_pages(&months).unwrap_err();
    assert!(matches!(refused, StoreError::Tampered { .. }), "{refused}");
    assert!(refused.to_string().contains("report pages"), "{refused}");

    assert!(vault.merged_report_pages(&months).is_ok());
    let merged_page: Vec<u8> = other
        .query_row("SELECT period_tag FROM merged_pages LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    other
        .execute(
            "DELETE FROM merged_pages WHERE period_tag = ?1",
            [&merged_page],
        )
        .unwrap();
    let refused = vault.merged_report_pages(&months).unwrap_err();
    assert!(matches!(refused, StoreError::Tampered { .. }), "{refused}");

    remove_one(&other, "merged_calls");
    assert!(matches!(
        vault.merged_calls_in_months(&months),
        Err(StoreError::Tampered { .. })
    ));

    remove_one(&other, "calls");
    assert!(matches!(
        vault.calls_in_months(&months),
        Err(StoreError::Tampered { .. })
    ));
    assert!(matches!(
        vault.check_ledger(),
        Err(StoreError::Tampered { .. })
    ));
}

#[test]
fn a_merge_and_a_return_check_what_they_read_before_relying_on_it() {
    let made = made();
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of(&made, tmp.path());
    let mut vault = Vault::open(&dir, &Passphrase::new(NEW_PASSPHRASE)).unwrap();
    let other = Connection::open(dir.join("quietline.db")).unwrap();
    remove_one(&other, "merged_calls");
    let signer = VolunteerKey::generate().unwrap().signer();
    let refused = vault.begin_merge(&signer, "another return").err().unwrap();
    assert!(matches!(refused, StoreError::Tampered { .. }), "{refused}");

    remove_one(&other, "deleted_calls");
    let coordinator = vault.settings().coordinator_key.clone().unwrap();
    let to = returns::CoordinatorKey::parse(&coordinator).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 9, 4).unwrap();
    let refused =
        returns::make_return(&mut vault, Period::academic(2024).unwrap(), &to, today).err();
    assert!(
        matches!(
            refused,
            Some(returns::ReturnError::Store(StoreError::Tampered { .. }))
        ),
        "{refused:?}"
    );
}

#[test]
fn a_removed_ledger_is_missed_not_begun_again() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let at = utc(2024, 10, 2, 9, 0);
    let id: CallId = vault.log_call(&typical_call(at), at).unwrap();
    drop(vault);

    // Removing the ledger of a store that kept one is noticed...
    let copy = tempfile::tempdir().unwrap();
    let dir = copy.path().join("store");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(store.dir.join("quietline.db"), dir.join("quietline.db")).unwrap();
    Connection::open(dir.join("quietline.db"))
        .unwrap()
        .execute("DELETE FROM settings WHERE name = 'ledger'", [])
        .unwrap();
    let refused = Vault::open(&dir, &passphrase()).err().unwrap();
    assert!(matches!(refused, StoreError::Tampered { .. }), "{refused}");

    // ...and so is removing it together with the settings that say so.
    Connection::open(dir.join("quietline.db"))
        .unwrap()
        .execute("DELETE FROM settings WHERE name = 'settings'", [])
        .unwrap();
    assert!(Vault::open(&dir, &passphrase()).is_err());

    // The original, untouched, opens. (A store sealed before the ledger
    // existed begins one at its first unlock: tests/compatibility.rs.)
    let vault = Vault::open(&store.dir, &passphrase()).unwrap();
    assert!(vault.call(id).is_ok());
    assert!(vault.check_ledger().unwrap() > 0);
}

#[test]
fn a_coordinator_is_warned_when_a_volunteers_log_goes_back_to_an_older_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut coordinator, _) =
        Vault::create(&tmp.path().join("coordinator"), &passphrase()).unwrap();
    let (key, _) = coordinator.create_coordinator_identity().unwrap();
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut settings = vault.settings().clone();
    settings.display_name = "Volunteer A".into();
    vault.update_settings(settings).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
    let at = utc(2024, 10, 2, 9, 0);
    let send = |vault: &mut Vault, coordinator: &mut Vault| {
        let made =
            returns::make_return(vault, Period::academic(2024).unwrap(), &key, today).unwrap();
        let checked = returns::check_return(coordinator, &made.bytes).unwrap();
        returns::merge_checked(coordinator, &checked, true, today).unwrap()
    };
    vault.log_call(&typical_call(at), at).unwrap();
    let first = send(&mut vault, &mut coordinator);
    assert!(matches!(first, returns::Merged::Merged(c) if !c.store_went_back));
    drop(vault);
    let older = store.snapshot();

    let mut vault = store.open();
    for _ in 0..3 {
        vault.log_call(&typical_call(at), at).unwrap();
    }
    let second = send(&mut vault, &mut coordinator);
    assert!(matches!(second, returns::Merged::Merged(c) if !c.store_went_back));
    drop(vault);

    // The laptop's log is replaced by the older copy of itself.
    for (name, bytes) in &older {
        std::fs::write(store.dir.join(name), bytes).unwrap();
    }
    for entry in std::fs::read_dir(&store.dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !older.contains_key(&name) {
            std::fs::remove_file(store.dir.join(name)).unwrap();
        }
    }
    let mut vault = store.open();
    let third = send(&mut vault, &mut coordinator);
    assert!(
        matches!(third, returns::Merged::Merged(c) if c.store_went_back),
        "{third:?}"
    );
}
