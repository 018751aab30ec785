//! Report pages: the counting facts of up to [`PAGE_CAPACITY`] calls of one
//! local month, sealed together.
//!
//! XChaCha20-Poly1305 costs about a microsecond per message whatever its
//! size, so a report that opened each call's record would spend most of its
//! time on that fixed cost. Pages hold a second, compact copy of what the
//! report counts (never notes, names or safeguarding), so a year's report
//! opens a few hundred pages instead of tens of thousands of records. The
//! per-call records stay the source of truth: pages are rebuilt from them
//! after a migration, and written in the same transaction as every change.
//!
//! Enum values are stored as their position in `ALL`; the order of those
//! lists is pinned by tests in `model.rs`.

use std::collections::{HashMap, btree_map};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::parallel::open_on_all_cores;
use super::schema::SCHEMA_VERSION;
use super::sealed::{self, SealedTable};
use super::{Keys, StoreError, ledger};
use crate::crypto::{self, PeriodTag};
use crate::model::{
    CallId, CallSummary, CallType, CallerType, Employer, Region, RiskLevel, Role, Setting,
};

/// Small enough that rewriting a page when a call is logged costs one
/// SQLite page; large enough that a report opens few of them.
pub const PAGE_CAPACITY: usize = 64;

/// One call's counting facts, compactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    id: [u8; 16],
    started_at_ms: i64,
    duration_minutes: u32,
    call_type: u8,
    role: u8,
    setting: u8,
    /// 0 for none, else position + 1.
    employer: u8,
    region: u8,
    caller_type: u8,
    risk: u8,
    follow_up_needed: bool,
    /// This call's themes are `theme_refs[themes_at..themes_at + themes_len]`.
    themes_at: u16,
    themes_len: u8,
}

/// A page as sealed: theme ids are stored once per page and referred to by
/// position, so decoding a page allocates per page, not per call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Page {
    theme_ids: Vec<String>,
    theme_refs: Vec<u8>,
    entries: Vec<Entry>,
    /// The theme list version of each entry, in the same order. Pages
    /// sealed before theme lists had versions lack it ([`PageV1`]).
    theme_list_versions: Vec<u32>,
}

/// A page as sealed before calls named their theme list version: every
/// call on it was logged under version 1.
#[derive(Deserialize)]
struct PageV1 {
    theme_ids: Vec<String>,
    theme_refs: Vec<u8>,
    entries: Vec<Entry>,
}

impl From<PageV1> for Page {
    fn from(old: PageV1) -> Page {
        Page {
            theme_list_versions: vec![1; old.entries.len()],
            theme_ids: old.theme_ids,
            theme_refs: old.theme_refs,
            entries: old.entries,
        }
    }
}

fn at<T: Copy>(all: &[T], index: u8) -> Option<T> {
    all.get(usize::from(index)).copied()
}

impl Page {
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Refers to a theme id from the page's table, adding it if new.
    fn push_theme_ref(&mut self, theme: &str) {
        let index = match self.theme_ids.iter().position(|t| t == theme) {
            Some(i) => i,
            None => {
                self.theme_ids.push(theme.to_string());
                self.theme_ids.len() - 1
            }
        };
        // A page holds at most 64 calls of at most 4 themes each.
        self.theme_refs.push(index as u8);
    }

    fn push(&mut self, call: &CallSummary) {
        let f = &call.facts;
        let themes_at = self.theme_refs.len() as u16;
        for theme in &f.themes {
            self.push_theme_ref(theme);
        }
        self.entries.push(Entry {
            id: *call.id.as_bytes(),
            started_at_ms: f.started_at.timestamp_millis(),
            duration_minutes: f.duration_minutes,
            call_type: f.call_type.index() as u8,
            role: f.role.index() as u8,
            setting: f.setting.index() as u8,
            employer: f.employer.map_or(0, |e| e.index() as u8 + 1),
            region: f.region.index() as u8,
            caller_type: f.caller_type.index() as u8,
            risk: f.risk.index() as u8,
            follow_up_needed: f.follow_up.needed,
            themes_at,
            themes_len: f.themes.len() as u8,
        });
        self.theme_list_versions.push(call.theme_list_version);
    }

    /// Removes a call; rebuilds the theme arrays so the page stays compact.
    fn remove(&mut self, id: &[u8; 16]) -> bool {
        let Some(index) = self.entries.iter().position(|e| &e.id == id) else {
            return false;
        };
        let old = std::mem::take(self);
        for (i, entry) in old.entries.iter().enumerate() {
            if i == index {
                continue;
            }
            let themes_at = self.theme_refs.len() as u16;
            for r in old.refs(entry) {
                self.push_theme_ref(&old.theme_ids[usize::from(*r)]);
            }
            self.entries.push(Entry {
                themes_at,
                ..entry.clone()
            });
            self.theme_list_versions
                .push(old.theme_list_versions.get(i).copied().unwrap_or(1));
        }
        true
    }

    fn refs(&self, entry: &Entry) -> &[u8] {
        let start = usize::from(entry.themes_at);
        let end = start + usize::from(entry.themes_len);
        self.theme_refs.get(start..end).unwrap_or(&[])
    }

    /// The theme list version of each call on the page, in order: a report
    /// reads them alone to see whether its calls span several versions.
    pub fn theme_list_versions(&self) -> &[u32] {
        &self.theme_list_versions
    }

    /// Every call on the page, as the report reads it. A value that does not
    /// decode to a known id means the page was altered.
    pub fn calls(&self) -> impl Iterator<Item = Result<CountedCall<'_>, ()>> + '_ {
        let versions_match = self.theme_list_versions.len() == self.entries.len();
        self.entries.iter().enumerate().map(move |(i, e)| {
            if !versions_match {
                return Err(());
            }
            let employer = match e.employer {
                0 => None,
                n => Some(at(Employer::ALL, n - 1).ok_or(())?),
            };
            if self.refs(e).len() != usize::from(e.themes_len)
                || self
                    .refs(e)
                    .iter()
                    .any(|r| usize::from(*r) >= self.theme_ids.len())
            {
                return Err(());
            }
            Ok(CountedCall {
                id: CallId::from_bytes(e.id),
                started_at: DateTime::from_timestamp_millis(e.started_at_ms).ok_or(())?,
                duration_minutes: e.duration_minutes,
                call_type: at(CallType::ALL, e.call_type).ok_or(())?,
                role: at(Role::ALL, e.role).ok_or(())?,
                setting: at(Setting::ALL, e.setting).ok_or(())?,
                employer,
                region: at(Region::ALL, e.region).ok_or(())?,
                caller_type: at(CallerType::ALL, e.caller_type).ok_or(())?,
                risk: at(RiskLevel::ALL, e.risk).ok_or(())?,
                follow_up_needed: e.follow_up_needed,
                theme_list_version: self.theme_list_versions[i],
                theme_ids: &self.theme_ids,
                theme_refs: self.refs(e),
            })
        })
    }
}

/// What the report counts about one call, borrowed from its page.
#[derive(Debug, Clone, Copy)]
pub struct CountedCall<'p> {
    pub id: CallId,
    pub started_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub call_type: CallType,
    pub role: Role,
    pub setting: Setting,
    pub employer: Option<Employer>,
    pub region: Region,
    pub caller_type: CallerType,
    pub risk: RiskLevel,
    pub follow_up_needed: bool,
    pub theme_list_version: u32,
    theme_ids: &'p [String],
    theme_refs: &'p [u8],
}

impl<'p> CountedCall<'p> {
    /// Theme ids, main theme first.
    pub fn themes(&self) -> impl Iterator<Item = &'p str> + 'p {
        let ids = self.theme_ids;
        self.theme_refs
            .iter()
            .map(move |r| ids[usize::from(*r)].as_str())
    }
}

/// A report page, sealed under the id `month tag ‖ page number`. Its rows
/// are keyed by a random rowid (see [`random_row_id`]), so the page is read
/// and written by its own queries below, through the same seal and open.
struct ReportPage;

impl SealedTable for ReportPage {
    const TABLE: &'static str = "report_pages";
    type Value = Page;

    fn encode(page: &Page) -> Option<Vec<u8>> {
        postcard::to_stdvec(page).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Page> {
        postcard::from_bytes::<Page>(plain)
            .or_else(|_| postcard::from_bytes::<PageV1>(plain).map(Page::from))
            .ok()
    }

    fn describe(id: &[u8]) -> String {
        let (tag, page) = id.split_at(id.len().saturating_sub(8));
        let short: String = tag.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let page = <[u8; 8]>::try_from(page).map_or(0, i64::from_be_bytes);
        format!("report page {short}…/{page}")
    }
}

fn page_id(tag: &[u8], page: i64) -> Vec<u8> {
    let mut id = tag.to_vec();
    id.extend_from_slice(&page.to_be_bytes());
    id
}

fn damaged(tag: &[u8], page: i64) -> StoreError {
    StoreError::Corrupt {
        record: ReportPage::describe(&page_id(tag, page)),
    }
}

/// Opens a page. Its version is checked where the report reads pages
/// ([`read_pages`]); pages opened to be rewritten are rebuilt from the
/// calls if they are ever from another version.
pub fn open_page(keys: &Keys, tag: &[u8], page: i64, sealed: &[u8]) -> Result<Page, StoreError> {
    let id = page_id(tag, page);
    let plain = sealed::open_plain::<ReportPage>(&keys.records, &id, b"", sealed)
        .map_err(|_| damaged(tag, page))?;
    ReportPage::decode(&id, &plain).ok_or_else(|| damaged(tag, page))
}

/// Sealed report pages of some months, read in one pass and opened on
/// every core.
pub fn read_pages(
    conn: &Connection,
    keys: &Keys,
    tags: &[PeriodTag],
) -> Result<Vec<Page>, StoreError> {
    // One snapshot for the pages and the ledger they are checked against.
    let _snapshot = ledger::snapshot(conn)?;
    let mut pages: Vec<([u8; 16], i64, Vec<u8>)> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT page, version, sealed FROM report_pages WHERE period_tag = ?1 ORDER BY page",
    )?;
    for tag in tags {
        let mut rows = stmt.query(params![tag.0.as_slice()])?;
        while let Some(row) = rows.next()? {
            let page: i64 = row.get(0)?;
            sealed::check_version::<ReportPage>(&page_id(&tag.0, page), row.get(1)?)?;
            pages.push((tag.0, page, row.get(2)?));
        }
    }
    // No page missing, doubled or put back, and as many calls in each
    // month's pages as the month has calls.
    let numbers: Vec<String> = pages.iter().map(|(_, page, _)| page.to_string()).collect();
    let ledger = ledger::check_months(
        conn,
        keys,
        "report_pages",
        tags,
        pages.iter().zip(&numbers).map(|((tag, _, bytes), number)| {
            (
                tag.as_slice(),
                number.as_bytes(),
                i64::from(SCHEMA_VERSION),
                bytes.as_slice(),
            )
        }),
    )?;
    let opened = open_on_all_cores(&pages, 16, "a report page", |(tag, page, bytes)| {
        open_page(keys, tag, *page, bytes)
    })?;
    for tag in tags {
        let in_pages: usize = pages
            .iter()
            .zip(&opened)
            .filter(|((t, _, _), _)| t == &tag.0)
            .map(|(_, page)| page.len())
            .sum();
        if in_pages as u64 != ledger::calls_in_month(&ledger, tag) {
            return Err(StoreError::Tampered {
                what: "the report pages of one month".into(),
                problem: "do not hold the calls that month has".into(),
            });
        }
    }
    Ok(opened)
}

/// The pages of the months a write touches, loaded as needed, changed in
/// memory, and written back in the caller's transaction by [`flush`].
///
/// Adding a call needs only the month's last page; removing one needs the
/// page that holds it, which means opening the month's pages until found.
/// Page numbers may have gaps where a page emptied and was deleted.
///
/// [`flush`]: PageCache::flush
#[derive(Default)]
pub struct PageCache {
    months: HashMap<[u8; 16], MonthPages>,
    remembered: WrittenTails,
}

/// The last page of each month the vault has written, as it was sealed.
///
/// Logging a call rewrites its month's last page; remembering that page
/// saves decrypting and decoding it again for the next call into the same
/// month (about 46,000 instructions, a fifth of logging one). The memory is
/// only trusted while the page's row still holds exactly the bytes sealed
/// from it, which is checked on every use: any other write to the page (an
/// edit, another process with the store open, a transaction that was rolled
/// back) changes or removes those bytes, and the page is then read as usual.
#[derive(Default)]
pub struct WrittenTails(HashMap<[u8; 16], WrittenTail>);

struct WrittenTail {
    number: i64,
    row: i64,
    sealed: Vec<u8>,
    page: Page,
}

impl WrittenTails {
    /// The remembered page if it is the one now stored in `row`.
    fn take_if_stored(
        &mut self,
        tag: &[u8; 16],
        number: i64,
        row: i64,
        sealed: &[u8],
    ) -> Option<Page> {
        let tail = self.0.remove(tag)?;
        (tail.number == number && tail.row == row && tail.sealed == sealed).then_some(tail.page)
    }
}

#[derive(Default)]
struct MonthPages {
    /// Loaded pages by number.
    pages: std::collections::BTreeMap<i64, LoadedPage>,
    /// The highest page number in the file or in memory, once looked up.
    last: Option<Option<i64>>,
    all_loaded: bool,
}

struct LoadedPage {
    page: Page,
    /// The page's row, or `None` for a page not yet written.
    row: Option<i64>,
    changed: bool,
}

impl LoadedPage {
    fn read(page: Page, row: i64) -> LoadedPage {
        LoadedPage {
            page,
            row: Some(row),
            changed: false,
        }
    }
}

/// A random rowid for a new page: sequential rowids would record the order
/// in which pages, and so months' calls, were written.
pub(super) fn random_row_id() -> Result<i64, StoreError> {
    let bytes: [u8; 8] = crypto::random_bytes()?;
    // A collision among 2^63 values is not a practical concern; were one to
    // happen, the insert fails and the whole write rolls back unharmed.
    Ok(i64::from_le_bytes(bytes) & i64::MAX)
}

impl PageCache {
    /// A cache that may reuse pages an earlier write left behind.
    pub fn remembering(remembered: WrittenTails) -> PageCache {
        PageCache {
            months: HashMap::new(),
            remembered,
        }
    }

    pub fn add(
        &mut self,
        conn: &Connection,
        keys: &Keys,
        tag: [u8; 16],
        call: &CallSummary,
    ) -> Result<(), StoreError> {
        let month = self.months.entry(tag).or_default();
        let last = match month.last {
            Some(last) => last,
            None => {
                // Finds and reads the month's last page in one statement.
                let mut stmt = conn.prepare_cached(
                    "SELECT id, page, sealed FROM report_pages WHERE period_tag = ?1
                     ORDER BY page DESC LIMIT 1",
                )?;
                let mut rows = stmt.query(params![tag.as_slice()])?;
                let last = match rows.next()? {
                    None => None,
                    Some(row) => {
                        let number: i64 = row.get(1)?;
                        // A page already in memory (loaded to remove a
                        // call) may have changed there: keep that copy.
                        if let btree_map::Entry::Vacant(slot) = month.pages.entry(number) {
                            let id: i64 = row.get(0)?;
                            let sealed = row
                                .get_ref(2)?
                                .as_blob()
                                .map_err(|_| damaged(&tag, number))?;
                            let page =
                                match self.remembered.take_if_stored(&tag, number, id, sealed) {
                                    Some(page) => page,
                                    None => open_page(keys, &tag, number, sealed)?,
                                };
                            slot.insert(LoadedPage::read(page, id));
                        }
                        Some(number)
                    }
                };
                month.last = Some(last);
                last
            }
        };
        if let Some(number) = last {
            if let Some(loaded) = month.pages.get_mut(&number) {
                if loaded.page.len() < PAGE_CAPACITY {
                    loaded.page.push(call);
                    loaded.changed = true;
                    return Ok(());
                }
            }
        }
        let number = last.map_or(0, |n| n + 1);
        let mut page = Page::default();
        page.push(call);
        month.pages.insert(
            number,
            LoadedPage {
                page,
                row: None,
                changed: true,
            },
        );
        month.last = Some(Some(number));
        Ok(())
    }

    pub fn remove(
        &mut self,
        conn: &Connection,
        keys: &Keys,
        tag: [u8; 16],
        id: &[u8; 16],
    ) -> Result<(), StoreError> {
        let month = self.months.entry(tag).or_default();
        for loaded in month.pages.values_mut() {
            if loaded.page.remove(id) {
                loaded.changed = true;
                return Ok(());
            }
        }
        if month.all_loaded {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached(
            "SELECT id, page, sealed FROM report_pages WHERE period_tag = ?1 ORDER BY page",
        )?;
        let mut rows = stmt.query(params![tag.as_slice()])?;
        let mut found = false;
        while let Some(row) = rows.next()? {
            let number: i64 = row.get(1)?;
            if month.pages.contains_key(&number) {
                continue;
            }
            let sealed: &[u8] = row
                .get_ref(2)?
                .as_blob()
                .map_err(|_| damaged(&tag, number))?;
            let mut loaded = LoadedPage::read(open_page(keys, &tag, number, sealed)?, row.get(0)?);
            loaded.changed = !found && loaded.page.remove(id);
            found |= loaded.changed;
            month.pages.insert(number, loaded);
        }
        month.all_loaded = true;
        Ok(())
    }

    /// Writes every changed page; a page left empty is deleted. Returns the
    /// months' last pages as written, with the remembered pages of months
    /// this write did not touch, for [`PageCache::remembering`] once the
    /// transaction has committed. That is at most one page per month
    /// written since unlocking.
    pub fn flush(self, conn: &Connection, keys: &Keys) -> Result<WrittenTails, StoreError> {
        let mut written = self.remembered;
        for (tag, month) in self.months {
            let last = month.last.flatten();
            for (number, loaded) in month.pages {
                if !loaded.changed {
                    continue;
                }
                if loaded.page.len() == 0 {
                    if let Some(row) = loaded.row {
                        conn.prepare_cached("DELETE FROM report_pages WHERE id = ?1")?
                            .execute(params![row])?;
                    }
                    continue;
                }
                let id = page_id(&tag, number);
                let sealed = sealed::seal::<ReportPage>(&keys.records, &id, b"", &loaded.page)?;
                let row = match loaded.row {
                    // Only the sealed column changes, so the month index is
                    // left alone and the write stays on the row's leaf.
                    Some(row) => {
                        conn.prepare_cached(
                            "UPDATE report_pages SET version = ?2, sealed = ?3 WHERE id = ?1",
                        )?
                        .execute(params![row, SCHEMA_VERSION, sealed])?;
                        row
                    }
                    None => {
                        let row = random_row_id()?;
                        conn.prepare_cached(
                            "INSERT INTO report_pages (id, period_tag, page, version, sealed)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                        )?
                        .execute(params![
                            row,
                            tag.as_slice(),
                            number,
                            SCHEMA_VERSION,
                            sealed
                        ])?;
                        row
                    }
                };
                if Some(number) == last {
                    written.0.insert(
                        tag,
                        WrittenTail {
                            number,
                            row,
                            sealed,
                            page: loaded.page,
                        },
                    );
                }
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::typical_call;

    fn summary(themes: &[&str]) -> CallSummary {
        let call = typical_call();
        let mut facts = call.facts;
        facts.themes = themes.iter().map(|t| t.to_string()).collect();
        crate::model::tests::stored(facts)
    }

    #[test]
    fn a_page_round_trips_what_the_report_counts() {
        let mut page = Page::default();
        let a = summary(&["send.ehcp", "funding"]);
        let b = summary(&["funding", "inspection.ofsted"]);
        page.push(&a);
        page.push(&b);
        assert_eq!(
            page.theme_ids.len(),
            3,
            "theme ids are stored once per page"
        );
        let bytes = postcard::to_stdvec(&page).unwrap();
        let page: Page = postcard::from_bytes(&bytes).unwrap();
        let calls: Vec<CountedCall<'_>> = page.calls().map(Result::unwrap).collect();
        assert_eq!(calls[0].id, a.id);
        assert_eq!(
            calls[1].themes().collect::<Vec<_>>(),
            ["funding", "inspection.ofsted"]
        );
        assert_eq!(calls[0].started_at, a.facts.started_at);
        assert_eq!(calls[0].employer, a.facts.employer);
        assert_eq!(calls[0].risk, a.facts.risk);
        assert_eq!(calls[0].region, a.facts.region);
    }

    #[test]
    fn removing_a_call_keeps_the_others_intact() {
        let mut page = Page::default();
        let calls: Vec<CallSummary> = [
            &["send.ehcp"][..],
            &["premises.raac", "send.ehcp"],
            &["wellbeing"],
        ]
        .iter()
        .map(|t| summary(t))
        .collect();
        for c in &calls {
            page.push(c);
        }
        assert!(page.remove(calls[0].id.as_bytes()));
        assert!(!page.remove(calls[0].id.as_bytes()));
        let left: Vec<Vec<&str>> = page
            .calls()
            .map(|c| c.unwrap().themes().collect())
            .collect();
        assert_eq!(
            left,
            [vec!["premises.raac", "send.ehcp"], vec!["wellbeing"]]
        );
        assert_eq!(page.theme_ids.len(), 3);
    }

    #[test]
    fn an_out_of_range_value_is_damage_not_a_default() {
        let mut page = Page::default();
        page.push(&summary(&["send"]));
        page.entries[0].risk = 200;
        assert!(page.calls().next().unwrap().is_err());
        page.entries[0].risk = 0;
        page.entries[0].themes_len = 9;
        assert!(page.calls().next().unwrap().is_err());
    }
}
