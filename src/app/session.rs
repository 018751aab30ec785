//! An unlocked store as the app uses it. Locking is dropping the session:
//! the vault's keys are zeroed with it.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::activity::{self, ActivityList};
use super::demo::{DemoAction, refuse_in_demo};
use super::form::CallForm;
use super::keeping::{
    self, BackupChoice, BackupMade, BackupStatus, RestoreRequest, Restored, RetentionView,
    ShredDone, ShredPreview,
};
use super::listing::{CallFilter, CallList, list_calls};
use super::profile::{
    self, ProfileApplied, ProfileDetails, ProfileExported, ProfileFile, ProfileImport, ProfileView,
};
use super::report::{self, ExportFormat, Exported, ReportRequest, ReportView};
use super::returns::{
    self, MergeRequest, MergeResult, ReturnFile, ReturnMade, ReturnRequest, ReturnsOverview,
    VolunteerRow,
};
use super::strength::chosen_passphrase;
use super::themes::{self, ThemeDraftEdit, ThemeDraftView};
use super::vocabulary::Vocabulary;
use super::{AppError, ErrorCode};
use crate::crypto::{Passphrase, RecoveryKey};
use crate::model::{CallId, CallType, Field};
use crate::safeguarding::Signpost;
use crate::store::{Activity, DraftWrite, Settings, Vault};
use crate::synth::SyntheticCalls;
use crate::themes::ThemeList;

/// The demo store holds only synthetic calls, so its passphrase is public:
/// it is there to be looked at, not to protect anything.
pub const DEMO_PASSPHRASE: &str = "quietline demo store: synthetic calls only";
const DEMO_CALLS: usize = 1500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct StoreStatus {
    /// Whether the volunteer's own store has been created.
    pub exists: bool,
    pub unlocked: bool,
    /// Whether the unlocked store is the demo store of synthetic calls.
    pub demo: bool,
    /// In the demo: what it cannot do, for the screens to say where those
    /// actions would be. Empty otherwise.
    pub demo_note: String,
}

/// Answer to creating a store: the recovery key, shown once to write down.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Created {
    /// Eight groups of four characters and a check character.
    pub recovery_key: String,
}

/// Answer to saving a new call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Logged {
    /// The saved call's id, for Undo.
    pub id: String,
    /// What was logged and when: "Hang-up logged at 14:32."
    pub message: String,
    /// A blank form for the next call.
    pub next: CallForm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct OpenedCall {
    pub id: String,
    pub form: CallForm,
    pub logged_by: String,
    /// "14 Mar 2024 09:35", local.
    pub logged_at: String,
    pub updated_at: String,
    /// The call's themes with the labels of the theme list it was logged
    /// under, which may differ from today's.
    pub theme_labels: Vec<super::vocabulary::Choice>,
    /// That theme list's version, and whether it is older than the one new
    /// calls use: changing the themes files the call under the current list.
    pub theme_list_version: u32,
    pub older_theme_list: bool,
    /// Whether the call is on legal hold (its notes are never shredded).
    pub held: bool,
    /// "Notes and exact times shredded on 2 Dec 2026", or empty.
    pub shredded: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct AppSettings {
    pub display_name: String,
    /// An IANA time zone name, e.g. `Europe/London`.
    pub time_zone: String,
    pub idle_lock_minutes: u32,
    /// The idle time before locking while the call timer runs.
    pub call_idle_lock_minutes: u32,
    pub signposting: Vec<Signpost>,
    /// The coordinator's key (`age1…`) returns are encrypted to; empty if none.
    pub coordinator_key: String,
    /// Sent: the saved key's fingerprint. Received: the fingerprint the
    /// volunteer typed to confirm a changed key, as the coordinator read
    /// it to them (see [`confirmed_coordinator_key`]).
    #[serde(default)]
    pub coordinator_key_fingerprint: String,
    /// Check for a newer Quietline after each unlock (off until turned on).
    #[serde(default)]
    pub check_for_updates: bool,
}

/// Whether a store exists in `dir`, for the screen shown before unlocking.
pub fn store_status(dir: &Path) -> StoreStatus {
    StoreStatus {
        exists: Vault::exists(dir),
        unlocked: false,
        demo: false,
        demo_note: String::new(),
    }
}

pub struct Session {
    vault: Vault,
    /// Whether the call being logged has its timer running, as its draft
    /// last said: the idle lock then waits longer.
    timer_running: bool,
}

fn call_id(text: &str) -> Result<CallId, AppError> {
    text.parse()
        .map_err(|_| AppError::new(ErrorCode::NotFound, "That call is not in the log."))
}

impl Session {
    fn new(vault: Vault) -> Session {
        let mut session = Session {
            vault,
            timer_running: false,
        };
        // A call whose timer ran when the app was locked or closed is
        // still in progress.
        session.timer_running =
            matches!(session.draft(), Ok(Some(f)) if f.timer_started_ms.is_some());
        session
    }

    /// Creates the volunteer's store. The recovery key is returned once and
    /// never stored in readable form.
    pub fn create(dir: &Path, passphrase: &str) -> Result<(Session, Created), AppError> {
        let passphrase = chosen_passphrase(passphrase)?;
        let (vault, recovery) = Vault::create(dir, &passphrase)?;
        let created = Created {
            recovery_key: recovery.to_display().to_string(),
        };
        Ok((Session::new(vault), created))
    }

    /// Unlocks, and records the unlock with the number of wrong
    /// passphrases typed before it since the app started.
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Session, AppError> {
        let vault = activity::unlock(dir, &Passphrase::new(passphrase), Utc::now())?;
        Ok(Session::new(vault))
    }

    /// Sets a new passphrase with the recovery key, and unlocks.
    pub fn recover(
        dir: &Path,
        recovery_key: &str,
        new_passphrase: &str,
    ) -> Result<Session, AppError> {
        // The key first: a typing mistake in it is caught by its check
        // character, before any key derivation.
        let recovery = RecoveryKey::parse(recovery_key)?;
        let new_passphrase = chosen_passphrase(new_passphrase)?;
        let vault = activity::recover(dir, &recovery, &new_passphrase, Utc::now())?;
        Ok(Session::new(vault))
    }

    /// Opens the demo store in `dir`, filling it with synthetic calls from
    /// the last three years the first time.
    pub fn open_demo(dir: &Path, now: DateTime<Utc>) -> Result<Session, AppError> {
        let passphrase = Passphrase::new(DEMO_PASSPHRASE);
        if Vault::exists(dir) {
            let mut vault = Vault::open(dir, &passphrase)?;
            // A demo made before the mark existed gets it now, and loses
            // the draft it was allowed to keep then.
            if !vault.is_demo() {
                vault.mark_demo()?;
                vault.clear_draft()?;
            }
            return Ok(Session::new(vault));
        }
        // Keep the vault just created: opening it again would only derive
        // the same key a second time.
        let (mut vault, _recovery) = Vault::create(dir, &passphrase)?;
        vault.mark_demo()?;
        vault.update_settings(Settings {
            display_name: "Demo volunteer".into(),
            ..Settings::default()
        })?;
        let mut batch = vault.begin_import(now)?;
        let first_year = now.year() - 2;
        for call in SyntheticCalls::new(7, first_year, 3)
            .filter(|c| c.facts.started_at <= now)
            .take(DEMO_CALLS)
        {
            batch.add(&call)?;
        }
        batch.commit()?;
        Ok(Session::new(vault))
    }

    /// What to warn about from opening the store (its folder could not be
    /// made private), for the log; no secret is in it.
    pub fn opening_warning(&self) -> Option<&str> {
        self.vault.opening_warning()
    }

    pub fn status(&self) -> StoreStatus {
        StoreStatus {
            exists: true,
            unlocked: true,
            demo: self.vault.is_demo(),
            demo_note: super::demo::demo_note(&self.vault),
        }
    }

    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary::new(self.vault.themes().current())
    }

    /// A blank form for a call starting now, in the helpline's time zone,
    /// with the id it will be saved under.
    pub fn new_form(&self, now: DateTime<Utc>) -> Result<CallForm, AppError> {
        let generation = self.vault.draft_generation()?;
        Ok(CallForm::starting_at(
            now,
            self.vault.settings().time_zone,
            generation,
        ))
    }

    fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.vault.settings().time_zone)
            .date_naive()
    }

    /// Saves the call typed into `form` and closes its draft. Saving the
    /// same form again replaces the call it saved: never two calls.
    pub fn log_call(&mut self, form: &CallForm, now: DateTime<Utc>) -> Result<Logged, AppError> {
        let call = form.to_new_call(self.vault.settings().time_zone, self.today(now))?;
        let id = form.call_id()?;
        let saved = self
            .vault
            .save_form_call(id, &call, form.draft_generation, now)?;
        self.timer_running = false;
        let tz = self.vault.settings().time_zone;
        let at = now.with_timezone(&tz).format("%H:%M").to_string();
        let message = logged_message(call.facts.call_type, &at, saved.replaced);
        Ok(Logged {
            id: id.to_string(),
            message,
            next: CallForm::starting_at(now, tz, saved.next_generation),
        })
    }

    /// Logs a short call (silent, hang-up…) from `form` at once: only its
    /// start and length are kept (see [`CallForm::short_call`]).
    pub fn log_short_call(
        &mut self,
        form: &CallForm,
        call_type: &str,
        now: DateTime<Utc>,
    ) -> Result<Logged, AppError> {
        let call_type: CallType = call_type
            .parse()
            .map_err(|_| AppError::invalid(Field::CallType, "Choose what kind of call it was"))?;
        self.log_call(&form.short_call(call_type), now)
    }

    /// Takes back a call just logged: deletes it and gives back `form` (the
    /// form as it was before saving) to carry on with, under a new id and
    /// kept as the draft, so a lock straight after loses nothing.
    pub fn undo_log(&mut self, id: &str, form: &CallForm) -> Result<CallForm, AppError> {
        self.vault.delete_call_recorded(call_id(id)?, Utc::now())?;
        let mut restored = form.clone();
        restored.id = CallId::random().to_string();
        restored.draft_generation = self.vault.draft_generation()?;
        if !self.vault.is_demo() {
            self.save_draft(&restored)?;
        }
        Ok(restored)
    }

    pub fn open_call(&self, id: &str) -> Result<OpenedCall, AppError> {
        let call = self.vault.call(call_id(id)?)?;
        let tz = self.vault.settings().time_zone;
        let themes = self.vault.themes();
        let version = call.summary.theme_list_version;
        let shown = |t: DateTime<Utc>| t.with_timezone(&tz).format("%-d %b %Y %H:%M").to_string();
        Ok(OpenedCall {
            id: call.summary.id.to_string(),
            form: CallForm::from_call(&call, tz),
            logged_by: call.summary.logged_by.clone(),
            logged_at: shown(call.summary.created_at),
            updated_at: shown(call.summary.updated_at),
            theme_labels: call
                .summary
                .facts
                .themes
                .iter()
                .map(|id| super::vocabulary::Choice {
                    id: id.clone(),
                    label: themes.label(version, id).unwrap_or(id).to_string(),
                })
                .collect(),
            theme_list_version: version,
            older_theme_list: version < themes.current().version,
            held: self.vault.keeping()?.is_held(call.summary.id),
            shredded: call
                .summary
                .shredded_on
                .map(|on| {
                    format!(
                        "Notes, safeguarding details and exact times shredded on {} under the \
                         retention policy.",
                        on.format("%-d %b %Y")
                    )
                })
                .unwrap_or_default(),
        })
    }

    pub fn update_call(
        &mut self,
        id: &str,
        form: &CallForm,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let call = form.to_new_call(self.vault.settings().time_zone, self.today(now))?;
        self.vault.update_call_recorded(call_id(id)?, &call, now)?;
        Ok(())
    }

    /// Deletes a call, and erases it from the backups in the backup folder
    /// (or, while the folder cannot be reached, remembers to).
    pub fn delete_call(&mut self, id: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        self.vault.delete_call_recorded(call_id(id)?, now)?;
        // The deletion stands either way; what the backups still owe is
        // recorded and applied the next time the folder is there.
        let _ = keeping::catch_up_backups(&mut self.vault, now);
        Ok(())
    }

    pub fn backup_status(&self, now: DateTime<Utc>) -> Result<BackupStatus, AppError> {
        keeping::status(&self.vault, now)
    }

    pub fn choose_backups(
        &mut self,
        choice: &BackupChoice,
        now: DateTime<Utc>,
    ) -> Result<BackupStatus, AppError> {
        keeping::choose(&mut self.vault, choice, now)
    }

    pub fn back_up_now(&mut self, now: DateTime<Utc>) -> Result<BackupMade, AppError> {
        keeping::back_up_now(&mut self.vault, now)
    }

    /// `quietline backup -o FILE`.
    pub fn back_up_to(&mut self, path: &Path, now: DateTime<Utc>) -> Result<BackupMade, AppError> {
        keeping::back_up_to(&mut self.vault, path, now)
    }

    /// On locking and while open: backs up when a day has passed.
    pub fn back_up_if_due(&mut self, now: DateTime<Utc>) -> Result<Option<BackupMade>, AppError> {
        keeping::back_up_if_due(&mut self.vault, now)
    }

    /// At unlock and daily: the retention policy and what backups owe.
    pub fn housekeeping(&mut self, now: DateTime<Utc>) -> Result<(), AppError> {
        keeping::housekeeping(&mut self.vault, now)
    }

    pub fn retention(&self) -> Result<RetentionView, AppError> {
        keeping::retention(&self.vault)
    }

    pub fn preview_shred(&self, months: u32, now: DateTime<Utc>) -> Result<ShredPreview, AppError> {
        keeping::preview_shred(&self.vault, months, now)
    }

    pub fn set_retention(
        &mut self,
        months: u32,
        now: DateTime<Utc>,
    ) -> Result<ShredDone, AppError> {
        keeping::set_retention(&mut self.vault, months, now)
    }

    pub fn shred(&mut self, now: DateTime<Utc>) -> Result<ShredDone, AppError> {
        keeping::shred(&mut self.vault, now)
    }

    pub fn hold(&mut self, id: &str, now: DateTime<Utc>) -> Result<String, AppError> {
        keeping::hold(&mut self.vault, call_id(id)?, now)
    }

    pub fn release_hold(&mut self, id: &str) -> Result<String, AppError> {
        keeping::release(&mut self.vault, call_id(id)?, Utc::now())
    }

    /// Restores a backup as this laptop's call log (see
    /// [`keeping::restore`]) and opens it.
    pub fn restore(
        dir: &Path,
        request: &RestoreRequest,
        now: DateTime<Utc>,
    ) -> Result<(Session, Restored), AppError> {
        let (vault, restored) = keeping::restore(dir, request, now)?;
        Ok((Session::new(vault), restored))
    }

    pub fn list_calls(
        &self,
        filter: &CallFilter,
        now: DateTime<Utc>,
    ) -> Result<CallList, AppError> {
        let calls = self.vault.all_calls()?;
        list_calls(
            &calls,
            filter,
            now,
            self.vault.settings().time_zone,
            self.vault.themes(),
        )
    }

    pub fn settings(&self) -> AppSettings {
        let s = self.vault.settings();
        AppSettings {
            display_name: s.display_name.clone(),
            time_zone: s.time_zone.name().to_string(),
            idle_lock_minutes: s.idle_lock_minutes,
            call_idle_lock_minutes: s.call_idle_lock_minutes,
            signposting: s.signposting.clone(),
            coordinator_key: s.coordinator_key.clone().unwrap_or_default(),
            coordinator_key_fingerprint: profile::shown_key_fingerprint(
                s.coordinator_key.as_deref(),
            ),
            check_for_updates: s.check_for_updates,
        }
    }

    /// Changes the settings; a new time zone re-files every call by its new
    /// local month, which takes a moment on a large store.
    pub fn update_settings(&mut self, new: &AppSettings) -> Result<AppSettings, AppError> {
        let time_zone = new.time_zone.trim().parse().map_err(|_| {
            AppError::invalid(
                Field::TimeZone,
                format!(
                    "'{}' is not a time zone Quietline knows; choose one from the list",
                    new.time_zone
                ),
            )
        })?;
        let coordinator_key = confirmed_coordinator_key(
            self.vault.settings().coordinator_key.as_deref(),
            &new.coordinator_key,
            &new.coordinator_key_fingerprint,
        )?;
        self.vault.update_settings(Settings {
            coordinator_key,
            time_zone,
            display_name: typed_display_name(&new.display_name),
            idle_lock_minutes: new.idle_lock_minutes,
            call_idle_lock_minutes: new.call_idle_lock_minutes,
            check_for_updates: new.check_for_updates,
            signposting: new
                .signposting
                .iter()
                .filter(|s| !(s.name.trim().is_empty() && s.contact.trim().is_empty()))
                .map(|s| Signpost {
                    name: s.name.trim().to_string(),
                    contact: s.contact.trim().to_string(),
                })
                .collect(),
        })?;
        Ok(self.settings())
    }

    /// Changes the passphrase after checking the current one.
    pub fn change_passphrase(&mut self, current: &str, new: &str) -> Result<(), AppError> {
        if self.vault.is_demo() {
            return Err(AppError::new(
                ErrorCode::Failed,
                "The demo store's passphrase cannot be changed; it holds only synthetic calls.",
            ));
        }
        if !self
            .vault
            .is_current_passphrase(&Passphrase::new(current))?
        {
            return Err(current_passphrase_wrong());
        }
        let new = chosen_passphrase(new).map_err(|e| AppError {
            field: Some(Field::NewPassphrase),
            ..e
        })?;
        activity::change_passphrase(&mut self.vault, &new, Utc::now())?;
        Ok(())
    }

    pub fn profile(&mut self) -> Result<ProfileView, AppError> {
        profile::show(&mut self.vault)
    }

    pub fn check_profile_file(&mut self, path: &str) -> Result<ProfileFile, AppError> {
        profile::check_file(&mut self.vault, path)
    }

    pub fn import_profile(&mut self, request: &ProfileImport) -> Result<ProfileApplied, AppError> {
        profile::import(&mut self.vault, request, Utc::now())
    }

    pub fn set_profile_details(
        &mut self,
        details: &ProfileDetails,
    ) -> Result<ProfileView, AppError> {
        profile::set_details(&mut self.vault, details)
    }

    pub fn export_profile(
        &mut self,
        path: &str,
        now: DateTime<Utc>,
    ) -> Result<ProfileExported, AppError> {
        profile::export(&mut self.vault, path, now)
    }

    /// Starts the theme list editor's draft (Quietline's 2025 list with
    /// `shipped`).
    pub fn start_theme_draft(
        &mut self,
        shipped: bool,
        now: DateTime<Utc>,
    ) -> Result<ThemeDraftView, AppError> {
        let today = self.today(now);
        themes::start_draft(&mut self.vault, shipped, today)
    }

    pub fn edit_theme_draft(
        &mut self,
        request: &ThemeDraftEdit,
        now: DateTime<Utc>,
    ) -> Result<ThemeDraftView, AppError> {
        let today = self.today(now);
        themes::edit_draft(&mut self.vault, request, today)
    }

    /// Publishes the draft; new calls are logged under it from now on.
    pub fn publish_theme_draft(&mut self, draft: &ThemeList) -> Result<ProfileView, AppError> {
        let version = themes::publish_draft(&mut self.vault, draft)?;
        self.record(&Activity::ThemeListPublished { version }, Utc::now())?;
        profile::show(&mut self.vault)
    }

    /// The annual report for the coordinators' screen, with small numbers
    /// withheld when the request asks.
    pub fn report(&self, request: &ReportRequest) -> Result<ReportView, AppError> {
        let report = report::build(&self.vault, request)?;
        Ok(ReportView::of(&report, report::default_export_folder()))
    }

    /// Saves the report at `path` (a file, or a folder for the suggested
    /// name) without replacing any file already there. The HTML carries
    /// `narrative` as the coordinator edited it; the counts are computed
    /// again from `request`, never taken from the screen.
    pub fn export_report(
        &mut self,
        request: &ReportRequest,
        narrative: &[String],
        format: ExportFormat,
        path: &str,
    ) -> Result<Exported, AppError> {
        let report = report::build(&self.vault, request)?;
        let stem = report::file_stem(&report);
        let period = report.period.label.clone();
        let target = report::export_target(path, &stem, format.extension())?;
        let bytes = report::render(report, narrative, format)?;
        let written = report::write_new_file(&target, &bytes)?;
        let path = written.display().to_string();
        self.record(
            &Activity::ReportWritten {
                path: path.clone(),
                period,
            },
            Utc::now(),
        )?;
        Ok(Exported { path })
    }

    /// Keeps the form being typed, sealed. A write from a form that has
    /// been saved or cleared since is dropped: returns whether it was kept.
    pub fn save_draft(&mut self, form: &CallForm) -> Result<bool, AppError> {
        if self.vault.is_demo() {
            // The idle lock still waits longer while a call's timer runs.
            self.timer_running = form.timer_started_ms.is_some();
            refuse_in_demo(&self.vault, DemoAction::KeepDraft)?;
        }
        let json = zeroize::Zeroizing::new(
            serde_json::to_vec(form).map_err(|e| AppError::invalid(Field::Draft, e.to_string()))?,
        );
        let kept = self.vault.save_draft(form.draft_generation, &json)? == DraftWrite::Kept;
        if kept {
            self.timer_running = form.timer_started_ms.is_some();
        }
        Ok(kept)
    }

    /// The draft left by a lock, a crash or closing the app, if any. A draft
    /// that no longer reads as a form is discarded rather than blocking work.
    pub fn draft(&self) -> Result<Option<CallForm>, AppError> {
        let Some(bytes) = self.vault.draft()? else {
            return Ok(None);
        };
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// Discards the form being typed and its draft; returns a blank form.
    pub fn clear_form(&mut self, now: DateTime<Utc>) -> Result<CallForm, AppError> {
        let generation = self.vault.clear_draft()?;
        self.timer_running = false;
        Ok(CallForm::starting_at(
            now,
            self.vault.settings().time_zone,
            generation,
        ))
    }

    /// How long the app may sit without a key press before it locks:
    /// longer while a call's timer runs, since calls are mostly listening.
    pub fn idle_lock_after(&self) -> Duration {
        let s = self.vault.settings();
        let minutes = if self.timer_running {
            s.call_idle_lock_minutes
        } else {
            s.idle_lock_minutes
        };
        Duration::from_secs(u64::from(minutes) * 60)
    }

    /// What the Returns screen needs: this store's fingerprint, the saved
    /// coordinator key, and its own coordinator key if it has one.
    pub fn returns_overview(&mut self, now: DateTime<Utc>) -> Result<ReturnsOverview, AppError> {
        returns::overview(&mut self.vault, now)
    }

    /// Makes a return for the coordinator whose key is saved in Settings
    /// and saves it at `request.path`, never over an existing file.
    pub fn create_return(
        &mut self,
        request: &ReturnRequest,
        now: DateTime<Utc>,
    ) -> Result<ReturnMade, AppError> {
        returns::create(&mut self.vault, request, now)
    }

    /// Gives this store a coordinator key (kept if it already has one).
    pub fn become_coordinator(&mut self, now: DateTime<Utc>) -> Result<ReturnsOverview, AppError> {
        returns::become_coordinator(&mut self.vault)?;
        returns::overview(&mut self.vault, now)
    }

    /// Opens and checks each file without merging anything.
    pub fn check_returns(&self, paths: &[String]) -> Result<Vec<ReturnFile>, AppError> {
        returns::check_files(&self.vault, paths)
    }

    /// Merges each file in its own transaction; one refused file does not
    /// stop the others.
    pub fn merge_returns(
        &mut self,
        request: &MergeRequest,
        now: DateTime<Utc>,
    ) -> Result<Vec<MergeResult>, AppError> {
        returns::merge(&mut self.vault, request, now)
    }

    /// The activity record from `since` (a local day) on, oldest first,
    /// its chain checked.
    pub fn activity(&self, since: Option<chrono::NaiveDate>) -> Result<ActivityList, AppError> {
        activity::list(&self.vault, since)
    }

    /// Adds an entry to the activity record after the action it records.
    fn record(&mut self, what: &Activity, now: DateTime<Utc>) -> Result<(), AppError> {
        self.vault.record_activity(what, now)?;
        Ok(())
    }

    pub fn volunteers(&self) -> Result<Vec<VolunteerRow>, AppError> {
        returns::volunteers(&self.vault)
    }

    /// Refuses a volunteer's future returns; what was merged stays.
    pub fn revoke_volunteer(
        &mut self,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<VolunteerRow>, AppError> {
        returns::revoke(&mut self.vault, fingerprint, now)
    }

    /// Removes a revoked volunteer's merged calls, once the coordinator
    /// has confirmed.
    pub fn purge_volunteer(
        &mut self,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<returns::Purged, AppError> {
        returns::purge_volunteer(&mut self.vault, fingerprint, now)
    }
}

/// The display name as typed into Settings or `quietline settings`:
/// without the spaces around it.
pub fn typed_display_name(typed: &str) -> String {
    typed.trim().to_string()
}

/// The coordinator key as typed: trimmed, and none when nothing is left
/// (clearing the box, or `--coordinator-key ""`, removes it).
pub fn typed_coordinator_key(typed: &str) -> Option<String> {
    let key = typed.trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// A coordinator key typed by hand, kept only when it is the key already
/// saved or the volunteer typed the fingerprint the coordinator read out to
/// them: a spoofed "our key has changed" email would otherwise receive
/// every later return. Both front doors call this.
pub fn confirmed_coordinator_key(
    saved: Option<&str>,
    typed: &str,
    fingerprint: &str,
) -> Result<Option<String>, AppError> {
    let Some(key) = typed_coordinator_key(typed) else {
        return Ok(None);
    };
    let parsed = crate::returns::CoordinatorKey::parse(&key).map_err(|e| AppError {
        field: Some(Field::CoordinatorKey),
        ..AppError::from(e)
    })?;
    let key = parsed.to_string();
    if saved == Some(key.as_str()) {
        return Ok(Some(key));
    }
    let expected = parsed.fingerprint();
    if !expected.matches(fingerprint) {
        let message = if fingerprint.trim().is_empty() {
            format!(
                "This key's fingerprint is {expected}. Ring your coordinator, ask them to read \
                 theirs to you, and type it here to confirm; never trust a key from an email alone."
            )
        } else {
            format!(
                "That does not match this key's fingerprint ({expected}). Do not use this key: \
                 ring your coordinator and tell them."
            )
        };
        return Err(AppError::invalid(Field::Fingerprint, message));
    }
    Ok(Some(key))
}

/// The fingerprint of a coordinator key as typed, to show beside it.
pub fn coordinator_key_fingerprint(typed: &str) -> Result<String, AppError> {
    let key = crate::returns::CoordinatorKey::parse(typed.trim()).map_err(|e| AppError {
        field: Some(Field::CoordinatorKey),
        ..AppError::from(e)
    })?;
    Ok(key.fingerprint().to_string())
}

/// How the saved-call message names each kind of call.
fn logged_name(call_type: CallType) -> &'static str {
    match call_type {
        CallType::Substantive => "Call",
        CallType::Silent => "Silent call",
        CallType::HangUp => "Hang-up",
        CallType::WrongNumber => "Wrong-number call",
        CallType::InformationOnly => "Information-only call",
    }
}

/// What the volunteer is told once a call is saved at local time `at`.
fn logged_message(call_type: CallType, at: &str, replaced: bool) -> String {
    let what = logged_name(call_type);
    if replaced {
        format!("{what} saved again at {at}; it is still one call.")
    } else {
        format!("{what} logged at {at}.")
    }
}

/// Changing the passphrase when the current one typed is not the store's.
pub(super) fn current_passphrase_wrong() -> AppError {
    AppError {
        field: Some(Field::CurrentPassphrase),
        ..AppError::new(
            ErrorCode::WrongPassphrase,
            "The current passphrase is not right, so nothing was changed.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the app says once a call is saved or a return merged, for the
    /// browser tests' stand-in backend, so it writes no message of its own:
    /// per call type, the first save and a save again, with `{at}` for the
    /// time; the merge sentences with `{volunteer}`, `{period}` and the
    /// counts named. Regenerated by `cargo test`; CI fails if the committed
    /// copy is stale.
    #[test]
    fn export_messages_for_the_browser_tests() {
        let logged: std::collections::BTreeMap<&str, [String; 2]> = CallType::ALL
            .iter()
            .map(|t| {
                (
                    t.id(),
                    [
                        logged_message(*t, "{at}", false),
                        logged_message(*t, "{at}", true),
                    ],
                )
            })
            .collect();
        assert_eq!(logged["hang_up"][0], "Hang-up logged at {at}.");
        let messages = serde_json::json!({
            "logged": logged,
            "merged": super::returns::merged_sentence(
                "{volunteer}",
                "{period}",
                [&"{added}", &"{updated}", &"{unchanged}", &"{removed}"],
            ),
            "already_merged": super::returns::already_merged_sentence("{volunteer}", "{period}"),
            "purged": super::returns::purged_sentence("{calls}", "{volunteer}"),
            "demo_note": super::super::demo::note(),
        });
        let mut json = serde_json::to_string_pretty(&messages).unwrap();
        json.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/lib/testing/messages.json");
        std::fs::write(path, json).unwrap();
    }
}
