//! Feeds arbitrary bytes to both layers that read a `.qlprofile` file: the
//! signed file (`profile::read`) and the canonical payload
//! (`Profile::from_canonical`, then its rules). Neither may panic, and what
//! they accept must hold together (see the assertions).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run profile_parser -- -max_total_time=600`
//! (docs/fuzzing.md has the details).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use quietline::crypto::VolunteerKey;
use quietline::profile::{self, Profile};

/// Re-signs profiles that pass every rule (the key does not affect the result).
static SIGNER: LazyLock<VolunteerKey> =
    LazyLock::new(|| VolunteerKey::generate().expect("a random key"));

/// A profile that follows every rule can be signed and read back, whatever
/// its size: `check` keeps it within what a file may hold.
fn check_profile(profile: &Profile) {
    if profile.check().is_ok() {
        let file = profile::sign(profile, &SIGNER);
        let read = profile::read(&file).expect("a valid profile, signed, reads back");
        assert_eq!(&read.profile, profile);
        assert_eq!(read.signer, SIGNER.signer());
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = profile::read(data) {
        // The payload is the file's tail, in its one canonical spelling.
        assert!(
            data.ends_with(&read.profile.to_canonical()),
            "canonical form round trip"
        );
        assert!(read.profile.check().is_ok(), "read checks every rule");
        check_profile(&read.profile);
    }
    if let Ok(profile) = Profile::from_canonical(data) {
        assert_eq!(profile.to_canonical(), data, "canonical form round trip");
        check_profile(&profile);
    }
});
