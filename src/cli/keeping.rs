//! `quietline backup`, `restore`, `shred`, `hold` and the backup and
//! retention settings: parse, ask, call the use cases in
//! [`quietline::app::keeping`], and print what they return.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use quietline::app::keeping::{self, BackupChoice, REPLACE_WORD, RestoreRequest};
use quietline::store::Vault;

use super::{CliError, output_error, secrets, unlock};

/// The backup and retention options of `quietline settings`.
#[derive(Default)]
pub struct KeepingArgs {
    pub retention_months: Option<u32>,
    pub backup_folder: Option<String>,
    pub keep_backups: Option<u32>,
    pub yes: bool,
}

/// Asks "yes or no" on the terminal; without one, `yes` must be given.
fn confirmed(question: &str, yes: bool) -> Result<bool, CliError> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "{question} Nothing was changed: add --yes to confirm."
        )));
    }
    eprint!("{question} Type yes to go ahead: ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Output(e.to_string()))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

/// Applies the backup and retention options, then prints how things stand.
pub fn settings(
    vault: &mut Vault,
    args: &KeepingArgs,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    if args.backup_folder.is_some() || args.keep_backups.is_some() {
        let current = keeping::status(vault, now)?;
        let choice = BackupChoice {
            folder: args.backup_folder.clone().unwrap_or(current.folder),
            keep: args.keep_backups.unwrap_or(current.keep),
            warn_after_days: current.warn_after_days,
        };
        keeping::choose(vault, &choice, now)?;
        eprintln!("Backup settings saved.");
    }
    if let Some(months) = args.retention_months {
        let preview = keeping::preview_shred(vault, months, now)?;
        if preview.calls == 0 || confirmed(&preview.message, args.yes)? {
            let done = keeping::set_retention(vault, months, now)?;
            eprintln!("Retention policy saved. {}", done.message);
        } else {
            eprintln!("Nothing was changed.");
        }
    }
    let status = keeping::status(vault, now)?;
    let retention = keeping::retention(vault)?;
    let shown = |v: &str| {
        if v.is_empty() {
            "(not set)".to_string()
        } else {
            v.to_string()
        }
    };
    writeln!(out, "backup folder\t{}", shown(&status.folder)).map_err(output_error)?;
    writeln!(out, "backups kept\t{}", status.keep).map_err(output_error)?;
    writeln!(out, "backups\t{}", status.line).map_err(output_error)?;
    let months = if retention.months == 0 {
        "0 (off)".to_string()
    } else {
        retention.months.to_string()
    };
    writeln!(out, "retention months\t{months}").map_err(output_error)?;
    writeln!(out, "calls on legal hold\t{}", retention.held).map_err(output_error)?;
    Ok(())
}

/// `quietline backup [-o FILE]`: to a file, or into the backup folder.
pub fn backup(dir: &Path, output: Option<&Path>, now: DateTime<Utc>) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let made = match output {
        Some(path) => keeping::back_up_to(&mut vault, path, now)?,
        None => keeping::back_up_now(&mut vault, now)?,
    };
    eprintln!("{}", made.message);
    println!("{}", made.path);
    Ok(())
}

/// `quietline --store DIR restore FILE`: never over an existing store.
pub fn restore(
    dir: &Path,
    file: &Path,
    recovery: bool,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    if Vault::exists(dir) {
        return Err(CliError::Usage(format!(
            "a Quietline store already exists at {}; restore into a new folder with --store \
             (the app can replace a store once you type {REPLACE_WORD}). Nothing was changed.",
            dir.display()
        )));
    }
    let path = file.display().to_string();
    let view = keeping::check_backup_file(dir, &path)?;
    eprintln!("Backup made {}.", view.made);
    let mut request = RestoreRequest {
        path,
        ..RestoreRequest::default()
    };
    if recovery {
        request.recovery_key = secrets::recovery_key()?.to_string();
        request.new_passphrase =
            secrets::chosen_passphrase(secrets::NEW_PASSPHRASE_VAR)?.to_string();
    } else {
        request.passphrase = secrets::current_passphrase()?.to_string();
    }
    let (_vault, restored) = keeping::restore(dir, &request, now)?;
    eprintln!("{}", restored.message);
    Ok(())
}

/// `quietline shred [--preview]`.
pub fn shred(dir: &Path, preview: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let retention = keeping::retention(&vault)?;
    if retention.months == 0 {
        eprintln!("{}", retention.notice);
        return Ok(());
    }
    let shown = keeping::preview_shred(&vault, retention.months, now)?;
    if preview {
        println!("{}", shown.message);
        return Ok(());
    }
    let done = keeping::shred(&mut vault, now)?;
    println!("{}", done.message);
    Ok(())
}

/// `quietline hold [--release] CALL_ID`.
pub fn hold(dir: &Path, id: &str, release: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let id: quietline::model::CallId = id
        .parse()
        .map_err(|_| CliError::Usage(format!("'{id}' is not a call id (see `quietline list`)")))?;
    let message = if release {
        keeping::release(&mut vault, id, now)?
    } else {
        keeping::hold(&mut vault, id, now)?
    };
    eprintln!("{message}");
    Ok(())
}
