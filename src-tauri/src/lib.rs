//! Quietline's desktop shell: holds the unlocked session and adapts one
//! command per operation to the `quietline` library. No SQL, crypto or
//! business rules live here.

mod commands;
mod secret;
mod session;

use std::path::PathBuf;

use quietline::store::{STORE_ENV, default_dir};

use session::SessionHolder;

/// The volunteer's store: `QUIETLINE_STORE` if set (every test gives its
/// own), otherwise the platform's data directory.
fn store_dir() -> PathBuf {
    std::env::var_os(STORE_ENV)
        .map(PathBuf::from)
        .or_else(default_dir)
        .unwrap_or_else(|| PathBuf::from("quietline-store"))
}

pub fn run() {
    let holder = SessionHolder::new(store_dir());
    tauri::Builder::default()
        .manage(holder)
        .setup(|app| {
            session::watch_for_idle(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store::status,
            commands::store::passphrase_strength,
            commands::store::create_store,
            commands::store::unlock,
            commands::store::recover,
            commands::store::open_demo,
            commands::store::lock,
            commands::store::still_here,
            commands::calls::vocabulary,
            commands::calls::new_form,
            commands::calls::log_call,
            commands::calls::open_call,
            commands::calls::update_call,
            commands::calls::delete_call,
            commands::calls::list_calls,
            commands::calls::save_draft,
            commands::calls::load_draft,
            commands::calls::clear_draft,
            commands::settings::get_settings,
            commands::settings::update_settings,
            commands::settings::change_passphrase,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("quietline: the window could not be opened: {e}");
            std::process::exit(1);
        });
}
