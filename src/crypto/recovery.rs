//! The one-time recovery key: 160 random bits shown once at `init`, written
//! down by the volunteer, and able to unwrap the data key if the passphrase
//! is forgotten.
//!
//! Shown with a check character after its 32 key characters, so a key
//! copied or typed back wrong is refused at once, before a key derivation
//! that would take a moment only to say it is wrong. Keys shown before the
//! check character was added (32 characters) are still accepted, unchecked.
//!
//! The check: each base32 character is a number 0–31, taken as an element
//! of the field GF(32) (polynomials over GF(2) modulo x⁵ + x² + 1, which
//! is primitive, so α = x has order 31). The check character is
//! c = Σ vᵢ·α^(32−i) for the key characters v₀…v₃₁, computed by Horner's
//! rule. Every weight is non-zero, so any one wrong character changes c;
//! neighbouring weights (and that of the last key character, α, against
//! the check character's own, 1) differ, so swapping two neighbouring
//! characters changes it too. Both are tested exhaustively below.

use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

use super::{CryptoError, KdfParams, KeyEncryptionKey, Salt, random_bytes};

const KEY_BYTES: usize = 20;
const GROUP: usize = 4;
/// The key's characters, without the check character.
const KEY_CHARS: usize = 32;
/// The base32 alphabet, each character's value its index.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The value of a base32 character (upper case), if it is one.
fn value(c: u8) -> Option<u8> {
    ALPHABET
        .iter()
        .position(|a| *a == c)
        .and_then(|i| u8::try_from(i).ok())
}

/// `v`·α in GF(32) modulo x⁵ + x² + 1.
fn times_alpha(v: u8) -> u8 {
    let shifted = v << 1;
    if shifted & 0b10_0000 != 0 {
        (shifted ^ 0b10_0101) & 0b1_1111
    } else {
        shifted
    }
}

/// The check character for 32 key characters (see the module's notes),
/// or `None` if one is not base32.
fn check_char(key: &[u8]) -> Option<u8> {
    let mut c = 0u8;
    for &k in key {
        c = times_alpha(c) ^ value(k)?;
    }
    ALPHABET.get(usize::from(times_alpha(c))).copied()
}

/// No `Debug`, no `Clone`; zeroed on drop.
pub struct RecoveryKey(Zeroizing<[u8; KEY_BYTES]>);

impl RecoveryKey {
    pub fn generate() -> Result<RecoveryKey, CryptoError> {
        Ok(RecoveryKey(Zeroizing::new(random_bytes()?)))
    }

    /// Eight groups of four characters from A–Z and 2–7 and the check
    /// character, e.g. `K7QW-3MDX-…-PL2A-R`: easy to copy by hand, no 0/O
    /// or 1/I to confuse.
    pub fn to_display(&self) -> Zeroizing<String> {
        let encoded = Zeroizing::new(BASE32_NOPAD.encode(self.0.as_slice()));
        let mut groups: Vec<&str> = encoded
            .as_bytes()
            .chunks(GROUP)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        let check = check_char(encoded.as_bytes()).map(char::from);
        let check = check.map(String::from).unwrap_or_default();
        groups.push(&check);
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
        let only_base32 = || {
            CryptoError::MalformedRecoveryKey(
                "it may only contain the letters A–Z and the digits 2–7".into(),
            )
        };
        if !cleaned.is_ascii() {
            return Err(only_base32());
        }
        let with_check = KEY_CHARS + 1;
        let typed = cleaned.len();
        if typed != KEY_CHARS && typed != with_check {
            return Err(CryptoError::MalformedRecoveryKey(format!(
                "expected {with_check} letters and digits (eight groups of {GROUP} and one \
                 more), got {typed}"
            )));
        }
        let (key_chars, check) = cleaned.as_bytes().split_at(KEY_CHARS);
        if let [typed_check] = check {
            let expected = check_char(key_chars).ok_or_else(only_base32)?;
            value(*typed_check).ok_or_else(only_base32)?;
            if *typed_check != expected {
                return Err(CryptoError::MistypedRecoveryKey);
            }
        }
        let bytes = Zeroizing::new(BASE32_NOPAD.decode(key_chars).map_err(|_| only_base32())?);
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
    fn display_is_eight_groups_of_four_and_a_check_and_parses_back() {
        let key = RecoveryKey::generate().unwrap();
        let shown = key.to_display();
        let groups: Vec<&str> = shown.split('-').collect();
        assert_eq!(groups.len(), 9);
        assert!(groups[..8].iter().all(|g| g.len() == 4));
        assert_eq!(groups[8].len(), 1);
        let typed = shown.to_lowercase().replace('-', " ");
        let parsed = RecoveryKey::parse(&typed).unwrap();
        assert_eq!(*parsed.0, *key.0);
        // A key written down before the check character: still accepted.
        let old = shown[..shown.len() - 2].to_string();
        assert_eq!(*RecoveryKey::parse(&old).unwrap().0, *key.0);
    }

    #[test]
    fn confusable_digits_are_read_as_letters() {
        let key = RecoveryKey::parse("OIBA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").unwrap();
        let same = RecoveryKey::parse("01 8a aaaa aaaa aaaa aaaa aaaa aaaa aaaa").unwrap();
        assert_eq!(*key.0, *same.0);
        let checked = key.to_display();
        let typed = checked
            .replace('O', "0")
            .replace('I', "1")
            .replace('B', "8");
        assert_eq!(*RecoveryKey::parse(&typed).unwrap().0, *key.0);
    }

    /// Every single wrong character, and every swap of two neighbours that
    /// changes the key, is refused as mistyped: parsing goes no further,
    /// so no key derivation runs for it.
    #[test]
    fn every_typo_and_swap_of_neighbours_is_caught_by_the_check() {
        for _ in 0..20 {
            let key = RecoveryKey::generate().unwrap();
            let shown: Vec<u8> = key.to_display().bytes().filter(|c| *c != b'-').collect();
            assert_eq!(shown.len(), KEY_CHARS + 1);
            for i in 0..shown.len() {
                for &other in ALPHABET {
                    if other == shown[i] {
                        continue;
                    }
                    let mut typo = shown.clone();
                    typo[i] = other;
                    let typo = String::from_utf8(typo).unwrap();
                    assert!(
                        matches!(
                            RecoveryKey::parse(&typo),
                            Err(CryptoError::MistypedRecoveryKey)
                        ),
                        "{typo}"
                    );
                }
                if i + 1 < shown.len() && shown[i] != shown[i + 1] {
                    let mut swapped = shown.clone();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert!(
                        matches!(
                            RecoveryKey::parse(&swapped),
                            Err(CryptoError::MistypedRecoveryKey)
                        ),
                        "{swapped}"
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_keys_say_what_is_wrong() {
        let short = RecoveryKey::parse("ABCD-EFGH").err().unwrap().to_string();
        assert!(short.contains("expected 33"), "{short}");
        let bad = RecoveryKey::parse("ABCD-EFGH-ABCD-EFGH-ABCD-EFGH-ABCD-EFG9")
            .err()
            .unwrap()
            .to_string();
        assert!(bad.contains("A–Z"), "{bad}");
    }
}
