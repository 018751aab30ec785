//! The "log a call" form as the app holds it, and its conversion to and from
//! a stored call.
//!
//! Every field is kept as the volunteer typed it (strings), so a half-typed
//! draft survives a lock or a crash exactly; it becomes a [`NewCall`] only
//! when saved, with an error naming the field to fix.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::model::{
    Call, CallDetails, CallFacts, CallType, CallerType, Employer, FollowUp, NewCall, Region,
    RiskLevel, Role, Setting,
};
use crate::safeguarding::SafeguardingChecklist;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CallForm {
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
    /// `YYYY-MM-DD`, or empty.
    pub follow_up_due: String,
    pub follow_up_done: bool,
    pub notes: String,
}

impl Default for CallForm {
    fn default() -> Self {
        CallForm {
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
    /// A blank form for a call starting now.
    pub fn starting_at(now: DateTime<Utc>, tz: Tz) -> CallForm {
        CallForm {
            started_at: local_form_time(now, tz),
            ..CallForm::default()
        }
    }

    /// The form for editing a stored call.
    pub fn from_call(call: &Call, tz: Tz) -> CallForm {
        let f = &call.summary.facts;
        CallForm {
            started_at: local_form_time(f.started_at, tz),
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
            follow_up_due: f.follow_up.due.map(|d| d.to_string()).unwrap_or_default(),
            follow_up_done: f.follow_up.done,
            notes: call.details.notes.clone(),
        }
    }

    /// The call this form describes. Checks the form's own shape; the
    /// store checks the call's rules (themes, limits) when it is saved.
    pub fn to_new_call(&self, tz: Tz) -> Result<NewCall, AppError> {
        let call_type: CallType = pick(
            "call_type",
            "Choose what kind of call it was",
            &self.call_type,
        )?;
        // Short outcomes (silent, hang-up…) say nothing about who rang, so
        // blanks there mean "not known" rather than a mistake.
        let quiet = !call_type.is_substantive();
        let role = pick_or_unknown(
            "role",
            "Choose the caller's role",
            &self.role,
            quiet,
            Role::Unknown,
        )?;
        let setting = pick_or_unknown(
            "setting",
            "Choose the type of setting",
            &self.setting,
            quiet,
            Setting::Unknown,
        )?;
        let region = pick_or_unknown(
            "region",
            "Choose the region",
            &self.region,
            quiet,
            Region::Unknown,
        )?;
        let employer = if self.employer.trim().is_empty() {
            None
        } else {
            Some(pick::<Employer>(
                "employer",
                "Choose the employer",
                &self.employer,
            )?)
        };
        let caller_type = if self.caller_type.trim().is_empty() {
            CallerType::Unknown
        } else {
            pick(
                "caller_type",
                "Choose first-time or repeat",
                &self.caller_type,
            )?
        };
        let risk = if self.risk.trim().is_empty() {
            RiskLevel::None
        } else {
            pick("risk", "Choose a risk level", &self.risk)?
        };
        let follow_up_due = match self.follow_up_due.trim() {
            "" => None,
            text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::invalid(
                    "follow_up_due",
                    "Enter the follow-up date as a date (day, month, year)",
                )
            })?),
        };
        Ok(NewCall {
            facts: CallFacts {
                started_at: parse_local_time(&self.started_at, tz)?,
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

fn pick<T: std::str::FromStr>(field: &str, ask: &str, value: &str) -> Result<T, AppError> {
    if value.trim().is_empty() {
        return Err(AppError::invalid(field, ask));
    }
    value.trim().parse().map_err(|_| {
        AppError::invalid(field, format!("{ask}: '{value}' is not one of the choices"))
    })
}

fn pick_or_unknown<T: std::str::FromStr>(
    field: &str,
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
            "duration_minutes",
            "Enter how long the call lasted, in minutes (or use the call timer)",
        ));
    }
    text.parse().map_err(|_| {
        AppError::invalid(
            "duration_minutes",
            format!("'{text}' is not a number of minutes; enter whole minutes, such as 25"),
        )
    })
}

/// Reads a local time in `tz`. In the autumn hour that happens twice, the
/// first (summer time) is taken; a spring-forward time that never happened
/// is refused rather than silently moved.
fn parse_local_time(text: &str, tz: Tz) -> Result<DateTime<Utc>, AppError> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            AppError::invalid(
                "started_at",
                "Enter when the call started: a date and a time",
            )
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(AppError::invalid(
            "started_at",
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
        let call = filled().to_new_call(DEFAULT_TIME_ZONE).unwrap();
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
            },
            details: call.details.clone(),
        };
        let back = CallForm::from_call(&stored, DEFAULT_TIME_ZONE);
        assert_eq!(back.to_new_call(DEFAULT_TIME_ZONE).unwrap(), call);
    }

    #[test]
    fn local_times_follow_british_summer_time() {
        let mut form = filled();
        form.started_at = "2024-07-01T09:30".into();
        let call = form.to_new_call(DEFAULT_TIME_ZONE).unwrap();
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
        let err = form.to_new_call(DEFAULT_TIME_ZONE).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("started_at"));
        assert!(
            err.message.contains("clocks went forward"),
            "{}",
            err.message
        );
    }

    #[test]
    fn each_missing_answer_names_its_field() {
        type Spoil = fn(&mut CallForm);
        let cases: [(&str, Spoil); 5] = [
            ("role", |f| f.role.clear()),
            ("setting", |f| f.setting.clear()),
            ("region", |f| f.region.clear()),
            ("duration_minutes", |f| {
                f.duration_minutes = "half an hour".into()
            }),
            ("started_at", |f| f.started_at = "yesterday".into()),
        ];
        for (field, spoil) in cases {
            let mut form = filled();
            spoil(&mut form);
            let err = form.to_new_call(DEFAULT_TIME_ZONE).unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid);
            assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
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
        let call = form.to_new_call(DEFAULT_TIME_ZONE).unwrap();
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
        let call = form.to_new_call(DEFAULT_TIME_ZONE).unwrap();
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
}
