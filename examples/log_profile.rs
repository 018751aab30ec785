//! A driver for profiling the benchmark's "log a call" and report steps
//! outside the benchmark, so a store is built once and the profiler sees
//! only the step measured.
//!
//! ```sh
//! cargo build --release --example log_profile
//! log_profile build DIR 100000     # a sealed store and a plain SQLite file
//! cp -a DIR COPY                   # each run below changes the copy it is given
//! valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='log_profile::log_sealed' log_profile sealed COPY 500
//! log_profile plain COPY 500       # the benchmark's plaintext insert
//! log_profile report COPY 20       # times the 2023 report
//! ```
//!
//! Same synthetic data, passphrase and plaintext schema as `benches/vault.rs`.
use std::path::Path;
use std::time::Instant;

use quietline::crypto::Passphrase;
use quietline::import::{import_csv, write_csv};
use quietline::model::NewCall;
use quietline::period::{DEFAULT_TIME_ZONE, LocalMonth};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use quietline::themes::ThemeList;
use rusqlite::{Connection, params};

const P: &str = "benchmark passphrase, synthetic data";

fn plain_conn(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    conn.pragma_update(None, "temp_store", "MEMORY").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .unwrap();
    conn
}

fn plain_insert(conn: &Connection, themes: &ThemeList, id: i64, call: &NewCall) {
    let f = &call.facts;
    let m = LocalMonth::of(f.started_at, DEFAULT_TIME_ZONE);
    let month = i64::from(m.year) * 12 + i64::from(m.month) - 1;
    conn.prepare_cached(
        "INSERT INTO calls VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )
    .unwrap()
    .execute(params![
        id,
        month,
        f.started_at.timestamp(),
        f.duration_minutes,
        f.call_type.index() as i64,
        f.role.index() as i64,
        f.setting.index() as i64,
        f.employer.map(|e| e.index() as i64),
        f.region.index() as i64,
        f.caller_type.index() as i64,
        f.risk.index() as i64,
        f.follow_up.needed,
        call.details.notes,
        call.details.safeguarding.join("\n"),
    ])
    .unwrap();
    let mut stmt = conn
        .prepare_cached("INSERT INTO call_themes VALUES (?1, ?2, ?3, ?4, ?5)")
        .unwrap();
    for (position, theme) in f.themes.iter().enumerate() {
        let r = themes.resolve(theme).unwrap();
        stmt.execute(params![
            id,
            month,
            position as i64,
            r.category as i64,
            r.subtheme.map_or(-1, |s| s as i64)
        ])
        .unwrap();
    }
}

#[inline(never)]
fn log_sealed(vault: &mut Vault, call: &NewCall) {
    vault.log_call(call, chrono::Utc::now()).unwrap();
}

#[inline(never)]
fn log_plain(conn: &Connection, themes: &ThemeList, id: i64, call: &NewCall) {
    let tx = conn.unchecked_transaction().unwrap();
    plain_insert(&tx, themes, id, call);
    tx.commit().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: log_profile build|sealed|plain|report DIR COUNT");
        std::process::exit(2);
    }
    let dir = Path::new(&args[2]);
    let n: usize = args[3].parse().unwrap();
    let themes = ThemeList::default_list();
    match args[1].as_str() {
        "build" => {
            let calls: Vec<NewCall> = SyntheticCalls::new(2026, 2015, 10).take(n).collect();
            let (mut vault, _) = Vault::create(&dir.join("sealed"), &Passphrase::new(P)).unwrap();
            let mut csv = Vec::new();
            write_csv(&mut csv, &calls).unwrap();
            import_csv(
                &mut vault,
                csv.as_slice(),
                csv.len() as u64,
                chrono::Utc::now(),
                |_| {},
            )
            .unwrap();
            let mut conn = plain_conn(&dir.join("plain.db"));
            conn.execute_batch(
                "CREATE TABLE calls (
                    id INTEGER PRIMARY KEY, month INTEGER NOT NULL, started_at INTEGER NOT NULL,
                    duration INTEGER NOT NULL, call_type INTEGER NOT NULL, role INTEGER NOT NULL,
                    setting INTEGER NOT NULL, employer INTEGER, region INTEGER NOT NULL,
                    caller_type INTEGER NOT NULL, risk INTEGER NOT NULL, follow_up INTEGER NOT NULL,
                    notes TEXT NOT NULL, safeguarding TEXT NOT NULL);
                 CREATE INDEX calls_by_month ON calls (month, call_type, duration, risk);
                 CREATE TABLE call_themes (
                    call_id INTEGER NOT NULL, month INTEGER NOT NULL, position INTEGER NOT NULL,
                    category INTEGER NOT NULL, subtheme INTEGER NOT NULL);
                 CREATE INDEX call_themes_by_month ON call_themes (month, call_id, category, subtheme);",
            ).unwrap();
            let tx = conn.transaction().unwrap();
            for (i, c) in calls.iter().enumerate() {
                plain_insert(&tx, &themes, i as i64, c);
            }
            tx.commit().unwrap();
            conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
                .unwrap();
        }
        "report" => {
            let vault = Vault::open(&dir.join("sealed"), &Passphrase::new(P)).unwrap();
            let period = quietline::period::Period::calendar(2023).unwrap();
            let mut samples = Vec::new();
            for _ in 0..n {
                let t = Instant::now();
                std::hint::black_box(quietline::report::Report::for_vault(&vault, period).unwrap());
                samples.push(t.elapsed().as_secs_f64() * 1e3);
            }
            samples.sort_by(f64::total_cmp);
            eprintln!(
                "report median {:.2} ms min {:.2} ms",
                samples[n / 2],
                samples[0]
            );
        }
        mode => {
            let calls: Vec<NewCall> = SyntheticCalls::new(2027, 2024, 1).take(n).collect();
            if mode == "sealed" {
                let mut vault = Vault::open(&dir.join("sealed"), &Passphrase::new(P)).unwrap();
                let t = Instant::now();
                for c in &calls {
                    log_sealed(&mut vault, c);
                }
                eprintln!(
                    "sealed: {:.3} ms/call",
                    t.elapsed().as_secs_f64() * 1e3 / n as f64
                );
            } else {
                let conn = plain_conn(&dir.join("plain.db"));
                let t = Instant::now();
                for (i, c) in calls.iter().enumerate() {
                    log_plain(&conn, &themes, 10_000_000 + i as i64, c);
                }
                eprintln!(
                    "plain: {:.3} ms/call",
                    t.elapsed().as_secs_f64() * 1e3 / n as f64
                );
            }
        }
    }
}
