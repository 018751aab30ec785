//! A store written by format 1 must open, unchanged in meaning, in every
//! later build.

use std::path::Path;

use quietline::crypto::{Passphrase, RecoveryKey};
use quietline::model::{CallId, RiskLevel, Role};
use quietline::period::Period;
use quietline::report::Report;
use quietline::store::{DB_FILE, Vault};

use crate::support::*;

const FIXTURE_PASSPHRASE: &str = "frozen fixture passphrase v1";
const FIXTURE_RECOVERY_KEY: &str = "GCKU-IN46-P5OE-MRMK-FZOZ-6OQQ-D6OV-DXHE";
const LOGGED_CALL: &str = "d48e0bb6-198f-433c-bc70-53def17a9131";

/// Copies the frozen store so opening it (which may create WAL files)
/// never touches the committed fixture.
fn fixture_copy() -> TempStore {
    let store = TempStore::new();
    std::fs::create_dir_all(&store.dir).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-store");
    std::fs::copy(source.join(DB_FILE), store.dir.join(DB_FILE)).unwrap();
    store
}

#[test]
fn the_frozen_v1_store_opens_and_reads_the_same() {
    let store = fixture_copy();
    let vault = Vault::open(&store.dir, &Passphrase::new(FIXTURE_PASSPHRASE)).unwrap();
    assert_eq!(vault.call_count().unwrap(), 201);

    let id: CallId = LOGGED_CALL.parse().unwrap();
    let call = vault.call(id).unwrap();
    assert_eq!(call.summary.facts.started_at, utc(2024, 8, 31, 23, 30));
    assert_eq!(call.summary.facts.role, Role::HeadOfSchool);
    assert_eq!(call.summary.facts.risk, RiskLevel::High);
    assert_eq!(
        call.summary.facts.themes,
        ["send.ehcp", "governance.trust_leadership"]
    );
    assert_eq!(
        call.summary.facts.follow_up.due.unwrap().to_string(),
        "2024-09-03"
    );
    assert_eq!(call.details.notes, "Frozen fixture call (synthetic).");
    assert_eq!(call.details.safeguarding, ["Asked directly about suicide"]);

    // Counts as read when the fixture was made.
    let report = Report::for_vault(&vault, Period::calendar(2024).unwrap()).unwrap();
    assert_eq!(
        (report.total_calls, report.previous_total_calls),
        (Some(97), Some(104))
    );
    let categories: Vec<(&str, Option<u64>)> = report
        .themes
        .iter()
        .take(3)
        .map(|t| (t.count.id.as_str(), t.count.calls))
        .collect();
    assert_eq!(
        categories,
        [
            ("inspection", Some(13)),
            ("send", Some(18)),
            ("funding", Some(10))
        ]
    );
    let academic = Report::for_vault(&vault, Period::academic(2024).unwrap()).unwrap();
    assert_eq!(
        (academic.total_calls, academic.previous_total_calls),
        (Some(30), Some(104))
    );
    drop(vault);

    // The store was sealed before the ledger existed: its first unlock by
    // this version began one, so from now on a row removed is noticed.
    let conn = rusqlite::Connection::open(store.dir.join(DB_FILE)).unwrap();
    conn.execute(
        "DELETE FROM calls WHERE id = (SELECT id FROM calls LIMIT 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let refused = Vault::open(&store.dir, &Passphrase::new(FIXTURE_PASSPHRASE))
        .err()
        .unwrap();
    assert!(
        matches!(refused, quietline::store::StoreError::Tampered { .. }),
        "{refused}"
    );
}

#[test]
fn the_frozen_v1_store_recovers_with_its_recovery_key() {
    let store = fixture_copy();
    let key = RecoveryKey::parse(FIXTURE_RECOVERY_KEY).unwrap();
    let vault = Vault::recover(&store.dir, &key, &Passphrase::new("a new passphrase")).unwrap();
    assert_eq!(vault.call_count().unwrap(), 201);
}
