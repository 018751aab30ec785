//! The call a volunteer is part-way through logging, sealed as they type so
//! that closing the app, a crash or an auto-lock mid-call loses nothing.
//!
//! One draft per store, kept as a named row of the `settings` table under
//! its own associated data, so it can never be mistaken for the settings.
//! The store treats its content as opaque bytes; the app decides the shape.
//!
//! Draft writes are sequenced against saves by a **generation**: each form
//! is opened under the current generation, and saving the call (or clearing
//! the form) moves the generation on in the same transaction. A draft write
//! that carries an older generation is dropped, so a write that was queued
//! before a save but lands after it can never bring the saved call back as
//! a "restored" draft, however slow the machine.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use zeroize::Zeroizing;

use super::sealed::{self, NamedRow, SealedTable};
use super::{Keys, StoreError};
use crate::crypto::RecordKey;
use crate::model::{Field, ValidationError};

/// The draft, kept as the row named `draft` of the settings table and
/// bound as `drafts`, so it can never be opened as the settings.
pub(super) struct DraftRow;

impl SealedTable for DraftRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "drafts";
    const PADDED: bool = true;
    type Value = Zeroizing<Vec<u8>>;

    fn encode(draft: &Zeroizing<Vec<u8>>) -> Option<Vec<u8>> {
        Some(draft.to_vec())
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        Some(Zeroizing::new(plain.to_vec()))
    }

    fn describe(_: &[u8]) -> String {
        "the saved draft".into()
    }
}

impl NamedRow for DraftRow {
    const NAME: &'static str = "draft";
}
/// Where the generation is kept: not secret (it only counts forms).
const GENERATION: &str = "draft_generation";
/// A draft is one call's form; anything larger is a bug, not a call.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// What became of a draft write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftWrite {
    Kept,
    /// The form it came from was saved or cleared since: nothing written.
    Superseded,
}

/// The generation forms are opened under now; 0 in a store that has never
/// saved a call from the app.
pub fn generation(conn: &Connection) -> Result<u64, StoreError> {
    let value: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE name = ?1",
            params![GENERATION],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.map_or(0, i64::unsigned_abs))
}

/// Writes the draft of a form opened under `form_generation`, unless that
/// form has been saved or cleared since.
pub fn write(
    conn: &mut Connection,
    keys: &Keys,
    form_generation: u64,
    draft: &[u8],
) -> Result<DraftWrite, StoreError> {
    if draft.len() > MAX_DRAFT_BYTES {
        return Err(ValidationError::new(
            Field::Draft,
            "the call being logged is too large to keep as a draft; shorten the notes",
        )
        .into());
    }
    // Immediate: the generation read and the write are one step, so a save
    // from another connection cannot slip between them.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if generation(&tx)? != form_generation {
        return Ok(DraftWrite::Superseded);
    }
    sealed::write_named::<DraftRow>(&tx, &keys.records, &Zeroizing::new(draft.to_vec()))?;
    super::ledger::commit(tx, keys)?;
    Ok(DraftWrite::Kept)
}

pub fn read(conn: &Connection, key: &RecordKey) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    sealed::read_named::<DraftRow>(conn, key)
}

/// Discards the draft and moves the generation on, so no write from the
/// form it came from can land later. Call inside the transaction that
/// saves the call, or on its own to clear the form.
pub fn close(conn: &Connection) -> Result<u64, StoreError> {
    sealed::delete::<DraftRow>(conn, DraftRow::NAME)?;
    let next = generation(conn)? + 1;
    let stored = i64::try_from(next).map_err(|_| StoreError::Corrupt {
        record: "the draft counter".into(),
    })?;
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![GENERATION, stored],
    )?;
    Ok(next)
}
