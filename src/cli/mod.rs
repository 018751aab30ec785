//! The `quietline` command line: parses arguments, asks for secrets, calls
//! the library's use cases ([`quietline::app`]) and prints. Machine formats go to stdout alone; prompts,
//! progress and messages go to stderr.
//!
//! Exit codes: 0 success; 1 any other failure; 2 a usage mistake; 3 wrong
//! passphrase or recovery key; 4 a damaged or tampered store; 5 a return
//! refused by `merge` (damaged, tampered, for another coordinator, from an
//! unknown or revoked volunteer, or superseded).

mod keeping;
mod profile;
mod returns;
mod secrets;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use quietline::app::{
    FollowUpState, activity, calls_in_period, chosen_passphrase, period_of, suggest_passphrase,
};
use quietline::crypto::{CryptoError, Passphrase, RecoveryKey};
use quietline::files::{IfTaken, write_whole};
use quietline::import::{ImportError, ImportProgress, import_csv, write_csv};
use quietline::model::{
    CallDetails, CallFacts, CallSummary, CallType, CallerType, Employer, FollowUp, NewCall, Region,
    RiskLevel, Role, Setting, UnknownId,
};
use quietline::period::{Period, YearOutOfRange};
use quietline::report::{Report, ReportError, to_csv, to_html, to_text};
use quietline::returns::ReturnError;
use quietline::store::{Activity, StoreError, Vault};
use quietline::synth::SyntheticCalls;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{}", with_advice(.0))]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Return(#[from] ReturnError),
    #[error("{refused} of {total} returns were refused (see above); any others were merged")]
    ReturnsRefused { refused: usize, total: usize },
    #[error("{0}")]
    Output(String),
    /// A use case's refusal, in the words the app shows too.
    #[error("{0}")]
    App(#[from] quietline::app::AppError),
    /// The reader of our output went away (`quietline list | head`): not a failure.
    #[error("output closed")]
    OutputClosed,
}

impl From<UnknownId> for CliError {
    fn from(e: UnknownId) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<YearOutOfRange> for CliError {
    fn from(e: YearOutOfRange) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Store(e) | CliError::Return(ReturnError::Store(e)) => store_exit_code(e),
            CliError::Crypto(
                CryptoError::MalformedRecoveryKey(_) | CryptoError::MistypedRecoveryKey,
            ) => 3,
            CliError::Report(ReportError::Store(StoreError::Corrupt { .. }))
            | CliError::Import(ImportError::Store(StoreError::Corrupt { .. })) => 4,
            CliError::Return(
                ReturnError::NoCoordinatorKey
                | ReturnError::BadCoordinatorKey(_)
                | ReturnError::TestCoordinatorKey
                | ReturnError::NoDisplayName
                | ReturnError::TrustedSignedNothing { .. }
                | ReturnError::Exists(_),
            ) => 2,
            CliError::Return(ReturnError::Io { .. } | ReturnError::NotCoordinator) => 1,
            CliError::Return(_) | CliError::ReturnsRefused { .. } => 5,
            CliError::App(e) => match e.code {
                quietline::app::ErrorCode::Invalid => 2,
                quietline::app::ErrorCode::WrongPassphrase
                | quietline::app::ErrorCode::WrongRecoveryKey => 3,
                quietline::app::ErrorCode::Damaged => 4,
                _ => 1,
            },
            _ => 1,
        }
    }
}

/// A store error as the CLI says it: the library names no command, so the
/// command to run next is added here.
fn with_advice(e: &StoreError) -> String {
    match e {
        StoreError::NotFound(_) => format!("{e}; create one with `quietline init`"),
        StoreError::WrongPassphrase => {
            "wrong passphrase: the store stays locked (check Caps Lock; \
             if the passphrase is lost, `quietline recover` resets it with the recovery key)"
                .to_string()
        }
        e => e.to_string(),
    }
}

fn store_exit_code(e: &StoreError) -> u8 {
    match e {
        StoreError::Invalid(_) => 2,
        StoreError::WrongPassphrase | StoreError::WrongRecoveryKey => 3,
        StoreError::Corrupt { .. } => 4,
        _ => 1,
    }
}

fn output_error(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError::OutputClosed;
    }
    CliError::Output(format!("could not write the output: {e}"))
}

#[derive(Parser)]
#[command(
    name = "quietline",
    version,
    about = "A confidential, encrypted call log for a volunteer helpline",
    after_help = "The passphrase is read from QUIETLINE_PASSPHRASE if set, else asked for without echo."
)]
struct Cli {
    /// The store directory [default: the platform's data directory]
    #[arg(long, global = true, env = "QUIETLINE_STORE", value_name = "DIR")]
    store: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new encrypted store, and show its one-time recovery key
    Init,
    /// Log one call and print its id
    Log(Box<LogArgs>),
    /// List calls, newest first, one per line (tab-separated)
    List {
        /// Only calls in this calendar year (or academic year with --academic)
        #[arg(long)]
        year: Option<i32>,
        /// Read --year as the academic year starting 1 September
        #[arg(long, requires = "year")]
        academic: bool,
        /// Include private notes as a last column
        #[arg(long)]
        notes: bool,
    },
    /// Import calls from a CSV file, all or nothing
    Import {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    /// Counts for a year, each beside the year before
    Report {
        #[arg(long)]
        year: i32,
        /// The academic year from 1 September YEAR to 31 August YEAR+1
        #[arg(long)]
        academic: bool,
        /// text, json, csv (one row per table cell) or html (a printable page with charts)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// For publication: show every count from 1 to K-1 as "fewer than K",
        /// and withhold counts that would reveal them from totals
        #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..))]
        suppress_below: Option<u32>,
        /// Write to FILE instead of stdout
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Change the passphrase (new one from QUIETLINE_NEW_PASSPHRASE or asked for)
    Passwd,
    /// Set a new passphrase using the recovery key (QUIETLINE_RECOVERY_KEY or asked for)
    Recover,
    /// The coordinator's key: create it once, then give it to volunteers
    Coordinator {
        #[command(subcommand)]
        command: CoordinatorCommand,
    },
    /// The helpline profile: show it, export it (coordinator) or import it (volunteer)
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// The theme list: one theme id per line with its label
    Themes {
        /// A past version instead of the current one
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        #[command(subcommand)]
        command: Option<ThemesCommand>,
    },
    /// Show the settings and this store's signing fingerprint, or change them
    Settings {
        /// The coordinator's key (age1…) that returns are encrypted to; "" removes it
        #[arg(long, value_name = "AGE1…")]
        coordinator_key: Option<String>,
        /// The key's fingerprint as the coordinator read it to you (needed for a new key)
        #[arg(long, value_name = "FP", requires = "coordinator_key")]
        fingerprint: Option<String>,
        /// The name the coordinator sees on your returns
        #[arg(long, value_name = "NAME")]
        display_name: Option<String>,
        /// Shred private notes, safeguarding details and exact times this
        /// many months after a call (0 turns it off); counts are kept
        #[arg(long, value_name = "N")]
        retention_months: Option<u32>,
        /// The folder automatic backups go to ("" turns them off)
        #[arg(long, value_name = "DIR")]
        backup_folder: Option<String>,
        /// How many backups the folder keeps
        #[arg(long, value_name = "K")]
        keep_backups: Option<u32>,
        /// Confirm shredding without being asked
        #[arg(long)]
        yes: bool,
    },
    /// Back up the whole store, sealed, to FILE or into the backup folder
    Backup {
        /// The .qlbackup file to write (never overwritten) [default: the backup folder]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Restore a backup into --store DIR, which must not hold a store yet
    Restore {
        #[arg(value_name = "FILE.qlbackup")]
        file: PathBuf,
        /// Unlock with the recovery key and set a new passphrase
        #[arg(long)]
        recovery_key: bool,
    },
    /// Apply the retention policy: shred old calls' notes (counts are kept)
    Shred {
        /// Only say what would be shredded
        #[arg(long)]
        preview: bool,
    },
    /// Put a call on legal hold so its notes are never shredded, or release it
    Hold {
        #[arg(value_name = "CALL_ID")]
        id: String,
        #[arg(long)]
        release: bool,
    },
    /// Make a signed return of the year's calls for the coordinator (no notes, no times)
    Return {
        #[arg(long)]
        year: i32,
        /// The academic year from 1 September YEAR to 31 August YEAR+1
        #[arg(long)]
        academic: bool,
        /// The .qlreturn file to write (never overwritten)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Encrypt to this coordinator key instead of the profile's
        #[arg(long, value_name = "AGE1…")]
        to: Option<String>,
        /// The --to key's fingerprint as the coordinator read it to you
        #[arg(long, value_name = "FP", requires = "to")]
        fingerprint: Option<String>,
    },
    /// Check and merge volunteers' returns, each file all or nothing
    Merge {
        /// Trust the volunteer with this fingerprint, once you have checked
        /// it with them (repeat for each); others not seen before are asked
        /// about on a terminal, and refused otherwise
        #[arg(long, value_name = "FINGERPRINT")]
        trust: Vec<String>,
        #[arg(value_name = "FILE.qlreturn", required = true)]
        files: Vec<PathBuf>,
    },
    /// List the volunteers whose returns are merged: fingerprint, name,
    /// status, trusted on, last return, calls per academic year (tab-separated)
    Volunteers {
        /// Refuse this volunteer's returns from now on (calls already merged stay)
        #[arg(long, value_name = "FINGERPRINT")]
        revoke: Option<String>,
        /// Remove a revoked volunteer's merged calls, so reports no longer
        /// count them (asks first on a terminal; cannot be undone)
        #[arg(long, value_name = "FINGERPRINT")]
        purge: Option<String>,
        /// Confirm --purge without being asked
        #[arg(long, requires = "purge")]
        yes: bool,
    },
    /// What was done with the log on this laptop, oldest first: unlocks,
    /// deletions, files written, returns merged, backups (never notes or
    /// caller details). The record's chain is checked as it is read
    Activity {
        /// Only entries on or after this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<NaiveDate>,
        /// text (one line per entry) or json (an array)
        #[arg(long, value_enum, default_value_t = ActivityFormat::Text)]
        format: ActivityFormat,
    },
    /// Write synthetic calls as import CSV to stdout (for demos and tests; never real data)
    Synth {
        #[arg(long, default_value_t = 1000)]
        calls: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 2016)]
        from_year: i32,
        #[arg(long, default_value_t = 10)]
        years: u32,
    },
}

#[derive(Subcommand)]
enum CoordinatorCommand {
    /// Create this store's coordinator key (kept if it already has one) and print it
    Init,
    /// Print the coordinator key (age1…) to give to volunteers
    Key,
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Show the profile in use: helpline, version, fingerprints, theme list
    Show,
    /// Write the signed profile for volunteers (coordinator; never overwrites)
    Export {
        #[arg(short, long, value_name = "FILE.qlprofile")]
        output: PathBuf,
    },
    /// Import a profile from the coordinator (asks for their fingerprint the first time)
    Import {
        #[arg(value_name = "FILE.qlprofile")]
        file: PathBuf,
        /// The fingerprint the coordinator read to you by phone
        #[arg(long, value_name = "FP")]
        fingerprint: Option<String>,
        /// Trust a new coordinator's key in place of the pinned one
        #[arg(long)]
        repin: bool,
    },
    /// Set the helpline's name and the default smallest published count (coordinator)
    Set {
        #[arg(long, value_name = "NAME")]
        helpline: Option<String>,
        #[arg(long, value_name = "K")]
        suppress_below: Option<u32>,
    },
}

#[derive(Subcommand)]
enum ThemesCommand {
    /// How each theme of an earlier version maps to the current one
    Crosswalk {
        /// The earlier version [default: the one before the current]
        #[arg(long, value_name = "N")]
        from: Option<u32>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ActivityFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(clap::Args)]
struct LogArgs {
    /// When the call started, RFC 3339 (e.g. 2024-09-02T09:30:00+01:00)
    #[arg(long, value_name = "RFC3339")]
    at: String,
    #[arg(long, value_name = "N")]
    minutes: u32,
    #[arg(long, value_name = "ID")]
    role: String,
    #[arg(long, value_name = "ID")]
    setting: String,
    #[arg(long, value_name = "ID")]
    region: String,
    /// Theme ids, main theme first (at most 4); repeat the flag or list them
    #[arg(long = "theme", value_name = "ID", num_args = 1..)]
    themes: Vec<String>,
    #[arg(long, value_name = "ID")]
    risk: String,
    #[arg(long)]
    follow_up: bool,
    /// Follow-up due date (YYYY-MM-DD); implies --follow-up
    #[arg(long, value_name = "DATE")]
    follow_up_due: Option<NaiveDate>,
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// substantive, silent, hang_up, wrong_number or information_only
    #[arg(long, value_name = "ID", default_value = "substantive")]
    call_type: String,
    #[arg(long, value_name = "ID")]
    employer: Option<String>,
    /// The caller has rung before
    #[arg(long, conflicts_with = "first_time")]
    repeat: bool,
    /// The caller has not rung before
    #[arg(long)]
    first_time: bool,
    /// A safeguarding step taken (repeatable)
    #[arg(long = "safeguarding", value_name = "TEXT")]
    safeguarding: Vec<String>,
}

impl LogArgs {
    fn to_call(&self) -> Result<NewCall, CliError> {
        let started_at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|_| {
                CliError::Usage(format!(
                    "--at '{}' is not an RFC 3339 time such as 2024-09-02T09:30:00+01:00",
                    self.at
                ))
            })?
            .with_timezone(&Utc);
        let caller_type = match (self.repeat, self.first_time) {
            (true, _) => CallerType::Repeat,
            (_, true) => CallerType::FirstTime,
            _ => CallerType::Unknown,
        };
        Ok(NewCall {
            facts: CallFacts {
                started_at,
                duration_minutes: self.minutes,
                call_type: self.call_type.parse::<CallType>()?,
                role: self.role.parse::<Role>()?,
                setting: self.setting.parse::<Setting>()?,
                employer: self
                    .employer
                    .as_deref()
                    .map(str::parse::<Employer>)
                    .transpose()?,
                region: self.region.parse::<Region>()?,
                caller_type,
                themes: self.themes.clone(),
                risk: self.risk.parse::<RiskLevel>()?,
                follow_up: FollowUp {
                    needed: self.follow_up || self.follow_up_due.is_some(),
                    due: self.follow_up_due,
                    done: false,
                },
            },
            details: CallDetails {
                safeguarding: self.safeguarding.clone(),
                notes: self.notes.clone().unwrap_or_default(),
            },
        })
    }
}

/// Runs the CLI and turns any error into a one-line message and exit code.
pub fn main() -> ExitCode {
    // Before anything is decrypted: a crash must not write memory to disk.
    if let Err(e) = quietline::process::forbid_core_dumps() {
        eprintln!("quietline: warning: core dumps could not be turned off ({e})");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) | Err(CliError::OutputClosed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quietline: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn store_dir(cli: &Cli) -> Result<PathBuf, CliError> {
    quietline::app::store_dir(cli.store.clone())
        .map_err(|e| CliError::Usage(format!("{e}; give the store with --store DIR")))
}

fn unlock(dir: &Path) -> Result<Vault, CliError> {
    if !Vault::exists(dir) {
        return Err(StoreError::NotFound(dir.to_path_buf()).into());
    }
    let passphrase = secrets::current_passphrase()?;
    let mut vault = activity::unlock(dir, &Passphrase::new(&passphrase), Utc::now())?;
    if let Some(warning) = vault.opening_warning() {
        eprintln!("quietline: warning: {warning}");
    }
    // What runs at every unlock: the retention policy (once a day) and
    // what the backups are owed. A failure here must not stop the command
    // asked for; it is tried again at the next unlock.
    let _ = quietline::app::keeping::housekeeping(&mut vault, Utc::now());
    Ok(vault)
}

fn run(cli: Cli) -> Result<(), CliError> {
    let dir = store_dir(&cli)?;
    let now = Utc::now();
    match cli.command {
        Command::Init => init(&dir),
        Command::Log(args) => {
            let call = args.to_call()?;
            let mut vault = unlock(&dir)?;
            let id = vault.log_call(&call, now)?;
            println!("{id}");
            Ok(())
        }
        Command::List {
            year,
            academic,
            notes,
        } => {
            let vault = unlock(&dir)?;
            let period = year.map(|y| period_of(y, academic)).transpose()?;
            list(&vault, period, notes, now)
        }
        Command::Import { file } => import(&dir, &file, now),
        Command::Report {
            year,
            academic,
            format,
            suppress_below,
            output,
        } => {
            let period = period_of(year, academic)?;
            let mut vault = unlock(&dir)?;
            let mut report = Report::for_vault(&vault, period)?;
            if let Some(k) = suppress_below {
                report.suppress_below(k);
            }
            let text = match format {
                Format::Text => to_text(&report),
                Format::Json => {
                    let mut json = serde_json::to_string_pretty(&report)
                        .map_err(|e| CliError::Output(e.to_string()))?;
                    json.push('\n');
                    json
                }
                Format::Csv => to_csv(&report).map_err(|e| CliError::Output(e.to_string()))?,
                Format::Html => to_html(&report),
            };
            let extension = match format {
                Format::Text => "txt",
                Format::Json => "json",
                Format::Csv => "csv",
                Format::Html => "html",
            };
            match output {
                Some(path) => {
                    let path = quietline::app::with_own_extension(&path, extension)?;
                    write_output_file(&path, text.as_bytes())?;
                    let written = Activity::ReportWritten {
                        path: path.display().to_string(),
                        period: period.label(),
                    };
                    vault.record_activity(&written, now)?;
                    Ok(())
                }
                None => std::io::stdout()
                    .write_all(text.as_bytes())
                    .map_err(output_error),
            }
        }
        Command::Passwd => {
            let mut vault = unlock(&dir)?;
            let new = secrets::chosen_passphrase(secrets::NEW_PASSPHRASE_VAR)?;
            activity::change_passphrase(&mut vault, &new_passphrase(&new)?, now)?;
            eprintln!("Passphrase changed. The recovery key is unchanged.");
            Ok(())
        }
        Command::Recover => {
            if !Vault::exists(&dir) {
                return Err(StoreError::NotFound(dir).into());
            }
            let key = RecoveryKey::parse(&secrets::recovery_key()?)?;
            let new = secrets::chosen_passphrase(secrets::NEW_PASSPHRASE_VAR)?;
            activity::recover(&dir, &key, &new_passphrase(&new)?, now)?;
            eprintln!("New passphrase set. The recovery key still works; keep it safe.");
            Ok(())
        }
        Command::Coordinator { command } => match command {
            CoordinatorCommand::Init => returns::coordinator_init(&dir),
            CoordinatorCommand::Key => returns::coordinator_key_command(&dir),
        },
        Command::Profile { command } => match command {
            ProfileCommand::Show => profile::show(&dir),
            ProfileCommand::Export { output } => profile::export(&dir, &output, now),
            ProfileCommand::Import {
                file,
                fingerprint,
                repin,
            } => profile::import(&dir, &file, fingerprint, repin),
            ProfileCommand::Set {
                helpline,
                suppress_below,
            } => profile::set(&dir, helpline, suppress_below),
        },
        Command::Themes { version, command } => match command {
            None => profile::list(&dir, version),
            Some(ThemesCommand::Crosswalk { from }) => profile::crosswalk(&dir, from),
        },
        Command::Settings {
            coordinator_key,
            fingerprint,
            display_name,
            retention_months,
            backup_folder,
            keep_backups,
            yes,
        } => {
            let keep = keeping::KeepingArgs {
                retention_months,
                backup_folder,
                keep_backups,
                yes,
            };
            returns::settings(&dir, coordinator_key, fingerprint, display_name, &keep, now)
        }
        Command::Backup { output } => keeping::backup(&dir, output.as_deref(), now),
        Command::Restore { file, recovery_key } => keeping::restore(&dir, &file, recovery_key, now),
        Command::Shred { preview } => keeping::shred(&dir, preview, now),
        Command::Hold { id, release } => keeping::hold(&dir, &id, release, now),
        Command::Return {
            year,
            academic,
            output,
            to,
            fingerprint,
        } => {
            let period = period_of(year, academic)?;
            let to = to.map(|key| (key, fingerprint.unwrap_or_default()));
            returns::make_return(&dir, period, &output, to, now)
        }
        Command::Merge { trust, files } => returns::merge(&dir, &files, &trust, now),
        Command::Volunteers { revoke, purge, yes } => {
            returns::volunteers(&dir, revoke.as_deref(), purge.as_deref(), yes, now)
        }
        Command::Activity { since, format } => {
            let vault = unlock(&dir)?;
            activity_command(&vault, since, format)
        }
        Command::Synth {
            calls,
            seed,
            from_year,
            years,
        } => {
            let generated: Vec<NewCall> = SyntheticCalls::new(seed, from_year, years)
                .take(calls)
                .collect();
            let stdout = std::io::stdout();
            write_csv(stdout.lock(), &generated).map_err(|e| CliError::Output(e.to_string()))
        }
    }
}

/// Writes a whole output file, via a temporary file in the same directory so
/// a failed write never leaves half a report where a whole one was.
fn write_output_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let cannot = |e: std::io::Error| {
        CliError::Output(format!(
            "could not write {}: {e}; check the folder exists and you can write to it",
            path.display()
        ))
    };
    write_whole(path, bytes, IfTaken::Replace).map_err(cannot)?;
    eprintln!("Report written to {}.", path.display());
    Ok(())
}

/// A new passphrase the store may take; a refusal ends with four random
/// words to use instead, as the app offers them.
fn new_passphrase(raw: &str) -> Result<Passphrase, CliError> {
    chosen_passphrase(raw).map_err(|mut e| {
        if let Ok(suggestion) = suggest_passphrase() {
            e.message = format!("{} For example: {}", e.message, suggestion.passphrase);
        }
        CliError::App(e)
    })
}

fn init(dir: &Path) -> Result<(), CliError> {
    if Vault::exists(dir) {
        return Err(StoreError::AlreadyExists(dir.to_path_buf()).into());
    }
    let raw = secrets::chosen_passphrase(secrets::PASSPHRASE_VAR)?;
    let passphrase = new_passphrase(&raw)?;
    eprintln!("Creating the store (deriving the key takes a moment)…");
    let (_vault, recovery) = Vault::create(dir, &passphrase)?;
    eprintln!("Store created at {}.", dir.display());
    eprintln!();
    eprintln!("Your recovery key is below. It is shown only this once.");
    eprintln!("Write it down and keep it somewhere safe, away from this laptop:");
    eprintln!("it is the only way back in if the passphrase is forgotten.");
    eprintln!();
    println!("{}", recovery.to_display().as_str());
    Ok(())
}

/// One call as a tab-separated line: id, local start, minutes, call type,
/// role, setting, region, themes, risk, follow-up.
fn list_line(call: &CallSummary, tz: chrono_tz::Tz, today: NaiveDate) -> String {
    let f = &call.facts;
    let follow_up = match (FollowUpState::of(call, today), f.follow_up.due) {
        (FollowUpState::None, _) => "-".to_string(),
        (FollowUpState::Done, _) => "done".to_string(),
        (_, Some(due)) => format!("due {due}"),
        (_, None) => "needed".to_string(),
    };
    let themes = if f.themes.is_empty() {
        "-".to_string()
    } else {
        f.themes.join(";")
    };
    [
        call.id.to_string(),
        f.started_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        f.duration_minutes.to_string(),
        f.call_type.id().to_string(),
        f.role.id().to_string(),
        f.setting.id().to_string(),
        f.region.id().to_string(),
        themes,
        f.risk.id().to_string(),
        follow_up,
    ]
    .join("\t")
}

fn list(
    vault: &Vault,
    period: Option<Period>,
    with_notes: bool,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let tz = vault.settings().time_zone;
    let today = now.with_timezone(&tz).date_naive();
    let mut calls = match period {
        Some(p) => calls_in_period(vault, p)?,
        None => vault.all_calls()?,
    };
    calls.sort_by_key(|c| std::cmp::Reverse(c.facts.started_at));
    let notes = if with_notes {
        vault.details_of(&calls.iter().map(|c| c.id).collect::<Vec<_>>())?
    } else {
        Vec::new()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, call) in calls.iter().enumerate() {
        let mut line = list_line(call, tz, today);
        if let Some(details) = notes.get(i) {
            line.push('\t');
            // One call per line, so line breaks and tabs in notes are escaped.
            line.push_str(
                &details
                    .notes
                    .replace('\\', "\\\\")
                    .replace('\n', "\\n")
                    .replace('\t', "\\t"),
            );
        }
        writeln!(out, "{line}").map_err(output_error)?;
    }
    out.flush().map_err(output_error)
}

/// `quietline activity`: the activity record, oldest first, one line per
/// entry (or a JSON array of the app's rows).
fn activity_command(
    vault: &Vault,
    since: Option<NaiveDate>,
    format: ActivityFormat,
) -> Result<(), CliError> {
    let list = activity::list(vault, since)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        ActivityFormat::Text => {
            for row in &list.entries {
                writeln!(out, "{}\t{}", row.at, row.description).map_err(output_error)?;
            }
        }
        ActivityFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &list.entries)
                .map_err(|e| CliError::Output(e.to_string()))?;
            writeln!(out).map_err(output_error)?;
        }
    }
    out.flush().map_err(output_error)
}

fn import(dir: &Path, file: &Path, now: DateTime<Utc>) -> Result<(), CliError> {
    let opened = std::fs::File::open(file)
        .map_err(|e| CliError::Usage(format!("cannot open {}: {e}", file.display())))?;
    let total = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let mut vault = unlock(dir)?;
    let interactive = std::io::stderr().is_terminal();
    let mut last_step = 0;
    let report_progress = |p: ImportProgress| {
        let percent = (p.bytes_read * 100)
            .checked_div(p.bytes_total)
            .unwrap_or(100);
        if interactive {
            eprint!("\rImporting… {percent:>3}% ({} calls)", p.rows);
        } else if percent / 10 > last_step {
            // Not a terminal: a line per tenth, so logs stay readable.
            last_step = percent / 10;
            eprintln!("Importing… {percent}% ({} calls)", p.rows);
        }
    };
    let reader = std::io::BufReader::new(opened);
    let result = import_csv(&mut vault, reader, total, now, report_progress);
    if interactive {
        eprintln!();
    }
    let count = result?;
    eprintln!("Imported {count} calls from {}.", file.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library names no CLI command; the CLI's own words are unchanged.
    #[test]
    fn store_errors_keep_the_clis_advice() {
        let missing = CliError::from(StoreError::NotFound(PathBuf::from("/tmp/s")));
        assert_eq!(
            missing.to_string(),
            "no Quietline store at /tmp/s; create one with `quietline init`"
        );
        assert_eq!(
            CliError::from(StoreError::WrongPassphrase).to_string(),
            "wrong passphrase: the store stays locked (check Caps Lock; if the passphrase is lost, `quietline recover` resets it with the recovery key)"
        );
        for e in [
            StoreError::NotFound(PathBuf::from("/tmp/s")),
            StoreError::WrongPassphrase,
        ] {
            assert!(!e.to_string().contains("quietline "), "{e}");
        }
    }
}
