//! Keeping the log safe and keeping it no longer than needed: backups into
//! a folder the volunteer chooses, restoring one on a new laptop, the
//! retention policy that shreds old private text, legal holds, and
//! erasures that reach the backups.
//!
//! The rules live here once; the app's commands and the CLI only pass
//! arguments in and show what comes back.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{AppError, ErrorCode, shown_time};
use crate::crypto::{Passphrase, RecoveryKey};
use crate::files::IfTaken;
use crate::model::{CallId, Field};
use crate::report::format::calls as calls_phrase;
use crate::store::{
    Activity, BACKUP_EXTENSION, BackupHeader, Keeping, MAX_BACKUP_WARN_DAYS, MAX_KEEP_BACKUPS,
    MAX_RETENTION_MONTHS, MIN_KEEP_BACKUPS, Restore, StagedRestore, StoreError, Vault, read_header,
};

/// Automatic backups run at most this often.
const AUTOMATIC_EVERY_HOURS: i64 = 24;
/// Calls shredded per transaction.
const SHRED_BATCH: usize = 250;
/// What a volunteer types to replace an existing call log with a backup.
pub const REPLACE_WORD: &str = "replace";

/// The backup settings and how the backups stand, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct BackupStatus {
    /// The folder automatic backups go to; empty when none is chosen.
    pub folder: String,
    pub keep: u32,
    pub warn_after_days: u32,
    /// "Last backup: 2 days ago, 7 kept in /media/usb/Quietline".
    pub line: String,
    /// A calm warning for the Log a call screen, when backups are out of
    /// date or the folder cannot be reached; empty when all is well.
    pub warning: String,
    /// Whether the folder is there now.
    pub reachable: bool,
    /// How many backups of this log the folder holds.
    pub kept: u32,
    /// Whether this store may be backed up at all (not the demo store).
    pub allowed: bool,
}

/// The backup settings as the volunteer chose them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct BackupChoice {
    /// Empty turns automatic backups off.
    pub folder: String,
    pub keep: u32,
    pub warn_after_days: u32,
}

/// A backup written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct BackupMade {
    pub path: String,
    pub calls: u64,
    /// "Backed up 1,204 calls to …; 7 backups kept."
    pub message: String,
}

/// What a backup file says about itself before it is unlocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct BackupFileView {
    pub path: String,
    /// "Tue 1 Dec 2026 18:02"
    pub made: String,
    /// Whether a call log already exists here (restoring then replaces it,
    /// after a typed confirmation).
    pub store_exists: bool,
    /// The word to type to replace it.
    pub confirm_word: String,
}

/// How to unlock a backup, and whether to replace the log already here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct RestoreRequest {
    pub path: String,
    /// The passphrase the backup was made under; empty when the recovery
    /// key is given instead.
    #[serde(default)]
    pub passphrase: String,
    #[serde(default)]
    pub recovery_key: String,
    /// With the recovery key: the passphrase to use from now on.
    #[serde(default)]
    pub new_passphrase: String,
    /// What the volunteer typed to confirm replacing an existing log.
    #[serde(default)]
    pub confirm: String,
}

/// What a backup holds, unlocked and checked, before it is restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct RestorePreview {
    pub made: String,
    pub calls: u64,
    /// "3 Sep 2024 to 28 Nov 2026", or empty with no calls.
    pub date_range: String,
    /// Said when the folder holds newer backups of this log: calls deleted
    /// since may be in this one (they are erased again on restoring).
    pub warning: String,
    pub store_exists: bool,
    pub confirm_word: String,
    /// "This backup holds 1,204 calls, from …, made on …."
    pub summary: String,
}

/// A restore done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Restored {
    pub calls: u64,
    /// Calls deleted after this backup was made, erased again.
    pub erasures_reapplied: u32,
    pub message: String,
}

/// The retention policy and what it will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct RetentionView {
    /// 0 when no policy is chosen.
    pub months: u32,
    /// Shown until a policy is chosen.
    pub notice: String,
    /// Calls on legal hold.
    pub held: u32,
    pub shredded: u64,
    /// "Private notes, safeguarding details and exact times are shredded
    /// 12 months after a call; the counts stay."
    pub line: String,
}

/// What a retention policy of `months` would shred now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ShredPreview {
    pub months: u32,
    pub calls: u64,
    pub held: u32,
    /// "Notes of 214 calls logged before 1 December 2025 will be shredded."
    pub message: String,
}

/// Shredding done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ShredDone {
    pub calls: u64,
    pub message: String,
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "today at 10:15", "yesterday", "9 days ago".
fn ago(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let then = at.with_timezone(&tz);
    let days = (now.with_timezone(&tz).date_naive() - then.date_naive()).num_days();
    match days {
        i64::MIN..=0 => format!("today at {}", then.format("%H:%M")),
        1 => "yesterday".into(),
        n => format!("{n} days ago"),
    }
}

fn today(vault: &Vault, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vault.settings().time_zone).date_naive()
}

fn failed(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::Failed, message)
}

fn io_failed(what: &str, path: &Path, e: impl ToString) -> AppError {
    AppError {
        detail: Some(e.to_string()),
        ..failed(format!(
            "{what} {}. Check it is there and not full.",
            path.display()
        ))
    }
}

/// Backups of this store in `folder`, newest first. Files that are not
/// backups, or are another store's, are left alone.
fn own_backups(vault: &Vault, folder: &Path) -> std::io::Result<Vec<(PathBuf, BackupHeader)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(BACKUP_EXTENSION) {
            continue;
        }
        if let Ok(header) = read_header(&path) {
            if header.store_id == vault.store_id() {
                found.push((path, header));
            }
        }
    }
    found.sort_by(|a, b| b.1.made_at.cmp(&a.1.made_at).then(b.0.cmp(&a.0)));
    Ok(found)
}

fn folder_of(keeping: &Keeping) -> Option<PathBuf> {
    keeping
        .backup_folder
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
}

fn refuse_demo(vault: &Vault) -> Result<(), AppError> {
    if vault.is_demo() {
        return Err(failed(
            "The demo call log holds only made-up calls, so it is not backed up.",
        ));
    }
    Ok(())
}

/// How the backups stand.
pub fn status(vault: &Vault, now: DateTime<Utc>) -> Result<BackupStatus, AppError> {
    let demo = vault.is_demo();
    let keeping = vault.keeping()?;
    let tz = vault.settings().time_zone;
    let folder = folder_of(&keeping);
    let mut status = BackupStatus {
        folder: keeping.backup_folder.clone().unwrap_or_default(),
        keep: keeping.keep_backups,
        warn_after_days: keeping.backup_warn_days,
        line: String::new(),
        warning: String::new(),
        reachable: false,
        kept: 0,
        allowed: !demo,
    };
    if demo {
        status.line = "The demo call log holds only made-up calls and is not backed up.".into();
        return Ok(status);
    }
    let Some(folder) = folder else {
        status.line = "Backups are not set up. Choose a folder for them: a USB stick, or a \
                       cloud folder that is itself encrypted."
            .into();
        if vault.call_count()? > 0 {
            status.warning = "Your calls are not backed up yet. Choose a backup folder in \
                              Settings so that a lost laptop does not lose your log."
                .into();
        }
        return Ok(status);
    };
    let shown = folder.display();
    let backups = match own_backups(vault, &folder) {
        Ok(backups) if folder.is_dir() => backups,
        _ => {
            status.line = format!("The backup folder {shown} cannot be reached.");
            status.warning = format!(
                "The backup folder {shown} cannot be reached. Plug in the backup drive; \
                 Quietline backs up when it is there."
            );
            return Ok(status);
        }
    };
    status.reachable = true;
    status.kept = u32::try_from(backups.len()).unwrap_or(u32::MAX);
    match backups.first() {
        None => {
            status.line = format!("No backups yet in {shown}.");
            status.warning =
                "Your calls are not backed up yet. Choose Back up now in Settings.".into();
        }
        Some((_, newest)) => {
            let kept = if backups.len() == 1 {
                "1 kept".to_string()
            } else {
                format!("{} kept", backups.len())
            };
            status.line = format!(
                "Last backup: {}, {kept} in {shown}.",
                ago(newest.made_at, now, tz)
            );
            let age = now - newest.made_at;
            if age.num_days() >= i64::from(keeping.backup_warn_days) {
                status.warning = format!(
                    "The last backup was {}. Choose Back up now in Settings.",
                    ago(newest.made_at, now, tz)
                );
            }
        }
    }
    Ok(status)
}

/// Changes the backup settings. A folder must exist and be a folder.
pub fn choose(
    vault: &mut Vault,
    choice: &BackupChoice,
    now: DateTime<Utc>,
) -> Result<BackupStatus, AppError> {
    refuse_demo(vault)?;
    let folder = choice.folder.trim();
    if !folder.is_empty() {
        let path = Path::new(folder);
        if !path.is_absolute() {
            return Err(AppError::invalid(
                Field::BackupFolder,
                "Give the backup folder's full path, starting with /",
            ));
        }
        if !path.is_dir() {
            return Err(AppError::invalid(
                Field::BackupFolder,
                format!("There is no folder at {folder}; plug in the drive or choose another"),
            ));
        }
    }
    if !(MIN_KEEP_BACKUPS..=MAX_KEEP_BACKUPS).contains(&choice.keep) {
        return Err(AppError::invalid(
            Field::KeepBackups,
            format!("Keep between {MIN_KEEP_BACKUPS} and {MAX_KEEP_BACKUPS} backups"),
        ));
    }
    if !(1..=MAX_BACKUP_WARN_DAYS).contains(&choice.warn_after_days) {
        return Err(AppError::invalid(
            Field::BackupWarnDays,
            format!("Warn after between 1 and {MAX_BACKUP_WARN_DAYS} days"),
        ));
    }
    vault.change_keeping(|k| {
        k.backup_folder = (!folder.is_empty()).then(|| folder.to_string());
        k.keep_backups = choice.keep;
        k.backup_warn_days = choice.warn_after_days;
        Ok(())
    })?;
    status(vault, now)
}

/// The name of a backup made at `now`: it sorts by time and says what it is.
fn backup_name(now: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "quietline-backup-{}.{BACKUP_EXTENSION}",
        now.with_timezone(&tz).format("%Y-%m-%d-%H%M%S")
    )
}

/// Writes one backup to `target` (never over another file), for
/// `quietline backup -o FILE`.
pub fn back_up_to(
    vault: &mut Vault,
    target: &Path,
    now: DateTime<Utc>,
) -> Result<BackupMade, AppError> {
    refuse_demo(vault)?;
    let target = super::files::with_own_extension(target, BACKUP_EXTENSION)?;
    let written = vault
        .write_backup(&target, now, IfTaken::Refuse)
        .map_err(|e| match e {
            StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
                failed(format!(
                    "{} already exists; choose another name. Nothing was written.",
                    target.display()
                ))
            }
            e => backup_failed(&target, e),
        })?;
    record_backup(vault, &written, now)?;
    let calls = vault.call_count()?;
    Ok(BackupMade {
        path: written.display().to_string(),
        calls,
        message: format!(
            "Backed up {} to {}.",
            calls_phrase(calls),
            written.display()
        ),
    })
}

/// Records a backup written, after it was written and checked.
fn record_backup(vault: &mut Vault, written: &Path, now: DateTime<Utc>) -> Result<(), AppError> {
    let path = written.display().to_string();
    vault.record_activity(&Activity::BackupMade { path }, now)?;
    Ok(())
}

fn backup_failed(target: &Path, e: StoreError) -> AppError {
    match e {
        e @ (StoreError::Io { .. } | StoreError::Storage(_)) => {
            io_failed("Quietline could not write the backup to", target, e)
        }
        e => e.into(),
    }
}

/// Backs up into the chosen folder now: any erasures and shredding the
/// folder's backups still owe are applied first, then a new backup is
/// written and checked, and only then are old ones removed (beyond the
/// number kept, or older than the retention period), never the new one.
pub fn back_up_now(vault: &mut Vault, now: DateTime<Utc>) -> Result<BackupMade, AppError> {
    refuse_demo(vault)?;
    let keeping = vault.keeping()?;
    let Some(folder) = folder_of(&keeping) else {
        return Err(AppError::invalid(
            Field::BackupFolder,
            "Choose a folder for backups first",
        ));
    };
    if !folder.is_dir() {
        return Err(failed(format!(
            "The backup folder {} cannot be reached. Plug in the backup drive and try again.",
            folder.display()
        )));
    }
    // The new backup holds none of what the old ones owe; if paying them
    // fails now it stays recorded and is tried again next time.
    let _ = catch_up_backups(vault, now);
    let tz = vault.settings().time_zone;
    let target = folder.join(backup_name(now, tz));
    let written = vault
        .write_backup(&target, now, IfTaken::AddNumber)
        .map_err(|e| backup_failed(&target, e))?;
    vault.change_keeping(|k| {
        k.last_backup_at = Some(now);
        Ok(())
    })?;
    record_backup(vault, &written, now)?;
    let kept = rotate(vault, &folder, &keeping, &written, now)?;
    let calls = vault.call_count()?;
    Ok(BackupMade {
        path: written.display().to_string(),
        calls,
        message: format!(
            "Backed up {} to {}; {kept} kept.",
            calls_phrase(calls),
            written.display()
        ),
    })
}

/// Removes this store's backups beyond the newest `keep`, and those older
/// than the retention period; never `newest`. Returns how many are left.
fn rotate(
    vault: &Vault,
    folder: &Path,
    keeping: &Keeping,
    newest: &Path,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let backups = own_backups(vault, folder)
        .map_err(|e| io_failed("Quietline could not read the backup folder", folder, e))?;
    let too_old = keeping
        .retention_months
        .and_then(|m| now.checked_sub_months(Months::new(m)));
    let mut kept = 0usize;
    for (path, header) in &backups {
        let is_newest = path == newest;
        let over = kept >= keeping.keep_backups as usize;
        let expired = too_old.is_some_and(|t| header.made_at < t);
        if is_newest || !(over || expired) {
            kept += 1;
            continue;
        }
        // A backup that cannot be removed now is removed next time.
        let _ = std::fs::remove_file(path);
    }
    Ok(kept)
}

/// Applies to the backups in the folder what the store owes them: calls
/// deleted since they were made are erased from them, and text the
/// retention policy shredded here is shredded there. Returns how many
/// backups changed. Nothing happens while the folder cannot be reached;
/// what is owed stays recorded until it can.
pub fn catch_up_backups(vault: &mut Vault, now: DateTime<Utc>) -> Result<usize, AppError> {
    let keeping = vault.keeping()?;
    let Some(folder) = folder_of(&keeping) else {
        return Ok(0);
    };
    let pending: Vec<CallId> = keeping.pending_ids().collect();
    let shred_before = keeping.backups_shred_before;
    if (pending.is_empty() && shred_before.is_none()) || !folder.is_dir() {
        return Ok(0);
    }
    let backups = own_backups(vault, &folder)
        .map_err(|e| io_failed("Quietline could not read the backup folder", &folder, e))?;
    let day = today(vault, now);
    let mut changed = 0;
    for (path, _) in &backups {
        let rewritten = vault.with_backup(path, |copy| {
            let erased = copy.erase_from_copy(&pending, day)?;
            let shredded = match shred_before {
                Some(before) => {
                    let ids = shred_candidates(copy, &keeping, before)?.0;
                    let mut n = 0;
                    for batch in ids.chunks(SHRED_BATCH) {
                        n += copy.shred_calls(batch, day)?;
                    }
                    n
                }
                None => 0,
            };
            let any = erased + shredded > 0;
            Ok((any, any))
        });
        match rewritten {
            Ok(any) => changed += usize::from(any),
            // A damaged backup can never be restored (its digest is checked
            // first), so there is nothing in it to erase.
            Err(StoreError::DamagedBackup | StoreError::ForeignBackup) => {}
            Err(e) => return Err(backup_failed(path, e)),
        }
    }
    let done: Vec<String> = pending.iter().map(ToString::to_string).collect();
    vault.change_keeping(|k| {
        k.pending_erasures.retain(|id| !done.contains(id));
        if k.backups_shred_before == shred_before {
            k.backups_shred_before = None;
        }
        Ok(())
    })?;
    Ok(changed)
}

/// Backs up if a folder is chosen and the last backup is a day old or
/// more (the app calls this on locking and while open). Quietly does
/// nothing when the folder cannot be reached: the warning says so.
pub fn back_up_if_due(
    vault: &mut Vault,
    now: DateTime<Utc>,
) -> Result<Option<BackupMade>, AppError> {
    if vault.is_demo() {
        return Ok(None);
    }
    let keeping = vault.keeping()?;
    let Some(folder) = folder_of(&keeping) else {
        return Ok(None);
    };
    if !folder.is_dir() {
        return Ok(None);
    }
    let due = keeping
        .last_backup_at
        .is_none_or(|at| (now - at).num_hours() >= AUTOMATIC_EVERY_HOURS);
    if !due {
        catch_up_backups(vault, now)?;
        return Ok(None);
    }
    back_up_now(vault, now).map(Some)
}

// ---------------------------------------------------------------- restore

/// What a backup file says about itself, before any passphrase.
pub fn check_backup_file(store_dir: &Path, path: &str) -> Result<BackupFileView, AppError> {
    let path = typed_path(path)?;
    let header = read_header(&path).map_err(|e| restore_failed(&path, e))?;
    Ok(BackupFileView {
        path: path.display().to_string(),
        made: shown_time(header.made_at, crate::period::DEFAULT_TIME_ZONE),
        store_exists: Vault::exists(store_dir),
        confirm_word: REPLACE_WORD.into(),
    })
}

fn typed_path(path: &str) -> Result<PathBuf, AppError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AppError::invalid(
            Field::BackupFile,
            "Choose the backup file to restore",
        ));
    }
    Ok(PathBuf::from(path))
}

fn restore_failed(path: &Path, e: StoreError) -> AppError {
    match e {
        StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            AppError::invalid(
                Field::BackupFile,
                format!("There is no file at {}", path.display()),
            )
        }
        e @ StoreError::Io { .. } => io_failed("Quietline could not read", path, e),
        StoreError::AlreadyExists(_) => failed(format!(
            "A call log already exists here. Type {REPLACE_WORD} to replace it with the backup."
        )),
        e => e.into(),
    }
}

fn stage(store_dir: &Path, request: &RestoreRequest) -> Result<StagedRestore, AppError> {
    let path = typed_path(&request.path)?;
    let staged = if request.recovery_key.trim().is_empty() {
        let passphrase = Passphrase::new(&request.passphrase);
        StagedRestore::stage(&path, store_dir, Restore::Passphrase(&passphrase))
    } else {
        let key = RecoveryKey::parse(&request.recovery_key)?;
        let new =
            super::strength::chosen_passphrase(&request.new_passphrase).map_err(|e| AppError {
                field: Some(Field::NewPassphrase),
                ..e
            })?;
        StagedRestore::stage(&path, store_dir, Restore::RecoveryKey(&key, &new))
    };
    staged.map_err(|e| match e {
        StoreError::WrongRecoveryKey => AppError::new(
            ErrorCode::WrongRecoveryKey,
            "That recovery key does not open this backup. Check each group of four characters.",
        ),
        StoreError::WrongPassphrase => AppError::new(
            ErrorCode::WrongPassphrase,
            "That passphrase does not open this backup. Use the passphrase you had when the \
             backup was made, or your recovery key.",
        ),
        e => restore_failed(&path, e),
    })
}

/// How many backups of the same log in the same folder as `path` were
/// made after it, and before it.
fn neighbours(vault: &Vault, path: &Path, made_at: DateTime<Utc>) -> (Vec<PathBuf>, usize) {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let others: Vec<(PathBuf, BackupHeader)> = own_backups(vault, folder)
        .unwrap_or_default()
        .into_iter()
        .filter(|(p, _)| p != path)
        .collect();
    let older = others.iter().filter(|(_, h)| h.made_at <= made_at).count();
    let newer = others
        .into_iter()
        .filter(|(_, h)| h.made_at > made_at)
        .map(|(p, _)| p)
        .collect();
    (newer, older)
}

fn date_range(calls: &[crate::model::CallSummary], tz: Tz) -> String {
    let days = calls
        .iter()
        .map(|c| c.facts.started_at.with_timezone(&tz).date_naive());
    match (days.clone().min(), days.max()) {
        (Some(first), Some(last)) => format!(
            "{} to {}",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        ),
        _ => String::new(),
    }
}

/// Unlocks and checks a backup, and says what it holds; nothing is kept.
pub fn preview_restore(
    store_dir: &Path,
    request: &RestoreRequest,
) -> Result<RestorePreview, AppError> {
    let mut staged = stage(store_dir, request)?;
    let made_at = staged.header().made_at;
    let path = typed_path(&request.path)?;
    let vault = staged.vault_mut()?;
    let tz = vault.settings().time_zone;
    let calls = vault.all_calls()?;
    let (newer, older) = neighbours(vault, &path, made_at);
    let newer = newer.len();
    let made = shown_time(made_at, tz);
    let range = date_range(&calls, tz);
    let count = calls.len() as u64;
    let summary = if count == 0 {
        format!("This backup, made {made}, holds no calls.")
    } else {
        format!(
            "This backup, made {made}, holds {}, from {range}.",
            calls_phrase(count)
        )
    };
    let warning = if newer > 0 {
        format!(
            "The folder holds {newer} newer backup{} of this log. Calls deleted after this \
             one was made may be in it; Quietline erases them again when it restores.",
            if newer == 1 { "" } else { "s" }
        )
    } else if older > 0 {
        // The newest of its folder: nothing was deleted after it here.
        String::new()
    } else {
        "A backup older than your newest may hold calls deleted since; restore the newest \
         backup you have."
            .into()
    };
    Ok(RestorePreview {
        made,
        calls: count,
        date_range: range,
        warning,
        store_exists: Vault::exists(store_dir),
        confirm_word: REPLACE_WORD.into(),
        summary,
    })
}

/// Restores a backup as this laptop's call log and returns it unlocked.
/// An existing log is replaced only when `confirm` is [`REPLACE_WORD`].
/// Calls that newer backups in the same folder know were deleted are
/// erased again, and the folder's backups owe nothing afterwards.
pub fn restore(
    store_dir: &Path,
    request: &RestoreRequest,
    now: DateTime<Utc>,
) -> Result<(Vault, Restored), AppError> {
    let replace = Vault::exists(store_dir);
    if replace && !request.confirm.trim().eq_ignore_ascii_case(REPLACE_WORD) {
        return Err(AppError::invalid(
            Field::ReplaceConfirmation,
            format!(
                "A call log already exists on this laptop. Type {REPLACE_WORD} to replace it \
                 with the backup; the calls in it now will be lost"
            ),
        ));
    }
    let mut staged = stage(store_dir, request)?;
    let made_at = staged.header().made_at;
    let path = typed_path(&request.path)?;
    let vault = staged.vault_mut()?;
    let day = today(vault, now);
    // Calls deleted after this backup was made, as the newer backups of
    // the same log remember them.
    let mut erased: Vec<CallId> = Vec::new();
    for newer in neighbours(vault, &path, made_at).0 {
        if let Ok(ids) = vault.read_backup(&newer, |copy| {
            Ok(copy.keeping()?.erased_ids().collect::<Vec<_>>())
        }) {
            erased.extend(ids);
        }
    }
    erased.sort();
    erased.dedup();
    let reapplied = vault.erase_from_copy(&erased, day)?;
    let mut vault = staged
        .adopt(replace)
        .map_err(|e| restore_failed(&path, e))?;
    let from = path.display().to_string();
    vault.record_activity(&Activity::Restored { from }, now)?;
    let calls = vault.call_count()?;
    let mut message = format!(
        "Restored {} from the backup made {}.",
        calls_phrase(calls),
        shown_time(made_at, vault.settings().time_zone)
    );
    if reapplied > 0 {
        message.push_str(&format!(
            " {} deleted after that backup {} erased again.",
            calls_phrase(reapplied as u64),
            if reapplied == 1 { "was" } else { "were" }
        ));
    }
    Ok((
        vault,
        Restored {
            calls,
            erasures_reapplied: u32::try_from(reapplied).unwrap_or(u32::MAX),
            message,
        },
    ))
}

// -------------------------------------------------------------- retention

fn cutoff(vault: &Vault, months: u32, now: DateTime<Utc>) -> NaiveDate {
    let day = today(vault, now);
    day.checked_sub_months(Months::new(months)).unwrap_or(day)
}

/// The calls logged before `before` (local date) not yet shredded and not
/// on hold, and how many are held.
fn shred_candidates(
    vault: &Vault,
    keeping: &Keeping,
    before: NaiveDate,
) -> Result<(Vec<CallId>, u32), StoreError> {
    let tz = vault.settings().time_zone;
    let mut ids = Vec::new();
    let mut held = 0u32;
    for call in vault.all_calls()? {
        if call.shredded_on.is_some()
            || call.facts.started_at.with_timezone(&tz).date_naive() >= before
        {
            continue;
        }
        if keeping.is_held(call.id) {
            held += 1;
        } else {
            ids.push(call.id);
        }
    }
    Ok((ids, held))
}

fn check_months(months: u32) -> Result<(), AppError> {
    if months > MAX_RETENTION_MONTHS {
        return Err(AppError::invalid(
            Field::RetentionMonths,
            format!("Keep notes for at most {MAX_RETENTION_MONTHS} months, or 0 to keep them"),
        ));
    }
    Ok(())
}

/// The retention policy and what it has done.
pub fn retention(vault: &Vault) -> Result<RetentionView, AppError> {
    let keeping = vault.keeping()?;
    let shredded = vault
        .all_calls()?
        .iter()
        .filter(|c| c.shredded_on.is_some())
        .count() as u64;
    let months = keeping.retention_months.unwrap_or(0);
    let (notice, line) = if months == 0 {
        (
            "No retention policy is set: private notes are kept until a call is deleted. \
             Ask your coordinator how long the helpline keeps them."
                .to_string(),
            "Private notes are kept until a call is deleted.".to_string(),
        )
    } else {
        (
            String::new(),
            format!(
                "Private notes, safeguarding details and exact times are shredded {months} \
                 month{} after a call. What the report counts stays.",
                if months == 1 { "" } else { "s" }
            ),
        )
    };
    Ok(RetentionView {
        months,
        notice,
        held: u32::try_from(keeping.holds.len()).unwrap_or(u32::MAX),
        shredded,
        line,
    })
}

/// What a policy of `months` would shred today.
pub fn preview_shred(
    vault: &Vault,
    months: u32,
    now: DateTime<Utc>,
) -> Result<ShredPreview, AppError> {
    check_months(months)?;
    if months == 0 {
        return Ok(ShredPreview {
            months,
            calls: 0,
            held: 0,
            message: "Nothing will be shredded: private notes are kept until a call is deleted."
                .into(),
        });
    }
    let keeping = vault.keeping()?;
    let before = cutoff(vault, months, now);
    let (ids, held) = shred_candidates(vault, &keeping, before)?;
    let mut message = if ids.is_empty() {
        format!(
            "No calls are old enough yet: notes of calls logged before {} would be shredded.",
            long_date(before)
        )
    } else {
        format!(
            "Notes of {} logged before {} will be shredded.",
            calls_phrase(ids.len() as u64),
            long_date(before)
        )
    };
    if held > 0 {
        message.push_str(&format!(
            " {} on legal hold keep{} {} notes.",
            calls_phrase(u64::from(held)),
            if held == 1 { "s" } else { "" },
            if held == 1 { "its" } else { "their" }
        ));
    }
    Ok(ShredPreview {
        months,
        calls: ids.len() as u64,
        held,
        message,
    })
}

/// Sets the retention policy (0 turns it off) and applies it at once.
pub fn set_retention(
    vault: &mut Vault,
    months: u32,
    now: DateTime<Utc>,
) -> Result<ShredDone, AppError> {
    check_months(months)?;
    vault.change_keeping_recorded(now, |k| {
        k.retention_months = (months > 0).then_some(months);
        k.last_shred_on = None;
        Ok(((), Some(Activity::RetentionSet { months })))
    })?;
    shred(vault, now)
}

/// Applies the retention policy now: shreds every call older than the
/// policy, in batches of one transaction each, then empties the
/// write-ahead log so no old page lingers there, and records that the
/// backups owe the same.
pub fn shred(vault: &mut Vault, now: DateTime<Utc>) -> Result<ShredDone, AppError> {
    let keeping = vault.keeping()?;
    let day = today(vault, now);
    let Some(months) = keeping.retention_months else {
        return Ok(ShredDone {
            calls: 0,
            message: "No retention policy is set, so nothing was shredded.".into(),
        });
    };
    let before = cutoff(vault, months, now);
    let (ids, _) = shred_candidates(vault, &keeping, before)?;
    let mut done = 0usize;
    for batch in ids.chunks(SHRED_BATCH) {
        done += vault.shred_calls(batch, day)?;
    }
    vault.checkpoint()?;
    if done > 0 {
        let calls = u32::try_from(done).unwrap_or(u32::MAX);
        vault.record_activity(&Activity::Shredded { calls }, now)?;
    }
    vault.change_keeping(|k| {
        k.last_shred_on = Some(day);
        if done > 0 && folder_of(k).is_some() {
            k.backups_shred_before = Some(k.backups_shred_before.map_or(before, |b| b.max(before)));
        }
        Ok(())
    })?;
    if done > 0 {
        // The backups are shredded alike when the folder is there.
        let _ = catch_up_backups(vault, now);
    }
    let message = if done == 0 {
        "No calls were old enough to shred.".to_string()
    } else {
        format!(
            "Shredded the notes of {} logged before {}.",
            calls_phrase(done as u64),
            long_date(before)
        )
    };
    Ok(ShredDone {
        calls: done as u64,
        message,
    })
}

/// What runs at unlock and daily while open: the retention policy, once a
/// day, and whatever the backups are still owed.
pub fn housekeeping(vault: &mut Vault, now: DateTime<Utc>) -> Result<(), AppError> {
    let keeping = vault.keeping()?;
    if keeping.retention_months.is_some() && keeping.last_shred_on != Some(today(vault, now)) {
        shred(vault, now)?;
    }
    if !vault.is_demo() {
        catch_up_backups(vault, now)?;
    }
    Ok(())
}

/// Puts a call on legal hold: it keeps its text until released.
pub fn hold(vault: &mut Vault, id: CallId, now: DateTime<Utc>) -> Result<String, AppError> {
    let call = vault.call(id)?;
    if call.summary.shredded_on.is_some() {
        return Err(failed(
            "This call's notes were already shredded; a hold can no longer keep them.",
        ));
    }
    let day = today(vault, now);
    vault.change_keeping_recorded(now, |k| {
        k.holds.entry(id.to_string()).or_insert(day);
        Ok((
            (),
            Some(Activity::HoldPlaced {
                call: id.to_string(),
            }),
        ))
    })?;
    Ok("This call is on legal hold: its notes are kept until the hold is released.".into())
}

/// Lifts a legal hold: the call is shredded when the policy next runs if
/// it is old enough.
pub fn release(vault: &mut Vault, id: CallId, now: DateTime<Utc>) -> Result<String, AppError> {
    vault.call(id)?;
    let was = vault.change_keeping_recorded(now, |k| {
        let was = k.holds.remove(&id.to_string()).is_some();
        let call = id.to_string();
        Ok((was, was.then_some(Activity::HoldReleased { call })))
    })?;
    Ok(if was {
        "The legal hold is released.".into()
    } else {
        "This call was not on legal hold.".into()
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::{Duration, TimeZone};
    use serde::Serialize;
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::app::Session;
    use crate::synth::SyntheticCalls;

    const PASSPHRASE: &str = "synthetic test passphrase, keeping";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 18, 2, 0).unwrap()
    }

    fn to(value: &impl Serialize) -> Value {
        serde_json::to_value(value).unwrap()
    }

    fn refused<T>(result: Result<T, AppError>) -> Value {
        match result {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => to(&e),
        }
    }

    fn put(map: &mut Map<String, Value>, name: &str, value: Value) {
        map.insert(name.to_string(), value);
    }

    fn request(path: &Path, passphrase: &str) -> RestoreRequest {
        RestoreRequest {
            path: path.display().to_string(),
            passphrase: passphrase.into(),
            ..RestoreRequest::default()
        }
    }

    /// What the backups, restoring and the retention policy say, for the
    /// browser tests' stand-in backend, so that it writes no message of
    /// its own: one store of synthetic calls taken through choosing a
    /// folder, backing up, the folder unplugged, restoring on another
    /// laptop and over the log already there, legal holds and a policy of
    /// 12 months, on 1 Dec 2026 at 18:02. The temporary folders are shown
    /// as `/media/usb/Quietline` (the backup folder) and under
    /// `/home/volunteer`; `{path}` stands for a path typed. Regenerated by
    /// `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_keeping_for_the_browser_tests() {
        let root = tempfile::tempdir().unwrap();
        let usb = root.path().join("usb");
        std::fs::create_dir(&usb).unwrap();
        let store_dir = root.path().join("store");
        let laptop = root.path().join("new-laptop");
        let mut status_views = Map::new();
        let mut refusals = Map::new();
        let mut files = Map::new();
        let mut previews = Map::new();
        let mut shred_previews = Map::new();
        let mut retention_views = Map::new();
        let mut said = Map::new();

        let (mut vault, recovery) =
            Vault::create(&store_dir, &Passphrase::new(PASSPHRASE)).unwrap();
        // The demo log, as the app opens it, for what it is refused.
        let (mut demo, _) =
            Vault::create(&root.path().join("demo"), &Passphrase::new(PASSPHRASE)).unwrap();
        demo.mark_demo().unwrap();
        let mut batch = vault.begin_import(now()).unwrap();
        for call in SyntheticCalls::new(11, 2024, 3)
            .filter(|c| c.facts.started_at < now())
            .take(40)
        {
            batch.add(&call).unwrap();
        }
        batch.commit().unwrap();

        // Choosing the folder, and the backups in it.
        put(
            &mut status_views,
            "not_set_up",
            to(&status(&vault, now()).unwrap()),
        );
        put(
            &mut status_views,
            "demo",
            to(&status(&demo, now()).unwrap()),
        );
        let choice = |folder: &str, keep: u32, warn_after_days: u32| BackupChoice {
            folder: folder.into(),
            keep,
            warn_after_days,
        };
        put(
            &mut refusals,
            "no_folder_chosen",
            refused(back_up_now(&mut vault, now())),
        );
        let usb_text = usb.display().to_string();
        for (name, folder, keep, warn) in [
            ("folder_not_full", "Quietline", 7, 7),
            ("no_folder", "{path}", 7, 7),
            ("keep_backups", usb_text.as_str(), 0, 7),
            ("backup_warn_days", usb_text.as_str(), 7, 0),
        ] {
            let folder = if name == "no_folder" {
                format!("/{folder}")
            } else {
                folder.to_string()
            };
            put(
                &mut refusals,
                name,
                refused(choose(&mut vault, &choice(&folder, keep, warn), now())),
            );
        }
        put(
            &mut refusals,
            "demo",
            refused(choose(&mut demo, &choice(&usb_text, 7, 7), now())),
        );
        put(
            &mut status_views,
            "no_backups",
            to(&choose(&mut vault, &choice(&usb_text, 7, 7), now()).unwrap()),
        );
        let older = back_up_now(&mut vault, now() - Duration::days(3)).unwrap();
        let made = back_up_now(&mut vault, now()).unwrap();
        put(&mut said, "older", to(&older));
        put(&mut said, "made", to(&made));
        put(
            &mut status_views,
            "backed_up",
            to(&status(&vault, now()).unwrap()),
        );
        put(
            &mut status_views,
            "stale",
            to(&status(&vault, now() + Duration::days(10)).unwrap()),
        );
        let away = root.path().join("usb-away");
        std::fs::rename(&usb, &away).unwrap();
        put(
            &mut status_views,
            "unreachable",
            to(&status(&vault, now()).unwrap()),
        );
        put(
            &mut refusals,
            "unreachable",
            refused(back_up_now(&mut vault, now())),
        );
        std::fs::rename(&away, &usb).unwrap();

        // Restoring: on a new laptop, and over the log already here.
        let newest = Path::new(&made.path);
        let oldest = Path::new(&older.path);
        put(
            &mut files,
            "new_laptop",
            to(&check_backup_file(&laptop, &made.path).unwrap()),
        );
        put(
            &mut files,
            "store_exists",
            to(&check_backup_file(&store_dir, &made.path).unwrap()),
        );
        put(
            &mut refusals,
            "no_file",
            refused(check_backup_file(&laptop, " ")),
        );
        put(
            &mut refusals,
            "file_missing",
            refused(check_backup_file(&laptop, "{path}")),
        );
        put(
            &mut refusals,
            "wrong_passphrase",
            refused(preview_restore(
                &laptop,
                &request(newest, "not the passphrase"),
            )),
        );
        let by_key = |key: &str, new: &str| RestoreRequest {
            path: made.path.clone(),
            recovery_key: key.into(),
            new_passphrase: new.into(),
            ..RestoreRequest::default()
        };
        let key_text = recovery.to_display().to_string();
        put(
            &mut refusals,
            "recovery_key_wrong",
            refused(preview_restore(
                &laptop,
                &by_key(
                    "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
                    "otter mango tulip raven, new laptop",
                ),
            )),
        );
        put(
            &mut refusals,
            "new_passphrase_weak",
            refused(preview_restore(&laptop, &by_key(&key_text, "password123"))),
        );
        let by_recovery_key = preview_restore(
            &laptop,
            &by_key(&key_text, "otter mango tulip raven, new laptop"),
        )
        .unwrap();
        put(
            &mut previews,
            "newest",
            to(&preview_restore(&laptop, &request(newest, PASSPHRASE)).unwrap()),
        );
        assert_eq!(to(&by_recovery_key), previews["newest"]);
        put(
            &mut previews,
            "older",
            to(&preview_restore(&laptop, &request(oldest, PASSPHRASE)).unwrap()),
        );
        put(
            &mut previews,
            "store_exists",
            to(&preview_restore(&store_dir, &request(newest, PASSPHRASE)).unwrap()),
        );
        put(
            &mut refusals,
            "replace_confirmation",
            refused(restore(&store_dir, &request(newest, PASSPHRASE), now())),
        );
        let (restored_vault, restored) =
            restore(&laptop, &request(newest, PASSPHRASE), now()).unwrap();
        drop(restored_vault);
        put(&mut said, "restored", to(&restored));

        // Legal holds and the retention policy.
        put(
            &mut retention_views,
            "none",
            to(&retention(&vault).unwrap()),
        );
        let oldest_call = vault
            .all_calls()
            .unwrap()
            .into_iter()
            .min_by_key(|c| c.facts.started_at)
            .unwrap()
            .id;
        put(
            &mut said,
            "hold",
            json!(hold(&mut vault, oldest_call, now()).unwrap()),
        );
        put(
            &mut said,
            "release",
            json!(release(&mut vault, oldest_call, now()).unwrap()),
        );
        put(
            &mut said,
            "not_held",
            json!(release(&mut vault, oldest_call, now()).unwrap()),
        );
        hold(&mut vault, oldest_call, now()).unwrap();
        for months in [0, 6, 12, 24, 36, MAX_RETENTION_MONTHS] {
            put(
                &mut shred_previews,
                &months.to_string(),
                to(&preview_shred(&vault, months, now()).unwrap()),
            );
        }
        put(
            &mut refusals,
            "retention_months",
            refused(preview_shred(&vault, MAX_RETENTION_MONTHS + 1, now())),
        );
        put(
            &mut said,
            "shredded",
            to(&set_retention(&mut vault, 12, now()).unwrap()),
        );
        put(&mut retention_views, "set", to(&retention(&vault).unwrap()));
        let shredded_call = vault
            .all_calls()
            .unwrap()
            .into_iter()
            .find(|c| c.shredded_on.is_some())
            .unwrap()
            .id;
        put(
            &mut refusals,
            "hold_shredded",
            refused(hold(&mut vault, shredded_call, now())),
        );
        put(
            &mut said,
            "nothing_shredded",
            to(&set_retention(&mut vault, 0, now()).unwrap()),
        );
        drop(vault);
        let session = Session::unlock(&store_dir, PASSPHRASE).unwrap();
        let opened = session.open_call(&shredded_call.to_string()).unwrap();
        assert!(!opened.held);
        put(&mut said, "shredded_call", json!(opened.shredded));

        let fixture = json!({
            "status": status_views,
            "files": files,
            "previews": previews,
            "shred_previews": shred_previews,
            "retention": retention_views,
            "said": said,
            "refusals": refusals,
        });
        let mut text = serde_json::to_string_pretty(&fixture).unwrap();
        for (real, shown) in [
            (usb_text.clone(), "/media/usb/Quietline".to_string()),
            (
                root.path().display().to_string(),
                "/home/volunteer".to_string(),
            ),
        ] {
            text = text.replace(&real, &shown);
        }
        text.push('\n');
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/testing/keeping.json");
        std::fs::write(path, text).unwrap();
    }
}
