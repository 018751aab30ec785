//! The coordinators' Report screen: the annual report shaped for the screen,
//! and saving it as CSV or as the printable HTML page.
//!
//! Counting, suppression, the drafted narrative and the layout (every
//! caption, heading and shown value) belong to [`crate::report`]; the screen
//! receives the same [`ReportLayout`] the printed page renders, so the web
//! view never counts or formats a number itself and cannot show a withheld
//! count by mistake. Saving recomputes the report from the same request
//! rather than trusting numbers sent back by the web view; only the
//! coordinator's narrative comes from the screen.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{AppError, ErrorCode};
use crate::model::Field;
use crate::report::{self, Report, ReportError, ReportLayout};
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

/// The report as the Report screen shows it: the layout the printed page
/// renders too, and where saving it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ReportView {
    pub layout: ReportLayout,
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

/// A report asked for a year no period can start in.
pub(super) fn year_refused(year: impl std::fmt::Display) -> AppError {
    AppError::invalid(
        Field::Year,
        format!("{year} is not a year Quietline can report on; enter a year such as 2024"),
    )
}

/// The report the request asks for, with suppression applied.
pub(super) fn build(vault: &Vault, request: &ReportRequest) -> Result<Report, AppError> {
    let period =
        super::period_of(request.year, request.academic).map_err(|_| year_refused(request.year))?;
    let mut report = Report::for_vault(vault, period).map_err(report_error)?;
    report.suppress_below(request.suppress_below);
    Ok(report)
}

fn report_error(e: ReportError) -> AppError {
    match e {
        ReportError::Store(e) => e.into(),
        e @ ReportError::UnknownThemeList { .. } => AppError {
            detail: Some(e.to_string()),
            ..AppError::new(
                ErrorCode::Failed,
                "Some calls were logged under a theme list this store does not have yet, \
                 so the report cannot count them. Import the helpline's current profile, \
                 then try again.",
            )
        },
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
        ReportView {
            layout: ReportLayout::of(report),
            file_stem: file_stem(report),
            export_folder,
        }
    }
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
/// A name without an extension gets the format's; one with another is
/// refused ([`super::files::with_own_extension`]).
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
    } else {
        path = super::files::with_own_extension(&path, extension)?;
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
/// file. Returns the path written.
pub(super) fn write_new_file(target: &Path, bytes: &[u8]) -> Result<PathBuf, AppError> {
    super::files::save_new_file(target, bytes, super::files::Saving::Report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_export_targets_that_are_not_full_paths() {
        for typed in ["", "   ", "report.html", "Documents/report.html"] {
            let e = export_target(typed, "quietline-report-2024", "html").unwrap_err();
            assert_eq!(e.code, ErrorCode::Invalid, "{typed:?}");
            assert_eq!(e.field, Some(Field::Path));
        }
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
    use crate::themes::ThemeCatalogue;

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
                let period = super::super::period_of(2024, academic).unwrap();
                let mut report = Report::from_calls(
                    period,
                    DEFAULT_TIME_ZONE,
                    &ThemeCatalogue::shipped(),
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
