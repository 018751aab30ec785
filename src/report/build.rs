//! Building a [`Report`]: reading the two periods' calls from a vault (or
//! from calls already read), counting them once each, assembling the
//! tables, and withholding small numbers for publication.

use chrono_tz::Tz;

use super::breakdown;
use super::counts::Report;
use super::facts::{Countable, ReportFacts};
use super::narrative::draft_narrative;
use super::suppress;
use super::tally::Counter;
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
}

fn count_into(counter: &mut Counter<'_>, call: ReportFacts<'_>) -> Result<(), ReportError> {
    counter
        .add(&call)
        .map_err(|theme| ReportError::UnknownTheme {
            call: call.source.to_string(),
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
        themes: &ThemeCatalogue,
        calls: impl IntoIterator<Item = C>,
    ) -> Result<Report, ReportError> {
        let mut counter = Counter::new(period, tz, themes.current());
        for call in calls {
            count_into(&mut counter, call.facts())?;
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
        let mut counter =
            Counter::new(period, vault.settings().time_zone, vault.themes().current());
        for page in &pages {
            for call in page.calls() {
                let call = call.map_err(|()| StoreError::Corrupt {
                    record: "a report page (a value out of range)".into(),
                })?;
                count_into(&mut counter, call.facts())?;
            }
        }
        for call in &vault.merged_calls_in_months(&months)? {
            count_into(&mut counter, call.facts())?;
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
        let mut counter =
            Counter::new(period, vault.settings().time_zone, vault.themes().current());
        for call in &calls {
            count_into(&mut counter, call.facts())?;
        }
        for call in &merged {
            count_into(&mut counter, call.facts())?;
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
}
