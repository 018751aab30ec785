//! What the demo log may not do. Its passphrase is public (it is there to
//! be looked at), so nothing it holds or makes can be trusted: it may not
//! become a coordinator's log, make or merge returns, import a helpline
//! profile, keep drafts or be backed up.
//!
//! The store carries a sealed mark written when the demo was made
//! ([`Vault::is_demo`]), so these refusals hold for every door that opens
//! it: the app's demo button, the app's ordinary unlock, and the CLI.

use super::{AppError, ErrorCode};
use crate::store::Vault;

/// An action the demo log refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAction {
    BecomeCoordinator,
    MakeReturn,
    MergeReturns,
    ImportProfile,
    KeepDraft,
}

const WHY: &str = "The demo log is for trying Quietline out, and its passphrase is public";

impl DemoAction {
    pub const ALL: [DemoAction; 5] = [
        DemoAction::BecomeCoordinator,
        DemoAction::MakeReturn,
        DemoAction::MergeReturns,
        DemoAction::ImportProfile,
        DemoAction::KeepDraft,
    ];

    /// Its name in the browser tests' refusals.
    #[cfg(test)]
    pub(super) fn id(self) -> &'static str {
        match self {
            DemoAction::BecomeCoordinator => "demo_become_coordinator",
            DemoAction::MakeReturn => "demo_make_return",
            DemoAction::MergeReturns => "demo_merge_returns",
            DemoAction::ImportProfile => "demo_import_profile",
            DemoAction::KeepDraft => "demo_keep_draft",
        }
    }

    pub(super) fn refusal(self) -> String {
        let cannot = match self {
            DemoAction::BecomeCoordinator => "it cannot become the coordinator's log",
            DemoAction::MakeReturn => "it cannot make returns",
            DemoAction::MergeReturns => "it cannot merge returns",
            DemoAction::ImportProfile => "it cannot import a helpline profile",
            DemoAction::KeepDraft => "it keeps no drafts of a call being typed",
        };
        format!("{WHY}: {cannot}.")
    }
}

/// Refuses `action` when `vault` is the demo log.
pub fn refuse_in_demo(vault: &Vault, action: DemoAction) -> Result<(), AppError> {
    if vault.is_demo() {
        return Err(AppError::new(ErrorCode::Failed, action.refusal()));
    }
    Ok(())
}

/// What the screens say where the refused actions would be, or empty when
/// `vault` is not the demo log.
pub fn demo_note(vault: &Vault) -> String {
    if !vault.is_demo() {
        return String::new();
    }
    note()
}

pub(super) fn note() -> String {
    format!(
        "{WHY}: it cannot become the coordinator's log, make or merge returns, import a \
         helpline profile or be backed up. Use your own call log for those."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_says_why_and_what() {
        for action in DemoAction::ALL {
            let words = action.refusal();
            assert!(words.starts_with("The demo log is for trying"), "{words}");
            assert!(
                words.contains("cannot") || words.contains("no drafts"),
                "{words}"
            );
        }
    }
}
