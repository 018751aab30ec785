//! The keys returns use, as returns name them. The keys themselves, and
//! every decision about them, live in [`crate::crypto`]: each store's
//! Ed25519 signing key (the volunteer's) and the coordinator's age X25519
//! identity. What is added here is only how a mistyped coordinator key is
//! refused as a return mistake.

pub use crate::crypto::{
    CoordinatorIdentity, CoordinatorKey, Fingerprint, SignerKey, VolunteerKey,
};

use super::ReturnError;

impl CoordinatorKey {
    /// Reads a coordinator key as a person pastes it (see its `FromStr`);
    /// a mistyped one is a [`ReturnError::BadCoordinatorKey`].
    pub fn parse(text: &str) -> Result<CoordinatorKey, ReturnError> {
        text.parse::<CoordinatorKey>().map_err(ReturnError::from)
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
}
