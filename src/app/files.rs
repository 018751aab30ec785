//! Saving a file the app made (a report, a return) where the volunteer
//! chose: never over a file already there (" (2)" is added instead), and
//! with a message that names what could not be saved and what to do.

use std::path::{Path, PathBuf};

use super::error::{AppError, ErrorCode};
use crate::files::{IfTaken, write_whole};
use crate::model::Field;

/// What is being saved, as the messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Saving {
    Report,
    Return,
    Profile,
}

impl Saving {
    fn noun(self) -> &'static str {
        match self {
            Saving::Report => "report",
            Saving::Return => "return",
            Saving::Profile => "profile",
        }
    }
}

/// `target` with its own extension: kept when it ends in `.{extension}`
/// (in any case), given it when it has none, and refused when it ends in
/// another: a report saved as `.txt` or a return as `.pdf` would open in
/// the wrong program, or not be recognised as what it is. Both front doors
/// save every file they export through this.
pub fn with_own_extension(target: &Path, extension: &str) -> Result<PathBuf, AppError> {
    match target.extension().map(|e| e.to_string_lossy()) {
        None => {
            let mut name = target.as_os_str().to_owned();
            name.push(format!(".{extension}"));
            Ok(PathBuf::from(name))
        }
        Some(found) if found.eq_ignore_ascii_case(extension) => Ok(target.to_path_buf()),
        Some(found) => Err(AppError::invalid(
            Field::Path,
            format!(
                "This file must end in .{extension}, and {} ends in .{found}. Choose a name \
                 ending in .{extension}, or leave the ending off and Quietline adds it.",
                target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        )),
    }
}

/// Writes a whole new file at `target`, or beside it as `name (2).ext`,
/// `name (3).ext`… if something is already there: never over an existing
/// file, and never half a file under its name. Returns the path written.
pub(super) fn save_new_file(
    target: &Path,
    bytes: &[u8],
    what: Saving,
) -> Result<PathBuf, AppError> {
    let folder = target.parent().unwrap_or(Path::new("."));
    write_whole(target, bytes, IfTaken::AddNumber).map_err(|e| io_error(folder, e, what))
}

fn io_error(folder: &Path, e: std::io::Error, what: Saving) -> AppError {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    let detail = Some(format!("{}: {e}", folder.display()));
    match e.kind() {
        PermissionDenied | ReadOnlyFilesystem => AppError {
            detail,
            ..AppError::invalid(
                Field::Path,
                format!(
                    "Quietline may not save files in {}. Choose a folder of your own, such as your Documents folder.",
                    folder.display()
                ),
            )
        },
        _ => AppError {
            detail,
            field: Some(Field::Path),
            ..AppError::new(
                ErrorCode::Failed,
                format!(
                    "The {} could not be saved in {}. Check the disk is not full, or choose another folder.",
                    what.noun(),
                    folder.display()
                ),
            )
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_keeps_its_own_extension_gets_it_when_missing_and_refuses_another() {
        for (typed, extension, kept) in [
            ("/d/report.html", "html", "/d/report.html"),
            ("/d/report.HTML", "html", "/d/report.HTML"),
            ("/d/report", "pdf", "/d/report.pdf"),
            ("/d/alex", "qlreturn", "/d/alex.qlreturn"),
            (
                "/d/helpline.qlprofile",
                "qlprofile",
                "/d/helpline.qlprofile",
            ),
            ("/d/monday", "qlbackup", "/d/monday.qlbackup"),
        ] {
            assert_eq!(
                with_own_extension(Path::new(typed), extension).unwrap(),
                Path::new(kept),
                "{typed}"
            );
        }
        for (typed, extension) in [
            ("/d/report.txt", "html"),
            ("/d/report.html", "csv"),
            ("/d/alex.pdf", "qlreturn"),
            ("/d/helpline.qlreturn", "qlprofile"),
            ("/d/monday.zip", "qlbackup"),
        ] {
            let e = with_own_extension(Path::new(typed), extension).unwrap_err();
            assert_eq!(e.field, Some(Field::Path), "{typed}");
            assert!(
                e.message
                    .starts_with(&format!("This file must end in .{extension}")),
                "{typed}: {}",
                e.message
            );
        }
    }

    #[test]
    fn a_folder_that_refuses_writing_says_so_and_keeps_the_detail_private() {
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "os error 13");
        let e = io_error(Path::new("/srv/shared"), denied, Saving::Report);
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(e.field, Some(Field::Path));
        assert!(e.message.contains("/srv/shared"), "{}", e.message);
        assert!(!e.message.contains("os error"), "{}", e.message);
        assert!(e.detail.is_some());
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "os error 28");
        let e = io_error(Path::new("/srv/shared"), full, Saving::Report);
        assert_eq!(e.code, ErrorCode::Failed);
        assert!(e.message.contains("disk is not full"), "{}", e.message);
    }

    #[test]
    fn a_return_that_cannot_be_saved_is_called_a_return() {
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "os error 28");
        let e = io_error(Path::new("/srv/shared"), full, Saving::Return);
        assert!(
            e.message.starts_with("The return could not be saved"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("report"), "{}", e.message);
    }
}
