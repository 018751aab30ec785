//! Calls deleted after a return was made: their export ids are kept, sealed,
//! so that every later return tells the coordinator to erase them too.
//! Before a store has made its first return there is nothing to tell, and
//! nothing is kept.

use rusqlite::Connection;

use super::sealed::{self, SealedTable};
use super::{Keys, StoreError, Vault};
use crate::crypto::random_bytes;

/// A deleted call's export id, under a random id of its own.
pub(super) struct DeletedCall;

impl SealedTable for DeletedCall {
    const TABLE: &'static str = "deleted_calls";
    type Value = [u8; 16];

    fn encode(export_id: &[u8; 16]) -> Option<Vec<u8>> {
        Some(export_id.to_vec())
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<[u8; 16]> {
        plain.try_into().ok()
    }

    fn describe(_: &[u8]) -> String {
        "a deleted call's marker".into()
    }
}

/// Keeps the export id of a deleted call (within the deleting transaction).
pub(super) fn record(
    conn: &Connection,
    keys: &Keys,
    export_id: &[u8; 16],
) -> Result<(), StoreError> {
    let id: [u8; 16] = random_bytes()?;
    sealed::write::<DeletedCall>(conn, &keys.records, id.as_slice(), export_id)
}

impl Vault {
    /// Export ids of every call deleted since the store's first return.
    pub fn deleted_export_ids(&self) -> Result<Vec<[u8; 16]>, StoreError> {
        let mut out: Vec<[u8; 16]> =
            sealed::read_all::<DeletedCall>(&self.conn, &self.keys.records)?
                .into_iter()
                .map(|(_, export_id)| export_id)
                .collect();
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}
