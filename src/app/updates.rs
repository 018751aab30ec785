//! Updates: what the volunteer is told about a newer Quietline, and the
//! rules around installing one. The desktop shell does the network and the
//! signature check (Tauri's updater plugin, which verifies every download
//! against the helpline's public update key before it is installed); it
//! reports what happened as an [`UpdateFailure`] and this module words it.
//!
//! Whether the app checks at all is a sealed setting
//! ([`super::AppSettings::check_for_updates`]), off until the volunteer
//! turns it on: a check tells the update server this laptop runs
//! Quietline. A check the volunteer asks for in Settings is always allowed.

use serde::{Deserialize, Serialize};

use super::{AppError, ErrorCode};

/// What a check found, for the Settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct UpdateCheck {
    /// The version on offer, when it is newer than this one.
    pub version: Option<String>,
    /// The version running now.
    pub current_version: String,
    /// The release notes as the helpline published them (plain text), or
    /// empty.
    pub notes: String,
    /// One sentence for the volunteer.
    pub message: String,
    /// Shown while the offered version installs, or empty.
    pub installing: String,
}

/// What went wrong with a check or an install, as the shell saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateFailure {
    /// The update server could not be reached or did not answer with a
    /// release (offline, a proxy, the server down).
    Unreachable,
    /// The download is not signed by the helpline's update key, or not for
    /// the version announced: it may have been tampered with.
    NotSigned,
    /// The package manager or installer did not install it (a cancelled
    /// password prompt, a full disk).
    NotInstalled,
    /// No update was on offer when the volunteer asked to install one
    /// (the check is too old, or was never made this session).
    NothingToInstall,
}

/// The check's answer when `offered` (version and notes) is newer than
/// `current`, or when there is nothing newer.
pub fn update_check(current: &str, offered: Option<(&str, &str)>) -> UpdateCheck {
    match offered {
        Some((version, notes)) => UpdateCheck {
            version: Some(version.to_string()),
            current_version: current.to_string(),
            notes: notes.trim().to_string(),
            message: format!(
                "Quietline {version} is available (this laptop has {current}). \
                 Read what it changes, then install it when you are not logging a call."
            ),
            installing: installing_message(version),
        },
        None => UpdateCheck {
            version: None,
            current_version: current.to_string(),
            notes: String::new(),
            message: format!("Quietline {current} is the latest version."),
            installing: String::new(),
        },
    }
}

/// The words for a failed check or install. Nothing was installed in any
/// of these cases, and each message says so.
pub fn update_error(failure: UpdateFailure) -> AppError {
    let message = match failure {
        UpdateFailure::Unreachable => {
            "Quietline could not reach the update server. Check the internet connection \
             and try again later; nothing was installed."
        }
        UpdateFailure::NotSigned => {
            "This update is not signed with the helpline's update key, so it was not \
             installed. Tell your coordinator; keep using this version."
        }
        UpdateFailure::NotInstalled => {
            "The update was downloaded and checked but not installed (the password \
             prompt may have been closed). Your calls are unchanged; try again."
        }
        UpdateFailure::NothingToInstall => {
            "There is no update to install. Check for updates first."
        }
    };
    AppError::new(ErrorCode::Failed, message)
}

/// Said while the update installs: the shell locks the store before
/// installing, so nothing unsealed is in memory when the app restarts.
fn installing_message(version: &str) -> String {
    format!(
        "Installing Quietline {version}. Quietline has locked itself first; \
         it will restart, and your passphrase unlocks it as before."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_version_is_offered_with_its_notes_and_nothing_newer_says_so() {
        let offer = update_check("0.1.0", Some(("0.2.0", "  Fixes the report.\n")));
        assert_eq!(offer.version.as_deref(), Some("0.2.0"));
        assert_eq!(offer.notes, "Fixes the report.");
        assert!(
            offer.message.contains("0.2.0 is available"),
            "{}",
            offer.message
        );
        let none = update_check("0.1.0", None);
        assert_eq!(none.version, None);
        assert_eq!(none.message, "Quietline 0.1.0 is the latest version.");
    }

    #[test]
    fn every_failure_says_nothing_was_installed() {
        for failure in [
            UpdateFailure::Unreachable,
            UpdateFailure::NotSigned,
            UpdateFailure::NotInstalled,
            UpdateFailure::NothingToInstall,
        ] {
            let e = update_error(failure);
            assert_eq!(e.code, ErrorCode::Failed);
            assert!(
                e.message.contains("not installed")
                    || e.message.contains("nothing was installed")
                    || e.message.contains("no update to install"),
                "{failure:?}: {}",
                e.message
            );
        }
    }

    /// What the updates section shows, for the browser tests' stand-in
    /// backend, so it writes no message of its own. Regenerated by
    /// `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_update_messages_for_the_browser_tests() {
        let messages = serde_json::json!({
            "offer": update_check("{current}", Some(("{version}", "{notes}"))),
            "latest": update_check("{current}", None),
            "not_signed": update_error(UpdateFailure::NotSigned).message,
            "unreachable": update_error(UpdateFailure::Unreachable).message,
        });
        let mut json = serde_json::to_string_pretty(&messages).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/updates.json");
        std::fs::write(path, json).unwrap();
    }
}
