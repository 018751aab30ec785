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

/// A report being counted: the versions its calls were logged under are
/// known (so the version it counts in, and where each theme lands), and the
/// calls are added one by one in a plain loop, the hot path of a report.
struct Counting<'t> {
    catalogue: &'t ThemeCatalogue,
    seen: VersionsSeen,
    retired: Retired,
    counter: Counter<'t>,
}

impl<'t> Counting<'t> {
    fn new(calendar: Calendar, catalogue: &'t ThemeCatalogue, seen: VersionsSeen) -> Self {
        let target = seen.target(catalogue);
        // `target` is the current version or a version a call was logged
        // under, checked by `versions_seen` to be in the catalogue.
        let list = catalogue.version(target).unwrap_or(catalogue.current());
        let (by_version, retired) = versions::landings(catalogue, target, &seen.all());
        let index = ThemeIndex::new(list, by_version, retired.rows.len());
        Counting {
            catalogue,
            seen,
            retired,
            counter: Counter::new(calendar, list, index),
        }
    }

    fn add(&mut self, call: ReportFacts<'_>) -> Result<(), ReportError> {
        self.counter
            .add(&call)
            .map_err(|theme| ReportError::UnknownTheme {
                call: call.source.to_string(),
                theme,
                list_version: call.theme_list_version,
            })
    }

    fn finish(self) -> Report {
        let target = self.counter.list.version;
        let comparisons = Comparisons::new(self.catalogue, target, &self.seen);
        breakdown::assemble(
            &self.counter,
            &comparisons,
            self.seen.earlier_than(target),
            &retired_labels(self.catalogue, &self.retired),
        )
    }
}

/// The theme list versions of the calls in either period, each checked
/// to be one the catalogue knows: a first pass over the calls, before
/// counting them.
fn versions_seen<'c>(
    calendar: &Calendar,
    catalogue: &ThemeCatalogue,
    calls: impl Iterator<Item = Result<ReportFacts<'c>, ReportError>>,
) -> Result<VersionsSeen, ReportError> {
    let mut seen = VersionsSeen::default();
    for call in calls {
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
    Ok(seen)
}

fn damaged_merged_page() -> ReportError {
    ReportError::Store(StoreError::Corrupt {
        record: "a merged report page (a value out of range)".into(),
    })
}

fn damaged_page() -> ReportError {
    ReportError::Store(StoreError::Corrupt {
        record: "a report page (a value out of range)".into(),
    })
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

/// Counts already-read calls: finds their versions, then counts them.
fn count_read<C: Countable>(
    period: Period,
    tz: Tz,
    catalogue: &ThemeCatalogue,
    calls: &[C],
) -> Result<Report, ReportError> {
    let calendar = Calendar::new(period, tz);
    let seen = versions_seen(&calendar, catalogue, calls.iter().map(facts_of))?;
    let mut counting = Counting::new(calendar, catalogue, seen);
    for call in calls {
        counting.add(call.facts())?;
    }
    Ok(counting.finish())
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
        count_read(period, tz, themes, &calls)
    }

    /// The report for `period` over a vault: its own calls and every call
    /// merged from volunteers' returns. Reads only the report pages and
    /// merged calls of the period and the year before it.
    pub fn for_vault(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let pages = vault.report_pages(&months)?;
        let merged = vault.merged_report_pages(&months)?;
        let (catalogue, calendar) = (
            vault.themes(),
            Calendar::new(period, vault.settings().time_zone),
        );
        // Most reports: every call under the current list, which the pages
        // say without decoding a call. Otherwise a first pass finds the
        // versions the two periods' calls were logged under.
        let current = catalogue.current().version;
        let all_current = pages
            .iter()
            .flat_map(|page| page.theme_list_versions().iter().copied())
            .chain(
                merged
                    .iter()
                    .flat_map(|(_, page)| page.theme_list_versions()),
            )
            .all(|v| v == current);
        let merged_calls = || {
            merged.iter().flat_map(|(month, page)| {
                page.calls().map(|call| {
                    call.map(|c| ReportFacts::merged_on_page(*month, c))
                        .map_err(|()| damaged_merged_page())
                })
            })
        };
        let seen = if all_current {
            VersionsSeen::only(current)
        } else {
            let stored = pages
                .iter()
                .flat_map(|page| page.calls())
                .map(|call| call.map(ReportFacts::on_page).map_err(|()| damaged_page()));
            versions_seen(&calendar, catalogue, stored.chain(merged_calls()))?
        };
        let mut counting = Counting::new(calendar, catalogue, seen);
        for page in &pages {
            for call in page.calls() {
                counting.add(ReportFacts::on_page(call.map_err(|()| damaged_page())?))?;
            }
        }
        for call in merged_calls() {
            counting.add(call?)?;
        }
        Ok(counting.finish())
    }

    /// The same report computed from every call's full record (the store's
    /// own and the merged ones) instead of the report pages: slower, and a
    /// cross-check that the two agree.
    pub fn for_vault_from_records(vault: &Vault, period: Period) -> Result<Report, ReportError> {
        let mut months = period.months().to_vec();
        months.extend_from_slice(&period.previous().months());
        let calls = vault.calls_in_months(&months)?;
        let merged = vault.merged_calls_in_months(&months)?;
        let (catalogue, calendar) = (
            vault.themes(),
            Calendar::new(period, vault.settings().time_zone),
        );
        let read = calls
            .iter()
            .map(facts_of)
            .chain(merged.iter().map(facts_of));
        let seen = versions_seen(&calendar, catalogue, read)?;
        let mut counting = Counting::new(calendar, catalogue, seen);
        for call in &calls {
            counting.add(call.facts())?;
        }
        for call in &merged {
            counting.add(call.facts())?;
        }
        Ok(counting.finish())
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
