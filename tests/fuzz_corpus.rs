//! The fuzz targets' corpora, replayed in a plain `cargo test` (no
//! nightly): every input goes through the parsers as its fuzz target feeds
//! them (the three of a `.qlreturn` file for `return_parser`, the two of a
//! `.qlprofile` file for `profile_parser`), and none may panic. The valid
//! seeds kept in `fuzz/seeds/` must be accepted, and every tampered variant
//! of them refused.

use std::path::{Path, PathBuf};

use quietline::profile::{self, Profile};
use quietline::returns::{
    CoordinatorIdentity, ReturnError, ReturnPayload, SignedReturn, open, read_signed,
};
use quietline::themes::ThemeCatalogue;

/// The fuzz target's source holds the one copy of its TEST-ONLY identity.
const TARGET_SOURCE: &str = include_str!("../fuzz/fuzz_targets/return_parser.rs");

fn test_identity() -> CoordinatorIdentity {
    let secret = TARGET_SOURCE
        .split('"')
        .find(|s| s.starts_with("AGE-SECRET-KEY-1"))
        .expect("the fuzz target names its test identity");
    CoordinatorIdentity::from_secret(secret).expect("the test identity parses")
}

fn folder(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Every file in `dir`, by name, sorted; the folder must not be empty.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} holds no files", dir.display());
    out
}

/// What the fuzz target does with one input; `true` when any parser accepts it.
fn replay(data: &[u8], identity: &CoordinatorIdentity, themes: &ThemeCatalogue) -> bool {
    let mut accepted = false;
    if let Ok(read) = read_signed(data) {
        let _ = read.payload.check(themes);
        accepted = true;
    }
    if let Ok(payload) = ReturnPayload::from_canonical(data) {
        assert_eq!(payload.to_canonical(), data);
        let _ = payload.check(themes);
        accepted = true;
    }
    if let Ok(read) = open(data, identity) {
        let _ = read.payload.check(themes);
        accepted = true;
    }
    accepted
}

#[test]
fn every_corpus_input_and_seed_goes_through_the_parsers_without_panicking() {
    let identity = test_identity();
    let themes = ThemeCatalogue::shipped();
    let corpus = files(&folder("fuzz/corpus/return_parser"));
    let seeds = return_seed_files();
    assert!(corpus.len() >= 20, "only {} corpus inputs", corpus.len());
    let mut accepted = 0;
    for (_, data) in corpus.iter().chain(&seeds) {
        accepted += usize::from(replay(data, &identity, &themes));
    }
    // The corpus keeps valid inputs of each layer, not only rejects.
    assert!(accepted >= seeds.len(), "{accepted} inputs accepted");
}

/// The kind of a valid seed, by its file name's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Payload,
    Signed,
    Sealed,
}

/// The seeds of `profile_parser` share the folder; they start with this.
const PROFILE_SEED: &str = "valid-profile-";

/// The seeds of `return_parser`.
fn return_seed_files() -> Vec<(String, Vec<u8>)> {
    files(&folder("fuzz/seeds"))
        .into_iter()
        .filter(|(name, _)| !name.starts_with(PROFILE_SEED))
        .collect()
}

fn seeds() -> Vec<(String, Kind, Vec<u8>)> {
    let seeds: Vec<(String, Kind, Vec<u8>)> = return_seed_files()
        .into_iter()
        .map(|(name, bytes)| {
            let kind = if name.starts_with("valid-payload-") {
                Kind::Payload
            } else if name.starts_with("valid-signed-") {
                Kind::Signed
            } else if name.starts_with("valid-sealed-") {
                Kind::Sealed
            } else {
                panic!(
                    "fuzz/seeds/{name} is not named valid-payload-, valid-signed- or valid-sealed-"
                )
            };
            (name, kind, bytes)
        })
        .collect();
    for kind in [Kind::Payload, Kind::Signed, Kind::Sealed] {
        assert!(
            seeds.iter().any(|(_, k, _)| *k == kind),
            "no {kind:?} seed in fuzz/seeds"
        );
    }
    seeds
}

/// Parses a seed as its kind.
fn parse(
    kind: Kind,
    bytes: &[u8],
    identity: &CoordinatorIdentity,
) -> Result<ReturnPayload, ReturnError> {
    match kind {
        Kind::Payload => ReturnPayload::from_canonical(bytes),
        Kind::Signed => read_signed(bytes).map(|r: SignedReturn| r.payload),
        Kind::Sealed => open(bytes, identity).map(|r| r.payload),
    }
}

#[test]
fn the_valid_seeds_are_accepted_and_follow_every_rule() {
    let identity = test_identity();
    let themes = ThemeCatalogue::shipped();
    for (name, kind, bytes) in seeds() {
        let payload = parse(kind, &bytes, &identity).unwrap_or_else(|e| panic!("{name}: {e}"));
        payload
            .check(&themes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            payload.coordinator,
            identity.key().to_string(),
            "{name} is made for the test identity"
        );
    }
}

#[test]
fn every_changed_bit_of_a_signed_or_sealed_seed_is_refused() {
    let identity = test_identity();
    for (name, kind, bytes) in seeds() {
        if kind == Kind::Payload {
            continue;
        }
        for at in 0..bytes.len() {
            for bit in [0x01, 0x80] {
                let mut changed = bytes.clone();
                changed[at] ^= bit;
                assert!(
                    parse(kind, &changed, &identity).is_err(),
                    "{name}: byte {at} ^ {bit:#04x} was accepted"
                );
            }
        }
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                parse(kind, &bytes[..cut], &identity).is_err(),
                "{name}: cut at {cut} was accepted"
            );
        }
        let mut longer = bytes.clone();
        longer.push(b'\n');
        assert!(
            parse(kind, &longer, &identity).is_err(),
            "{name}: + newline"
        );
    }
}

#[test]
fn another_spelling_of_a_valid_payload_is_refused() {
    let identity = test_identity();
    for (name, kind, bytes) in seeds() {
        if kind != Kind::Payload {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let spellings = [
            format!(" {text}"),
            format!("{text}\n"),
            text.replacen(':', ": ", 1),
            text.replacen(',', ", ", 1),
            text.replacen("{\"format\":1,", "{\"format\":1,\"notes\":\"x\",", 1),
            text.replacen("{\"format\":1,", "{\"format\":1,\"format\":1,", 1),
            text.replacen("\"format\":1", "\"format\":1.0", 1),
            text.replacen("\"format\":1", "\"format\":01", 1),
            text.replacen("\"format\":1,", "", 1),
            text.replacen("\"return_id\":\"", "\"return_id\":\"\\u0030", 1)
                .replacen("\\u00300", "\\u0030", 1),
        ];
        for (i, other) in spellings.iter().enumerate() {
            assert_ne!(other, &text, "{name}: spelling {i} is unchanged");
            assert!(
                ReturnPayload::from_canonical(other.as_bytes()).is_err(),
                "{name}: spelling {i} was accepted"
            );
            // Nor is it a return in either of the other layers.
            assert!(read_signed(other.as_bytes()).is_err());
            assert!(open(other.as_bytes(), &identity).is_err());
        }
    }
}

/// The code block in `docs/return-format.md` that starts with `start`.
fn doc_block(start: &str) -> String {
    let doc = std::fs::read_to_string(folder("docs/return-format.md")).unwrap();
    let from = doc
        .find(&format!("```text\n{start}"))
        .unwrap_or_else(|| panic!("no block starting {start:?}"));
    let block = &doc[from + "```text\n".len()..];
    block[..block.find("\n```").unwrap()].to_string()
}

#[test]
fn the_worked_example_in_the_format_spec_reads_as_documented() {
    let doc = std::fs::read_to_string(folder("docs/return-format.md")).unwrap();
    let canonical = doc
        .lines()
        .find(|l| l.starts_with("{\"format\":1,"))
        .expect("the spec shows a canonical payload");
    let payload = ReturnPayload::from_canonical(canonical.as_bytes()).unwrap();
    payload.check(&ThemeCatalogue::shipped()).unwrap();
    assert_eq!(payload.coordinator, test_identity().key().to_string());
    assert_eq!((payload.calls.len(), payload.deleted.len()), (1, 1));

    // The envelope's layout, counts and size are right; only its (fake)
    // signature fails.
    let envelope = doc_block("quietline-return 1\n");
    assert!(envelope.ends_with(canonical));
    assert!(matches!(
        read_signed(envelope.as_bytes()),
        Err(ReturnError::BadSignature)
    ));
}

/// What the `profile_parser` fuzz target does with one input, with its
/// assertions; `true` when either parser accepts it.
fn replay_profile(data: &[u8]) -> bool {
    let mut accepted = false;
    if let Ok(read) = profile::read(data) {
        assert!(data.ends_with(&read.profile.to_canonical()));
        accepted = true;
    }
    if let Ok(p) = Profile::from_canonical(data) {
        assert_eq!(p.to_canonical(), data);
        let _ = p.check();
        accepted = true;
    }
    accepted
}

/// The profile seeds: `valid-profile-file-*` (signed files) and
/// `valid-profile-json-*` (canonical payloads), the flag saying which.
fn profile_seeds() -> Vec<(String, bool, Vec<u8>)> {
    let seeds: Vec<(String, bool, Vec<u8>)> = files(&folder("fuzz/seeds"))
        .into_iter()
        .filter_map(|(name, bytes)| {
            let kind = name.strip_prefix(PROFILE_SEED)?;
            let is_file = if kind.starts_with("file-") {
                true
            } else if kind.starts_with("json-") {
                false
            } else {
                panic!("fuzz/seeds/{name} is not named {PROFILE_SEED}file- or {PROFILE_SEED}json-")
            };
            Some((name, is_file, bytes))
        })
        .collect();
    for is_file in [true, false] {
        assert!(
            seeds.iter().any(|(_, f, _)| *f == is_file),
            "no profile seed (file: {is_file}) in fuzz/seeds"
        );
    }
    seeds
}

#[test]
fn every_profile_corpus_input_and_seed_goes_through_the_parsers_without_panicking() {
    let corpus = files(&folder("fuzz/corpus/profile_parser"));
    let seeds = profile_seeds();
    assert!(corpus.len() >= 20, "only {} corpus inputs", corpus.len());
    let mut accepted = 0;
    for (_, data) in &corpus {
        accepted += usize::from(replay_profile(data));
    }
    for (name, _, data) in &seeds {
        assert!(replay_profile(data), "{name}");
    }
    // The corpus keeps valid inputs of each layer, not only refusals.
    assert!(accepted >= seeds.len(), "{accepted} inputs accepted");
}

#[test]
fn the_valid_profile_seeds_are_accepted_and_follow_every_rule() {
    for (name, is_file, bytes) in profile_seeds() {
        let p = if is_file {
            let read = profile::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(read.themes, read.profile.check().unwrap(), "{name}");
            read.profile
        } else {
            Profile::from_canonical(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        p.check().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn every_changed_bit_of_a_profile_file_seed_is_refused() {
    for (name, is_file, bytes) in profile_seeds() {
        if !is_file {
            continue;
        }
        // One bit per byte, alternating ends, keeps the run short; the
        // signature covers every byte after its own line either way.
        for at in 0..bytes.len() {
            let bit = if at % 2 == 0 { 0x01 } else { 0x80 };
            let mut changed = bytes.clone();
            changed[at] ^= bit;
            assert!(
                profile::read(&changed).is_err(),
                "{name}: byte {at} ^ {bit:#04x} was accepted"
            );
        }
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                profile::read(&bytes[..cut]).is_err(),
                "{name}: cut at {cut} was accepted"
            );
        }
        let mut longer = bytes.clone();
        longer.push(b'\n');
        assert!(profile::read(&longer).is_err(), "{name}: + newline");
    }
}

#[test]
fn the_header_in_the_profile_spec_is_a_real_seeds_header() {
    let doc = std::fs::read_to_string(folder("docs/profile-format.md")).unwrap();
    let from = doc
        .find("```text\nquietline-profile 1\nsignature ")
        .expect("the spec shows a profile's header");
    let shown: Vec<&str> = doc[from + "```text\n".len()..].lines().take(5).collect();
    let seed = std::fs::read(folder("fuzz/seeds/valid-profile-file-01")).unwrap();
    let seed = String::from_utf8(seed).unwrap();
    let header: Vec<&str> = seed.lines().take(5).collect();
    assert_eq!(
        shown, header,
        "docs/profile-format.md §8 shows another header than valid-profile-file-01"
    );
    assert!(profile::read(seed.as_bytes()).is_ok());
}
