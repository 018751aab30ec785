//! The coordinators' Report screen: the annual report shaped for the screen,
//! and saving it as CSV or as the printable HTML page.
//!
//! Counting, suppression and the drafted narrative belong to
//! [`crate::report`]; this module only turns a [`Report`] into the text the
//! screen shows as given (numbers with separators, changes, the withheld
//! marker), so the web view never counts or formats a number itself and
//! cannot show a withheld count by mistake. Saving recomputes the report
//! from the same request rather than trusting numbers sent back by the web
//! view; only the coordinator's narrative comes from the screen.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{AppError, ErrorCode};
use crate::model::Field;
use crate::period::{Period, PeriodKind};
use crate::report::{
    self, Count, Report, ReportError, breakdowns, long_date, shown_change, shown_minutes,
    summary_counts, thousands,
};
use crate::store::Vault;

/// Which report the coordinator asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportRequest {
    /// The calendar year, or the year an academic year starts in.
    pub year: i32,
    /// 1 September `year` to 31 August `year + 1` instead of the calendar year.
    pub academic: bool,
    /// For publication: withhold every count from 1 to K−1 (and those that
    /// would reveal them). 0 or 1 withholds nothing.
    pub suppress_below: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ExportFormat {
    /// Tidy CSV, one row per table cell; no narrative.
    Csv,
    /// The self-contained printable page, with the coordinator's narrative.
    Html,
}

impl ExportFormat {
    pub(super) fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
        }
    }
}

/// A count as the screen shows it: the number, or the withheld marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Shown {
    /// "1,234", or "fewer than 5" when withheld.
    pub text: String,
    pub withheld: bool,
}

impl Shown {
    fn count(value: Option<u64>, marker: &str) -> Shown {
        match value {
            Some(n) => Shown {
                text: thousands(n),
                withheld: false,
            },
            None => Shown {
                text: marker.to_string(),
                withheld: true,
            },
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
    /// "+12%", "−3%", "new" or "–".
    pub change: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum RowKind {
    Plain,
    /// A theme category, with its subthemes in the rows after it.
    Category,
    Subtheme,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportRow {
    pub label: String,
    pub kind: RowKind,
    pub now: Shown,
    pub before: Shown,
    pub change: String,
    /// For the themes table: the share of substantive calls, "23.4%" or "–".
    pub share: Option<String>,
}

/// A table of counts, this period beside the previous one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportTable {
    pub id: String,
    pub caption: String,
    /// The heading of the first column.
    pub row_heading: String,
    /// The heading of a fifth column of `share`s, for the themes table.
    pub share_heading: Option<String>,
    pub rows: Vec<ReportRow>,
}

/// Categories (rows) by setting (columns) for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CrossTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<CrossRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CrossRow {
    pub label: String,
    pub cells: Vec<Shown>,
}

/// The report as the Report screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportView {
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
    /// The drafted narrative, one sentence per entry, for the coordinator
    /// to edit; drafted after suppression, so it names no withheld count.
    pub narrative: Vec<String>,
    /// The printed page's charts, as inline SVG made by the report module
    /// from numbers and escaped labels only; the screen restyles them by
    /// their classes for its light and dark themes.
    pub theme_chart_svg: String,
    pub month_chart_svg: String,
    pub tables: Vec<ReportTable>,
    /// Themes by setting, this period and the previous one.
    pub setting_tables: Vec<CrossTable>,
    /// A file name without extension: `quietline-report-2024-25`, with
    /// `-for-publication` when counts are withheld.
    pub file_stem: String,
    /// Where saving suggests: the coordinator's Documents folder, else
    /// Downloads, else home; empty when none is known.
    pub export_folder: String,
}

/// Where a report was saved; a number is added to the name rather than
/// replace a file that was already there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Exported {
    pub path: String,
}

/// The report the request asks for, with suppression applied.
pub(super) fn build(vault: &Vault, request: &ReportRequest) -> Result<Report, AppError> {
    let kind = if request.academic {
        PeriodKind::Academic
    } else {
        PeriodKind::Calendar
    };
    let period = Period::new(kind, request.year).map_err(|_| {
        AppError::invalid(
            Field::Year,
            format!(
                "{} is not a year Quietline can report on; enter a year such as 2024",
                request.year
            ),
        )
    })?;
    let mut report = Report::for_vault(vault, period).map_err(report_error)?;
    report.suppress_below(request.suppress_below);
    Ok(report)
}

fn report_error(e: ReportError) -> AppError {
    match e {
        ReportError::Store(e) => e.into(),
        e => AppError {
            detail: Some(e.to_string()),
            ..AppError::new(
                ErrorCode::Damaged,
                "A call in the store names a theme this version of Quietline does not know, \
                 so the report cannot count it. Update Quietline, then try again.",
            )
        },
    }
}

impl ReportView {
    pub fn of(report: &Report, export_folder: String) -> ReportView {
        let marker = report.suppression_marker();
        let mut key_figures: Vec<KeyFigure> = summary_counts(report)
            .into_iter()
            .map(|(id, label, count)| KeyFigure {
                id: id.to_string(),
                label: label.to_string(),
                now: Shown::count(count.calls, &marker),
                before: Shown::count(count.previous_calls, &marker),
                change: shown_change(&count),
            })
            .collect();
        let minutes = |value, calls| Shown {
            text: shown_minutes(value, calls, &marker),
            withheld: value.is_none() && calls.is_none(),
        };
        key_figures.push(KeyFigure {
            id: "median_call_minutes".into(),
            label: "Median length of a substantive call (minutes)".into(),
            now: minutes(report.median_call_minutes, report.substantive_calls),
            before: minutes(
                report.previous_median_call_minutes,
                report.previous_substantive_calls,
            ),
            change: "–".into(),
        });
        let period = &report.period;
        let previous = &report.previous_period;
        ReportView {
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
            suppression_notice: report::suppression_notice(report),
            key_figures,
            narrative: report.narrative.clone(),
            theme_chart_svg: report::theme_chart(report),
            month_chart_svg: report::month_chart(report),
            tables: tables(report, &marker),
            setting_tables: setting_tables(report, &marker),
            file_stem: file_stem(report),
            export_folder,
            marker,
        }
    }
}

fn row(count: &Count, kind: RowKind, marker: &str) -> ReportRow {
    ReportRow {
        label: count.label.clone(),
        kind,
        now: Shown::count(count.calls, marker),
        before: Shown::count(count.previous_calls, marker),
        change: shown_change(count),
        share: None,
    }
}

/// The tables in the order the printed page has them.
fn tables(report: &Report, marker: &str) -> Vec<ReportTable> {
    let mut theme_rows = Vec::new();
    for theme in &report.themes {
        theme_rows.push(ReportRow {
            share: Some(
                theme
                    .share_of_substantive
                    .map_or_else(|| "–".to_string(), |s| format!("{s:.1}%")),
            ),
            ..row(&theme.count, RowKind::Category, marker)
        });
        // As on the printed page: a subtheme nobody named in either year
        // would only lengthen the table.
        theme_rows.extend(
            theme
                .subthemes
                .iter()
                .filter(|s| s.calls != Some(0) || s.previous_calls != Some(0))
                .map(|s| row(s, RowKind::Subtheme, marker)),
        );
    }
    let mut tables = vec![ReportTable {
        id: "themes".into(),
        caption: "Calls by theme: categories, and their subthemes named in either year".into(),
        row_heading: "Theme".into(),
        share_heading: Some("% of substantive".into()),
        rows: theme_rows,
    }];
    for (id, heading, counts) in breakdowns(report) {
        let caption = match id {
            "main_themes" => "Calls by main theme (the category of the first theme named)",
            "risk" => "Calls by the volunteer's assessment of risk",
            "by_month" => "Calls per month",
            _ => heading,
        };
        tables.push(ReportTable {
            id: id.to_string(),
            caption: caption.to_string(),
            row_heading: heading.to_string(),
            share_heading: None,
            rows: counts
                .iter()
                .map(|c| row(c, RowKind::Plain, marker))
                .collect(),
        });
    }
    tables
}

fn setting_tables(report: &Report, marker: &str) -> Vec<CrossTable> {
    let Some(first) = report.categories_by_setting.first() else {
        return Vec::new();
    };
    [
        (&report.period.label, false),
        (&report.previous_period.label, true),
    ]
    .into_iter()
    .map(|(label, previous)| CrossTable {
        caption: format!("Calls naming each category, by the caller's setting, {label}"),
        columns: first.cells.iter().map(|c| c.label.clone()).collect(),
        rows: report
            .categories_by_setting
            .iter()
            .map(|r| CrossRow {
                label: r.label.clone(),
                cells: r
                    .cells
                    .iter()
                    .map(|c| {
                        let value = if previous { c.previous_calls } else { c.calls };
                        Shown::count(value, marker)
                    })
                    .collect(),
            })
            .collect(),
    })
    .collect()
}

/// `quietline-report-2024-25`: the period's label made safe for a file name.
pub(super) fn file_stem(report: &Report) -> String {
    let period = report.period.label.replace('/', "-");
    match report.suppress_below {
        Some(_) => format!("quietline-report-{period}-for-publication"),
        None => format!("quietline-report-{period}"),
    }
}

/// The folder saving suggests first.
pub(super) fn default_export_folder() -> String {
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.document_dir()
                .or(dirs.download_dir())
                .map(Path::to_path_buf)
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// The report as the bytes of a file in `format`, with the coordinator's
/// narrative in the HTML. Blank sentences are dropped.
pub(super) fn render(
    mut report: Report,
    narrative: &[String],
    format: ExportFormat,
) -> Result<Vec<u8>, AppError> {
    match format {
        ExportFormat::Csv => report::to_csv(&report)
            .map(String::into_bytes)
            .map_err(|e| AppError {
                detail: Some(e.to_string()),
                ..AppError::new(ErrorCode::Failed, "The report could not be written as CSV.")
            }),
        ExportFormat::Html => {
            report.narrative = narrative
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Ok(report::to_html(&report).into_bytes())
        }
    }
}

/// Where to save, from what the coordinator typed: a full path to a file,
/// or to a folder (the suggested name is used). `~` means the home folder.
/// A name without an extension gets the format's.
pub(super) fn export_target(
    typed: &str,
    file_stem: &str,
    extension: &str,
) -> Result<PathBuf, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(AppError::invalid(
            Field::Path,
            "Enter where to save it: a folder such as your Documents folder, or a full file name.",
        ));
    }
    let home = || directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
    let mut path = match typed.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => match home() {
            Some(home) => home.join(rest.trim_start_matches('/')),
            None => PathBuf::from(typed),
        },
        _ => PathBuf::from(typed),
    };
    if !path.is_absolute() {
        return Err(AppError::invalid(
            Field::Path,
            format!(
                "'{typed}' is not a full path. Start it with / (or ~ for your home folder), \
                 for example ~/Documents/{file_stem}.{extension}"
            ),
        ));
    }
    if path.is_dir() {
        path = path.join(format!("{file_stem}.{extension}"));
    } else if path.extension().is_none() {
        path.set_extension(extension);
    }
    match path.parent() {
        Some(folder) if folder.is_dir() => Ok(path),
        Some(folder) => Err(AppError::invalid(
            Field::Path,
            format!(
                "The folder {} does not exist. Choose a folder that does, such as your Documents folder.",
                folder.display()
            ),
        )),
        None => Err(AppError::invalid(
            Field::Path,
            "Enter a file name to save as, not just a folder.",
        )),
    }
}

/// Writes a whole new file at `target`, or beside it as `name (2).ext`,
/// `name (3).ext`… if something is already there: never over an existing
/// file. The bytes go to a temporary file in the same folder first, so a
/// failure never leaves half a report under the report's name. Returns the
/// path written.
pub(super) fn write_new_file(target: &Path, bytes: &[u8]) -> Result<PathBuf, AppError> {
    let folder = target.parent().unwrap_or(Path::new("."));
    crate::report::write_under_new_name(folder, numbered(target).take(1000), bytes)
        .map_err(|e| io_error(folder, e))
}

/// `name.ext`, `name (2).ext`, `name (3).ext`, …
fn numbered(target: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..).map(move |n| {
        if n == 1 {
            target.to_path_buf()
        } else {
            target.with_file_name(format!("{stem} ({n}){extension}"))
        }
    })
}

fn io_error(folder: &Path, e: std::io::Error) -> AppError {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    let detail = Some(format!("{}: {e}", folder.display()));
    match e.kind() {
        PermissionDenied | ReadOnlyFilesystem => AppError {
            detail,
            ..AppError::invalid(
                Field::Path,
                format!(
                    "Quietline may not save files in {}. Choose a folder of your own, such as your Documents folder.",
                    folder.display()
                ),
            )
        },
        _ => AppError {
            detail,
            field: Some(Field::Path),
            ..AppError::new(
                ErrorCode::Failed,
                format!(
                    "The report could not be saved in {}. Check the disk is not full, or choose another folder.",
                    folder.display()
                ),
            )
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_the_extension() {
        let names: Vec<PathBuf> = numbered(Path::new("/r/report-2024.html")).take(3).collect();
        assert_eq!(
            names,
            [
                PathBuf::from("/r/report-2024.html"),
                PathBuf::from("/r/report-2024 (2).html"),
                PathBuf::from("/r/report-2024 (3).html"),
            ]
        );
    }

    #[test]
    fn fail_export_targets_that_are_not_full_paths() {
        for typed in ["", "   ", "report.html", "Documents/report.html"] {
            let e = export_target(typed, "quietline-report-2024", "html").unwrap_err();
            assert_eq!(e.code, ErrorCode::Invalid, "{typed:?}");
            assert_eq!(e.field, Some(Field::Path));
        }
    }

    #[test]
    fn a_folder_that_refuses_writing_says_so_and_keeps_the_detail_private() {
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "os error 13");
        let e = io_error(Path::new("/srv/shared"), denied);
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(e.field, Some(Field::Path));
        assert!(e.message.contains("/srv/shared"), "{}", e.message);
        assert!(!e.message.contains("os error"), "{}", e.message);
        assert!(e.detail.is_some());
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "os error 28");
        let e = io_error(Path::new("/srv/shared"), full);
        assert_eq!(e.code, ErrorCode::Failed);
        assert!(e.message.contains("disk is not full"), "{}", e.message);
    }

    #[test]
    fn a_folder_gets_the_suggested_name_and_a_bare_name_the_extension() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().display().to_string();
        assert_eq!(
            export_target(&folder, "quietline-report-2024", "csv").unwrap(),
            dir.path().join("quietline-report-2024.csv")
        );
        let bare = format!("{folder}/annual");
        assert_eq!(
            export_target(&bare, "x", "html").unwrap(),
            dir.path().join("annual.html")
        );
        let missing = format!("{folder}/no-such-folder/annual.html");
        let e = export_target(&missing, "x", "html").unwrap_err();
        assert!(e.message.contains("does not exist"), "{}", e.message);
    }
}

#[cfg(test)]
mod fixture {
    use super::*;
    use crate::model::CallSummary;
    use crate::period::DEFAULT_TIME_ZONE;
    use crate::synth::SyntheticCalls;
    use crate::themes::ThemeList;

    /// The browser tests' stand-in backend serves these views, made by the
    /// library from synthetic calls, so the Report screen is tested against
    /// real output: with and without suppression, calendar and academic.
    /// Regenerated by `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_reports_for_the_browser_tests() {
        let calls: Vec<CallSummary> = SyntheticCalls::new(11, 2023, 3)
            .take(900)
            .map(|call| crate::model::tests::stored(call.facts))
            .collect();
        let mut views = serde_json::Map::new();
        for academic in [false, true] {
            for k in [0, 5] {
                let kind = if academic {
                    PeriodKind::Academic
                } else {
                    PeriodKind::Calendar
                };
                let period = Period::new(kind, 2024).unwrap();
                let mut report = Report::from_calls(
                    period,
                    DEFAULT_TIME_ZONE,
                    &ThemeList::default_list(),
                    &calls,
                )
                .unwrap();
                report.suppress_below(k);
                let view = ReportView::of(&report, "/home/coordinator/Documents".into());
                let key = format!(
                    "2024-{}-{k}",
                    if academic { "academic" } else { "calendar" }
                );
                views.insert(key, serde_json::to_value(view).unwrap());
            }
        }
        // Compact: four whole reports pretty-printed would be twice the size.
        let mut json = serde_json::to_string(&views).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/reports.json");
        std::fs::write(path, json).unwrap();
    }
}
