//! Writes the seed corpus for the `return_parser` fuzz target: valid return
//! payloads, signed plaintexts and sealed `.qlreturn` files (to the fuzz
//! target's TEST-ONLY identity), and malformed variants of each. Every value
//! is synthetic.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --bin gen_seeds -- fuzz/seeds fuzz/corpus/return_parser
//! ```
//!
//! The first folder gets the valid seeds only, named `valid-payload-*`,
//! `valid-signed-*` and `valid-sealed-*` (the regression test in
//! `tests/fuzz_corpus.rs` checks that each is accepted and its tampered
//! variants refused); the second gets the valid seeds and the malformed ones,
//! ready for `cargo fuzz cmin`. Keys and age encryption are random, so each
//! run writes different bytes; run it only to refresh the seeds.

use std::path::PathBuf;

use quietline::model::{CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};
use quietline::period::PeriodKind;
use quietline::returns::{
    CoordinatorIdentity, PAYLOAD_FORMAT, ReturnPayload, ReturnPeriod, ReturnedCall, VolunteerKey,
    read_signed, seal, sign,
};
use quietline::themes::{ThemeCatalogue, ThemeList};

#[path = "../seeds.rs"]
mod seeds;
use seeds::{malformed, replaced, write};

/// The fuzz target's source holds the one copy of the test-only identity.
const TARGET_SOURCE: &str = include_str!("../../fuzz_targets/return_parser.rs");

fn test_identity() -> CoordinatorIdentity {
    let secret = TARGET_SOURCE
        .split('"')
        .find(|s| s.starts_with("AGE-SECRET-KEY-1"))
        .expect("the fuzz target names its test identity");
    CoordinatorIdentity::from_secret(secret).expect("the test identity parses")
}

fn hex_id(n: u32) -> String {
    format!(
        "{:032x}",
        u128::from(n) * 0x0101_0101_0101_0101_0101_0101_0101_0101
    )
}

fn call(n: u32, month: &str) -> ReturnedCall {
    let i = n as usize;
    let call_type = CallType::ALL[i % CallType::ALL.len()];
    let themes = if call_type.is_substantive() {
        let all: Vec<String> = ThemeList::default_list().all_ids().collect();
        (0..=(i % 4))
            .map(|k| all[(i * 7 + k * 13) % all.len()].clone())
            .collect()
    } else {
        Vec::new()
    };
    ReturnedCall {
        id: hex_id(n),
        month: month.into(),
        minutes: [0, 1, 25, 59, 1440][i % 5],
        call_type,
        role: Role::ALL[i % Role::ALL.len()],
        setting: Setting::ALL[i % Setting::ALL.len()],
        employer: if i % 6 == 5 {
            None
        } else {
            Some(Employer::ALL[i % Employer::ALL.len()])
        },
        region: Region::ALL[i % Region::ALL.len()],
        caller: CallerType::ALL[i % CallerType::ALL.len()],
        theme_list_version: ThemeList::default_list().version,
        themes,
        risk: RiskLevel::ALL[i % RiskLevel::ALL.len()],
        follow_up: i.is_multiple_of(2),
    }
}

fn payload(
    coordinator: &str,
    volunteer: &str,
    kind: PeriodKind,
    year: i32,
    calls: usize,
    deleted: usize,
) -> ReturnPayload {
    let first = match kind {
        PeriodKind::Calendar => (year, 1),
        PeriodKind::Academic => (year, 9),
    };
    let month = |k: usize| {
        let m0 = first.1 - 1 + (k % 12) as i32;
        format!("{:04}-{:02}", first.0 + m0 / 12, m0 % 12 + 1)
    };
    ReturnPayload {
        format: PAYLOAD_FORMAT,
        return_id: format!(
            "{:032x}",
            0x5eed_0000_u128 + calls as u128 * 31 + deleted as u128
        ),
        sequence: 1 + calls as u64,
        made_on: format!("{}-09-03", year + 1),
        volunteer: volunteer.into(),
        coordinator: coordinator.into(),
        period: ReturnPeriod { kind, year },
        theme_list_version: ThemeList::default_list().version,
        time_zone: None,
        generation: None,
        calls: (0..calls as u32)
            .map(|n| call(n + 1, &month(n as usize)))
            .collect(),
        deleted: (0..deleted as u32).map(|n| hex_id(200 + n)).collect(),
    }
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [seeds, corpus] = args.as_slice() else {
        eprintln!("usage: gen_seeds SEEDS_DIR CORPUS_DIR");
        std::process::exit(2);
    };
    for dir in [seeds, corpus] {
        std::fs::create_dir_all(dir).expect("the folder is made");
    }
    let themes = ThemeCatalogue::shipped();
    let identity = test_identity();
    let to = identity.key();
    let coordinator = to.to_string();
    let key = VolunteerKey::generate().expect("a random key");

    let long_name = "x".repeat(80);
    let valid: Vec<ReturnPayload> = [
        ("Test Volunteer", PeriodKind::Academic, 2024, 0, 0),
        ("Test Volunteer", PeriodKind::Academic, 2024, 3, 1),
        ("Zoë Example", PeriodKind::Calendar, 2025, 12, 2),
        ("Quote \"Q\" \\ Tester", PeriodKind::Calendar, 1900, 1, 0),
        ("V", PeriodKind::Academic, 9998, 0, 3),
        (long_name.as_str(), PeriodKind::Calendar, 2030, 20, 0),
    ]
    .into_iter()
    .map(|(name, kind, year, calls, deleted)| {
        payload(&coordinator, name, kind, year, calls, deleted)
    })
    .collect();
    let mut corpus_count = 0;
    let mut to_corpus = |name: &str, bytes: &[u8]| {
        write(corpus, name, bytes);
        corpus_count += 1;
    };
    for (n, p) in valid.iter().enumerate() {
        p.check(&themes).expect("a valid seed payload");
        let json = p.to_canonical();
        let signed = sign(p, &key);
        assert_eq!(read_signed(&signed).expect("reads back").payload, *p);
        let sealed = seal(p, &key, &to).expect("seals");
        for (kind, bytes) in [("payload", &json), ("signed", &signed), ("sealed", &sealed)] {
            let name = format!("valid-{kind}-{n:02}");
            write(seeds, &name, bytes);
            to_corpus(&name, bytes);
            let len = bytes.len();
            let flips = [0, len / 4, len / 2, len * 3 / 4, len.saturating_sub(1)];
            for (k, bad) in malformed(bytes, &flips).iter().enumerate() {
                to_corpus(&format!("bad-{kind}-{n:02}-{k:02}"), bad);
            }
        }
        let payload_changes = replaced(
            &json,
            &[
                (":", ": "),
                ("{", "{ "),
                ("{\"format\":1,", "{\"notes\":\"x\",\"format\":1,"),
                ("\"format\":1", "\"format\":2"),
                ("\"format\":1", "\"format\":1.0"),
                ("\"sequence\":", "\"sequence\":-"),
                ("\"Test", "\"\\u0054est"),
                ("\"calls\":[", "\"calls\":[{},"),
                ("\"employer\":null", "\"employer\":\"nobody\""),
                ("\"academic\"", "\"fiscal\""),
                ("\"2024-09\"", "\"2024-9\""),
                ("\"themes\":[\"", "\"themes\":[\"gossip\",\""),
            ],
        );
        let signed_changes = replaced(
            &signed,
            &[
                ("return 1", "return 2"),
                ("return 1", "return 01"),
                ("calls ", "calls 0"),
                ("calls ", "calls 9"),
                ("deleted ", "deleted 99999"),
                ("\n\n{", "\n\n {"),
                ("signature ", "signature  "),
                ("==\n", "\n"),
            ],
        );
        for (k, bad) in payload_changes.iter().enumerate() {
            to_corpus(&format!("edit-payload-{n:02}-{k:02}"), bad);
        }
        for (k, bad) in signed_changes.iter().enumerate() {
            to_corpus(&format!("edit-signed-{n:02}-{k:02}"), bad);
            let sealed_bad = age::encrypt(&age_recipient(&coordinator), bad).expect("encrypts");
            to_corpus(&format!("edit-sealed-{n:02}-{k:02}"), &sealed_bad);
        }
    }

    // Signed correctly but breaking a rule of the content: they get past the
    // signature, which the fuzzer cannot forge.
    let mut rules: Vec<ReturnPayload> = Vec::new();
    let base = &valid[2];
    let mut p = base.clone();
    p.calls.reverse();
    rules.push(p);
    let mut p = base.clone();
    p.calls[0].month = "2024-12".into();
    rules.push(p);
    let mut p = base.clone();
    p.calls[0].themes = vec!["gossip".into()];
    rules.push(p);
    let mut p = base.clone();
    p.deleted = vec![p.calls[0].id.clone()];
    rules.push(p);
    let mut p = base.clone();
    p.volunteer = " padded ".into();
    rules.push(p);
    let mut p = base.clone();
    p.made_on = "2025-02-30".into();
    rules.push(p);
    let mut p = base.clone();
    p.theme_list_version = 2;
    rules.push(p);
    let mut p = base.clone();
    p.period.year = 12000;
    rules.push(p);
    let mut p = base.clone();
    p.calls[1].minutes = 1441;
    rules.push(p);
    for (k, p) in rules.iter().enumerate() {
        assert!(p.check(&themes).is_err(), "rule case {k} breaks a rule");
    }
    // Follows every rule but names another coordinator, which only the
    // coordinator's store (`check_return`) refuses.
    let mut p = base.clone();
    p.coordinator = "age1someoneelse".into();
    rules.push(p);
    for (k, p) in rules.iter().enumerate() {
        to_corpus(&format!("rule-payload-{k:02}"), &p.to_canonical());
        let signed = sign(p, &key);
        to_corpus(&format!("rule-signed-{k:02}"), &signed);
        to_corpus(
            &format!("rule-sealed-{k:02}"),
            &seal(p, &key, &to).expect("seals"),
        );
    }

    // age files whose plaintext is not a return, and one for someone else.
    let recipient = age_recipient(&coordinator);
    for (k, plain) in [&b""[..], b"quietline-return 1\n", b"{}", b"\0\xff"]
        .iter()
        .enumerate()
    {
        let sealed = age::encrypt(&recipient, plain).expect("encrypts");
        to_corpus(&format!("other-sealed-{k:02}"), &sealed);
    }
    let stranger = CoordinatorIdentity::generate();
    to_corpus(
        "other-sealed-stranger",
        &seal(&valid[1], &key, &stranger.key()).expect("seals"),
    );
    to_corpus("other-text", b"age-encryption.org/v1\n-> X25519 \n--- \n");
    println!(
        "wrote {} valid seeds to {} and {corpus_count} inputs to {}",
        valid.len() * 3,
        seeds.display(),
        corpus.display()
    );
}

fn age_recipient(text: &str) -> age::x25519::Recipient {
    text.parse().expect("the test recipient parses")
}
