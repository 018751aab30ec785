//! What the store keeps about keeping: where backups go and how many, how
//! long private text is kept (the retention policy), which calls are on
//! legal hold, and which deleted calls must still be erased from backups.
//!
//! One sealed row of the settings table, read and written whole: it is
//! small (ids and a few numbers) and every change to it is one decision.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::sealed::{self, NamedRow, SealedTable};
use super::{Activity, StoreError, Vault};
use crate::crypto::RecordKey;
use crate::model::CallId;

/// Backups kept in the folder unless the volunteer chooses otherwise.
pub const DEFAULT_KEEP_BACKUPS: u32 = 7;
/// Fewest and most backups a volunteer may keep.
pub const MIN_KEEP_BACKUPS: u32 = 1;
pub const MAX_KEEP_BACKUPS: u32 = 60;
/// Days after which the newest backup counts as out of date.
pub const DEFAULT_BACKUP_WARN_DAYS: u32 = 7;
pub const MAX_BACKUP_WARN_DAYS: u32 = 90;
/// The longest retention period a helpline may choose (ten years).
pub const MAX_RETENTION_MONTHS: u32 = 120;

/// The store's backup and retention choices, and the ids they concern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keeping {
    /// The folder automatic backups go to; none until the volunteer
    /// chooses one.
    #[serde(default)]
    pub backup_folder: Option<String>,
    /// How many backups the folder keeps (the newest).
    #[serde(default = "default_keep")]
    pub keep_backups: u32,
    /// After how many days without a backup the app warns.
    #[serde(default = "default_warn_days")]
    pub backup_warn_days: u32,
    /// When this store last wrote a backup into the folder.
    #[serde(default)]
    pub last_backup_at: Option<DateTime<Utc>>,
    /// Months after which a call's private text is shredded; `None` until
    /// the helpline chooses (nothing is shredded until then).
    #[serde(default)]
    pub retention_months: Option<u32>,
    /// Calls on legal hold (a safeguarding matter under review): never
    /// shredded while held. Call id → the day the hold began.
    #[serde(default)]
    pub holds: BTreeMap<String, NaiveDate>,
    /// Every call deleted from this store, with the day: a backup made
    /// before may still hold it, so a restore erases it again.
    #[serde(default)]
    pub erased: BTreeMap<String, NaiveDate>,
    /// Deleted calls not yet erased from the backups in the folder (it
    /// could not be reached when they were deleted).
    #[serde(default)]
    pub pending_erasures: Vec<String>,
    /// The day the retention policy last ran.
    #[serde(default)]
    pub last_shred_on: Option<NaiveDate>,
    /// Calls logged before this local date have been shredded here but
    /// perhaps not yet in the backups (the folder could not be reached).
    #[serde(default)]
    pub backups_shred_before: Option<NaiveDate>,
}

fn default_keep() -> u32 {
    DEFAULT_KEEP_BACKUPS
}

fn default_warn_days() -> u32 {
    DEFAULT_BACKUP_WARN_DAYS
}

impl Default for Keeping {
    fn default() -> Self {
        Keeping {
            backup_folder: None,
            keep_backups: DEFAULT_KEEP_BACKUPS,
            backup_warn_days: DEFAULT_BACKUP_WARN_DAYS,
            last_backup_at: None,
            retention_months: None,
            holds: BTreeMap::new(),
            erased: BTreeMap::new(),
            pending_erasures: Vec::new(),
            last_shred_on: None,
            backups_shred_before: None,
        }
    }
}

impl Keeping {
    pub fn is_held(&self, id: CallId) -> bool {
        self.holds.contains_key(&id.to_string())
    }

    /// The calls erased from this store, as ids.
    pub fn erased_ids(&self) -> impl Iterator<Item = CallId> + '_ {
        self.erased.keys().filter_map(|id| id.parse().ok())
    }

    /// The deleted calls still to be erased from the backup folder.
    pub fn pending_ids(&self) -> impl Iterator<Item = CallId> + '_ {
        self.pending_erasures
            .iter()
            .filter_map(|id| id.parse().ok())
    }
}

pub(super) struct KeepingRow;

impl SealedTable for KeepingRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "keeping";
    type Value = Keeping;

    fn encode(value: &Keeping) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Keeping> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "the backup and retention settings".into()
    }
}

impl NamedRow for KeepingRow {
    const NAME: &'static str = "keeping";
}

pub(super) fn read(conn: &Connection, key: &RecordKey) -> Result<Keeping, StoreError> {
    Ok(sealed::read_named::<KeepingRow>(conn, key)?.unwrap_or_default())
}

pub(super) fn write(
    conn: &Connection,
    key: &RecordKey,
    keeping: &Keeping,
) -> Result<(), StoreError> {
    sealed::write_named::<KeepingRow>(conn, key, keeping)
}

impl Vault {
    /// The backup and retention settings, with holds and erasures.
    pub fn keeping(&self) -> Result<Keeping, StoreError> {
        read(&self.conn, &self.keys.records)
    }

    /// Changes the keeping record in one transaction: `change` sees the
    /// record as stored at that moment, so two windows (the app and the
    /// CLI) never undo each other's holds or erasures.
    pub fn change_keeping<T>(
        &mut self,
        change: impl FnOnce(&mut Keeping) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut keeping = read(&tx, &self.keys.records)?;
        let out = change(&mut keeping)?;
        write(&tx, &self.keys.records, &keeping)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(out)
    }

    /// As [`Vault::change_keeping`], with the entry `change` returns (if
    /// any) added to the activity record in the same transaction.
    pub fn change_keeping_recorded<T>(
        &mut self,
        at: DateTime<Utc>,
        change: impl FnOnce(&mut Keeping) -> Result<(T, Option<Activity>), StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut keeping = read(&tx, &self.keys.records)?;
        let (out, what) = change(&mut keeping)?;
        write(&tx, &self.keys.records, &keeping)?;
        if let Some(what) = what {
            super::activity::append(&tx, &self.keys.records, &what, at)?;
        }
        super::ledger::commit(tx, &self.keys)?;
        Ok(out)
    }
}
