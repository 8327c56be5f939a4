//! IAM roles.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::*;
use super::trust_principals;
use super::users::check_boundary;
use super::SqliteStore;
use crate::api::RoleStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{self, IdPrefix};
use crate::model::*;
use crate::page::{Page, PageRequest};

pub(super) fn load_role(conn: &Connection, account_id: &str, name: &str) -> StoreResult<Role> {
    let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = ?1 AND name_key = ?2");
    let mut role = conn
        .prepare_cached(&sql)?
        .query_row([account_id, &name_key(name)], role_from_row)
        .optional()?
        .ok_or_else(|| StoreError::no_such_role(name))?;
    role.tags = load_tags(conn, &role.role_id)?;
    as_shown(conn, role)
}

/// A role as IAM shows it: its trust policy names deleted principals by unique id.
pub(super) fn as_shown(conn: &Connection, mut role: Role) -> StoreResult<Role> {
    role.assume_role_policy =
        trust_principals::render(conn, &role.role_id, &role.assume_role_policy)?;
    Ok(role)
}

#[async_trait]
impl RoleStore for SqliteStore {
    async fn create_role(&self, account_id: &str, role: NewRole) -> StoreResult<Role> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let key = name_key(&role.name);
            let taken = ctx
                .conn
                .prepare_cached("SELECT 1 FROM roles WHERE account_id = ?1 AND name_key = ?2")?
                .query_row([&account_id, &key], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                return Err(StoreError::already_exists(format!(
                    "Role with name {} already exists.",
                    role.name
                )));
            }
            check_boundary(ctx.conn, &account_id, role.permissions_boundary.as_deref())?;
            let role_id = ids::unique_id(IdPrefix::Role);
            ctx.conn
                .prepare_cached(
                    "INSERT INTO roles (role_id, account_id, name, name_key, path, created_ms, trust_policy,
                        description, max_session_duration, boundary_arn, service_linked)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    role_id,
                    account_id,
                    role.name,
                    key,
                    role.path,
                    ctx.now.millis(),
                    role.assume_role_policy,
                    role.description,
                    i64::from(role.max_session_duration),
                    role.permissions_boundary,
                    i64::from(role.service_linked)
                ])?;
            insert_tags(ctx.conn, &role_id, &role.tags)?;
            trust_principals::record(ctx.conn, &role_id, &role.assume_role_policy)?;
            Ok(Role {
                account_id,
                role_id,
                name: role.name,
                path: role.path,
                created: ctx.now,
                assume_role_policy: role.assume_role_policy,
                description: role.description,
                max_session_duration: role.max_session_duration,
                permissions_boundary: role.permissions_boundary,
                last_used: None,
                service_linked: role.service_linked,
                tags: role.tags,
            })
        })
        .await
    }

    async fn get_role(&self, account_id: &str, name: &str) -> StoreResult<Role> {
        self.read(|conn| load_role(conn, account_id, name))
    }

    async fn get_role_by_id(&self, account_id: &str, role_id: &str) -> StoreResult<Option<Role>> {
        self.read(|conn| {
            let sql =
                format!("SELECT {ROLE_COLUMNS} FROM roles WHERE role_id = ?1 AND account_id = ?2");
            let role = conn
                .prepare_cached(&sql)?
                .query_row([role_id, account_id], role_from_row)
                .optional()?;
            match role {
                Some(mut role) => {
                    role.tags = load_tags(conn, &role.role_id)?;
                    as_shown(conn, role).map(Some)
                }
                None => Ok(None),
            }
        })
    }

    async fn list_roles(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Role>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {ROLE_COLUMNS} FROM roles
                 WHERE account_id = ?1 AND name_key > ?2 AND {}
                 ORDER BY name_key LIMIT ?4",
                path_prefix_clause("path", 3)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, after, path_prefix, page.fetch_limit()],
                    role_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let rows = rows
                .into_iter()
                .map(|role| as_shown(conn, role))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page::from_rows(rows, page, |r| name_key(&r.name)))
        })
    }

    async fn update_role(
        &self,
        account_id: &str,
        name: &str,
        update: RoleUpdate,
    ) -> StoreResult<Role> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let mut role = load_role(ctx.conn, &account_id, &name)?;
            if let Some(description) = update.description {
                role.description = Some(description);
            }
            if let Some(duration) = update.max_session_duration {
                role.max_session_duration = duration;
            }
            ctx.conn
                .prepare_cached("UPDATE roles SET description = ?2, max_session_duration = ?3 WHERE role_id = ?1")?
                .execute(params![
                    role.role_id,
                    role.description,
                    i64::from(role.max_session_duration)
                ])?;
            ctx.auth_changed();
            Ok(role)
        })
        .await
    }

    async fn update_assume_role_policy(
        &self,
        account_id: &str,
        name: &str,
        document: &str,
    ) -> StoreResult<()> {
        let (account_id, name, document) =
            (account_id.to_owned(), name.to_owned(), document.to_owned());
        self.write(move |ctx| {
            let role_id = role_id(ctx.conn, &account_id, &name)?;
            ctx.conn
                .prepare_cached("UPDATE roles SET trust_policy = ?2 WHERE role_id = ?1")?
                .execute([&role_id, &document])?;
            trust_principals::record(ctx.conn, &role_id, &document)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn delete_role(&self, account_id: &str, name: &str) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let role = load_role(ctx.conn, &account_id, &name)?;
            let id = role.role_id.as_str();
            let conflicts = [
                (
                    "SELECT 1 FROM instance_profile_roles WHERE role_id = ?1",
                    "Cannot delete entity, must remove roles from instance profile first.",
                ),
                (
                    "SELECT 1 FROM inline_policies WHERE owner_id = ?1",
                    "Cannot delete entity, must delete policies first.",
                ),
                (
                    "SELECT 1 FROM attachments WHERE owner_id = ?1",
                    "Cannot delete entity, must detach all policies first.",
                ),
            ];
            for (sql, message) in conflicts {
                if exists(ctx.conn, sql, id)? {
                    return Err(StoreError::delete_conflict(message));
                }
            }
            ctx.conn
                .prepare_cached("DELETE FROM roles WHERE role_id = ?1")?
                .execute([id])?;
            delete_tags(ctx.conn, id)?;
            // Trust policies naming this role keep its unique id (trust_principals).
            trust_principals::forget(ctx.conn, id)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn record_role_use(&self, uses: Vec<(String, String, RoleLastUsed)>) -> StoreResult<()> {
        if uses.is_empty() {
            return Ok(());
        }
        self.write(move |ctx| {
            let mut stmt = ctx.conn.prepare_cached(
                "UPDATE roles SET last_used_ms = ?3, last_used_region = ?4 WHERE account_id = ?1 AND role_id = ?2",
            )?;
            for (account_id, role_id, used) in &uses {
                stmt.execute(params![account_id, role_id, used.date.millis(), used.region])?;
            }
            Ok(())
        })
        .await
    }
}
