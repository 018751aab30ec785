//! Every version of the theme list a store knows, and how a theme of any
//! version maps onto a later one for a report that compares years.

use std::collections::{BTreeMap, BTreeSet};

use super::ThemeError;
use super::crosswalk::{self, Step};
use super::list::{ThemeList, category_of};

/// The versions of the theme list, 1 to N in order, each with its crosswalk
/// from the one before. Calls are logged under the newest ([`Self::current`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeCatalogue {
    versions: Vec<ThemeList>,
    /// `steps[i]` maps version `i + 1` to version `i + 2`.
    steps: Vec<Step>,
}

/// What became of one theme by a later version: the themes it is now (more
/// than one if it was split), or, if it was retired on the way, its id and
/// the version it was last in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Destination {
    pub now: Vec<String>,
    pub retired: Option<(u32, String)>,
}

impl ThemeCatalogue {
    /// Checks a chain of versions: numbered from 1, each list valid, each
    /// crosswalk complete, and no id used again once it has gone.
    pub fn new(versions: Vec<ThemeList>) -> Result<ThemeCatalogue, ThemeError> {
        let Some(first) = versions.first() else {
            return Err(ThemeError::InvalidList("there is no theme list".into()));
        };
        if first.version != 1 || !first.crosswalk.is_empty() {
            return Err(ThemeError::InvalidList(
                "the first theme list must be version 1, with no crosswalk".into(),
            ));
        }
        let mut steps = Vec::new();
        let mut ever: BTreeSet<String> = BTreeSet::new();
        for (i, list) in versions.iter().enumerate() {
            list.check()?;
            if i > 0 {
                let previous = &versions[i - 1];
                steps.push(crosswalk::check(previous, list)?);
                let before: BTreeSet<String> = previous.all_ids().collect();
                for id in list.all_ids() {
                    if !before.contains(&id) && ever.contains(&id) {
                        return Err(ThemeError::InvalidList(format!(
                            "'{id}' was used by an earlier version and then removed; a theme id is never used again"
                        )));
                    }
                }
            }
            ever.extend(list.all_ids());
        }
        Ok(ThemeCatalogue { versions, steps })
    }

    /// The lists Quietline ships: version 1 only. The shipped version 2 is a
    /// draft a coordinator may publish ([`super::shipped_v2_draft`]).
    pub fn shipped() -> ThemeCatalogue {
        ThemeCatalogue {
            versions: vec![ThemeList::default_list()],
            steps: Vec::new(),
        }
    }

    /// The version calls are logged under now.
    pub fn current(&self) -> &ThemeList {
        // `new` refuses an empty chain.
        &self.versions[self.versions.len() - 1]
    }

    pub fn versions(&self) -> &[ThemeList] {
        &self.versions
    }

    pub fn version(&self, version: u32) -> Option<&ThemeList> {
        let index = usize::try_from(version).ok()?.checked_sub(1)?;
        self.versions.get(index)
    }

    /// Adds `next` as the newest version, checking it against the rest.
    pub fn with_next(&self, next: ThemeList) -> Result<ThemeCatalogue, ThemeError> {
        let mut versions = self.versions.clone();
        versions.push(next);
        ThemeCatalogue::new(versions)
    }

    /// Whether `id` has been a theme id in any version (new themes need
    /// ids never used before).
    pub fn ever_used(&self, id: &str) -> bool {
        self.versions.iter().any(|v| v.contains(id))
    }

    /// The label a stored theme id had in the version it was logged under.
    pub fn label(&self, version: u32, id: &str) -> Option<&str> {
        self.version(version)?.label(id)
    }

    /// What became of theme `id` of version `from` by version `to`
    /// (`from <= to`, both known; otherwise `None`).
    pub fn destination(&self, from: u32, id: &str, to: u32) -> Option<Destination> {
        if from > to || self.version(to).is_none() || !self.version(from)?.contains(id) {
            return None;
        }
        let mut now = vec![id.to_string()];
        let mut retired = None;
        for v in from..to {
            let step = &self.steps[(v - 1) as usize];
            let mut next = Vec::new();
            for theme in &now {
                match step.get(theme) {
                    Some(targets) if targets.is_empty() => {
                        retired.get_or_insert((v, theme.clone()));
                    }
                    Some(targets) => {
                        for t in targets {
                            if !next.contains(t) {
                                next.push(t.clone());
                            }
                        }
                    }
                    None => {}
                }
            }
            now = next;
        }
        Some(Destination { now, retired })
    }

    /// Themes of version `to` whose earlier counts (from calls logged under
    /// `from`) cannot be compared with theirs: a theme is comparable when
    /// every earlier theme that became it became nothing else. Categories
    /// are judged by where each earlier theme's calls land at category level.
    pub fn not_comparable(&self, from: u32, to: u32) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some(old) = self.version(from) else {
            return out;
        };
        for id in old.all_ids() {
            let Some(dest) = self.destination(from, &id, to) else {
                continue;
            };
            if dest.now.len() > 1 {
                out.extend(dest.now.iter().cloned());
            }
            let categories: BTreeSet<&str> = dest.now.iter().map(|t| category_of(t)).collect();
            if categories.len() > 1 {
                out.extend(categories.iter().map(|c| c.to_string()));
            }
        }
        out
    }

    /// Themes of version `to` that no theme of version `from` became: new
    /// since `from`, so they have no earlier count.
    pub fn new_since(&self, from: u32, to: u32) -> BTreeSet<String> {
        let (Some(old), Some(new)) = (self.version(from), self.version(to)) else {
            return BTreeSet::new();
        };
        let mut reached = BTreeSet::new();
        for id in old.all_ids() {
            if let Some(dest) = self.destination(from, &id, to) {
                for t in &dest.now {
                    reached.insert(category_of(t).to_string());
                    reached.insert(t.clone());
                }
            }
        }
        new.all_ids().filter(|id| !reached.contains(id)).collect()
    }

    /// The full crosswalk from version `from` to the current one, as each
    /// theme of `from` and what became of it, for `quietline themes
    /// crosswalk` and the editor's preview.
    pub fn crosswalk_from(&self, from: u32) -> BTreeMap<String, Destination> {
        let to = self.current().version;
        self.version(from)
            .map(|old| {
                old.all_ids()
                    .filter_map(|id| {
                        let dest = self.destination(from, &id, to)?;
                        Some((id, dest))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::change::ChangeKind::*;
    use super::super::crosswalk::tests::{change, list};
    use super::*;

    fn chain() -> ThemeCatalogue {
        let v1 = list(1, &["a x y z", "b p q"], vec![]);
        let v2 = list(
            2,
            &["a x s m", "b p2 q"],
            vec![
                change(Split, &["a.x"], &["a.x", "a.s"]),
                change(Merged, &["a.y", "a.z"], &["a.m"]),
                change(Renamed, &["b.p"], &["b.p2"]),
            ],
        );
        let v3 = list(
            3,
            &["a x s m", "b p2", "c n"],
            vec![
                change(Retired, &["b.q"], &[]),
                change(Renamed, &["a.m"], &["a.m"]),
                change(New, &[], &["c", "c.n"]),
            ],
        );
        ThemeCatalogue::new(vec![v1, v2, v3]).unwrap()
    }

    #[test]
    fn a_chain_composes_step_by_step() {
        let cat = chain();
        assert_eq!(cat.current().version, 3);
        let d = cat.destination(1, "a.x", 3).unwrap();
        assert_eq!(d.now, ["a.x", "a.s"]);
        assert_eq!(cat.destination(1, "a.z", 3).unwrap().now, ["a.m"]);
        assert_eq!(cat.destination(1, "b.p", 3).unwrap().now, ["b.p2"]);
        let q = cat.destination(1, "b.q", 3).unwrap();
        assert!(q.now.is_empty());
        assert_eq!(q.retired, Some((2, "b.q".to_string())));
        assert_eq!(cat.destination(2, "a.s", 3).unwrap().now, ["a.s"]);
        assert_eq!(cat.destination(3, "c.n", 3).unwrap().now, ["c.n"]);
        assert!(cat.destination(3, "a.s", 2).is_none(), "never backwards");
        assert!(cat.destination(1, "a.s", 3).is_none(), "a.s is not in v1");
    }

    #[test]
    fn splits_are_not_comparable_and_merges_are() {
        let cat = chain();
        let nc = cat.not_comparable(1, 3);
        assert!(nc.contains("a.x") && nc.contains("a.s"), "{nc:?}");
        assert!(!nc.contains("a.m") && !nc.contains("a"), "{nc:?}");
        assert!(cat.not_comparable(2, 3).is_empty());
        let new = cat.new_since(1, 3);
        assert_eq!(new, BTreeSet::from(["c".to_string(), "c.n".to_string()]));
        assert!(cat.new_since(3, 3).is_empty());
    }

    #[test]
    fn an_id_is_never_used_again() {
        let cat = chain();
        let v4 = list(
            4,
            &["a x s m", "b p2 q", "c n"],
            vec![change(New, &[], &["b.q"])],
        );
        let err = cat.with_next(v4).unwrap_err().to_string();
        assert!(err.contains("never used again"), "{err}");
        assert!(cat.ever_used("b.q") && !cat.ever_used("b.r"));
        let v4 = list(
            4,
            &["a x s m", "b p2 r", "c n"],
            vec![change(New, &[], &["b.r"])],
        );
        assert_eq!(cat.with_next(v4).unwrap().current().version, 4);
    }

    #[test]
    fn the_chain_must_start_at_one() {
        assert!(ThemeCatalogue::new(vec![]).is_err());
        let v2 = list(2, &["a"], vec![]);
        assert!(ThemeCatalogue::new(vec![v2]).is_err());
        let shipped = ThemeCatalogue::shipped();
        assert_eq!(shipped.current().version, 1);
        assert_eq!(shipped.label(1, "send.ehcp"), Some("EHCPs"));
    }
}
