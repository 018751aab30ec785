//! The key types. None implements `Debug`, `Clone` or `Serialize`.

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{CryptoError, random_bytes};

/// The random key that every record key is derived from. Wrapped at rest,
/// never stored in the clear.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

/// Derived from a passphrase or the recovery key; only ever used to wrap and
/// unwrap the [`DataKey`].
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct KeyEncryptionKey(pub(super) [u8; 32]);

/// Seals and opens records.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct RecordKey(pub(super) [u8; 32]);

/// Keys the HMAC that tags each record with its (hidden) local month.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct PeriodTagKey([u8; 32]);

/// Keys the hash that turns a call id into the id it carries in returns,
/// so re-exporting gives the same id and the call id never leaves the store.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ExportIdKey([u8; 32]);

/// Keys the ids under which a coordinator's store files merged volunteers,
/// returns and calls, so those row ids reveal nothing without the key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct LookupKey([u8; 32]);

/// Keys the code that authenticates a backup file's header (when it was
/// made, which store, the digest of its body), checked once the backup is
/// unlocked, so a header cannot be edited to pass one backup off as another.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct BackupKey([u8; 32]);

/// Keys the digests the store's ledger sums: one per sealed row, so that
/// a row removed, duplicated or put back from an older copy changes a sum
/// that only the key holder can recompute (see `store/ledger.rs`).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct LedgerKey([u8; 32]);

/// A keyed tag of a local month. Equal tags mean "same month" and nothing
/// more; without the key the month cannot be recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodTag(pub [u8; 16]);

const RECORD_KEY_INFO: &[u8] = b"quietline v1 record sealing";
const PERIOD_TAG_KEY_INFO: &[u8] = b"quietline v1 period tag";
const EXPORT_ID_KEY_INFO: &[u8] = b"quietline v1 export id";
const LOOKUP_KEY_INFO: &[u8] = b"quietline v1 merged lookup";
const BACKUP_KEY_INFO: &[u8] = b"quietline v1 backup header";
const LEDGER_KEY_INFO: &[u8] = b"quietline v1 ledger";

impl DataKey {
    pub fn generate() -> Result<DataKey, CryptoError> {
        Ok(DataKey(random_bytes()?))
    }

    pub(super) fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }

    pub(super) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    fn derive(&self, info: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        // HKDF-SHA256 can expand to 8160 bytes; 32 cannot fail.
        #[allow(clippy::expect_used)]
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(info, &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    pub fn record_key(&self) -> RecordKey {
        RecordKey(self.derive(RECORD_KEY_INFO))
    }

    pub fn period_tag_key(&self) -> PeriodTagKey {
        PeriodTagKey(self.derive(PERIOD_TAG_KEY_INFO))
    }

    pub fn export_id_key(&self) -> ExportIdKey {
        ExportIdKey(self.derive(EXPORT_ID_KEY_INFO))
    }

    pub fn lookup_key(&self) -> LookupKey {
        LookupKey(self.derive(LOOKUP_KEY_INFO))
    }

    pub fn backup_key(&self) -> BackupKey {
        BackupKey(self.derive(BACKUP_KEY_INFO))
    }

    pub fn ledger_key(&self) -> LedgerKey {
        LedgerKey(self.derive(LEDGER_KEY_INFO))
    }

    /// A second copy of this key, for opening a backup of the same store
    /// without asking for the passphrase again. Both copies are zeroed when
    /// dropped.
    pub fn duplicate(&self) -> DataKey {
        DataKey(self.0)
    }
}

impl BackupKey {
    fn mac(&self, parts: &[&[u8]]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        #[allow(clippy::expect_used)]
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The authentication code of `parts` (each length-prefixed).
    pub fn code(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac(parts).finalize().into_bytes().into()
    }

    /// Whether `code` is the authentication code of `parts`, compared in
    /// constant time.
    pub fn verify(&self, parts: &[&[u8]], code: &[u8]) -> bool {
        self.mac(parts).verify_slice(code).is_ok()
    }
}

/// SHA-256 of everything `reader` yields: a backup's body is checked
/// against it before anything else reads the body, so a damaged file is
/// named as damaged rather than as a wrong passphrase.
pub fn digest_reader(mut reader: impl std::io::Read) -> std::io::Result<[u8; 32]> {
    use sha2::Digest;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finalize().into())
}

/// SHA-256 of `bytes`: each entry of the activity record carries the
/// digest of the one before it, so a rewritten entry breaks the chain.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    Sha256::digest(bytes).into()
}

/// HMAC-SHA256 of `parts` (each length-prefixed, so no two lists of parts
/// give the same input), truncated to 16 bytes.
fn keyed_hash_16(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 16] {
    RowHasher::keyed(key).digest(parts)
}

impl ExportIdKey {
    /// The id a call carries in returns: stable for the life of the store.
    pub fn export_id(&self, call_id: &[u8; 16]) -> [u8; 16] {
        keyed_hash_16(&self.0, &[b"call", call_id])
    }
}

impl LedgerKey {
    /// A hasher for many rows: the key schedule is done once here, and each
    /// row's digest starts from a copy of it.
    pub fn row_hasher(&self) -> RowHasher {
        RowHasher::keyed(&self.0)
    }
}

/// HMAC-SHA256 keyed by a [`LedgerKey`], truncated to 16 bytes, over
/// length-prefixed parts. Its state holds key material and is zeroed when
/// dropped (hmac's `zeroize` feature).
#[derive(Clone)]
pub struct RowHasher(Hmac<Sha256>);

impl RowHasher {
    fn keyed(key: &[u8; 32]) -> RowHasher {
        // HMAC accepts keys of any length.
        #[allow(clippy::expect_used)]
        let keyed = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
        RowHasher(keyed)
    }

    /// The digest of one row described by `parts`.
    pub fn digest(&self, parts: &[&[u8]]) -> [u8; 16] {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }
}

impl LookupKey {
    /// A row id for `parts` of kind `kind` (a volunteer, a return, a call).
    pub fn row_id(&self, kind: &[u8], parts: &[&[u8]]) -> [u8; 16] {
        let mut all = Vec::with_capacity(parts.len() + 1);
        all.push(kind);
        all.extend_from_slice(parts);
        keyed_hash_16(&self.0, &all)
    }
}

impl PeriodTagKey {
    /// Tags a local month given as `YYYY-MM`.
    pub fn tag(&self, month: &str) -> PeriodTag {
        // HMAC accepts keys of any length.
        #[allow(clippy::expect_used)]
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(month.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&full[..16]);
        PeriodTag(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_differ_from_each_other_and_from_the_data_key() {
        let data = DataKey::from_bytes([7; 32]);
        let record = data.record_key();
        assert_ne!(record.0, [7; 32]);
        assert_ne!(record.0, data.derive(PERIOD_TAG_KEY_INFO));
        assert_ne!(data.export_id_key().0, data.lookup_key().0);
    }

    #[test]
    fn export_ids_are_stable_per_store_and_differ_between_stores_and_calls() {
        let a = DataKey::from_bytes([1; 32]).export_id_key();
        let b = DataKey::from_bytes([2; 32]).export_id_key();
        assert_eq!(a.export_id(&[9; 16]), a.export_id(&[9; 16]));
        assert_ne!(a.export_id(&[9; 16]), a.export_id(&[8; 16]));
        assert_ne!(a.export_id(&[9; 16]), b.export_id(&[9; 16]));
        assert_ne!(a.export_id(&[9; 16]), [9; 16]);
    }

    #[test]
    fn lookup_ids_depend_on_kind_and_on_where_parts_split() {
        let key = DataKey::from_bytes([3; 32]).lookup_key();
        assert_ne!(
            key.row_id(b"call", &[b"ab"]),
            key.row_id(b"return", &[b"ab"])
        );
        assert_ne!(
            key.row_id(b"call", &[b"a", b"b"]),
            key.row_id(b"call", &[b"ab"])
        );
    }

    #[test]
    fn period_tags_are_stable_per_month_and_differ_between_months_and_keys() {
        let a = DataKey::from_bytes([1; 32]).period_tag_key();
        let b = DataKey::from_bytes([2; 32]).period_tag_key();
        assert_eq!(a.tag("2024-09"), a.tag("2024-09"));
        assert_ne!(a.tag("2024-09"), a.tag("2024-10"));
        assert_ne!(a.tag("2024-09"), b.tag("2024-09"));
    }
}
