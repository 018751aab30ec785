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

impl From<CryptoError> for AppError {
    fn from(e: CryptoError) -> AppError {
        match e {
            CryptoError::WeakPassphrase(_) => {
                AppError::invalid(Field::Passphrase, capitalised(&e.to_string()))
            }
            CryptoError::MalformedRecoveryKey(_) => {
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
