//! The Calls screen's list: filtering, newest first, and follow-ups that
//! are due, worked out here so the screen only shows what it is given.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::follow_up::FollowUpState;
use super::vocabulary::Choice;
use super::{AppError, local_form_time};
use crate::model::{CallSummary, Field, RiskLevel};
use crate::period::Period;
use crate::store::{StoreError, Vault};
use crate::themes::ThemeCatalogue;

/// Most rows sent to the screen at once; the count of all matches is still
/// given, so the volunteer knows to narrow the dates.
pub const MAX_ROWS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CallFilter {
    /// First local date to include, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// Last local date to include, or empty.
    pub to: String,
    /// A category id (matches its subthemes too) or a subtheme id, or empty.
    pub theme: String,
    /// A risk level id, or empty for any.
    pub risk: String,
    /// Only calls whose follow-up is due today or overdue.
    pub follow_up_due: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CallRow {
    pub id: String,
    /// Local `YYYY-MM-DDTHH:MM`, for sorting and machine use.
    pub started_at: String,
    /// "Thu 14 Mar 2024".
    pub date_label: String,
    /// "09:30".
    pub time_label: String,
    pub duration_minutes: u32,
    pub call_type: Choice,
    pub role: Choice,
    pub setting: Choice,
    pub region: Choice,
    pub themes: Vec<Choice>,
    pub risk: Choice,
    pub follow_up: FollowUpState,
    /// `YYYY-MM-DD` or empty.
    pub follow_up_due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CallList {
    /// Newest first, at most [`MAX_ROWS`].
    pub calls: Vec<CallRow>,
    /// How many calls match the filter in all.
    pub matched: u32,
    /// Follow-ups due today or overdue across the whole log, whatever the filter.
    pub follow_ups_due: u32,
}

fn choice(id: &str, label: &str) -> Choice {
    Choice {
        id: id.to_string(),
        label: label.to_string(),
    }
}

fn date(field: Field, text: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, "Enter a date (day, month, year)")),
    }
}

/// Filters `calls` for the Calls screen. `now` decides which follow-ups are
/// due, by the local date in `tz`.
pub fn list_calls(
    calls: &[CallSummary],
    filter: &CallFilter,
    now: DateTime<Utc>,
    tz: Tz,
    themes: &ThemeCatalogue,
) -> Result<CallList, AppError> {
    let from = date(Field::From, &filter.from)?;
    let to = date(Field::To, &filter.to)?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(AppError::invalid(
            Field::To,
            "The end date is before the start date",
        ));
    }
    let risk = match filter.risk.trim() {
        "" => None,
        r => Some(
            r.parse::<RiskLevel>()
                .map_err(|_| AppError::invalid(Field::Risk, "Choose a risk level from the list"))?,
        ),
    };
    let theme = filter.theme.trim();
    let today = now.with_timezone(&tz).date_naive();
    let follow_ups_due = calls
        .iter()
        .filter(|c| FollowUpState::of(c, today).is_due())
        .count();

    let mut matched: Vec<&CallSummary> = calls
        .iter()
        .filter(|c| {
            let day = c.facts.started_at.with_timezone(&tz).date_naive();
            from.is_none_or(|f| day >= f)
                && to.is_none_or(|t| day <= t)
                && risk.is_none_or(|r| c.facts.risk == r)
                && (theme.is_empty() || c.facts.themes.iter().any(|t| theme_matches(theme, t)))
                && (!filter.follow_up_due || FollowUpState::of(c, today).is_due())
        })
        .collect();
    matched.sort_by(|a, b| {
        b.facts
            .started_at
            .cmp(&a.facts.started_at)
            .then(a.id.cmp(&b.id))
    });

    let rows = matched
        .iter()
        .take(MAX_ROWS)
        .map(|c| row(c, today, tz, themes))
        .collect();
    Ok(CallList {
        calls: rows,
        matched: matched.len() as u32,
        follow_ups_due: follow_ups_due as u32,
    })
}

/// The calls whose local start date falls in `period`, newest first. Only
/// the period's months are read and decrypted (the store files each call
/// under its local month), never the whole log.
pub fn calls_in_period(vault: &Vault, period: Period) -> Result<Vec<CallSummary>, StoreError> {
    let tz = vault.settings().time_zone;
    let mut calls = vault.calls_in_months(&period.months())?;
    calls.retain(|c| period.contains(c.facts.started_at, tz));
    calls.sort_by_key(|c| std::cmp::Reverse(c.facts.started_at));
    Ok(calls)
}

/// A category filter matches its subthemes; a subtheme filter only itself.
fn theme_matches(filter: &str, theme: &str) -> bool {
    theme == filter
        || theme
            .strip_prefix(filter)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// A row of the Calls screen. Themes keep the labels of the list version
/// the call was logged under.
fn row(c: &CallSummary, today: NaiveDate, tz: Tz, themes: &ThemeCatalogue) -> CallRow {
    let f = &c.facts;
    let label = |id: &str| {
        themes
            .label(c.theme_list_version, id)
            .unwrap_or(id)
            .to_string()
    };
    let local = f.started_at.with_timezone(&tz);
    CallRow {
        id: c.id.to_string(),
        started_at: local_form_time(f.started_at, tz),
        date_label: local.format("%a %-d %b %Y").to_string(),
        time_label: local.format("%H:%M").to_string(),
        duration_minutes: f.duration_minutes,
        call_type: choice(f.call_type.id(), f.call_type.label()),
        role: choice(f.role.id(), f.role.label()),
        setting: choice(f.setting.id(), f.setting.label()),
        region: choice(f.region.id(), f.region.label()),
        themes: f.themes.iter().map(|t| choice(t, &label(t))).collect(),
        risk: choice(f.risk.id(), f.risk.label()),
        follow_up: FollowUpState::of(c, today),
        follow_up_due: f.follow_up.due.map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallType, CallerType, FollowUp, Region, Role, Setting};
    use crate::period::DEFAULT_TIME_ZONE;
    use chrono::TimeZone;

    fn call(day: u32, hour: u32, theme: &str, risk: RiskLevel, due: Option<u32>) -> CallSummary {
        let at = Utc.with_ymd_and_hms(2024, 6, day, hour, 0, 0).unwrap();
        crate::model::tests::stored(crate::model::CallFacts {
            started_at: at,
            duration_minutes: 20,
            call_type: CallType::Substantive,
            role: Role::Headteacher,
            setting: Setting::Primary,
            employer: None,
            region: Region::London,
            caller_type: CallerType::Repeat,
            themes: vec![theme.to_string()],
            risk,
            follow_up: FollowUp {
                needed: due.is_some(),
                due: due.and_then(|d| NaiveDate::from_ymd_opt(2024, 6, d)),
                done: false,
            },
        })
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 10, 12, 0, 0).unwrap()
    }

    fn listed(calls: &[CallSummary], filter: CallFilter) -> CallList {
        list_calls(
            calls,
            &filter,
            now(),
            DEFAULT_TIME_ZONE,
            &ThemeCatalogue::shipped(),
        )
        .unwrap()
    }

    #[test]
    fn filters_combine_and_the_newest_call_comes_first() {
        let calls = vec![
            call(1, 9, "inspection.ofsted", RiskLevel::Low, None),
            call(5, 9, "send.ehcp", RiskLevel::High, Some(9)),
            call(7, 9, "inspection", RiskLevel::High, Some(10)),
            call(8, 9, "funding", RiskLevel::None, Some(20)),
        ];
        let all = listed(&calls, CallFilter::default());
        let days: Vec<_> = all.calls.iter().map(|r| &r.started_at[..10]).collect();
        assert_eq!(
            days,
            ["2024-06-08", "2024-06-07", "2024-06-05", "2024-06-01"]
        );
        assert_eq!(all.follow_ups_due, 2, "one overdue, one due today");

        let inspection = listed(
            &calls,
            CallFilter {
                theme: "inspection".into(),
                ..Default::default()
            },
        );
        assert_eq!(inspection.matched, 2, "a category matches its subthemes");
        let high_in_range = listed(
            &calls,
            CallFilter {
                from: "2024-06-02".into(),
                to: "2024-06-06".into(),
                risk: "high".into(),
                ..Default::default()
            },
        );
        assert_eq!(high_in_range.matched, 1);
        let due = listed(
            &calls,
            CallFilter {
                follow_up_due: true,
                ..Default::default()
            },
        );
        let states: Vec<_> = due.calls.iter().map(|r| r.follow_up).collect();
        assert_eq!(states, [FollowUpState::DueToday, FollowUpState::Overdue]);
    }

    #[test]
    fn a_subtheme_filter_does_not_match_a_similar_prefix() {
        assert!(theme_matches("send", "send.ehcp"));
        assert!(!theme_matches("send", "sending.x"));
        assert!(!theme_matches("send.ehcp", "send"));
    }

    #[test]
    fn dates_are_local_dates() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        let late = {
            let mut c = call(30, 23, "funding", RiskLevel::None, None);
            c.facts.started_at = Utc.with_ymd_and_hms(2024, 6, 30, 23, 30, 0).unwrap();
            c
        };
        let july = listed(
            &[late],
            CallFilter {
                from: "2024-07-01".into(),
                ..Default::default()
            },
        );
        assert_eq!(july.matched, 1);
        assert_eq!(july.calls[0].date_label, "Mon 1 Jul 2024");
    }

    #[test]
    fn a_backwards_date_range_is_explained() {
        let err = list_calls(
            &[],
            &CallFilter {
                from: "2024-06-02".into(),
                to: "2024-06-01".into(),
                ..Default::default()
            },
            now(),
            DEFAULT_TIME_ZONE,
            &ThemeCatalogue::shipped(),
        )
        .unwrap_err();
        assert_eq!(err.field, Some(Field::To));
    }
}
