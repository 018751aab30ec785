//! The ledger: the store's commitment to its whole sealed state, so that a
//! row removed, duplicated or put back from an older copy is noticed, not
//! only a row whose bytes were changed.
//!
//! Each sealed row has a digest: HMAC-SHA256, under a key derived from the
//! data key, of its table, its month tag (where it has one), its key, its
//! record version and the two ends of its sealed bytes (the envelope
//! version and random nonce, and the AEAD tag). The ends stand for the
//! whole: every row is opened, and so its tag checked against every byte
//! between, before anything uses it. Per table, and per month for calls,
//! report pages and merged calls, the ledger keeps how many rows there are
//! and the sum of their digests modulo 2^128 (an additive multiset hash, as
//! in Clarke et al., "Incremental multiset hash functions", 2003). Without
//! the key nobody can compute a digest, so no edit of the rows can be made
//! to match the sums. The ledger is sealed as one record with a generation
//! that moves on with every write; returns carry it, so a coordinator sees
//! a store put back to an older copy of itself.
//!
//! Every change is noticed by SQLite itself: temporary triggers on each
//! covered table, installed on every connection the store opens ([`watch`]),
//! note each inserted, updated and deleted row in a temporary table, and
//! [`commit`] folds those notes into the ledger in the same transaction as
//! the writes. No write path needs to remember the ledger, and a rolled-back
//! transaction rolls its notes back with it.
//!
//! A whole store replaced by an older copy of itself is consistent with
//! its own (older) ledger and cannot be noticed from inside it.

use std::collections::BTreeMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::sealed::{self, NamedRow, SealedTable};
use super::{Keys, StoreError};
use crate::crypto::{PeriodTag, RowHasher};

/// A sealed table the ledger covers, and how its rows are described to
/// the digest, in SQL over a row named `{r}` (`NEW`, `OLD`, or the table).
struct Covered {
    table: &'static str,
    /// What its rows are, to a person.
    what: &'static str,
    /// Whether its rows are filed under a month tag, kept per month.
    monthly: bool,
    key: &'static str,
    version: &'static str,
    sealed: &'static str,
    /// Which rows are covered.
    only: &'static str,
}

const fn row(table: &'static str, what: &'static str) -> Covered {
    Covered {
        table,
        what,
        monthly: false,
        key: "{r}.id",
        version: "{r}.version",
        sealed: "{r}.sealed",
        only: "1",
    }
}

const fn monthly(table: &'static str, what: &'static str, key: &'static str) -> Covered {
    Covered {
        monthly: true,
        key,
        ..row(table, what)
    }
}

const COVERED: &[Covered] = &[
    monthly("calls", "the calls of one month", "{r}.id"),
    row("call_details", "the calls' notes and safeguarding steps"),
    monthly(
        "report_pages",
        "the report pages of one month",
        "CAST({r}.page AS TEXT)",
    ),
    row("deleted_calls", "the list of deleted calls"),
    row("volunteers", "the list of trusted volunteers"),
    row("merged_returns", "the list of merged returns"),
    monthly("merged_calls", "the merged calls of one month", "{r}.id"),
    monthly(
        "merged_pages",
        "the merged calls' report pages of one month",
        "CAST({r}.page AS TEXT)",
    ),
    Covered {
        key: "{r}.name",
        only: "{r}.name <> 'ledger'",
        ..row("settings", "the settings and keys")
    },
    Covered {
        key: "{r}.slot || ':' || hex({r}.salt) || ':' || {r}.memory_kib || ':' || \
              {r}.iterations || ':' || {r}.parallelism",
        version: "0",
        sealed: "{r}.wrapped",
        ..row("key_slots", "the passphrase and recovery key slots")
    },
    row("activity", "the activity record"),
];

fn scope_of(covered: &Covered, r: &str) -> String {
    if covered.monthly {
        format!("{r}.period_tag")
    } else {
        "x''".into()
    }
}

fn columns(covered: &Covered, r: &str) -> String {
    format!(
        "'{table}', {scope}, {key}, {version}, {sealed}",
        table = covered.table,
        scope = scope_of(covered, r),
        key = covered.key.replace("{r}", r),
        version = covered.version.replace("{r}", r),
        sealed = covered.sealed.replace("{r}", r),
    )
}

/// [`columns`] as a trigger notes them: of the sealed bytes only the two
/// ends the digest reads (see [`digest`]), so a change noted does not copy
/// the whole row again. Every sealed value is at least 41 bytes (envelope
/// version, nonce and tag), so the ends come out the same.
fn noted_columns(covered: &Covered, r: &str) -> String {
    let sealed = covered.sealed.replace("{r}", r);
    format!(
        "'{table}', {scope}, {key}, {version}, \
         CASE WHEN length({sealed}) > 41 \
              THEN CAST(substr({sealed}, 1, 25) || substr({sealed}, -16) AS BLOB) \
              ELSE {sealed} END",
        table = covered.table,
        scope = scope_of(covered, r),
        key = covered.key.replace("{r}", r),
        version = covered.version.replace("{r}", r),
    )
}

/// Installs, on this connection only, the triggers that note every change
/// to a covered row. Call after migrating: a table a migration drops takes
/// its triggers with it.
pub(super) fn watch(conn: &Connection) -> Result<(), StoreError> {
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS ledger_changes (
             tbl TEXT NOT NULL, scope BLOB NOT NULL, key NOT NULL,
             version INTEGER NOT NULL, sealed BLOB NOT NULL, sign INTEGER NOT NULL);",
    );
    for covered in COVERED {
        let table = covered.table;
        let exists: bool = conn
            .query_row(
                "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                params![table],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !exists {
            continue;
        }
        let when = |r: &str| covered.only.replace("{r}", r);
        let note = |r: &str, sign: i8| {
            format!(
                "INSERT INTO temp.ledger_changes VALUES ({}, {sign});",
                noted_columns(covered, r)
            )
        };
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS ledger_{table}_insert AFTER INSERT ON main.{table}
                 WHEN {new} BEGIN {insert} END;
             CREATE TEMP TRIGGER IF NOT EXISTS ledger_{table}_delete AFTER DELETE ON main.{table}
                 WHEN {old} BEGIN {delete} END;
             CREATE TEMP TRIGGER IF NOT EXISTS ledger_{table}_update_old AFTER UPDATE ON main.{table}
                 WHEN {old} BEGIN {delete} END;
             CREATE TEMP TRIGGER IF NOT EXISTS ledger_{table}_update_new AFTER UPDATE ON main.{table}
                 WHEN {new} BEGIN {insert} END;",
            new = when("NEW"),
            old = when("OLD"),
            insert = note("NEW", 1),
            delete = note("OLD", -1),
        ));
    }
    // Rows removed by REPLACE fire delete triggers only with this on.
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    conn.execute_batch(&sql)?;
    Ok(())
}

/// How many rows a scope has, and the sum of their digests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Tally {
    count: u64,
    sum: [u8; 16],
}

impl Tally {
    fn add(&mut self, digest: &[u8; 16]) {
        self.count = self.count.wrapping_add(1);
        self.sum = u128::from_le_bytes(self.sum)
            .wrapping_add(u128::from_le_bytes(*digest))
            .to_le_bytes();
    }

    fn remove(&mut self, digest: &[u8; 16]) {
        self.count = self.count.wrapping_sub(1);
        self.sum = u128::from_le_bytes(self.sum)
            .wrapping_sub(u128::from_le_bytes(*digest))
            .to_le_bytes();
    }

    fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// Tallies by table, then by month tag (empty for tables kept whole).
type Tallies = BTreeMap<String, BTreeMap<Vec<u8>, Tally>>;

/// The ledger as sealed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Ledger {
    generation: u64,
    tallies: Tallies,
}

impl Ledger {
    fn note(&mut self, table: &str, scope: Vec<u8>, digest: &[u8; 16], sign: i64) {
        let scopes = self.tallies.entry(table.to_string()).or_default();
        let tally = scopes.entry(scope.clone()).or_default();
        if sign > 0 {
            tally.add(digest);
        } else {
            tally.remove(digest);
        }
        if tally.is_empty() {
            scopes.remove(&scope);
        }
        if scopes.is_empty() {
            self.tallies.remove(table);
        }
    }
}

/// The ledger: a row of the settings table, bound as its own kind.
pub(super) struct LedgerRow;

impl SealedTable for LedgerRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "ledger";
    type Value = Ledger;

    fn encode(ledger: &Ledger) -> Option<Vec<u8>> {
        postcard::to_allocvec(ledger).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Ledger> {
        postcard::from_bytes(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "the store's ledger".into()
    }
}

impl NamedRow for LedgerRow {
    const NAME: &'static str = "ledger";
}

/// The bytes of a column that may be stored as text or as a blob.
fn bytes<'a>(value: ValueRef<'a>) -> &'a [u8] {
    match value {
        ValueRef::Text(b) | ValueRef::Blob(b) => b,
        _ => &[],
    }
}

/// The digest of one row as the ledger sees it.
fn digest(
    hasher: &RowHasher,
    table: &str,
    scope: &[u8],
    key: &[u8],
    version: i64,
    sealed: &[u8],
) -> [u8; 16] {
    // The envelope version and nonce at the front, the AEAD tag at the end.
    let head = &sealed[..sealed.len().min(25)];
    let tail = &sealed[sealed.len().saturating_sub(16)..];
    hasher.digest(&[
        table.as_bytes(),
        scope,
        key,
        &version.to_be_bytes(),
        head,
        tail,
    ])
}

/// Reads the ledger, if the store has one.
pub(super) fn read(conn: &Connection, keys: &Keys) -> Result<Option<Ledger>, StoreError> {
    sealed::read_named::<LedgerRow>(conn, &keys.records)
}

/// Folds the changes noted since the last fold into the ledger and seals
/// it again. Inside the transaction that made the changes.
pub(super) fn fold(conn: &Connection, keys: &Keys) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT tbl, scope, key, version, sealed, sign FROM temp.ledger_changes")?;
    let mut rows = stmt.query([])?;
    let mut changes = Vec::new();
    let hasher = keys.ledger.row_hasher();
    while let Some(row) = rows.next()? {
        let table: String = row.get(0)?;
        let scope = bytes(row.get_ref(1)?).to_vec();
        let d = digest(
            &hasher,
            &table,
            &scope,
            bytes(row.get_ref(2)?),
            row.get(3)?,
            bytes(row.get_ref(4)?),
        );
        changes.push((table, scope, d, row.get::<_, i64>(5)?));
    }
    drop(rows);
    if changes.is_empty() {
        return Ok(());
    }
    let mut ledger = read(conn, keys)?.ok_or_else(missing)?;
    for (table, scope, d, sign) in changes {
        ledger.note(&table, scope, &d, sign);
    }
    ledger.generation += 1;
    sealed::write_named::<LedgerRow>(conn, &keys.records, &ledger)?;
    conn.execute("DELETE FROM temp.ledger_changes", [])?;
    Ok(())
}

/// Folds the transaction's changes into the ledger, then commits both.
pub(super) fn commit(tx: Transaction<'_>, keys: &Keys) -> Result<(), StoreError> {
    fold(&tx, keys)?;
    tx.commit()?;
    Ok(())
}

/// Begins the ledger of a new store, empty, inside its first transaction.
pub(super) fn begin(conn: &Connection, keys: &Keys) -> Result<(), StoreError> {
    sealed::write_named::<LedgerRow>(conn, &keys.records, &Ledger::default())
}

/// Tallies every covered row as the file holds it now.
fn tally_rows(
    conn: &Connection,
    keys: &Keys,
    only: Option<&[&str]>,
) -> Result<Tallies, StoreError> {
    let hasher = keys.ledger.row_hasher();
    let mut found = Ledger::default();
    for covered in COVERED {
        let table = covered.table;
        if only.is_some_and(|only| !only.contains(&table)) {
            continue;
        }
        let sql = format!(
            "SELECT {} FROM main.{table} WHERE {}",
            columns(covered, table),
            covered.only.replace("{r}", table)
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let scope = bytes(row.get_ref(1)?);
            let d = digest(
                &hasher,
                table,
                scope,
                bytes(row.get_ref(2)?),
                row.get(3)?,
                bytes(row.get_ref(4)?),
            );
            let tally = found
                .tallies
                .entry(table.to_string())
                .or_default()
                .entry(scope.to_vec())
                .or_default();
            tally.add(&d);
        }
    }
    Ok(found.tallies)
}

fn missing() -> StoreError {
    StoreError::Tampered {
        what: "the store's record of its own contents".into(),
        problem: "is missing".into(),
    }
}

fn problem(expected: &Tally, found: &Tally) -> &'static str {
    if found.count < expected.count {
        "has a record missing"
    } else if found.count > expected.count {
        "has a record Quietline did not put there (a copy or an addition)"
    } else {
        "has a record put back from an older copy"
    }
}

fn tampered(table: &str, expected: &Tally, found: &Tally) -> StoreError {
    let what = COVERED
        .iter()
        .find(|c| c.table == table)
        .map_or("part of the store", |c| c.what);
    StoreError::Tampered {
        what: what.into(),
        problem: problem(expected, found).into(),
    }
}

/// Compares the ledger with what the file holds.
fn compare(expected: &Tallies, found: &Tallies, only: Option<&[&str]>) -> Result<(), StoreError> {
    let none = BTreeMap::new();
    for covered in COVERED {
        if only.is_some_and(|only| !only.contains(&covered.table)) {
            continue;
        }
        let expected = expected.get(covered.table).unwrap_or(&none);
        let found = found.get(covered.table).unwrap_or(&none);
        for scope in expected.keys().chain(found.keys()) {
            let e = expected.get(scope).copied().unwrap_or_default();
            let f = found.get(scope).copied().unwrap_or_default();
            if e != f {
                return Err(tampered(covered.table, &e, &f));
            }
        }
    }
    Ok(())
}

/// The tables a merge reads and writes.
pub(super) const MERGED_TABLES: &[&str] = &[
    "volunteers",
    "merged_returns",
    "merged_calls",
    "merged_pages",
];

/// A read transaction if none is open, so that the ledger and the rows
/// checked against it are read from one snapshot. Held by whoever reads
/// rows and then checks them, for as long as both take.
pub(super) fn snapshot(conn: &Connection) -> Result<Option<Transaction<'_>>, StoreError> {
    Ok(if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    })
}

/// Checks every covered row against the ledger; returns the generation.
/// A store written before the ledger existed gets one here, from its rows
/// as they are, unless its settings say it already had one.
pub(super) fn check_all(conn: &Connection, keys: &Keys) -> Result<u64, StoreError> {
    let snapshot = snapshot(conn)?;
    let Some(ledger) = read(conn, keys)? else {
        let outside_transaction = snapshot.is_some();
        drop(snapshot);
        if !outside_transaction {
            return Err(missing());
        }
        return start_from_rows(conn, keys);
    };
    // The calls on a second connection, on a second core, while this one
    // checks everything else; each checks against the ledger as its own
    // snapshot holds it, so a write committed in between by another
    // process is no false alarm.
    let second = conn
        .path()
        .filter(|p| !p.is_empty() && snapshot.is_some())
        .filter(|_| std::thread::available_parallelism().map_or(1, |n| n.get()) > 1)
        .map(std::path::PathBuf::from);
    let Some(path) = second else {
        compare(&ledger.tallies, &tally_rows(conn, keys, None)?, None)?;
        return Ok(ledger.generation);
    };
    // Each side reads the ledger in its own snapshot below.
    drop(ledger);
    const CALLS: &[&str] = &["calls"];
    let others: Vec<&str> = COVERED
        .iter()
        .map(|c| c.table)
        .filter(|t| !CALLS.contains(t))
        .collect();
    let (calls, rest) = std::thread::scope(|scope| {
        let calls = scope.spawn(|| -> Result<u64, StoreError> {
            let reader = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(5))?;
            check_tables(&reader, keys, CALLS)
        });
        let rest = check_tables(conn, keys, &others);
        (calls.join(), rest)
    });
    let calls = calls.map_err(|_| StoreError::Corrupt {
        record: "the calls (the check stopped)".into(),
    })?;
    calls?;
    rest
}

/// Checks the rows of `tables` against the ledger.
pub(super) fn check_tables(
    conn: &Connection,
    keys: &Keys,
    tables: &[&str],
) -> Result<u64, StoreError> {
    let _snapshot = snapshot(conn)?;
    let ledger = read(conn, keys)?.ok_or_else(missing)?;
    compare(
        &ledger.tallies,
        &tally_rows(conn, keys, Some(tables))?,
        Some(tables),
    )?;
    Ok(ledger.generation)
}

fn start_from_rows(conn: &Connection, keys: &Keys) -> Result<u64, StoreError> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    if super::settings::ledger_kept(&tx, &keys.records)? {
        return Err(missing());
    }
    // Sealing the settings again records that this store now keeps a
    // ledger, so a ledger deleted later is missed, not silently rebuilt.
    let settings = super::settings::read(&tx, &keys.records)?;
    super::settings::write(&tx, &keys.records, &settings)?;
    tx.execute("DELETE FROM temp.ledger_changes", [])?;
    let ledger = Ledger {
        generation: 1,
        tallies: tally_rows(&tx, keys, None)?,
    };
    sealed::write_named::<LedgerRow>(&tx, &keys.records, &ledger)?;
    tx.commit()?;
    Ok(ledger.generation)
}

/// Checks rows of a monthly table that a reader has just read (each as
/// `(month tag, key, version, sealed bytes)`) against the ledger's tallies
/// of those months: a report or return then relies on nothing missing,
/// added or put back. `months` lists every tag that was read, rows or not.
pub(super) fn check_months<'a>(
    conn: &Connection,
    keys: &Keys,
    table: &str,
    months: &[PeriodTag],
    rows: impl IntoIterator<Item = (&'a [u8], &'a [u8], i64, &'a [u8])>,
) -> Result<Ledger, StoreError> {
    let ledger = read(conn, keys)?.ok_or_else(missing)?;
    let hasher = keys.ledger.row_hasher();
    let mut found: BTreeMap<Vec<u8>, Tally> = BTreeMap::new();
    for (scope, key, version, sealed) in rows {
        let d = digest(&hasher, table, scope, key, version, sealed);
        found.entry(scope.to_vec()).or_default().add(&d);
    }
    let none = BTreeMap::new();
    let expected = ledger.tallies.get(table).unwrap_or(&none);
    for tag in months {
        let e = expected.get(tag.0.as_slice()).copied().unwrap_or_default();
        let f = found.get(tag.0.as_slice()).copied().unwrap_or_default();
        if e != f {
            return Err(tampered(table, &e, &f));
        }
    }
    Ok(ledger)
}

/// How many calls the ledger holds for the month tagged `tag`.
pub(super) fn calls_in_month(ledger: &Ledger, tag: &PeriodTag) -> u64 {
    rows_in_month(ledger, "calls", tag)
}

/// How many rows of the monthly `table` the ledger holds for the month
/// tagged `tag`.
pub(super) fn rows_in_month(ledger: &Ledger, table: &str, tag: &PeriodTag) -> u64 {
    ledger
        .tallies
        .get(table)
        .and_then(|m| m.get(tag.0.as_slice()))
        .map_or(0, |t| t.count)
}
