//! The published report end to end: the CLI writes the HTML (and CSV, JSON)
//! with disclosure control, and headless Chromium prints the HTML to a PDF
//! that has the tables in it.
//!
//! Chromium is Debian's (`scripts/test.sh` installs it). Under CI a missing
//! browser fails the test; elsewhere it is skipped with a loud message.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

const PASS: (&str, &str) = ("QUIETLINE_PASSPHRASE", PASSPHRASE);

/// A store of synthetic calls in 2023 and 2024, made through the library.
fn synthetic_store(calls: usize) -> TempStore {
    let store = TempStore::new();
    let (mut vault, _) = store.create();
    let mut batch = vault.begin_import(now()).unwrap();
    for call in quietline::synth::SyntheticCalls::new(11, 2023, 2).take(calls) {
        batch.add(&call).unwrap();
    }
    batch.commit().unwrap();
    store
}

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("Chromium is missing at /usr/bin/chromium; scripts/test.sh installs it");
    }
    eprintln!(
        "\n*** SKIPPING the Chromium print test: /usr/bin/chromium is not installed. ***\n\
         *** Run scripts/test.sh (it installs Chromium) to run it.               ***\n"
    );
    None
}

/// Prints `html` to a PDF with headless Chromium; returns the PDF's bytes.
fn print_to_pdf(browser: &Path, html: &Path, work: &Path) -> Vec<u8> {
    let pdf = work.join("report.pdf");
    let profile = work.join("profile");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "Chromium made no PDF (status {:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&pdf).unwrap()
}

/// The PDF's text, through Debian's `pdftotext` (poppler-utils).
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_html_report_prints_to_a_pdf_with_its_tables_and_charts() {
    let store = synthetic_store(1500);
    let work = tempfile::tempdir().unwrap();
    let html_path = work.path().join("report.html");
    let out = store.cli(
        &[
            "report",
            "--year",
            "2024",
            "--format",
            "html",
            "--suppress-below",
            "5",
            "-o",
            html_path.to_str().unwrap(),
        ],
        &[PASS],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "the report went to the file, not stdout");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en-GB\">"));
    for table in [
        "What callers rang about",
        "Calls by theme",
        "Calls per month",
        "Risk level",
        "Caller&#39;s role",
        "Region",
        "Themes by setting",
    ] {
        assert!(html.contains(table), "no {table}");
    }
    assert!(html.matches("<table").count() >= 10);
    assert_eq!(html.matches("<svg").count(), 2, "the bar and line charts");
    assert!(
        html.contains("fewer than 5"),
        "suppression shows its marker"
    );
    assert!(!html.contains("<script"));

    let Some(browser) = chromium() else { return };
    let pdf = print_to_pdf(&browser, &html_path, work.path());
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(pdf.len() > 10_000, "a {}-byte PDF is too small", pdf.len());
    let text = pdf_text(&work.path().join("report.pdf"));
    for expected in [
        "Calls in 2024",
        "Summary",
        "Inspection and accountability",
        "Calls per month",
        "North West",
        "Themes by setting",
        "fewer than 5",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected:?}:\n{text}");
    }
    // It is printed on A4, over more than one page.
    let info = Command::new("pdfinfo")
        .arg(work.path().join("report.pdf"))
        .output()
        .expect("pdfinfo (poppler-utils, installed by scripts/test.sh)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "{info}");
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(pages >= 2, "{info}");
}

#[test]
fn report_formats_agree_under_suppression() {
    let store = synthetic_store(400);
    let run = |format: &str| {
        let out = store.cli(
            &[
                "report",
                "--year",
                "2024",
                "--format",
                format,
                "--suppress-below",
                "10",
            ],
            &[PASS],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["suppress_below"], 10);
    let total = json["total_calls"].as_u64().unwrap();
    // Each breakdown sums to the total when nothing in it is withheld, and
    // never has exactly one withheld cell.
    for table in [
        "risk",
        "by_role",
        "by_setting",
        "by_employer",
        "by_region",
        "by_caller_type",
        "by_month",
    ] {
        let cells = json[table].as_array().unwrap();
        let withheld: Vec<&serde_json::Value> =
            cells.iter().filter(|c| c["suppressed"] == true).collect();
        assert_ne!(withheld.len(), 1, "{table}");
        for cell in &withheld {
            assert!(cell["calls"].is_null(), "{table}: {cell}");
        }
        if withheld.is_empty() {
            let sum: u64 = cells.iter().map(|c| c["calls"].as_u64().unwrap()).sum();
            assert_eq!(sum, total, "{table}");
        }
        for cell in cells.iter().filter(|c| c["suppressed"] == false) {
            let n = cell["calls"].as_u64().unwrap();
            assert!(n == 0 || n >= 10, "{table}: {cell}");
        }
    }
    assert_eq!(json["by_month"].as_array().unwrap().len(), 12);
    assert_eq!(json["by_month"][0]["id"], "2024-01");
    let csv = run("csv");
    assert!(csv.starts_with("table,row,column,value,previous\n"));
    assert!(csv.contains("\nby_month,2024-01,calls,"));
    assert!(csv.contains("\ncategories_by_setting,inspection,primary,"));
    let withheld_in_json = json["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["suppressed"] == true)
        .count();
    let withheld_in_csv = csv
        .lines()
        .filter(|l| l.starts_with("by_region,"))
        .filter(|l| l.split(',').nth(3) == Some("fewer than 10"))
        .count();
    assert_eq!(withheld_in_csv, withheld_in_json);
}

#[test]
fn fail_suppress_below_must_be_at_least_two() {
    let store = synthetic_store(10);
    for k in ["0", "1", "-3", "many"] {
        let out = store.cli(
            &["report", "--year", "2024", "--suppress-below", k],
            &[PASS],
        );
        assert_eq!(out.status.code(), Some(2), "k {k}: {}", stderr(&out));
    }
}

#[test]
fn fail_an_unwritable_output_names_the_file() {
    let store = synthetic_store(10);
    let out = store.cli(
        &[
            "report",
            "--year",
            "2024",
            "--format",
            "html",
            "-o",
            "/nonexistent-folder/report.html",
        ],
        &[PASS],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/nonexistent-folder/report.html"),
        "{}",
        stderr(&out)
    );
}
