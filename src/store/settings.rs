//! The volunteer's settings, sealed like everything else: the display name
//! is personal, and the time zone hints at where the volunteer is.

use chrono_tz::Tz;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::sealed::{self, NamedRow, SealedTable};
use crate::crypto::RecordKey;
use crate::model::{Field, MAX_STEP_CHARS, ValidationError};
use crate::period::DEFAULT_TIME_ZONE;
use crate::safeguarding::{Signpost, default_directory};

/// Minutes without a key press or click before the app locks itself.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 5;
/// Shortest idle time a volunteer may choose, during a call or not.
pub const MIN_IDLE_LOCK_MINUTES: u32 = 1;
/// Longest idle time a volunteer may choose: an unattended unlocked laptop
/// is the risk the lock exists for.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 60;
/// Minutes without a key press before the app locks while the call timer
/// runs: calls are mostly listening, so the ordinary idle time would lock
/// the app in the middle of one.
pub const DEFAULT_CALL_IDLE_LOCK_MINUTES: u32 = 60;
/// Longest idle time during a call a volunteer may choose.
pub const MAX_CALL_IDLE_LOCK_MINUTES: u32 = 180;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The helpline's time zone: periods and local months are counted in it.
    pub time_zone: Tz,
    /// Recorded as "logged by" on each call.
    pub display_name: String,
    /// The app locks after this many idle minutes (1 to [`MAX_IDLE_LOCK_MINUTES`]).
    pub idle_lock_minutes: u32,
    /// The same while the call timer runs (1 to [`MAX_CALL_IDLE_LOCK_MINUTES`]).
    pub call_idle_lock_minutes: u32,
    /// The signposting directory offered on high-risk calls.
    pub signposting: Vec<Signpost>,
    /// The coordinator's public key (`age1…`) that returns are encrypted to.
    pub coordinator_key: Option<String>,
    /// Whether the app asks the helpline's update server for a newer
    /// Quietline after unlocking. Off until the volunteer turns it on: a
    /// check tells that server this laptop runs Quietline.
    pub check_for_updates: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_zone: DEFAULT_TIME_ZONE,
            display_name: String::new(),
            idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
            call_idle_lock_minutes: DEFAULT_CALL_IDLE_LOCK_MINUTES,
            signposting: default_directory(),
            coordinator_key: None,
            check_for_updates: false,
        }
    }
}

/// Fields added after the first release default when absent, so settings
/// sealed by an older Quietline still open.
#[derive(Serialize, Deserialize)]
struct SealedSettingsV1 {
    time_zone: String,
    display_name: String,
    #[serde(default = "default_idle_lock_minutes")]
    idle_lock_minutes: u32,
    #[serde(default = "default_call_idle_lock_minutes")]
    call_idle_lock_minutes: u32,
    #[serde(default = "default_directory")]
    signposting: Vec<Signpost>,
    #[serde(default)]
    coordinator_key: Option<String>,
    /// Whether the store keeps a ledger (see `ledger.rs`): always true
    /// when sealed by this version, so a ledger removed later is noticed
    /// rather than begun again.
    #[serde(default)]
    ledger: bool,
    #[serde(default)]
    check_for_updates: bool,
}

fn default_idle_lock_minutes() -> u32 {
    DEFAULT_IDLE_LOCK_MINUTES
}

fn default_call_idle_lock_minutes() -> u32 {
    DEFAULT_CALL_IDLE_LOCK_MINUTES
}

/// The settings, sealed as the row named `settings` of the settings table.
pub(super) struct SettingsRow;

impl SealedTable for SettingsRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const PADDED: bool = true;
    type Value = Settings;

    fn encode(settings: &Settings) -> Option<Vec<u8>> {
        serde_json::to_vec(&SealedSettingsV1 {
            time_zone: settings.time_zone.name().to_string(),
            display_name: settings.display_name.clone(),
            idle_lock_minutes: settings.idle_lock_minutes,
            call_idle_lock_minutes: settings.call_idle_lock_minutes,
            signposting: settings.signposting.clone(),
            coordinator_key: settings.coordinator_key.clone(),
            ledger: true,
            check_for_updates: settings.check_for_updates,
        })
        .ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Settings> {
        let stored: SealedSettingsV1 = serde_json::from_slice(plain).ok()?;
        Some(Settings {
            time_zone: stored.time_zone.parse().ok()?,
            display_name: stored.display_name,
            idle_lock_minutes: stored.idle_lock_minutes,
            call_idle_lock_minutes: stored.call_idle_lock_minutes,
            signposting: stored.signposting,
            coordinator_key: stored.coordinator_key,
            check_for_updates: stored.check_for_updates,
        })
    }

    fn describe(_: &[u8]) -> String {
        "the settings".into()
    }
}

impl NamedRow for SettingsRow {
    const NAME: &'static str = "settings";
}

/// The mark of the demo store, written when it is made: every door that
/// opens the store (the app, the CLI) reads it, so the demo cannot pass
/// for a real call log by being opened another way. Sealed and bound to
/// its name like every other row.
pub(super) struct DemoRow;

impl SealedTable for DemoRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "demo";
    type Value = bool;

    fn encode(demo: &bool) -> Option<Vec<u8>> {
        Some(vec![u8::from(*demo)])
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<bool> {
        match plain {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }

    fn describe(_: &[u8]) -> String {
        "the demo mark".into()
    }
}

impl NamedRow for DemoRow {
    const NAME: &'static str = "demo";
}

pub fn write(conn: &Connection, key: &RecordKey, settings: &Settings) -> Result<(), StoreError> {
    sealed::write_named::<SettingsRow>(conn, key, settings)
}

impl Settings {
    /// Checks the settings a volunteer can edit, with reasons they can act on.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(MIN_IDLE_LOCK_MINUTES..=MAX_IDLE_LOCK_MINUTES).contains(&self.idle_lock_minutes) {
            return Err(ValidationError::new(
                Field::IdleLock,
                format!(
                    "choose between {MIN_IDLE_LOCK_MINUTES} and {MAX_IDLE_LOCK_MINUTES} minutes"
                ),
            ));
        }
        if !(MIN_IDLE_LOCK_MINUTES..=MAX_CALL_IDLE_LOCK_MINUTES)
            .contains(&self.call_idle_lock_minutes)
        {
            return Err(ValidationError::new(
                Field::CallIdleLock,
                format!(
                    "choose between {MIN_IDLE_LOCK_MINUTES} and {MAX_CALL_IDLE_LOCK_MINUTES} minutes"
                ),
            ));
        }
        if self.display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
            return Err(ValidationError::new(
                Field::DisplayName,
                format!("keep it to {MAX_DISPLAY_NAME_CHARS} characters"),
            ));
        }
        if self
            .display_name
            .chars()
            .any(crate::model::is_hidden_character)
        {
            return Err(ValidationError::new(
                Field::DisplayName,
                crate::model::HIDDEN_CHARACTER_REASON,
            ));
        }
        if self.signposting.len() > MAX_SIGNPOSTS {
            return Err(ValidationError::new(
                Field::Signposting,
                format!("the directory holds at most {MAX_SIGNPOSTS} entries"),
            ));
        }
        if let Some(entry) = self.signposting.iter().find(|s| s.name.trim().is_empty()) {
            return Err(ValidationError::new(
                Field::Signposting,
                format!("the entry with contact '{}' needs a name", entry.contact),
            ));
        }
        if self
            .signposting
            .iter()
            .any(|s| s.display().chars().count() > MAX_STEP_CHARS - 20)
        {
            return Err(ValidationError::new(
                Field::Signposting,
                "an entry is too long; keep the name and contact short",
            ));
        }
        if let Some(key) = &self.coordinator_key {
            key.parse::<crate::crypto::CoordinatorKey>()
                .map_err(|e| ValidationError::new(Field::CoordinatorKey, e.to_string()))?;
        }
        Ok(())
    }
}

const MAX_DISPLAY_NAME_CHARS: usize = 80;
const MAX_SIGNPOSTS: usize = 30;

/// The settings. Every store has them from the moment it is made, so a
/// store without them has lost a record.
pub fn read(conn: &Connection, key: &RecordKey) -> Result<Settings, StoreError> {
    sealed::read_named::<SettingsRow>(conn, key)?.ok_or_else(|| StoreError::Corrupt {
        record: SettingsRow::describe(b""),
    })
}

/// The same row, read only for whether the store keeps a ledger.
struct LedgerMark;

impl SealedTable for LedgerMark {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    type Value = bool;

    fn encode(_: &bool) -> Option<Vec<u8>> {
        None
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<bool> {
        Some(
            serde_json::from_slice::<SealedSettingsV1>(plain)
                .ok()?
                .ledger,
        )
    }

    fn describe(id: &[u8]) -> String {
        SettingsRow::describe(id)
    }
}

impl NamedRow for LedgerMark {
    const NAME: &'static str = SettingsRow::NAME;
}

/// Whether the settings say this store keeps a ledger.
pub fn ledger_kept(conn: &Connection, key: &RecordKey) -> Result<bool, StoreError> {
    Ok(sealed::read_named::<LedgerMark>(conn, key)?.unwrap_or(false))
}
