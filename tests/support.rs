//! Shared helpers: temporary stores, a CLI runner, and a typical call.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, TimeZone, Utc};
use quietline::app::CallForm;
use quietline::crypto::Passphrase;
use quietline::model::{
    CallDetails, CallFacts, CallType, CallerType, Employer, FollowUp, NewCall, Region, RiskLevel,
    Role, Setting,
};
use quietline::safeguarding::SafeguardingChecklist;
use quietline::store::Vault;

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE)
}

/// A fresh temporary directory for one store; removed when dropped.
pub struct TempStore {
    _root: tempfile::TempDir,
    pub dir: PathBuf,
}

impl TempStore {
    pub fn new() -> TempStore {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("store");
        TempStore { _root: root, dir }
    }

    pub fn create(&self) -> (Vault, String) {
        let (vault, recovery) = Vault::create(&self.dir, &passphrase()).unwrap();
        (vault, recovery.to_display().to_string())
    }

    pub fn open(&self) -> Vault {
        Vault::open(&self.dir, &passphrase()).unwrap()
    }

    /// Every file in the store directory with its exact bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// Runs the CLI against this store with a clean environment.
    pub fn cli(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        cli(&self.dir, args, env)
    }
}

pub fn cli(store: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quietline"));
    cmd.args(args)
        .env_remove("QUIETLINE_PASSPHRASE")
        .env_remove("QUIETLINE_NEW_PASSPHRASE")
        .env_remove("QUIETLINE_RECOVERY_KEY")
        .env("QUIETLINE_STORE", store)
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub fn now() -> DateTime<Utc> {
    utc(2026, 1, 1, 0, 0)
}

pub fn typical_call(started_at: DateTime<Utc>) -> NewCall {
    NewCall {
        facts: CallFacts {
            started_at,
            duration_minutes: 25,
            call_type: CallType::Substantive,
            role: Role::Headteacher,
            setting: Setting::Primary,
            employer: Some(Employer::LocalAuthority),
            region: Region::NorthWest,
            caller_type: CallerType::FirstTime,
            themes: vec!["inspection.ofsted".into(), "wellbeing.workload".into()],
            risk: RiskLevel::Low,
            follow_up: FollowUp::default(),
        },
        details: CallDetails {
            safeguarding: vec![],
            notes: "Talked through the inspection feedback.".into(),
        },
    }
}

/// A typical call as typed into the app's form (high risk, two themes,
/// a follow-up and a note).
pub fn call_form(at: &str) -> CallForm {
    CallForm {
        started_at: at.into(),
        duration_minutes: "30".into(),
        role: "headteacher".into(),
        setting: "special".into(),
        region: "london".into(),
        themes: vec!["send.ehcp".into(), "wellbeing".into()],
        risk: "high".into(),
        safeguarding: SafeguardingChecklist {
            asked_directly_about_suicide: true,
            signposted: vec!["Samaritans 116 123".into()],
            ..Default::default()
        },
        follow_up_due: "2024-06-10".into(),
        notes: "Synthetic: talked about the tribunal.".into(),
        ..CallForm::default()
    }
}
