//! The one path every sealed row of the store takes: what its ciphertext
//! is bound to, which record versions it reads, and how it is sealed,
//! opened, read and written.
//!
//! Each kind of sealed row is a small [`SealedTable`] implementation: the
//! table it lives in, the name bound into its associated data, and how its
//! value becomes bytes and back (the pattern of yaak's `UpsertModelInfo`:
//! one trait implementation per stored type over one generic query layer).
//! A new sealed table is one such implementation and a migration.
//!
//! The associated data is rebuilt from the row being read (table name,
//! record id, [`SCHEMA_VERSION`], and any plaintext column the record must
//! stay bound to), never read from the blob. Its bytes are part of the store
//! format: they must stay exactly what format 1 wrote, or no existing store
//! opens (the tests at the bottom pin them).

use rusqlite::{Connection, OptionalExtension, ToSql, params};
use zeroize::Zeroizing;

use super::StoreError;
use super::schema::SCHEMA_VERSION;
use crate::crypto::{self, CryptoError, RecordAad, RecordKey};

/// A kind of sealed row.
pub(super) trait SealedTable {
    /// The SQL table the rows are in.
    const TABLE: &'static str;
    /// The column that keys a row (`id`, or `name` for the settings table).
    const KEY: &'static str = "id";
    /// The name bound into each row's associated data: the table's, except
    /// for rows kept in the settings table for other purposes, each bound
    /// to its own so they can never be swapped for one another.
    const BINDS_AS: &'static str = Self::TABLE;
    /// Whether the sealed bytes are padded to a size bucket, so that their
    /// length says little about what they hold (notes, a call's facts).
    const PADDED: bool = false;
    /// What the sealed bytes hold, opened.
    type Value;

    fn encode(value: &Self::Value) -> Option<Vec<u8>>;
    /// `id` is the record's id, for values that carry it.
    fn decode(id: &[u8], plain: &[u8]) -> Option<Self::Value>;
    /// How record `id` is named to a person when it does not open.
    fn describe(id: &[u8]) -> String;
}

/// A record with its id.
pub(super) type Keyed<T> = (Vec<u8>, <T as SealedTable>::Value);
/// A record of a table filed by period tag, with its id or its tag.
pub(super) type Filed<T> = ([u8; 16], <T as SealedTable>::Value);

/// One row of the settings table, under its own name.
pub(super) trait NamedRow: SealedTable {
    const NAME: &'static str;
}

/// The associated data of record `id` bound as `binds_as`: the one place
/// the binding is spelled, key slots included.
pub(super) fn binding<'a>(binds_as: &'a str, id: &'a [u8], bound: &'a [u8]) -> RecordAad<'a> {
    RecordAad {
        table: binds_as,
        record_id: id,
        schema_version: SCHEMA_VERSION,
        bound_column: bound,
    }
}

fn damaged<T: SealedTable>(id: &[u8]) -> StoreError {
    StoreError::Corrupt {
        record: T::describe(id),
    }
}

/// Refuses a record this build cannot read: one written by a newer
/// Quietline says so; any other version than this build's is damage.
pub(super) fn check_version<T: SealedTable>(id: &[u8], version: u32) -> Result<(), StoreError> {
    match version {
        SCHEMA_VERSION => Ok(()),
        v if v > SCHEMA_VERSION => Err(StoreError::UnsupportedFormat {
            found: i64::from(v),
        }),
        _ => Err(damaged::<T>(id)),
    }
}

/// Seals `value` as record `id` of kind `T`, bound to `bound`.
pub(super) fn seal<T: SealedTable>(
    key: &RecordKey,
    id: &[u8],
    bound: &[u8],
    value: &T::Value,
) -> Result<Vec<u8>, StoreError> {
    let plain = Zeroizing::new(T::encode(value).ok_or_else(|| damaged::<T>(id))?);
    let aad = binding(T::BINDS_AS, id, bound);
    Ok(if T::PADDED {
        crypto::seal_padded(key, &aad, &plain)?
    } else {
        crypto::seal(key, &aad, &plain)?
    })
}

/// Decrypts record `id` without checking its version or decoding it.
pub(super) fn open_plain<T: SealedTable>(
    key: &RecordKey,
    id: &[u8],
    bound: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    crypto::open(key, &binding(T::BINDS_AS, id, bound), sealed)
}

/// Opens record `id` of kind `T` stored at `version`. Whatever fails (the
/// key, the binding, a changed byte, the encoding) is named damage to `id`.
pub(super) fn open<T: SealedTable>(
    key: &RecordKey,
    id: &[u8],
    bound: &[u8],
    version: u32,
    sealed: &[u8],
) -> Result<T::Value, StoreError> {
    check_version::<T>(id, version)?;
    let plain = open_plain::<T>(key, id, bound, sealed).map_err(|_| damaged::<T>(id))?;
    T::decode(id, &plain).ok_or_else(|| damaged::<T>(id))
}

/// Record `id` of a table keyed by `T::KEY`, if there is one. `id` is
/// bound as given: text for the settings table's names, bytes otherwise.
pub(super) fn read<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    id: &(impl ToSql + AsRef<[u8]> + ?Sized),
) -> Result<Option<T::Value>, StoreError> {
    let row: Option<(u32, Vec<u8>)> = conn
        .prepare_cached(&format!(
            "SELECT version, sealed FROM {} WHERE {} = ?1",
            T::TABLE,
            T::KEY
        ))?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(version, sealed)| open::<T>(key, id.as_ref(), b"", version, &sealed))
        .transpose()
}

/// Seals `value` into record `id`, replacing any earlier one.
pub(super) fn write<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    id: &(impl ToSql + AsRef<[u8]> + ?Sized),
    value: &T::Value,
) -> Result<(), StoreError> {
    let sealed = seal::<T>(key, id.as_ref(), b"", value)?;
    conn.prepare_cached(&format!(
        "INSERT INTO {table} ({key}, version, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT ({key}) DO UPDATE SET version = excluded.version, sealed = excluded.sealed",
        table = T::TABLE,
        key = T::KEY
    ))?
    .execute(params![id, SCHEMA_VERSION, sealed])?;
    Ok(())
}

/// Every record of a table keyed by `T::KEY` (blob ids), with its id.
pub(super) fn read_all<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
) -> Result<Vec<Keyed<T>>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, version, sealed FROM {}",
        T::KEY,
        T::TABLE
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let id: Vec<u8> = row.get(0)?;
        let value = open::<T>(key, &id, b"", row.get(1)?, &row.get::<_, Vec<u8>>(2)?)?;
        out.push((id, value));
    }
    Ok(out)
}

/// The named row `T` of the settings table, if written.
pub(super) fn read_named<T: NamedRow>(
    conn: &Connection,
    key: &RecordKey,
) -> Result<Option<T::Value>, StoreError> {
    read::<T>(conn, key, T::NAME)
}

/// Seals `value` into the named row `T` of the settings table.
pub(super) fn write_named<T: NamedRow>(
    conn: &Connection,
    key: &RecordKey,
    value: &T::Value,
) -> Result<(), StoreError> {
    write::<T>(conn, key, T::NAME, value)
}

/// Record `id` of a table whose rows are filed under a period tag (bound
/// into the associated data), with the tag it is filed under.
pub(super) fn read_tagged<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    id: &[u8],
) -> Result<Option<Filed<T>>, StoreError> {
    let row: Option<(Vec<u8>, u32, Vec<u8>)> = conn
        .prepare_cached(&format!(
            "SELECT period_tag, version, sealed FROM {} WHERE id = ?1",
            T::TABLE
        ))?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((tag, version, sealed)) = row else {
        return Ok(None);
    };
    let value = open::<T>(key, id, &tag, version, &sealed)?;
    let tag = tag.try_into().map_err(|_| damaged::<T>(id))?;
    Ok(Some((tag, value)))
}

/// Every record filed under `tag`, with its id.
pub(super) fn read_under<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    tag: &[u8; 16],
) -> Result<Vec<Filed<T>>, StoreError> {
    let mut out = Vec::new();
    each_under::<T>(conn, tag, |id, version, sealed| {
        let value = open::<T>(key, id, tag, version, sealed)?;
        out.push((id.try_into().map_err(|_| damaged::<T>(id))?, value));
        Ok(())
    })?;
    Ok(out)
}

/// Calls `each` with the id, version and sealed bytes of every row filed
/// under `tag`, without opening them; the first error stops the reading.
pub(super) fn each_under<T: SealedTable>(
    conn: &Connection,
    tag: &[u8; 16],
    mut each: impl FnMut(&[u8], u32, &[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, version, sealed FROM {} WHERE period_tag = ?1",
        T::TABLE
    ))?;
    let mut rows = stmt.query(params![tag.as_slice()])?;
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_blob().map_err(|_| damaged::<T>(b""))?;
        let sealed = row.get_ref(2)?.as_blob().map_err(|_| damaged::<T>(id))?;
        each(id, row.get(1)?, sealed)?;
    }
    Ok(())
}

/// Opens every record of `T`'s table (filed under a period tag when
/// `tagged`) and returns how many there are: damage anywhere is an error
/// naming the record, before anything relies on the table.
pub(super) fn open_every<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    tagged: bool,
) -> Result<usize, StoreError> {
    let bound = if tagged { "period_tag" } else { "x''" };
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, version, sealed, {bound} FROM {}",
        T::KEY,
        T::TABLE
    ))?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let id: Vec<u8> = match row.get_ref(0)? {
            rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.to_vec(),
            _ => return Err(damaged::<T>(b"")),
        };
        let tag: Vec<u8> = row.get(3)?;
        drop(open::<T>(
            key,
            &id,
            &tag,
            row.get(1)?,
            &row.get::<_, Vec<u8>>(2)?,
        )?);
        count += 1;
    }
    Ok(count)
}

/// Seals `value` as record `id` filed under `tag`. With `replacing`, any
/// earlier row of `id` (under whatever tag) is removed first: the tag is
/// part of the primary key, so a record that moves month is replaced, not
/// updated in place.
pub(super) fn write_tagged<T: SealedTable>(
    conn: &Connection,
    key: &RecordKey,
    tag: &[u8; 16],
    id: &[u8],
    value: &T::Value,
    replacing: bool,
) -> Result<(), StoreError> {
    if replacing {
        delete::<T>(conn, id)?;
    }
    let sealed = seal::<T>(key, id, tag, value)?;
    conn.prepare_cached(&format!(
        "INSERT INTO {} (period_tag, id, version, sealed) VALUES (?1, ?2, ?3, ?4)",
        T::TABLE
    ))?
    .execute(params![tag.as_slice(), id, SCHEMA_VERSION, sealed])?;
    Ok(())
}

/// Removes record `id`; whether there was one.
pub(super) fn delete<T: SealedTable>(
    conn: &Connection,
    id: &(impl ToSql + ?Sized),
) -> Result<bool, StoreError> {
    let removed = conn
        .prepare_cached(&format!("DELETE FROM {} WHERE {} = ?1", T::TABLE, T::KEY))?
        .execute(params![id])?;
    Ok(removed > 0)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use rusqlite::Connection;

    use super::*;
    use crate::crypto::{Passphrase, RecordKey, SignerKey, VolunteerKey};
    use crate::model::tests::typical_call;
    use crate::model::{CallType, CallerType, Region, RiskLevel, Role, Setting};
    use crate::store::{HeldCall, MergePlan, MergedReturn, ReturnedCall, Vault, Volunteer};

    /// Opens every `(binding, id, bound, sealed)` of a query with the
    /// associated data exactly as format 1 spelled it; returns how many.
    fn opens_as_format_1(conn: &Connection, key: &RecordKey, sql: &str) -> usize {
        let mut stmt = conn.prepare(sql).unwrap();
        type Row = (String, Vec<u8>, Vec<u8>, u32, Vec<u8>);
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (table, id, bound, version, sealed) in &rows {
            assert_eq!(*version, 1, "{table}");
            let aad = RecordAad {
                table,
                record_id: id,
                schema_version: 1,
                bound_column: bound,
            };
            assert!(crypto::open(key, &aad, sealed).is_ok(), "{table}");
        }
        rows.len()
    }

    fn merged_call(id: &str) -> ReturnedCall {
        ReturnedCall {
            id: id.into(),
            month: "2024-10".into(),
            minutes: 20,
            call_type: CallType::Substantive,
            role: Role::Headteacher,
            setting: Setting::Primary,
            employer: None,
            region: Region::London,
            caller: CallerType::FirstTime,
            theme_list_version: 1,
            themes: vec!["wellbeing".into()],
            risk: RiskLevel::Low,
            follow_up: false,
        }
    }

    #[test]
    fn every_sealed_row_binds_the_associated_data_format_1_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let (mut vault, _) = Vault::create(&store, &Passphrase::new("a test passphrase")).unwrap();
        let now = Utc.with_ymd_and_hms(2024, 10, 2, 9, 0, 0).unwrap();
        let kept = vault.log_call(&typical_call(), now).unwrap();
        let gone = vault.log_call(&typical_call(), now).unwrap();
        vault.volunteer_key().unwrap();
        vault.create_coordinator_identity().unwrap();
        vault.next_return_sequence().unwrap();
        vault.delete_call(gone).unwrap();
        vault.save_draft(0, b"a draft").unwrap();
        let signer: SignerKey = VolunteerKey::generate().unwrap().signer();
        let today = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
        let merge = vault.begin_merge(&signer, "return one").unwrap();
        merge
            .apply(MergePlan {
                volunteer: Volunteer::trusted(&signer, "Volunteer A".into(), today),
                file: vec![
                    (
                        "aa".repeat(16),
                        HeldCall {
                            sequence: 1,
                            call: Some(merged_call(&"aa".repeat(16))),
                        },
                    ),
                    (
                        "bb".repeat(16),
                        HeldCall {
                            sequence: 1,
                            call: None,
                        },
                    ),
                ],
                remove: Vec::new(),
                merged_return: MergedReturn {
                    return_id: "return one".into(),
                    sequence: 1,
                    made_on: "2025-09-03".into(),
                    merged_on: today,
                    calls: 1,
                    deleted: 1,
                },
            })
            .unwrap();

        let (conn, key) = (&vault.conn, &vault.keys.records);
        let count = |sql: &str| opens_as_format_1(conn, key, sql);
        assert_eq!(
            count("SELECT 'calls', id, period_tag, version, sealed FROM calls"),
            1
        );
        for table in [
            "call_details",
            "deleted_calls",
            "volunteers",
            "merged_returns",
            // The entry recording that the store was made.
            "activity",
        ] {
            let sql = format!("SELECT '{table}', id, x'', version, sealed FROM {table}");
            assert_eq!(count(&sql), 1, "{table}");
        }
        assert_eq!(
            count("SELECT 'merged_calls', id, period_tag, version, sealed FROM merged_calls"),
            2
        );
        let settings = "SELECT CASE name WHEN 'draft' THEN 'drafts' ELSE name END,
             CAST(name AS BLOB), x'', version, sealed FROM settings";
        // settings, signing_key, coordinator_identity, returns_made,
        // return_sequence, keeping (written by the deletion), draft and
        // the ledger.
        assert_eq!(count(settings), 8);
        let pages = "SELECT 'report_pages', CAST(period_tag || zeroblob(8) AS BLOB), x'', version,
             sealed FROM report_pages";
        assert_eq!(count(pages), 1);
        let merged_pages = "SELECT 'merged_pages', CAST(period_tag || zeroblob(8) AS BLOB), x'',
             version, sealed FROM merged_pages";
        assert_eq!(count(merged_pages), 1);
        assert!(vault.call(kept).is_ok());
        // A backup's check opens every one of these rows too.
        let checked = vault.check_every_record().unwrap();
        assert_eq!(checked.calls, 1);
    }

    #[test]
    fn a_newer_record_says_so_and_an_older_one_is_damage() {
        struct Row;
        impl SealedTable for Row {
            const TABLE: &'static str = "rows";
            type Value = ();
            fn encode(_: &()) -> Option<Vec<u8>> {
                Some(Vec::new())
            }
            fn decode(_: &[u8], _: &[u8]) -> Option<()> {
                Some(())
            }
            fn describe(_: &[u8]) -> String {
                "a row".into()
            }
        }
        assert!(check_version::<Row>(b"id", SCHEMA_VERSION).is_ok());
        assert!(matches!(
            check_version::<Row>(b"id", SCHEMA_VERSION + 1),
            Err(StoreError::UnsupportedFormat { found: 2 })
        ));
        assert!(matches!(
            check_version::<Row>(b"id", 0),
            Err(StoreError::Corrupt { record }) if record == "a row"
        ));
    }
}
