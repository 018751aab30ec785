//! What a store keeps for returns: its signing key, the coordinator's
//! identity (only in a coordinator's store), and how many returns it has
//! made. Each is sealed in its own named row of the settings table, under
//! its own associated data.

use super::sealed::{self, NamedRow, SealedTable};
use super::{StoreError, Vault};
use crate::crypto::{CoordinatorIdentity, CoordinatorKey, SignerKey, VolunteerKey};
use crate::model::CallId;

// Each is a row of the settings table named, and bound, as itself.

pub(super) struct SigningKeyRow;

impl SealedTable for SigningKeyRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "signing_key";
    type Value = VolunteerKey;

    fn encode(key: &VolunteerKey) -> Option<Vec<u8>> {
        Some(key.secret().to_vec())
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<VolunteerKey> {
        VolunteerKey::from_secret(plain)
    }

    fn describe(_: &[u8]) -> String {
        "the signing key".into()
    }
}

impl NamedRow for SigningKeyRow {
    const NAME: &'static str = "signing_key";
}

pub(super) struct CoordinatorRow;

impl SealedTable for CoordinatorRow {
    const TABLE: &'static str = "settings";
    const KEY: &'static str = "name";
    const BINDS_AS: &'static str = "coordinator_identity";
    type Value = CoordinatorIdentity;

    fn encode(identity: &CoordinatorIdentity) -> Option<Vec<u8>> {
        Some(identity.secret().as_bytes().to_vec())
    }

    fn decode(_: &[u8], plain: &[u8]) -> Option<CoordinatorIdentity> {
        CoordinatorIdentity::from_secret(std::str::from_utf8(plain).ok()?)
    }

    fn describe(_: &[u8]) -> String {
        "the coordinator key".into()
    }
}

impl NamedRow for CoordinatorRow {
    const NAME: &'static str = "coordinator_identity";
}

/// A sealed count kept in the settings table under its own name.
macro_rules! count_row {
    ($row:ident, $name:literal, $what:literal) => {
        pub(super) struct $row;

        impl SealedTable for $row {
            const TABLE: &'static str = "settings";
            const KEY: &'static str = "name";
            const BINDS_AS: &'static str = $name;
            type Value = u64;

            fn encode(count: &u64) -> Option<Vec<u8>> {
                Some(count.to_be_bytes().to_vec())
            }

            fn decode(_: &[u8], plain: &[u8]) -> Option<u64> {
                Some(u64::from_be_bytes(plain.try_into().ok()?))
            }

            fn describe(_: &[u8]) -> String {
                $what.into()
            }
        }

        impl NamedRow for $row {
            const NAME: &'static str = $name;
        }
    };
}

count_row!(ReturnsMadeRow, "returns_made", "the count of returns made");
// The sequence number of the last return this store made.
count_row!(
    LastSequenceRow,
    "return_sequence",
    "the last return's number"
);

impl Vault {
    /// This store's signing key, made and kept the first time it is needed.
    /// Read and made in one immediate transaction: the app and the CLI may
    /// open the same store at once, and two keys made side by side would
    /// leave returns already signed with the overwritten one unverifiable.
    pub fn volunteer_key(&mut self) -> Result<VolunteerKey, StoreError> {
        if let Some(key) = sealed::read_named::<SigningKeyRow>(&self.conn, &self.keys.records)? {
            return Ok(key);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another connection may have made it since the read above.
        if let Some(key) = sealed::read_named::<SigningKeyRow>(&tx, &self.keys.records)? {
            return Ok(key);
        }
        let key = VolunteerKey::generate()?;
        sealed::write_named::<SigningKeyRow>(&tx, &self.keys.records, &key)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(key)
    }

    /// The public half of this store's signing key, if one has been made;
    /// never makes one (a coordinator checks returns against it).
    pub fn own_signer(&self) -> Result<Option<SignerKey>, StoreError> {
        Ok(
            sealed::read_named::<SigningKeyRow>(&self.conn, &self.keys.records)?
                .map(|key| key.signer()),
        )
    }

    /// The coordinator's identity, if this is a coordinator's store.
    pub fn coordinator_identity(&self) -> Result<Option<CoordinatorIdentity>, StoreError> {
        sealed::read_named::<CoordinatorRow>(&self.conn, &self.keys.records)
    }

    /// Makes this a coordinator's store and returns its public key. An
    /// existing identity is kept, never replaced: returns already made for
    /// it would no longer open. The flag says whether one was made now.
    /// Read and made in one immediate transaction, so two processes on the
    /// same store end with one identity between them.
    pub fn create_coordinator_identity(&mut self) -> Result<(CoordinatorKey, bool), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(existing) = sealed::read_named::<CoordinatorRow>(&tx, &self.keys.records)? {
            return Ok((existing.key(), false));
        }
        let identity = CoordinatorIdentity::generate();
        sealed::write_named::<CoordinatorRow>(&tx, &self.keys.records, &identity)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok((identity.key(), true))
    }

    /// How many returns this store has made.
    pub fn returns_made(&self) -> Result<u64, StoreError> {
        Ok(sealed::read_named::<ReturnsMadeRow>(&self.conn, &self.keys.records)?.unwrap_or(0))
    }

    /// Counts one more return and gives its sequence number: larger than
    /// any this store gave before and, from this version on, at least the
    /// number of seconds since 1970. A coordinator keeps the newest return
    /// of each month by this number, so a store restored from a backup
    /// (whose count is behind the returns its lost original made) still
    /// numbers its next return above every earlier one, as long as the
    /// laptop's clock is right. Count and number change in one
    /// transaction.
    pub(crate) fn next_return_sequence(&mut self) -> Result<u64, StoreError> {
        let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let key = &self.keys.records;
        let made = sealed::read_named::<ReturnsMadeRow>(&tx, key)?.unwrap_or(0);
        let last = sealed::read_named::<LastSequenceRow>(&tx, key)?.unwrap_or(made);
        let next = (last.max(made) + 1).max(now);
        sealed::write_named::<ReturnsMadeRow>(&tx, key, &(made + 1))?;
        sealed::write_named::<LastSequenceRow>(&tx, key, &next)?;
        super::ledger::commit(tx, &self.keys)?;
        Ok(next)
    }

    /// The id `call` carries in returns.
    pub fn export_id(&self, call: CallId) -> [u8; 16] {
        self.keys.export_ids.export_id(call.as_bytes())
    }
}
