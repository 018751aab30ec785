//! The call a volunteer is part-way through logging, sealed as they type so
//! that closing the app, a crash or an auto-lock mid-call loses nothing.
//!
//! One draft per store, kept as a named row of the `settings` table under
//! its own associated data, so it can never be mistaken for the settings.
//! The store treats its content as opaque bytes; the app decides the shape.

use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

use super::StoreError;
use super::schema::SCHEMA_VERSION;
use crate::crypto::{self, RecordAad, RecordKey};

const ROW: &str = "draft";
/// A draft is one call's form; anything larger is a bug, not a call.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

fn aad() -> RecordAad<'static> {
    RecordAad {
        table: "drafts",
        record_id: ROW.as_bytes(),
        schema_version: SCHEMA_VERSION,
        bound_column: b"",
    }
}

pub fn write(conn: &Connection, key: &RecordKey, draft: &[u8]) -> Result<(), StoreError> {
    if draft.len() > MAX_DRAFT_BYTES {
        return Err(crate::model::ValidationError::new(
            "draft",
            "the call being logged is too large to keep as a draft; shorten the notes",
        )
        .into());
    }
    let sealed = crypto::seal(key, &aad(), draft)?;
    conn.execute(
        "INSERT INTO settings (name, version, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, sealed = excluded.sealed",
        params![ROW, SCHEMA_VERSION, sealed],
    )?;
    Ok(())
}

pub fn read(conn: &Connection, key: &RecordKey) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row: Option<(u32, Vec<u8>)> = conn
        .query_row(
            "SELECT version, sealed FROM settings WHERE name = ?1",
            params![ROW],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((version, sealed)) = row else {
        return Ok(None);
    };
    if version != SCHEMA_VERSION {
        return Err(StoreError::UnsupportedFormat {
            found: i64::from(version),
        });
    }
    let plain = crypto::open(key, &aad(), &sealed).map_err(|_| StoreError::Corrupt {
        record: "the saved draft".into(),
    })?;
    Ok(Some(plain))
}

pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM settings WHERE name = ?1", params![ROW])?;
    Ok(())
}
