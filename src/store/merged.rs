//! A coordinator's side of returns: the volunteers it trusts, the returns it
//! has merged and the calls they carried, all sealed like the store's own
//! calls.
//!
//! A return is a complete account of one volunteer's calls in its period.
//! Merging one, in a single transaction: files every call it holds under
//! the signer and the call's export id (so a newer return replaces the
//! older copy of the same call), removes that volunteer's calls in the
//! period that it no longer holds, and turns each deletion marker into a
//! tombstone. Every merged row remembers the sequence number of the return
//! that wrote it, so an older return never overwrites a newer one, and a
//! tombstone keeps an erased call from coming back.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use super::{Keys, StoreError, Vault};
use crate::crypto::{self, Fingerprint, RecordAad, SignerKey};
use crate::period::LocalMonth;
use crate::returns::{ReturnedCall, SignedReturn};

const VOLUNTEERS: &str = "volunteers";
const RETURNS: &str = "merged_returns";
const CALLS: &str = "merged_calls";
/// Tombstones are filed under this tag's month-like name, which no report reads.
const TOMBSTONE_MONTH: &str = "erased";

/// A volunteer whose returns this store accepts (or, once revoked, refuses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volunteer {
    signer: [u8; 32],
    /// The display name from their latest merged return.
    pub name: String,
    pub trusted_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub last_return_on: Option<NaiveDate>,
    pub returns_merged: u64,
    /// For each month a merged return covered, the newest sequence number.
    months: BTreeMap<String, u64>,
}

impl Volunteer {
    pub fn signer(&self) -> Option<SignerKey> {
        SignerKey::from_bytes(&self.signer)
    }

    pub fn fingerprint(&self) -> String {
        self.signer()
            .map(|s| s.fingerprint().to_string())
            .unwrap_or_default()
    }
}

/// A merged call as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedCall {
    pub month: LocalMonth,
    pub call: ReturnedCall,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    /// Calls this store did not have.
    pub added: u64,
    /// Calls whose facts changed since an earlier return.
    pub updated: u64,
    /// Calls as they were already.
    pub unchanged: u64,
    /// Calls erased: deleted by the volunteer, or no longer in the period.
    pub removed: u64,
}

/// What merging a return did. Only `Merged` wrote anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged(MergeCounts),
    /// This very return was merged before.
    AlreadyMerged,
    /// Signed by a key this store has not been told to trust.
    UnknownSigner,
    Revoked {
        on: NaiveDate,
    },
    /// A newer return from the same volunteer already covers `month`.
    Superseded {
        month: String,
    },
}

#[derive(Serialize, Deserialize)]
struct MergedRecord {
    volunteer: [u8; 16],
    export_id: String,
    sequence: u64,
    /// `None` for a tombstone.
    call: Option<ReturnedCall>,
}

#[derive(Serialize, Deserialize)]
struct MergedReturn {
    volunteer: [u8; 16],
    return_id: String,
    sequence: u64,
    made_on: String,
    merged_on: NaiveDate,
    calls: u64,
    deleted: u64,
}

fn aad<'a>(table: &'static str, id: &'a [u8], tag: &'a [u8]) -> RecordAad<'a> {
    RecordAad {
        table,
        record_id: id,
        schema_version: SCHEMA_VERSION,
        bound_column: tag,
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt {
        record: what.to_string(),
    }
}

fn seal_json<T: Serialize>(
    keys: &Keys,
    aad: &RecordAad<'_>,
    value: &T,
) -> Result<Vec<u8>, StoreError> {
    let plain = serde_json::to_vec(value).map_err(|_| corrupt("a merged record"))?;
    Ok(crypto::seal(&keys.records, aad, &plain)?)
}

fn open_json<T: for<'de> Deserialize<'de>>(
    keys: &Keys,
    aad: &RecordAad<'_>,
    version: u32,
    sealed: &[u8],
    what: &str,
) -> Result<T, StoreError> {
    if version != SCHEMA_VERSION {
        return Err(StoreError::UnsupportedFormat {
            found: i64::from(version),
        });
    }
    let plain = crypto::open(&keys.records, aad, sealed).map_err(|_| corrupt(what))?;
    serde_json::from_slice(&plain).map_err(|_| corrupt(what))
}

/// A row of one of the `id, version, sealed` tables.
fn read_keyed<T: for<'de> Deserialize<'de>>(
    conn: &Connection,
    keys: &Keys,
    table: &'static str,
    id: &[u8; 16],
    what: &str,
) -> Result<Option<T>, StoreError> {
    let row: Option<(u32, Vec<u8>)> = conn
        .prepare_cached(&format!(
            "SELECT version, sealed FROM {table} WHERE id = ?1"
        ))?
        .query_row(params![id.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(version, sealed)| open_json(keys, &aad(table, id, b""), version, &sealed, what))
        .transpose()
}

fn write_keyed<T: Serialize>(
    conn: &Connection,
    keys: &Keys,
    table: &'static str,
    id: &[u8; 16],
    value: &T,
) -> Result<(), StoreError> {
    let sealed = seal_json(keys, &aad(table, id, b""), value)?;
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (id, version, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, sealed = excluded.sealed"
    ))?
    .execute(params![id.as_slice(), SCHEMA_VERSION, sealed])?;
    Ok(())
}

/// Reads and opens the merged calls filed under `tag`.
fn records_under(
    conn: &Connection,
    keys: &Keys,
    tag: &[u8; 16],
) -> Result<Vec<([u8; 16], MergedRecord)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, version, sealed FROM merged_calls WHERE period_tag = ?1")?;
    let mut rows = stmt.query(params![tag.as_slice()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let id: [u8; 16] = row
            .get::<_, Vec<u8>>(0)?
            .try_into()
            .map_err(|_| corrupt("a merged call's id"))?;
        let version: u32 = row.get(1)?;
        let sealed: Vec<u8> = row.get(2)?;
        let record = open_json(
            keys,
            &aad(CALLS, &id, tag),
            version,
            &sealed,
            "a merged call",
        )?;
        out.push((id, record));
    }
    Ok(out)
}

/// The merged call with row id `id`, wherever it is filed.
fn record_by_id(
    conn: &Connection,
    keys: &Keys,
    id: &[u8; 16],
) -> Result<Option<MergedRecord>, StoreError> {
    let row: Option<(Vec<u8>, u32, Vec<u8>)> = conn
        .prepare_cached("SELECT period_tag, version, sealed FROM merged_calls WHERE id = ?1")?
        .query_row(params![id.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    row.map(|(tag, version, sealed)| {
        open_json(
            keys,
            &aad(CALLS, id, &tag),
            version,
            &sealed,
            "a merged call",
        )
    })
    .transpose()
}

fn put_record(
    conn: &Connection,
    keys: &Keys,
    id: &[u8; 16],
    record: &MergedRecord,
) -> Result<(), StoreError> {
    let month = record
        .call
        .as_ref()
        .map_or(TOMBSTONE_MONTH, |c| c.month.as_str());
    let tag = keys.period_tags.tag(month);
    conn.prepare_cached("DELETE FROM merged_calls WHERE id = ?1")?
        .execute(params![id.as_slice()])?;
    let sealed = seal_json(keys, &aad(CALLS, id, &tag.0), record)?;
    conn.prepare_cached(
        "INSERT INTO merged_calls (period_tag, id, version, sealed) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        tag.0.as_slice(),
        id.as_slice(),
        SCHEMA_VERSION,
        sealed
    ])?;
    Ok(())
}

fn call_row_id(keys: &Keys, signer: &SignerKey, export_id: &str) -> [u8; 16] {
    keys.lookup
        .row_id(b"call", &[&signer.to_bytes(), export_id.as_bytes()])
}

fn return_row_id(keys: &Keys, signer: &SignerKey, return_id: &str) -> [u8; 16] {
    keys.lookup
        .row_id(b"return", &[&signer.to_bytes(), return_id.as_bytes()])
}

impl Vault {
    fn volunteer_row_id(&self, signer: &SignerKey) -> [u8; 16] {
        self.keys.lookup.row_id(b"volunteer", &[&signer.to_bytes()])
    }

    /// The volunteer who holds `signer`, if this store knows them.
    pub fn volunteer(&self, signer: &SignerKey) -> Result<Option<Volunteer>, StoreError> {
        let id = self.volunteer_row_id(signer);
        read_keyed(&self.conn, &self.keys, VOLUNTEERS, &id, "a volunteer")
    }

    /// Whether this store has merged the return `return_id` signed by `signer`.
    pub fn return_merged(&self, signer: &SignerKey, return_id: &str) -> Result<bool, StoreError> {
        let id = return_row_id(&self.keys, signer, return_id);
        let seen: Option<MergedReturn> =
            read_keyed(&self.conn, &self.keys, RETURNS, &id, "a merged return")?;
        Ok(seen.is_some())
    }

    /// Every volunteer this store knows, by name.
    pub fn volunteers(&self) -> Result<Vec<Volunteer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, version, sealed FROM volunteers")?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<Volunteer> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            let volunteer = open_json(
                &self.keys,
                &aad(VOLUNTEERS, &id, b""),
                row.get(1)?,
                &row.get::<_, Vec<u8>>(2)?,
                "a volunteer",
            )?;
            out.push(volunteer);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.signer.cmp(&b.signer)));
        Ok(out)
    }

    /// Refuses the volunteer's future returns; calls already merged stay.
    /// `false` when no volunteer has that fingerprint.
    pub fn revoke_volunteer(
        &mut self,
        fingerprint: &str,
        today: NaiveDate,
    ) -> Result<bool, StoreError> {
        let found = self.volunteers()?.into_iter().find_map(|v| {
            let signer = v.signer()?;
            signer
                .fingerprint()
                .matches(fingerprint)
                .then_some((v, signer))
        });
        let Some((mut volunteer, signer)) = found else {
            return Ok(false);
        };
        volunteer.revoked_on.get_or_insert(today);
        let id = self.volunteer_row_id(&signer);
        write_keyed(&self.conn, &self.keys, VOLUNTEERS, &id, &volunteer)?;
        Ok(true)
    }

    /// How many merged calls each volunteer has in each local month, by fingerprint.
    pub fn merged_calls_by_month(
        &self,
    ) -> Result<BTreeMap<Fingerprint, BTreeMap<LocalMonth, u64>>, StoreError> {
        let by_volunteer: BTreeMap<[u8; 16], Fingerprint> = self
            .volunteers()?
            .iter()
            .filter_map(|v| v.signer())
            .map(|s| (self.volunteer_row_id(&s), s.fingerprint()))
            .collect();
        let tombstone = self.keys.period_tags.tag(TOMBSTONE_MONTH);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT period_tag FROM merged_calls")?;
        let tags: Vec<Vec<u8>> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out: BTreeMap<Fingerprint, BTreeMap<LocalMonth, u64>> = BTreeMap::new();
        for tag in tags {
            let tag: [u8; 16] = tag.try_into().map_err(|_| corrupt("a merged call's tag"))?;
            if tag == tombstone.0 {
                continue;
            }
            for (_, record) in records_under(&self.conn, &self.keys, &tag)? {
                let (Some(call), Some(fingerprint)) =
                    (record.call, by_volunteer.get(&record.volunteer))
                else {
                    continue;
                };
                let month =
                    LocalMonth::parse(&call.month).ok_or_else(|| corrupt("a merged call"))?;
                *out.entry(fingerprint.clone())
                    .or_default()
                    .entry(month)
                    .or_default() += 1;
            }
        }
        Ok(out)
    }

    /// The merged calls of `months`, for the report.
    pub fn merged_calls_in_months(
        &self,
        months: &[LocalMonth],
    ) -> Result<Vec<MergedCall>, StoreError> {
        let mut out = Vec::new();
        for month in months {
            let tag = self.keys.period_tags.tag(&month.to_string());
            for (_, record) in records_under(&self.conn, &self.keys, &tag.0)? {
                if let Some(call) = record.call {
                    if LocalMonth::parse(&call.month) != Some(*month) {
                        return Err(corrupt("a merged call (filed under the wrong month)"));
                    }
                    out.push(MergedCall {
                        month: *month,
                        call,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Merges a return whose signature, recipient and content have been
    /// checked, all or nothing. `trust_new` allows a signer this store does
    /// not know yet (after the coordinator has confirmed the fingerprint).
    pub fn merge_return(
        &mut self,
        signed: &SignedReturn,
        trust_new: bool,
        today: NaiveDate,
    ) -> Result<MergeOutcome, StoreError> {
        let payload = &signed.payload;
        let signer = &signed.signer;
        let volunteer_id = self.volunteer_row_id(signer);
        let return_id = self.keys.lookup.row_id(
            b"return",
            &[&signer.to_bytes(), payload.return_id.as_bytes()],
        );
        let covered: Vec<String> = match payload.period.period() {
            Ok(period) => period.months().iter().map(ToString::to_string).collect(),
            Err(_) => return Err(corrupt("the return's period")),
        };
        let sequence = payload.sequence;

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: Option<Volunteer> =
            read_keyed(&tx, &self.keys, VOLUNTEERS, &volunteer_id, "a volunteer")?;
        let mut volunteer = match known {
            Some(v) => {
                if let Some(on) = v.revoked_on {
                    return Ok(MergeOutcome::Revoked { on });
                }
                v
            }
            None if trust_new => Volunteer {
                signer: signer.to_bytes(),
                name: payload.volunteer.clone(),
                trusted_on: today,
                revoked_on: None,
                last_return_on: None,
                returns_merged: 0,
                months: BTreeMap::new(),
            },
            None => return Ok(MergeOutcome::UnknownSigner),
        };
        let seen: Option<MergedReturn> =
            read_keyed(&tx, &self.keys, RETURNS, &return_id, "a merged return")?;
        if seen.is_some() {
            return Ok(MergeOutcome::AlreadyMerged);
        }
        if let Some(month) = covered
            .iter()
            .find(|m| volunteer.months.get(*m).is_some_and(|&s| s > sequence))
        {
            return Ok(MergeOutcome::Superseded {
                month: month.clone(),
            });
        }

        let mut counts = MergeCounts::default();
        // This volunteer's calls already filed in the period, by row id.
        let mut before: BTreeMap<[u8; 16], MergedRecord> = BTreeMap::new();
        for month in &covered {
            let tag = self.keys.period_tags.tag(month);
            for (id, record) in records_under(&tx, &self.keys, &tag.0)? {
                if record.volunteer == volunteer_id {
                    before.insert(id, record);
                }
            }
        }
        for call in &payload.calls {
            let id = call_row_id(&self.keys, signer, &call.id);
            let existing = match before.remove(&id) {
                Some(record) => Some(record),
                None => record_by_id(&tx, &self.keys, &id)?,
            };
            if let Some(existing) = &existing {
                if existing.sequence > sequence {
                    continue;
                }
            }
            match existing.as_ref().and_then(|e| e.call.as_ref()) {
                Some(old) if old == call => counts.unchanged += 1,
                Some(_) => counts.updated += 1,
                None => counts.added += 1,
            }
            let record = MergedRecord {
                volunteer: volunteer_id,
                export_id: call.id.clone(),
                sequence,
                call: Some(call.clone()),
            };
            put_record(&tx, &self.keys, &id, &record)?;
        }
        // What is left was in the period before and is not in this return.
        for (id, record) in before {
            if record.sequence <= sequence {
                tx.prepare_cached("DELETE FROM merged_calls WHERE id = ?1")?
                    .execute(params![id.as_slice()])?;
                counts.removed += 1;
            }
        }
        for export_id in &payload.deleted {
            let id = call_row_id(&self.keys, signer, export_id);
            let existing = record_by_id(&tx, &self.keys, &id)?;
            if existing.as_ref().is_some_and(|e| e.sequence > sequence) {
                continue;
            }
            if existing.as_ref().is_some_and(|e| e.call.is_some()) {
                counts.removed += 1;
            }
            let tombstone = MergedRecord {
                volunteer: volunteer_id,
                export_id: export_id.clone(),
                sequence,
                call: None,
            };
            put_record(&tx, &self.keys, &id, &tombstone)?;
        }

        volunteer.name = payload.volunteer.clone();
        let made_on = payload.made_on();
        volunteer.last_return_on = volunteer.last_return_on.max(made_on);
        volunteer.returns_merged += 1;
        for month in covered {
            volunteer.months.insert(month, sequence);
        }
        write_keyed(&tx, &self.keys, VOLUNTEERS, &volunteer_id, &volunteer)?;
        let merged = MergedReturn {
            volunteer: volunteer_id,
            return_id: payload.return_id.clone(),
            sequence,
            made_on: payload.made_on.clone(),
            merged_on: today,
            calls: payload.calls.len() as u64,
            deleted: payload.deleted.len() as u64,
        };
        write_keyed(&tx, &self.keys, RETURNS, &return_id, &merged)?;
        tx.commit()?;
        Ok(MergeOutcome::Merged(counts))
    }
}
