//! The one unlocked session, and the idle lock.
//!
//! Locking drops the [`Session`], which zeroes its keys. The idle lock runs
//! here rather than only in the web view, so a frozen or sleeping window
//! still locks; the web view is told, and reloads to forget what it showed.
//! Idleness counts time the laptop was asleep ([`SystemClock`]), and
//! locking never waits for a command that is using the session: a report
//! or profile read from a network folder that has stalled cannot hold the
//! lock button or the idle lock up (see [`Unlocked`]).
//!
//! Not done: hearing the system suspend or the screen lock (logind's
//! `PrepareForSleep` and `Lock` signals over D-Bus). The first tick after
//! waking locks a store idle for longer than allowed, asleep or not.
//!
//! Keeping runs here too: a backup when due on locking (after the lock,
//! never holding it up) and, while unlocked, the hourly look at whether a
//! backup or the retention policy is due.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

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

/// Where the idle lock reads the time. The system's is [`SystemClock`];
/// tests give their own, to suspend a laptop without closing a lid.
pub trait IdleClock: Send + Sync {
    fn now(&self) -> ClockReading;
}

/// One look at the clocks idleness is measured on: time since boot that
/// goes on counting while the laptop is suspended, and the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    pub since_boot: Duration,
    /// Since the Unix epoch.
    pub wall: Duration,
}

impl ClockReading {
    /// The time from `earlier` to this reading: the larger of what the
    /// two clocks say, so a sleep that one of them missed (or a wall clock
    /// set forward) counts, and a wall clock set back changes nothing.
    fn since(self, earlier: ClockReading) -> Duration {
        let boot = self.since_boot.saturating_sub(earlier.since_boot);
        let wall = self.wall.saturating_sub(earlier.wall);
        boot.max(wall)
    }
}

/// The operating system's clocks. `Instant` stops while Linux is
/// suspended (`CLOCK_MONOTONIC`), so a lid closed a minute after the last
/// key would open days later unlocked; `CLOCK_BOOTTIME` counts the
/// suspended time. Where that is not to be had, the wall clock catches a
/// sleep the monotonic clock missed.
pub struct SystemClock;

impl IdleClock for SystemClock {
    fn now(&self) -> ClockReading {
        ClockReading {
            since_boot: since_boot(),
            wall: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default(),
        }
    }
}

/// Linux's `CLOCK_BOOTTIME` and Apple's `CLOCK_MONOTONIC` count time
/// asleep; elsewhere (Windows) `Instant`, with the wall clock beside it.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn since_boot() -> Duration {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const CLOCK: libc::clockid_t = libc::CLOCK_BOOTTIME;
    #[cfg(target_vendor = "apple")]
    const CLOCK: libc::clockid_t = libc::CLOCK_MONOTONIC;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let done = unsafe { libc::clock_gettime(CLOCK, &mut ts) };
    match (done, u64::try_from(ts.tv_sec), u32::try_from(ts.tv_nsec)) {
        (0, Ok(secs), Ok(nanos)) => Duration::new(secs, nanos),
        _ => process_clock(),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn since_boot() -> Duration {
    process_clock()
}

/// Time since the process first asked, on the monotonic clock.
fn process_clock() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

pub struct SessionHolder {
    store_dir: PathBuf,
    clock: Box<dyn IdleClock>,
    inner: Mutex<Inner>,
}

/// The unlocked session, shared with the command using it. Locking takes
/// it out of the holder and marks it locked without waiting for that
/// command (which may be stuck writing to a network folder, or a pipe
/// nobody reads): what the command does next finds it locked, and its keys
/// are zeroed when the last user lets go of it.
struct Unlocked {
    locked: AtomicBool,
    session: Mutex<Session>,
}

impl Unlocked {
    /// The session, unless it was locked while waiting for it.
    fn open(&self) -> Option<MutexGuard<'_, Session>> {
        // A panic mid-command leaves nothing worth keeping: lock.
        let guard = self.session.lock().ok()?;
        (!self.locked.load(Ordering::SeqCst)).then_some(guard)
    }
}

/// What the holder keeps about the session. Its mutex is held only for
/// moments, never while a command runs, so locking never waits for one.
struct Inner {
    session: Option<Arc<Unlocked>>,
    /// Whether the unlocked store is the demo, for the status, and what
    /// the window says about it.
    demo: bool,
    demo_note: String,
    /// How long the session may stay idle, as it said after the last
    /// command (longer while a call's timer runs).
    idle_allowed: Duration,
    last_activity: ClockReading,
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
        SessionHolder::with_clock(store_dir, Box::new(SystemClock))
    }

    pub fn with_clock(store_dir: PathBuf, clock: Box<dyn IdleClock>) -> SessionHolder {
        let now = clock.now();
        SessionHolder {
            store_dir,
            clock,
            inner: Mutex::new(Inner {
                session: None,
                demo: false,
                demo_note: String::new(),
                idle_allowed: Duration::ZERO,
                last_activity: now,
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
        // keeping: the session is locked and the volunteer unlocks again.
        self.inner.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            if let Some(taken) = inner.session.take() {
                taken.locked.store(true, Ordering::SeqCst);
            }
            inner
        })
    }

    pub fn put(&self, session: Session) {
        let open = session.status();
        let idle_allowed = session.idle_lock_after();
        let unlocked = Arc::new(Unlocked {
            locked: AtomicBool::new(false),
            session: Mutex::new(session),
        });
        let now = self.clock.now();
        let replaced = {
            let mut inner = self.lock_inner();
            inner.demo = open.demo;
            inner.demo_note = open.demo_note;
            inner.idle_allowed = idle_allowed;
            inner.last_activity = now;
            inner.warned = false;
            inner.session.replace(unlocked)
        };
        if let Some(old) = replaced {
            old.locked.store(true, Ordering::SeqCst);
        }
    }

    /// Locks at once, whatever command is running: the session leaves the
    /// holder and is marked locked before anything else, then backs up on
    /// its own thread if a backup is due and is dropped (with its keys).
    /// Returns whether one was open.
    pub fn lock(&self) -> bool {
        let taken = self.take();
        let was_open = taken.is_some();
        back_up_then_drop(taken);
        was_open
    }

    /// Takes the session out, locked from here on, for the caller to drop.
    fn take(&self) -> Option<Arc<Unlocked>> {
        let taken = self.lock_inner().session.take();
        if let Some(unlocked) = &taken {
            unlocked.locked.store(true, Ordering::SeqCst);
        }
        taken
    }

    /// The volunteer did something: restart the idle clock.
    pub fn touch(&self) {
        let now = self.clock.now();
        let mut inner = self.lock_inner();
        inner.last_activity = now;
        inner.warned = false;
    }

    /// The unlocked session, if any, restarting the idle clock if `active`.
    fn current(&self, active: bool) -> Option<Arc<Unlocked>> {
        let now = self.clock.now();
        let mut inner = self.lock_inner();
        if active {
            inner.last_activity = now;
            inner.warned = false;
        }
        inner.session.clone()
    }

    /// Runs `f` on the unlocked session, if it is still unlocked when its
    /// turn comes, then notes how long it may now stay idle.
    fn run<T>(
        &self,
        unlocked: &Unlocked,
        f: impl FnOnce(&mut Session) -> Result<T, AppError>,
    ) -> Option<Result<T, AppError>> {
        let mut session = unlocked.open()?;
        let result = f(&mut session);
        let idle_allowed = session.idle_lock_after();
        drop(session);
        let mut inner = self.lock_inner();
        if !unlocked.locked.load(Ordering::SeqCst) {
            inner.idle_allowed = idle_allowed;
        }
        Some(result)
    }

    /// Runs `f` on the unlocked session, counting it as activity.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let unlocked = self.current(true).ok_or_else(AppError::locked)?;
        self.run(&unlocked, f)
            .unwrap_or_else(|| Err(AppError::locked()))
    }

    /// Runs `f` on the unlocked session, if there is one, without counting
    /// it as activity: for work the app does on its own (housekeeping,
    /// automatic backups), which must never keep the store unlocked.
    pub fn with_quietly<T>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, AppError>,
    ) -> Option<Result<T, AppError>> {
        let unlocked = self.current(false)?;
        self.run(&unlocked, f)
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
        let inner = self.lock_inner();
        if inner.session.is_some() {
            status.unlocked = true;
            status.demo = inner.demo;
            status.demo_note = inner.demo_note.clone();
        }
        status
    }

    /// Locks if the session has been idle longer than it allows (longer
    /// while a call's timer runs), counting time the laptop was asleep,
    /// and says when the lock is near. Never waits for a running command.
    fn check_idle(&self) -> Idle {
        let now = self.clock.now();
        let mut inner = self.lock_inner();
        if inner.session.is_none() {
            return Idle::Active;
        }
        let found = idle_state(
            now.since(inner.last_activity),
            inner.idle_allowed,
            inner.warned,
        );
        match found {
            Idle::Locked => {
                let taken = inner.session.take();
                drop(inner);
                if let Some(unlocked) = &taken {
                    unlocked.locked.store(true, Ordering::SeqCst);
                }
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
fn back_up_then_drop(unlocked: Option<Arc<Unlocked>>) {
    let Some(unlocked) = unlocked else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("backup on lock".into())
        .spawn(move || {
            // Waits for a command still running, on this thread only.
            if let Ok(mut session) = unlocked.session.lock() {
                if let Err(e) = session.back_up_if_due(Utc::now()) {
                    log_error("backup on lock", &e);
                }
            }
            drop(unlocked);
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

    /// A clock the test moves by hand: it is the holder's and the test's.
    #[derive(Clone)]
    struct HandClock(Arc<Mutex<ClockReading>>);

    impl HandClock {
        fn new() -> HandClock {
            HandClock(Arc::new(Mutex::new(ClockReading {
                since_boot: 1000 * MINUTE,
                wall: 30_000_000 * MINUTE,
            })))
        }

        /// Moves the time since boot and the wall clock on (or back).
        fn pass(&self, boot: Duration, wall: i64) {
            let mut now = self.0.lock().unwrap();
            now.since_boot += boot;
            let moved = Duration::from_secs(wall.unsigned_abs());
            now.wall = if wall < 0 {
                now.wall - moved
            } else {
                now.wall + moved
            };
        }
    }

    impl IdleClock for HandClock {
        fn now(&self) -> ClockReading {
            *self.0.lock().unwrap()
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("quietline-shell-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// A holder on the hand clock with a new store unlocked in it (five
    /// minutes' idle lock, the default).
    fn unlocked_holder(dir: &Path, passphrase: &str) -> (SessionHolder, HandClock) {
        let clock = HandClock::new();
        let holder = SessionHolder::with_clock(dir.join("store"), Box::new(clock.clone()));
        let (session, _created) = Session::create(holder.store_dir(), passphrase).unwrap();
        holder.put(session);
        (holder, clock)
    }

    /// The window polls the status on its own; a volunteer who has walked
    /// away must still be locked out on time.
    #[test]
    fn asking_the_status_does_not_hold_off_the_idle_lock() {
        let dir = temp_dir("idle");
        let (holder, clock) = unlocked_holder(&dir, TEST_PASSPHRASE);
        clock.pass(10 * MINUTE, 600);

        let status = holder.status();
        assert!(status.exists && status.unlocked && !status.demo);
        assert_eq!(
            holder.check_idle(),
            Idle::Locked,
            "five idle minutes passed"
        );
        assert!(!holder.status().unlocked);

        // A command the volunteer gave does count.
        holder.put(Session::unlock(holder.store_dir(), TEST_PASSPHRASE).unwrap());
        clock.pass(10 * MINUTE, 600);
        holder.with(|s| Ok(s.status())).unwrap();
        assert_eq!(holder.check_idle(), Idle::Active);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A lid closed a minute after the last key: the monotonic clock
    /// (`Instant`) stops while suspended, the time since boot does not, and
    /// the next tick after waking locks.
    #[test]
    fn time_asleep_counts_towards_the_idle_lock() {
        let dir = temp_dir("suspend");
        let (holder, clock) = unlocked_holder(&dir, TEST_PASSPHRASE);
        clock.pass(MINUTE, 60);
        assert_eq!(holder.check_idle(), Idle::Active);
        // Three days asleep: the boot clock counts them, so does the wall.
        clock.pass(3 * 24 * 60 * MINUTE, 3 * 24 * 60 * 60);
        assert_eq!(holder.check_idle(), Idle::Locked);
        assert!(!holder.status().unlocked);

        // Where the boot clock missed the sleep (no CLOCK_BOOTTIME), the
        // wall clock's jump locks all the same.
        holder.put(Session::unlock(holder.store_dir(), TEST_PASSPHRASE).unwrap());
        clock.pass(Duration::from_secs(2), 2 * 24 * 60 * 60);
        assert_eq!(holder.check_idle(), Idle::Locked);

        // A wall clock set back an hour (summer time is not that: it is
        // UTC) neither locks nor holds the lock off.
        holder.put(Session::unlock(holder.store_dir(), TEST_PASSPHRASE).unwrap());
        clock.pass(MINUTE, -3600);
        assert_eq!(holder.check_idle(), Idle::Active);
        clock.pass(4 * MINUTE, 0);
        assert_eq!(holder.check_idle(), Idle::Locked);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The system clock's time since boot runs at least as far as the
    /// monotonic clock, which leaves out time asleep.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_boot_clock_is_not_behind_the_monotonic_clock() {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let read = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        assert_eq!(read, 0);
        let monotonic = Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        assert!(SystemClock.now().since_boot >= monotonic);
    }

    /// Locking never waits for a command stuck on a file the volunteer
    /// chose (a network folder that has gone, here a pipe nobody writes
    /// to): the session is gone within a second, and the stuck command
    /// finds it locked when it ends.
    #[cfg(unix)]
    #[test]
    fn locking_does_not_wait_for_a_command_stuck_on_a_file() {
        use std::ffi::CString;
        use std::io::Write;
        use std::os::unix::ffi::OsStrExt;

        let dir = temp_dir("fifo");
        let (holder, _clock) = unlocked_holder(&dir, TEST_PASSPHRASE);
        let holder = Arc::new(holder);
        let fifo = dir.join("profile.qlprofile");
        let name = CString::new(fifo.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);

        let (started, running) = std::sync::mpsc::channel();
        let stuck = {
            let holder = Arc::clone(&holder);
            let path = fifo.display().to_string();
            std::thread::spawn(move || {
                holder.with(|s| {
                    started.send(()).unwrap();
                    // Opening a pipe to read waits for a writer.
                    s.check_profile_file(&path)
                })
            })
        };
        running.recv().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert!(!stuck.is_finished(), "the command is stuck on the pipe");

        let started = Instant::now();
        assert!(holder.lock());
        assert!(!holder.status().unlocked);
        assert_eq!(holder.check_idle(), Idle::Active, "nothing left to lock");
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(1), "locking took {waited:?}");
        // Another command finds the store locked at once.
        let after = holder.with(|s| Ok(s.status())).unwrap_err();
        assert_eq!(after.code, ErrorCode::Locked);

        // Unblock the pipe: the stuck command ends (its file is no profile).
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer.write_all(b"not a profile").unwrap();
        drop(writer);
        assert!(stuck.join().unwrap().is_err());
        assert!(!holder.status().unlocked);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A command that was waiting its turn behind a stuck one does not run
    /// on a session locked meanwhile.
    #[test]
    fn a_command_waiting_its_turn_finds_the_store_locked() {
        let dir = temp_dir("queued");
        let (holder, _clock) = unlocked_holder(&dir, TEST_PASSPHRASE);
        let holder = Arc::new(holder);
        let (started, running) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let first = {
            let holder = Arc::clone(&holder);
            std::thread::spawn(move || {
                holder.with(|_| {
                    started.send(()).unwrap();
                    released.recv().unwrap();
                    Ok(())
                })
            })
        };
        running.recv().unwrap();
        let second = {
            let holder = Arc::clone(&holder);
            std::thread::spawn(move || holder.with(|_| Ok("ran")))
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(holder.lock());
        release.send(()).unwrap();
        assert!(first.join().unwrap().is_ok());
        let second = second.join().unwrap().unwrap_err();
        assert_eq!(second.code, ErrorCode::Locked);
        let _ = std::fs::remove_dir_all(&dir);
    }

    const TEST_PASSPHRASE: &str = "synthetic test passphrase, shell";

    /// Locking never waits for the backup folder: the session is gone at
    /// once, and the backup that was due is made afterwards.
    #[test]
    fn locking_is_at_once_and_the_due_backup_follows() {
        let dir = temp_dir("lock");
        let folder = dir.join("usb");
        std::fs::create_dir_all(&folder).unwrap();
        let clock = HandClock::new();
        let holder = SessionHolder::with_clock(dir.join("store"), Box::new(clock.clone()));
        let (mut session, _created) = Session::create(holder.store_dir(), TEST_PASSPHRASE).unwrap();
        let choice = quietline::app::BackupChoice {
            folder: folder.display().to_string(),
            keep: 3,
            warn_after_days: 7,
        };
        session.choose_backups(&choice, Utc::now()).unwrap();
        holder.put(session);

        // Housekeeping on its own is not activity.
        clock.pass(10 * MINUTE, 600);
        holder.keep_quietly(false);
        assert_eq!(
            clock.now().since(holder.lock_inner().last_activity),
            10 * MINUTE
        );

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
