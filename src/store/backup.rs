//! Backup files: one file holding a consistent copy of the whole store,
//! still sealed under the same data key, so the passphrase or the recovery
//! key opens it and nothing else does.
//!
//! ```text
//! QUIETLINE BACKUP\n
//! {"format":1,"made_at":"2026-12-02T10:00:00Z","store_id":"…","length":N,"sha256":"…","code":"…"}\n
//! the SQLite database, exactly N bytes
//! ```
//!
//! The body is made with `VACUUM INTO`: a consistent snapshot even while
//! the app or the CLI writes, and with no free pages, so nothing deleted
//! before the backup lingers in it. The header's SHA-256 names a damaged
//! file as damaged before any passphrase is tried; its `code` (keyed by the
//! data key) proves, once unlocked, that the header belongs to the body.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::schema::{self, DB_FILE};
use super::{StoreError, Vault, read_store_id};
use crate::crypto::{DataKey, Passphrase, RecoveryKey, digest_reader};
use crate::files::{self, IfTaken};
use crate::model::CallId;

/// What a backup file's name ends with.
pub const BACKUP_EXTENSION: &str = "qlbackup";
/// The backup file format this build writes and reads.
pub const BACKUP_FORMAT: u32 = 1;

const MAGIC: &[u8] = b"QUIETLINE BACKUP\n";
/// A header longer than this is not one of ours.
const MAX_HEADER: u64 = 4096;

#[derive(Serialize, Deserialize)]
struct HeaderLine {
    format: u32,
    made_at: DateTime<Utc>,
    store_id: String,
    length: u64,
    sha256: String,
    code: String,
}

/// What a backup file says about itself, read without any key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupHeader {
    pub made_at: DateTime<Utc>,
    pub store_id: Vec<u8>,
    /// The database's length in bytes.
    pub length: u64,
    sha256: [u8; 32],
    code: Vec<u8>,
    /// Where the database starts in the file.
    offset: u64,
}

impl BackupHeader {
    fn coded_parts(&self) -> [Vec<u8>; 5] {
        [
            MAGIC.to_vec(),
            BACKUP_FORMAT.to_be_bytes().to_vec(),
            self.made_at.to_rfc3339().into_bytes(),
            self.store_id.clone(),
            [self.length.to_be_bytes().as_slice(), self.sha256.as_slice()].concat(),
        ]
    }
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads and checks the header of the backup file at `path`.
pub fn read_header(path: &Path) -> Result<BackupHeader, StoreError> {
    let io = io_at(path);
    let file = File::open(path).map_err(&io)?;
    let size = file.metadata().map_err(&io)?.len();
    let mut reader = BufReader::new(file.take(MAGIC.len() as u64 + MAX_HEADER));
    let mut magic = vec![0u8; MAGIC.len()];
    if reader.read_exact(&mut magic).is_err() || magic != MAGIC {
        return Err(StoreError::NotABackup);
    }
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(&io)?;
    if line.last() != Some(&b'\n') {
        return Err(StoreError::NotABackup);
    }
    let offset = (MAGIC.len() + line.len()) as u64;
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let format: Format = serde_json::from_slice(&line).map_err(|_| StoreError::DamagedBackup)?;
    if format.format != BACKUP_FORMAT {
        return Err(StoreError::NewerBackup(format.format));
    }
    let header: HeaderLine =
        serde_json::from_slice(&line).map_err(|_| StoreError::DamagedBackup)?;
    let decode = |hex: &str| data_encoding::HEXLOWER.decode(hex.as_bytes()).ok();
    let (Some(store_id), Some(sha256), Some(code)) = (
        decode(&header.store_id),
        decode(&header.sha256).and_then(|s| <[u8; 32]>::try_from(s).ok()),
        decode(&header.code),
    ) else {
        return Err(StoreError::DamagedBackup);
    };
    if size != offset.saturating_add(header.length) {
        return Err(StoreError::DamagedBackup);
    }
    Ok(BackupHeader {
        made_at: header.made_at,
        store_id,
        length: header.length,
        sha256,
        code,
        offset,
    })
}

/// Copies the database out of the backup at `path` into a new store file
/// in `dir` (created 0700 if need be), checking it against the header's
/// digest. A file that does not match is removed and refused.
pub fn extract(path: &Path, dir: &Path) -> Result<BackupHeader, StoreError> {
    let header = read_header(path)?;
    let io = io_at(path);
    let mut source = File::open(path).map_err(&io)?;
    source.seek(SeekFrom::Start(header.offset)).map_err(&io)?;
    schema::create_dir(dir)?;
    let target = dir.join(DB_FILE);
    let out_io = io_at(&target);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&target).map_err(&out_io)?;
    let copied = (|| {
        let mut body = source.take(header.length);
        let mut tee = Tee {
            inner: &mut body,
            out: &mut out,
        };
        let digest = digest_reader(&mut tee)?;
        out.sync_all()?;
        Ok::<_, std::io::Error>(digest)
    })();
    let matches = match copied {
        Ok(digest) => digest == header.sha256,
        Err(e) => {
            let _ = std::fs::remove_file(&target);
            return Err(out_io(e));
        }
    };
    let long_enough = out
        .metadata()
        .map(|m| m.len() == header.length)
        .unwrap_or(false);
    if !matches || !long_enough {
        drop(out);
        let _ = std::fs::remove_file(&target);
        return Err(StoreError::DamagedBackup);
    }
    drop(out);
    // A copy made by VACUUM INTO is in rollback-journal mode; the store
    // works in WAL mode, which the file remembers.
    let conn = rusqlite::Connection::open(&target)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    drop(conn);
    Ok(header)
}

/// Writes what it reads to `out` as well.
struct Tee<'a, R: Read> {
    inner: &'a mut R,
    out: &'a mut File,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// A hidden, unique folder next to `near` for a store being checked or
/// staged, named so that whoever finds one left by a crash can tell.
pub fn scratch_dir(near: &Path, purpose: &str) -> Result<PathBuf, StoreError> {
    let random: [u8; 6] = crate::crypto::random_bytes()?;
    Ok(near.join(format!(
        ".quietline-{purpose}-{}",
        data_encoding::HEXLOWER.encode(&random)
    )))
}

/// Removes a scratch folder and what is in it; nothing it holds is
/// readable without the key, so a failure here is not worth reporting.
pub fn remove_scratch(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Scratch folders and unfinished files left in `dir` by a process killed
/// mid-way (an hour old or more, so never another process's work in
/// progress) are removed.
pub fn remove_stale_scratch(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with(".quietline-")
            || (name.starts_with('.') && name.contains(".qlbackup.") && name.ends_with(".partial"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= hour);
        if ours && old {
            let path = entry.path();
            if path.is_dir() {
                remove_scratch(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

impl Vault {
    /// Writes a backup of this store to `target`, made at `made_at`: a
    /// consistent copy is taken, every record in the copy is opened, and
    /// only then does the file take its name (never over another file
    /// unless `if_taken` says so). Returns the path written.
    pub fn write_backup(
        &self,
        target: &Path,
        made_at: DateTime<Utc>,
        if_taken: IfTaken,
    ) -> Result<PathBuf, StoreError> {
        remove_stale_scratch(&self.dir);
        if let Some(folder) = target.parent() {
            remove_stale_scratch(folder);
        }
        let scratch = scratch_dir(&self.dir, "backup")?;
        let written = self.write_backup_via(&scratch, target, made_at, if_taken);
        remove_scratch(&scratch);
        written
    }

    fn write_backup_via(
        &self,
        scratch: &Path,
        target: &Path,
        made_at: DateTime<Utc>,
        if_taken: IfTaken,
    ) -> Result<PathBuf, StoreError> {
        schema::create_dir(scratch)?;
        let copy = scratch.join(DB_FILE);
        let copy_name = copy.to_str().ok_or_else(|| StoreError::Io {
            path: copy.clone(),
            source: std::io::Error::other("the store's folder name is not valid text"),
        })?;
        self.conn.execute("VACUUM INTO ?1", [copy_name])?;
        // The copy must open as this store and hold only sound records.
        Vault::open_copy(scratch, self.keys.data.duplicate(), &self.store_id)?
            .check_every_record()?;
        let io = io_at(&copy);
        let length = std::fs::metadata(&copy).map_err(&io)?.len();
        let sha256 = digest_reader(File::open(&copy).map_err(&io)?).map_err(&io)?;
        let mut header = BackupHeader {
            made_at,
            store_id: self.store_id.clone(),
            length,
            sha256,
            code: Vec::new(),
            offset: 0,
        };
        header.code = self.code_of(&header).to_vec();
        let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
        let mut line = serde_json::to_vec(&HeaderLine {
            format: BACKUP_FORMAT,
            made_at,
            store_id: hex(&header.store_id),
            length,
            sha256: hex(&sha256),
            code: hex(&header.code),
        })
        .map_err(|e| StoreError::Io {
            path: target.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        files::write_checked(
            target,
            if_taken,
            |file| {
                file.write_all(MAGIC)?;
                file.write_all(&line)?;
                std::io::copy(&mut File::open(&copy)?, file)?;
                Ok(())
            },
            |written| {
                // What reached the disk is what was copied.
                let on_disk = read_header(written).map_err(std::io::Error::other)?;
                let mut file = File::open(written)?;
                file.seek(SeekFrom::Start(on_disk.offset))?;
                if digest_reader(file.take(on_disk.length))? != sha256 {
                    return Err(std::io::Error::other(
                        "the backup did not read back as written",
                    ));
                }
                Ok(())
            },
        )
        .map_err(io_at(target))
    }

    fn code_of(&self, header: &BackupHeader) -> [u8; 32] {
        let parts = header.coded_parts();
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        self.keys.data.backup_key().code(&parts)
    }

    /// Whether `header` was written by this store's key for the body this
    /// vault was restored from.
    pub fn header_is_genuine(&self, header: &BackupHeader) -> bool {
        let parts = header.coded_parts();
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        header.store_id == self.store_id && self.keys.data.backup_key().verify(&parts, &header.code)
    }

    /// Opens a copy of a store in `dir` with a data key already unwrapped
    /// (a backup of this same store): refused unless it is the store
    /// `store_id` and its settings open under the key.
    pub(super) fn open_copy(
        dir: &Path,
        data_key: DataKey,
        store_id: &[u8],
    ) -> Result<Vault, StoreError> {
        let conn = schema::open_file(dir)?;
        let id = read_store_id(&conn)?;
        if id != store_id {
            return Err(StoreError::ForeignBackup);
        }
        Vault::unlocked(conn, dir, id, data_key)
    }

    /// Opens the backup at `path` as a copy of this store, in a scratch
    /// folder beside the backup, and lets `change` read or rewrite it. Its
    /// header must be genuine; a rewritten copy has every record opened
    /// before it replaces the old file, so damage never spreads. When `change` says it changed something, the rewritten
    /// backup takes the old one's place (the old file is replaced only by a
    /// checked new one, in one rename); the backup keeps its time.
    pub fn with_backup<T>(
        &self,
        path: &Path,
        change: impl FnOnce(&mut Vault) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        self.open_backup(path, change)
    }

    /// Reads from the backup at `path`, a copy of this store: its header
    /// and the records `read` opens are checked.
    pub fn read_backup<T>(
        &self,
        path: &Path,
        read: impl FnOnce(&Vault) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.open_backup(path, |copy| Ok((read(copy)?, false)))
    }

    fn open_backup<T>(
        &self,
        path: &Path,
        change: impl FnOnce(&mut Vault) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let folder = path.parent().unwrap_or(Path::new("."));
        let scratch = scratch_dir(folder, "rewrite")?;
        let result = (|| {
            let header = extract(path, &scratch)?;
            let mut copy = Vault::open_copy(&scratch, self.keys.data.duplicate(), &self.store_id)?;
            if !copy.header_is_genuine(&header) {
                return Err(StoreError::DamagedBackup);
            }
            let (out, changed) = change(&mut copy)?;
            if changed {
                copy.write_backup(path, header.made_at, IfTaken::Replace)?;
            }
            Ok(out)
        })();
        remove_scratch(&scratch);
        result
    }

    /// This store's identity (not secret: backups carry it in the clear,
    /// so that a folder shared by two stores rotates each one's own).
    pub fn store_id(&self) -> &[u8] {
        &self.store_id
    }

    /// Which of `ids` this store holds a call of.
    pub fn holds_any(&self, ids: &[CallId]) -> Result<Vec<CallId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM calls WHERE id = ?1")?;
        let mut found = Vec::new();
        for id in ids {
            if stmt.exists([id.as_bytes().as_slice()])? {
                found.push(*id);
            }
        }
        Ok(found)
    }

    /// Erases the calls of `ids` that this copy of the store holds (a
    /// backup being rewritten, or a store just restored), recording the
    /// erasures but leaving nothing pending. Returns how many it held.
    pub fn erase_from_copy(
        &mut self,
        ids: &[CallId],
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        let present = self.holds_any(ids)?;
        for id in &present {
            self.delete_and_record(*id, today, false, None)?;
        }
        Ok(present.len())
    }
}

/// How a backup being restored is unlocked.
pub enum Restore<'a> {
    Passphrase(&'a Passphrase),
    /// With the recovery key, and the passphrase to set from now on.
    RecoveryKey(&'a RecoveryKey, &'a Passphrase),
}

/// A backup unpacked, unlocked and checked beside the store folder, not yet
/// in use: look at what it holds, then [`adopt`](StagedRestore::adopt) it
/// or drop it (which removes it).
pub struct StagedRestore {
    vault: Option<Vault>,
    header: BackupHeader,
    staging: PathBuf,
    store_dir: PathBuf,
}

impl StagedRestore {
    /// Unpacks the backup at `file` into a hidden folder inside
    /// `store_dir` (created, 0700, if need be), unlocks it and opens every
    /// record. The store folder's own store is not touched.
    pub fn stage(file: &Path, store_dir: &Path, unlock: Restore<'_>) -> Result<Self, StoreError> {
        // `extract` reads the header before it creates any folder.
        let staging = scratch_dir(store_dir, "restore")?;
        let staged = (|| {
            let header = extract(file, &staging)?;
            let vault = match unlock {
                Restore::Passphrase(passphrase) => Vault::open(&staging, passphrase)?,
                Restore::RecoveryKey(key, passphrase) => Vault::recover(&staging, key, passphrase)?,
            };
            if !vault.header_is_genuine(&header) {
                return Err(StoreError::DamagedBackup);
            }
            vault.check_every_record()?;
            Ok((vault, header))
        })();
        match staged {
            Ok((vault, header)) => Ok(StagedRestore {
                vault: Some(vault),
                header,
                staging,
                store_dir: store_dir.to_path_buf(),
            }),
            Err(e) => {
                remove_scratch(&staging);
                Err(e)
            }
        }
    }

    pub fn header(&self) -> &BackupHeader {
        &self.header
    }

    /// The unpacked store, to read from or to change before it is adopted
    /// (erasures made since the backup).
    pub fn vault_mut(&mut self) -> Result<&mut Vault, StoreError> {
        self.vault.as_mut().ok_or(StoreError::NotABackup)
    }

    /// Makes the unpacked store the store folder's store and returns it
    /// unlocked. With a store already there, nothing changes unless
    /// `replace` (the volunteer typed the confirmation); then the old store
    /// is first brought whole into its file and the new one takes its
    /// name in one rename, so a crash leaves one or the other, never
    /// neither.
    pub fn adopt(mut self, replace: bool) -> Result<Vault, StoreError> {
        let vault = self.vault.take().ok_or(StoreError::NotABackup)?;
        let target = self.store_dir.join(DB_FILE);
        if target.exists() && !replace {
            return Err(StoreError::AlreadyExists(self.store_dir.clone()));
        }
        vault.checkpoint()?;
        let key = vault.keys.data.duplicate();
        let store_id = vault.store_id.clone();
        drop(vault);
        if target.exists() {
            let old = rusqlite::Connection::open(&target)?;
            old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            drop(old);
        }
        let io = io_at(&target);
        std::fs::rename(self.staging.join(DB_FILE), &target).map_err(&io)?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(self.store_dir.join(format!("{DB_FILE}{suffix}")));
        }
        remove_scratch(&self.staging);
        Vault::open_copy(&self.store_dir, key, &store_id)
    }
}

impl Drop for StagedRestore {
    fn drop(&mut self) {
        drop(self.vault.take());
        remove_scratch(&self.staging);
    }
}
