//! Opening every sealed record of a store: how a backup is checked before
//! it is trusted (after it is written, before it is restored or rewritten).
//!
//! Each record is opened and decoded through its own kind of row, so a
//! record that passes was sealed under this store's key for exactly its
//! table, id and (where filed by month) month tag, and reads as what it
//! claims to be; SQLite's own integrity check covers the file's structure
//! around them.

use rusqlite::Connection;

use super::activity;
use super::calls::CallDetailsRow;
use super::deletions::DeletedCall;
use super::drafts::DraftRow;
use super::keeping::KeepingRow;
use super::ledger::{self, LedgerRow};
use super::merged::{MergedCallRow, ReturnRow, VolunteerRow};
use super::profile::{ProfileRow, ThemesRow};
use super::return_keys::{CoordinatorRow, LastSequenceRow, ReturnsMadeRow, SigningKeyRow};
use super::sealed::{self, NamedRow};
use super::sealed_rows::CallFacts;
use super::settings::{DemoRow, SettingsRow};
use super::{StoreError, Vault, pages};
use crate::crypto::RecordKey;

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

/// 1 if the named row `T` is there (and opens), else 0.
fn named<T: NamedRow>(conn: &Connection, key: &RecordKey) -> Result<usize, StoreError> {
    Ok(usize::from(sealed::read_named::<T>(conn, key)?.is_some()))
}

/// Opens every row of the settings table through its own kind; a row of
/// no known kind is damage.
fn named_rows(conn: &Connection, key: &RecordKey) -> Result<usize, StoreError> {
    let opened = named::<SettingsRow>(conn, key)?
        + named::<ThemesRow>(conn, key)?
        + named::<ProfileRow>(conn, key)?
        + named::<KeepingRow>(conn, key)?
        + named::<SigningKeyRow>(conn, key)?
        + named::<CoordinatorRow>(conn, key)?
        + named::<ReturnsMadeRow>(conn, key)?
        + named::<LastSequenceRow>(conn, key)?
        + named::<DraftRow>(conn, key)?
        + named::<LedgerRow>(conn, key)?
        + named::<DemoRow>(conn, key)?;
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM settings", [], |r| r.get(0))?;
    if usize::try_from(stored).ok() != Some(opened) {
        return Err(damaged("an unknown setting"));
    }
    Ok(opened)
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
    /// Checks the file's structure and opens every sealed record in it,
    /// the activity record's chain checked from its first entry.
    pub fn check_every_record(&self) -> Result<Checked, StoreError> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(damaged("the database file"));
        }
        // None removed, doubled or put back...
        ledger::check_all(&self.conn, &self.keys)?;
        // ...and every one opens.
        let key = &self.keys.records;
        let calls = sealed::open_every::<CallFacts>(&self.conn, key, true)?;
        let details = sealed::open_every::<CallDetailsRow>(&self.conn, key, false)?;
        if details != calls {
            return Err(damaged("a call's notes"));
        }
        let records = calls
            + details
            + sealed::open_every::<DeletedCall>(&self.conn, key, false)?
            + sealed::open_every::<VolunteerRow>(&self.conn, key, false)?
            + sealed::open_every::<ReturnRow>(&self.conn, key, false)?
            + sealed::open_every::<MergedCallRow>(&self.conn, key, true)?
            + named_rows(&self.conn, key)?
            + report_pages(self)?
            + super::merged_pages::open_every(&self.conn, &self.keys)?
            + activity::read(&self.conn, key)?.len();
        Ok(Checked { calls, records })
    }
}
