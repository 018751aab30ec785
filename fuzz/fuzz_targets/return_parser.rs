//! Feeds arbitrary bytes to every layer that reads a `.qlreturn` file: the
//! signed plaintext (`read_signed`), the canonical payload
//! (`ReturnPayload::from_canonical`, then its rules), and the age-encrypted
//! file (`open`) with a fixed identity. None of them may panic, and what they
//! accept must hold together (see the assertions).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run return_parser -- -max_total_time=600`
//! (docs/fuzzing.md has the details).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use quietline::returns::{
    CoordinatorIdentity, ReturnPayload, SignedReturn, VolunteerKey, open, read_signed, sign,
};
use quietline::themes::ThemeCatalogue;

/// TEST-ONLY coordinator identity, generated once for fuzzing and committed
/// on purpose so that the seed corpus can hold files sealed to it. It protects
/// nothing and must never be used as a real coordinator key. Its recipient is
/// `age1ma8nxwyyu0pw0ws6qf6hhr680h7pl88rxpfdqydjpmchcnaduaqsma8uy6`.
const TEST_ONLY_IDENTITY: &str =
    "AGE-SECRET-KEY-1CQXX6YLLUXQD6CZD23HAFNHZY4TEZC2CDPM84J9HAZQJJX8K24QSMZ8T7Z";

static IDENTITY: LazyLock<CoordinatorIdentity> = LazyLock::new(|| {
    CoordinatorIdentity::from_secret(TEST_ONLY_IDENTITY).expect("the test identity parses")
});
static THEMES: LazyLock<ThemeCatalogue> = LazyLock::new(ThemeCatalogue::shipped);
/// Re-signs payloads that pass every rule (the key does not affect the result).
static SIGNER: LazyLock<VolunteerKey> =
    LazyLock::new(|| VolunteerKey::generate().expect("a random key"));

/// A payload read from canonical bytes writes back to exactly those bytes,
/// and one that follows every rule can be signed and read back.
fn check_payload(payload: &ReturnPayload, canonical: Option<&[u8]>) {
    if let Some(bytes) = canonical {
        assert_eq!(payload.to_canonical(), bytes, "canonical form round trip");
    }
    if payload.check(&THEMES).is_ok() && payload.coordinator.len() <= 100 {
        let signed = sign(payload, &SIGNER);
        let read = read_signed(&signed).expect("a valid payload, signed, reads back");
        assert_eq!(&read.payload, payload);
    }
}

fn check_signed(read: &SignedReturn) {
    check_payload(&read.payload, None);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_signed(data) {
        check_signed(&read);
    }
    if let Ok(payload) = ReturnPayload::from_canonical(data) {
        check_payload(&payload, Some(data));
    }
    if let Ok(read) = open(data, &IDENTITY) {
        check_signed(&read);
    }
});
