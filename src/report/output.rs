//! Where report and return files are written: whole or not at all.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// A new, uniquely named hidden file in `folder`, to write a report into
/// before it takes its real name, so a failed write never leaves half a
/// report where a reader would find it.
pub fn new_temp_file(folder: &Path) -> std::io::Result<(PathBuf, File)> {
    let mut attempt = 0u32;
    loop {
        let path = folder.join(format!(
            ".quietline-report-{}-{attempt}.tmp",
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Writes `bytes` under the first of `names` that is free, never over an
/// existing file, and returns the name used. The bytes go to a temporary
/// file in `folder` first, so a failure never leaves half a file under a
/// real name. A hard link fails when the name is taken, so checking and
/// claiming a name is one step; on file systems without hard links (FAT,
/// some network shares) it falls back to checking, then renaming. When
/// every name is taken the error is `AlreadyExists`.
pub fn write_under_new_name(
    folder: &Path,
    names: impl IntoIterator<Item = PathBuf>,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    let (temp, mut file) = new_temp_file(folder)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            claim_first_free(&temp, names)
        });
    // The temporary name is gone after a rename, and a spare link after a
    // hard link; either way nothing of it should remain.
    let _ = std::fs::remove_file(&temp);
    written
}

fn claim_first_free(
    temp: &Path,
    names: impl IntoIterator<Item = PathBuf>,
) -> std::io::Result<PathBuf> {
    for candidate in names {
        match std::fs::hard_link(temp, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(_) if !candidate.exists() => {
                std::fs::rename(temp, &candidate)?;
                return Ok(candidate);
            }
            Err(_) => continue,
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "every name for this file is already taken",
    ))
}
