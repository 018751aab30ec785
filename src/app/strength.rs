//! The rule for a new passphrase, and guidance while it is typed: the one
//! place that judges a passphrase. Creating a store, changing the
//! passphrase, recovering with the recovery key and restoring a backup
//! with it all take the new passphrase through [`chosen_passphrase`]; the
//! meter shows what that will say. A passphrase already protecting a store
//! is never judged again: it keeps unlocking.
//!
//! The estimate is zxcvbn's (Dropbox's estimator: dictionaries of common
//! passwords, English words and names, keyboard patterns, dates,
//! repeats), with the words of this helpline's world added, so that
//! "Ofsted2024!" counts as the guess it is. Its score 4 is the first that
//! needs more than 10¹⁰ guesses; at one Argon2 derivation (64 MiB) per
//! guess that keeps even a well-equipped attacker with a stolen laptop
//! busy for months, where score 3 (10⁸–10¹⁰) can fall in days. So the
//! store accepts only "Strong", score 4.

use serde::Serialize;
use zxcvbn::Score;
use zxcvbn::feedback::Warning;
use zxcvbn::matching::patterns::MatchPattern;

use super::AppError;
use crate::crypto::{Passphrase, random_below};
use crate::model::Field;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct PassphraseStrength {
    /// 0 (very weak) to 4 (strong); only 4 is accepted.
    pub score: u8,
    pub label: String,
    /// Why, in plain words, and what would be better.
    pub advice: String,
    /// Whether the store will accept it.
    pub acceptable: bool,
}

/// A passphrase to offer: four random common words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct PassphraseSuggestion {
    pub passphrase: String,
    /// How to use it, in plain words.
    pub advice: String,
}

/// Shortest passphrase judged at all: shorter ones are refused before
/// any estimate.
pub const MIN_CHARS: usize = 8;
/// The score a new passphrase needs (zxcvbn's "Strong").
const STRONG: Score = Score::Four;

/// Words from the helpline's world, which an attacker who knows whose
/// laptop it is tries first: zxcvbn ranks them as its most common words.
const HELPLINE_WORDS: &[&str] = &[
    "quietline",
    "helpline",
    "headteacher",
    "headteachers",
    "headmaster",
    "headmistress",
    "ofsted",
    "school",
    "schools",
    "safeguarding",
    "governor",
    "governors",
    "academy",
    "trust",
    "send",
    "senco",
    "pupil",
    "pupils",
    "teacher",
    "teachers",
    "deputy",
    "staff",
    "parent",
    "parents",
    "classroom",
    "student",
    "students",
    "education",
    "volunteer",
    "confidential",
    "caller",
    "wellbeing",
    "inspection",
    "leadership",
    "passphrase",
    "password",
];

/// The suggestion's words: the EFF's short diceware list (1,296 common,
/// short English words, chosen to be easy to spell and tell apart;
/// <https://www.eff.org/dice>, CC BY 3.0 US). Four of them are
/// log₂(1296⁴) ≈ 41.4 bits.
const WORDS: &str = include_str!("passphrase_words.txt");
/// Words in a suggestion.
const SUGGESTED_WORDS: usize = 4;

pub fn passphrase_strength(text: &str) -> PassphraseStrength {
    let (score, advice) = judge(text);
    let label = match score {
        0 => "Very weak",
        1 => "Weak",
        2 => "Fair",
        3 => "Nearly strong",
        _ => "Strong",
    };
    PassphraseStrength {
        score,
        label: label.into(),
        advice,
        acceptable: score >= u8::from(STRONG),
    }
}

/// A new passphrase the store may take, or the refusal saying why not.
/// The field is the passphrase's; a caller asking for a new one beside
/// the current one says `NewPassphrase` instead.
pub fn chosen_passphrase(raw: &str) -> Result<Passphrase, AppError> {
    let strength = passphrase_strength(raw);
    if !strength.acceptable {
        return Err(AppError::invalid(
            Field::Passphrase,
            format!(
                "That passphrase is too easy to guess. {} Four or more random words are strong \
                 and easy to remember.",
                strength.advice
            ),
        ));
    }
    Ok(Passphrase::new(raw))
}

/// Four words picked at random (by the operating system's random number
/// generator) from a list of common words, separated by spaces: at least
/// log₂(1296·1295·1294·1293) ≈ 41.3 bits.
pub fn suggest_passphrase() -> Result<PassphraseSuggestion, AppError> {
    let mut words: Vec<&str> = WORDS.lines().collect();
    let mut picked = Vec::with_capacity(SUGGESTED_WORDS);
    // Four different words: a repeated one would be easier to guess.
    for _ in 0..SUGGESTED_WORDS {
        let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
        let i = random_below(count).map_err(AppError::from)? as usize;
        if i < words.len() {
            picked.push(words.swap_remove(i));
        }
    }
    Ok(PassphraseSuggestion {
        passphrase: picked.join(" "),
        advice: "Four random words are strong and easy to remember. Write them down somewhere \
                 safe, away from the laptop, until you know them by heart."
            .into(),
    })
}

/// The score 0–4, and advice in plain words.
fn judge(text: &str) -> (u8, String) {
    if text.chars().count() < MIN_CHARS {
        return (
            0,
            format!("It is shorter than {MIN_CHARS} characters. Use four or more unrelated words."),
        );
    }
    // zxcvbn credits each space or hyphen between words as a character
    // guessed at random; someone guessing words tries those first. So the
    // passphrase is judged without them too, and the weaker result stands.
    let joined: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
    let estimate = [text, joined.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(|t| zxcvbn::zxcvbn(t, HELPLINE_WORDS))
        .min_by_key(|e| e.guesses())
        .unwrap_or_else(|| zxcvbn::zxcvbn(text, HELPLINE_WORDS));
    let score = u8::from(estimate.score());
    if estimate.score() >= STRONG {
        return (
            score,
            "A strong passphrase. Keep it to yourself and write it nowhere near the laptop.".into(),
        );
    }
    let helpline_word = estimate.sequence().iter().find_map(|m| match &m.pattern {
        MatchPattern::Dictionary(d) if HELPLINE_WORDS.contains(&d.matched_word.as_str()) => {
            Some(d.matched_word.clone())
        }
        _ => None,
    });
    let why = match (helpline_word, estimate.feedback().and_then(|f| f.warning())) {
        (Some(word), _) => format!(
            "It uses \u{201c}{word}\u{201d}, a word anyone who knows this is a school helpline \
             would try first."
        ),
        (None, Some(warning)) => plain(warning).to_string(),
        (None, None) => {
            "It could be guessed by a computer trying common words and patterns.".to_string()
        }
    };
    let better = if score >= 3 {
        "Add another unrelated word."
    } else {
        "Use four or more unrelated words."
    };
    (score, format!("{why} {better}"))
}

/// zxcvbn's warning, said plainly.
fn plain(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess
        | Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "Keys next to each other on the keyboard, like qwerty, are among the first guesses."
        }
        Warning::RepeatsLikeAaaAreEasyToGuess
        | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Repeated letters or words add almost nothing."
        }
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword
        | Warning::ThisIsSimilarToACommonlyUsedPassword => {
            "It is one of the passwords people use most, so it is among the first guesses, even \
             with letters swapped for numbers."
        }
        Warning::SequencesLikeAbcAreEasyToGuess => "Runs like abc or 1234 are easy to guess.",
        Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess => {
            "Years and dates are easy to guess."
        }
        Warning::AWordByItselfIsEasyToGuess
        | Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
        | Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "A single word or name is easy to guess, even with numbers or symbols added."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ErrorCode;

    #[test]
    fn only_strong_passphrases_are_acceptable() {
        let cases = [
            ("short", 0, false),
            ("password123", 0, false),
            ("aaaaaaaaaaaa", 0, false),
            ("12345678901", 1, false),
            ("Headteacher2024!", 1, false),
            ("ofsted school", 1, false),
            ("ofsted headteacher school", 3, false),
            ("Ofsted-Headteacher-2024", 3, false),
            ("kettle morning ox", 3, false),
            ("kettle morning oxbow lantern", 4, true),
        ];
        for (text, score, acceptable) in cases {
            let s = passphrase_strength(text);
            assert_eq!(
                (s.score <= score, s.acceptable),
                (true, acceptable),
                "{text}: {s:?}"
            );
            assert!(!s.advice.is_empty());
        }
    }

    #[test]
    fn the_helplines_own_words_are_named_as_the_reason() {
        let s = passphrase_strength("Ofsted-Headteacher-2024");
        assert!(!s.acceptable, "{s:?}");
        assert!(s.advice.contains("school helpline"), "{s:?}");
        let refused = chosen_passphrase("password123").err().unwrap();
        assert_eq!(refused.code, ErrorCode::Invalid);
        assert_eq!(refused.field, Some(Field::Passphrase));
        assert!(
            refused
                .message
                .starts_with("That passphrase is too easy to guess.")
        );
        assert!(chosen_passphrase("kettle morning oxbow lantern").is_ok());
    }

    /// The list is long enough for 40 bits in four words, and every
    /// suggestion the store would itself accept.
    #[test]
    fn suggestions_are_four_random_words_the_store_accepts() {
        let words: Vec<&str> = WORDS.lines().collect();
        let mut unique = words.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), words.len());
        let bits = SUGGESTED_WORDS as f64 * (words.len() as f64).log2();
        assert!(bits >= 40.0, "{bits}");
        assert!(words.iter().all(|w| (3..=6).contains(&w.len())));

        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let suggestion = suggest_passphrase().unwrap();
            let picked: Vec<&str> = suggestion.passphrase.split(' ').collect();
            assert_eq!(picked.len(), SUGGESTED_WORDS);
            assert!(picked.iter().all(|w| words.contains(w)));
            let mut different = picked.clone();
            different.sort_unstable();
            different.dedup();
            assert_eq!(different.len(), SUGGESTED_WORDS);
            let judged = passphrase_strength(&suggestion.passphrase);
            assert!(judged.acceptable, "{}: {judged:?}", suggestion.passphrase);
            seen.insert(suggestion.passphrase);
        }
        assert!(seen.len() > 190, "random, not repeated");
    }

    /// The weakest suggestion there could be, from the four words zxcvbn
    /// finds easiest to guess, is still strong.
    #[test]
    fn even_the_easiest_words_make_a_strong_suggestion() {
        let mut words: Vec<(u64, &str)> = WORDS
            .lines()
            .map(|w| (zxcvbn::zxcvbn(w, HELPLINE_WORDS).guesses(), w))
            .collect();
        words.sort_unstable();
        let easiest: Vec<&str> = words
            .iter()
            .take(SUGGESTED_WORDS)
            .map(|(_, w)| *w)
            .collect();
        let weakest = easiest.join(" ");
        assert!(passphrase_strength(&weakest).acceptable, "{weakest}");
    }

    /// What the browser tests' stand-in backend answers, in Rust's own
    /// words: verdicts on the passphrases the tests type, and a suggestion
    /// (fixed, so tests can type it) with the advice that goes with it.
    #[test]
    fn write_the_passphrase_fixture() {
        let typed = [
            "password123",
            "ofsted headteacher school",
            "kettle morning ox",
            "kettle morning oxbow lantern",
            "correct horse battery staple",
            "otter mango tulip raven",
        ];
        let verdicts: std::collections::BTreeMap<&str, PassphraseStrength> =
            typed.iter().map(|t| (*t, passphrase_strength(t))).collect();
        let suggestion = PassphraseSuggestion {
            passphrase: "otter mango tulip raven".into(),
            ..suggest_passphrase().unwrap()
        };
        assert!(verdicts[suggestion.passphrase.as_str()].acceptable);
        let fixture = serde_json::json!({
            "verdicts": verdicts,
            "too_short": passphrase_strength("short"),
            "suggestion": suggestion,
        });
        let mut json = serde_json::to_string_pretty(&fixture).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/passphrases.json");
        std::fs::write(path, json).unwrap();
    }
}
