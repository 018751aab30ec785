//! Returns: a volunteer makes one for their coordinator; a coordinator
//! checks and merges them, and manages the volunteers they trust.
//!
//! Only paths cross from the web view. The files' bytes (ciphertext) and
//! every key but the public coordinator key stay on this side.

use chrono::Utc;
use quietline::app::{
    AppError, MergeRequest, MergeResult, Purged, ReturnFile, ReturnMade, ReturnRequest,
    ReturnsOverview, VolunteerRow,
};
use tauri::AppHandle;

use super::off_main_thread;

#[tauri::command]
pub async fn returns_overview(app: AppHandle) -> Result<ReturnsOverview, AppError> {
    off_main_thread(app, "returns overview", |h| {
        h.with(|s| s.returns_overview(Utc::now()))
    })
    .await
}

/// Writes the return where the volunteer typed (a folder or a file name),
/// never over a file that is already there.
#[tauri::command]
pub async fn create_return(app: AppHandle, request: ReturnRequest) -> Result<ReturnMade, AppError> {
    off_main_thread(app, "create return", move |h| {
        h.with(|s| s.create_return(&request, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn become_coordinator(app: AppHandle) -> Result<ReturnsOverview, AppError> {
    off_main_thread(app, "become coordinator", |h| {
        h.with(|s| s.become_coordinator(Utc::now()))
    })
    .await
}

/// Opens and verifies the files the coordinator chose, merging nothing.
#[tauri::command]
pub async fn check_returns(
    app: AppHandle,
    paths: Vec<String>,
) -> Result<Vec<ReturnFile>, AppError> {
    off_main_thread(app, "check returns", move |h| {
        h.with(|s| s.check_returns(&paths))
    })
    .await
}

/// Merges the files; a new volunteer's only if their fingerprint is in
/// `request.trust`, which the coordinator confirmed with them.
#[tauri::command]
pub async fn merge_returns(
    app: AppHandle,
    request: MergeRequest,
) -> Result<Vec<MergeResult>, AppError> {
    off_main_thread(app, "merge returns", move |h| {
        h.with(|s| s.merge_returns(&request, Utc::now()))
    })
    .await
}

#[tauri::command]
pub async fn volunteers(app: AppHandle) -> Result<Vec<VolunteerRow>, AppError> {
    off_main_thread(app, "volunteers", |h| h.with(|s| s.volunteers())).await
}

#[tauri::command]
pub async fn revoke_volunteer(
    app: AppHandle,
    fingerprint: String,
) -> Result<Vec<VolunteerRow>, AppError> {
    off_main_thread(app, "revoke volunteer", move |h| {
        h.with(|s| s.revoke_volunteer(&fingerprint, Utc::now()))
    })
    .await
}

/// Removes a revoked volunteer's merged calls; the view has asked the
/// coordinator to confirm.
#[tauri::command]
pub async fn purge_volunteer(app: AppHandle, fingerprint: String) -> Result<Purged, AppError> {
    off_main_thread(app, "purge volunteer", move |h| {
        h.with(|s| s.purge_volunteer(&fingerprint, chrono::Utc::now()))
    })
    .await
}
