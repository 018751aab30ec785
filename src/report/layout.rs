//! The report laid out once for every page that shows it: the app's Report
//! screen and the printed HTML page are two renderers of one
//! [`ReportLayout`] (ripgrep's grep-printer has the same shape: one data
//! model, several printers).
//!
//! Every word a reader sees about the numbers is chosen here: the title,
//! the sentence saying which dates are counted, the key figures, the
//! sections with their headings, the charts with their captions, and the
//! tables with their ids, captions, headings and rows of shown values. A
//! renderer only decides markup and style; it never formats a number,
//! picks a table by position or holds a caption of its own. Every count
//! arrives as a [`Shown`], so no renderer can show a withheld count.
//!
//! When some calls were logged under an earlier theme list version, last
//! year's count of a theme that does not compare is shown as "not
//! comparable" or "new theme" (plain text, not withheld), a note under the
//! themes table explains them, and a "Retired themes" section lists the
//! themes no longer in the list: all in the blocks a renderer already
//! draws, so neither renderer needs to know about versions.

use serde::Serialize;

use super::chart::{month_chart, theme_chart};
use super::counts::{Count, Report, breakdowns, summary_counts};
use super::format::{NO_CHANGE, long_date, shown_minutes, shown_share, thousands};

/// A value as it is shown: a count with separators ("1,234"), the withheld
/// marker ("fewer than 5"), a change ("+12%") or a share ("23.4%").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Shown {
    pub text: String,
    /// The value is withheld and `text` is the marker.
    pub withheld: bool,
}

impl Shown {
    fn count(value: Option<u64>, marker: &str) -> Shown {
        match value {
            Some(n) => Shown::text(thousands(n)),
            None => Shown {
                text: marker.to_string(),
                withheld: true,
            },
        }
    }

    fn text(text: impl Into<String>) -> Shown {
        Shown {
            text: text.into(),
            withheld: false,
        }
    }

    /// A count's previous period: the number, the withheld marker, or why
    /// it does not compare ("not comparable", "new theme").
    fn previous(count: &Count, marker: &str) -> Shown {
        match count.not_compared() {
            Some(words) => Shown::text(words),
            None => Shown::count(count.previous_calls, marker),
        }
    }
}

/// One of the headline figures above the narrative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct KeyFigure {
    pub id: String,
    pub label: String,
    pub now: Shown,
    pub before: Shown,
    /// "+12%", "−3%", "new", or "–" when there is nothing to compare;
    /// `None` for a figure that is not compared at all (the median).
    pub change: Option<String>,
    /// Whether `change` says how the figure moved (it is not "–"); the
    /// screen leaves a change out when it does not.
    pub compared: bool,
    /// Whether the printed page shows this figure: its six cards leave out
    /// the non-substantive calls, which are the total less the substantive.
    pub printed: bool,
}

/// How a row of a table reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum RowKind {
    Plain,
    /// A theme category, with its subthemes in the rows after it.
    Category,
    Subtheme,
}

/// What a column of a table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ColumnKind {
    /// Calls in one period (or one setting of a period).
    Count,
    /// The change between the two periods' counts.
    Change,
    /// A share of substantive calls.
    Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Column {
    pub heading: String,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Row {
    pub label: String,
    pub kind: RowKind,
    /// One value per column, in the columns' order.
    pub cells: Vec<Shown>,
}

/// How much room a table takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum TableSize {
    /// A few rows, kept together on one page.
    Short,
    /// Long enough to run across pages; the whole width on screen.
    Long,
    /// Many columns: categories by setting, on a landscape page.
    Grid,
}

/// A table of shown values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Table {
    /// The report's name for the table: `themes`, `by_month`, …
    pub id: String,
    pub caption: String,
    pub size: TableSize,
    /// The heading of the first column, the rows' labels.
    pub row_heading: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A chart, drawn by the report module as inline SVG from numbers and
/// escaped labels only; its marks carry classes so the screen can restyle
/// them for its light and dark themes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Chart {
    pub id: String,
    pub svg: String,
    pub caption: String,
}

/// One piece of a section, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum Block {
    Chart(Chart),
    Table(Table),
    /// A sentence explaining the table before it.
    Note {
        text: String,
    },
    /// Tables side by side, each column read top to bottom.
    Columns {
        columns: Vec<Vec<Table>>,
    },
}

/// Where a section starts on the printed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum Placement {
    /// Straight after the section before.
    Flow,
    /// On a new page.
    NewPage,
    /// On a page of its own, turned to landscape.
    Landscape,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Section {
    /// `themes`, `crosstab`, `risk`, `months`, `callers`.
    pub id: String,
    pub heading: String,
    pub placement: Placement,
    pub blocks: Vec<Block>,
}

/// The report laid out for reading, on screen or on paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportLayout {
    /// "Calls in 2024/25".
    pub title: String,
    pub period_label: String,
    pub previous_period_label: String,
    /// The dates covered and the time zone they are counted in.
    pub description: String,
    pub suppress_below: Option<u32>,
    /// What stands for a withheld count: "fewer than 5".
    pub marker: String,
    /// Explains the withheld counts, when there are any.
    pub suppression_notice: Option<String>,
    pub key_figures: Vec<KeyFigure>,
    /// The narrative, one paragraph per entry: drafted after suppression,
    /// so it names no withheld count, or as the coordinator edited it.
    pub narrative: Vec<String>,
    /// Everything after the summary, in the printed page's order.
    pub sections: Vec<Section>,
}

impl ReportLayout {
    /// Every table, in reading order, however the sections arrange them.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| &s.blocks).flat_map(
            |block| -> Box<dyn Iterator<Item = &Table> + '_> {
                match block {
                    Block::Table(table) => Box::new(std::iter::once(table)),
                    Block::Columns { columns } => Box::new(columns.iter().flatten()),
                    Block::Chart(_) | Block::Note { .. } => Box::new(std::iter::empty()),
                }
            },
        )
    }

    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables().find(|t| t.id == id)
    }

    /// Every chart, in reading order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|block| match block {
                Block::Chart(chart) => Some(chart),
                _ => None,
            })
    }
}

/// What the reader is told when small numbers are withheld; `None` when
/// none are.
pub fn suppression_notice(report: &Report) -> Option<String> {
    report.suppress_below.map(|k| {
        format!(
            "To protect callers, counts from 1 to {} are shown as “{}”. So that they cannot be worked out from totals, some larger counts are shown the same way, and changes and shares that involve them are left out.",
            k.saturating_sub(1),
            report.suppression_marker()
        )
    })
}

impl ReportLayout {
    pub fn of(report: &Report) -> ReportLayout {
        let marker = report.suppression_marker();
        let period = &report.period;
        let previous = &report.previous_period;
        let tables = Tables {
            report,
            marker: &marker,
        };
        ReportLayout {
            title: format!("Calls in {}", period.label),
            period_label: period.label.clone(),
            previous_period_label: previous.label.clone(),
            description: format!(
                "{} to {}, by local date ({}), compared with {} ({} to {}).",
                long_date(&period.start),
                long_date(&period.end),
                report.time_zone,
                previous.label,
                long_date(&previous.start),
                long_date(&previous.end),
            ),
            suppress_below: report.suppress_below,
            suppression_notice: suppression_notice(report),
            key_figures: key_figures(report, &marker),
            narrative: report.narrative.clone(),
            sections: tables.sections(),
            marker,
        }
    }
}

fn key_figures(report: &Report, marker: &str) -> Vec<KeyFigure> {
    let mut figures: Vec<KeyFigure> = summary_counts(report)
        .into_iter()
        .map(|(id, label, count)| {
            let change = count.shown_change();
            KeyFigure {
                id: id.to_string(),
                label: label.to_string(),
                now: Shown::count(count.calls, marker),
                before: Shown::previous(&count, marker),
                compared: change != NO_CHANGE,
                change: Some(change),
                printed: id != "non_substantive_calls",
            }
        })
        .collect();
    let minutes = |value, calls| Shown {
        text: shown_minutes(value, calls, marker),
        withheld: value.is_none() && calls.is_none(),
    };
    figures.push(KeyFigure {
        id: "median_call_minutes".into(),
        label: "Median length of a substantive call (minutes)".into(),
        now: minutes(report.median_call_minutes, report.substantive_calls),
        before: minutes(
            report.previous_median_call_minutes,
            report.previous_substantive_calls,
        ),
        change: None,
        compared: false,
        printed: true,
    });
    figures
}

/// Makes the tables of one report, each count shown with `marker`.
struct Tables<'r> {
    report: &'r Report,
    marker: &'r str,
}

impl Tables<'_> {
    fn sections(&self) -> Vec<Section> {
        let report = self.report;
        let mut themes = vec![
            Block::Chart(Chart {
                id: "themes".into(),
                svg: theme_chart(report),
                caption: "Calls naming each category, each call counted once per category. A call may name several categories.".into(),
            }),
            Block::Table(self.themes()),
        ];
        if let Some(text) = report.theme_versions_note() {
            themes.push(Block::Note { text });
        }
        themes.push(Block::Table(self.counts(
            "main_themes",
            "Calls by main theme (the category of the first theme named)",
            "Main theme",
        )));
        let mut sections = vec![Section {
            id: "themes".into(),
            heading: "What callers rang about".into(),
            placement: Placement::Flow,
            blocks: themes,
        }];
        if !report.retired_themes.is_empty() {
            sections.push(Section {
                id: "retired".into(),
                heading: "Retired themes".into(),
                placement: Placement::Flow,
                blocks: vec![Block::Table(Table {
                    id: "retired_themes".into(),
                    caption: "Calls naming themes that are no longer in the theme list, each call once per theme".into(),
                    size: TableSize::Short,
                    row_heading: "Retired theme".into(),
                    // This year and last, without a change: a retired
                    // theme's calls fall because it was retired.
                    columns: self.compared_columns().into_iter().take(2).collect(),
                    rows: report
                        .retired_themes
                        .iter()
                        .map(|c| {
                            let mut row = self.row(c, RowKind::Plain);
                            row.cells.truncate(2);
                            row
                        })
                        .collect(),
                })],
            });
        }
        // Categories by setting, one table per period, on a landscape page
        // so all ten settings fit.
        if let Some(first) = report.categories_by_setting.first() {
            let columns: Vec<&str> = first.cells.iter().map(|c| c.label.as_str()).collect();
            sections.push(Section {
                id: "crosstab".into(),
                heading: "Themes by setting".into(),
                placement: Placement::Landscape,
                blocks: vec![
                    Block::Table(self.by_setting("categories_by_setting", false, &columns)),
                    Block::Table(self.by_setting("previous_categories_by_setting", true, &columns)),
                ],
            });
        }
        let risk_to_self = summary_counts(report)
            .into_iter()
            .find(|(id, _, _)| *id == "risk_to_self_calls");
        let mut risk = vec![Block::Table(self.counts(
            "risk",
            "Calls by the volunteer's assessment of risk",
            "Risk level",
        ))];
        if let Some((id, label, count)) = risk_to_self {
            risk.push(Block::Table(Table {
                id: id.to_string(),
                caption: "Risk to self".into(),
                size: TableSize::Short,
                row_heading: "Calls".into(),
                columns: self.compared_columns(),
                rows: vec![self.row(&count, RowKind::Plain)],
            }));
            risk.push(Block::Note {
                text: format!(
                    "{label}: calls naming the theme “Risk to self” or one of its subthemes."
                ),
            });
        }
        sections.push(Section {
            id: "risk".into(),
            heading: "Risk".into(),
            placement: Placement::Flow,
            blocks: risk,
        });
        sections.push(Section {
            id: "months".into(),
            heading: "Calls month by month".into(),
            placement: Placement::Flow,
            blocks: vec![
                Block::Chart(Chart {
                    id: "months".into(),
                    svg: month_chart(report),
                    caption: "Each month by local date; the dashed line is the same month a year earlier.".into(),
                }),
                Block::Table(self.counts("by_month", "Calls per month", "Month")),
            ],
        });
        // Two columns of about equal length: the short tables on the left,
        // setting and region on the right.
        let columns = [
            &["by_role", "by_employer", "by_caller_type"][..],
            &["by_setting", "by_region"],
        ]
        .iter()
        .map(|ids| {
            breakdowns(report)
                .into_iter()
                .filter(|(id, _, _)| ids.contains(id))
                .map(|(id, heading, _)| self.counts(id, heading, heading))
                .collect()
        })
        .collect();
        sections.push(Section {
            id: "callers".into(),
            heading: "Who called".into(),
            placement: Placement::NewPage,
            blocks: vec![Block::Columns { columns }],
        });
        sections
    }

    /// This period, the previous one, and the change.
    fn compared_columns(&self) -> Vec<Column> {
        let column = |heading: &str, kind| Column {
            heading: heading.to_string(),
            kind,
        };
        vec![
            column(&self.report.period.label, ColumnKind::Count),
            column(&self.report.previous_period.label, ColumnKind::Count),
            column("Change", ColumnKind::Change),
        ]
    }

    fn row(&self, count: &Count, kind: RowKind) -> Row {
        Row {
            label: count.label.clone(),
            kind,
            cells: vec![
                Shown::count(count.calls, self.marker),
                Shown::previous(count, self.marker),
                Shown::text(count.shown_change()),
            ],
        }
    }

    /// One of the report's breakdowns by its id, as a short table.
    fn counts(&self, id: &str, caption: &str, row_heading: &str) -> Table {
        let rows = breakdowns(self.report)
            .into_iter()
            .find(|(table, _, _)| *table == id)
            .map(|(_, _, counts)| counts)
            .unwrap_or_default();
        Table {
            id: id.to_string(),
            caption: caption.to_string(),
            size: TableSize::Short,
            row_heading: row_heading.to_string(),
            columns: self.compared_columns(),
            rows: rows.iter().map(|c| self.row(c, RowKind::Plain)).collect(),
        }
    }

    /// Categories with their share of substantive calls, each followed by
    /// its subthemes named in either year.
    fn themes(&self) -> Table {
        let mut rows = Vec::new();
        for theme in &self.report.themes {
            let mut row = self.row(&theme.count, RowKind::Category);
            row.cells
                .push(Shown::text(shown_share(theme.share_of_substantive)));
            rows.push(row);
            for sub in theme.named_subthemes() {
                let mut row = self.row(sub, RowKind::Subtheme);
                row.cells.push(Shown::text(""));
                rows.push(row);
            }
        }
        let mut columns = self.compared_columns();
        columns.push(Column {
            heading: "% of substantive".into(),
            kind: ColumnKind::Share,
        });
        Table {
            id: "themes".into(),
            caption: "Calls by theme: categories, and their subthemes named in either year".into(),
            size: TableSize::Long,
            row_heading: "Theme".into(),
            columns,
            rows,
        }
    }

    /// Calls naming each category by the caller's setting, in this period
    /// or the previous one.
    fn by_setting(&self, id: &str, previous: bool, settings: &[&str]) -> Table {
        let report = self.report;
        let label = if previous {
            &report.previous_period.label
        } else {
            &report.period.label
        };
        Table {
            id: id.to_string(),
            caption: format!("Calls naming each category, by the caller's setting, {label}"),
            size: TableSize::Grid,
            row_heading: "Category".into(),
            columns: settings
                .iter()
                .map(|s| Column {
                    heading: s.to_string(),
                    kind: ColumnKind::Count,
                })
                .collect(),
            rows: report
                .categories_by_setting
                .iter()
                .map(|r| Row {
                    label: r.label.clone(),
                    kind: RowKind::Plain,
                    cells: r
                        .cells
                        .iter()
                        .map(|c| {
                            if previous {
                                Shown::previous(c, self.marker)
                            } else {
                                Shown::count(c.calls, self.marker)
                            }
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
