//! Building a [`Report`]: reading the two periods' calls from a vault (or
//! from calls already read), counting them once each, assembling the
//! tables, and withholding small numbers for publication.

use chrono_tz::Tz;

use super::breakdown;
use super::counts::Report;
use super::facts::{Countable, ReportFacts};
use super::narrative::draft_narrative;
use super::suppress;
use super::tally::{Calendar, Counter, Placed, ThemeIndex};
use super::versions::{self, Comparisons, Retired, VersionsSeen};
use crate::period::Period;
use crate::store::{StoreError, Vault};
use crate::themes::ThemeCatalogue;

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
    #[error(
        "call {call} was logged under theme list version {list_version}, which this store does not know; import the helpline's current profile"
    )]
    UnknownThemeList { call: String, list_version: u32 },
}

/// Counts the calls `calls()` yields, which it is asked for twice: once to
/// find the theme list versions of the two periods' calls (and so the
/// version the report counts in), then to count them.
fn count<'c, I>(
    period: Period,
    tz: Tz,
    catalogue: &ThemeCatalogue,
    calls: impl Fn() -> I,
) -> Result<Report, ReportError>
where
    I: Iterator<Item = Result<ReportFacts<'c>, ReportError>>,
{
    let calendar = Calendar::new(period, tz);
    let mut seen = VersionsSeen::default();
    for call in calls() {
        let call = call?;
        let Some(placed) = calendar.place(call.when) else {
            continue;
        };
        let version = call.theme_list_version;
        if catalogue.version(version).is_none() {
            return Err(ReportError::UnknownThemeList {
                call: call.source.to_string(),
                list_version: version,
            });
        }
        seen.add(matches!(placed, Placed::Before(_)), version);
    }
    let target = seen.target(catalogue);
    // `target` is the current version or a version a call was logged
    // under, both checked above to be in the catalogue.
    let list = catalogue.version(target).unwrap_or(catalogue.current());
    let (by_version, retired) = versions::landings(catalogue, target, &seen.all());
    let index = ThemeIndex::new(list, by_version, retired.rows.len());
    let mut counter = Counter::new(calendar, list, index);
    for call in calls() {
        let call = call?;
        counter
            .add(&call)
            .map_err(|theme| ReportError::UnknownTheme {
                call: call.source.to_string(),
                theme,
                list_version: call.theme_list_version,
            })?;
    }
    let comparisons = Comparisons::new(catalogue, target, &seen);
    Ok(breakdown::assemble(
        &counter,
        &comparisons,
        seen.earlier_than(target),
        &retired_labels(catalogue, &retired),
    ))
}

/// Each retired row's id and its label in the version it was last in.
fn retired_labels(catalogue: &ThemeCatalogue, retired: &Retired) -> Vec<(String, String)> {
    retired
        .rows
        .iter()
        .map(|(version, id)| {
            let label = catalogue.label(*version, id).unwrap_or(id);
            (id.clone(), label.to_string())
        })
        .collect()
}

fn facts_of<C: Countable>(call: &C) -> Result<ReportFacts<'_>, ReportError> {
    Ok(call.facts())
}

impl Report {
    /// Builds the report for `period` from already-read calls. Calls outside
    /// `period` and its previous year are ignored.
    pub fn from_calls<C: Countable>(
        period: Period,
        tz: Tz,
        themes: &ThemeCatalogue,
        calls: impl IntoIterator<Item = C>,
    ) -> Result<Report, ReportError> {
        let calls: Vec<C> = calls.into_iter().collect();
        count(period, tz, themes, || calls.iter().map(facts_of))
    }

    /// The report for `period` over a vault: its own calls and every call
    /// merged from volunteers' returns. Reads only the report pages and
    /// merged calls of the period and the year before it.
    pub fn for_vault(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let pages = vault.report_pages(&months)?;
        let merged = vault.merged_calls_in_months(&months)?;
        count(period, vault.settings().time_zone, vault.themes(), || {
            let stored = pages.iter().flat_map(|page| page.calls()).map(|call| {
                call.map(ReportFacts::on_page).map_err(|()| {
                    ReportError::Store(StoreError::Corrupt {
                        record: "a report page (a value out of range)".into(),
                    })
                })
            });
            stored.chain(merged.iter().map(facts_of))
        })
    }

    /// The same report computed from every call's full record instead of
    /// the report pages: slower, and a cross-check that the two agree.
    pub fn for_vault_from_records(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let calls = vault.calls_in_months(&months)?;
        let merged = vault.merged_calls_in_months(&months)?;
        count(period, vault.settings().time_zone, vault.themes(), || {
            calls
                .iter()
                .map(facts_of)
                .chain(merged.iter().map(facts_of))
        })
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
}
