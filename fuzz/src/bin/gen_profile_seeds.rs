//! Writes the seed corpus for the `profile_parser` fuzz target: valid signed
//! `.qlprofile` files and their canonical payloads, malformed variants of
//! each, and profiles signed correctly but breaking a rule. Every value is
//! synthetic.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --bin gen_profile_seeds -- fuzz/seeds fuzz/corpus/profile_parser
//! ```
//!
//! The first folder gets the valid seeds only, named `valid-profile-file-*`
//! and `valid-profile-json-*` (the regression test in `tests/fuzz_corpus.rs`
//! checks that each is accepted and its tampered variants refused); the
//! second gets the valid seeds and the malformed ones, ready for
//! `cargo fuzz cmin`. Keys are random, so each run writes different bytes;
//! run it only to refresh the seeds.

use std::path::PathBuf;

use quietline::crypto::{CoordinatorIdentity, VolunteerKey};
use quietline::profile::{self, MAX_HELPLINE_CHARS, MAX_SIGNPOSTS, PROFILE_FORMAT, Profile};
use quietline::returns::PUBLISHED_TEST_KEY;
use quietline::safeguarding::{Signpost, default_directory};
use quietline::themes::edit::{NewTheme, ThemeEdit, apply, start_draft};
use quietline::themes::{ThemeCatalogue, ThemeList};

#[path = "../seeds.rs"]
mod seeds;
use seeds::{malformed, replaced, write};

fn new_theme(id: &str, label: &str) -> NewTheme {
    NewTheme {
        id: id.into(),
        label: label.into(),
        description: String::new(),
    }
}

/// The next version of `catalogue`'s list, made by `edits` in turn.
fn next_version(catalogue: &ThemeCatalogue, edits: &[ThemeEdit]) -> ThemeList {
    let mut draft = start_draft(catalogue);
    for edit in edits {
        draft = apply(catalogue, &draft, edit).expect("the edit applies");
    }
    draft
}

/// Versions 1 to 3 of a theme list, between them using every kind of change.
fn theme_lists() -> Vec<ThemeList> {
    let v1 = ThemeCatalogue::shipped();
    let v2 = next_version(
        &v1,
        &[
            ThemeEdit::Add {
                category: None,
                theme: new_theme("exams", "Exams and assessment"),
            },
            ThemeEdit::Rename {
                id: "inspection.ofsted".into(),
                label: "Ofsted inspection".into(),
                description: "An inspection, its outcome or its aftermath".into(),
            },
        ],
    );
    let v2 = v1.with_next(v2).expect("version 2 follows version 1");
    let v3 = next_version(
        &v2,
        &[
            ThemeEdit::Retire {
                id: "premises.raac".into(),
            },
            ThemeEdit::Split {
                id: "send.ehcp".into(),
                parts: vec![new_theme("ehcp_annual_review", "EHCP annual review")],
            },
            ThemeEdit::Merge {
                ids: vec![
                    "parents.unreasonable_behaviour".into(),
                    "parents.vexatious_complaints".into(),
                ],
                label: "Unreasonable or vexatious behaviour".into(),
            },
        ],
    );
    let v3 = v2.with_next(v3).expect("version 3 follows version 2");
    v3.versions().to_vec()
}

fn profile(return_key: &str) -> Profile {
    Profile {
        format: PROFILE_FORMAT,
        helpline: "Test Helpline".into(),
        version: 1,
        made_on: "2025-09-01".into(),
        return_key: return_key.into(),
        time_zone: "UTC".into(),
        suppress_below: 0,
        signposting: Vec::new(),
        theme_lists: vec![ThemeList::default_list()],
    }
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [seeds, corpus] = args.as_slice() else {
        eprintln!("usage: gen_profile_seeds SEEDS_DIR CORPUS_DIR");
        std::process::exit(2);
    };
    for dir in [seeds, corpus] {
        std::fs::create_dir_all(dir).expect("the folder is made");
    }
    // A throwaway coordinator: only its public key is written anywhere.
    let return_key = CoordinatorIdentity::generate().key().to_string();
    let key = VolunteerKey::generate().expect("a random key");
    let lists = theme_lists();

    let minimal = profile(&return_key);
    let mut two_versions = profile(&return_key);
    two_versions.helpline = "Schools Leaders' Line (test)".into();
    two_versions.version = 2;
    two_versions.time_zone = "Europe/London".into();
    two_versions.suppress_below = 5;
    two_versions.signposting = default_directory();
    two_versions.theme_lists = lists[..2].to_vec();
    let mut three_versions = two_versions.clone();
    three_versions.helpline = "Zoë's \"Quiet\" \\ Line".into();
    three_versions.version = u64::MAX;
    three_versions.made_on = "2031-02-28".into();
    three_versions.time_zone = "America/Argentina/Buenos_Aires".into();
    three_versions.suppress_below = 100;
    three_versions.theme_lists = lists.clone();
    let mut at_limits = profile(&return_key);
    at_limits.helpline = "é".repeat(MAX_HELPLINE_CHARS);
    at_limits.time_zone = "Pacific/Chatham".into();
    at_limits.suppress_below = 10;
    at_limits.signposting = (0..MAX_SIGNPOSTS)
        .map(|n| Signpost {
            name: format!("Service {n:02}"),
            contact: format!("0800 {n:03} {}", "9".repeat(400)),
        })
        .collect();
    let valid = [minimal, two_versions, three_versions, at_limits];

    let mut corpus_count = 0;
    let mut to_corpus = |name: &str, bytes: &[u8]| {
        write(corpus, name, bytes);
        corpus_count += 1;
    };
    for (n, p) in valid.iter().enumerate() {
        p.check().expect("a valid seed profile");
        let json = p.to_canonical();
        let file = profile::sign(p, &key);
        assert_eq!(profile::read(&file).expect("reads back").profile, *p);
        for (kind, bytes) in [("file", &file), ("json", &json)] {
            let name = format!("valid-profile-{kind}-{n:02}");
            write(seeds, &name, bytes);
            to_corpus(&name, bytes);
        }
        // Every profile holds at least one whole theme list (10 kB), so the
        // variants are made of the smallest seed only, to keep the corpus
        // small: the fuzzer makes the rest from the valid seeds.
        if n > 0 {
            continue;
        }
        for (kind, bytes) in [("file", &file), ("json", &json)] {
            let len = bytes.len();
            let flips = [0, 30, 120, len / 4, len / 2, len.saturating_sub(1)];
            for (k, bad) in malformed(bytes, &flips).iter().enumerate() {
                to_corpus(&format!("bad-profile-{kind}-{n:02}-{k:02}"), bad);
            }
        }
        let json_changes = replaced(
            &json,
            &[
                (":", ": "),
                ("{", "{ "),
                ("{\"format\":1,", "{\"notes\":\"x\",\"format\":1,"),
                ("\"format\":1", "\"format\":2"),
                ("\"format\":1", "\"format\":1.0"),
                ("\"version\":", "\"version\":-"),
                ("\"Test", "\"\\u0054est"),
                ("\"signposting\":[", "\"signposting\":[{},"),
                ("\"time_zone\":\"", "\"time_zone\":\"Mars/"),
                ("\"crosswalk\":[", "\"crosswalk\":[{},"),
                ("]}]}", "]}],\"crosswalk\":[]}"),
            ],
        );
        let file_changes = replaced(
            &file,
            &[
                ("profile 1", "profile 2"),
                ("profile 1", "profile 01"),
                ("bytes ", "bytes 0"),
                ("bytes ", "bytes 9"),
                ("\n\n{", "\n\n {"),
                ("signature ", "signature  "),
                ("==\n", "\n"),
            ],
        );
        for (k, bad) in json_changes.iter().enumerate() {
            to_corpus(&format!("edit-profile-json-{n:02}-{k:02}"), bad);
        }
        for (k, bad) in file_changes.iter().enumerate() {
            to_corpus(&format!("edit-profile-file-{n:02}-{k:02}"), bad);
        }
    }

    // Signed correctly but breaking a rule of the content: they get past the
    // signature, which the fuzzer cannot forge.
    let mut base = valid[0].clone();
    base.signposting = default_directory();
    let mut unmapped = lists[1].clone();
    unmapped.crosswalk.clear();
    let unmapped = vec![lists[0].clone(), unmapped];
    type Change = Box<dyn Fn(&mut Profile)>;
    let rules: Vec<Change> = vec![
        Box::new(|p| p.time_zone = "Europe/Atlantis".into()),
        Box::new(|p| p.signposting = vec![p.signposting[0].clone(); MAX_SIGNPOSTS + 1]),
        Box::new(|p| p.suppress_below = 101),
        Box::new(|p| p.helpline = String::new()),
        Box::new(|p| p.return_key = PUBLISHED_TEST_KEY.into()),
        Box::new(move |p| p.theme_lists = unmapped.clone()),
        Box::new(|p| p.theme_lists.clear()),
        Box::new(|p| p.version = 0),
        Box::new(|p| p.made_on = "2025-02-30".into()),
        Box::new(|p| p.format = 2),
        Box::new(|p| p.return_key = "age1notakey".into()),
    ];
    for (k, change) in rules.iter().enumerate() {
        let mut p = base.clone();
        change(&mut p);
        assert!(p.check().is_err(), "rule case {k} breaks a rule");
        to_corpus(
            &format!("rule-profile-file-{k:02}"),
            &profile::sign(&p, &key),
        );
    }
    to_corpus("other-text", b"quietline-profile 1\n");
    to_corpus("other-return-header", b"quietline-return 1\nsignature \n");
    println!(
        "wrote {} valid seeds to {} and {corpus_count} inputs to {}",
        valid.len() * 2,
        seeds.display(),
        corpus.display()
    );
}
