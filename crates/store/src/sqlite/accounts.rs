//! Accounts, aliases and `GetAccountSummary` counts.
use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::rows::exists;
use super::SqliteStore;
use crate::api::AccountStore;
use crate::error::{StoreError, StoreResult};
use crate::ids;
use crate::model::*;
use crate::secret::SecretString;
use crate::time::Timestamp;

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_account(
        &self,
        account_id: Option<String>,
        root_key: Option<(String, SecretString)>,
    ) -> StoreResult<NewAccount> {
        if let Some(id) = &account_id {
            if !ids::is_account_id(id) {
                return Err(StoreError::invalid_input(format!(
                    "{id} is not a 12-digit account id"
                )));
            }
        }
        let (key_id, secret) =
            root_key.unwrap_or_else(|| (ids::access_key_id(), ids::secret_access_key()));
        let sealed = self.key().seal_secret(&key_id, &secret)?;
        let closure_key_id = key_id.clone();
        let account = self
            .write(move |ctx| {
                let account_id = match account_id {
                    Some(id) => {
                        if exists(ctx.conn, "SELECT 1 FROM accounts WHERE account_id = ?1", &id)? {
                            return Err(StoreError::already_exists(format!(
                                "The account {id} already exists."
                            )));
                        }
                        id
                    }
                    None => loop {
                        let id = ids::account_id();
                        if !exists(ctx.conn, "SELECT 1 FROM accounts WHERE account_id = ?1", &id)? {
                            break id;
                        }
                    },
                };
                if exists(
                    ctx.conn,
                    "SELECT 1 FROM access_keys WHERE access_key_id = ?1",
                    &closure_key_id,
                )? {
                    return Err(StoreError::already_exists(format!(
                        "The access key {closure_key_id} already exists."
                    )));
                }
                ctx.conn.execute(
                    "INSERT INTO accounts (account_id, alias, created_ms) VALUES (?1, NULL, ?2)",
                    params![account_id, ctx.now.millis()],
                )?;
                ctx.conn.execute(
                    "INSERT INTO access_keys (access_key_id, account_id, user_id, status, created_ms, sealed_secret)
                     VALUES (?1, ?2, NULL, 'Active', ?3, ?4)",
                    params![closure_key_id, account_id, ctx.now.millis(), sealed],
                )?;
                ctx.auth_changed();
                Ok(Account {
                    account_id,
                    alias: None,
                    created: ctx.now,
                })
            })
            .await?;
        Ok(NewAccount {
            account,
            root_access_key_id: key_id,
            root_secret_access_key: secret,
        })
    }

    async fn get_account(&self, account_id: &str) -> StoreResult<Option<Account>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT account_id, alias, created_ms FROM accounts WHERE account_id = ?1",
                )?
                .query_row([account_id], |r| {
                    Ok(Account {
                        account_id: r.get(0)?,
                        alias: r.get(1)?,
                        created: Timestamp(r.get(2)?),
                    })
                })
                .optional()?)
        })
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, alias, created_ms FROM accounts ORDER BY created_ms, account_id",
            )?;
            let accounts = stmt
                .query_map([], |r| {
                    Ok(Account {
                        account_id: r.get(0)?,
                        alias: r.get(1)?,
                        created: Timestamp(r.get(2)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(accounts)
        })
    }

    async fn create_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()> {
        let (account_id, alias) = (account_id.to_owned(), alias.to_owned());
        self.write(move |ctx| {
            let owner: Option<String> = ctx
                .conn
                .query_row(
                    "SELECT account_id FROM accounts WHERE alias = ?1",
                    [&alias],
                    |r| r.get(0),
                )
                .optional()?;
            match owner {
                Some(owner) if owner == account_id => Ok(()),
                Some(_) => Err(StoreError::already_exists(format!(
                    "The account alias {alias} already exists."
                ))),
                None => {
                    // An account has at most one alias: a new one replaces the old.
                    let changed = ctx.conn.execute(
                        "UPDATE accounts SET alias = ?2 WHERE account_id = ?1",
                        params![account_id, alias],
                    )?;
                    if changed == 0 {
                        return Err(StoreError::no_such_entity(format!(
                            "The account {account_id} does not exist."
                        )));
                    }
                    Ok(())
                }
            }
        })
        .await
    }

    async fn delete_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()> {
        let (account_id, alias) = (account_id.to_owned(), alias.to_owned());
        self.write(move |ctx| {
            let changed = ctx.conn.execute(
                "UPDATE accounts SET alias = NULL WHERE account_id = ?1 AND alias = ?2",
                params![account_id, alias],
            )?;
            if changed == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "The account alias {alias} cannot be found."
                )));
            }
            Ok(())
        })
        .await
    }

    async fn account_usage(&self, account_id: &str) -> StoreResult<AccountUsage> {
        self.read(|conn| {
            let count = |sql: &str| -> StoreResult<u64> {
                let n: i64 = conn.prepare_cached(sql)?.query_row([account_id], |r| r.get(0))?;
                Ok(n.max(0) as u64)
            };
            Ok(AccountUsage {
                users: count("SELECT COUNT(*) FROM users WHERE account_id = ?1")?,
                groups: count("SELECT COUNT(*) FROM iam_groups WHERE account_id = ?1")?,
                roles: count("SELECT COUNT(*) FROM roles WHERE account_id = ?1")?,
                policies: count("SELECT COUNT(*) FROM policies WHERE account_id = ?1")?,
                instance_profiles: count(
                    "SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?1",
                )?,
                policy_versions_in_use: count(
                    "SELECT COUNT(*) FROM policy_versions v JOIN policies p ON p.policy_id = v.policy_id
                     WHERE p.account_id = ?1",
                )?,
                access_keys_present_for_root: count(
                    "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND user_id IS NULL",
                )? > 0,
                ..AccountUsage::default()
            })
        })
    }
}
