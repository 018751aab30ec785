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
//! Same synthetic data and passphrase as `benches/vault.rs`, and the very
//! same plaintext baseline (`benches/common/plaintext.rs`).

#[path = "../benches/common/plaintext.rs"]
mod plaintext;

use std::path::Path;
use std::time::Instant;

use plaintext::{plain_fill, plain_insert, plain_pragmas, plain_store};
use quietline::crypto::Passphrase;
use quietline::import::{import_csv, write_csv};
use quietline::model::NewCall;
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use quietline::themes::ThemeList;
use rusqlite::Connection;

const P: &str = "benchmark passphrase, synthetic data";

/// An existing plaintext baseline file, opened as the benchmark opens it.
fn plain_conn(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    plain_pragmas(&conn);
    conn
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
            let mut conn = plain_store(&dir.join("plain.db"));
            plain_fill(&mut conn, &themes, &calls);
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
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
