//! The activity record as both front doors use it: unlocking, recovering
//! and changing the passphrase with an entry written for each, and the
//! record read back as plain-English lines for the Settings screen and
//! `quietline activity`.
//!
//! Every other use case writes its own entry where it happens (deleting a
//! call in [`super::Session`], a backup in [`super::keeping`], a merge in
//! [`super::returns`]…). An entry is written after the action it records,
//! and a failure to write it is returned as the action's error: the
//! action stands, and the volunteer is told the record could not be kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::AppError;
use super::form::shown_time;
use crate::crypto::{Passphrase, RecoveryKey};
use crate::store::{Activity, ActivityEntry, StoreError, Vault};

/// Wrong passphrases typed in this process for each store since it was
/// last unlocked. Kept only in memory: a failed unlock writes nothing.
static FAILED_UNLOCKS: Mutex<BTreeMap<PathBuf, u32>> = Mutex::new(BTreeMap::new());

fn failed_unlocks() -> std::sync::MutexGuard<'static, BTreeMap<PathBuf, u32>> {
    // A panic elsewhere while counting leaves a count that is still right.
    FAILED_UNLOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Unlocks the store in `dir` and records the unlock with the number of
/// wrong passphrases typed before it in this process. A wrong passphrase
/// is counted here and writes nothing to the store.
pub fn unlock(
    dir: &Path,
    passphrase: &Passphrase,
    now: DateTime<Utc>,
) -> Result<Vault, StoreError> {
    match Vault::open(dir, passphrase) {
        Err(StoreError::WrongPassphrase) => {
            *failed_unlocks().entry(dir.to_path_buf()).or_default() += 1;
            Err(StoreError::WrongPassphrase)
        }
        Err(e) => Err(e),
        Ok(mut vault) => {
            let failed_attempts = failed_unlocks().remove(dir).unwrap_or(0);
            vault.record_activity(&Activity::Unlocked { failed_attempts }, now)?;
            Ok(vault)
        }
    }
}

/// Sets a new passphrase with the recovery key, unlocks, and records it.
pub fn recover(
    dir: &Path,
    recovery: &RecoveryKey,
    new_passphrase: &Passphrase,
    now: DateTime<Utc>,
) -> Result<Vault, StoreError> {
    let mut vault = Vault::recover(dir, recovery, new_passphrase)?;
    failed_unlocks().remove(dir);
    vault.record_activity(&Activity::RecoveryKeyUsed, now)?;
    Ok(vault)
}

/// Re-wraps the store's key under a new passphrase, and records it.
pub fn change_passphrase(
    vault: &mut Vault,
    new_passphrase: &Passphrase,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    vault.change_passphrase(new_passphrase)?;
    vault.record_activity(&Activity::PassphraseChanged, now)?;
    Ok(())
}

/// One entry of the activity record as the app and `quietline activity
/// --format json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ActivityRow {
    /// 1 for the first entry, then one more for each.
    #[cfg_attr(test, ts(type = "number"))]
    pub sequence: u64,
    /// When, in the helpline's time zone: "Tue 8 Dec 2026 14:05".
    pub at: String,
    /// The same moment as an RFC 3339 UTC time, for machines.
    pub at_utc: String,
    /// What kind of thing was done: "unlocked", "call_deleted"…
    pub kind: String,
    /// "Unlocked after 2 failed attempts."
    pub description: String,
}

/// The record, oldest first, with the chain checked from its first entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ActivityList {
    /// Entries on or after the day asked for (all of them if none).
    pub entries: Vec<ActivityRow>,
    /// Every entry in the record, shown or not.
    pub total: u32,
}

/// The activity record from `since` (a day in the helpline's time zone)
/// on, oldest first. A broken chain is an error naming the entry.
pub fn list(vault: &Vault, since: Option<NaiveDate>) -> Result<ActivityList, AppError> {
    Ok(list_of(
        &vault.activity()?,
        vault.settings().time_zone,
        since,
    ))
}

fn list_of(entries: &[ActivityEntry], tz: Tz, since: Option<NaiveDate>) -> ActivityList {
    ActivityList {
        entries: entries
            .iter()
            .filter(|e| since.is_none_or(|day| e.at.with_timezone(&tz).date_naive() >= day))
            .map(|e| row(e, tz))
            .collect(),
        total: u32::try_from(entries.len()).unwrap_or(u32::MAX),
    }
}

fn row(entry: &ActivityEntry, tz: Tz) -> ActivityRow {
    ActivityRow {
        sequence: entry.sequence,
        at: shown_time(entry.at, tz),
        at_utc: entry.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        kind: kind(&entry.activity),
        description: describe(&entry.activity),
    }
}

/// The entry's kind as its stored tag.
fn kind(activity: &Activity) -> String {
    serde_json::to_value(activity)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// A call's id as the record shows it: its first eight characters, enough
/// to find it in the list.
fn short(id: &str) -> String {
    match id.get(..8) {
        Some(start) if id.len() > 8 => format!("{start}…"),
        _ => id.to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What an entry says, in a sentence.
pub fn describe(activity: &Activity) -> String {
    match activity {
        Activity::Created => "Made this call log.".into(),
        Activity::Unlocked { failed_attempts: 0 } => "Unlocked.".into(),
        Activity::Unlocked { failed_attempts } => format!(
            "Unlocked after {}.",
            plural(
                u64::from(*failed_attempts),
                "failed attempt",
                "failed attempts"
            )
        ),
        Activity::RecoveryKeyUsed => {
            "Unlocked with the recovery key and set a new passphrase.".into()
        }
        Activity::PassphraseChanged => "Changed the passphrase.".into(),
        Activity::CallEdited { call } => format!("Edited call {}", short(call)),
        Activity::CallDeleted { call } => format!("Deleted call {}", short(call)),
        Activity::ReportWritten { path, period } => {
            format!("Wrote the {period} report to {path}.")
        }
        Activity::ReturnWritten { path, period } => {
            format!("Wrote the return for {period} to {path}.")
        }
        Activity::ReturnMerged { return_id, signer } => {
            format!("Merged return {return_id} from the volunteer with check code {signer}.")
        }
        Activity::ReturnRefused {
            file,
            signer,
            reason,
        } => {
            let from = if signer.is_empty() {
                String::new()
            } else {
                format!(" from check code {signer}")
            };
            format!("Refused the return {file}{from}: {reason}")
        }
        Activity::VolunteerTrusted { signer } => {
            format!("Trusted the volunteer with check code {signer}.")
        }
        Activity::VolunteerRevoked { signer } => format!(
            "Revoked the volunteer with check code {signer}: their returns are refused from now on."
        ),
        Activity::VolunteerPurged { signer, calls } => format!(
            "Removed {} merged from the revoked volunteer with check code {signer}.",
            plural(*calls, "call", "calls")
        ),
        Activity::BackupMade { path } => format!("Backed up to {path}."),
        Activity::Restored { from } => format!("Restored this call log from the backup {from}."),
        Activity::RetentionSet { months: 0 } => "Turned the retention policy off.".into(),
        Activity::RetentionSet { months } => format!(
            "Set the retention policy: notes are shredded {} after a call.",
            plural(u64::from(*months), "month", "months")
        ),
        Activity::Shredded { calls } => format!(
            "Shredded the notes of {} under the retention policy.",
            plural(u64::from(*calls), "call", "calls")
        ),
        Activity::HoldPlaced { call } => format!("Put call {} on legal hold.", short(call)),
        Activity::HoldReleased { call } => {
            format!("Released the legal hold on call {}.", short(call))
        }
        Activity::ProfileImported {
            path,
            version,
            signer,
        } => format!(
            "Imported version {version} of the helpline profile (check code {signer}) from {path}."
        ),
        Activity::ProfileExported { path, version } => {
            format!("Exported version {version} of the helpline profile to {path}.")
        }
        Activity::ThemeListPublished { version } => {
            format!("Published version {version} of the theme list.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_reads_as_a_sentence() {
        assert_eq!(
            describe(&Activity::Unlocked { failed_attempts: 2 }),
            "Unlocked after 2 failed attempts."
        );
        assert_eq!(
            describe(&Activity::Unlocked { failed_attempts: 1 }),
            "Unlocked after 1 failed attempt."
        );
        assert_eq!(
            describe(&Activity::CallDeleted {
                call: "3f2a9c41-0000-4000-8000-000000000000".into()
            }),
            "Deleted call 3f2a9c41…"
        );
        assert_eq!(
            describe(&Activity::ReportWritten {
                path: "/home/v/report.html".into(),
                period: "2024/25".into()
            }),
            "Wrote the 2024/25 report to /home/v/report.html."
        );
        assert_eq!(kind(&Activity::Shredded { calls: 3 }), "shredded");
    }

    /// The Activity list in Settings as the library answers it, for the
    /// browser tests' stand-in backend: the whole record, the record since
    /// 1 Dec 2026, and the refusal when the chain is broken. Regenerated by
    /// `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_activity_for_the_browser_tests() {
        use chrono::TimeZone;
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
        let dec = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        let call = "3f2a9c41-5be0-4d5e-9a43-1c0f6e8b2d17".to_string();
        let signer = "K7QF-2M9D-XR4T-8BWA".to_string();
        let entries: Vec<ActivityEntry> = [
            (at(2, 9, 0), Activity::Created),
            (at(28, 8, 58), Activity::Unlocked { failed_attempts: 2 }),
            (at(28, 9, 5), Activity::CallDeleted { call: call.clone() }),
            (
                at(28, 9, 30),
                Activity::ReportWritten {
                    path: "/home/robin/Documents/quietline-report-2025-26.html".into(),
                    period: "2025/26".into(),
                },
            ),
            (
                at(30, 17, 0),
                Activity::BackupMade {
                    path: "/media/usb/Quietline/quietline-backup-2026-11-30-170000.qlbackup".into(),
                },
            ),
            (dec(1, 8, 45), Activity::Unlocked { failed_attempts: 0 }),
            (
                dec(1, 8, 50),
                Activity::ReturnMerged {
                    return_id: "r-2025-26-1".into(),
                    signer,
                },
            ),
            (dec(1, 8, 55), Activity::HoldPlaced { call }),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (at, activity))| ActivityEntry {
            sequence: i as u64 + 1,
            at,
            activity,
        })
        .collect();
        let tz: Tz = "Europe/London".parse().unwrap();
        let since = NaiveDate::from_ymd_opt(2026, 12, 1);
        let damaged = AppError::from(StoreError::Corrupt {
            record: "entry 3 of the activity record".into(),
        });
        let fixture = serde_json::json!({
            "all": list_of(&entries, tz, None),
            "since": { "2026-12-01": list_of(&entries, tz, since) },
            "refusals": { "damaged": damaged },
        });
        assert_eq!(
            fixture["all"]["entries"][1]["description"],
            "Unlocked after 2 failed attempts."
        );
        let mut json = serde_json::to_string_pretty(&fixture).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/activity.json");
        std::fs::write(path, json).unwrap();
    }
}
