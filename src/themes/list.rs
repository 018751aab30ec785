//! One version of the two-level theme list (category, subtheme) that calls
//! are tagged with.
//!
//! The list is data with a version, not an enum: a coordinator adds,
//! renames and retires themes without breaking past years (see
//! [`super::crosswalk`]). A theme is named by its id, `category` or
//! `category.subtheme`; labels are for display only.

use serde::{Deserialize, Serialize};

use super::change::Change;

const DEFAULT_V1: &str = include_str!("default_v1.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeList {
    pub version: u32,
    pub categories: Vec<Category>,
    /// How every theme of the previous version maps to this one; empty for
    /// version 1. Themes in both versions and not named here are unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crosswalk: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub label: String,
    /// One line on what the theme covers, for the theme list editor and
    /// `quietline themes`.
    #[serde(default)]
    pub description: String,
    /// Everyday words a volunteer might type for this theme ("money" for
    /// funding). Only for finding a theme: never stored, counted or shown.
    #[serde(default)]
    pub search_words: Vec<String>,
    pub subthemes: Vec<Subtheme>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subtheme {
    pub id: String,
    pub label: String,
    /// As for [`Category::description`].
    #[serde(default)]
    pub description: String,
    /// As for [`Category::search_words`].
    #[serde(default)]
    pub search_words: Vec<String>,
}

/// Where a theme id sits in the list: a category, and perhaps one of its subthemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeRef {
    pub category: usize,
    pub subtheme: Option<usize>,
}

use super::ThemeError;

/// The category the report counts "risk to self discussed" by: every
/// version of the list keeps it.
pub const RISK_TO_SELF: &str = "risk_to_self";
/// Limits that keep a list readable on screen and a profile small.
pub const MAX_CATEGORIES: usize = 40;
pub const MAX_SUBTHEMES: usize = 40;
pub const MAX_LABEL_CHARS: usize = 80;
pub const MAX_DESCRIPTION_CHARS: usize = 200;
pub const MAX_SEARCH_WORDS: usize = 30;

/// The category part of a theme id: `send` of `send.ehcp`.
pub fn category_of(id: &str) -> &str {
    id.split_once('.').map_or(id, |(c, _)| c)
}

fn check_words(
    id: &str,
    label: &str,
    description: &str,
    search_words: &[String],
) -> Result<(), ThemeError> {
    let label_chars = label.trim().chars().count();
    if label_chars == 0 || label_chars > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(ThemeError::InvalidList(format!(
            "theme '{id}' needs a label of 1 to {MAX_LABEL_CHARS} characters on one line"
        )));
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS
        || description.chars().any(char::is_control)
    {
        return Err(ThemeError::InvalidList(format!(
            "the description of theme '{id}' must be one line of at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    if search_words.len() > MAX_SEARCH_WORDS
        || search_words
            .iter()
            .any(|w| w.chars().count() > MAX_LABEL_CHARS || w.chars().any(char::is_control))
    {
        return Err(ThemeError::InvalidList(format!(
            "theme '{id}' has too many or too long search words (at most {MAX_SEARCH_WORDS})"
        )));
    }
    Ok(())
}

impl ThemeList {
    /// The helpline's default list, version 1.
    pub fn default_list() -> ThemeList {
        // The embedded list is checked by a unit test, so failing here would
        // mean the binary itself is broken.
        #[allow(clippy::expect_used)]
        ThemeList::from_json(DEFAULT_V1).expect("the embedded theme list is valid")
    }

    pub fn from_json(text: &str) -> Result<ThemeList, ThemeError> {
        let list: ThemeList =
            serde_json::from_str(text).map_err(|e| ThemeError::InvalidList(e.to_string()))?;
        list.check()?;
        Ok(list)
    }

    pub(super) fn check(&self) -> Result<(), ThemeError> {
        let valid_id = |id: &str| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        if self.version == 0 {
            return Err(ThemeError::InvalidList(
                "theme list versions count from 1".into(),
            ));
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(ThemeError::InvalidList(format!(
                "it has {} categories; at most {MAX_CATEGORIES} are allowed",
                self.categories.len()
            )));
        }
        if !self.categories.iter().any(|c| c.id == RISK_TO_SELF) {
            return Err(ThemeError::InvalidList(format!(
                "it has no '{RISK_TO_SELF}' category; the report counts calls where risk to self was discussed by it, so it cannot be removed"
            )));
        }
        for (i, category) in self.categories.iter().enumerate() {
            check_words(
                &category.id,
                &category.label,
                &category.description,
                &category.search_words,
            )?;
            if category.subthemes.len() > MAX_SUBTHEMES {
                return Err(ThemeError::InvalidList(format!(
                    "category '{}' has {} subthemes; at most {MAX_SUBTHEMES} are allowed",
                    category.id,
                    category.subthemes.len()
                )));
            }
            if !valid_id(&category.id) {
                return Err(ThemeError::InvalidList(format!(
                    "category id '{}' must be lowercase letters, digits and '_'",
                    category.id
                )));
            }
            if self.categories[..i].iter().any(|c| c.id == category.id) {
                return Err(ThemeError::InvalidList(format!(
                    "category '{}' appears twice",
                    category.id
                )));
            }
            for (j, sub) in category.subthemes.iter().enumerate() {
                check_words(
                    &format!("{}.{}", category.id, sub.id),
                    &sub.label,
                    &sub.description,
                    &sub.search_words,
                )?;
                if !valid_id(&sub.id) {
                    return Err(ThemeError::InvalidList(format!(
                        "subtheme id '{}.{}' must be lowercase letters, digits and '_'",
                        category.id, sub.id
                    )));
                }
                if category.subthemes[..j].iter().any(|s| s.id == sub.id) {
                    return Err(ThemeError::InvalidList(format!(
                        "subtheme '{}.{}' appears twice",
                        category.id, sub.id
                    )));
                }
            }
        }
        Ok(())
    }

    /// Whether `id` names a theme of this list.
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// Where a theme sits, if it is in this list.
    pub fn find(&self, id: &str) -> Option<ThemeRef> {
        let (category_id, subtheme_id) = match id.split_once('.') {
            Some((c, s)) => (c, Some(s)),
            None => (id, None),
        };
        let category = self.categories.iter().position(|c| c.id == category_id)?;
        let subtheme = match subtheme_id {
            None => None,
            Some(s) => Some(
                self.categories[category]
                    .subthemes
                    .iter()
                    .position(|sub| sub.id == s)?,
            ),
        };
        Some(ThemeRef { category, subtheme })
    }

    /// A theme's label, if it is in this list.
    pub fn label(&self, id: &str) -> Option<&str> {
        let r = self.find(id)?;
        let category = &self.categories[r.category];
        Some(match r.subtheme {
            Some(s) => &category.subthemes[s].label,
            None => &category.label,
        })
    }

    /// A theme's one-line description, if it is in this list.
    pub fn description(&self, id: &str) -> Option<&str> {
        let r = self.find(id)?;
        let category = &self.categories[r.category];
        Some(match r.subtheme {
            Some(s) => &category.subthemes[s].description,
            None => &category.description,
        })
    }

    /// Finds a theme by id. An unknown id gets a hint when the volunteer has
    /// typed a subtheme without its category (`ofsted` for `inspection.ofsted`).
    pub fn resolve(&self, id: &str) -> Result<ThemeRef, ThemeError> {
        self.find(id).ok_or_else(|| ThemeError::Unknown {
            given: id.to_string(),
            hint: self.hint_for(id),
        })
    }

    fn hint_for(&self, id: &str) -> String {
        let last = id.rsplit('.').next().unwrap_or(id);
        let candidates: Vec<String> = self
            .categories
            .iter()
            .flat_map(|c| {
                c.subthemes
                    .iter()
                    .filter(move |s| s.id == last)
                    .map(move |s| format!("{}.{}", c.id, s.id))
            })
            .collect();
        if candidates.is_empty() {
            let categories: Vec<&str> = self.categories.iter().map(|c| c.id.as_str()).collect();
            format!(
                "; themes are 'category' or 'category.subtheme', with categories: {}",
                categories.join(", ")
            )
        } else {
            format!("; did you mean {}?", candidates.join(" or "))
        }
    }

    pub fn category(&self, theme: ThemeRef) -> &Category {
        &self.categories[theme.category]
    }

    /// Every theme id in list order: each category, then its subthemes.
    pub fn all_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.categories.iter().flat_map(|c| {
            std::iter::once(c.id.clone()).chain(
                c.subthemes
                    .iter()
                    .map(move |s| format!("{}.{}", c.id, s.id)),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_is_version_1_with_twelve_categories() {
        let list = ThemeList::default_list();
        assert_eq!(list.version, 1);
        let ids: Vec<&str> = list.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "inspection",
                "send",
                "funding",
                "governance",
                "premises",
                "staffing",
                "parents",
                "pupils",
                "leadership",
                "wellbeing",
                "risk_to_self",
                "other"
            ]
        );
        assert_eq!(list.all_ids().count(), 12 + 49);
    }

    #[test]
    fn resolves_categories_and_subthemes() {
        let list = ThemeList::default_list();
        let r = list.resolve("send.ehcp").unwrap();
        assert_eq!(list.category(r).id, "send");
        assert_eq!(r.subtheme, Some(0));
        let bare = list.resolve("funding").unwrap();
        assert_eq!(list.category(bare).label, "Funding and budgets");
        assert_eq!(bare.subtheme, None);
    }

    #[test]
    fn a_bare_subtheme_gets_a_hint() {
        let list = ThemeList::default_list();
        let err = list.resolve("ofsted").unwrap_err().to_string();
        assert!(err.contains("did you mean inspection.ofsted?"), "{err}");
        let err = list.resolve("nonsense").unwrap_err().to_string();
        assert!(err.contains("categories: inspection"), "{err}");
    }

    #[test]
    fn a_list_with_duplicate_ids_is_refused() {
        let err = ThemeList::from_json(
            r#"{"version":2,"categories":[{"id":"a","label":"A","subthemes":[]},{"id":"a","label":"B","subthemes":[]},{"id":"risk_to_self","label":"R","subthemes":[]}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("appears twice"));
    }

    #[test]
    fn a_list_without_risk_to_self_or_with_an_empty_label_is_refused() {
        let err = ThemeList::from_json(
            r#"{"version":1,"categories":[{"id":"a","label":"A","subthemes":[]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("no 'risk_to_self' category"),
            "{err}"
        );
        let err = ThemeList::from_json(
            r#"{"version":1,"categories":[{"id":"a","label":" ","subthemes":[]},{"id":"risk_to_self","label":"R","subthemes":[]}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("needs a label"), "{err}");
    }

    #[test]
    fn a_list_without_search_words_still_loads() {
        let list = ThemeList::from_json(
            r#"{"version":1,"categories":[{"id":"a","label":"A","subthemes":[{"id":"b","label":"B"}]},{"id":"risk_to_self","label":"R","subthemes":[]}]}"#,
        )
        .unwrap();
        assert!(list.categories[0].search_words.is_empty());
        assert!(list.categories[0].subthemes[0].search_words.is_empty());
    }

    /// Each theme's id, label and search words, both levels in list order.
    fn every_theme(list: &ThemeList) -> Vec<(String, &str, &[String])> {
        list.categories
            .iter()
            .flat_map(|c| {
                std::iter::once((c.id.clone(), c.label.as_str(), c.search_words.as_slice())).chain(
                    c.subthemes.iter().map(move |s| {
                        (
                            format!("{}.{}", c.id, s.id),
                            s.label.as_str(),
                            s.search_words.as_slice(),
                        )
                    }),
                )
            })
            .collect()
    }

    /// The themes whose label or search words have a word starting with
    /// `typed`, as the picker finds them.
    fn found_by(list: &ThemeList, typed: &str) -> Vec<String> {
        let starts_a_word = |text: &str| {
            let text = text.to_lowercase();
            text.starts_with(typed) || text.split([' ', '-']).any(|word| word.starts_with(typed))
        };
        every_theme(list)
            .into_iter()
            .filter(|(_, label, words)| {
                starts_a_word(label) || words.iter().any(|w| starts_a_word(w))
            })
            .map(|(id, _, _)| id)
            .collect()
    }

    #[test]
    fn every_theme_has_tidy_search_words() {
        let list = ThemeList::default_list();
        for (id, label, words) in every_theme(&list) {
            assert!(!words.is_empty(), "{id} has no search words");
            for (i, word) in words.iter().enumerate() {
                assert!(
                    !word.is_empty() && word.trim() == word && word.to_lowercase() == *word,
                    "{id}: search word '{word}' should be lowercase with no outer spaces"
                );
                assert_ne!(word, &label.to_lowercase(), "{id}: '{word}' is the label");
                assert!(!words[..i].contains(word), "{id}: '{word}' appears twice");
            }
        }
    }

    #[test]
    fn everyday_words_find_the_themes_they_mean() {
        let list = ThemeList::default_list();
        for (typed, theme) in [
            ("suicide", "risk_to_self.suicidal_thoughts"),
            ("suicidal", "risk_to_self.suicidal_thoughts"),
            ("self-harm", "risk_to_self.self_harm"),
            ("self harm", "risk_to_self.self_harm"),
            ("money", "funding"),
            ("budget", "funding"),
            ("cuts", "funding"),
            ("deficit", "funding"),
            ("sleep", "wellbeing.burnout_stress"),
            ("exhausted", "wellbeing.burnout_stress"),
            ("tired", "wellbeing.burnout_stress"),
            ("stress", "wellbeing.burnout_stress"),
            ("stress", "wellbeing"),
            ("bullying", "staffing.grievance"),
            ("bullying", "parents.unreasonable_behaviour"),
            ("bullying", "pupils.behaviour"),
            ("bullying", "wellbeing"),
        ] {
            let found = found_by(&list, typed);
            assert!(
                found.iter().any(|id| id == theme),
                "'{typed}' finds {found:?}, not {theme}"
            );
        }
        // Suicide is a risk to the caller: it must not lead elsewhere first.
        assert_eq!(
            found_by(&list, "suicide"),
            ["risk_to_self.suicidal_thoughts"]
        );
    }
}
