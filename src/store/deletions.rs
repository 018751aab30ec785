//! Calls deleted after a return was made: their export ids are kept, sealed,
//! so that every later return tells the coordinator to erase them too.
//! Before a store has made its first return there is nothing to tell, and
//! nothing is kept.

use rusqlite::{Connection, params};

use super::schema::SCHEMA_VERSION;
use super::{Keys, StoreError, Vault};
use crate::crypto::{self, RecordAad, random_bytes};

const TABLE: &str = "deleted_calls";

fn aad(id: &[u8]) -> RecordAad<'_> {
    RecordAad {
        table: TABLE,
        record_id: id,
        schema_version: SCHEMA_VERSION,
        bound_column: b"",
    }
}

/// Keeps the export id of a deleted call (within the deleting transaction).
pub(super) fn record(
    conn: &Connection,
    keys: &Keys,
    export_id: &[u8; 16],
) -> Result<(), StoreError> {
    let id: [u8; 16] = random_bytes()?;
    let sealed = crypto::seal(&keys.records, &aad(&id), export_id)?;
    conn.prepare_cached("INSERT INTO deleted_calls (id, version, sealed) VALUES (?1, ?2, ?3)")?
        .execute(params![id.as_slice(), SCHEMA_VERSION, sealed])?;
    Ok(())
}

impl Vault {
    /// Export ids of every call deleted since the store's first return.
    pub fn deleted_export_ids(&self) -> Result<Vec<[u8; 16]>, StoreError> {
        let corrupt = || StoreError::Corrupt {
            record: "a deleted call's marker".into(),
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, version, sealed FROM deleted_calls")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            let version: u32 = row.get(1)?;
            let sealed: Vec<u8> = row.get(2)?;
            if version != SCHEMA_VERSION {
                return Err(StoreError::UnsupportedFormat {
                    found: i64::from(version),
                });
            }
            let plain =
                crypto::open(&self.keys.records, &aad(&id), &sealed).map_err(|_| corrupt())?;
            out.push(plain.as_slice().try_into().map_err(|_| corrupt())?);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}
