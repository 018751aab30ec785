//! The annual report: counts for a calendar or academic year, each beside
//! the same count for the year before, with breakdowns, a drafted narrative
//! and optional disclosure control for publication.
//!
//! Counting lives here once; the CLI and the app only present it. The report
//! reads only the report pages of the two periods' months and counts in Rust
//! ([`tally`]); [`breakdown`] turns the counters into tables; [`suppress`]
//! withholds small numbers for publication; [`narrative`] drafts the
//! sentences a coordinator edits; [`render`] and [`html`] present it.
//!
//! Every count is an `Option<u64>`: `None` (JSON `null`) only ever means the
//! number was withheld by [`Report::suppress_below`], never "not known".

mod breakdown;
mod chart;
mod html;
mod narrative;
mod render;
mod suppress;
mod tally;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::model::{CallSummary, CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};
use crate::period::{LocalMonth, Period};
use crate::store::{CountedCall, MergedCall, StoreError, Vault};
use crate::themes::ThemeList;

pub use html::{month_chart, suppression_notice, theme_chart, to_html};
pub use narrative::{MIN_CALLS_FOR_CHANGE, MIN_PERCENT_FOR_CHANGE, draft_narrative};
pub use render::{to_csv, to_text};

// Presentation helpers the app's report view shares with the printed page,
// so a number, a change or a date reads the same on screen and on paper.
pub(crate) use html::long_date;
pub(crate) use narrative::thousands;
pub(crate) use render::{breakdowns, shown_change, shown_minutes, summary_counts};
pub use tally::RISK_TO_SELF_CATEGORY;

use tally::Counter;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "call {call} uses theme '{theme}', which is not in theme list version {list_version}; the report cannot place it"
    )]
    UnknownTheme {
        call: String,
        theme: String,
        list_version: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub label: String,
    /// First local day, inclusive (`YYYY-MM-DD`).
    pub start: String,
    /// Last local day, inclusive.
    pub end: String,
}

impl PeriodInfo {
    fn of(period: &Period) -> PeriodInfo {
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
}

impl Count {
    fn new(id: impl Into<String>, label: impl Into<String>, now: u64, before: u64) -> Count {
        let mut count = Count {
            id: id.into(),
            label: label.into(),
            calls: Some(now),
            previous_calls: Some(before),
            suppressed: false,
            previous_suppressed: false,
            change: None,
            change_percent: None,
        };
        count.update_change();
        count
    }

    /// Recomputes the change from the (possibly withheld) counts, so a
    /// change never reveals a withheld number.
    fn update_change(&mut self) {
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
    pub theme_list_version: u32,
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
    /// reported separately under `risk`.
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
    /// Sentences drafted from the numbers, for the coordinator to edit
    /// before publishing; see [`draft_narrative`].
    pub narrative: Vec<String>,
}

/// When a call happened, as precisely as the report is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The store's own calls: the instant, placed by local month here.
    At(DateTime<Utc>),
    /// Merged calls from returns carry only their local month.
    InMonth(LocalMonth),
}

/// What the report needs to know of a call, whichever form it was read in:
/// a full record, a report page entry, or a call merged from a return.
pub trait Countable {
    fn call_id(&self) -> String;
    fn when(&self) -> When;
    fn duration_minutes(&self) -> u32;
    fn call_type(&self) -> CallType;
    fn risk(&self) -> RiskLevel;
    fn role(&self) -> Role;
    fn setting(&self) -> Setting;
    fn employer(&self) -> Option<Employer>;
    fn region(&self) -> Region;
    fn caller_type(&self) -> CallerType;
    fn follow_up_needed(&self) -> bool;
    /// Theme ids, main theme first.
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String>;
}

impl<T: Countable> Countable for &T {
    fn call_id(&self) -> String {
        (**self).call_id()
    }
    fn when(&self) -> When {
        (**self).when()
    }
    fn duration_minutes(&self) -> u32 {
        (**self).duration_minutes()
    }
    fn call_type(&self) -> CallType {
        (**self).call_type()
    }
    fn risk(&self) -> RiskLevel {
        (**self).risk()
    }
    fn role(&self) -> Role {
        (**self).role()
    }
    fn setting(&self) -> Setting {
        (**self).setting()
    }
    fn employer(&self) -> Option<Employer> {
        (**self).employer()
    }
    fn region(&self) -> Region {
        (**self).region()
    }
    fn caller_type(&self) -> CallerType {
        (**self).caller_type()
    }
    fn follow_up_needed(&self) -> bool {
        (**self).follow_up_needed()
    }
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        (**self).for_each_theme(f)
    }
}

impl Countable for CallSummary {
    fn call_id(&self) -> String {
        self.id.to_string()
    }
    fn when(&self) -> When {
        When::At(self.facts.started_at)
    }
    fn duration_minutes(&self) -> u32 {
        self.facts.duration_minutes
    }
    fn call_type(&self) -> CallType {
        self.facts.call_type
    }
    fn risk(&self) -> RiskLevel {
        self.facts.risk
    }
    fn role(&self) -> Role {
        self.facts.role
    }
    fn setting(&self) -> Setting {
        self.facts.setting
    }
    fn employer(&self) -> Option<Employer> {
        self.facts.employer
    }
    fn region(&self) -> Region {
        self.facts.region
    }
    fn caller_type(&self) -> CallerType {
        self.facts.caller_type
    }
    fn follow_up_needed(&self) -> bool {
        self.facts.follow_up.needed
    }
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        self.facts.themes.iter().map(String::as_str).try_for_each(f)
    }
}

impl Countable for CountedCall<'_> {
    fn call_id(&self) -> String {
        self.id.to_string()
    }
    fn when(&self) -> When {
        When::At(self.started_at)
    }
    fn duration_minutes(&self) -> u32 {
        self.duration_minutes
    }
    fn call_type(&self) -> CallType {
        self.call_type
    }
    fn risk(&self) -> RiskLevel {
        self.risk
    }
    fn role(&self) -> Role {
        self.role
    }
    fn setting(&self) -> Setting {
        self.setting
    }
    fn employer(&self) -> Option<Employer> {
        self.employer
    }
    fn region(&self) -> Region {
        self.region
    }
    fn caller_type(&self) -> CallerType {
        self.caller_type
    }
    fn follow_up_needed(&self) -> bool {
        self.follow_up_needed
    }
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        self.themes().try_for_each(f)
    }
}

impl Countable for MergedCall {
    fn call_id(&self) -> String {
        format!("{} (merged from a return)", self.call.id)
    }
    fn when(&self) -> When {
        When::InMonth(self.month)
    }
    fn duration_minutes(&self) -> u32 {
        self.call.minutes
    }
    fn call_type(&self) -> CallType {
        self.call.call_type
    }
    fn risk(&self) -> RiskLevel {
        self.call.risk
    }
    fn role(&self) -> Role {
        self.call.role
    }
    fn setting(&self) -> Setting {
        self.call.setting
    }
    fn employer(&self) -> Option<Employer> {
        self.call.employer
    }
    fn region(&self) -> Region {
        self.call.region
    }
    fn caller_type(&self) -> CallerType {
        self.call.caller
    }
    fn follow_up_needed(&self) -> bool {
        self.call.follow_up
    }
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        self.call.themes.iter().map(String::as_str).try_for_each(f)
    }
}

fn count_into(counter: &mut Counter<'_>, call: &impl Countable) -> Result<(), ReportError> {
    counter
        .add(call)
        .map_err(|theme| ReportError::UnknownTheme {
            call: call.call_id(),
            theme,
            list_version: counter.list.version,
        })
}

impl Report {
    /// Builds the report for `period` from already-read calls. Calls outside
    /// `period` and its previous year are ignored.
    pub fn from_calls<C: Countable>(
        period: Period,
        tz: Tz,
        themes: &ThemeList,
        calls: impl IntoIterator<Item = C>,
    ) -> Result<Report, ReportError> {
        let mut counter = Counter::new(period, tz, themes);
        for call in calls {
            count_into(&mut counter, &call)?;
        }
        Ok(breakdown::assemble(&counter))
    }

    /// The report for `period` over a vault: its own calls and every call
    /// merged from volunteers' returns. Reads only the report pages and
    /// merged calls of the period and the year before it.
    pub fn for_vault(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let pages = vault.report_pages(&months)?;
        let mut counter = Counter::new(period, vault.settings().time_zone, vault.themes());
        for page in &pages {
            for call in page.calls() {
                let call = call.map_err(|()| StoreError::Corrupt {
                    record: "a report page (a value out of range)".into(),
                })?;
                count_into(&mut counter, &call)?;
            }
        }
        for call in &vault.merged_calls_in_months(&months)? {
            count_into(&mut counter, call)?;
        }
        Ok(breakdown::assemble(&counter))
    }

    /// The same report computed from every call's full record instead of
    /// the report pages: slower, and a cross-check that the two agree.
    pub fn for_vault_from_records(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let calls = vault.calls_in_months(&months)?;
        let merged = vault.merged_calls_in_months(&months)?;
        let mut counter = Counter::new(period, vault.settings().time_zone, vault.themes());
        for call in &calls {
            count_into(&mut counter, call)?;
        }
        for call in &merged {
            count_into(&mut counter, call)?;
        }
        Ok(breakdown::assemble(&counter))
    }

    /// Prepares the report for publication: withholds every count from 1 to
    /// `k - 1`, and any further counts that would let a withheld one be
    /// worked out from a row or column total (see [`suppression_pattern`]).
    /// Changes, shares, minutes and medians that would reveal a withheld
    /// count are withheld too, and the narrative is drafted again from what
    /// remains, so apply this *before* the coordinator edits the narrative.
    ///
    /// `k` of 0 or 1 withholds nothing. Applying it again with a larger `k`
    /// withholds more; counts already withheld stay withheld.
    pub fn suppress_below(&mut self, k: u32) {
        if k <= 1 {
            return;
        }
        suppress::apply(self, k);
        self.suppress_below = Some(self.suppress_below.map_or(k, |old| old.max(k)));
        self.narrative = draft_narrative(self);
    }

    /// The text that stands for a withheld count in tables: "fewer than K".
    pub fn suppression_marker(&self) -> String {
        match self.suppress_below {
            Some(k) => format!("fewer than {k}"),
            None => "withheld".to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
