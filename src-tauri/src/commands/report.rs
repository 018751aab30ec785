//! The coordinators' annual report: viewing it, and saving it as a file.

use quietline::app::{AppError, ExportFormat, Exported, ReportRequest, ReportView};
use tauri::AppHandle;

use super::off_main_thread;

#[tauri::command]
pub async fn report(app: AppHandle, request: ReportRequest) -> Result<ReportView, AppError> {
    off_main_thread(app, "report", move |h| h.with(|s| s.report(&request))).await
}

/// Saves the report where the coordinator typed, with their narrative.
/// Writing a file the user names is this command's whole purpose, so the
/// web view gets no general file system access.
#[tauri::command]
pub async fn export_report(
    app: AppHandle,
    request: ReportRequest,
    narrative: Vec<String>,
    format: ExportFormat,
    path: String,
) -> Result<Exported, AppError> {
    off_main_thread(app, "export report", move |h| {
        h.with(|s| s.export_report(&request, &narrative, format, &path))
    })
    .await
}
