//! Reporting periods and local dates.
//!
//! Periods are counted by *local* date in the helpline's time zone
//! (Europe/London by default), so a call at 23:30 UTC on 31 August 2024 —
//! 00:30 on 1 September in British Summer Time — falls in academic year
//! 2024/25. Every call also belongs to exactly one local month, which is what
//! the store's keyed period tag hides.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The helpline's default time zone.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::London;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalMonth {
    pub year: i32,
    pub month: u32,
}

impl LocalMonth {
    /// Reads `YYYY-MM`, refusing any other spelling (`2024-9`, `+024-09`,
    /// `2024-13`), so one month has one text wherever it is written.
    pub fn parse(text: &str) -> Option<LocalMonth> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4
            || month.len() != 2
            || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        {
            return None;
        }
        let month = LocalMonth {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    pub fn of(instant: DateTime<Utc>, tz: Tz) -> LocalMonth {
        let local = instant.with_timezone(&tz);
        LocalMonth {
            year: local.year(),
            month: local.month(),
        }
    }

    /// The academic year (1 September to 31 August) this month is in.
    pub fn academic_year(self) -> Result<Period, YearOutOfRange> {
        let start = if self.month >= 9 {
            self.year
        } else {
            self.year - 1
        };
        Period::new(PeriodKind::Academic, start)
    }

    pub fn next(self) -> LocalMonth {
        if self.month == 12 {
            LocalMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            LocalMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for LocalMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 1 January to 31 December.
    Calendar,
    /// 1 September to 31 August, as schools count a year.
    Academic,
}

/// The first and last years a period can start in: every date of such a
/// period, and of the year before it that a report compares against, is one
/// chrono and the four-digit `YYYY-MM` month spelling can hold.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9998;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("year {0} is outside the years Quietline can count ({FIRST_YEAR} to {LAST_YEAR})")]
pub struct YearOutOfRange(pub i32);

/// A year-long reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    kind: PeriodKind,
    year: i32,
}

impl Period {
    /// `year` is the calendar year, or the year an academic year starts in.
    pub fn new(kind: PeriodKind, year: i32) -> Result<Period, YearOutOfRange> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(YearOutOfRange(year));
        }
        Ok(Period { kind, year })
    }

    pub fn calendar(year: i32) -> Result<Period, YearOutOfRange> {
        Period::new(PeriodKind::Calendar, year)
    }

    pub fn academic(year: i32) -> Result<Period, YearOutOfRange> {
        Period::new(PeriodKind::Academic, year)
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The same kind of period one year earlier.
    pub fn previous(&self) -> Period {
        Period {
            kind: self.kind,
            year: self.year - 1,
        }
    }

    /// `2024` for a calendar year, `2024/25` for an academic year.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Calendar => self.year.to_string(),
            PeriodKind::Academic => format!("{}/{:02}", self.year, (self.year + 1) % 100),
        }
    }

    fn first_month(&self) -> LocalMonth {
        match self.kind {
            PeriodKind::Calendar => LocalMonth {
                year: self.year,
                month: 1,
            },
            PeriodKind::Academic => LocalMonth {
                year: self.year,
                month: 9,
            },
        }
    }

    /// The twelve local months the period covers, in order.
    pub fn months(&self) -> [LocalMonth; 12] {
        let mut months = [self.first_month(); 12];
        for i in 1..12 {
            months[i] = months[i - 1].next();
        }
        months
    }

    /// First local day, inclusive. The range check in [`Period::new`] keeps
    /// these dates valid.
    pub fn first_day(&self) -> NaiveDate {
        let m = self.first_month();
        NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last local day, inclusive.
    pub fn last_day(&self) -> NaiveDate {
        let after = self.months()[11].next();
        NaiveDate::from_ymd_opt(after.year, after.month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// Whether an instant falls in the period by its local date.
    pub fn contains(&self, instant: DateTime<Utc>, tz: Tz) -> bool {
        let date = instant.with_timezone(&tz).date_naive();
        self.first_day() <= date && date <= self.last_day()
    }

    /// The UTC instant the period starts at: local midnight on its first day.
    pub fn start_instant(&self, tz: Tz) -> DateTime<Utc> {
        local_midnight(self.first_day(), tz)
    }

    /// The UTC instant the period ends at (exclusive): local midnight after
    /// its last day.
    pub fn end_instant(&self, tz: Tz) -> DateTime<Utc> {
        let after = self.last_day().succ_opt().unwrap_or(NaiveDate::MAX);
        local_midnight(after, tz)
    }
}

/// Local midnight of a date as a UTC instant. Where a zone skips midnight
/// (none does in the UK), the first instant of the day is used.
pub fn local_midnight(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// Midday of a local date as a UTC instant: what a call's exact time
/// becomes once shredded (no zone moves midday off its day).
pub fn local_midday(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midday = date.and_time(chrono::NaiveTime::MIN) + chrono::Duration::hours(12);
    tz.from_local_datetime(&midday)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local_midnight(date, tz) + chrono::Duration::hours(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    const LONDON: Tz = DEFAULT_TIME_ZONE;

    #[test]
    fn midday_is_twelve_o_clock_local_even_on_the_days_the_clocks_change() {
        for (m, d) in [(3, 29), (6, 1), (10, 25), (12, 24)] {
            let day = NaiveDate::from_ymd_opt(2026, m, d).unwrap();
            let at = local_midday(day, LONDON).with_timezone(&LONDON);
            assert_eq!(
                at.format("%Y-%m-%d %H:%M").to_string(),
                format!("2026-{m:02}-{d:02} 12:00")
            );
        }
    }

    #[test]
    fn labels_and_bounds() {
        let academic = Period::academic(2024).unwrap();
        assert_eq!(academic.label(), "2024/25");
        assert_eq!(academic.first_day().to_string(), "2024-09-01");
        assert_eq!(academic.last_day().to_string(), "2025-08-31");
        assert_eq!(Period::academic(2099).unwrap().label(), "2099/00");
        let calendar = Period::calendar(2024).unwrap();
        assert_eq!(calendar.label(), "2024");
        assert_eq!(calendar.last_day().to_string(), "2024-12-31");
        assert_eq!(calendar.previous().label(), "2023");
        assert!(Period::calendar(12000).is_err());
    }

    #[test]
    fn a_year_out_of_range_is_refused_in_plain_words() {
        let e = Period::academic(1066).unwrap_err();
        assert_eq!(
            e.to_string(),
            "year 1066 is outside the years Quietline can count (1900 to 9998)"
        );
        assert!(Period::calendar(FIRST_YEAR).is_ok());
        assert!(Period::calendar(LAST_YEAR).is_ok());
        assert!(Period::calendar(LAST_YEAR + 1).is_err());
    }

    #[test]
    fn months_are_read_only_in_their_one_spelling() {
        assert_eq!(
            LocalMonth::parse("2024-09"),
            Some(LocalMonth {
                year: 2024,
                month: 9
            })
        );
        for bad in [
            "2024-9",
            "24-09",
            "2024-00",
            "2024-13",
            "2024_09",
            "+024-09",
            "2024-09-01",
        ] {
            assert_eq!(LocalMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_run_september_to_august_for_an_academic_year() {
        let months: Vec<String> = Period::academic(2024)
            .unwrap()
            .months()
            .iter()
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months.first().unwrap(), "2024-09");
        assert_eq!(months.last().unwrap(), "2025-08");
        assert_eq!(months.len(), 12);
    }

    /// Table of instants either side of boundaries, by London local date.
    #[test]
    fn boundaries_follow_london_local_dates() {
        let ay24 = Period::academic(2024).unwrap();
        let ay23 = Period::academic(2023).unwrap();
        let cy24 = Period::calendar(2024).unwrap();
        let cy25 = Period::calendar(2025).unwrap();
        let cases = [
            // 23:30 UTC on 31 Aug 2024 is 00:30 BST on 1 Sep: the new academic year.
            (utc(2024, 8, 31, 23, 30), ay24, true),
            (utc(2024, 8, 31, 23, 30), ay23, false),
            // 22:59 UTC on 31 Aug is 23:59 BST: still the old one.
            (utc(2024, 8, 31, 22, 59), ay23, true),
            (utc(2024, 8, 31, 22, 59), ay24, false),
            // In winter London is on UTC: 23:30 UTC on 31 Dec is still 31 Dec.
            (utc(2024, 12, 31, 23, 30), cy24, true),
            (utc(2024, 12, 31, 23, 30), cy25, false),
            (utc(2025, 1, 1, 0, 0), cy25, true),
            // Last moment of academic 2024/25: 22:59 UTC on 31 Aug 2025.
            (utc(2025, 8, 31, 22, 59), ay24, true),
            (utc(2025, 8, 31, 23, 0), ay24, false),
        ];
        for (instant, period, expected) in cases {
            assert_eq!(
                period.contains(instant, LONDON),
                expected,
                "{instant} in {}",
                period.label()
            );
        }
    }

    #[test]
    fn local_month_changes_at_local_midnight() {
        assert_eq!(
            LocalMonth::of(utc(2024, 8, 31, 23, 30), LONDON).to_string(),
            "2024-09"
        );
        assert_eq!(
            LocalMonth::of(utc(2024, 8, 31, 23, 30), chrono_tz::UTC).to_string(),
            "2024-08"
        );
        // The clocks go forward at 01:00 UTC on 31 March 2024.
        assert_eq!(
            LocalMonth::of(utc(2024, 3, 31, 23, 0), LONDON).to_string(),
            "2024-04"
        );
    }

    #[test]
    fn start_instant_is_local_midnight() {
        let ay = Period::academic(2024).unwrap();
        assert_eq!(ay.start_instant(LONDON), utc(2024, 8, 31, 23, 0));
        assert_eq!(ay.end_instant(LONDON), utc(2025, 8, 31, 23, 0));
        let cy = Period::calendar(2024).unwrap();
        assert_eq!(cy.start_instant(LONDON), utc(2024, 1, 1, 0, 0));
        assert_eq!(cy.end_instant(LONDON), utc(2025, 1, 1, 0, 0));
    }
}
