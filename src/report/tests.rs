//! Table-driven counts against small hand-computed fixtures.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::model::{
    CallFacts, CallSummary, CallType, CallerType, Employer, FollowUp, Region, RiskLevel, Role,
    Setting,
};
use crate::period::{DEFAULT_TIME_ZONE, Period};
use crate::themes::ThemeCatalogue;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn call(started_at: DateTime<Utc>, themes: &[&str], risk: RiskLevel) -> CallSummary {
    crate::model::tests::stored(CallFacts {
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
    })
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

/// Both periods' counts of a row; `None` where withheld.
type Pair = (Option<u64>, Option<u64>);

fn pair(count: &Count) -> Pair {
    (count.calls, count.previous_calls)
}

/// A row by id: a theme or subtheme id, or `table:id` for another table.
fn find(report: &Report, id: &str) -> Pair {
    for theme in &report.themes {
        if theme.count.id == id {
            return pair(&theme.count);
        }
        for sub in &theme.subthemes {
            if sub.id == id {
                return pair(sub);
            }
        }
    }
    let tables = [
        ("risk", &report.risk),
        ("main", &report.main_themes),
        ("role", &report.by_role),
        ("setting", &report.by_setting),
        ("employer", &report.by_employer),
        ("region", &report.by_region),
        ("caller", &report.by_caller_type),
        ("month", &report.by_month),
    ];
    for (table, rows) in tables {
        for count in rows {
            if format!("{table}:{}", count.id) == id {
                return pair(count);
            }
        }
    }
    panic!("no row {id}");
}

fn known(now: u64, before: u64) -> Pair {
    (Some(now), Some(before))
}

#[test]
fn academic_year_counts_match_the_hand_computed_table() {
    let themes = ThemeCatalogue::shipped();
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
    assert_eq!(
        (report.total_calls, report.previous_total_calls),
        known(6, 3)
    );
    assert_eq!(
        (report.substantive_calls, report.previous_substantive_calls),
        known(5, 3)
    );
    assert_eq!(
        (report.total_minutes, report.previous_total_minutes),
        known(60, 30)
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
    for (id, (now, before)) in expected {
        assert_eq!(find(&report, id), known(now, before), "{id}");
    }
}

#[test]
fn calendar_year_uses_the_same_calls_differently() {
    let themes = ThemeCatalogue::shipped();
    let calls = fixtures();
    let report = Report::from_calls(
        Period::calendar(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        &calls,
    )
    .unwrap();
    // 2024: 31 Aug 23:30 UTC, 2 Oct, 31 Dec 23:59 (GMT, still 2024), 31 Aug 22:59, 1 Feb.
    assert_eq!(report.total_calls, Some(5));
    // 2023: 1 Sep 2023 and 31 Aug 2023 22:00 UTC (23:00 BST, still 31 Aug).
    assert_eq!(report.previous_total_calls, Some(2));
    assert_eq!(find(&report, "inspection"), known(4, 1));
    assert_eq!(find(&report, "premises.raac"), known(0, 1));
}

#[test]
fn every_category_and_subtheme_appears_even_when_zero() {
    let themes = ThemeCatalogue::shipped();
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
    assert!(report.themes.iter().all(|t| t.count.calls == Some(0)));
}

#[test]
fn a_theme_missing_from_the_list_is_an_error_not_a_silent_skip() {
    let themes = ThemeCatalogue::shipped();
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
    let themes = ThemeCatalogue::shipped();
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
    let themes = ThemeCatalogue::shipped();
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
    // Summary (six counts and the median), themes, subthemes, shares, then
    // main themes, risk, role, setting, employer (+ not recorded), region,
    // caller type, months, and the categories-by-setting cross-tab.
    let expected_rows = 7 + 12 + 49 + 12 + 12 + 5 + 8 + 11 + 6 + 13 + 3 + 12 + 12 * 11;
    assert_eq!(lines.len(), 1 + expected_rows);
    let text = to_text(&report);
    assert!(text.contains("2024/25"), "{text}");
    // 3 calls now against 2 before: +50%.
    let inspection = text
        .lines()
        .find(|l| l.trim_start().starts_with("Inspection and accountability"))
        .unwrap();
    assert!(inspection.ends_with("+50%"), "{inspection}");
}

fn with(mut call: CallSummary, change: impl FnOnce(&mut CallFacts)) -> CallSummary {
    change(&mut call.facts);
    call
}

/// Academic 2024/25 against 2023/24, every field varied; each count below is
/// worked out by hand from this list.
fn varied_fixtures() -> Vec<CallSummary> {
    use CallType::*;
    use RiskLevel as R;
    vec![
        // 2024/25
        // 1: 00:30 BST on 1 September 2024.
        with(
            call(
                at(2024, 8, 31, 23, 30),
                &["inspection.ofsted", "wellbeing.workload"],
                R::Low,
            ),
            |f| {
                f.duration_minutes = 20;
                f.employer = Some(Employer::LocalAuthority);
                f.caller_type = CallerType::FirstTime;
                f.follow_up.needed = true;
            },
        ),
        // 2
        with(
            call(
                at(2024, 10, 2, 9, 0),
                &["wellbeing.burnout_stress", "inspection"],
                R::Moderate,
            ),
            |f| {
                f.duration_minutes = 35;
                f.role = Role::DeputyOrAssistantHead;
                f.setting = Setting::Secondary;
                f.employer = Some(Employer::MultiAcademyTrust);
                f.region = Region::NorthWest;
                f.caller_type = CallerType::Repeat;
            },
        ),
        // 3: 23:59 GMT on 31 December.
        with(
            call(
                at(2024, 12, 31, 23, 59),
                &["risk_to_self.suicidal_thoughts", "wellbeing"],
                R::High,
            ),
            |f| {
                f.setting = Setting::Secondary;
                f.follow_up.needed = true;
            },
        ),
        // 4: 00:30 BST on 1 April 2025, the day after the clocks went forward.
        with(
            call(
                at(2025, 3, 31, 23, 30),
                &["send.ehcp", "send.funding", "funding.deficit"],
                R::Imminent,
            ),
            |f| {
                f.duration_minutes = 50;
                f.setting = Setting::Special;
                f.employer = Some(Employer::LocalAuthority);
                f.region = Region::NorthWest;
                f.caller_type = CallerType::Repeat;
                f.follow_up.needed = true;
            },
        ),
        // 5: a silent call.
        with(call(at(2025, 1, 5, 10, 0), &[], R::None), |f| {
            f.duration_minutes = 1;
            f.region = Region::Unknown;
        }),
        // 6: a hang-up at 23:59 BST on 31 August 2025, the year's last minute.
        with(call(at(2025, 8, 31, 22, 59), &[], R::None), |f| {
            f.duration_minutes = 0;
            f.call_type = HangUp;
            f.role = Role::Other;
            f.employer = Some(Employer::Other);
            f.region = Region::Wales;
            f.caller_type = CallerType::FirstTime;
        }),
        // 2023/24
        // 7: 23:59 BST on 31 August 2024.
        with(
            call(at(2024, 8, 31, 22, 59), &["inspection.ofsted"], R::Low),
            |f| {
                f.duration_minutes = 30;
                f.employer = Some(Employer::LocalAuthority);
                f.caller_type = CallerType::FirstTime;
            },
        ),
        // 8
        with(call(at(2023, 9, 1, 8, 0), &["send.ehcp"], R::None), |f| {
            f.duration_minutes = 40;
            f.role = Role::TrustLeader;
            f.setting = Setting::AllThrough;
            f.employer = Some(Employer::SingleAcademyTrust);
            f.region = Region::SouthEast;
            f.caller_type = CallerType::Repeat;
            f.follow_up.needed = true;
        }),
        // 9: information only, with a theme; 00:30 BST on 1 April 2024.
        with(
            call(at(2024, 3, 31, 23, 30), &["other.information"], R::None),
            |f| {
                f.duration_minutes = 5;
                f.call_type = InformationOnly;
            },
        ),
        // Outside both years.
        call(at(2025, 8, 31, 23, 0), &["premises.raac"], R::Low),
        call(at(2023, 8, 31, 22, 0), &["premises.raac"], R::Low),
    ]
}

fn varied_report() -> Report {
    Report::from_calls(
        Period::academic(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &ThemeCatalogue::shipped(),
        varied_fixtures(),
    )
    .unwrap()
}

#[test]
fn every_count_matches_the_hand_computed_table() {
    let report = varied_report();
    let scalars = [
        (
            "total",
            report.total_calls,
            report.previous_total_calls,
            (6, 3),
        ),
        (
            "substantive",
            report.substantive_calls,
            report.previous_substantive_calls,
            (4, 2),
        ),
        (
            "non-substantive",
            report.non_substantive_calls,
            report.previous_non_substantive_calls,
            (2, 1),
        ),
        (
            "minutes",
            report.total_minutes,
            report.previous_total_minutes,
            (116, 75),
        ),
        (
            "follow-up",
            report.calls_with_follow_up,
            report.previous_calls_with_follow_up,
            (3, 1),
        ),
        (
            "risk to self",
            report.risk_to_self_calls,
            report.previous_risk_to_self_calls,
            (1, 0),
        ),
    ];
    for (name, now, before, (n, b)) in scalars {
        assert_eq!((now, before), known(n, b), "{name}");
    }
    // Substantive lengths 20, 35, 10, 50 → (20 + 35) / 2; before 30, 40.
    assert_eq!(report.median_call_minutes, Some(27.5));
    assert_eq!(report.previous_median_call_minutes, Some(35.0));

    let expected = [
        ("inspection", (2, 1)),
        ("inspection.ofsted", (1, 1)),
        ("wellbeing", (3, 0)),
        ("wellbeing.workload", (1, 0)),
        ("wellbeing.burnout_stress", (1, 0)),
        ("risk_to_self", (1, 0)),
        ("send", (1, 1)),
        ("send.ehcp", (1, 1)),
        ("funding.deficit", (1, 0)),
        ("other", (0, 1)),
        ("other.information", (0, 1)),
        // Main theme: the first theme's category, information-only call included.
        ("main:inspection", (1, 1)),
        ("main:wellbeing", (1, 0)),
        ("main:risk_to_self", (1, 0)),
        ("main:send", (1, 1)),
        ("main:funding", (0, 0)),
        ("main:other", (0, 1)),
        ("risk:none", (2, 2)),
        ("risk:low", (1, 1)),
        ("risk:imminent", (1, 0)),
        ("role:headteacher", (4, 2)),
        ("role:deputy_or_assistant_head", (1, 0)),
        ("role:trust_leader", (0, 1)),
        ("role:other", (1, 0)),
        ("setting:primary", (3, 2)),
        ("setting:secondary", (2, 0)),
        ("setting:special", (1, 0)),
        ("setting:all_through", (0, 1)),
        ("employer:local_authority", (2, 1)),
        ("employer:multi_academy_trust", (1, 0)),
        ("employer:single_academy_trust", (0, 1)),
        ("employer:other", (1, 0)),
        ("employer:not_recorded", (2, 1)),
        ("region:london", (2, 2)),
        ("region:north_west", (2, 0)),
        ("region:unknown", (1, 0)),
        ("region:wales", (1, 0)),
        ("region:south_east", (0, 1)),
        ("caller:first_time", (2, 1)),
        ("caller:repeat", (2, 1)),
        ("caller:unknown", (2, 1)),
        // Months by local date: the BST calls move to September and April.
        ("month:2024-09", (1, 1)),
        ("month:2024-10", (1, 0)),
        ("month:2024-12", (1, 0)),
        ("month:2025-01", (1, 0)),
        ("month:2025-03", (0, 0)),
        ("month:2025-04", (1, 1)),
        ("month:2025-08", (1, 1)),
    ];
    for (id, (now, before)) in expected {
        assert_eq!(find(&report, id), known(now, before), "{id}");
    }
    let crosstab: Vec<(&str, &str, u64)> = report
        .categories_by_setting
        .iter()
        .flat_map(|row| {
            row.cells
                .iter()
                .filter(|c| c.calls != Some(0))
                .map(move |c| (row.id.as_str(), c.id.as_str(), c.calls.unwrap_or(0)))
        })
        .collect();
    assert_eq!(
        crosstab,
        [
            ("inspection", "primary", 1),
            ("inspection", "secondary", 1),
            ("send", "special", 1),
            ("funding", "special", 1),
            ("wellbeing", "primary", 1),
            ("wellbeing", "secondary", 2),
            ("risk_to_self", "secondary", 1),
        ]
    );
}

#[test]
fn every_breakdown_sums_to_the_total_and_months_are_the_periods() {
    let report = varied_report();
    let total = |rows: &[Count]| -> Pair {
        (
            rows.iter()
                .map(|c| c.calls.unwrap_or(0))
                .sum::<u64>()
                .into(),
            rows.iter()
                .map(|c| c.previous_calls.unwrap_or(0))
                .sum::<u64>()
                .into(),
        )
    };
    for rows in [
        &report.risk,
        &report.by_role,
        &report.by_setting,
        &report.by_employer,
        &report.by_region,
        &report.by_caller_type,
        &report.by_month,
    ] {
        assert_eq!(total(rows), known(6, 3), "{:?}", rows[0].id);
    }
    let months: Vec<&str> = report.by_month.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(months.len(), 12);
    assert_eq!((months[0], months[11]), ("2024-09", "2025-08"));
    assert_eq!(report.by_month[0].label, "Sep 2024");
    let calendar = Report::from_calls(
        Period::calendar(2025).unwrap(),
        DEFAULT_TIME_ZONE,
        &ThemeCatalogue::shipped(),
        varied_fixtures(),
    )
    .unwrap();
    assert_eq!(calendar.by_month[0].id, "2025-01");
    assert_eq!(calendar.by_month[11].id, "2025-12");
    // 00:00 BST on 1 September 2025 is in September 2025; a year earlier,
    // 00:30 BST on 1 September 2024 is in September 2024.
    assert_eq!(find(&calendar, "month:2025-09"), known(1, 1));
}

#[test]
fn shares_and_changes_follow_the_counts() {
    let report = varied_report();
    let wellbeing = report
        .themes
        .iter()
        .find(|t| t.count.id == "wellbeing")
        .unwrap();
    // 3 of 4 substantive calls; none before (no per cent from nothing).
    assert_eq!(wellbeing.share_of_substantive, Some(75.0));
    assert_eq!(wellbeing.previous_share_of_substantive, Some(0.0));
    assert_eq!(
        (wellbeing.count.change, wellbeing.count.change_percent),
        (Some(3), None)
    );
    let inspection = report
        .themes
        .iter()
        .find(|t| t.count.id == "inspection")
        .unwrap();
    assert_eq!(inspection.count.change_percent, Some(100));
    let role = report
        .by_role
        .iter()
        .find(|c| c.id == "trust_leader")
        .unwrap();
    assert_eq!((role.change, role.change_percent), (Some(-1), Some(-100)));
}

/// A report over `n` seeded synthetic calls in 2023 and 2024.
fn synthetic_report(n: usize, seed: u64) -> Report {
    let calls: Vec<CallSummary> = crate::synth::SyntheticCalls::new(seed, 2023, 2)
        .take(n)
        .map(|call| crate::model::tests::stored(call.facts))
        .collect();
    Report::from_calls(
        Period::calendar(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &ThemeCatalogue::shipped(),
        &calls,
    )
    .unwrap()
}

/// Withheld cells in a list of counts that sums to a published total.
fn withheld(rows: &[Count], previous: bool) -> usize {
    rows.iter()
        .filter(|c| {
            if previous {
                c.previous_calls.is_none()
            } else {
                c.calls.is_none()
            }
        })
        .count()
}

#[test]
fn suppression_withholds_small_counts_and_whatever_would_reveal_them() {
    for (n, k) in [(300, 5), (600, 10), (2000, 3), (120, 25)] {
        let exact = synthetic_report(n, n as u64);
        let mut report = exact.clone();
        report.suppress_below(k);
        assert_eq!(report.suppress_below, Some(k));
        let k = u64::from(k);
        // Every published count is the true one, and none is from 1 to k−1.
        let published = |now: &Count, truth: &Count| {
            for (shown, exact, flag) in [
                (now.calls, truth.calls, now.suppressed),
                (
                    now.previous_calls,
                    truth.previous_calls,
                    now.previous_suppressed,
                ),
            ] {
                assert_eq!(shown.is_none(), flag, "{}", now.id);
                if let Some(v) = shown {
                    assert_eq!(Some(v), exact, "{}", now.id);
                    assert!(v == 0 || v >= k, "{} = {v} published with k {k}", now.id);
                } else {
                    assert!(now.change.is_none() && now.change_percent.is_none());
                }
            }
        };
        let tables = |r: &Report| {
            vec![
                r.main_themes.clone(),
                r.risk.clone(),
                r.by_role.clone(),
                r.by_setting.clone(),
                r.by_employer.clone(),
                r.by_region.clone(),
                r.by_caller_type.clone(),
                r.by_month.clone(),
            ]
        };
        for (rows, truth) in tables(&report).iter().zip(tables(&exact)) {
            for (count, truth) in rows.iter().zip(&truth) {
                published(count, truth);
            }
            // Never exactly one withheld cell beside a published total.
            for previous in [false, true] {
                assert_ne!(withheld(rows, previous), 1, "{} k {k}", rows[0].id);
            }
        }
        for (theme, truth) in report.themes.iter().zip(&exact.themes) {
            published(&theme.count, &truth.count);
            if theme.count.calls.is_none() {
                assert_eq!(theme.share_of_substantive, None);
            }
            for (sub, truth) in theme.subthemes.iter().zip(&truth.subthemes) {
                published(sub, truth);
            }
        }
        // Cross-tab rows (with the category's count) and columns.
        for (row, theme) in report.categories_by_setting.iter().zip(&report.themes) {
            let mut cells = row.cells.clone();
            cells.push(theme.count.clone());
            for previous in [false, true] {
                assert_ne!(withheld(&cells, previous), 1, "row {} k {k}", row.id);
            }
        }
        for column in 0..report.by_setting.len() {
            let cells: Vec<Count> = report
                .categories_by_setting
                .iter()
                .map(|row| row.cells[column].clone())
                .collect();
            for previous in [false, true] {
                assert_ne!(withheld(&cells, previous), 1, "column {column} k {k}");
            }
        }
        // The narrative never names a theme whose count is withheld.
        for theme in &report.themes {
            if theme.count.calls.is_none() || theme.count.previous_calls.is_none() {
                let label = &theme.count.label;
                assert!(
                    report.narrative.iter().all(|s| !s.contains(label.as_str())),
                    "{label} in {:?}",
                    report.narrative
                );
            }
        }
    }
}

#[test]
fn suppression_in_json_is_null_and_flagged_and_derived_figures_go_too() {
    let mut report = varied_report();
    report.suppress_below(3);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["suppress_below"], 3);
    // Totals of 6 and 3 are not below 3: published.
    assert_eq!(json["total_calls"], 6);
    assert_eq!(json["previous_total_calls"], 3);
    let role = |id: &str| {
        json["by_role"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // Roles this year: headteacher 4, deputy 1, other 1. Both 1s are
    // withheld and protect each other, so headteacher's 4 stays.
    let deputy = role("deputy_or_assistant_head");
    assert_eq!(deputy["calls"], serde_json::Value::Null);
    assert_eq!(deputy["suppressed"], true);
    assert_eq!(deputy["change"], serde_json::Value::Null);
    assert_eq!(role("other")["suppressed"], true);
    assert_eq!(role("headteacher")["calls"], 4);
    assert_eq!(role("executive_headteacher")["calls"], 0);
    assert_eq!(role("executive_headteacher")["suppressed"], false);
    // Two substantive calls before: withheld, and with them the median.
    assert_eq!(json["previous_substantive_calls"], serde_json::Value::Null);
    assert_eq!(
        json["previous_median_call_minutes"],
        serde_json::Value::Null
    );
    // Round trip: what the app receives is what it can send back.
    let back: Report = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
    // A second, stricter pass keeps what was withheld and withholds more.
    let mut stricter = report.clone();
    stricter.suppress_below(5);
    assert_eq!(stricter.suppress_below, Some(5));
    assert_eq!(stricter.total_calls, Some(6));
    assert_eq!(stricter.previous_total_calls, None);
    let csv = to_csv(&stricter).unwrap();
    assert!(
        csv.contains("\nby_role,headteacher,calls,fewer than 5,fewer than 5\n"),
        "{csv}"
    );
}

#[test]
fn the_narrative_reads_the_numbers_and_respects_its_thresholds() {
    let mut report = varied_report();
    let set = |report: &mut Report, id: &str, now: u64, before: u64| {
        let theme = report.themes.iter_mut().find(|t| t.count.id == id).unwrap();
        theme.count.calls = Some(now);
        theme.count.previous_calls = Some(before);
    };
    for theme in &mut report.themes {
        theme.count.calls = Some(0);
        theme.count.previous_calls = Some(0);
    }
    set(&mut report, "inspection", 351, 412); // −15%: notable
    set(&mut report, "send", 120, 100); // +20%: notable, after the larger fall
    set(&mut report, "funding", 105, 100); // +5%: not notable
    set(&mut report, "premises", 12, 3); // small numbers: not notable
    report.total_calls = Some(1500);
    report.previous_total_calls = Some(1480);
    report.risk_to_self_calls = Some(30);
    report.previous_risk_to_self_calls = Some(20);
    assert_eq!(
        draft_narrative(&report),
        [
            "The helpline took 1,500 calls in 2024/25, compared with 1,480 in 2023/24.",
            "Calls about Inspection and accountability fell from 412 to 351 (\u{2212}15%).",
            "Calls about SEND and inclusion rose from 100 to 120 (+20%).",
            "Calls where risk to self was discussed rose from 20 to 30 (+50%).",
        ]
    );
    // A withheld count is not mentioned at all.
    report.themes[0].count.previous_calls = None;
    report.total_calls = None;
    let sentences = draft_narrative(&report);
    assert!(
        sentences
            .iter()
            .all(|s| !s.contains("Inspection") && !s.contains("1,500"))
    );
}

#[test]
fn html_presents_an_edited_narrative_and_escapes_text() {
    let mut report = varied_report();
    report.suppress_below(2);
    report.narrative = vec!["Edited by the <coordinator> & team.".into()];
    report.themes[0].count.label = "Inspection <script>alert(1)</script>".into();
    let html = to_html(&report);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en-GB\">"));
    assert!(html.contains("<p>Edited by the &lt;coordinator&gt; &amp; team.</p>"));
    assert!(!html.contains("<script"));
    assert!(html.contains("Inspection &lt;script&gt;"));
    assert_eq!(html.matches("<svg").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    assert!(html.contains("<caption>"));
    assert!(html.contains("<th scope=\"col\">2024/25</th>"));
    // Nothing to fetch: the only URL is the SVG namespace, which is a name.
    let urls = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(
        urls,
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(!html.contains(" src="));
    assert!(html.contains("@page { size: A4"));
}

#[test]
fn the_screen_and_the_printed_page_share_one_layout() {
    let mut report = synthetic_report(400, 3);
    report.suppress_below(5);
    let layout = ReportLayout::of(&report);
    let html = to_html(&report);
    let ids: Vec<&str> = layout.tables().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "themes",
            "main_themes",
            "categories_by_setting",
            "previous_categories_by_setting",
            "risk",
            "risk_to_self_calls",
            "by_month",
            "by_role",
            "by_employer",
            "by_caller_type",
            "by_setting",
            "by_region",
        ]
    );
    for table in layout.tables() {
        for row in &table.rows {
            assert_eq!(row.cells.len(), table.columns.len(), "{}", table.id);
        }
        // The page prints every table the screen shows, by its own caption.
        let caption = table.caption.replace('&', "&amp;");
        assert!(
            html.contains(&caption) || html.contains(&caption.replace('\'', "&#39;")),
            "{}",
            table.caption
        );
    }
    for chart in layout.charts() {
        assert!(html.contains(&chart.svg), "{}", chart.id);
    }
    for section in &layout.sections {
        assert!(
            html.contains(&format!(
                "<h2 id=\"{}\">{}</h2>",
                section.id, section.heading
            )),
            "{}",
            section.id
        );
    }
    // Every withheld value is the marker, on screen as on paper.
    let withheld: Vec<&Shown> = layout
        .tables()
        .flat_map(|t| t.rows.iter().flat_map(|r| &r.cells))
        .filter(|c| c.withheld)
        .collect();
    assert!(!withheld.is_empty());
    assert!(withheld.iter().all(|c| c.text == "fewer than 5"));
    assert_eq!(
        html.matches("<td class=\"withheld\">").count(),
        withheld.len()
    );
}

/// A report of calls all logged under theme list version 1, in every
/// format, exactly as Quietline wrote it before theme lists had versions:
/// `tests/fixtures/report-v1/`. Comparing years across versions must not
/// change a byte of such a report. Never regenerate these files to make
/// this test pass; `QUIETLINE_WRITE_REPORT_FIXTURES=1` writes them only
/// for a deliberate change of format, to be reviewed as a diff.
#[test]
fn a_version_1_report_is_byte_for_byte_what_it_was() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report-v1");
    let write = std::env::var_os("QUIETLINE_WRITE_REPORT_FIXTURES").is_some();
    let plain = synthetic_report(400, 3);
    let mut published = plain.clone();
    published.suppress_below(5);
    for (name, report) in [("plain", &plain), ("published", &published)] {
        let mut json = serde_json::to_string_pretty(report).unwrap();
        json.push('\n');
        for (extension, text) in [
            ("txt", to_text(report)),
            ("csv", to_csv(report).unwrap()),
            ("json", json),
            ("html", to_html(report)),
        ] {
            let path = dir.join(format!("{name}.{extension}"));
            if write {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            let before = std::fs::read_to_string(&path).unwrap();
            assert!(before == text, "{} changed", path.display());
        }
    }
}
