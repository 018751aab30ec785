//! The volunteer's settings and passphrase.

use chrono::NaiveDate;
use quietline::app::{ActivityList, AppError, AppSettings};
use tauri::AppHandle;

use super::off_main_thread;
use crate::secret::Secret;

#[tauri::command]
pub async fn get_settings(app: AppHandle) -> Result<AppSettings, AppError> {
    off_main_thread(app, "settings", |h| h.with(|s| Ok(s.settings()))).await
}

#[tauri::command]
pub async fn update_settings(
    app: AppHandle,
    settings: AppSettings,
) -> Result<AppSettings, AppError> {
    off_main_thread(app, "update settings", move |h| {
        h.with(|s| s.update_settings(&settings))
    })
    .await
}

/// The activity record from `since` (a day, `YYYY-MM-DD`) on, oldest
/// first, with its chain checked.
#[tauri::command]
pub async fn activity(app: AppHandle, since: Option<NaiveDate>) -> Result<ActivityList, AppError> {
    off_main_thread(app, "activity", move |h| h.with(|s| s.activity(since))).await
}

#[tauri::command]
pub async fn change_passphrase(
    app: AppHandle,
    current: Secret,
    new_passphrase: Secret,
) -> Result<(), AppError> {
    off_main_thread(app, "change passphrase", move |h| {
        h.with(|s| s.change_passphrase(current.expose(), new_passphrase.expose()))
    })
    .await
}
