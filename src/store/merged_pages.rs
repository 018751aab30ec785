//! Merged report pages: every merged call of one local month, from every
//! volunteer, packed into sealed pages of up to [`MERGED_PAGE_CAPACITY`]
//! calls, as the store's own calls are packed into report pages.
//!
//! A coordinator's merged calls are each one sealed record (`merged.rs`),
//! the source of truth a merge reads by export id. Opening a record costs
//! about a microsecond whatever its size, so a report that opened one per
//! merged call cost about fifteen times the same report over the store's
//! own calls. The pages hold a second, compact copy of what the report
//! counts and what a merge compares (the export id, which volunteer, the
//! sequence of the return that wrote it), written in the same transaction
//! as the records and checked against the ledger before a report or a
//! merge relies on them.
//!
//! Pages are shared by month, not kept per volunteer: how many calls each
//! volunteer sent in a month is not written anywhere outside a seal. A
//! merge rewrites the pages of each month it changes, whole; a month it
//! leaves as it was (a return made again with nothing new) is not written.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::returned_call::ReturnedCall;
use super::schema::SCHEMA_VERSION;
use super::sealed::{self, SealedTable};
use super::{Keys, StoreError, ledger};
use crate::crypto::PeriodTag;
use crate::model::{CallType, CallerType, Employer, Region, RiskLevel, Role, Setting};
use crate::period::LocalMonth;

/// Pages are rewritten whole, never one call at a time, so they can be
/// large: a year of a large helpline is a few hundred pages.
pub const MERGED_PAGE_CAPACITY: usize = 512;

/// One merged call, compactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    export_id: [u8; 16],
    /// Position in the page's list of volunteers.
    volunteer: u16,
    sequence: u64,
    minutes: u32,
    call_type: u8,
    role: u8,
    setting: u8,
    /// 0 for none, else position + 1.
    employer: u8,
    region: u8,
    caller: u8,
    risk: u8,
    follow_up: bool,
    theme_list_version: u32,
    /// This call's themes are `theme_refs[themes_at..themes_at + themes_len]`.
    themes_at: u16,
    themes_len: u8,
}

/// A page as sealed: volunteers' row ids and theme ids are stored once per
/// page and referred to by position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedPage {
    volunteers: Vec<[u8; 16]>,
    theme_ids: Vec<String>,
    theme_refs: Vec<u8>,
    entries: Vec<Entry>,
}

/// A merged call as a page holds it: whose, which, and from which return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagedCall {
    /// The volunteer's row id (see `merged.rs`).
    pub volunteer: [u8; 16],
    pub export_id: [u8; 16],
    pub sequence: u64,
    pub call: ReturnedCall,
}

fn at<T: Copy>(all: &[T], index: u8) -> Option<T> {
    all.get(usize::from(index)).copied()
}

fn hex_id(text: &str) -> Option<[u8; 16]> {
    let bytes = data_encoding::HEXLOWER.decode(text.as_bytes()).ok()?;
    bytes.try_into().ok()
}

impl MergedPage {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a call, if the page has room for it; `false` if it has not.
    fn push(&mut self, call: &PagedCall) -> bool {
        let new_themes = call
            .call
            .themes
            .iter()
            .filter(|t| !self.theme_ids.contains(t))
            .count();
        let new_volunteer = usize::from(!self.volunteers.contains(&call.volunteer));
        if self.entries.len() >= MERGED_PAGE_CAPACITY
            || self.theme_ids.len() + new_themes > usize::from(u8::MAX) + 1
            || self.volunteers.len() + new_volunteer > usize::from(u16::MAX)
            || call.call.themes.len() > usize::from(u8::MAX)
        {
            return false;
        }
        let volunteer = match self.volunteers.iter().position(|v| v == &call.volunteer) {
            Some(i) => i,
            None => {
                self.volunteers.push(call.volunteer);
                self.volunteers.len() - 1
            }
        };
        let themes_at = self.theme_refs.len() as u16;
        for theme in &call.call.themes {
            let index = match self.theme_ids.iter().position(|t| t == theme) {
                Some(i) => i,
                None => {
                    self.theme_ids.push(theme.clone());
                    self.theme_ids.len() - 1
                }
            };
            // At most 256 theme ids a page, checked above.
            self.theme_refs.push(index as u8);
        }
        let c = &call.call;
        self.entries.push(Entry {
            export_id: call.export_id,
            volunteer: volunteer as u16,
            sequence: call.sequence,
            minutes: c.minutes,
            call_type: c.call_type.index() as u8,
            role: c.role.index() as u8,
            setting: c.setting.index() as u8,
            employer: c.employer.map_or(0, |e| e.index() as u8 + 1),
            region: c.region.index() as u8,
            caller: c.caller.index() as u8,
            risk: c.risk.index() as u8,
            follow_up: c.follow_up,
            theme_list_version: c.theme_list_version,
            themes_at,
            themes_len: c.themes.len() as u8,
        });
        true
    }

    fn refs(&self, entry: &Entry) -> Option<&[u8]> {
        let start = usize::from(entry.themes_at);
        let refs = self
            .theme_refs
            .get(start..start + usize::from(entry.themes_len))?;
        refs.iter()
            .all(|r| usize::from(*r) < self.theme_ids.len())
            .then_some(refs)
    }

    /// The theme list version of each call on the page.
    pub fn theme_list_versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries.iter().map(|e| e.theme_list_version)
    }

    /// Every call on the page, as the report reads it. A value that does
    /// not decode to a known one means the page was altered.
    pub fn calls(&self) -> impl Iterator<Item = Result<PagedFacts<'_>, ()>> + '_ {
        self.entries.iter().map(move |e| {
            let employer = match e.employer {
                0 => None,
                n => Some(at(Employer::ALL, n - 1).ok_or(())?),
            };
            Ok(PagedFacts {
                export_id: e.export_id,
                minutes: e.minutes,
                call_type: at(CallType::ALL, e.call_type).ok_or(())?,
                role: at(Role::ALL, e.role).ok_or(())?,
                setting: at(Setting::ALL, e.setting).ok_or(())?,
                employer,
                region: at(Region::ALL, e.region).ok_or(())?,
                caller: at(CallerType::ALL, e.caller).ok_or(())?,
                risk: at(RiskLevel::ALL, e.risk).ok_or(())?,
                follow_up: e.follow_up,
                theme_list_version: e.theme_list_version,
                theme_ids: &self.theme_ids,
                theme_refs: self.refs(e).ok_or(())?,
            })
        })
    }

    /// Every call on the page in full, as a merge compares them; only
    /// those of the volunteer `only`, if given.
    fn paged_calls(
        &self,
        month: LocalMonth,
        only: Option<&[u8; 16]>,
    ) -> Result<Vec<PagedCall>, ()> {
        let wanted = match only {
            None => None,
            Some(volunteer) => match self.volunteers.iter().position(|v| v == volunteer) {
                Some(i) => Some(i as u16),
                None => return Ok(Vec::new()),
            },
        };
        let month = month.to_string();
        self.entries
            .iter()
            .zip(self.calls())
            .filter(|(e, _)| wanted.is_none_or(|w| e.volunteer == w))
            .map(|(e, facts)| {
                let f = facts?;
                let volunteer = *self.volunteers.get(usize::from(e.volunteer)).ok_or(())?;
                Ok(PagedCall {
                    volunteer,
                    export_id: e.export_id,
                    sequence: e.sequence,
                    call: ReturnedCall {
                        id: data_encoding::HEXLOWER.encode(&e.export_id),
                        month: month.clone(),
                        minutes: f.minutes,
                        call_type: f.call_type,
                        role: f.role,
                        setting: f.setting,
                        employer: f.employer,
                        region: f.region,
                        caller: f.caller,
                        theme_list_version: f.theme_list_version,
                        themes: f.themes().map(str::to_string).collect(),
                        risk: f.risk,
                        follow_up: f.follow_up,
                    },
                })
            })
            .collect()
    }
}

/// What the report counts about one merged call, borrowed from its page.
#[derive(Debug, Clone, Copy)]
pub struct PagedFacts<'p> {
    pub export_id: [u8; 16],
    pub minutes: u32,
    pub call_type: CallType,
    pub role: Role,
    pub setting: Setting,
    pub employer: Option<Employer>,
    pub region: Region,
    pub caller: CallerType,
    pub risk: RiskLevel,
    pub follow_up: bool,
    pub theme_list_version: u32,
    pub theme_ids: &'p [String],
    pub theme_refs: &'p [u8],
}

impl<'p> PagedFacts<'p> {
    /// Theme ids, main theme first.
    pub fn themes(&self) -> impl Iterator<Item = &'p str> + 'p {
        let ids = self.theme_ids;
        self.theme_refs
            .iter()
            .map(move |r| ids[usize::from(*r)].as_str())
    }
}

/// The pages of one month, packed from its calls in the order given.
pub(super) fn pack<'a>(calls: impl IntoIterator<Item = &'a PagedCall>) -> Vec<MergedPage> {
    let mut pages = vec![MergedPage::default()];
    for call in calls {
        if !pages.last_mut().is_some_and(|p| p.push(call)) {
            let mut page = MergedPage::default();
            page.push(call);
            pages.push(page);
        }
    }
    pages.retain(|p| !p.is_empty());
    pages
}

/// A merged page, sealed under the id `month tag ‖ page number`.
struct MergedPageRow;

impl SealedTable for MergedPageRow {
    const TABLE: &'static str = "merged_pages";
    type Value = MergedPage;

    fn encode(page: &MergedPage) -> Option<Vec<u8>> {
        postcard::to_stdvec(page).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<MergedPage> {
        postcard::from_bytes(plain).ok()
    }

    fn describe(id: &[u8]) -> String {
        let (tag, page) = id.split_at(id.len().saturating_sub(8));
        let short: String = tag.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let page = <[u8; 8]>::try_from(page).map_or(0, i64::from_be_bytes);
        format!("merged report page {short}…/{page}")
    }
}

fn page_id(tag: &[u8], page: i64) -> Vec<u8> {
    let mut id = tag.to_vec();
    id.extend_from_slice(&page.to_be_bytes());
    id
}

fn open_page(keys: &Keys, tag: &[u8], page: i64, sealed: &[u8]) -> Result<MergedPage, StoreError> {
    sealed::open::<MergedPageRow>(
        &keys.records,
        &page_id(tag, page),
        b"",
        SCHEMA_VERSION,
        sealed,
    )
}

/// The sealed pages of the month tagged `tag`, unopened: page number,
/// version and bytes.
fn read_sealed(conn: &Connection, tag: &[u8]) -> Result<Vec<(i64, u32, Vec<u8>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT page, version, sealed FROM merged_pages WHERE period_tag = ?1 ORDER BY page",
    )?;
    let rows = stmt.query_map(params![tag], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The pages of one month, opened.
pub(super) struct MonthPages {
    month: LocalMonth,
    tag: [u8; 16],
    pages: Vec<(i64, MergedPage)>,
}

impl MonthPages {
    pub(super) fn read(
        conn: &Connection,
        keys: &Keys,
        month: LocalMonth,
    ) -> Result<MonthPages, StoreError> {
        let tag = keys.period_tags.tag(&month.to_string()).0;
        let mut pages = Vec::new();
        for (page, version, bytes) in read_sealed(conn, &tag)? {
            sealed::check_version::<MergedPageRow>(&page_id(&tag, page), version)?;
            pages.push((page, open_page(keys, &tag, page, &bytes)?));
        }
        Ok(MonthPages { month, tag, pages })
    }

    /// The month's calls in full; only those of the volunteer `only`, if
    /// given.
    pub(super) fn calls(&self, only: Option<&[u8; 16]>) -> Result<Vec<PagedCall>, StoreError> {
        let mut out = Vec::new();
        for (page, opened) in &self.pages {
            let calls = opened
                .paged_calls(self.month, only)
                .map_err(|()| StoreError::Corrupt {
                    record: MergedPageRow::describe(&page_id(&self.tag, *page)),
                })?;
            out.extend(calls);
        }
        Ok(out)
    }
}

/// Every call in the pages of `month`, opened.
pub(super) fn read_month(
    conn: &Connection,
    keys: &Keys,
    month: LocalMonth,
) -> Result<Vec<PagedCall>, StoreError> {
    MonthPages::read(conn, keys, month)?.calls(None)
}

/// Replaces the pages of `month` with pages of `calls`, sorted by
/// volunteer and export id (a keyed hash: an order that says nothing).
pub(super) fn write_month(
    conn: &Connection,
    keys: &Keys,
    month: LocalMonth,
    calls: &mut [PagedCall],
) -> Result<(), StoreError> {
    calls.sort_unstable_by_key(|c| (c.volunteer, c.export_id));
    let tag = keys.period_tags.tag(&month.to_string());
    conn.prepare_cached("DELETE FROM merged_pages WHERE period_tag = ?1")?
        .execute(params![tag.0.as_slice()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO merged_pages (id, period_tag, page, version, sealed)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (number, page) in pack(calls.iter()).iter().enumerate() {
        let number = number as i64;
        let sealed =
            sealed::seal::<MergedPageRow>(&keys.records, &page_id(&tag.0, number), b"", page)?;
        insert.execute(params![
            super::pages::random_row_id()?,
            tag.0.as_slice(),
            number,
            SCHEMA_VERSION,
            sealed
        ])?;
    }
    Ok(())
}

/// The merged pages of `months` for a report, each with its month, checked
/// against the ledger: no page missing, added or put back, and as many
/// calls in each month's pages as the month has merged calls.
pub(super) fn read_for_report(
    conn: &Connection,
    keys: &Keys,
    months: &[LocalMonth],
) -> Result<Vec<(LocalMonth, MergedPage)>, StoreError> {
    let _snapshot = ledger::snapshot(conn)?;
    let tags: Vec<PeriodTag> = months
        .iter()
        .map(|m| keys.period_tags.tag(&m.to_string()))
        .collect();
    let mut sealed_pages = Vec::new();
    for (month, tag) in months.iter().zip(&tags) {
        for (page, version, bytes) in read_sealed(conn, &tag.0)? {
            sealed::check_version::<MergedPageRow>(&page_id(&tag.0, page), version)?;
            sealed_pages.push((*month, tag.0, page, bytes));
        }
    }
    let numbers: Vec<String> = sealed_pages.iter().map(|p| p.2.to_string()).collect();
    let ledger = ledger::check_months(
        conn,
        keys,
        "merged_pages",
        &tags,
        sealed_pages
            .iter()
            .zip(&numbers)
            .map(|((_, tag, _, bytes), number)| {
                (
                    tag.as_slice(),
                    number.as_bytes(),
                    i64::from(SCHEMA_VERSION),
                    bytes.as_slice(),
                )
            }),
    )?;
    let opened = super::parallel::open_on_all_cores(
        &sealed_pages,
        8,
        "a merged report page",
        |(_, tag, page, bytes)| open_page(keys, tag, *page, bytes),
    )?;
    let mut in_pages: BTreeMap<[u8; 16], u64> = BTreeMap::new();
    for ((_, tag, _, _), page) in sealed_pages.iter().zip(&opened) {
        *in_pages.entry(*tag).or_default() += page.len() as u64;
    }
    for tag in &tags {
        let held = in_pages.get(&tag.0).copied().unwrap_or(0);
        if held != ledger::rows_in_month(&ledger, "merged_calls", tag) {
            return Err(StoreError::Tampered {
                what: "the merged report pages of one month".into(),
                problem: "do not hold the merged calls that month has".into(),
            });
        }
    }
    Ok(sealed_pages
        .iter()
        .map(|p| p.0)
        .zip(opened)
        .collect::<Vec<_>>())
}

/// Opens every merged page in the store; how many there are.
pub(super) fn open_every(conn: &Connection, keys: &Keys) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare("SELECT period_tag, page, version, sealed FROM merged_pages")?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let tag: Vec<u8> = row.get(0)?;
        let page: i64 = row.get(1)?;
        sealed::check_version::<MergedPageRow>(&page_id(&tag, page), row.get(2)?)?;
        open_page(keys, &tag, page, &row.get::<_, Vec<u8>>(3)?)?;
        count += 1;
    }
    Ok(count)
}

/// The export id of a merged call as the pages hold it.
pub(super) fn export_id_bytes(call: &ReturnedCall) -> Result<[u8; 16], StoreError> {
    hex_id(&call.id).ok_or_else(|| StoreError::Corrupt {
        record: "a merged call's id".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallType, CallerType, Region, RiskLevel, Role, Setting};

    fn call(n: u8, themes: &[&str]) -> PagedCall {
        PagedCall {
            volunteer: [n % 3; 16],
            export_id: [n; 16],
            sequence: u64::from(n) + 1,
            call: ReturnedCall {
                id: data_encoding::HEXLOWER.encode(&[n; 16]),
                month: "2024-03".into(),
                minutes: u32::from(n),
                call_type: CallType::Substantive,
                role: Role::ALL[usize::from(n) % Role::ALL.len()],
                setting: Setting::ALL[usize::from(n) % Setting::ALL.len()],
                employer: (n % 2 == 0).then_some(Employer::ALL[0]),
                region: Region::ALL[usize::from(n) % Region::ALL.len()],
                caller: CallerType::ALL[0],
                theme_list_version: 1,
                themes: themes.iter().map(|t| t.to_string()).collect(),
                risk: RiskLevel::ALL[usize::from(n) % RiskLevel::ALL.len()],
                follow_up: n % 3 == 0,
            },
        }
    }

    #[test]
    fn calls_packed_into_pages_come_back_exactly_in_order() {
        let calls: Vec<PagedCall> = (0..200u8)
            .map(|n| call(n, &["ofsted", if n % 2 == 0 { "send" } else { "workload" }]))
            .collect();
        let month = LocalMonth {
            year: 2024,
            month: 3,
        };
        let pages = pack(&calls);
        assert_eq!(pages.len(), 1);
        let back: Vec<PagedCall> = pages
            .iter()
            .flat_map(|p| p.paged_calls(month, None).unwrap())
            .collect();
        assert_eq!(back, calls);
        let bytes = postcard::to_stdvec(&pages[0]).unwrap();
        assert_eq!(
            postcard::from_bytes::<MergedPage>(&bytes).unwrap(),
            pages[0]
        );
    }

    #[test]
    fn a_full_page_starts_another() {
        let calls: Vec<PagedCall> = (0..(MERGED_PAGE_CAPACITY * 2 + 1))
            .map(|n| call((n % 250) as u8, &["ofsted"]))
            .collect();
        let pages = pack(&calls);
        assert_eq!(
            pages.iter().map(MergedPage::len).collect::<Vec<_>>(),
            [MERGED_PAGE_CAPACITY, MERGED_PAGE_CAPACITY, 1]
        );
    }

    #[test]
    fn a_store_merged_before_pages_existed_gets_them_at_unlock() {
        use crate::crypto::{Passphrase, VolunteerKey};
        use crate::store::{HeldCall, MergePlan, MergedReturn, Vault, Volunteer};

        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let passphrase = Passphrase::new("a test passphrase");
        let (mut vault, _) = Vault::create(&store, &passphrase).unwrap();
        let signer = VolunteerKey::generate().unwrap().signer();
        let today = chrono::NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
        let file = (0..70u8)
            .map(|n| {
                let mut c = call(n, &["ofsted"]).call;
                c.month = format!("2024-{:02}", 1 + n % 12);
                let held = HeldCall {
                    sequence: 1,
                    call: Some(c.clone()),
                };
                (c.id, held)
            })
            .collect();
        let merge = vault.begin_merge(&signer, "return one").unwrap();
        merge
            .apply(MergePlan {
                volunteer: Volunteer::trusted(&signer, "Volunteer A".into(), today),
                file,
                remove: Vec::new(),
                merged_return: MergedReturn {
                    return_id: "return one".into(),
                    sequence: 1,
                    made_on: "2025-09-03".into(),
                    merged_on: today,
                    calls: 70,
                    deleted: 0,
                },
            })
            .unwrap();
        let months = crate::period::Period::calendar(2024).unwrap().months();
        let count = |vault: &Vault| -> usize {
            let pages = vault.merged_report_pages(&months).unwrap();
            pages.iter().map(|(_, page)| page.len()).sum()
        };
        assert_eq!(count(&vault), 70);
        // As a store merged into before this version: no pages, and the
        // flag saying they are still to be built.
        vault
            .write_now(|c| {
                c.execute("DELETE FROM merged_pages", [])?;
                c.execute(
                    "UPDATE meta SET value = 0 WHERE name = 'merged_pages_built'",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        drop(vault);
        let vault = Vault::open(&store, &passphrase).unwrap();
        assert_eq!(count(&vault), 70);
        assert_eq!(vault.merged_calls_in_months(&months).unwrap().len(), 70);
    }

    #[test]
    fn an_out_of_range_value_is_damage_not_a_default() {
        let mut page = pack(&[call(1, &["ofsted"])]).remove(0);
        page.entries[0].region = 200;
        assert!(page.calls().next().unwrap().is_err());
        let mut page = pack(&[call(1, &["ofsted"])]).remove(0);
        page.entries[0].themes_at = 9;
        assert!(page.calls().next().unwrap().is_err());
        let mut page = pack(&[call(1, &["ofsted"])]).remove(0);
        page.entries[0].volunteer = 4;
        let month = LocalMonth {
            year: 2024,
            month: 3,
        };
        assert!(page.paged_calls(month, None).is_err());
    }
}
