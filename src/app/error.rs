//! The one error shape the app's screens see.

use serde::Serialize;

use crate::crypto::CryptoError;
use crate::model::{Field, ValidationError};
use crate::store::StoreError;

/// What the screen branches on. Only codes the UI treats differently exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    /// The passphrase did not unlock the store: ask again.
    WrongPassphrase,
    /// The recovery key did not unlock the store: check the groups.
    WrongRecoveryKey,
    /// A field needs correcting: `field` says which.
    Invalid,
    /// The store is locked (auto-lock happened): go to the unlock screen.
    Locked,
    /// There is no store yet, or one already exists where one was to be made.
    NoStore,
    StoreExists,
    /// The call asked for is not there (deleted in another window, say).
    NotFound,
    /// Part of the store cannot be read: restore from a backup.
    Damaged,
    /// Anything else; the message says what to try.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// For `invalid`: the field to put the cursor back in. The screens
    /// match on it, never on the message.
    pub field: Option<Field>,
    /// Storage or I/O detail for the local log; never shown or sent.
    #[serde(skip)]
    #[cfg_attr(test, ts(skip))]
    pub detail: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
            field: None,
            detail: None,
        }
    }

    pub fn invalid(field: Field, message: impl Into<String>) -> AppError {
        AppError {
            field: Some(field),
            ..AppError::new(ErrorCode::Invalid, message)
        }
    }

    pub fn locked() -> AppError {
        AppError::new(
            ErrorCode::Locked,
            "Quietline is locked. Unlock it with your passphrase to carry on.",
        )
    }

    fn failed(message: &str, detail: impl ToString) -> AppError {
        AppError {
            detail: Some(detail.to_string()),
            ..AppError::new(ErrorCode::Failed, message)
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> AppError {
        AppError::invalid(e.field, capitalised(&format!("{}: {}", e.field, e.reason)))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::WrongPassphrase => AppError::new(
                ErrorCode::WrongPassphrase,
                "That passphrase does not unlock this call log. Check Caps Lock and try again; \
                 if it is lost, use your recovery key.",
            ),
            StoreError::WrongRecoveryKey => AppError::new(
                ErrorCode::WrongRecoveryKey,
                "That recovery key does not unlock this call log. Check each group of four characters.",
            ),
            StoreError::NotFound(_) => AppError::new(
                ErrorCode::NoStore,
                "There is no Quietline call log here yet. Create one to start.",
            ),
            StoreError::AlreadyExists(_) => AppError::new(
                ErrorCode::StoreExists,
                "A Quietline call log already exists here; unlock it instead. Nothing was changed.",
            ),
            StoreError::CallNotFound(_) => AppError::new(
                ErrorCode::NotFound,
                "That call is no longer in the log; it may have been deleted.",
            ),
            StoreError::Invalid(v) => v.into(),
            StoreError::Crypto(c) => c.into(),
            e @ (StoreError::Corrupt { .. } | StoreError::NotAStore) => AppError {
                detail: Some(e.to_string()),
                ..AppError::new(ErrorCode::Damaged, capitalised(&e.to_string()))
            },
            e @ (StoreError::NotABackup
            | StoreError::DamagedBackup
            | StoreError::NewerBackup(_)
            | StoreError::ForeignBackup) => {
                AppError::new(ErrorCode::Failed, capitalised(&e.to_string()))
            }
            e @ StoreError::ThemeListsDiffer => {
                AppError::new(ErrorCode::Failed, capitalised(&e.to_string()))
            }
            e @ StoreError::UnsupportedFormat { .. } => {
                AppError::new(ErrorCode::Failed, capitalised(&e.to_string()))
            }
            e => AppError::failed(
                "Quietline could not read or write its store on this computer. \
                 Check the disk is not full, then try again.",
                e,
            ),
        }
    }
}

impl From<crate::profile::ProfileError> for AppError {
    fn from(e: crate::profile::ProfileError) -> AppError {
        AppError::new(ErrorCode::Failed, capitalised(&e.to_string()))
    }
}

impl From<CryptoError> for AppError {
    fn from(e: CryptoError) -> AppError {
        match e {
            CryptoError::MalformedRecoveryKey(_) | CryptoError::MistypedRecoveryKey => {
                AppError::new(ErrorCode::WrongRecoveryKey, capitalised(&e.to_string()))
            }
            e => AppError::failed(
                "Quietline could not protect or open the data. Try again; if it keeps \
                 happening, restart the computer.",
                e,
            ),
        }
    }
}

pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_detail_stays_out_of_the_message() {
        let e: AppError = StoreError::Storage(rusqlite::Error::InvalidQuery).into();
        assert_eq!(e.code, ErrorCode::Failed);
        assert!(!e.message.contains("Query"), "{}", e.message);
        assert!(e.detail.is_some());
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("detail"), "{json}");
    }

    #[test]
    fn validation_errors_name_the_field_to_fix() {
        let e: AppError = ValidationError::new(Field::Themes, "choose at most 4").into();
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(e.field, Some(Field::Themes));
        assert_eq!(e.message, "Themes: choose at most 4");
    }
}

#[cfg(test)]
mod fixture {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::app::{CallFilter, CallForm};
    use crate::model::CallId;
    use crate::period::DEFAULT_TIME_ZONE;
    use crate::returns::ReturnError;
    use crate::store::Settings;
    use crate::themes::ThemeList;

    /// Stands in for what was typed, in messages that quote it.
    const TYPED: &str = "{typed}";

    fn refused<T>(result: Result<T, AppError>) -> AppError {
        match result {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => e,
        }
    }

    fn form() -> CallForm {
        CallForm {
            started_at: "2024-03-14T09:30".into(),
            duration_minutes: "25".into(),
            role: "headteacher".into(),
            setting: "primary".into(),
            region: "north_west".into(),
            themes: vec!["inspection.ofsted".into()],
            ..CallForm::default()
        }
    }

    fn saving(spoil: fn(&mut CallForm)) -> AppError {
        let mut f = form();
        spoil(&mut f);
        let today = NaiveDate::from_ymd_opt(2024, 3, 14).unwrap();
        let call = f.to_new_call(DEFAULT_TIME_ZONE, today);
        let now = Utc.with_ymd_and_hms(2024, 3, 14, 12, 0, 0).unwrap();
        refused(call.and_then(|c| {
            c.validate(&ThemeList::default_list(), now)
                .map_err(AppError::from)
        }))
    }

    fn settings(spoil: fn(&mut Settings)) -> AppError {
        let mut s = Settings::default();
        spoil(&mut s);
        refused(s.validate().map_err(AppError::from))
    }

    /// The refusals the browser tests' stand-in backend gives, each made by
    /// the code that gives it in the app, so the stand-in writes no message
    /// of its own. `{typed}` stands where a message quotes what was typed.
    /// Regenerated by `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_refusals_for_the_browser_tests() {
        let now = Utc.with_ymd_and_hms(2024, 3, 14, 12, 0, 0).unwrap();
        let mut refusals: BTreeMap<&str, AppError> = BTreeMap::from([
            ("locked", AppError::locked()),
            ("wrong_passphrase", StoreError::WrongPassphrase.into()),
            ("wrong_recovery_key", StoreError::WrongRecoveryKey.into()),
            (
                "recovery_key_mistyped",
                crate::crypto::CryptoError::MistypedRecoveryKey.into(),
            ),
            (
                "store_exists",
                StoreError::AlreadyExists(PathBuf::from("store")).into(),
            ),
            (
                "call_not_found",
                StoreError::CallNotFound(CallId::random()).into(),
            ),
            (
                "passphrase_weak",
                refused(super::super::chosen_passphrase("password123").map(|_| ())),
            ),
            ("started_at", saving(|f| f.started_at = "soon".into())),
            ("duration_missing", saving(|f| f.duration_minutes.clear())),
            (
                "duration_not_minutes",
                saving(|f| f.duration_minutes = TYPED.into()),
            ),
            ("role", saving(|f| f.role.clear())),
            ("setting", saving(|f| f.setting.clear())),
            ("region", saving(|f| f.region.clear())),
            ("follow_up_due", saving(|f| f.follow_up_due = TYPED.into())),
            ("theme_text", saving(|f| f.theme_text = TYPED.into())),
            ("no_theme", saving(|f| f.themes.clear())),
            ("idle_lock", settings(|s| s.idle_lock_minutes = 0)),
            ("call_idle_lock", settings(|s| s.call_idle_lock_minutes = 0)),
            (
                "coordinator_key",
                settings(|s| s.coordinator_key = Some(TYPED.into())),
            ),
            (
                "current_passphrase_wrong",
                super::super::session::current_passphrase_wrong(),
            ),
            (
                "no_such_volunteer",
                super::super::returns::no_such_volunteer(),
            ),
            ("not_revoked", super::super::returns::not_revoked("{typed}")),
            ("no_coordinator_key", ReturnError::NoCoordinatorKey.into()),
            ("no_display_name", ReturnError::NoDisplayName.into()),
            ("not_coordinator", ReturnError::NotCoordinator.into()),
            ("not_a_return", ReturnError::NotAReturn.into()),
            (
                "return_unreadable",
                ReturnError::Io {
                    path: PathBuf::from("return.qlreturn"),
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                }
                .into(),
            ),
            (
                "unknown_signer",
                ReturnError::UnknownSigner {
                    name: "{name}".into(),
                    fingerprint: "{fingerprint}".into(),
                }
                .into(),
            ),
            (
                "end_before_start",
                refused(super::super::listing::list_calls(
                    &[],
                    &CallFilter {
                        from: "2024-03-14".into(),
                        to: "2024-03-01".into(),
                        ..CallFilter::default()
                    },
                    now,
                    DEFAULT_TIME_ZONE,
                    &crate::themes::ThemeCatalogue::shipped(),
                )),
            ),
            ("report_year", super::super::report::year_refused(TYPED)),
            (
                "no_path",
                refused(super::super::report::export_target("", "file", "html")),
            ),
            (
                "path_not_full",
                refused(super::super::report::export_target(
                    TYPED,
                    "{stem}",
                    "{extension}",
                )),
            ),
            (
                "no_folder",
                refused(super::super::report::export_target(
                    "/{typed}/file.html",
                    "{stem}",
                    "{extension}",
                )),
            ),
        ]);
        for action in super::super::demo::DemoAction::ALL {
            refusals.insert(
                action.id(),
                AppError::new(ErrorCode::Failed, action.refusal()),
            );
        }
        let mut json = serde_json::to_string_pretty(&refusals).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/refusals.json");
        std::fs::write(path, json).unwrap();
    }
}
