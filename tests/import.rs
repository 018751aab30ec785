//! CSV import through the library: all or nothing, with the line named.

use quietline::import::{ImportError, import_csv, write_csv};
use quietline::model::NewCall;
use quietline::period::Period;
use quietline::report::Report;
use quietline::synth::SyntheticCalls;

use crate::support::*;

const HEADER: &str =
    "started_at,duration_minutes,caller_role,setting,region,themes,risk,follow_up,notes\n";

#[test]
fn a_bad_row_aborts_the_whole_import_and_names_its_line() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let existing = vault
        .log_call(&typical_call(utc(2024, 3, 14, 9, 30)), now())
        .unwrap();
    let text = format!(
        "{HEADER}\
         2024-09-02T09:30:00+01:00,25,headteacher,primary,london,inspection.ofsted,low,false,ok\n\
         2024-09-03T09:30:00+01:00,25,headteacher,primary,london,send,low,false,\"two\nlines\"\n\
         2024-09-04T09:30:00+01:00,25,headteacher,primary,london,send.ehcp,none,true,fine\n\
         2024-09-05T09:30:00+01:00,25,headteacher,primary,london,send.nonsense,none,false,bad\n"
    );
    let err = import_csv(
        &mut vault,
        text.as_bytes(),
        text.len() as u64,
        now(),
        |_| {},
    )
    .unwrap_err();
    match &err {
        // The quoted note spans lines 3–4, so the bad row starts on line 6.
        ImportError::Row { line, problem } => {
            assert_eq!(*line, 6, "{err}");
            assert!(problem.contains("send.nonsense"), "{err}");
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    assert!(err.to_string().contains("nothing was imported"));
    assert_eq!(vault.call_count().unwrap(), 1);
    assert!(vault.call(existing).is_ok());
}

#[test]
fn a_row_with_a_missing_field_is_named() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let text =
        format!("{HEADER}2024-09-02T09:30:00+01:00,25,headteacher,primary,london,send,low,false\n");
    let err = import_csv(&mut vault, text.as_bytes(), 0, now(), |_| {}).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 2: 8 fields where the header has 9"),
        "{err}"
    );
    assert_eq!(vault.call_count().unwrap(), 0);
}

#[test]
fn written_csv_imports_back_to_the_same_calls_and_counts() {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let calls: Vec<NewCall> = SyntheticCalls::new(11, 2022, 3).take(1500).collect();
    let mut csv = Vec::new();
    write_csv(&mut csv, &calls).unwrap();
    let mut updates = Vec::new();
    let count = import_csv(&mut vault, csv.as_slice(), csv.len() as u64, now(), |p| {
        updates.push(p)
    })
    .unwrap();
    assert_eq!(count, 1500);
    assert_eq!(
        updates.len(),
        1500 / 500 + 1,
        "progress every 500 rows and at the end"
    );
    assert_eq!(updates.last().unwrap().rows, 1500);

    // Independent count of calls in 2023 by London local date.
    let tz = quietline::period::DEFAULT_TIME_ZONE;
    let period = Period::calendar(2023).unwrap();
    let expected = calls
        .iter()
        .filter(|c| period.contains(c.facts.started_at, tz))
        .count();
    let ofsted = calls
        .iter()
        .filter(|c| period.contains(c.facts.started_at, tz))
        .filter(|c| c.facts.themes.iter().any(|t| t == "inspection.ofsted"))
        .count();
    let report = Report::for_vault(&vault, period).unwrap();
    assert_eq!(report.total_calls, Some(expected as u64));
    let sub = report.themes[0]
        .subthemes
        .iter()
        .find(|s| s.id == "inspection.ofsted")
        .unwrap();
    assert_eq!(sub.calls, Some(ofsted as u64));

    let mut stored: Vec<_> = vault
        .all_calls()
        .unwrap()
        .into_iter()
        .map(|c| c.facts)
        .collect();
    let mut original: Vec<_> = calls.iter().map(|c| c.facts.clone()).collect();
    stored.sort_by_key(|f| (f.started_at, f.duration_minutes, f.themes.clone()));
    original.sort_by_key(|f| (f.started_at, f.duration_minutes, f.themes.clone()));
    assert_eq!(stored, original);
}
