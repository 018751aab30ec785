//! The volunteer's settings, sealed like everything else: the display name
//! is personal, and the time zone hints at where the volunteer is.

use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::schema::SCHEMA_VERSION;
use crate::crypto::{self, RecordAad, RecordKey};
use crate::period::DEFAULT_TIME_ZONE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The helpline's time zone: periods and local months are counted in it.
    pub time_zone: Tz,
    /// Recorded as "logged by" on each call.
    pub display_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_zone: DEFAULT_TIME_ZONE,
            display_name: String::new(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct SealedSettingsV1 {
    time_zone: String,
    display_name: String,
}

const ROW: &str = "settings";

fn aad() -> RecordAad<'static> {
    RecordAad {
        table: "settings",
        record_id: ROW.as_bytes(),
        schema_version: SCHEMA_VERSION,
        bound_column: b"",
    }
}

pub fn write(conn: &Connection, key: &RecordKey, settings: &Settings) -> Result<(), StoreError> {
    let plain = serde_json::to_vec(&SealedSettingsV1 {
        time_zone: settings.time_zone.name().to_string(),
        display_name: settings.display_name.clone(),
    })
    .map_err(|_| damaged())?;
    let sealed = crypto::seal(key, &aad(), &plain)?;
    conn.execute(
        "INSERT INTO settings (name, version, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, sealed = excluded.sealed",
        params![ROW, SCHEMA_VERSION, sealed],
    )?;
    Ok(())
}

fn damaged() -> StoreError {
    StoreError::Corrupt {
        record: "the settings".into(),
    }
}

pub fn read(conn: &Connection, key: &RecordKey) -> Result<Settings, StoreError> {
    let row: Option<(u32, Vec<u8>)> = conn
        .query_row(
            "SELECT version, sealed FROM settings WHERE name = ?1",
            params![ROW],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((version, sealed)) = row else {
        return Ok(Settings::default());
    };
    if version != SCHEMA_VERSION {
        return Err(StoreError::UnsupportedFormat {
            found: i64::from(version),
        });
    }
    let plain = crypto::open(key, &aad(), &sealed).map_err(|_| damaged())?;
    let stored: SealedSettingsV1 = serde_json::from_slice(&plain).map_err(|_| damaged())?;
    Ok(Settings {
        time_zone: stored.time_zone.parse().map_err(|_| damaged())?,
        display_name: stored.display_name,
    })
}
