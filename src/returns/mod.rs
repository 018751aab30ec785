//! Coordinator returns: how each volunteer's de-identified calls reach the
//! coordinator, and how the coordinator merges them into one report.
//!
//! A volunteer's store makes a return for a period ([`make_return`]): the
//! facts of each call a report counts, with the month instead of the time
//! and a keyed export id instead of the call id, plus markers for calls
//! deleted since an earlier return. Never notes, safeguarding steps or
//! exact times. The payload is signed with the store's Ed25519 key and
//! encrypted to the coordinator's age key ([`envelope`]).
//!
//! The coordinator's store checks a return ([`check_return`]: size, age
//! decryption, signature, recipient, every rule of the content) and merges
//! it ([`merge_checked`], one transaction per file). A signer is trusted on
//! first use only when the coordinator says so, after comparing the
//! fingerprint with the volunteer.
//!
//! This module owns the return *format* and the merge *policy*
//! ([`merge`]); it sits above the store and [`crate::crypto`], which holds
//! the keys and does all signing and encryption. Neither imports from here.

pub mod envelope;
mod file;
mod keys;
pub mod merge;
pub mod payload;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use data_encoding::HEXLOWER;

use crate::crypto::CryptoError;
use crate::period::{LocalMonth, Period};
use crate::store::{StoreError, Vault, Volunteer};

pub use envelope::{MAX_RETURN_BYTES, RETURN_FORMAT, SignedReturn, open, read_signed, seal, sign};
pub use file::{read_return_file, write_new_file};
pub use keys::{
    CoordinatorIdentity, CoordinatorKey, Fingerprint, PUBLISHED_TEST_KEY, SignerKey, VolunteerKey,
};
pub use merge::{MergeCounts, NotMerged};
pub use payload::{PAYLOAD_FORMAT, ReturnPayload, ReturnPeriod, ReturnedCall};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnError {
    #[error(
        "this file is larger than any return Quietline makes ({} MB at most), so it was not read",
        MAX_RETURN_BYTES / (1024 * 1024)
    )]
    TooLarge,
    #[error("this file is not a Quietline return")]
    NotAReturn,
    #[error(
        "this return is damaged or was changed after it was made; ask the volunteer to send it again"
    )]
    Damaged,
    #[error(
        "this return was made for a different coordinator key; ask the volunteer to check the coordinator key in their settings against this store's key, and make the return again"
    )]
    WrongCoordinator,
    #[error(
        "this return was made by a newer version of Quietline (return format {found}); update Quietline to merge it"
    )]
    UnsupportedVersion { found: u64 },
    #[error(
        "this return's signature does not match its content: it was changed after it was signed; ask the volunteer to send it again"
    )]
    BadSignature,
    #[error("this return does not follow the return format ({0}); nothing was merged")]
    Invalid(String),
    #[error(
        "this return uses theme list version {found}, which this store does not know (it knows up to version {known}); send the volunteer the helpline's current profile and ask for a new return"
    )]
    ThemeListMismatch { found: u32, known: u32 },
    #[error(
        "this return counts its months in the {theirs} time zone and this store counts them in {ours}; send the volunteer the helpline's current profile so both use the same, and ask for a new return"
    )]
    TimeZoneMismatch { theirs: String, ours: String },
    #[error(
        "this return is signed by someone this store does not know yet: \"{name}\", fingerprint {fingerprint}; check the fingerprint with them before trusting them"
    )]
    UnknownSigner { name: String, fingerprint: String },
    #[error(
        "this return is signed by \"{name}\" ({fingerprint}), whose key was revoked on {on}; nothing was merged"
    )]
    RevokedSigner {
        name: String,
        fingerprint: String,
        on: NaiveDate,
    },
    #[error(
        "a newer return from \"{name}\" covering {month} is already merged, so this older one was not"
    )]
    Superseded { name: String, month: String },
    #[error(
        "this return was made from this very call log, whose calls its report counts already; merging it would count them twice, so it was not merged"
    )]
    OwnReturn,
    #[error(
        "'{given}' is not the fingerprint of anyone who signed these returns, so nothing was merged; check it against the fingerprint the volunteer read to you"
    )]
    TrustedSignedNothing { given: String },
    #[error(
        "this store has no coordinator key, so it cannot open returns; create one with `quietline coordinator init`"
    )]
    NotCoordinator,
    #[error(
        "no coordinator key is saved; ask your coordinator for theirs (it starts age1) and save it with `quietline settings --coordinator-key age1…`"
    )]
    NoCoordinatorKey,
    #[error("'{0}' is not a coordinator key: it starts age1 and must be copied whole")]
    BadCoordinatorKey(String),
    #[error(
        "this is the published test key from Quietline's source code; it protects nothing. Use the key your coordinator gave you"
    )]
    TestCoordinatorKey,
    #[error(
        "set a display name first (`quietline settings --display-name NAME`): the coordinator sees it beside your fingerprint"
    )]
    NoDisplayName,
    #[error("the return could not be encrypted: {0}")]
    Encrypt(String),
    #[error("{} already exists; choose another file name (nothing was overwritten)", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CryptoError> for ReturnError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::NotACoordinatorKey(text) => ReturnError::BadCoordinatorKey(text),
            e => ReturnError::Store(StoreError::Crypto(e)),
        }
    }
}

/// Calls per academic year (`2024/25`), from calls per local month: how
/// the volunteer list shows what each volunteer has sent.
pub fn by_academic_year(months: BTreeMap<LocalMonth, u64>) -> BTreeMap<String, u64> {
    let mut years = BTreeMap::new();
    for (month, calls) in months {
        let label = month
            .academic_year()
            .map(|p| p.label())
            .unwrap_or_else(|_| month.to_string());
        *years.entry(label).or_default() += calls;
    }
    years
}

/// A return made by a volunteer's store, ready to be saved.
pub struct MadeReturn {
    /// The `.qlreturn` file's bytes.
    pub bytes: Vec<u8>,
    pub period: Period,
    pub calls: usize,
    pub deleted: usize,
    pub volunteer: String,
    pub fingerprint: Fingerprint,
    pub coordinator: CoordinatorKey,
}

/// The coordinator key returns go to: `to`, or the one saved in settings.
pub fn coordinator_key(vault: &Vault, to: Option<&str>) -> Result<CoordinatorKey, ReturnError> {
    match to.or(vault.settings().coordinator_key.as_deref()) {
        Some(text) => CoordinatorKey::parse(text),
        None => Err(ReturnError::NoCoordinatorKey),
    }
}

/// Makes this store's return for `period`: every call whose local start is
/// in it, and every deletion marker kept since the store's first return.
pub fn make_return(
    vault: &mut Vault,
    period: Period,
    to: &CoordinatorKey,
    today: NaiveDate,
) -> Result<MadeReturn, ReturnError> {
    let volunteer: String = vault
        .settings()
        .display_name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        // A name saved before such marks were refused loses them here,
        // since the coordinator would refuse the return otherwise.
        .filter(|&c| !crate::model::is_hidden_character(c))
        .collect::<String>()
        .trim()
        .to_string();
    if volunteer.is_empty() {
        return Err(ReturnError::NoDisplayName);
    }
    // Nothing a return is made from may be missing, doubled or older.
    let generation = vault.check_ledger()?;
    let tz = vault.settings().time_zone;
    let months = period.months();
    let list_version = vault.themes().current().version;
    let mut calls = Vec::new();
    for call in vault.calls_in_months(&months)? {
        let f = &call.facts;
        calls.push(ReturnedCall {
            id: HEXLOWER.encode(&vault.export_id(call.id)),
            month: LocalMonth::of(f.started_at, tz).to_string(),
            minutes: f.duration_minutes,
            call_type: f.call_type,
            role: f.role,
            setting: f.setting,
            employer: f.employer,
            region: f.region,
            caller: f.caller_type,
            theme_list_version: call.theme_list_version,
            themes: f.themes.clone(),
            risk: f.risk,
            follow_up: f.follow_up.needed,
        });
    }
    calls.sort_by(|a, b| a.id.cmp(&b.id));
    let deleted: Vec<String> = vault
        .deleted_export_ids()?
        .iter()
        .map(|id| HEXLOWER.encode(id))
        .collect();
    let key = vault.volunteer_key()?;
    let return_id = HEXLOWER.encode(&crate::crypto::random_bytes::<16>()?);
    let mut payload = ReturnPayload {
        format: PAYLOAD_FORMAT,
        return_id,
        sequence: 0,
        made_on: today.format("%Y-%m-%d").to_string(),
        volunteer: volunteer.clone(),
        coordinator: to.to_string(),
        period: ReturnPeriod::of(&period),
        theme_list_version: list_version,
        time_zone: Some(tz.name().to_string()),
        generation: Some(generation),
        calls,
        deleted,
    };
    // What this store writes, it must be able to read back.
    payload.check(vault.themes())?;
    payload.sequence = vault.next_return_sequence()?;
    let bytes = seal(&payload, &key, to)?;
    Ok(MadeReturn {
        bytes,
        period,
        calls: payload.calls.len(),
        deleted: payload.deleted.len(),
        volunteer,
        fingerprint: key.signer().fingerprint(),
        coordinator: to.clone(),
    })
}

/// Whether the coordinator's store already trusts a return's signer.
#[derive(Debug, Clone)]
pub enum SignerStatus {
    Trusted(Volunteer),
    Unknown,
    Revoked(Volunteer),
}

/// Whether this store trusts `signer`, as it stands now.
pub fn signer_status(vault: &Vault, signer: &SignerKey) -> Result<SignerStatus, StoreError> {
    Ok(match vault.volunteer(signer)? {
        Some(v) if v.revoked_on.is_some() => SignerStatus::Revoked(v),
        Some(v) => SignerStatus::Trusted(v),
        None => SignerStatus::Unknown,
    })
}

/// A return that opened, verified and follows every rule, not yet merged.
#[derive(Debug, Clone)]
pub struct CheckedReturn {
    pub signed: SignedReturn,
    pub fingerprint: Fingerprint,
    pub status: SignerStatus,
}

impl CheckedReturn {
    pub fn period(&self) -> Option<Period> {
        self.signed.payload.period.period().ok()
    }
}

/// Opens and checks a `.qlreturn` file with this coordinator's key, without
/// changing anything.
pub fn check_return(vault: &Vault, file: &[u8]) -> Result<CheckedReturn, ReturnError> {
    let identity = vault
        .coordinator_identity()?
        .ok_or(ReturnError::NotCoordinator)?;
    let signed = open(file, &identity)?;
    // Signed for another coordinator, then re-encrypted to this one.
    if signed.payload.coordinator != identity.key().to_string() {
        return Err(ReturnError::WrongCoordinator);
    }
    // The coordinator's own calls are in its report already.
    if vault.own_signer()? == Some(signed.signer) {
        return Err(ReturnError::OwnReturn);
    }
    signed.payload.check(vault.themes())?;
    let ours = vault.settings().time_zone.name();
    if let Some(theirs) = signed.payload.time_zone.as_deref().filter(|tz| *tz != ours) {
        return Err(ReturnError::TimeZoneMismatch {
            theirs: theirs.to_string(),
            ours: ours.to_string(),
        });
    }
    let status = signer_status(vault, &signed.signer)?;
    Ok(CheckedReturn {
        fingerprint: signed.signer.fingerprint(),
        signed,
        status,
    })
}

/// What merging one return did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    Merged(MergeCounts),
    /// The same return was merged before; nothing changed.
    AlreadyMerged,
}

/// Merges a checked return in one transaction. `trust_new` trusts a signer
/// the store does not know yet; without it their return is refused.
pub fn merge_checked(
    vault: &mut Vault,
    checked: &CheckedReturn,
    trust_new: bool,
    today: NaiveDate,
) -> Result<Merged, ReturnError> {
    let signed = &checked.signed;
    let months = signed
        .payload
        .period
        .period()
        .map_err(|_| StoreError::Corrupt {
            record: "the return's period".into(),
        })?
        .months();
    let mut merge = vault.begin_merge(&signed.signer, &signed.payload.return_id)?;
    let admitted = merge::admit(
        signed,
        merge.volunteer()?,
        merge.already_merged()?,
        &months,
        trust_new,
        today,
    );
    let volunteer = match admitted {
        Ok(volunteer) => volunteer,
        Err(refused) => return refusal(checked, refused),
    };
    let named = signed
        .payload
        .calls
        .iter()
        .map(|c| c.id.as_str())
        .chain(signed.payload.deleted.iter().map(String::as_str));
    let held = merge.held_calls(&months, named)?;
    let (plan, counts) = merge::plan(signed, volunteer, held, &months, today);
    merge.apply(plan)?;
    Ok(Merged::Merged(counts))
}

/// A return that was not merged, as its result.
fn refusal(checked: &CheckedReturn, refused: NotMerged) -> Result<Merged, ReturnError> {
    let name = checked.signed.payload.volunteer.clone();
    let fingerprint = checked.fingerprint.to_string();
    match refused {
        NotMerged::AlreadyMerged => Ok(Merged::AlreadyMerged),
        NotMerged::UnknownSigner => Err(ReturnError::UnknownSigner { name, fingerprint }),
        NotMerged::Revoked { on } => Err(ReturnError::RevokedSigner {
            name,
            fingerprint,
            on,
        }),
        NotMerged::Superseded { month } => Err(ReturnError::Superseded { name, month }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_in_the_academic_year_they_belong_to() {
        let m = |year, month| LocalMonth { year, month };
        let months = BTreeMap::from([
            (m(2024, 8), 1),
            (m(2024, 9), 2),
            (m(2025, 8), 3),
            (m(1999, 12), 4),
        ]);
        let years = by_academic_year(months);
        assert_eq!(
            years.into_iter().collect::<Vec<_>>(),
            [
                ("1999/00".to_string(), 4),
                ("2023/24".to_string(), 1),
                ("2024/25".to_string(), 5)
            ]
        );
    }
}
