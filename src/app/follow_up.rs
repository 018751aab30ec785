//! Where a call's follow-up stands on a given day, and what the calls list
//! calls each state: worked out once here for the list, the CLI and the
//! rules the screens are given.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::CallSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum FollowUpState {
    None,
    /// Needed, not done, not yet due (or no date).
    Open,
    DueToday,
    Overdue,
    Done,
}

impl FollowUpState {
    /// The state of `call`'s follow-up on the local date `today`.
    pub fn of(call: &CallSummary, today: NaiveDate) -> FollowUpState {
        let f = &call.facts.follow_up;
        match (f.needed, f.done, f.due) {
            (false, _, _) => FollowUpState::None,
            (true, true, _) => FollowUpState::Done,
            (true, false, Some(due)) if due < today => FollowUpState::Overdue,
            (true, false, Some(due)) if due == today => FollowUpState::DueToday,
            (true, false, _) => FollowUpState::Open,
        }
    }

    pub fn is_due(self) -> bool {
        matches!(self, FollowUpState::DueToday | FollowUpState::Overdue)
    }

    /// Every state, in the order the calls list explains them.
    pub const ALL: [FollowUpState; 5] = [
        FollowUpState::None,
        FollowUpState::Open,
        FollowUpState::DueToday,
        FollowUpState::Overdue,
        FollowUpState::Done,
    ];

    /// What the calls list says of a follow-up in this state; empty for none.
    pub fn label(self) -> &'static str {
        match self {
            FollowUpState::None => "",
            FollowUpState::Open => "Follow-up",
            FollowUpState::DueToday => "Due today",
            FollowUpState::Overdue => "Overdue",
            FollowUpState::Done => "Done",
        }
    }
}
