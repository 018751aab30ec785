//! Writing and reading calls.
//!
//! Each call is two rows: its facts, sealed and tagged with a keyed tag of
//! its local month (the tag is bound into the associated data, so moving a
//! record to another month's tag makes it fail to open rather than be
//! silently miscounted), and its private details, sealed on their own.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::codec;
use super::pages::{self, Page, PageCache, WrittenTails};
use super::sealed::{self, SealedTable};
use super::sealed_rows::{CallFacts, SealedRecords};
use super::{Activity, Keys, Settings, StoreError, Vault, activity, keeping, settings};
use crate::crypto::PeriodTag;
use crate::model::{Call, CallDetails, CallId, CallSummary, NewCall};
use crate::period::LocalMonth;
use crate::themes::ThemeCatalogue;

/// A call's notes and safeguarding steps, sealed apart from its facts.
pub(super) struct CallDetailsRow;

impl SealedTable for CallDetailsRow {
    const TABLE: &'static str = "call_details";
    const PADDED: bool = true;
    type Value = CallDetails;

    fn encode(details: &CallDetails) -> Option<Vec<u8>> {
        codec::encode_details(details).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<CallDetails> {
        codec::decode_details(plain).ok()
    }

    fn describe(id: &[u8]) -> String {
        format!("the notes of {}", CallFacts::describe(id))
    }
}

/// Everything needed to seal and file a call.
struct Writer<'a> {
    keys: &'a Keys,
    settings: &'a Settings,
    themes: &'a ThemeCatalogue,
}

impl Writer<'_> {
    fn tag(&self, summary: &CallSummary) -> PeriodTag {
        let month = LocalMonth::of(summary.facts.started_at, self.settings.time_zone);
        self.keys.period_tags.tag(&month.to_string())
    }

    /// Seals and writes both rows of a call. With `replacing`, an earlier
    /// version is removed first; a call with a fresh random id has none, so
    /// new calls skip that lookup.
    fn put(
        &self,
        conn: &Connection,
        pages: &mut PageCache,
        summary: &CallSummary,
        details: &CallDetails,
        replacing: bool,
    ) -> Result<(), StoreError> {
        let id = summary.id.as_bytes();
        let tag = self.tag(summary);
        if replacing {
            let old_tag: Option<Vec<u8>> = conn
                .prepare_cached("SELECT period_tag FROM calls WHERE id = ?1")?
                .query_row(params![id.as_slice()], |r| r.get(0))
                .optional()?;
            if let Some(old_tag) = old_tag {
                let old_tag: [u8; 16] = old_tag.try_into().map_err(|_| unencodable(summary.id))?;
                pages.remove(conn, self.keys, old_tag, id)?;
            }
            // The primary key includes the month tag, which changes when a
            // call's date is edited, so replace rather than update in place.
            sealed::delete::<CallFacts>(conn, id.as_slice())?;
        }
        pages.add(conn, self.keys, tag.0, summary)?;
        let key = &self.keys.records;
        sealed::write_tagged::<CallFacts>(conn, key, &tag.0, id, summary, false)?;
        sealed::write::<CallDetailsRow>(conn, key, id.as_slice(), details)?;
        Ok(())
    }

    /// Checks a new call against the current theme list.
    fn validate_new(&self, call: &NewCall, now: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(call.validate(self.themes.current(), now)?)
    }

    /// Checks an edited call and says which theme list it is filed under:
    /// the one it was logged under while its themes are unchanged, so that
    /// correcting a date never moves an old call to a list it was not
    /// logged from; the current one once its themes are chosen again.
    fn validate_edit(
        &self,
        old: &CallSummary,
        call: &NewCall,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let current = self.themes.current();
        if call.facts.themes == old.facts.themes {
            if let Some(list) = self.themes.version(old.theme_list_version) {
                call.validate(list, now)?;
                return Ok(old.theme_list_version);
            }
        }
        call.validate(current, now)?;
        Ok(current.version)
    }

    fn new_summary(&self, call: &NewCall, now: DateTime<Utc>) -> CallSummary {
        CallSummary {
            id: CallId::random(),
            logged_by: self.settings.display_name.clone(),
            theme_list_version: self.themes.current().version,
            created_at: now,
            updated_at: now,
            facts: call.facts.clone(),
            shredded_on: None,
        }
    }
}

fn unencodable(id: CallId) -> StoreError {
    StoreError::Corrupt {
        record: format!("call {id}"),
    }
}

/// What [`Vault::save_form_call`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedCall {
    /// Whether the form had been saved before, so its call was replaced.
    pub replaced: bool,
    /// The generation the next form opens under.
    pub next_generation: u64,
}

/// The facts of call `id`, if the store holds it.
fn summary_in(
    conn: &Connection,
    keys: &Keys,
    id: CallId,
) -> Result<Option<CallSummary>, StoreError> {
    let found = sealed::read_tagged::<CallFacts>(conn, &keys.records, id.as_bytes())?;
    Ok(found.map(|(_, summary)| summary))
}

/// An import in progress: one transaction, so either every call lands or,
/// if it is dropped without [`ImportBatch::commit`] (an error, a crash, a
/// kill), none does.
pub struct ImportBatch<'v> {
    tx: Transaction<'v>,
    pages: PageCache,
    /// Where the pages written are remembered, once the batch commits.
    page_tails: &'v mut WrittenTails,
    writer: Writer<'v>,
    now: DateTime<Utc>,
    added: usize,
}

impl ImportBatch<'_> {
    /// Validates, seals and adds one call.
    pub fn add(&mut self, call: &NewCall) -> Result<CallId, StoreError> {
        self.writer.validate_new(call, self.now)?;
        let summary = self.writer.new_summary(call, self.now);
        self.writer
            .put(&self.tx, &mut self.pages, &summary, &call.details, false)?;
        self.added += 1;
        Ok(summary.id)
    }

    /// Adds a call under an id chosen by the caller (a form's own id).
    fn add_as(&mut self, id: CallId, call: &NewCall) -> Result<(), StoreError> {
        self.writer.validate_new(call, self.now)?;
        let summary = CallSummary {
            id,
            ..self.writer.new_summary(call, self.now)
        };
        self.writer
            .put(&self.tx, &mut self.pages, &summary, &call.details, false)?;
        self.added += 1;
        Ok(())
    }

    /// Replaces a stored call's content, keeping its id, author and
    /// creation time.
    fn replace(&mut self, old: CallSummary, call: &NewCall) -> Result<(), StoreError> {
        let theme_list_version = self.writer.validate_edit(&old, call, self.now)?;
        let summary = CallSummary {
            theme_list_version,
            updated_at: self.now,
            facts: call.facts.clone(),
            ..old
        };
        self.writer
            .put(&self.tx, &mut self.pages, &summary, &call.details, true)
    }

    pub fn added(&self) -> usize {
        self.added
    }

    /// Makes the whole batch durable at once; returns how many calls it held.
    pub fn commit(self) -> Result<usize, StoreError> {
        let written = self.pages.flush(&self.tx, self.writer.keys)?;
        super::ledger::commit(self.tx, self.writer.keys)?;
        // Only now: a batch that fails or is dropped leaves nothing
        // remembered (the vault's memory was handed to it, see begin_import).
        *self.page_tails = written;
        Ok(self.added)
    }
}

impl Vault {
    /// Validates, seals and stores one call durably; returns its new id.
    pub fn log_call(&mut self, call: &NewCall, now: DateTime<Utc>) -> Result<CallId, StoreError> {
        let mut batch = self.begin_import(now)?;
        let id = batch.add(call)?;
        batch.commit()?;
        Ok(id)
    }

    /// Saves the call typed into the form whose call id is `id`, and closes
    /// that form's draft, in one transaction, so a crash can never leave
    /// both the saved call and its draft behind, and no draft write queued
    /// before the save can land after it (see [`super::drafts`]).
    ///
    /// Saving the same form again (a second press while the first was
    /// slow, a retry) replaces the call it saved rather than logging it
    /// twice; and if the next form has been opened meanwhile (a later
    /// generation than `form_generation`), its draft is left alone.
    pub fn save_form_call(
        &mut self,
        id: CallId,
        call: &NewCall,
        form_generation: u64,
        now: DateTime<Utc>,
    ) -> Result<SavedCall, StoreError> {
        let mut batch = self.begin_import(now)?;
        let existing = summary_in(&batch.tx, batch.writer.keys, id)?;
        let replaced = existing.is_some();
        match existing {
            None => batch.add_as(id, call)?,
            Some(old) => batch.replace(old, call)?,
        }
        let current = super::drafts::generation(&batch.tx)?;
        let next_generation = if form_generation == current {
            super::drafts::close(&batch.tx)?
        } else {
            current
        };
        batch.commit()?;
        Ok(SavedCall {
            replaced,
            next_generation,
        })
    }

    /// Starts an all-or-nothing batch of new calls.
    pub fn begin_import(&mut self, now: DateTime<Utc>) -> Result<ImportBatch<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(ImportBatch {
            tx,
            pages: PageCache::remembering(std::mem::take(&mut self.page_tails)),
            page_tails: &mut self.page_tails,
            writer: Writer {
                keys: &self.keys,
                settings: &self.settings,
                themes: &self.themes,
            },
            now,
            added: 0,
        })
    }

    /// Replaces a call's content, keeping its id, author and creation time.
    pub fn update_call(
        &mut self,
        id: CallId,
        call: &NewCall,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.update(id, call, now, false)
    }

    /// As [`Vault::update_call`], with the edit added to the activity
    /// record (its id only) in the same transaction.
    pub fn update_call_recorded(
        &mut self,
        id: CallId,
        call: &NewCall,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.update(id, call, now, true)
    }

    fn update(
        &mut self,
        id: CallId,
        call: &NewCall,
        now: DateTime<Utc>,
        record: bool,
    ) -> Result<(), StoreError> {
        let existing = self.call_summary(id)?;
        let writer = Writer {
            keys: &self.keys,
            settings: &self.settings,
            themes: &self.themes,
        };
        let theme_list_version = writer.validate_edit(&existing, call, now)?;
        let summary = CallSummary {
            theme_list_version,
            updated_at: now,
            facts: call.facts.clone(),
            ..existing
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut pages = PageCache::default();
        writer.put(&tx, &mut pages, &summary, &call.details, true)?;
        pages.flush(&tx, &self.keys)?;
        if record {
            let edited = Activity::CallEdited {
                call: id.to_string(),
            };
            activity::append(&tx, &self.keys.records, &edited, now)?;
        }
        super::ledger::commit(tx, &self.keys)?;
        Ok(())
    }

    /// Deletes a call. `secure_delete` overwrites the freed pages.
    /// Once the store has made a return, the deleted call's export id is
    /// kept so that the next return erases it at the coordinator's too.
    /// The call's id is kept too, so that backups made before (see
    /// [`super::keeping`]) are erased of it.
    pub fn delete_call(&mut self, id: CallId) -> Result<(), StoreError> {
        let today = Utc::now()
            .with_timezone(&self.settings.time_zone)
            .date_naive();
        self.delete_and_record(id, today, true, None)
    }

    /// As [`Vault::delete_call`], with the deletion added to the activity
    /// record (the call's id only) at `now`, in the same transaction.
    pub fn delete_call_recorded(
        &mut self,
        id: CallId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let today = now.with_timezone(&self.settings.time_zone).date_naive();
        self.delete_and_record(id, today, true, Some(now))
    }

    /// Deletes a call from a copy of this store (a backup being rewritten),
    /// recording the erasure in it but leaving nothing pending; with
    /// `logged_at`, the deletion goes into the activity record too.
    pub(super) fn delete_and_record(
        &mut self,
        id: CallId,
        today: NaiveDate,
        pend: bool,
        logged_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let tell_coordinator = self.returns_made()? > 0;
        let export_id = self.export_id(id);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let tag: Option<Vec<u8>> = tx
            .query_row(
                "SELECT period_tag FROM calls WHERE id = ?1",
                params![id.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(tag) = tag {
            let tag: [u8; 16] = tag.try_into().map_err(|_| unencodable(id))?;
            let mut pages = PageCache::default();
            pages.remove(&tx, &self.keys, tag, id.as_bytes())?;
            pages.flush(&tx, &self.keys)?;
        }
        let removed = tx.execute(
            "DELETE FROM calls WHERE id = ?1",
            params![id.as_bytes().as_slice()],
        )?;
        tx.execute(
            "DELETE FROM call_details WHERE id = ?1",
            params![id.as_bytes().as_slice()],
        )?;
        if removed == 0 {
            return Err(StoreError::CallNotFound(id));
        }
        if tell_coordinator {
            super::deletions::record(&tx, &self.keys, &export_id)?;
        }
        let mut keeping = keeping::read(&tx, &self.keys.records)?;
        keeping.erased.insert(id.to_string(), today);
        keeping.holds.remove(&id.to_string());
        if pend && keeping.backup_folder.is_some() {
            keeping.pending_erasures.push(id.to_string());
        }
        keeping::write(&tx, &self.keys.records, &keeping)?;
        if let Some(at) = logged_at {
            let deleted = Activity::CallDeleted {
                call: id.to_string(),
            };
            activity::append(&tx, &self.keys.records, &deleted, at)?;
        }
        super::ledger::commit(tx, &self.keys)?;
        Ok(())
    }

    /// Shreds the private text and exact times of `ids` in one
    /// transaction: each call's details are sealed again empty, and its
    /// start, creation and edit times become midday of the local day it
    /// started on, so its local date and month (and every count) stay.
    /// Both records are written afresh (new nonces); `secure_delete`
    /// overwrites the old cells. Returns how many were shredded (a call
    /// already shredded, deleted or on hold is skipped).
    pub fn shred_calls(&mut self, ids: &[CallId], today: NaiveDate) -> Result<usize, StoreError> {
        let tz = self.settings.time_zone;
        let writer = Writer {
            keys: &self.keys,
            settings: &self.settings,
            themes: &self.themes,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let keeping = keeping::read(&tx, &self.keys.records)?;
        let mut pages = PageCache::default();
        let mut shredded = 0;
        for &id in ids {
            if keeping.is_held(id) {
                continue;
            }
            let Some(old) = summary_in(&tx, &self.keys, id)? else {
                continue;
            };
            if old.shredded_on.is_some() {
                continue;
            }
            let day = old.facts.started_at.with_timezone(&tz).date_naive();
            let midday = crate::period::local_midday(day, tz);
            let summary = CallSummary {
                created_at: midday,
                updated_at: midday,
                facts: crate::model::CallFacts {
                    started_at: midday,
                    ..old.facts.clone()
                },
                shredded_on: Some(today),
                ..old
            };
            writer.put(&tx, &mut pages, &summary, &CallDetails::default(), true)?;
            shredded += 1;
        }
        pages.flush(&tx, &self.keys)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(shredded)
    }

    /// Moves everything the write-ahead log holds into the database file
    /// and empties the log, so pages overwritten by a shred or an erasure
    /// do not linger in it.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn call_summary(&self, id: CallId) -> Result<CallSummary, StoreError> {
        summary_in(&self.conn, &self.keys, id)?.ok_or(StoreError::CallNotFound(id))
    }

    /// Opens one call in full, private details included.
    pub fn call(&self, id: CallId) -> Result<Call, StoreError> {
        let summary = self.call_summary(id)?;
        let details = self.call_details(id)?;
        Ok(Call { summary, details })
    }

    fn call_details(&self, id: CallId) -> Result<CallDetails, StoreError> {
        let id = id.as_bytes();
        sealed::read::<CallDetailsRow>(&self.conn, &self.keys.records, id.as_slice())?.ok_or_else(
            || StoreError::Corrupt {
                record: CallDetailsRow::describe(id),
            },
        )
    }

    /// Calls whose local start falls in any of `months`; only those records
    /// are read and decrypted.
    pub fn calls_in_months(&self, months: &[LocalMonth]) -> Result<Vec<CallSummary>, StoreError> {
        self.read_sealed(months)?.open()
    }

    /// Reads, without opening, the sealed facts of the calls in `months`.
    pub fn read_sealed(&self, months: &[LocalMonth]) -> Result<SealedRecords<'_>, StoreError> {
        let tags: Vec<_> = months
            .iter()
            .map(|m| self.keys.period_tags.tag(&m.to_string()))
            .collect();
        SealedRecords::read_months(&self.conn, &self.keys, &tags)
    }

    /// The report pages of `months`: what a report counts, opened.
    pub fn report_pages(&self, months: &[LocalMonth]) -> Result<Vec<Page>, StoreError> {
        let tags: Vec<_> = months
            .iter()
            .map(|m| self.keys.period_tags.tag(&m.to_string()))
            .collect();
        pages::read_pages(&self.conn, &self.keys, &tags)
    }

    /// Fills the report pages from the calls when a migration has just
    /// added them (they need the key, so SQL alone cannot).
    pub(super) fn build_report_pages_if_missing(&mut self) -> Result<(), StoreError> {
        let built: i64 = self.conn.query_row(
            "SELECT value FROM meta WHERE name = 'report_pages_built'",
            [],
            |r| r.get(0),
        )?;
        if built == 1 {
            return Ok(());
        }
        let records = SealedRecords::read_all(&self.conn, &self.keys)?;
        let calls = records.open_with_tags()?;
        drop(records);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM report_pages", [])?;
        let mut pages = PageCache::default();
        for (tag, call) in &calls {
            pages.add(&tx, &self.keys, *tag, call)?;
        }
        pages.flush(&tx, &self.keys)?;
        tx.execute(
            "UPDATE meta SET value = 1 WHERE name = 'report_pages_built'",
            [],
        )?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(())
    }

    /// Every call in the store, newest first.
    pub fn all_calls(&self) -> Result<Vec<CallSummary>, StoreError> {
        let mut out = SealedRecords::read_all(&self.conn, &self.keys)?.open()?;
        out.sort_by_key(|c| std::cmp::Reverse(c.facts.started_at));
        Ok(out)
    }

    /// Opens the private details of many calls at once (for `list --notes`).
    pub fn details_of(&self, ids: &[CallId]) -> Result<Vec<CallDetails>, StoreError> {
        ids.iter().map(|id| self.call_details(*id)).collect()
    }

    /// Changes the settings. A new time zone moves calls between local
    /// months, so every call is re-tagged (and re-sealed, since the tag is
    /// bound to it) in the same transaction.
    pub fn update_settings(&mut self, new: Settings) -> Result<(), StoreError> {
        new.validate()?;
        let calls = self.calls_to_refile(&new)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        settings::write(&tx, &self.keys.records, &new)?;
        refile(&tx, &self.keys, &new, &self.themes, &calls)?;
        super::ledger::commit(tx, &self.keys)?;
        self.settings = new;
        Ok(())
    }

    /// Every call with its details when `new` moves the time zone (each
    /// call is then filed again under its new local month), else none.
    pub(super) fn calls_to_refile(
        &self,
        new: &Settings,
    ) -> Result<Vec<(CallSummary, CallDetails)>, StoreError> {
        if new.time_zone == self.settings.time_zone {
            return Ok(Vec::new());
        }
        let summaries = self.all_calls()?;
        let details = self.details_of(&summaries.iter().map(|c| c.id).collect::<Vec<_>>())?;
        Ok(summaries.into_iter().zip(details).collect())
    }

    pub fn call_count(&self) -> Result<u64, StoreError> {
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM calls", [], |r| r.get(0))?;
        Ok(count.unsigned_abs())
    }
}

/// Seals and files `calls` again under `settings`' time zone, inside the
/// caller's transaction, so the settings and the calls' months change
/// together or not at all.
pub(super) fn refile(
    tx: &Transaction<'_>,
    keys: &Keys,
    settings: &Settings,
    themes: &ThemeCatalogue,
    calls: &[(CallSummary, CallDetails)],
) -> Result<(), StoreError> {
    let writer = Writer {
        keys,
        settings,
        themes,
    };
    let mut pages = PageCache::default();
    for (summary, details) in calls {
        writer.put(tx, &mut pages, summary, details, true)?;
    }
    pages.flush(tx, keys)?;
    Ok(())
}
