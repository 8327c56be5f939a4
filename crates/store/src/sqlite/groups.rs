//! IAM groups and their members.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::*;
use super::SqliteStore;
use crate::api::GroupStore;
use crate::error::{StoreError, StoreResult};
use crate::ids::{self, IdPrefix};
use crate::model::*;
use crate::page::{Page, PageRequest};

/// At most this many groups per user.
const MAX_GROUPS_PER_USER: i64 = 10;

fn load_group(conn: &Connection, account_id: &str, name: &str) -> StoreResult<Group> {
    let sql =
        format!("SELECT {GROUP_COLUMNS} FROM iam_groups WHERE account_id = ?1 AND name_key = ?2");
    conn.prepare_cached(&sql)?
        .query_row([account_id, &name_key(name)], group_from_row)
        .optional()?
        .ok_or_else(|| StoreError::no_such_group(name))
}

fn group_exists_error(name: &str) -> StoreError {
    StoreError::already_exists(format!("Group with name {name} already exists."))
}

fn name_taken(conn: &Connection, account_id: &str, key: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM iam_groups WHERE account_id = ?1 AND name_key = ?2")?
        .query_row([account_id, key], |_| Ok(()))
        .optional()?
        .is_some())
}

#[async_trait]
impl GroupStore for SqliteStore {
    async fn create_group(&self, account_id: &str, name: &str, path: &str) -> StoreResult<Group> {
        let (account_id, name, path) = (account_id.to_owned(), name.to_owned(), path.to_owned());
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let key = name_key(&name);
            if name_taken(ctx.conn, &account_id, &key)? {
                return Err(group_exists_error(&name));
            }
            let group_id = ids::unique_id(IdPrefix::Group);
            ctx.conn
                .prepare_cached(
                    "INSERT INTO iam_groups (group_id, account_id, name, name_key, path, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![group_id, account_id, name, key, path, ctx.now.millis()])?;
            Ok(Group {
                account_id,
                group_id,
                name,
                path,
                created: ctx.now,
            })
        })
        .await
    }

    async fn get_group(&self, account_id: &str, name: &str) -> StoreResult<Group> {
        self.read(|conn| load_group(conn, account_id, name))
    }

    async fn list_groups(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {GROUP_COLUMNS} FROM iam_groups
                 WHERE account_id = ?1 AND name_key > ?2 AND {}
                 ORDER BY name_key LIMIT ?4",
                path_prefix_clause("path", 3)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, after, path_prefix, page.fetch_limit()],
                    group_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |g| name_key(&g.name)))
        })
    }

    async fn update_group(
        &self,
        account_id: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<Group> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        let (new_name, new_path) = (new_name.map(str::to_owned), new_path.map(str::to_owned));
        self.write(move |ctx| {
            let group = load_group(ctx.conn, &account_id, &name)?;
            let new_name = new_name.unwrap_or_else(|| group.name.clone());
            let new_path = new_path.unwrap_or_else(|| group.path.clone());
            let new_key = name_key(&new_name);
            if new_key != name_key(&group.name) && name_taken(ctx.conn, &account_id, &new_key)? {
                return Err(group_exists_error(&new_name));
            }
            ctx.conn
                .prepare_cached(
                    "UPDATE iam_groups SET name = ?2, name_key = ?3, path = ?4 WHERE group_id = ?1",
                )?
                .execute(params![group.group_id, new_name, new_key, new_path])?;
            ctx.auth_changed();
            Ok(Group {
                name: new_name,
                path: new_path,
                ..group
            })
        })
        .await
    }

    async fn delete_group(&self, account_id: &str, name: &str) -> StoreResult<()> {
        let (account_id, name) = (account_id.to_owned(), name.to_owned());
        self.write(move |ctx| {
            let group = load_group(ctx.conn, &account_id, &name)?;
            let id = group.group_id.as_str();
            let conflicts = [
                (
                    "SELECT 1 FROM group_members WHERE group_id = ?1",
                    "Cannot delete entity, must remove users from group first.",
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
                .prepare_cached("DELETE FROM iam_groups WHERE group_id = ?1")?
                .execute([id])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn add_user_to_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> StoreResult<()> {
        let (account_id, group, user) = (account_id.to_owned(), group.to_owned(), user.to_owned());
        self.write(move |ctx| {
            let group_id = group_id(ctx.conn, &account_id, &group)?;
            let user_id = user_id(ctx.conn, &account_id, &user)?;
            let count: i64 = ctx
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM group_members WHERE user_id = ?1 AND group_id != ?2",
                )?
                .query_row([&user_id, &group_id], |r| r.get(0))?;
            if count >= MAX_GROUPS_PER_USER {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}"
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?1, ?2)",
                )?
                .execute([&group_id, &user_id])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn remove_user_from_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> StoreResult<()> {
        let (account_id, group, user) = (account_id.to_owned(), group.to_owned(), user.to_owned());
        self.write(move |ctx| {
            let group_id = group_id(ctx.conn, &account_id, &group)?;
            let user_id = user_id(ctx.conn, &account_id, &user)?;
            let removed = ctx
                .conn
                .prepare_cached("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2")?
                .execute([&group_id, &user_id])?;
            if removed == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "User {user} is not in group {group}."
                )));
            }
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_group_members(
        &self,
        account_id: &str,
        group: &str,
        page: &PageRequest,
    ) -> StoreResult<(Group, Page<User>)> {
        let after = page.after_key()?;
        self.read(|conn| {
            let group = load_group(conn, account_id, group)?;
            let columns = USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {columns} FROM group_members m JOIN users u ON u.user_id = m.user_id
                 WHERE m.group_id = ?1 AND u.name_key > ?2 ORDER BY u.name_key LIMIT ?3"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![group.group_id, after, page.fetch_limit()],
                    user_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((group, Page::from_rows(rows, page, |u| name_key(&u.name))))
        })
    }

    async fn list_groups_for_user(
        &self,
        account_id: &str,
        user: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let user_id = user_id(conn, account_id, user)?;
            let columns = GROUP_COLUMNS
                .split(", ")
                .map(|c| format!("g.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {columns} FROM group_members m JOIN iam_groups g ON g.group_id = m.group_id
                 WHERE m.user_id = ?1 AND g.name_key > ?2 ORDER BY g.name_key LIMIT ?3"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(params![user_id, after, page.fetch_limit()], group_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |g| name_key(&g.name)))
        })
    }
}
