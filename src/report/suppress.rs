//! Disclosure control for publication: withholding small counts, and the
//! counts that would let someone work them out again.
//!
//! # The algorithm
//!
//! Each period (this year, the year before) is treated separately, as a flat
//! list of cells and a list of *groups*. A group is a set of cells bound by
//! an exact sum: some *parts* and, when it is itself a published count, the
//! *margin* they add up to (a breakdown's cells and the total calls; a row of
//! the categories-by-setting table and the category's count). Where the sum
//! is not published (a column of the cross-tab, the main-theme table) the
//! group has no margin and the sum is assumed known anyway, to be safe.
//!
//! 1. **Primary suppression:** every count from 1 to K−1 is withheld. Zero is
//!    not: "nobody called about this" identifies no one.
//! 2. **Secondary suppression:** a group with exactly one withheld cell lets
//!    a reader recover it by subtraction (margin minus the other parts), so
//!    one more cell of that group is withheld: the smallest non-zero
//!    published part (least information lost), else a zero part, else the
//!    margin. Withholding that cell may leave another group with exactly one
//!    withheld cell, so this repeats until every group has none or at least
//!    two. It ends because each round withholds a cell and cells are finite.
//!
//! Afterwards no group has exactly one withheld cell, so no withheld count
//! is the difference between published ones, and a reader has nowhere to
//! start a chain of such subtractions. This is the classic hypercube-free
//! "at least two per line" rule, not a full linear-programming audit: a
//! reader may still narrow a withheld count to a range, which for a
//! helpline's yearly figures is accepted practice.
//!
//! Categories and subthemes are *not* groups: a call may name several
//! categories, and several subthemes or only the category, so those counts
//! do not add up to any published total. Nor are retired themes.
//!
//! A previous-period count that is not comparable across theme list
//! versions ([`Count::comparable`]) is not a cell at all: it is not
//! published, but it is not withheld either, so it protects nothing. Left
//! out of every group, it can never be the second withheld cell that
//! spares a published one.

use super::breakdown::share;
use super::counts::{Count, Report};
use super::tally::RISK_TO_SELF_CATEGORY;

/// Cells bound by an exact sum: `parts` add up to `margin`, or to a sum
/// assumed known when `margin` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    pub margin: Option<usize>,
    pub parts: Vec<usize>,
}

impl Group {
    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.margin.into_iter().chain(self.parts.iter().copied())
    }
}

/// Which cells to withhold, given each cell's value (`None` if already
/// withheld) and the groups binding them. See the module documentation.
pub(super) fn suppression_pattern(values: &[Option<u64>], groups: &[Group], k: u64) -> Vec<bool> {
    let mut withheld: Vec<bool> = values
        .iter()
        .map(|v| v.is_none_or(|n| (1..k).contains(&n)))
        .collect();
    loop {
        let mut changed = false;
        for group in groups {
            if group.members().filter(|&i| withheld[i]).count() == 1 {
                if let Some(next) = second_cell(group, values, &withheld) {
                    withheld[next] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return withheld;
        }
    }
}

/// The cell to withhold beside a group's lone withheld one.
fn second_cell(group: &Group, values: &[Option<u64>], withheld: &[bool]) -> Option<usize> {
    let published = |i: &usize| !withheld[*i];
    let value = |i: &usize| values[*i].unwrap_or(0);
    let parts = || group.parts.iter().copied().filter(published);
    parts()
        .filter(|i| value(i) > 0)
        .min_by_key(value)
        .or_else(|| parts().next())
        .or_else(|| group.margin.filter(published))
}

/// A count the pattern may withhold: its value and, for table cells, the
/// flag that says so in JSON.
struct Slot<'r> {
    value: &'r mut Option<u64>,
    flag: Option<&'r mut bool>,
}

/// One period's cells and groups, borrowed from a report.
#[derive(Default)]
struct Layout<'r> {
    slots: Vec<Slot<'r>>,
    groups: Vec<Group>,
}

impl<'r> Layout<'r> {
    fn push(&mut self, value: &'r mut Option<u64>, flag: Option<&'r mut bool>) -> usize {
        self.slots.push(Slot { value, flag });
        self.slots.len() - 1
    }

    /// Adds a count's cell for one period; none for a previous count that
    /// is not comparable, which is neither published nor withheld.
    fn cell(&mut self, count: &'r mut Count, previous: bool) -> Option<usize> {
        let Count {
            calls,
            previous_calls,
            suppressed,
            previous_suppressed,
            comparable,
            ..
        } = count;
        if !previous {
            Some(self.push(calls, Some(suppressed)))
        } else if *comparable {
            Some(self.push(previous_calls, Some(previous_suppressed)))
        } else {
            None
        }
    }

    /// Adds a table's cells and the group binding them to `margin`.
    fn table(&mut self, margin: Option<usize>, counts: &'r mut [Count], previous: bool) {
        let parts = counts
            .iter_mut()
            .filter_map(|c| self.cell(c, previous))
            .collect();
        self.groups.push(Group { margin, parts });
    }

    fn apply(self, k: u64) {
        let values: Vec<Option<u64>> = self.slots.iter().map(|s| *s.value).collect();
        let pattern = suppression_pattern(&values, &self.groups, k);
        for (slot, withhold) in self.slots.into_iter().zip(pattern) {
            if withhold {
                *slot.value = None;
                if let Some(flag) = slot.flag {
                    *flag = true;
                }
            }
        }
    }
}

/// Lays out one period's counts of `report` (the previous period's when
/// `previous`) with every exact sum that binds them.
fn layout(report: &mut Report, previous: bool) -> Layout<'_> {
    let Report {
        total_calls,
        previous_total_calls,
        substantive_calls,
        previous_substantive_calls,
        non_substantive_calls,
        previous_non_substantive_calls,
        calls_with_follow_up,
        previous_calls_with_follow_up,
        risk_to_self_calls,
        previous_risk_to_self_calls,
        themes,
        main_themes,
        risk,
        by_role,
        by_setting,
        by_employer,
        by_region,
        by_caller_type,
        by_month,
        categories_by_setting,
        retired_themes,
        ..
    } = report;
    let (total, substantive, non_substantive, follow_up, risk_to_self) = if previous {
        (
            previous_total_calls,
            previous_substantive_calls,
            previous_non_substantive_calls,
            previous_calls_with_follow_up,
            previous_risk_to_self_calls,
        )
    } else {
        (
            total_calls,
            substantive_calls,
            non_substantive_calls,
            calls_with_follow_up,
            risk_to_self_calls,
        )
    };
    let mut layout = Layout::default();
    let total = layout.push(total, None);
    let parts = vec![
        layout.push(substantive, None),
        layout.push(non_substantive, None),
    ];
    layout.groups.push(Group {
        margin: Some(total),
        parts,
    });
    layout.push(follow_up, None);
    // The `risk_to_self` category's count under another name, so it
    // compares exactly when that category does.
    let risk_to_self_compares = !previous
        || themes
            .iter()
            .find(|t| t.count.id == RISK_TO_SELF_CATEGORY)
            .is_none_or(|t| t.count.comparable);
    let risk_to_self = risk_to_self_compares.then(|| layout.push(risk_to_self, None));

    let mut categories = Vec::with_capacity(themes.len());
    for theme in themes.iter_mut() {
        let is_risk_to_self = theme.count.id == RISK_TO_SELF_CATEGORY;
        let category = layout.cell(&mut theme.count, previous);
        if let (true, Some(category), Some(risk_to_self)) =
            (is_risk_to_self, category, risk_to_self)
        {
            // The same number twice: publishing one would reveal the other.
            layout.groups.push(Group {
                margin: Some(category),
                parts: vec![risk_to_self],
            });
        }
        categories.push(category);
        for sub in theme.subthemes.iter_mut() {
            layout.cell(sub, previous);
        }
    }
    layout.table(None, main_themes, previous);
    for breakdown in [
        risk,
        by_role,
        by_setting,
        by_employer,
        by_region,
        by_caller_type,
        by_month,
    ] {
        layout.table(Some(total), breakdown, previous);
    }
    for retired in retired_themes.iter_mut() {
        layout.cell(retired, previous);
    }
    let mut columns: Vec<Vec<usize>> = Vec::new();
    for (row, category) in categories_by_setting.iter_mut().zip(categories) {
        let start = layout.slots.len();
        // A row that is not comparable has no cells, so no column gets one.
        layout.table(category, &mut row.cells, previous);
        for (column, cell) in (start..layout.slots.len()).enumerate() {
            if columns.len() <= column {
                columns.push(Vec::new());
            }
            columns[column].push(cell);
        }
    }
    for parts in columns {
        layout.groups.push(Group {
            margin: None,
            parts,
        });
    }
    layout
}

/// Withholds counts in both periods of `report`, then every figure derived
/// from a withheld count.
pub(super) fn apply(report: &mut Report, k: u32) {
    layout(report, false).apply(u64::from(k));
    layout(report, true).apply(u64::from(k));
    if report.total_calls.is_none() {
        report.total_minutes = None;
    }
    if report.previous_total_calls.is_none() {
        report.previous_total_minutes = None;
    }
    // A median of a handful of calls describes those calls.
    if report.substantive_calls.is_none() {
        report.median_call_minutes = None;
    }
    if report.previous_substantive_calls.is_none() {
        report.previous_median_call_minutes = None;
    }
    let (substantive, previous_substantive) =
        (report.substantive_calls, report.previous_substantive_calls);
    for theme in &mut report.themes {
        theme.count.update_change();
        theme.share_of_substantive = share(theme.count.calls, substantive);
        theme.previous_share_of_substantive =
            share(theme.count.previous_calls, previous_substantive);
        theme.subthemes.iter_mut().for_each(Count::update_change);
    }
    let tables = [
        &mut report.main_themes,
        &mut report.risk,
        &mut report.by_role,
        &mut report.by_setting,
        &mut report.by_employer,
        &mut report.by_region,
        &mut report.by_caller_type,
        &mut report.by_month,
    ];
    for table in tables {
        table.iter_mut().for_each(Count::update_change);
    }
    for row in &mut report.categories_by_setting {
        row.cells.iter_mut().for_each(Count::update_change);
    }
    report
        .retired_themes
        .iter_mut()
        .for_each(Count::update_change);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(margin: usize, parts: std::ops::Range<usize>) -> Group {
        Group {
            margin: Some(margin),
            parts: parts.collect(),
        }
    }

    fn pattern(values: &[u64], groups: &[Group], k: u64) -> Vec<bool> {
        let values: Vec<Option<u64>> = values.iter().copied().map(Some).collect();
        suppression_pattern(&values, groups, k)
    }

    #[test]
    fn primary_suppression_withholds_one_to_k_minus_one_but_not_zero() {
        // Ungrouped cells: only primary suppression applies.
        let values = [0, 1, 4, 5, 100];
        assert_eq!(pattern(&values, &[], 5), [false, true, true, false, false]);
        assert_eq!(pattern(&values, &[], 1), [false; 5]);
    }

    #[test]
    fn hand_made_cases() {
        // (values, groups, k, expected withheld)
        let total_and_four = [line(0, 1..5)];
        type Case<'g> = (Vec<u64>, &'g [Group], u64, Vec<bool>);
        let cases: Vec<Case<'_>> = vec![
            // Nothing small: nothing withheld.
            (vec![40, 10, 10, 10, 10], &total_and_four, 5, vec![false; 5]),
            // One small cell: the smallest other non-zero part goes with it.
            (
                vec![40, 3, 20, 9, 8],
                &total_and_four,
                5,
                vec![false, true, false, false, true],
            ),
            // Two small cells already protect each other.
            (
                vec![40, 3, 2, 20, 15],
                &total_and_four,
                5,
                vec![false, true, true, false, false],
            ),
            // Zeros are not withheld first, but one is if nothing else is left.
            (
                vec![40, 3, 37, 0, 0],
                &total_and_four,
                5,
                vec![false, true, true, false, false],
            ),
            (
                vec![3, 3, 0, 0, 0],
                &total_and_four,
                5,
                vec![true, true, false, false, false],
            ),
        ];
        for (values, groups, k, expected) in cases {
            assert_eq!(pattern(&values, groups, k), expected, "{values:?}");
        }
    }

    #[test]
    fn secondary_suppression_follows_rows_and_columns() {
        // A 2×2 table with margins, laid out as
        //   a b | r1        0 1 | 4
        //   c d | r2        2 3 | 5
        //   ---------       -------
        //   s1 s2 | t       6 7 | 8
        let values = [2, 20, 30, 40, 22, 70, 32, 60, 92];
        let groups = vec![
            Group {
                margin: Some(4),
                parts: vec![0, 1],
            },
            Group {
                margin: Some(5),
                parts: vec![2, 3],
            },
            Group {
                margin: Some(6),
                parts: vec![0, 2],
            },
            Group {
                margin: Some(7),
                parts: vec![1, 3],
            },
            Group {
                margin: Some(8),
                parts: vec![4, 5],
            },
            Group {
                margin: Some(8),
                parts: vec![6, 7],
            },
        ];
        let withheld = pattern(&values, &groups, 5);
        // `a` (2) is small; its row and column each need a second cell, and
        // then `d` closes both: the four inner cells, and no margin.
        assert_eq!(
            withheld,
            [true, true, true, true, false, false, false, false, false]
        );
    }

    /// A small deterministic generator, so failures reproduce.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }
    }

    /// What a reader could work out: repeatedly, any group with exactly one
    /// unknown cell gives that cell by subtraction. Returns the recovered cells.
    fn recoverable(values: &[u64], groups: &[Group], withheld: &[bool]) -> Vec<(usize, u64)> {
        let mut known: Vec<Option<u64>> = values
            .iter()
            .zip(withheld)
            .map(|(v, w)| (!w).then_some(*v))
            .collect();
        let mut recovered = Vec::new();
        loop {
            let mut progress = false;
            for group in groups {
                let unknown: Vec<usize> = group.members().filter(|&i| known[i].is_none()).collect();
                let [cell] = unknown[..] else { continue };
                let sum_of_parts = |skip: usize| -> u64 {
                    group
                        .parts
                        .iter()
                        .filter(|&&p| p != skip)
                        .map(|&p| known[p].unwrap_or(0))
                        .sum()
                };
                let value = match group.margin {
                    Some(m) if m == cell => sum_of_parts(usize::MAX),
                    Some(m) => known[m].unwrap_or(0) - sum_of_parts(cell),
                    // The sum is assumed known: the reader has it.
                    None => {
                        group.parts.iter().map(|&p| values[p]).sum::<u64>() - sum_of_parts(cell)
                    }
                };
                known[cell] = Some(value);
                recovered.push((cell, value));
                progress = true;
            }
            if !progress {
                return recovered;
            }
        }
    }

    /// Property: over many generated tables with row and column totals, every
    /// count from 1 to K−1 is withheld, and no withheld count can be worked
    /// out by subtraction, even by chaining subtractions.
    #[test]
    fn no_withheld_count_can_be_recovered_from_generated_tables() {
        let mut rng = Lcg(7);
        for case in 0..2000 {
            let rows = 1 + rng.next(6) as usize;
            let columns = 1 + rng.next(6) as usize;
            let k = 2 + rng.next(9);
            // Mostly small numbers, with zeros and a few large ones.
            let mut cells = vec![0u64; rows * columns];
            for cell in &mut cells {
                *cell = match rng.next(10) {
                    0..=2 => 0,
                    3..=6 => rng.next(k + 2),
                    _ => rng.next(200),
                };
            }
            // Layout: cells, then row totals, column totals, grand total.
            let row_total = |r: usize| rows * columns + r;
            let column_total = |c: usize| rows * columns + rows + c;
            let grand = rows * columns + rows + columns;
            let mut values = cells.clone();
            values.extend(
                (0..rows).map(|r| cells[r * columns..(r + 1) * columns].iter().sum::<u64>()),
            );
            values.extend(
                (0..columns).map(|c| (0..rows).map(|r| cells[r * columns + c]).sum::<u64>()),
            );
            values.push(cells.iter().sum());
            let mut groups = Vec::new();
            for r in 0..rows {
                groups.push(Group {
                    margin: Some(row_total(r)),
                    parts: (0..columns).map(|c| r * columns + c).collect(),
                });
            }
            for c in 0..columns {
                groups.push(Group {
                    margin: Some(column_total(c)),
                    parts: (0..rows).map(|r| r * columns + c).collect(),
                });
            }
            groups.push(Group {
                margin: Some(grand),
                parts: (0..rows).map(row_total).collect(),
            });
            groups.push(Group {
                margin: Some(grand),
                parts: (0..columns).map(column_total).collect(),
            });

            let withheld = pattern(&values, &groups, k);
            for (i, v) in values.iter().enumerate() {
                if (1..k).contains(v) {
                    assert!(withheld[i], "case {case}: cell {i} = {v} < {k} published");
                }
            }
            let recovered = recoverable(&values, &groups, &withheld);
            assert!(
                recovered.is_empty(),
                "case {case}: {rows}×{columns}, k {k}, values {values:?}, withheld {withheld:?}, recovered {recovered:?}"
            );
        }
    }

    /// Property: on reports comparing a year under theme list version 2
    /// with one under version 1, a reader who knows every published count
    /// and every sum the report implies still cannot work out a withheld
    /// one, and the counts that are not comparable are never cells.
    #[test]
    fn no_withheld_count_can_be_recovered_across_theme_list_versions() {
        use super::super::tests::versions::v1_then_v2_of;
        use crate::period::{DEFAULT_TIME_ZONE, Period};
        for (n, k) in [(3000, 5), (600, 5), (1500, 10), (400, 25)] {
            let (catalogue, calls) = v1_then_v2_of(n, n as u64 + 1);
            let period = Period::academic(2025).unwrap();
            let mut exact =
                Report::from_calls(period, DEFAULT_TIME_ZONE, &catalogue, &calls).unwrap();
            let mut published = exact.clone();
            published.suppress_below(k);
            for previous in [false, true] {
                let truth = layout(&mut exact, previous);
                let values: Vec<u64> = truth.slots.iter().map(|s| s.value.unwrap()).collect();
                let groups = truth.groups.clone();
                drop(truth);
                let shown = layout(&mut published, previous);
                assert_eq!(shown.slots.len(), values.len(), "the same cells");
                assert_eq!(shown.groups, groups, "bound by the same sums");
                let withheld: Vec<bool> = shown.slots.iter().map(|s| s.value.is_none()).collect();
                assert!(
                    withheld.iter().any(|w| *w),
                    "{n} calls, k {k}: nothing withheld"
                );
                for (v, w) in values.iter().zip(&withheld) {
                    assert!(*w || !(1..u64::from(k)).contains(v), "{v} published, k {k}");
                }
                let recovered = recoverable(&values, &groups, &withheld);
                assert!(recovered.is_empty(), "{n} calls, k {k}: {recovered:?}");
            }
            // No cell at all for a previous count that does not compare.
            let split = exact.themes[0].subthemes[0].clone();
            assert!(!split.comparable);
            let cells = layout(&mut exact, true).slots.len();
            let mut more = exact.clone();
            more.themes[0].subthemes[0].comparable = true;
            more.themes[0].subthemes[0].previous_calls = Some(1);
            assert_eq!(layout(&mut more, true).slots.len(), cells + 1);
        }
    }

    #[test]
    fn the_reader_model_does_recover_a_lone_withheld_cell() {
        // Guards the property test: its reader must catch what it should.
        let groups = [line(0, 1..4)];
        let values = [30, 2, 10, 18];
        let lone = [false, true, false, false];
        assert_eq!(recoverable(&values, &groups, &lone), [(1, 2)]);
    }
}
