//! The two wrapped copies of the data key: one under the passphrase, one
//! under the recovery key. No passphrase hash or check value is stored: a
//! wrong passphrase shows itself by failing to unwrap.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::sealed::binding;
use crate::crypto::{DataKey, KdfParams, KeyEncryptionKey, RecordAad, Salt};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Passphrase,
    Recovery,
}

impl Slot {
    fn name(self) -> &'static str {
        match self {
            Slot::Passphrase => "passphrase",
            Slot::Recovery => "recovery",
        }
    }
}

/// A slot as stored: everything needed to try unwrapping it.
pub struct StoredSlot {
    pub salt: Salt,
    pub params: KdfParams,
    pub wrapped: Vec<u8>,
}

fn aad<'a>(slot: Slot, store_id: &'a [u8]) -> RecordAad<'a> {
    // A slot copied from another store must not open here.
    binding("key_slots", slot.name().as_bytes(), store_id)
}

pub fn read(conn: &Connection, slot: Slot) -> Result<StoredSlot, StoreError> {
    let row = conn
        .query_row(
            "SELECT salt, memory_kib, iterations, parallelism, wrapped FROM key_slots WHERE slot = ?1",
            params![slot.name()],
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                ))
            },
        )
        .optional()?;
    let damaged = || StoreError::Corrupt {
        record: format!("key slot '{}'", slot.name()),
    };
    let (salt, memory, iterations, parallelism, wrapped) = row.ok_or_else(damaged)?;
    let salt: [u8; 16] = salt.try_into().map_err(|_| damaged())?;
    let as_u32 = |v: i64| u32::try_from(v).map_err(|_| damaged());
    Ok(StoredSlot {
        salt: Salt(salt),
        params: KdfParams {
            memory_kib: as_u32(memory)?,
            iterations: as_u32(iterations)?,
            parallelism: as_u32(parallelism)?,
        },
        wrapped,
    })
}

pub fn write(
    conn: &Connection,
    slot: Slot,
    store_id: &[u8],
    kek: &KeyEncryptionKey,
    salt: &Salt,
    params: &KdfParams,
    data_key: &DataKey,
) -> Result<(), StoreError> {
    let wrapped = kek.wrap(data_key, &aad(slot, store_id))?;
    conn.execute(
        "INSERT INTO key_slots (slot, salt, memory_kib, iterations, parallelism, wrapped)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (slot) DO UPDATE SET salt = excluded.salt, memory_kib = excluded.memory_kib,
             iterations = excluded.iterations, parallelism = excluded.parallelism,
             wrapped = excluded.wrapped",
        params![
            slot.name(),
            salt.0.as_slice(),
            params.memory_kib,
            params.iterations,
            params.parallelism,
            wrapped
        ],
    )?;
    Ok(())
}

/// Unwraps the data key, or `None` if the key-encryption key is wrong (or
/// the slot was altered: the two cannot be told apart, by design).
pub fn unwrap(
    stored: &StoredSlot,
    slot: Slot,
    store_id: &[u8],
    kek: &KeyEncryptionKey,
) -> Option<DataKey> {
    kek.unwrap_data_key(&aad(slot, store_id), &stored.wrapped)
        .ok()
}
