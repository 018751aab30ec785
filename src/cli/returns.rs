//! The CLI's coordinator-return commands: `coordinator`, `settings`,
//! `return`, `merge` and `volunteers`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{CliError, output_error, unlock};
use quietline::app::demo::{DemoAction, refuse_in_demo};
use quietline::app::{
    ReturnMerged, become_coordinator, confirmed_coordinator_key, coordinator_key_fingerprint,
    merge_files, purge_volunteer, revoke_volunteer, typed_coordinator_key, typed_display_name,
    volunteers_with_calls, with_own_extension,
};
use quietline::period::Period;
use quietline::returns::{
    self, CheckedReturn, Merged, ReturnError, coordinator_key, write_new_file,
};
use quietline::store::Activity;

pub fn coordinator_init(dir: &Path) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let (key, created) = become_coordinator(&mut vault)?;
    if created {
        eprintln!("This store is now a coordinator's. Give volunteers this key:");
    } else {
        eprintln!(
            "This store already has a coordinator key; it is kept (returns made for it must still open):"
        );
    }
    println!("{key}");
    Ok(())
}

pub fn coordinator_key_command(dir: &Path) -> Result<(), CliError> {
    let vault = unlock(dir)?;
    let identity = vault
        .coordinator_identity()?
        .ok_or(ReturnError::NotCoordinator)?;
    println!("{}", identity.key());
    eprintln!(
        "Its fingerprint, to read to each volunteer by phone: {}",
        identity.key().fingerprint()
    );
    Ok(())
}

pub fn settings(
    dir: &Path,
    coordinator_key: Option<String>,
    fingerprint: Option<String>,
    display_name: Option<String>,
    keep: &super::keeping::KeepingArgs,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    if coordinator_key.is_some() || display_name.is_some() {
        let mut new = vault.settings().clone();
        if let Some(key) = coordinator_key {
            if let Some(typed) = typed_coordinator_key(&key) {
                // Parsed here first for the clearer message and exit code.
                returns::CoordinatorKey::parse(&typed)?;
            }
            new.coordinator_key = confirmed_coordinator_key(
                vault.settings().coordinator_key.as_deref(),
                &key,
                fingerprint.as_deref().unwrap_or(""),
            )?;
        }
        if let Some(name) = display_name {
            new.display_name = typed_display_name(&name);
        }
        vault.update_settings(new)?;
        eprintln!("Settings saved.");
    }
    let fingerprint = vault.volunteer_key()?.signer().fingerprint();
    let s = vault.settings();
    let shown = |v: &str| {
        if v.is_empty() {
            "(not set)".to_string()
        } else {
            v.to_string()
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "display name\t{}", shown(&s.display_name)).map_err(output_error)?;
    writeln!(out, "time zone\t{}", s.time_zone.name()).map_err(output_error)?;
    writeln!(out, "idle lock minutes\t{}", s.idle_lock_minutes).map_err(output_error)?;
    writeln!(
        out,
        "coordinator key\t{}",
        shown(s.coordinator_key.as_deref().unwrap_or(""))
    )
    .map_err(output_error)?;
    if let Some(key) = s.coordinator_key.as_deref() {
        let shown = coordinator_key_fingerprint(key).unwrap_or_default();
        writeln!(out, "coordinator key fingerprint\t{shown}").map_err(output_error)?;
    }
    writeln!(out, "signing fingerprint\t{fingerprint}").map_err(output_error)?;
    super::keeping::settings(&mut vault, keep, now, &mut out)
}

pub fn make_return(
    dir: &Path,
    period: Period,
    output: &Path,
    to: Option<(String, String)>,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let output = &with_own_extension(output, "qlreturn")?;
    if output.exists() {
        return Err(ReturnError::Exists(output.to_path_buf()).into());
    }
    let mut vault = unlock(dir)?;
    refuse_in_demo(&vault, DemoAction::MakeReturn)?;
    // A key given by hand is confirmed by its fingerprint, as in settings.
    let to = match to {
        Some((key, fingerprint)) => {
            returns::CoordinatorKey::parse(&key)?;
            confirmed_coordinator_key(
                vault.settings().coordinator_key.as_deref(),
                &key,
                &fingerprint,
            )?
        }
        None => None,
    };
    let to = coordinator_key(&vault, to.as_deref())?;
    let made = returns::make_return(&mut vault, period, &to, now.date_naive())?;
    write_new_file(output, &made.bytes)?;
    let written = Activity::ReturnWritten {
        path: output.display().to_string(),
        period: period.label(),
    };
    vault.record_activity(&written, now)?;
    eprintln!(
        "Return for {} written to {}: {} calls, {} deleted since an earlier return.",
        period.label(),
        output.display(),
        made.calls,
        made.deleted
    );
    eprintln!(
        "Signed as \"{}\", fingerprint {}; only the coordinator's key opens it.",
        made.volunteer, made.fingerprint
    );
    Ok(())
}

/// Asks on the terminal whether to trust a new volunteer; `false` without one.
fn confirm_trust(checked: &CheckedReturn, warning: Option<&str>) -> bool {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprintln!(
        "\"{}\" is not trusted yet. Their fingerprint is {}.",
        checked.signed.payload.volunteer, checked.fingerprint
    );
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    eprintln!("Check it with them (by phone, say): it is shown in their Quietline.");
    eprint!("Trust them and merge their return? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// What `merge` says of a file it merged, after the file's name.
fn merged_line(done: &ReturnMerged) -> String {
    let ReturnMerged {
        volunteer,
        fingerprint,
        period,
        merged,
        warning: _,
    } = done;
    match merged {
        Merged::AlreadyMerged => {
            format!("already merged (\"{volunteer}\", {period}); nothing changed")
        }
        Merged::Merged(c) => {
            let mut line = format!(
                "merged \"{volunteer}\" ({fingerprint}), {period}: {} new, {} updated, {} unchanged, {} erased",
                c.added, c.updated, c.unchanged, c.removed
            );
            if c.store_went_back {
                line.push_str(&format!(
                    "\n  Warning: {}",
                    quietline::app::went_back_sentence(volunteer)
                ));
            }
            line
        }
    }
}

pub fn merge(
    dir: &Path,
    files: &[PathBuf],
    trust: &[String],
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    refuse_in_demo(&vault, DemoAction::MergeReturns)?;
    let mut refused = 0;
    let result = merge_files(
        &mut vault,
        files,
        now,
        trust,
        confirm_trust,
        |i, outcome| {
            let file = files[i].display();
            match outcome {
                Ok(done) => {
                    eprintln!("{file}: {}", merged_line(&done));
                    if let Some(warning) = &done.warning {
                        eprintln!("  {warning}");
                    }
                }
                Err(e) => {
                    refused += 1;
                    eprintln!("quietline: {file}: {e}");
                    if let ReturnError::UnknownSigner { fingerprint, .. } = &e {
                        eprintln!(
                            "  Once you have checked the fingerprint with them, merge again with --trust {fingerprint}"
                        );
                    }
                }
            }
        },
    );
    if let Err(e) = result {
        // Only a store that cannot be read or written (told as a store
        // error), one that is not a coordinator's, or a --trust fingerprint
        // that signed none of the files stops the files being merged.
        return Err(match e {
            ReturnError::Store(e) => CliError::Store(e),
            e => CliError::Return(e),
        });
    }
    if refused > 0 {
        return Err(CliError::ReturnsRefused {
            refused,
            total: files.len(),
        });
    }
    Ok(())
}

/// Asks on the terminal whether to remove a volunteer's merged calls;
/// `false` without a terminal.
fn confirm_purge(fingerprint: &str) -> bool {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprint!(
        "Remove every call merged from the returns signed {fingerprint}? Reports will no longer count them, and this cannot be undone. [y/N] "
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

pub fn volunteers(
    dir: &Path,
    revoke: Option<&str>,
    purge: Option<&str>,
    yes: bool,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    if let Some(fingerprint) = revoke {
        if !revoke_volunteer(&mut vault, fingerprint, now)? {
            return Err(CliError::Usage(format!(
                "no volunteer has fingerprint {fingerprint}; `quietline volunteers` lists them"
            )));
        }
        eprintln!("Revoked: their returns will be refused. Calls already merged stay.");
    }
    if let Some(fingerprint) = purge {
        if !yes && !confirm_purge(fingerprint) {
            return Err(CliError::Usage(
                "nothing was removed; removing a volunteer's calls cannot be undone, so confirm it (answer y, or add --yes)".into(),
            ));
        }
        let purged = purge_volunteer(&mut vault, fingerprint, now)?;
        eprintln!("{}", purged.message);
    }
    let volunteers = volunteers_with_calls(&vault)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (volunteer, by_year) in volunteers {
        let status = match volunteer.revoked_on {
            Some(on) => format!("revoked {on}"),
            None => "trusted".to_string(),
        };
        let periods: Vec<String> = by_year
            .iter()
            .map(|(label, calls)| format!("{label}: {calls}"))
            .collect();
        let line = [
            volunteer.fingerprint(),
            volunteer.name.clone(),
            status,
            volunteer.trusted_on.to_string(),
            volunteer
                .last_return_on
                .map_or_else(|| "-".to_string(), |d| d.to_string()),
            if periods.is_empty() {
                "-".to_string()
            } else {
                periods.join(", ")
            },
        ]
        .join("\t");
        writeln!(out, "{line}").map_err(output_error)?;
    }
    out.flush().map_err(output_error)
}
