//! Signing keys: derivation from a secret access key and a credential scope, and a cache
//! so that a server derives each key once per (access key, day, region, service).

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::RwLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::scope::Scope;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so construction cannot fail; the fallback keeps
    // this path free of panics all the same.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// A SigV4 signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request")`. Zeroized on drop and never printed.
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SigningKey {
    /// Derives the key for `scope` from a secret access key.
    pub fn derive(secret_access_key: &[u8], scope: &Scope) -> Self {
        Self::derive_parts(
            secret_access_key,
            scope.date(),
            scope.region(),
            scope.service(),
        )
    }

    /// Derives the key from the scope's parts.
    pub fn derive_parts(secret_access_key: &[u8], date: &str, region: &str, service: &str) -> Self {
        let mut seed = Vec::with_capacity(4 + secret_access_key.len());
        seed.extend_from_slice(b"AWS4");
        seed.extend_from_slice(secret_access_key);
        let mut k = hmac(&seed, date.as_bytes());
        seed.zeroize();
        k = hmac(&k, region.as_bytes());
        k = hmac(&k, service.as_bytes());
        k = hmac(&k, b"aws4_request");
        Self(k)
    }

    /// The signature of `string_to_sign`: HMAC-SHA256 under this key.
    pub fn sign(&self, string_to_sign: &[u8]) -> [u8; 32] {
        hmac(&self.0, string_to_sign)
    }

    /// A MAC keyed with this key, to sign a message fed in pieces. HMAC takes keys of
    /// every length, so this is always `Some`.
    pub(crate) fn mac(&self) -> Option<HmacSha256> {
        HmacSha256::new_from_slice(&self.0).ok()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

/// A bounded, thread-safe cache of signing keys keyed by the credential string
/// `AKID/DATE/REGION/SERVICE/aws4_request`, so a lookup needs no allocation.
///
/// A key changes only when the day does, so a server that verifies thousands of requests
/// per second derives each key once a day per access key and region. Entries must be
/// dropped with [`invalidate_access_key`](Self::invalidate_access_key) when a key is
/// deleted; a secret never changes for a given access key id.
pub struct SigningKeyCache {
    shards: Vec<RwLock<HashMap<Box<str>, SigningKey>>>,
    per_shard_capacity: usize,
    hasher: std::collections::hash_map::RandomState,
}

const SHARDS: usize = 16;

impl SigningKeyCache {
    /// A cache holding about `capacity` keys; a full shard is emptied before it grows
    /// past its share, which costs only re-derivations.
    pub fn new(capacity: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            per_shard_capacity: capacity.div_ceil(SHARDS).max(1),
            hasher: Default::default(),
        }
    }

    fn shard(&self, credential: &str) -> Option<&RwLock<HashMap<Box<str>, SigningKey>>> {
        let h = self.hasher.hash_one(credential);
        self.shards.get((h % SHARDS as u64) as usize)
    }

    /// The cached key for `credential` (as [`crate::ParsedAuth::credential`] gives it).
    pub fn get(&self, credential: &str) -> Option<SigningKey> {
        let shard = self.shard(credential)?;
        let map = shard.read().unwrap_or_else(|p| p.into_inner());
        map.get(credential).cloned()
    }

    /// The cached key for `credential`, or derives it from `secret` and caches it.
    pub fn get_or_derive(&self, credential: &str, scope: &Scope, secret: &[u8]) -> SigningKey {
        if let Some(k) = self.get(credential) {
            return k;
        }
        let key = SigningKey::derive(secret, scope);
        if let Some(shard) = self.shard(credential) {
            let mut map = shard.write().unwrap_or_else(|p| p.into_inner());
            if map.len() >= self.per_shard_capacity {
                map.clear();
            }
            map.insert(credential.into(), key.clone());
        }
        key
    }

    /// Drops every cached key of `access_key_id` (on key deletion).
    pub fn invalidate_access_key(&self, access_key_id: &str) {
        for shard in &self.shards {
            let mut map = shard.write().unwrap_or_else(|p| p.into_inner());
            map.retain(|k, _| k.split('/').next() != Some(access_key_id));
        }
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn derives_the_documented_example_key() {
        // The example in AWS's SigV4 documentation.
        let k = SigningKey::derive_parts(
            b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex(&k.0),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
        assert_eq!(format!("{k:?}"), "SigningKey([redacted])");
    }

    #[test]
    fn cache_derives_once_and_invalidates() {
        let cache = SigningKeyCache::new(4);
        let scope = Scope::parse("20150830/us-east-1/iam/aws4_request").unwrap();
        let cred = "AKID/20150830/us-east-1/iam/aws4_request";
        assert!(cache.get(cred).is_none());
        let k1 = cache.get_or_derive(cred, &scope, b"secret");
        let k2 = cache.get_or_derive(cred, &scope, b"other secret is ignored once cached");
        assert_eq!(k1.0, k2.0);
        assert_eq!(cache.len(), 1);
        cache.invalidate_access_key("AKID");
        assert!(cache.is_empty());
    }

    #[test]
    fn cache_stays_bounded() {
        let cache = SigningKeyCache::new(32);
        let scope = Scope::parse("20150830/us-east-1/iam/aws4_request").unwrap();
        for i in 0..1000 {
            cache.get_or_derive(
                &format!("AKID{i}/20150830/us-east-1/iam/aws4_request"),
                &scope,
                b"s",
            );
        }
        assert!(cache.len() <= 32, "{}", cache.len());
    }
}
