//! How a return changes what a coordinator's store holds: a pure decision
//! over the rows the store already has for the return's signer, which the
//! store then applies in one transaction (see [`crate::store::ReturnMerge`]).
//!
//! A return is a complete account of one volunteer's calls in its period.
//! Merging one files every call it holds (a newer return replaces the older
//! copy of the same call), removes that volunteer's calls in the period that
//! it no longer holds, and turns each deletion marker into a tombstone.
//! Every merged row remembers the sequence number of the return that wrote
//! it, so an older return never overwrites a newer one, and a tombstone
//! keeps an erased call from coming back.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::SignedReturn;
use crate::period::LocalMonth;
use crate::store::{HeldCall, HeldCalls, MergePlan, MergedReturn, Volunteer};

/// What merging a return changed, by call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    /// Calls this store did not have.
    pub added: u64,
    /// Calls whose facts changed since an earlier return.
    pub updated: u64,
    /// Calls as they were already.
    pub unchanged: u64,
    /// Calls erased: deleted by the volunteer, or no longer in the period.
    pub removed: u64,
    /// The return came from an earlier state of the volunteer's store than
    /// one merged before: their log may have been put back to an older
    /// copy (a backup restored, or the file replaced).
    pub store_went_back: bool,
}

/// Why a return is not merged, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotMerged {
    /// This very return was merged before.
    AlreadyMerged,
    /// Signed by a key this store has not been told to trust.
    UnknownSigner,
    Revoked {
        on: NaiveDate,
    },
    /// A newer return from the same volunteer already covers `month`.
    Superseded {
        month: String,
    },
}

/// Whether a return may be merged at all, and if so the signer's volunteer
/// record to merge it into. `known` is the record the store holds for the
/// signer; `trust_new` trusts a signer it does not hold (after the
/// coordinator has confirmed the fingerprint).
pub fn admit(
    signed: &SignedReturn,
    known: Option<Volunteer>,
    already_merged: bool,
    months: &[LocalMonth],
    trust_new: bool,
    today: NaiveDate,
) -> Result<Volunteer, NotMerged> {
    let volunteer = match known {
        Some(v) => match v.revoked_on {
            Some(on) => return Err(NotMerged::Revoked { on }),
            None => v,
        },
        None if trust_new => {
            Volunteer::trusted(&signed.signer, signed.payload.volunteer.clone(), today)
        }
        None => return Err(NotMerged::UnknownSigner),
    };
    if already_merged {
        return Err(NotMerged::AlreadyMerged);
    }
    let sequence = signed.payload.sequence;
    let newer = months.iter().map(ToString::to_string).find(|m| {
        volunteer
            .months
            .get(m)
            .is_some_and(|&newest| newest > sequence)
    });
    if let Some(month) = newer {
        return Err(NotMerged::Superseded { month });
    }
    Ok(volunteer)
}

/// Every write that merges an admitted return, given what the store holds
/// of its signer's calls (read for the return's `months` and every export
/// id it names), with what they change.
pub fn plan(
    signed: &SignedReturn,
    mut volunteer: Volunteer,
    held: HeldCalls,
    months: &[LocalMonth],
    today: NaiveDate,
) -> (MergePlan, MergeCounts) {
    let payload = &signed.payload;
    let sequence = payload.sequence;
    let mut counts = MergeCounts::default();
    let mut file = Vec::new();
    let mut remove = Vec::new();

    // The volunteer's calls in the period not yet accounted for.
    let HeldCalls {
        in_period: mut before,
        mut elsewhere,
    } = held;
    for call in &payload.calls {
        let (existing, in_period) = match before.remove(&call.id) {
            Some(held) => (Some(held), true),
            None => (elsewhere.remove(&call.id), false),
        };
        if existing.as_ref().is_some_and(|e| e.sequence > sequence) {
            continue;
        }
        match existing.as_ref().and_then(|e| e.call.as_ref()) {
            Some(old) if old == call => {
                counts.unchanged += 1;
                // Left as it is: filed in the return's months, it is as of
                // this return once the volunteer's months say so (below).
                if in_period {
                    continue;
                }
            }
            Some(_) => counts.updated += 1,
            None => counts.added += 1,
        }
        let filed = HeldCall {
            sequence,
            call: Some(call.clone()),
        };
        file.push((call.id.clone(), filed));
    }
    // What is left was in the period before and is not in this return: it
    // goes, unless a newer return wrote it. A deleted one is then marked.
    let deleted: BTreeSet<&str> = payload.deleted.iter().map(String::as_str).collect();
    let mut gone = BTreeSet::new();
    for (export_id, record) in &before {
        if record.sequence <= sequence {
            counts.removed += 1;
            gone.insert(export_id.as_str());
            if !deleted.contains(export_id.as_str()) {
                remove.push(export_id.clone());
            }
        }
    }
    for export_id in &payload.deleted {
        let existing = match before.get(export_id) {
            // Removed above, and counted there.
            Some(_) if gone.contains(export_id.as_str()) => None,
            Some(record) => Some(record),
            None => elsewhere.get(export_id),
        };
        if existing.is_some_and(|e| e.sequence > sequence) {
            continue;
        }
        if existing.is_some_and(|e| e.call.is_some()) {
            counts.removed += 1;
        }
        let tombstone = HeldCall {
            sequence,
            call: None,
        };
        file.push((export_id.clone(), tombstone));
    }

    volunteer.name = payload.volunteer.clone();
    volunteer.last_return_on = volunteer.last_return_on.max(payload.made_on());
    volunteer.returns_merged += 1;
    if let Some(generation) = payload.generation {
        counts.store_went_back = volunteer
            .store_generation
            .is_some_and(|seen| generation < seen);
        volunteer.store_generation = volunteer.store_generation.max(Some(generation));
    }
    for month in months {
        volunteer.months.insert(month.to_string(), sequence);
    }
    let merged_return = MergedReturn {
        return_id: payload.return_id.clone(),
        sequence,
        made_on: payload.made_on.clone(),
        merged_on: today,
        calls: payload.calls.len() as u64,
        deleted: payload.deleted.len() as u64,
    };
    let plan = MergePlan {
        volunteer,
        file,
        remove,
        merged_return,
    };
    (plan, counts)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::crypto::VolunteerKey;
    use crate::returns::payload::tests::payload;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, d).unwrap()
    }

    fn signed(sequence: u64) -> SignedReturn {
        let mut payload = payload();
        payload.sequence = sequence;
        SignedReturn {
            signer: VolunteerKey::generate().unwrap().signer(),
            payload,
        }
    }

    fn months(signed: &SignedReturn) -> [LocalMonth; 12] {
        signed.payload.period.period().unwrap().months()
    }

    fn held(sequence: u64, call: Option<&crate::store::ReturnedCall>) -> HeldCall {
        HeldCall {
            sequence,
            call: call.cloned(),
        }
    }

    #[test]
    fn a_return_is_refused_for_a_revoked_or_unknown_signer_before_anything_else() {
        let r = signed(2);
        let m = months(&r);
        let mut revoked = Volunteer::trusted(&r.signer, "A".into(), day(1));
        revoked.revoked_on = Some(day(2));
        assert_eq!(
            admit(&r, Some(revoked), true, &m, true, day(3)),
            Err(NotMerged::Revoked { on: day(2) })
        );
        assert_eq!(
            admit(&r, None, true, &m, false, day(3)),
            Err(NotMerged::UnknownSigner)
        );
        assert_eq!(
            admit(&r, None, true, &m, true, day(3)),
            Err(NotMerged::AlreadyMerged)
        );
        let new = admit(&r, None, false, &m, true, day(3)).unwrap();
        assert_eq!((new.name.as_str(), new.trusted_on), ("Volunteer A", day(3)));
    }

    #[test]
    fn an_older_return_is_refused_naming_the_first_month_a_newer_one_covers() {
        let r = signed(2);
        let m = months(&r);
        let mut known = Volunteer::trusted(&r.signer, "A".into(), day(1));
        known.months = BTreeMap::from([("2024-10".into(), 3), ("2024-11".into(), 3)]);
        assert_eq!(
            admit(&r, Some(known.clone()), false, &m, false, day(3)),
            Err(NotMerged::Superseded {
                month: "2024-10".into()
            })
        );
        known.months = BTreeMap::from([("2024-10".into(), 2)]);
        assert!(admit(&r, Some(known), false, &m, false, day(3)).is_ok());
    }

    #[test]
    fn a_return_from_an_earlier_generation_of_the_store_is_flagged_and_remembered() {
        let mut r = signed(5);
        let m = months(&r);
        let empty = || HeldCalls {
            in_period: BTreeMap::new(),
            elsewhere: BTreeMap::new(),
        };
        let mut known = Volunteer::trusted(&r.signer, "A".into(), day(1));
        // The first return carrying a generation: nothing to compare with.
        r.payload.generation = Some(40);
        let (plan1, counts) = plan(&r, known.clone(), empty(), &m, day(2));
        assert!(!counts.store_went_back);
        assert_eq!(plan1.volunteer.store_generation, Some(40));
        // A later one from further on, then one from an older copy.
        known.store_generation = Some(40);
        r.payload.generation = Some(55);
        let (plan2, counts) = plan(&r, known.clone(), empty(), &m, day(3));
        assert!(!counts.store_went_back);
        assert_eq!(plan2.volunteer.store_generation, Some(55));
        known.store_generation = Some(55);
        r.payload.generation = Some(41);
        let (plan3, counts) = plan(&r, known.clone(), empty(), &m, day(4));
        assert!(counts.store_went_back);
        assert_eq!(plan3.volunteer.store_generation, Some(55));
        // Returns made before the ledger carry none and change nothing.
        r.payload.generation = None;
        let (plan4, counts) = plan(&r, known, empty(), &m, day(5));
        assert!(!counts.store_went_back);
        assert_eq!(plan4.volunteer.store_generation, Some(55));
    }

    #[test]
    fn a_plan_supersedes_removes_and_tombstones_but_never_overwrites_newer_rows() {
        let r = signed(5);
        let m = months(&r);
        let calls = &r.payload.calls;
        let mut changed = calls[1].clone();
        changed.minutes += 1;
        let gone = "ee".repeat(16);
        let newer = "dd".repeat(16);
        let deleted = &r.payload.deleted[0];
        let held = HeldCalls {
            in_period: BTreeMap::from([
                (calls[0].id.clone(), held(4, Some(&calls[0]))),
                (calls[1].id.clone(), held(4, Some(&changed))),
                (gone.clone(), held(4, Some(&calls[0]))),
                (newer.clone(), held(6, Some(&calls[0]))),
            ]),
            elsewhere: BTreeMap::from([(deleted.clone(), held(3, Some(&calls[0])))]),
        };
        let volunteer = Volunteer::trusted(&r.signer, "Old name".into(), day(1));
        let (plan, counts) = plan(&r, volunteer, held, &m, day(4));
        assert_eq!(
            counts,
            MergeCounts {
                added: 0,
                updated: 1,
                unchanged: 1,
                removed: 2,
                store_went_back: false,
            }
        );
        assert_eq!(plan.remove, [gone]);
        let filed: Vec<(&str, u64, bool)> = plan
            .file
            .iter()
            .map(|(id, h)| (id.as_str(), h.sequence, h.call.is_some()))
            .collect();
        // calls[0] is unchanged and filed in the period: left as it is,
        // and as of this return once the volunteer's months say so.
        assert_eq!(
            filed,
            [
                (calls[1].id.as_str(), 5, true),
                (deleted.as_str(), 5, false)
            ]
        );
        assert_eq!(plan.volunteer.name, "Volunteer A");
        assert_eq!(plan.volunteer.returns_merged, 1);
        assert_eq!(plan.volunteer.months.len(), 12);
        assert!(plan.volunteer.months.values().all(|&s| s == 5));
        assert_eq!(plan.merged_return.merged_on, day(4));
        assert_eq!(
            (plan.merged_return.calls, plan.merged_return.deleted),
            (2, 1)
        );
    }

    #[test]
    fn a_call_held_from_a_newer_return_is_left_as_it_is() {
        let r = signed(5);
        let m = months(&r);
        let calls = &r.payload.calls;
        let held = HeldCalls {
            in_period: BTreeMap::new(),
            elsewhere: BTreeMap::from([
                (calls[0].id.clone(), held(9, None)),
                (r.payload.deleted[0].clone(), held(9, Some(&calls[1]))),
            ]),
        };
        let volunteer = Volunteer::trusted(&r.signer, "A".into(), day(1));
        let (plan, counts) = plan(&r, volunteer, held, &m, day(4));
        assert_eq!(
            counts,
            MergeCounts {
                added: 1,
                ..MergeCounts::default()
            }
        );
        assert_eq!(plan.file.len(), 1);
        assert_eq!(plan.file[0].0, calls[1].id);
        assert!(plan.remove.is_empty());
    }
}
