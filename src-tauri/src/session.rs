//! The one unlocked session, and the idle lock.
//!
//! Locking drops the [`Session`], which zeroes its keys. The idle lock runs
//! here rather than only in the web view, so a frozen or sleeping window
//! still locks; the web view is told, and reloads to forget what it showed.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use quietline::app::{AppError, ErrorCode, Session, StoreStatus, store_status};
use tauri::{AppHandle, Emitter, Manager};

/// The event the web view hears when the store has been locked.
pub const LOCKED_EVENT: &str = "quietline://locked";
/// The event the web view hears shortly before an idle lock, with the
/// seconds left, so a volunteer listening to a caller can stay unlocked.
pub const LOCKING_SOON_EVENT: &str = "quietline://locking-soon";
/// How long before an idle lock the warning shows.
const WARN_BEFORE: Duration = Duration::from_secs(30);

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

    /// Drops the session (and its keys). Returns whether one was open.
    pub fn lock(&self) -> bool {
        self.lock_inner().session.take().is_some()
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

    /// Whether a store exists, and whether it is unlocked (and the demo).
    /// The window asks this on its own, so unlike [`SessionHolder::with`]
    /// it is not activity: asking never keeps the store unlocked.
    pub fn status(&self) -> StoreStatus {
        let mut status = store_status(&self.store_dir);
        if let Some(session) = &self.lock_inner().session {
            status.unlocked = true;
            status.demo = session.status().demo;
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
            Idle::Locked => inner.session = None,
            Idle::LockingIn(_) => inner.warned = true,
            Idle::Active => {}
        }
        found
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

/// Checks every second whether the idle time has run out or nearly has.
pub fn watch_for_idle(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let holder = app.state::<SessionHolder>();
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
