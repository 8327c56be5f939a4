//! X.509 signing certificates of users and roots.
use async_trait::async_trait;
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::user_id;
use super::SqliteStore;
use crate::api::SigningCertificateStore;
use crate::error::{ErrorKind, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::signing_certificates::*;
use crate::time::Timestamp;

const COLUMNS: &str = "u.name, c.certificate_id, c.body, c.status, c.uploaded_ms
    FROM signing_certificates c LEFT JOIN users u ON u.user_id = c.user_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<SigningCertificate> {
    Ok(SigningCertificate {
        user_name: row.get(0)?,
        certificate_id: row.get(1)?,
        body: row.get(2)?,
        status: row.get(3)?,
        uploaded: Timestamp(row.get(4)?),
    })
}

/// A certificate id: 32 characters of base32 (`certificateIdType`: 24 to 128 `\w`).
fn new_certificate_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| {
            let i = rng.gen_range(0..ALPHABET.len());
            ALPHABET.get(i).copied().map(char::from).unwrap_or('A')
        })
        .collect()
}

fn no_such_certificate(id: &str) -> StoreError {
    StoreError::no_such_entity(format!("The Certificate with id {id} cannot be found."))
}

fn owner(
    conn: &Connection,
    account_id: &str,
    user_name: Option<&str>,
) -> StoreResult<Option<String>> {
    user_name.map(|n| user_id(conn, account_id, n)).transpose()
}

fn load(conn: &Connection, id: &str) -> StoreResult<SigningCertificate> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE c.certificate_id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| no_such_certificate(id))
}

#[async_trait]
impl SigningCertificateStore for SqliteStore {
    async fn upload_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        body: &str,
        fingerprint: &str,
    ) -> StoreResult<SigningCertificate> {
        let (account_id, user_name, body, fingerprint) = (
            account_id.to_owned(),
            user_name.map(str::to_owned),
            body.to_owned(),
            fingerprint.to_owned(),
        );
        self.write(move |ctx| {
            let user = owner(ctx.conn, &account_id, user_name.as_deref())?;
            let duplicate: Option<i64> = ctx
                .conn
                .prepare_cached("SELECT 1 FROM signing_certificates WHERE account_id = ?1 AND fingerprint = ?2")?
                .query_row([&account_id, &fingerprint], |r| r.get(0))
                .optional()?;
            if duplicate.is_some() {
                return Err(StoreError::new(
                    ErrorKind::DuplicateCertificate,
                    "The request was rejected because the same certificate is associated with an IAM user in the account.",
                ));
            }
            let count: i64 = ctx
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM signing_certificates WHERE account_id = ?1 AND user_id IS ?2",
                )?
                .query_row(params![account_id, user], |r| r.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SIGNING_CERTIFICATES_PER_USER {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for CertificatesPerUser: {MAX_SIGNING_CERTIFICATES_PER_USER}"
                )));
            }
            let id = new_certificate_id();
            ctx.conn
                .prepare_cached(
                    "INSERT INTO signing_certificates (certificate_id, account_id, user_id, body, fingerprint, status, uploaded_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'Active', ?6)",
                )?
                .execute(params![id, account_id, user, body, fingerprint, ctx.now.millis()])?;
            load(ctx.conn, &id)
        })
        .await
    }

    async fn list_signing_certificates(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<SigningCertificate>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let user = owner(conn, account_id, user_name)?;
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} WHERE c.account_id = ?1 AND c.user_id IS ?2 AND c.certificate_id > ?3
                     ORDER BY c.certificate_id LIMIT ?4"
                ))?
                .query_map(params![account_id, user, after, page.fetch_limit()], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |c| c.certificate_id.clone()))
        })
    }

    async fn update_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
        status: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, id, status) = (
            account_id.to_owned(),
            user_name.map(str::to_owned),
            certificate_id.to_owned(),
            status.to_owned(),
        );
        self.write(move |ctx| {
            let user = owner(ctx.conn, &account_id, user_name.as_deref())?;
            let changed = ctx
                .conn
                .prepare_cached(
                    "UPDATE signing_certificates SET status = ?4
                     WHERE account_id = ?1 AND user_id IS ?2 AND certificate_id = ?3",
                )?
                .execute(params![account_id, user, id, status])?;
            if changed == 0 {
                return Err(no_such_certificate(&id));
            }
            Ok(())
        })
        .await
    }

    async fn delete_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, id) = (
            account_id.to_owned(),
            user_name.map(str::to_owned),
            certificate_id.to_owned(),
        );
        self.write(move |ctx| {
            let user = owner(ctx.conn, &account_id, user_name.as_deref())?;
            let deleted = ctx
                .conn
                .prepare_cached(
                    "DELETE FROM signing_certificates WHERE account_id = ?1 AND user_id IS ?2 AND certificate_id = ?3",
                )?
                .execute(params![account_id, user, id])?;
            if deleted == 0 {
                return Err(no_such_certificate(&id));
            }
            Ok(())
        })
        .await
    }
}
