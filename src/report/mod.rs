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
//! Every count is an `Option<u64>`: `None` (JSON `null`) means the number
//! was withheld by [`Report::suppress_below`] or, for the previous period,
//! that the theme is not comparable across theme list versions
//! ([`Count::comparable`] says which); never "not known". [`versions`]
//! decides which theme list version a report counts in and which rows
//! compare.
//!
//! This file only declares the modules and what they offer; dependencies
//! between them point one way, down to the leaves [`format`] and [`facts`]:
//! [`build`] counts with [`tally`] and assembles with [`breakdown`] into the
//! [`counts`] shape; [`layout`] lays that out for the screen and [`html`]
//! prints the layout; [`render`] writes text and CSV; [`chart`] draws.

mod breakdown;
mod build;
mod chart;
mod counts;
mod facts;
pub(crate) mod format;
mod html;
mod layout;
mod narrative;
mod render;
mod suppress;
mod tally;
mod versions;

pub use build::ReportError;
pub use chart::{month_chart, theme_chart};
pub use counts::{Count, CrossTabRow, PeriodInfo, Report, ThemeCount};
pub use facts::{Countable, ReportFacts, Source, Themes, When};
pub use html::to_html;
pub use layout::{
    Block, Chart, Column, ColumnKind, KeyFigure, Placement, ReportLayout, Row, RowKind, Section,
    Shown, Table, TableSize, suppression_notice,
};
pub use narrative::{MIN_CALLS_FOR_CHANGE, MIN_PERCENT_FOR_CHANGE, draft_narrative};
pub use render::{to_csv, to_text};
pub use tally::RISK_TO_SELF_CATEGORY;

#[cfg(test)]
mod tests;
