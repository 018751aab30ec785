//! The plaintext baseline the sealed store is measured against: the schema,
//! pragmas and inserts a competent engineer would write with no
//! encryption. Shared by `benches/vault.rs` and `examples/log_profile.rs`
//! so the profiler sees exactly the baseline the benchmark reports.

use std::path::Path;
use std::time::Duration;

use quietline::model::NewCall;
use quietline::period::{DEFAULT_TIME_ZONE, LocalMonth};
use quietline::themes::ThemeList;
use rusqlite::{Connection, params};

/// A month number that orders correctly: year * 12 + month - 1.
pub fn month_number(m: LocalMonth) -> i64 {
    i64::from(m.year) * 12 + i64::from(m.month) - 1
}

/// Exactly the pragmas `src/store/schema.rs` gives every store connection,
/// so the baseline pays for the same durability and the same overwriting of
/// deleted data.
pub fn plain_pragmas(conn: &Connection) {
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    conn.pragma_update(None, "temp_store", "MEMORY").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .unwrap();
}

/// The plaintext schema a competent engineer would write: normalised
/// calls and call_themes, with covering indexes on the month.
pub fn plain_store(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    plain_pragmas(&conn);
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
    )
    .unwrap();
    conn
}

pub fn plain_insert(conn: &Connection, themes: &ThemeList, id: i64, call: &NewCall) {
    let f = &call.facts;
    let month = month_number(LocalMonth::of(f.started_at, DEFAULT_TIME_ZONE));
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

pub fn plain_fill(conn: &mut Connection, themes: &ThemeList, calls: &[NewCall]) {
    let tx = conn.transaction().unwrap();
    for (i, call) in calls.iter().enumerate() {
        plain_insert(&tx, themes, i as i64, call);
    }
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE").unwrap();
}
