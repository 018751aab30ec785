//! What encryption costs, measured against plain SQLite in the same run.
//!
//! `cargo bench --bench vault [-- --calls N] [--runs R] [--large]
//! [--coordinator VxC] [--coordinator-only]`
//!
//! Prints a table and writes the same figures to `target/bench/vault.json`.
//! Every ratio is against a baseline measured here, now, on the same data.
//! Run with `--memory-probe DIR` it is the child process that measures peak
//! memory while reporting (so the parent's own allocations do not count).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quietline::crypto::Passphrase;
use quietline::import::{import_csv, write_csv};
use quietline::model::NewCall;
use quietline::period::{LocalMonth, Period};
use quietline::report::Report;
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use quietline::themes::ThemeList;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

#[path = "vault/coordinator.rs"]
mod coordinator;

const PASSPHRASE: &str = "benchmark passphrase, synthetic data";
const FIRST_YEAR: i32 = 2015;
const YEARS: u32 = 10;
const REPORT_YEAR: i32 = 2023;
const SEED: u64 = 2026;

struct Options {
    calls: usize,
    runs: usize,
    large: bool,
    log_samples: usize,
    coordinator: coordinator::Shape,
    /// Only the coordinator scenario (for working on it).
    coordinator_only: bool,
}

fn parse_options() -> Options {
    let mut options = Options {
        calls: 100_000,
        runs: 7,
        large: false,
        log_samples: 1000,
        coordinator: coordinator::Shape::default(),
        coordinator_only: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| -> usize {
            args.get(i + 1)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{} needs a whole number", args[i]))
        };
        match args[i].as_str() {
            "--calls" => {
                options.calls = value(i);
                i += 1;
            }
            "--runs" => {
                options.runs = value(i).max(1);
                i += 1;
            }
            "--log-samples" => {
                options.log_samples = value(i).max(10);
                i += 1;
            }
            "--large" => options.large = true,
            "--coordinator-only" => options.coordinator_only = true,
            "--coordinator" => {
                options.coordinator = args
                    .get(i + 1)
                    .and_then(|v| coordinator::Shape::parse(v))
                    .unwrap_or_else(|| {
                        panic!("--coordinator needs volunteers x calls, e.g. 5x20000")
                    });
                i += 1;
            }
            // cargo bench passes --bench; ignore anything else it adds.
            _ => {}
        }
        i += 1;
    }
    options
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn synthetic(count: usize) -> Vec<NewCall> {
    SyntheticCalls::new(SEED, FIRST_YEAR, YEARS)
        .take(count)
        .collect()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

// ---------------------------------------------------------------- counts

/// The numbers every report variant must agree on: [this year, previous].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counts {
    total: [u64; 2],
    substantive: [u64; 2],
    minutes: [u64; 2],
    categories: Vec<[u64; 2]>,
    subthemes: Vec<Vec<[u64; 2]>>,
    risk: [[u64; 2]; 5],
}

impl Counts {
    fn zero(themes: &ThemeList) -> Counts {
        Counts {
            total: [0; 2],
            substantive: [0; 2],
            minutes: [0; 2],
            categories: vec![[0; 2]; themes.categories.len()],
            subthemes: themes
                .categories
                .iter()
                .map(|c| vec![[0; 2]; c.subthemes.len()])
                .collect(),
            risk: [[0; 2]; 5],
        }
    }

    fn from_report(r: &Report) -> Counts {
        // The benchmark never suppresses, so every count is published.
        let n = |value: Option<u64>| value.expect("an unsuppressed report has every count");
        let pair = |c: &quietline::report::Count| [n(c.calls), n(c.previous_calls)];
        Counts {
            total: [n(r.total_calls), n(r.previous_total_calls)],
            substantive: [n(r.substantive_calls), n(r.previous_substantive_calls)],
            minutes: [n(r.total_minutes), n(r.previous_total_minutes)],
            categories: r.themes.iter().map(|t| pair(&t.count)).collect(),
            subthemes: r
                .themes
                .iter()
                .map(|t| t.subthemes.iter().map(pair).collect())
                .collect(),
            risk: std::array::from_fn(|i| pair(&r.risk[i])),
        }
    }
}

// ------------------------------------------------------ plaintext baseline

#[path = "common/plaintext.rs"]
mod plaintext;
use plaintext::{month_number, plain_fill, plain_insert, plain_store};

fn month_range(period: Period) -> (i64, i64, i64) {
    let previous = period.previous().months();
    let current = period.months();
    (
        month_number(previous[0]),
        month_number(current[0]),
        month_number(current[11]),
    )
}

/// The fastest plaintext report: two row-fetching queries over the covering
/// indexes for both years at once, counting in Rust.
fn plain_report_fastest(conn: &Connection, themes: &ThemeList, period: Period) -> Counts {
    let (from, split, to) = month_range(period);
    let mut counts = Counts::zero(themes);
    let mut stmt = conn
        .prepare_cached(
            "SELECT month, call_type, duration, risk FROM calls WHERE month BETWEEN ?1 AND ?2",
        )
        .unwrap();
    let mut rows = stmt.query(params![from, to]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        // Index 0 is this period, 1 the previous one.
        let year = usize::from(row.get::<_, i64>(0).unwrap() < split);
        let call_type: i64 = row.get(1).unwrap();
        counts.total[year] += 1;
        counts.substantive[year] += u64::from(call_type == 0);
        counts.minutes[year] += row.get::<_, i64>(2).unwrap() as u64;
        counts.risk[row.get::<_, i64>(3).unwrap() as usize][year] += 1;
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT month, call_id, category, subtheme FROM call_themes
             WHERE month BETWEEN ?1 AND ?2 ORDER BY month, call_id",
        )
        .unwrap();
    let mut rows = stmt.query(params![from, to]).unwrap();
    let mut last_call = -1i64;
    let mut seen: u64 = 0;
    while let Some(row) = rows.next().unwrap() {
        let year = usize::from(row.get::<_, i64>(0).unwrap() < split);
        let call: i64 = row.get(1).unwrap();
        let category = row.get::<_, i64>(2).unwrap() as usize;
        let subtheme: i64 = row.get(3).unwrap();
        if call != last_call {
            last_call = call;
            seen = 0;
        }
        if seen & (1 << category) == 0 {
            seen |= 1 << category;
            counts.categories[category][year] += 1;
        }
        if subtheme >= 0 {
            counts.subthemes[category][subtheme as usize][year] += 1;
        }
    }
    counts
}

/// The everyday form: one `GROUP BY` query per table and year.
fn plain_report_group_by(conn: &Connection, themes: &ThemeList, period: Period) -> Counts {
    let mut counts = Counts::zero(themes);
    for (year, p) in [period, period.previous()].into_iter().enumerate() {
        let months = p.months();
        let (a, b) = (month_number(months[0]), month_number(months[11]));
        let (total, substantive, minutes): (i64, i64, i64) = conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(call_type = 0), 0), COALESCE(SUM(duration), 0)
                 FROM calls WHERE month BETWEEN ?1 AND ?2",
                params![a, b],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        counts.total[year] = total as u64;
        counts.substantive[year] = substantive as u64;
        counts.minutes[year] = minutes as u64;
        let mut stmt = conn
            .prepare_cached(
                "SELECT risk, COUNT(*) FROM calls WHERE month BETWEEN ?1 AND ?2 GROUP BY risk",
            )
            .unwrap();
        for row in stmt
            .query_map(params![a, b], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .unwrap()
        {
            let (risk, n) = row.unwrap();
            counts.risk[risk as usize][year] = n as u64;
        }
        let mut stmt = conn
            .prepare_cached(
                "SELECT category, COUNT(DISTINCT call_id) FROM call_themes
                 WHERE month BETWEEN ?1 AND ?2 GROUP BY category",
            )
            .unwrap();
        for row in stmt
            .query_map(params![a, b], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .unwrap()
        {
            let (category, n) = row.unwrap();
            counts.categories[category as usize][year] = n as u64;
        }
        let mut stmt = conn
            .prepare_cached(
                "SELECT category, subtheme, COUNT(*) FROM call_themes
                 WHERE month BETWEEN ?1 AND ?2 AND subtheme >= 0 GROUP BY category, subtheme",
            )
            .unwrap();
        for row in stmt
            .query_map(params![a, b], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .unwrap()
        {
            let (category, subtheme, n) = row.unwrap();
            counts.subthemes[category as usize][subtheme as usize][year] = n as u64;
        }
    }
    counts
}

// ------------------------------------------------------------- sealed side

fn sealed_store(dir: &Path, calls: &[NewCall]) -> (Vault, Duration) {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let mut csv = Vec::new();
    write_csv(&mut csv, calls).unwrap();
    let started = Instant::now();
    import_csv(&mut vault, csv.as_slice(), csv.len() as u64, now(), |_| {}).unwrap();
    (vault, started.elapsed())
}

fn report_period() -> Period {
    Period::calendar(REPORT_YEAR).unwrap()
}

fn report_months() -> Vec<LocalMonth> {
    let period = report_period();
    let mut months = period.months().to_vec();
    months.extend(period.previous().months());
    months
}

/// Median time of `runs` runs of `f`, after one warm-up run.
fn time_runs<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = f();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        last = f();
        samples.push(started.elapsed());
    }
    (median(samples), last)
}

/// Logging one call durably into a store that already holds N calls,
/// sealed and plaintext interleaved (in alternating order) so both see the
/// same disk and the same machine load.
struct LogFigures {
    samples: usize,
    sealed: Vec<Duration>,
    plain: Vec<Duration>,
}

fn measure_logging(
    vault: &mut Vault,
    plain: &Connection,
    first_id: i64,
    samples: usize,
) -> LogFigures {
    let themes = ThemeList::default_list();
    // Calls of the store's last year, so they land in well-filled months.
    let calls: Vec<NewCall> = SyntheticCalls::new(SEED + 1, FIRST_YEAR + YEARS as i32 - 1, 1)
        .take(samples)
        .collect();
    let (mut sealed, mut plain_samples) = (Vec::new(), Vec::new());
    for (i, call) in calls.iter().enumerate() {
        let mut log_sealed = || {
            let started = Instant::now();
            vault.log_call(call, now()).unwrap();
            sealed.push(started.elapsed());
        };
        let mut log_plain = || {
            let started = Instant::now();
            let tx = plain.unchecked_transaction().unwrap();
            plain_insert(&tx, &themes, first_id + i as i64, call);
            tx.commit().unwrap();
            plain_samples.push(started.elapsed());
        };
        // Alternate which goes first: a commit can leave the disk or the
        // CPU caches busy for whatever runs straight after it, and neither
        // side should always be the one that pays.
        if i % 2 == 0 {
            log_sealed();
            log_plain();
        } else {
            log_plain();
            log_sealed();
        }
    }
    LogFigures {
        samples,
        sealed,
        plain: plain_samples,
    }
}

#[derive(Clone)]
struct ReportFigures {
    calls_in_store: usize,
    calls_read: usize,
    sealed: Duration,
    fastest_plain: Duration,
    group_by_plain: Duration,
    decrypt_floor: Duration,
}

fn measure_report(
    dir: &Path,
    calls: &[NewCall],
    runs: usize,
    log_samples: Option<usize>,
) -> (ReportFigures, Option<LogFigures>) {
    let themes = ThemeList::default_list();
    let (mut vault, _) = sealed_store(&dir.join("sealed"), calls);
    let mut plain = plain_store(&dir.join("plain.db"));
    plain_fill(&mut plain, &themes, calls);
    let period = report_period();

    let (sealed, report) = time_runs(runs, || Report::for_vault(&vault, period).unwrap());
    let (fastest_plain, fastest) =
        time_runs(runs, || plain_report_fastest(&plain, &themes, period));
    let (group_by_plain, grouped) =
        time_runs(runs, || plain_report_group_by(&plain, &themes, period));
    let months = report_months();
    // The floor: the same records' bytes, already read, only decrypted.
    let sealed_rows = vault.read_sealed(&months).unwrap();
    let (decrypt_floor, calls_read) = time_runs(runs, || sealed_rows.open_all().unwrap());

    let sealed_counts = Counts::from_report(&report);
    assert_eq!(
        sealed_counts, fastest,
        "sealed and fastest plaintext counts differ"
    );
    assert_eq!(sealed_counts, grouped, "sealed and GROUP BY counts differ");
    assert_eq!(
        calls_read as u64,
        sealed_counts.total[0] + sealed_counts.total[1],
        "the report must read exactly the two years' records"
    );
    drop(sealed_rows);
    let logging = log_samples.map(|n| measure_logging(&mut vault, &plain, calls.len() as i64, n));
    let figures = ReportFigures {
        calls_in_store: calls.len(),
        calls_read,
        sealed,
        fastest_plain,
        group_by_plain,
        decrypt_floor,
    };
    (figures, logging)
}

// ------------------------------------------------------------------ memory

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Child side: open the store, report, print peak resident memory in KiB.
fn memory_probe(dir: &Path) {
    let vault = Vault::open(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    // Unlocking briefly holds Argon2id's 64 MiB; reset the high-water mark
    // (Linux: "5" to clear_refs) so the peak is the report's own.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_rss_kib().unwrap_or(0);
    let report = Report::for_vault(&vault, report_period()).unwrap();
    std::hint::black_box(&report);
    println!("{} {}", before, peak_rss_kib().unwrap_or(0));
}

fn measure_memory(store: &Path) -> Option<(u64, u64)> {
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .arg("--memory-probe")
        .arg(store)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??))
}

// -------------------------------------------------------------------- main

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--memory-probe") {
        memory_probe(Path::new(&args[i + 1]));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--merge-probe") {
        coordinator::merge_probe(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
        return;
    }
    let options = parse_options();
    let work = tempfile::tempdir().unwrap();
    let mut json = BTreeMap::<String, Value>::new();

    println!(
        "Quietline vault benchmark: {} synthetic calls over {YEARS} years ({FIRST_YEAR}–{}), report for {REPORT_YEAR} vs {}, medians of {} runs",
        options.calls,
        FIRST_YEAR + YEARS as i32 - 1,
        REPORT_YEAR - 1,
        options.runs
    );
    println!(
        "Machine: {} logical cores, {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_else(|| "unknown CPU".into())
    );
    println!();
    let coordinator_scenario = |json: &mut BTreeMap<String, Value>| {
        coordinator::run(
            work.path(),
            options.coordinator,
            options.runs,
            options.large,
            json,
        )
    };
    if options.coordinator_only {
        coordinator_scenario(&mut json);
        write_figures(&json);
        return;
    }

    // 5. Unlock.
    let unlock_dir = work.path().join("unlock");
    drop(Vault::create(&unlock_dir, &Passphrase::new(PASSPHRASE)).unwrap());
    let (unlock, _) = time_runs(options.runs.min(5), || {
        Vault::open(&unlock_dir, &Passphrase::new(PASSPHRASE)).unwrap()
    });
    println!(
        "Unlock (Argon2id 64 MiB, 3 passes, 1 lane): {:.0} ms",
        ms(unlock)
    );
    json.insert("unlock.ms".into(), json!(ms(unlock)));

    // 2 and 3. Import and the annual report at N calls.
    let calls = synthetic(options.calls);
    let main_dir = work.path().join("main");
    std::fs::create_dir_all(&main_dir).unwrap();
    let (_, import_time) = sealed_store(&main_dir.join("import"), &calls);
    let rows_per_second = calls.len() as f64 / import_time.as_secs_f64();
    println!(
        "Import {} rows from CSV (one transaction): {:.2} s, {:.0} rows/s",
        calls.len(),
        import_time.as_secs_f64(),
        rows_per_second
    );
    json.insert("import.rows".into(), json!(calls.len()));
    json.insert("import.rows_per_second".into(), json!(rows_per_second));

    let (figures, logging) =
        measure_report(&main_dir, &calls, options.runs, Some(options.log_samples));
    if let Some(log) = logging {
        report_logging(&log, options.calls, &mut json);
    }
    let ratio = figures.sealed.as_secs_f64() / figures.fastest_plain.as_secs_f64();
    println!();
    println!(
        "Annual report {REPORT_YEAR} with {} comparison ({} calls read of {}):",
        REPORT_YEAR - 1,
        figures.calls_read,
        figures.calls_in_store
    );
    println!(
        "  sealed (Quietline)                 {:>8.2} ms",
        ms(figures.sealed)
    );
    println!(
        "  fastest plaintext (covering index) {:>8.2} ms   sealed ÷ this = {:.2}×",
        ms(figures.fastest_plain),
        ratio
    );
    println!(
        "  plaintext GROUP BY per table       {:>8.2} ms   sealed ÷ this = {:.2}×  (reference)",
        ms(figures.group_by_plain),
        figures.sealed.as_secs_f64() / figures.group_by_plain.as_secs_f64()
    );
    println!(
        "  floor: decrypt the records only    {:>8.2} ms   sealed ÷ floor = {:.2}×",
        ms(figures.decrypt_floor),
        figures.sealed.as_secs_f64() / figures.decrypt_floor.as_secs_f64()
    );
    println!("  all variants produced identical counts");
    json.insert(
        "report.calls_in_store".into(),
        json!(figures.calls_in_store),
    );
    json.insert("report.calls_read".into(), json!(figures.calls_read));
    json.insert("report.sealed_ms".into(), json!(ms(figures.sealed)));
    json.insert(
        "report.fastest_plaintext_ms".into(),
        json!(ms(figures.fastest_plain)),
    );
    json.insert(
        "report.group_by_plaintext_ms".into(),
        json!(ms(figures.group_by_plain)),
    );
    json.insert(
        "report.decrypt_floor_ms".into(),
        json!(ms(figures.decrypt_floor)),
    );
    json.insert("report.ratio_vs_fastest_plaintext".into(), json!(ratio));
    json.insert(
        "report.ratio_vs_group_by_plaintext".into(),
        json!(figures.sealed.as_secs_f64() / figures.group_by_plain.as_secs_f64()),
    );
    json.insert(
        "report.ratio_vs_decrypt_floor".into(),
        json!(figures.sealed.as_secs_f64() / figures.decrypt_floor.as_secs_f64()),
    );
    json.insert("report.runs".into(), json!(options.runs));

    // 6. Memory while reporting over N calls, in a child process.
    match measure_memory(&main_dir.join("sealed")) {
        Some((before, peak)) => {
            println!(
                "Peak resident memory reporting over {} calls: {:.1} MB (resident before the report: {:.1} MB)",
                options.calls,
                peak as f64 / 1024.0,
                before as f64 / 1024.0
            );
            json.insert("memory.peak_mb".into(), json!(peak as f64 / 1024.0));
            json.insert(
                "memory.before_report_mb".into(),
                json!(before as f64 / 1024.0),
            );
        }
        None => println!("Peak memory: not measurable here (no /proc)"),
    }

    // Unlock with the calls in the store: every row checked against the
    // ledger (docs/architecture.md), beside the empty store's unlock above.
    let full_dir = main_dir.join("import");
    let (unlock_full, vault) = time_runs(options.runs.min(5), || {
        Vault::open(&full_dir, &Passphrase::new(PASSPHRASE)).unwrap()
    });
    let (ledger_check, _) = time_runs(options.runs.min(5), || vault.check_ledger().unwrap());
    drop(vault);
    println!();
    println!(
        "Unlock with {} calls: {:.0} ms ({:+.0} ms over the empty store), of which checking every row against the ledger: {:.0} ms",
        calls.len(),
        ms(unlock_full),
        ms(unlock_full) - ms(unlock),
        ms(ledger_check)
    );
    json.insert("unlock.at_calls_ms".into(), json!(ms(unlock_full)));
    json.insert("ledger.check_ms".into(), json!(ms(ledger_check)));

    // 4. Scaling: same ten years, more calls.
    println!();
    println!("Scaling (ten-year stores; one year's report):");
    println!(
        "  {:>9} {:>11} {:>11} {:>13} {:>8} {:>14}",
        "calls", "calls read", "sealed ms", "plaintext ms", "ratio", "µs per call read"
    );
    let mut sizes: Vec<usize> = [1_000, 10_000, 100_000]
        .into_iter()
        .filter(|s| *s < options.calls)
        .collect();
    sizes.push(options.calls);
    if options.large && options.calls < 1_000_000 {
        sizes.push(1_000_000);
    }
    let mut scaling = Vec::new();
    for size in sizes {
        let figures = if size == options.calls {
            // Already measured above on the same data.
            figures.clone()
        } else {
            let dir = work.path().join(format!("scale-{size}"));
            std::fs::create_dir_all(&dir).unwrap();
            measure_report(&dir, &synthetic(size), options.runs, None).0
        };
        let per_call = figures.sealed.as_secs_f64() * 1e6 / figures.calls_read.max(1) as f64;
        println!(
            "  {:>9} {:>11} {:>11.2} {:>13.2} {:>7.2}× {:>14.2}",
            size,
            figures.calls_read,
            ms(figures.sealed),
            ms(figures.fastest_plain),
            figures.sealed.as_secs_f64() / figures.fastest_plain.as_secs_f64(),
            per_call
        );
        scaling.push(json!({
            "calls": size,
            "calls_read": figures.calls_read,
            "sealed_ms": ms(figures.sealed),
            "fastest_plaintext_ms": ms(figures.fastest_plain),
            "us_per_call_read": per_call,
        }));
    }
    json.insert("scaling".into(), Value::Array(scaling));

    // 7. The coordinator at scale.
    coordinator_scenario(&mut json);
    write_figures(&json);
}

/// Writes the figures to `target/bench/vault.json` and says where.
fn write_figures(json: &BTreeMap<String, Value>) {
    let out_dir = target_dir().join("bench");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("vault.json");
    std::fs::write(&out, serde_json::to_string_pretty(json).unwrap()).unwrap();
    println!();
    println!("Figures written to {}", out.display());
}

fn report_logging(log: &LogFigures, store_calls: usize, json: &mut BTreeMap<String, Value>) {
    let (s50, s99) = (percentile(&log.sealed, 50.0), percentile(&log.sealed, 99.0));
    let (p50, p99) = (percentile(&log.plain, 50.0), percentile(&log.plain, 99.0));
    let ratio_p50 = s50.as_secs_f64() / p50.as_secs_f64();
    let ratio_p99 = s99.as_secs_f64() / p99.as_secs_f64();
    println!(
        "Log a call into a {store_calls}-call store ({} each, durable commit):",
        log.samples
    );
    println!(
        "  sealed p50 {:.3} ms  p99 {:.3} ms | plaintext p50 {:.3} ms  p99 {:.3} ms | ratio p50 {:.2}×  p99 {:.2}×",
        ms(s50),
        ms(s99),
        ms(p50),
        ms(p99),
        ratio_p50,
        ratio_p99
    );
    json.insert("log_call.sealed_p50_ms".into(), json!(ms(s50)));
    json.insert("log_call.sealed_p99_ms".into(), json!(ms(s99)));
    json.insert("log_call.plaintext_p50_ms".into(), json!(ms(p50)));
    json.insert("log_call.plaintext_p99_ms".into(), json!(ms(p99)));
    json.insert("log_call.ratio_p50".into(), json!(ratio_p50));
    json.insert("log_call.ratio_p99".into(), json!(ratio_p99));
    json.insert("log_call.samples".into(), json!(log.samples));
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}
