//! The theme lists for both front doors: listing a version and its
//! crosswalk (`quietline themes`), and the coordinator's theme list editor,
//! which changes a draft of the next version one step at a time, previews
//! how last year's counts map, and publishes it.

use serde::{Deserialize, Serialize};

use super::error::{AppError, ErrorCode, capitalised};
use crate::model::Field;
use crate::period::{Period, PeriodKind};
use crate::report::Report;
use crate::store::{ProfileChange, Vault};
use crate::themes::edit::{self, ThemeEdit};
use crate::themes::{ChangeKind, ThemeCatalogue, ThemeError, ThemeList, category_of};

/// One theme of a version, for `quietline themes` and the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ThemeLine {
    /// `category` or `category.subtheme`.
    pub id: String,
    pub label: String,
    pub description: String,
    pub is_category: bool,
}

/// Every theme of a version in list order.
pub fn lines(list: &ThemeList) -> Vec<ThemeLine> {
    list.all_ids()
        .map(|id| ThemeLine {
            label: list.label(&id).unwrap_or_default().to_string(),
            description: list.description(&id).unwrap_or_default().to_string(),
            is_category: !id.contains('.'),
            id,
        })
        .collect()
}

/// A version by number; the current one when `None`.
pub fn version(themes: &ThemeCatalogue, version: Option<u32>) -> Result<&ThemeList, AppError> {
    match version {
        None => Ok(themes.current()),
        Some(v) => themes.version(v).ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "There is no theme list version {v} here; the versions are 1 to {}.",
                    themes.current().version
                ),
            )
        }),
    }
}

/// A theme with its label in the version it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Labelled {
    pub id: String,
    pub label: String,
}

/// One line of a crosswalk as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct CrosswalkRow {
    pub kind: ChangeKind,
    /// Themes of the earlier version.
    pub from: Vec<Labelled>,
    /// What they became.
    pub to: Vec<Labelled>,
    /// Calls last year naming the earlier themes (each call once); `None`
    /// when not counted.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub last_year_calls: Option<u64>,
    /// How last year's counts compare, in a sentence.
    pub comparison: String,
}

fn labelled(list: &ThemeList, ids: &[String]) -> Vec<Labelled> {
    ids.iter()
        .map(|id| Labelled {
            id: id.clone(),
            label: list.label(id).unwrap_or(id).to_string(),
        })
        .collect()
}

/// The changes from version `from` to the current one, one row per theme
/// of `from` that did not stay as it was (unchanged themes are left out).
pub fn crosswalk(themes: &ThemeCatalogue, from: u32) -> Result<Vec<CrosswalkRow>, AppError> {
    let old = version(themes, Some(from))?;
    let new = themes.current();
    let row = |kind, from: &[String], to: &[String]| CrosswalkRow {
        kind,
        from: labelled(old, from),
        to: labelled(new, to),
        last_year_calls: None,
        comparison: String::new(),
    };
    let mut rows: Vec<CrosswalkRow> = Vec::new();
    // Themes that became exactly one theme, grouped by what they became.
    let mut by_target: Vec<(String, Vec<String>)> = Vec::new();
    let crosswalk = themes.crosswalk_from(from);
    for id in old.all_ids() {
        let Some(dest) = crosswalk.get(&id) else {
            continue;
        };
        match dest.now.as_slice() {
            [] => rows.push(row(ChangeKind::Retired, &[id], &[])),
            [one] => match by_target.iter_mut().find(|(t, _)| t == one) {
                Some((_, sources)) => sources.push(id),
                None => by_target.push((one.clone(), vec![id])),
            },
            many => rows.push(row(ChangeKind::Split, &[id], many)),
        }
    }
    for (target, sources) in by_target {
        if sources.len() > 1 {
            rows.push(row(ChangeKind::Merged, &sources, &[target]));
        } else if sources[0] != target || old.label(&sources[0]) != new.label(&target) {
            rows.push(row(ChangeKind::Renamed, &sources, &[target]));
        }
    }
    let position = |r: &CrosswalkRow| {
        r.from
            .first()
            .and_then(|f| old.all_ids().position(|id| id == f.id))
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(position);
    let new_ids = themes.new_since(from, new.version);
    if !new_ids.is_empty() {
        let ids: Vec<String> = new.all_ids().filter(|id| new_ids.contains(id)).collect();
        rows.push(row(ChangeKind::New, &[], &ids));
    }
    for row in &mut rows {
        row.comparison = comparison(row, new);
    }
    Ok(rows)
}

fn comparison(row: &CrosswalkRow, new: &ThemeList) -> String {
    let calls = |n: Option<u64>| match n {
        Some(1) => "1 call".to_string(),
        Some(n) => format!("{n} calls"),
        None => "calls".to_string(),
    };
    let last = calls(row.last_year_calls);
    match row.kind {
        ChangeKind::Unchanged | ChangeKind::Renamed => {
            format!("Compares with last year: its {last} carry over.")
        }
        ChangeKind::Merged => {
            format!("Compares with last year as one theme: {last} named one or more of these.")
        }
        ChangeKind::Split => {
            let category = row
                .to
                .first()
                .map(|t| category_of(&t.id))
                .and_then(|c| new.label(c))
                .unwrap_or("its category");
            format!(
                "Last year's {last} cannot be divided between the parts: they compare only \
                 within \"{category}\", and the parts are marked not comparable."
            )
        }
        ChangeKind::New => "New: no count last year, so no comparison until next year.".into(),
        ChangeKind::Retired => {
            format!("No longer offered: last year's {last} are listed under retired themes.")
        }
    }
}

/// The draft of the next version as the editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ThemeDraftView {
    /// The draft itself, sent back with each change.
    #[cfg_attr(test, ts(type = "unknown"))]
    pub draft: ThemeList,
    /// Its themes in list order.
    pub themes: Vec<ThemeLine>,
    /// The published version it changes.
    pub base_version: u32,
    /// How it maps from the published version.
    pub changes: Vec<CrosswalkRow>,
    /// The year the last-year counts are from: "2025/26".
    pub last_year: String,
    /// Whether Quietline's 2025 list can start this draft (only from version 1).
    pub shipped_available: bool,
}

/// An edit the editor sends: the draft and one change to it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct ThemeDraftEdit {
    #[cfg_attr(test, ts(type = "unknown"))]
    pub draft: ThemeList,
    pub edit: ThemeEdit,
}

fn draft_error(e: ThemeError) -> AppError {
    let text = match e {
        ThemeError::InvalidList(reason) => reason,
        e => e.to_string(),
    };
    AppError::invalid(Field::ThemeDraft, capitalised(&text))
}

fn require_coordinator(vault: &mut Vault) -> Result<(), AppError> {
    match vault.coordinator_identity()? {
        Some(_) => Ok(()),
        None => Err(AppError::new(
            ErrorCode::Failed,
            "Only the coordinator changes the theme list; volunteers receive it in the \
             helpline profile.",
        )),
    }
}

/// The academic year before the one `today` is in: the last whole year a
/// coordinator compares with.
fn last_year(today: chrono::NaiveDate) -> Option<Period> {
    use chrono::Datelike;
    let start = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    Period::new(PeriodKind::Academic, start - 1).ok()
}

fn view(
    vault: &Vault,
    draft: ThemeList,
    today: chrono::NaiveDate,
) -> Result<ThemeDraftView, AppError> {
    let themes = vault.themes();
    let with_draft = themes.with_next(draft.clone()).map_err(draft_error)?;
    let base = themes.current().version;
    let mut changes = crosswalk(&with_draft, base)?;
    let period = last_year(today);
    // Last year's calls per theme of the published version, as the report
    // counts them (over this store's own and merged calls).
    if let Some(period) = period {
        let next = Period::new(PeriodKind::Academic, period.months()[0].year + 1).ok();
        if let Some(next) = next
            && let Ok(report) = Report::for_vault(vault, next)
            && report.theme_list_version == base
        {
            let count_of = |id: &str| -> Option<u64> {
                report.themes.iter().find_map(|t| {
                    if t.count.id == id {
                        return t.count.previous_calls;
                    }
                    t.subthemes.iter().find(|s| s.id == id)?.previous_calls
                })
            };
            for row in &mut changes {
                row.last_year_calls = match row.from.as_slice() {
                    [] => None,
                    [one] => count_of(&one.id),
                    // Calls may name several merged themes: the sum is an
                    // upper bound, so show it only for one theme.
                    _ => None,
                };
                row.comparison = comparison(row, with_draft.current());
            }
        }
    }
    Ok(ThemeDraftView {
        themes: lines(&draft),
        base_version: base,
        changes,
        last_year: period.map(|p| p.label()).unwrap_or_default(),
        shipped_available: base == 1,
        draft,
    })
}

/// Starts a draft of the next version: the current list unchanged, or
/// Quietline's own 2025 list (version 2, from version 1) with `shipped`.
pub fn start_draft(
    vault: &mut Vault,
    shipped: bool,
    today: chrono::NaiveDate,
) -> Result<ThemeDraftView, AppError> {
    require_coordinator(vault)?;
    let draft = if shipped {
        if vault.themes().current().version != 1 {
            return Err(AppError::new(
                ErrorCode::Failed,
                "Quietline's 2025 theme list follows version 1, and this helpline has \
                 published a later version already; make the changes by hand instead.",
            ));
        }
        crate::themes::shipped_v2_draft()
    } else {
        edit::start_draft(vault.themes())
    };
    view(vault, draft, today)
}

/// Applies one change to the draft.
pub fn edit_draft(
    vault: &mut Vault,
    request: &ThemeDraftEdit,
    today: chrono::NaiveDate,
) -> Result<ThemeDraftView, AppError> {
    require_coordinator(vault)?;
    let draft = edit::apply(vault.themes(), &request.draft, &request.edit).map_err(draft_error)?;
    view(vault, draft, today)
}

/// Publishes the draft as the next version: new calls are logged under it,
/// and the next exported profile carries it to the volunteers.
pub fn publish_draft(vault: &mut Vault, draft: &ThemeList) -> Result<u32, AppError> {
    require_coordinator(vault)?;
    if draft.crosswalk.is_empty() {
        return Err(AppError::invalid(
            Field::ThemeDraft,
            "The draft is the same as the published list; make a change before publishing.",
        ));
    }
    let themes = vault
        .themes()
        .with_next(draft.clone())
        .map_err(draft_error)?;
    let version = themes.current().version;
    let settings = vault.settings().clone();
    let record = vault.profile_record()?;
    vault.apply_profile(ProfileChange {
        themes,
        settings,
        record,
    })?;
    Ok(version)
}
