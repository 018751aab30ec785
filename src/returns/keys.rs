//! The two kinds of key returns use: each store's Ed25519 signing key (the
//! volunteer's), and the coordinator's age X25519 identity. Secret halves
//! have no `Debug` or `Clone` and are zeroed when dropped.

use std::fmt;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::ReturnError;
use crate::crypto::{CryptoError, random_bytes};

/// A store's signing key: every return it makes is signed with it.
pub struct VolunteerKey(SigningKey);

impl VolunteerKey {
    pub fn generate() -> Result<VolunteerKey, CryptoError> {
        let seed = Zeroizing::new(random_bytes::<32>()?);
        Ok(VolunteerKey(SigningKey::from_bytes(&seed)))
    }

    /// The key kept sealed in the store.
    pub(crate) fn from_secret(seed: &[u8]) -> Option<VolunteerKey> {
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(seed.try_into().ok()?);
        Some(VolunteerKey(SigningKey::from_bytes(&seed)))
    }

    pub(crate) fn secret(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub fn signer(&self) -> SignerKey {
        SignerKey(self.0.verifying_key())
    }

    pub(super) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// The public half of a [`VolunteerKey`]: who signed a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignerKey(VerifyingKey);

impl SignerKey {
    /// Refuses bytes that are not a valid Ed25519 point (or are a weak one).
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<SignerKey> {
        let key = VerifyingKey::from_bytes(bytes).ok()?;
        (!key.is_weak()).then_some(SignerKey(key))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Strict verification: no malleable or small-order signatures.
    pub(super) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = Signature::from_bytes(signature);
        self.0.verify_strict(message, &signature).is_ok()
    }

    /// What people compare, read aloud or side by side, before trusting a
    /// volunteer: 80 bits of SHA-256 of the key, in four groups of base32.
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::new()
            .chain_update(b"quietline signer fingerprint v1\n")
            .chain_update(self.0.as_bytes())
            .finalize();
        let text = data_encoding::BASE32_NOPAD.encode(&digest[..10]);
        let groups: Vec<&str> = (0..4).map(|i| &text[i * 4..i * 4 + 4]).collect();
        Fingerprint(groups.join("-"))
    }
}

/// `ABCD-EFGH-IJKL-MNOP`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `typed` names this fingerprint, ignoring case, spaces and dashes.
    pub fn matches(&self, typed: &str) -> bool {
        let simplify = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect()
        };
        !typed.trim().is_empty() && simplify(typed) == simplify(&self.0)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The coordinator's age identity: the only key that opens returns.
pub struct CoordinatorIdentity(age::x25519::Identity);

impl CoordinatorIdentity {
    pub fn generate() -> CoordinatorIdentity {
        CoordinatorIdentity(age::x25519::Identity::generate())
    }

    /// The identity as kept sealed in the store (`AGE-SECRET-KEY-1…`).
    pub fn from_secret(text: &str) -> Option<CoordinatorIdentity> {
        age::x25519::Identity::from_str(text)
            .ok()
            .map(CoordinatorIdentity)
    }

    pub(crate) fn secret(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.to_string().expose_secret().to_string())
    }

    pub fn key(&self) -> CoordinatorKey {
        CoordinatorKey(self.0.to_public())
    }

    pub(super) fn identity(&self) -> &age::x25519::Identity {
        &self.0
    }
}

/// The coordinator's public key (`age1…`), which volunteers encrypt to.
#[derive(Clone)]
pub struct CoordinatorKey(age::x25519::Recipient);

impl CoordinatorKey {
    pub fn parse(text: &str) -> Result<CoordinatorKey, ReturnError> {
        let text = text.trim();
        age::x25519::Recipient::from_str(text)
            .map(CoordinatorKey)
            .map_err(|_| ReturnError::BadCoordinatorKey(shorten(text)))
    }

    pub(super) fn recipient(&self) -> &age::x25519::Recipient {
        &self.0
    }
}

impl PartialEq for CoordinatorKey {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl fmt::Display for CoordinatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for CoordinatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CoordinatorKey({self})")
    }
}

/// A mistyped key quoted back, cut short so a pasted paragraph stays readable.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signing_key_survives_being_kept_as_its_secret() {
        let key = VolunteerKey::generate().unwrap();
        let again = VolunteerKey::from_secret(key.secret().as_slice()).unwrap();
        assert_eq!(key.signer(), again.signer());
        assert!(VolunteerKey::from_secret(&[1; 31]).is_none());
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let key = VolunteerKey::generate().unwrap();
        let other = VolunteerKey::generate().unwrap();
        let signature = key.sign(b"message");
        assert!(key.signer().verifies(b"message", &signature));
        assert!(!key.signer().verifies(b"massage", &signature));
        assert!(!other.signer().verifies(b"message", &signature));
    }

    #[test]
    fn fingerprints_are_four_groups_and_match_however_typed() {
        let key = VolunteerKey::generate().unwrap().signer();
        let fp = key.fingerprint();
        assert_eq!(fp.as_str().len(), 19);
        assert_eq!(fp.as_str().split('-').count(), 4);
        assert!(fp.matches(&fp.as_str().to_lowercase().replace('-', " ")));
        assert!(!fp.matches(""));
        assert_ne!(fp, VolunteerKey::generate().unwrap().signer().fingerprint());
    }

    #[test]
    fn coordinator_keys_parse_and_a_mistyped_one_is_refused_readably() {
        let identity = CoordinatorIdentity::generate();
        let text = identity.key().to_string();
        assert!(text.starts_with("age1"));
        assert_eq!(
            CoordinatorKey::parse(&format!(" {text}\n")).unwrap(),
            identity.key()
        );
        let again = CoordinatorIdentity::from_secret(&identity.secret()).unwrap();
        assert_eq!(again.key(), identity.key());
        let wrong =
            CoordinatorKey::parse("age1notakey-at-all-but-quite-a-long-string").unwrap_err();
        assert!(
            wrong.to_string().contains("age1notakey-at-all-but-q…"),
            "{wrong}"
        );
    }
}
