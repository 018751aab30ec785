//! The choices the app's pickers offer, with their labels, taken from the
//! model and the theme list so that the screens never hard-code a list.

use serde::Serialize;

use crate::model::{CallType, CallerType, Employer, MAX_THEMES, Region, RiskLevel, Role, Setting};
use crate::themes::ThemeList;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// A category or a subtheme, for type-ahead over both levels at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ThemeChoice {
    /// `category` or `category.subtheme`.
    pub id: String,
    pub label: String,
    pub category_id: String,
    pub category_label: String,
    pub is_category: bool,
    /// Everyday words that also find this theme ("money" for funding).
    pub search_words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Vocabulary {
    pub call_types: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub settings: Vec<Choice>,
    pub employers: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub caller_types: Vec<Choice>,
    pub risk_levels: Vec<Choice>,
    /// Risk levels at which the safeguarding panel opens.
    pub risk_levels_needing_safeguarding: Vec<String>,
    pub themes: Vec<ThemeChoice>,
    pub theme_list_version: u32,
    pub max_themes: u32,
    /// IANA time zone names for the settings screen.
    pub time_zones: Vec<String>,
}

macro_rules! choices {
    ($ty:ty) => {
        <$ty>::ALL
            .iter()
            .map(|v| Choice {
                id: v.id().to_string(),
                label: v.label().to_string(),
            })
            .collect()
    };
}

impl Vocabulary {
    pub fn new(themes: &ThemeList) -> Vocabulary {
        Vocabulary {
            call_types: choices!(CallType),
            roles: choices!(Role),
            settings: choices!(Setting),
            employers: choices!(Employer),
            regions: choices!(Region),
            caller_types: choices!(CallerType),
            risk_levels: choices!(RiskLevel),
            risk_levels_needing_safeguarding: RiskLevel::ALL
                .iter()
                .filter(|r| crate::safeguarding::panel_opens_for(**r))
                .map(|r| r.id().to_string())
                .collect(),
            themes: theme_choices(themes),
            theme_list_version: themes.version,
            max_themes: MAX_THEMES as u32,
            time_zones: chrono_tz::TZ_VARIANTS
                .iter()
                .map(|tz| tz.name().to_string())
                .collect(),
        }
    }
}

fn theme_choices(themes: &ThemeList) -> Vec<ThemeChoice> {
    let mut out = Vec::new();
    for c in &themes.categories {
        out.push(ThemeChoice {
            id: c.id.clone(),
            label: c.label.clone(),
            category_id: c.id.clone(),
            category_label: c.label.clone(),
            is_category: true,
            search_words: c.search_words.clone(),
        });
        for s in &c.subthemes {
            out.push(ThemeChoice {
                id: format!("{}.{}", c.id, s.id),
                label: s.label.clone(),
                category_id: c.id.clone(),
                category_label: c.label.clone(),
                is_category: false,
                search_words: s.search_words.clone(),
            });
        }
    }
    out
}

/// The label a volunteer sees for a stored theme id; the id itself if the
/// theme is not in this list (a record from another list version).
pub fn theme_label(themes: &ThemeList, id: &str) -> String {
    match themes.resolve(id) {
        Ok(r) => {
            let category = &themes.categories[r.category];
            match r.subtheme {
                Some(s) => category.subthemes[s].label.clone(),
                None => category.label.clone(),
            }
        }
        Err(_) => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_id_offered_is_one_the_store_accepts() {
        let list = ThemeList::default_list();
        let vocab = Vocabulary::new(&list);
        assert!(vocab.themes.len() > 12);
        for t in &vocab.themes {
            assert!(list.resolve(&t.id).is_ok(), "{}", t.id);
            assert_eq!(theme_label(&list, &t.id), t.label);
        }
        assert_eq!(vocab.risk_levels_needing_safeguarding, ["high", "imminent"]);
    }

    #[test]
    fn theme_choices_carry_their_search_words() {
        let vocab = Vocabulary::new(&ThemeList::default_list());
        let words = |id: &str| {
            let theme = vocab.themes.iter().find(|t| t.id == id).unwrap();
            theme.search_words.clone()
        };
        assert!(words("funding").contains(&"money".to_string()));
        assert!(words("risk_to_self.suicidal_thoughts").contains(&"suicide".to_string()));
        assert!(vocab.themes.iter().all(|t| !t.search_words.is_empty()));
    }
}

#[cfg(test)]
mod fixture {
    use super::*;

    /// The browser tests' stand-in backend serves this exact vocabulary, so
    /// their pickers offer what the real app offers. Regenerated by `cargo
    /// test`; CI fails if the committed copy is stale.
    #[test]
    fn export_vocabulary_for_the_browser_tests() {
        let vocab = Vocabulary::new(&ThemeList::default_list());
        let mut json = serde_json::to_string_pretty(&Vocabulary {
            time_zones: vec!["Europe/London".into(), "Europe/Dublin".into(), "UTC".into()],
            ..vocab
        })
        .unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/vocabulary.json");
        std::fs::write(path, json).unwrap();
    }
}
