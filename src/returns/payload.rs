//! What a return says: the de-identified facts of a volunteer's calls in a
//! period, and the calls deleted since an earlier return.
//!
//! The payload is JSON in one canonical form (the fields in the order below,
//! no whitespace, minimal string escapes), and [`ReturnPayload::from_canonical`]
//! refuses any other spelling of the same content, so one payload has one
//! byte string and one signature. `docs/return-format.md` specifies it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ReturnError;
use crate::model::{MAX_DURATION_MINUTES, MAX_THEMES};
use crate::period::{LocalMonth, Period, PeriodKind};
use crate::themes::{ThemeCatalogue, ThemeList};

/// The payload format this build writes and reads.
pub const PAYLOAD_FORMAT: u32 = 1;
/// At most this many calls, and this many deletions, in one return; the
/// envelope refuses a header that claims more before decrypting.
pub const MAX_CALLS: usize = 200_000;
pub const MAX_DELETED: usize = 50_000;
/// A display name in a return is at most this long.
pub const MAX_VOLUNTEER_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnPayload {
    /// [`PAYLOAD_FORMAT`].
    pub format: u32,
    /// 32 lowercase hex digits, random per return: the same file merged twice
    /// is recognised by it.
    pub return_id: String,
    /// Counts up with each return a store makes; a newer return for the
    /// same months replaces an older one.
    pub sequence: u64,
    /// The (UTC) day the return was made, `YYYY-MM-DD`.
    pub made_on: String,
    /// The volunteer's chosen display name.
    pub volunteer: String,
    /// The coordinator key (`age1…`) the return was made for.
    pub coordinator: String,
    pub period: ReturnPeriod,
    /// The newest theme list version the volunteer's store knows; each call
    /// names the version it was logged under.
    pub theme_list_version: u32,
    /// The time zone the volunteer's months are counted in. Absent from
    /// returns made before profiles; the coordinator's must match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// How many writes the volunteer's store had committed when the return
    /// was made (its ledger's generation). A coordinator is warned when it
    /// goes backwards. Absent from returns made before the ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
    /// Every call of the period, sorted by `id`.
    pub calls: Vec<ReturnedCall>,
    /// Export ids of calls deleted after an earlier return, sorted.
    pub deleted: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnPeriod {
    pub kind: PeriodKind,
    /// The calendar year, or the year an academic year starts in.
    pub year: i32,
}

/// One call as it leaves a volunteer's laptop (defined with the merged
/// calls a coordinator's store keeps, which are these same facts).
pub use crate::store::ReturnedCall;

fn invalid(reason: impl Into<String>) -> ReturnError {
    ReturnError::Invalid(reason.into())
}

pub(crate) fn is_hex_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl ReturnPeriod {
    pub fn of(period: &Period) -> ReturnPeriod {
        ReturnPeriod {
            kind: period.kind(),
            year: period.months()[0].year,
        }
    }

    pub fn period(&self) -> Result<Period, ReturnError> {
        Period::new(self.kind, self.year).map_err(|e| invalid(format!("its period: {e}")))
    }
}

impl ReturnPayload {
    /// The one byte string this payload is signed as.
    pub fn to_canonical(&self) -> Vec<u8> {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a payload, refusing anything but its canonical bytes.
    pub fn from_canonical(bytes: &[u8]) -> Result<ReturnPayload, ReturnError> {
        let payload: ReturnPayload = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("its content does not read ({e})")))?;
        if payload.format != PAYLOAD_FORMAT {
            return Err(ReturnError::UnsupportedVersion {
                found: u64::from(payload.format),
            });
        }
        if *zeroize::Zeroizing::new(payload.to_canonical()) != bytes {
            return Err(invalid(
                "its content is not written in the one canonical form",
            ));
        }
        Ok(payload)
    }

    /// Checks every rule a return made by Quietline satisfies, against the
    /// theme list the merging store knows.
    pub fn check(&self, themes: &ThemeCatalogue) -> Result<(), ReturnError> {
        if !is_hex_id(&self.return_id) {
            return Err(invalid("its return id is malformed"));
        }
        let made_on = NaiveDate::parse_from_str(&self.made_on, "%Y-%m-%d")
            .ok()
            .filter(|d| d.format("%Y-%m-%d").to_string() == self.made_on);
        if made_on.is_none() {
            return Err(invalid(format!("'{}' is not a date", self.made_on)));
        }
        let name_chars = self.volunteer.chars().count();
        if name_chars == 0
            || name_chars > MAX_VOLUNTEER_NAME_CHARS
            || self.volunteer.chars().any(char::is_control)
            || self.volunteer.trim() != self.volunteer
        {
            return Err(invalid(
                "its volunteer name is empty, too long or malformed",
            ));
        }
        if self
            .volunteer
            .chars()
            .any(crate::model::is_hidden_character)
        {
            return Err(invalid(
                "its volunteer name holds a hidden text-direction or zero-width character that could disguise who sent it",
            ));
        }
        // An age X25519 recipient as age writes it: `age1` and lower-case
        // bech32 (whether it is this coordinator's is checked on merging).
        let key_like = self.coordinator.len() <= 100
            && self.coordinator.starts_with("age1")
            && self
                .coordinator
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !key_like {
            return Err(invalid("its coordinator key is malformed"));
        }
        let unknown = |found: u32| ReturnError::ThemeListMismatch {
            found,
            known: themes.current().version,
        };
        if themes.version(self.theme_list_version).is_none() {
            return Err(unknown(self.theme_list_version));
        }
        if let Some(tz) = &self.time_zone {
            if tz.len() > 64 || tz.parse::<chrono_tz::Tz>().is_err() {
                return Err(invalid(format!("'{tz}' is not a time zone")));
            }
        }
        if self.calls.len() > MAX_CALLS || self.deleted.len() > MAX_DELETED {
            return Err(invalid("it holds more calls than any return may"));
        }
        let months = self.period.period()?.months();
        for pair in self.calls.windows(2) {
            if pair[0].id >= pair[1].id {
                return Err(invalid("its calls are not in order, or one appears twice"));
            }
        }
        for call in &self.calls {
            if call.theme_list_version > self.theme_list_version {
                return Err(invalid(format!(
                    "call {} names theme list version {}, newer than the return's",
                    call.id, call.theme_list_version
                )));
            }
            let list = themes
                .version(call.theme_list_version)
                .ok_or_else(|| unknown(call.theme_list_version))?;
            check_call(call, &months, list)?;
        }
        for pair in self.deleted.windows(2) {
            if pair[0] >= pair[1] {
                return Err(invalid(
                    "its deletions are not in order, or one appears twice",
                ));
            }
        }
        for id in &self.deleted {
            if !is_hex_id(id) {
                return Err(invalid("a deletion's id is malformed"));
            }
            if self
                .calls
                .binary_search_by(|c| c.id.as_str().cmp(id))
                .is_ok()
            {
                return Err(invalid(format!("call {id} is both present and deleted")));
            }
        }
        Ok(())
    }

    pub fn made_on(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.made_on, "%Y-%m-%d").ok()
    }
}

fn check_call(
    call: &ReturnedCall,
    months: &[LocalMonth; 12],
    themes: &ThemeList,
) -> Result<(), ReturnError> {
    if !is_hex_id(&call.id) {
        return Err(invalid("a call's id is malformed"));
    }
    let place = |reason: String| invalid(format!("call {}: {reason}", call.id));
    let month = LocalMonth::parse(&call.month)
        .ok_or_else(|| place(format!("'{}' is not a month", call.month)))?;
    if !months.contains(&month) {
        return Err(place(format!(
            "{} is outside the return's period",
            call.month
        )));
    }
    if call.minutes > MAX_DURATION_MINUTES {
        return Err(place("longer than a day".into()));
    }
    if call.themes.len() > MAX_THEMES {
        return Err(place(format!("more than {MAX_THEMES} themes")));
    }
    if call.call_type.is_substantive() && call.themes.is_empty() {
        return Err(place("a substantive call without a theme".into()));
    }
    for (i, theme) in call.themes.iter().enumerate() {
        themes.resolve(theme).map_err(|e| place(e.to_string()))?;
        if call.themes[..i].contains(theme) {
            return Err(place(format!("theme '{theme}' given twice")));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};

    pub(crate) fn call(id_byte: u8, month: &str) -> ReturnedCall {
        ReturnedCall {
            id: format!("{id_byte:02x}").repeat(16),
            month: month.into(),
            minutes: 25,
            call_type: CallType::Substantive,
            role: Role::Headteacher,
            setting: Setting::Primary,
            employer: Some(Employer::LocalAuthority),
            region: Region::NorthWest,
            caller: CallerType::FirstTime,
            themes: vec!["inspection.ofsted".into(), "wellbeing".into()],
            risk: RiskLevel::Low,
            follow_up: true,
            theme_list_version: 1,
        }
    }

    pub(crate) fn payload() -> ReturnPayload {
        ReturnPayload {
            format: PAYLOAD_FORMAT,
            return_id: "0123456789abcdef0123456789abcdef".into(),
            sequence: 1,
            made_on: "2025-09-03".into(),
            volunteer: "Volunteer A".into(),
            coordinator: "age1ma8nxwyyu0pw0ws6qf6hhr680h7pl88rxpfdqydjpmchcnaduaqsma8uy6".into(),
            period: ReturnPeriod {
                kind: PeriodKind::Academic,
                year: 2024,
            },
            theme_list_version: ThemeList::default_list().version,
            time_zone: None,
            generation: None,
            calls: vec![call(1, "2024-09"), call(2, "2025-08")],
            deleted: vec!["ff".repeat(16)],
        }
    }

    #[test]
    fn a_payload_reads_back_from_its_canonical_bytes_and_passes_its_checks() {
        let p = payload();
        let bytes = p.to_canonical();
        assert_eq!(ReturnPayload::from_canonical(&bytes).unwrap(), p);
        p.check(&ThemeCatalogue::shipped()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(r#"{"format":1,"return_id":"#), "{text}");
        assert!(!text.contains(' ') || text.contains("Volunteer A"));
    }

    #[test]
    fn another_spelling_of_the_same_content_is_refused() {
        let bytes = payload().to_canonical();
        let spaced = String::from_utf8(bytes).unwrap().replacen(':', ": ", 1);
        let e = ReturnPayload::from_canonical(spaced.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("canonical"), "{e}");
    }

    #[test]
    fn unknown_fields_and_newer_formats_are_refused() {
        let text = String::from_utf8(payload().to_canonical()).unwrap();
        let extra = text.replacen('{', r#"{"notes":"x","#, 1);
        assert!(matches!(
            ReturnPayload::from_canonical(extra.as_bytes()),
            Err(ReturnError::Invalid(_))
        ));
        let newer = text.replacen(r#""format":1"#, r#""format":2"#, 1);
        assert!(matches!(
            ReturnPayload::from_canonical(newer.as_bytes()),
            Err(ReturnError::UnsupportedVersion { found: 2 })
        ));
    }

    #[test]
    fn each_rule_of_a_return_is_checked() {
        let themes = ThemeCatalogue::shipped();
        type Change = Box<dyn Fn(&mut ReturnPayload)>;
        let cases: Vec<(&str, Change)> = vec![
            ("return id", Box::new(|p| p.return_id = "xyz".into())),
            ("date", Box::new(|p| p.made_on = "2025-02-30".into())),
            ("name", Box::new(|p| p.volunteer = String::new())),
            ("name", Box::new(|p| p.volunteer = "a\nb".into())),
            (
                "hidden",
                Box::new(|p| p.volunteer = "Alex\u{202E}htimS".into()),
            ),
            ("hidden", Box::new(|p| p.volunteer = "Al\u{200B}ex".into())),
            ("hidden", Box::new(|p| p.volunteer = "Alex\u{2066}".into())),
            ("hidden", Box::new(|p| p.volunteer = "\u{FEFF}Alex".into())),
            ("order", Box::new(|p| p.calls.reverse())),
            ("order", Box::new(|p| p.calls[1].id = p.calls[0].id.clone())),
            ("outside", Box::new(|p| p.calls[0].month = "2024-08".into())),
            (
                "not a month",
                Box::new(|p| p.calls[0].month = "2024-13".into()),
            ),
            (
                "not a month",
                Box::new(|p| p.calls[0].month = "2024-9".into()),
            ),
            ("day", Box::new(|p| p.calls[0].minutes = 1441)),
            (
                "themes",
                Box::new(|p| p.calls[0].themes = vec!["a".into(); 5]),
            ),
            ("without a theme", Box::new(|p| p.calls[0].themes.clear())),
            (
                "twice",
                Box::new(|p| p.calls[0].themes[1] = "inspection.ofsted".into()),
            ),
            (
                "theme",
                Box::new(|p| p.calls[0].themes[0] = "gossip".into()),
            ),
            (
                "both",
                Box::new(|p| p.deleted = vec![p.calls[0].id.clone()]),
            ),
            ("deletion", Box::new(|p| p.deleted = vec!["FF".repeat(16)])),
            ("period", Box::new(|p| p.period.year = 12000)),
            (
                "coordinator",
                Box::new(|p| p.coordinator = format!(" {}", p.coordinator)),
            ),
            ("coordinator", Box::new(|p| p.coordinator = "AGE1X".into())),
        ];
        for (expected, change) in cases {
            let mut p = payload();
            change(&mut p);
            let e = p.check(&themes).unwrap_err();
            assert!(matches!(e, ReturnError::Invalid(_)), "{expected}: {e}");
            assert!(e.to_string().contains(expected), "{expected}: {e}");
        }
        let mut p = payload();
        p.theme_list_version += 1;
        assert!(matches!(
            p.check(&themes),
            Err(ReturnError::ThemeListMismatch { .. })
        ));
    }
}
