//! The sealed envelope: `version (1 byte) ‖ nonce (24 bytes) ‖ ciphertext+tag`.
//!
//! Version 1 seals the plaintext as it is. Version 2 first pads it to a
//! size bucket (ISO/IEC 7816-4 padding: one `0x80` byte, then zeros), so
//! that the length of a record (a call's notes, say) says little about
//! what it holds. Both open; the version is bound into the associated data.
//!
//! Associated data is rebuilt by the caller from the row being read (table,
//! record id, schema version, and any plaintext column the record must stay
//! bound to), never taken from the blob, so a ciphertext copied into another
//! row or table fails to open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::{CryptoError, DataKey, KeyEncryptionKey, RecordKey, random_bytes};

/// The envelope layout version, the first byte of every sealed blob.
pub const ENVELOPE_VERSION: u8 = 1;
/// The envelope of a record padded to a size bucket before sealing.
pub const PADDED_ENVELOPE_VERSION: u8 = 2;
/// The smallest padded plaintext, in bytes.
const MIN_BUCKET: usize = 256;
/// Above this, plaintexts are padded to a multiple of it rather than to
/// the next power of two.
const LARGE_BUCKET: usize = 8192;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// What a sealed blob is bound to. Encoded with length prefixes so that no
/// two different bindings produce the same bytes.
pub struct RecordAad<'a> {
    pub table: &'a str,
    pub record_id: &'a [u8],
    pub schema_version: u32,
    /// Plaintext stored beside the blob that must not be swapped (a period tag).
    pub bound_column: &'a [u8],
}

impl RecordAad<'_> {
    fn encode(&self, envelope: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            16 + self.table.len() + self.record_id.len() + self.bound_column.len(),
        );
        out.extend_from_slice(b"quietline");
        out.push(envelope);
        for part in [self.table.as_bytes(), self.record_id, self.bound_column] {
            // Parts are short; a u16 length can't overflow for any table, id or tag.
            out.extend_from_slice(&(part.len() as u16).to_be_bytes());
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out
    }
}

/// How long `len` bytes become once padded: a power of two of at least
/// [`MIN_BUCKET`], or above [`LARGE_BUCKET`] a multiple of it.
fn bucket(len: usize) -> usize {
    let needed = len + 1;
    if needed <= MIN_BUCKET {
        MIN_BUCKET
    } else if needed <= LARGE_BUCKET {
        needed.next_power_of_two()
    } else {
        needed.div_ceil(LARGE_BUCKET) * LARGE_BUCKET
    }
}

fn pad(plaintext: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(Vec::with_capacity(bucket(plaintext.len())));
    padded.extend_from_slice(plaintext);
    padded.push(0x80);
    padded.resize(bucket(plaintext.len()), 0);
    padded
}

/// Removes the padding in place; `None` if it is not well formed.
fn unpad(mut padded: Zeroizing<Vec<u8>>) -> Option<Zeroizing<Vec<u8>>> {
    let end = padded.iter().rposition(|&b| b != 0)?;
    if padded[end] != 0x80 {
        return None;
    }
    padded.truncate(end);
    Some(padded)
}

fn seal_with(
    key: &[u8; 32],
    aad: &RecordAad<'_>,
    plaintext: &[u8],
    envelope: u8,
) -> Result<Vec<u8>, CryptoError> {
    let padded;
    let plaintext = if envelope == PADDED_ENVELOPE_VERSION {
        padded = pad(plaintext);
        padded.as_slice()
    } else {
        plaintext
    };
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let aad = aad.encode(envelope);
    let ciphertext = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        // Only fails for inputs beyond 256 GiB.
        .map_err(|_| CryptoError::CannotOpen)?;
    let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
    out.push(envelope);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn open_with(
    key: &[u8; 32],
    aad: &RecordAad<'_>,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let Some((&version, rest)) = blob.split_first() else {
        return Err(CryptoError::CannotOpen);
    };
    if version != ENVELOPE_VERSION && version != PADDED_ENVELOPE_VERSION {
        return Err(CryptoError::UnsupportedEnvelope(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::CannotOpen);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::CannotOpen)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let aad = aad.encode(version);
    let plain = cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::CannotOpen)?;
    if version == PADDED_ENVELOPE_VERSION {
        unpad(plain).ok_or(CryptoError::CannotOpen)
    } else {
        Ok(plain)
    }
}

/// Seals a record's plaintext under a fresh random nonce.
pub fn seal(
    key: &RecordKey,
    aad: &RecordAad<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    seal_with(&key.0, aad, plaintext, ENVELOPE_VERSION)
}

/// Seals a record's plaintext padded to its size bucket, so that records
/// of nearby lengths cannot be told apart by their size.
pub fn seal_padded(
    key: &RecordKey,
    aad: &RecordAad<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    seal_with(&key.0, aad, plaintext, PADDED_ENVELOPE_VERSION)
}

/// Opens a sealed record; the plaintext is zeroed when dropped.
pub fn open(
    key: &RecordKey,
    aad: &RecordAad<'_>,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open_with(&key.0, aad, blob)
}

impl KeyEncryptionKey {
    pub fn wrap(&self, data_key: &DataKey, aad: &RecordAad<'_>) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.0, aad, data_key.expose(), ENVELOPE_VERSION)
    }

    /// Fails with [`CryptoError::CannotOpen`] for a wrong passphrase or recovery key.
    pub fn unwrap_data_key(
        &self,
        aad: &RecordAad<'_>,
        wrapped: &[u8],
    ) -> Result<DataKey, CryptoError> {
        let bytes = open_with(&self.0, aad, wrapped)?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::CannotOpen)?;
        Ok(DataKey::from_bytes(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aad(id: &[u8]) -> RecordAad<'_> {
        RecordAad {
            table: "calls",
            record_id: id,
            schema_version: 1,
            bound_column: b"",
        }
    }

    #[test]
    fn round_trip_and_fresh_nonce_each_time() {
        let key = RecordKey([3; 32]);
        let a = seal(&key, &aad(b"id-1"), b"hello").unwrap();
        let b = seal(&key, &aad(b"id-1"), b"hello").unwrap();
        assert_ne!(a, b, "two seals of the same plaintext must differ");
        assert_eq!(a.len(), 1 + 24 + 5 + 16);
        assert_eq!(open(&key, &aad(b"id-1"), &a).unwrap().as_slice(), b"hello");
    }

    #[test]
    fn any_changed_binding_or_byte_fails_to_open() {
        let key = RecordKey([3; 32]);
        let blob = seal(&key, &aad(b"id-1"), b"hello").unwrap();
        assert!(open(&key, &aad(b"id-2"), &blob).is_err());
        let other_table = RecordAad {
            table: "call_details",
            ..aad(b"id-1")
        };
        assert!(open(&key, &other_table, &blob).is_err());
        let other_version = RecordAad {
            schema_version: 2,
            ..aad(b"id-1")
        };
        assert!(open(&key, &other_version, &blob).is_err());
        let other_tag = RecordAad {
            bound_column: b"x",
            ..aad(b"id-1")
        };
        assert!(open(&key, &other_tag, &blob).is_err());
        assert!(open(&RecordKey([4; 32]), &aad(b"id-1"), &blob).is_err());
        for i in 1..blob.len() {
            let mut flipped = blob.clone();
            flipped[i] ^= 0x01;
            assert!(open(&key, &aad(b"id-1"), &flipped).is_err(), "byte {i}");
        }
        assert!(matches!(
            open(&key, &aad(b"id-1"), &[9, 0, 0]),
            Err(CryptoError::UnsupportedEnvelope(9))
        ));
        assert!(open(&key, &aad(b"id-1"), &blob[..20]).is_err());
        assert!(open(&key, &aad(b"id-1"), &[]).is_err());
    }

    #[test]
    fn aad_parts_cannot_run_into_each_other() {
        let a = RecordAad {
            table: "ab",
            record_id: b"c",
            schema_version: 1,
            bound_column: b"",
        };
        let b = RecordAad {
            table: "a",
            record_id: b"bc",
            schema_version: 1,
            bound_column: b"",
        };
        assert_ne!(a.encode(1), b.encode(1));
        assert_ne!(a.encode(1), a.encode(2));
    }

    #[test]
    fn padded_records_of_nearby_lengths_are_the_same_size_and_open_exactly() {
        let key = RecordKey([3; 32]);
        let short = seal_padded(&key, &aad(b"id-1"), b"Ofsted").unwrap();
        let long = seal_padded(&key, &aad(b"id-1"), &[b'x'; 200]).unwrap();
        assert_eq!(short.len(), long.len());
        assert_eq!(short.len(), 1 + 24 + 256 + 16);
        assert_eq!(short[0], PADDED_ENVELOPE_VERSION);
        assert_eq!(
            open(&key, &aad(b"id-1"), &short).unwrap().as_slice(),
            b"Ofsted"
        );
        assert_eq!(
            open(&key, &aad(b"id-1"), &long).unwrap().as_slice(),
            [b'x'; 200]
        );
        // Content that itself ends in zeros or 0x80 comes back whole.
        for content in [&b"a\0\0"[..], b"\x80", b"", &[0u8; 255], &[0x80; 300]] {
            let blob = seal_padded(&key, &aad(b"id-1"), content).unwrap();
            assert_eq!(
                open(&key, &aad(b"id-1"), &blob).unwrap().as_slice(),
                content
            );
        }
        assert_eq!(bucket(255), 256);
        assert_eq!(bucket(256), 512);
        assert_eq!(bucket(5000), 8192);
        assert_eq!(bucket(8192), 16384);
        assert_eq!(bucket(20000), 24576);
        // The version byte is bound: a padded record relabelled as
        // unpadded (or the reverse) does not open.
        let mut relabelled = short.clone();
        relabelled[0] = ENVELOPE_VERSION;
        assert!(open(&key, &aad(b"id-1"), &relabelled).is_err());
        let plain = seal(&key, &aad(b"id-1"), b"hello").unwrap();
        let mut relabelled = plain.clone();
        relabelled[0] = PADDED_ENVELOPE_VERSION;
        assert!(open(&key, &aad(b"id-1"), &relabelled).is_err());
    }
}
