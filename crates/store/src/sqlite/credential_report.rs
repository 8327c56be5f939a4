//! The credential report's inputs (every user's password, MFA and access keys, read in
//! one snapshot) and the newest generated report per account.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::passwords::load_policy;
use super::rows::*;
use super::SqliteStore;
use crate::api::CredentialReportStore;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::time::Timestamp;

/// The keys of one owner (`None`: the account root), oldest first.
fn keys_of(
    conn: &Connection,
    account_id: &str,
    user_id: Option<&str>,
) -> StoreResult<Vec<KeyReport>> {
    let rows = conn
        .prepare_cached(
            "SELECT access_key_id, status, created_ms, last_used_ms, last_used_service, last_used_region
             FROM access_keys WHERE account_id = ?1 AND user_id IS ?2
             ORDER BY created_ms, access_key_id",
        )?
        .query_map(params![account_id, user_id], |r| {
            let status: String = r.get(1)?;
            Ok(KeyReport {
                key: AccessKey {
                    account_id: account_id.to_owned(),
                    access_key_id: r.get(0)?,
                    user_name: None,
                    status: KeyStatus::parse(&status).unwrap_or(KeyStatus::Inactive),
                    created: Timestamp(r.get(2)?),
                },
                last_used: AccessKeyLastUsed {
                    date: r.get::<_, Option<i64>>(3)?.map(Timestamp),
                    service: r.get(4)?,
                    region: r.get(5)?,
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[async_trait]
impl CredentialReportStore for SqliteStore {
    async fn credential_inventory(&self, account_id: &str) -> StoreResult<CredentialInventory> {
        self.read(|conn| {
            let account = conn
                .prepare_cached("SELECT account_id, alias, created_ms FROM accounts WHERE account_id = ?1")?
                .query_row([account_id], |r| {
                    Ok(Account {
                        account_id: r.get(0)?,
                        alias: r.get(1)?,
                        created: Timestamp(r.get(2)?),
                    })
                })
                .optional()?
                .ok_or_else(|| {
                    StoreError::no_such_entity(format!("The account {account_id} does not exist."))
                })?;
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 ORDER BY name_key"
            );
            let users = conn
                .prepare_cached(&sql)?
                .query_map([account_id], user_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let mut profile_stmt = conn.prepare_cached(
                "SELECT created_ms, changed_ms, reset_required FROM login_profiles WHERE user_id = ?1",
            )?;
            let mut users_out = Vec::with_capacity(users.len());
            for user in users {
                let login_profile = profile_stmt
                    .query_row([&user.user_id], |r| {
                        Ok(LoginProfile {
                            user_name: user.name.clone(),
                            created: Timestamp(r.get(0)?),
                            password_changed: Timestamp(r.get(1)?),
                            reset_required: r.get::<_, i64>(2)? != 0,
                        })
                    })
                    .optional()?;
                let mfa_active = exists(
                    conn,
                    "SELECT 1 FROM mfa_devices WHERE user_id = ?1",
                    &user.user_id,
                )?;
                let keys = keys_of(conn, account_id, Some(&user.user_id))?;
                let certificates = certificates_of(conn, account_id, Some(&user.user_id))?;
                users_out.push(UserCredentials {
                    user,
                    login_profile,
                    mfa_active,
                    keys,
                    certificates,
                });
            }
            Ok(CredentialInventory {
                account,
                root_keys: keys_of(conn, account_id, None)?,
                root_certificates: certificates_of(conn, account_id, None)?,
                users: users_out,
                password_policy: load_policy(conn, account_id)?,
            })
        })
    }

    async fn put_credential_report(
        &self,
        account_id: &str,
        report: CredentialReport,
    ) -> StoreResult<()> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            ctx.conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO credential_reports (account_id, generated_ms, content)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![
                    account_id,
                    report.generated.millis(),
                    report.content
                ])?;
            Ok(())
        })
        .await
    }

    async fn get_credential_report(
        &self,
        account_id: &str,
    ) -> StoreResult<Option<CredentialReport>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT generated_ms, content FROM credential_reports WHERE account_id = ?1",
                )?
                .query_row([account_id], |r| {
                    Ok(CredentialReport {
                        generated: Timestamp(r.get(0)?),
                        content: r.get(1)?,
                    })
                })
                .optional()?)
        })
    }
}

/// The signing certificates of a user (or the root, `None`), oldest first.
fn certificates_of(
    conn: &Connection,
    account_id: &str,
    user_id: Option<&str>,
) -> StoreResult<Vec<CertificateReport>> {
    let certificates = conn
        .prepare_cached(
            "SELECT status, uploaded_ms FROM signing_certificates
             WHERE account_id = ?1 AND user_id IS ?2 ORDER BY uploaded_ms, certificate_id",
        )?
        .query_map(params![account_id, user_id], |r| {
            Ok(CertificateReport {
                active: r.get::<_, String>(0)? == "Active",
                uploaded: Timestamp(r.get(1)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(certificates)
}
