//! Instance profiles and the role each may hold.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::*;
use super::SqliteStore;
use crate::api::InstanceProfileStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{self, IdPrefix};
use crate::model::*;
use crate::page::{Page, PageRequest};

/// A profile holds at most this many roles.
const MAX_ROLES_PER_PROFILE: i64 = 1;

fn with_roles_and_tags(
    conn: &Connection,
    mut profile: InstanceProfile,
) -> StoreResult<InstanceProfile> {
    let columns = ROLE_COLUMNS
        .split(", ")
        .map(|c| format!("r.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM instance_profile_roles ipr JOIN roles r ON r.role_id = ipr.role_id
         WHERE ipr.instance_profile_id = ?1 ORDER BY r.name_key"
    );
    profile.roles = conn
        .prepare_cached(&sql)?
        .query_map([&profile.instance_profile_id], role_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let roles = std::mem::take(&mut profile.roles);
    for mut role in roles {
        role.tags = load_tags(conn, &role.role_id)?;
        profile.roles.push(super::roles::as_shown(conn, role)?);
    }
    profile.tags = load_tags(conn, &profile.instance_profile_id)?;
    Ok(profile)
}

fn load_profile(conn: &Connection, account_id: &str, name: &str) -> StoreResult<InstanceProfile> {
    let sql = format!(
        "SELECT {INSTANCE_PROFILE_COLUMNS} FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2"
    );
    let profile = conn
        .prepare_cached(&sql)?
        .query_row([account_id, &name_key(name)], instance_profile_from_row)
        .optional()?
        .ok_or_else(|| StoreError::no_such_instance_profile(name))?;
    with_roles_and_tags(conn, profile)
}

#[async_trait]
impl InstanceProfileStore for SqliteStore {
    async fn create_instance_profile(
        &self,
        account_id: &str,
        name: &str,
        path: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<InstanceProfile> {
        let (account_id, name, path) = (account_id.to_owned(), name.to_owned(), path.to_owned());
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let key = name_key(&name);
            let taken = ctx
                .conn
                .prepare_cached("SELECT 1 FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2")?
                .query_row([&account_id, &key], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                return Err(StoreError::already_exists(format!(
                    "Instance Profile {name} already exists."
                )));
            }
            let id = ids::unique_id(IdPrefix::InstanceProfile);
            ctx.conn
                .prepare_cached(
                    "INSERT INTO instance_profiles (instance_profile_id, account_id, name, name_key, path, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![id, account_id, name, key, path, ctx.now.millis()])?;
            insert_tags(ctx.conn, &id, &tags)?;
            Ok(InstanceProfile {
                account_id,
                instance_profile_id: id,
                name,
                path,
                created: ctx.now,
                roles: Vec::new(),
                tags,
            })
        })
        .await
    }

    async fn get_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> StoreResult<InstanceProfile> {
        self.read(|conn| load_profile(conn, account_id, name))
    }

    async fn list_instance_profiles(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<InstanceProfile>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {INSTANCE_PROFILE_COLUMNS} FROM instance_profiles
                 WHERE account_id = ?1 AND name_key > ?2 AND {}
                 ORDER BY name_key LIMIT ?4",
                path_prefix_clause("path", 3)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, after, path_prefix, page.fetch_limit()],
                    instance_profile_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let rows = rows
                .into_iter()
                .map(|p| with_roles_and_tags(conn, p))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page::from_rows(rows, page, |p| name_key(&p.name)))
        })
    }

    async fn delete_instance_profile(&self, account_id: &str, name: &str) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let id = instance_profile_id(ctx.conn, &account_id, &name)?;
            if exists(
                ctx.conn,
                "SELECT 1 FROM instance_profile_roles WHERE instance_profile_id = ?1",
                &id,
            )? {
                return Err(StoreError::delete_conflict(
                    "Cannot delete entity, must remove roles from instance profile first.",
                ));
            }
            ctx.conn
                .prepare_cached("DELETE FROM instance_profiles WHERE instance_profile_id = ?1")?
                .execute([&id])?;
            delete_tags(ctx.conn, &id)?;
            Ok(())
        })
        .await
    }

    async fn add_role_to_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let (account_id, profile, role) =
            (account_id.to_owned(), profile.to_owned(), role.to_owned());
        self.write(move |ctx| {
            let profile_id = instance_profile_id(ctx.conn, &account_id, &profile)?;
            let role_id = role_id(ctx.conn, &account_id, &role)?;
            let count: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM instance_profile_roles WHERE instance_profile_id = ?1")?
                .query_row([&profile_id], |r| r.get(0))?;
            if count >= MAX_ROLES_PER_PROFILE {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: {MAX_ROLES_PER_PROFILE}"
                )));
            }
            ctx.conn
                .prepare_cached("INSERT INTO instance_profile_roles (instance_profile_id, role_id) VALUES (?1, ?2)")?
                .execute([&profile_id, &role_id])?;
            Ok(())
        })
        .await
    }

    async fn remove_role_from_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let (account_id, profile, role) =
            (account_id.to_owned(), profile.to_owned(), role.to_owned());
        self.write(move |ctx| {
            let profile_id = instance_profile_id(ctx.conn, &account_id, &profile)?;
            let role_id = role_id(ctx.conn, &account_id, &role)?;
            let removed = ctx
                .conn
                .prepare_cached("DELETE FROM instance_profile_roles WHERE instance_profile_id = ?1 AND role_id = ?2")?
                .execute([&profile_id, &role_id])?;
            if removed == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "The role with name {role} cannot be found in instance profile {profile}."
                )));
            }
            Ok(())
        })
        .await
    }

    async fn list_instance_profiles_for_role(
        &self,
        account_id: &str,
        role: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<InstanceProfile>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let role_id = role_id(conn, account_id, role)?;
            let columns = INSTANCE_PROFILE_COLUMNS
                .split(", ")
                .map(|c| format!("p.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {columns} FROM instance_profile_roles ipr
                 JOIN instance_profiles p ON p.instance_profile_id = ipr.instance_profile_id
                 WHERE ipr.role_id = ?1 AND p.name_key > ?2 ORDER BY p.name_key LIMIT ?3"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![role_id, after, page.fetch_limit()],
                    instance_profile_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let rows = rows
                .into_iter()
                .map(|p| with_roles_and_tags(conn, p))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page::from_rows(rows, page, |p| name_key(&p.name)))
        })
    }
}
