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
