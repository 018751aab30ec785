//! A seeded generator of synthetic calls for tests, benchmarks and the demo
//! store. Nothing here is, or is drawn from, a real call: the mixes are
//! plausible shapes for a school leaders' helpline, and the notes are
//! assembled from stock phrases.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{
    CallDetails, CallFacts, CallType, CallerType, Employer, FollowUp, NewCall, Region, RiskLevel,
    Role, Setting,
};
use crate::period::DEFAULT_TIME_ZONE;
use crate::themes::ThemeList;

/// Picks an index with probability proportional to its weight.
fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len().saturating_sub(1)
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let weights: Vec<u32> = items.iter().map(|(_, w)| *w).collect();
    items[weighted(rng, &weights)].0
}

const CALL_TYPES: &[(CallType, u32)] = &[
    (CallType::Substantive, 78),
    (CallType::Silent, 8),
    (CallType::HangUp, 6),
    (CallType::WrongNumber, 3),
    (CallType::InformationOnly, 5),
];

const ROLES: &[(Role, u32)] = &[
    (Role::Headteacher, 55),
    (Role::ExecutiveHeadteacher, 6),
    (Role::HeadOfSchool, 8),
    (Role::DeputyOrAssistantHead, 18),
    (Role::TrustLeader, 4),
    (Role::OtherLeader, 6),
    (Role::Other, 3),
];

const SETTINGS: &[(Setting, u32)] = &[
    (Setting::EarlyYears, 3),
    (Setting::Primary, 52),
    (Setting::Secondary, 22),
    (Setting::AllThrough, 3),
    (Setting::Special, 7),
    (Setting::IndependentSpecial, 1),
    (Setting::AlternativeProvision, 2),
    (Setting::Independent, 4),
    (Setting::FurtherEducation, 3),
    (Setting::Other, 3),
];

const REGIONS: &[(Region, u32)] = &[
    (Region::NorthEast, 5),
    (Region::NorthWest, 13),
    (Region::YorkshireAndTheHumber, 10),
    (Region::EastMidlands, 8),
    (Region::WestMidlands, 10),
    (Region::EastOfEngland, 11),
    (Region::London, 15),
    (Region::SouthEast, 15),
    (Region::SouthWest, 9),
    (Region::Wales, 1),
    (Region::Scotland, 1),
    (Region::NorthernIreland, 1),
    (Region::Unknown, 4),
];

const RISKS: &[(RiskLevel, u32)] = &[
    (RiskLevel::None, 55),
    (RiskLevel::Low, 25),
    (RiskLevel::Moderate, 13),
    (RiskLevel::High, 5),
    (RiskLevel::Imminent, 2),
];

const CALLER_TYPES: &[(CallerType, u32)] = &[
    (CallerType::FirstTime, 60),
    (CallerType::Repeat, 30),
    (CallerType::Unknown, 10),
];

/// Category weights in theme-list order (inspection … other).
const CATEGORY_WEIGHTS: &[u32] = &[18, 14, 12, 14, 4, 12, 10, 6, 8, 22, 2, 3];

const OPENINGS: &[&str] = &[
    "Caller rang after a difficult week.",
    "Caller wanted to talk through a decision before a meeting.",
    "Caller said they had not slept well for some time.",
    "Caller was calm but tired and wanted a sounding board.",
    "Caller was upset at first and settled as we talked.",
    "Caller had been given the number by a colleague.",
];
const MIDDLES: &[&str] = &[
    "We talked about what was in their control and what was not.",
    "They described pressure from several directions at once.",
    "We went through the options and the likely next steps.",
    "They felt unsupported by those they report to.",
    "They worried about letting staff and pupils down.",
    "We discussed who else they could lean on locally.",
    "They had been carrying this on their own for weeks.",
    "We explored what a good outcome would look like.",
];
const CLOSINGS: &[&str] = &[
    "Agreed they would speak to their union adviser.",
    "They said they felt clearer by the end of the call.",
    "Suggested they keep a written record from now on.",
    "They will call back after the meeting.",
    "Signposted to Education Support.",
    "No further action needed.",
];

fn notes(rng: &mut ChaCha8Rng, substantive: bool) -> String {
    if !substantive || rng.random_bool(0.1) {
        return String::new();
    }
    let mut text = OPENINGS[rng.random_range(0..OPENINGS.len())].to_string();
    for _ in 0..rng.random_range(1..=6) {
        text.push(' ');
        text.push_str(MIDDLES[rng.random_range(0..MIDDLES.len())]);
    }
    text.push(' ');
    text.push_str(CLOSINGS[rng.random_range(0..CLOSINGS.len())]);
    text
}

fn employer_for(rng: &mut ChaCha8Rng, setting: Setting) -> Option<Employer> {
    if rng.random_bool(0.15) {
        return None;
    }
    Some(match setting {
        Setting::Independent | Setting::IndependentSpecial => Employer::Independent,
        Setting::FurtherEducation | Setting::Other => Employer::Other,
        _ => pick(
            rng,
            &[
                (Employer::LocalAuthority, 40),
                (Employer::SingleAcademyTrust, 10),
                (Employer::MultiAcademyTrust, 50),
            ],
        ),
    })
}

fn themes(rng: &mut ChaCha8Rng, list: &ThemeList, risk: RiskLevel) -> Vec<String> {
    let count = weighted(rng, &[45, 35, 15, 5]) + 1;
    let mut chosen: Vec<String> = Vec::with_capacity(count);
    if matches!(risk, RiskLevel::High | RiskLevel::Imminent) && rng.random_bool(0.7) {
        chosen.push("risk_to_self.suicidal_thoughts".into());
    }
    let mut attempts = 0;
    while chosen.len() < count && attempts < 20 {
        attempts += 1;
        let category = &list.categories[weighted(rng, CATEGORY_WEIGHTS) % list.categories.len()];
        let id = if category.subthemes.is_empty() || rng.random_bool(0.15) {
            category.id.clone()
        } else {
            let sub = &category.subthemes[rng.random_range(0..category.subthemes.len())];
            format!("{}.{}", category.id, sub.id)
        };
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    chosen
}

/// A local time in office-ish hours on a day in `[from, from + days)`,
/// weekdays three times as likely as weekend days.
fn start_time(rng: &mut ChaCha8Rng, from: NaiveDate, days: i64) -> DateTime<Utc> {
    loop {
        let date = from + Duration::days(rng.random_range(0..days.max(1)));
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend && !rng.random_bool(0.33) {
            continue;
        }
        let minutes = rng.random_range(7 * 60..22 * 60);
        let local = date.and_hms_opt(minutes / 60, minutes % 60, 0);
        if let Some(t) = local.and_then(|l| DEFAULT_TIME_ZONE.from_local_datetime(&l).earliest()) {
            return t.with_timezone(&Utc);
        }
    }
}

/// An endless, reproducible stream of synthetic calls dated within
/// `years` calendar years starting on 1 January of `first_year`.
pub struct SyntheticCalls {
    rng: ChaCha8Rng,
    themes: ThemeList,
    from: NaiveDate,
    days: i64,
}

impl SyntheticCalls {
    pub fn new(seed: u64, first_year: i32, years: u32) -> SyntheticCalls {
        let from = NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(NaiveDate::MIN);
        let until = NaiveDate::from_ymd_opt(first_year + years.max(1) as i32, 1, 1)
            .unwrap_or(NaiveDate::MAX);
        SyntheticCalls {
            rng: ChaCha8Rng::seed_from_u64(seed),
            themes: ThemeList::default_list(),
            from,
            days: (until - from).num_days(),
        }
    }

    /// The same stream choosing themes from `themes` (a later theme list
    /// version) instead of version 1.
    pub fn with_themes(mut self, themes: ThemeList) -> SyntheticCalls {
        self.themes = themes;
        self
    }
}

impl Iterator for SyntheticCalls {
    type Item = NewCall;

    fn next(&mut self) -> Option<NewCall> {
        let rng = &mut self.rng;
        let call_type = pick(rng, CALL_TYPES);
        let substantive = call_type.is_substantive();
        let risk = if substantive {
            pick(rng, RISKS)
        } else {
            RiskLevel::None
        };
        let setting = pick(rng, SETTINGS);
        let started_at = start_time(rng, self.from, self.days);
        let follow_up_needed = substantive && rng.random_bool(0.2);
        let call = NewCall {
            facts: CallFacts {
                started_at,
                duration_minutes: if substantive {
                    // Mostly 10–40 minutes with a long tail.
                    (rng.random_range(5..=30) + rng.random_range(0..=30) * rng.random_range(0..=2))
                        .min(120)
                } else {
                    rng.random_range(0..=2)
                },
                call_type,
                role: pick(rng, ROLES),
                setting,
                employer: employer_for(rng, setting),
                region: pick(rng, REGIONS),
                caller_type: pick(rng, CALLER_TYPES),
                themes: if substantive {
                    themes(rng, &self.themes, risk)
                } else {
                    Vec::new()
                },
                risk,
                follow_up: FollowUp {
                    needed: follow_up_needed,
                    due: None,
                    done: false,
                },
            },
            details: CallDetails {
                safeguarding: if matches!(risk, RiskLevel::High | RiskLevel::Imminent) {
                    vec![
                        "Asked directly about suicide".into(),
                        "Signposted to Samaritans 116 123".into(),
                    ]
                } else {
                    Vec::new()
                },
                notes: notes(rng, substantive),
            },
        };
        Some(call)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_calls() {
        let a: Vec<NewCall> = SyntheticCalls::new(7, 2020, 2).take(50).collect();
        let b: Vec<NewCall> = SyntheticCalls::new(7, 2020, 2).take(50).collect();
        let c: Vec<NewCall> = SyntheticCalls::new(8, 2020, 2).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_generated_call_is_valid_and_in_range() {
        let list = ThemeList::default_list();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let from = Utc.with_ymd_and_hms(2019, 12, 31, 0, 0, 0).unwrap();
        let until = Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0).unwrap();
        let mut substantive = 0;
        for call in SyntheticCalls::new(1, 2020, 2).take(2000) {
            call.validate(&list, now).unwrap();
            assert!(call.facts.started_at > from && call.facts.started_at < until);
            substantive += usize::from(call.facts.call_type.is_substantive());
        }
        // 78% expected; a wide band so the test is about the mix, not luck.
        assert!((1400..1700).contains(&substantive), "{substantive}");
    }
}
