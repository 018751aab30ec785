//! What a store keeps of the helpline profile: every theme list version it
//! knows (read at unlock, since each call names the version it was logged
//! under) and the profile record (the coordinator's pinned signing key, the
//! last profile file applied or exported, and what a coordinator authors).
//!
//! Both are sealed rows of the settings table. The store never reads the
//! profile file itself: checking a signature and a profile's rules is the
//! profile format's business, above the store.

use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::sealed::{self, NamedRow, SealedTable};
use super::settings::{self, Settings};
use super::{StoreError, Vault};
use crate::crypto::RecordKey;
use crate::themes::{ThemeCatalogue, ThemeList};

/// The profile as this store holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// The coordinator's signing key (Ed25519 public key), pinned once the
    /// volunteer confirmed its fingerprint. Later profiles must be signed
    /// by it.
    #[serde(default)]
    pub pinned_signer: Option<[u8; 32]>,
    /// The last profile file applied here (a volunteer's) or exported from
    /// here (a coordinator's), exactly as signed.
    #[serde(default)]
    pub file: Option<Vec<u8>>,
    /// The profile version of `file`; 0 before any.
    #[serde(default)]
    pub version: u64,
    /// The helpline's name as the coordinator gives it.
    #[serde(default)]
    pub helpline: String,
    /// The smallest count a published report shows (the default on the
    /// report screen), from the profile.
    #[serde(default)]
    pub suppress_below: Option<u32>,
}

pub(super) struct ThemesRow;

impl SealedTable for ThemesRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    type Value = Vec<ThemeList>;

    fn encode(value: &Vec<ThemeList>) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Vec<ThemeList>> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "the theme lists".into()
    }
}

impl NamedRow for ThemesRow {
    const NAME: &'static str = "themes";
}

pub(super) struct ProfileRow;

impl SealedTable for ProfileRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    type Value = ProfileRecord;

    fn encode(value: &ProfileRecord) -> Option<Vec<u8>> {
        serde_json::to_vec(value).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<ProfileRecord> {
        serde_json::from_slice(plain).ok()
    }

    fn describe(_: &[u8]) -> String {
        "the helpline profile".into()
    }
}

impl NamedRow for ProfileRow {
    const NAME: &'static str = "profile";
}

/// The theme lists a store knows: version 1 alone until a profile or the
/// coordinator's editor adds more.
pub(super) fn read_themes(
    conn: &Connection,
    key: &RecordKey,
) -> Result<ThemeCatalogue, StoreError> {
    match sealed::read_named::<ThemesRow>(conn, key)? {
        None => Ok(ThemeCatalogue::shipped()),
        Some(lists) => ThemeCatalogue::new(lists).map_err(|_| StoreError::Corrupt {
            record: "the theme lists".into(),
        }),
    }
}

/// What applying a profile changes, all in one transaction.
#[derive(Debug, Clone)]
pub struct ProfileChange {
    pub themes: ThemeCatalogue,
    pub settings: Settings,
    pub record: ProfileRecord,
}

impl Vault {
    /// The profile record; the default (nothing pinned) before any.
    pub fn profile_record(&self) -> Result<ProfileRecord, StoreError> {
        Ok(sealed::read_named::<ProfileRow>(&self.conn, &self.keys.records)?.unwrap_or_default())
    }

    /// Keeps the profile record alone (a coordinator's authoring, a pin).
    pub fn write_profile_record(&mut self, record: &ProfileRecord) -> Result<(), StoreError> {
        self.write_now(|c| sealed::write_named::<ProfileRow>(c, &self.keys.records, record))
    }

    /// Applies a profile: the theme lists, the settings it carries and the
    /// record, together or not at all. The theme lists may only grow: every
    /// version this store knows must be in `change.themes` unchanged, since
    /// its calls name them.
    pub fn apply_profile(&mut self, change: ProfileChange) -> Result<(), StoreError> {
        let known = self.themes.versions();
        let kept = change.themes.versions();
        if kept.len() < known.len() || kept[..known.len()] != *known {
            return Err(StoreError::ThemeListsDiffer);
        }
        change.settings.validate()?;
        // A new time zone files every call again under its local month, in
        // the same transaction as the rest.
        let calls = self.calls_to_refile(&change.settings)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        sealed::write_named::<ThemesRow>(&tx, &self.keys.records, &kept.to_vec())?;
        sealed::write_named::<ProfileRow>(&tx, &self.keys.records, &change.record)?;
        settings::write(&tx, &self.keys.records, &change.settings)?;
        super::calls::refile(&tx, &self.keys, &change.settings, &change.themes, &calls)?;
        super::ledger::commit(tx, &self.keys)?;
        self.themes = change.themes;
        self.settings = change.settings;
        Ok(())
    }
}
