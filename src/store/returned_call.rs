//! The call a return carries, as a coordinator's store keeps it: below
//! both the merged calls' records (`merged.rs`) and their report pages
//! (`merged_pages.rs`).

use serde::{Deserialize, Serialize};

use crate::model::{CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};

/// One call as it leaves a volunteer's laptop: never notes, safeguarding
/// steps, names or times finer than the month. The return format
/// (`returns::payload`) carries these, and a coordinator's store keeps them
/// as they came, so the type lives here, below both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnedCall {
    /// The export id: 32 lowercase hex digits, a keyed hash of the call id.
    pub id: String,
    /// The local month the call started in, `YYYY-MM`.
    pub month: String,
    pub minutes: u32,
    pub call_type: CallType,
    pub role: Role,
    pub setting: Setting,
    pub employer: Option<Employer>,
    pub region: Region,
    pub caller: CallerType,
    /// The theme list version the call was logged under. Left out when it
    /// is 1, so returns made before theme lists had versions read the same.
    #[serde(default = "first_version", skip_serializing_if = "is_first_version")]
    pub theme_list_version: u32,
    /// Theme ids, main theme first.
    pub themes: Vec<String>,
    pub risk: RiskLevel,
    pub follow_up: bool,
}

fn first_version() -> u32 {
    1
}

fn is_first_version(version: &u32) -> bool {
    *version == 1
}
