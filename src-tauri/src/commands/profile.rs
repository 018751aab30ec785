//! The helpline profile and the coordinator's theme list editor.
//!
//! Only paths cross from the web view: the profile files are read and
//! written on this side.

use chrono::Utc;
use quietline::app::{
    AppError, ProfileApplied, ProfileDetails, ProfileExported, ProfileFile, ProfileImport,
    ProfileView, ThemeDraftEdit, ThemeDraftView,
};
use quietline::themes::ThemeList;
use tauri::AppHandle;

use super::off_main_thread;

#[tauri::command]
pub async fn profile(app: AppHandle) -> Result<ProfileView, AppError> {
    off_main_thread(app, "profile", |h| h.with(|s| s.profile())).await
}

/// Reads a profile file and says what importing it would do.
#[tauri::command]
pub async fn check_profile_file(app: AppHandle, path: String) -> Result<ProfileFile, AppError> {
    off_main_thread(app, "check profile file", move |h| {
        h.with(|s| s.check_profile_file(&path))
    })
    .await
}

#[tauri::command]
pub async fn import_profile(
    app: AppHandle,
    request: ProfileImport,
) -> Result<ProfileApplied, AppError> {
    off_main_thread(app, "import profile", move |h| {
        h.with(|s| s.import_profile(&request))
    })
    .await
}

#[tauri::command]
pub async fn set_profile_details(
    app: AppHandle,
    details: ProfileDetails,
) -> Result<ProfileView, AppError> {
    off_main_thread(app, "set profile details", move |h| {
        h.with(|s| s.set_profile_details(&details))
    })
    .await
}

/// Writes the signed profile where the coordinator typed (a folder or a
/// file name), never over a file that is already there.
#[tauri::command]
pub async fn export_profile(app: AppHandle, path: String) -> Result<ProfileExported, AppError> {
    off_main_thread(app, "export profile", move |h| {
        h.with(|s| s.export_profile(&path, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn coordinator_key_fingerprint(key: String) -> Result<String, AppError> {
    quietline::app::coordinator_key_fingerprint(&key)
}

#[tauri::command]
pub async fn start_theme_draft(app: AppHandle, shipped: bool) -> Result<ThemeDraftView, AppError> {
    off_main_thread(app, "start theme draft", move |h| {
        h.with(|s| s.start_theme_draft(shipped, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn edit_theme_draft(
    app: AppHandle,
    request: ThemeDraftEdit,
) -> Result<ThemeDraftView, AppError> {
    off_main_thread(app, "edit theme draft", move |h| {
        h.with(|s| s.edit_theme_draft(&request, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn publish_theme_draft(
    app: AppHandle,
    draft: ThemeList,
) -> Result<ProfileView, AppError> {
    off_main_thread(app, "publish theme draft", move |h| {
        h.with(|s| s.publish_theme_draft(&draft))
    })
    .await
}
