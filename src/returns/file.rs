//! Return files on disk: read with the size limit checked first, written
//! whole or not at all, and never over an existing file.

use std::path::Path;

use super::{MAX_RETURN_BYTES, ReturnError};
use crate::files::{IfTaken, read_at_most, write_whole};

/// Reads a return file, refusing one larger than any return before reading it.
pub fn read_return_file(path: &Path) -> Result<Vec<u8>, ReturnError> {
    read_at_most(path, MAX_RETURN_BYTES)
        .map_err(|source| ReturnError::Io {
            path: path.to_path_buf(),
            source,
        })?
        .ok_or(ReturnError::TooLarge)
}

/// Writes `bytes` to `path` whole, never over an existing file.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), ReturnError> {
    write_whole(path, bytes, IfTaken::Refuse)
        .map(drop)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ReturnError::Exists(path.to_path_buf()),
            _ => ReturnError::Io {
                path: path.to_path_buf(),
                source,
            },
        })
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
