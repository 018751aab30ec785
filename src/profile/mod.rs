//! The helpline profile: what a coordinator hands every volunteer so that
//! their stores agree (the helpline's name, the coordinator's return key,
//! the theme list versions with their crosswalks, the signposting
//! directory, the time zone and the default suppression threshold), as a
//! signed `.qlprofile` file.
//!
//! - `content.rs`: the [`Profile`] itself, its one canonical JSON spelling
//!   and every rule it must follow ([`Profile::check`]).
//! - `file.rs`: the signed file around it ([`sign`], [`read`]).
//!
//! Nothing in a profile is secret, so it is signed (with the coordinator
//! store's Ed25519 key) but not encrypted. This module owns the *format*
//! only: it reads bytes it is given and never touches files, the store or
//! the clock, and it does not decide whom to trust. Pinning the signer on
//! first import, refusing another signer and refusing an older version
//! belong to the store and the app. The signing itself is
//! [`crate::crypto`]'s. `docs/profile-format.md` is the specification.

mod content;
mod file;

pub use content::Profile;
pub use file::{SignedProfile, read, sign};

/// The profile format this build writes and reads (the header line and the
/// payload's `format` field).
pub const PROFILE_FORMAT: u32 = 1;
/// No profile file is larger: a bigger file is refused before anything in
/// it is parsed.
pub const MAX_PROFILE_BYTES: usize = 1024 * 1024;
/// At most this many entries in the signposting directory: the settings
/// screen's own limit, so that every profile's directory can be saved
/// there (a test holds the two together).
pub const MAX_SIGNPOSTS: usize = 30;
/// The highest default suppression threshold a profile may set.
pub const MAX_SUPPRESS_BELOW: u32 = 100;
/// At most this many theme list versions.
pub const MAX_THEME_VERSIONS: usize = 100;
/// The helpline's name is at most this many characters.
pub const MAX_HELPLINE_CHARS: usize = 100;
/// Room kept for the header lines (186 bytes at most) within
/// [`MAX_PROFILE_BYTES`]: a profile that passes [`Profile::check`] always
/// fits in a file [`read`] accepts.
const MAX_HEADER_BYTES: usize = 256;
/// The longest canonical payload [`Profile::check`] accepts.
const MAX_PAYLOAD_BYTES: usize = MAX_PROFILE_BYTES - MAX_HEADER_BYTES;

/// Why a profile was not read or not accepted. Each message says what to
/// do next, in words for the volunteer or coordinator who sees it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error(
        "this file is larger than any helpline profile Quietline makes ({} MB at most), so it was not read; ask the coordinator for a fresh copy",
        MAX_PROFILE_BYTES / (1024 * 1024)
    )]
    TooLarge,
    #[error(
        "this file is not a Quietline helpline profile; check that it is the .qlprofile file your coordinator sent"
    )]
    NotAProfile,
    /// Cut short, or with bytes added after its end.
    #[error(
        "this profile is incomplete, or has something added at its end: it was damaged on the way; ask the coordinator for a fresh copy"
    )]
    WrongLength,
    #[error(
        "the profile has been changed since the coordinator signed it, or is damaged: ask the coordinator for a fresh copy"
    )]
    BadSignature,
    #[error(
        "this profile was made by a newer version of Quietline (profile format {found}); update Quietline, then open the profile again"
    )]
    UnsupportedFormat { found: u64 },
    /// Signed correctly, but breaking a rule of the content: the reason, in
    /// plain words.
    #[error(
        "this profile cannot be used: {0}. The coordinator needs to correct it in Quietline and send it again"
    )]
    Invalid(String),
    /// The return key is [`crate::returns::PUBLISHED_TEST_KEY`].
    #[error(
        "this profile would send returns to the published test key from Quietline's source code, which protects nothing; ask the coordinator to make the profile with their own key"
    )]
    TestKey,
}
