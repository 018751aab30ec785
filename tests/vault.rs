//! The vault's API: every field round-trips; passphrase change and recovery;
//! settings; period boundaries through a real store.

use chrono::NaiveDate;
use quietline::crypto::{Passphrase, RecoveryKey};
use quietline::model::{
    CallType, CallerType, Employer, FollowUp, Region, RiskLevel, Role, Setting,
};
use quietline::period::Period;
use quietline::report::Report;
use quietline::store::{Settings, StoreError, Vault};

use crate::support::*;

#[test]
fn every_field_round_trips() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut settings = vault.settings().clone();
    settings.display_name = "Volunteer Ash".into();
    vault.update_settings(settings).unwrap();

    let mut call = typical_call(utc(2024, 3, 14, 9, 30));
    call.facts.duration_minutes = 47;
    call.facts.call_type = CallType::Substantive;
    call.facts.role = Role::ExecutiveHeadteacher;
    call.facts.setting = Setting::AlternativeProvision;
    call.facts.employer = Some(Employer::MultiAcademyTrust);
    call.facts.region = Region::YorkshireAndTheHumber;
    call.facts.caller_type = CallerType::Repeat;
    call.facts.themes = vec![
        "risk_to_self.suicidal_thoughts".into(),
        "governance".into(),
        "send.ehcp".into(),
        "premises.raac".into(),
    ];
    call.facts.risk = RiskLevel::Imminent;
    call.facts.follow_up = FollowUp {
        needed: true,
        due: NaiveDate::from_ymd_opt(2024, 3, 15),
        done: false,
    };
    call.details.safeguarding = vec![
        "Asked directly about suicide".into(),
        "Emergency services called".into(),
    ];
    call.details.notes = "Multi-line notes,\nwith “quotes”, accents (é) and emoji 🌧.".into();

    let id = vault.log_call(&call, now()).unwrap();
    drop(vault);
    let vault = store.open();
    let stored = vault.call(id).unwrap();
    assert_eq!(stored.summary.id, id);
    assert_eq!(stored.summary.facts, call.facts);
    assert_eq!(stored.details, call.details);
    assert_eq!(stored.summary.logged_by, "Volunteer Ash");
    assert_eq!(stored.summary.theme_list_version, 1);
    assert_eq!(stored.summary.created_at, now());
    assert_eq!(stored.summary.updated_at, now());
}

#[test]
fn edit_keeps_identity_and_creation_time_and_delete_removes_both_rows() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let id = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    let mut edited = typical_call(utc(2024, 11, 2, 16, 0));
    edited.details.notes = "Edited.".into();
    let later = now() + chrono::Duration::hours(2);
    vault.update_call(id, &edited, later).unwrap();
    let stored = vault.call(id).unwrap();
    assert_eq!(stored.summary.created_at, now());
    assert_eq!(stored.summary.updated_at, later);
    assert_eq!(stored.summary.facts.started_at, utc(2024, 11, 2, 16, 0));
    assert_eq!(stored.details.notes, "Edited.");
    // The call moved month: it is found under November, not March.
    let nov = vault
        .calls_in_months(&[quietline::period::LocalMonth {
            year: 2024,
            month: 11,
        }])
        .unwrap();
    let mar = vault
        .calls_in_months(&[quietline::period::LocalMonth {
            year: 2024,
            month: 3,
        }])
        .unwrap();
    assert_eq!((nov.len(), mar.len()), (1, 0));

    vault.delete_call(id).unwrap();
    assert!(matches!(vault.call(id), Err(StoreError::CallNotFound(_))));
    assert!(matches!(
        vault.delete_call(id),
        Err(StoreError::CallNotFound(_))
    ));
    assert_eq!(vault.call_count().unwrap(), 0);
}

#[test]
fn an_invalid_call_is_refused_and_nothing_is_written() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut call = typical_call(utc(2024, 3, 14, 9, 30));
    call.facts.themes = vec!["inspection.nope".into()];
    let err = vault.log_call(&call, now()).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(vault.call_count().unwrap(), 0);
}

#[test]
fn changing_the_passphrase_keeps_every_call() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let id = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    vault
        .change_passphrase(&Passphrase::new("a brand new passphrase"))
        .unwrap();
    drop(vault);
    assert!(matches!(
        Vault::open(&store.dir, &passphrase()),
        Err(StoreError::WrongPassphrase)
    ));
    let vault = Vault::open(&store.dir, &Passphrase::new("a brand new passphrase")).unwrap();
    assert_eq!(
        vault.call(id).unwrap().details.notes,
        "Talked through the inspection feedback."
    );
}

#[test]
fn the_recovery_key_sets_a_new_passphrase_and_keeps_working() {
    let store = TempStore::new();
    let (mut vault, recovery) = store.create();
    let id = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    drop(vault);

    let key = RecoveryKey::parse(&recovery.to_lowercase()).unwrap();
    let vault = Vault::recover(&store.dir, &key, &Passphrase::new("remembered at last")).unwrap();
    assert!(vault.call(id).is_ok());
    drop(vault);
    assert!(matches!(
        Vault::open(&store.dir, &passphrase()),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(Vault::open(&store.dir, &Passphrase::new("remembered at last")).is_ok());
    // The recovery key still works after being used.
    let again = RecoveryKey::parse(&recovery).unwrap();
    assert!(Vault::recover(&store.dir, &again, &Passphrase::new("and once more")).is_ok());
}

#[test]
fn a_wrong_recovery_key_is_refused_and_writes_nothing() {
    let store = TempStore::new();
    let (vault, _) = store.create();
    drop(vault);
    let before = store.snapshot();
    let wrong = RecoveryKey::generate().unwrap();
    assert!(matches!(
        Vault::recover(&store.dir, &wrong, &Passphrase::new("whatever it is")),
        Err(StoreError::WrongRecoveryKey)
    ));
    assert_eq!(store.snapshot(), before);
}

#[test]
fn create_refuses_an_existing_store_and_open_refuses_a_missing_one() {
    let store = TempStore::new();
    let (vault, _) = store.create();
    drop(vault);
    assert!(matches!(
        Vault::create(&store.dir, &passphrase()),
        Err(StoreError::AlreadyExists(_))
    ));
    let empty = TempStore::new();
    assert!(matches!(
        Vault::open(&empty.dir, &passphrase()),
        Err(StoreError::NotFound(_))
    ));
}

#[cfg(unix)]
#[test]
fn store_files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store.dir), 0o700);
    for entry in std::fs::read_dir(&store.dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

/// A call at 23:30 UTC on 31 August 2024 is 00:30 on 1 September in London
/// (BST), so it belongs to academic year 2024/25 through the real store.
#[test]
fn period_boundaries_follow_london_local_dates_through_the_store() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    vault
        .log_call(&typical_call(utc(2024, 8, 31, 23, 30)), now())
        .unwrap();
    vault
        .log_call(&typical_call(utc(2024, 8, 31, 22, 59)), now())
        .unwrap();
    // Winter: London is on UTC, so 23:30 UTC on 31 December is still 2024.
    vault
        .log_call(&typical_call(utc(2024, 12, 31, 23, 30)), now())
        .unwrap();

    let ay24 = Report::for_vault(&vault, Period::academic(2024).unwrap()).unwrap();
    assert_eq!(
        (ay24.total_calls, ay24.previous_total_calls),
        (Some(2), Some(1))
    );
    let cy24 = Report::for_vault(&vault, Period::calendar(2024).unwrap()).unwrap();
    assert_eq!(
        (cy24.total_calls, cy24.previous_total_calls),
        (Some(3), Some(0))
    );
    let cy25 = Report::for_vault(&vault, Period::calendar(2025).unwrap()).unwrap();
    assert_eq!(
        (cy25.total_calls, cy25.previous_total_calls),
        (Some(0), Some(3))
    );
}

#[test]
fn changing_the_time_zone_moves_calls_between_local_months() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    vault
        .log_call(&typical_call(utc(2024, 8, 31, 23, 30)), now())
        .unwrap();
    let ay = Period::academic(2024).unwrap();
    assert_eq!(Report::for_vault(&vault, ay).unwrap().total_calls, Some(1));

    vault
        .update_settings(Settings {
            time_zone: chrono_tz::UTC,
            ..vault.settings().clone()
        })
        .unwrap();
    drop(vault);
    let vault = store.open();
    assert_eq!(vault.settings().time_zone, chrono_tz::UTC);
    let report = Report::for_vault(&vault, ay).unwrap();
    // In UTC the call is on 31 August: the previous academic year.
    assert_eq!(
        (report.total_calls, report.previous_total_calls),
        (Some(0), Some(1))
    );
}

#[test]
fn report_reads_only_the_period_and_the_year_before() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut batch = vault.begin_import(now()).unwrap();
    for call in quietline::synth::SyntheticCalls::new(3, 2016, 10).take(2000) {
        batch.add(&call).unwrap();
    }
    batch.commit().unwrap();
    let period = Period::calendar(2020).unwrap();
    let mut months = period.months().to_vec();
    months.extend(period.previous().months());
    let read = vault.calls_in_months(&months).unwrap();
    let all = vault.all_calls().unwrap();
    let tz = vault.settings().time_zone;
    let expected = all
        .iter()
        .filter(|c| {
            period.contains(c.facts.started_at, tz)
                || period.previous().contains(c.facts.started_at, tz)
        })
        .count();
    assert_eq!(read.len(), expected);
    assert!(
        read.len() < all.len() / 3,
        "{} of {}",
        read.len(),
        all.len()
    );
    let report = Report::for_vault(&vault, period).unwrap();
    let independent = all
        .iter()
        .filter(|c| period.contains(c.facts.started_at, tz))
        .count() as u64;
    assert_eq!(report.total_calls, Some(independent));
}

/// The report pages are a second copy of what the report counts; after any
/// mix of writes they must agree with the calls' own records.
#[test]
fn report_pages_agree_with_the_records_after_every_kind_of_write() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut batch = vault.begin_import(now()).unwrap();
    let mut ids = Vec::new();
    for call in quietline::synth::SyntheticCalls::new(9, 2022, 3).take(1500) {
        ids.push(batch.add(&call).unwrap());
    }
    batch.commit().unwrap();
    // Edits that move calls between months and years, and deletions.
    for (i, id) in ids.iter().enumerate().take(300) {
        match i % 3 {
            0 => vault.delete_call(*id).unwrap(),
            1 => {
                let mut call = typical_call(utc(2023, 1 + (i % 12) as u32, 3, 10, 0));
                call.facts.themes = vec!["premises.raac".into()];
                vault.update_call(*id, &call, now()).unwrap();
            }
            _ => {
                vault
                    .log_call(&typical_call(utc(2024, 2, 29, 12, 0)), now())
                    .unwrap();
            }
        }
    }
    let check = |vault: &Vault| {
        for period in [
            Period::calendar(2023).unwrap(),
            Period::calendar(2024).unwrap(),
            Period::academic(2023).unwrap(),
        ] {
            let from_pages = Report::for_vault(vault, period).unwrap();
            let from_records = Report::for_vault_from_records(vault, period).unwrap();
            assert_eq!(from_pages, from_records, "{}", period.label());
        }
    };
    check(&vault);
    vault
        .update_settings(Settings {
            time_zone: chrono_tz::America::New_York,
            ..vault.settings().clone()
        })
        .unwrap();
    check(&vault);
    drop(vault);
    check(&store.open());
}

/// Logging remembers the month's last report page between calls. A write to
/// that page through another connection (another process with the store
/// open) must be seen, not overwritten from the memory.
#[test]
fn report_pages_stay_right_when_another_connection_writes_the_same_month() {
    let store = TempStore::new();
    let (mut first, _) = store.create();
    let mut second = store.open();
    // Each call has its own length, so a call lost or miscounted from the
    // pages shows in the report's minutes even where the count is right.
    let at = |day: u32| {
        let mut call = typical_call(utc(2024, 5, day, 10, 0));
        call.facts.duration_minutes = day * 10;
        call
    };
    first.log_call(&at(1), now()).unwrap();
    second.log_call(&at(2), now()).unwrap();
    let edited = first.log_call(&at(3), now()).unwrap();
    second.update_call(edited, &at(4), now()).unwrap();
    let deleted = first.log_call(&at(5), now()).unwrap();
    second.delete_call(deleted).unwrap();
    first.log_call(&at(6), now()).unwrap();
    let period = Period::calendar(2024).unwrap();
    for vault in [&first, &second] {
        let from_pages = Report::for_vault(vault, period).unwrap();
        assert_eq!(from_pages.total_calls, Some(4));
        assert_eq!(from_pages.total_minutes, Some(10 + 20 + 40 + 60));
        assert_eq!(
            from_pages,
            Report::for_vault_from_records(vault, period).unwrap()
        );
    }
}
