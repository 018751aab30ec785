//! One entry of a version's crosswalk: what became of some themes of the
//! previous version. [`super::crosswalk`] checks a whole crosswalk.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ChangeKind {
    Unchanged,
    Renamed,
    Merged,
    Split,
    New,
    Retired,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 6] = [
        ChangeKind::Unchanged,
        ChangeKind::Renamed,
        ChangeKind::Merged,
        ChangeKind::Split,
        ChangeKind::New,
        ChangeKind::Retired,
    ];

    /// The word a coordinator reads in the crosswalk preview.
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Merged => "merged",
            ChangeKind::Split => "split",
            ChangeKind::New => "new",
            ChangeKind::Retired => "retired",
        }
    }
}

/// One entry of a crosswalk: themes of the previous version (`from`) and
/// what they became in this one (`to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Change {
    pub kind: ChangeKind,
    pub from: Vec<String>,
    pub to: Vec<String>,
}
