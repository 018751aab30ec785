//! The coordinators' Report screen end to end on a real store: the view
//! shows the library's numbers, suppression leaves no small number on
//! screen, and saving writes the edited narrative without ever replacing a
//! file.

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::{ErrorCode, ExportFormat, ReportRequest, ReportView, Session};
use quietline::model::Field;
use quietline::period::Period;
use quietline::report::{ColumnKind, Report, Shown};

use crate::support::{PASSPHRASE, TempStore};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
}

/// A session over a store of synthetic calls in 2023 and 2024.
fn session_with_calls(store: &TempStore) -> Session {
    let (mut vault, _) = store.create();
    let mut batch = vault.begin_import(now()).unwrap();
    for call in quietline::synth::SyntheticCalls::new(5, 2023, 2).take(600) {
        batch.add(&call).unwrap();
    }
    batch.commit().unwrap();
    drop(vault);
    Session::unlock(&store.dir, PASSPHRASE).unwrap()
}

fn request(suppress_below: u32) -> ReportRequest {
    ReportRequest {
        year: 2024,
        academic: false,
        suppress_below,
    }
}

/// Every count the screen shows, with where it is shown.
fn shown_counts(view: &ReportView) -> Vec<(String, &Shown)> {
    let mut out = Vec::new();
    for figure in &view.layout.key_figures {
        // Minutes and the median are lengths, not counts of callers.
        if !figure.id.contains("minutes") {
            out.push((figure.label.clone(), &figure.now));
            out.push((figure.label.clone(), &figure.before));
        }
    }
    // Every table, the categories by setting included; changes and shares
    // are not counts.
    for table in view.layout.tables() {
        for row in &table.rows {
            for (column, cell) in table.columns.iter().zip(&row.cells) {
                if column.kind == ColumnKind::Count {
                    out.push((format!("{}: {}", table.caption, row.label), cell));
                }
            }
        }
    }
    out
}

#[test]
fn the_screen_shows_the_librarys_numbers() {
    let store = TempStore::new();
    let session = session_with_calls(&store);
    let view = session.report(&request(0)).unwrap();

    let vault = store.open();
    let report = Report::for_vault(&vault, Period::calendar(2024).unwrap()).unwrap();
    let total = &view.layout.key_figures[0];
    assert_eq!(total.id, "total_calls");
    let calls = report.total_calls.unwrap();
    assert!(calls > 250, "{calls}");
    assert_eq!(total.now.text.replace(',', ""), calls.to_string());
    assert_eq!(view.layout.title, "Calls in 2024");
    assert_eq!(view.layout.narrative, report.narrative);
    assert!(view.layout.suppression_notice.is_none());
    assert!(shown_counts(&view).iter().all(|(_, s)| !s.withheld));
    let months = view.layout.table("by_month").unwrap();
    assert_eq!(months.rows.len(), 12);
    let themes = view.layout.charts().find(|c| c.id == "themes").unwrap();
    assert!(themes.svg.starts_with("<svg"));
    assert_eq!(view.file_stem, "quietline-report-2024");

    let academic = session
        .report(&ReportRequest {
            academic: true,
            ..request(0)
        })
        .unwrap();
    assert_eq!(academic.layout.period_label, "2024/25");
    assert_eq!(academic.file_stem, "quietline-report-2024-25");
}

#[test]
fn a_suppressed_report_shows_no_small_number() {
    let store = TempStore::new();
    let session = session_with_calls(&store);
    let view = session.report(&request(5)).unwrap();
    assert_eq!(view.layout.suppress_below, Some(5));
    assert_eq!(view.layout.marker, "fewer than 5");
    assert!(view.layout.suppression_notice.is_some());
    assert!(view.file_stem.ends_with("-for-publication"));

    let counts = shown_counts(&view);
    let withheld = counts.iter().filter(|(_, s)| s.withheld).count();
    assert!(withheld > 10, "600 calls leave small cells: {withheld}");
    for (place, shown) in &counts {
        if shown.withheld {
            assert_eq!(shown.text, "fewer than 5", "{place}");
        } else {
            let n: u64 = shown.text.replace(',', "").parse().unwrap();
            assert!(n == 0 || n >= 5, "{place} shows {n}");
        }
    }
}

#[test]
fn fail_a_year_out_of_range() {
    let store = TempStore::new();
    let session = session_with_calls(&store);
    let e = session
        .report(&ReportRequest {
            year: 20245,
            ..request(0)
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert_eq!(e.field, Some(Field::Year));
    assert!(e.message.contains("20245"), "{}", e.message);
}

#[test]
fn saving_writes_the_edited_narrative_and_never_replaces_a_file() {
    let store = TempStore::new();
    let mut session = session_with_calls(&store);
    let folder = tempfile::tempdir().unwrap();
    let drafted = session.report(&request(5)).unwrap().layout.narrative;
    assert!(!drafted.is_empty());
    let edited = vec![
        "Calls rose after the <inspection> season.".to_string(),
        "   ".to_string(),
        "Volunteers took more calls in the evening.".to_string(),
    ];

    let first = session
        .export_report(
            &request(5),
            &edited,
            ExportFormat::Html,
            &folder.path().display().to_string(),
        )
        .unwrap();
    let expected = folder
        .path()
        .join("quietline-report-2024-for-publication.html");
    assert_eq!(first.path, expected.display().to_string());
    let html = std::fs::read_to_string(&expected).unwrap();
    assert!(html.contains("<p>Calls rose after the &lt;inspection&gt; season.</p>"));
    assert!(html.contains("<p>Volunteers took more calls in the evening.</p>"));
    assert!(!html.contains("<p>   </p>"));
    for sentence in &drafted {
        assert!(!html.contains(sentence.as_str()), "drafted: {sentence}");
    }
    assert!(html.contains("fewer than 5"));

    // The same name again: a second file beside it, the first untouched.
    let second = session
        .export_report(
            &request(5),
            &["Another draft.".to_string()],
            ExportFormat::Html,
            &expected.display().to_string(),
        )
        .unwrap();
    assert_eq!(
        second.path,
        folder
            .path()
            .join("quietline-report-2024-for-publication (2).html")
            .display()
            .to_string()
    );
    assert_eq!(std::fs::read_to_string(&expected).unwrap(), html);

    let csv = session
        .export_report(
            &request(5),
            &edited,
            ExportFormat::Csv,
            &format!("{}/for-the-trustees", folder.path().display()),
        )
        .unwrap();
    assert!(csv.path.ends_with("/for-the-trustees.csv"), "{}", csv.path);
    let text = std::fs::read_to_string(&csv.path).unwrap();
    assert!(
        text.starts_with("table,row,column,value,previous"),
        "{text:.60}"
    );
    assert!(!text.contains("inspection> season"), "CSV has no narrative");

    let mut names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "for-the-trustees.csv",
            "quietline-report-2024-for-publication (2).html",
            "quietline-report-2024-for-publication.html",
        ],
        "no temporary file is left behind"
    );
}

#[test]
fn fail_saving_where_no_folder_is() {
    let store = TempStore::new();
    let mut session = session_with_calls(&store);
    let folder = tempfile::tempdir().unwrap();
    let a_file = folder.path().join("notes.txt");
    std::fs::write(&a_file, "synthetic").unwrap();
    for path in [
        format!("{}/missing/report.html", folder.path().display()),
        format!("{}/report.html", a_file.display()),
        "report.html".to_string(),
    ] {
        let e = session
            .export_report(&request(0), &[], ExportFormat::Html, &path)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid, "{path}");
        assert_eq!(e.field, Some(Field::Path), "{path}");
        assert!(
            e.message.contains("does not exist") || e.message.contains("not a full path"),
            "{path}: {}",
            e.message
        );
    }
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
}
