//! What the report counts about one call, read once from whichever form the
//! call came in: a stored call's full record, its entry on a report page, or
//! a call merged from a volunteer's return.
//!
//! Each source fills one small [`ReportFacts`] by value, so the counting loop
//! reads plain fields and never asks a source the same question twice. It
//! borrows the theme ids from the source, so building it never allocates.

use chrono::{DateTime, Utc};

use crate::model::{CallSummary, CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};
use crate::period::LocalMonth;
use crate::store::{CountedCall, MergedCall, PagedFacts};

/// When a call happened, as precisely as the report is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The store's own calls: the instant, placed by local month here.
    At(DateTime<Utc>),
    /// Merged calls from returns carry only their local month.
    InMonth(LocalMonth),
}

/// Where a call came from, to name it if it cannot be counted.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// One of this store's own calls, by its id.
    Stored(crate::model::CallId),
    /// A call merged from a return, by its export id.
    Merged(&'a str),
    /// A call merged from a return as its merged report page holds it.
    MergedOnPage([u8; 16]),
}

impl std::fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Stored(id) => write!(f, "{id}"),
            Source::Merged(id) => write!(f, "{id} (merged from a return)"),
            Source::MergedOnPage(id) => write!(
                f,
                "{} (merged from a return)",
                data_encoding::HEXLOWER.encode(id)
            ),
        }
    }
}

/// A call's theme ids, main theme first, borrowed from its source.
#[derive(Debug, Clone, Copy)]
pub enum Themes<'a> {
    Listed(&'a [String]),
    /// As a report page keeps them: indices into the page's list of ids.
    OnPage(CountedCall<'a>),
    /// As a merged report page keeps them: indices into `ids`.
    Indexed {
        ids: &'a [String],
        refs: &'a [u8],
    },
}

impl<'a> Themes<'a> {
    /// Calls `f` with each theme id in order; stops at the first error.
    pub fn try_for_each<E>(self, mut f: impl FnMut(&'a str) -> Result<(), E>) -> Result<(), E> {
        match self {
            Themes::Listed(ids) => ids.iter().try_for_each(|id| f(id)),
            Themes::OnPage(call) => call.themes().try_for_each(f),
            Themes::Indexed { ids, refs } => refs.iter().try_for_each(|r| f(&ids[usize::from(*r)])),
        }
    }
}

/// What the report needs to know of one call.
#[derive(Debug, Clone, Copy)]
pub struct ReportFacts<'a> {
    pub source: Source<'a>,
    pub when: When,
    pub duration_minutes: u32,
    pub call_type: CallType,
    pub risk: RiskLevel,
    pub role: Role,
    pub setting: Setting,
    pub employer: Option<Employer>,
    pub region: Region,
    pub caller_type: CallerType,
    pub follow_up_needed: bool,
    /// The theme list version the themes were chosen from.
    pub theme_list_version: u32,
    pub themes: Themes<'a>,
}

/// A call the report can count: it lends its facts, once per count.
pub trait Countable {
    fn facts(&self) -> ReportFacts<'_>;
}

impl<T: Countable> Countable for &T {
    fn facts(&self) -> ReportFacts<'_> {
        (**self).facts()
    }
}

impl Countable for CallSummary {
    fn facts(&self) -> ReportFacts<'_> {
        let call = self;
        let f = &call.facts;
        ReportFacts {
            source: Source::Stored(call.id),
            when: When::At(f.started_at),
            duration_minutes: f.duration_minutes,
            call_type: f.call_type,
            risk: f.risk,
            role: f.role,
            setting: f.setting,
            employer: f.employer,
            region: f.region,
            caller_type: f.caller_type,
            follow_up_needed: f.follow_up.needed,
            theme_list_version: call.theme_list_version,
            themes: Themes::Listed(&f.themes),
        }
    }
}

impl Countable for CountedCall<'_> {
    fn facts(&self) -> ReportFacts<'_> {
        ReportFacts::on_page(*self)
    }
}

impl<'p> ReportFacts<'p> {
    /// A report page's call, borrowing only the page (not the call), so a
    /// report can read a page's calls as often as it needs.
    pub fn on_page(call: CountedCall<'p>) -> ReportFacts<'p> {
        ReportFacts {
            source: Source::Stored(call.id),
            when: When::At(call.started_at),
            duration_minutes: call.duration_minutes,
            call_type: call.call_type,
            risk: call.risk,
            role: call.role,
            setting: call.setting,
            employer: call.employer,
            region: call.region,
            caller_type: call.caller_type,
            follow_up_needed: call.follow_up_needed,
            theme_list_version: call.theme_list_version,
            themes: Themes::OnPage(call),
        }
    }
}

impl Countable for MergedCall {
    fn facts(&self) -> ReportFacts<'_> {
        let merged = self;
        let call = &merged.call;
        ReportFacts {
            source: Source::Merged(&call.id),
            when: When::InMonth(merged.month),
            duration_minutes: call.minutes,
            call_type: call.call_type,
            risk: call.risk,
            role: call.role,
            setting: call.setting,
            employer: call.employer,
            region: call.region,
            caller_type: call.caller,
            follow_up_needed: call.follow_up,
            theme_list_version: call.theme_list_version,
            themes: Themes::Listed(&call.themes),
        }
    }
}

impl<'p> ReportFacts<'p> {
    /// A merged report page's call, in the month its page is filed under.
    pub fn merged_on_page(month: LocalMonth, call: PagedFacts<'p>) -> ReportFacts<'p> {
        ReportFacts {
            source: Source::MergedOnPage(call.export_id),
            when: When::InMonth(month),
            duration_minutes: call.minutes,
            call_type: call.call_type,
            risk: call.risk,
            role: call.role,
            setting: call.setting,
            employer: call.employer,
            region: call.region,
            caller_type: call.caller,
            follow_up_needed: call.follow_up,
            theme_list_version: call.theme_list_version,
            themes: Themes::Indexed {
                ids: call.theme_ids,
                refs: call.theme_refs,
            },
        }
    }
}
