//! What a profile says, in one canonical JSON spelling, and the rules it
//! must follow.
//!
//! The payload is JSON with the fields in the struct's order, no
//! whitespace and serde_json's minimal string escapes;
//! [`Profile::from_canonical`] refuses any other spelling of the same
//! content, so one profile has one byte string and one signature.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{
    MAX_HELPLINE_CHARS, MAX_PAYLOAD_BYTES, MAX_SIGNPOSTS, MAX_SUPPRESS_BELOW, MAX_THEME_VERSIONS,
    PROFILE_FORMAT, ProfileError,
};
use crate::crypto::CoordinatorKey;
use crate::model::MAX_STEP_CHARS;
use crate::returns::ReturnError;
use crate::safeguarding::Signpost;
use crate::themes::{ThemeCatalogue, ThemeError, ThemeList};

/// A signposting entry, as shown and recorded with a call, is at most this
/// long: the settings screen's limit, leaving room for "Signposted: ".
const MAX_SIGNPOST_CHARS: usize = MAX_STEP_CHARS - 20;
/// Quoted text in a refusal is cut to this many characters.
const MAX_QUOTED_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// [`PROFILE_FORMAT`].
    pub format: u32,
    /// The helpline's name: 1 to [`MAX_HELPLINE_CHARS`] characters on one
    /// line, with no spaces at either end.
    pub helpline: String,
    /// The profile's own version, from 1: a newer profile replaces an
    /// older one from the same coordinator.
    pub version: u64,
    /// The (UTC) day the profile was made, `YYYY-MM-DD`.
    pub made_on: String,
    /// The coordinator's key (`age1…`, as age writes it) that returns are
    /// encrypted to.
    pub return_key: String,
    /// The helpline's time zone, an IANA name (`Europe/London`).
    pub time_zone: String,
    /// Counts below this are hidden in shared reports, by default; 0 to
    /// [`MAX_SUPPRESS_BELOW`].
    pub suppress_below: u32,
    /// The signposting directory, at most [`MAX_SIGNPOSTS`] entries.
    pub signposting: Vec<Signpost>,
    /// Every theme list version, 1 to N in order, each with its crosswalk
    /// from the one before.
    pub theme_lists: Vec<ThemeList>,
}

/// Just the format of a payload, read before anything else so that a newer
/// format is named as such even when its other fields are unknown here.
#[derive(Deserialize)]
struct FormatOnly {
    format: u64,
}

fn invalid(reason: impl Into<String>) -> ProfileError {
    ProfileError::Invalid(reason.into())
}

/// Text from the profile as a refusal quotes it: on one line, cut short.
fn quoted(text: &str) -> String {
    let mut short: String = text
        .chars()
        .take(MAX_QUOTED_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > MAX_QUOTED_CHARS {
        short.push('…');
    }
    short
}

/// Whether `text` is a single line without control characters.
fn one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

impl Profile {
    /// The one byte string this profile is signed as.
    pub fn to_canonical(&self) -> Vec<u8> {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a profile, refusing anything but its canonical bytes and any
    /// format but [`PROFILE_FORMAT`].
    pub fn from_canonical(bytes: &[u8]) -> Result<Profile, ProfileError> {
        let newer = serde_json::from_slice::<FormatOnly>(bytes)
            .ok()
            .map(|probe| probe.format)
            .filter(|&format| format > u64::from(PROFILE_FORMAT));
        if let Some(format) = newer {
            return Err(ProfileError::UnsupportedFormat { found: format });
        }
        // serde's own message names Rust types; the reader is told plainly.
        let profile: Profile = serde_json::from_slice(bytes).map_err(|_| {
            invalid("its content is not laid out the way Quietline writes a profile")
        })?;
        if profile.format != PROFILE_FORMAT {
            return Err(invalid(format!(
                "it says it is profile format {}, which does not exist",
                profile.format
            )));
        }
        if profile.to_canonical() != bytes {
            return Err(invalid(
                "its content is not written exactly the way Quietline writes it",
            ));
        }
        Ok(profile)
    }

    /// Checks every rule a profile made by Quietline follows, and returns
    /// its theme lists as a checked catalogue.
    pub fn check(&self) -> Result<ThemeCatalogue, ProfileError> {
        if self.format != PROFILE_FORMAT {
            return Err(if self.format > PROFILE_FORMAT {
                ProfileError::UnsupportedFormat {
                    found: u64::from(self.format),
                }
            } else {
                invalid(format!(
                    "it says it is profile format {}, which does not exist",
                    self.format
                ))
            });
        }
        self.check_helpline()?;
        if self.version == 0 {
            return Err(invalid(
                "its version number is 0, but profiles are numbered from 1",
            ));
        }
        let made_on = NaiveDate::parse_from_str(&self.made_on, "%Y-%m-%d")
            .ok()
            .filter(|d| d.format("%Y-%m-%d").to_string() == self.made_on);
        if made_on.is_none() {
            return Err(invalid(format!(
                "'{}' is not a date written like 2025-09-03",
                quoted(&self.made_on)
            )));
        }
        self.check_return_key()?;
        let time_zone = self.time_zone.parse::<Tz>().ok();
        if time_zone.is_none_or(|tz| tz.name() != self.time_zone) {
            return Err(invalid(format!(
                "'{}' is not a time zone Quietline knows (one looks like Europe/London)",
                quoted(&self.time_zone)
            )));
        }
        if self.suppress_below > MAX_SUPPRESS_BELOW {
            return Err(invalid(format!(
                "it hides counts below {}, but the most a profile may hide is below {MAX_SUPPRESS_BELOW}",
                self.suppress_below
            )));
        }
        self.check_signposting()?;
        let themes = self.check_theme_lists()?;
        // Last, when every part is known to be within its own limits.
        if self.to_canonical().len() > MAX_PAYLOAD_BYTES {
            return Err(invalid(
                "it is too large to fit in a profile file; remove some theme list versions or signposting entries",
            ));
        }
        Ok(themes)
    }

    fn check_helpline(&self) -> Result<(), ProfileError> {
        let name = &self.helpline;
        if name.trim().is_empty() {
            return Err(invalid("the helpline's name is missing"));
        }
        if name.chars().count() > MAX_HELPLINE_CHARS {
            return Err(invalid(format!(
                "the helpline's name is longer than {MAX_HELPLINE_CHARS} characters"
            )));
        }
        if !one_line(name) {
            return Err(invalid(
                "the helpline's name runs over more than one line or holds hidden characters",
            ));
        }
        if name.trim() != name {
            return Err(invalid(
                "the helpline's name has spaces at its start or end",
            ));
        }
        Ok(())
    }

    fn check_return_key(&self) -> Result<(), ProfileError> {
        let key = CoordinatorKey::parse(&self.return_key).map_err(|e| match e {
            ReturnError::TestCoordinatorKey => ProfileError::TestKey,
            ReturnError::BadCoordinatorKey(text) => invalid(format!(
                "the coordinator's key in it ('{text}') is not a whole key"
            )),
            e => invalid(format!("the coordinator's key in it is not usable ({e})")),
        })?;
        // `parse` forgives what pasting adds; a signed profile holds the key
        // exactly as age writes it, so it has one spelling.
        if key.to_string() != self.return_key {
            return Err(invalid(
                "the coordinator's key is not written the way Quietline writes it",
            ));
        }
        Ok(())
    }

    fn check_signposting(&self) -> Result<(), ProfileError> {
        if self.signposting.len() > MAX_SIGNPOSTS {
            return Err(invalid(format!(
                "its signposting directory has {} entries, but it can hold at most {MAX_SIGNPOSTS}",
                self.signposting.len()
            )));
        }
        for entry in &self.signposting {
            if entry.name.trim().is_empty() {
                return Err(invalid(format!(
                    "the signposting entry with contact '{}' has no name",
                    quoted(&entry.contact)
                )));
            }
            if !one_line(&entry.name) || !one_line(&entry.contact) {
                return Err(invalid(format!(
                    "the signposting entry '{}' runs over more than one line or holds hidden characters",
                    quoted(&entry.name)
                )));
            }
            if entry.display().chars().count() > MAX_SIGNPOST_CHARS {
                return Err(invalid(format!(
                    "the signposting entry '{}' is longer than {MAX_SIGNPOST_CHARS} characters",
                    quoted(&entry.name)
                )));
            }
        }
        Ok(())
    }

    fn check_theme_lists(&self) -> Result<ThemeCatalogue, ProfileError> {
        let count = self.theme_lists.len();
        if count == 0 {
            return Err(invalid("it has no theme list"));
        }
        if count > MAX_THEME_VERSIONS {
            return Err(invalid(format!(
                "it has {count} versions of the theme list, but it can hold at most {MAX_THEME_VERSIONS}"
            )));
        }
        ThemeCatalogue::new(self.theme_lists.clone()).map_err(|e| match e {
            ThemeError::InvalidList(reason) => {
                invalid(format!("its theme lists do not fit together: {reason}"))
            }
            e => invalid(format!("its theme lists do not fit together: {e}")),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::CoordinatorIdentity;
    use crate::returns::PUBLISHED_TEST_KEY;
    use crate::safeguarding::default_directory;
    use crate::store::Settings;
    use crate::themes::edit::{NewTheme, ThemeEdit, apply, start_draft};

    /// Version 2 of the theme list: version 1 and one new category.
    pub(crate) fn second_list() -> ThemeList {
        let catalogue = ThemeCatalogue::shipped();
        let draft = start_draft(&catalogue);
        let edit = ThemeEdit::Add {
            category: None,
            theme: NewTheme {
                id: "exams".into(),
                label: "Exams and assessment".into(),
                description: String::new(),
            },
        };
        apply(&catalogue, &draft, &edit).unwrap()
    }

    /// A profile that follows every rule, with two theme list versions.
    pub(crate) fn profile() -> Profile {
        Profile {
            format: PROFILE_FORMAT,
            helpline: "Schools Leaders' Line".into(),
            version: 3,
            made_on: "2025-09-03".into(),
            return_key: CoordinatorIdentity::generate().key().to_string(),
            time_zone: "Europe/London".into(),
            suppress_below: 5,
            signposting: default_directory(),
            theme_lists: vec![ThemeList::default_list(), second_list()],
        }
    }

    #[test]
    fn a_profile_reads_back_from_its_canonical_bytes_and_passes_its_checks() {
        let p = profile();
        let bytes = p.to_canonical();
        assert_eq!(Profile::from_canonical(&bytes).unwrap(), p);
        let themes = p.check().unwrap();
        assert_eq!(themes.current().version, 2);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with(r#"{"format":1,"helpline":"Schools Leaders' Line","version":3,"#),
            "{text:.80}"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn another_spelling_of_the_same_content_is_refused() {
        let text = String::from_utf8(profile().to_canonical()).unwrap();
        for other in [
            text.replacen(':', ": ", 1),
            format!("{text}\n"),
            format!(" {text}"),
            text.replacen(r#""version":3"#, r#""version":3.0"#, 1),
            text.replacen("Schools", "\\u0053chools", 1),
            // The first list's crosswalk, written out although empty.
            text.replacen(
                r#"}]}]},{"version":2"#,
                r#"}]}],"crosswalk":[]},{"version":2"#,
                1,
            ),
        ] {
            assert_ne!(other, text);
            let e = Profile::from_canonical(other.as_bytes()).unwrap_err();
            assert!(matches!(e, ProfileError::Invalid(_)), "{e}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_and_newer_formats_say_so() {
        let text = String::from_utf8(profile().to_canonical()).unwrap();
        let extra = text.replacen('{', r#"{"notes":"x","#, 1);
        let e = Profile::from_canonical(extra.as_bytes()).unwrap_err();
        assert!(matches!(e, ProfileError::Invalid(_)), "{e}");
        assert!(!e.to_string().contains('`'), "no Rust in the message: {e}");
        let in_an_entry =
            text.replacen(r#""contact":"116 123""#, r#""contact":"116 123","x":1"#, 1);
        assert_ne!(in_an_entry, text);
        assert!(Profile::from_canonical(in_an_entry.as_bytes()).is_err());

        // A newer format may have other fields: it is named as newer all the same.
        let newer = extra.replacen(r#""format":1"#, r#""format":2"#, 1);
        let e = Profile::from_canonical(newer.as_bytes()).unwrap_err();
        assert!(
            matches!(e, ProfileError::UnsupportedFormat { found: 2 }),
            "{e}"
        );
        assert!(e.to_string().contains("update Quietline"), "{e}");
        let zero = text.replacen(r#""format":1"#, r#""format":0"#, 1);
        assert!(matches!(
            Profile::from_canonical(zero.as_bytes()),
            Err(ProfileError::Invalid(_))
        ));
    }

    #[test]
    fn each_rule_of_a_profile_is_checked() {
        type Change = Box<dyn Fn(&mut Profile)>;
        let long_entry = Signpost {
            name: "A".into(),
            contact: "9".repeat(MAX_SIGNPOST_CHARS),
        };
        let cases: Vec<(&str, Change)> = vec![
            ("missing", Box::new(|p| p.helpline = String::new())),
            ("missing", Box::new(|p| p.helpline = "   ".into())),
            (
                "longer than 100",
                Box::new(|p| p.helpline = "x".repeat(MAX_HELPLINE_CHARS + 1)),
            ),
            ("one line", Box::new(|p| p.helpline = "Line\nTwo".into())),
            ("start or end", Box::new(|p| p.helpline = " Line".into())),
            ("numbered from 1", Box::new(|p| p.version = 0)),
            ("date", Box::new(|p| p.made_on = "2025-02-30".into())),
            ("date", Box::new(|p| p.made_on = "2025-9-3".into())),
            (
                "coordinator's key",
                Box::new(|p| p.return_key = "age1nope".into()),
            ),
            (
                "coordinator's key",
                Box::new(|p| p.return_key = format!("{} ", p.return_key)),
            ),
            (
                "coordinator's key",
                Box::new(|p| p.return_key = p.return_key.to_uppercase()),
            ),
            (
                "time zone",
                Box::new(|p| p.time_zone = "Mars/Olympus".into()),
            ),
            (
                "time zone",
                Box::new(|p| p.time_zone = "europe/london".into()),
            ),
            ("time zone", Box::new(|p| p.time_zone = String::new())),
            (
                "below 100",
                Box::new(|p| p.suppress_below = MAX_SUPPRESS_BELOW + 1),
            ),
            (
                "at most 30",
                Box::new(|p| p.signposting = vec![p.signposting[0].clone(); MAX_SIGNPOSTS + 1]),
            ),
            ("no name", Box::new(|p| p.signposting[1].name = " ".into())),
            (
                "more than one line",
                Box::new(|p| p.signposting[1].contact = "116\n123".into()),
            ),
            (
                "longer than",
                Box::new(move |p| p.signposting[0] = long_entry.clone()),
            ),
            ("no theme list", Box::new(|p| p.theme_lists.clear())),
            (
                "at most 100",
                Box::new(|p| p.theme_lists = vec![ThemeList::default_list(); 101]),
            ),
            (
                "do not fit together",
                Box::new(|p| p.theme_lists.swap(0, 1)),
            ),
            (
                "do not fit together",
                Box::new(|p| p.theme_lists = vec![second_list()]),
            ),
        ];
        for (expected, change) in cases {
            let mut p = profile();
            change(&mut p);
            let e = p.check().unwrap_err();
            assert!(matches!(e, ProfileError::Invalid(_)), "{expected}: {e}");
            assert!(e.to_string().contains(expected), "{expected}: {e}");
        }
    }

    #[test]
    fn the_limits_themselves_are_allowed() {
        let mut p = profile();
        p.helpline = "é".repeat(MAX_HELPLINE_CHARS);
        p.suppress_below = MAX_SUPPRESS_BELOW;
        p.signposting = vec![
            Signpost {
                name: "N".into(),
                contact: "9".repeat(MAX_SIGNPOST_CHARS - 2),
            };
            MAX_SIGNPOSTS
        ];
        p.time_zone = "America/Argentina/Buenos_Aires".into();
        p.check().unwrap();
        p.suppress_below = 0;
        p.signposting.clear();
        p.theme_lists.truncate(1);
        p.check().unwrap();
    }

    #[test]
    fn a_theme_list_chain_with_a_theme_left_unmapped_is_refused() {
        let mut p = profile();
        // Version 2 drops a subtheme of version 1 without saying where it went.
        let mut next = ThemeList::default_list();
        next.version = 2;
        let dropped = next.categories[0].subthemes.remove(0).id;
        p.theme_lists = vec![ThemeList::default_list(), next];
        let e = p.check().unwrap_err();
        assert!(e.to_string().contains("do not fit together"), "{e}");
        assert!(e.to_string().contains(&dropped), "{dropped}: {e}");
    }

    #[test]
    fn the_published_test_key_is_refused_as_a_return_key() {
        let mut p = profile();
        p.return_key = PUBLISHED_TEST_KEY.into();
        let e = p.check().unwrap_err();
        assert!(matches!(e, ProfileError::TestKey), "{e}");
        assert!(e.to_string().contains("protects nothing"), "{e}");
    }

    #[test]
    fn every_profile_directory_can_be_saved_in_the_settings() {
        let entry = Signpost {
            name: "N".repeat(MAX_SIGNPOST_CHARS / 2),
            contact: "9".repeat(MAX_SIGNPOST_CHARS - MAX_SIGNPOST_CHARS / 2 - 1),
        };
        let mut p = profile();
        p.signposting = vec![entry.clone(); MAX_SIGNPOSTS];
        p.check().unwrap();
        let mut settings = Settings {
            signposting: p.signposting.clone(),
            ..Settings::default()
        };
        settings.validate().unwrap();
        // And the same number is the settings screen's limit too.
        settings.signposting.push(entry);
        assert!(settings.validate().is_err());
    }

    #[test]
    fn refusals_quote_what_is_wrong_on_one_short_line() {
        let mut p = profile();
        p.time_zone = format!("Europe/\n{}", "x".repeat(100));
        let e = p.check().unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e}");
        assert!(e.contains("Europe/ xxx"), "{e}");
        assert!(e.contains('…'), "{e}");
    }
}
