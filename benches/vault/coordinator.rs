//! The coordinator at scale: volunteers' returns made, merged, merged again
//! after the volunteers make them again, and the year's report over the
//! merged calls, beside the same report over the same calls held as one
//! store's own.
//!
//! `-- --coordinator VxC` sets the volunteers and the calls each (default
//! 5x20000, all in one calendar year); `--large` adds a ten-year helpline
//! of 1,000,000 merged calls.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quietline::app::{ReturnMerged, merge_files};
use quietline::crypto::Passphrase;
use quietline::model::NewCall;
use quietline::period::Period;
use quietline::report::Report;
use quietline::returns::{self, CoordinatorKey, Merged, ReturnError};
use quietline::store::Vault;
use quietline::synth::SyntheticCalls;
use serde_json::{Value, json};

use super::{Counts, PASSPHRASE, SEED, median, ms, now, peak_rss_kib};

/// Volunteers and calls each.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub volunteers: usize,
    pub calls_each: usize,
}

impl Shape {
    pub fn parse(text: &str) -> Option<Shape> {
        let (v, c) = text.split_once(['x', 'X'])?;
        let shape = Shape {
            volunteers: v.trim().parse().ok()?,
            calls_each: c.trim().parse().ok()?,
        };
        (shape.volunteers > 0 && shape.calls_each > 0).then_some(shape)
    }

    fn total(self) -> usize {
        self.volunteers * self.calls_each
    }
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            volunteers: 5,
            calls_each: 20_000,
        }
    }
}

const YEAR: i32 = 2024;

fn calls_for(volunteer: usize, calls: usize, first_year: i32, years: u32) -> Vec<NewCall> {
    SyntheticCalls::new(SEED + 100 + volunteer as u64, first_year, years)
        .take(calls)
        .collect()
}

fn import(vault: &mut Vault, calls: &[NewCall]) {
    let mut batch = vault.begin_import(now()).unwrap();
    for call in calls {
        batch.add(call).unwrap();
    }
    batch.commit().unwrap();
}

fn volunteer_store(dir: &Path, name: &str, to: &CoordinatorKey, calls: &[NewCall]) -> Vault {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let mut settings = vault.settings().clone();
    settings.display_name = name.into();
    settings.coordinator_key = Some(to.to_string());
    vault.update_settings(settings).unwrap();
    import(&mut vault, calls);
    vault
}

fn coordinator_store(dir: &Path) -> (Vault, CoordinatorKey) {
    let (mut vault, _) = Vault::create(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let (key, _) = vault.create_coordinator_identity().unwrap();
    (vault, key)
}

/// Makes each volunteer's return for `period` into `dir`; the time of each.
fn make_returns(
    volunteers: &mut [Vault],
    period: Period,
    dir: &Path,
    round: &str,
) -> (Vec<PathBuf>, Vec<Duration>) {
    std::fs::create_dir_all(dir).unwrap();
    let mut paths = Vec::new();
    let mut times = Vec::new();
    for (i, vault) in volunteers.iter_mut().enumerate() {
        let to = returns::coordinator_key(vault, None).unwrap();
        let started = Instant::now();
        let made = returns::make_return(vault, period, &to, now().date_naive()).unwrap();
        times.push(started.elapsed());
        let path = dir.join(format!(
            "v{i}-{}-{round}.qlreturn",
            period.label().replace('/', "-")
        ));
        std::fs::write(&path, &made.bytes).unwrap();
        paths.push(path);
    }
    (paths, times)
}

/// Merges `paths` as the CLI does (trusting every signer); the time taken
/// and what each file did.
fn merge(vault: &mut Vault, paths: &[PathBuf]) -> (Duration, Vec<Merged>) {
    let mut outcomes: Vec<Option<Result<ReturnMerged, ReturnError>>> =
        (0..paths.len()).map(|_| None).collect();
    let started = Instant::now();
    merge_files(
        vault,
        paths,
        now(),
        &[],
        |_, _| true,
        |i, outcome| outcomes[i] = Some(outcome),
    )
    .unwrap();
    let elapsed = started.elapsed();
    let merged = outcomes
        .into_iter()
        .map(|o| o.expect("every file has an outcome").unwrap().merged)
        .collect();
    (elapsed, merged)
}

fn time_reports(runs: usize, vault: &Vault, period: Period) -> (Duration, Report) {
    let mut last = Report::for_vault(vault, period).unwrap();
    let mut samples = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        last = Report::for_vault(vault, period).unwrap();
        samples.push(started.elapsed());
    }
    (median(samples), last)
}

/// In a child process: unlocks the coordinator's store at `dir`, merges
/// the return at `file`, and prints resident memory before and at peak.
pub fn merge_probe(dir: &Path, file: &Path) {
    let mut vault = Vault::open(dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_rss_kib().unwrap_or(0);
    let (_, merged) = merge(&mut vault, &[file.to_path_buf()]);
    assert!(matches!(merged[0], Merged::Merged(_)));
    let peak = peak_rss_kib().unwrap_or(0);
    println!("{before} {peak}");
}

fn measure_merge_memory(dir: &Path, file: &Path) -> Option<(u64, u64)> {
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .args(["--merge-probe".as_ref(), dir.as_os_str(), file.as_os_str()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??))
}

fn calls_per_s(calls: usize, time: Duration) -> f64 {
    calls as f64 / time.as_secs_f64()
}

/// The scenario; prints its table and adds `coordinator.*` keys to `json`.
pub fn run(
    work: &Path,
    shape: Shape,
    runs: usize,
    large: bool,
    json: &mut std::collections::BTreeMap<String, Value>,
) {
    let period = Period::calendar(YEAR).unwrap();
    let dir = work.join("coordinator");
    let (mut coordinator, key) = coordinator_store(&dir.join("coordinator"));
    let all_calls: Vec<Vec<NewCall>> = (0..shape.volunteers)
        .map(|v| calls_for(v, shape.calls_each, YEAR, 1))
        .collect();
    let mut volunteers: Vec<Vault> = all_calls
        .iter()
        .enumerate()
        .map(|(i, calls)| {
            volunteer_store(
                &dir.join(format!("volunteer-{i}")),
                &format!("Volunteer {}", i + 1),
                &key,
                calls,
            )
        })
        .collect();

    let (first, make_times) = make_returns(&mut volunteers, period, &dir.join("returns"), "a");
    let make = median(make_times);
    let size = std::fs::metadata(&first[0]).map_or(0, |m| m.len());
    let (merge_time, merged) = merge(&mut coordinator, &first);
    for outcome in &merged {
        let Merged::Merged(counts) = outcome else {
            panic!("a new return merged as {outcome:?}")
        };
        assert_eq!(counts.added as usize, shape.calls_each);
    }
    // The volunteers make their returns again, nothing changed: each is a
    // new return (a later sequence) holding the same calls.
    let (again, _) = make_returns(&mut volunteers, period, &dir.join("returns"), "b");
    let (remerge_time, remerged) = merge(&mut coordinator, &again);
    for outcome in &remerged {
        let Merged::Merged(counts) = outcome else {
            panic!("a return made again merged as {outcome:?}")
        };
        assert_eq!(counts.unchanged as usize, shape.calls_each);
        assert_eq!((counts.added, counts.updated, counts.removed), (0, 0, 0));
    }
    // The same files again: recognised as merged, nothing written.
    let (same_time, same) = merge(&mut coordinator, &again);
    assert!(same.iter().all(|m| matches!(m, Merged::AlreadyMerged)));

    let (coordinator_report, report) = time_reports(runs, &coordinator, period);
    let from_records = Report::for_vault_from_records(&coordinator, period).unwrap();

    // The same calls as one store's own.
    let own_dir = dir.join("own");
    let (mut own, _) = Vault::create(&own_dir, &Passphrase::new(PASSPHRASE)).unwrap();
    let flat: Vec<NewCall> = all_calls.concat();
    import(&mut own, &flat);
    let (own_report, own_result) = time_reports(runs, &own, period);

    let counts = Counts::from_report(&report);
    assert_eq!(counts, Counts::from_report(&own_result));
    assert_eq!(counts, Counts::from_report(&from_records));
    assert_eq!(counts.total[0] as usize, shape.total());
    let ratio = coordinator_report.as_secs_f64() / own_report.as_secs_f64();

    // Memory while merging one return that holds every call: the own
    // store's, sent to a second coordinator with nothing merged yet.
    let probe_dir = dir.join("probe");
    let (probe, probe_key) = coordinator_store(&probe_dir);
    drop(probe);
    let mut settings = own.settings().clone();
    settings.display_name = "Everyone".into();
    settings.coordinator_key = Some(probe_key.to_string());
    own.update_settings(settings).unwrap();
    let (big, _) = make_returns(
        std::slice::from_mut(&mut own),
        period,
        &dir.join("big"),
        "all",
    );
    drop(own);
    let memory = measure_merge_memory(&probe_dir, &big[0]);

    let total = shape.total();
    println!();
    println!(
        "Coordinator: {} volunteers × {} calls in {YEAR} ({} calls), returns merged with the CLI's merge:",
        shape.volunteers, shape.calls_each, total
    );
    println!(
        "  make one {}-call return ({:.1} MB)          {:>8.0} ms",
        shape.calls_each,
        size as f64 / 1e6,
        ms(make)
    );
    println!(
        "  merge the {} returns (new calls)           {:>8.0} ms   {:>9.0} calls/s",
        shape.volunteers,
        ms(merge_time),
        calls_per_s(total, merge_time)
    );
    println!(
        "  merge them made again, unchanged          {:>8.0} ms   {:>9.0} calls/s",
        ms(remerge_time),
        calls_per_s(total, remerge_time)
    );
    println!(
        "  merge the same files again (refused)      {:>8.0} ms",
        ms(same_time)
    );
    println!(
        "  {YEAR} report over the merged calls         {:>8.2} ms",
        ms(coordinator_report)
    );
    println!(
        "  the same report, same calls as own        {:>8.2} ms   merged ÷ own = {:.2}×",
        ms(own_report),
        ratio
    );
    if let Some((before, peak)) = memory {
        println!(
            "  peak resident memory merging one {}-call return: {:.1} MB (before: {:.1} MB)",
            total,
            peak as f64 / 1024.0,
            before as f64 / 1024.0
        );
        json.insert(
            "coordinator.merge_peak_mb".into(),
            json!(peak as f64 / 1024.0),
        );
    }
    println!("  merged, own and from-records reports produced identical counts");
    json.insert("coordinator.volunteers".into(), json!(shape.volunteers));
    json.insert("coordinator.calls_each".into(), json!(shape.calls_each));
    json.insert("coordinator.make_return_ms".into(), json!(ms(make)));
    json.insert("coordinator.return_bytes".into(), json!(size));
    json.insert("coordinator.merge_ms".into(), json!(ms(merge_time)));
    json.insert(
        "coordinator.merge_calls_per_s".into(),
        json!(calls_per_s(total, merge_time)),
    );
    json.insert("coordinator.remerge_ms".into(), json!(ms(remerge_time)));
    json.insert(
        "coordinator.remerge_calls_per_s".into(),
        json!(calls_per_s(total, remerge_time)),
    );
    json.insert("coordinator.same_files_ms".into(), json!(ms(same_time)));
    json.insert(
        "coordinator.report_ms".into(),
        json!(ms(coordinator_report)),
    );
    json.insert("coordinator.own_report_ms".into(), json!(ms(own_report)));
    json.insert("coordinator.report_ratio_vs_own".into(), json!(ratio));

    if large {
        run_large(work, runs, json);
    }
}

/// A ten-year helpline: 50 volunteers with 2,000 calls a year each, each
/// year's returns merged; the report for the last year.
fn run_large(work: &Path, runs: usize, json: &mut std::collections::BTreeMap<String, Value>) {
    const VOLUNTEERS: usize = 50;
    const FIRST: i32 = 2015;
    const YEARS: u32 = 10;
    const PER_VOLUNTEER: usize = 20_000;
    let dir = work.join("coordinator-large");
    let (mut coordinator, key) = coordinator_store(&dir.join("coordinator"));
    let mut merge_total = Duration::ZERO;
    for v in 0..VOLUNTEERS {
        let calls = calls_for(1000 + v, PER_VOLUNTEER, FIRST, YEARS);
        let mut vault = volunteer_store(
            &dir.join(format!("volunteer-{v}")),
            &format!("Volunteer {}", v + 1),
            &key,
            &calls,
        );
        let mut paths = Vec::new();
        for year in FIRST..FIRST + YEARS as i32 {
            let period = Period::calendar(year).unwrap();
            let (made, _) = make_returns(
                std::slice::from_mut(&mut vault),
                period,
                &dir.join(format!("returns-{v}")),
                "a",
            );
            paths.extend(made);
        }
        drop(vault);
        let (time, _) = merge(&mut coordinator, &paths);
        merge_total += time;
        let _ = std::fs::remove_dir_all(dir.join(format!("volunteer-{v}")));
    }
    let total = VOLUNTEERS * PER_VOLUNTEER;
    let period = Period::calendar(FIRST + YEARS as i32 - 1).unwrap();
    let (report_time, report) = time_reports(runs, &coordinator, period);
    let counted = Counts::from_report(&report).total;
    println!(
        "  --large: {total} merged calls over {YEARS} years: merged at {:.0} calls/s; {} report ({} + {} calls) {:.1} ms",
        calls_per_s(total, merge_total),
        period.label(),
        counted[0],
        counted[1],
        ms(report_time)
    );
    json.insert("coordinator.large_calls".into(), json!(total));
    json.insert("coordinator.large_report_ms".into(), json!(ms(report_time)));
    json.insert(
        "coordinator.large_merge_calls_per_s".into(),
        json!(calls_per_s(total, merge_total)),
    );
}
