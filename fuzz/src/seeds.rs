//! What both seed generators share: writing a seed, and the damaged and
//! edited variants of a valid file that a parser must refuse. Included by
//! `gen_seeds` and `gen_profile_seeds` as a module of their own.

use std::path::Path;

pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("the seed is written");
}

/// Variants of `bytes` that must not be accepted as they are: cut short,
/// one bit flipped at each of `flips` (where inside the bytes), and one
/// byte added at the end.
pub fn malformed(bytes: &[u8], flips: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let len = bytes.len();
    for cut in [0, 1, len / 3, len / 2, len.saturating_sub(1)] {
        out.push(bytes[..cut.min(len)].to_vec());
    }
    for &at in flips {
        if at < len {
            let mut flipped = bytes.to_vec();
            flipped[at] ^= 0x01;
            out.push(flipped);
        }
    }
    let mut extra = bytes.to_vec();
    extra.push(b'\n');
    out.push(extra);
    out
}

/// Textual changes to a file or a payload, each applied once on its own.
pub fn replaced(bytes: &[u8], changes: &[(&str, &str)]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    changes
        .iter()
        .filter(|(from, _)| text.contains(from))
        .map(|(from, to)| text.replacen(from, to, 1).into_bytes())
        .collect()
}
