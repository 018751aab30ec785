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

/// Reports over calls logged under several theme list versions: the counts
/// worked out here from the raw calls and the catalogue's crosswalk, in
/// plain loops, against the report's.
pub(super) mod versions {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{CallId, NewCall};
    use crate::themes::category_of;
    use crate::themes::edit::{NewTheme, ThemeEdit, apply, start_draft};

    fn part(id: &str, label: &str) -> NewTheme {
        NewTheme {
            id: id.into(),
            label: label.into(),
            description: String::new(),
        }
    }

    /// `catalogue` with one more version made by `edits`.
    fn next(catalogue: &ThemeCatalogue, edits: &[ThemeEdit]) -> ThemeCatalogue {
        let mut draft = start_draft(catalogue);
        for edit in edits {
            draft = apply(catalogue, &draft, edit).unwrap();
        }
        catalogue.with_next(draft).unwrap()
    }

    /// The shipped list and a version 2 that splits Ofsted in three, merges
    /// threats into unreasonable behaviour, renames RAAC, adds SEND reform
    /// and a Trusts category, and retires information requests.
    pub(in crate::report) fn catalogue_v2() -> ThemeCatalogue {
        next(
            &ThemeCatalogue::shipped(),
            &[
                ThemeEdit::Split {
                    id: "inspection.ofsted".into(),
                    parts: vec![
                        part("report_card", "Report cards"),
                        part("monitoring", "Monitoring visits"),
                    ],
                },
                ThemeEdit::Merge {
                    ids: vec![
                        "parents.unreasonable_behaviour".into(),
                        "parents.threats".into(),
                    ],
                    label: "Unreasonable behaviour and threats".into(),
                },
                ThemeEdit::Rename {
                    id: "premises.raac".into(),
                    label: "RAAC and unsafe buildings".into(),
                    description: String::new(),
                },
                ThemeEdit::Add {
                    category: Some("send".into()),
                    theme: part("reform", "SEND reform"),
                },
                ThemeEdit::Add {
                    category: None,
                    theme: part("trusts", "Trusts"),
                },
                ThemeEdit::Retire {
                    id: "other.information".into(),
                },
            ],
        )
    }

    /// Version 2, then a version 3 that retires RAAC (renamed in 2), splits
    /// workload, and splits SEND reform (new in 2).
    fn catalogue_v3() -> ThemeCatalogue {
        next(
            &catalogue_v2(),
            &[
                ThemeEdit::Retire {
                    id: "premises.raac".into(),
                },
                ThemeEdit::Split {
                    id: "wellbeing.workload".into(),
                    parts: vec![part("hours", "Working hours")],
                },
                ThemeEdit::Split {
                    id: "send.reform".into(),
                    parts: vec![part("reform_funding", "Reform funding")],
                },
            ],
        )
    }

    /// Themes the generator picks often, so that every kind of change is
    /// named by many calls (those not in a version are skipped).
    const OFTEN: &[&str] = &[
        "inspection.ofsted",
        "inspection.report_card",
        "inspection.monitoring",
        "inspection",
        "parents.unreasonable_behaviour",
        "parents.threats",
        "premises.raac",
        "send.reform",
        "send.reform_funding",
        "trusts",
        "other.information",
        "other",
        "wellbeing.workload",
        "wellbeing.hours",
        "risk_to_self.self_harm",
    ];

    /// A small deterministic generator, so failures reproduce.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % below as u64) as usize
        }
    }

    /// `n` synthetic calls from 2024 to 2026, each logged under the version
    /// `version_of(call's local date, index)` says, with themes of that
    /// version: one to four, distinct, often from [`OFTEN`].
    pub(in crate::report) fn calls(
        catalogue: &ThemeCatalogue,
        n: usize,
        seed: u64,
        version_of: impl Fn(chrono::NaiveDate, usize) -> u32,
    ) -> Vec<(u32, NewCall)> {
        let mut rng = Lcg(seed);
        crate::synth::SyntheticCalls::new(seed, 2024, 3)
            .take(n)
            .enumerate()
            .map(|(i, mut call)| {
                let day = call
                    .facts
                    .started_at
                    .with_timezone(&DEFAULT_TIME_ZONE)
                    .date_naive();
                let version = version_of(day, i);
                let list = catalogue.version(version).unwrap();
                if !call.facts.themes.is_empty() {
                    let all: Vec<String> = list.all_ids().collect();
                    let often: Vec<&str> =
                        OFTEN.iter().copied().filter(|t| list.contains(t)).collect();
                    let wanted = 1 + rng.next(4);
                    let mut themes: Vec<String> = Vec::new();
                    while themes.len() < wanted {
                        let theme = if rng.next(2) == 0 {
                            often[rng.next(often.len())].to_string()
                        } else {
                            all[rng.next(all.len())].clone()
                        };
                        if !themes.contains(&theme) {
                            themes.push(theme);
                        }
                    }
                    call.facts.themes = themes;
                }
                (version, call)
            })
            .collect()
    }

    /// The calls as stored summaries, each with its version.
    pub(in crate::report) fn summaries(calls: &[(u32, NewCall)]) -> Vec<CallSummary> {
        calls
            .iter()
            .map(|(version, call)| {
                let mut summary = crate::model::tests::stored(call.facts.clone());
                summary.theme_list_version = *version;
                summary
            })
            .collect()
    }

    const THIS_YEAR: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();

    pub(in crate::report) fn period() -> Period {
        Period::academic(2025).unwrap()
    }

    /// Counts in both periods, `[this year, last year]`.
    type Both = [u64; 2];

    /// What the report should say, worked out call by call.
    #[derive(Debug, Default)]
    struct Expected {
        categories: BTreeMap<String, Both>,
        subthemes: BTreeMap<String, Both>,
        main: BTreeMap<String, Both>,
        by_setting: BTreeMap<(String, &'static str), Both>,
        retired: BTreeMap<String, Both>,
    }

    /// Straight from the crosswalk: a theme counts in a subtheme row when
    /// it became exactly that subtheme, in a category row when all it
    /// became is in that one category (for a retired theme: when its
    /// category became one category), and in a retired row when it became
    /// nothing.
    fn expected(catalogue: &ThemeCatalogue, calls: &[CallSummary], target: u32) -> Expected {
        let mut out = Expected::default();
        let (now, before) = (period(), period().previous());
        for call in calls {
            let at = call.facts.started_at;
            let p = if now.contains(at, DEFAULT_TIME_ZONE) {
                0
            } else if before.contains(at, DEFAULT_TIME_ZONE) {
                1
            } else {
                continue;
            };
            let u = call.theme_list_version;
            let (mut categories, mut subthemes, mut retired) =
                (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
            for (i, id) in call.facts.themes.iter().enumerate() {
                let d = catalogue.destination(u, id, target).unwrap();
                let mut landed: BTreeSet<String> =
                    d.now.iter().map(|t| category_of(t).to_string()).collect();
                if d.now.is_empty() {
                    let (v, old) = d.retired.clone().unwrap();
                    assert!(v < target && catalogue.label(v, &old).is_some());
                    retired.insert(old);
                    landed = catalogue
                        .destination(u, category_of(id), target)
                        .unwrap()
                        .now
                        .iter()
                        .map(|t| category_of(t).to_string())
                        .collect();
                }
                if landed.len() == 1 {
                    let category = landed.pop_first().unwrap();
                    if i == 0 {
                        out.main.entry(category.clone()).or_default()[p] += 1;
                    }
                    categories.insert(category);
                }
                if let [only] = &d.now[..] {
                    if only.contains('.') {
                        subthemes.insert(only.clone());
                    }
                }
            }
            for category in categories {
                let setting = call.facts.setting.id();
                out.by_setting
                    .entry((category.clone(), setting))
                    .or_default()[p] += 1;
                out.categories.entry(category).or_default()[p] += 1;
            }
            for s in subthemes {
                out.subthemes.entry(s).or_default()[p] += 1;
            }
            for r in retired {
                out.retired.entry(r).or_default()[p] += 1;
            }
        }
        out
    }

    /// How each row of the target version should compare.
    struct Rows<'a> {
        not_comparable: &'a [&'a str],
        new: &'a [&'a str],
    }

    impl Rows<'_> {
        fn check(&self, count: &Count, expected: Both) {
            let id = count.id.as_str();
            assert_eq!(count.calls, Some(expected[0]), "{id} this year");
            let not_comparable = self.not_comparable.contains(&id);
            let new = !not_comparable && self.new.contains(&id);
            if not_comparable || new {
                assert_eq!(count.previous_calls, None, "{id}");
                assert!(!count.comparable, "{id}");
                assert_eq!(count.new_theme, new, "{id}");
                assert!(!count.previous_suppressed, "{id}");
                assert_eq!((count.change, count.change_percent), (None, None), "{id}");
            } else {
                assert_eq!(count.previous_calls, Some(expected[1]), "{id} last year");
                assert!(count.comparable && !count.new_theme, "{id}");
            }
        }
    }

    /// Checks every category, subtheme, main-theme, cross-tab and retired
    /// row of `report` against the calls.
    fn check_report(
        report: &Report,
        catalogue: &ThemeCatalogue,
        calls: &[CallSummary],
        target: u32,
        rows: &Rows<'_>,
    ) -> Expected {
        assert_eq!(report.theme_list_version, target);
        let want = expected(catalogue, calls, target);
        let list = catalogue.version(target).unwrap();
        let at = |map: &BTreeMap<String, Both>, id: &str| map.get(id).copied().unwrap_or_default();
        assert_eq!(report.themes.len(), list.categories.len());
        for (theme, category) in report.themes.iter().zip(&list.categories) {
            assert_eq!(theme.count.id, category.id);
            assert_eq!(theme.count.label, category.label, "labels are the target's");
            rows.check(&theme.count, at(&want.categories, &category.id));
            assert_eq!(theme.subthemes.len(), category.subthemes.len());
            for sub in &theme.subthemes {
                rows.check(sub, at(&want.subthemes, &sub.id));
                assert_eq!(Some(sub.label.as_str()), list.label(&sub.id));
            }
            if !theme.count.comparable {
                assert_eq!(theme.previous_share_of_substantive, None);
            }
        }
        for count in &report.main_themes {
            rows.check(count, at(&want.main, &count.id));
        }
        for row in &report.categories_by_setting {
            for cell in &row.cells {
                let both = want
                    .by_setting
                    .get(&(
                        row.id.clone(),
                        Setting::ALL
                            .iter()
                            .find(|s| s.id() == cell.id)
                            .unwrap()
                            .id(),
                    ))
                    .copied()
                    .unwrap_or_default();
                let mut as_row = cell.clone();
                as_row.id = row.id.clone();
                rows.check(&as_row, both);
            }
        }
        let risk = at(&want.categories, RISK_TO_SELF_CATEGORY);
        assert_eq!(report.risk_to_self_calls, Some(risk[0]));
        assert_eq!(report.previous_risk_to_self_calls, Some(risk[1]));
        // Retired rows: named in either year, oldest version first.
        let retired: Vec<(&str, Both)> = report
            .retired_themes
            .iter()
            .map(|c| {
                assert!(c.comparable, "{}", c.id);
                (c.id.as_str(), [c.calls.unwrap(), c.previous_calls.unwrap()])
            })
            .collect();
        let mut named: Vec<(&str, Both)> = want
            .retired
            .iter()
            .map(|(id, both)| (id.as_str(), *both))
            .collect();
        named.sort_by_key(|(id, _)| retired.iter().position(|(r, _)| r == id));
        assert_eq!(retired, named);
        want
    }

    fn v2_rows() -> Rows<'static> {
        Rows {
            not_comparable: &[
                "inspection.ofsted",
                "inspection.report_card",
                "inspection.monitoring",
            ],
            new: &["send.reform", "trusts"],
        }
    }

    /// Last year under version 1, this year under version 2.
    fn v1_then_v2() -> (ThemeCatalogue, Vec<CallSummary>) {
        v1_then_v2_of(3000, 7)
    }

    /// `n` calls from 2024 to 2026: before this year under version 1,
    /// from it under version 2.
    pub(in crate::report) fn v1_then_v2_of(
        n: usize,
        seed: u64,
    ) -> (ThemeCatalogue, Vec<CallSummary>) {
        let catalogue = catalogue_v2();
        let calls = summaries(&calls(&catalogue, n, seed, |day, _| {
            if day < THIS_YEAR { 1 } else { 2 }
        }));
        (catalogue, calls)
    }

    /// Withheld cells among those a reader sees: a previous count that is
    /// not comparable is shown as such, so it is not one.
    fn withheld_shown(rows: &[Count], previous: bool) -> usize {
        rows.iter()
            .filter(|c| {
                if previous {
                    c.comparable && c.previous_calls.is_none()
                } else {
                    c.calls.is_none()
                }
            })
            .count()
    }

    #[test]
    fn suppression_withholds_no_comparison_and_leaves_nothing_to_work_out() {
        for (n, k) in [(3000, 5), (600, 5), (1500, 10), (3000, 200)] {
            let (catalogue, calls) = v1_then_v2_of(n, n as u64);
            let exact =
                Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
            let mut report = exact.clone();
            report.suppress_below(k);
            let k = u64::from(k);
            let same = |now: &Count, truth: &Count| {
                assert_eq!(
                    (now.comparable, now.new_theme),
                    (truth.comparable, truth.new_theme),
                    "{}",
                    now.id
                );
                assert_eq!(now.calls.is_none(), now.suppressed, "{}", now.id);
                if now.comparable {
                    assert_eq!(
                        now.previous_calls.is_none(),
                        now.previous_suppressed,
                        "{}",
                        now.id
                    );
                } else {
                    // Not comparable: never a withheld count.
                    assert_eq!(now.previous_calls, None, "{}", now.id);
                    assert!(!now.previous_suppressed, "{} k {k}", now.id);
                }
                for (shown, truth) in [
                    (now.calls, truth.calls),
                    (now.previous_calls, truth.previous_calls),
                ] {
                    if let Some(v) = shown {
                        assert_eq!(Some(v), truth, "{}", now.id);
                        assert!(v == 0 || v >= k, "{} = {v} published, k {k}", now.id);
                    }
                }
                if now.calls.is_none() || now.previous_calls.is_none() {
                    assert_eq!((now.change, now.change_percent), (None, None));
                }
            };
            for (theme, truth) in report.themes.iter().zip(&exact.themes) {
                same(&theme.count, &truth.count);
                for (sub, truth) in theme.subthemes.iter().zip(&truth.subthemes) {
                    same(sub, truth);
                }
            }
            // Retired rows: the same rule as any row.
            assert_eq!(report.retired_themes.len(), exact.retired_themes.len());
            for (row, truth) in report.retired_themes.iter().zip(&exact.retired_themes) {
                same(row, truth);
            }
            if k == 200 {
                assert!(
                    report.retired_themes.iter().any(|r| r.previous_suppressed),
                    "{:?}",
                    report.retired_themes
                );
            }
            let tables = |r: &Report| {
                vec![
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
                    same(count, truth);
                }
                for previous in [false, true] {
                    let mut cells = rows.clone();
                    let total = if previous {
                        report.previous_total_calls
                    } else {
                        report.total_calls
                    };
                    let mut margin = Count::new("total", "", 0, 0);
                    (margin.calls, margin.previous_calls) = (total, total);
                    cells.push(margin);
                    assert_ne!(withheld_shown(&cells, previous), 1, "{} k {k}", rows[0].id);
                }
            }
            // Main themes: the sum is assumed known, so never one withheld
            // among the counts shown.
            for (count, truth) in report.main_themes.iter().zip(&exact.main_themes) {
                same(count, truth);
            }
            for previous in [false, true] {
                assert_ne!(
                    withheld_shown(&report.main_themes, previous),
                    1,
                    "main k {k}"
                );
            }
            // Cross-tab rows (with the category's count) and columns.
            for ((row, theme), truth) in report
                .categories_by_setting
                .iter()
                .zip(&report.themes)
                .zip(&exact.categories_by_setting)
            {
                for (cell, truth) in row.cells.iter().zip(&truth.cells) {
                    same(cell, truth);
                }
                let mut cells = row.cells.clone();
                cells.push(theme.count.clone());
                for previous in [false, true] {
                    assert_ne!(withheld_shown(&cells, previous), 1, "row {} k {k}", row.id);
                }
            }
            for column in 0..report.by_setting.len() {
                let cells: Vec<Count> = report
                    .categories_by_setting
                    .iter()
                    .map(|row| row.cells[column].clone())
                    .collect();
                for previous in [false, true] {
                    assert_ne!(withheld_shown(&cells, previous), 1, "column {column} k {k}");
                }
            }
            // Risk to self is the category's count under another name.
            let risk = report
                .themes
                .iter()
                .find(|t| t.count.id == RISK_TO_SELF_CATEGORY)
                .unwrap();
            assert_eq!(report.risk_to_self_calls, risk.count.calls);
            assert_eq!(
                report.previous_risk_to_self_calls,
                risk.count.previous_calls
            );
        }
    }

    #[test]
    fn a_year_under_version_2_compares_with_a_year_under_version_1() {
        let (catalogue, calls) = v1_then_v2();
        let report = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
        let want = check_report(&report, &catalogue, &calls, 2, &v2_rows());
        assert_eq!(report.earlier_theme_list_versions, [1]);

        let theme = |id: &str| report.themes.iter().find(|t| t.count.id == id).unwrap();
        let sub = |id: &str| {
            report
                .themes
                .iter()
                .flat_map(|t| &t.subthemes)
                .find(|s| s.id == id)
                .unwrap()
        };
        // The split theme's category compares, with every call once.
        let inspection = &theme("inspection").count;
        assert!(inspection.comparable);
        assert!(inspection.previous_calls.unwrap() > 20);
        let last_year_inspection = calls
            .iter()
            .filter(|c| {
                period()
                    .previous()
                    .contains(c.facts.started_at, DEFAULT_TIME_ZONE)
            })
            .filter(|c| {
                c.facts
                    .themes
                    .iter()
                    .any(|t| category_of(t) == "inspection")
            })
            .count() as u64;
        assert_eq!(inspection.previous_calls, Some(last_year_inspection));
        // The merged row's last year is the union of its two themes.
        let merged = sub("parents.unreasonable_behaviour");
        let either = |c: &&CallSummary| {
            c.facts
                .themes
                .iter()
                .any(|t| t == "parents.unreasonable_behaviour" || t == "parents.threats")
        };
        let last_year: Vec<&CallSummary> = calls
            .iter()
            .filter(|c| {
                period()
                    .previous()
                    .contains(c.facts.started_at, DEFAULT_TIME_ZONE)
            })
            .filter(either)
            .collect();
        let both = last_year
            .iter()
            .filter(|c| {
                c.facts
                    .themes
                    .iter()
                    .filter(|t| t.starts_with("parents.unreasonable") || *t == "parents.threats")
                    .count()
                    == 2
            })
            .count();
        assert!(both > 0, "some calls name both merged themes");
        assert_eq!(merged.previous_calls, Some(last_year.len() as u64));
        assert_eq!(merged.label, "Unreasonable behaviour and threats");
        // The renamed theme keeps its count under its new label.
        let raac = sub("premises.raac");
        assert!(raac.comparable && raac.previous_calls.unwrap() > 0);
        assert_eq!(raac.label, "RAAC and unsafe buildings");
        // New themes have no previous count, and say so.
        assert!(sub("send.reform").new_theme && theme("trusts").count.new_theme);
        assert!(theme("trusts").count.calls.unwrap() > 0);
        // The retired theme lists last year's calls under its old label.
        let [retired] = &report.retired_themes[..] else {
            panic!("{:?}", report.retired_themes)
        };
        assert_eq!(retired.id, "other.information");
        assert_eq!(retired.label, "Information request");
        assert_eq!(retired.calls, Some(0));
        assert!(retired.previous_calls.unwrap() > 0);
        assert_eq!(
            retired.previous_calls,
            Some(want.retired["other.information"][1])
        );
        // Its calls still count in "Other" last year.
        let other = &theme("other").count;
        assert!(other.previous_calls.unwrap() >= retired.previous_calls.unwrap());

        // The narrative never calls a change on a split row, and says once
        // that some themes are not compared.
        for label in [
            "Ofsted",
            "Report cards",
            "Monitoring visits",
            "SEND reform",
            "Trusts",
        ] {
            assert!(
                report.narrative.iter().all(|s| !s.contains(label)),
                "{label} in {:?}",
                report.narrative
            );
        }
        let note = "Some themes changed between theme list versions 1 and 2 and are not compared with last year.";
        assert_eq!(
            report.narrative.iter().filter(|s| *s == note).count(),
            1,
            "{:?}",
            report.narrative
        );
    }

    #[test]
    fn a_year_with_calls_under_both_versions_compares_the_same_way() {
        let catalogue = catalogue_v2();
        // Until November this year, some volunteers still log under version 1.
        let switch = chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let calls = summaries(&calls(&catalogue, 3000, 8, |day, i| {
            if day < THIS_YEAR || (day < switch && i % 3 != 0) {
                1
            } else {
                2
            }
        }));
        let report = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
        let want = check_report(&report, &catalogue, &calls, 2, &v2_rows());
        // Version-1 calls this year name the retired theme too.
        assert!(want.retired["other.information"][0] > 0);
        assert!(report.retired_themes[0].calls.unwrap() > 0);
        // Version-1 calls this year about Ofsted count in the category only.
        let ofsted_v1_now = calls
            .iter()
            .filter(|c| {
                c.theme_list_version == 1
                    && period().contains(c.facts.started_at, DEFAULT_TIME_ZONE)
            })
            .filter(|c| c.facts.themes.iter().any(|t| t == "inspection.ofsted"))
            .count();
        assert!(ofsted_v1_now > 0);
    }

    #[test]
    fn a_store_counts_the_same_from_its_pages_and_its_records_across_versions() {
        use crate::crypto::Passphrase;
        use crate::store::{ProfileChange, ProfileRecord, Vault};
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, _) = Vault::create(
            &dir.path().join("store"),
            &Passphrase::new("a test passphrase"),
        )
        .unwrap();
        let catalogue = catalogue_v2();
        let switch = chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let all = calls(&catalogue, 1500, 21, |day, i| {
            if day < THIS_YEAR || (day < switch && i % 3 != 0) {
                1
            } else {
                2
            }
        });
        let now = Utc.with_ymd_and_hms(2027, 1, 1, 9, 0, 0).unwrap();
        // Logged while the store knows only version 1, then under version 2
        // once the coordinator's profile brings it: the months of this
        // year hold calls of both versions on the same report pages.
        for version in [1, 2] {
            if version == 2 {
                let change = ProfileChange {
                    themes: catalogue.clone(),
                    settings: vault.settings().clone(),
                    record: ProfileRecord::default(),
                };
                vault.apply_profile(change).unwrap();
                // Version 2 known, every call still under 1: counted in 1.
                let pages = Report::for_vault(&vault, period()).unwrap();
                assert_eq!(pages.theme_list_version, 1);
                assert_eq!(
                    pages,
                    Report::for_vault_from_records(&vault, period()).unwrap()
                );
            }
            let mut batch = vault.begin_import(now).unwrap();
            for (_, call) in all.iter().filter(|(v, _)| *v == version) {
                batch.add(call).unwrap();
            }
            batch.commit().unwrap();
        }
        let stored = vault.all_calls().unwrap();
        let logged = |v: u32| stored.iter().filter(|c| c.theme_list_version == v).count();
        let wanted = |v: u32| all.iter().filter(|(u, _)| *u == v).count();
        assert_eq!((logged(1), logged(2)), (wanted(1), wanted(2)));

        let pages = Report::for_vault(&vault, period()).unwrap();
        let records = Report::for_vault_from_records(&vault, period()).unwrap();
        assert_eq!(pages, records);
        let from_calls =
            Report::from_calls(period(), DEFAULT_TIME_ZONE, vault.themes(), &stored).unwrap();
        assert_eq!(pages, from_calls);
        check_report(&pages, &catalogue, &stored, 2, &v2_rows());
        assert_eq!(to_csv(&pages).unwrap(), to_csv(&records).unwrap());
        // A calendar year too; and 2027 against 2026, every call of which
        // is under version 2, so the pages need no pass over versions.
        for year in [2025, 2027] {
            let calendar = Period::calendar(year).unwrap();
            let pages = Report::for_vault(&vault, calendar).unwrap();
            assert_eq!(pages.theme_list_version, 2);
            assert_eq!(
                pages.earlier_theme_list_versions.is_empty(),
                year == 2027,
                "{year}"
            );
            assert_eq!(
                pages,
                Report::for_vault_from_records(&vault, calendar).unwrap()
            );
        }
    }

    #[test]
    fn a_chain_of_three_versions_lands_every_call_in_the_newest() {
        let catalogue = catalogue_v3();
        let march = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let calls = summaries(&calls(&catalogue, 3000, 9, |day, _| {
            if day < THIS_YEAR {
                1
            } else if day < march {
                2
            } else {
                3
            }
        }));
        let report = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
        let rows = Rows {
            not_comparable: &[
                "inspection.ofsted",
                "inspection.report_card",
                "inspection.monitoring",
                "wellbeing.workload",
                "wellbeing.hours",
                "send.reform",
                "send.reform_funding",
            ],
            new: &["trusts"],
        };
        let want = check_report(&report, &catalogue, &calls, 3, &rows);
        assert_eq!(report.earlier_theme_list_versions, [1, 2]);
        let retired: Vec<(&str, &str)> = report
            .retired_themes
            .iter()
            .map(|c| (c.id.as_str(), c.label.as_str()))
            .collect();
        assert_eq!(
            retired,
            [
                ("other.information", "Information request"),
                ("premises.raac", "RAAC and unsafe buildings"),
            ]
        );
        // RAAC calls of both years (logged under 1 and 2) are in its row.
        assert!(want.retired["premises.raac"].iter().all(|n| *n > 0));
        assert!(
            report
                .narrative
                .iter()
                .any(|s| s.contains("between theme list versions 1 and 3"))
        );
    }

    #[test]
    fn the_report_counts_in_the_newest_version_its_calls_name() {
        // A store that knows version 2 but whose calls are all version 1
        // reports in version 1, exactly as the shipped list alone would.
        let catalogue = catalogue_v2();
        let calls = summaries(&calls(&catalogue, 800, 3, |_, _| 1));
        let with_v2 = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
        let shipped = Report::from_calls(
            period(),
            DEFAULT_TIME_ZONE,
            &ThemeCatalogue::shipped(),
            &calls,
        )
        .unwrap();
        assert_eq!(with_v2, shipped);
        assert_eq!(with_v2.theme_list_version, 1);
        assert_eq!(to_html(&with_v2), to_html(&shipped));
        // With no calls at all, the current version.
        let empty = Report::from_calls(
            period(),
            DEFAULT_TIME_ZONE,
            &catalogue,
            &[] as &[CallSummary],
        )
        .unwrap();
        assert_eq!(empty.theme_list_version, 2);
        assert!(empty.themes.iter().all(|t| t.count.comparable));
        assert!(empty.narrative.iter().all(|s| !s.contains("theme list")));
    }

    #[test]
    fn fail_a_call_under_a_version_the_store_does_not_know() {
        let mut calls = summaries(&calls(&ThemeCatalogue::shipped(), 50, 4, |_, _| 1));
        let inside = calls
            .iter_mut()
            .find(|c| period().contains(c.facts.started_at, DEFAULT_TIME_ZONE))
            .unwrap();
        inside.theme_list_version = 3;
        let id = inside.id;
        let err = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue_v2(), &calls)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "call {id} was logged under theme list version 3, which this store does not know; import the helpline's current profile"
            )
        );
        let _: CallId = id;
    }

    #[test]
    fn every_format_says_what_does_not_compare() {
        let (catalogue, calls) = v1_then_v2();
        let report = Report::from_calls(period(), DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
        let note = report.theme_versions_note().unwrap();
        assert_eq!(
            note,
            "Theme list version 2 changed some themes; calls logged under version 1 are counted in its themes. \
             Themes marked “not comparable” were split from an earlier theme, so last year's calls cannot be \
             divided between them; they are compared at category level only. Themes marked “new theme” were \
             not in last year's theme list. Retired themes are listed separately."
        );
        // JSON: a split row and a retired row.
        let json = serde_json::to_value(&report).unwrap();
        let inspection = &json["themes"][0];
        let split = &inspection["subthemes"][1];
        assert_eq!(split["id"], "inspection.report_card");
        assert_eq!(split["previous_calls"], serde_json::Value::Null);
        assert_eq!(split["comparable"], false);
        assert_eq!(split["previous_suppressed"], false);
        assert!(split.get("new_theme").is_none());
        assert!(inspection.get("comparable").is_none(), "{inspection}");
        assert_eq!(json["retired_themes"][0]["id"], "other.information");
        assert_eq!(json["earlier_theme_list_versions"], serde_json::json!([1]));
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);

        let text = to_text(&report);
        let line = |start: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(start))
                .unwrap_or_else(|| panic!("{start} in {text}"))
        };
        let ofsted = line("Report cards");
        assert!(ofsted.contains("not comparable"), "{ofsted}");
        assert_eq!(
            ofsted.chars().count(),
            line("Inspection and accountability").chars().count(),
            "a not-comparable row ends where the others do"
        );
        assert!(line("SEND reform").contains("new theme"));
        assert!(text.contains("\nRetired themes "));
        let retired = line("Information request");
        let last_year = report.retired_themes[0].previous_calls.unwrap();
        assert!(
            retired.ends_with(&format!(" 0 {last_year:>13}")),
            "{retired}"
        );
        assert!(text.contains(&format!("\nNote: {note}\n")));

        let csv = to_csv(&report).unwrap();
        let report_cards = report.themes[0].subthemes[1].calls.unwrap();
        assert!(csv.contains(&format!(
            "\nsubthemes,inspection.report_card,calls,{report_cards},not comparable\n"
        )));
        assert!(csv.contains("\nthemes,trusts,calls,"));
        assert!(
            csv.lines()
                .any(|l| l.starts_with("themes,trusts,calls,") && l.ends_with(",new theme"))
        );
        assert!(csv.contains("\nretired_themes,other.information,calls,0,"));
        let last = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .last()
            .unwrap()
            .unwrap();
        assert_eq!(
            last.iter().collect::<Vec<_>>(),
            ["notes", "theme_list_versions", "text", note.as_str(), ""]
        );

        let layout = ReportLayout::of(&report);
        let retired = layout.table("retired_themes").unwrap();
        assert_eq!(retired.rows.len(), 1);
        assert_eq!(retired.rows[0].label, "Information request");
        assert_eq!(retired.columns.len(), 2, "no change for a retired theme");
        assert_eq!(retired.rows[0].cells.len(), 2);
        let themes = layout.table("themes").unwrap();
        let row = themes
            .rows
            .iter()
            .find(|r| r.label == "Report cards")
            .unwrap();
        assert_eq!(row.cells[1].text, "not comparable");
        assert!(!row.cells[1].withheld);
        assert_eq!(row.cells[2].text, "–");
        let notes: Vec<&str> = layout
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Note { text } if text.starts_with("Theme list") => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(notes, [note.as_str()]);
        let trusts = layout
            .table("previous_categories_by_setting")
            .unwrap()
            .rows
            .iter()
            .find(|r| r.label == "Trusts")
            .unwrap();
        assert!(
            trusts
                .cells
                .iter()
                .all(|c| c.text == "new theme" && !c.withheld)
        );

        let html = to_html(&report);
        assert!(html.contains("<td>not comparable</td>"));
        assert!(html.contains("<td>new theme</td>"));
        assert!(html.contains(r#"<h2 id="retired">Retired themes</h2>"#));
        assert!(html.contains(&format!(
            r#"<p class="note">{}</p>"#,
            crate::report::format::escape(&note)
        )));
        assert!(
            !html.contains(r#"<td class="withheld">"#),
            "nothing is withheld"
        );
        // Trusts is a new category: its bar for last year says so.
        let chart = theme_chart(&report);
        assert!(
            chart.contains(r#"font-style="italic">new theme</text>"#),
            "{chart}"
        );
        assert!(chart.contains("Trusts: "));
    }
}

#[test]
fn a_label_too_long_for_the_text_column_keeps_the_numbers_lined_up() {
    let themes = ThemeCatalogue::shipped();
    let mut report = Report::from_calls(
        Period::academic(2024).unwrap(),
        DEFAULT_TIME_ZONE,
        &themes,
        fixtures(),
    )
    .unwrap();
    let long = "A theme label of the kind a coordinator may well write out in full";
    report.themes[0].subthemes[0].label = long.into();
    let text = to_text(&report);
    let at = text.find(long).unwrap();
    let next: Vec<&str> = text[at..].lines().take(2).collect();
    assert_eq!(next[0].trim(), long, "the label has a line of its own");
    let numbers = next[1];
    assert!(numbers[..44].trim().is_empty(), "{numbers:?}");
    let header = text.lines().find(|l| l.starts_with("Themes")).unwrap();
    assert_eq!(
        numbers.chars().count(),
        header.chars().count(),
        "{numbers:?}"
    );
}
