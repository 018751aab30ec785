//! The `quietline` CLI contract, run as a real process against a temporary
//! store, with secrets passed through the environment.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::*;

const PASS: (&str, &str) = ("QUIETLINE_PASSPHRASE", PASSPHRASE);

fn init(store: &TempStore) -> String {
    let out = store.cli(&["init"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).trim().to_string()
}

fn log_typical(store: &TempStore, at: &str, notes: &str) -> String {
    let out = store.cli(
        &[
            "log",
            "--at",
            at,
            "--minutes",
            "25",
            "--role",
            "headteacher",
            "--setting",
            "primary",
            "--region",
            "london",
            "--theme",
            "inspection.ofsted",
            "wellbeing.workload",
            "--risk",
            "moderate",
            "--follow-up",
            "--notes",
            notes,
        ],
        &[PASS],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn init_prints_only_the_recovery_key_on_stdout_and_refuses_twice() {
    let store = TempStore::new();
    let key = init(&store);
    // Eight groups of four and the check character.
    assert_eq!(key.split('-').count(), 9, "{key}");
    assert!(key.split('-').take(8).all(|g| g.len() == 4));
    assert_eq!(key.split('-').nth(8).map(str::len), Some(1));
    let again = store.cli(&["init"], &[PASS]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(stderr(&again).lines().count(), 1);
}

#[test]
fn init_refuses_a_short_passphrase_and_asks_for_one_without_a_terminal() {
    let store = TempStore::new();
    let out = store.cli(&["init"], &[("QUIETLINE_PASSPHRASE", "short")]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("shorter than 8 characters"),
        "{}",
        stderr(&out)
    );
    // A guessable one is refused too, with four words to use instead.
    let out = store.cli(&["init"], &[("QUIETLINE_PASSPHRASE", "Headteacher2024!")]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("too easy to guess"), "{said}");
    let example = said
        .split("For example: ")
        .nth(1)
        .unwrap_or_default()
        .trim();
    assert_eq!(example.split(' ').count(), 4, "{said}");
    let out = store.cli(&["init"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("QUIETLINE_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    assert!(!store.dir.exists());
}

#[test]
fn log_list_and_notes_only_on_request() {
    let store = TempStore::new();
    init(&store);
    let id = log_typical(
        &store,
        "2024-09-02T09:30:00+01:00",
        "Private\tnote\nsecond line",
    );
    assert_eq!(id.len(), 36, "{id}");

    let out = store.cli(&["list"], &[PASS]);
    assert!(out.status.success());
    let text = stdout(&out);
    let fields: Vec<&str> = text.trim_end().split('\t').collect();
    assert_eq!(
        fields,
        [
            id.as_str(),
            "2024-09-02 09:30",
            "25",
            "substantive",
            "headteacher",
            "primary",
            "london",
            "inspection.ofsted;wellbeing.workload",
            "moderate",
            "needed"
        ]
    );
    assert!(!text.contains("Private"));

    let with_notes = stdout(&store.cli(&["list", "--notes"], &[PASS]));
    assert!(
        with_notes
            .trim_end()
            .ends_with("Private\\tnote\\nsecond line"),
        "{with_notes}"
    );
    assert_eq!(with_notes.lines().count(), 1);

    let other_year = store.cli(&["list", "--year", "2023"], &[PASS]);
    assert_eq!(stdout(&other_year), "");
    let academic = store.cli(&["list", "--year", "2024", "--academic"], &[PASS]);
    assert_eq!(stdout(&academic).lines().count(), 1);
}

#[test]
fn log_rejects_bad_input_with_a_helpful_message() {
    let store = TempStore::new();
    init(&store);
    let base = [
        "log",
        "--at",
        "2024-09-02T09:30:00+01:00",
        "--minutes",
        "25",
        "--setting",
        "primary",
        "--region",
        "london",
        "--risk",
        "low",
    ];
    let cases: [(&[&str], &str); 4] = [
        (
            &["--role", "head", "--theme", "send"],
            "unknown role 'head'",
        ),
        (
            &["--role", "headteacher", "--theme", "ofsted"],
            "did you mean inspection.ofsted?",
        ),
        (&["--role", "headteacher"], "needs at least one theme"),
        (
            &[
                "--role",
                "headteacher",
                "--theme",
                "send",
                "funding",
                "premises",
                "staffing",
                "parents",
            ],
            "at most 4",
        ),
    ];
    for (extra, expected) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let out = store.cli(&args, &[PASS]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
    }
    let out = store.cli(&["list"], &[PASS]);
    assert_eq!(stdout(&out), "", "nothing was logged");
}

#[test]
fn a_wrong_passphrase_says_so_exits_3_and_changes_no_byte() {
    let store = TempStore::new();
    init(&store);
    log_typical(&store, "2024-09-02T09:30:00+01:00", "x");
    let before = store.snapshot();
    for command in [&["list"][..], &["report", "--year", "2024"], &["passwd"]] {
        let out = store.cli(
            command,
            &[
                ("QUIETLINE_PASSPHRASE", "not the passphrase"),
                ("QUIETLINE_NEW_PASSPHRASE", "something new entirely"),
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{command:?}");
        let message = stderr(&out);
        assert!(message.contains("passphrase"), "{message}");
        assert_eq!(message.lines().count(), 1, "{message}");
    }
    assert_eq!(store.snapshot(), before);
}

#[test]
fn a_missing_store_points_to_init() {
    let store = TempStore::new();
    let out = store.cli(&["list"], &[PASS]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("quietline init"), "{}", stderr(&out));
}

#[test]
fn passwd_and_recover_through_the_environment() {
    let store = TempStore::new();
    let recovery = init(&store);
    let out = store.cli(
        &["passwd"],
        &[
            PASS,
            ("QUIETLINE_NEW_PASSPHRASE", "second kettle oxbow lantern"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(store.cli(&["list"], &[PASS]).status.code(), Some(3));
    let second = ("QUIETLINE_PASSPHRASE", "second kettle oxbow lantern");
    assert!(store.cli(&["list"], &[second]).status.success());

    let wrong = store.cli(
        &["recover"],
        &[
            (
                "QUIETLINE_RECOVERY_KEY",
                "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
            ),
            ("QUIETLINE_NEW_PASSPHRASE", "third morning tulip raven"),
        ],
    );
    assert_eq!(wrong.status.code(), Some(3));
    assert!(
        stderr(&wrong).contains("recovery key"),
        "{}",
        stderr(&wrong)
    );

    let out = store.cli(
        &["recover"],
        &[
            ("QUIETLINE_RECOVERY_KEY", recovery.as_str()),
            ("QUIETLINE_NEW_PASSPHRASE", "third morning tulip raven"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        store
            .cli(
                &["list"],
                &[("QUIETLINE_PASSPHRASE", "third morning tulip raven")]
            )
            .status
            .success()
    );
    assert_eq!(store.cli(&["list"], &[second]).status.code(), Some(3));
}

#[test]
fn report_json_keeps_its_contract_and_counts_by_london_date() {
    let store = TempStore::new();
    init(&store);
    // 23:30 UTC on 31 August 2024 is 00:30 BST on 1 September: academic 2024/25.
    log_typical(&store, "2024-08-31T23:30:00Z", "a");
    log_typical(&store, "2024-08-31T22:59:00Z", "b");
    let out = store.cli(
        &["report", "--year", "2024", "--academic", "--format", "json"],
        &[PASS],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "machine formats leave stderr quiet");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["period"]["label"], "2024/25");
    assert_eq!(json["period"]["start"], "2024-09-01");
    assert_eq!(json["period"]["end"], "2025-08-31");
    assert_eq!(json["total_calls"], 1);
    assert_eq!(json["previous_total_calls"], 1);
    let inspection = &json["themes"][0];
    assert_eq!(inspection["id"], "inspection");
    assert_eq!(inspection["label"], "Inspection and accountability");
    assert_eq!(inspection["calls"], 1);
    assert_eq!(inspection["previous_calls"], 1);
    assert_eq!(inspection["subthemes"][0]["id"], "inspection.ofsted");
    assert_eq!(inspection["subthemes"][0]["calls"], 1);
    let moderate = json["risk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "moderate")
        .unwrap();
    assert_eq!(
        (
            moderate["calls"].as_u64(),
            moderate["previous_calls"].as_u64()
        ),
        (Some(1), Some(1))
    );

    let csv = store.cli(
        &["report", "--year", "2024", "--academic", "--format", "csv"],
        &[PASS],
    );
    let csv_text = stdout(&csv);
    assert!(
        csv_text.starts_with("table,row,column,value,previous\n"),
        "{csv_text}"
    );
    assert!(
        csv_text.contains("\nsummary,total_calls,calls,1,1\n"),
        "{csv_text}"
    );

    let text = stdout(&store.cli(&["report", "--year", "2024", "--academic"], &[PASS]));
    assert!(text.contains("Quietline report 2024/25"), "{text}");
}

#[test]
fn import_is_all_or_nothing_and_names_the_line() {
    let store = TempStore::new();
    init(&store);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "started_at,duration_minutes,caller_role,setting,region,themes,risk,follow_up,notes\n\
         2024-09-02T09:30:00+01:00,25,headteacher,primary,london,send,low,false,ok\n\
         2024-09-02T09:30:00+01:00,25,headteacher,primary,atlantis,send,low,false,bad\n",
    )
    .unwrap();
    let out = store.cli(&["import", bad.to_str().unwrap()], &[PASS]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("line 3: region: unknown region 'atlantis'"),
        "{message}"
    );
    assert_eq!(stdout(&store.cli(&["list"], &[PASS])), "");

    let good = dir.path().join("good.csv");
    let synth = store.cli(&["synth", "--calls", "700", "--seed", "5"], &[]);
    std::fs::write(&good, &synth.stdout).unwrap();
    let out = store.cli(&["import", good.to_str().unwrap()], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Imported 700 calls"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&store.cli(&["list"], &[PASS])).lines().count(), 700);
}

/// kill -9 in the middle of a large import leaves a store that opens and
/// holds either none or all of the import.
#[cfg(unix)]
#[test]
fn kill_9_during_an_import_leaves_none_or_all_of_it() {
    let store = TempStore::new();
    init(&store);
    log_typical(&store, "2024-09-02T09:30:00+01:00", "before the import");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.csv");
    let rows = 40_000;
    let synth = store.cli(&["synth", "--calls", &rows.to_string()], &[]);
    std::fs::write(&file, &synth.stdout).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_quietline"))
        .args(["import", file.to_str().unwrap()])
        .env("QUIETLINE_STORE", &store.dir)
        .env("QUIETLINE_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import is under way (rows written inside the
    // transaction, not yet committed), then kill it without warning.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut saw_progress = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("Importing") && !line.contains("100%") {
            saw_progress = true;
            break;
        }
    }
    assert!(
        saw_progress,
        "the import should report progress before finishing"
    );
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let listed = store.cli(&["list"], &[PASS]);
    assert!(
        listed.status.success(),
        "the store must still open: {}",
        stderr(&listed)
    );
    let count = stdout(&listed).lines().count();
    assert!(
        count == 1 || count == 1 + rows,
        "found {count} calls: a partial import"
    );
    // In practice the kill lands mid-transaction, so nothing was added.
    assert_eq!(
        count, 1,
        "the kill landed after the commit; the test proved less than it should"
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    let store = TempStore::new();
    init(&store);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.csv");
    std::fs::write(&file, store.cli(&["synth", "--calls", "3000"], &[]).stdout).unwrap();
    assert!(
        store
            .cli(&["import", file.to_str().unwrap()], &[PASS])
            .status
            .success()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' list | head -1",
            env!("CARGO_BIN_EXE_quietline")
        ))
        .env("QUIETLINE_STORE", &store.dir)
        .env("QUIETLINE_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert!(
        out.status.success(),
        "the pipeline, quietline included, exits 0"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("quietline:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn returns_from_the_command_line_volunteer_to_coordinator() {
    let coordinator = TempStore::new();
    init(&coordinator);
    let out = coordinator.cli(&["coordinator", "key"], &[PASS]);
    assert_eq!(out.status.code(), Some(1), "no key yet");
    assert!(
        stderr(&out).contains("quietline coordinator init"),
        "{}",
        stderr(&out)
    );
    let out = coordinator.cli(&["coordinator", "init"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = stdout(&out).trim().to_string();
    assert!(key.starts_with("age1"), "{key}");
    let out = coordinator.cli(&["coordinator", "init"], &[PASS]);
    assert_eq!(stdout(&out).trim(), key, "an existing key is kept");
    assert_eq!(
        stdout(&coordinator.cli(&["coordinator", "key"], &[PASS])).trim(),
        key
    );

    let volunteer = TempStore::new();
    init(&volunteer);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.qlreturn");
    let file_arg = file.to_str().unwrap();
    let ret = ["return", "--year", "2024", "--academic", "-o", file_arg];
    let out = volunteer.cli(&ret, &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--coordinator-key"),
        "{}",
        stderr(&out)
    );
    let out = volunteer.cli(&["settings", "--coordinator-key", "age1oops"], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let mut settings_args = vec![
        "settings",
        "--coordinator-key",
        &key,
        "--display-name",
        "Volunteer A",
    ];
    // A key from an email is kept only with the fingerprint read out by phone.
    let out = volunteer.cli(&settings_args, &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let read_out = quietline::app::coordinator_key_fingerprint(&key).unwrap();
    assert!(stderr(&out).contains(&read_out), "{}", stderr(&out));
    settings_args.extend(["--fingerprint", &read_out]);
    let out = volunteer.cli(&settings_args, &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    let settings = stdout(&out);
    assert!(
        settings.contains(&format!("coordinator key\t{key}")),
        "{settings}"
    );
    let fingerprint = settings
        .lines()
        .find_map(|l| l.strip_prefix("signing fingerprint\t"))
        .unwrap()
        .to_string();
    log_typical(&volunteer, "2024-10-02T09:30:00+01:00", "Synthetic note A");
    log_typical(&volunteer, "2025-03-02T14:00:00Z", "Synthetic note B");
    let out = volunteer.cli(&ret, &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 calls"), "{}", stderr(&out));
    assert!(stderr(&out).contains(&fingerprint), "{}", stderr(&out));
    let made = std::fs::read(&file).unwrap();
    let out = volunteer.cli(&ret, &[PASS]);
    assert_eq!(out.status.code(), Some(2), "never overwritten");
    assert_eq!(std::fs::read(&file).unwrap(), made);

    // Unknown signer without --trust and without a terminal: refused, exit 5.
    let out = coordinator.cli(&["merge", file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains(&fingerprint), "{}", stderr(&out));
    assert!(stderr(&out).contains("--trust"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("--trust {fingerprint}")),
        "{}",
        stderr(&out)
    );
    // --trust names whom to trust: a fingerprint that signed none of the
    // files is refused before anything is merged.
    let out = coordinator.cli(&["merge", "--trust", "ABCD-EFGH", file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'ABCD-EFGH' is not the fingerprint of anyone who signed"),
        "{}",
        stderr(&out)
    );
    let out = coordinator.cli(&["merge", "--trust", &fingerprint, file_arg], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 new"), "{}", stderr(&out));
    let out = coordinator.cli(&["merge", file_arg], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("already merged"), "{}", stderr(&out));

    let junk = dir.path().join("junk.qlreturn");
    std::fs::write(&junk, b"junk").unwrap();
    let out = coordinator.cli(&["merge", junk.to_str().unwrap(), file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a Quietline return"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("1 of 2 returns were refused"),
        "{}",
        stderr(&out)
    );

    let out = coordinator.cli(&["volunteers"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    let fields: Vec<&str> = line.trim_end().split('\t').collect();
    assert_eq!(fields[0], fingerprint);
    assert_eq!(fields[1], "Volunteer A");
    assert_eq!(fields[2], "trusted");
    assert_eq!(fields[5], "2024/25: 2");

    let out = coordinator.cli(
        &["report", "--year", "2024", "--academic", "--format", "json"],
        &[PASS],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["total_calls"], 2);

    let out = coordinator.cli(&["volunteers", "--revoke", &fingerprint], &[PASS]);
    assert!(stdout(&out).contains("revoked"), "{}", stdout(&out));
    let second = dir.path().join("b.qlreturn");
    let ret2 = [
        "return",
        "--year",
        "2024",
        "--academic",
        "-o",
        second.to_str().unwrap(),
    ];
    assert!(volunteer.cli(&ret2, &[PASS]).status.success());
    let out = coordinator.cli(
        &["merge", "--trust", &fingerprint, second.to_str().unwrap()],
        &[PASS],
    );
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));

    // Removing a revoked volunteer's calls is confirmed first: without a
    // terminal to ask on, only --yes does it.
    let out = coordinator.cli(&["volunteers", "--purge", &fingerprint], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    let total = |store: &TempStore| {
        let out = store.cli(
            &["report", "--year", "2024", "--academic", "--format", "json"],
            &[PASS],
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["total_calls"].clone()
    };
    assert_eq!(total(&coordinator), 2);
    let out = coordinator.cli(&["volunteers", "--purge", &fingerprint, "--yes"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Removed 2 calls merged from Volunteer A"),
        "{}",
        stderr(&out)
    );
    assert_eq!(total(&coordinator), 0);
}

#[test]
fn the_profile_and_theme_lists_from_the_command_line() {
    let coordinator = TempStore::new();
    init(&coordinator);
    let out = coordinator.cli(&["coordinator", "init"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("helpline.qlprofile");
    let file_arg = file.to_str().unwrap();
    let out = coordinator.cli(&["profile", "export", "-o", file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "no helpline name yet");
    assert!(stderr(&out).contains("helpline's name"), "{}", stderr(&out));
    let out = coordinator.cli(
        &[
            "profile",
            "set",
            "--helpline",
            "Test Helpline",
            "--suppress-below",
            "5",
        ],
        &[PASS],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = coordinator.cli(&["profile", "export", "-o", file_arg], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    let fingerprint = said.rsplit(": ").next().unwrap().trim().to_string();
    assert_eq!(fingerprint.len(), 19, "{said}");
    let out = coordinator.cli(&["profile", "export", "-o", file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "never over an existing file");

    let volunteer = TempStore::new();
    init(&volunteer);
    // No terminal to ask on: the fingerprint must be given.
    let out = volunteer.cli(&["profile", "import", file_arg], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&fingerprint), "{}", stderr(&out));
    let out = volunteer.cli(
        &[
            "profile",
            "import",
            file_arg,
            "--fingerprint",
            "AAAA-BBBB-CCCC-DDDD",
        ],
        &[PASS],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = volunteer.cli(
        &["profile", "import", file_arg, "--fingerprint", &fingerprint],
        &[PASS],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&volunteer.cli(&["profile", "show"], &[PASS]));
    assert!(shown.contains("role\tvolunteer"), "{shown}");
    assert!(shown.contains("helpline\tTest Helpline"), "{shown}");
    assert!(
        shown.contains(&format!("coordinator fingerprint\t{fingerprint}")),
        "{shown}"
    );
    // The profile's key is the one returns go to, without pasting it.
    let key = stdout(&coordinator.cli(&["coordinator", "key"], &[PASS]))
        .trim()
        .to_string();
    let settings = stdout(&volunteer.cli(&["settings"], &[PASS]));
    assert!(
        settings.contains(&format!("coordinator key\t{key}")),
        "{settings}"
    );

    let themes = stdout(&volunteer.cli(&["themes"], &[PASS]));
    assert_eq!(themes.lines().count(), 61, "{themes}");
    assert!(themes.contains("inspection.ofsted\tOfsted\n"), "{themes}");
    let out = volunteer.cli(&["themes", "--version", "2"], &[PASS]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no theme list version 2"),
        "{}",
        stderr(&out)
    );
    let crosswalk = stdout(&volunteer.cli(&["themes", "crosswalk"], &[PASS]));
    assert_eq!(crosswalk.trim(), "# version 1 to version 1");
}

#[test]
fn exports_keep_their_own_extension_and_refuse_another() {
    let store = TempStore::new();
    init(&store);
    log_typical(&store, "2024-10-02T09:30:00+01:00", "Synthetic note");
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    let report = |output: &str, format: &str| {
        store.cli(
            &["report", "--year", "2024", "--format", format, "-o", output],
            &[PASS],
        )
    };
    for (output, format) in [("r.txt", "html"), ("r.html", "csv"), ("r.pdf", "json")] {
        let out = report(&at(output), format);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", stderr(&out));
        assert!(stderr(&out).contains("must end in ."), "{}", stderr(&out));
        assert!(!dir.path().join(output).exists());
    }
    let out = report(&at("yearly"), "csv");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("yearly.csv").is_file());
    let out = report(&at("yearly.HTML"), "html");
    assert!(out.status.success(), "{}", stderr(&out));

    let out = store.cli(&["backup", "-o", &at("monday.zip")], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("must end in .qlbackup"),
        "{}",
        stderr(&out)
    );
    let out = store.cli(&["backup", "-o", &at("monday")], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("monday.qlbackup").is_file());

    let out = store.cli(
        &[
            "return",
            "--year",
            "2024",
            "--academic",
            "-o",
            &at("alex.pdf"),
        ],
        &[PASS],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("must end in .qlreturn"),
        "{}",
        stderr(&out)
    );

    let out = store.cli(&["profile", "export", "-o", &at("helpline.json")], &[PASS]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("must end in .qlprofile"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn opening_a_store_makes_its_folder_private_again() {
    use std::os::unix::fs::PermissionsExt;
    let store = TempStore::new();
    init(&store);
    let mode = || std::fs::metadata(&store.dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(), 0o700);
    std::fs::set_permissions(&store.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = store.cli(&["list"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(), 0o700);
    // The library does the same for the app.
    std::fs::set_permissions(&store.dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    let vault = store.open();
    assert_eq!(mode(), 0o700);
    assert_eq!(vault.opening_warning(), None);
}

#[test]
fn activity_lists_the_record_oldest_first_as_text_or_json_and_since_filters_it() {
    let store = TempStore::new();
    init(&store);
    let id = log_typical(
        &store,
        "2024-09-02T09:30:00+01:00",
        "Synthetic: CANARY words",
    );
    let held = store.cli(&["hold", &id], &[PASS]);
    assert!(held.status.success(), "{}", stderr(&held));

    let out = store.cli(&["activity", "--format", "json"], &[PASS]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("CANARY"));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    // Each command unlocks the store, this one too.
    assert_eq!(
        kinds,
        ["created", "unlocked", "unlocked", "hold_placed", "unlocked"]
    );
    assert_eq!(rows[0]["sequence"], 1);
    assert_eq!(rows[1]["description"], "Unlocked.");
    assert_eq!(
        rows[3]["description"],
        format!("Put call {}… on legal hold.", &id[..8])
    );

    let text = store.cli(&["activity"], &[PASS]);
    assert!(text.status.success(), "{}", stderr(&text));
    let lines: Vec<String> = stdout(&text).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].ends_with("\tMade this call log."), "{}", lines[0]);

    let day = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let since = |date: &str| {
        let out = store.cli(&["activity", "--since", date, "--format", "json"], &[PASS]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&out))
            .unwrap()
            .len()
    };
    assert_eq!(since(&day(-2)), 7);
    assert_eq!(since(&day(2)), 0);
    let bad = store.cli(&["activity", "--since", "2/12/2026"], &[PASS]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}
