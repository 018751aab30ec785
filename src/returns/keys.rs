//! The keys returns use, as returns name them. The keys themselves, and
//! every decision about them, live in [`crate::crypto`]: each store's
//! Ed25519 signing key (the volunteer's) and the coordinator's age X25519
//! identity. What is added here is only how a mistyped coordinator key is
//! refused as a return mistake, and the one key that is never accepted.

pub use crate::crypto::{
    CoordinatorIdentity, CoordinatorKey, Fingerprint, SignerKey, VolunteerKey,
};

use super::ReturnError;

/// The recipient of the TEST-ONLY age identity whose secret half is
/// committed in `fuzz/fuzz_targets/return_parser.rs` (see
/// `docs/fuzzing.md`), so that the fuzz corpus can hold sealed returns.
/// Anyone can decrypt what is encrypted to it, so it is refused wherever a
/// coordinator key is read for use: pasted by hand, or in a helpline
/// profile.
pub const PUBLISHED_TEST_KEY: &str =
    "age1ma8nxwyyu0pw0ws6qf6hhr680h7pl88rxpfdqydjpmchcnaduaqsma8uy6";

impl CoordinatorKey {
    /// Reads a coordinator key as a person pastes it (see its `FromStr`);
    /// a mistyped one is a [`ReturnError::BadCoordinatorKey`], and the
    /// [`PUBLISHED_TEST_KEY`] a [`ReturnError::TestCoordinatorKey`].
    pub fn parse(text: &str) -> Result<CoordinatorKey, ReturnError> {
        let key = text.parse::<CoordinatorKey>().map_err(ReturnError::from)?;
        // Compared as age writes it, so no other spelling slips through.
        if key.to_string() == PUBLISHED_TEST_KEY {
            return Err(ReturnError::TestCoordinatorKey);
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Parsing itself is tested in `crypto::coordinator`; here, only that a
    // return names the refusal as its own and keeps the readable words.
    #[test]
    fn a_mistyped_coordinator_key_is_a_return_refusal_that_reads_well() {
        let identity = CoordinatorIdentity::generate();
        let text = identity.key().to_string();
        assert_eq!(
            CoordinatorKey::parse(&format!(" {text}\n")).unwrap(),
            identity.key()
        );
        let wrong =
            CoordinatorKey::parse("age1notakey-at-all-but-quite-a-long-string").unwrap_err();
        assert!(
            wrong.to_string().contains("age1notakey-at-all-but-q…"),
            "{wrong}"
        );
        assert!(matches!(wrong, ReturnError::BadCoordinatorKey(_)));
    }

    #[test]
    fn the_published_test_key_is_refused_however_it_is_pasted() {
        // It is a real key: only the refusal keeps it out.
        assert!(PUBLISHED_TEST_KEY.parse::<CoordinatorKey>().is_ok());
        for pasted in [
            PUBLISHED_TEST_KEY.to_string(),
            format!("  {PUBLISHED_TEST_KEY}\n"),
            PUBLISHED_TEST_KEY.to_uppercase(),
        ] {
            let e = CoordinatorKey::parse(&pasted).unwrap_err();
            assert!(
                matches!(e, ReturnError::TestCoordinatorKey),
                "{pasted}: {e}"
            );
            assert!(e.to_string().contains("protects nothing"), "{e}");
        }
    }
}
