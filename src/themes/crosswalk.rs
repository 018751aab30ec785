//! How one version of the theme list maps to the next.
//!
//! Each entry of a version's crosswalk says what became of some themes of
//! the previous version. A theme in both versions and named by no entry is
//! unchanged. Every other theme of either version is named exactly once, so
//! nothing is left unmapped:
//!
//! | kind | from | to |
//! |---|---|---|
//! | `unchanged` | 1 | the same id |
//! | `renamed` | 1 | 1 (the label changed; the id may stay) |
//! | `merged` | 2 or more | 1 |
//! | `split` | 1 | 2 or more, in one category |
//! | `new` | none | 1 or more |
//! | `retired` | 1 or more | none |

use std::collections::{BTreeMap, BTreeSet};

use super::ThemeError;
use super::change::ChangeKind;
use super::list::{ThemeList, category_of};

/// A checked crosswalk as a map: each id of the previous version to the ids
/// it became (none when retired).
pub type Step = BTreeMap<String, Vec<String>>;

fn invalid(reason: String) -> ThemeError {
    ThemeError::InvalidList(reason)
}

/// Checks `next`'s crosswalk from `previous` and returns it as a map. Every
/// theme of both versions must be accounted for.
pub fn check(previous: &ThemeList, next: &ThemeList) -> Result<Step, ThemeError> {
    let (old_v, new_v) = (previous.version, next.version);
    if new_v != old_v + 1 {
        return Err(invalid(format!(
            "version {new_v} cannot follow version {old_v}; versions go up by one"
        )));
    }
    let old_ids: BTreeSet<String> = previous.all_ids().collect();
    let new_ids: BTreeSet<String> = next.all_ids().collect();
    let mut step = Step::new();
    let mut targeted = BTreeSet::new();
    for change in &next.crosswalk {
        let (from, to) = (change.from.len(), change.to.len());
        let arity_ok = match change.kind {
            ChangeKind::Unchanged => from == 1 && to == 1 && change.from == change.to,
            ChangeKind::Renamed => from == 1 && to == 1,
            ChangeKind::Merged => from >= 2 && to == 1,
            ChangeKind::Split => from == 1 && to >= 2,
            ChangeKind::New => from == 0 && to >= 1,
            ChangeKind::Retired => from >= 1 && to == 0,
        };
        if !arity_ok {
            return Err(invalid(format!(
                "a '{}' change from [{}] to [{}] has the wrong number of themes on one side",
                change.kind.word(),
                change.from.join(", "),
                change.to.join(", ")
            )));
        }
        if change.kind == ChangeKind::Split {
            let category = category_of(&change.to[0]);
            if change.to.iter().any(|t| category_of(t) != category) {
                return Err(invalid(format!(
                    "'{}' is split across categories; the parts of a split stay in one category",
                    change.from[0]
                )));
            }
        }
        for id in &change.from {
            if !old_ids.contains(id) {
                return Err(invalid(format!(
                    "the crosswalk names '{id}', which is not in version {old_v}"
                )));
            }
            if step.insert(id.clone(), change.to.clone()).is_some() {
                return Err(invalid(format!(
                    "the crosswalk says twice what became of '{id}'"
                )));
            }
        }
        for id in &change.to {
            if !new_ids.contains(id) {
                return Err(invalid(format!(
                    "the crosswalk names '{id}', which is not in version {new_v}"
                )));
            }
            if !targeted.insert(id.clone()) {
                return Err(invalid(format!(
                    "'{id}' is the result of two changes; a theme comes from one change"
                )));
            }
        }
    }
    for id in &old_ids {
        if step.contains_key(id) {
            continue;
        }
        if !new_ids.contains(id) {
            return Err(invalid(format!(
                "'{id}' of version {old_v} is not in version {new_v}, and the crosswalk does not say what became of it"
            )));
        }
        if targeted.contains(id) {
            return Err(invalid(format!(
                "'{id}' is kept and is also the result of a change; name it in that change's 'from'"
            )));
        }
        step.insert(id.clone(), vec![id.clone()]);
        targeted.insert(id.clone());
    }
    if let Some(id) = new_ids.difference(&targeted).next() {
        return Err(invalid(format!(
            "'{id}' of version {new_v} is not in version {old_v}, and the crosswalk does not say it is new"
        )));
    }
    Ok(step)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::change::Change;
    use super::*;

    /// A list from `category: sub sub …` lines, with `risk_to_self` added.
    pub(crate) fn list(version: u32, spec: &[&str], crosswalk: Vec<Change>) -> ThemeList {
        let mut json = String::from("{\"version\":");
        json.push_str(&version.to_string());
        json.push_str(",\"categories\":[");
        let mut cats: Vec<String> = spec
            .iter()
            .map(|line| {
                let mut words = line.split_whitespace();
                let cat = words.next().unwrap_or_default();
                let subs: Vec<String> = words
                    .map(|s| format!("{{\"id\":\"{s}\",\"label\":\"{s}\"}}"))
                    .collect();
                format!(
                    "{{\"id\":\"{cat}\",\"label\":\"{cat}\",\"subthemes\":[{}]}}",
                    subs.join(",")
                )
            })
            .collect();
        cats.push(
            "{\"id\":\"risk_to_self\",\"label\":\"Risk to self\",\"subthemes\":[]}".to_string(),
        );
        json.push_str(&cats.join(","));
        json.push_str("]}");
        let mut list = ThemeList::from_json(&json).unwrap();
        list.crosswalk = crosswalk;
        list
    }

    pub(crate) fn change(kind: ChangeKind, from: &[&str], to: &[&str]) -> Change {
        Change {
            kind,
            from: from.iter().map(|s| s.to_string()).collect(),
            to: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    use ChangeKind::*;

    #[test]
    fn each_kind_of_change_maps_as_it_says() {
        let v1 = list(1, &["a x y z w", "b p q"], vec![]);
        let v2 = list(
            2,
            &["a x s t m", "b p2", "c n"],
            vec![
                change(Split, &["a.x"], &["a.x", "a.s", "a.t"]),
                change(Merged, &["a.y", "a.z"], &["a.m"]),
                change(Retired, &["a.w"], &[]),
                change(Renamed, &["b.p"], &["b.p2"]),
                change(Retired, &["b.q"], &[]),
                change(New, &[], &["c", "c.n"]),
            ],
        );
        let step = check(&v1, &v2).unwrap();
        assert_eq!(step["a.x"], ["a.x", "a.s", "a.t"]);
        assert_eq!(step["a.y"], ["a.m"]);
        assert_eq!(step["a.z"], ["a.m"]);
        assert!(step["a.w"].is_empty());
        assert_eq!(step["b.p"], ["b.p2"]);
        assert_eq!(step["a"], ["a"], "an unnamed theme in both is unchanged");
        assert_eq!(step["risk_to_self"], ["risk_to_self"]);
        assert_eq!(step.len(), v1.all_ids().count());
    }

    #[test]
    fn an_unmapped_theme_on_either_side_is_refused() {
        let v1 = list(1, &["a x y"], vec![]);
        let dropped = list(2, &["a x"], vec![]);
        let err = check(&v1, &dropped).unwrap_err().to_string();
        assert!(
            err.contains("'a.y' of version 1 is not in version 2"),
            "{err}"
        );
        let added = list(2, &["a x y z"], vec![]);
        let err = check(&v1, &added).unwrap_err().to_string();
        assert!(err.contains("does not say it is new"), "{err}");
    }

    #[test]
    fn wrong_arities_and_stray_ids_are_refused() {
        let v1 = list(1, &["a x y", "b z"], vec![]);
        for (changes, words) in [
            (vec![change(Merged, &["a.x"], &["a.x"])], "wrong number"),
            (vec![change(Split, &["a.x"], &["a.x"])], "wrong number"),
            (vec![change(Unchanged, &["a.x"], &["a.y"])], "wrong number"),
            (vec![change(New, &[], &["a.q"])], "not in version 2"),
            (vec![change(Retired, &["a.q"], &[])], "not in version 1"),
            (
                vec![
                    change(Retired, &["a.x"], &[]),
                    change(Retired, &["a.x"], &[]),
                ],
                "twice",
            ),
        ] {
            let v2 = list(2, &["a x y", "b z"], changes);
            let err = check(&v1, &v2).unwrap_err().to_string();
            assert!(err.contains(words), "{err}");
        }
        let across = list(
            2,
            &["a x", "b z y2"],
            vec![change(Split, &["a.y"], &["a.x", "b.y2"])],
        );
        let err = check(&v1, &across).unwrap_err().to_string();
        assert!(err.contains("across categories"), "{err}");
    }

    #[test]
    fn a_kept_theme_cannot_also_be_a_result() {
        let v1 = list(1, &["a x y"], vec![]);
        let v2 = list(2, &["a x"], vec![change(Merged, &["a.y", "a"], &["a.x"])]);
        let err = check(&v1, &v2).unwrap_err().to_string();
        assert!(
            err.contains("'a' of version 1 is not in version 2") || err.contains("kept"),
            "{err}"
        );
        let v2 = list(2, &["a x"], vec![change(Renamed, &["a.y"], &["a.x"])]);
        let err = check(&v1, &v2).unwrap_err().to_string();
        assert!(err.contains("kept and is also the result"), "{err}");
    }

    #[test]
    fn versions_go_up_by_one() {
        let v1 = list(1, &["a"], vec![]);
        let v3 = list(3, &["a"], vec![]);
        assert!(
            check(&v1, &v3)
                .unwrap_err()
                .to_string()
                .contains("go up by one")
        );
    }
}
