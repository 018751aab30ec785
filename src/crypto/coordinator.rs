//! The coordinator's age X25519 key pair: volunteers encrypt returns to its
//! public half, and only the coordinator's store, which keeps the identity
//! sealed, can open them. The identity has no `Debug` or `Clone`, and its
//! secret text is zeroed when dropped.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::CryptoError;
use super::signing::Fingerprint;

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

    /// Decrypts an age file sealed to this identity, reading at most
    /// `max_bytes` of ciphertext or plaintext: a larger file is refused
    /// before it is decrypted, and a plaintext that grows past the limit
    /// is refused before it is all in memory.
    /// The plaintext is zeroed when dropped; it is read into a buffer as
    /// large as the file (age's plaintext is never larger), so it is not
    /// moved and copied while it grows.
    pub fn decrypt(&self, file: &[u8], max_bytes: u64) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if file.len() as u64 > max_bytes {
            return Err(CryptoError::TooLarge);
        }
        let decryptor = age::Decryptor::new_buffered(file).map_err(decrypt_error)?;
        let identities = [&self.0 as &dyn age::Identity];
        let reader = decryptor
            .decrypt(identities.into_iter())
            .map_err(decrypt_error)?;
        let mut plaintext = Zeroizing::new(Vec::with_capacity(file.len()));
        reader
            .take(max_bytes + 1)
            .read_to_end(&mut plaintext)
            .map_err(|_| CryptoError::CannotOpen)?;
        if plaintext.len() as u64 > max_bytes {
            return Err(CryptoError::TooLarge);
        }
        Ok(plaintext)
    }
}

/// Which of age's failures a person can act on: sent to another key, not
/// an age file at all, or damaged (every other check, told apart no further).
fn decrypt_error(e: age::DecryptError) -> CryptoError {
    match e {
        age::DecryptError::NoMatchingKeys => CryptoError::NotForThisKey,
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            CryptoError::NotEncrypted
        }
        _ => CryptoError::CannotOpen,
    }
}

/// The coordinator's public key (`age1…`), which volunteers encrypt to.
#[derive(Clone)]
pub struct CoordinatorKey(age::x25519::Recipient);

impl CoordinatorKey {
    /// Encrypts `plaintext` so that only this key's identity opens it.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        age::encrypt(&self.0, plaintext).map_err(|e| CryptoError::Encrypt(e.to_string()))
    }

    /// What a volunteer compares with the fingerprint the coordinator reads
    /// to them before trusting a key that arrived by email: a spoofed "our
    /// key has changed" message would otherwise receive every return.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(
            b"quietline coordinator key fingerprint v1\n",
            self.to_string().as_bytes(),
        )
    }
}

/// Reads a key as a person pastes it: surrounding spaces and line breaks
/// are ignored; a mistyped key is quoted back, shortened, in the error.
impl FromStr for CoordinatorKey {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<CoordinatorKey, CryptoError> {
        let text = text.trim();
        age::x25519::Recipient::from_str(text)
            .map(CoordinatorKey)
            .map_err(|_| CryptoError::NotACoordinatorKey(shorten(text)))
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
    fn coordinator_keys_parse_and_a_mistyped_one_is_refused_readably() {
        let identity = CoordinatorIdentity::generate();
        let text = identity.key().to_string();
        assert!(text.starts_with("age1"));
        assert_eq!(
            format!(" {text}\n").parse::<CoordinatorKey>().unwrap(),
            identity.key()
        );
        let again = CoordinatorIdentity::from_secret(&identity.secret()).unwrap();
        assert_eq!(again.key(), identity.key());
        let wrong = "age1notakey-at-all-but-quite-a-long-string"
            .parse::<CoordinatorKey>()
            .unwrap_err();
        assert!(
            wrong.to_string().contains("age1notakey-at-all-but-q…"),
            "{wrong}"
        );
    }

    #[test]
    fn only_the_identity_a_file_was_encrypted_to_opens_it() {
        let identity = CoordinatorIdentity::generate();
        let file = identity.key().encrypt(b"a return").unwrap();
        assert_eq!(
            identity.decrypt(&file, 1024).unwrap().as_slice(),
            b"a return"
        );
        let other = CoordinatorIdentity::generate();
        assert!(matches!(
            other.decrypt(&file, 1024),
            Err(CryptoError::NotForThisKey)
        ));
        assert!(matches!(
            identity.decrypt(b"not age at all", 1024),
            Err(CryptoError::NotEncrypted)
        ));
        assert!(matches!(
            identity.decrypt(&file, 4),
            Err(CryptoError::TooLarge)
        ));
    }
}
