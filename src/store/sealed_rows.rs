//! Sealed call records: how a call's facts are sealed (their table, their
//! associated data), and reading many at once: fetched from the file in
//! one pass into a single buffer (no allocation per record), then opened in
//! parallel on every core. This is the report's hot path.

use rusqlite::{Row, params};

use super::codec;
use super::parallel::open_on_all_cores;
use super::sealed::{self, SealedTable};
use super::{Keys, StoreError, ledger};
use crate::crypto::PeriodTag;
use crate::model::{CallId, CallSummary};

/// A call's facts: filed under the keyed tag of its local month, which is
/// bound into their associated data.
pub(super) struct CallFacts;

impl SealedTable for CallFacts {
    const TABLE: &'static str = "calls";
    const PADDED: bool = true;
    type Value = CallSummary;

    fn encode(summary: &CallSummary) -> Option<Vec<u8>> {
        codec::encode_facts(summary).ok()
    }

    fn decode(id: &[u8], plain: &[u8]) -> Option<CallSummary> {
        codec::decode_facts(CallId::from_bytes(id.try_into().ok()?), plain).ok()
    }

    fn describe(id: &[u8]) -> String {
        match <[u8; 16]>::try_from(id) {
            Ok(id) => format!("call {}", CallId::from_bytes(id)),
            Err(_) => "a call with a malformed id".into(),
        }
    }
}

/// Opens the sealed facts of call `id_bytes`, filed under `tag`.
pub(super) fn open_facts(
    keys: &Keys,
    tag: &[u8],
    id_bytes: &[u8],
    version: u32,
    sealed: &[u8],
) -> Result<CallSummary, StoreError> {
    sealed::open::<CallFacts>(&keys.records, id_bytes, tag, version, sealed)
}

/// Below this many records, threads cost more than they save.
const PARALLEL_THRESHOLD: usize = 2048;

struct RowRef {
    tag: [u8; 16],
    id: [u8; 16],
    version: u32,
    start: usize,
    end: usize,
}

/// Sealed facts of a set of calls, read but not yet opened.
pub struct SealedRecords<'v> {
    keys: &'v Keys,
    bytes: Vec<u8>,
    rows: Vec<RowRef>,
}

fn fixed<const N: usize>(row: &Row<'_>, index: usize) -> Result<[u8; N], StoreError> {
    let bytes = row.get_ref(index)?.as_blob().map_err(|_| damaged())?;
    bytes.try_into().map_err(|_| damaged())
}

fn damaged() -> StoreError {
    StoreError::Corrupt {
        record: "a call row (malformed id or tag)".into(),
    }
}

impl<'v> SealedRecords<'v> {
    fn new(keys: &'v Keys) -> Self {
        SealedRecords {
            keys,
            bytes: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Appends every row of a `SELECT period_tag, id, version, sealed` query.
    fn push_rows(&mut self, mut rows: rusqlite::Rows<'_>) -> Result<(), StoreError> {
        while let Some(row) = rows.next()? {
            let sealed = row.get_ref(3)?.as_blob().map_err(|_| damaged())?;
            let start = self.bytes.len();
            self.bytes.extend_from_slice(sealed);
            self.rows.push(RowRef {
                tag: fixed(row, 0)?,
                id: fixed(row, 1)?,
                version: row.get(2)?,
                start,
                end: self.bytes.len(),
            });
        }
        Ok(())
    }

    pub(super) fn read_months(
        conn: &rusqlite::Connection,
        keys: &'v Keys,
        tags: &[PeriodTag],
    ) -> Result<Self, StoreError> {
        let _snapshot = ledger::snapshot(conn)?;
        let mut records = SealedRecords::new(keys);
        let mut stmt = conn.prepare_cached(
            "SELECT period_tag, id, version, sealed FROM calls WHERE period_tag = ?1",
        )?;
        for tag in tags {
            records.push_rows(stmt.query(params![tag.0.as_slice()])?)?;
        }
        // Before anyone counts them: none missing, doubled or put back.
        ledger::check_months(
            conn,
            keys,
            "calls",
            tags,
            records.rows.iter().map(|r| {
                (
                    r.tag.as_slice(),
                    r.id.as_slice(),
                    i64::from(r.version),
                    &records.bytes[r.start..r.end],
                )
            }),
        )?;
        Ok(records)
    }

    pub(super) fn read_all(
        conn: &rusqlite::Connection,
        keys: &'v Keys,
    ) -> Result<Self, StoreError> {
        let mut records = SealedRecords::new(keys);
        let mut stmt = conn.prepare_cached("SELECT period_tag, id, version, sealed FROM calls")?;
        records.push_rows(stmt.query([])?)?;
        Ok(records)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn open_row(&self, row: &RowRef) -> Result<CallSummary, StoreError> {
        open_facts(
            self.keys,
            &row.tag,
            &row.id,
            row.version,
            &self.bytes[row.start..row.end],
        )
    }

    /// Opens and decodes every record, split across the machine's cores.
    pub(super) fn open(&self) -> Result<Vec<CallSummary>, StoreError> {
        open_on_all_cores(&self.rows, PARALLEL_THRESHOLD, "a call", |r| {
            self.open_row(r)
        })
    }

    /// Opens every record, each with the month tag it is filed under.
    pub(super) fn open_with_tags(&self) -> Result<Vec<([u8; 16], CallSummary)>, StoreError> {
        self.rows
            .iter()
            .map(|r| Ok((r.tag, self.open_row(r)?)))
            .collect()
    }

    /// Decrypts every record and discards the plaintext, on one core: the
    /// floor the benchmark compares the report against. Also a complete
    /// integrity check of these records.
    pub fn open_all(&self) -> Result<usize, StoreError> {
        for row in &self.rows {
            let id = CallId::from_bytes(row.id);
            sealed::open_plain::<CallFacts>(
                &self.keys.records,
                &row.id,
                &row.tag,
                &self.bytes[row.start..row.end],
            )
            .map_err(|_| StoreError::Corrupt {
                record: format!("call {id}"),
            })?;
        }
        Ok(self.rows.len())
    }
}
