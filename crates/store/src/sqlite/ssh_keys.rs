//! SSH public keys of users.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::user_id;
use super::SqliteStore;
use crate::api::SshKeyStore;
use crate::error::{ErrorKind, StoreError, StoreResult};
use crate::ids::{unique_id, IdPrefix};
use crate::page::{Page, PageRequest};
use crate::ssh_keys::*;
use crate::time::Timestamp;

const COLUMNS: &str =
    "u.name, k.key_id, k.blob, k.fingerprint, k.status, k.uploaded_ms FROM ssh_public_keys k JOIN users u ON u.user_id = k.user_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<SshPublicKey> {
    Ok(SshPublicKey {
        user_name: row.get(0)?,
        key_id: row.get(1)?,
        blob: row.get(2)?,
        fingerprint: row.get(3)?,
        status: row.get(4)?,
        uploaded: Timestamp(row.get(5)?),
    })
}

fn no_such_key(key_id: &str) -> StoreError {
    StoreError::no_such_entity(format!("The Public Key with id {key_id} cannot be found."))
}

fn load(conn: &Connection, user: &str, key_id: &str) -> StoreResult<SshPublicKey> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} WHERE k.user_id = ?1 AND k.key_id = ?2"
    ))?
    .query_row([user, key_id], from_row)
    .optional()?
    .ok_or_else(|| no_such_key(key_id))
}

#[async_trait]
impl SshKeyStore for SqliteStore {
    async fn upload_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        blob: &str,
        fingerprint: &str,
    ) -> StoreResult<SshPublicKey> {
        let (account_id, user_name, blob, fingerprint) = (
            account_id.to_owned(),
            user_name.to_owned(),
            blob.to_owned(),
            fingerprint.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let duplicate: Option<i64> = ctx
                .conn
                .prepare_cached("SELECT 1 FROM ssh_public_keys WHERE user_id = ?1 AND fingerprint = ?2")?
                .query_row([&user, &fingerprint], |r| r.get(0))
                .optional()?;
            if duplicate.is_some() {
                return Err(StoreError::new(
                    ErrorKind::DuplicateSshPublicKey,
                    "The request was rejected because the SSH public key is already associated with the specified IAM user.",
                ));
            }
            let count: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM ssh_public_keys WHERE user_id = ?1")?
                .query_row([&user], |r| r.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SSH_PUBLIC_KEYS_PER_USER {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for PublicKeysPerUser: {MAX_SSH_PUBLIC_KEYS_PER_USER}"
                )));
            }
            let key_id = unique_id(IdPrefix::SshPublicKey);
            ctx.conn
                .prepare_cached(
                    "INSERT INTO ssh_public_keys (key_id, user_id, blob, fingerprint, status, uploaded_ms)
                     VALUES (?1, ?2, ?3, ?4, 'Active', ?5)",
                )?
                .execute(params![key_id, user, blob, fingerprint, ctx.now.millis()])?;
            load(ctx.conn, &user, &key_id)
        })
        .await
    }

    async fn get_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> StoreResult<SshPublicKey> {
        self.read(|conn| {
            let user = user_id(conn, account_id, user_name)?;
            load(conn, &user, key_id)
        })
    }

    async fn list_ssh_public_keys(
        &self,
        account_id: &str,
        user_name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<SshPublicKey>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let user = user_id(conn, account_id, user_name)?;
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} WHERE k.user_id = ?1 AND k.key_id > ?2 ORDER BY k.key_id LIMIT ?3"
                ))?
                .query_map(params![user, after, page.fetch_limit()], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |k| k.key_id.clone()))
        })
    }

    async fn update_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
        status: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, key_id, status) = (
            account_id.to_owned(),
            user_name.to_owned(),
            key_id.to_owned(),
            status.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let changed = ctx
                .conn
                .prepare_cached(
                    "UPDATE ssh_public_keys SET status = ?3 WHERE user_id = ?1 AND key_id = ?2",
                )?
                .execute([&user, &key_id, &status])?;
            if changed == 0 {
                return Err(no_such_key(&key_id));
            }
            Ok(())
        })
        .await
    }

    async fn delete_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, key_id) = (
            account_id.to_owned(),
            user_name.to_owned(),
            key_id.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let deleted = ctx
                .conn
                .prepare_cached("DELETE FROM ssh_public_keys WHERE user_id = ?1 AND key_id = ?2")?
                .execute([&user, &key_id])?;
            if deleted == 0 {
                return Err(no_such_key(&key_id));
            }
            Ok(())
        })
        .await
    }
}
