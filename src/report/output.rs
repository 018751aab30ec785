//! Where report files are written: whole or not at all.

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
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
