//! The call a volunteer is part-way through logging, sealed as they type so
//! that closing the app, a crash or an auto-lock mid-call loses nothing.
//!
//! One draft per store, kept as a named row of the `settings` table under
//! its own associated data, so it can never be mistaken for the settings.
//! The store treats its content as opaque bytes; the app decides the shape.

use rusqlite::{Connection, params};
use zeroize::Zeroizing;

use super::StoreError;
use super::settings::{read_row, write_row};
use crate::crypto::RecordKey;
use crate::model::ValidationError;

const ROW: &str = "draft";
/// A draft is one call's form; anything larger is a bug, not a call.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

pub fn write(conn: &Connection, key: &RecordKey, draft: &[u8]) -> Result<(), StoreError> {
    if draft.len() > MAX_DRAFT_BYTES {
        return Err(ValidationError::new(
            "draft",
            "the call being logged is too large to keep as a draft; shorten the notes",
        )
        .into());
    }
    write_row(conn, key, ROW, "drafts", draft)
}

pub fn read(conn: &Connection, key: &RecordKey) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    read_row(conn, key, ROW, "drafts", "the saved draft")
}

pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM settings WHERE name = ?1", params![ROW])?;
    Ok(())
}
