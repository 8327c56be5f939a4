//! Tamper evidence: the record hash chain and the signed digest files.
//!
//! Every record line extends a chain: `chain = SHA-256(previous chain ‖ SHA-256(line))`,
//! starting from 32 zero bytes and running across files and restarts. Chaining the
//! line's hash rather than its bytes lets the writer read each line once (the digest
//! lists the same hash); digests of version 1, written before, chained the line bytes
//! (`SHA-256(previous chain ‖ line bytes)`) and still verify. A digest covers
//! the lines appended since the previous digest, all in one log file: it lists the
//! SHA-256 of each line, the chain value before and after them, and the SHA-256 of the
//! previous digest file, and is signed with the trail's Ed25519 key. A digest file is
//! two lines: the digest's JSON, then the base64 signature of exactly those JSON bytes.
use ring::digest::{digest, Context, SHA256};
use ring::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

pub const DIGEST_VERSION: u32 = 2;
/// The version whose chain ran over the line bytes.
pub const DIGEST_VERSION_LINE_CHAIN: u32 = 1;
pub const GENESIS: [u8; 32] = [0; 32];

/// The next chain value after a line whose SHA-256 is `line_hash` (digest version 2).
pub fn chain_next_hashed(previous: &[u8; 32], line_hash: &[u8; 32]) -> [u8; 32] {
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(previous);
    both[32..].copy_from_slice(line_hash);
    sha256(&both)
}

/// The next chain value after `line` under digest version 1.
pub fn chain_next(previous: &[u8; 32], line: &[u8]) -> [u8; 32] {
    let mut ctx = Context::new(&SHA256);
    ctx.update(previous);
    ctx.update(line);
    to_array(ctx.finish().as_ref())
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    to_array(digest(&SHA256, bytes).as_ref())
}

fn to_array(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    out
}

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn unhex32(text: &str) -> Option<[u8; 32]> {
    let v = unhex(text)?;
    (v.len() == 32).then(|| to_array(&v))
}

/// One digest: what a span of records looked like when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Digest {
    pub digest_version: u32,
    /// 1, 2, 3, ... without gaps.
    pub sequence: u64,
    pub digest_time: String,
    /// The key that signed it (`keys/<keyId>.pub`).
    pub key_id: String,
    /// Hex SHA-256 of the previous digest file's bytes; `None` for the first.
    pub previous_digest_hash: Option<String>,
    /// The chain value before the first line covered.
    pub previous_chain_hash: String,
    /// The chain value after the last line covered.
    pub chain_hash: String,
    /// The log file the lines are in (its name before compression).
    pub log_file: String,
    /// The index (from 0) of the first line covered within the log file.
    pub first_line: u64,
    /// Hex SHA-256 of each line covered, in order.
    pub line_hashes: Vec<String>,
    /// Written at start-up for lines a previous run wrote but had not yet digested
    /// before it stopped abruptly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recovered: bool,
}

/// The bytes of a digest file: the JSON, a newline, the signature, a newline.
pub fn encode_signed(digest: &Digest, key: &Ed25519KeyPair) -> Result<Vec<u8>, String> {
    let body = serde_json::to_vec(digest).map_err(|e| e.to_string())?;
    let signature = key.sign(&body);
    let mut out = body;
    out.push(b'\n');
    out.extend_from_slice(B64.encode(signature.as_ref()).as_bytes());
    out.push(b'\n');
    Ok(out)
}

/// A digest file taken apart: its digest, and whether `public_key` signed it.
pub struct Opened {
    pub digest: Digest,
    pub signature_valid: bool,
}

/// Parses a digest file; `public_key` (raw Ed25519) checks its signature.
pub fn open_signed(bytes: &[u8], public_key: Option<&[u8]>) -> Result<Opened, String> {
    let newline = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no signature line")?;
    let (body, rest) = bytes.split_at(newline);
    let signature_text = std::str::from_utf8(rest.get(1..).unwrap_or(&[]))
        .map_err(|_| "signature is not text")?
        .trim();
    let digest: Digest = serde_json::from_slice(body).map_err(|e| format!("not a digest: {e}"))?;
    let signature_valid = match (public_key, B64.decode(signature_text)) {
        (Some(key), Ok(signature)) => UnparsedPublicKey::new(&ED25519, key)
            .verify(body, &signature)
            .is_ok(),
        _ => false,
    };
    Ok(Opened {
        digest,
        signature_valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::KeyPair as _;

    #[test]
    fn signed_digests_verify_and_edits_do_not() {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let d = Digest {
            digest_version: DIGEST_VERSION,
            sequence: 1,
            digest_time: "2026-11-23T17:00:00Z".into(),
            key_id: "k".into(),
            previous_digest_hash: None,
            previous_chain_hash: hex(&GENESIS),
            chain_hash: hex(&chain_next_hashed(&GENESIS, &sha256(b"line"))),
            log_file: "log-00000001.jsonl".into(),
            first_line: 0,
            line_hashes: vec![hex(&sha256(b"line"))],
            recovered: false,
        };
        let bytes = encode_signed(&d, &key).unwrap();
        let public = key.public_key().as_ref().to_vec();
        let opened = open_signed(&bytes, Some(&public)).unwrap();
        assert!(opened.signature_valid);
        assert_eq!(opened.digest, d);
        let forged = String::from_utf8(bytes)
            .unwrap()
            .replace("\"sequence\":1", "\"sequence\":2");
        assert!(
            !open_signed(forged.as_bytes(), Some(&public))
                .unwrap()
                .signature_valid
        );
        assert_eq!(unhex32(&hex(&GENESIS)), Some(GENESIS));
    }
}
