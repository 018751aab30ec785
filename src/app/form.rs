//! The "log a call" form as the app holds it, and its conversion to and from
//! a stored call.
//!
//! Every field is kept as the volunteer typed it (strings), so a half-typed
//! draft survives a lock or a crash exactly; it becomes a [`NewCall`] only
//! when saved, with an error naming the field to fix.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::model::{
    Call, CallDetails, CallFacts, CallId, CallType, CallerType, Employer, Field, FollowUp, NewCall,
    Region, RiskLevel, Role, Setting,
};
use crate::safeguarding::SafeguardingChecklist;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CallForm {
    /// The id the call is saved under, minted when the form opens, so that
    /// saving the same form twice replaces the call instead of logging it
    /// twice. Empty in forms from before ids (a new one is minted on save).
    pub id: String,
    /// The draft generation the form was opened under: a draft written
    /// from it after it was saved or cleared is dropped (see
    /// [`crate::store::Vault::save_draft`]).
    #[cfg_attr(test, ts(type = "number"))]
    pub draft_generation: u64,
    /// When the call timer was started (milliseconds since 1970, UTC), while
    /// it runs; kept in the draft so a lock or a crash does not stop it.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub timer_started_ms: Option<i64>,
    /// When the call started, local time in the helpline's time zone
    /// (`YYYY-MM-DDTHH:MM`, as an `<input type="datetime-local">` gives it).
    pub started_at: String,
    /// Whole minutes, as typed.
    pub duration_minutes: String,
    /// Ids from the [`super::Vocabulary`]; empty when not chosen yet.
    pub call_type: String,
    pub role: String,
    pub setting: String,
    /// Empty when the employer was not found out.
    pub employer: String,
    pub region: String,
    pub caller_type: String,
    /// Theme ids, main theme first.
    pub themes: Vec<String>,
    pub risk: String,
    pub safeguarding: SafeguardingChecklist,
    pub follow_up_needed: bool,
    /// As typed: `8/12`, `8 Dec`, `Tue 8 Dec 2026`, `2026-12-08`; or empty.
    pub follow_up_due: String,
    pub follow_up_done: bool,
    pub notes: String,
    /// Text typed into the theme box that matches no theme yet; a call is
    /// not saved with it, so it is never dropped without a word.
    pub theme_text: String,
}

impl Default for CallForm {
    fn default() -> Self {
        CallForm {
            id: String::new(),
            draft_generation: 0,
            timer_started_ms: None,
            started_at: String::new(),
            duration_minutes: String::new(),
            call_type: CallType::Substantive.id().into(),
            role: String::new(),
            setting: String::new(),
            employer: String::new(),
            region: String::new(),
            caller_type: CallerType::Unknown.id().into(),
            themes: Vec::new(),
            risk: RiskLevel::None.id().into(),
            safeguarding: SafeguardingChecklist::default(),
            follow_up_needed: false,
            follow_up_due: String::new(),
            follow_up_done: false,
            notes: String::new(),
            theme_text: String::new(),
        }
    }
}

/// An instant as the form shows it, in the helpline's time zone.
pub fn local_form_time(instant: DateTime<Utc>, tz: Tz) -> String {
    instant
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

impl CallForm {
    /// A blank form for a new call starting now, with the id it will be
    /// saved under, opened under draft generation `draft_generation`.
    pub fn starting_at(now: DateTime<Utc>, tz: Tz, draft_generation: u64) -> CallForm {
        CallForm {
            id: CallId::random().to_string(),
            draft_generation,
            started_at: shown_time(now, tz),
            ..CallForm::default()
        }
    }

    /// The short call (silent, hang-up…) a one-key outcome logs from this
    /// form: its id, start and length only. Whatever was typed for a
    /// longer call (who rang, themes, risk, safeguarding, notes) is not
    /// carried into a call that says nothing about the caller.
    pub fn short_call(&self, call_type: CallType) -> CallForm {
        CallForm {
            id: self.id.clone(),
            draft_generation: self.draft_generation,
            started_at: self.started_at.clone(),
            duration_minutes: self.duration_minutes.clone(),
            call_type: call_type.id().into(),
            ..CallForm::default()
        }
    }

    /// The id the call is saved under: the form's own, or a new one for a
    /// form from before forms had ids.
    pub fn call_id(&self) -> Result<CallId, AppError> {
        if self.id.trim().is_empty() {
            return Ok(CallId::random());
        }
        self.id.trim().parse().map_err(|_| {
            AppError::invalid(
                Field::FormId,
                "This form is damaged; clear it and start again",
            )
        })
    }

    /// The form for editing a stored call.
    pub fn from_call(call: &Call, tz: Tz) -> CallForm {
        let f = &call.summary.facts;
        CallForm {
            started_at: shown_time(f.started_at, tz),
            duration_minutes: f.duration_minutes.to_string(),
            call_type: f.call_type.id().into(),
            role: f.role.id().into(),
            setting: f.setting.id().into(),
            employer: f.employer.map(|e| e.id().to_string()).unwrap_or_default(),
            region: f.region.id().into(),
            caller_type: f.caller_type.id().into(),
            themes: f.themes.clone(),
            risk: f.risk.id().into(),
            safeguarding: SafeguardingChecklist::from_steps(&call.details.safeguarding),
            follow_up_needed: f.follow_up.needed,
            follow_up_due: f.follow_up.due.map(shown_date).unwrap_or_default(),
            follow_up_done: f.follow_up.done,
            notes: call.details.notes.clone(),
            id: call.summary.id.to_string(),
            ..CallForm::default()
        }
    }

    /// The call this form describes. Checks the form's own shape; the
    /// store checks the call's rules (themes, limits) when it is saved.
    /// `today` (in the helpline's time zone) places a due date typed
    /// without a year.
    pub fn to_new_call(&self, tz: Tz, today: NaiveDate) -> Result<NewCall, AppError> {
        let call_type: CallType = pick(
            Field::CallType,
            "Choose what kind of call it was",
            &self.call_type,
        )?;
        // Short outcomes (silent, hang-up…) say nothing about who rang, so
        // blanks there mean "not known" rather than a mistake.
        let quiet = !call_type.is_substantive();
        let role = pick_or_unknown(
            Field::Role,
            "Choose the caller's role",
            &self.role,
            quiet,
            Role::Unknown,
        )?;
        let setting = pick_or_unknown(
            Field::Setting,
            "Choose the type of setting",
            &self.setting,
            quiet,
            Setting::Unknown,
        )?;
        let region = pick_or_unknown(
            Field::Region,
            "Choose the region",
            &self.region,
            quiet,
            Region::Unknown,
        )?;
        let employer = if self.employer.trim().is_empty() {
            None
        } else {
            Some(pick::<Employer>(
                Field::Employer,
                "Choose the employer",
                &self.employer,
            )?)
        };
        let caller_type = if self.caller_type.trim().is_empty() {
            CallerType::Unknown
        } else {
            pick(
                Field::CallerType,
                "Choose first-time or repeat",
                &self.caller_type,
            )?
        };
        let risk = if self.risk.trim().is_empty() {
            RiskLevel::None
        } else {
            pick(Field::Risk, "Choose a risk level", &self.risk)?
        };
        let follow_up_due = parse_due_date(&self.follow_up_due, today)?;
        let theme_text = self.theme_text.trim();
        if !quiet && !theme_text.is_empty() {
            return Err(AppError::invalid(
                Field::Themes,
                format!(
                    "No theme matches '{theme_text}': choose one from the list, or clear the theme box"
                ),
            ));
        }
        Ok(NewCall {
            facts: CallFacts {
                started_at: parse_local_time(&self.started_at, tz, today)?,
                duration_minutes: parse_minutes(&self.duration_minutes, quiet)?,
                call_type,
                role,
                setting,
                employer,
                region,
                caller_type,
                themes: if quiet {
                    Vec::new()
                } else {
                    self.themes.clone()
                },
                risk,
                follow_up: FollowUp {
                    needed: self.follow_up_needed || follow_up_due.is_some(),
                    due: follow_up_due,
                    done: self.follow_up_done,
                },
            },
            details: CallDetails {
                safeguarding: self.safeguarding.to_steps(),
                notes: self.notes.trim_end().to_string(),
            },
        })
    }
}

fn pick<T: std::str::FromStr>(field: Field, ask: &str, value: &str) -> Result<T, AppError> {
    if value.trim().is_empty() {
        return Err(AppError::invalid(field, ask));
    }
    value.trim().parse().map_err(|_| {
        AppError::invalid(field, format!("{ask}: '{value}' is not one of the choices"))
    })
}

fn pick_or_unknown<T: std::str::FromStr>(
    field: Field,
    ask: &str,
    value: &str,
    quiet: bool,
    unknown: T,
) -> Result<T, AppError> {
    if quiet && value.trim().is_empty() {
        Ok(unknown)
    } else {
        pick(field, ask, value)
    }
}

fn parse_minutes(text: &str, quiet: bool) -> Result<u32, AppError> {
    let text = text.trim();
    if text.is_empty() {
        if quiet {
            return Ok(0);
        }
        return Err(AppError::invalid(
            Field::DurationMinutes,
            "Enter how long the call lasted, in minutes (or use the call timer)",
        ));
    }
    text.parse().map_err(|_| {
        AppError::invalid(
            Field::DurationMinutes,
            format!("'{text}' is not a number of minutes; enter whole minutes, such as 25"),
        )
    })
}

/// A date as the form shows it: `Tue 8 Dec 2026`, UK style whatever the
/// system's language.
pub fn shown_date(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// An instant as the form shows it, in the helpline's time zone:
/// `Tue 8 Dec 2026 14:05`.
pub fn shown_time(instant: DateTime<Utc>, tz: Tz) -> String {
    instant
        .with_timezone(&tz)
        .format("%a %-d %b %Y %H:%M")
        .to_string()
}

const DUE_DATE_HELP: &str =
    "Enter the follow-up date with the day first, such as 8/12 or 8 Dec, or leave it empty";

/// Which way a date typed without its year looks from today.
#[derive(Clone, Copy)]
enum Without {
    /// The next such day from today on (a follow-up).
    YearAhead,
    /// The last such day up to today (a call that has happened).
    YearBehind,
}

/// Reads a date typed day first (UK): `8/12`, `8/12/26`, `08/12/2026`,
/// `8 Dec`, `8th December 2026`, `Tue 8 Dec 2026` or `2026-12-08`.
/// `None` if it is not a whole date.
fn parse_uk_date(text: &str, today: NaiveDate, without: Without) -> Option<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '.' | '-' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    // A leading weekday ("Tue") is only a reading aid.
    let words = match words.split_first() {
        Some((first, rest)) if weekday(first) => rest,
        _ => &words[..],
    };
    let (day, month, year) = match words {
        [d, m] => (*d, *m, None),
        [d, m, y] => (*d, *m, Some(*y)),
        _ => return None,
    };
    let day: u32 = day
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()?;
    let month = month_number(month)?;
    match year {
        Some(y) => {
            let short = y.len() <= 2;
            let y: i32 = y.parse().ok()?;
            NaiveDate::from_ymd_opt(if short { 2000 + y } else { y }, month, day)
        }
        None => match without {
            Without::YearAhead => (today.year()..today.year() + 8)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
                .find(|d| *d >= today),
            Without::YearBehind => (today.year() - 8..=today.year())
                .rev()
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
                .find(|d| *d <= today),
        },
    }
}

/// Reads a follow-up date as a volunteer types it, day first (see
/// [`parse_uk_date`]); without a year it is the next such day from
/// `today` on. Empty means no date; anything else that is not a whole date
/// is refused, never silently dropped.
pub fn parse_due_date(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse_uk_date(text, today, Without::YearAhead)
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid(
                Field::FollowUpDue,
                format!("'{text}' is not a date. {DUE_DATE_HELP}"),
            )
        })
}

fn weekday(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    w.len() >= 3
        && [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]
        .iter()
        .any(|d| d.starts_with(&w))
}

fn month_number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // "Sept" is a common spelling of September's short form.
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Reads when a call started, in `tz`: a date day first (as
/// [`parse_uk_date`] reads it; without a year, the last such day up to
/// `today`) and a time, `Tue 8 Dec 2026 14:05` or `8/12 14:05`; or the
/// `2026-12-08T14:05` an older draft holds. In the autumn hour that
/// happens twice, the first (summer time) is taken; a spring-forward time
/// that never happened is refused rather than silently moved.
fn parse_local_time(text: &str, tz: Tz, today: NaiveDate) -> Result<DateTime<Utc>, AppError> {
    let text = text.trim();
    let refuse = || {
        AppError::invalid(
            Field::StartedAt,
            "Enter when the call started: a date, day first, and a time, such as 8/12 14:05",
        )
    };
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            let (date, time) = text.rsplit_once(char::is_whitespace)?;
            let time = NaiveTime::parse_from_str(&time.replace('.', ":"), "%H:%M").ok()?;
            Some(parse_uk_date(date.trim(), today, Without::YearBehind)?.and_time(time))
        })
        .ok_or_else(refuse)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(AppError::invalid(
            Field::StartedAt,
            format!(
                "{} did not happen in {}: the clocks went forward. Check the time.",
                naive.format("%H:%M on %-d %B %Y"),
                tz.name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ErrorCode;
    use crate::period::DEFAULT_TIME_ZONE;

    /// A blank form as the app opens one, for the browser tests' stand-in
    /// backend, so the defaults it shows (unknown caller type, no risk…)
    /// are Rust's; it fills in only the id, generation and start.
    /// Regenerated by `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_blank_form_for_the_browser_tests() {
        let blank = CallForm::default();
        assert!(blank.id.is_empty() && blank.started_at.is_empty());
        let mut json = serde_json::to_string_pretty(&blank).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/blank-form.json");
        std::fs::write(path, json).unwrap();
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 14).unwrap()
    }

    fn filled() -> CallForm {
        CallForm {
            started_at: "2024-03-14T09:30".into(),
            duration_minutes: "25".into(),
            role: "headteacher".into(),
            setting: "primary".into(),
            employer: "local_authority".into(),
            region: "north_west".into(),
            caller_type: "first_time".into(),
            themes: vec!["inspection.ofsted".into()],
            risk: "high".into(),
            safeguarding: SafeguardingChecklist {
                asked_directly_about_suicide: true,
                ..Default::default()
            },
            notes: "Synthetic note.\n".into(),
            ..CallForm::default()
        }
    }

    #[test]
    fn a_filled_form_becomes_the_call_it_describes_and_back() {
        let call = filled().to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert_eq!(
            call.facts.started_at.to_rfc3339(),
            "2024-03-14T09:30:00+00:00"
        );
        assert_eq!(call.facts.role, Role::Headteacher);
        assert_eq!(call.details.safeguarding, ["Asked directly about suicide"]);
        assert_eq!(call.details.notes, "Synthetic note.");
        let stored = Call {
            summary: crate::model::CallSummary {
                id: crate::model::CallId::random(),
                logged_by: String::new(),
                theme_list_version: 1,
                created_at: Utc::now(),
                updated_at: Utc::now(),
                facts: call.facts.clone(),
                shredded_on: None,
            },
            details: call.details.clone(),
        };
        let back = CallForm::from_call(&stored, DEFAULT_TIME_ZONE);
        assert_eq!(back.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap(), call);
    }

    #[test]
    fn local_times_follow_british_summer_time() {
        let mut form = filled();
        form.started_at = "2024-07-01T09:30".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert_eq!(
            call.facts.started_at.to_rfc3339(),
            "2024-07-01T08:30:00+00:00"
        );
        assert_eq!(
            local_form_time(call.facts.started_at, DEFAULT_TIME_ZONE),
            "2024-07-01T09:30"
        );
    }

    #[test]
    fn a_time_skipped_by_the_clocks_going_forward_is_refused() {
        let mut form = filled();
        form.started_at = "2024-03-31T01:30".into();
        let err = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap_err();
        assert_eq!(err.field, Some(Field::StartedAt));
        assert!(
            err.message.contains("clocks went forward"),
            "{}",
            err.message
        );
    }

    #[test]
    fn each_missing_answer_names_its_field() {
        type Spoil = fn(&mut CallForm);
        let cases: [(Field, Spoil); 5] = [
            (Field::Role, |f| f.role.clear()),
            (Field::Setting, |f| f.setting.clear()),
            (Field::Region, |f| f.region.clear()),
            (Field::DurationMinutes, |f| {
                f.duration_minutes = "half an hour".into()
            }),
            (Field::StartedAt, |f| f.started_at = "yesterday".into()),
        ];
        for (field, spoil) in cases {
            let mut form = filled();
            spoil(&mut form);
            let err = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid);
            assert_eq!(err.field, Some(field), "{}", err.message);
        }
    }

    #[test]
    fn a_silent_call_needs_no_caller_details() {
        let form = CallForm {
            started_at: "2024-03-14T09:30".into(),
            call_type: "silent".into(),
            themes: vec!["inspection.ofsted".into()],
            ..CallForm::default()
        };
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert_eq!(call.facts.role, Role::Unknown);
        assert_eq!(call.facts.setting, Setting::Unknown);
        assert_eq!(call.facts.region, Region::Unknown);
        assert_eq!(call.facts.duration_minutes, 0);
        assert!(
            call.facts.themes.is_empty(),
            "themes of a silent call are not counted"
        );
    }

    #[test]
    fn a_due_date_implies_a_follow_up_is_needed() {
        let mut form = filled();
        form.follow_up_due = "2024-03-20".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert!(call.facts.follow_up.needed);
    }

    #[test]
    fn a_half_typed_draft_round_trips_through_json_unchanged() {
        let mut form = filled();
        form.duration_minutes = "2".into();
        form.role.clear();
        let json = serde_json::to_string(&form).unwrap();
        assert_eq!(serde_json::from_str::<CallForm>(&json).unwrap(), form);
        // Fields added later default, so an older draft still opens.
        let old: CallForm = serde_json::from_str(r#"{"notes":"x"}"#).unwrap();
        assert_eq!(old.notes, "x");
        assert_eq!(old.call_type, "substantive");
    }

    #[test]
    fn due_dates_are_read_day_first_as_volunteers_type_them() {
        let d = |y, m, day| Some(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        let cases = [
            ("8/12", d(2024, 12, 8)),
            ("8/12/24", d(2024, 12, 8)),
            ("08/12/2025", d(2025, 12, 8)),
            ("8 Dec", d(2024, 12, 8)),
            ("8th December 2026", d(2026, 12, 8)),
            ("Tue 8 Dec 2026", d(2026, 12, 8)),
            ("2026-12-08", d(2026, 12, 8)),
            ("14/3", d(2024, 3, 14)),
            // Without a year, a day already past is next year's.
            ("13/3", d(2025, 3, 13)),
            ("1 sept", d(2024, 9, 1)),
            ("29/2", d(2028, 2, 29)),
            ("", None),
            ("   ", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_due_date(text, today()).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn a_half_typed_due_date_is_refused_naming_the_field() {
        for text in [
            "8/",
            "8",
            "8/13",
            "31/4",
            "tomorrowish",
            "8 Dex",
            "8/12/20x6",
        ] {
            let mut form = filled();
            form.follow_up_needed = true;
            form.follow_up_due = text.into();
            let err = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap_err();
            assert_eq!(err.field, Some(Field::FollowUpDue), "{text}");
            assert!(err.message.contains("day first"), "{text}: {}", err.message);
        }
        // Saving a follow-up without any date stays allowed.
        let mut form = filled();
        form.follow_up_needed = true;
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert!(call.facts.follow_up.needed);
        assert_eq!(call.facts.follow_up.due, None);
    }

    #[test]
    fn a_stored_due_date_is_shown_uk_style_and_reads_back() {
        let mut form = filled();
        form.follow_up_due = "20/3".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        let due = call.facts.follow_up.due.unwrap();
        assert_eq!(shown_date(due), "Wed 20 Mar 2024");
        assert_eq!(
            parse_due_date(&shown_date(due), today()).unwrap(),
            Some(due)
        );
    }

    #[test]
    fn a_short_call_keeps_only_the_forms_id_start_and_length() {
        let mut form = filled();
        form.id = CallId::random().to_string();
        form.draft_generation = 7;
        form.duration_minutes = "2".into();
        form.follow_up_needed = true;
        let short = form.short_call(CallType::HangUp);
        assert_eq!(short.id, form.id);
        assert_eq!(short.draft_generation, 7);
        assert_eq!(short.started_at, form.started_at);
        assert_eq!(short.duration_minutes, "2");
        assert_eq!(short.call_type, "hang_up");
        let call = short.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert!(call.details.notes.is_empty());
        assert!(call.details.safeguarding.is_empty());
        assert_eq!(call.facts.risk, RiskLevel::None);
        assert_eq!(call.facts.role, Role::Unknown);
        assert!(!call.facts.follow_up.needed);
    }

    #[test]
    fn text_left_in_the_theme_box_stops_the_save_and_is_named() {
        let mut form = filled();
        form.theme_text = "sleepless".into();
        let err = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap_err();
        assert_eq!(err.field, Some(Field::Themes));
        assert!(err.message.contains("'sleepless'"), "{}", err.message);
    }

    #[test]
    fn each_new_form_has_its_own_id() {
        let now = Utc::now();
        let a = CallForm::starting_at(now, DEFAULT_TIME_ZONE, 3);
        let b = CallForm::starting_at(now, DEFAULT_TIME_ZONE, 3);
        assert_ne!(a.id, b.id);
        assert_eq!(a.draft_generation, 3);
        assert!(a.call_id().is_ok());
    }

    #[test]
    fn the_start_is_shown_and_typed_uk_style() {
        let mut form = filled();
        let at = "2024-07-01T08:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(shown_time(at, DEFAULT_TIME_ZONE), "Mon 1 Jul 2024 09:30");
        for typed in [
            "Mon 1 Jul 2024 09:30",
            "1/7/2024 09:30",
            "1/7/24 9:30",
            "1 July 2024 09.30",
            "2024-07-01T09:30",
        ] {
            form.started_at = typed.into();
            let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
            assert_eq!(call.facts.started_at, at, "{typed}");
        }
        // Without a year, the call happened this year or last: never ahead.
        form.started_at = "14/3 09:30".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert_eq!(
            call.facts.started_at.to_rfc3339(),
            "2024-03-14T09:30:00+00:00"
        );
        form.started_at = "20/3 09:30".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap();
        assert_eq!(
            call.facts.started_at.to_rfc3339(),
            "2023-03-20T09:30:00+00:00"
        );
        for bad in ["1/7/2024", "09:30", "1/7/2024 25:00", "soon"] {
            form.started_at = bad.into();
            let err = form.to_new_call(DEFAULT_TIME_ZONE, today()).unwrap_err();
            assert_eq!(err.field, Some(Field::StartedAt), "{bad}");
        }
    }
}
