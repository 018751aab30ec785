//! How a number, a change, a length or a date reads in the report, wherever
//! it is shown: the text and CSV outputs, the layout the screen and the
//! printed page share, the charts and the narrative.
//!
//! A leaf: it knows nothing of the report's types, so every presenter can
//! use it without any two of them depending on each other.

use chrono::NaiveDate;

/// `1234` as `1,234`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "1 call", "1,500 calls".
pub(crate) fn calls(n: u64) -> String {
    if n == 1 {
        "1 call".to_string()
    } else {
        format!("{} calls", thousands(n))
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count as the text and CSV outputs show it: the plain number, or the
/// withheld marker.
pub(crate) fn shown(value: Option<u64>, marker: &str) -> String {
    value.map_or_else(|| marker.to_string(), |n| n.to_string())
}

/// Minutes to at most one decimal place (`23`, `23.5`), or the marker when
/// the count it describes is withheld, or `–` when there were no calls.
pub(crate) fn shown_minutes(value: Option<f64>, calls: Option<u64>, marker: &str) -> String {
    match (value, calls) {
        (Some(minutes), _) => format!("{minutes}"),
        (None, None) => marker.to_string(),
        (None, Some(_)) => "–".to_string(),
    }
}

/// What stands for a change with nothing to compare.
pub(crate) const NO_CHANGE: &str = "–";

/// What stands for last year's count of a theme that was split between
/// theme list versions, so last year's calls cannot be divided between
/// its parts.
pub(crate) const NOT_COMPARABLE: &str = "not comparable";

/// What stands for last year's count of a theme that was not in last
/// year's theme list.
pub(crate) const NEW_THEME: &str = "new theme";

/// Change as a signed whole per cent, `new` when there was nothing before,
/// or `–` when there is nothing to compare (or a count is withheld).
pub(crate) fn shown_change(percent: Option<i64>, now: Option<u64>, before: Option<u64>) -> String {
    match (percent, now, before) {
        (Some(0), _, _) => "0%".into(),
        (Some(pct), _, _) if pct > 0 => format!("+{pct}%"),
        (Some(pct), _, _) => format!("\u{2212}{}%", pct.unsigned_abs()),
        (None, Some(now), Some(0)) if now > 0 => "new".into(),
        _ => NO_CHANGE.into(),
    }
}

/// A share of substantive calls to one decimal place, `23.4%`, or `–`.
pub(crate) fn shown_share(share: Option<f64>) -> String {
    share.map_or_else(|| NO_CHANGE.to_string(), |s| format!("{s:.1}%"))
}

/// `2024-09-01` as `1 September 2024`; anything else as given.
pub(crate) fn long_date(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn dates_read_in_full() {
        assert_eq!(long_date("2024-09-01"), "1 September 2024");
        assert_eq!(long_date("not a date"), "not a date");
    }
}
