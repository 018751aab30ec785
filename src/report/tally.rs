//! The counting loop: places each call in the period, the previous period or
//! neither, and adds it to fixed-size counters.
//!
//! This is the hot path of every report (tens of thousands of calls per
//! year), so it must never allocate per call: every counter is an array or a
//! vector sized once from the theme list, and a call's local month is found
//! by comparing its instant against month boundaries computed once, not by
//! converting every call to local time. A call's themes are looked up in a
//! table built once per report for its theme list version, which already
//! says where each lands in the version the report counts in
//! ([`super::versions`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::facts::{ReportFacts, When};
use super::versions::Landing;
use crate::model::{CallerType, Employer, MAX_DURATION_MINUTES, Region, RiskLevel, Role, Setting};
use crate::period::{LocalMonth, Period, local_midnight};
use crate::themes::{ThemeList, ThemeRef};

/// The theme category whose calls count as "risk to self discussed".
pub const RISK_TO_SELF_CATEGORY: &str = "risk_to_self";

/// Theme ids resolved once per report rather than once per mention: for
/// each theme list version the calls were logged under, where each of its
/// themes lands in the version the report counts in.
pub(super) struct ThemeIndex {
    /// Indexed by version − 1.
    by_version: Vec<HashMap<String, Landing>>,
    risk_to_self: Option<usize>,
    /// How many retired-themes rows there are.
    retired: usize,
}

impl ThemeIndex {
    /// The index for counting in `list`: `by_version` as
    /// [`super::versions::landings`] makes it, with `retired` rows.
    pub(super) fn new(
        list: &ThemeList,
        by_version: Vec<HashMap<String, Landing>>,
        retired: usize,
    ) -> Self {
        let risk_to_self = list
            .categories
            .iter()
            .position(|c| c.id == RISK_TO_SELF_CATEGORY);
        ThemeIndex {
            by_version,
            risk_to_self,
            retired,
        }
    }

    /// Where each theme of `version` lands, if calls of that version are
    /// counted.
    fn of_version(&self, version: u32) -> Option<&HashMap<String, Landing>> {
        let index = usize::try_from(version).ok()?.checked_sub(1)?;
        self.by_version.get(index)
    }
}

pub(super) const ROLES: usize = Role::ALL.len();
pub(super) const SETTINGS: usize = Setting::ALL.len();
/// Every employer plus a last slot for calls where none was recorded.
pub(super) const EMPLOYER_SLOTS: usize = Employer::ALL.len() + 1;
pub(super) const REGIONS: usize = Region::ALL.len();
pub(super) const CALLER_TYPES: usize = CallerType::ALL.len();
pub(super) const RISK_LEVELS: usize = RiskLevel::ALL.len();
/// One bucket per whole minute a call may last (validation caps the length).
const DURATION_BUCKETS: usize = MAX_DURATION_MINUTES as usize + 1;

/// Counts for one period, indexed like the theme list and the `ALL` lists.
pub(super) struct Tally {
    pub calls: u64,
    pub substantive: u64,
    pub minutes: u64,
    pub follow_up: u64,
    pub risk_to_self: u64,
    /// Calls naming each category, each call once.
    pub categories: Vec<u64>,
    pub subthemes: Vec<Vec<u64>>,
    /// Calls whose main (first) theme is in each category.
    pub main_categories: Vec<u64>,
    /// Calls naming each category, by the caller's setting.
    pub category_by_setting: Vec<[u64; SETTINGS]>,
    pub risk: [u64; RISK_LEVELS],
    pub roles: [u64; ROLES],
    pub settings: [u64; SETTINGS],
    pub employers: [u64; EMPLOYER_SLOTS],
    pub regions: [u64; REGIONS],
    pub caller_types: [u64; CALLER_TYPES],
    /// By local month, in the period's order.
    pub months: [u64; 12],
    /// Calls naming each retired theme, each call once per row.
    pub retired: Vec<u64>,
    /// Substantive calls by length in whole minutes, for the median.
    substantive_minutes: Vec<u64>,
}

impl Tally {
    pub(super) fn new(themes: &ThemeList, retired: usize) -> Tally {
        let categories = themes.categories.len();
        Tally {
            calls: 0,
            substantive: 0,
            minutes: 0,
            follow_up: 0,
            risk_to_self: 0,
            categories: vec![0; categories],
            subthemes: themes
                .categories
                .iter()
                .map(|c| vec![0; c.subthemes.len()])
                .collect(),
            main_categories: vec![0; categories],
            category_by_setting: vec![[0; SETTINGS]; categories],
            risk: [0; RISK_LEVELS],
            roles: [0; ROLES],
            settings: [0; SETTINGS],
            employers: [0; EMPLOYER_SLOTS],
            regions: [0; REGIONS],
            caller_types: [0; CALLER_TYPES],
            months: [0; 12],
            retired: vec![0; retired],
            substantive_minutes: vec![0; DURATION_BUCKETS],
        }
    }

    /// Adds one call in local month `month` (0 = the period's first month).
    /// Returns the unknown theme id if the call names one.
    fn add(
        &mut self,
        themes: &ThemeIndex,
        month: usize,
        call: &ReportFacts<'_>,
    ) -> Result<(), String> {
        let minutes = call.duration_minutes;
        self.calls += 1;
        self.minutes += u64::from(minutes);
        if call.call_type.is_substantive() {
            self.substantive += 1;
            // Validation caps lengths; a longer one still counts, in the last bucket.
            let bucket = (minutes as usize).min(DURATION_BUCKETS - 1);
            self.substantive_minutes[bucket] += 1;
        }
        self.follow_up += u64::from(call.follow_up_needed);
        self.risk[call.risk.index()] += 1;
        let setting = call.setting.index();
        self.roles[call.role.index()] += 1;
        self.settings[setting] += 1;
        self.employers[call.employer.map_or(EMPLOYER_SLOTS - 1, Employer::index)] += 1;
        self.regions[call.region.index()] += 1;
        self.caller_types[call.caller_type.index()] += 1;
        self.months[month] += 1;
        // Rows already counted for this call, so a call counts once per
        // row even when two of its themes were merged into one.
        let mut counted = Counted::default();
        let mut main = true;
        let landings = themes.of_version(call.theme_list_version);
        call.themes.try_for_each(|theme| {
            let found = landings
                .and_then(|l| l.get(theme))
                .ok_or_else(|| theme.to_string())?;
            if let Some(category) = found.category {
                if main {
                    self.main_categories[category] += 1;
                }
                if counted.first_time(Counted::category(category)) {
                    self.categories[category] += 1;
                    self.category_by_setting[category][setting] += 1;
                    if Some(category) == themes.risk_to_self {
                        self.risk_to_self += 1;
                    }
                }
            }
            if let Some(ThemeRef {
                category,
                subtheme: Some(sub),
            }) = found.subtheme
            {
                if counted.first_time(Counted::subtheme(category, sub)) {
                    self.subthemes[category][sub] += 1;
                }
            }
            if let Some(row) = found.retired {
                if counted.first_time(Counted::retired(row)) {
                    self.retired[row] += 1;
                }
            }
            main = false;
            Ok(())
        })
    }

    /// The median length of substantive calls in minutes: the middle call's
    /// length, or the mean of the two middle ones when their number is even.
    pub(super) fn median_substantive_minutes(&self) -> Option<f64> {
        if self.substantive == 0 {
            return None;
        }
        let lower_rank = (self.substantive - 1) / 2;
        let upper_rank = self.substantive / 2;
        let (mut lower, mut upper) = (None, None);
        let mut seen = 0;
        for (minutes, &count) in self.substantive_minutes.iter().enumerate() {
            seen += count;
            if lower.is_none() && seen > lower_rank {
                lower = Some(minutes);
            }
            if seen > upper_rank {
                upper = Some(minutes);
                break;
            }
        }
        Some((lower? + upper?) as f64 / 2.0)
    }
}

/// The rows one call has counted in so far, on the stack: each theme counts
/// in at most a category, a subtheme and a retired row.
struct Counted {
    rows: [usize; 3 * crate::model::MAX_THEMES],
    len: usize,
}

impl Default for Counted {
    fn default() -> Self {
        Counted {
            rows: [0; 3 * crate::model::MAX_THEMES],
            len: 0,
        }
    }
}

impl Counted {
    // One number per row: the kind in the top bits, a list has at most
    // forty categories of forty subthemes.
    const SUBTHEME: usize = 1 << 24;
    const RETIRED: usize = 2 << 24;

    fn category(category: usize) -> usize {
        category
    }

    fn subtheme(category: usize, subtheme: usize) -> usize {
        Self::SUBTHEME | category << 8 | subtheme
    }

    fn retired(row: usize) -> usize {
        Self::RETIRED | row
    }

    /// Notes `row`; whether it is the first time. A call with more themes
    /// than it may have still counts, once per row for the first few.
    fn first_time(&mut self, row: usize) -> bool {
        if self.rows[..self.len].contains(&row) {
            return false;
        }
        if let Some(slot) = self.rows.get_mut(self.len) {
            *slot = row;
            self.len += 1;
        }
        true
    }
}

/// Places calls in this period or the previous one by comparing instants
/// with the 24 local month starts (and the end).
#[derive(Debug, Clone, Copy)]
pub(super) struct Calendar {
    pub period: Period,
    pub tz: Tz,
    /// Local midnight starting each month of the previous period, then of
    /// this period, then the end of this period.
    month_starts: [DateTime<Utc>; 25],
    /// The 24 local months, in the same order as `month_starts`.
    months: [LocalMonth; 24],
}

/// Where a call falls: which period, and which of its months (0 = first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placed {
    Before(usize),
    Now(usize),
}

impl Calendar {
    pub(super) fn new(period: Period, tz: Tz) -> Self {
        let previous = period.previous();
        let mut month_starts = [period.end_instant(tz); 25];
        let mut months = [period.months()[0]; 24];
        for (i, month) in previous.months().iter().chain(&period.months()).enumerate() {
            months[i] = *month;
            let first = chrono::NaiveDate::from_ymd_opt(month.year, month.month, 1);
            // Every month of a valid period has a first day.
            month_starts[i] = first.map_or(month_starts[i], |d| local_midnight(d, tz));
        }
        Calendar {
            period,
            tz,
            month_starts,
            months,
        }
    }

    /// The period and month a call falls in, if either.
    pub(super) fn place(&self, when: When) -> Option<Placed> {
        let slot = match when {
            // Number of boundaries at or before the call: 1..=24 means inside.
            When::At(at) => self.month_starts.partition_point(|start| *start <= at),
            When::InMonth(month) => self
                .months
                .iter()
                .position(|m| *m == month)
                .map_or(0, |i| i + 1),
        };
        match slot {
            1..=12 => Some(Placed::Before(slot - 1)),
            13..=24 => Some(Placed::Now(slot - 13)),
            _ => None,
        }
    }
}

/// Tallies the calls of both periods in the theme list `list`.
pub(super) struct Counter<'t> {
    pub calendar: Calendar,
    pub list: &'t ThemeList,
    index: ThemeIndex,
    pub now: Tally,
    pub before: Tally,
}

impl<'t> Counter<'t> {
    pub(super) fn new(calendar: Calendar, list: &'t ThemeList, index: ThemeIndex) -> Self {
        Counter {
            calendar,
            list,
            now: Tally::new(list, index.retired),
            before: Tally::new(list, index.retired),
            index,
        }
    }

    /// Tallies a call if it falls in either period; returns an unknown theme id.
    pub(super) fn add(&mut self, call: &ReportFacts<'_>) -> Result<(), String> {
        match self.calendar.place(call.when) {
            Some(Placed::Before(month)) => self.before.add(&self.index, month, call),
            Some(Placed::Now(month)) => self.now.add(&self.index, month, call),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally_with_lengths(lengths: &[u32]) -> Tally {
        let mut tally = Tally::new(&ThemeList::default_list(), 0);
        for &l in lengths {
            tally.substantive += 1;
            tally.substantive_minutes[l as usize] += 1;
        }
        tally
    }

    #[test]
    fn median_is_the_middle_or_the_mean_of_the_two_middle_lengths() {
        let cases: &[(&[u32], Option<f64>)] = &[
            (&[], None),
            (&[7], Some(7.0)),
            (&[10, 20], Some(15.0)),
            (&[5, 1, 30], Some(5.0)),
            (&[1, 2, 2, 9], Some(2.0)),
            (&[0, 1440], Some(720.0)),
            (&[3, 4, 10, 11], Some(7.0)),
        ];
        for (lengths, expected) in cases {
            assert_eq!(
                tally_with_lengths(lengths).median_substantive_minutes(),
                *expected,
                "{lengths:?}"
            );
        }
    }
}
