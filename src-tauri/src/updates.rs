//! Checking for and installing a newer Quietline through Tauri's updater
//! plugin. The plugin fetches the update manifest, and before anything is
//! installed verifies the downloaded package against the helpline's public
//! update key (`plugins.updater.pubkey` in tauri.conf.json) and the version
//! it was signed for (`requireSignedVersion`). The words and the rules
//! (off until turned on, what each failure means) are the library's
//! (`quietline::app::update_check`, `update_error`).
//!
//! Only a check the volunteer asked for, or the one after unlocking when
//! they turned "check automatically" on, ever reaches the network.

use std::sync::Mutex;

use quietline::app::{AppError, UpdateCheck, UpdateFailure, update_check, update_error};
use tauri::{AppHandle, Emitter, Manager, Runtime, Url};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};

use crate::session::{LOCKED_EVENT, SessionHolder, log_error};

/// The event the web view hears when the check after unlocking found a
/// newer version, with its [`UpdateCheck`].
pub const UPDATE_AVAILABLE_EVENT: &str = "quietline://update-available";

/// For the end-to-end test only: an update server on this machine's
/// loopback address (`http://127.0.0.1:<port>/…`), used instead of the
/// helpline's. Anything else in it is ignored. It never changes the public
/// key: whatever that server offers is installed only if the helpline's
/// private key signed it, so the variable can point a check at a local
/// server and no further; and whoever can set this program's environment
/// can already run their own programs as this user.
pub const UPDATE_ENDPOINT_ENV: &str = "QUIETLINE_UPDATE_ENDPOINT";

/// The update found by the last check, kept until it is installed.
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<Update>>);

impl PendingUpdate {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Update>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The loopback endpoint `value` names, if it names one: plain HTTP to
/// 127.0.0.1 only (production endpoints are HTTPS, from the config).
pub fn loopback_endpoint(value: Option<&str>) -> Option<Url> {
    let url = Url::parse(value?).ok()?;
    let loopback = url.scheme() == "http"
        && url.host_str() == Some("127.0.0.1")
        && url.username().is_empty()
        && url.password().is_none();
    loopback.then_some(url)
}

/// Points the updater at the test server of [`UPDATE_ENDPOINT_ENV`], if
/// set to a loopback address, before the plugin reads its configuration.
/// The plugin refuses plain HTTP unless told otherwise; that permission is
/// given here for the loopback address only, never in tauri.conf.json.
pub fn use_test_endpoint<R: Runtime>(context: &mut tauri::Context<R>) {
    let Some(raw) = std::env::var(UPDATE_ENDPOINT_ENV).ok() else {
        return;
    };
    let Some(url) = loopback_endpoint(Some(&raw)) else {
        eprintln!("quietline: ignoring {UPDATE_ENDPOINT_ENV}: only http://127.0.0.1 is allowed");
        return;
    };
    if let Some(updater) = context
        .config_mut()
        .plugins
        .0
        .get_mut("updater")
        .and_then(|v| v.as_object_mut())
    {
        updater.insert("endpoints".into(), serde_json::json!([url.as_str()]));
        updater.insert(
            "dangerousInsecureTransportProtocol".into(),
            serde_json::Value::Bool(true),
        );
        eprintln!("quietline: checking for updates at {url} (a test server on this machine)");
    }
}

/// What a plugin error means for the volunteer, with its text for the log.
fn failure(e: &UpdaterError, checking: bool) -> AppError {
    let kind = match e {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => UpdateFailure::NotSigned,
        _ if checking => UpdateFailure::Unreachable,
        UpdaterError::Reqwest(_) | UpdaterError::Network(_) => UpdateFailure::Unreachable,
        _ => UpdateFailure::NotInstalled,
    };
    AppError {
        detail: Some(e.to_string()),
        ..update_error(kind)
    }
}

/// Asks the update server whether there is a newer version; keeps it for
/// [`install`].
pub async fn check(app: &AppHandle) -> Result<UpdateCheck, AppError> {
    let current = app.package_info().version.to_string();
    let found = async { app.updater()?.check().await }
        .await
        .map_err(|e| failure(&e, true))?;
    let answer = update_check(
        &current,
        found
            .as_ref()
            .map(|u| (u.version.as_str(), u.body.as_deref().unwrap_or_default())),
    );
    *app.state::<PendingUpdate>().slot() = found;
    Ok(answer)
}

/// After an unlock, when the volunteer turned automatic checks on: checks
/// in the background and tells the web view only if there is something new.
pub fn check_after_unlock(app: AppHandle) {
    let wanted = app
        .state::<SessionHolder>()
        .with_quietly(|s| Ok(s.settings().check_for_updates));
    if !matches!(wanted, Some(Ok(true))) {
        return;
    }
    tauri::async_runtime::spawn(async move {
        match check(&app).await {
            Ok(answer) if answer.version.is_some() => {
                let _ = app.emit(UPDATE_AVAILABLE_EVENT, answer);
            }
            Ok(_) => {}
            Err(e) => log_error("automatic update check", &e),
        }
    });
}

/// Downloads the update found by the last check and verifies its
/// signature; only then locks the store (the web view sealed the call being
/// typed as a draft before asking, and locking drops every key) and
/// installs it, restarting into the new version. A download that does not
/// verify is refused with the store still unlocked and nothing changed.
pub async fn install(app: &AppHandle) -> Result<(), AppError> {
    let Some(update) = app.state::<PendingUpdate>().slot().clone() else {
        return Err(update_error(UpdateFailure::NothingToInstall));
    };
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(|e| failure(&e, false))?;
    app.state::<SessionHolder>().lock();
    let installed = tauri::async_runtime::spawn_blocking(move || update.install(bytes)).await;
    match installed {
        Ok(Ok(())) => app.restart(),
        Ok(Err(e)) => {
            let e = failure(&e, false);
            log_error("install update", &e);
            // The store is locked: the web view goes to the Unlock screen.
            let _ = app.emit(LOCKED_EVENT, "update");
            Err(e)
        }
        Err(_) => {
            let _ = app.emit(LOCKED_EVENT, "update");
            Err(update_error(UpdateFailure::NotInstalled))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::loopback_endpoint;

    #[test]
    fn only_plain_http_on_the_loopback_address_is_a_test_endpoint() {
        assert!(loopback_endpoint(Some("http://127.0.0.1:8123/latest.json")).is_some());
        for refused in [
            None,
            Some(""),
            Some("https://127.0.0.1:8123/latest.json"),
            Some("http://localhost:8123/latest.json"),
            Some("http://127.0.0.2/latest.json"),
            Some("http://127.0.0.1.example.org/latest.json"),
            Some("http://user@127.0.0.1/latest.json"),
            Some("http://10.0.0.1/latest.json"),
            Some("file:///tmp/latest.json"),
        ] {
            assert!(loopback_endpoint(refused).is_none(), "{refused:?}");
        }
    }

    /// Production checks go over TLS to the helpline's server, with the
    /// signed version required, and never allow plain HTTP.
    #[test]
    fn the_configured_update_server_uses_tls_and_a_public_key() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let updater = &config["plugins"]["updater"];
        let endpoints = updater["endpoints"].as_array().unwrap();
        assert!(!endpoints.is_empty());
        for endpoint in endpoints {
            assert!(
                endpoint.as_str().unwrap().starts_with("https://"),
                "{endpoint}"
            );
        }
        assert!(updater["pubkey"].as_str().is_some_and(|k| k.len() > 40));
        assert_eq!(updater["requireSignedVersion"], true);
        assert!(updater.get("dangerousInsecureTransportProtocol").is_none());
        assert!(updater.get("dangerousAcceptInvalidCerts").is_none());
    }
}
