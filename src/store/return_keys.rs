//! What a store keeps for returns: its signing key, the coordinator's
//! identity (only in a coordinator's store), and how many returns it has
//! made. Each is sealed in its own named row of the settings table, under
//! its own associated data.

use super::settings::{read_row, write_row};
use super::{StoreError, Vault};
use crate::crypto::{CoordinatorIdentity, CoordinatorKey, VolunteerKey};
use crate::model::CallId;

const SIGNING_KEY_ROW: &str = "signing_key";
const COORDINATOR_ROW: &str = "coordinator_identity";
const RETURNS_MADE_ROW: &str = "returns_made";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt {
        record: what.to_string(),
    }
}

impl Vault {
    /// This store's signing key, made and kept the first time it is needed.
    pub fn volunteer_key(&mut self) -> Result<VolunteerKey, StoreError> {
        let what = "the signing key";
        let kept = read_row(
            &self.conn,
            &self.keys.records,
            SIGNING_KEY_ROW,
            SIGNING_KEY_ROW,
            what,
        )?;
        if let Some(secret) = kept {
            return VolunteerKey::from_secret(&secret).ok_or_else(|| corrupt(what));
        }
        let key = VolunteerKey::generate()?;
        write_row(
            &self.conn,
            &self.keys.records,
            SIGNING_KEY_ROW,
            SIGNING_KEY_ROW,
            key.secret().as_slice(),
        )?;
        Ok(key)
    }

    /// The coordinator's identity, if this is a coordinator's store.
    pub fn coordinator_identity(&self) -> Result<Option<CoordinatorIdentity>, StoreError> {
        let what = "the coordinator key";
        let Some(secret) = read_row(
            &self.conn,
            &self.keys.records,
            COORDINATOR_ROW,
            COORDINATOR_ROW,
            what,
        )?
        else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&secret).map_err(|_| corrupt(what))?;
        CoordinatorIdentity::from_secret(text)
            .map(Some)
            .ok_or_else(|| corrupt(what))
    }

    /// Makes this a coordinator's store and returns its public key. An
    /// existing identity is kept, never replaced: returns already made for
    /// it would no longer open. The flag says whether one was made now.
    pub fn create_coordinator_identity(&mut self) -> Result<(CoordinatorKey, bool), StoreError> {
        if let Some(existing) = self.coordinator_identity()? {
            return Ok((existing.key(), false));
        }
        let identity = CoordinatorIdentity::generate();
        write_row(
            &self.conn,
            &self.keys.records,
            COORDINATOR_ROW,
            COORDINATOR_ROW,
            identity.secret().as_bytes(),
        )?;
        Ok((identity.key(), true))
    }

    /// How many returns this store has made.
    pub fn returns_made(&self) -> Result<u64, StoreError> {
        let what = "the count of returns made";
        let Some(bytes) = read_row(
            &self.conn,
            &self.keys.records,
            RETURNS_MADE_ROW,
            RETURNS_MADE_ROW,
            what,
        )?
        else {
            return Ok(0);
        };
        let bytes: [u8; 8] = bytes.as_slice().try_into().map_err(|_| corrupt(what))?;
        Ok(u64::from_be_bytes(bytes))
    }

    /// Counts one more return and gives its sequence number (1, 2, …).
    pub(crate) fn next_return_sequence(&mut self) -> Result<u64, StoreError> {
        let next = self.returns_made()? + 1;
        write_row(
            &self.conn,
            &self.keys.records,
            RETURNS_MADE_ROW,
            RETURNS_MADE_ROW,
            &next.to_be_bytes(),
        )?;
        Ok(next)
    }

    /// The id `call` carries in returns.
    pub fn export_id(&self, call: CallId) -> [u8; 16] {
        self.keys.export_ids.export_id(call.as_bytes())
    }
}
