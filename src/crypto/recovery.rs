//! The one-time recovery key: 160 random bits shown once at `init`, written
//! down by the volunteer, and able to unwrap the data key if the passphrase
//! is forgotten.

use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

use super::{CryptoError, KdfParams, KeyEncryptionKey, Salt, random_bytes};

const KEY_BYTES: usize = 20;
const GROUP: usize = 4;

/// No `Debug`, no `Clone`; zeroed on drop.
pub struct RecoveryKey(Zeroizing<[u8; KEY_BYTES]>);

impl RecoveryKey {
    pub fn generate() -> Result<RecoveryKey, CryptoError> {
        Ok(RecoveryKey(Zeroizing::new(random_bytes()?)))
    }

    /// Eight groups of four characters from A–Z and 2–7, e.g.
    /// `K7QW-3MDX-…`: easy to copy by hand, no 0/O or 1/I to confuse.
    pub fn to_display(&self) -> Zeroizing<String> {
        let encoded = Zeroizing::new(BASE32_NOPAD.encode(self.0.as_slice()));
        let groups: Vec<&str> = encoded
            .as_bytes()
            .chunks(GROUP)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        Zeroizing::new(groups.join("-"))
    }

    /// Accepts what a person types back: any case, with or without hyphens
    /// and spaces, and the digits 0, 1 and 8 read as the letters O, I and B.
    pub fn parse(text: &str) -> Result<RecoveryKey, CryptoError> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' => 'I',
                    '8' => 'B',
                    other => other,
                })
                .collect(),
        );
        let expected_chars = BASE32_NOPAD.encode_len(KEY_BYTES);
        if cleaned.chars().count() != expected_chars {
            return Err(CryptoError::MalformedRecoveryKey(format!(
                "expected {expected_chars} letters and digits in groups of {GROUP}, got {}",
                cleaned.chars().count()
            )));
        }
        let bytes = Zeroizing::new(BASE32_NOPAD.decode(cleaned.as_bytes()).map_err(|_| {
            CryptoError::MalformedRecoveryKey(
                "it may only contain the letters A–Z and the digits 2–7".into(),
            )
        })?);
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        if bytes.len() != KEY_BYTES {
            return Err(CryptoError::MalformedRecoveryKey("wrong length".into()));
        }
        key.copy_from_slice(&bytes);
        Ok(RecoveryKey(key))
    }

    pub fn derive(&self, params: &KdfParams, salt: &Salt) -> Result<KeyEncryptionKey, CryptoError> {
        params.derive(self.0.as_slice(), salt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_eight_groups_of_four_and_parses_back() {
        let key = RecoveryKey::generate().unwrap();
        let shown = key.to_display();
        let groups: Vec<&str> = shown.split('-').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 4));
        let typed = shown.to_lowercase().replace('-', " ");
        let parsed = RecoveryKey::parse(&typed).unwrap();
        assert_eq!(*parsed.0, *key.0);
    }

    #[test]
    fn confusable_digits_are_read_as_letters() {
        let key = RecoveryKey::parse("OIBA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").unwrap();
        let same = RecoveryKey::parse("01 8a aaaa aaaa aaaa aaaa aaaa aaaa aaaa").unwrap();
        assert_eq!(*key.0, *same.0);
    }

    #[test]
    fn malformed_keys_say_what_is_wrong() {
        let short = RecoveryKey::parse("ABCD-EFGH").err().unwrap().to_string();
        assert!(short.contains("expected 32"), "{short}");
        let bad = RecoveryKey::parse("ABCD-EFGH-ABCD-EFGH-ABCD-EFGH-ABCD-EFG9")
            .err()
            .unwrap()
            .to_string();
        assert!(bad.contains("A–Z"), "{bad}");
    }
}
