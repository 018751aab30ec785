//! The `.qlreturn` file: a canonical payload, signed with the volunteer's
//! Ed25519 key, then encrypted to the coordinator with age.
//!
//! Inside the age encryption the bytes are:
//!
//! ```text
//! quietline-return 1\n
//! signature <base64 of 64 bytes>\n
//! signer <base64 of 32 bytes>\n
//! calls <N>\n
//! deleted <M>\n
//! \n
//! <payload: canonical JSON>
//! ```
//!
//! The signature is Ed25519 over `quietline-return 1 signature\n` followed
//! by every byte after the signature line. The counts come before the
//! payload so that limits are checked before any JSON is parsed, and the
//! signature is checked before that too. `docs/return-format.md` is the
//! full specification. The signing and the age encryption themselves are
//! [`crate::crypto`]'s; this module only lays out the lines around them.

use data_encoding::BASE64;

use super::ReturnError;
use super::keys::{CoordinatorIdentity, CoordinatorKey, SignerKey, VolunteerKey};
use super::payload::{MAX_CALLS, MAX_DELETED, ReturnPayload};
use crate::crypto::CryptoError;

/// The envelope format this build writes and reads.
pub const RETURN_FORMAT: u64 = 1;
/// No return file is larger: files over it are refused before decrypting.
pub const MAX_RETURN_BYTES: u64 = 64 * 1024 * 1024;
/// Generous upper bounds on the payload's size for its counts.
const MAX_CALL_BYTES: usize = 512;
const MAX_DELETION_BYTES: usize = 40;
const MAX_PAYLOAD_OVERHEAD: usize = 4096;
/// Header lines are short; a longer one means this is not a return.
const MAX_LINE_BYTES: usize = 128;

const MAGIC: &str = "quietline-return ";
const SIGNATURE_CONTEXT: &[u8] = b"quietline-return 1 signature\n";

/// A return whose signature has been checked, not yet its content's rules
/// (see [`ReturnPayload::check`]) or who signed it.
#[derive(Debug, Clone)]
pub struct SignedReturn {
    pub signer: SignerKey,
    pub payload: ReturnPayload,
}

/// Signs `payload` and encrypts it to `to`: the bytes of a `.qlreturn` file.
pub fn seal(
    payload: &ReturnPayload,
    key: &VolunteerKey,
    to: &CoordinatorKey,
) -> Result<Vec<u8>, ReturnError> {
    let plaintext = sign(payload, key);
    to.encrypt(&plaintext).map_err(|e| match e {
        CryptoError::Encrypt(reason) => ReturnError::Encrypt(reason),
        e => e.into(),
    })
}

/// The signed plaintext of a return, before encryption.
pub fn sign(payload: &ReturnPayload, key: &VolunteerKey) -> Vec<u8> {
    let body = payload.to_canonical();
    let mut signed = format!(
        "signer {}\ncalls {}\ndeleted {}\n\n",
        BASE64.encode(&key.signer().to_bytes()),
        payload.calls.len(),
        payload.deleted.len()
    )
    .into_bytes();
    signed.extend_from_slice(&body);
    let signature = key.sign(SIGNATURE_CONTEXT, &signed);
    let mut out = format!(
        "{MAGIC}{RETURN_FORMAT}\nsignature {}\n",
        BASE64.encode(&signature)
    )
    .into_bytes();
    out.extend_from_slice(&signed);
    out
}

/// Decrypts a `.qlreturn` file with the coordinator's identity and checks
/// its signature. Never reads more than [`MAX_RETURN_BYTES`] of plaintext.
pub fn open(file: &[u8], identity: &CoordinatorIdentity) -> Result<SignedReturn, ReturnError> {
    let plaintext = identity
        .decrypt(file, MAX_RETURN_BYTES)
        .map_err(|e| match e {
            CryptoError::TooLarge => ReturnError::TooLarge,
            CryptoError::NotForThisKey => ReturnError::WrongCoordinator,
            CryptoError::NotEncrypted => ReturnError::NotAReturn,
            _ => ReturnError::Damaged,
        })?;
    read_signed(&plaintext)
}

/// Splits off one `\n`-terminated line of at most [`MAX_LINE_BYTES`].
fn line(bytes: &[u8]) -> Result<(&str, &[u8]), ReturnError> {
    let end = bytes
        .iter()
        .take(MAX_LINE_BYTES + 1)
        .position(|&b| b == b'\n')
        .ok_or(ReturnError::NotAReturn)?;
    let text = std::str::from_utf8(&bytes[..end]).map_err(|_| ReturnError::NotAReturn)?;
    Ok((text, &bytes[end + 1..]))
}

/// The value of a `name value` line.
fn field<'a>(text: &'a str, name: &str) -> Result<&'a str, ReturnError> {
    text.strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or(ReturnError::NotAReturn)
}

/// A count written in its one decimal spelling (no sign, no leading zero).
fn count(text: &str, max: usize) -> Result<usize, ReturnError> {
    let canonical = !text.is_empty()
        && text.len() <= 6
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(ReturnError::NotAReturn);
    }
    let n: usize = text.parse().map_err(|_| ReturnError::NotAReturn)?;
    if n > max {
        return Err(ReturnError::Invalid(format!(
            "it claims {n} records, more than the {max} a return may hold"
        )));
    }
    Ok(n)
}

fn fixed_base64<const N: usize>(text: &str) -> Result<[u8; N], ReturnError> {
    let bytes = BASE64
        .decode(text.as_bytes())
        .map_err(|_| ReturnError::NotAReturn)?;
    bytes.try_into().map_err(|_| ReturnError::NotAReturn)
}

/// Reads the signed plaintext of a return: the version, the signature (over
/// everything after it), then the counts, and only then the payload.
pub fn read_signed(plaintext: &[u8]) -> Result<SignedReturn, ReturnError> {
    let (first, rest) = line(plaintext)?;
    let version = first.strip_prefix(MAGIC).ok_or(ReturnError::NotAReturn)?;
    let version = count(version, usize::MAX)? as u64;
    if version > RETURN_FORMAT {
        return Err(ReturnError::UnsupportedVersion { found: version });
    }
    if version != RETURN_FORMAT {
        return Err(ReturnError::NotAReturn);
    }
    let (signature_line, signed) = line(rest)?;
    let signature: [u8; 64] = fixed_base64(field(signature_line, "signature")?)?;

    let (signer_line, rest) = line(signed)?;
    let signer_bytes: [u8; 32] = fixed_base64(field(signer_line, "signer")?)?;
    let signer = SignerKey::from_bytes(&signer_bytes).ok_or(ReturnError::BadSignature)?;
    let (calls_line, rest) = line(rest)?;
    let calls = count(field(calls_line, "calls")?, MAX_CALLS)?;
    let (deleted_line, rest) = line(rest)?;
    let deleted = count(field(deleted_line, "deleted")?, MAX_DELETED)?;
    let (blank, body) = line(rest)?;
    if !blank.is_empty() {
        return Err(ReturnError::NotAReturn);
    }
    let most = calls * MAX_CALL_BYTES + deleted * MAX_DELETION_BYTES + MAX_PAYLOAD_OVERHEAD;
    if body.len() > most {
        return Err(ReturnError::Invalid(
            "its content is larger than its counts allow".into(),
        ));
    }

    if !signer.verifies(SIGNATURE_CONTEXT, signed, &signature) {
        return Err(ReturnError::BadSignature);
    }

    let payload = ReturnPayload::from_canonical(body)?;
    if payload.calls.len() != calls || payload.deleted.len() != deleted {
        return Err(ReturnError::Invalid(
            "its counts do not match its content".into(),
        ));
    }
    Ok(SignedReturn { signer, payload })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::returns::payload::tests::payload;

    fn signed() -> (VolunteerKey, Vec<u8>) {
        let key = VolunteerKey::generate().unwrap();
        let bytes = sign(&payload(), &key);
        (key, bytes)
    }

    #[test]
    fn a_signed_return_reads_back_with_its_signer() {
        let (key, bytes) = signed();
        let read = read_signed(&bytes).unwrap();
        assert_eq!(read.signer, key.signer());
        assert_eq!(read.payload, payload());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("quietline-return 1\nsignature "), "{text}");
        assert!(text.contains("\ncalls 2\ndeleted 1\n\n{"), "{text}");
    }

    #[test]
    fn sealed_returns_open_only_for_their_coordinator() {
        let key = VolunteerKey::generate().unwrap();
        let coordinator = CoordinatorIdentity::generate();
        let file = seal(&payload(), &key, &coordinator.key()).unwrap();
        assert!(!file.windows(9).any(|w| w == b"Volunteer"));
        assert_eq!(open(&file, &coordinator).unwrap().payload, payload());
        let other = CoordinatorIdentity::generate();
        assert!(matches!(
            open(&file, &other),
            Err(ReturnError::WrongCoordinator)
        ));
    }

    #[test]
    fn any_changed_byte_after_the_signature_line_fails_the_signature() {
        let (_, bytes) = signed();
        let after_signature = bytes.iter().position(|&b| b == b'{').unwrap();
        let mut changed = bytes.clone();
        changed[after_signature + 20] ^= 0x01;
        assert!(matches!(
            read_signed(&changed),
            Err(ReturnError::BadSignature)
        ));
    }

    #[test]
    fn a_payload_re_signed_by_another_key_names_that_key() {
        let (key, _) = signed();
        let other = VolunteerKey::generate().unwrap();
        let read = read_signed(&sign(&payload(), &other)).unwrap();
        assert_ne!(read.signer, key.signer());
    }

    #[test]
    fn malformed_headers_are_not_returns_and_newer_versions_say_so() {
        let (_, bytes) = signed();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(matches!(
            read_signed(text.replacen("return 1", "return 2", 1).as_bytes()),
            Err(ReturnError::UnsupportedVersion { found: 2 })
        ));
        for bad in [
            text.replacen("return 1", "return 01", 1),
            text.replacen("return 1", "return 02", 1),
            text.replacen("return 1", "return +2", 1),
            text.replacen("return 1", "return 0", 1),
            text.replacen("signature ", "signature  ", 1),
            text.replacen("\ncalls 2", "\ncalls 02", 1),
            text.replacen("\n\n{", "\nx\n{", 1),
            String::new(),
            "quietline-return 1".into(),
        ] {
            assert!(
                matches!(read_signed(bad.as_bytes()), Err(ReturnError::NotAReturn)),
                "{bad:.60}"
            );
        }
    }

    #[test]
    fn counts_over_the_limits_are_refused_before_the_payload_is_read() {
        let (_, bytes) = signed();
        let text = String::from_utf8(bytes).unwrap();
        let many = text.replacen("\ncalls 2\n", "\ncalls 999999\n", 1);
        let e = read_signed(many.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("more than the {MAX_CALLS}")),
            "{e}"
        );
    }

    #[test]
    fn truncated_files_and_oversized_files_are_refused() {
        let key = VolunteerKey::generate().unwrap();
        let coordinator = CoordinatorIdentity::generate();
        let file = seal(&payload(), &key, &coordinator.key()).unwrap();
        for cut in [10, file.len() / 2, file.len() - 1] {
            let e = open(&file[..cut], &coordinator).unwrap_err();
            assert!(
                matches!(e, ReturnError::Damaged | ReturnError::NotAReturn),
                "{cut}: {e}"
            );
        }
        let huge = vec![0u8; MAX_RETURN_BYTES as usize + 1];
        assert!(matches!(
            open(&huge, &coordinator),
            Err(ReturnError::TooLarge)
        ));
    }
}
