//! Table-driven counts against small hand-computed fixtures.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::model::{
    CallFacts, CallId, CallSummary, CallType, CallerType, FollowUp, Region, RiskLevel, Role,
    Setting,
};
use crate::period::DEFAULT_TIME_ZONE;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn call(started_at: DateTime<Utc>, themes: &[&str], risk: RiskLevel) -> CallSummary {
    CallSummary {
        id: CallId::random(),
        logged_by: String::new(),
        theme_list_version: 1,
        created_at: started_at,
        updated_at: started_at,
        facts: CallFacts {
            started_at,
            duration_minutes: 10,
            call_type: if themes.is_empty() {
                CallType::Silent
            } else {
                CallType::Substantive
            },
            role: Role::Headteacher,
            setting: Setting::Primary,
            employer: None,
            region: Region::London,
            caller_type: CallerType::Unknown,
            themes: themes.iter().map(|t| t.to_string()).collect(),
            risk,
            follow_up: FollowUp::default(),
        },
    }
}

/// Academic year 2024/25 and 2023/24 before it; every call placed by hand.
fn fixtures() -> Vec<CallSummary> {
    use RiskLevel::*;
    vec![
        // 2024/25
        call(
            at(2024, 8, 31, 23, 30),
            &["inspection.ofsted", "inspection.results"],
            Low,
        ), // 00:30 BST 1 Sep
        call(
            at(2024, 10, 2, 9, 0),
            &["inspection.ofsted", "wellbeing.workload"],
            Moderate,
        ),
        call(at(2024, 12, 31, 23, 59), &["inspection"], None),
        call(
            at(2025, 3, 3, 14, 0),
            &["send.ehcp", "funding.deficit", "send.funding"],
            High,
        ),
        call(
            at(2025, 8, 31, 22, 59),
            &["risk_to_self.suicidal_thoughts", "wellbeing"],
            Imminent,
        ), // 23:59 BST
        call(at(2025, 1, 5, 10, 0), &[], None), // silent call
        // 2023/24
        call(at(2024, 8, 31, 22, 59), &["inspection.ofsted"], Low), // 23:59 BST 31 Aug
        call(at(2023, 9, 1, 8, 0), &["inspection.ofsted"], None),
        call(at(2024, 2, 1, 8, 0), &["send.ehcp"], None),
        // Outside both years: ignored.
        call(at(2025, 8, 31, 23, 0), &["premises.raac"], Low), // 00:00 BST 1 Sep 2025
        call(at(2023, 8, 31, 22, 0), &["premises.raac"], Low),
    ]
}

fn find(report: &Report, id: &str) -> (u64, u64) {
    for theme in &report.themes {
        if theme.id == id {
            return (theme.calls, theme.previous_calls);
        }
        for sub in &theme.subthemes {
            if sub.id == id {
                return (sub.calls, sub.previous_calls);
            }
        }
    }
    for risk in &report.risk {
        if format!("risk:{}", risk.id) == id {
            return (risk.calls, risk.previous_calls);
        }
    }
    panic!("no row {id}");
}

#[test]
fn academic_year_counts_match_the_hand_computed_table() {
    let themes = ThemeList::default_list();
    let calls = fixtures();
    let report = Report::from_calls(
        Period::academic(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap();
    assert_eq!(report.period.label, "2024/25");
    assert_eq!(report.period.start, "2024-09-01");
    assert_eq!(report.period.end, "2025-08-31");
    assert_eq!((report.total_calls, report.previous_total_calls), (6, 3));
    assert_eq!(
        (report.substantive_calls, report.previous_substantive_calls),
        (5, 3)
    );
    assert_eq!(
        (report.total_minutes, report.previous_total_minutes),
        (60, 30)
    );
    let expected = [
        // Category counted once per call, however many of its subthemes.
        ("inspection", (3, 2)),
        ("inspection.ofsted", (2, 2)),
        ("inspection.results", (1, 0)),
        ("send", (1, 1)),
        ("send.ehcp", (1, 1)),
        ("send.funding", (1, 0)),
        ("funding", (1, 0)),
        ("funding.deficit", (1, 0)),
        // A bare category counts the category and no subtheme.
        ("wellbeing", (2, 0)),
        ("wellbeing.workload", (1, 0)),
        ("risk_to_self", (1, 0)),
        ("risk_to_self.suicidal_thoughts", (1, 0)),
        ("premises", (0, 0)),
        ("premises.raac", (0, 0)),
        ("risk:none", (2, 2)),
        ("risk:low", (1, 1)),
        ("risk:moderate", (1, 0)),
        ("risk:high", (1, 0)),
        ("risk:imminent", (1, 0)),
    ];
    for (id, counts) in expected {
        assert_eq!(find(&report, id), counts, "{id}");
    }
}

#[test]
fn calendar_year_uses_the_same_calls_differently() {
    let themes = ThemeList::default_list();
    let calls = fixtures();
    let report = Report::from_calls(
        Period::calendar(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap();
    // 2024: 31 Aug 23:30 UTC, 2 Oct, 31 Dec 23:59 (GMT, still 2024), 31 Aug 22:59, 1 Feb.
    assert_eq!(report.total_calls, 5);
    // 2023: 1 Sep 2023 and 31 Aug 2023 22:00 UTC (23:00 BST, still 31 Aug).
    assert_eq!(report.previous_total_calls, 2);
    assert_eq!(find(&report, "inspection"), (4, 1));
    assert_eq!(find(&report, "premises.raac"), (0, 1));
}

#[test]
fn every_category_and_subtheme_appears_even_when_zero() {
    let themes = ThemeList::default_list();
    let report = Report::from_calls(
        Period::calendar(2020).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &[] as &[CallSummary],
    )
    .unwrap();
    assert_eq!(report.themes.len(), 12);
    let subthemes: usize = report.themes.iter().map(|t| t.subthemes.len()).sum();
    assert_eq!(subthemes, 49);
    assert_eq!(report.risk.len(), 5);
    assert!(report.themes.iter().all(|t| t.calls == 0));
}

#[test]
fn a_theme_missing_from_the_list_is_an_error_not_a_silent_skip() {
    let themes = ThemeList::default_list();
    let calls = vec![call(
        at(2024, 5, 1, 9, 0),
        &["retired.theme"],
        RiskLevel::None,
    )];
    let err = Report::from_calls(
        Period::calendar(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap_err();
    assert!(err.to_string().contains("retired.theme"), "{err}");
}

#[test]
fn json_keeps_the_contracted_shape() {
    let themes = ThemeList::default_list();
    let calls = fixtures();
    let report = Report::from_calls(
        Period::academic(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    for key in ["label", "start", "end"] {
        assert!(json["period"][key].is_string(), "period.{key}");
    }
    assert_eq!(json["total_calls"], 6);
    assert_eq!(json["previous_total_calls"], 3);
    let theme = &json["themes"][0];
    for key in ["id", "label", "calls", "previous_calls", "subthemes"] {
        assert!(!theme[key].is_null(), "themes[].{key}");
    }
    for key in ["id", "label", "calls", "previous_calls"] {
        assert!(!theme["subthemes"][0][key].is_null(), "subthemes[].{key}");
    }
    for key in ["id", "calls", "previous_calls"] {
        assert!(!json["risk"][0][key].is_null(), "risk[].{key}");
    }
}

#[test]
fn csv_has_one_row_per_cell_and_text_shows_change() {
    let themes = ThemeList::default_list();
    let calls = fixtures();
    let report = Report::from_calls(
        Period::academic(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap();
    let csv = to_csv(&report).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "table,row,column,value,previous");
    assert!(lines.contains(&"summary,total_calls,calls,6,3"));
    assert!(lines.contains(&"themes,inspection,calls,3,2"));
    assert!(lines.contains(&"subthemes,inspection.ofsted,calls,2,2"));
    assert!(lines.contains(&"risk,imminent,calls,1,0"));
    assert_eq!(lines.len(), 1 + 3 + 12 + 49 + 5);
    let text = to_text(&report);
    assert!(text.contains("2024/25"), "{text}");
    // 3 calls now against 2 before: +50%.
    let inspection = text
        .lines()
        .find(|l| l.trim_start().starts_with("Inspection and accountability"))
        .unwrap();
    assert!(inspection.ends_with("+50%"), "{inspection}");
}
