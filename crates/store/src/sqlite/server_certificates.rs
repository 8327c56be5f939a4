//! Server certificates and their tags.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::*;
use super::SqliteStore;
use crate::api::ServerCertificateStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{unique_id, IdPrefix};
use crate::model::Tag;
use crate::page::{Page, PageRequest};
use crate::server_certificates::*;
use crate::time::Timestamp;

const COLUMNS: &str =
    "certificate_id, account_id, name, path, body, chain, uploaded_ms, expiration_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ServerCertificate> {
    Ok(ServerCertificate {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        body: row.get(4)?,
        chain: row.get(5)?,
        uploaded: Timestamp(row.get(6)?),
        expiration: Timestamp(row.get(7)?),
        tags: Vec::new(),
    })
}

fn no_such_certificate(name: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "The Server Certificate with name {name} cannot be found."
    ))
}

fn certificate_id(conn: &Connection, account_id: &str, name: &str) -> StoreResult<String> {
    conn.prepare_cached(
        "SELECT certificate_id FROM server_certificates WHERE account_id = ?1 AND name_key = ?2",
    )?
    .query_row([account_id, &name_key(name)], |r| r.get(0))
    .optional()?
    .ok_or_else(|| no_such_certificate(name))
}

fn load(conn: &Connection, id: &str) -> StoreResult<ServerCertificate> {
    let mut certificate = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM server_certificates WHERE certificate_id = ?1"
        ))?
        .query_row([id], from_row)?;
    certificate.tags = load_tags(conn, id)?;
    Ok(certificate)
}

fn name_in_use(conn: &Connection, account_id: &str, name: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM server_certificates WHERE account_id = ?1 AND name_key = ?2",
        )?
        .query_row([account_id, &name_key(name)], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}

fn already_exists(name: &str) -> StoreError {
    StoreError::already_exists(format!(
        "The Server Certificate with name {name} already exists."
    ))
}

#[async_trait]
impl ServerCertificateStore for SqliteStore {
    async fn upload_server_certificate(
        &self,
        account_id: &str,
        certificate: NewServerCertificate,
    ) -> StoreResult<ServerCertificate> {
        let account_id = account_id.to_owned();
        let id = unique_id(IdPrefix::ServerCertificate);
        let sealed = self.key().seal_secret(&id, &certificate.private_key)?;
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let c = &certificate;
            if name_in_use(ctx.conn, &account_id, &c.name)? {
                return Err(already_exists(&c.name));
            }
            let count: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM server_certificates WHERE account_id = ?1")?
                .query_row([&account_id], |r| r.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SERVER_CERTIFICATES {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for ServerCertificatesPerAccount: {MAX_SERVER_CERTIFICATES}"
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT INTO server_certificates (certificate_id, account_id, name, name_key, path,
                        body, chain, sealed_key, uploaded_ms, expiration_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    id,
                    account_id,
                    c.name,
                    name_key(&c.name),
                    c.path,
                    c.body,
                    c.chain,
                    sealed,
                    ctx.now.millis(),
                    c.expiration.millis()
                ])?;
            insert_tags(ctx.conn, &id, &c.tags)?;
            load(ctx.conn, &id)
        })
        .await
    }

    async fn get_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> StoreResult<ServerCertificate> {
        self.read(|conn| {
            let id = certificate_id(conn, account_id, name)?;
            load(conn, &id)
        })
    }

    async fn list_server_certificates(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<ServerCertificate>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS}, name_key FROM server_certificates
                 WHERE account_id = ?1 AND {} AND name_key > ?3 ORDER BY name_key LIMIT ?4",
                path_prefix_clause("path", 2)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, after, page.fetch_limit()],
                    |r| Ok((from_row(r)?, r.get::<_, String>(8)?)),
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |(_, key)| key.clone()).map(|(c, _)| c))
        })
    }

    async fn update_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        let (new_name, new_path) = (new_name.map(str::to_owned), new_path.map(str::to_owned));
        self.write(move |ctx| {
            let id = certificate_id(ctx.conn, &account_id, &name)?;
            if let Some(new_name) = &new_name {
                if name_key(new_name) != name_key(&name)
                    && name_in_use(ctx.conn, &account_id, new_name)?
                {
                    return Err(already_exists(new_name));
                }
                ctx.conn
                    .prepare_cached(
                        "UPDATE server_certificates SET name = ?2, name_key = ?3 WHERE certificate_id = ?1",
                    )?
                    .execute(params![id, new_name, name_key(new_name)])?;
            }
            if let Some(new_path) = &new_path {
                ctx.conn
                    .prepare_cached("UPDATE server_certificates SET path = ?2 WHERE certificate_id = ?1")?
                    .execute(params![id, new_path])?;
            }
            Ok(())
        })
        .await
    }

    async fn delete_server_certificate(&self, account_id: &str, name: &str) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let id = certificate_id(ctx.conn, &account_id, &name)?;
            delete_tags(ctx.conn, &id)?;
            ctx.conn
                .prepare_cached("DELETE FROM server_certificates WHERE certificate_id = ?1")?
                .execute([&id])?;
            Ok(())
        })
        .await
    }

    async fn tag_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let id = certificate_id(ctx.conn, &account_id, &name)?;
            merge_tags(ctx.conn, &id, tags)
        })
        .await
    }

    async fn untag_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        keys: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let id = certificate_id(ctx.conn, &account_id, &name)?;
            remove_tags(ctx.conn, &id, &keys)
        })
        .await
    }

    async fn list_server_certificate_tags(
        &self,
        account_id: &str,
        name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>> {
        self.read(|conn| {
            let id = certificate_id(conn, account_id, name)?;
            tags_page(conn, &id, page)
        })
    }
}
