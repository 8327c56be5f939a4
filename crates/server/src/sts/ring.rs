//! The rotating key ring that seals session tokens (and encoded authorization
//! messages) with AES-256-GCM.
//!
//! Keys live in the store, sealed with the master key, so every iamd node sharing the
//! store opens every token. Each node keeps the keys in memory: sealing uses the newest
//! key, opening looks the token's key id up, and only an unknown key id (a key another
//! node just added) sends it back to the store, at most once per second. A new key is
//! made when the newest one is older than [`ROTATE_AFTER`]; keys older than
//! [`RETAIN`] are retired, which outlives the longest session (36 hours).
//!
//! Sealed form: format byte, key id (4 bytes, big-endian), 96-bit nonce, ciphertext and
//! tag. The format byte, key id and a purpose label are the associated data, so a
//! token cannot be re-labelled to another key or passed off as another kind of blob.
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use store::{SessionKey, Store, Timestamp};
use zeroize::Zeroize;

use crate::error::{ApiError, ApiResult};

/// A new key is made once the newest is this old.
pub const ROTATE_AFTER: Duration = Duration::from_secs(24 * 3600);
/// Keys are kept this long: a token sealed just before rotation outlives it by the
/// longest session (36 h), with a day to spare.
pub const RETAIN: Duration = Duration::from_secs(24 * 3600 + 36 * 3600 + 24 * 3600);
/// How often an unknown key id may send a node back to the store.
const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

const SEALED_V1: u8 = 1;
const HEADER_LEN: usize = 1 + 4;
const TAG_LEN: usize = 16;

/// What a sealed blob is for; part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SessionToken,
    AuthorizationMessage,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::SessionToken => b"iamd-session-token",
            Purpose::AuthorizationMessage => b"iamd-authorization-message",
        }
    }
}

/// Why a blob did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Not our format, tampered with, or sealed by a key this ring never had or retired.
    Invalid,
    /// The store could not be read to look for the key.
    Unavailable,
}

struct RingKey {
    key_id: u32,
    created: Timestamp,
    key: LessSafeKey,
}

impl RingKey {
    fn new(stored: &SessionKey) -> Option<RingKey> {
        let unbound = UnboundKey::new(&AES_256_GCM, &stored.secret).ok()?;
        Some(RingKey {
            key_id: stored.key_id,
            created: stored.created,
            key: LessSafeKey::new(unbound),
        })
    }
}

#[derive(Default)]
struct Keys {
    /// Oldest first; the last is the sealing key.
    keys: Vec<Arc<RingKey>>,
    loaded: Option<Instant>,
}

pub struct KeyRing {
    store: Arc<dyn Store>,
    keys: RwLock<Keys>,
    /// Serialises loading and rotation so that concurrent requests do not all go to the
    /// store (or all add a key) at once.
    refresh: tokio::sync::Mutex<()>,
    rng: SystemRandom,
}

impl KeyRing {
    pub fn new(store: Arc<dyn Store>) -> Self {
        KeyRing {
            store,
            keys: RwLock::new(Keys::default()),
            refresh: tokio::sync::Mutex::new(()),
            rng: SystemRandom::new(),
        }
    }

    /// Seals `plaintext` under the newest key, rotating first when it is due.
    pub async fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> ApiResult<Vec<u8>> {
        let key = self.sealing_key().await?;
        let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(SEALED_V1);
        out.extend_from_slice(&key.key_id.to_be_bytes());
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| ApiError::service_failure("no randomness for a nonce"))?;
        out.extend_from_slice(&nonce);
        let aad = associated_data(purpose, &out[..HEADER_LEN]);
        let mut buf = plaintext.to_vec();
        key.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| ApiError::service_failure("sealing a token failed"))?;
        out.extend_from_slice(&buf);
        buf.zeroize();
        Ok(out)
    }

    /// Opens what [`KeyRing::seal`] produced for the same purpose.
    pub async fn open(&self, purpose: Purpose, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || sealed.first() != Some(&SEALED_V1) {
            return Err(OpenError::Invalid);
        }
        let (header, rest) = sealed.split_at(HEADER_LEN);
        let key_id = header
            .get(1..5)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
            .ok_or(OpenError::Invalid)?;
        let key = match self.find(key_id) {
            Some(key) => key,
            None => self.reload_for(key_id).await?.ok_or(OpenError::Invalid)?,
        };
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError::Invalid)?;
        let mut buf = ciphertext.to_vec();
        let len = key
            .key
            .open_in_place(nonce, Aad::from(associated_data(purpose, header)), &mut buf)
            .map_err(|_| OpenError::Invalid)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }

    /// Makes sure a key to seal with is in memory (loading the ring, or adding its first
    /// key, when needed): what `/ready` checks.
    pub async fn ensure_loaded(&self) -> ApiResult<()> {
        self.sealing_key().await.map(|_| ())
    }

    fn find(&self, key_id: u32) -> Option<Arc<RingKey>> {
        let keys = self.keys.read().ok()?;
        keys.keys.iter().find(|k| k.key_id == key_id).cloned()
    }

    fn newest(&self) -> Option<Arc<RingKey>> {
        self.keys.read().ok()?.keys.last().cloned()
    }

    /// The newest key if it is young enough to seal with.
    fn fresh_key(&self, now: Timestamp) -> Option<Arc<RingKey>> {
        self.newest()
            .filter(|k| now.millis() - k.created.millis() < duration_ms(ROTATE_AFTER))
    }

    async fn sealing_key(&self) -> ApiResult<Arc<RingKey>> {
        if let Some(key) = self.fresh_key(Timestamp::now()) {
            return Ok(key);
        }
        let _guard = self.refresh.lock().await;
        // Another request may have loaded or rotated meanwhile; another node may have
        // added a key to the store.
        if let Some(key) = self.fresh_key(Timestamp::now()) {
            return Ok(key);
        }
        self.load().await?;
        let now = Timestamp::now();
        if let Some(key) = self.fresh_key(now) {
            return Ok(key);
        }
        let retire_before = Timestamp(now.millis() - duration_ms(RETAIN));
        self.store.add_session_key(retire_before).await?;
        self.load().await?;
        self.newest()
            .ok_or_else(|| ApiError::service_failure("the session key ring is empty"))
    }

    /// Reads every key from the store into memory.
    async fn load(&self) -> ApiResult<()> {
        let stored = self.store.session_keys().await?;
        let keys: Vec<Arc<RingKey>> = stored
            .iter()
            .filter_map(RingKey::new)
            .map(Arc::new)
            .collect();
        if let Ok(mut slot) = self.keys.write() {
            slot.keys = keys;
            slot.loaded = Some(Instant::now());
        }
        Ok(())
    }

    /// Looks for a key this node does not know yet, at most once per
    /// [`RELOAD_INTERVAL`], so a flood of forged key ids costs no SQL.
    async fn reload_for(&self, key_id: u32) -> Result<Option<Arc<RingKey>>, OpenError> {
        let _guard = self.refresh.lock().await;
        if let Some(key) = self.find(key_id) {
            return Ok(Some(key));
        }
        let recently = self
            .keys
            .read()
            .ok()
            .and_then(|k| k.loaded)
            .is_some_and(|at| at.elapsed() < RELOAD_INTERVAL);
        if recently {
            return Ok(None);
        }
        self.load().await.map_err(|_| OpenError::Unavailable)?;
        Ok(self.find(key_id))
    }
}

fn associated_data(purpose: Purpose, header: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + 32);
    aad.extend_from_slice(header);
    aad.extend_from_slice(purpose.label());
    aad
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{MasterKey, SqliteStore};

    fn store(dir: &std::path::Path, key: &[u8]) -> Arc<dyn Store> {
        Arc::new(SqliteStore::open(dir, MasterKey::from_bytes(key).unwrap()).unwrap())
    }

    #[tokio::test]
    async fn seals_and_opens_across_nodes_and_refuses_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let master = [7u8; 32];
        let shared = store(dir.path(), &master);
        let one = KeyRing::new(shared.clone());
        let sealed = one.seal(Purpose::SessionToken, b"claims").await.unwrap();
        assert_eq!(
            one.open(Purpose::SessionToken, &sealed).await.unwrap(),
            b"claims"
        );
        // A second node sharing the store finds the key on first sight.
        let two = KeyRing::new(shared);
        assert_eq!(
            two.open(Purpose::SessionToken, &sealed).await.unwrap(),
            b"claims"
        );
        // Another purpose, a flipped bit anywhere, a truncation: refused.
        assert_eq!(
            two.open(Purpose::AuthorizationMessage, &sealed).await,
            Err(OpenError::Invalid)
        );
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                two.open(Purpose::SessionToken, &bad).await,
                Err(OpenError::Invalid),
                "bit flip at {i}"
            );
        }
        assert_eq!(
            two.open(Purpose::SessionToken, &sealed[..sealed.len() - 1])
                .await,
            Err(OpenError::Invalid)
        );
        // A ring over another store (another deployment) cannot open it.
        let other_dir = tempfile::tempdir().unwrap();
        let foreign = KeyRing::new(store(other_dir.path(), &master));
        foreign.seal(Purpose::SessionToken, b"x").await.unwrap();
        assert_eq!(
            foreign.open(Purpose::SessionToken, &sealed).await,
            Err(OpenError::Invalid)
        );
    }
}
