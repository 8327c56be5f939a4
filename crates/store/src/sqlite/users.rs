//! IAM users.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::*;
use super::writer::WriteCtx;
use super::SqliteStore;
use crate::api::UserStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{self, IdPrefix};
use crate::model::*;
use crate::page::{Page, PageRequest};

fn user_exists_error(name: &str) -> StoreError {
    StoreError::already_exists(format!("User with name {name} already exists."))
}

/// A user by name, with tags.
pub(super) fn load_user(conn: &Connection, account_id: &str, name: &str) -> StoreResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 AND name_key = ?2");
    let mut user = conn
        .prepare_cached(&sql)?
        .query_row([account_id, &name_key(name)], user_from_row)
        .optional()?
        .ok_or_else(|| StoreError::no_such_user(name))?;
    user.tags = load_tags(conn, &user.user_id)?;
    Ok(user)
}

/// Refuses a boundary that names a customer policy of this account that does not exist.
/// AWS managed ARNs are checked by the API layer, which knows the built-in set.
pub(super) fn check_boundary(
    conn: &Connection,
    account_id: &str,
    arn: Option<&str>,
) -> StoreResult<()> {
    if let Some(arn) = arn {
        if !arn.starts_with("arn:aws:iam::aws:") {
            policy_id(conn, account_id, arn)?;
        }
    }
    Ok(())
}

/// After an entity is deleted, trust policies name it by unique id instead of ARN, so
/// that a new entity of the same name is not trusted by accident (IAM does the same).
pub(super) fn retire_arn_in_trust_policies(
    ctx: &WriteCtx<'_>,
    arn: &str,
    unique_id: &str,
) -> StoreResult<()> {
    let quoted_arn = format!("\"{arn}\"");
    let quoted_id = format!("\"{unique_id}\"");
    ctx.conn
        .prepare_cached(
            "UPDATE roles SET trust_policy = replace(trust_policy, ?1, ?2) WHERE instr(trust_policy, ?1) > 0",
        )?
        .execute(params![quoted_arn, quoted_id])?;
    Ok(())
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, account_id: &str, user: NewUser) -> StoreResult<User> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let key = name_key(&user.name);
            let taken: Option<i64> = ctx
                .conn
                .prepare_cached("SELECT 1 FROM users WHERE account_id = ?1 AND name_key = ?2")?
                .query_row([&account_id, &key], |r| r.get(0))
                .optional()?;
            if taken.is_some() {
                return Err(user_exists_error(&user.name));
            }
            check_boundary(ctx.conn, &account_id, user.permissions_boundary.as_deref())?;
            let user_id = ids::unique_id(IdPrefix::User);
            ctx.conn
                .prepare_cached(
                    "INSERT INTO users (user_id, account_id, name, name_key, path, created_ms, boundary_arn)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    user_id,
                    account_id,
                    user.name,
                    key,
                    user.path,
                    ctx.now.millis(),
                    user.permissions_boundary
                ])?;
            insert_tags(ctx.conn, &user_id, &user.tags)?;
            Ok(User {
                account_id,
                user_id,
                name: user.name,
                path: user.path,
                created: ctx.now,
                permissions_boundary: user.permissions_boundary,
                password_last_used: None,
                tags: user.tags,
            })
        })
        .await
    }

    async fn get_user(&self, account_id: &str, name: &str) -> StoreResult<User> {
        self.read(|conn| load_user(conn, account_id, name))
    }

    async fn get_user_by_id(&self, account_id: &str, user_id: &str) -> StoreResult<Option<User>> {
        self.read(|conn| {
            let sql =
                format!("SELECT {USER_COLUMNS} FROM users WHERE user_id = ?1 AND account_id = ?2");
            let user = conn
                .prepare_cached(&sql)?
                .query_row([user_id, account_id], user_from_row)
                .optional()?;
            match user {
                Some(mut user) => {
                    user.tags = load_tags(conn, &user.user_id)?;
                    Ok(Some(user))
                }
                None => Ok(None),
            }
        })
    }

    async fn list_users(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<User>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users
                 WHERE account_id = ?1 AND name_key > ?2 AND {}
                 ORDER BY name_key LIMIT ?4",
                path_prefix_clause("path", 3)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, after, path_prefix, page.fetch_limit()],
                    user_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |u| name_key(&u.name)))
        })
    }

    async fn update_user(
        &self,
        account_id: &str,
        name: &str,
        update: UserUpdate,
    ) -> StoreResult<User> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let user = load_user(ctx.conn, &account_id, &name)?;
            let new_name = update.new_name.unwrap_or_else(|| user.name.clone());
            let new_path = update.new_path.unwrap_or_else(|| user.path.clone());
            let new_key = name_key(&new_name);
            if new_key != name_key(&user.name) {
                let taken: Option<i64> = ctx
                    .conn
                    .prepare_cached("SELECT 1 FROM users WHERE account_id = ?1 AND name_key = ?2")?
                    .query_row([&account_id, &new_key], |r| r.get(0))
                    .optional()?;
                if taken.is_some() {
                    return Err(user_exists_error(&new_name));
                }
            }
            ctx.conn
                .prepare_cached(
                    "UPDATE users SET name = ?2, name_key = ?3, path = ?4 WHERE user_id = ?1",
                )?
                .execute(params![user.user_id, new_name, new_key, new_path])?;
            // The user's ARN and aws:username change: cached identities are stale.
            ctx.auth_changed();
            Ok(User {
                name: new_name,
                path: new_path,
                ..user
            })
        })
        .await
    }

    async fn delete_user(&self, account_id: &str, name: &str) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let user = load_user(ctx.conn, &account_id, &name)?;
            let id = user.user_id.as_str();
            let conflicts = [
                (
                    "SELECT 1 FROM access_keys WHERE user_id = ?1",
                    "Cannot delete entity, must delete access keys first.",
                ),
                (
                    "SELECT 1 FROM inline_policies WHERE owner_id = ?1",
                    "Cannot delete entity, must delete policies first.",
                ),
                (
                    "SELECT 1 FROM attachments WHERE owner_id = ?1",
                    "Cannot delete entity, must detach all policies first.",
                ),
                (
                    "SELECT 1 FROM group_members WHERE user_id = ?1",
                    "Cannot delete entity, must remove users from group first.",
                ),
                (
                    "SELECT 1 FROM mfa_devices WHERE user_id = ?1",
                    "Cannot delete entity, must delete MFA device first.",
                ),
                (
                    "SELECT 1 FROM login_profiles WHERE user_id = ?1",
                    "Cannot delete entity, must delete login profile first.",
                ),
                (
                    "SELECT 1 FROM ssh_public_keys WHERE user_id = ?1",
                    "Cannot delete entity, must delete SSH public keys first.",
                ),
                (
                    "SELECT 1 FROM service_credentials WHERE user_id = ?1",
                    "Cannot delete entity, must delete service specific credentials first.",
                ),
                (
                    "SELECT 1 FROM signing_certificates WHERE user_id = ?1",
                    "Cannot delete entity, must delete signing certificates first.",
                ),
            ];
            for (sql, message) in conflicts {
                if exists(ctx.conn, sql, id)? {
                    return Err(StoreError::delete_conflict(message));
                }
            }
            ctx.conn
                .prepare_cached("DELETE FROM users WHERE user_id = ?1")?
                .execute([id])?;
            delete_tags(ctx.conn, id)?;
            ctx.conn
                .prepare_cached("DELETE FROM password_history WHERE user_id = ?1")?
                .execute([id])?;
            retire_arn_in_trust_policies(ctx, &user.arn(), id)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }
}
