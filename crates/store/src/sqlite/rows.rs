//! Row mapping and lookups shared by the family modules.
use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::time::Timestamp;

/// The key names are unique under: IAM compares names case-insensitively.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// SQL that keeps rows whose `path` column starts with the bound prefix `?N`.
pub fn path_prefix_clause(column: &str, param: usize) -> String {
    format!("substr({column}, 1, length(?{param})) = ?{param}")
}

pub const USER_COLUMNS: &str =
    "user_id, account_id, name, path, created_ms, boundary_arn, password_last_used_ms";

pub fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        user_id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        created: Timestamp(row.get(4)?),
        permissions_boundary: row.get(5)?,
        password_last_used: row.get::<_, Option<i64>>(6)?.map(Timestamp),
        tags: Vec::new(),
    })
}

pub const GROUP_COLUMNS: &str = "group_id, account_id, name, path, created_ms";

pub fn group_from_row(row: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        group_id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        created: Timestamp(row.get(4)?),
    })
}

pub const ROLE_COLUMNS: &str = "role_id, account_id, name, path, created_ms, trust_policy, \
     description, max_session_duration, boundary_arn, last_used_ms, last_used_region, service_linked";

pub fn role_from_row(row: &Row<'_>) -> rusqlite::Result<Role> {
    let last_used_ms: Option<i64> = row.get(9)?;
    let last_used_region: Option<String> = row.get(10)?;
    Ok(Role {
        role_id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        created: Timestamp(row.get(4)?),
        assume_role_policy: row.get(5)?,
        description: row.get(6)?,
        max_session_duration: row.get::<_, i64>(7)?.clamp(0, i64::from(u32::MAX)) as u32,
        permissions_boundary: row.get(8)?,
        last_used: last_used_ms.map(|ms| RoleLastUsed {
            date: Timestamp(ms),
            region: last_used_region.unwrap_or_default(),
        }),
        service_linked: row.get::<_, i64>(11)? != 0,
        tags: Vec::new(),
    })
}

pub const INSTANCE_PROFILE_COLUMNS: &str =
    "instance_profile_id, account_id, name, path, created_ms";

pub fn instance_profile_from_row(row: &Row<'_>) -> rusqlite::Result<InstanceProfile> {
    Ok(InstanceProfile {
        instance_profile_id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        created: Timestamp(row.get(4)?),
        roles: Vec::new(),
        tags: Vec::new(),
    })
}

pub fn load_tags(conn: &Connection, owner_id: &str) -> StoreResult<Vec<Tag>> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM tags WHERE owner_id = ?1 ORDER BY position")?;
    let tags = stmt
        .query_map([owner_id], |r| {
            Ok(Tag::new(r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tags)
}

/// Stores `tags` for a new entity (no earlier tags).
pub fn insert_tags(conn: &Connection, owner_id: &str, tags: &[Tag]) -> StoreResult<()> {
    if tags.len() > MAX_TAGS {
        return Err(tag_limit_error());
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO tags (owner_id, key_lc, key, value, position) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (owner_id, key_lc) DO UPDATE SET key = excluded.key, value = excluded.value",
    )?;
    for (position, tag) in tags.iter().enumerate() {
        stmt.execute(rusqlite::params![
            owner_id,
            name_key(&tag.key),
            tag.key,
            tag.value,
            position as i64
        ])?;
    }
    Ok(())
}

pub fn delete_tags(conn: &Connection, owner_id: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM tags WHERE owner_id = ?1")?
        .execute([owner_id])?;
    Ok(())
}

/// Adds `tags` to an owner's tags: a key already present (case-insensitively) takes
/// the new value in its place, new keys go last; more than [`MAX_TAGS`] in all is
/// refused and nothing changes.
pub fn merge_tags(conn: &Connection, owner_id: &str, tags: Vec<Tag>) -> StoreResult<()> {
    let mut current = load_tags(conn, owner_id)?;
    for tag in tags {
        let key = name_key(&tag.key);
        match current.iter_mut().find(|t| name_key(&t.key) == key) {
            Some(existing) => *existing = tag,
            None => current.push(tag),
        }
    }
    if current.len() > MAX_TAGS {
        return Err(tag_limit_error());
    }
    delete_tags(conn, owner_id)?;
    insert_tags(conn, owner_id, &current)
}

/// Removes the tags with these keys (case-insensitively); absent keys are ignored.
pub fn remove_tags(conn: &Connection, owner_id: &str, keys: &[String]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM tags WHERE owner_id = ?1 AND key_lc = ?2")?;
    for key in keys {
        stmt.execute(rusqlite::params![owner_id, name_key(key)])?;
    }
    Ok(())
}

/// One page of an owner's tags in the order they were written; the marker is the
/// position of the last tag returned.
pub fn tags_page(conn: &Connection, owner_id: &str, page: &PageRequest) -> StoreResult<Page<Tag>> {
    let after = page.after_key()?;
    let after: i64 = if after.is_empty() {
        -1
    } else {
        after.parse().unwrap_or(i64::MAX)
    };
    let rows = conn
        .prepare_cached(
            "SELECT key, value, position FROM tags WHERE owner_id = ?1 AND position > ?2
             ORDER BY position LIMIT ?3",
        )?
        .query_map(
            rusqlite::params![owner_id, after, page.fetch_limit()],
            |r| {
                Ok((
                    Tag::new(r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page, |(_, position)| position.to_string()).map(|(tag, _)| tag))
}

pub fn tag_limit_error() -> StoreError {
    StoreError::limit_exceeded(format!(
        "The number of tags has reached the maximum limit of {MAX_TAGS}."
    ))
}

fn id_by_name(
    conn: &Connection,
    sql: &str,
    account_id: &str,
    name: &str,
) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row([account_id, &name_key(name)], |r| r.get(0))
        .optional()?)
}

pub fn user_id(conn: &Connection, account_id: &str, name: &str) -> StoreResult<String> {
    id_by_name(
        conn,
        "SELECT user_id FROM users WHERE account_id = ?1 AND name_key = ?2",
        account_id,
        name,
    )?
    .ok_or_else(|| StoreError::no_such_user(name))
}

pub fn group_id(conn: &Connection, account_id: &str, name: &str) -> StoreResult<String> {
    id_by_name(
        conn,
        "SELECT group_id FROM iam_groups WHERE account_id = ?1 AND name_key = ?2",
        account_id,
        name,
    )?
    .ok_or_else(|| StoreError::no_such_group(name))
}

pub fn role_id(conn: &Connection, account_id: &str, name: &str) -> StoreResult<String> {
    id_by_name(
        conn,
        "SELECT role_id FROM roles WHERE account_id = ?1 AND name_key = ?2",
        account_id,
        name,
    )?
    .ok_or_else(|| StoreError::no_such_role(name))
}

pub fn instance_profile_id(conn: &Connection, account_id: &str, name: &str) -> StoreResult<String> {
    id_by_name(
        conn,
        "SELECT instance_profile_id FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2",
        account_id,
        name,
    )?
    .ok_or_else(|| StoreError::no_such_instance_profile(name))
}

/// A customer managed policy's id by ARN, within the account.
pub fn policy_id(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<String> {
    conn.prepare_cached("SELECT policy_id FROM policies WHERE account_id = ?1 AND arn = ?2")?
        .query_row([account_id, arn], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::no_such_policy(arn))
}

/// The unique id of a user, group or role named as the API names it.
pub fn principal_id(
    conn: &Connection,
    account_id: &str,
    principal: PrincipalName<'_>,
) -> StoreResult<String> {
    match principal.kind {
        PrincipalKind::User => user_id(conn, account_id, principal.name),
        PrincipalKind::Group => group_id(conn, account_id, principal.name),
        PrincipalKind::Role => role_id(conn, account_id, principal.name),
    }
}

/// Whether an account exists; writes into an unknown account are refused.
pub fn require_account(conn: &Connection, account_id: &str) -> StoreResult<()> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM accounts WHERE account_id = ?1")?
        .query_row([account_id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or_else(|| {
        StoreError::no_such_entity(format!("The account {account_id} does not exist."))
    })
}

/// Whether `sql` (one `?1` parameter) finds any row.
pub fn exists(conn: &Connection, sql: &str, param: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row([param], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The name part of an ARN (after the last `/`), for attachments of AWS managed policies.
pub fn policy_name_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
