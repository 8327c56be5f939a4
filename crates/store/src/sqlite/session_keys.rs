//! The key ring that seals STS session tokens: random 256-bit keys, each sealed with the
//! master key (bound to its key id) before it reaches the database.
use async_trait::async_trait;
use rand::RngCore;
use rusqlite::params;
use zeroize::Zeroizing;

use super::SqliteStore;
use crate::api::{SessionKey, SessionKeyStore, SESSION_KEY_LEN};
use crate::error::{StoreError, StoreResult};
use crate::time::Timestamp;

/// The associated data a ring key is sealed with: its purpose and its id, so a sealed
/// key copied to another row or another table does not open.
fn seal_context(key_id: u32) -> Vec<u8> {
    format!("iamd-session-key/{key_id:08x}").into_bytes()
}

#[async_trait]
impl SessionKeyStore for SqliteStore {
    async fn session_keys(&self) -> StoreResult<Vec<SessionKey>> {
        let rows: Vec<(u32, i64, Vec<u8>)> = self.read(|conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT key_id, created_ms, sealed FROM session_keys ORDER BY created_ms, key_id",
                )?
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows
                .into_iter()
                .map(|(id, created, sealed)| (id as u32, created, sealed))
                .collect())
        })?;
        rows.into_iter()
            .map(|(key_id, created, sealed)| {
                let secret = self.key().open(&seal_context(key_id), &sealed)?;
                Ok(SessionKey {
                    key_id,
                    created: Timestamp(created),
                    secret,
                })
            })
            .collect()
    }

    async fn add_session_key(&self, retire_before: Timestamp) -> StoreResult<SessionKey> {
        let mut secret = Zeroizing::new(vec![0u8; SESSION_KEY_LEN]);
        let key_id = {
            let mut rng = rand::thread_rng();
            rng.fill_bytes(&mut secret);
            // Zero is reserved so that a token's key id is never the default value.
            rng.next_u32().max(1)
        };
        let sealed = self.key().seal(&seal_context(key_id), &secret)?;
        let created = self
            .write(move |ctx| {
                ctx.conn
                    .prepare_cached("DELETE FROM session_keys WHERE created_ms < ?1")?
                    .execute([retire_before.millis()])?;
                let inserted = ctx
                    .conn
                    .prepare_cached(
                        "INSERT OR IGNORE INTO session_keys (key_id, created_ms, sealed) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![i64::from(key_id), ctx.now.millis(), sealed])?;
                if inserted == 0 {
                    return Err(StoreError::service_failure(
                        "a session key id collided; try again",
                    ));
                }
                Ok(ctx.now)
            })
            .await?;
        Ok(SessionKey {
            key_id,
            created,
            secret,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::api::SessionKeyStore;
    use crate::secret::MasterKey;
    use crate::time::Timestamp;
    use crate::SqliteStore;

    #[tokio::test]
    async fn keys_are_sealed_kept_and_retired() {
        let dir = tempfile::tempdir().unwrap();
        let (master, bytes) = MasterKey::generate().unwrap();
        let store = SqliteStore::open(dir.path(), master).unwrap();
        assert!(store.session_keys().await.unwrap().is_empty());
        let first = store.add_session_key(Timestamp(0)).await.unwrap();
        let second = store.add_session_key(Timestamp(0)).await.unwrap();
        let keys = store.session_keys().await.unwrap();
        assert_eq!(keys.len(), 2);
        assert!(keys
            .iter()
            .any(|k| k.key_id == first.key_id && k.secret == first.secret));
        assert!(keys.iter().any(|k| k.key_id == second.key_id));

        // The raw secret never reaches the database file.
        drop(store);
        for file in [crate::sqlite::DB_FILE, "iamd.sqlite3-wal"] {
            let raw = std::fs::read(dir.path().join(file)).unwrap_or_default();
            assert!(!raw
                .windows(first.secret.len())
                .any(|w| w == &first.secret[..]));
        }

        // Reopened with the same master key: the keys open; a third key retires the rest.
        let store = SqliteStore::open(dir.path(), MasterKey::from_bytes(&bytes).unwrap()).unwrap();
        assert_eq!(store.session_keys().await.unwrap().len(), 2);
        let third = store
            .add_session_key(Timestamp(Timestamp::now().millis() + 1_000))
            .await
            .unwrap();
        let keys = store.session_keys().await.unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].key_id, third.key_id);
    }
}
