//! Backups, restore, retention and erasure, through the use cases both
//! front doors call (`quietline::app::keeping`).

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::keeping::{self, RestoreRequest};
use quietline::crypto::Passphrase;
use quietline::model::NewCall;
use quietline::period::Period;
use quietline::report::{Report, to_text};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;

const PASSPHRASE: &str = "correct horse battery staple quietly";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap()
}

fn calls(n: usize) -> Vec<NewCall> {
    SyntheticCalls::new(3, 2024, 2)
        .filter(|c| c.facts.started_at < now())
        .take(n)
        .collect()
}

fn store_with(dir: &Path, calls: &[NewCall]) -> Vault {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let mut batch = vault.begin_import(now()).unwrap();
    for call in calls {
        batch.add(call).unwrap();
    }
    batch.commit().unwrap();
    vault
}

fn report(vault: &Vault, year: i32) -> String {
    to_text(&Report::for_vault(vault, Period::academic(year).unwrap()).unwrap())
}

#[test]
fn a_backup_restores_to_the_same_log() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = store_with(&tmp.path().join("store"), &calls(300));
    let file = tmp.path().join("one.qlbackup");
    keeping::back_up_to(&vault, false, &file, now()).unwrap();
    let request = RestoreRequest {
        path: file.display().to_string(),
        passphrase: PASSPHRASE.into(),
        ..RestoreRequest::default()
    };
    let other = tmp.path().join("new-laptop");
    let preview = keeping::preview_restore(&other, &request).unwrap();
    assert_eq!(preview.calls, 300, "{preview:?}");
    let (restored, done) = keeping::restore(&other, &request, now()).unwrap();
    assert_eq!(done.calls, 300);
    assert_eq!(report(&restored, 2024), report(&vault, 2024));
    assert_eq!(restored.all_calls().unwrap(), vault.all_calls().unwrap());
}
