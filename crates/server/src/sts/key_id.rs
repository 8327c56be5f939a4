//! Temporary access key ids, which name their account as AWS's do.
//!
//! After the four-letter prefix, an AWS access key id is base32 (`A-Z2-7`); its first
//! six decoded bytes hold the account id in bits 7–46. `GetAccessKeyInfo` reads the
//! account back from any key id this way, so a temporary key id needs no lookup.
use rand::Rng;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The bits of the first six bytes that hold the account id.
const ACCOUNT_MASK: u64 = 0x7fff_ffff_ff80;

/// A new `ASIA…` key id (20 characters) for `account_id`.
pub fn temporary_key_id(account_id: &str) -> String {
    let account: u64 = account_id.parse().unwrap_or(0);
    let mut rng = rand::thread_rng();
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes[..]);
    let noise = u64::from(bytes[0] & 0x80) << 40 | u64::from(bytes[5] & 0x7f);
    let head = (account << 7) & ACCOUNT_MASK | noise;
    for (i, b) in head.to_be_bytes()[2..].iter().enumerate() {
        if let Some(slot) = bytes.get_mut(i) {
            *slot = *b;
        }
    }
    format!("ASIA{}", encode_base32(&bytes))
}

/// The account id an access key id names, or `None` when it is not of AWS's shape.
pub fn account_of_key_id(key_id: &str) -> Option<String> {
    let body = key_id.get(4..)?;
    if key_id.len() != 20 || !key_id.is_ascii() {
        return None;
    }
    let bytes = decode_base32(body)?;
    let mut head = [0u8; 8];
    head.get_mut(2..)?.copy_from_slice(bytes.get(..6)?);
    let account = (u64::from_be_bytes(head) & ACCOUNT_MASK) >> 7;
    Some(format!("{account:012}"))
}

fn encode_base32(bytes: &[u8; 10]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = bits << 8 | u128::from(*b);
    }
    (0..16)
        .rev()
        .map(|i| {
            let index = ((bits >> (i * 5)) & 0x1f) as usize;
            BASE32.get(index).copied().map(char::from).unwrap_or('A')
        })
        .collect()
}

fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let mut bits: u128 = 0;
    for c in text.bytes() {
        let value = BASE32.iter().position(|&a| a == c)?;
        bits = bits << 5 | value as u128;
    }
    let total = text.len() * 5;
    let bytes = total / 8;
    let bits = bits >> (total - bytes * 8);
    Some((0..bytes).rev().map(|i| (bits >> (i * 8)) as u8).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_key_ids_name_their_account() {
        for account in ["123456789012", "000000000001", "999999999999"] {
            let id = temporary_key_id(account);
            assert_eq!(id.len(), 20);
            assert!(id.starts_with("ASIA"));
            assert!(id[4..].bytes().all(|b| BASE32.contains(&b)));
            assert_eq!(account_of_key_id(&id).as_deref(), Some(account));
        }
    }

    #[test]
    fn account_of_an_aws_published_key_id() {
        // A temporary key id published with its account (GetAccessKeyInfo answers the
        // same); malformed ids decode to nothing.
        assert_eq!(
            account_of_key_id("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
        assert_eq!(account_of_key_id("ASIA"), None);
        assert_eq!(account_of_key_id("ASIA111111111111111!"), None);
    }
}
