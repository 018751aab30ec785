//! The coordinator's changes that turn the current theme list into the next
//! version: each one edits a draft list and writes its crosswalk entry, so a
//! draft is always a version that could be published.
//!
//! A draft is a plain [`ThemeList`] (the next version number, its themes and
//! its crosswalk), so the screens hold it as a value and send it back with
//! each change; undoing a change is going back to the draft before it.

use serde::{Deserialize, Serialize};

use super::ThemeError;
use super::catalogue::ThemeCatalogue;
use super::change::{Change, ChangeKind};
use super::list::{Category, Subtheme, ThemeList, category_of};

/// A new theme's id part, label and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct NewTheme {
    /// Lowercase letters, digits and `_`: `report_card`.
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// One change to the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ThemeEdit {
    /// A new category (no `category`) or a new subtheme of `category`.
    Add {
        category: Option<String>,
        theme: NewTheme,
    },
    /// A new label (and description) for a theme; its id stays.
    Rename {
        id: String,
        label: String,
        description: String,
    },
    /// No longer offered; its past calls are reported as a retired theme.
    Retire { id: String },
    /// A subtheme becomes itself and `parts`, all in its category; past
    /// calls compare only at category level.
    Split { id: String, parts: Vec<NewTheme> },
    /// Two or more subthemes become the first of them, under `label`.
    Merge { ids: Vec<String>, label: String },
}

/// The draft of the next version: the current list, numbered one higher,
/// with no changes yet.
pub fn start_draft(catalogue: &ThemeCatalogue) -> ThemeList {
    let mut draft = catalogue.current().clone();
    draft.version += 1;
    draft.crosswalk.clear();
    draft
}

fn refuse(reason: String) -> ThemeError {
    ThemeError::InvalidList(reason)
}

/// Applies one change to `draft`, returning the new draft, which is checked
/// as the next version of `catalogue` (so it can always be published).
pub fn apply(
    catalogue: &ThemeCatalogue,
    draft: &ThemeList,
    edit: &ThemeEdit,
) -> Result<ThemeList, ThemeError> {
    let base = catalogue.current();
    if draft.version != base.version + 1 {
        return Err(refuse(
            "the theme list changed since this draft was started; start the draft again".into(),
        ));
    }
    let mut next = draft.clone();
    // A theme of the published list not yet named by any change.
    let untouched = |id: &str| {
        base.contains(id)
            && !draft
                .crosswalk
                .iter()
                .any(|c| c.from.iter().any(|f| f == id) || c.to.iter().any(|t| t == id))
    };
    let must_exist = |id: &str| {
        if draft.contains(id) {
            Ok(())
        } else {
            Err(refuse(format!("there is no theme '{id}' in the draft")))
        }
    };
    let fresh = |id: &str| {
        if draft.contains(id) || catalogue.ever_used(id) {
            Err(refuse(format!(
                "the id '{id}' is already used (or was used by an earlier version); choose another"
            )))
        } else {
            Ok(())
        }
    };
    match edit {
        ThemeEdit::Add { category, theme } => {
            let id = match category {
                Some(c) => format!("{c}.{}", theme.id),
                None => theme.id.clone(),
            };
            fresh(&id)?;
            match category {
                None => next.categories.push(Category {
                    id: theme.id.clone(),
                    label: theme.label.trim().to_string(),
                    description: theme.description.trim().to_string(),
                    search_words: Vec::new(),
                    subthemes: Vec::new(),
                }),
                Some(c) => {
                    must_exist(c)?;
                    let r = next.resolve(c)?;
                    next.categories[r.category].subthemes.push(subtheme(theme));
                }
            }
            next.crosswalk.push(Change {
                kind: ChangeKind::New,
                from: Vec::new(),
                to: vec![id],
            });
        }
        ThemeEdit::Rename {
            id,
            label,
            description,
        } => {
            must_exist(id)?;
            if untouched(id) {
                next.crosswalk.push(Change {
                    kind: ChangeKind::Renamed,
                    from: vec![id.clone()],
                    to: vec![id.clone()],
                });
            }
            let r = next.resolve(id)?;
            let category = &mut next.categories[r.category];
            let (l, d) = match r.subtheme {
                Some(s) => {
                    let s = &mut category.subthemes[s];
                    (&mut s.label, &mut s.description)
                }
                None => (&mut category.label, &mut category.description),
            };
            *l = label.trim().to_string();
            *d = description.trim().to_string();
        }
        ThemeEdit::Retire { id } => {
            must_exist(id)?;
            let r = next.resolve(id)?;
            let is_category = r.subtheme.is_none();
            let mut gone = vec![id.clone()];
            if is_category {
                gone.extend(
                    next.categories[r.category]
                        .subthemes
                        .iter()
                        .map(|s| format!("{id}.{}", s.id)),
                );
            }
            let added_here = draft
                .crosswalk
                .iter()
                .any(|c| c.kind == ChangeKind::New && c.to.contains(id));
            if added_here {
                // Taking back a theme added in this draft: it never existed.
                for change in &mut next.crosswalk {
                    if change.kind == ChangeKind::New {
                        change.to.retain(|t| !gone.contains(t));
                    }
                }
                next.crosswalk
                    .retain(|c| c.kind != ChangeKind::New || !c.to.is_empty());
            } else {
                if let Some(busy) = gone.iter().find(|g| !untouched(g)) {
                    return Err(refuse(format!(
                        "'{busy}' is already part of another change in this draft; undo that change first"
                    )));
                }
                next.crosswalk.push(Change {
                    kind: ChangeKind::Retired,
                    from: gone,
                    to: Vec::new(),
                });
            }
            if is_category {
                next.categories.remove(r.category);
            } else if let Some(s) = r.subtheme {
                next.categories[r.category].subthemes.remove(s);
            }
        }
        ThemeEdit::Split { id, parts } => {
            must_exist(id)?;
            if !id.contains('.') {
                return Err(refuse(format!(
                    "'{id}' is a category; add subthemes to it instead of splitting it"
                )));
            }
            if !untouched(id) {
                return Err(refuse(format!(
                    "'{id}' is already part of another change in this draft; undo that change first"
                )));
            }
            if parts.is_empty() {
                return Err(refuse(format!("say what '{id}' is split into")));
            }
            let category = category_of(id).to_string();
            let r = next.resolve(id)?;
            let mut to = vec![id.clone()];
            for (i, part) in parts.iter().enumerate() {
                let part_id = format!("{category}.{}", part.id);
                fresh(&part_id)?;
                if to.contains(&part_id) {
                    return Err(refuse(format!("'{part_id}' is given twice")));
                }
                let at = r.subtheme.map_or(0, |s| s + 1 + i);
                next.categories[r.category]
                    .subthemes
                    .insert(at, subtheme(part));
                to.push(part_id);
            }
            next.crosswalk.push(Change {
                kind: ChangeKind::Split,
                from: vec![id.clone()],
                to,
            });
        }
        ThemeEdit::Merge { ids, label } => {
            if ids.len() < 2 {
                return Err(refuse("choose two or more subthemes to merge".into()));
            }
            for (i, id) in ids.iter().enumerate() {
                must_exist(id)?;
                if !id.contains('.') {
                    return Err(refuse(format!(
                        "'{id}' is a category; only subthemes can be merged"
                    )));
                }
                if !untouched(id) {
                    return Err(refuse(format!(
                        "'{id}' is already part of another change in this draft; undo that change first"
                    )));
                }
                if ids[..i].contains(id) {
                    return Err(refuse(format!("'{id}' is given twice")));
                }
            }
            let into = &ids[0];
            for id in &ids[1..] {
                let r = next.resolve(id)?;
                if let Some(s) = r.subtheme {
                    next.categories[r.category].subthemes.remove(s);
                }
            }
            let r = next.resolve(into)?;
            if let Some(s) = r.subtheme {
                next.categories[r.category].subthemes[s].label = label.trim().to_string();
            }
            next.crosswalk.push(Change {
                kind: ChangeKind::Merged,
                from: ids.clone(),
                to: vec![into.clone()],
            });
        }
    }
    catalogue.with_next(next.clone())?;
    Ok(next)
}

fn subtheme(theme: &NewTheme) -> Subtheme {
    Subtheme {
        id: theme.id.clone(),
        label: theme.label.trim().to_string(),
        description: theme.description.trim().to_string(),
        search_words: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(id: &str, label: &str) -> NewTheme {
        NewTheme {
            id: id.into(),
            label: label.into(),
            description: String::new(),
        }
    }

    fn edits(list: &[ThemeEdit]) -> Result<(ThemeCatalogue, ThemeList), ThemeError> {
        let catalogue = ThemeCatalogue::shipped();
        let mut draft = start_draft(&catalogue);
        for e in list {
            draft = apply(&catalogue, &draft, e)?;
        }
        Ok((catalogue, draft))
    }

    #[test]
    fn each_edit_writes_its_crosswalk_entry_and_publishes() {
        let (catalogue, draft) = edits(&[
            ThemeEdit::Split {
                id: "inspection.ofsted".into(),
                parts: vec![
                    new("report_card", "Report cards"),
                    new("monitoring", "Monitoring"),
                ],
            },
            ThemeEdit::Add {
                category: Some("send".into()),
                theme: new("reform", "SEND reform"),
            },
            ThemeEdit::Rename {
                id: "premises.raac".into(),
                label: "RAAC and unsafe buildings".into(),
                description: "Reinforced concrete and other unsafe structures".into(),
            },
            ThemeEdit::Merge {
                ids: vec![
                    "parents.unreasonable_behaviour".into(),
                    "parents.threats".into(),
                ],
                label: "Unreasonable behaviour and threats".into(),
            },
            ThemeEdit::Retire {
                id: "other.information".into(),
            },
        ])
        .unwrap();
        let kinds: Vec<ChangeKind> = draft.crosswalk.iter().map(|c| c.kind).collect();
        use ChangeKind::*;
        assert_eq!(kinds, [Split, New, Renamed, Merged, Retired]);
        let published = catalogue.with_next(draft).unwrap();
        let v2 = published.current();
        assert_eq!(v2.version, 2);
        let subs: Vec<&str> = v2.categories[0]
            .subthemes
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(subs[..3], ["ofsted", "report_card", "monitoring"]);
        assert_eq!(v2.label("premises.raac"), Some("RAAC and unsafe buildings"));
        assert!(!v2.contains("parents.threats") && !v2.contains("other.information"));
        assert_eq!(
            published.destination(1, "parents.threats", 2).unwrap().now,
            ["parents.unreasonable_behaviour"]
        );
    }

    #[test]
    fn a_used_id_a_busy_theme_and_a_category_split_are_refused() {
        let err = edits(&[ThemeEdit::Add {
            category: Some("send".into()),
            theme: new("ehcp", "EHCPs again"),
        }])
        .unwrap_err();
        assert!(err.to_string().contains("already used"), "{err}");
        let err = edits(&[
            ThemeEdit::Retire {
                id: "parents.threats".into(),
            },
            ThemeEdit::Merge {
                ids: vec!["parents.threats".into(), "parents.social_media".into()],
                label: "x".into(),
            },
        ])
        .unwrap_err();
        assert!(
            err.to_string().contains("no theme 'parents.threats'"),
            "{err}"
        );
        let err = edits(&[
            ThemeEdit::Rename {
                id: "parents.threats".into(),
                label: "Threats".into(),
                description: String::new(),
            },
            ThemeEdit::Retire {
                id: "parents.threats".into(),
            },
        ])
        .unwrap_err();
        assert!(err.to_string().contains("undo that change first"), "{err}");
        let err = edits(&[ThemeEdit::Split {
            id: "send".into(),
            parts: vec![new("x", "X")],
        }])
        .unwrap_err();
        assert!(err.to_string().contains("is a category"), "{err}");
        let err = edits(&[ThemeEdit::Retire {
            id: "risk_to_self".into(),
        }])
        .unwrap_err();
        assert!(err.to_string().contains("cannot be removed"), "{err}");
    }

    #[test]
    fn retiring_a_theme_added_in_the_draft_takes_it_back() {
        let (catalogue, draft) = edits(&[
            ThemeEdit::Add {
                category: None,
                theme: new("trusts", "Trusts"),
            },
            ThemeEdit::Add {
                category: Some("trusts".into()),
                theme: new("inspection", "Trust inspection"),
            },
            ThemeEdit::Retire {
                id: "trusts".into(),
            },
        ])
        .unwrap();
        assert!(draft.crosswalk.is_empty(), "{:?}", draft.crosswalk);
        assert_eq!(draft.categories, catalogue.current().categories);
    }
}
