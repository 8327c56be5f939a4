//! Service-specific credentials of users.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::user_id;
use super::SqliteStore;
use crate::api::ServiceCredentialStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{unique_id, IdPrefix};
use crate::page::{Page, PageRequest};
use crate::service_credentials::*;
use crate::time::Timestamp;

const COLUMNS: &str = "u.name, c.credential_id, c.service, c.service_user_name, c.alias, c.status,
    c.created_ms, c.expires_ms FROM service_credentials c JOIN users u ON u.user_id = c.user_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ServiceCredential> {
    Ok(ServiceCredential {
        user_name: row.get(0)?,
        id: row.get(1)?,
        service: row.get(2)?,
        service_user_name: row.get(3)?,
        alias: row.get(4)?,
        status: row.get(5)?,
        created: Timestamp(row.get(6)?),
        expires: row.get::<_, Option<i64>>(7)?.map(Timestamp),
    })
}

fn no_such_credential(id: &str) -> StoreError {
    StoreError::no_such_entity(format!("No such credential {id} exists"))
}

fn load(conn: &Connection, user: &str, id: &str) -> StoreResult<ServiceCredential> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} WHERE c.user_id = ?1 AND c.credential_id = ?2"
    ))?
    .query_row([user, id], from_row)
    .optional()?
    .ok_or_else(|| no_such_credential(id))
}

#[async_trait]
impl ServiceCredentialStore for SqliteStore {
    async fn create_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential: NewServiceCredential,
    ) -> StoreResult<ServiceCredential> {
        let (account_id, user_name) = (account_id.to_owned(), user_name.to_owned());
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let count: i64 = ctx
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM service_credentials WHERE user_id = ?1 AND service = ?2",
                )?
                .query_row([&user, &credential.service], |r| r.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SERVICE_CREDENTIALS_PER_SERVICE {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_SERVICE_CREDENTIALS_PER_SERVICE}"
                )));
            }
            let id = unique_id(IdPrefix::ServiceCredential);
            let c = &credential;
            ctx.conn
                .prepare_cached(
                    "INSERT INTO service_credentials (credential_id, account_id, user_id, service,
                        service_user_name, alias, secret_sha256, status, created_ms, expires_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'Active', ?8, ?9)",
                )?
                .execute(params![
                    id,
                    account_id,
                    user,
                    c.service,
                    c.service_user_name,
                    c.alias,
                    c.secret_sha256,
                    ctx.now.millis(),
                    c.expires.map(|t| t.millis())
                ])?;
            load(ctx.conn, &user, &id)
        })
        .await
    }

    async fn list_service_credentials(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<ServiceCredential>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let user = user_name
                .map(|n| user_id(conn, account_id, n))
                .transpose()?;
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} WHERE c.account_id = ?1 AND (?2 IS NULL OR c.user_id = ?2)
                       AND (?3 IS NULL OR c.service = ?3) AND c.credential_id > ?4
                     ORDER BY c.credential_id LIMIT ?5"
                ))?
                .query_map(
                    params![account_id, user, service, after, page.fetch_limit()],
                    from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |c| c.id.clone()))
        })
    }

    async fn reset_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
        secret_sha256: &str,
    ) -> StoreResult<ServiceCredential> {
        let (account_id, user_name, id, secret) = (
            account_id.to_owned(),
            user_name.to_owned(),
            id.to_owned(),
            secret_sha256.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let changed = ctx
                .conn
                .prepare_cached(
                    "UPDATE service_credentials SET secret_sha256 = ?3 WHERE user_id = ?1 AND credential_id = ?2",
                )?
                .execute([&user, &id, &secret])?;
            if changed == 0 {
                return Err(no_such_credential(&id));
            }
            load(ctx.conn, &user, &id)
        })
        .await
    }

    async fn update_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
        status: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, id, status) = (
            account_id.to_owned(),
            user_name.to_owned(),
            id.to_owned(),
            status.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let changed = ctx
                .conn
                .prepare_cached(
                    "UPDATE service_credentials SET status = ?3 WHERE user_id = ?1 AND credential_id = ?2",
                )?
                .execute([&user, &id, &status])?;
            if changed == 0 {
                return Err(no_such_credential(&id));
            }
            Ok(())
        })
        .await
    }

    async fn delete_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, id) =
            (account_id.to_owned(), user_name.to_owned(), id.to_owned());
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let deleted = ctx
                .conn
                .prepare_cached(
                    "DELETE FROM service_credentials WHERE user_id = ?1 AND credential_id = ?2",
                )?
                .execute([&user, &id])?;
            if deleted == 0 {
                return Err(no_such_credential(&id));
            }
            Ok(())
        })
        .await
    }
}
