//! The helpline profile, for both front doors: a coordinator authors it and
//! exports it as a signed `.qlprofile` file; a volunteer imports it once
//! after comparing the coordinator's fingerprint by phone, and later
//! profiles from the same coordinator apply without asking.
//!
//! Profile files are read and written here by path, so their bytes never
//! cross into the web view.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::{AppError, ErrorCode};
use super::files::{Saving, save_new_file};
use super::report::export_target;
use crate::crypto::{CoordinatorKey, SignerKey};
use crate::model::Field;
use crate::profile::{self, PROFILE_FORMAT, Profile, ProfileError, SignedProfile};
use crate::store::{Activity, ProfileChange, ProfileRecord, Vault};

/// The threshold a report screen suggests before a coordinator sets one.
pub const DEFAULT_SUPPRESS_BELOW: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ProfileRole {
    /// No profile yet: the shipped theme list and the laptop's own settings.
    None,
    /// A volunteer whose coordinator's key is pinned.
    Volunteer,
    /// The coordinator, who authors the profile.
    Coordinator,
}

/// What Settings and `quietline profile show` say about the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileView {
    pub role: ProfileRole,
    /// The helpline's name; empty before any.
    pub helpline: String,
    /// The profile's version (0 before any).
    #[cfg_attr(test, ts(type = "number"))]
    pub version: u64,
    /// The coordinator's signing fingerprint: pinned (a volunteer) or this
    /// store's own (a coordinator); empty when neither.
    pub signer_fingerprint: String,
    /// The key returns are encrypted to, and its fingerprint; empty if none.
    pub return_key: String,
    pub return_key_fingerprint: String,
    pub time_zone: String,
    /// The smallest count a published report shows by default.
    pub suppress_below: u32,
    /// The theme list calls are logged under now.
    pub theme_list_version: u32,
    pub signposts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ProfileFileState {
    /// No coordinator is pinned yet: compare the fingerprint, then import.
    FirstImport,
    /// From the pinned coordinator and newer: importing applies it.
    Update,
    /// The profile in use already.
    Current,
    /// Older than the one in use: refused.
    Superseded,
    /// Signed by another key than the pinned one: refused, unless the
    /// volunteer explicitly pins the new key after checking it by phone.
    OtherSigner,
}

/// A profile file as the import screen shows it before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileFile {
    pub path: String,
    pub state: ProfileFileState,
    pub helpline: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub version: u64,
    /// "3 Sep 2026".
    pub made_on: String,
    /// Who signed it: the fingerprint the coordinator reads out.
    pub signer_fingerprint: String,
    pub return_key_fingerprint: String,
    pub time_zone: String,
    pub theme_list_version: u32,
    /// What the state means, in words to act on.
    pub message: String,
}

/// Importing a profile file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileImport {
    pub path: String,
    /// The fingerprint the coordinator read out, as typed. Needed on the
    /// first import and to pin a new key; ignored otherwise.
    pub fingerprint: String,
    /// Pin the file's signer in place of the pinned one (a new
    /// coordinator): a separate, explicit choice.
    pub repin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileApplied {
    pub profile: ProfileView,
    /// "The Headteachers' Helpline profile, version 3, is in use."
    pub message: String,
}

/// A coordinator's details for the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileDetails {
    pub helpline: String,
    pub suppress_below: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ProfileExported {
    pub path: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub version: u64,
    /// The fingerprint to read to each volunteer by phone.
    pub fingerprint: String,
}

/// The fingerprint of a saved coordinator key, to show beside it; empty
/// when there is none (or it no longer reads as a key).
pub(super) fn shown_key_fingerprint(key: Option<&str>) -> String {
    key.and_then(|k| k.parse::<CoordinatorKey>().ok())
        .map(|k| k.fingerprint().to_string())
        .unwrap_or_default()
}

fn day(text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| text.to_string())
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::Failed, message)
}

/// The profile as this store holds it.
pub fn show(vault: &mut Vault) -> Result<ProfileView, AppError> {
    let record = vault.profile_record()?;
    let coordinator = vault.coordinator_identity()?;
    let (role, signer) = if coordinator.is_some() {
        let own = vault.volunteer_key()?.signer().fingerprint().to_string();
        (ProfileRole::Coordinator, own)
    } else if let Some(pinned) = record
        .pinned_signer
        .as_ref()
        .and_then(SignerKey::from_bytes)
    {
        (ProfileRole::Volunteer, pinned.fingerprint().to_string())
    } else {
        (ProfileRole::None, String::new())
    };
    let settings = vault.settings();
    let return_key = match &coordinator {
        Some(identity) => identity.key().to_string(),
        None => settings.coordinator_key.clone().unwrap_or_default(),
    };
    let return_key_fingerprint = shown_key_fingerprint(Some(&return_key));
    Ok(ProfileView {
        role,
        helpline: record.helpline.clone(),
        version: record.version,
        signer_fingerprint: signer,
        return_key,
        return_key_fingerprint,
        time_zone: settings.time_zone.name().to_string(),
        suppress_below: record.suppress_below.unwrap_or(DEFAULT_SUPPRESS_BELOW),
        theme_list_version: vault.themes().current().version,
        signposts: settings.signposting.len() as u32,
    })
}

/// Reads a profile file, refusing one larger than any profile before
/// reading it whole.
fn read_file(path: &Path) -> Result<(Vec<u8>, SignedProfile), AppError> {
    let bytes = crate::files::read_at_most(path, profile::MAX_PROFILE_BYTES as u64)
        .map_err(|e| AppError {
            detail: Some(e.to_string()),
            ..refused(format!(
                "{} could not be read. Check the file is there and try again.",
                path.display()
            ))
        })?
        .ok_or(ProfileError::TooLarge)?;
    let signed = profile::read(&bytes)?;
    Ok((bytes, signed))
}

fn state_of(record: &ProfileRecord, signed: &SignedProfile) -> ProfileFileState {
    match record.pinned_signer {
        None => ProfileFileState::FirstImport,
        Some(pinned) if pinned != signed.signer.to_bytes() => ProfileFileState::OtherSigner,
        Some(_) if signed.profile.version > record.version => ProfileFileState::Update,
        Some(_) if signed.profile.version == record.version => ProfileFileState::Current,
        Some(_) => ProfileFileState::Superseded,
    }
}

fn state_message(
    state: ProfileFileState,
    signed: &SignedProfile,
    record: &ProfileRecord,
) -> String {
    let fingerprint = signed.signer.fingerprint();
    match state {
        ProfileFileState::FirstImport => format!(
            "Ring your coordinator and ask them to read you their fingerprint. Import this \
             profile only if it is exactly {fingerprint}. Type it in to confirm."
        ),
        ProfileFileState::Update => format!(
            "A newer profile from your coordinator (version {}; you have version {}). \
             Importing it applies it.",
            signed.profile.version, record.version
        ),
        ProfileFileState::Current => "This profile is already in use; nothing needs doing.".into(),
        ProfileFileState::Superseded => format!(
            "This profile is older (version {}) than the one in use (version {}), so it \
             cannot replace it. Ask your coordinator for their latest profile.",
            signed.profile.version, record.version
        ),
        ProfileFileState::OtherSigner => format!(
            "This profile is signed by a different key ({fingerprint}) from your \
             coordinator's, so it was not imported. If your helpline really has a new \
             coordinator, ring them, compare the fingerprint and choose to trust the new key."
        ),
    }
}

/// Reads a profile file and says what importing it would do, changing
/// nothing.
pub fn check_file(vault: &mut Vault, path: &str) -> Result<ProfileFile, AppError> {
    super::demo::refuse_in_demo(vault, super::demo::DemoAction::ImportProfile)?;
    if vault.coordinator_identity()?.is_some() {
        return Err(coordinator_cannot_import());
    }
    let (_, signed) = read_file(Path::new(path))?;
    let record = vault.profile_record()?;
    let state = state_of(&record, &signed);
    let p = &signed.profile;
    Ok(ProfileFile {
        path: path.to_string(),
        state,
        helpline: p.helpline.clone(),
        version: p.version,
        made_on: day(&p.made_on),
        signer_fingerprint: signed.signer.fingerprint().to_string(),
        return_key_fingerprint: shown_key_fingerprint(Some(&p.return_key)),
        time_zone: p.time_zone.clone(),
        theme_list_version: signed.themes.current().version,
        message: state_message(state, &signed, &record),
    })
}

fn coordinator_cannot_import() -> AppError {
    refused(
        "This is the coordinator's call log: it makes the helpline profile rather than \
         importing one.",
    )
}

/// Imports a profile file: pins the coordinator's key on the first import
/// (or on an explicit re-pin) once the typed fingerprint matches, and
/// applies the profile's theme lists and settings in one transaction.
pub fn import(
    vault: &mut Vault,
    request: &ProfileImport,
    now: DateTime<Utc>,
) -> Result<ProfileApplied, AppError> {
    super::demo::refuse_in_demo(vault, super::demo::DemoAction::ImportProfile)?;
    if vault.coordinator_identity()?.is_some() {
        return Err(coordinator_cannot_import());
    }
    let (bytes, signed) = read_file(Path::new(&request.path))?;
    let mut record = vault.profile_record()?;
    let state = state_of(&record, &signed);
    let pinning = match state {
        ProfileFileState::FirstImport => true,
        ProfileFileState::OtherSigner if request.repin => true,
        ProfileFileState::Update => false,
        ProfileFileState::Current => {
            return Ok(ProfileApplied {
                profile: show(vault)?,
                message: state_message(state, &signed, &record),
            });
        }
        ProfileFileState::Superseded | ProfileFileState::OtherSigner => {
            return Err(refused(state_message(state, &signed, &record)));
        }
    };
    let fingerprint = signed.signer.fingerprint();
    if pinning && !fingerprint.matches(&request.fingerprint) {
        return Err(AppError::invalid(
            Field::Fingerprint,
            if request.fingerprint.trim().is_empty() {
                format!(
                    "Type the fingerprint your coordinator reads to you. This profile's is {fingerprint}."
                )
            } else {
                format!(
                    "That is not this profile's fingerprint ({fingerprint}). Do not import it: \
                     ring your coordinator, and tell them the file may not be theirs."
                )
            },
        ));
    }
    let p = &signed.profile;
    let mut settings = vault.settings().clone();
    settings.time_zone = p
        .time_zone
        .parse()
        .map_err(|_| ProfileError::Invalid(format!("'{}' is not a time zone", p.time_zone)))?;
    settings.signposting = p.signposting.clone();
    settings.coordinator_key = Some(p.return_key.clone());
    if pinning {
        record.pinned_signer = Some(signed.signer.to_bytes());
    }
    record.file = Some(bytes);
    record.version = p.version;
    record.helpline = p.helpline.clone();
    record.suppress_below = Some(p.suppress_below);
    vault.apply_profile(ProfileChange {
        themes: signed.themes.clone(),
        settings,
        record,
    })?;
    vault.record_activity(
        &Activity::ProfileImported {
            path: request.path.clone(),
            version: p.version,
            signer: fingerprint.to_string(),
        },
        now,
    )?;
    Ok(ProfileApplied {
        profile: show(vault)?,
        message: format!(
            "The {} profile, version {}, is in use: theme list version {}.",
            p.helpline,
            p.version,
            signed.themes.current().version
        ),
    })
}

/// A coordinator sets the helpline's name and the default threshold.
pub fn set_details(vault: &mut Vault, details: &ProfileDetails) -> Result<ProfileView, AppError> {
    require_coordinator(vault)?;
    let helpline = details.helpline.trim();
    let chars = helpline.chars().count();
    if chars == 0 || chars > profile::MAX_HELPLINE_CHARS || helpline.chars().any(char::is_control) {
        return Err(AppError::invalid(
            Field::Helpline,
            format!(
                "Give the helpline's name, up to {} characters.",
                profile::MAX_HELPLINE_CHARS
            ),
        ));
    }
    if details.suppress_below > profile::MAX_SUPPRESS_BELOW {
        return Err(AppError::invalid(
            Field::SuppressBelow,
            format!(
                "Choose a smallest published count from 0 to {}.",
                profile::MAX_SUPPRESS_BELOW
            ),
        ));
    }
    let mut record = vault.profile_record()?;
    record.helpline = helpline.to_string();
    record.suppress_below = Some(details.suppress_below);
    vault.write_profile_record(&record)?;
    show(vault)
}

fn require_coordinator(vault: &mut Vault) -> Result<(), AppError> {
    match vault.coordinator_identity()? {
        Some(_) => Ok(()),
        None => Err(refused(
            "Only the coordinator's call log makes the helpline profile. Set this laptop up \
             as the coordinator's on the Returns screen first.",
        )),
    }
}

/// The profile this coordinator's store would export now, at its last
/// exported version.
fn authored(vault: &mut Vault, today: NaiveDate) -> Result<Profile, AppError> {
    let identity = vault
        .coordinator_identity()?
        .ok_or_else(|| refused("Only the coordinator's call log makes the helpline profile."))?;
    let record = vault.profile_record()?;
    if record.helpline.trim().is_empty() {
        return Err(AppError::invalid(
            Field::Helpline,
            "Give the helpline's name before exporting the profile.",
        ));
    }
    let settings = vault.settings();
    Ok(Profile {
        format: PROFILE_FORMAT,
        helpline: record.helpline.clone(),
        version: record.version,
        made_on: today.format("%Y-%m-%d").to_string(),
        return_key: identity.key().to_string(),
        time_zone: settings.time_zone.name().to_string(),
        suppress_below: record.suppress_below.unwrap_or(DEFAULT_SUPPRESS_BELOW),
        signposting: settings.signposting.clone(),
        theme_lists: vault.themes().versions().to_vec(),
    })
}

/// Exports the profile, signed with this store's key. Its version goes up
/// whenever its content differs from the last one exported, so volunteers'
/// laptops recognise it as newer.
pub fn export(
    vault: &mut Vault,
    path: &str,
    now: DateTime<Utc>,
) -> Result<ProfileExported, AppError> {
    let today = now.date_naive();
    require_coordinator(vault)?;
    let mut next = authored(vault, today)?;
    let mut record = vault.profile_record()?;
    let last = record
        .file
        .as_deref()
        .and_then(|f| profile::read(f).ok())
        .map(|s| s.profile);
    let unchanged = last.is_some_and(|l| {
        Profile {
            made_on: next.made_on.clone(),
            ..l
        } == next
    });
    if !unchanged {
        next.version = record.version + 1;
    }
    let stem = format!("quietline-profile-v{}", next.version);
    let target = export_target(path, &stem, "qlprofile")?;
    let key = vault.volunteer_key()?;
    let bytes = profile::sign(&next, &key);
    profile::read(&bytes)?;
    let written = save_new_file(&target, &bytes, Saving::Profile)?;
    record.file = Some(bytes);
    record.version = next.version;
    vault.write_profile_record(&record)?;
    let shown = written.display().to_string();
    vault.record_activity(
        &Activity::ProfileExported {
            path: shown.clone(),
            version: next.version,
        },
        now,
    )?;
    Ok(ProfileExported {
        path: shown,
        version: next.version,
        fingerprint: key.signer().fingerprint().to_string(),
    })
}

#[cfg(test)]
mod fixture {
    use std::path::PathBuf;

    use chrono::{NaiveDate, TimeZone, Utc};
    use serde_json::{Value, json};

    use super::*;
    use crate::app::themes::{self, ThemeDraftEdit, ThemeDraftView};
    use crate::crypto::Passphrase;
    use crate::synth::SyntheticCalls;
    use crate::themes::edit::{NewTheme, ThemeEdit};

    /// A Wednesday in the 2026/27 academic year: last year is 2025/26.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn noon() -> chrono::DateTime<Utc> {
        today().and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    fn refused<T>(result: Result<T, AppError>) -> AppError {
        match result {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => e,
        }
    }

    fn store(dir: &Path) -> Vault {
        Vault::create(dir, &Passphrase::new("a test passphrase"))
            .unwrap()
            .0
    }

    fn details(helpline: &str, suppress_below: u32) -> ProfileDetails {
        ProfileDetails {
            helpline: helpline.into(),
            suppress_below,
        }
    }

    fn export_to(vault: &mut Vault, dir: &Path) -> ProfileExported {
        std::fs::create_dir_all(dir).unwrap();
        export(vault, &dir.display().to_string(), noon()).unwrap()
    }

    fn check(vault: &mut Vault, path: &str) -> ProfileFile {
        check_file(vault, path).unwrap()
    }

    fn importing(path: &str, fingerprint: &str, repin: bool) -> ProfileImport {
        ProfileImport {
            path: path.into(),
            fingerprint: fingerprint.into(),
            repin,
        }
    }

    fn to<T: Serialize>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }

    fn put(map: &mut serde_json::Map<String, Value>, name: &str, value: Value) {
        map.insert(name.to_string(), value);
    }

    fn new_theme(id: &str, label: &str, description: &str) -> NewTheme {
        NewTheme {
            id: id.into(),
            label: label.into(),
            description: description.into(),
        }
    }

    /// 2025/26's calls, so the editor's preview has last year's counts.
    fn log_last_year(vault: &mut Vault) {
        let first = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2026, 8, 31).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        let mut batch = vault.begin_import(now).unwrap();
        for call in SyntheticCalls::new(23, 2025, 2)
            .filter(|c| {
                let day = c.facts.started_at.date_naive();
                day >= first && day <= last
            })
            .take(800)
        {
            batch.add(&call).unwrap();
        }
        batch.commit().unwrap();
    }

    /// What the profile screens and the theme list editor are answered by
    /// in the browser tests, made by the use cases themselves: the profile
    /// as none, a volunteer and a coordinator see it; a profile file in
    /// each state, with what importing it says; exports; the editor's
    /// draft from Quietline's 2025 list and after one change of each kind,
    /// chained; and the refusals. Keys are random, so the fixture names
    /// them by made-up values in the same formats, and the temporary
    /// folders by the pretend computer's: it is the same on every run.
    /// Regenerated by `cargo test`; CI fails if the committed copy is stale.
    #[test]
    fn export_profile_and_theme_editor_for_the_browser_tests() {
        let root = tempfile::tempdir().unwrap();
        let a_out = root.path().join("a-out");
        let b_out = root.path().join("b-out");
        let mut views = serde_json::Map::new();
        let mut files = serde_json::Map::new();
        let mut applied = serde_json::Map::new();
        let mut exported = serde_json::Map::new();
        let mut refusals = serde_json::Map::new();

        // The coordinator: before their details, with them, exported.
        let mut a = store(&root.path().join("a"));
        a.create_coordinator_identity().unwrap();
        put(&mut views, "coordinator_new", to(&show(&mut a).unwrap()));
        put(
            &mut refusals,
            "export_no_helpline",
            to(&refused(export(
                &mut a,
                &a_out.display().to_string(),
                noon(),
            ))),
        );
        put(
            &mut refusals,
            "helpline",
            to(&refused(set_details(&mut a, &details("  ", 5)))),
        );
        put(
            &mut refusals,
            "suppress_below",
            to(&refused(set_details(
                &mut a,
                &details("Headteachers' Helpline", profile::MAX_SUPPRESS_BELOW + 1),
            ))),
        );
        let coordinator = set_details(&mut a, &details("Headteachers' Helpline", 5)).unwrap();
        put(&mut views, "coordinator", to(&coordinator));
        log_last_year(&mut a);
        let v1 = export_to(&mut a, &a_out);
        put(&mut exported, "first", to(&v1));
        put(
            &mut views,
            "coordinator_exported",
            to(&show(&mut a).unwrap()),
        );

        // A volunteer's first import, wrong and right.
        let mut v = store(&root.path().join("v"));
        put(&mut views, "none", to(&show(&mut v).unwrap()));
        put(&mut files, "first_import", to(&check(&mut v, &v1.path)));
        put(
            &mut refusals,
            "fingerprint_missing",
            to(&refused(import(
                &mut v,
                &importing(&v1.path, " ", false),
                noon(),
            ))),
        );
        put(
            &mut refusals,
            "fingerprint_wrong",
            to(&refused(import(
                &mut v,
                &importing(&v1.path, "AAAA-BBBB-CCCC-DDDD", false),
                noon(),
            ))),
        );
        let typed = v1.fingerprint.to_lowercase().replace('-', " ");
        put(
            &mut applied,
            "first_import",
            to(&import(&mut v, &importing(&v1.path, &typed, false), noon()).unwrap()),
        );
        put(&mut files, "current", to(&check(&mut v, &v1.path)));
        put(
            &mut applied,
            "current",
            to(&import(&mut v, &importing(&v1.path, "", false), noon()).unwrap()),
        );
        put(
            &mut refusals,
            "coordinator_cannot_import",
            to(&refused(check_file(&mut a, &v1.path))),
        );
        put(
            &mut refusals,
            "volunteer_cannot_author",
            to(&refused(set_details(&mut v, &details("A helpline", 5)))),
        );
        put(
            &mut refusals,
            "volunteer_cannot_edit_themes",
            to(&refused(themes::start_draft(&mut v, false, today()))),
        );

        put(
            &mut refusals,
            "profile_unreadable",
            to(&refused(check_file(&mut v, "{path}"))),
        );
        let not_a_profile = root.path().join("notes.qlprofile");
        std::fs::write(&not_a_profile, "Shopping: milk, bread\n").unwrap();
        put(
            &mut refusals,
            "not_a_profile",
            to(&refused(check_file(
                &mut v,
                &not_a_profile.display().to_string(),
            ))),
        );

        // The theme list editor, one change of each kind in a chain from
        // Quietline's 2025 list.
        let mut drafts = serde_json::Map::new();
        let mut edits = Vec::new();
        let mut refused_edits = Vec::new();
        let current = themes::start_draft(&mut a, false, today()).unwrap();
        let shipped = themes::start_draft(&mut a, true, today()).unwrap();
        put(&mut drafts, "current", to(&current));
        put(&mut drafts, "shipped", to(&shipped));
        let chain = [
            (
                "split",
                ThemeEdit::Split {
                    id: "parents.social_media".into(),
                    parts: vec![new_theme("online_abuse", "Online abuse", "")],
                },
            ),
            (
                "rename",
                ThemeEdit::Rename {
                    id: "premises.raac".into(),
                    label: "RAAC and unsafe buildings".into(),
                    description: "Reinforced concrete and other unsafe structures".into(),
                },
            ),
            (
                "merge",
                ThemeEdit::Merge {
                    ids: vec![
                        "parents.unreasonable_behaviour".into(),
                        "parents.threats".into(),
                    ],
                    label: "Unreasonable behaviour and threats".into(),
                },
            ),
            (
                "retire",
                ThemeEdit::Retire {
                    id: "other.information".into(),
                },
            ),
            (
                "add_category",
                ThemeEdit::Add {
                    category: None,
                    theme: new_theme("trusts", "Trusts", "Working in a multi-academy trust"),
                },
            ),
            (
                "add_subtheme",
                ThemeEdit::Add {
                    category: Some("trusts".into()),
                    theme: new_theme(
                        "central_services",
                        "Central services",
                        "What the trust provides and charges for",
                    ),
                },
            ),
        ];
        let mut from: (&str, ThemeDraftView) = ("shipped", shipped.clone());
        let mut published = None;
        for (name, edit) in chain {
            let next = themes::edit_draft(
                &mut a,
                &ThemeDraftEdit {
                    draft: from.1.draft.clone(),
                    edit: edit.clone(),
                },
                today(),
            )
            .unwrap();
            edits.push(json!({ "from": from.0, "edit": edit, "to": name }));
            put(&mut drafts, name, to(&next));
            if name == "rename" {
                published = Some(next.draft.clone());
            }
            from = (name, next);
        }
        // An id used before is refused: the editor shows why.
        let used = ThemeEdit::Add {
            category: Some("send".into()),
            theme: new_theme("ehcp", "EHCP", ""),
        };
        let error = refused(themes::edit_draft(
            &mut a,
            &ThemeDraftEdit {
                draft: shipped.draft.clone(),
                edit: used.clone(),
            },
            today(),
        ));
        refused_edits.push(json!({ "from": "shipped", "edit": used, "error": error }));
        put(
            &mut refusals,
            "publish_unchanged",
            to(&refused(themes::publish_draft(&mut a, &current.draft))),
        );
        // Published after the split and the rename.
        themes::publish_draft(&mut a, &published.unwrap()).unwrap();
        put(
            &mut views,
            "coordinator_published",
            to(&show(&mut a).unwrap()),
        );
        put(
            &mut refusals,
            "shipped_unavailable",
            to(&refused(themes::start_draft(&mut a, true, today()))),
        );
        let v2 = export_to(&mut a, &a_out);
        put(&mut exported, "published", to(&v2));

        // The volunteer: an update, then the first file is older.
        put(&mut files, "update", to(&check(&mut v, &v2.path)));
        put(
            &mut applied,
            "update",
            to(&import(&mut v, &importing(&v2.path, "", false), noon()).unwrap()),
        );
        put(&mut files, "superseded", to(&check(&mut v, &v1.path)));
        put(
            &mut refusals,
            "superseded",
            to(&refused(import(
                &mut v,
                &importing(&v1.path, "", false),
                noon(),
            ))),
        );

        // Another coordinator's profile: refused, unless the volunteer
        // chooses to trust the new key and types its fingerprint.
        let mut b = store(&root.path().join("b"));
        b.create_coordinator_identity().unwrap();
        let other = set_details(&mut b, &details("Headteachers' Helpline", 5)).unwrap();
        let b_file = export_to(&mut b, &b_out);
        // A volunteer who has only the first profile: a new coordinator
        // must carry on the theme lists already in use.
        let mut v = store(&root.path().join("w"));
        import(&mut v, &importing(&v1.path, &v1.fingerprint, false), noon()).unwrap();
        put(&mut files, "other_signer", to(&check(&mut v, &b_file.path)));
        put(
            &mut refusals,
            "other_signer",
            to(&refused(import(
                &mut v,
                &importing(&b_file.path, "", false),
                noon(),
            ))),
        );
        put(
            &mut refusals,
            "repin_fingerprint_missing",
            to(&refused(import(
                &mut v,
                &importing(&b_file.path, "", true),
                noon(),
            ))),
        );
        put(
            &mut refusals,
            "repin_fingerprint_wrong",
            to(&refused(import(
                &mut v,
                &importing(&b_file.path, &v1.fingerprint, true),
                noon(),
            ))),
        );
        put(
            &mut applied,
            "repin",
            to(&import(
                &mut v,
                &importing(&b_file.path, &b_file.fingerprint, true),
                noon(),
            )
            .unwrap()),
        );

        // A coordinator key pasted by hand: its fingerprint, and the
        // refusals until the one read out by phone is typed.
        let a_key = coordinator.return_key.clone();
        let b_key = other.return_key.clone();
        // Named by whose they are: the keys themselves are random, so they
        // would sort differently on each run. Each is refused until the
        // fingerprint read out by phone is typed.
        let pasted = |key: &str, saved: Option<&str>, wrong: &str| {
            json!({
                "key": key,
                "fingerprint": crate::app::coordinator_key_fingerprint(key).unwrap(),
                "missing": refused(crate::app::confirmed_coordinator_key(saved, key, "")),
                "wrong": refused(crate::app::confirmed_coordinator_key(saved, key, wrong)),
            })
        };
        let keys = json!({
            "coordinator": pasted(&a_key, None, &other.return_key_fingerprint),
            "other": pasted(&b_key, Some(&a_key), &coordinator.return_key_fingerprint),
        });

        let fixture = json!({
            "views": views,
            "files": files,
            "applied": applied,
            "exported": exported,
            "keys": keys,
            "refusals": refusals,
            "editor": { "drafts": drafts, "edits": edits, "refused_edits": refused_edits },
        });
        // Compact: nine whole drafts pretty-printed would be twice the size.
        let mut text = serde_json::to_string(&fixture).unwrap();
        let made_up: [(String, &str); 8] = [
            (b_out.display().to_string(), "/home/other/Documents"),
            (a_out.display().to_string(), "/home/coordinator/Documents"),
            (
                coordinator.signer_fingerprint.clone(),
                "HX4C-QD7M-2VNA-TR5K",
            ),
            (
                coordinator.return_key_fingerprint.clone(),
                "W3PL-6ZQE-KA4M-XN2D",
            ),
            (other.signer_fingerprint.clone(), "JT6R-5WNB-QE3X-MC7A"),
            (other.return_key_fingerprint.clone(), "P2DK-7LVX-4RHQ-ZE6M"),
            (
                a_key.clone(),
                "age19lszqf7h5p3lv6xvs9m49h6suxvjxzvhlvph0mnk89v83nvc7wgdqv2p4n",
            ),
            (
                b_key.clone(),
                "age1k7wq3xv2m8dfz5tnh6yc4lrsu0pjg9ea2w7xq5m3ntk8v6hdzy4slcfr2e",
            ),
        ];
        for (real, shown) in &made_up {
            assert!(!real.is_empty());
            text = text.replace(real.as_str(), shown);
        }
        let root_text = root.path().display().to_string();
        assert!(!text.contains(&root_text), "a temporary path is left");
        text.push('\n');
        let path: PathBuf =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/testing/profile.json");
        std::fs::write(path, text).unwrap();
    }
}
