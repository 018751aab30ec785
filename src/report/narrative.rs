//! The narrative: a few plain sentences drafted from the numbers, which the
//! coordinator edits before publishing.
//!
//! Drafting is a pure function of the report, so it can be redrafted after
//! disclosure control, and it only ever reads published counts: a withheld
//! count (`None`) is never mentioned, not even as a change. Nor is a theme
//! that is not comparable with the year before (split between theme list
//! versions, or new): one sentence says that some themes are not compared.
//!
//! A change is called a rise or a fall only when it is *notable*: at least
//! one of the two counts is [`MIN_CALLS_FOR_CHANGE`] or more, and the change
//! is at least [`MIN_PERCENT_FOR_CHANGE`] per cent of the earlier count (any
//! change from none counts). Smaller movements are ordinary year-to-year
//! variation on a volunteer helpline and would mislead if called trends.

use super::counts::Report;
use super::format::{calls, thousands};
use super::tally::RISK_TO_SELF_CATEGORY;

/// Below this on both sides, a difference is not called a rise or a fall.
pub const MIN_CALLS_FOR_CHANGE: u64 = 20;
/// A change smaller than this per cent of the earlier count is not called a
/// rise or a fall.
pub const MIN_PERCENT_FOR_CHANGE: u64 = 10;

/// Whether a change between two published counts deserves rise/fall language.
fn is_notable(now: u64, before: u64) -> bool {
    if now.max(before) < MIN_CALLS_FOR_CHANGE || now == before {
        return false;
    }
    // |now − before| ≥ MIN_PERCENT% of before, in integers so 10% is exact.
    before == 0 || now.abs_diff(before) * 100 >= MIN_PERCENT_FOR_CHANGE * before
}

/// "rose from 351 to 412 (+17%)" or "fell from 412 to 351 (−15%)", with a
/// true minus sign; from none there is no per cent.
fn movement(now: u64, before: u64) -> String {
    let verb = if now > before { "rose" } else { "fell" };
    if before == 0 {
        return format!("{verb} from none to {}", thousands(now));
    }
    let percent = (now.abs_diff(before) as f64 / before as f64 * 100.0).round();
    let sign = if now > before { '+' } else { '\u{2212}' };
    format!(
        "{verb} from {} to {} ({sign}{percent}%)",
        thousands(before),
        thousands(now)
    )
}

/// Drafts one sentence on the total, then one per notable change: in each
/// theme category (largest change first; risk to self is left to the next),
/// and in calls where risk to self was discussed.
pub fn draft_narrative(report: &Report) -> Vec<String> {
    let mut sentences = Vec::new();
    let (this, last) = (&report.period.label, &report.previous_period.label);
    match (report.total_calls, report.previous_total_calls) {
        (Some(now), Some(before)) if is_notable(now, before) => sentences.push(format!(
            "Calls to the helpline {} between {last} and {this}.",
            movement(now, before)
        )),
        (Some(now), Some(before)) if before > 0 => sentences.push(format!(
            "The helpline took {} in {this}, compared with {} in {last}.",
            calls(now),
            thousands(before)
        )),
        (Some(now), _) => sentences.push(format!("The helpline took {} in {this}.", calls(now))),
        (None, _) => {}
    }
    let mut themes: Vec<(u64, u64, &str)> = report
        .themes
        .iter()
        // Risk to self has its own sentence below; saying it twice would
        // read as two different changes.
        .filter(|t| t.count.id != RISK_TO_SELF_CATEGORY)
        // A theme that is not comparable has no previous count to read.
        .filter(|t| t.count.comparable)
        .filter_map(|t| {
            Some((
                t.count.calls?,
                t.count.previous_calls?,
                t.count.label.as_str(),
            ))
        })
        .filter(|(now, before, _)| is_notable(*now, *before))
        .collect();
    // Largest movements first; the theme list's order breaks ties.
    themes.sort_by_key(|(now, before, _)| std::cmp::Reverse(now.abs_diff(*before)));
    for (now, before, label) in themes {
        sentences.push(format!("Calls about {label} {}.", movement(now, before)));
    }
    let risk_to_self_compares = report
        .themes
        .iter()
        .find(|t| t.count.id == RISK_TO_SELF_CATEGORY)
        .is_none_or(|t| t.count.comparable);
    if let (Some(now), Some(before), true) = (
        report.risk_to_self_calls,
        report.previous_risk_to_self_calls,
        risk_to_self_compares,
    ) {
        if is_notable(now, before) {
            sentences.push(format!(
                "Calls where risk to self was discussed {}.",
                movement(now, before)
            ));
        }
    }
    if let Some(sentence) = not_compared(report) {
        sentences.push(sentence);
    }
    sentences
}

/// The sentence saying that some themes changed between theme list
/// versions and are not compared, when a row of the report is not
/// comparable (split or new).
fn not_compared(report: &Report) -> Option<String> {
    let changed = report.themes.iter().any(|t| {
        std::iter::once(&t.count)
            .chain(&t.subthemes)
            .any(|c| !c.comparable)
    });
    let earliest = report.earlier_theme_list_versions.first()?;
    changed.then(|| {
        format!(
            "Some themes changed between theme list versions {earliest} and {} and are not compared with last year.",
            report.theme_list_version
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_is_singular() {
        assert_eq!(calls(1), "1 call");
        assert_eq!(calls(0), "0 calls");
        assert_eq!(calls(1500), "1,500 calls");
    }

    #[test]
    fn thresholds_decide_what_is_called_a_change() {
        // (now, before, notable)
        let cases = [
            (351, 412, true),  // −15%
            (412, 351, true),  // +17%
            (19, 5, false),    // both below 20
            (20, 5, true),     // one at 20
            (20, 0, true),     // from none
            (19, 0, false),    // from none, but small
            (110, 100, true),  // exactly 10%
            (109, 100, false), // 9%
            (91, 100, false),  // −9%
            (90, 100, true),   // −10%
            (100, 100, false),
            (0, 0, false),
            (0, 25, true), // to none
        ];
        for (now, before, notable) in cases {
            assert_eq!(is_notable(now, before), notable, "{before} → {now}");
        }
    }

    #[test]
    fn sentences_read_as_the_issue_asks() {
        assert_eq!(movement(351, 412), "fell from 412 to 351 (\u{2212}15%)");
        assert_eq!(movement(412, 351), "rose from 351 to 412 (+17%)");
        assert_eq!(movement(25, 0), "rose from none to 25");
        assert_eq!(movement(1234, 1000), "rose from 1,000 to 1,234 (+23%)");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
