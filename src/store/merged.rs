//! A coordinator's side of returns: the volunteers it trusts, the returns it
//! has merged and the calls they carried, all sealed like the store's own
//! calls.
//!
//! Merged calls are filed under the signer and the call's export id, so a
//! newer return finds the older copy of the same call; each remembers the
//! sequence number of the return that wrote it. What merging a return does
//! to these rows (supersede, remove, tombstone, refuse) is decided by
//! `returns::merge` from what [`ReturnMerge`] reads; the store only applies
//! that [`MergePlan`], in the same transaction as the reads.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::merged_pages::{MergedPage, MonthPages, PagedCall};
pub use super::returned_call::ReturnedCall;
use super::sealed::{self, SealedTable};
use super::{Keys, StoreError, Vault};
use crate::crypto::{Fingerprint, SignerKey};
use crate::period::LocalMonth;

/// SQLite's page cache while merging, in KiB as `cache_size` takes it
/// (negative): about what a 20,000-call return dirties.
const MERGE_CACHE_KIB: i64 = -16 * 1024;

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
    /// For each month (`YYYY-MM`) a merged return covered, the newest
    /// sequence number.
    pub months: BTreeMap<String, u64>,
    /// The newest store generation (see `ledger.rs`) their returns have
    /// carried: a later return from an earlier generation comes from a
    /// store put back to an older copy of itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_generation: Option<u64>,
}

impl Volunteer {
    /// A volunteer trusted from `today`, who has sent nothing yet.
    pub fn trusted(signer: &SignerKey, name: String, today: NaiveDate) -> Volunteer {
        Volunteer {
            signer: signer.to_bytes(),
            name,
            trusted_on: today,
            revoked_on: None,
            last_return_on: None,
            returns_merged: 0,
            months: BTreeMap::new(),
            store_generation: None,
        }
    }

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

/// A merged call, or the tombstone of an erased one, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCall {
    /// The sequence number of the return that wrote it.
    pub sequence: u64,
    /// `None` for a tombstone.
    pub call: Option<ReturnedCall>,
}

/// What a coordinator's store holds of one volunteer's merged calls, as a
/// return about to be merged needs to know it. Keyed by export id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldCalls {
    /// The volunteer's calls filed in the return's months.
    pub in_period: BTreeMap<String, HeldCall>,
    /// Any other call or tombstone of theirs that the return names.
    pub elsewhere: BTreeMap<String, HeldCall>,
}

/// The writes that merge one return, decided by `returns::merge`. Applied
/// all together by [`ReturnMerge::apply`], or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePlan {
    /// The volunteer's record as it is after the merge.
    pub volunteer: Volunteer,
    /// Calls and tombstones to file, by export id, each replacing any
    /// earlier row of the same call wherever it was filed.
    pub file: Vec<(String, HeldCall)>,
    /// Calls to remove outright, by export id.
    pub remove: Vec<String>,
    /// The return itself, remembered so that it is never merged twice.
    pub merged_return: MergedReturn,
}

/// A merged return, as remembered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedReturn {
    pub return_id: String,
    pub sequence: u64,
    pub made_on: String,
    pub merged_on: NaiveDate,
    pub calls: u64,
    pub deleted: u64,
}

impl MergedRecord {
    fn held(self) -> HeldCall {
        HeldCall {
            sequence: self.sequence,
            call: self.call,
        }
    }
}

/// A merged return as sealed: [`MergedReturn`] with the volunteer's row id.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredReturn {
    volunteer: [u8; 16],
    return_id: String,
    sequence: u64,
    made_on: String,
    merged_on: NaiveDate,
    calls: u64,
    deleted: u64,
}

#[derive(Serialize, Deserialize)]
pub(super) struct MergedRecord {
    volunteer: [u8; 16],
    export_id: String,
    sequence: u64,
    /// `None` for a tombstone.
    call: Option<ReturnedCall>,
}

// The three tables sealed as JSON; merged calls are filed under the keyed
// tag of their month (bound into their associated data), tombstones under
// that of [`TOMBSTONE_MONTH`].

pub(super) struct VolunteerRow;

impl SealedTable for VolunteerRow {
    const TABLE: &'static str = "volunteers";
    type Value = Volunteer;

    fn encode(value: &Volunteer) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Volunteer> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "a volunteer".into()
    }
}

pub(super) struct ReturnRow;

impl SealedTable for ReturnRow {
    const TABLE: &'static str = "merged_returns";
    type Value = StoredReturn;

    fn encode(value: &StoredReturn) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<StoredReturn> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "a merged return".into()
    }
}

pub(super) struct MergedCallRow;

impl SealedTable for MergedCallRow {
    const TABLE: &'static str = "merged_calls";
    const PADDED: bool = true;
    type Value = MergedRecord;

    fn encode(value: &MergedRecord) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<MergedRecord> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "a merged call".into()
    }
}

/// Reads and opens the merged calls filed under `tag`.
fn records_under(
    conn: &Connection,
    keys: &Keys,
    tag: &[u8; 16],
) -> Result<Vec<([u8; 16], MergedRecord)>, StoreError> {
    sealed::read_under::<MergedCallRow>(conn, &keys.records, tag)
}

/// The merged call with row id `id`, wherever it is filed.
fn record_by_id(
    conn: &Connection,
    keys: &Keys,
    id: &[u8; 16],
) -> Result<Option<MergedRecord>, StoreError> {
    Ok(sealed::read_tagged::<MergedCallRow>(conn, &keys.records, id)?.map(|(_, record)| record))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt {
        record: what.to_string(),
    }
}

/// The tag a merged call's row is filed under: its month's, or for a
/// tombstone that of [`TOMBSTONE_MONTH`].
fn filed_tag(keys: &Keys, record: &MergedRecord) -> crate::crypto::PeriodTag {
    let month = record
        .call
        .as_ref()
        .map_or(TOMBSTONE_MONTH, |c| c.month.as_str());
    keys.period_tags.tag(month)
}

/// The month a merged call is filed under.
fn month_of(call: &ReturnedCall) -> Result<LocalMonth, StoreError> {
    LocalMonth::parse(&call.month).ok_or_else(|| corrupt("a merged call"))
}

/// Every tag merged calls (and tombstones) are filed under.
fn filed_tags(conn: &Connection) -> Result<Vec<[u8; 16]>, StoreError> {
    let tags: Vec<Vec<u8>> = conn
        .prepare_cached("SELECT DISTINCT period_tag FROM merged_calls")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tags.into_iter()
        .map(|tag| tag.try_into().map_err(|_| corrupt("a merged call's tag")))
        .collect()
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
        sealed::read::<VolunteerRow>(&self.conn, &self.keys.records, id.as_slice())
    }

    /// Whether this store has merged the return `return_id` signed by `signer`.
    pub fn return_merged(&self, signer: &SignerKey, return_id: &str) -> Result<bool, StoreError> {
        let id = return_row_id(&self.keys, signer, return_id);
        let seen = sealed::read::<ReturnRow>(&self.conn, &self.keys.records, id.as_slice())?;
        Ok(seen.is_some())
    }

    /// Every volunteer this store knows, by name.
    pub fn volunteers(&self) -> Result<Vec<Volunteer>, StoreError> {
        let mut out: Vec<Volunteer> =
            sealed::read_all::<VolunteerRow>(&self.conn, &self.keys.records)?
                .into_iter()
                .map(|(_, volunteer)| volunteer)
                .collect();
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
        self.write_now(|c| {
            sealed::write::<VolunteerRow>(c, &self.keys.records, id.as_slice(), &volunteer)
        })?;
        Ok(true)
    }

    /// Removes every merged call (and tombstone) of the volunteer holding
    /// `signer`, in one immediate transaction; their volunteer record and
    /// the returns remembered stay, so their later returns are still known
    /// and refused. Returns how many calls were removed (tombstones not
    /// counted). Whether they may be removed is decided above the store.
    pub fn purge_volunteer_calls(&mut self, signer: &SignerKey) -> Result<u64, StoreError> {
        let volunteer = self.volunteer_row_id(signer);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut removed = 0;
        let mut months = std::collections::BTreeSet::new();
        for tag in filed_tags(&tx)? {
            for (id, record) in records_under(&tx, &self.keys, &tag)? {
                if record.volunteer != volunteer {
                    continue;
                }
                sealed::delete::<MergedCallRow>(&tx, id.as_slice())?;
                if let Some(call) = &record.call {
                    removed += 1;
                    months.insert(month_of(call)?);
                }
            }
        }
        for month in months {
            let mut calls = super::merged_pages::read_month(&tx, &self.keys, month)?;
            calls.retain(|c| c.volunteer != volunteer);
            super::merged_pages::write_month(&tx, &self.keys, month, &mut calls)?;
        }
        super::ledger::commit(tx, &self.keys)?;
        Ok(removed)
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
        let mut out: BTreeMap<Fingerprint, BTreeMap<LocalMonth, u64>> = BTreeMap::new();
        for tag in filed_tags(&self.conn)? {
            if tag == tombstone.0 {
                continue;
            }
            for (_, record) in records_under(&self.conn, &self.keys, &tag)? {
                let (Some(call), Some(fingerprint)) =
                    (record.call, by_volunteer.get(&record.volunteer))
                else {
                    continue;
                };
                let month = month_of(&call)?;
                *out.entry(fingerprint.clone())
                    .or_default()
                    .entry(month)
                    .or_default() += 1;
            }
        }
        Ok(out)
    }

    /// The merged report pages of `months`, each with its month: what a
    /// report counts of the merged calls, opened.
    pub fn merged_report_pages(
        &self,
        months: &[LocalMonth],
    ) -> Result<Vec<(LocalMonth, MergedPage)>, StoreError> {
        super::merged_pages::read_for_report(&self.conn, &self.keys, months)
    }

    /// Fills the merged report pages from the merged calls when a
    /// migration has just added them (they need the key, so SQL alone
    /// cannot).
    pub(super) fn build_merged_pages_if_missing(&mut self) -> Result<(), StoreError> {
        let built: i64 = self.conn.query_row(
            "SELECT value FROM meta WHERE name = 'merged_pages_built'",
            [],
            |r| r.get(0),
        )?;
        if built == 1 {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM merged_pages", [])?;
        let mut by_month: BTreeMap<LocalMonth, Vec<PagedCall>> = BTreeMap::new();
        let mut records = Vec::new();
        for tag in filed_tags(&tx)? {
            records.extend(records_under(&tx, &self.keys, &tag)?);
        }
        for (_, record) in records {
            let Some(call) = record.call else { continue };
            let month = month_of(&call)?;
            by_month.entry(month).or_default().push(PagedCall {
                volunteer: record.volunteer,
                export_id: super::merged_pages::export_id_bytes(&call)?,
                sequence: record.sequence,
                call,
            });
        }
        for (month, mut calls) in by_month {
            super::merged_pages::write_month(&tx, &self.keys, month, &mut calls)?;
        }
        tx.execute(
            "UPDATE meta SET value = 1 WHERE name = 'merged_pages_built'",
            [],
        )?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(())
    }

    /// The merged calls of `months`, each opened from its own record: what
    /// the merged report pages are checked against.
    pub fn merged_calls_in_months(
        &self,
        months: &[LocalMonth],
    ) -> Result<Vec<MergedCall>, StoreError> {
        let tags: Vec<_> = months
            .iter()
            .map(|m| self.keys.period_tags.tag(&m.to_string()))
            .collect();
        let _snapshot = super::ledger::snapshot(&self.conn)?;
        // Each row read once: checked against the ledger, then opened.
        let mut seen = Vec::new();
        for (month, tag) in months.iter().zip(&tags) {
            sealed::each_under::<MergedCallRow>(&self.conn, &tag.0, |id, version, bytes| {
                seen.push((month, tag.0, id.to_vec(), version, bytes.to_vec()));
                Ok(())
            })?;
        }
        super::ledger::check_months(
            &self.conn,
            &self.keys,
            "merged_calls",
            &tags,
            seen.iter().map(|(_, tag, id, version, bytes)| {
                (
                    tag.as_slice(),
                    id.as_slice(),
                    i64::from(*version),
                    bytes.as_slice(),
                )
            }),
        )?;
        let mut out = Vec::new();
        for (month, tag, id, version, bytes) in &seen {
            let record =
                sealed::open::<MergedCallRow>(&self.keys.records, id, tag, *version, bytes)?;
            if let Some(call) = record.call {
                if LocalMonth::parse(&call.month) != Some(**month) {
                    return Err(corrupt("a merged call (filed under the wrong month)"));
                }
                out.push(MergedCall {
                    month: **month,
                    call,
                });
            }
        }
        Ok(out)
    }

    /// Starts merging a return signed by `signer` with id `return_id`, in
    /// one immediate transaction: everything [`ReturnMerge`] reads is read
    /// under it, and nothing is written unless [`ReturnMerge::apply`] is
    /// called (dropping it rolls back).
    pub fn begin_merge(
        &mut self,
        signer: &SignerKey,
        return_id: &str,
    ) -> Result<ReturnMerge<'_>, StoreError> {
        let volunteer_id = self.volunteer_row_id(signer);
        let return_row = return_row_id(&self.keys, signer, return_id);
        // A merge writes a return's calls in one transaction: room for them
        // in SQLite's cache, so its pages are not spilled and read back.
        self.conn
            .pragma_update(None, "cache_size", MERGE_CACHE_KIB)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Nothing the merge reads may be missing, doubled or older. The
        // whole store was checked at unlock, and every write since by this
        // vault kept the ledger; only another program's write (SQLite's
        // data version moves) means checking again.
        let version = super::data_version(&tx)?;
        if self.checked_at_version != Some(version) {
            super::ledger::check_tables(&tx, &self.keys, super::ledger::MERGED_TABLES)?;
            self.checked_at_version = Some(version);
        }
        Ok(ReturnMerge {
            tx,
            keys: &self.keys,
            signer: *signer,
            volunteer_id,
            return_row,
            months: BTreeMap::new(),
            held_months: BTreeMap::new(),
        })
    }
}

/// A return being merged: what the store holds for its signer, read inside
/// one transaction, and the plan decided from it written in that same one.
pub struct ReturnMerge<'v> {
    tx: Transaction<'v>,
    keys: &'v Keys,
    signer: SignerKey,
    volunteer_id: [u8; 16],
    return_row: [u8; 16],
    /// The merged pages of each month read.
    months: BTreeMap<LocalMonth, MonthPages>,
    /// The month each of the signer's calls read was filed in, by export
    /// id (`None` for a tombstone or no call), so its old month's pages
    /// can be rewritten when it moves or goes.
    held_months: BTreeMap<String, Option<LocalMonth>>,
}

impl ReturnMerge<'_> {
    /// The signer's volunteer record, if this store knows them.
    pub fn volunteer(&self) -> Result<Option<Volunteer>, StoreError> {
        sealed::read::<VolunteerRow>(&self.tx, &self.keys.records, self.volunteer_id.as_slice())
    }

    /// Whether this very return was merged before.
    pub fn already_merged(&self) -> Result<bool, StoreError> {
        let seen =
            sealed::read::<ReturnRow>(&self.tx, &self.keys.records, self.return_row.as_slice())?;
        Ok(seen.is_some())
    }

    /// The signer's merged calls filed in `months`, and every other call or
    /// tombstone of theirs among `named` (export ids), wherever filed.
    ///
    /// A call's sequence is the newer of the return that last wrote it and
    /// the newest merged return covering its month: a return is a complete
    /// account of its months, so every call it left as it was is as of it.
    pub fn held_calls<'a>(
        &mut self,
        months: &[LocalMonth],
        named: impl IntoIterator<Item = &'a str>,
    ) -> Result<HeldCalls, StoreError> {
        let covered = self.volunteer()?.map(|v| v.months).unwrap_or_default();
        let as_of = |sequence: u64, month: Option<&str>| {
            month
                .and_then(|m| covered.get(m))
                .map_or(sequence, |&newest| newest.max(sequence))
        };
        let mut held = HeldCalls::default();
        for month in months {
            let pages = MonthPages::read(&self.tx, self.keys, *month)?;
            for paged in pages.calls(Some(&self.volunteer_id))? {
                let sequence = as_of(paged.sequence, Some(&paged.call.month));
                let id = paged.call.id.clone();
                self.held_months.insert(id.clone(), Some(*month));
                let call = Some(paged.call);
                held.in_period.insert(id, HeldCall { sequence, call });
            }
            self.months.insert(*month, pages);
        }
        for export_id in named {
            if held.in_period.contains_key(export_id) || held.elsewhere.contains_key(export_id) {
                continue;
            }
            let id = call_row_id(self.keys, &self.signer, export_id);
            let record = record_by_id(&self.tx, self.keys, &id)?;
            let call = record.as_ref().and_then(|r| r.call.as_ref());
            let month = call.map(month_of).transpose()?;
            self.held_months.insert(export_id.to_string(), month);
            let filed_in = call.map(|c| c.month.clone());
            if let Some(record) = record {
                let mut call = record.held();
                call.sequence = as_of(call.sequence, filed_in.as_deref());
                held.elsewhere.insert(export_id.to_string(), call);
            }
        }
        Ok(held)
    }

    /// Writes `plan` and commits: all of it, or (on any error) none.
    pub fn apply(mut self, plan: MergePlan) -> Result<(), StoreError> {
        // The months whose pages change: where each call filed or removed
        // was, and where each call filed goes.
        let mut changed = std::collections::BTreeSet::new();
        let mut leaving = std::collections::BTreeSet::new();
        for export_id in plan.remove.iter().chain(plan.file.iter().map(|(id, _)| id)) {
            let was = match self.held_months.get(export_id) {
                Some(month) => *month,
                // Not read by `held_calls`: found by its record.
                None => {
                    let id = call_row_id(self.keys, &self.signer, export_id);
                    let record = record_by_id(&self.tx, self.keys, &id)?;
                    record
                        .as_ref()
                        .and_then(|r| r.call.as_ref())
                        .map(month_of)
                        .transpose()?
                }
            };
            if let Some(month) = was {
                changed.insert(month);
            }
            leaving.insert(export_id.as_str());
        }
        let mut arriving: BTreeMap<LocalMonth, Vec<PagedCall>> = BTreeMap::new();
        for (export_id, held) in &plan.file {
            let Some(call) = &held.call else { continue };
            let month = month_of(call)?;
            changed.insert(month);
            arriving.entry(month).or_default().push(PagedCall {
                volunteer: self.volunteer_id,
                export_id: super::merged_pages::export_id_bytes(call)?,
                sequence: held.sequence,
                call: call.clone(),
            });
            debug_assert_eq!(&call.id, export_id);
        }
        for month in &changed {
            let mut calls = match self.months.remove(month) {
                Some(pages) => pages.calls(None)?,
                None => super::merged_pages::read_month(&self.tx, self.keys, *month)?,
            };
            calls.retain(|c| {
                c.volunteer != self.volunteer_id || !leaving.contains(c.call.id.as_str())
            });
            calls.extend(arriving.remove(month).unwrap_or_default());
            super::merged_pages::write_month(&self.tx, self.keys, *month, &mut calls)?;
        }
        let mut gone: Vec<[u8; 16]> = plan
            .remove
            .iter()
            .map(|export_id| call_row_id(self.keys, &self.signer, export_id))
            .collect();
        gone.sort_unstable();
        for id in gone {
            sealed::delete::<MergedCallRow>(&self.tx, id.as_slice())?;
        }
        // Written in key order, so that each insert lands beside the last
        // rather than on a random page of the table.
        let mut tags: BTreeMap<Option<String>, [u8; 16]> = BTreeMap::new();
        let mut records: Vec<([u8; 16], [u8; 16], MergedRecord)> = plan
            .file
            .into_iter()
            .map(|(export_id, held)| {
                let id = call_row_id(self.keys, &self.signer, &export_id);
                let record = MergedRecord {
                    volunteer: self.volunteer_id,
                    export_id,
                    sequence: held.sequence,
                    call: held.call,
                };
                let month = record.call.as_ref().map(|c| c.month.clone());
                let tag = *tags
                    .entry(month)
                    .or_insert_with(|| filed_tag(self.keys, &record).0);
                (tag, id, record)
            })
            .collect();
        records.sort_unstable_by_key(|(tag, id, _)| (*tag, *id));
        for (tag, id, record) in &records {
            sealed::write_tagged::<MergedCallRow>(
                &self.tx,
                &self.keys.records,
                tag,
                id,
                record,
                true,
            )?;
        }
        let records = &self.keys.records;
        sealed::write::<VolunteerRow>(
            &self.tx,
            records,
            self.volunteer_id.as_slice(),
            &plan.volunteer,
        )?;
        let r = plan.merged_return;
        let stored = StoredReturn {
            volunteer: self.volunteer_id,
            return_id: r.return_id,
            sequence: r.sequence,
            made_on: r.made_on,
            merged_on: r.merged_on,
            calls: r.calls,
            deleted: r.deleted,
        };
        sealed::write::<ReturnRow>(&self.tx, records, self.return_row.as_slice(), &stored)?;
        super::ledger::commit(self.tx, self.keys)?;
        Ok(())
    }
}
