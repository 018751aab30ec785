//! Writing a whole file: reports, returns and CSV exports all go through
//! [`write_whole`], so a failed write never leaves half a file under a name
//! a reader would open, and a file already there is replaced only when the
//! caller says so.
//!
//! A leaf: it knows nothing of calls, reports or returns, and must never
//! hold file contents anywhere but the file being written.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// What to do when the file's name is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfTaken {
    /// Put the new file in its place (`quietline report -o`).
    Replace,
    /// Write nothing and fail with [`ErrorKind::AlreadyExists`].
    Refuse,
    /// Use the first free name of `name (2).ext`, `name (3).ext`, …
    AddNumber,
}

/// How many numbered names [`IfTaken::AddNumber`] tries before giving up.
const MAX_NUMBERED: usize = 1000;

/// Reads a whole file of at most `max` bytes; `None` when it is larger,
/// found from its size before reading and, should it grow meanwhile, by
/// never reading more than one byte past `max`.
pub fn read_at_most(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    if file.metadata()?.len() > max {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Writes `bytes` as a whole new file at `target` and returns the path
/// written (another name only with [`IfTaken::AddNumber`]). The bytes go to
/// a hidden temporary file in the same folder first, named after the file
/// being written, and take the real name only once they are all on disk.
pub fn write_whole(target: &Path, bytes: &[u8], if_taken: IfTaken) -> std::io::Result<PathBuf> {
    write_checked(target, if_taken, |file| file.write_all(bytes), |_| Ok(()))
}

/// Like [`write_whole`], with the bytes written by `write` (streamed, for
/// files too large to hold in memory) and the finished temporary file
/// passed to `check` before it takes its name: a file that fails the
/// check never appears under the name.
pub fn write_checked(
    target: &Path,
    if_taken: IfTaken,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
    check: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<PathBuf> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, mut file) = new_temp_file(folder, target)?;
    let written = write(&mut file)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            check(&temp)
        })
        .and_then(|()| match if_taken {
            IfTaken::Replace => std::fs::rename(&temp, target).map(|()| target.to_path_buf()),
            IfTaken::Refuse => claim_first_free(&temp, [target.to_path_buf()]),
            IfTaken::AddNumber => claim_first_free(&temp, numbered(target).take(MAX_NUMBERED)),
        });
    // The temporary name is gone after a rename, and a spare link after a
    // hard link; either way nothing of it should remain.
    let _ = std::fs::remove_file(&temp);
    written
}

/// A new, uniquely named hidden file in `folder` for the bytes of `target`
/// (`.quietline-return-2024-25.qlreturn.1234-0.partial`), so whoever finds
/// one left by a crash can tell what it was.
fn new_temp_file(folder: &Path, target: &Path) -> std::io::Result<(PathBuf, File)> {
    // Short enough that the added parts keep it within a file name's limit.
    let name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(100).collect())
        .unwrap_or_else(|| "quietline".to_string());
    let mut attempt = 0u32;
    loop {
        let path = folder.join(format!(".{name}.{}-{attempt}.partial", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        // Whatever Quietline writes is for this user only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Gives `temp` the first of `names` that is free, never replacing a file.
/// A hard link fails when the name is taken, so checking and claiming a
/// name is one step; on file systems without hard links (FAT, some network
/// shares) it falls back to checking, then renaming. When every name is
/// taken the error is `AlreadyExists`.
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

/// `name.ext`, `name (2).ext`, `name (3).ext`, …
fn numbered(target: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..).map(move |n| {
        if n == 1 {
            target.to_path_buf()
        } else {
            target.with_file_name(format!("{stem} ({n}){extension}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports, returns, exported profiles and backups are this user's
    /// alone, whatever the umask.
    #[cfg(unix)]
    #[test]
    fn every_file_written_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for if_taken in [IfTaken::Refuse, IfTaken::Replace, IfTaken::AddNumber] {
            let target = dir.path().join("report.html");
            let written = write_whole(&target, b"synthetic", if_taken).unwrap();
            let mode = std::fs::metadata(&written).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", written.display());
        }
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        let names: Vec<PathBuf> = numbered(Path::new("/r/report-2024.html")).take(3).collect();
        assert_eq!(
            names,
            [
                PathBuf::from("/r/report-2024.html"),
                PathBuf::from("/r/report-2024 (2).html"),
                PathBuf::from("/r/report-2024 (3).html"),
            ]
        );
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn each_way_of_meeting_a_taken_name_leaves_only_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        assert_eq!(write_whole(&path, b"one", IfTaken::Refuse).unwrap(), path);
        let refused = write_whole(&path, b"two", IfTaken::Refuse).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let numbered = write_whole(&path, b"three", IfTaken::AddNumber).unwrap();
        assert_eq!(numbered, dir.path().join("a (2).csv"));
        assert_eq!(std::fs::read(&numbered).unwrap(), b"three");
        write_whole(&path, b"four", IfTaken::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"four");
        assert_eq!(
            names_in(dir.path()),
            ["a (2).csv", "a.csv"],
            "no temporary file left"
        );
    }

    #[test]
    fn the_temporary_file_is_named_for_the_file_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("quietline-return-2024-25.qlreturn");
        let (temp, _file) = new_temp_file(dir.path(), &target).unwrap();
        let name = temp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".quietline-return-2024-25.qlreturn."),
            "{name}"
        );
        assert!(!name.contains("report"), "{name}");
    }

    #[test]
    fn a_missing_folder_fails_without_writing_anything() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no-such-folder").join("a.html");
        for if_taken in [IfTaken::Replace, IfTaken::Refuse, IfTaken::AddNumber] {
            let e = write_whole(&target, b"x", if_taken).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::NotFound);
        }
        assert!(names_in(dir.path()).is_empty());
    }
}
