//! The Returns screen: a volunteer makes a return for their coordinator; a
//! coordinator shows their key, checks and merges returns, and manages the
//! volunteers they trust.
//!
//! Files are named by path and read and written here, so return bytes
//! (which are ciphertext) never cross into the web view.
//!
//! The CLI's `merge` and `volunteers` call the same use cases
//! ([`merge_files`], [`volunteers_with_calls`]) and only word and print
//! what they return.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::demo::{DemoAction, refuse_in_demo};
use super::error::{AppError, ErrorCode, capitalised};
use super::files::{Saving, save_new_file};
use super::report::{default_export_folder, export_target};
use crate::model::Field;
use crate::returns::{
    self, CheckedReturn, CoordinatorKey, Merged, ReturnError, SignerStatus, coordinator_key,
    merge_checked, read_return_file,
};
use crate::store::{Activity, StoreError, Vault, Volunteer};

/// What the Returns screen shows before anything is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReturnsOverview {
    /// The name returns show the coordinator; empty until set in Settings.
    pub display_name: String,
    /// This store's signing fingerprint, for the coordinator to check.
    pub fingerprint: String,
    /// The coordinator key saved in Settings (`age1…`), or empty.
    pub coordinator_key: String,
    /// Its fingerprint, or empty.
    pub coordinator_key_fingerprint: String,
    /// This store's own coordinator key, when it is a coordinator's.
    pub own_coordinator_key: Option<String>,
    /// Its fingerprint, to read to volunteers by phone.
    pub own_coordinator_key_fingerprint: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub returns_made: u64,
    /// Where saving suggests first.
    pub default_folder: String,
    /// The academic year a return is most likely for: the one now ending
    /// or just ended.
    pub suggested_year: i32,
}

/// A volunteer's request for a return.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReturnRequest {
    /// The calendar year, or the year an academic year starts in.
    pub year: i32,
    pub academic: bool,
    /// A folder (the suggested name is used) or a full file name.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReturnMade {
    pub path: String,
    /// "2024/25".
    pub period: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub calls: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub deleted: u64,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ReturnFileState {
    /// From a trusted volunteer: merging will apply it.
    Ready,
    /// From someone not trusted yet: the coordinator must confirm the
    /// fingerprint with them first.
    NewVolunteer,
    /// Merged before; merging again changes nothing.
    AlreadyMerged,
    /// Cannot be merged; `problem` says why.
    Refused,
}

/// One chosen file, checked (decrypted and verified) but not merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReturnFile {
    pub path: String,
    pub file_name: String,
    pub state: ReturnFileState,
    /// The remaining fields are empty when the file was refused.
    pub volunteer: String,
    pub fingerprint: String,
    pub period: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub calls: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub deleted: u64,
    /// "3 Sep 2025".
    pub made_on: String,
    /// Why the file cannot be merged, in words to act on.
    pub problem: String,
    /// For a new volunteer: why to be careful before trusting them (their
    /// name is that of a volunteer already trusted), or empty.
    pub warning: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct MergeRequest {
    pub paths: Vec<String>,
    /// Fingerprints of new volunteers the coordinator has confirmed.
    pub trust: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum MergeState {
    Merged,
    AlreadyMerged,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct MergeResult {
    pub path: String,
    pub file_name: String,
    pub state: MergeState,
    /// "312 calls from Alex for 2024/25: 310 new, 2 updated, 1 erased."
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct YearCount {
    /// An academic year, "2024/25".
    pub label: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub calls: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct VolunteerRow {
    pub name: String,
    pub fingerprint: String,
    pub trusted_on: String,
    /// Set once the volunteer's key is revoked: their returns are refused.
    pub revoked_on: Option<String>,
    pub last_return_on: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub returns_merged: u64,
    /// Merged calls by academic year, oldest first.
    pub calls_by_year: Vec<YearCount>,
}

impl From<ReturnError> for AppError {
    fn from(e: ReturnError) -> AppError {
        match e {
            ReturnError::Store(e) => e.into(),
            ReturnError::NoCoordinatorKey => AppError::invalid(
                Field::CoordinatorKey,
                "Save your coordinator's key in Settings first: it starts age1, and your coordinator can copy it from their Returns screen.",
            ),
            ReturnError::NoDisplayName => AppError::invalid(
                Field::DisplayName,
                "Set a display name in Settings first: your coordinator sees it beside your fingerprint.",
            ),
            e @ (ReturnError::BadCoordinatorKey(_) | ReturnError::TestCoordinatorKey) => {
                AppError::invalid(Field::CoordinatorKey, capitalised(&e.to_string()))
            }
            e @ ReturnError::Exists(_) => {
                AppError::invalid(Field::Path, capitalised(&e.to_string()))
            }
            ReturnError::NotCoordinator => AppError::new(
                ErrorCode::Failed,
                "This store has no coordinator key yet, so it cannot open returns. Choose “Become the coordinator” first.",
            ),
            ReturnError::UnknownSigner { name, fingerprint } => AppError::new(
                ErrorCode::Failed,
                format!(
                    "Signed by “{name}” (fingerprint {fingerprint}), who is not trusted yet. \
                     Check the fingerprint with them, then tick to trust them."
                ),
            ),
            e @ ReturnError::Io { .. } => AppError {
                detail: Some(e.to_string()),
                ..AppError::new(
                    ErrorCode::Failed,
                    "The file could not be read or written. Check the folder exists and you can use it.",
                )
            },
            e => AppError::new(ErrorCode::Failed, capitalised(&e.to_string())),
        }
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// The academic year in progress or just ended: the one a coordinator
/// usually collects returns for.
fn suggested_year(today: NaiveDate) -> i32 {
    if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    }
}

pub(super) fn overview(vault: &mut Vault, now: DateTime<Utc>) -> Result<ReturnsOverview, AppError> {
    let fingerprint = vault.volunteer_key()?.signer().fingerprint().to_string();
    let own_key = vault.coordinator_identity()?.map(|identity| identity.key());
    let settings = vault.settings();
    let coordinator_key_fingerprint =
        super::profile::shown_key_fingerprint(settings.coordinator_key.as_deref());
    Ok(ReturnsOverview {
        display_name: settings.display_name.clone(),
        fingerprint,
        coordinator_key: settings.coordinator_key.clone().unwrap_or_default(),
        coordinator_key_fingerprint,
        own_coordinator_key: own_key.as_ref().map(|k| k.to_string()),
        own_coordinator_key_fingerprint: own_key.map(|k| k.fingerprint().to_string()),
        returns_made: vault.returns_made()?,
        default_folder: default_export_folder(),
        suggested_year: suggested_year(now.date_naive()),
    })
}

pub(super) fn create(
    vault: &mut Vault,
    request: &ReturnRequest,
    now: DateTime<Utc>,
) -> Result<ReturnMade, AppError> {
    let period = super::period_of(request.year, request.academic)
        .map_err(|e| AppError::invalid(Field::Year, capitalised(&e.to_string())))?;
    refuse_in_demo(vault, DemoAction::MakeReturn)?;
    let to = coordinator_key(vault, None)?;
    let stem = format!("quietline-return-{}", period.label().replace('/', "-"));
    let target = export_target(&request.path, &stem, "qlreturn")?;
    let made = returns::make_return(vault, period, &to, now.date_naive())?;
    let written = save_new_file(&target, &made.bytes, Saving::Return)?;
    let path = written.display().to_string();
    vault.record_activity(
        &Activity::ReturnWritten {
            path: path.clone(),
            period: period.label(),
        },
        now,
    )?;
    Ok(ReturnMade {
        path,
        period: period.label(),
        calls: made.calls as u64,
        deleted: made.deleted as u64,
        fingerprint: made.fingerprint.to_string(),
    })
}

/// Makes this store the coordinator's (see
/// [`Vault::create_coordinator_identity`]); never the demo log. The flag
/// says whether the key was made now.
pub fn become_coordinator(vault: &mut Vault) -> Result<(CoordinatorKey, bool), AppError> {
    refuse_in_demo(vault, DemoAction::BecomeCoordinator)?;
    Ok(vault.create_coordinator_identity()?)
}

/// Refuses before any file is read when this store cannot open returns,
/// so the coordinator hears it once rather than once per file.
fn require_coordinator(vault: &Vault) -> Result<(), ReturnError> {
    match vault.coordinator_identity()? {
        Some(_) => Ok(()),
        None => Err(ReturnError::NotCoordinator),
    }
}

fn check_file(vault: &Vault, path: &Path) -> Result<CheckedReturn, ReturnError> {
    let bytes = read_return_file(path)?;
    returns::check_return(vault, &bytes)
}

pub(super) fn check_files(vault: &Vault, paths: &[String]) -> Result<Vec<ReturnFile>, AppError> {
    refuse_in_demo(vault, DemoAction::MergeReturns)?;
    require_coordinator(vault)?;
    paths
        .iter()
        .map(|path| {
            let mut shown = ReturnFile {
                path: path.clone(),
                file_name: file_name(path),
                state: ReturnFileState::Refused,
                volunteer: String::new(),
                fingerprint: String::new(),
                period: String::new(),
                calls: 0,
                deleted: 0,
                made_on: String::new(),
                problem: String::new(),
                warning: String::new(),
            };
            let checked = match check_file(vault, Path::new(path.trim())) {
                Ok(checked) => checked,
                Err(ReturnError::Store(e)) => return Err(e.into()),
                Err(e) => {
                    shown.problem = AppError::from(e).message;
                    return Ok(shown);
                }
            };
            let payload = &checked.signed.payload;
            shown.volunteer = payload.volunteer.clone();
            shown.fingerprint = checked.fingerprint.to_string();
            shown.period = checked.period().map(|p| p.label()).unwrap_or_default();
            shown.calls = payload.calls.len() as u64;
            shown.deleted = payload.deleted.len() as u64;
            shown.made_on = payload.made_on().map(day).unwrap_or_default();
            shown.state = match &checked.status {
                SignerStatus::Revoked(v) => {
                    shown.problem = format!(
                        "{}’s key was revoked on {}, so their returns are refused.",
                        v.name,
                        v.revoked_on.map(day).unwrap_or_default()
                    );
                    ReturnFileState::Refused
                }
                _ if vault.return_merged(&checked.signed.signer, &payload.return_id)? => {
                    ReturnFileState::AlreadyMerged
                }
                SignerStatus::Trusted(_) => ReturnFileState::Ready,
                SignerStatus::Unknown => {
                    shown.warning = same_name_warning(vault, &checked)?.unwrap_or_default();
                    ReturnFileState::NewVolunteer
                }
            };
            Ok(shown)
        })
        .collect()
}

/// One return file merged: who it was from, for which period, and what
/// merging it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnMerged {
    pub volunteer: String,
    pub fingerprint: String,
    /// "2024/25"; empty if the return names no period this version knows.
    pub period: String,
    pub merged: Merged,
    /// Set when this merge trusted a new volunteer whose name is that of a
    /// volunteer already trusted: the coordinator should hear it again.
    pub warning: Option<String>,
}

/// When a return comes from someone not trusted yet whose display name is
/// (ignoring case and spacing) that of a volunteer already trusted under
/// another key, what to tell the coordinator before they trust them.
pub fn same_name_warning(
    vault: &Vault,
    checked: &CheckedReturn,
) -> Result<Option<String>, StoreError> {
    if !matches!(checked.status, SignerStatus::Unknown) {
        return Ok(None);
    }
    let name = &checked.signed.payload.volunteer;
    let key = crate::model::display_name_key(name);
    let twin = vault.volunteers()?.into_iter().find(|v| {
        v.revoked_on.is_none()
            && v.signer() != Some(checked.signed.signer)
            && crate::model::display_name_key(&v.name) == key
    });
    Ok(twin.map(|v| {
        format!(
            "Careful: you already trust a volunteer called “{}” (fingerprint {}), and this \
             return is signed with a different key. Someone may be using their name. Ring \
             the volunteer you know and check this fingerprint with them before trusting it.",
            v.name,
            v.fingerprint()
        )
    }))
}

/// Checks every file first, then merges each in its own transaction, in
/// order, and hands each outcome to `each` with the file's index as soon
/// as it is known: a refused file does not stop the others.
///
/// A volunteer not trusted yet is trusted when their fingerprint is among
/// `trusted` (the ones the coordinator confirmed) or, failing that, when
/// `ask` says so; `ask` is given the return and any same-name warning. A
/// fingerprint in `trusted` that signed none of the files is refused
/// before anything is merged (most likely a typing slip). Only a store
/// that cannot be read or written stops the loop (its error is returned),
/// as does a store that is not a coordinator's, before any file is read.
/// Each file merged (and the volunteer trusted with it) or refused is
/// added to the activity record.
pub fn merge_files<P: AsRef<Path>>(
    vault: &mut Vault,
    paths: &[P],
    now: DateTime<Utc>,
    trusted: &[String],
    mut ask: impl FnMut(&CheckedReturn, Option<&str>) -> bool,
    mut each: impl FnMut(usize, Result<ReturnMerged, ReturnError>),
) -> Result<(), ReturnError> {
    require_coordinator(vault)?;
    let today = now.date_naive();
    let mut checked = Vec::with_capacity(paths.len());
    for path in paths {
        match check_file(vault, path.as_ref()) {
            Err(ReturnError::Store(e)) => return Err(ReturnError::Store(e)),
            outcome => checked.push(outcome),
        }
    }
    if let Some(given) = trusted.iter().find(|t| {
        !checked
            .iter()
            .flatten()
            .any(|c| c.fingerprint.matches(t.as_str()))
    }) {
        return Err(ReturnError::TrustedSignedNothing {
            given: given.trim().to_string(),
        });
    }
    for (i, outcome) in checked.into_iter().enumerate() {
        let path = &paths[i];
        let mut signer = String::new();
        let outcome = outcome.and_then(|mut checked| {
            signer = checked.fingerprint.to_string();
            // An earlier file in this run may have trusted the signer.
            checked.status = returns::signer_status(vault, &checked.signed.signer)?;
            let warning = same_name_warning(vault, &checked)?;
            let trust_new = matches!(checked.status, SignerStatus::Unknown)
                && (trusted.iter().any(|t| checked.fingerprint.matches(t))
                    || ask(&checked, warning.as_deref()));
            let merged = merge_checked(vault, &checked, trust_new, today)?;
            record_merge(vault, &checked, &merged, now)?;
            Ok(ReturnMerged {
                volunteer: checked.signed.payload.volunteer.clone(),
                fingerprint: checked.fingerprint.to_string(),
                period: checked.period().map(|p| p.label()).unwrap_or_default(),
                merged,
                warning: warning.filter(|_| trust_new),
            })
        });
        match outcome {
            // A store that cannot be written stops everything.
            Err(ReturnError::Store(e)) => return Err(ReturnError::Store(e)),
            Err(refused) => {
                let refusal = Activity::ReturnRefused {
                    file: path.as_ref().display().to_string(),
                    signer,
                    reason: capitalised(&refused.to_string()),
                };
                vault.record_activity(&refusal, now)?;
                each(i, Err(refused));
            }
            outcome => each(i, outcome),
        }
    }
    Ok(())
}

/// Records a return merged, and the volunteer it trusted on the way.
fn record_merge(
    vault: &mut Vault,
    checked: &CheckedReturn,
    merged: &Merged,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if !matches!(merged, Merged::Merged(_)) {
        return Ok(());
    }
    let signer = checked.fingerprint.to_string();
    if matches!(checked.status, SignerStatus::Unknown) {
        let trusted = Activity::VolunteerTrusted {
            signer: signer.clone(),
        };
        vault.record_activity(&trusted, now)?;
    }
    let return_id = checked.signed.payload.return_id.clone();
    vault.record_activity(&Activity::ReturnMerged { return_id, signer }, now)?;
    Ok(())
}

fn merged_message(done: &ReturnMerged) -> (MergeState, String) {
    let ReturnMerged {
        volunteer, period, ..
    } = done;
    let (state, message) = match &done.merged {
        Merged::AlreadyMerged => (
            MergeState::AlreadyMerged,
            already_merged_sentence(volunteer, period),
        ),
        Merged::Merged(c) => {
            let mut sentence = merged_sentence(
                volunteer,
                period,
                [&c.added, &c.updated, &c.unchanged, &c.removed],
            );
            if c.store_went_back {
                sentence.push_str(&format!(" {}", went_back_sentence(volunteer)));
            }
            (MergeState::Merged, sentence)
        }
    };
    match &done.warning {
        Some(warning) => (state, format!("{message} {warning}")),
        None => (state, message),
    }
}

/// A return from an earlier state of a volunteer's log than one merged before.
pub fn went_back_sentence(volunteer: &str) -> String {
    format!(
        "Please check with {volunteer}: this return comes from an older copy of their log than their last one (a backup restored, or the log replaced). Calls they logged since that copy may be missing from it."
    )
}

/// A return merged before: nothing changed.
pub(super) fn already_merged_sentence(volunteer: &str, period: &str) -> String {
    format!("Already merged: {volunteer}’s return for {period}. Nothing changed.")
}

/// A return merged: its calls added, updated, unchanged and erased.
pub(super) fn merged_sentence(
    volunteer: &str,
    period: &str,
    [added, updated, unchanged, removed]: [&dyn std::fmt::Display; 4],
) -> String {
    format!(
        "Merged {volunteer}’s return for {period}: {added} new, {updated} updated, {unchanged} unchanged, {removed} erased."
    )
}

pub(super) fn merge(
    vault: &mut Vault,
    request: &MergeRequest,
    now: DateTime<Utc>,
) -> Result<Vec<MergeResult>, AppError> {
    refuse_in_demo(vault, DemoAction::MergeReturns)?;
    let paths: Vec<&Path> = request.paths.iter().map(|p| Path::new(p.trim())).collect();
    let mut results = Vec::with_capacity(paths.len());
    merge_files(
        vault,
        &paths,
        now,
        &request.trust,
        |_, _| false,
        |i, outcome| {
            let (state, message) = match outcome {
                Ok(done) => merged_message(&done),
                Err(e) => (MergeState::Refused, AppError::from(e).message),
            };
            let path = &request.paths[i];
            results.push(MergeResult {
                path: path.clone(),
                file_name: file_name(path),
                state,
                message,
            });
        },
    )?;
    Ok(results)
}

/// Merged calls by academic year ("2024/25"), oldest first.
pub type CallsByYear = BTreeMap<String, u64>;

/// Every volunteer whose returns were merged, each with their merged calls
/// by academic year.
pub fn volunteers_with_calls(vault: &Vault) -> Result<Vec<(Volunteer, CallsByYear)>, StoreError> {
    let mut by_month = vault.merged_calls_by_month()?;
    Ok(vault
        .volunteers()?
        .into_iter()
        .map(|v| {
            let years = v
                .signer()
                .and_then(|signer| by_month.remove(&signer.fingerprint()))
                .map(returns::by_academic_year)
                .unwrap_or_default();
            (v, years)
        })
        .collect())
}

pub(super) fn volunteers(vault: &Vault) -> Result<Vec<VolunteerRow>, AppError> {
    Ok(volunteers_with_calls(vault)?
        .into_iter()
        .map(|(v, years)| VolunteerRow {
            name: v.name.clone(),
            fingerprint: v.fingerprint(),
            trusted_on: day(v.trusted_on),
            revoked_on: v.revoked_on.map(day),
            last_return_on: v.last_return_on.map(day),
            returns_merged: v.returns_merged,
            calls_by_year: years
                .into_iter()
                .map(|(label, calls)| YearCount { label, calls })
                .collect(),
        })
        .collect())
}

pub(super) fn revoke(
    vault: &mut Vault,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Vec<VolunteerRow>, AppError> {
    if !revoke_volunteer(vault, fingerprint, now)? {
        return Err(no_such_volunteer());
    }
    volunteers(vault)
}

/// Refuses a volunteer's returns from now on, and records it; whether any
/// volunteer has that fingerprint.
pub fn revoke_volunteer(
    vault: &mut Vault,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if !vault.revoke_volunteer(fingerprint, now.date_naive())? {
        return Ok(false);
    }
    let signer = fingerprint.trim().to_string();
    vault.record_activity(&Activity::VolunteerRevoked { signer }, now)?;
    Ok(true)
}

/// Removes the calls merged from a revoked volunteer's returns, so reports
/// no longer count them: for a key that was stolen or misused, whose
/// returns cannot be believed. Only a revoked volunteer's calls can be
/// removed (revoking first keeps a later return from bringing them back);
/// the volunteer stays listed as revoked. Both front doors ask the
/// coordinator to confirm first. Returns how many calls were removed.
pub fn purge_volunteer(
    vault: &mut Vault,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Purged, AppError> {
    let found = vault.volunteers()?.into_iter().find_map(|v| {
        let signer = v.signer()?;
        signer
            .fingerprint()
            .matches(fingerprint)
            .then_some((v, signer))
    });
    let Some((volunteer, signer)) = found else {
        return Err(no_such_volunteer());
    };
    if volunteer.revoked_on.is_none() {
        return Err(not_revoked(&volunteer.name));
    }
    let calls = vault.purge_volunteer_calls(&signer)?;
    let purged = Activity::VolunteerPurged {
        signer: signer.fingerprint().to_string(),
        calls,
    };
    vault.record_activity(&purged, now)?;
    Ok(Purged {
        message: purged_sentence(&crate::report::format::calls(calls), &volunteer.name),
        calls,
    })
}

/// Removing the calls of a volunteer who is still trusted.
pub(super) fn not_revoked(name: &str) -> AppError {
    AppError::new(
        ErrorCode::Failed,
        format!(
            "{name}’s key is not revoked. Revoke it first: only a revoked volunteer’s calls can be removed."
        ),
    )
}

/// A revoked volunteer's calls removed: "12 calls" and their name.
pub(super) fn purged_sentence(calls: &str, volunteer: &str) -> String {
    format!("Removed {calls} merged from {volunteer}’s returns; reports no longer count them.")
}

/// What removing a revoked volunteer's calls did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Purged {
    #[cfg_attr(test, ts(type = "number"))]
    pub calls: u64,
    /// "Removed 12 calls merged from Alex’s returns; …"
    pub message: String,
}

/// Revoking a fingerprint no volunteer of this store has.
pub(super) fn no_such_volunteer() -> AppError {
    AppError::new(ErrorCode::NotFound, "No volunteer has that fingerprint.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_year_is_the_academic_year_in_progress() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(suggested_year(d(2025, 8, 31)), 2024);
        assert_eq!(suggested_year(d(2025, 9, 1)), 2025);
    }

    #[test]
    fn the_published_test_key_sends_the_cursor_back_to_the_coordinator_key() {
        let e: AppError = ReturnError::TestCoordinatorKey.into();
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(e.field, Some(Field::CoordinatorKey));
        assert!(
            e.message.starts_with("This is the published test key"),
            "{}",
            e.message
        );
    }
}
