//! Presenting a [`Report`] as text for a person or as tidy CSV.
//! JSON is the report's own `Serialize` shape; HTML is in `html.rs`.
//!
//! A withheld count is shown as the report's marker ("fewer than K") in
//! every format, and a change is shown only when both counts are published.
//! Last year's count of a theme that does not compare across theme list
//! versions reads "not comparable" or "new theme", explained by the report's
//! note on theme list versions.

use std::fmt::Write;

use super::counts::{Count, Report, breakdowns, summary_counts};
use super::format::{shown, shown_minutes};

/// The label column: a label too long for it (a theme list may have labels
/// of up to 80 characters) goes on a line of its own, and the numbers on
/// the next, so the columns stay lined up.
fn label_column(out: &mut String, label: String) -> String {
    if label.chars().count() > 44 {
        let _ = writeln!(out, "{label}");
        return String::new();
    }
    label
}

fn row(out: &mut String, indent: usize, label: &str, count: &Count, marker: &str) {
    let label = label_column(out, format!("{}{}", " ".repeat(indent), label));
    let previous = count.shown_previous(marker);
    // "not comparable" is wider than the column; it takes its room from
    // the change beside it, which is empty then, so the line keeps its end.
    let change_width = 7usize.saturating_sub(previous.chars().count().saturating_sub(13));
    let _ = writeln!(
        out,
        "{label:<44} {:>13} {previous:>13} {:>change_width$}",
        shown(count.calls, marker),
        count.shown_change()
    );
}

fn header(out: &mut String, title: &str) {
    let _ = writeln!(
        out,
        "{title:<44} {:>13} {:>13} {:>7}",
        "calls", "previous", "change"
    );
}

pub fn to_text(report: &Report) -> String {
    let marker = report.suppression_marker();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Quietline report {} ({} to {}, local dates in {})",
        report.period.label, report.period.start, report.period.end, report.time_zone
    );
    let _ = writeln!(
        out,
        "Compared with {} ({} to {})",
        report.previous_period.label, report.previous_period.start, report.previous_period.end
    );
    if let Some(k) = report.suppress_below {
        let _ = writeln!(
            out,
            "Counts from 1 to {} are shown as \"{marker}\", as are counts withheld so they cannot be worked out from the totals.",
            k - 1
        );
    }
    out.push('\n');
    for sentence in &report.narrative {
        let _ = writeln!(out, "{sentence}");
    }
    if !report.narrative.is_empty() {
        out.push('\n');
    }
    header(&mut out, "Summary");
    for (_, label, count) in summary_counts(report) {
        row(&mut out, 2, label, &count, &marker);
    }
    let _ = writeln!(
        out,
        "{:<44} {:>13} {:>13}",
        "  Median length of a substantive call (min)",
        shown_minutes(
            report.median_call_minutes,
            report.substantive_calls,
            &marker
        ),
        shown_minutes(
            report.previous_median_call_minutes,
            report.previous_substantive_calls,
            &marker
        ),
    );
    out.push('\n');
    header(&mut out, "Themes");
    for theme in &report.themes {
        row(&mut out, 2, &theme.count.label, &theme.count, &marker);
        for sub in theme.named_subthemes() {
            row(&mut out, 4, &sub.label, sub, &marker);
        }
    }
    if !report.retired_themes.is_empty() {
        // No change column: a retired theme's calls fall because it was
        // retired, not because fewer people rang about it.
        let _ = writeln!(
            out,
            "\n{:<44} {:>13} {:>13}",
            "Retired themes", "calls", "previous"
        );
        for count in &report.retired_themes {
            let label = label_column(&mut out, format!("  {}", count.label));
            let _ = writeln!(
                out,
                "{label:<44} {:>13} {:>13}",
                shown(count.calls, &marker),
                shown(count.previous_calls, &marker)
            );
        }
    }
    if let Some(note) = report.theme_versions_note() {
        let _ = writeln!(out, "\nNote: {note}");
    }
    for (_, title, table) in breakdowns(report) {
        out.push('\n');
        header(&mut out, title);
        for count in table {
            row(&mut out, 2, &count.label, count, &marker);
        }
    }
    out
}

/// One row per table cell: `table,row,column,value,previous`. A withheld
/// count is the marker; a share or median that does not exist is empty;
/// last year's count of a theme that does not compare is "not comparable"
/// or "new theme". The note on theme list versions, when there is one, is
/// the last row (`notes,theme_list_versions,text,…`).
pub fn to_csv(report: &Report) -> Result<String, csv::Error> {
    let marker = report.suppression_marker();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["table", "row", "column", "value", "previous"])?;
    let mut cell = |table: &str, row: &str, column: &str, now: String, before: String| {
        writer.write_record([table, row, column, &now, &before])
    };
    let counts = |count: &Count| (shown(count.calls, &marker), count.shown_previous(&marker));
    for (id, _, count) in summary_counts(report) {
        let column = if id == "total_minutes" {
            "minutes"
        } else {
            "calls"
        };
        let (now, before) = counts(&count);
        cell("summary", id, column, now, before)?;
    }
    let median = |value: Option<f64>, calls: Option<u64>| match (value, calls) {
        (None, Some(_)) => String::new(),
        _ => shown_minutes(value, calls, &marker),
    };
    cell(
        "summary",
        "median_call_minutes",
        "minutes",
        median(report.median_call_minutes, report.substantive_calls),
        median(
            report.previous_median_call_minutes,
            report.previous_substantive_calls,
        ),
    )?;
    for theme in &report.themes {
        let (now, before) = counts(&theme.count);
        cell("themes", &theme.count.id, "calls", now, before)?;
    }
    for theme in &report.themes {
        for sub in &theme.subthemes {
            let (now, before) = counts(sub);
            cell("subthemes", &sub.id, "calls", now, before)?;
        }
    }
    let percent = |share: Option<f64>| share.map(|s| s.to_string()).unwrap_or_default();
    for theme in &report.themes {
        cell(
            "theme_shares",
            &theme.count.id,
            "percent_of_substantive",
            percent(theme.share_of_substantive),
            percent(theme.previous_share_of_substantive),
        )?;
    }
    for (table, _, rows) in breakdowns(report) {
        for count in rows {
            let (now, before) = counts(count);
            cell(table, &count.id, "calls", now, before)?;
        }
    }
    for row in &report.categories_by_setting {
        for count in &row.cells {
            let (now, before) = counts(count);
            cell("categories_by_setting", &row.id, &count.id, now, before)?;
        }
    }
    for count in &report.retired_themes {
        let (now, before) = counts(count);
        cell("retired_themes", &count.id, "calls", now, before)?;
    }
    if let Some(note) = report.theme_versions_note() {
        cell("notes", "theme_list_versions", "text", note, String::new())?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
