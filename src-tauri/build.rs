//! Lists every command the web view may call: each gets an `allow-…`
//! permission, and `capabilities/main.json` grants exactly these.

const COMMANDS: &[&str] = &[
    "status",
    "passphrase_strength",
    "create_store",
    "unlock",
    "recover",
    "open_demo",
    "lock",
    "still_here",
    "rules",
    "vocabulary",
    "new_form",
    "log_call",
    "log_short_call",
    "undo_log",
    "open_call",
    "update_call",
    "delete_call",
    "list_calls",
    "get_settings",
    "update_settings",
    "change_passphrase",
    "save_draft",
    "load_draft",
    "clear_draft",
    "report",
    "export_report",
    "returns_overview",
    "create_return",
    "become_coordinator",
    "check_returns",
    "merge_returns",
    "volunteers",
    "revoke_volunteer",
    "profile",
    "check_profile_file",
    "import_profile",
    "set_profile_details",
    "export_profile",
    "coordinator_key_fingerprint",
    "start_theme_draft",
    "edit_theme_draft",
    "publish_theme_draft",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri configuration or capabilities are invalid");
}
