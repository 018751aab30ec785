//! The report as one self-contained, printable HTML page: inline CSS and
//! inline SVG charts, no script, nothing fetched from the network, so it
//! opens the same in any browser years later and prints cleanly to A4.
//!
//! It renders the [`ReportLayout`] the app's screen also shows, with
//! whatever narrative the [`Report`] holds (one the coordinator has edited,
//! say): the wording and every shown value are the layout's, and this
//! module only adds the markup, the print style and the page's own frame
//! (the header line and the footer). It escapes every piece of text.

use std::fmt::Write;

use super::counts::Report;
use super::format::escape;
use super::layout::{Block, KeyFigure, Placement, ReportLayout, RowKind, Shown, Table, TableSize};

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

/// Escapes text for element content only: `&`, `<` and `>`. The
/// cross-tab captions have always been written this way (an apostrophe as
/// it is), and a saved page must not change from one version to the next.
fn escape_content(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A table cell: the shown value, or the marker in a cell styled as withheld.
fn cell(out: &mut String, shown: &Shown) {
    if shown.withheld {
        let _ = write!(out, r#"<td class="withheld">{}</td>"#, escape(&shown.text));
    } else {
        let _ = write!(out, "<td>{}</td>", escape(&shown.text));
    }
}

fn table(out: &mut String, table: &Table) {
    let (class, caption) = match table.size {
        // Kept together on one page.
        TableSize::Short => ("short", escape(&table.caption)),
        // Runs across pages.
        TableSize::Long => (table.id.as_str(), escape(&table.caption)),
        TableSize::Grid => ("crosstab short", escape_content(&table.caption)),
    };
    let _ = write!(
        out,
        r#"<table class="{}"><caption>{caption}</caption><thead><tr><th scope="col">{}</th>"#,
        escape(class),
        escape(&table.row_heading),
    );
    for column in &table.columns {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&column.heading));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        match (table.size, row.kind) {
            (TableSize::Grid, _) => out.push_str("<tr>"),
            (_, RowKind::Plain) => out.push_str(r#"<tr class="">"#),
            (_, RowKind::Category) => out.push_str(r#"<tr class="category">"#),
            (_, RowKind::Subtheme) => out.push_str(r#"<tr class="sub">"#),
        }
        let _ = write!(out, r#"<th scope="row">{}</th>"#, escape(&row.label));
        for shown in &row.cells {
            cell(out, shown);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn key_figures(out: &mut String, figures: &[KeyFigure], previous_label: &str) {
    out.push_str(r#"<ul class="figures" aria-label="Key figures">"#);
    for figure in figures.iter().filter(|f| f.printed) {
        let before = match &figure.change {
            Some(change) => format!("{} ({change})", figure.before.text),
            None => figure.before.text.clone(),
        };
        let _ = write!(
            out,
            r#"<li><span class="label">{}</span><span class="value">{}</span><span class="before">{}: {}</span></li>"#,
            escape(&figure.label),
            escape(&figure.now.text),
            escape(previous_label),
            escape(&before)
        );
    }
    out.push_str("</ul>");
}

fn block(out: &mut String, block: &Block) {
    match block {
        Block::Chart(chart) => {
            // The SVG is the chart module's own markup, its text escaped there.
            let _ = write!(
                out,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                chart.svg,
                escape(&chart.caption)
            );
        }
        Block::Table(t) => table(out, t),
        Block::Note { text } => {
            let _ = write!(out, r#"<p class="note">{}</p>"#, escape(text));
        }
        Block::Columns { columns } => {
            out.push_str(r#"<div class="pair">"#);
            for column in columns {
                out.push_str("<div>");
                for t in column {
                    table(out, t);
                }
                out.push_str("</div>");
            }
            out.push_str("</div>");
        }
    }
}

/// The whole report as a self-contained HTML document.
pub fn to_html(report: &Report) -> String {
    render(&ReportLayout::of(report), report.theme_list_version)
}

fn render(layout: &ReportLayout, theme_list_version: u32) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Helpline report {}</title><style>{STYLE}</style></head><body>"#,
        escape(&layout.period_label)
    );
    let _ = write!(
        out,
        r#"<header><p class="eyebrow">Helpline for school leaders · Annual report</p><h1>{}</h1><p class="meta">{}</p></header><main>"#,
        escape(&layout.title),
        escape(&layout.description),
    );
    if let Some(notice) = &layout.suppression_notice {
        let _ = write!(out, r#"<p class="notice">{}</p>"#, escape(notice));
    }
    out.push_str(r#"<section aria-labelledby="summary"><h2 id="summary">Summary</h2>"#);
    key_figures(&mut out, &layout.key_figures, &layout.previous_period_label);
    if !layout.narrative.is_empty() {
        out.push_str(r#"<div class="narrative">"#);
        for sentence in &layout.narrative {
            let _ = write!(out, "<p>{}</p>", escape(sentence));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>");
    for section in &layout.sections {
        let class = match section.placement {
            Placement::Flow => "",
            Placement::NewPage => r#"class="new-page" "#,
            Placement::Landscape => r#"class="wide" "#,
        };
        let id = escape(&section.id);
        let _ = write!(
            out,
            r#"<section {class}aria-labelledby="{id}"><h2 id="{id}">{}</h2>"#,
            escape(&section.heading)
        );
        for b in &section.blocks {
            block(&mut out, b);
        }
        out.push_str("</section>");
    }
    out.push_str("</main>");
    let _ = write!(
        out,
        "<footer><p>Substantive calls are those where the caller talked about something; silent calls, hang-ups, wrong numbers and information-only calls are non-substantive. The median length is of substantive calls. Change is shown as a per cent of the earlier year; “new” means none the year before.</p><p>Themes from theme list version {}. Produced by Quietline from its encrypted call log.</p></footer></body></html>",
        theme_list_version
    );
    out
}
