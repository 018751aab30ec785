//! What the running program asks of the operating system before it opens a
//! store: no core dumps. A crash would otherwise leave a file holding
//! whatever was in memory at the time (decrypted calls, keys) wherever the
//! system keeps core dumps, outside the encrypted store. Both front doors
//! call [`forbid_core_dumps`] first thing.
//!
//! This is the crate's one use of `unsafe`: two plain system calls.

/// Sets the core dump size limit to zero (Unix) and marks the process not
/// dumpable (Linux: no core dump even where a crash handler asks for one,
/// and no other process of the same user may attach to read its memory).
/// Elsewhere it does nothing. An error says which step failed; the caller
/// carries on, warning.
pub fn forbid_core_dumps() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `setrlimit` reads the one valid `rlimit` passed by reference.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `PR_SET_DUMPABLE` takes one integer argument and no pointers.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    const CHILD: &str = "QUIETLINE_CORE_DUMP_TEST_CHILD";

    /// Run by [`a_process_that_forbids_core_dumps_cannot_dump_core`] in a
    /// child process, so the test harness itself keeps its settings.
    #[test]
    fn forbid_core_dumps_in_this_process() {
        if std::env::var_os(CHILD).is_none() {
            return;
        }
        forbid_core_dumps().unwrap();
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: as above; `getrlimit` writes the `rlimit` passed.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
        assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
        // SAFETY: `PR_GET_DUMPABLE` takes no pointers.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
        println!("core dumps forbidden");
    }

    #[test]
    fn a_process_that_forbids_core_dumps_cannot_dump_core() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "process::tests::forbid_core_dumps_in_this_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("core dumps forbidden"), "{said}");
    }
}
