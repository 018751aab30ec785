//! Creating, unlocking, recovering and locking the store.

use chrono::Utc;
use quietline::app::{
    AppError, Created, PassphraseStrength, PassphraseSuggestion, Session, StoreStatus,
    passphrase_strength as strength, suggest_passphrase as suggestion,
};
use tauri::AppHandle;

use super::off_main_thread;
use crate::secret::Secret;

/// Asked by the window on its own (at start, after each unlock or lock),
/// so it does not count as activity for the idle lock.
#[tauri::command]
pub async fn status(app: AppHandle) -> Result<StoreStatus, AppError> {
    off_main_thread(app, "status", |h| Ok(h.status())).await
}

#[tauri::command]
pub async fn passphrase_strength(passphrase: Secret) -> Result<PassphraseStrength, AppError> {
    Ok(strength(passphrase.expose()))
}

/// Four random words to offer where a passphrase is chosen.
#[tauri::command]
pub async fn suggest_passphrase() -> Result<PassphraseSuggestion, AppError> {
    suggestion()
}

#[tauri::command]
pub async fn create_store(app: AppHandle, passphrase: Secret) -> Result<Created, AppError> {
    off_main_thread(app, "create", move |h| {
        let (session, created) = Session::create(h.store_dir(), passphrase.expose())?;
        h.put(session);
        Ok(created)
    })
    .await
}

#[tauri::command]
pub async fn unlock(app: AppHandle, passphrase: Secret) -> Result<StoreStatus, AppError> {
    let status = off_main_thread(app.clone(), "unlock", move |h| {
        let session = Session::unlock(h.store_dir(), passphrase.expose())?;
        if let Some(warning) = session.opening_warning() {
            eprintln!("quietline: warning: {warning}");
        }
        let status = session.status();
        h.put(session);
        // The retention policy and what the backups are owed, at once.
        h.keep_quietly(false);
        Ok(status)
    })
    .await?;
    // Only if the volunteer turned automatic update checks on.
    crate::updates::check_after_unlock(app);
    Ok(status)
}

#[tauri::command]
pub async fn recover(
    app: AppHandle,
    recovery_key: Secret,
    new_passphrase: Secret,
) -> Result<StoreStatus, AppError> {
    off_main_thread(app, "recover", move |h| {
        let session = Session::recover(
            h.store_dir(),
            recovery_key.expose(),
            new_passphrase.expose(),
        )?;
        let status = session.status();
        h.put(session);
        h.keep_quietly(false);
        Ok(status)
    })
    .await
}

#[tauri::command]
pub async fn open_demo(app: AppHandle) -> Result<StoreStatus, AppError> {
    off_main_thread(app, "open demo", |h| {
        let session = Session::open_demo(&h.demo_dir(), Utc::now())?;
        let status = session.status();
        h.put(session);
        Ok(status)
    })
    .await
}

/// Locks at once; a backup that is due is made afterwards, off the lock.
#[tauri::command]
pub async fn lock(app: AppHandle) -> Result<(), AppError> {
    off_main_thread(app, "lock", |h| {
        h.lock();
        Ok(())
    })
    .await
}

/// The volunteer is still at the keyboard: restart the idle clock.
#[tauri::command]
pub async fn still_here(app: AppHandle) -> Result<(), AppError> {
    off_main_thread(app, "activity", |h| {
        h.touch();
        Ok(())
    })
    .await
}
