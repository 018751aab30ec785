//! How a call's facts and details are laid out inside their sealed blobs.
//!
//! A compact binary encoding (postcard) of a versioned struct. Identifiers
//! are stored as their stable string ids, not enum positions, so reordering
//! or adding a variant never changes what an old record means. Times are
//! Unix milliseconds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    CallDetails, CallFacts, CallSummary, CallType, CallerType, Employer, FollowUp, Region,
    RiskLevel, Role, Setting,
};

#[derive(Serialize, Deserialize)]
struct SealedFactsV1 {
    logged_by: String,
    theme_list_version: u32,
    created_at_ms: i64,
    updated_at_ms: i64,
    started_at_ms: i64,
    duration_minutes: u32,
    call_type: CallType,
    role: Role,
    setting: Setting,
    employer: Option<Employer>,
    region: Region,
    caller_type: CallerType,
    themes: Vec<String>,
    risk: RiskLevel,
    follow_up_needed: bool,
    follow_up_due_days: Option<i32>,
    follow_up_done: bool,
}

/// Appended to a call's facts only once shredded, so every other record
/// keeps exactly the bytes format 1 wrote.
#[derive(Serialize, Deserialize)]
struct ShreddedV1 {
    shredded_on_days: i32,
}

#[derive(Serialize, Deserialize)]
struct SealedDetailsV1 {
    safeguarding: Vec<String>,
    notes: String,
}

/// A decoded blob that does not make sense (bad encoding, impossible time).
#[derive(Debug)]
pub struct Undecodable;

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_millis(ms: i64) -> Result<DateTime<Utc>, Undecodable> {
    DateTime::from_timestamp_millis(ms).ok_or(Undecodable)
}

fn days(d: NaiveDate) -> i32 {
    d.to_epoch_days()
}

pub fn encode_facts(summary: &CallSummary) -> Result<Vec<u8>, postcard::Error> {
    let f = &summary.facts;
    let sealed = SealedFactsV1 {
        logged_by: summary.logged_by.clone(),
        theme_list_version: summary.theme_list_version,
        created_at_ms: millis(summary.created_at),
        updated_at_ms: millis(summary.updated_at),
        started_at_ms: millis(f.started_at),
        duration_minutes: f.duration_minutes,
        call_type: f.call_type,
        role: f.role,
        setting: f.setting,
        employer: f.employer,
        region: f.region,
        caller_type: f.caller_type,
        themes: f.themes.clone(),
        risk: f.risk,
        follow_up_needed: f.follow_up.needed,
        follow_up_due_days: f.follow_up.due.map(days),
        follow_up_done: f.follow_up.done,
    };
    let mut bytes = postcard::to_stdvec(&sealed)?;
    if let Some(on) = summary.shredded_on {
        bytes.extend(postcard::to_stdvec(&ShreddedV1 {
            shredded_on_days: days(on),
        })?);
    }
    Ok(bytes)
}

pub fn decode_facts(id: crate::model::CallId, bytes: &[u8]) -> Result<CallSummary, Undecodable> {
    let (s, rest): (SealedFactsV1, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|_| Undecodable)?;
    let shredded_on = if rest.is_empty() {
        None
    } else {
        let (shredded, rest): (ShreddedV1, &[u8]) =
            postcard::take_from_bytes(rest).map_err(|_| Undecodable)?;
        if !rest.is_empty() {
            return Err(Undecodable);
        }
        Some(NaiveDate::from_epoch_days(shredded.shredded_on_days).ok_or(Undecodable)?)
    };
    Ok(CallSummary {
        shredded_on,
        id,
        logged_by: s.logged_by,
        theme_list_version: s.theme_list_version,
        created_at: from_millis(s.created_at_ms)?,
        updated_at: from_millis(s.updated_at_ms)?,
        facts: CallFacts {
            started_at: from_millis(s.started_at_ms)?,
            duration_minutes: s.duration_minutes,
            call_type: s.call_type,
            role: s.role,
            setting: s.setting,
            employer: s.employer,
            region: s.region,
            caller_type: s.caller_type,
            themes: s.themes,
            risk: s.risk,
            follow_up: FollowUp {
                needed: s.follow_up_needed,
                due: match s.follow_up_due_days {
                    Some(d) => Some(NaiveDate::from_epoch_days(d).ok_or(Undecodable)?),
                    None => None,
                },
                done: s.follow_up_done,
            },
        },
    })
}

/// [`SealedDetailsV1`] borrowed, for writing: the same bytes, without a
/// second copy of the notes left behind in memory.
#[derive(Serialize)]
struct SealedDetailsV1Ref<'a> {
    safeguarding: &'a [String],
    notes: &'a str,
}

pub fn encode_details(details: &CallDetails) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_stdvec(&SealedDetailsV1Ref {
        safeguarding: &details.safeguarding,
        notes: &details.notes,
    })
}

pub fn decode_details(bytes: &[u8]) -> Result<CallDetails, Undecodable> {
    let s: SealedDetailsV1 = postcard::from_bytes(bytes).map_err(|_| Undecodable)?;
    Ok(CallDetails {
        safeguarding: s.safeguarding,
        notes: s.notes,
    })
}
