//! Return files on disk: read with the size limit checked first, written
//! whole or not at all, and never over an existing file.

use std::io::{Read, Write};
use std::path::Path;

use super::{MAX_RETURN_BYTES, ReturnError};

/// Reads a return file, refusing one larger than any return before reading it.
pub fn read_return_file(path: &Path) -> Result<Vec<u8>, ReturnError> {
    let io = |source| ReturnError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.len() > MAX_RETURN_BYTES {
        return Err(ReturnError::TooLarge);
    }
    let mut bytes = Vec::new();
    // The file could grow between the check and the read.
    file.take(MAX_RETURN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_RETURN_BYTES {
        return Err(ReturnError::TooLarge);
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// then claims the name with a hard link, which fails if it is taken: an
/// existing file is never replaced. Falls back to check-then-rename where
/// the file system has no hard links.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), ReturnError> {
    let io = |source| ReturnError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.exists() {
        return Err(ReturnError::Exists(path.to_path_buf()));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, mut file) = crate::report::new_temp_file(folder).map_err(io)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io)
        .and_then(|()| {
            drop(file);
            match std::fs::hard_link(&temp, path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(ReturnError::Exists(path.to_path_buf()))
                }
                Err(_) if !path.exists() => std::fs::rename(&temp, path).map_err(io),
                Err(e) => Err(io(e)),
            }
        });
    let _ = std::fs::remove_file(&temp);
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_and_an_existing_one_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.qlreturn");
        write_new_file(&path, b"first").unwrap();
        assert!(matches!(
            write_new_file(&path, b"second"),
            Err(ReturnError::Exists(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(read_return_file(&path).unwrap(), b"first");
    }

    #[test]
    fn an_oversized_file_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.qlreturn");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_RETURN_BYTES + 1).unwrap();
        assert!(matches!(
            read_return_file(&path),
            Err(ReturnError::TooLarge)
        ));
    }
}
