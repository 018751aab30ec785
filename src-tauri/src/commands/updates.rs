//! Checking for a newer Quietline and installing it (see `crate::updates`).

use quietline::app::{AppError, UpdateCheck};
use tauri::AppHandle;

use crate::session::log_error;

/// Asks the helpline's update server now (the volunteer pressed "Check for
/// updates"): the newer version and its notes, or that this is the latest.
#[tauri::command]
pub async fn check_for_update(app: AppHandle) -> Result<UpdateCheck, AppError> {
    let result = crate::updates::check(&app).await;
    if let Err(e) = &result {
        log_error("check for update", e);
    }
    result
}

/// Installs the version the last check found, once its signature verifies;
/// locks the store first and restarts into the new version.
#[tauri::command]
pub async fn install_update(app: AppHandle) -> Result<(), AppError> {
    let result = crate::updates::install(&app).await;
    if let Err(e) = &result {
        log_error("install update", e);
    }
    result
}
