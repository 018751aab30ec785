//! The report's shape: every count for the period beside the same count
//! for the year before, as the JSON output has it, and the summary rows and
//! breakdown tables that every presenter walks in the same order.
//!
//! Every count is an `Option<u64>`: `None` (JSON `null`) means the number
//! was withheld by [`Report::suppress_below`] or, for the previous period
//! only, that a theme is *not comparable* across theme list versions
//! ([`Count::comparable`] says which); never "not known".

use serde::{Deserialize, Serialize};

use super::format;
use crate::period::Period;
use crate::themes::RISK_TO_SELF;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub label: String,
    /// First local day, inclusive (`YYYY-MM-DD`).
    pub start: String,
    /// Last local day, inclusive.
    pub end: String,
}

impl PeriodInfo {
    pub(super) fn of(period: &Period) -> PeriodInfo {
        PeriodInfo {
            label: period.label(),
            start: period.first_day().to_string(),
            end: period.last_day().to_string(),
        }
    }
}

/// One cell of a table: this period's count and the previous period's.
///
/// JSON: `{"id","label","calls","previous_calls","suppressed",
/// "previous_suppressed","change","change_percent"}`. A withheld count is
/// `"calls": null, "suppressed": true` (likewise for the previous period).
///
/// A theme whose calls last year cannot be put in this year's theme list
/// has `"previous_calls": null, "comparable": false` (and `"new_theme":
/// true` when it did not exist then): nothing is withheld, so
/// `previous_suppressed` stays false, and there is no change. Both keys are
/// left out when the row compares, so a report within one theme list
/// version reads exactly as before versions existed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub id: String,
    pub label: String,
    pub calls: Option<u64>,
    pub previous_calls: Option<u64>,
    #[serde(default)]
    pub suppressed: bool,
    #[serde(default)]
    pub previous_suppressed: bool,
    /// `calls - previous_calls`; `None` when either is withheld.
    pub change: Option<i64>,
    /// The change as a whole per cent of `previous_calls`; `None` when
    /// either is withheld or there were no calls before.
    pub change_percent: Option<i64>,
    /// Whether `previous_calls` counts the same thing as `calls`. When
    /// false, `previous_calls` is `None` without being withheld: the theme
    /// was split from an earlier one (last year's calls cannot be divided
    /// between its parts) or is new.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub comparable: bool,
    /// Not comparable because the theme did not exist in the previous
    /// period's theme list.
    #[serde(default, skip_serializing_if = "is_false")]
    pub new_theme: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How a row of the report's theme list compares with the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Comparable,
    /// Split from an earlier theme, or reached from earlier themes that
    /// went to several places: last year's calls cannot be divided.
    NotComparable,
    /// Not in the previous period's theme list.
    New,
}

impl Count {
    pub(super) fn new(
        id: impl Into<String>,
        label: impl Into<String>,
        now: u64,
        before: u64,
    ) -> Count {
        let mut count = Count {
            id: id.into(),
            label: label.into(),
            calls: Some(now),
            previous_calls: Some(before),
            suppressed: false,
            previous_suppressed: false,
            change: None,
            change_percent: None,
            comparable: true,
            new_theme: false,
        };
        count.update_change();
        count
    }

    /// Marks the previous period's count as not comparable with this one:
    /// not shown, not withheld, and no change.
    pub(super) fn compare(&mut self, comparison: Comparison) {
        if comparison == Comparison::Comparable {
            return;
        }
        self.previous_calls = None;
        self.previous_suppressed = false;
        self.comparable = false;
        self.new_theme = comparison == Comparison::New;
        self.update_change();
    }

    /// How the previous period's count compares.
    pub(crate) fn comparison(&self) -> Comparison {
        match (self.comparable, self.new_theme) {
            (true, _) => Comparison::Comparable,
            (false, true) => Comparison::New,
            (false, false) => Comparison::NotComparable,
        }
    }

    /// The change as the report shows it: `+12%`, `−3%`, `new` or `–`.
    pub(crate) fn shown_change(&self) -> String {
        format::shown_change(self.change_percent, self.calls, self.previous_calls)
    }

    /// What stands for the previous period's count when it is not shown
    /// because it does not compare: "not comparable" or "new theme".
    pub(crate) fn not_compared(&self) -> Option<&'static str> {
        match self.comparison() {
            Comparison::Comparable => None,
            Comparison::NotComparable => Some(format::NOT_COMPARABLE),
            Comparison::New => Some(format::NEW_THEME),
        }
    }

    /// The previous period's count as text and CSV show it: the number,
    /// why it does not compare, or the withheld marker.
    pub(crate) fn shown_previous(&self, marker: &str) -> String {
        match self.not_compared() {
            Some(words) => words.to_string(),
            None => format::shown(self.previous_calls, marker),
        }
    }

    /// Recomputes the change from the (possibly withheld) counts, so a
    /// change never reveals a withheld number.
    pub(super) fn update_change(&mut self) {
        (self.change, self.change_percent) = change(self.calls, self.previous_calls);
    }
}

/// The change between two counts, and as a whole per cent of the earlier.
fn change(now: Option<u64>, before: Option<u64>) -> (Option<i64>, Option<i64>) {
    let (Some(now), Some(before)) = (now, before) else {
        return (None, None);
    };
    let difference = now as i64 - before as i64;
    let percent = (before > 0).then(|| (difference as f64 / before as f64 * 100.0).round() as i64);
    (Some(difference), percent)
}

/// A theme category: calls naming it or any of its subthemes, each call once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeCount {
    #[serde(flatten)]
    pub count: Count,
    /// `calls` as a per cent of the period's substantive calls (one decimal
    /// place). A call may name several categories, so shares add up to more
    /// than 100.
    pub share_of_substantive: Option<f64>,
    pub previous_share_of_substantive: Option<f64>,
    pub subthemes: Vec<Count>,
}

impl ThemeCount {
    /// The subthemes named in either year: the ones the tables list, since
    /// a subtheme nobody named would only lengthen them. A withheld count
    /// may hide a call, so it is listed; a count that is not comparable
    /// hides none.
    pub(crate) fn named_subthemes(&self) -> impl Iterator<Item = &Count> {
        self.subthemes
            .iter()
            .filter(|s| s.calls != Some(0) || (s.comparable && s.previous_calls != Some(0)))
    }
}

/// One row of the categories-by-setting table: a category's calls split by
/// the caller's setting (one cell per setting, in `Setting::ALL` order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossTabRow {
    pub id: String,
    pub label: String,
    pub cells: Vec<Count>,
}

/// The annual report. Build it with [`Report::for_vault`]; withhold small
/// numbers for publication with [`Report::suppress_below`]; present it with
/// [`to_text`], [`to_csv`] or [`to_html`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: PeriodInfo,
    pub previous_period: PeriodInfo,
    pub time_zone: String,
    /// The theme list version every count is in: the newest that any call
    /// of the two periods was logged under.
    pub theme_list_version: u32,
    /// Older theme list versions that some of the calls were logged under;
    /// their themes are counted in `theme_list_version`'s (see
    /// [`Count::comparable`] and `retired_themes`). Empty, and left out of
    /// the JSON, when every call was logged under `theme_list_version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_theme_list_versions: Vec<u32>,
    /// Set when small numbers have been withheld: every count from 1 to
    /// `suppress_below - 1`, and the counts that would reveal them.
    #[serde(default)]
    pub suppress_below: Option<u32>,
    pub total_calls: Option<u64>,
    pub previous_total_calls: Option<u64>,
    pub substantive_calls: Option<u64>,
    pub previous_substantive_calls: Option<u64>,
    /// Silent, hang-up, wrong-number and information-only calls.
    pub non_substantive_calls: Option<u64>,
    pub previous_non_substantive_calls: Option<u64>,
    /// Minutes on all calls; withheld with `total_calls`.
    pub total_minutes: Option<u64>,
    pub previous_total_minutes: Option<u64>,
    /// Median length of *substantive* calls in minutes (the mean of the two
    /// middle lengths when their number is even); `None` when there were no
    /// substantive calls or their number is withheld. Short outcomes such as
    /// hang-ups are left out so they do not drag the typical call's length
    /// towards zero.
    pub median_call_minutes: Option<f64>,
    pub previous_median_call_minutes: Option<f64>,
    /// Calls where a follow-up was marked as needed.
    pub calls_with_follow_up: Option<u64>,
    pub previous_calls_with_follow_up: Option<u64>,
    /// Calls where risk to self was discussed: calls naming the
    /// `risk_to_self` theme category or any of its subthemes (suicidal
    /// thoughts, self-harm), each call once. The volunteer's risk level is
    /// reported separately under `risk`. The same number as the
    /// `risk_to_self` row of `themes`, whose `comparable` says whether a
    /// `None` for the previous period is withheld or not comparable.
    pub risk_to_self_calls: Option<u64>,
    pub previous_risk_to_self_calls: Option<u64>,
    pub themes: Vec<ThemeCount>,
    /// Calls by the category of their main (first) theme; calls without a
    /// theme are not in this table.
    pub main_themes: Vec<Count>,
    /// Calls at each risk level; sums to the total.
    pub risk: Vec<Count>,
    pub by_role: Vec<Count>,
    pub by_setting: Vec<Count>,
    /// By employer, with a last cell `not_recorded` for calls without one,
    /// so that it sums to the total.
    pub by_employer: Vec<Count>,
    pub by_region: Vec<Count>,
    /// `first_time`, `repeat`, and `unknown` when the volunteer did not find out.
    pub by_caller_type: Vec<Count>,
    /// Twelve cells with ids `YYYY-MM` in the period's order; each
    /// `previous_calls` is the same month a year earlier.
    pub by_month: Vec<Count>,
    /// Categories (rows, each call once per category) by setting (cells).
    pub categories_by_setting: Vec<CrossTabRow>,
    /// Themes of an earlier theme list version that are no longer in
    /// `theme_list_version`: calls naming each, in whichever period they
    /// fall, each call once per row. Listed only when a call named one in
    /// either period, oldest version first, each version's themes in its
    /// list order. Such a call still counts in the category the theme was
    /// under, when that category is still in the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_themes: Vec<Count>,
    /// Sentences drafted from the numbers, for the coordinator to edit
    /// before publishing; see [`draft_narrative`].
    pub narrative: Vec<String>,
}

impl Report {
    /// The text that stands for a withheld count in tables: "fewer than K".
    pub fn suppression_marker(&self) -> String {
        match self.suppress_below {
            Some(k) => format!("fewer than {k}"),
            None => "withheld".to_string(),
        }
    }

    /// The footnote every format carries when some calls were logged under
    /// an earlier theme list version; `None` when all were logged under
    /// [`Report::theme_list_version`], so such a report reads as it always
    /// has.
    pub fn theme_versions_note(&self) -> Option<String> {
        let earlier = &self.earlier_theme_list_versions;
        if earlier.is_empty() {
            return None;
        }
        let versions = match earlier.as_slice() {
            [one] => format!("version {one}"),
            [first @ .., last] => {
                let first: Vec<String> = first.iter().map(u32::to_string).collect();
                format!("versions {} and {last}", first.join(", "))
            }
            [] => String::new(),
        };
        let target = self.theme_list_version;
        let mut note = format!(
            "Theme list version {target} changed some themes; calls logged under {versions} are counted in its themes."
        );
        let rows = || {
            self.themes
                .iter()
                .flat_map(|t| std::iter::once(&t.count).chain(&t.subthemes))
        };
        let split: Vec<&Count> = rows()
            .filter(|c| c.comparison() == Comparison::NotComparable)
            .collect();
        if !split.is_empty() {
            note.push_str(" Themes marked “not comparable” were split from an earlier theme, so last year's calls cannot be divided between them");
            // A category is not comparable only when an earlier theme went
            // to more than one category; then there is no level to fall
            // back on.
            if split.iter().all(|c| c.id.contains('.')) {
                note.push_str("; they are compared at category level only.");
            } else {
                note.push('.');
            }
        }
        if rows().any(|c| c.comparison() == Comparison::New) {
            note.push_str(" Themes marked “new theme” were not in last year's theme list.");
        }
        if !self.retired_themes.is_empty() {
            note.push_str(" Retired themes are listed separately.");
        }
        Some(note)
    }
}

/// The summary rows every format shows: id, label, unit, this period, before.
pub(crate) fn summary_counts(report: &Report) -> Vec<(&'static str, &'static str, Count)> {
    let row = |id: &'static str, label: &'static str, now, before| {
        let mut count = Count::new(id, label, 0, 0);
        count.calls = now;
        count.previous_calls = before;
        count.suppressed = now.is_none();
        count.previous_suppressed = before.is_none();
        count.update_change();
        if id == "risk_to_self_calls" {
            if let Some(theme) = report.themes.iter().find(|t| t.count.id == RISK_TO_SELF) {
                count.compare(theme.count.comparison());
            }
        }
        (id, label, count)
    };
    vec![
        row(
            "total_calls",
            "All calls",
            report.total_calls,
            report.previous_total_calls,
        ),
        row(
            "substantive_calls",
            "Substantive calls",
            report.substantive_calls,
            report.previous_substantive_calls,
        ),
        row(
            "non_substantive_calls",
            "Non-substantive calls",
            report.non_substantive_calls,
            report.previous_non_substantive_calls,
        ),
        row(
            "calls_with_follow_up",
            "Calls with a follow-up",
            report.calls_with_follow_up,
            report.previous_calls_with_follow_up,
        ),
        row(
            "risk_to_self_calls",
            "Calls where risk to self was discussed",
            report.risk_to_self_calls,
            report.previous_risk_to_self_calls,
        ),
        row(
            "total_minutes",
            "Minutes on calls",
            report.total_minutes,
            report.previous_total_minutes,
        ),
    ]
}

/// The report's breakdown tables with their JSON names and headings.
pub(crate) fn breakdowns(report: &Report) -> [(&'static str, &'static str, &[Count]); 8] {
    [
        ("main_themes", "Main theme (category)", &report.main_themes),
        ("risk", "Risk level", &report.risk),
        ("by_role", "Caller's role", &report.by_role),
        ("by_setting", "Setting", &report.by_setting),
        ("by_employer", "Employer", &report.by_employer),
        ("by_region", "Region", &report.by_region),
        (
            "by_caller_type",
            "First-time or repeat caller",
            &report.by_caller_type,
        ),
        ("by_month", "Month", &report.by_month),
    ]
}
