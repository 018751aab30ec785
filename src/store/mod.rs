//! The encrypted call vault: a local SQLite file whose content is sealed
//! under a key only the volunteer's passphrase (or recovery key) unlocks.
//!
//! Owns all SQL and every read or write of the store file. Calls go in and
//! come out as model types; ciphertext and keys never leave this module
//! except through [`crate::crypto`]. Every sealed row goes through one path
//! (`sealed.rs`). The store sits below returns and the app and imports
//! nothing from them: what a return does to a coordinator's rows is decided
//! above it and applied here ([`ReturnMerge`]).

mod activity;
mod backup;
mod calls;
mod codec;
mod deletions;
mod drafts;
mod keeping;
mod keyslots;
mod ledger;
mod merged;
mod merged_pages;
mod pages;
mod parallel;
mod profile;
mod return_keys;
mod returned_call;
mod schema;
mod sealed;
mod sealed_rows;
mod settings;
mod verify;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use crate::crypto::{
    CryptoError, DataKey, ExportIdKey, KdfParams, LedgerKey, LookupKey, Passphrase, PeriodTagKey,
    RecordKey, RecoveryKey, Salt, random_bytes,
};
use crate::model::{CallId, ValidationError};
use crate::themes::ThemeCatalogue;
use keyslots::Slot;
use schema::STORE_FORMAT;

pub use activity::{Activity, ActivityEntry};
pub use backup::{
    BACKUP_EXTENSION, BACKUP_FORMAT, BackupHeader, Restore, StagedRestore, read_header,
};
pub use calls::{ImportBatch, SavedCall};
pub use drafts::{DraftWrite, MAX_DRAFT_BYTES};
pub use keeping::{
    DEFAULT_BACKUP_WARN_DAYS, DEFAULT_KEEP_BACKUPS, Keeping, MAX_BACKUP_WARN_DAYS,
    MAX_KEEP_BACKUPS, MAX_RETENTION_MONTHS, MIN_KEEP_BACKUPS,
};
pub use merged::{
    HeldCall, HeldCalls, MergePlan, MergedCall, MergedReturn, ReturnMerge, ReturnedCall, Volunteer,
};
pub use merged_pages::{MergedPage, PagedFacts};
pub use pages::{CountedCall, Page};
pub use profile::{ProfileChange, ProfileRecord};
pub use schema::DB_FILE;
pub use sealed_rows::SealedRecords;
pub use settings::{
    DEFAULT_CALL_IDLE_LOCK_MINUTES, DEFAULT_IDLE_LOCK_MINUTES, MAX_CALL_IDLE_LOCK_MINUTES,
    MAX_IDLE_LOCK_MINUTES, MIN_IDLE_LOCK_MINUTES, Settings,
};
pub use verify::Checked;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("no Quietline store at {0}")]
    NotFound(PathBuf),
    #[error("a Quietline store already exists at {0}; nothing was changed")]
    AlreadyExists(PathBuf),
    #[error("the file in the store directory is not a Quietline store")]
    NotAStore,
    #[error(
        "wrong passphrase: the store stays locked (check Caps Lock; if the passphrase is lost, the recovery key can set a new one)"
    )]
    WrongPassphrase,
    #[error("wrong recovery key: it does not unlock this store (check each group of four)")]
    WrongRecoveryKey,
    #[error(
        "{record} is damaged or has been tampered with and cannot be read; restore the store from a backup"
    )]
    Corrupt { record: String },
    #[error(
        "this store was written by a newer version of Quietline (format {found}); update Quietline to open it"
    )]
    UnsupportedFormat { found: i64 },
    #[error("this file is not a Quietline backup")]
    NotABackup,
    #[error(
        "this backup is damaged: it is not the file Quietline wrote (try another backup; nothing was changed)"
    )]
    DamagedBackup,
    #[error(
        "this backup was made by a newer version of Quietline (format {0}); update Quietline to use it"
    )]
    NewerBackup(u32),
    #[error("this backup is of another Quietline store, not this one")]
    ForeignBackup,
    #[error(
        "{what} {problem}: part of the log was changed outside Quietline (or the disk is failing). Restore the log from a backup"
    )]
    Tampered { what: String, problem: String },
    #[error("no call with id {0}")]
    CallNotFound(CallId),
    #[error(
        "this profile's theme lists do not include the ones calls here were logged under; ask the coordinator for the helpline's current profile"
    )]
    ThemeListsDiffer,
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the store's database could not be read or written: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The environment variable that points the CLI and the app at a store
/// directory (each test uses its own).
pub const STORE_ENV: &str = "QUIETLINE_STORE";

/// Where the store lives unless [`STORE_ENV`] says otherwise: the platform's
/// per-user data directory. `None` without a home directory.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Quietline", "quietline")
        .map(|d| d.data_dir().to_path_buf())
}

/// The keys an unlocked vault holds. Dropped (and zeroed) with the vault.
struct Keys {
    data: DataKey,
    records: RecordKey,
    period_tags: PeriodTagKey,
    export_ids: ExportIdKey,
    lookup: LookupKey,
    ledger: LedgerKey,
}

impl Keys {
    fn from_data_key(data: DataKey) -> Keys {
        Keys {
            records: data.record_key(),
            period_tags: data.period_tag_key(),
            export_ids: data.export_id_key(),
            lookup: data.lookup_key(),
            ledger: data.ledger_key(),
            data,
        }
    }
}

/// An unlocked store. Locking is dropping it.
pub struct Vault {
    conn: Connection,
    dir: PathBuf,
    store_id: Vec<u8>,
    keys: Keys,
    settings: Settings,
    /// Every theme list version this store knows; calls are logged under
    /// the newest.
    themes: ThemeCatalogue,
    /// The last report page of each month this vault has written, so
    /// logging the next call into that month need not open the page again.
    page_tails: pages::WrittenTails,
    /// Whether this is the demo store (see [`Vault::is_demo`]).
    demo: bool,
    /// What to warn about from opening it (see [`Vault::opening_warning`]).
    opening_warning: Option<String>,
    /// SQLite's data version when every row was last checked against the
    /// ledger: while it stands, no other program has written since, and
    /// this vault's own writes all kept the ledger.
    checked_at_version: Option<i64>,
}

/// SQLite's data version: moves whenever another connection commits.
fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

impl Vault {
    /// Whether a store file exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        dir.join(DB_FILE).is_file()
    }

    /// Creates a new store protected by `passphrase`, and returns it unlocked
    /// with the recovery key, which the caller must show exactly once.
    pub fn create(dir: &Path, passphrase: &Passphrase) -> Result<(Vault, RecoveryKey), StoreError> {
        let conn = schema::create_file(dir)?;
        match Vault::initialise(conn, dir, passphrase) {
            Ok(created) => Ok(created),
            Err(e) => {
                // Leave no half-made store behind to be mistaken for a real one.
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
                }
                Err(e)
            }
        }
    }

    fn initialise(
        mut conn: Connection,
        dir: &Path,
        passphrase: &Passphrase,
    ) -> Result<(Vault, RecoveryKey), StoreError> {
        schema::migrate(&mut conn)?;
        ledger::watch(&conn)?;
        let store_id: [u8; 16] = random_bytes()?;
        let data_key = DataKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let params = KdfParams::DEFAULT;
        let passphrase_salt = Salt::generate()?;
        let recovery_salt = Salt::generate()?;
        let passphrase_kek = params.derive_from_passphrase(passphrase, &passphrase_salt)?;
        let recovery_kek = recovery.derive(&params, &recovery_salt)?;
        let keys = Keys::from_data_key(data_key);
        let settings = Settings::default();

        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('format', ?1), ('store_id', ?2)",
            params![STORE_FORMAT, store_id.as_slice()],
        )?;
        // A new store has no calls, so its (empty) report pages and merged
        // report pages are complete.
        tx.execute(
            "UPDATE meta SET value = 1
             WHERE name IN ('report_pages_built', 'merged_pages_built')",
            [],
        )?;
        keyslots::write(
            &tx,
            Slot::Passphrase,
            &store_id,
            &passphrase_kek,
            &passphrase_salt,
            &params,
            &keys.data,
        )?;
        keyslots::write(
            &tx,
            Slot::Recovery,
            &store_id,
            &recovery_kek,
            &recovery_salt,
            &params,
            &keys.data,
        )?;
        settings::write(&tx, &keys.records, &settings)?;
        // The activity record starts with the store: the one entry the
        // store dates itself, as making a store takes no time from above.
        activity::append(&tx, &keys.records, &Activity::Created, chrono::Utc::now())?;
        ledger::begin(&tx, &keys)?;
        ledger::commit(tx, &keys)?;

        let vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            store_id: store_id.to_vec(),
            keys,
            settings,
            themes: ThemeCatalogue::shipped(),
            page_tails: pages::WrittenTails::default(),
            demo: false,
            opening_warning: None,
            checked_at_version: None,
        };
        Ok((vault, recovery))
    }

    /// Unlocks the store in `dir`. A wrong passphrase writes nothing.
    pub fn open(dir: &Path, passphrase: &Passphrase) -> Result<Vault, StoreError> {
        let conn = schema::open_file(dir)?;
        let warning = schema::tighten_dir(dir);
        let store_id = read_store_id(&conn)?;
        let slot = keyslots::read(&conn, Slot::Passphrase)?;
        let kek = slot.params.derive_from_passphrase(passphrase, &slot.salt)?;
        let data_key = keyslots::unwrap(&slot, Slot::Passphrase, &store_id, &kek)
            .ok_or(StoreError::WrongPassphrase)?;
        let mut vault = Vault::unlocked(conn, dir, store_id, data_key)?;
        vault.opening_warning = warning;
        Ok(vault)
    }

    /// Unlocks the store with its recovery key and sets a new passphrase.
    /// A wrong recovery key writes nothing.
    pub fn recover(
        dir: &Path,
        recovery: &RecoveryKey,
        new_passphrase: &Passphrase,
    ) -> Result<Vault, StoreError> {
        let conn = schema::open_file(dir)?;
        let warning = schema::tighten_dir(dir);
        let store_id = read_store_id(&conn)?;
        let slot = keyslots::read(&conn, Slot::Recovery)?;
        let kek = recovery.derive(&slot.params, &slot.salt)?;
        let data_key = keyslots::unwrap(&slot, Slot::Recovery, &store_id, &kek)
            .ok_or(StoreError::WrongRecoveryKey)?;
        let mut vault = Vault::unlocked(conn, dir, store_id, data_key)?;
        vault.opening_warning = warning;
        vault.change_passphrase(new_passphrase)?;
        Ok(vault)
    }

    fn unlocked(
        mut conn: Connection,
        dir: &Path,
        store_id: Vec<u8>,
        data_key: DataKey,
    ) -> Result<Vault, StoreError> {
        schema::migrate(&mut conn)?;
        ledger::watch(&conn)?;
        let keys = Keys::from_data_key(data_key);
        // Before anything relies on the rows: none removed, duplicated or
        // put back since the last write.
        // Read first: a write by another program after it means checking
        // again before a merge.
        let checked_at_version = Some(data_version(&conn)?);
        ledger::check_all(&conn, &keys)?;
        let settings = settings::read(&conn, &keys.records)?;
        let themes = profile::read_themes(&conn, &keys.records)?;
        let demo = sealed::read_named::<settings::DemoRow>(&conn, &keys.records)?.unwrap_or(false);
        let mut vault = Vault {
            conn,
            dir: dir.to_path_buf(),
            store_id,
            keys,
            settings,
            themes,
            page_tails: pages::WrittenTails::default(),
            demo,
            opening_warning: None,
            checked_at_version,
        };
        vault.build_report_pages_if_missing()?;
        vault.build_merged_pages_if_missing()?;
        Ok(vault)
    }

    /// Re-wraps the data key under a new passphrase, in one transaction.
    /// No record is re-encrypted.
    pub fn change_passphrase(&mut self, new_passphrase: &Passphrase) -> Result<(), StoreError> {
        let params = KdfParams::DEFAULT;
        let salt = Salt::generate()?;
        let kek = params.derive_from_passphrase(new_passphrase, &salt)?;
        let tx = self.conn.transaction()?;
        keyslots::write(
            &tx,
            Slot::Passphrase,
            &self.store_id,
            &kek,
            &salt,
            &params,
            &self.keys.data,
        )?;
        ledger::commit(tx, &self.keys)?;
        Ok(())
    }

    /// Runs `write` in one immediate transaction and commits it with the
    /// ledger brought up to date.
    fn write_now<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let out = write(&tx)?;
        ledger::commit(tx, &self.keys)?;
        Ok(out)
    }

    /// Checks every row of the store against its ledger now (before a
    /// return or a merge relies on them); returns the ledger's generation.
    pub fn check_ledger(&self) -> Result<u64, StoreError> {
        ledger::check_all(&self.conn, &self.keys)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn themes(&self) -> &ThemeCatalogue {
        &self.themes
    }

    /// The generation new forms are opened under (see [`drafts`]).
    pub fn draft_generation(&self) -> Result<u64, StoreError> {
        drafts::generation(&self.conn)
    }

    /// Keeps the call being logged, sealed, replacing any earlier draft,
    /// unless the form it came from (opened under `form_generation`) has
    /// been saved or cleared since.
    pub fn save_draft(
        &mut self,
        form_generation: u64,
        draft: &[u8],
    ) -> Result<DraftWrite, StoreError> {
        drafts::write(&mut self.conn, &self.keys, form_generation, draft)
    }

    /// The draft kept by [`Vault::save_draft`], zeroed when dropped.
    pub fn draft(&self) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, StoreError> {
        drafts::read(&self.conn, &self.keys.records)
    }

    /// Discards the draft and closes its form: later writes from that form
    /// are dropped. Returns the generation the next form opens under.
    pub fn clear_draft(&mut self) -> Result<u64, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let next = drafts::close(&tx)?;
        ledger::commit(tx, &self.keys)?;
        Ok(next)
    }

    /// Whether `passphrase` is this store's current one, without touching
    /// the open connection (for confirming a passphrase change).
    pub fn is_current_passphrase(&self, passphrase: &Passphrase) -> Result<bool, StoreError> {
        let slot = keyslots::read(&self.conn, Slot::Passphrase)?;
        let kek = slot.params.derive_from_passphrase(passphrase, &slot.salt)?;
        Ok(keyslots::unwrap(&slot, Slot::Passphrase, &self.store_id, &kek).is_some())
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What the person opening the store should be told: its directory
    /// could be opened by other users and could not be made private. No
    /// secret is in it, only the path and the system's error.
    pub fn opening_warning(&self) -> Option<&str> {
        self.opening_warning.as_deref()
    }

    /// Whether this is the demo store of made-up calls, whose passphrase
    /// is public: what it may not do is decided above (`app::demo`).
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Marks this store as the demo store, for good.
    pub fn mark_demo(&mut self) -> Result<(), StoreError> {
        self.write_now(|c| sealed::write_named::<settings::DemoRow>(c, &self.keys.records, &true))?;
        self.demo = true;
        Ok(())
    }
}

fn read_store_id(conn: &Connection) -> Result<Vec<u8>, StoreError> {
    schema::check_format(conn)?;
    let id: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'store_id'", [], |r| {
            r.get(0)
        })
        .map_err(|_| StoreError::Corrupt {
            record: "the store's identity".into(),
        })?;
    Ok(id)
}
