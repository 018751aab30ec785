//! Key derivation, key wrapping, record sealing, and the keys returns are
//! signed and encrypted with.
//!
//! Owns every cryptographic decision in Quietline and nothing else: it never
//! touches SQL or files, and imports nothing from the store, returns or the
//! app, which all sit above it. Secret keys live in zeroize-on-drop types
//! with no `Debug` or `Clone`, so they cannot be printed, logged or copied
//! by accident.
//!
//! Key hierarchy: passphrase (NFC) → Argon2id → key-encryption key, which
//! unwraps a random 256-bit data key. The recovery key wraps the same data
//! key a second time. Record and period-tag keys are derived from the data
//! key with HKDF-SHA256, one label each.
//!
//! Returns use two more keys, apart from that hierarchy: each store's
//! Ed25519 signing key ([`VolunteerKey`], shown to people as a
//! [`Fingerprint`]) and a coordinator's age X25519 identity
//! ([`CoordinatorIdentity`]), whose public half ([`CoordinatorKey`]) returns
//! are encrypted to. What a return says, and how its lines are laid out,
//! is `returns/`'s business.

mod coordinator;
mod kdf;
mod keys;
mod recovery;
mod seal;
mod signing;

pub use coordinator::{CoordinatorIdentity, CoordinatorKey};
pub use kdf::{KdfParams, Passphrase, Salt};
pub use keys::{
    BackupKey, DataKey, ExportIdKey, KeyEncryptionKey, LedgerKey, LookupKey, PeriodTag,
    PeriodTagKey, RecordKey, RowHasher, digest, digest_reader,
};
pub use recovery::RecoveryKey;
pub use seal::{ENVELOPE_VERSION, PADDED_ENVELOPE_VERSION, RecordAad, open, seal, seal_padded};
pub use signing::{Fingerprint, SignerKey, VolunteerKey};

/// Failures of the cryptographic layer. Deliberately vague about *which*
/// check failed when opening: a wrong key and a tampered ciphertext look the
/// same to whoever is probing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    #[error("the sealed data could not be opened: wrong key, or the data was altered")]
    CannotOpen,
    #[error("sealed data uses envelope version {0}, which this version of Quietline cannot read")]
    UnsupportedEnvelope(u8),
    #[error("key-derivation parameters are outside the accepted bounds ({0})")]
    KdfParamsOutOfBounds(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    #[error("the recovery key is not in the expected form: {0}")]
    MalformedRecoveryKey(String),
    #[error(
        "the recovery key has a typing mistake: check each group of four characters and the \
         last character against what you wrote down"
    )]
    MistypedRecoveryKey,
    #[error("'{0}' is not a coordinator key: it starts age1 and must be copied whole")]
    NotACoordinatorKey(String),
    #[error("the data could not be encrypted: {0}")]
    Encrypt(String),
    #[error("the file was encrypted for a different key")]
    NotForThisKey,
    #[error("the file is not encrypted data Quietline can read")]
    NotEncrypted,
    #[error("the file is larger than Quietline reads")]
    TooLarge,
}

/// A number below `n` (at least 1), uniformly at random from the operating
/// system's CSPRNG: draws that would favour the low numbers are drawn again.
pub fn random_below(n: u32) -> Result<u32, CryptoError> {
    let n = n.max(1);
    // The largest multiple of `n` that fits, as an exclusive bound.
    let limit = u32::MAX - (u32::MAX % n);
    loop {
        let draw = u32::from_le_bytes(random_bytes()?);
        if draw < limit {
            return Ok(draw % n);
        }
    }
}

/// Fills a buffer from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(buf)
}
