//! The annual report: counts for a calendar or academic year, each beside
//! the same count for the year before.
//!
//! Counting lives here once; the CLI (and later the app) only present it.
//! The report reads only the records tagged with the two periods' months,
//! decrypts them, and counts in Rust.

mod render;

use chrono_tz::Tz;
use serde::Serialize;

use chrono::{DateTime, Utc};

use crate::model::{CallSummary, CallType, RiskLevel};
use crate::period::Period;
use crate::store::{CountedCall, StoreError, Vault};
use crate::themes::ThemeList;

pub use render::{to_csv, to_text};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// One row of a table: this period's count and the previous period's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub id: String,
    pub label: String,
    pub calls: u64,
    pub previous_calls: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeCount {
    pub id: String,
    pub label: String,
    /// Calls naming this category or any of its subthemes, each call once.
    pub calls: u64,
    pub previous_calls: u64,
    pub subthemes: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub period: PeriodInfo,
    pub previous_period: PeriodInfo,
    pub time_zone: String,
    pub theme_list_version: u32,
    pub total_calls: u64,
    pub previous_total_calls: u64,
    pub substantive_calls: u64,
    pub previous_substantive_calls: u64,
    pub total_minutes: u64,
    pub previous_total_minutes: u64,
    pub themes: Vec<ThemeCount>,
    pub risk: Vec<Count>,
}

/// What the report needs to know of a call, whichever form it was read in:
/// a full record, or a report page entry.
pub trait Countable {
    fn call_id(&self) -> String;
    fn started_at(&self) -> DateTime<Utc>;
    fn duration_minutes(&self) -> u32;
    fn call_type(&self) -> CallType;
    fn risk(&self) -> RiskLevel;
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String>;
}

impl<T: Countable> Countable for &T {
    fn call_id(&self) -> String {
        (**self).call_id()
    }
    fn started_at(&self) -> DateTime<Utc> {
        (**self).started_at()
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
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        (**self).for_each_theme(f)
    }
}

impl Countable for CallSummary {
    fn call_id(&self) -> String {
        self.id.to_string()
    }
    fn started_at(&self) -> DateTime<Utc> {
        self.facts.started_at
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
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        self.facts.themes.iter().map(String::as_str).try_for_each(f)
    }
}

impl Countable for CountedCall<'_> {
    fn call_id(&self) -> String {
        self.id.to_string()
    }
    fn started_at(&self) -> DateTime<Utc> {
        self.started_at
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
    fn for_each_theme(&self, f: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
        self.themes().try_for_each(f)
    }
}

/// Theme ids resolved once per report rather than once per mention.
struct ThemeIndex {
    by_id: std::collections::HashMap<String, crate::themes::ThemeRef>,
}

impl ThemeIndex {
    fn new(list: &ThemeList) -> Self {
        let by_id = list
            .all_ids()
            .filter_map(|id| list.resolve(&id).ok().map(|r| (id, r)))
            .collect();
        ThemeIndex { by_id }
    }
}

/// Counts for one period, indexed like the theme list.
struct Tally {
    calls: u64,
    substantive: u64,
    minutes: u64,
    categories: Vec<u64>,
    subthemes: Vec<Vec<u64>>,
    risk: [u64; 5],
}

impl Tally {
    fn new(themes: &ThemeList) -> Tally {
        Tally {
            calls: 0,
            substantive: 0,
            minutes: 0,
            categories: vec![0; themes.categories.len()],
            subthemes: themes
                .categories
                .iter()
                .map(|c| vec![0; c.subthemes.len()])
                .collect(),
            risk: [0; 5],
        }
    }

    fn add(&mut self, themes: &ThemeIndex, call: &impl Countable) -> Result<(), String> {
        self.calls += 1;
        self.substantive += u64::from(call.call_type().is_substantive());
        self.minutes += u64::from(call.duration_minutes());
        self.risk[call.risk().index()] += 1;
        // Categories already counted for this call (at most four themes).
        let mut seen = [usize::MAX; crate::model::MAX_THEMES];
        let mut seen_len = 0;
        call.for_each_theme(|theme| {
            let found = themes.by_id.get(theme).ok_or_else(|| theme.to_string())?;
            if !seen[..seen_len].contains(&found.category) {
                if seen_len < seen.len() {
                    seen[seen_len] = found.category;
                    seen_len += 1;
                }
                self.categories[found.category] += 1;
            }
            if let Some(sub) = found.subtheme {
                self.subthemes[found.category][sub] += 1;
            }
            Ok(())
        })
    }
}

/// Places calls in this period or the previous one by comparing instants
/// (local midnights computed once), and tallies them.
struct Counter<'t> {
    period: Period,
    tz: Tz,
    list: &'t ThemeList,
    index: ThemeIndex,
    bounds: [DateTime<Utc>; 3],
    now: Tally,
    before: Tally,
}

impl<'t> Counter<'t> {
    fn new(period: Period, tz: Tz, list: &'t ThemeList) -> Self {
        let previous = period.previous();
        Counter {
            period,
            tz,
            list,
            index: ThemeIndex::new(list),
            bounds: [
                previous.start_instant(tz),
                period.start_instant(tz),
                period.end_instant(tz),
            ],
            now: Tally::new(list),
            before: Tally::new(list),
        }
    }

    fn add(&mut self, call: &impl Countable) -> Result<(), ReportError> {
        let at = call.started_at();
        let tally = if self.bounds[1] <= at && at < self.bounds[2] {
            &mut self.now
        } else if self.bounds[0] <= at && at < self.bounds[1] {
            &mut self.before
        } else {
            return Ok(());
        };
        tally
            .add(&self.index, call)
            .map_err(|theme| ReportError::UnknownTheme {
                call: call.call_id(),
                theme,
                list_version: self.list.version,
            })
    }

    fn finish(self) -> Report {
        Report::assemble(self.period, self.tz, self.list, &self.now, &self.before)
    }
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
            counter.add(&call)?;
        }
        Ok(counter.finish())
    }

    /// The report for `period` over a vault. Reads only the report pages of
    /// the period and the year before it.
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
                counter.add(&call)?;
            }
        }
        Ok(counter.finish())
    }

    /// The same report computed from every call's full record instead of
    /// the report pages: slower, and a cross-check that the two agree.
    pub fn for_vault_from_records(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let calls = vault.calls_in_months(&months)?;
        Report::from_calls(period, vault.settings().time_zone, vault.themes(), &calls)
    }

    fn assemble(period: Period, tz: Tz, themes: &ThemeList, now: &Tally, before: &Tally) -> Report {
        let theme_counts = themes
            .categories
            .iter()
            .enumerate()
            .map(|(c, category)| ThemeCount {
                id: category.id.clone(),
                label: category.label.clone(),
                calls: now.categories[c],
                previous_calls: before.categories[c],
                subthemes: category
                    .subthemes
                    .iter()
                    .enumerate()
                    .map(|(s, sub)| Count {
                        id: format!("{}.{}", category.id, sub.id),
                        label: sub.label.clone(),
                        calls: now.subthemes[c][s],
                        previous_calls: before.subthemes[c][s],
                    })
                    .collect(),
            })
            .collect();
        let risk = RiskLevel::ALL
            .iter()
            .map(|r| Count {
                id: r.id().to_string(),
                label: r.label().to_string(),
                calls: now.risk[r.index()],
                previous_calls: before.risk[r.index()],
            })
            .collect();
        Report {
            period: PeriodInfo::of(&period),
            previous_period: PeriodInfo::of(&period.previous()),
            time_zone: tz.name().to_string(),
            theme_list_version: themes.version,
            total_calls: now.calls,
            previous_total_calls: before.calls,
            substantive_calls: now.substantive,
            previous_substantive_calls: before.substantive,
            total_minutes: now.minutes,
            previous_total_minutes: before.minutes,
            themes: theme_counts,
            risk,
        }
    }
}

#[cfg(test)]
mod tests;
