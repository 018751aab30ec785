//! Guidance on a new passphrase while it is typed. It advises; only the
//! minimum length ([`Passphrase::MIN_CHARS`]) is enforced, by the store.
//!
//! A rough estimate on purpose: length matters most, and several unrelated
//! words beat clever substitutions. It never sees the passphrase stored.

use serde::Serialize;

use crate::crypto::Passphrase;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct PassphraseStrength {
    /// 0 (unacceptable) to 4 (strong).
    pub score: u8,
    pub label: String,
    pub advice: String,
    /// Whether the store will accept it.
    pub acceptable: bool,
}

/// Passphrases that appear in every cracking list, and the app's own words.
const WELL_KNOWN: &[&str] = &[
    "password",
    "passw0rd",
    "qwerty",
    "letmein",
    "123456",
    "12345678",
    "iloveyou",
    "welcome",
    "quietline",
    "helpline",
    "headteacher",
    "school",
    "monkey",
    "dragon",
    "football",
];

pub fn passphrase_strength(text: &str) -> PassphraseStrength {
    let chars = text.chars().count();
    let lower = text.to_lowercase();
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .count();
    let distinct = {
        let mut seen: Vec<char> = text.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let (score, label, advice) = if chars < Passphrase::MIN_CHARS {
        (
            0,
            "Too short",
            format!("Use at least {} characters.", Passphrase::MIN_CHARS),
        )
    } else if WELL_KNOWN.iter().any(|w| lower.contains(w)) && chars < 20 {
        (
            1,
            "Weak",
            "It contains a very common word; add several unrelated words.".into(),
        )
    } else if distinct < 5 || text.chars().all(|c| c.is_ascii_digit()) {
        (
            1,
            "Weak",
            "Too repetitive to be safe; use a few unrelated words.".into(),
        )
    } else if chars >= 20 && words >= 3 {
        (
            4,
            "Strong",
            "A good passphrase. Write it nowhere near the laptop.".into(),
        )
    } else if chars >= 14 {
        (
            3,
            "Good",
            "Good. Another unrelated word would make it stronger still.".into(),
        )
    } else if chars >= 10 {
        (
            2,
            "Fair",
            "Fair. Four unrelated words are stronger and easier to remember.".into(),
        )
    } else {
        (
            1,
            "Weak",
            "Short passphrases can be guessed; try four unrelated words.".into(),
        )
    };
    PassphraseStrength {
        score,
        label: label.into(),
        advice,
        acceptable: chars >= Passphrase::MIN_CHARS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_rise_with_length_and_words_and_fall_for_known_words() {
        let cases = [
            ("short", 0, false),
            ("password123", 1, true),
            ("aaaaaaaaaaaa", 1, true),
            ("12345678901", 1, true),
            ("kettle-morn", 2, true),
            ("kettle morning ox", 3, true),
            ("kettle morning oxbow lantern", 4, true),
        ];
        for (text, score, acceptable) in cases {
            let s = passphrase_strength(text);
            assert_eq!(
                (s.score, s.acceptable),
                (score, acceptable),
                "{text}: {s:?}"
            );
        }
    }
}
