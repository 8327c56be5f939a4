//! Long-term access keys. Secrets are sealed before they reach the writer thread and
//! opened only for [`AccessKeyStore::credential`].
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::*;
use super::SqliteStore;
use crate::api::AccessKeyStore;
use crate::error::{StoreError, StoreResult};
use crate::ids;
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::time::Timestamp;

/// `SELECT` list for [`key_from_row`]; `u` is the owning user (absent for root keys).
const KEY_COLUMNS: &str = "k.access_key_id, k.account_id, u.name, k.status, k.created_ms";

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<AccessKey> {
    let status: String = row.get(3)?;
    Ok(AccessKey {
        access_key_id: row.get(0)?,
        account_id: row.get(1)?,
        user_name: row.get(2)?,
        status: KeyStatus::parse(&status).unwrap_or(KeyStatus::Inactive),
        created: Timestamp(row.get(4)?),
    })
}

/// The owner's user id (`None` for the root), checking the user exists.
fn owner_id(
    conn: &Connection,
    account_id: &str,
    user_name: Option<&str>,
) -> StoreResult<Option<String>> {
    user_name
        .map(|name| user_id(conn, account_id, name))
        .transpose()
}

fn no_such_key(access_key_id: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "The Access Key with id {access_key_id} cannot be found."
    ))
}

/// Whether `access_key_id` belongs to the owner; the key row id when it does.
fn owned_key(
    conn: &Connection,
    account_id: &str,
    owner: Option<&str>,
    access_key_id: &str,
) -> StoreResult<()> {
    let found: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT user_id FROM access_keys WHERE access_key_id = ?1 AND account_id = ?2",
        )?
        .query_row([access_key_id, account_id], |r| r.get(0))
        .optional()?;
    match found {
        Some(key_owner) if key_owner.as_deref() == owner => Ok(()),
        _ => Err(no_such_key(access_key_id)),
    }
}

#[async_trait]
impl AccessKeyStore for SqliteStore {
    async fn credential(&self, access_key_id: &str) -> StoreResult<Option<Credential>> {
        let row = self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT k.account_id, k.user_id, k.status, k.sealed_secret, u.name, u.path
                     FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
                     WHERE k.access_key_id = ?1",
                )?
                .query_row([access_key_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })
                .optional()?)
        })?;
        let Some((account_id, user_id, status, sealed, name, path)) = row else {
            return Ok(None);
        };
        let owner = match (user_id, name, path) {
            (None, _, _) => KeyOwner::Root,
            (Some(user_id), Some(name), Some(path)) => KeyOwner::User {
                user_id,
                name,
                path,
            },
            // A key whose user is gone authenticates no one.
            (Some(_), _, _) => return Ok(None),
        };
        let secret = self.key().open_secret(access_key_id, &sealed)?;
        Ok(Some(Credential {
            account_id,
            access_key_id: access_key_id.to_owned(),
            owner,
            status: KeyStatus::parse(&status).unwrap_or(KeyStatus::Inactive),
            secret,
        }))
    }

    async fn create_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> StoreResult<NewAccessKey> {
        let access_key_id = ids::access_key_id();
        let secret = ids::secret_access_key();
        let sealed = self.key().seal_secret(&access_key_id, &secret)?;
        let (account_id, user_name) = (account_id.to_owned(), user_name.map(str::to_owned));
        let key = self
            .write(move |ctx| {
                require_account(ctx.conn, &account_id)?;
                let owner = owner_id(ctx.conn, &account_id, user_name.as_deref())?;
                let count: i64 = ctx
                    .conn
                    .prepare_cached(
                        "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND user_id IS ?2",
                    )?
                    .query_row(params![account_id, owner], |r| r.get(0))?;
                if count >= MAX_ACCESS_KEYS_PER_USER as i64 {
                    return Err(StoreError::limit_exceeded(format!(
                        "Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS_PER_USER}"
                    )));
                }
                ctx.conn
                    .prepare_cached(
                        "INSERT INTO access_keys (access_key_id, account_id, user_id, status, created_ms, sealed_secret)
                         VALUES (?1, ?2, ?3, 'Active', ?4, ?5)",
                    )?
                    .execute(params![access_key_id, account_id, owner, ctx.now.millis(), sealed])?;
                ctx.auth_changed();
                Ok(AccessKey {
                    account_id,
                    access_key_id,
                    user_name,
                    status: KeyStatus::Active,
                    created: ctx.now,
                })
            })
            .await?;
        Ok(NewAccessKey { key, secret })
    }

    async fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<AccessKey>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let owner = owner_id(conn, account_id, user_name)?;
            let sql = format!(
                "SELECT {KEY_COLUMNS} FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
                 WHERE k.account_id = ?1 AND k.user_id IS ?2 AND k.access_key_id > ?3
                 ORDER BY k.access_key_id LIMIT ?4"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, owner, after, page.fetch_limit()],
                    key_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |k| k.access_key_id.clone()))
        })
    }

    async fn update_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
        status: KeyStatus,
    ) -> StoreResult<()> {
        let (account_id, user_name, access_key_id) = (
            account_id.to_owned(),
            user_name.map(str::to_owned),
            access_key_id.to_owned(),
        );
        self.write(move |ctx| {
            let owner = owner_id(ctx.conn, &account_id, user_name.as_deref())?;
            owned_key(ctx.conn, &account_id, owner.as_deref(), &access_key_id)?;
            ctx.conn
                .prepare_cached("UPDATE access_keys SET status = ?2 WHERE access_key_id = ?1")?
                .execute(params![access_key_id, status.as_str()])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn delete_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, access_key_id) = (
            account_id.to_owned(),
            user_name.map(str::to_owned),
            access_key_id.to_owned(),
        );
        self.write(move |ctx| {
            let owner = owner_id(ctx.conn, &account_id, user_name.as_deref())?;
            owned_key(ctx.conn, &account_id, owner.as_deref(), &access_key_id)?;
            ctx.conn
                .prepare_cached("DELETE FROM access_keys WHERE access_key_id = ?1")?
                .execute([&access_key_id])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<(AccessKey, AccessKeyLastUsed)>> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {KEY_COLUMNS}, k.last_used_ms, k.last_used_service, k.last_used_region
                 FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
                 WHERE k.access_key_id = ?1"
            );
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([access_key_id], |r| {
                    Ok((
                        key_from_row(r)?,
                        AccessKeyLastUsed {
                            date: r.get::<_, Option<i64>>(5)?.map(Timestamp),
                            service: r.get(6)?,
                            region: r.get(7)?,
                        },
                    ))
                })
                .optional()?)
        })
    }

    async fn record_access_key_use(
        &self,
        uses: Vec<(String, AccessKeyLastUsed)>,
    ) -> StoreResult<()> {
        if uses.is_empty() {
            return Ok(());
        }
        self.write(move |ctx| {
            let mut stmt = ctx.conn.prepare_cached(
                "UPDATE access_keys SET last_used_ms = ?2, last_used_service = ?3, last_used_region = ?4
                 WHERE access_key_id = ?1",
            )?;
            for (key_id, used) in &uses {
                stmt.execute(params![key_id, used.date.map(|d| d.millis()), used.service, used.region])?;
            }
            Ok(())
        })
        .await
    }
}
