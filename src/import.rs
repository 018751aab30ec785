//! Importing calls from CSV, and writing calls in the same CSV form.
//!
//! An import is all or nothing: every row is validated, sealed and written
//! inside one transaction, and the first bad row aborts it with the row's
//! line number (the header is line 1) and what is wrong with it.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};

use crate::model::{
    CallDetails, CallFacts, CallType, CallerType, Employer, FollowUp, NewCall, Region, RiskLevel,
    Role, Setting,
};
use crate::store::{StoreError, Vault};

pub const REQUIRED_COLUMNS: [&str; 9] = [
    "started_at",
    "duration_minutes",
    "caller_role",
    "setting",
    "region",
    "themes",
    "risk",
    "follow_up",
    "notes",
];
pub const OPTIONAL_COLUMNS: [&str; 3] = ["call_type", "employer", "repeat_caller"];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("line {line}: {problem}; nothing was imported")]
    Row { line: u64, problem: String },
    #[error("the file could not be read: {0}; nothing was imported")]
    Read(String),
    #[error("{0}; nothing was imported")]
    Store(#[from] StoreError),
}

/// How far an import has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub rows: usize,
    pub bytes_read: u64,
    pub bytes_total: u64,
}

/// Where each known column sits in this file's header.
struct Columns {
    index: [Option<usize>; REQUIRED_COLUMNS.len() + OPTIONAL_COLUMNS.len()],
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, String> {
        let known: Vec<&str> = REQUIRED_COLUMNS
            .iter()
            .chain(OPTIONAL_COLUMNS.iter())
            .copied()
            .collect();
        let mut index = [None; REQUIRED_COLUMNS.len() + OPTIONAL_COLUMNS.len()];
        for (position, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            let Some(k) = known.iter().position(|c| *c == name) else {
                return Err(format!(
                    "unknown column '{name}'; the columns are {}, and optionally {}",
                    REQUIRED_COLUMNS.join(","),
                    OPTIONAL_COLUMNS.join(",")
                ));
            };
            if index[k].is_some() {
                return Err(format!("column '{name}' appears twice"));
            }
            index[k] = Some(position);
        }
        let missing: Vec<&str> = REQUIRED_COLUMNS
            .iter()
            .enumerate()
            .filter(|(k, _)| index[*k].is_none())
            .map(|(_, name)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the header row lacks the column(s) {}",
                missing.join(", ")
            ));
        }
        Ok(Columns { index })
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        let k = REQUIRED_COLUMNS
            .iter()
            .chain(OPTIONAL_COLUMNS.iter())
            .position(|c| *c == name);
        k.and_then(|k| self.index[k])
            .and_then(|i| record.get(i))
            .unwrap_or("")
    }
}

fn parse_bool(column: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("{column} must be true or false, not '{other}'")),
    }
}

fn parse_id<T: std::str::FromStr<Err = crate::model::UnknownId>>(
    column: &str,
    value: &str,
) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|e: crate::model::UnknownId| format!("{column}: {e}"))
}

fn parse_row(columns: &Columns, record: &csv::StringRecord) -> Result<NewCall, String> {
    let get = |name: &str| columns.get(record, name);
    let started_at = DateTime::parse_from_rfc3339(get("started_at").trim())
        .map_err(|_| {
            format!(
                "started_at '{}' is not an RFC 3339 time such as 2024-09-02T09:30:00+01:00",
                get("started_at")
            )
        })?
        .with_timezone(&Utc);
    let duration_minutes = get("duration_minutes").trim().parse::<u32>().map_err(|_| {
        format!(
            "duration_minutes '{}' is not a whole number of minutes",
            get("duration_minutes")
        )
    })?;
    let themes: Vec<String> = get("themes")
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let call_type = match get("call_type").trim() {
        "" => CallType::Substantive,
        other => parse_id("call_type", other)?,
    };
    let employer: Option<Employer> = match get("employer").trim() {
        "" => None,
        other => Some(parse_id("employer", other)?),
    };
    let caller_type = match get("repeat_caller").trim() {
        "" => CallerType::Unknown,
        other => {
            if parse_bool("repeat_caller", other)? {
                CallerType::Repeat
            } else {
                CallerType::FirstTime
            }
        }
    };
    Ok(NewCall {
        facts: CallFacts {
            started_at,
            duration_minutes,
            call_type,
            role: parse_id::<Role>("caller_role", get("caller_role"))?,
            setting: parse_id::<Setting>("setting", get("setting"))?,
            employer,
            region: parse_id::<Region>("region", get("region"))?,
            caller_type,
            themes,
            risk: parse_id::<RiskLevel>("risk", get("risk"))?,
            follow_up: FollowUp {
                needed: parse_bool("follow_up", get("follow_up"))?,
                due: None,
                done: false,
            },
        },
        details: CallDetails {
            safeguarding: Vec::new(),
            notes: get("notes").to_string(),
        },
    })
}

/// Imports every row of `input` into `vault` in one transaction, or none.
/// `progress` is called every few hundred rows and once at the end.
pub fn import_csv<R: Read>(
    vault: &mut Vault,
    input: R,
    bytes_total: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(ImportProgress),
) -> Result<usize, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let columns =
        Columns::from_header(&header).map_err(|problem| ImportError::Row { line: 1, problem })?;
    let mut batch = vault.begin_import(now)?;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let call =
            parse_row(&columns, &record).map_err(|problem| ImportError::Row { line, problem })?;
        batch.add(&call).map_err(|e| match e {
            StoreError::Invalid(invalid) => ImportError::Row {
                line,
                problem: invalid.to_string(),
            },
            other => ImportError::Store(other),
        })?;
        if batch.added() % 500 == 0 {
            progress(ImportProgress {
                rows: batch.added(),
                bytes_read: reader.position().byte(),
                bytes_total,
            });
        }
    }
    let rows = batch.added();
    progress(ImportProgress {
        rows,
        bytes_read: bytes_total,
        bytes_total,
    });
    Ok(batch.commit()?)
}

fn csv_error(e: &csv::Error) -> ImportError {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => ImportError::Row {
            line: pos.as_ref().map_or(0, csv::Position::line),
            problem: format!("{len} fields where the header has {expected_len}"),
        },
        csv::ErrorKind::Utf8 { pos, .. } => ImportError::Row {
            line: pos.as_ref().map_or(0, csv::Position::line),
            problem: "the text is not valid UTF-8; save the file as UTF-8".into(),
        },
        _ => ImportError::Read(e.to_string()),
    }
}

/// Writes calls in the import format (all columns), so a file written here
/// imports back unchanged. Used by the synthetic-data generator.
pub fn write_csv<'a, W: Write>(
    out: W,
    calls: impl IntoIterator<Item = &'a NewCall>,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    let header: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .chain(OPTIONAL_COLUMNS.iter())
        .copied()
        .collect();
    writer.write_record(&header)?;
    for call in calls {
        let f = &call.facts;
        let repeat = match f.caller_type {
            CallerType::FirstTime => "false",
            CallerType::Repeat => "true",
            CallerType::Unknown => "",
        };
        writer.write_record([
            f.started_at.to_rfc3339().as_str(),
            &f.duration_minutes.to_string(),
            f.role.id(),
            f.setting.id(),
            f.region.id(),
            &f.themes.join(";"),
            f.risk.id(),
            if f.follow_up.needed { "true" } else { "false" },
            &call.details.notes,
            f.call_type.id(),
            f.employer.map_or("", Employer::id),
            repeat,
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<NewCall>, (u64, String)> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let columns = Columns::from_header(&header).map_err(|p| (1, p))?;
        let mut out = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| (0, e.to_string()))?;
            let line = record.position().unwrap().line();
            out.push(parse_row(&columns, &record).map_err(|p| (line, p))?);
        }
        Ok(out)
    }

    const HEADER: &str =
        "started_at,duration_minutes,caller_role,setting,region,themes,risk,follow_up,notes\n";

    #[test]
    fn quoted_multi_line_notes_and_optional_columns() {
        let text = "notes,started_at,duration_minutes,caller_role,setting,region,themes,risk,follow_up,employer,repeat_caller\n\
            \"Line one,\nline \"\"two\"\"\",2024-09-02T09:30:00+01:00,25,headteacher,primary,london,inspection.ofsted; wellbeing ,low,true,multi_academy_trust,true\n";
        let calls = parse(text).unwrap();
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!(c.details.notes, "Line one,\nline \"two\"");
        assert_eq!(c.facts.themes, ["inspection.ofsted", "wellbeing"]);
        assert_eq!(c.facts.started_at.to_rfc3339(), "2024-09-02T08:30:00+00:00");
        assert_eq!(c.facts.employer, Some(Employer::MultiAcademyTrust));
        assert_eq!(c.facts.caller_type, CallerType::Repeat);
        assert!(c.facts.follow_up.needed);
    }

    #[test]
    fn each_bad_value_is_named_with_its_line() {
        let good = "2024-09-02T09:30:00Z,25,headteacher,primary,london,send,low,false,ok\n";
        let cases = [
            (
                "2024-13-02T09:30:00Z,25,headteacher,primary,london,send,low,false,x\n",
                "started_at",
            ),
            (
                "2024-09-02T09:30:00Z,abc,headteacher,primary,london,send,low,false,x\n",
                "duration_minutes",
            ),
            (
                "2024-09-02T09:30:00Z,25,head,primary,london,send,low,false,x\n",
                "unknown role 'head'",
            ),
            (
                "2024-09-02T09:30:00Z,25,headteacher,school,london,send,low,false,x\n",
                "unknown setting",
            ),
            (
                "2024-09-02T09:30:00Z,25,headteacher,primary,mars,send,low,false,x\n",
                "unknown region",
            ),
            (
                "2024-09-02T09:30:00Z,25,headteacher,primary,london,send,severe,false,x\n",
                "unknown risk level",
            ),
            (
                "2024-09-02T09:30:00Z,25,headteacher,primary,london,send,low,maybe,x\n",
                "follow_up must be true or false",
            ),
        ];
        for (bad, expected) in cases {
            let text = format!("{HEADER}{good}{bad}");
            let (line, problem) = parse(&text).unwrap_err();
            assert_eq!(line, 3, "{problem}");
            assert!(
                problem.contains(expected),
                "{problem} should mention {expected}"
            );
        }
    }

    #[test]
    fn header_problems_are_line_one() {
        let (line, problem) = parse("started_at,duration_minutes\n").unwrap_err();
        assert_eq!(line, 1);
        assert!(
            problem.contains("lacks the column(s) caller_role"),
            "{problem}"
        );
        let (_, problem) = parse(&HEADER.replace("notes", "notes,colour")).unwrap_err();
        assert!(problem.contains("unknown column 'colour'"), "{problem}");
    }
}
