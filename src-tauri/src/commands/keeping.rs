//! Backups, restoring one, the retention policy and legal holds.
//!
//! Only paths, numbers and secrets cross from the web view: the backup
//! files are read and written on this side, and every rule and message is
//! the library's (`quietline::app::keeping`).

use chrono::Utc;
use quietline::app::{
    AppError, BackupChoice, BackupFileView, BackupMade, BackupStatus, RestorePreview,
    RestoreRequest, Restored, RetentionView, Session, ShredDone, ShredPreview, keeping,
};
use tauri::AppHandle;
use zeroize::Zeroize;

use super::off_main_thread;
use crate::secret::Secret;

#[tauri::command]
pub async fn backup_status(app: AppHandle) -> Result<BackupStatus, AppError> {
    off_main_thread(app, "backup status", |h| {
        h.with(|s| s.backup_status(Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn choose_backups(
    app: AppHandle,
    choice: BackupChoice,
) -> Result<BackupStatus, AppError> {
    off_main_thread(app, "choose backups", move |h| {
        h.with(|s| s.choose_backups(&choice, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn back_up_now(app: AppHandle) -> Result<BackupMade, AppError> {
    off_main_thread(app, "back up now", |h| {
        h.with(|s| s.back_up_now(Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn retention(app: AppHandle) -> Result<RetentionView, AppError> {
    off_main_thread(app, "retention", |h| h.with(|s| s.retention())).await
}

#[tauri::command]
pub async fn preview_shred(app: AppHandle, months: u32) -> Result<ShredPreview, AppError> {
    off_main_thread(app, "preview shred", move |h| {
        h.with(|s| s.preview_shred(months, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn set_retention(app: AppHandle, months: u32) -> Result<ShredDone, AppError> {
    off_main_thread(app, "set retention", move |h| {
        h.with(|s| s.set_retention(months, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn hold_call(app: AppHandle, id: String) -> Result<String, AppError> {
    off_main_thread(app, "hold call", move |h| {
        h.with(|s| s.hold(&id, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn release_hold(app: AppHandle, id: String) -> Result<String, AppError> {
    off_main_thread(app, "release hold", move |h| {
        h.with(|s| s.release_hold(&id))
    })
    .await
}

/// What a backup file says about itself; needs no unlocked store.
#[tauri::command]
pub async fn check_backup_file(app: AppHandle, path: String) -> Result<BackupFileView, AppError> {
    off_main_thread(app, "check backup file", move |h| {
        keeping::check_backup_file(h.store_dir(), &path)
    })
    .await
}

/// Unlocks and checks a backup and says what it holds; keeps nothing.
#[tauri::command]
pub async fn preview_restore(
    app: AppHandle,
    path: String,
    passphrase: Secret,
    recovery_key: Secret,
    new_passphrase: Secret,
) -> Result<RestorePreview, AppError> {
    off_main_thread(app, "preview restore", move |h| {
        let secrets = [&passphrase, &recovery_key, &new_passphrase];
        with_request(path, secrets, String::new(), |request| {
            keeping::preview_restore(h.store_dir(), request)
        })
    })
    .await
}

/// Restores a backup as this laptop's call log and opens it, as unlocking
/// does.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    path: String,
    passphrase: Secret,
    recovery_key: Secret,
    new_passphrase: Secret,
    confirm: String,
) -> Result<Restored, AppError> {
    off_main_thread(app, "restore backup", move |h| {
        let secrets = [&passphrase, &recovery_key, &new_passphrase];
        let (session, restored) = with_request(path, secrets, confirm, |request| {
            Session::restore(h.store_dir(), request, Utc::now())
        })?;
        h.put(session);
        h.keep_quietly(false);
        Ok(restored)
    })
    .await
}

/// Builds the library's request from what the window sent, for `f` only:
/// the copies of the secrets it holds are zeroed afterwards, as the
/// [`Secret`]s themselves are when dropped.
fn with_request<T>(
    path: String,
    [passphrase, recovery_key, new_passphrase]: [&Secret; 3],
    confirm: String,
    f: impl FnOnce(&RestoreRequest) -> T,
) -> T {
    let mut request = RestoreRequest {
        path,
        passphrase: passphrase.expose().to_string(),
        recovery_key: recovery_key.expose().to_string(),
        new_passphrase: new_passphrase.expose().to_string(),
        confirm,
    };
    let result = f(&request);
    request.passphrase.zeroize();
    request.recovery_key.zeroize();
    request.new_passphrase.zeroize();
    result
}
