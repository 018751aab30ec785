//! The SQLite file: how it is created, the pragmas every connection uses,
//! and the embedded migrations.
//!
//! Only ids, versions, wrapped keys, KDF parameters and one keyed period tag
//! per call are stored in plaintext; every other byte of a call is inside a
//! sealed blob. Tables are keyed by random ids (`WITHOUT ROWID`, or for
//! report pages a random rowid) so that row order does not reveal the order
//! calls were logged in.

use std::fs::OpenOptions;
use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::StoreError;

/// The store format: bumped only for changes an older Quietline cannot read.
pub const STORE_FORMAT: i64 = 1;
/// The record schema version, bound into every sealed record's associated data.
pub const SCHEMA_VERSION: u32 = 1;

/// Embedded migrations, applied in order, each in its own transaction and
/// recorded in `schema_migrations`. Never edit one that has shipped: add another.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE key_slots (
    slot        TEXT PRIMARY KEY,
    salt        BLOB NOT NULL,
    memory_kib  INTEGER NOT NULL,
    iterations  INTEGER NOT NULL,
    parallelism INTEGER NOT NULL,
    wrapped     BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;

-- Clustered by the keyed month tag, so a report reads one contiguous range
-- per month and never touches other years' records.
CREATE TABLE calls (
    period_tag BLOB NOT NULL,
    id         BLOB NOT NULL,
    version    INTEGER NOT NULL,
    sealed     BLOB NOT NULL,
    PRIMARY KEY (period_tag, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX calls_by_id ON calls (id);

-- Notes and safeguarding steps, sealed apart from the facts so that lists
-- and reports never decrypt them.
CREATE TABLE call_details (
    id      BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;
"#,
    r#"
-- Compact sealed copies of what the report counts, up to 64 calls a page,
-- so a report opens a few hundred pages rather than every call's record.
-- Filled from the calls after unlocking (the key is needed), hence the flag.
CREATE TABLE report_pages (
    period_tag BLOB NOT NULL,
    page       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    sealed     BLOB NOT NULL,
    PRIMARY KEY (period_tag, page)
) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('report_pages_built', 0);
"#,
    r#"
-- Report pages move to a rowid table. A sealed page is about 3 KB; a
-- WITHOUT ROWID table keeps at most about 1 KB of a row on its leaf and the
-- rest in overflow pages, so every rewrite of a page (one per logged call)
-- freed and reallocated overflow pages and touched the freelist and page 1:
-- about 3.7 pages written per commit. A rowid table keeps rows of up to
-- about 4 KB on the leaf, so a rewrite touches one page. Row ids are random
-- (see pages.rs) so that they do not reveal the order pages were made.
-- Pages are derived data: dropped here, rebuilt from the calls at unlock.
DROP TABLE report_pages;
CREATE TABLE report_pages (
    id         INTEGER PRIMARY KEY,
    period_tag BLOB NOT NULL,
    page       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    sealed     BLOB NOT NULL
);
CREATE UNIQUE INDEX report_pages_by_month ON report_pages (period_tag, page);
UPDATE meta SET value = 0 WHERE name = 'report_pages_built';
"#,
    r#"
-- Coordinator returns. A volunteer's store keeps the export ids of calls
-- deleted after it made a return, so the next return erases them too.
CREATE TABLE deleted_calls (
    id      BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;

-- A coordinator's store keeps the volunteers it trusts, the returns it has
-- merged and the calls they carried. Row ids are keyed hashes (of the
-- signer's key, the return id, the call's export id), so the same return
-- finds the same rows and the ids reveal nothing without the key. Merged
-- calls are filed under the keyed month tag, like the store's own calls.
CREATE TABLE volunteers (
    id      BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE merged_returns (
    id      BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE merged_calls (
    period_tag BLOB NOT NULL,
    id         BLOB NOT NULL,
    version    INTEGER NOT NULL,
    sealed     BLOB NOT NULL,
    PRIMARY KEY (period_tag, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX merged_calls_by_id ON merged_calls (id);
"#,
    r#"
-- The activity record (see activity.rs): one sealed entry per thing done
-- with the log, keyed by its sequence number (8 bytes, big endian) and
-- chained to the entry before by a hash inside the sealed bytes.
CREATE TABLE activity (
    id      BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL
) WITHOUT ROWID;
"#,
    r#"
-- A coordinator's merged calls packed into sealed pages by month, as the
-- store's own calls are into report pages (see merged_pages.rs), so a
-- report opens a few hundred pages rather than every merged call. Random
-- row ids, as for report pages. Filled from the merged calls after
-- unlocking (the key is needed), hence the flag.
CREATE TABLE merged_pages (
    id         INTEGER PRIMARY KEY,
    period_tag BLOB NOT NULL,
    page       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    sealed     BLOB NOT NULL
);
CREATE UNIQUE INDEX merged_pages_by_month ON merged_pages (period_tag, page);
INSERT INTO meta (name, value) VALUES ('merged_pages_built', 0);
"#,
];

pub const DB_FILE: &str = "quietline.db";

/// Creates the store directory (0700) and an empty database file (0600)
/// before SQLite opens it: SQLite gives its WAL and shared-memory files the
/// same permissions as the database file.
pub fn create_file(dir: &Path) -> Result<Connection, StoreError> {
    create_dir(dir)?;
    let path = dir.join(DB_FILE);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(&path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => StoreError::AlreadyExists(dir.to_path_buf()),
        _ => StoreError::Io {
            path: path.clone(),
            source,
        },
    })?;
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    // WAL is persistent in the file header, so it is set once, here.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    configure(&conn)?;
    Ok(conn)
}

/// Creates `dir` (and its parents) readable by this user only, if it is
/// not there yet.
pub fn create_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Opens an existing store without creating anything and without writing:
/// a failed unlock must leave every byte of the store as it was.
pub fn open_file(dir: &Path) -> Result<Connection, StoreError> {
    let path = dir.join(DB_FILE);
    if !path.is_file() {
        return Err(StoreError::NotFound(dir.to_path_buf()));
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    configure(&conn)?;
    Ok(conn)
}

/// Makes an existing store directory readable by this user only (0700),
/// as it was created: a folder opened up by a copy, a restore from a USB
/// stick or a careless `chmod` would otherwise let other users of the
/// laptop read the store file's size and times, and the backups' names.
/// Returns what to warn about when it could not be done; nothing else
/// stops the store opening.
pub fn tighten_dir(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(dir) {
            Ok(meta) => meta.permissions().mode() & 0o777,
            Err(e) => {
                return Some(format!(
                    "could not check who may open {}: {e}",
                    dir.display()
                ));
            }
        };
        if mode & 0o077 != 0 {
            let tightened = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            if let Err(e) = tightened {
                return Some(format!(
                    "other users of this computer may open {} (its permissions are {mode:o}) and it \
                     could not be changed to 700: {e}",
                    dir.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    None
}

/// Per-connection settings; none of them writes to the file.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Deleted records are overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Sorting and temporary tables never spill decrypted-adjacent data to disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Plans must not depend on bound values. Otherwise SQLite marks a
    // statement such as `... WHERE period_tag = ?1 ORDER BY page DESC` as
    // worth re-planning for new values, and rusqlite's statement cache
    // (which clears bindings on return) makes it re-prepare on every use:
    // about 35,000 instructions, a tenth of logging a call. The store keeps
    // no statistics for values to matter anyway.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Reads the store format without writing; refuses files that are not a
/// Quietline store or come from a newer version.
pub fn check_format(conn: &Connection) -> Result<(), StoreError> {
    let has_meta: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if !has_meta {
        return Err(StoreError::NotAStore);
    }
    let format: Option<i64> = conn
        .query_row("SELECT value FROM meta WHERE name = 'format'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match format {
        Some(STORE_FORMAT) => Ok(()),
        Some(found) if found > STORE_FORMAT => Err(StoreError::UnsupportedFormat { found }),
        _ => Err(StoreError::NotAStore),
    }
}

/// Applies any migrations this build has that the file lacks.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
    )?;
    let applied: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    if applied > MIGRATIONS.len() as i64 {
        return Err(StoreError::UnsupportedFormat { found: applied });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES (?1)",
            params![index as i64 + 1],
        )?;
        tx.commit()?;
    }
    Ok(())
}
