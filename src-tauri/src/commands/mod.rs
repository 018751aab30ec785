//! One command per operation. Each runs on a blocking worker thread (key
//! derivation alone takes a tenth of a second) and returns the library's
//! own types, or its `{code, message}` error.

pub mod calls;
pub mod keeping;
pub mod profile;
pub mod report;
pub mod returns;
pub mod settings;
pub mod store;
pub mod updates;

use quietline::app::{AppError, ErrorCode};
use tauri::{AppHandle, Manager};

use crate::session::{SessionHolder, log_error};

async fn off_main_thread<T: Send + 'static>(
    app: AppHandle,
    operation: &'static str,
    f: impl FnOnce(&SessionHolder) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let result = tauri::async_runtime::spawn_blocking(move || f(&app.state::<SessionHolder>()))
        .await
        .unwrap_or_else(|_| {
            Err(AppError::new(
                ErrorCode::Failed,
                "Something went wrong inside Quietline. Try again; your draft is kept.",
            ))
        });
    if let Err(e) = &result {
        log_error(operation, e);
    }
    result
}
