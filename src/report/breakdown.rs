//! Turns the two periods' counters into the report's tables: every table
//! lists every row (zeros included) in a fixed order, so a reader can compare
//! years and the tables line up across reports.

use super::counts::{Comparison, Count, CrossTabRow, PeriodInfo, Report, ThemeCount};
use super::narrative::draft_narrative;
use super::tally::{Counter, EMPLOYER_SLOTS, RISK_TO_SELF_CATEGORY, Tally};
use super::versions::Comparisons;
use crate::model::{CallerType, Employer, Region, RiskLevel, Role, Setting};

/// The id and label of the `by_employer` cell for calls with no employer.
pub const EMPLOYER_NOT_RECORDED: (&str, &str) = ("not_recorded", "Not recorded");

/// One cell per value of a closed list, from parallel counters.
fn table<T: Copy>(
    all: &[T],
    id: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    now: &[u64],
    before: &[u64],
) -> Vec<Count> {
    all.iter()
        .enumerate()
        .map(|(i, &value)| Count::new(id(value), label(value), now[i], before[i]))
        .collect()
}

/// A share in per cent to one decimal place, or `None` out of nothing.
pub(super) fn share(part: Option<u64>, whole: Option<u64>) -> Option<f64> {
    match (part, whole) {
        (Some(part), Some(whole)) if whole > 0 => {
            Some((part as f64 / whole as f64 * 1000.0).round() / 10.0)
        }
        _ => None,
    }
}

fn month_label(month: crate::period::LocalMonth) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = NAMES.get(month.month as usize - 1).copied().unwrap_or("?");
    format!("{name} {}", month.year)
}

/// The report's tables from the counters, each theme row marked as
/// `comparisons` says, the older versions some calls were logged under, and
/// the retired themes (`retired`: each row's id and
/// label) that were named in either period.
pub(super) fn assemble(
    counter: &Counter<'_>,
    comparisons: &Comparisons,
    earlier_versions: Vec<u32>,
    retired: &[(String, String)],
) -> Report {
    let (now, before): (&Tally, &Tally) = (&counter.now, &counter.before);
    let list = counter.list;
    let (period, tz) = (counter.calendar.period, counter.calendar.tz);
    let substantive = (Some(now.substantive), Some(before.substantive));
    let compared = |mut count: Count, category: &str| {
        count.compare(comparisons.of(category));
        count
    };
    let themes = list
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let count = compared(
                Count::new(
                    &category.id,
                    &category.label,
                    now.categories[c],
                    before.categories[c],
                ),
                &category.id,
            );
            ThemeCount {
                share_of_substantive: share(count.calls, substantive.0),
                previous_share_of_substantive: share(count.previous_calls, substantive.1),
                count,
                subthemes: category
                    .subthemes
                    .iter()
                    .enumerate()
                    .map(|(s, sub)| {
                        let id = format!("{}.{}", category.id, sub.id);
                        let count = Count::new(
                            &id,
                            &sub.label,
                            now.subthemes[c][s],
                            before.subthemes[c][s],
                        );
                        compared(count, &id)
                    })
                    .collect(),
            }
        })
        .collect();
    let main_themes = list
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let count = Count::new(
                &category.id,
                &category.label,
                now.main_categories[c],
                before.main_categories[c],
            );
            compared(count, &category.id)
        })
        .collect();
    let mut by_employer = table(
        Employer::ALL,
        Employer::id,
        Employer::label,
        &now.employers,
        &before.employers,
    );
    by_employer.push(Count::new(
        EMPLOYER_NOT_RECORDED.0,
        EMPLOYER_NOT_RECORDED.1,
        now.employers[EMPLOYER_SLOTS - 1],
        before.employers[EMPLOYER_SLOTS - 1],
    ));
    let by_month = period
        .months()
        .iter()
        .enumerate()
        .map(|(i, month)| {
            Count::new(
                month.to_string(),
                month_label(*month),
                now.months[i],
                before.months[i],
            )
        })
        .collect();
    let categories_by_setting = list
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| CrossTabRow {
            id: category.id.clone(),
            label: category.label.clone(),
            cells: table(
                Setting::ALL,
                Setting::id,
                Setting::label,
                &now.category_by_setting[c],
                &before.category_by_setting[c],
            )
            .into_iter()
            .map(|cell| compared(cell, &category.id))
            .collect(),
        })
        .collect();
    let retired_themes = retired
        .iter()
        .enumerate()
        .filter(|(r, _)| now.retired[*r] > 0 || before.retired[*r] > 0)
        .map(|(r, (id, label))| Count::new(id, label, now.retired[r], before.retired[r]))
        .collect();
    let risk_to_self_compares = comparisons.of(RISK_TO_SELF_CATEGORY) == Comparison::Comparable;
    let mut report = Report {
        period: PeriodInfo::of(&period),
        previous_period: PeriodInfo::of(&period.previous()),
        time_zone: tz.name().to_string(),
        theme_list_version: list.version,
        earlier_theme_list_versions: earlier_versions,
        suppress_below: None,
        total_calls: Some(now.calls),
        previous_total_calls: Some(before.calls),
        substantive_calls: Some(now.substantive),
        previous_substantive_calls: Some(before.substantive),
        non_substantive_calls: Some(now.calls - now.substantive),
        previous_non_substantive_calls: Some(before.calls - before.substantive),
        total_minutes: Some(now.minutes),
        previous_total_minutes: Some(before.minutes),
        median_call_minutes: now.median_substantive_minutes(),
        previous_median_call_minutes: before.median_substantive_minutes(),
        calls_with_follow_up: Some(now.follow_up),
        previous_calls_with_follow_up: Some(before.follow_up),
        risk_to_self_calls: Some(now.risk_to_self),
        previous_risk_to_self_calls: risk_to_self_compares.then_some(before.risk_to_self),
        themes,
        main_themes,
        risk: table(
            RiskLevel::ALL,
            RiskLevel::id,
            RiskLevel::label,
            &now.risk,
            &before.risk,
        ),
        by_role: table(Role::ALL, Role::id, Role::label, &now.roles, &before.roles),
        by_setting: table(
            Setting::ALL,
            Setting::id,
            Setting::label,
            &now.settings,
            &before.settings,
        ),
        by_employer,
        by_region: table(
            Region::ALL,
            Region::id,
            Region::label,
            &now.regions,
            &before.regions,
        ),
        by_caller_type: table(
            CallerType::ALL,
            CallerType::id,
            CallerType::label,
            &now.caller_types,
            &before.caller_types,
        ),
        by_month,
        categories_by_setting,
        retired_themes,
        narrative: Vec::new(),
    };
    report.narrative = draft_narrative(&report);
    report
}
