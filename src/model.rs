//! The call record and its validation.
//!
//! Owns what a call *is*: the stable identifiers for roles, settings, regions,
//! risk levels and call types, and the rules a call must satisfy before it is
//! stored. It knows nothing about encryption or SQL.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::themes::ThemeList;

/// Most themes a call may carry; the first is the main theme.
pub const MAX_THEMES: usize = 4;
/// A call longer than a day is a typing mistake, not a call.
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;
/// Generous, but bounded so one record cannot bloat the store.
pub const MAX_NOTES_CHARS: usize = 50_000;
pub const MAX_SAFEGUARDING_STEPS: usize = 20;
pub const MAX_STEP_CHARS: usize = 500;

/// Whether `c` has no place in a name a person reads to decide whom to
/// trust: control characters, the marks that reorder text (U+202A–U+202E,
/// U+2066–U+2069, U+200E/F, U+061C) and the zero-width ones (U+200B–U+200D,
/// U+2060, U+FEFF). Any of them can make two different names look alike.
pub fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'
                | '\u{FEFF}'
        )
}

/// What the refusal of a name with a hidden character says (after what
/// the name is).
pub const HIDDEN_CHARACTER_REASON: &str = "it holds a hidden character (a control, text-direction or zero-width mark) that can make it look like another name; type it again without it";

/// A display name as compared with another: compatibility-normalised, in
/// lower case, its spaces trimmed and each run of them made one, so that
/// "Alex  Smith" and "alex smith" count as the same name.
pub fn display_name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value that is not one of a field's known identifiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{given}'; expected one of: {expected}")]
pub struct UnknownId {
    pub kind: &'static str,
    pub given: String,
    pub expected: String,
}

/// Declares a closed set of stable identifiers with display labels.
/// The identifier is what is stored and exported; the label may change.
macro_rules! stable_ids {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $id:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const KIND: &'static str = $kind;

            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Position in [`Self::ALL`], for counting into arrays.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl FromStr for $name {
            type Err = UnknownId;
            fn from_str(s: &str) -> Result<Self, UnknownId> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err(UnknownId {
                        kind: $kind,
                        given: s.to_string(),
                        expected: [$($id),+].join(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.id())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

stable_ids!(
    /// Whether the caller talked about something, or the call was one of the
    /// short outcomes that are counted but carry no themes.
    CallType, "call type" {
        Substantive => "substantive", "Substantive";
        Silent => "silent", "Silent";
        HangUp => "hang_up", "Hang-up";
        WrongNumber => "wrong_number", "Wrong number";
        InformationOnly => "information_only", "Information only";
    }
);

impl CallType {
    pub fn is_substantive(self) -> bool {
        self == CallType::Substantive
    }
}

stable_ids!(Role, "role" {
    Headteacher => "headteacher", "Headteacher";
    ExecutiveHeadteacher => "executive_headteacher", "Executive headteacher";
    HeadOfSchool => "head_of_school", "Head of school";
    DeputyOrAssistantHead => "deputy_or_assistant_head", "Deputy or assistant head";
    TrustLeader => "trust_leader", "Trust leader";
    OtherLeader => "other_leader", "Other leader";
    Other => "other", "Other";
    // Silent calls and hang-ups say nothing about who rang; "other" would
    // misstate that.
    Unknown => "unknown", "Not known";
});

stable_ids!(Setting, "setting" {
    EarlyYears => "early_years", "Early years";
    Primary => "primary", "Primary";
    Secondary => "secondary", "Secondary";
    AllThrough => "all_through", "All-through";
    Special => "special", "Special";
    IndependentSpecial => "independent_special", "Independent special";
    AlternativeProvision => "alternative_provision", "Alternative provision";
    Independent => "independent", "Independent";
    FurtherEducation => "further_education", "Further education";
    Other => "other", "Other";
    Unknown => "unknown", "Not known";
});

stable_ids!(Employer, "employer" {
    LocalAuthority => "local_authority", "Local authority";
    SingleAcademyTrust => "single_academy_trust", "Single-academy trust";
    MultiAcademyTrust => "multi_academy_trust", "Multi-academy trust";
    Independent => "independent", "Independent";
    Other => "other", "Other";
});

stable_ids!(Region, "region" {
    NorthEast => "north_east", "North East";
    NorthWest => "north_west", "North West";
    YorkshireAndTheHumber => "yorkshire_and_the_humber", "Yorkshire and the Humber";
    EastMidlands => "east_midlands", "East Midlands";
    WestMidlands => "west_midlands", "West Midlands";
    EastOfEngland => "east_of_england", "East of England";
    London => "london", "London";
    SouthEast => "south_east", "South East";
    SouthWest => "south_west", "South West";
    Wales => "wales", "Wales";
    Scotland => "scotland", "Scotland";
    NorthernIreland => "northern_ireland", "Northern Ireland";
    Unknown => "unknown", "Unknown";
});

stable_ids!(RiskLevel, "risk level" {
    None => "none", "None";
    Low => "low", "Low";
    Moderate => "moderate", "Moderate";
    High => "high", "High";
    Imminent => "imminent", "Imminent";
});

stable_ids!(
    /// Whether the caller had rung the helpline before. `unknown` when the
    /// volunteer did not find out, so it is never guessed.
    CallerType, "caller type" {
        FirstTime => "first_time", "First-time caller";
        Repeat => "repeat", "Repeat caller";
        Unknown => "unknown", "Not known";
    }
);

/// A call's stable identifier. Always a random (v4) UUID: the id is stored in
/// plaintext, so it must not carry a timestamp the way a v7 UUID does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(Uuid);

impl CallId {
    pub fn random() -> Self {
        CallId(Uuid::new_v4())
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        CallId(Uuid::from_bytes(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for CallId {
    type Err = UnknownId;
    fn from_str(s: &str) -> Result<Self, UnknownId> {
        Uuid::parse_str(s).map(CallId).map_err(|_| UnknownId {
            kind: "call id",
            given: s.to_string(),
            expected: "a call id as printed by `quietline log` or `quietline list`".into(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub needed: bool,
    pub due: Option<NaiveDate>,
    pub done: bool,
}

/// What the report counts and lists show: everything about a call except
/// the private parts. Sealed separately from [`CallDetails`] so that a report
/// never has to decrypt anyone's notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFacts {
    pub started_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub call_type: CallType,
    pub role: Role,
    pub setting: Setting,
    pub employer: Option<Employer>,
    pub region: Region,
    pub caller_type: CallerType,
    /// Theme ids (`category` or `category.subtheme`); the first is the main theme.
    pub themes: Vec<String>,
    pub risk: RiskLevel,
    pub follow_up: FollowUp,
}

/// The private part of a call: what was done to keep the caller safe, and the
/// volunteer's own notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallDetails {
    pub safeguarding: Vec<String>,
    pub notes: String,
}

/// A call as a volunteer enters it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCall {
    pub facts: CallFacts,
    pub details: CallDetails,
}

/// A stored call without its private details: what lists and reports read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSummary {
    pub id: CallId,
    pub logged_by: String,
    /// The theme list the themes were chosen from, so past years stay readable
    /// after the list changes.
    pub theme_list_version: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub facts: CallFacts,
    /// When the retention policy shredded this call's notes, safeguarding
    /// details and exact times; `facts.started_at` is then midday of the
    /// local day the call was on, so every count stays where it was.
    #[serde(default)]
    pub shredded_on: Option<NaiveDate>,
}

/// A stored call, opened in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub summary: CallSummary,
    pub details: CallDetails,
}

/// Declares [`Field`]: each variant with the words a message names it by.
macro_rules! fields {
    ($($(#[$meta:meta])* $variant:ident => $words:literal;)+) => {
        /// A value a volunteer can be asked to correct. The screens match
        /// on it (serialised as its snake_case id) to put the cursor back in
        /// the right input; messages name it in words ([`Field::words`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(test, derive(ts_rs::TS), ts(export))]
        #[non_exhaustive]
        pub enum Field { $($(#[$meta])* $variant),+ }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// How a message names the field: "start time", "idle lock".
            pub fn words(self) -> &'static str {
                match self { $(Field::$variant => $words),+ }
            }
        }
    };
}

fields! {
    // The call form.
    /// When the call started.
    StartedAt => "start time";
    DurationMinutes => "duration";
    CallType => "call type";
    Role => "role";
    Setting => "setting";
    Employer => "employer";
    Region => "region";
    CallerType => "caller type";
    Themes => "themes";
    Risk => "risk";
    Safeguarding => "safeguarding";
    /// The follow-up and its due date.
    FollowUpDue => "follow-up";
    Notes => "notes";
    /// The id a form saves its call under.
    FormId => "form";
    /// The call being typed, kept as a draft.
    Draft => "draft";
    // Settings.
    DisplayName => "display name";
    IdleLock => "idle lock";
    CallIdleLock => "idle lock during a call";
    TimeZone => "time zone";
    Signposting => "signposting";
    CoordinatorKey => "coordinator key";
    // Passphrases.
    /// A new store's passphrase.
    Passphrase => "passphrase";
    CurrentPassphrase => "current passphrase";
    NewPassphrase => "new passphrase";
    // The calls list's filter.
    From => "from";
    To => "to";
    // Reports and returns.
    Year => "year";
    /// Where a report or a return is saved.
    Path => "path";
    /// The smallest count a published report shows.
    SuppressBelow => "smallest count to publish";
    // The helpline profile.
    /// A fingerprint typed to confirm a key read out by phone.
    Fingerprint => "fingerprint";
    Helpline => "helpline name";
    /// The theme list editor's draft.
    ThemeDraft => "theme list";
    // Backups and retention.
    BackupFolder => "backup folder";
    KeepBackups => "backups kept";
    BackupWarnDays => "backup warning";
    /// The backup file to restore.
    BackupFile => "backup file";
    /// The word typed to replace an existing log with a backup.
    ReplaceConfirmation => "confirmation";
    RetentionMonths => "retention period";
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// Why a call cannot be stored, in words a volunteer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: Field,
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: Field, reason: impl Into<String>) -> Self {
        ValidationError {
            field,
            reason: reason.into(),
        }
    }
}

impl NewCall {
    /// Checks every rule a stored call must satisfy. `now` is passed in so the
    /// "not in the future" rule is testable.
    pub fn validate(&self, themes: &ThemeList, now: DateTime<Utc>) -> Result<(), ValidationError> {
        let f = &self.facts;
        // A day of slack covers a laptop clock that is a little off.
        if f.started_at > now + Duration::days(1) {
            return Err(ValidationError::new(
                Field::StartedAt,
                format!(
                    "{} is in the future; check the date and the time zone offset",
                    f.started_at.to_rfc3339()
                ),
            ));
        }
        if f.duration_minutes > MAX_DURATION_MINUTES {
            return Err(ValidationError::new(
                Field::DurationMinutes,
                format!(
                    "{} minutes is longer than a day; enter the call's length in minutes",
                    f.duration_minutes
                ),
            ));
        }
        if f.themes.len() > MAX_THEMES {
            return Err(ValidationError::new(
                Field::Themes,
                format!(
                    "{} themes given; choose at most {MAX_THEMES}, main theme first",
                    f.themes.len()
                ),
            ));
        }
        if f.call_type.is_substantive() && f.themes.is_empty() {
            return Err(ValidationError::new(
                Field::Themes,
                "a call about something needs at least one theme (a silent call or a hang-up needs none)",
            ));
        }
        for (i, theme) in f.themes.iter().enumerate() {
            themes
                .resolve(theme)
                .map_err(|e| ValidationError::new(Field::Themes, e.to_string()))?;
            if f.themes[..i].contains(theme) {
                return Err(ValidationError::new(
                    Field::Themes,
                    format!("'{theme}' is given twice"),
                ));
            }
        }
        if f.follow_up.due.is_some() && !f.follow_up.needed {
            return Err(ValidationError::new(
                Field::FollowUpDue,
                "a due date is set but no follow-up is marked as needed",
            ));
        }
        let d = &self.details;
        if d.notes.chars().count() > MAX_NOTES_CHARS {
            return Err(ValidationError::new(
                Field::Notes,
                format!("notes are limited to {MAX_NOTES_CHARS} characters"),
            ));
        }
        if d.safeguarding.len() > MAX_SAFEGUARDING_STEPS {
            return Err(ValidationError::new(
                Field::Safeguarding,
                format!("at most {MAX_SAFEGUARDING_STEPS} steps can be recorded"),
            ));
        }
        if let Some(step) = d
            .safeguarding
            .iter()
            .find(|s| s.trim().is_empty() || s.chars().count() > MAX_STEP_CHARS)
        {
            let reason = if step.trim().is_empty() {
                "a step is empty".to_string()
            } else {
                format!("a step is longer than {MAX_STEP_CHARS} characters")
            };
            return Err(ValidationError::new(Field::Safeguarding, reason));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// `facts` as a store would hold them, logged when the call started.
    pub(crate) fn stored(facts: CallFacts) -> CallSummary {
        CallSummary {
            id: CallId::random(),
            logged_by: String::new(),
            theme_list_version: 1,
            created_at: facts.started_at,
            updated_at: facts.started_at,
            facts,
            shredded_on: None,
        }
    }

    pub(crate) fn typical_call() -> NewCall {
        NewCall {
            facts: CallFacts {
                started_at: Utc.with_ymd_and_hms(2024, 3, 14, 9, 30, 0).unwrap(),
                duration_minutes: 25,
                call_type: CallType::Substantive,
                role: Role::Headteacher,
                setting: Setting::Primary,
                employer: Some(Employer::LocalAuthority),
                region: Region::NorthWest,
                caller_type: CallerType::FirstTime,
                themes: vec!["inspection.ofsted".into(), "wellbeing.workload".into()],
                risk: RiskLevel::Low,
                follow_up: FollowUp::default(),
            },
            details: CallDetails {
                safeguarding: vec![],
                notes: "Talked through the inspection feedback.".into(),
            },
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn every_identifier_round_trips_through_its_string() {
        for r in Role::ALL {
            assert_eq!(r.id().parse::<Role>().unwrap(), *r);
        }
        for s in Setting::ALL {
            assert_eq!(s.id().parse::<Setting>().unwrap(), *s);
        }
        for r in Region::ALL {
            assert_eq!(r.id().parse::<Region>().unwrap(), *r);
        }
        for r in RiskLevel::ALL {
            assert_eq!(r.id().parse::<RiskLevel>().unwrap(), *r);
        }
        assert_eq!(Region::ALL.len(), 13);
        assert_eq!(Setting::ALL.len(), 11);
        assert_eq!(Role::ALL.len(), 8);
    }

    /// Report pages store these as positions in `ALL`: reordering a list
    /// would change what stored pages mean. Append new values at the end.
    #[test]
    fn the_order_of_every_identifier_list_is_pinned() {
        let ids = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            ids(CallType::ALL.iter().map(|v| v.id()).collect()),
            "substantive,silent,hang_up,wrong_number,information_only"
        );
        assert_eq!(
            ids(Role::ALL.iter().map(|v| v.id()).collect()),
            "headteacher,executive_headteacher,head_of_school,deputy_or_assistant_head,trust_leader,other_leader,other,unknown"
        );
        assert_eq!(
            ids(Setting::ALL.iter().map(|v| v.id()).collect()),
            "early_years,primary,secondary,all_through,special,independent_special,alternative_provision,independent,further_education,other,unknown"
        );
        assert_eq!(
            ids(Employer::ALL.iter().map(|v| v.id()).collect()),
            "local_authority,single_academy_trust,multi_academy_trust,independent,other"
        );
        assert_eq!(
            ids(Region::ALL.iter().map(|v| v.id()).collect()),
            "north_east,north_west,yorkshire_and_the_humber,east_midlands,west_midlands,east_of_england,london,south_east,south_west,wales,scotland,northern_ireland,unknown"
        );
        assert_eq!(
            ids(RiskLevel::ALL.iter().map(|v| v.id()).collect()),
            "none,low,moderate,high,imminent"
        );
        assert_eq!(
            ids(CallerType::ALL.iter().map(|v| v.id()).collect()),
            "first_time,repeat,unknown"
        );
    }

    #[test]
    fn unknown_identifier_lists_the_valid_ones() {
        let err = "head".parse::<Role>().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown role 'head'"), "{text}");
        assert!(text.contains("headteacher"), "{text}");
    }

    #[test]
    fn a_typical_call_is_valid() {
        typical_call()
            .validate(&ThemeList::default_list(), now())
            .unwrap();
    }

    #[test]
    fn validation_rejects_what_a_volunteer_could_mistype() {
        let themes = ThemeList::default_list();
        type Mutation = Box<dyn Fn(&mut NewCall)>;
        let cases: Vec<(Field, &str, Mutation)> = vec![
            (
                Field::Themes,
                "themes",
                Box::new(|c| {
                    c.facts.themes = vec![
                        "send".into(),
                        "funding".into(),
                        "premises".into(),
                        "staffing".into(),
                        "parents".into(),
                    ]
                }),
            ),
            (
                Field::Themes,
                "themes",
                Box::new(|c| c.facts.themes = vec![]),
            ),
            (
                Field::Themes,
                "themes",
                Box::new(|c| c.facts.themes = vec!["inspection.nope".into()]),
            ),
            (
                Field::Themes,
                "themes",
                Box::new(|c| c.facts.themes = vec!["send".into(), "send".into()]),
            ),
            (
                Field::DurationMinutes,
                "duration",
                Box::new(|c| c.facts.duration_minutes = 1441),
            ),
            (
                Field::StartedAt,
                "start time",
                Box::new(|c| c.facts.started_at = now() + Duration::days(3)),
            ),
            (
                Field::FollowUpDue,
                "follow-up",
                Box::new(|c| c.facts.follow_up.due = NaiveDate::from_ymd_opt(2024, 7, 1)),
            ),
            (
                Field::Notes,
                "notes",
                Box::new(|c| c.details.notes = "x".repeat(MAX_NOTES_CHARS + 1)),
            ),
            (
                Field::Safeguarding,
                "safeguarding",
                Box::new(|c| c.details.safeguarding = vec!["  ".into()]),
            ),
        ];
        for (field, words, mutate) in cases {
            let mut call = typical_call();
            mutate(&mut call);
            let err = call.validate(&themes, now()).unwrap_err();
            assert_eq!(err.field, field, "{err}");
            assert_eq!(err.field.words(), words, "{err}");
        }
    }

    /// The screens match on these names to put the cursor back; the words
    /// stay those the messages have always used.
    #[test]
    fn each_field_has_one_name_for_the_screens_and_words_for_messages() {
        let name = |f: Field| serde_json::to_string(&f).unwrap();
        assert_eq!(name(Field::StartedAt), "\"started_at\"");
        assert_eq!(name(Field::CoordinatorKey), "\"coordinator_key\"");
        assert_eq!(name(Field::CallIdleLock), "\"call_idle_lock\"");
        assert_eq!(Field::StartedAt.to_string(), "start time");
        assert_eq!(Field::CallIdleLock.to_string(), "idle lock during a call");
        let mut names: Vec<_> = Field::ALL.iter().map(|f| name(*f)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
    }

    #[test]
    fn non_substantive_calls_need_no_theme() {
        let mut call = typical_call();
        call.facts.call_type = CallType::Silent;
        call.facts.themes.clear();
        call.validate(&ThemeList::default_list(), now()).unwrap();
    }
}
