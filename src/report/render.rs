//! Presenting a [`Report`] as text for a person or as tidy CSV.
//! JSON is the report's own `Serialize` shape.

use std::fmt::Write;

use super::{Count, Report};

/// Change as a signed percentage, or `new` when there was nothing before.
fn change(now: u64, before: u64) -> String {
    if before == 0 {
        return if now == 0 { "–".into() } else { "new".into() };
    }
    let pct = ((now as f64 - before as f64) / before as f64 * 100.0).round();
    if pct == 0.0 {
        "0%".into()
    } else {
        format!("{pct:+}%")
    }
}

fn row(out: &mut String, indent: usize, label: &str, now: u64, before: u64) {
    let label = format!("{}{}", " ".repeat(indent), label);
    let _ = writeln!(
        out,
        "{label:<44} {now:>7} {before:>9} {:>7}",
        change(now, before)
    );
}

pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Quietline report {} ({} to {}, local dates in {})",
        report.period.label, report.period.start, report.period.end, report.time_zone
    );
    let _ = writeln!(
        out,
        "Compared with {} ({} to {})\n",
        report.previous_period.label, report.previous_period.start, report.previous_period.end
    );
    let header = |out: &mut String, title: &str| {
        let _ = writeln!(
            out,
            "{title:<44} {:>7} {:>9} {:>7}",
            "calls", "previous", "change"
        );
    };
    header(&mut out, "Summary");
    row(
        &mut out,
        2,
        "All calls",
        report.total_calls,
        report.previous_total_calls,
    );
    row(
        &mut out,
        2,
        "Substantive calls",
        report.substantive_calls,
        report.previous_substantive_calls,
    );
    row(
        &mut out,
        2,
        "Minutes on calls",
        report.total_minutes,
        report.previous_total_minutes,
    );
    out.push('\n');
    header(&mut out, "Themes");
    for theme in &report.themes {
        row(&mut out, 2, &theme.label, theme.calls, theme.previous_calls);
        for sub in theme
            .subthemes
            .iter()
            .filter(|s| s.calls + s.previous_calls > 0)
        {
            row(&mut out, 4, &sub.label, sub.calls, sub.previous_calls);
        }
    }
    out.push('\n');
    header(&mut out, "Risk level");
    for Count {
        label,
        calls,
        previous_calls,
        ..
    } in &report.risk
    {
        row(&mut out, 2, label, *calls, *previous_calls);
    }
    out
}

/// One row per table cell: `table,row,column,value,previous`.
pub fn to_csv(report: &Report) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["table", "row", "column", "value", "previous"])?;
    let mut cell = |table: &str, row: &str, column: &str, now: u64, before: u64| {
        writer.write_record([table, row, column, &now.to_string(), &before.to_string()])
    };
    let summary = [
        (
            "total_calls",
            "calls",
            report.total_calls,
            report.previous_total_calls,
        ),
        (
            "substantive_calls",
            "calls",
            report.substantive_calls,
            report.previous_substantive_calls,
        ),
        (
            "total_minutes",
            "minutes",
            report.total_minutes,
            report.previous_total_minutes,
        ),
    ];
    for (row, column, now, before) in summary {
        cell("summary", row, column, now, before)?;
    }
    for theme in &report.themes {
        cell(
            "themes",
            &theme.id,
            "calls",
            theme.calls,
            theme.previous_calls,
        )?;
    }
    for theme in &report.themes {
        for sub in &theme.subthemes {
            cell("subthemes", &sub.id, "calls", sub.calls, sub.previous_calls)?;
        }
    }
    for risk in &report.risk {
        cell("risk", &risk.id, "calls", risk.calls, risk.previous_calls)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
