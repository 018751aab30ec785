//! Ed25519 signing keys: each store's own key (the volunteer's), which signs
//! every return it makes, and the public half a coordinator trusts and shows
//! as a fingerprint. The secret half has no `Debug` or `Clone` and is zeroed
//! when dropped.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{CryptoError, random_bytes};

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

    /// Signs `context ‖ message`. The context names what is being signed,
    /// so a signature made for one purpose never verifies for another.
    pub(crate) fn sign(&self, context: &[u8], message: &[u8]) -> [u8; 64] {
        let mut signed = Vec::with_capacity(context.len() + message.len());
        signed.extend_from_slice(context);
        signed.extend_from_slice(message);
        self.0.sign(&signed).to_bytes()
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

    /// Whether `signature` is this key's over `context ‖ message` (see
    /// [`VolunteerKey::sign`]). Strict verification: no malleable or
    /// small-order signatures.
    pub(crate) fn verifies(&self, context: &[u8], message: &[u8], signature: &[u8; 64]) -> bool {
        let mut signed = Vec::with_capacity(context.len() + message.len());
        signed.extend_from_slice(context);
        signed.extend_from_slice(message);
        let signature = Signature::from_bytes(signature);
        self.0.verify_strict(&signed, &signature).is_ok()
    }

    /// What people compare, read aloud or side by side, before trusting a
    /// volunteer: 80 bits of SHA-256 of the key, in four groups of base32.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(b"quietline signer fingerprint v1\n", self.0.as_bytes())
    }
}

/// `ABCD-EFGH-IJKL-MNOP`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// 80 bits of SHA-256 of `domain ‖ key`, in four groups of base32. The
    /// domain keeps a signer's and a coordinator key's fingerprints apart.
    pub(super) fn of(domain: &[u8], key: &[u8]) -> Fingerprint {
        let digest = Sha256::new()
            .chain_update(domain)
            .chain_update(key)
            .finalize();
        let text = data_encoding::BASE32_NOPAD.encode(&digest[..10]);
        let groups: Vec<&str> = (0..4).map(|i| &text[i * 4..i * 4 + 4]).collect();
        Fingerprint(groups.join("-"))
    }

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
        let signature = key.sign(b"", b"message");
        assert!(key.signer().verifies(b"", b"message", &signature));
        assert!(!key.signer().verifies(b"", b"massage", &signature));
        assert!(!other.signer().verifies(b"", b"message", &signature));
    }

    #[test]
    fn a_signature_is_bound_to_its_context() {
        let key = VolunteerKey::generate().unwrap();
        let signature = key.sign(b"context\n", b"message");
        assert!(key.signer().verifies(b"context\n", b"message", &signature));
        assert!(key.signer().verifies(b"", b"context\nmessage", &signature));
        assert!(!key.signer().verifies(b"other\n", b"message", &signature));
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
}
