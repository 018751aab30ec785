//! The annual report: counts for a calendar or academic year, each beside
//! the same count for the year before.
//!
//! Counting lives here once; the CLI (and later the app) only present it.
//! The report reads only the records tagged with the two periods' months,
//! decrypts them, and counts in Rust.

mod render;

use chrono_tz::Tz;
use serde::Serialize;

use crate::model::{CallFacts, CallSummary, RiskLevel};
use crate::period::Period;
use crate::store::{StoreError, Vault};
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

    fn add(&mut self, themes: &ThemeList, facts: &CallFacts) -> Result<(), String> {
        self.calls += 1;
        self.substantive += u64::from(facts.call_type.is_substantive());
        self.minutes += u64::from(facts.duration_minutes);
        self.risk[facts.risk.index()] += 1;
        let mut categories_seen: Vec<usize> = Vec::with_capacity(facts.themes.len());
        for theme in &facts.themes {
            let found = themes.resolve(theme).map_err(|_| theme.clone())?;
            if !categories_seen.contains(&found.category) {
                categories_seen.push(found.category);
                self.categories[found.category] += 1;
            }
            if let Some(sub) = found.subtheme {
                self.subthemes[found.category][sub] += 1;
            }
        }
        Ok(())
    }
}

impl Report {
    /// Builds the report for `period` from already-read calls. Calls outside
    /// `period` and its previous year are ignored.
    pub fn from_calls<'a>(
        period: Period,
        tz: Tz,
        themes: &ThemeList,
        calls: impl IntoIterator<Item = &'a CallSummary>,
    ) -> Result<Report, ReportError> {
        let previous = period.previous();
        let mut now = Tally::new(themes);
        let mut before = Tally::new(themes);
        for call in calls {
            let facts = &call.facts;
            let tally = if period.contains(facts.started_at, tz) {
                &mut now
            } else if previous.contains(facts.started_at, tz) {
                &mut before
            } else {
                continue;
            };
            tally
                .add(themes, facts)
                .map_err(|theme| ReportError::UnknownTheme {
                    call: call.id.to_string(),
                    theme,
                    list_version: themes.version,
                })?;
        }
        Ok(Report::assemble(period, tz, themes, &now, &before))
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

    /// The report for `period` over a vault, reading only the records of the
    /// period and the year before it.
    pub fn for_vault(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let calls = vault.calls_in_months(&months)?;
        Report::from_calls(period, vault.settings().time_zone, vault.themes(), &calls)
    }
}

#[cfg(test)]
mod tests;
