//! Login profiles (console passwords, kept as Argon2id hashes), the hashes remembered
//! for reuse prevention, and the account password policy.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::*;
use super::SqliteStore;
use crate::api::PasswordStore;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::secret::SecretString;
use crate::time::Timestamp;

fn no_such_profile(user_name: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "Login Profile for User {user_name} cannot be found."
    ))
}

fn no_such_policy(account_id: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "The Password Policy with domain name {account_id} cannot be found."
    ))
}

/// The user's id and name as stored (the name's case may differ from the request's).
fn user_of(conn: &Connection, account_id: &str, name: &str) -> StoreResult<(String, String)> {
    conn.prepare_cached("SELECT user_id, name FROM users WHERE account_id = ?1 AND name_key = ?2")?
        .query_row([account_id, &name_key(name)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::no_such_user(name))
}

/// The profile and its current hash.
fn load_profile(
    conn: &Connection,
    user_id: &str,
    user_name: &str,
) -> StoreResult<Option<(LoginProfile, SecretString)>> {
    Ok(conn
        .prepare_cached(
            "SELECT created_ms, changed_ms, reset_required, password_hash FROM login_profiles
             WHERE user_id = ?1",
        )?
        .query_row([user_id], |r| {
            Ok((
                LoginProfile {
                    user_name: user_name.to_owned(),
                    created: Timestamp(r.get(0)?),
                    password_changed: Timestamp(r.get(1)?),
                    reset_required: r.get::<_, i64>(2)? != 0,
                },
                SecretString::new(r.get(3)?),
            ))
        })
        .optional()?)
}

pub(super) fn load_policy(
    conn: &Connection,
    account_id: &str,
) -> StoreResult<Option<PasswordPolicy>> {
    Ok(conn
        .prepare_cached(
            "SELECT minimum_length, require_symbols, require_numbers, require_uppercase,
                    require_lowercase, allow_users_to_change, max_age_days, reuse_prevention, hard_expiry
             FROM password_policies WHERE account_id = ?1",
        )?
        .query_row([account_id], |r| {
            let count = |v: Option<i64>| v.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32);
            Ok(PasswordPolicy {
                minimum_length: count(r.get(0)?).unwrap_or(0),
                require_symbols: r.get::<_, i64>(1)? != 0,
                require_numbers: r.get::<_, i64>(2)? != 0,
                require_uppercase: r.get::<_, i64>(3)? != 0,
                require_lowercase: r.get::<_, i64>(4)? != 0,
                allow_users_to_change_password: r.get::<_, i64>(5)? != 0,
                max_age_days: count(r.get(6)?),
                reuse_prevention: count(r.get(7)?),
                hard_expiry: r.get::<_, Option<i64>>(8)?.map(|v| v != 0),
            })
        })
        .optional()?)
}

/// Remembers `hash` as the user's newest password and forgets those beyond what the
/// account's reuse prevention needs.
fn remember_hash(
    conn: &Connection,
    account_id: &str,
    user_id: &str,
    hash: &SecretString,
) -> StoreResult<()> {
    let keep = load_policy(conn, account_id)?
        .and_then(|p| p.reuse_prevention)
        .unwrap_or(0);
    let next: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM password_history WHERE user_id = ?1",
        )?
        .query_row([user_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO password_history (user_id, seq, password_hash) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![user_id, next, hash.expose()])?;
    conn.prepare_cached("DELETE FROM password_history WHERE user_id = ?1 AND seq <= ?2")?
        .execute(params![user_id, next - i64::from(keep)])?;
    Ok(())
}

#[async_trait]
impl PasswordStore for SqliteStore {
    async fn create_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        password_hash: SecretString,
        reset_required: bool,
    ) -> StoreResult<LoginProfile> {
        let (account_id, user_name) = (account_id.to_owned(), user_name.to_owned());
        self.write(move |ctx| {
            let (user_id, name) = user_of(ctx.conn, &account_id, &user_name)?;
            if load_profile(ctx.conn, &user_id, &name)?.is_some() {
                return Err(StoreError::already_exists(format!(
                    "Login Profile for user {name} already exists."
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT INTO login_profiles (user_id, account_id, password_hash, reset_required, created_ms, changed_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?
                .execute(params![
                    user_id,
                    account_id,
                    password_hash.expose(),
                    i64::from(reset_required),
                    ctx.now.millis()
                ])?;
            remember_hash(ctx.conn, &account_id, &user_id, &password_hash)?;
            Ok(LoginProfile {
                user_name: name,
                created: ctx.now,
                password_changed: ctx.now,
                reset_required,
            })
        })
        .await
    }

    async fn get_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> StoreResult<LoginProfile> {
        self.read(|conn| {
            let (user_id, name) = user_of(conn, account_id, user_name)?;
            load_profile(conn, &user_id, &name)?
                .map(|(profile, _)| profile)
                .ok_or_else(|| no_such_profile(&name))
        })
    }

    async fn login_secrets(&self, account_id: &str, user_name: &str) -> StoreResult<LoginSecrets> {
        self.read(|conn| {
            let (user_id, name) = user_of(conn, account_id, user_name)?;
            let (profile, current_hash) =
                load_profile(conn, &user_id, &name)?.ok_or_else(|| no_such_profile(&name))?;
            let previous_hashes = conn
                .prepare_cached(
                    "SELECT password_hash FROM password_history WHERE user_id = ?1 ORDER BY seq DESC",
                )?
                .query_map([&user_id], |r| r.get::<_, String>(0).map(SecretString::new))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(LoginSecrets {
                profile,
                current_hash,
                previous_hashes,
            })
        })
    }

    async fn update_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        password_hash: Option<SecretString>,
        reset_required: Option<bool>,
    ) -> StoreResult<()> {
        let (account_id, user_name) = (account_id.to_owned(), user_name.to_owned());
        self.write(move |ctx| {
            let (user_id, name) = user_of(ctx.conn, &account_id, &user_name)?;
            if load_profile(ctx.conn, &user_id, &name)?.is_none() {
                return Err(no_such_profile(&name));
            }
            if let Some(hash) = &password_hash {
                ctx.conn
                    .prepare_cached(
                        "UPDATE login_profiles SET password_hash = ?2, changed_ms = ?3 WHERE user_id = ?1",
                    )?
                    .execute(params![user_id, hash.expose(), ctx.now.millis()])?;
                remember_hash(ctx.conn, &account_id, &user_id, hash)?;
            }
            if let Some(reset) = reset_required {
                ctx.conn
                    .prepare_cached("UPDATE login_profiles SET reset_required = ?2 WHERE user_id = ?1")?
                    .execute(params![user_id, i64::from(reset)])?;
            }
            Ok(())
        })
        .await
    }

    async fn delete_login_profile(&self, account_id: &str, user_name: &str) -> StoreResult<()> {
        let (account_id, user_name) = (account_id.to_owned(), user_name.to_owned());
        self.write(move |ctx| {
            let (user_id, name) = user_of(ctx.conn, &account_id, &user_name)?;
            let deleted = ctx
                .conn
                .prepare_cached("DELETE FROM login_profiles WHERE user_id = ?1")?
                .execute([&user_id])?;
            if deleted == 0 {
                return Err(no_such_profile(&name));
            }
            // The remembered hashes stay: a new profile may not reuse them either.
            Ok(())
        })
        .await
    }

    async fn get_password_policy(&self, account_id: &str) -> StoreResult<Option<PasswordPolicy>> {
        self.read(|conn| load_policy(conn, account_id))
    }

    async fn put_password_policy(
        &self,
        account_id: &str,
        policy: PasswordPolicy,
    ) -> StoreResult<()> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            // AllowUsersToChangePassword grants users a permission.
            ctx.auth_changed();
            ctx.conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO password_policies (account_id, minimum_length, require_symbols,
                        require_numbers, require_uppercase, require_lowercase, allow_users_to_change,
                        max_age_days, reuse_prevention, hard_expiry)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    account_id,
                    policy.minimum_length,
                    policy.require_symbols,
                    policy.require_numbers,
                    policy.require_uppercase,
                    policy.require_lowercase,
                    policy.allow_users_to_change_password,
                    policy.max_age_days,
                    policy.reuse_prevention,
                    policy.hard_expiry
                ])?;
            // Remember no more hashes than the policy asks for.
            let keep = i64::from(policy.reuse_prevention.unwrap_or(0));
            ctx.conn
                .prepare_cached(
                    "DELETE FROM password_history WHERE user_id IN (SELECT user_id FROM users WHERE account_id = ?1)
                     AND seq <= (SELECT MAX(h.seq) FROM password_history h WHERE h.user_id = password_history.user_id) - ?2",
                )?
                .execute(params![account_id, keep])?;
            Ok(())
        })
        .await
    }

    async fn delete_password_policy(&self, account_id: &str) -> StoreResult<()> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            let deleted = ctx
                .conn
                .prepare_cached("DELETE FROM password_policies WHERE account_id = ?1")?
                .execute([&account_id])?;
            if deleted == 0 {
                return Err(no_such_policy(&account_id));
            }
            ctx.auth_changed();
            ctx.conn
                .prepare_cached(
                    "DELETE FROM password_history WHERE user_id IN (SELECT user_id FROM users WHERE account_id = ?1)",
                )?
                .execute([&account_id])?;
            Ok(())
        })
        .await
    }
}
