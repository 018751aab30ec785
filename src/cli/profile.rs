//! `quietline profile …` and `quietline themes …`: parse, ask, call the
//! use cases in [`quietline::app::profile`] and [`quietline::app::themes`],
//! and print what they return.

use std::io::{IsTerminal, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use quietline::app::profile::{self, ProfileDetails, ProfileFileState, ProfileImport};
use quietline::app::themes;

use super::{CliError, output_error, unlock};

fn line(out: &mut impl Write, name: &str, value: impl std::fmt::Display) -> Result<(), CliError> {
    writeln!(out, "{name}\t{value}").map_err(output_error)
}

pub fn show(dir: &Path) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let p = profile::show(&mut vault)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let shown = |v: &str| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.to_string()
        }
    };
    let role = match p.role {
        quietline::app::ProfileRole::None => "none (no profile imported)",
        quietline::app::ProfileRole::Volunteer => "volunteer",
        quietline::app::ProfileRole::Coordinator => "coordinator",
    };
    line(&mut out, "role", role)?;
    line(&mut out, "helpline", shown(&p.helpline))?;
    line(&mut out, "profile version", p.version)?;
    line(
        &mut out,
        "coordinator fingerprint",
        shown(&p.signer_fingerprint),
    )?;
    line(&mut out, "return key", shown(&p.return_key))?;
    line(
        &mut out,
        "return key fingerprint",
        shown(&p.return_key_fingerprint),
    )?;
    line(&mut out, "time zone", &p.time_zone)?;
    line(&mut out, "suppress below", p.suppress_below)?;
    line(&mut out, "theme list version", p.theme_list_version)?;
    line(&mut out, "signposts", p.signposts)
}

pub fn export(dir: &Path, output: &Path, now: DateTime<Utc>) -> Result<(), CliError> {
    let output = &quietline::app::with_own_extension(output, "qlprofile")?;
    if output.exists() {
        return Err(CliError::Usage(format!(
            "{} already exists; choose another file name (nothing is ever written over)",
            output.display()
        )));
    }
    let mut vault = unlock(dir)?;
    let made = profile::export(&mut vault, &output.display().to_string(), now)?;
    eprintln!("Profile version {} written to {}.", made.version, made.path);
    eprintln!(
        "Read this fingerprint to each volunteer by phone when they import it: {}",
        made.fingerprint
    );
    Ok(())
}

pub fn set(
    dir: &Path,
    helpline: Option<String>,
    suppress_below: Option<u32>,
) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let current = profile::show(&mut vault)?;
    let details = ProfileDetails {
        helpline: helpline.unwrap_or(current.helpline),
        suppress_below: suppress_below.unwrap_or(current.suppress_below),
    };
    profile::set_details(&mut vault, &details)?;
    eprintln!("Profile details saved; export the profile to hand them to volunteers.");
    Ok(())
}

pub fn import(
    dir: &Path,
    file: &Path,
    fingerprint: Option<String>,
    repin: bool,
) -> Result<(), CliError> {
    let mut vault = unlock(dir)?;
    let path = file.display().to_string();
    let checked = profile::check_file(&mut vault, &path)?;
    let needs_fingerprint = matches!(checked.state, ProfileFileState::FirstImport)
        || (repin && matches!(checked.state, ProfileFileState::OtherSigner));
    let fingerprint = match fingerprint {
        Some(f) => f,
        None if needs_fingerprint => ask_fingerprint(&checked.signer_fingerprint)?,
        None => String::new(),
    };
    let applied = profile::import(
        &mut vault,
        &ProfileImport {
            path,
            fingerprint,
            repin,
        },
        Utc::now(),
    )?;
    eprintln!("{}", applied.message);
    Ok(())
}

/// Shows the profile's fingerprint and asks for the one the coordinator
/// reads out; without a terminal, `--fingerprint` is needed.
fn ask_fingerprint(shown: &str) -> Result<String, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "this profile is signed by {shown}; ring your coordinator, compare it with the \
             fingerprint they read to you, and give it with --fingerprint"
        )));
    }
    eprintln!("This profile is signed by the key with fingerprint {shown}.");
    eprintln!(
        "Ring your coordinator and ask them to read their fingerprint to you. Type what they read:"
    );
    let mut typed = String::new();
    std::io::stdin()
        .read_line(&mut typed)
        .map_err(|e| CliError::Usage(format!("could not read the fingerprint: {e}")))?;
    Ok(typed)
}

/// `quietline themes [--version N]`: one theme id per line with its label.
pub fn list(dir: &Path, version: Option<u32>) -> Result<(), CliError> {
    let vault = unlock(dir)?;
    let list = themes::version(vault.themes(), version)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for theme in themes::lines(list) {
        writeln!(out, "{}\t{}", theme.id, theme.label).map_err(output_error)?;
    }
    Ok(())
}

/// `quietline themes crosswalk [--from N]`: how each theme of version N
/// (the one before the current, by default) maps to the current version.
pub fn crosswalk(dir: &Path, from: Option<u32>) -> Result<(), CliError> {
    let vault = unlock(dir)?;
    let current = vault.themes().current().version;
    let from = from.unwrap_or(current.saturating_sub(1).max(1));
    let rows = themes::crosswalk(vault.themes(), from)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "# version {from} to version {current}").map_err(output_error)?;
    for row in rows {
        let ids = |l: &[quietline::app::Labelled]| {
            l.iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            row.kind.word(),
            ids(&row.from),
            ids(&row.to),
            row.comparison
        )
        .map_err(output_error)?;
    }
    Ok(())
}
