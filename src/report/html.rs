//! The report as one self-contained, printable HTML page: inline CSS and
//! inline SVG charts, no script, nothing fetched from the network, so it
//! opens the same in any browser years later and prints cleanly to A4.
//!
//! It presents whatever the [`Report`] holds, including a narrative the
//! coordinator has edited, and escapes every piece of text it is given.

use std::fmt::Write;

use super::chart::{self, Pair};
use super::format::{escape, long_date, shown_minutes, shown_share, thousands};
use super::render::{breakdowns, summary_counts};
use super::{Count, Report};

const STYLE: &str = r#"
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1d2733; font-size: 10.5pt; line-height: 1.45; margin: 0 auto; max-width: 180mm; padding: 8mm 0; background: #fff; }
header { border-bottom: 3px solid #1f4e79; padding-bottom: 4mm; margin-bottom: 5mm; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; color: #4a5b6d; margin: 0 0 1mm; }
h1 { font-size: 21pt; margin: 0 0 1.5mm; color: #13324f; font-weight: 700; }
h2 { font-size: 13.5pt; color: #13324f; margin: 8mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1px solid #cfd8e2; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 0 0 1.5mm; color: #13324f; }
.meta { margin: 0; color: #4a5b6d; }
.notice { background: #f3f6f9; border-left: 3px solid #1f4e79; padding: 2mm 3mm; margin: 3mm 0; font-size: 9.5pt; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin: 0; padding: 0; list-style: none; }
.figures li { border: 1px solid #d5dde6; border-radius: 2mm; padding: 2.5mm 3mm; break-inside: avoid; }
.figures .label { display: block; font-size: 8.5pt; color: #4a5b6d; }
.figures .value { display: block; font-size: 17pt; font-weight: 700; color: #13324f; line-height: 1.2; }
.figures .before { display: block; font-size: 8.5pt; color: #4a5b6d; }
.narrative { margin-top: 4mm; }
.narrative p { margin: 0 0 1.8mm; }
figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 9pt; color: #4a5b6d; margin-top: 1mm; }
svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
caption { text-align: left; font-weight: 700; color: #13324f; padding: 0 0 1.5mm; caption-side: top; }
th, td { padding: 1.1mm 2mm; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
thead th { border-bottom: 1.5px solid #8a9bad; font-size: 8.5pt; color: #34465a; text-align: right; font-weight: 700; }
thead th:first-child, tbody th { text-align: left; }
tbody th { font-weight: 400; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.category th { font-weight: 700; }
tr.category td { font-weight: 700; }
tr.sub th { padding-left: 6mm; color: #34465a; }
td.withheld { font-style: italic; color: #5b6b7c; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 6mm; align-items: start; }
.pair table { break-inside: avoid; page-break-inside: avoid; }
@page wide { size: A4 landscape; margin: 14mm 15mm; }
.wide { page: wide; break-before: page; break-after: page; }
table.crosstab { font-size: 7.5pt; line-height: 1.25; margin-bottom: 3mm; }
table.crosstab th, table.crosstab td { padding: 0.7mm 1.2mm; }
.wide h2 { margin-top: 0; }
table.crosstab thead th { text-align: right; vertical-align: bottom; white-space: normal; }
table.crosstab thead th:first-child { text-align: left; }
table.crosstab tbody th { white-space: nowrap; }
p.note { font-size: 9pt; color: #4a5b6d; margin: -2mm 0 4mm; }
@media print { body { max-width: none; padding: 0; } }
footer { margin-top: 8mm; border-top: 1px solid #cfd8e2; padding-top: 2mm; font-size: 8.5pt; color: #4a5b6d; }
footer p { margin: 0 0 1.5mm; }
.new-page { break-before: page; page-break-before: always; }
table.short { break-inside: avoid; page-break-inside: avoid; }
@media screen { body { padding: 12mm 6mm; } }
"#;

/// Table cells for a count: the number with thousands separators, or the
/// marker in a cell styled as withheld.
fn number_cell(out: &mut String, value: Option<u64>, marker: &str) {
    match value {
        Some(n) => {
            let _ = write!(out, "<td>{}</td>", thousands(n));
        }
        None => {
            let _ = write!(out, r#"<td class="withheld">{}</td>"#, escape(marker));
        }
    }
}

fn table_head(
    out: &mut String,
    class: &str,
    caption: &str,
    first: &str,
    report: &Report,
    extra: &[&str],
) {
    let _ = write!(
        out,
        r#"<table class="{class}"><caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">Change</th>"#,
        escape(caption),
        escape(first),
        escape(&report.period.label),
        escape(&report.previous_period.label),
    );
    for heading in extra {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(heading));
    }
    out.push_str("</tr></thead><tbody>");
}

fn count_row(out: &mut String, class: &str, count: &Count, marker: &str) {
    let _ = write!(
        out,
        r#"<tr class="{class}"><th scope="row">{}</th>"#,
        escape(&count.label)
    );
    number_cell(out, count.calls, marker);
    number_cell(out, count.previous_calls, marker);
    let _ = write!(out, "<td>{}</td>", escape(&count.shown_change()));
}

/// A table of counts short enough to keep on one page.
fn count_table(out: &mut String, caption: &str, first: &str, rows: &[Count], report: &Report) {
    let marker = report.suppression_marker();
    table_head(out, "short", caption, first, report, &[]);
    for count in rows {
        count_row(out, "", count, &marker);
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn key_figures(out: &mut String, report: &Report, marker: &str) {
    out.push_str(r#"<ul class="figures" aria-label="Key figures">"#);
    let card = |out: &mut String, label: &str, now: String, before: String| {
        let _ = write!(
            out,
            r#"<li><span class="label">{}</span><span class="value">{}</span><span class="before">{}: {}</span></li>"#,
            escape(label),
            escape(&now),
            escape(&report.previous_period.label),
            escape(&before)
        );
    };
    let summary = summary_counts(report);
    for (id, label, count) in &summary {
        if *id == "non_substantive_calls" {
            continue;
        }
        let value = |v: Option<u64>| v.map_or_else(|| marker.to_string(), thousands);
        let before = format!("{} ({})", value(count.previous_calls), count.shown_change());
        card(out, label, value(count.calls), before);
    }
    card(
        out,
        "Median length of a substantive call (minutes)",
        shown_minutes(report.median_call_minutes, report.substantive_calls, marker),
        shown_minutes(
            report.previous_median_call_minutes,
            report.previous_substantive_calls,
            marker,
        ),
    );
    out.push_str("</ul>");
}

/// The bar chart of theme categories, this period beside the previous one,
/// as an inline SVG. The app shows the same chart the printed page does.
pub fn theme_chart(report: &Report) -> String {
    let pairs: Vec<Pair<'_>> = report
        .themes
        .iter()
        .map(|t| Pair {
            label: &t.count.label,
            now: t.count.calls,
            before: t.count.previous_calls,
        })
        .collect();
    let title = format!(
        "Calls by theme category, {} compared with {}",
        report.period.label, report.previous_period.label
    );
    chart::paired_bars(
        "chart-themes",
        &title,
        &pairs,
        (&report.period.label, &report.previous_period.label),
        &report.suppression_marker(),
    )
}

/// The line chart of calls per month against the same months a year
/// earlier, as an inline SVG.
pub fn month_chart(report: &Report) -> String {
    let pairs: Vec<Pair<'_>> = report
        .by_month
        .iter()
        .map(|m| Pair {
            // "Sep 2024" → "Sep": the legend says which year.
            label: m.label.split(' ').next().unwrap_or(&m.label),
            now: m.calls,
            before: m.previous_calls,
        })
        .collect();
    let title = format!(
        "Calls per month, {} compared with {}",
        report.period.label, report.previous_period.label
    );
    chart::paired_lines(
        "chart-months",
        &title,
        &pairs,
        (&report.period.label, &report.previous_period.label),
        &report.suppression_marker(),
    )
}

fn themes_section(out: &mut String, report: &Report, marker: &str) {
    out.push_str(
        r#"<section aria-labelledby="themes"><h2 id="themes">What callers rang about</h2>"#,
    );
    let _ = write!(
        out,
        "<figure>{}<figcaption>Calls naming each category, each call counted once per category. A call may name several categories.</figcaption></figure>",
        theme_chart(report)
    );
    table_head(
        out,
        "themes",
        "Calls by theme: categories, and their subthemes named in either year",
        "Theme",
        report,
        &["% of substantive"],
    );
    for theme in &report.themes {
        count_row(out, "category", &theme.count, marker);
        let share = shown_share(theme.share_of_substantive);
        let _ = write!(out, "<td>{share}</td></tr>");
        for sub in theme
            .subthemes
            .iter()
            .filter(|s| s.calls != Some(0) || s.previous_calls != Some(0))
        {
            count_row(out, "sub", sub, marker);
            out.push_str("<td></td></tr>");
        }
    }
    out.push_str("</tbody></table>");
    count_table(
        out,
        "Calls by main theme (the category of the first theme named)",
        "Main theme",
        &report.main_themes,
        report,
    );
    out.push_str("</section>");
}

fn months_section(out: &mut String, report: &Report) {
    out.push_str(r#"<section aria-labelledby="months"><h2 id="months">Calls month by month</h2>"#);
    let _ = write!(
        out,
        "<figure>{}<figcaption>Each month by local date; the dashed line is the same month a year earlier.</figcaption></figure>",
        month_chart(report)
    );
    count_table(out, "Calls per month", "Month", &report.by_month, report);
    out.push_str("</section>");
}

/// Categories by setting, one table per period, on a landscape page so
/// all ten settings fit.
fn crosstab_section(out: &mut String, report: &Report, marker: &str) {
    let Some(first) = report.categories_by_setting.first() else {
        return;
    };
    out.push_str(
        r#"<section class="wide" aria-labelledby="crosstab"><h2 id="crosstab">Themes by setting</h2>"#,
    );
    for (label, previous) in [
        (&report.period.label, false),
        (&report.previous_period.label, true),
    ] {
        let _ = write!(
            out,
            r#"<table class="crosstab short"><caption>Calls naming each category, by the caller's setting, {}</caption><thead><tr><th scope="col">Category</th>"#,
            escape(label)
        );
        for cell in &first.cells {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&cell.label));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &report.categories_by_setting {
            let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, escape(&row.label));
            for cell in &row.cells {
                let value = if previous {
                    cell.previous_calls
                } else {
                    cell.calls
                };
                number_cell(out, value, marker);
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
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

/// The whole report as a self-contained HTML document.
pub fn to_html(report: &Report) -> String {
    let marker = report.suppression_marker();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Helpline report {}</title><style>{STYLE}</style></head><body>"#,
        escape(&report.period.label)
    );
    let _ = write!(
        out,
        r#"<header><p class="eyebrow">Helpline for school leaders · Annual report</p><h1>Calls in {}</h1><p class="meta">{} to {}, by local date ({}), compared with {} ({} to {}).</p></header><main>"#,
        escape(&report.period.label),
        escape(&long_date(&report.period.start)),
        escape(&long_date(&report.period.end)),
        escape(&report.time_zone),
        escape(&report.previous_period.label),
        escape(&long_date(&report.previous_period.start)),
        escape(&long_date(&report.previous_period.end)),
    );
    if let Some(notice) = suppression_notice(report) {
        let _ = write!(out, r#"<p class="notice">{}</p>"#, escape(&notice));
    }
    out.push_str(r#"<section aria-labelledby="summary"><h2 id="summary">Summary</h2>"#);
    key_figures(&mut out, report, &marker);
    if !report.narrative.is_empty() {
        out.push_str(r#"<div class="narrative">"#);
        for sentence in &report.narrative {
            let _ = write!(out, "<p>{}</p>", escape(sentence));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>");
    themes_section(&mut out, report, &marker);
    crosstab_section(&mut out, report, &marker);

    out.push_str(r#"<section aria-labelledby="risk"><h2 id="risk">Risk</h2>"#);
    let [_, (_, _, risk), ..] = breakdowns(report);
    count_table(
        &mut out,
        "Calls by the volunteer's assessment of risk",
        "Risk level",
        risk,
        report,
    );
    let summary = summary_counts(report);
    if let Some((_, label, count)) = summary
        .iter()
        .find(|(id, _, _)| *id == "risk_to_self_calls")
    {
        table_head(&mut out, "short", "Risk to self", "Calls", report, &[]);
        count_row(&mut out, "", count, &marker);
        let _ = write!(
            out,
            "</tr></tbody></table><p class=\"note\">{}: calls naming the theme “Risk to self” or one of its subthemes.</p>",
            escape(label)
        );
    }
    out.push_str("</section>");

    months_section(&mut out, report);
    out.push_str(
        r#"<section class="new-page" aria-labelledby="callers"><h2 id="callers">Who called</h2><div class="pair">"#,
    );
    // Two columns of about equal length: the short tables on the left,
    // setting and region on the right.
    for column in [
        &["by_role", "by_employer", "by_caller_type"][..],
        &["by_setting", "by_region"],
    ] {
        out.push_str("<div>");
        for (id, title, rows) in breakdowns(report) {
            if column.contains(&id) {
                count_table(&mut out, title, title, rows, report);
            }
        }
        out.push_str("</div>");
    }
    out.push_str("</div></section>");
    out.push_str("</main>");
    let _ = write!(
        out,
        "<footer><p>Substantive calls are those where the caller talked about something; silent calls, hang-ups, wrong numbers and information-only calls are non-substantive. The median length is of substantive calls. Change is shown as a per cent of the earlier year; “new” means none the year before.</p><p>Themes from theme list version {}. Produced by Quietline from its encrypted call log.</p></footer></body></html>",
        report.theme_list_version
    );
    out
}
