//! Quietline's desktop shell: holds the unlocked session and adapts one
//! command per operation to the `quietline` library. No SQL, crypto or
//! business rules live here.

// Nothing from a user, a file or the disk may panic the program; tests may.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod commands;
mod secret;
mod session;
mod updates;

use std::path::PathBuf;

use quietline::store::STORE_ENV;

use session::SessionHolder;

/// The volunteer's store: `QUIETLINE_STORE` if set (every test gives its
/// own), otherwise the platform's data directory. Without a home directory
/// the app refuses to start, as the CLI does, rather than keep confidential
/// calls in a folder beside wherever it was started from.
fn store_dir() -> PathBuf {
    quietline::app::store_dir(std::env::var_os(STORE_ENV).map(PathBuf::from)).unwrap_or_else(|e| {
        eprintln!("quietline: {e}; set {STORE_ENV} to the folder for the call log");
        std::process::exit(1);
    })
}

/// Only the app's own pages may load in the window: a link or a script
/// can never take it to a remote page that could reach the commands.
fn is_own_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => true,
        "http" | "https" => {
            url.host_str() == Some("tauri.localhost")
                || (cfg!(debug_assertions) && url.host_str() == Some("localhost"))
        }
        _ => false,
    }
}

/// A panic's message could quote whatever was being handled; say only
/// where it happened, so no call content reaches a terminal or a crash log.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("quietline: internal error{place}; the store is unchanged since the last save");
    }));
}

pub fn run() {
    quiet_panics();
    // Before anything is decrypted: a crash must not write memory to disk.
    if let Err(e) = quietline::process::forbid_core_dumps() {
        eprintln!("quietline: warning: core dumps could not be turned off ({e})");
    }
    let holder = SessionHolder::new(store_dir());
    let mut context = tauri::generate_context!();
    updates::use_test_endpoint(&mut context);
    tauri::Builder::default()
        // Only for "Choose…" on the Returns, Settings and first screens
        // (returns, a profile, the backup folder, a backup to restore): the
        // dialog hands back paths, and the commands read the files themselves.
        .plugin(tauri_plugin_dialog::init())
        // Signed updates; the web view reaches them only through the two
        // update commands below, never the plugin's own (not granted).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(holder)
        .manage(updates::PendingUpdate::default())
        .setup(|app| {
            // The window title never changes: it shows in task switchers and
            // screen shares, so it must never carry call content.
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("index.html".into()),
            )
            .title("Quietline")
            // Fits a 1366×768 laptop screen once its panels and the title
            // bar have taken their share of the 768 pixels.
            .inner_size(1200.0, 700.0)
            .min_inner_size(720.0, 560.0)
            .on_navigation(is_own_page)
            .build()?;
            session::watch_for_idle(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store::status,
            commands::store::passphrase_strength,
            commands::store::suggest_passphrase,
            commands::store::create_store,
            commands::store::unlock,
            commands::store::recover,
            commands::store::open_demo,
            commands::store::lock,
            commands::store::still_here,
            commands::calls::rules,
            commands::calls::vocabulary,
            commands::calls::new_form,
            commands::calls::log_call,
            commands::calls::log_short_call,
            commands::calls::undo_log,
            commands::calls::open_call,
            commands::calls::update_call,
            commands::calls::delete_call,
            commands::calls::list_calls,
            commands::calls::save_draft,
            commands::calls::load_draft,
            commands::calls::clear_draft,
            commands::report::report,
            commands::report::export_report,
            commands::returns::returns_overview,
            commands::returns::create_return,
            commands::returns::become_coordinator,
            commands::returns::check_returns,
            commands::returns::merge_returns,
            commands::returns::volunteers,
            commands::returns::revoke_volunteer,
            commands::returns::purge_volunteer,
            commands::profile::profile,
            commands::profile::check_profile_file,
            commands::profile::import_profile,
            commands::profile::set_profile_details,
            commands::profile::export_profile,
            commands::profile::coordinator_key_fingerprint,
            commands::profile::start_theme_draft,
            commands::profile::edit_theme_draft,
            commands::profile::publish_theme_draft,
            commands::settings::get_settings,
            commands::settings::update_settings,
            commands::settings::change_passphrase,
            commands::settings::activity,
            commands::keeping::backup_status,
            commands::keeping::choose_backups,
            commands::keeping::back_up_now,
            commands::keeping::retention,
            commands::keeping::preview_shred,
            commands::keeping::set_retention,
            commands::keeping::hold_call,
            commands::keeping::release_hold,
            commands::keeping::check_backup_file,
            commands::keeping::preview_restore,
            commands::keeping::restore_backup,
            commands::updates::check_for_update,
            commands::updates::install_update,
        ])
        .run(context)
        .unwrap_or_else(|e| {
            eprintln!("quietline: the window could not be opened: {e}");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::is_own_page;

    /// The words inside the first `open … close` after `start` in `text`
    /// that look like command names, with `prefix` taken off.
    fn names(text: &str, start: &str, close: &str, prefix: &str) -> BTreeSet<String> {
        let from = text.find(start).map_or("", |i| &text[i + start.len()..]);
        let body = from.find(close).map_or(from, |end| &from[..end]);
        body.split(|c: char| !(c.is_ascii_alphanumeric() || "_-:\"".contains(c)))
            .filter_map(|w| w.trim_matches('"').strip_prefix(prefix))
            .filter(|w| !w.is_empty())
            .map(|w| w.replace('-', "_"))
            .collect()
    }

    /// The names of the members of the block opened by `start` in `text`
    /// (up to the first line that is only `close`), taken from the lines
    /// indented two spaces, by what `pick` takes from each.
    fn members(
        text: &str,
        start: &str,
        close: &str,
        pick: fn(&str) -> Option<&str>,
    ) -> Vec<String> {
        let from = text.find(start).map_or("", |i| &text[i + start.len()..]);
        from.lines()
            .take_while(|line| *line != close)
            .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
            .filter_map(|line| pick(&line[2..]))
            .map(str::to_string)
            .collect()
    }

    /// The identifier `s` starts with, if any.
    fn ident(s: &str) -> Option<&str> {
        let end = s
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(s.len());
        (end > 0).then(|| &s[..end])
    }

    /// `log_short_call` as the window's code names it: `logShortCall`.
    fn camel(command: &str) -> String {
        let mut words = command.split('_');
        let first = words.next().unwrap_or_default().to_string();
        words.fold(first, |mut name, word| {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                name.extend(c.to_uppercase());
                name.push_str(chars.as_str());
            }
            name
        })
    }

    /// A command is listed in build.rs (its permission), registered with
    /// the handler, granted by the capability, called by the window's one
    /// IPC module under its own name, promised by the contract the screens
    /// use and answered by the browser tests' stand-in backend: a command
    /// added in one place and not the others fails here, not in front of a
    /// volunteer.
    #[test]
    fn every_command_is_listed_registered_granted_and_called_alike() {
        let listed = names(include_str!("../build.rs"), "&[&str] = &[", "];", "");
        let registered = names(
            include_str!("lib.rs"),
            "generate_handler![",
            "]",
            "commands::",
        )
        .into_iter()
        .filter_map(|path| path.split("::").nth(1).map(str::to_string))
        .collect::<BTreeSet<_>>();
        let granted = names(
            include_str!("../capabilities/main.json"),
            "\"permissions\"",
            "]",
            "allow-",
        );
        let called: BTreeSet<String> = include_str!("../../ui/src/lib/ipc.ts")
            .split("invoke(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_string))
            .collect();
        assert!(listed.len() > 20, "{listed:?}");
        assert_eq!(registered, listed, "generate_handler! and build.rs");
        assert_eq!(granted, listed, "capabilities/main.json and build.rs");
        assert_eq!(called, listed, "ui/src/lib/ipc.ts and build.rs");

        // The contract's methods, ipc.ts's and the mock's are the same
        // set, each command behind the method named after it.
        let promised: BTreeSet<String> = members(
            include_str!("../../ui/src/lib/contract.ts"),
            "export interface Backend {",
            "}",
            |line| {
                line.split_once('(')
                    .and_then(|(name, _)| ident(name).filter(|n| *n == name))
            },
        )
        .into_iter()
        .collect();
        let ipc = include_str!("../../ui/src/lib/ipc.ts");
        let implemented: BTreeSet<String> =
            members(ipc, "export const backend: Backend = {", "};", |line| {
                line.split_once(':')
                    .and_then(|(name, _)| ident(name).filter(|n| *n == name))
            })
            .into_iter()
            .collect();
        let mocked: BTreeSet<String> = members(
            include_str!("../../ui/src/lib/testing/mockIpc.ts"),
            "export const backend: Backend = {",
            "};",
            |line| {
                line.strip_prefix("async ")
                    .and_then(|rest| rest.split_once('('))
                    .map(|(name, _)| name)
            },
        )
        .into_iter()
        .collect();
        assert!(promised.len() > listed.len(), "{promised:?}");
        assert_eq!(implemented, promised, "ui/src/lib/ipc.ts and contract.ts");
        assert_eq!(
            mocked, promised,
            "ui/src/lib/testing/mockIpc.ts and contract.ts"
        );
        for command in &listed {
            let method = camel(command);
            assert!(
                promised.contains(&method),
                "contract.ts has no {method} for {command}"
            );
            let wired = format!("  {method}: (");
            let call = format!("invoke(\"{command}\"");
            // The method's first line and those indented under it.
            let body: Vec<&str> = ipc
                .split(&wired)
                .nth(1)
                .unwrap_or_default()
                .lines()
                .enumerate()
                .take_while(|(i, line)| *i == 0 || line.starts_with("    "))
                .map(|(_, line)| line)
                .collect();
            let body = body.join("\n");
            assert!(
                body.contains(&call),
                "ipc.ts's {method} does not invoke {command}"
            );
        }
    }

    #[test]
    fn only_the_apps_own_pages_may_load() {
        let url = |s: &str| tauri::Url::parse(s).unwrap();
        assert!(is_own_page(&url("tauri://localhost/index.html")));
        assert!(is_own_page(&url("http://tauri.localhost/")));
        assert!(!is_own_page(&url("https://example.org/")));
        assert!(!is_own_page(&url("file:///etc/passwd")));
        assert!(!is_own_page(&url("http://tauri.localhost.example.org/")));
    }
}
