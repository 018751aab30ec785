//! Where the CLI gets passphrases and the recovery key: an environment
//! variable when set (scripts, tests), else a no-echo prompt on the terminal.

use zeroize::Zeroizing;

use super::CliError;

pub const PASSPHRASE_VAR: &str = "QUIETLINE_PASSPHRASE";
pub const NEW_PASSPHRASE_VAR: &str = "QUIETLINE_NEW_PASSPHRASE";
pub const RECOVERY_KEY_VAR: &str = "QUIETLINE_RECOVERY_KEY";

fn from_env(var: &str) -> Option<Zeroizing<String>> {
    std::env::var(var).ok().map(Zeroizing::new)
}

fn prompt(label: &str, var: &str) -> Result<Zeroizing<String>, CliError> {
    rpassword::prompt_password(format!("{label}: "))
        .map(Zeroizing::new)
        .map_err(|_| {
            CliError::Usage(format!(
                "cannot ask for the {}: there is no terminal; set {var}",
                label.to_lowercase()
            ))
        })
}

/// The passphrase that unlocks an existing store.
pub fn current_passphrase() -> Result<Zeroizing<String>, CliError> {
    match from_env(PASSPHRASE_VAR) {
        Some(p) => Ok(p),
        None => prompt("Passphrase", PASSPHRASE_VAR),
    }
}

/// A passphrase being set: from `var`, or typed twice at the prompt.
pub fn chosen_passphrase(var: &str) -> Result<Zeroizing<String>, CliError> {
    if let Some(p) = from_env(var) {
        return Ok(p);
    }
    let first = prompt("New passphrase", var)?;
    let second = prompt("Type the new passphrase again", var)?;
    if *first != *second {
        return Err(CliError::Usage(
            "the two passphrases did not match; nothing was changed".into(),
        ));
    }
    Ok(first)
}

pub fn recovery_key() -> Result<Zeroizing<String>, CliError> {
    match from_env(RECOVERY_KEY_VAR) {
        Some(k) => Ok(k),
        None => prompt("Recovery key", RECOVERY_KEY_VAR),
    }
}
