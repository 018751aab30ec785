//! The `.qlprofile` file: a plain-text header, then the canonical payload.
//!
//! ```text
//! quietline-profile 1\n
//! signature <base64 of 64 bytes>\n
//! signer <base64 of 32 bytes>\n
//! bytes <N>\n
//! \n
//! <payload: N bytes of canonical JSON>
//! ```
//!
//! The signature is Ed25519 over `quietline-profile 1 signature\n` followed
//! by every byte after the signature line, so the signer and the length are
//! signed with the payload. The file is read from the outside in and stops
//! at the first failure: its size, the header lines, the length, the
//! signature, and only then the JSON and its rules. The signing itself is
//! [`crate::crypto`]'s; this module only lays out the lines around it.

use data_encoding::BASE64;

use super::content::Profile;
use super::{MAX_PROFILE_BYTES, PROFILE_FORMAT, ProfileError};
use crate::crypto::{SignerKey, VolunteerKey};
use crate::themes::ThemeCatalogue;

/// Header lines are short; a longer one means this is not a profile.
const MAX_LINE_BYTES: usize = 128;
/// The longest number a header line holds (the payload's length).
const MAX_DIGITS: usize = 7;

const MAGIC: &str = "quietline-profile ";
/// Names what is signed, so a signature over a profile never verifies as a
/// return's, or the other way round.
const SIGNATURE_CONTEXT: &[u8] = b"quietline-profile 1 signature\n";

/// A profile whose signature and every rule have been checked; whether its
/// signer is the coordinator this store trusts is the caller's decision.
#[derive(Debug, Clone)]
pub struct SignedProfile {
    pub signer: SignerKey,
    pub profile: Profile,
    /// The profile's theme lists, checked as one chain of versions.
    pub themes: ThemeCatalogue,
}

/// Signs `profile` with the coordinator store's key: the bytes of a
/// `.qlprofile` file. It does not check the profile; a caller about to
/// hand it out runs [`Profile::check`] first.
pub fn sign(profile: &Profile, key: &VolunteerKey) -> Vec<u8> {
    sign_payload(&profile.to_canonical(), key)
}

/// The file for payload bytes as they are (tests sign other spellings).
fn sign_payload(payload: &[u8], key: &VolunteerKey) -> Vec<u8> {
    let mut signed = format!(
        "signer {}\nbytes {}\n\n",
        BASE64.encode(&key.signer().to_bytes()),
        payload.len()
    )
    .into_bytes();
    signed.extend_from_slice(payload);
    let signature = key.sign(SIGNATURE_CONTEXT, &signed);
    let mut out = format!(
        "{MAGIC}{PROFILE_FORMAT}\nsignature {}\n",
        BASE64.encode(&signature)
    )
    .into_bytes();
    out.extend_from_slice(&signed);
    out
}

/// Splits off one `\n`-terminated line of at most [`MAX_LINE_BYTES`].
fn line(bytes: &[u8]) -> Result<(&str, &[u8]), ProfileError> {
    let end = bytes
        .iter()
        .take(MAX_LINE_BYTES + 1)
        .position(|&b| b == b'\n')
        .ok_or(ProfileError::NotAProfile)?;
    let text = std::str::from_utf8(&bytes[..end]).map_err(|_| ProfileError::NotAProfile)?;
    Ok((text, &bytes[end + 1..]))
}

/// The value of a `name value` line.
fn field<'a>(text: &'a str, name: &str) -> Result<&'a str, ProfileError> {
    text.strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or(ProfileError::NotAProfile)
}

/// A number written in its one decimal spelling (no sign, no leading zero).
fn number(text: &str) -> Result<usize, ProfileError> {
    let canonical = !text.is_empty()
        && text.len() <= MAX_DIGITS
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(ProfileError::NotAProfile);
    }
    text.parse().map_err(|_| ProfileError::NotAProfile)
}

/// Exactly `N` bytes in padded standard base64, in its one spelling.
fn fixed_base64<const N: usize>(text: &str) -> Result<[u8; N], ProfileError> {
    let bytes = BASE64
        .decode(text.as_bytes())
        .map_err(|_| ProfileError::NotAProfile)?;
    bytes.try_into().map_err(|_| ProfileError::NotAProfile)
}

/// Reads a `.qlprofile` file: its size, the header, the payload's length,
/// the signature, and only then the canonical JSON and every rule of it.
pub fn read(file: &[u8]) -> Result<SignedProfile, ProfileError> {
    if file.len() > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge);
    }
    let (first, rest) = line(file)?;
    let format = number(first.strip_prefix(MAGIC).ok_or(ProfileError::NotAProfile)?)? as u64;
    if format > u64::from(PROFILE_FORMAT) {
        return Err(ProfileError::UnsupportedFormat { found: format });
    }
    if format != u64::from(PROFILE_FORMAT) {
        return Err(ProfileError::NotAProfile);
    }
    let (signature_line, signed) = line(rest)?;
    let signature: [u8; 64] = fixed_base64(field(signature_line, "signature")?)?;
    let (signer_line, rest) = line(signed)?;
    let signer_bytes: [u8; 32] = fixed_base64(field(signer_line, "signer")?)?;
    let (length_line, rest) = line(rest)?;
    let length = number(field(length_line, "bytes")?)?;
    let (blank, payload) = line(rest)?;
    if !blank.is_empty() {
        return Err(ProfileError::NotAProfile);
    }
    if payload.len() != length {
        return Err(ProfileError::WrongLength);
    }

    // Not a usable Ed25519 key: nothing it "signed" can verify.
    let signer = SignerKey::from_bytes(&signer_bytes).ok_or(ProfileError::BadSignature)?;
    if !signer.verifies(SIGNATURE_CONTEXT, signed, &signature) {
        return Err(ProfileError::BadSignature);
    }

    let profile = Profile::from_canonical(payload)?;
    let themes = profile.check()?;
    Ok(SignedProfile {
        signer,
        profile,
        themes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::content::tests::profile;
    use crate::returns::PUBLISHED_TEST_KEY;

    fn signed() -> (VolunteerKey, Vec<u8>) {
        let key = VolunteerKey::generate().unwrap();
        let bytes = sign(&profile(), &key);
        (key, bytes)
    }

    /// Where the payload starts: after the blank line ending the header.
    fn payload_at(bytes: &[u8]) -> usize {
        bytes.windows(2).position(|w| w == b"\n\n").unwrap() + 2
    }

    fn refused(bytes: &[u8]) -> ProfileError {
        read(bytes).map(|_| ()).unwrap_err()
    }

    #[test]
    fn a_signed_profile_reads_back_with_its_signer_and_themes() {
        let key = VolunteerKey::generate().unwrap();
        let p = profile();
        let bytes = sign(&p, &key);
        let read = read(&bytes).unwrap();
        assert_eq!(read.profile, p);
        assert_eq!(read.signer, key.signer());
        assert_eq!(read.themes, p.check().unwrap());
        // The fingerprint a volunteer compares is the signing store's, and
        // the same however often the profile is signed or read.
        let again = super::read(&sign(&p, &key)).unwrap();
        assert_eq!(again.signer.fingerprint(), key.signer().fingerprint());
        assert_eq!(read.signer.fingerprint(), again.signer.fingerprint());

        let text = String::from_utf8(bytes).unwrap();
        let payload = String::from_utf8(p.to_canonical()).unwrap();
        assert!(
            text.starts_with("quietline-profile 1\nsignature "),
            "{text:.60}"
        );
        assert!(
            text.contains(&format!("\nbytes {}\n\n{{\"format\":1,", payload.len())),
            "{text:.300}"
        );
        assert!(text.ends_with(&payload));
    }

    #[test]
    fn a_changed_payload_byte_fails_the_signature() {
        let (_, bytes) = signed();
        let at = payload_at(&bytes);
        for offset in [0, 20, bytes.len() - at - 1] {
            let mut changed = bytes.clone();
            changed[at + offset] ^= 0x01;
            assert!(
                matches!(refused(&changed), ProfileError::BadSignature),
                "{offset}"
            );
        }
    }

    #[test]
    fn a_changed_header_is_refused() {
        let (_, bytes) = signed();
        let text = String::from_utf8(bytes.clone()).unwrap();
        // One bit of the signature, or of the signer's key.
        for at in [
            text.find("signature ").unwrap() + 12,
            text.find("signer ").unwrap() + 9,
        ] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x01;
            let e = refused(&changed);
            assert!(
                matches!(e, ProfileError::BadSignature | ProfileError::NotAProfile),
                "{at}: {e}"
            );
        }
        assert!(matches!(
            refused(text.replacen("profile 1", "profile 2", 1).as_bytes()),
            ProfileError::UnsupportedFormat { found: 2 }
        ));
        for bad in [
            text.replacen("profile 1", "profile 01", 1),
            text.replacen("profile 1", "profile 0", 1),
            text.replacen("profile 1", "profile +1", 1),
            text.replacen("quietline-profile", "quietline-return", 1),
            text.replacen("signature ", "signature  ", 1),
            text.replacen("\nbytes ", "\nbytes 0", 1),
            text.replacen("\nbytes ", "\nbytes -", 1),
            text.replacen("\nbytes ", "\nlength ", 1),
            text.replacen("\n\n{", "\nnote x\n\n{", 1),
            text.replacen("\n\n{", "\n{", 1),
            String::new(),
            "quietline-profile 1".into(),
            format!("quietline-profile 1\nsignature {}\n", "A".repeat(200)),
        ] {
            assert!(
                matches!(refused(bad.as_bytes()), ProfileError::NotAProfile),
                "{bad:.80}"
            );
        }
    }

    #[test]
    fn a_truncated_or_padded_file_is_refused() {
        let (_, bytes) = signed();
        let at = payload_at(&bytes);
        for cut in [at, at + 1, (at + bytes.len()) / 2, bytes.len() - 1] {
            assert!(
                matches!(refused(&bytes[..cut]), ProfileError::WrongLength),
                "{cut}"
            );
        }
        for cut in [0, 10, at - 1] {
            assert!(
                matches!(refused(&bytes[..cut]), ProfileError::NotAProfile),
                "{cut}"
            );
        }
        for extra in [&b"\n"[..], b" ", b"{}"] {
            let mut longer = bytes.clone();
            longer.extend_from_slice(extra);
            assert!(matches!(refused(&longer), ProfileError::WrongLength));
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_parsed() {
        let (_, bytes) = signed();
        let mut huge = bytes.clone();
        huge.resize(MAX_PROFILE_BYTES + 1, b' ');
        assert!(matches!(refused(&huge), ProfileError::TooLarge));
        let nonsense = vec![0xff; MAX_PROFILE_BYTES + 1];
        let e = refused(&nonsense);
        assert!(matches!(e, ProfileError::TooLarge), "{e}");
        assert!(e.to_string().contains("1 MB"), "{e}");
        // At the limit the file is read (and refused only for its length).
        huge.truncate(MAX_PROFILE_BYTES);
        assert!(matches!(refused(&huge), ProfileError::WrongLength));
    }

    #[test]
    fn a_profile_signed_by_one_key_and_named_as_another_fails_the_signature() {
        let (_, bytes) = signed();
        let other = VolunteerKey::generate().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let line = text.lines().find(|l| l.starts_with("signer ")).unwrap();
        let swapped = text.replacen(
            line,
            &format!("signer {}", BASE64.encode(&other.signer().to_bytes())),
            1,
        );
        assert_ne!(swapped, text);
        let e = refused(swapped.as_bytes());
        assert!(matches!(e, ProfileError::BadSignature), "{e}");
        assert!(e.to_string().contains("fresh copy"), "{e}");
    }

    #[test]
    fn another_spelling_of_the_payload_is_refused_even_when_signed() {
        let key = VolunteerKey::generate().unwrap();
        let text = String::from_utf8(profile().to_canonical()).unwrap();
        for other in [text.replacen(':', ": ", 1), format!("{text}\n")] {
            let e = refused(&sign_payload(other.as_bytes(), &key));
            assert!(matches!(e, ProfileError::Invalid(_)), "{e}");
        }
        let extra = text.replacen('{', r#"{"notes":"x","#, 1);
        let e = refused(&sign_payload(extra.as_bytes(), &key));
        assert!(matches!(e, ProfileError::Invalid(_)), "{e}");
        let newer = text.replacen(r#""format":1"#, r#""format":2"#, 1);
        let e = refused(&sign_payload(newer.as_bytes(), &key));
        assert!(
            matches!(e, ProfileError::UnsupportedFormat { found: 2 }),
            "{e}"
        );
    }

    #[test]
    fn a_signed_profile_breaking_a_rule_is_refused() {
        let key = VolunteerKey::generate().unwrap();
        type Change = fn(&mut Profile);
        let cases: [(&str, Change); 5] = [
            ("time zone", |p| p.time_zone = "Europe/Atlantis".into()),
            ("signposting", |p| {
                p.signposting = vec![p.signposting[0].clone(); 31];
            }),
            ("hides counts", |p| p.suppress_below = 101),
            ("name is missing", |p| p.helpline = String::new()),
            ("theme lists", |p| p.theme_lists[1].crosswalk.clear()),
        ];
        for (expected, change) in cases {
            let mut p = profile();
            change(&mut p);
            let e = refused(&sign(&p, &key));
            assert!(matches!(e, ProfileError::Invalid(_)), "{expected}: {e}");
            assert!(e.to_string().contains(expected), "{expected}: {e}");
        }
        let mut p = profile();
        p.return_key = PUBLISHED_TEST_KEY.into();
        assert!(matches!(refused(&sign(&p, &key)), ProfileError::TestKey));
    }
}
