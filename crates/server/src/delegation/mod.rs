//! Temporary delegation: what the delegation-request operations (`ops/delegation_requests.rs`)
//! and `GetDelegatedAccessToken` (`ops/sts_delegated_access.rs`) share: rendering the
//! partner's policy template ([`template`]), notifying the partner ([`notify`]), the
//! request's lifetimes, and the exchange token.
pub mod notify;
pub mod permission_check;
pub mod template;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use rand::RngCore;

/// How long a request waits in each state before it expires, and how long a rejected
/// one stays readable (AWS: rejected requests expire after 7 days).
pub const PENDING_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// A new delegation request id: `dr-` and 32 lowercase hex digits (`[\w-]+`, 16 to 128
/// characters).
pub fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("dr-{hex}")
}

/// A new exchange token: 256 random bits. Only its hash is stored.
pub fn new_exchange_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("iamd-dt-{}", B64URL.encode(bytes))
}

/// The SHA-256 (hex) an exchange token is found by.
pub fn token_hash(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_tokens_have_their_shapes() {
        let id = new_request_id();
        assert_eq!(id.len(), 35);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        let token = new_exchange_token();
        assert_ne!(token, new_exchange_token());
        assert_eq!(token_hash(&token).len(), 64);
        assert_eq!(token_hash(&token), token_hash(&token));
    }
}
