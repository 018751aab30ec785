//! The activity record: a sealed, append-only, hash-chained list of what
//! was done with the log on this laptop (unlocks, deletions, files
//! written, returns merged, backups…), for a coordinator or an auditor to
//! read back.
//!
//! Each entry is one sealed row keyed by its sequence number (8 bytes, big
//! endian, bound into its associated data like every sealed row's id) and
//! holds its sequence again, the time, what was done, and the SHA-256 of
//! the previous entry's sealed plaintext. Reading the record checks that
//! the sequence runs 1, 2, 3… without a gap and that every link matches, so
//! an entry removed, rewritten or moved is named as damage. Removing the
//! newest entries leaves no broken link: the store-wide commitment over
//! every sealed table covers that.
//!
//! Never holds note text, caller details or anything typed about a call:
//! an [`Activity`] carries only ids, file paths, periods, counts and key
//! fingerprints.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::sealed::{self, SealedTable};
use super::{StoreError, Vault};
use crate::crypto::{RecordKey, digest};

/// One thing done with the log. Ids, paths, periods, counts and
/// fingerprints only: never a note, a caller's details or a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Activity {
    /// The store was made on this laptop.
    Created,
    /// Unlocked with the passphrase, after this many wrong ones typed in
    /// the same app or command.
    Unlocked {
        failed_attempts: u32,
    },
    /// Unlocked with the recovery key, which set a new passphrase.
    RecoveryKeyUsed,
    PassphraseChanged,
    CallEdited {
        call: String,
    },
    CallDeleted {
        call: String,
    },
    /// A report saved as a file.
    ReportWritten {
        path: String,
        period: String,
    },
    /// A return made for the coordinator.
    ReturnWritten {
        path: String,
        period: String,
    },
    ReturnMerged {
        return_id: String,
        signer: String,
    },
    /// A return file not merged; `reason` is Quietline's own sentence.
    ReturnRefused {
        file: String,
        signer: String,
        reason: String,
    },
    VolunteerTrusted {
        signer: String,
    },
    VolunteerRevoked {
        signer: String,
    },
    /// The calls merged from a revoked volunteer's returns were removed.
    VolunteerPurged {
        signer: String,
        calls: u64,
    },
    BackupMade {
        path: String,
    },
    /// This store was replaced by the backup at `from`.
    Restored {
        from: String,
    },
    RetentionSet {
        months: u32,
    },
    /// Private text shredded under the retention policy.
    Shredded {
        calls: u32,
    },
    HoldPlaced {
        call: String,
    },
    HoldReleased {
        call: String,
    },
    ProfileImported {
        path: String,
        version: u64,
        signer: String,
    },
    ProfileExported {
        path: String,
        version: u64,
    },
    ThemeListPublished {
        version: u32,
    },
}

/// An entry of the record, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEntry {
    /// 1 for the first entry, then one more for each.
    pub sequence: u64,
    pub at: DateTime<Utc>,
    pub activity: Activity,
}

/// What an entry's sealed bytes hold.
#[derive(Serialize, Deserialize)]
struct Sealed {
    sequence: u64,
    at: DateTime<Utc>,
    activity: Activity,
    /// SHA-256 of the previous entry's sealed plaintext, hex; zeros for
    /// the first.
    previous: String,
}

/// An entry opened, with the digest of its plaintext (the next entry's
/// link). The digest is computed when opening, never stored.
pub(super) struct Linked {
    entry: Sealed,
    digest: [u8; 32],
}

pub(super) struct ActivityRow;

impl SealedTable for ActivityRow {
    const TABLE: &'static str = "activity";
    type Value = Linked;

    fn encode(value: &Linked) -> Option<Vec<u8>> {
        serde_json::to_vec(&value.entry).ok()
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<Linked> {
        Some(Linked {
            entry: serde_json::from_slice(plain).ok()?,
            digest: digest(plain),
        })
    }

    fn describe(id: &[u8]) -> String {
        match <[u8; 8]>::try_from(id) {
            Ok(id) => entry_name(u64::from_be_bytes(id)),
            Err(_) => "an entry of the activity record".into(),
        }
    }
}

fn entry_name(sequence: u64) -> String {
    format!("entry {sequence} of the activity record")
}

fn broken(sequence: u64) -> StoreError {
    StoreError::Corrupt {
        record: entry_name(sequence),
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// Opens the row keyed `id`, checking the sequence it claims is its key's.
fn open_row(
    key: &RecordKey,
    id: &[u8],
    version: u32,
    sealed_bytes: &[u8],
) -> Result<(u64, Linked), StoreError> {
    let sequence = <[u8; 8]>::try_from(id)
        .map(u64::from_be_bytes)
        .map_err(|_| StoreError::Corrupt {
            record: ActivityRow::describe(id),
        })?;
    let linked = sealed::open::<ActivityRow>(key, id, b"", version, sealed_bytes)?;
    if linked.entry.sequence != sequence {
        return Err(broken(sequence));
    }
    Ok((sequence, linked))
}

/// Appends `activity` at `at` after the newest entry, within the caller's
/// transaction (which must hold the write lock, so that no other process
/// takes the same sequence number). Returns the new entry's sequence.
pub(super) fn append(
    conn: &Connection,
    key: &RecordKey,
    activity: &Activity,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let newest: Option<(Vec<u8>, u32, Vec<u8>)> = conn
        .prepare_cached("SELECT id, version, sealed FROM activity ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let (sequence, previous) = match newest {
        None => (1, [0u8; 32]),
        Some((id, version, bytes)) => {
            let (sequence, linked) = open_row(key, &id, version, &bytes)?;
            (sequence + 1, linked.digest)
        }
    };
    let entry = Sealed {
        sequence,
        at,
        activity: activity.clone(),
        previous: hex(&previous),
    };
    let id = sequence.to_be_bytes();
    let linked = Linked {
        entry,
        digest: [0; 32],
    };
    sealed::write::<ActivityRow>(conn, key, id.as_slice(), &linked)?;
    Ok(sequence)
}

/// Every entry, oldest first, with the chain checked: sequence numbers
/// contiguous from 1 and each entry linked to the one before.
pub(super) fn read(conn: &Connection, key: &RecordKey) -> Result<Vec<ActivityEntry>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, version, sealed FROM activity ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut previous = [0u8; 32];
    while let Some(row) = rows.next()? {
        let id: Vec<u8> = row.get(0)?;
        let expected = out.len() as u64 + 1;
        let (sequence, linked) = open_row(key, &id, row.get(1)?, &row.get::<_, Vec<u8>>(2)?)?;
        if sequence != expected {
            // An entry before this one is missing.
            return Err(broken(expected));
        }
        if linked.entry.previous != hex(&previous) {
            return Err(broken(sequence));
        }
        previous = linked.digest;
        out.push(ActivityEntry {
            sequence,
            at: linked.entry.at,
            activity: linked.entry.activity,
        });
    }
    Ok(out)
}

impl Vault {
    /// Adds an entry to the activity record in its own transaction, taken
    /// with the write lock at once so that the app and the command line
    /// never both take the same sequence number.
    pub fn record_activity(
        &mut self,
        activity: &Activity,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sequence = append(&tx, &self.keys.records, activity, at)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(sequence)
    }

    /// The activity record, oldest first, checked from its first entry.
    pub fn activity(&self) -> Result<Vec<ActivityEntry>, StoreError> {
        read(&self.conn, &self.keys.records)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use rusqlite::params;

    use super::*;
    use crate::crypto::Passphrase;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn passphrase() -> Passphrase {
        Passphrase::new("a test passphrase")
    }

    /// A new store (its first entry records that it was made) and three
    /// entries after.
    fn three_entries() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, _) = Vault::create(dir.path(), &passphrase()).unwrap();
        for (minute, activity) in [
            Activity::Unlocked { failed_attempts: 2 },
            Activity::CallDeleted {
                call: "3f2a".into(),
            },
            Activity::RetentionSet { months: 24 },
        ]
        .iter()
        .enumerate()
        {
            vault.record_activity(activity, at(minute as i64)).unwrap();
        }
        (dir, vault)
    }

    fn corrupt_entry(result: Result<Vec<ActivityEntry>, StoreError>) -> String {
        match result {
            Err(StoreError::Corrupt { record }) => record,
            other => panic!("expected damage, got {other:?}"),
        }
    }

    #[test]
    fn entries_are_appended_in_sequence_and_read_back_oldest_first() {
        let (_dir, vault) = three_entries();
        let entries = vault.activity().unwrap();
        assert_eq!(
            entries.iter().map(|e| e.sequence).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(entries[0].activity, Activity::Created);
        assert_eq!(
            entries[1].activity,
            Activity::Unlocked { failed_attempts: 2 }
        );
        assert_eq!(entries[3].at, at(2));
        // The ids are the sequence numbers, big endian, so they sort.
        let ids: Vec<Vec<u8>> = vault
            .conn
            .prepare("SELECT id FROM activity ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(ids[3], 4u64.to_be_bytes());
    }

    #[test]
    fn a_removed_entry_is_named_as_damage() {
        let (_dir, vault) = three_entries();
        vault
            .conn
            .execute(
                "DELETE FROM activity WHERE id = ?1",
                params![2u64.to_be_bytes().as_slice()],
            )
            .unwrap();
        let named = corrupt_entry(vault.activity());
        assert_eq!(named, "entry 2 of the activity record");
        let message = StoreError::Corrupt { record: named }.to_string();
        assert!(
            message.contains("restore the store from a backup"),
            "{message}"
        );
    }

    #[test]
    fn a_rewritten_entry_breaks_the_link_from_the_next() {
        let (_dir, vault) = three_entries();
        // Rewritten with the store's own key (as someone holding the
        // passphrase could), keeping its sequence and its own link.
        let key = &vault.keys.records;
        let id = 2u64.to_be_bytes();
        let (version, bytes): (u32, Vec<u8>) = vault
            .conn
            .query_row(
                "SELECT version, sealed FROM activity WHERE id = ?1",
                params![id.as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let (_, mut linked) = open_row(key, &id, version, &bytes).unwrap();
        linked.entry.activity = Activity::CallDeleted {
            call: "another".into(),
        };
        sealed::write::<ActivityRow>(&vault.conn, key, id.as_slice(), &linked).unwrap();
        assert_eq!(
            corrupt_entry(vault.activity()),
            "entry 3 of the activity record"
        );
    }

    #[test]
    fn entries_moved_to_other_sequence_numbers_do_not_open() {
        let (_dir, vault) = three_entries();
        vault
            .conn
            .execute_batch(
                "UPDATE activity SET id = x'00000000000000ff' WHERE id = x'0000000000000002';
                 UPDATE activity SET id = x'0000000000000002' WHERE id = x'0000000000000003';
                 UPDATE activity SET id = x'0000000000000003' WHERE id = x'00000000000000ff';",
            )
            .unwrap();
        assert_eq!(
            corrupt_entry(vault.activity()),
            "entry 2 of the activity record"
        );
    }

    #[test]
    fn a_changed_byte_is_damage_to_that_entry() {
        let (_dir, vault) = three_entries();
        let id = 1u64.to_be_bytes();
        let mut bytes: Vec<u8> = vault
            .conn
            .query_row(
                "SELECT sealed FROM activity WHERE id = ?1",
                params![id.as_slice()],
                |r| r.get(0),
            )
            .unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        vault
            .conn
            .execute(
                "UPDATE activity SET sealed = ?2 WHERE id = ?1",
                params![id.as_slice(), bytes],
            )
            .unwrap();
        assert_eq!(
            corrupt_entry(vault.activity()),
            "entry 1 of the activity record"
        );
    }

    #[test]
    fn a_deletion_and_its_entry_are_one_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, _) = Vault::create(dir.path(), &passphrase()).unwrap();
        let id = vault
            .log_call(&crate::model::tests::typical_call(), at(0))
            .unwrap();
        vault.delete_call_recorded(id, at(1)).unwrap();
        let deleted = Activity::CallDeleted {
            call: id.to_string(),
        };
        assert_eq!(vault.activity().unwrap()[1].activity, deleted);
        // A call that is not there: refused, and nothing recorded.
        assert!(matches!(
            vault.delete_call_recorded(id, at(2)),
            Err(StoreError::CallNotFound(_))
        ));
        assert_eq!(vault.activity().unwrap().len(), 2);
    }

    #[test]
    fn two_vaults_on_one_store_interleaving_appends_never_share_a_sequence() {
        let (dir, mut app) = three_entries();
        let mut cli = Vault::open(dir.path(), &passphrase()).unwrap();
        // Taking turns: each sees the other's entries.
        for n in 0..4 {
            let vault = if n % 2 == 0 { &mut app } else { &mut cli };
            assert_eq!(
                vault.record_activity(&Activity::Created, at(n)).unwrap(),
                5 + n as u64
            );
        }
        // At the same time, from two threads.
        let spawn = |mut vault: Vault, who: &'static str| {
            std::thread::spawn(move || {
                for n in 0..25 {
                    let call = format!("{who}-{n}");
                    vault
                        .record_activity(&Activity::HoldPlaced { call }, at(n))
                        .unwrap();
                }
                vault
            })
        };
        let (app, cli) = (spawn(app, "app"), spawn(cli, "cli"));
        for vault in [app.join().unwrap(), cli.join().unwrap()] {
            let entries = vault.activity().unwrap();
            assert_eq!(entries.len(), 58);
            assert_eq!(entries.last().unwrap().sequence, 58);
        }
    }
}
