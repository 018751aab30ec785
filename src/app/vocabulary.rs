//! The choices the app's pickers offer, with their labels, taken from the
//! model and the theme list so that the screens never hard-code a list; and
//! the [`Rules`] the screens show or check before asking, taken from the
//! code that enforces them.

use serde::Serialize;

use super::follow_up::FollowUpState;
use crate::model::{CallType, CallerType, Employer, MAX_THEMES, Region, RiskLevel, Role, Setting};
use crate::safeguarding::{COORDINATOR_CONSULTED, ChecklistStep};
use crate::store::{MAX_CALL_IDLE_LOCK_MINUTES, MAX_IDLE_LOCK_MINUTES, MIN_IDLE_LOCK_MINUTES};
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

/// The least and the most a number may be, both allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Bounds {
    pub min: i32,
    pub max: i32,
}

/// A one-key short call: Alt and `key` log a call of `call_type` at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ShortCallKey {
    pub key: String,
    pub call_type: String,
    pub label: String,
}

/// A yes-or-no step of the safeguarding checklist and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ChecklistChoice {
    pub step: ChecklistStep,
    pub label: String,
}

/// What the calls list says of each follow-up state; empty for none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct FollowUpLabel {
    pub state: FollowUpState,
    pub label: String,
}

/// The limits and labels the screens show, or check before asking, each
/// taken from the code that enforces it, so no screen holds a copy. Needs
/// no store: the first screen shows the passphrase's minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Rules {
    /// The shortest passphrase a store accepts, in characters.
    pub min_passphrase_chars: u32,
    /// The idle minutes a volunteer may choose before the app locks.
    pub idle_lock_minutes: Bounds,
    /// The same while the call timer runs.
    pub call_idle_lock_minutes: Bounds,
    /// The years a report or a return may be for.
    pub years: Bounds,
    /// Alt+1–4: the short calls logged at once, in key order.
    pub short_call_keys: Vec<ShortCallKey>,
    /// The checklist's yes-or-no steps, in the order they are stored.
    pub safeguarding_steps: Vec<ChecklistChoice>,
    /// The checklist's "coordinator consulted".
    pub coordinator_consulted: String,
    pub follow_up_labels: Vec<FollowUpLabel>,
}

impl Rules {
    pub fn new() -> Rules {
        let whole = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Rules {
            min_passphrase_chars: u32::try_from(super::strength::MIN_CHARS).unwrap_or(u32::MAX),
            idle_lock_minutes: Bounds {
                min: whole(MIN_IDLE_LOCK_MINUTES),
                max: whole(MAX_IDLE_LOCK_MINUTES),
            },
            call_idle_lock_minutes: Bounds {
                min: whole(MIN_IDLE_LOCK_MINUTES),
                max: whole(MAX_CALL_IDLE_LOCK_MINUTES),
            },
            years: Bounds {
                min: crate::period::FIRST_YEAR,
                max: crate::period::LAST_YEAR,
            },
            // Every short outcome in the model's order: Alt+1 is the first.
            short_call_keys: CallType::ALL
                .iter()
                .filter(|t| !t.is_substantive())
                .zip(1..)
                .map(|(t, key): (&CallType, u32)| ShortCallKey {
                    key: key.to_string(),
                    call_type: t.id().to_string(),
                    label: t.label().to_string(),
                })
                .collect(),
            safeguarding_steps: ChecklistStep::ALL
                .iter()
                .map(|step| ChecklistChoice {
                    step: *step,
                    label: step.label().to_string(),
                })
                .collect(),
            coordinator_consulted: COORDINATOR_CONSULTED.to_string(),
            follow_up_labels: FollowUpState::ALL
                .into_iter()
                .map(|state| FollowUpLabel {
                    state,
                    label: state.label().to_string(),
                })
                .collect(),
        }
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::new()
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
            assert_eq!(list.label(&t.id), Some(t.label.as_str()));
        }
        assert_eq!(vocab.risk_levels_needing_safeguarding, ["high", "imminent"]);
    }

    #[test]
    fn the_rules_are_the_ones_enforced() {
        let rules = Rules::new();
        assert_eq!(rules.min_passphrase_chars, 8);
        assert_eq!(rules.idle_lock_minutes, Bounds { min: 1, max: 60 });
        assert_eq!(rules.call_idle_lock_minutes, Bounds { min: 1, max: 180 });
        assert_eq!(
            rules.years,
            Bounds {
                min: 1900,
                max: 9998
            }
        );
        let keys: Vec<_> = rules
            .short_call_keys
            .iter()
            .map(|k| format!("{}={}:{}", k.key, k.call_type, k.label))
            .collect();
        assert_eq!(
            keys,
            [
                "1=silent:Silent",
                "2=hang_up:Hang-up",
                "3=wrong_number:Wrong number",
                "4=information_only:Information only"
            ]
        );
        assert!(crate::period::Period::calendar(rules.years.min).is_ok());
        assert!(crate::period::Period::calendar(rules.years.min - 1).is_err());
        assert!(crate::period::Period::calendar(rules.years.max).is_ok());
        assert!(crate::period::Period::calendar(rules.years.max + 1).is_err());
        assert_eq!(rules.safeguarding_steps.len(), 5);
        assert_eq!(rules.follow_up_labels.len(), 5);
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

    /// The rules the stand-in backend serves, as the real one does.
    #[test]
    fn export_rules_for_the_browser_tests() {
        let mut json = serde_json::to_string_pretty(&Rules::new()).unwrap();
        json.push('\n');
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/testing/rules.json");
        std::fs::write(path, json).unwrap();
    }
}
