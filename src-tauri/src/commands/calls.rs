//! Logging, listing, opening, editing and deleting calls, and the draft.

use chrono::Utc;
use quietline::app::{
    AppError, CallFilter, CallForm, CallList, Logged, OpenedCall, Rules, Vocabulary,
};
use tauri::AppHandle;

use super::off_main_thread;

/// The limits and labels the screens show; needs no store, so the first
/// screen can show the passphrase's minimum.
#[tauri::command]
pub async fn rules() -> Result<Rules, AppError> {
    Ok(Rules::new())
}

#[tauri::command]
pub async fn vocabulary(app: AppHandle) -> Result<Vocabulary, AppError> {
    off_main_thread(app, "vocabulary", |h| h.with(|s| Ok(s.vocabulary()))).await
}

#[tauri::command]
pub async fn new_form(app: AppHandle) -> Result<CallForm, AppError> {
    off_main_thread(app, "new form", |h| h.with(|s| s.new_form(Utc::now()))).await
}

#[tauri::command]
pub async fn log_call(app: AppHandle, form: CallForm) -> Result<Logged, AppError> {
    off_main_thread(app, "log call", move |h| {
        h.with(|s| s.log_call(&form, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn log_short_call(
    app: AppHandle,
    form: CallForm,
    call_type: String,
) -> Result<Logged, AppError> {
    off_main_thread(app, "log short call", move |h| {
        h.with(|s| s.log_short_call(&form, &call_type, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn undo_log(app: AppHandle, id: String, form: CallForm) -> Result<CallForm, AppError> {
    off_main_thread(app, "undo log", move |h| h.with(|s| s.undo_log(&id, &form))).await
}

#[tauri::command]
pub async fn open_call(app: AppHandle, id: String) -> Result<OpenedCall, AppError> {
    off_main_thread(app, "open call", move |h| h.with(|s| s.open_call(&id))).await
}

#[tauri::command]
pub async fn update_call(app: AppHandle, id: String, form: CallForm) -> Result<(), AppError> {
    off_main_thread(app, "update call", move |h| {
        h.with(|s| s.update_call(&id, &form, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn delete_call(app: AppHandle, id: String) -> Result<(), AppError> {
    off_main_thread(app, "delete call", move |h| {
        h.with(|s| s.delete_call(&id, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn list_calls(app: AppHandle, filter: CallFilter) -> Result<CallList, AppError> {
    off_main_thread(app, "list calls", move |h| {
        h.with(|s| s.list_calls(&filter, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn save_draft(app: AppHandle, form: CallForm) -> Result<bool, AppError> {
    off_main_thread(app, "save draft", move |h| h.with(|s| s.save_draft(&form))).await
}

#[tauri::command]
pub async fn load_draft(app: AppHandle) -> Result<Option<CallForm>, AppError> {
    off_main_thread(app, "load draft", |h| h.with(|s| s.draft())).await
}

#[tauri::command]
pub async fn clear_draft(app: AppHandle) -> Result<CallForm, AppError> {
    off_main_thread(app, "clear draft", |h| h.with(|s| s.clear_form(Utc::now()))).await
}
