//! Passphrase handling and Argon2id key derivation.

use argon2::{Algorithm, Argon2, Params, Version};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::{CryptoError, KeyEncryptionKey, random_bytes};

/// A volunteer's passphrase, normalised to Unicode NFC so that the same
/// passphrase typed on two keyboards (composed or decomposed accents)
/// derives the same key. Zeroed on drop; no `Debug`.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Any passphrase: whether a new one is strong enough is the app's
    /// rule (`app::chosen_passphrase`), not cryptography's.
    pub fn new(raw: &str) -> Passphrase {
        Passphrase(Zeroizing::new(raw.nfc().collect()))
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A random per-slot salt, stored beside the wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Salt(pub [u8; 16]);

impl Salt {
    pub fn generate() -> Result<Salt, CryptoError> {
        Ok(Salt(random_bytes()?))
    }
}

/// Argon2id cost parameters, stored in plaintext beside each wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// What new stores use: 64 MiB, 3 passes, one lane.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    /// Parameters read from a file are checked against these bounds before
    /// use, so a crafted store (or backup) cannot make unlocking take
    /// minutes or a gigabyte, nor silently weaken the derivation. At the
    /// largest accepted, 256 MiB and 16 passes, one derivation took 3.2 s
    /// on the project's 2-core machine (64 MiB and 3 passes: 0.17 s).
    pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    pub const MIN_ITERATIONS: u32 = 3;
    pub const MAX_ITERATIONS: u32 = 16;
    pub const MAX_PARALLELISM: u32 = 8;

    pub fn check_bounds(&self) -> Result<(), CryptoError> {
        let problem = if !(Self::MIN_MEMORY_KIB..=Self::MAX_MEMORY_KIB).contains(&self.memory_kib) {
            Some(format!(
                "memory {} KiB, accepted {}..={}",
                self.memory_kib,
                Self::MIN_MEMORY_KIB,
                Self::MAX_MEMORY_KIB
            ))
        } else if !(Self::MIN_ITERATIONS..=Self::MAX_ITERATIONS).contains(&self.iterations) {
            Some(format!(
                "iterations {}, accepted {}..={}",
                self.iterations,
                Self::MIN_ITERATIONS,
                Self::MAX_ITERATIONS
            ))
        } else if !(1..=Self::MAX_PARALLELISM).contains(&self.parallelism) {
            Some(format!(
                "parallelism {}, accepted 1..={}",
                self.parallelism,
                Self::MAX_PARALLELISM
            ))
        } else {
            None
        };
        match problem {
            Some(p) => Err(CryptoError::KdfParamsOutOfBounds(p)),
            None => Ok(()),
        }
    }

    /// Derives a key-encryption key from a secret (passphrase or recovery key).
    pub fn derive(&self, secret: &[u8], salt: &Salt) -> Result<KeyEncryptionKey, CryptoError> {
        self.check_bounds()?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| CryptoError::Kdf(e.to_string()))?;
        let mut out = KeyEncryptionKey([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, &salt.0, &mut out.0)
            .map_err(|e| CryptoError::Kdf(e.to_string()))?;
        Ok(out)
    }

    pub fn derive_from_passphrase(
        &self,
        passphrase: &Passphrase,
        salt: &Salt,
    ) -> Result<KeyEncryptionKey, CryptoError> {
        self.derive(passphrase.as_bytes(), salt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_accents_are_the_same_passphrase() {
        let composed = Passphrase::new("caf\u{e9} au lait");
        let decomposed = Passphrase::new("cafe\u{301} au lait");
        assert_eq!(composed.as_bytes(), decomposed.as_bytes());
    }

    #[test]
    fn out_of_bounds_parameters_are_refused_before_any_work() {
        for params in [
            KdfParams {
                memory_kib: 8,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                memory_kib: u32::MAX,
                ..KdfParams::DEFAULT
            },
            // A gigabyte and 16 passes: over ten seconds and 1 GiB here.
            KdfParams {
                memory_kib: 1024 * 1024,
                iterations: 16,
                parallelism: 1,
            },
            KdfParams {
                iterations: 1,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                iterations: 1_000_000,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                parallelism: 0,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                parallelism: 64,
                ..KdfParams::DEFAULT
            },
        ] {
            assert!(matches!(
                params.derive(b"secret", &Salt([0; 16])),
                Err(CryptoError::KdfParamsOutOfBounds(_))
            ));
        }
    }

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let p = KdfParams::DEFAULT;
        let a = p.derive(b"secret words", &Salt([1; 16])).unwrap();
        let b = p.derive(b"secret words", &Salt([1; 16])).unwrap();
        let c = p.derive(b"secret words", &Salt([2; 16])).unwrap();
        assert_eq!(a.0, b.0);
        assert_ne!(a.0, c.0);
    }
}
