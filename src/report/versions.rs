//! Comparing years across theme list versions: which version a report
//! counts in, where each theme of an earlier version lands in it, and which
//! rows can be compared with the year before.
//!
//! A report counts in the *target* version: the newest version any call of
//! the period or the previous period was logged under (the store's current
//! one when there are no calls). A theme of an earlier version counts in a
//! subtheme row only when it became exactly that subtheme, and in a
//! category row only when everything it became is in that one category. A
//! theme that was retired counts in a "retired themes" row of its own, and
//! still in the category it was under if that category is still there.
//!
//! A row is *not comparable* when an earlier version's theme, named by calls
//! of either period, went to it and somewhere else too (a split): those
//! calls cannot be divided between the parts, so neither year's count is
//! the whole story. A row is *new* when no theme of the previous period's
//! versions became it. Neither shows a previous count or a change.
//!
//! Everything here is worked out once per report, from the catalogue; the
//! counting loop ([`super::tally`]) only looks up what is precomputed.

use std::collections::{BTreeSet, HashMap};

use super::counts::Comparison;
use crate::themes::{Destination, ThemeCatalogue, ThemeList, ThemeRef, category_of};

/// The theme list versions of the calls counted, by period.
#[derive(Debug, Clone, Default)]
pub(super) struct VersionsSeen {
    pub now: Vec<u32>,
    pub before: Vec<u32>,
}

impl VersionsSeen {
    /// Every call was logged under `version`: the report counts in it and
    /// nothing differs between the periods.
    pub(super) fn only(version: u32) -> VersionsSeen {
        VersionsSeen {
            now: vec![version],
            before: Vec::new(),
        }
    }

    /// Notes a call's version; a handful of versions at most, so a short
    /// list searched in place (no allocation once each is noted).
    pub(super) fn add(&mut self, previous: bool, version: u32) {
        let list = if previous {
            &mut self.before
        } else {
            &mut self.now
        };
        if !list.contains(&version) {
            list.push(version);
        }
    }

    /// The versions seen older than `target`, oldest first.
    pub(super) fn earlier_than(&self, target: u32) -> Vec<u32> {
        self.all().into_iter().filter(|&v| v < target).collect()
    }

    /// Every version seen in either period, oldest first.
    pub(super) fn all(&self) -> Vec<u32> {
        let set: BTreeSet<u32> = self.now.iter().chain(&self.before).copied().collect();
        set.into_iter().collect()
    }

    /// The version the report counts in: the newest seen, else the
    /// catalogue's current one.
    pub(super) fn target(&self, catalogue: &ThemeCatalogue) -> u32 {
        self.now
            .iter()
            .chain(&self.before)
            .copied()
            .max()
            .unwrap_or(catalogue.current().version)
    }
}

/// Where a theme of some version lands in the target version, for the
/// counting loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Landing {
    /// The subtheme row it counts in: it became exactly this subtheme.
    pub subtheme: Option<ThemeRef>,
    /// The category row it counts in (index into the target's categories).
    pub category: Option<usize>,
    /// The retired-themes row it counts in (index into [`Retired::rows`]).
    pub retired: Option<usize>,
}

/// The themes no longer in the target version that calls of some version
/// may name: `(version it was last in, id)`, oldest version first, each
/// version's themes in its list order.
#[derive(Debug, Clone, Default)]
pub(super) struct Retired {
    pub rows: Vec<(u32, String)>,
}

/// Every theme id of each version in `versions`, mapped to where it lands
/// in version `target`, with the retired rows they may count in. The maps
/// are indexed by version − 1; versions not asked for get an empty map.
pub(super) fn landings(
    catalogue: &ThemeCatalogue,
    target: u32,
    versions: &[u32],
) -> (Vec<HashMap<String, Landing>>, Retired) {
    let Some(to) = catalogue.version(target) else {
        return (Vec::new(), Retired::default());
    };
    // Every theme of the versions asked for, and what it became.
    let mut found: Vec<(u32, String, Destination)> = Vec::new();
    for &from in versions.iter().filter(|&&v| v <= target) {
        let Some(list) = catalogue.version(from) else {
            continue;
        };
        for id in list.all_ids() {
            if let Some(dest) = catalogue.destination(from, &id, target) {
                found.push((from, id, dest));
            }
        }
    }
    let mut retired: Vec<(u32, String)> = found
        .iter()
        .filter(|(_, _, dest)| dest.now.is_empty())
        .filter_map(|(_, _, dest)| dest.retired.clone())
        .collect();
    let position = |(version, id): &(u32, String)| {
        catalogue
            .version(*version)
            .and_then(|list| list.all_ids().position(|other| &other == id))
            .unwrap_or(usize::MAX)
    };
    retired.sort_by_cached_key(|row| (row.0, position(row)));
    retired.dedup();

    let mut maps: Vec<HashMap<String, Landing>> = vec![HashMap::new(); target as usize];
    for (from, id, Destination { now, retired: gone }) in found {
        let category = if now.is_empty() {
            // A retired theme still counts in its category, if that is
            // (exactly) one category of the target version.
            catalogue
                .destination(from, category_of(&id), target)
                .and_then(|d| one_category(to, &d.now))
        } else {
            one_category(to, &now)
        };
        let subtheme = match &now[..] {
            [only] => to.find(only).filter(|r| r.subtheme.is_some()),
            _ => None,
        };
        let retired_row = match (now.is_empty(), gone) {
            (true, Some(row)) => retired.iter().position(|r| *r == row),
            _ => None,
        };
        if let Some(map) = maps.get_mut(from as usize - 1) {
            map.insert(
                id,
                Landing {
                    subtheme,
                    category,
                    retired: retired_row,
                },
            );
        }
    }
    (maps, Retired { rows: retired })
}

/// The category of the target version that every one of `themes` is in,
/// if they are all in one.
fn one_category(list: &ThemeList, themes: &[String]) -> Option<usize> {
    let mut categories = themes.iter().map(|t| category_of(t));
    let first = categories.next()?;
    if categories.all(|c| c == first) {
        list.find(first).map(|r| r.category)
    } else {
        None
    }
}

/// Which rows of the target version compare with the previous period.
#[derive(Debug, Clone, Default)]
pub(super) struct Comparisons {
    not_comparable: BTreeSet<String>,
    new: BTreeSet<String>,
}

impl Comparisons {
    pub(super) fn new(catalogue: &ThemeCatalogue, target: u32, seen: &VersionsSeen) -> Comparisons {
        let mut out = Comparisons::default();
        for from in seen.earlier_than(target) {
            out.not_comparable
                .extend(catalogue.not_comparable(from, target));
        }
        // New: no theme of any version the previous period used became it.
        let before: &[u32] = if seen.before.is_empty() {
            &[target]
        } else {
            &seen.before
        };
        if before.iter().all(|&v| v < target) {
            let mut sets = before.iter().map(|&from| catalogue.new_since(from, target));
            if let Some(first) = sets.next() {
                out.new = sets.fold(first, |all, next| &all & &next);
            }
        }
        out
    }

    /// How the row with this id (a category or subtheme of the target
    /// version) compares. A row both split and new reads as not
    /// comparable: this year's count is not the whole story either.
    pub(super) fn of(&self, id: &str) -> Comparison {
        if self.not_comparable.contains(id) {
            Comparison::NotComparable
        } else if self.new.contains(id) {
            Comparison::New
        } else {
            Comparison::Comparable
        }
    }
}
