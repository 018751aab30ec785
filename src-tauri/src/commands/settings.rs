//! The volunteer's settings and passphrase.

use quietline::app::{AppError, AppSettings};
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
