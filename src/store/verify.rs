//! Opening every sealed record of a store: how a backup is checked before
//! it is trusted (after it is written, before it is restored or rewritten).
//!
//! A record that opens was sealed under this store's key for exactly its
//! table, id and (where filed by month) month tag; SQLite's own integrity
//! check covers the file's structure around them.

use rusqlite::Connection;

use super::sealed::{self, SealedTable};
use super::{StoreError, Vault, pages};
use crate::crypto::{self, RecordKey};

/// A row of a table opened only to prove it opens: its value is not read.
macro_rules! opened_only {
    ($name:ident, $table:literal, $what:literal) => {
        struct $name;
        impl SealedTable for $name {
            const TABLE: &'static str = $table;
            type Value = ();
            fn encode(_: &()) -> Option<Vec<u8>> {
                None
            }
            fn decode(_: &[u8], _: &[u8]) -> Option<()> {
                Some(())
            }
            fn describe(_: &[u8]) -> String {
                $what.into()
            }
        }
    };
}

opened_only!(Calls, "calls", "a call");
opened_only!(Details, "call_details", "a call's notes");
opened_only!(Deleted, "deleted_calls", "a deleted call's marker");
opened_only!(Volunteers, "volunteers", "a volunteer's record");
opened_only!(Returns, "merged_returns", "a merged return");
opened_only!(MergedCalls, "merged_calls", "a merged call");

/// The settings table's rows, each with the name bound into its sealing.
const NAMED_ROWS: &[(&str, &str)] = &[
    ("settings", "settings"),
    ("themes", "settings"),
    ("profile", "settings"),
    ("keeping", "keeping"),
    ("signing_key", "signing_key"),
    ("coordinator_identity", "coordinator_identity"),
    ("returns_made", "returns_made"),
    ("return_sequence", "return_sequence"),
    ("draft", "drafts"),
];

/// How many sealed records a store holds, all of them opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    pub calls: usize,
    pub records: usize,
}

fn damaged(what: &str) -> StoreError {
    StoreError::Corrupt {
        record: what.to_string(),
    }
}

fn named_rows(conn: &Connection, key: &RecordKey) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare("SELECT name, version, sealed FROM settings")?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let name: String = row.get(0)?;
        let version: u32 = row.get(1)?;
        let bytes: Vec<u8> = row.get(2)?;
        let binds_as = NAMED_ROWS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
            .ok_or_else(|| damaged("an unknown setting"))?;
        if version != super::schema::SCHEMA_VERSION {
            return Err(damaged("a setting"));
        }
        crypto::open(
            key,
            &sealed::binding(binds_as, name.as_bytes(), b""),
            &bytes,
        )
        .map_err(|_| damaged(&format!("the setting '{name}'")))?;
        count += 1;
    }
    Ok(count)
}

fn report_pages(vault: &Vault) -> Result<usize, StoreError> {
    let mut stmt = vault
        .conn
        .prepare("SELECT period_tag, page, sealed FROM report_pages")?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let tag: Vec<u8> = row.get(0)?;
        let page: i64 = row.get(1)?;
        let bytes: Vec<u8> = row.get(2)?;
        pages::open_page(&vault.keys, &tag, page, &bytes)?;
        count += 1;
    }
    Ok(count)
}

impl Vault {
    /// Checks the file's structure and opens every sealed record in it.
    pub fn check_every_record(&self) -> Result<Checked, StoreError> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(damaged("the database file"));
        }
        let key = &self.keys.records;
        let calls = sealed::open_every::<Calls>(&self.conn, key, true)?;
        let details = sealed::open_every::<Details>(&self.conn, key, false)?;
        if details != calls {
            return Err(damaged("a call's notes"));
        }
        let records = calls
            + details
            + sealed::open_every::<Deleted>(&self.conn, key, false)?
            + sealed::open_every::<Volunteers>(&self.conn, key, false)?
            + sealed::open_every::<Returns>(&self.conn, key, false)?
            + sealed::open_every::<MergedCalls>(&self.conn, key, true)?
            + named_rows(&self.conn, key)?
            + report_pages(self)?;
        Ok(Checked { calls, records })
    }
}
