//! The one unlocked session, and the idle lock.
//!
//! Locking drops the [`Session`], which zeroes its keys. The idle lock runs
//! here rather than only in the web view, so a frozen or sleeping window
//! still locks; the web view is told, and reloads to forget what it showed.
//!
//! Keeping runs here too: a backup when due on locking (after the lock,
//! never holding it up) and, while unlocked, the hourly look at whether a
//! backup or the retention policy is due.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use quietline::app::{AppError, ErrorCode, Session, StoreStatus, store_status};
use tauri::{AppHandle, Emitter, Manager};

/// The event the web view hears when the store has been locked.
pub const LOCKED_EVENT: &str = "quietline://locked";
/// The event the web view hears shortly before an idle lock, with the
/// seconds left, so a volunteer listening to a caller can stay unlocked.
pub const LOCKING_SOON_EVENT: &str = "quietline://locking-soon";
/// How long before an idle lock the warning shows.
const WARN_BEFORE: Duration = Duration::from_secs(30);
/// How often, while unlocked, the watcher asks whether a backup or the
/// retention policy is due (each does its work at most once a day).
const KEEPING_EVERY: Duration = Duration::from_secs(60 * 60);

pub struct SessionHolder {
    store_dir: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    session: Option<Session>,
    last_activity: Instant,
    /// Whether the coming idle lock has been announced.
    warned: bool,
}

/// What the idle watcher found.
#[derive(Debug, PartialEq, Eq)]
enum Idle {
    Active,
    /// The lock is this many seconds away: warn.
    LockingIn(u64),
    Locked,
}

impl SessionHolder {
    pub fn new(store_dir: PathBuf) -> SessionHolder {
        SessionHolder {
            store_dir,
            inner: Mutex::new(Inner {
                session: None,
                last_activity: Instant::now(),
                warned: false,
            }),
        }
    }

    pub fn store_dir(&self) -> &Path {
        &self.store_dir
    }

    /// The demo store sits beside the real one and never shares its file.
    pub fn demo_dir(&self) -> PathBuf {
        let name = self
            .store_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "quietline".into());
        self.store_dir.with_file_name(format!("{name}-demo"))
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves no half-written state worth
        // keeping: the session is dropped and the volunteer unlocks again.
        self.inner.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            inner.session = None;
            inner
        })
    }

    pub fn put(&self, session: Session) {
        let mut inner = self.lock_inner();
        inner.session = Some(session);
        inner.last_activity = Instant::now();
        inner.warned = false;
    }

    /// Locks at once: the session leaves the holder before anything else,
    /// then backs up on its own thread if a backup is due and is dropped
    /// (with its keys). Returns whether one was open.
    pub fn lock(&self) -> bool {
        let taken = self.take();
        let was_open = taken.is_some();
        back_up_then_drop(taken);
        was_open
    }

    /// Takes the session out, locked from here on, for the caller to drop.
    pub fn take(&self) -> Option<Session> {
        self.lock_inner().session.take()
    }

    /// The volunteer did something: restart the idle clock.
    pub fn touch(&self) {
        let mut inner = self.lock_inner();
        inner.last_activity = Instant::now();
        inner.warned = false;
    }

    /// Runs `f` on the unlocked session, counting it as activity.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut inner = self.lock_inner();
        inner.last_activity = Instant::now();
        inner.warned = false;
        let session = inner.session.as_mut().ok_or_else(AppError::locked)?;
        f(session)
    }

    /// Runs `f` on the unlocked session, if there is one, without counting
    /// it as activity: for work the app does on its own (housekeeping,
    /// automatic backups), which must never keep the store unlocked.
    pub fn with_quietly<T>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, AppError>,
    ) -> Option<Result<T, AppError>> {
        let mut inner = self.lock_inner();
        inner.session.as_mut().map(f)
    }

    /// What runs after unlocking and then hourly: the retention policy
    /// and what the backups are owed, and, with `back_up`, a backup if one
    /// is due. Failures go to the local log; the warning on the Log a call
    /// screen tells the volunteer what matters.
    pub fn keep_quietly(&self, back_up: bool) {
        let now = Utc::now();
        let done = self.with_quietly(|s| {
            if back_up {
                s.back_up_if_due(now)?;
            }
            s.housekeeping(now)
        });
        if let Some(Err(e)) = done {
            log_error("housekeeping", &e);
        }
    }

    /// Whether a store exists, and whether it is unlocked (and the demo).
    /// The window asks this on its own, so unlike [`SessionHolder::with`]
    /// it is not activity: asking never keeps the store unlocked.
    pub fn status(&self) -> StoreStatus {
        let mut status = store_status(&self.store_dir);
        if let Some(session) = &self.lock_inner().session {
            let open = session.status();
            status.unlocked = true;
            status.demo = open.demo;
            status.demo_note = open.demo_note;
        }
        status
    }

    /// Locks if the session has been idle longer than it allows (longer
    /// while a call's timer runs), and says when the lock is near.
    fn check_idle(&self) -> Idle {
        let mut inner = self.lock_inner();
        let Some(session) = &inner.session else {
            return Idle::Active;
        };
        let found = idle_state(
            inner.last_activity.elapsed(),
            session.idle_lock_after(),
            inner.warned,
        );
        match found {
            Idle::Locked => {
                let taken = inner.session.take();
                drop(inner);
                back_up_then_drop(taken);
            }
            Idle::LockingIn(_) => inner.warned = true,
            Idle::Active => {}
        }
        found
    }
}

/// A session just locked: backs it up if a backup is due, on its own
/// thread so that locking never waits for the backup folder (a slow or
/// missing drive), then drops it, which zeroes its keys.
fn back_up_then_drop(session: Option<Session>) {
    let Some(mut session) = session else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("backup on lock".into())
        .spawn(move || {
            if let Err(e) = session.back_up_if_due(Utc::now()) {
                log_error("backup on lock", &e);
            }
            drop(session);
        });
    if let Err(e) = spawned {
        // The session went with the closure: it is dropped all the same.
        eprintln!("quietline: no backup on locking: {e}");
    }
}

/// What `idle` time means when `allowed` is the limit: lock, warn (once:
/// `warned` says it has been), or nothing yet.
fn idle_state(idle: Duration, allowed: Duration, warned: bool) -> Idle {
    if idle >= allowed {
        return Idle::Locked;
    }
    let left = allowed - idle;
    if left <= WARN_BEFORE && !warned {
        return Idle::LockingIn(left.as_secs_f64().ceil() as u64);
    }
    Idle::Active
}

/// Checks every second whether the idle time has run out or nearly has,
/// and hourly whether a backup or the retention policy is due.
pub fn watch_for_idle(app: AppHandle) {
    std::thread::spawn(move || {
        let mut last_kept = Instant::now();
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let holder = app.state::<SessionHolder>();
            if last_kept.elapsed() >= KEEPING_EVERY {
                last_kept = Instant::now();
                holder.keep_quietly(true);
            }
            let told = match holder.check_idle() {
                Idle::Locked => app.emit(LOCKED_EVENT, "idle"),
                Idle::LockingIn(seconds) => app.emit(LOCKING_SOON_EVENT, seconds),
                Idle::Active => Ok(()),
            };
            if let Err(e) = told {
                eprintln!("quietline: could not tell the window about the idle lock: {e}");
            }
        }
    });
}

/// Storage detail goes to the local log (standard error), never the screen.
pub fn log_error(operation: &str, e: &AppError) {
    if e.code == ErrorCode::Failed || e.code == ErrorCode::Damaged {
        eprintln!(
            "quietline: {operation}: {}",
            e.detail.as_deref().unwrap_or(&e.message)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    /// The window polls the status on its own; a volunteer who has walked
    /// away must still be locked out on time.
    #[test]
    fn asking_the_status_does_not_hold_off_the_idle_lock() {
        let dir = std::env::temp_dir().join(format!("quietline-shell-idle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let holder = SessionHolder::new(dir.join("store"));
        let (session, _created) =
            Session::create(holder.store_dir(), "synthetic test passphrase, idle").unwrap();
        holder.put(session);
        let long_ago = Instant::now().checked_sub(10 * MINUTE).unwrap();
        holder.lock_inner().last_activity = long_ago;

        let status = holder.status();
        assert!(status.exists && status.unlocked && !status.demo);
        assert_eq!(holder.lock_inner().last_activity, long_ago);
        assert_eq!(
            holder.check_idle(),
            Idle::Locked,
            "five idle minutes passed"
        );
        assert!(!holder.status().unlocked);

        // A command the volunteer gave does count.
        holder.put(Session::unlock(holder.store_dir(), "synthetic test passphrase, idle").unwrap());
        holder.lock_inner().last_activity = long_ago;
        holder.with(|s| Ok(s.status())).unwrap();
        assert_eq!(holder.check_idle(), Idle::Active);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Locking never waits for the backup folder: the session is gone at
    /// once, and the backup that was due is made afterwards.
    #[test]
    fn locking_is_at_once_and_the_due_backup_follows() {
        let dir = std::env::temp_dir().join(format!("quietline-shell-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let folder = dir.join("usb");
        std::fs::create_dir_all(&folder).unwrap();
        let holder = SessionHolder::new(dir.join("store"));
        let (mut session, _created) =
            Session::create(holder.store_dir(), "synthetic test passphrase, lock").unwrap();
        let choice = quietline::app::BackupChoice {
            folder: folder.display().to_string(),
            keep: 3,
            warn_after_days: 7,
        };
        session.choose_backups(&choice, Utc::now()).unwrap();
        holder.put(session);

        // Housekeeping on its own is not activity.
        let long_ago = Instant::now().checked_sub(10 * MINUTE).unwrap();
        holder.lock_inner().last_activity = long_ago;
        holder.keep_quietly(false);
        assert_eq!(holder.lock_inner().last_activity, long_ago);

        assert!(holder.lock());
        assert!(!holder.status().unlocked, "locked before any backup");
        let backed_up = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            std::fs::read_dir(&folder).is_ok_and(|mut d| d.next().is_some())
        });
        assert!(backed_up, "the backup due on locking was made");
        assert!(!holder.lock(), "nothing left to lock");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_idle_lock_warns_once_thirty_seconds_ahead_then_locks() {
        let allowed = 5 * MINUTE;
        assert_eq!(idle_state(4 * MINUTE, allowed, false), Idle::Active);
        assert_eq!(
            idle_state(allowed - Duration::from_secs(30), allowed, false),
            Idle::LockingIn(30)
        );
        assert_eq!(
            idle_state(allowed - Duration::from_millis(12_300), allowed, false),
            Idle::LockingIn(13)
        );
        assert_eq!(
            idle_state(allowed - Duration::from_secs(10), allowed, true),
            Idle::Active,
            "warned once"
        );
        assert_eq!(idle_state(allowed, allowed, true), Idle::Locked);
        // During a call the limit is longer: five idle minutes lock nothing.
        assert_eq!(idle_state(5 * MINUTE, 60 * MINUTE, false), Idle::Active);
    }
}
