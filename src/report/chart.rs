//! Inline SVG charts for the HTML report: no script, no fonts to fetch, and
//! an accessible name on every chart (`role="img"`, `<title>`, `<desc>`).
//!
//! Every mark carries a class (`now`, `before`, `grid`, `axis`) beside its
//! colour attributes, so the app can restyle the same SVG for its light and
//! dark themes while the standalone page keeps the print colours.
//!
//! A withheld count is never drawn: a bar is left out and labelled with the
//! marker, a line is broken at that month. Drawing it would reveal it. A
//! previous count that does not compare across theme list versions is not
//! drawn either, and its bar's place says why ("not comparable").

use std::fmt::Write;

use super::counts::Report;
use super::format::{escape, thousands};

/// This period's colour and the previous period's: a calm blue and a pale
/// one that still reads in greyscale print.
pub(super) const NOW_COLOUR: &str = "#1f4e79";
pub(super) const BEFORE_COLOUR: &str = "#a9c1d9";
const TEXT: &str = "#1d2733";
const GRID: &str = "#dde3ea";

/// One labelled pair of values.
pub(super) struct Pair<'a> {
    pub label: &'a str,
    pub now: Option<u64>,
    pub before: Option<u64>,
    /// Why `before` is missing when it is not withheld: "not comparable".
    pub before_not_compared: Option<&'a str>,
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
            before_not_compared: t.count.not_compared(),
        })
        .collect();
    let title = format!(
        "Calls by theme category, {} compared with {}",
        report.period.label, report.previous_period.label
    );
    paired_bars(
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
            before_not_compared: m.not_compared(),
        })
        .collect();
    let title = format!(
        "Calls per month, {} compared with {}",
        report.period.label, report.previous_period.label
    );
    paired_lines(
        "chart-months",
        &title,
        &pairs,
        (&report.period.label, &report.previous_period.label),
        &report.suppression_marker(),
    )
}

/// A round step for about `ticks` gridlines up to `max`.
fn nice_step(max: u64, ticks: u64) -> u64 {
    let rough = max.div_ceil(ticks.max(1)).max(1);
    let mut magnitude = 1;
    while magnitude * 10 <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= rough)
        .unwrap_or(10 * magnitude)
}

/// The axis maximum: the data's maximum rounded up to a whole step.
fn axis(values: impl Iterator<Item = u64>, ticks: u64) -> (u64, u64) {
    let max = values.max().unwrap_or(0).max(1);
    let step = nice_step(max, ticks);
    (max.div_ceil(step) * step, step)
}

fn open_svg(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" width="100%" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="11" fill="{TEXT}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

fn legend(out: &mut String, x: u32, y: u32, now_label: &str, before_label: &str, lines: bool) {
    let mark = |out: &mut String, x: u32, colour: &str, class: &str, dashed: bool| {
        if lines {
            let dash = if dashed {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<line class="{class}" x1="{x}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2.5"{dash}/>"#,
                y - 4,
                x + 18,
                y - 4
            );
        } else {
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{x}" y="{}" width="12" height="10" fill="{colour}"/>"#,
                y - 9
            );
        }
    };
    mark(out, x, NOW_COLOUR, "now", false);
    let _ = write!(
        out,
        r#"<text x="{}" y="{y}">{}</text>"#,
        x + 24,
        escape(now_label)
    );
    let second = x + 40 + 7 * now_label.chars().count() as u32;
    mark(out, second, BEFORE_COLOUR, "before", true);
    let _ = write!(
        out,
        r#"<text x="{}" y="{y}">{}</text>"#,
        second + 24,
        escape(before_label)
    );
}

/// Horizontal bars, two per row (this period above the previous one).
pub(super) fn paired_bars(
    id: &str,
    title: &str,
    rows: &[Pair<'_>],
    labels: (&str, &str),
    marker: &str,
) -> String {
    const WIDTH: u32 = 680;
    const LABEL_WIDTH: u32 = 230;
    const VALUE_SPACE: u32 = 80;
    const ROW: u32 = 30;
    const TOP: u32 = 34;
    let plot = WIDTH - LABEL_WIDTH - VALUE_SPACE;
    let height = TOP + ROW * rows.len() as u32 + 24;
    let (max, step) = axis(rows.iter().flat_map(|r| [r.now, r.before]).flatten(), 5);
    let x_of = |v: u64| LABEL_WIDTH + (v as f64 / max as f64 * f64::from(plot)).round() as u32;
    let desc = rows
        .iter()
        .map(|r| {
            let value = |v: Option<u64>| v.map_or_else(|| marker.to_string(), thousands);
            match r.before_not_compared {
                Some(why) => format!("{}: {} ({} {why})", r.label, value(r.now), labels.1),
                None => format!(
                    "{}: {} ({} {})",
                    r.label,
                    value(r.now),
                    value(r.before),
                    labels.1
                ),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open_svg(&mut out, id, WIDTH, height, title, &desc);
    legend(&mut out, LABEL_WIDTH, 16, labels.0, labels.1, false);
    let bottom = TOP + ROW * rows.len() as u32;
    let mut tick = 0;
    while tick <= max {
        let x = x_of(tick);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x}" y1="{}" x2="{x}" y2="{bottom}" stroke="{GRID}"/><text x="{x}" y="{}" text-anchor="middle" font-size="10">{}</text>"#,
            TOP - 4,
            bottom + 14,
            thousands(tick)
        );
        tick += step;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * i as u32;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 8,
            y + 18,
            escape(row.label)
        );
        for (offset, value, colour, class, missing) in [
            (4, row.now, NOW_COLOUR, "now", marker),
            (
                15,
                row.before,
                BEFORE_COLOUR,
                "before",
                row.before_not_compared.unwrap_or(marker),
            ),
        ] {
            let bar_y = y + offset;
            match value {
                Some(v) => {
                    let width = x_of(v) - LABEL_WIDTH;
                    let _ = write!(
                        out,
                        r#"<rect class="{class}" x="{LABEL_WIDTH}" y="{bar_y}" width="{width}" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="9.5">{}</text>"#,
                        LABEL_WIDTH + width + 4,
                        bar_y + 9,
                        thousands(v)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        r#"<text x="{}" y="{}" font-size="9.5" font-style="italic">{}</text>"#,
                        LABEL_WIDTH + 4,
                        bar_y + 9,
                        escape(missing)
                    );
                }
            }
        }
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{LABEL_WIDTH}" y1="{}" x2="{LABEL_WIDTH}" y2="{bottom}" stroke="{TEXT}"/></svg>"#,
        TOP - 4
    );
    out
}

/// Two lines over the same points (this period solid, the previous dashed),
/// broken wherever a value is withheld.
pub(super) fn paired_lines(
    id: &str,
    title: &str,
    points: &[Pair<'_>],
    labels: (&str, &str),
    marker: &str,
) -> String {
    const WIDTH: u32 = 680;
    const HEIGHT: u32 = 250;
    const LEFT: u32 = 52;
    const RIGHT: u32 = 16;
    const TOP: u32 = 36;
    const BOTTOM: u32 = 36;
    let plot_width = f64::from(WIDTH - LEFT - RIGHT);
    let plot_height = f64::from(HEIGHT - TOP - BOTTOM);
    let (max, step) = axis(points.iter().flat_map(|p| [p.now, p.before]).flatten(), 4);
    let gap = plot_width / points.len().max(1) as f64;
    let x_of = |i: usize| f64::from(LEFT) + gap * (i as f64 + 0.5);
    let y_of = |v: u64| f64::from(TOP) + plot_height * (1.0 - v as f64 / max as f64);
    let desc = points
        .iter()
        .map(|p| {
            let value = |v: Option<u64>| v.map_or_else(|| marker.to_string(), thousands);
            format!(
                "{}: {} ({} {})",
                p.label,
                value(p.now),
                value(p.before),
                labels.1
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open_svg(&mut out, id, WIDTH, HEIGHT, title, &desc);
    legend(&mut out, LEFT, 16, labels.0, labels.1, true);
    let mut tick = 0;
    while tick <= max {
        let y = y_of(tick);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="{GRID}"/><text x="{}" y="{:.1}" text-anchor="end" font-size="10">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            y + 3.5,
            thousands(tick)
        );
        tick += step;
    }
    for (i, point) in points.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" font-size="10">{}</text>"#,
            x_of(i),
            HEIGHT - BOTTOM + 16,
            escape(point.label)
        );
    }
    for (pick, colour, class, dash, radius) in [
        (
            0,
            BEFORE_COLOUR,
            "before",
            r#" stroke-dasharray="5 3""#,
            2.5,
        ),
        (1, NOW_COLOUR, "now", "", 3.0),
    ] {
        let value = |p: &Pair<'_>| if pick == 1 { p.now } else { p.before };
        // Runs of consecutive published points, each drawn as one polyline.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut String| {
            if run.len() > 1 {
                let _ = write!(
                    out,
                    r#"<polyline class="{class}" points="{}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#,
                    run.join(" ")
                );
            }
            run.clear();
        };
        for (i, point) in points.iter().enumerate() {
            match value(point) {
                Some(v) => {
                    let (x, y) = (x_of(i), y_of(v));
                    run.push(format!("{x:.1},{y:.1}"));
                    let _ = write!(
                        out,
                        r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="{radius}" fill="{colour}"/>"#
                    );
                }
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{LEFT}" y1="{}" x2="{}" y2="{}" stroke="{TEXT}"/></svg>"#,
        HEIGHT - BOTTOM,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_numbers() {
        // (max, ticks, step)
        let cases = [
            (1, 5, 1),
            (7, 5, 2),
            (23, 5, 5),
            (412, 5, 100),
            (990, 4, 500),
        ];
        for (max, ticks, step) in cases {
            assert_eq!(nice_step(max, ticks), step, "{max}/{ticks}");
        }
        assert_eq!(axis([0, 0].into_iter(), 5), (1, 1));
        assert_eq!(axis([412, 351].into_iter(), 5), (500, 100));
    }

    #[test]
    fn a_withheld_value_is_not_drawn() {
        let rows = [
            Pair {
                label: "A & B",
                now: Some(40),
                before: None,
                before_not_compared: None,
            },
            Pair {
                label: "C",
                now: Some(3),
                before: Some(10),
                before_not_compared: None,
            },
        ];
        let svg = paired_bars("t", "Title <x>", &rows, ("2024", "2023"), "fewer than 5");
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains("Title &lt;x&gt;"));
        // Three bars (two for C, one for A's current year) and the legend's swatch.
        let bars_at_axis = [
            "<rect class=\"now\" x=\"230\"",
            "<rect class=\"before\" x=\"230\"",
        ];
        assert_eq!(
            bars_at_axis
                .iter()
                .map(|b| svg.matches(b).count())
                .sum::<usize>(),
            4
        );
        // Each legend swatch is 12 wide; bars are not.
        assert_eq!(svg.matches("width=\"12\"").count(), 2);
        assert!(svg.contains("fewer than 5"));
        let months = [
            Pair {
                label: "Jan",
                now: Some(5),
                before: Some(4),
                before_not_compared: None,
            },
            Pair {
                label: "Feb",
                now: None,
                before: Some(6),
                before_not_compared: None,
            },
            Pair {
                label: "Mar",
                now: Some(7),
                before: Some(8),
                before_not_compared: None,
            },
        ];
        let svg = paired_lines("m", "Months", &months, ("2024", "2023"), "fewer than 5");
        // The previous year is one line; this year is broken into single
        // points, so it has no line at all.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 5);
    }
}
