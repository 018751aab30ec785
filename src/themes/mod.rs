//! The theme list calls are tagged with, in versions that change over the
//! years while the annual report keeps comparing each year with the last.
//!
//! - [`list`]: one version, its categories and subthemes.
//! - [`crosswalk`]: how one version maps to the next (renamed, merged,
//!   split, new, retired), checked so that nothing is left unmapped.
//! - [`catalogue`]: every version a store knows, and where a theme of any
//!   version lands in a later one.
//! - [`edit`]: the coordinator's changes that make the next version.

pub mod catalogue;
pub mod change;
pub mod crosswalk;
pub mod edit;
pub mod list;

pub use catalogue::{Destination, ThemeCatalogue};
pub use change::{Change, ChangeKind};
pub use list::{Category, RISK_TO_SELF, Subtheme, ThemeList, ThemeRef, category_of};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ThemeError {
    #[error("unknown theme '{given}'{hint}")]
    Unknown { given: String, hint: String },
    #[error("the theme list is not valid: {0}")]
    InvalidList(String),
}

const SHIPPED_V2: &str = include_str!("default_v2.json");

/// Quietline's theme list version 2, for the 2025 inspection framework,
/// with its crosswalk from version 1: a draft a coordinator may adopt
/// (and change) in the theme list editor, never applied by itself.
pub fn shipped_v2_draft() -> ThemeList {
    // Checked against version 1 by a unit test, so failing here would mean
    // the binary itself is broken.
    #[allow(clippy::expect_used)]
    serde_json::from_str(SHIPPED_V2).expect("the embedded theme list version 2 is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_v2_follows_v1_with_a_complete_crosswalk() {
        let v2 = shipped_v2_draft();
        let catalogue = ThemeCatalogue::shipped().with_next(v2).unwrap();
        let dest = catalogue.destination(1, "inspection.ofsted", 2).unwrap();
        for part in [
            "inspection.ofsted",
            "inspection.report_card",
            "inspection.monitoring",
            "inspection.dfe_intervention",
        ] {
            assert!(dest.now.iter().any(|t| t == part), "{part}: {dest:?}");
        }
        let v2 = catalogue.current();
        for new in [
            "send.reform",
            "staffing.industrial_action",
            "wellbeing.moral_injury",
        ] {
            assert!(v2.contains(new), "{new}");
            assert!(!v2.description(new).unwrap_or_default().is_empty(), "{new}");
        }
        for id in v2.all_ids() {
            assert!(
                !v2.description(&id).unwrap_or_default().is_empty(),
                "{id} has no description"
            );
        }
    }
}
