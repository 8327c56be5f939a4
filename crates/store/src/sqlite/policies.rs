//! Customer managed policies and their versions.
use std::collections::BTreeMap;

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::*;
use super::SqliteStore;
use crate::api::{PolicyFilter, PolicyStore, PolicyUsage};
use crate::error::{StoreError, StoreResult};
use crate::ids::{self, IdPrefix};
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::time::Timestamp;

/// Columns of [`policy_from_row`]; `?1` must be bound to the account id, for the counts.
const POLICY_SELECT: &str = "SELECT p.policy_id, p.account_id, p.name, p.path, p.description,
        p.created_ms, p.updated_ms, p.default_version,
        (SELECT COUNT(*) FROM attachments a WHERE a.account_id = ?1 AND a.policy_arn = p.arn),
        (SELECT COUNT(*) FROM users u WHERE u.account_id = ?1 AND u.boundary_arn = p.arn)
          + (SELECT COUNT(*) FROM roles r WHERE r.account_id = ?1 AND r.boundary_arn = p.arn)
     FROM policies p";

fn policy_from_row(row: &Row<'_>) -> rusqlite::Result<ManagedPolicy> {
    let count = |i: usize| -> rusqlite::Result<u32> {
        Ok(row.get::<_, i64>(i)?.clamp(0, i64::from(u32::MAX)) as u32)
    };
    Ok(ManagedPolicy {
        policy_id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        description: row.get(4)?,
        created: Timestamp(row.get(5)?),
        updated: Timestamp(row.get(6)?),
        default_version_id: format!("v{}", row.get::<_, i64>(7)?),
        attachment_count: count(8)?,
        permissions_boundary_usage_count: count(9)?,
        tags: Vec::new(),
    })
}

pub(super) fn load_policy(
    conn: &Connection,
    account_id: &str,
    arn: &str,
) -> StoreResult<ManagedPolicy> {
    let sql = format!("{POLICY_SELECT} WHERE p.account_id = ?1 AND p.arn = ?2");
    let mut policy = conn
        .prepare_cached(&sql)?
        .query_row([account_id, arn], policy_from_row)
        .optional()?
        .ok_or_else(|| StoreError::no_such_policy(arn))?;
    policy.tags = load_tags(conn, &policy.policy_id)?;
    Ok(policy)
}

/// `v3` → 3.
fn parse_version_id(version_id: &str) -> Option<i64> {
    version_id
        .strip_prefix('v')
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

fn no_such_version(arn: &str, version_id: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "Policy {arn} version {version_id} does not exist or is not attachable."
    ))
}

/// The policy id and default version number of a customer policy.
fn policy_header(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<(String, i64)> {
    conn.prepare_cached(
        "SELECT policy_id, default_version FROM policies WHERE account_id = ?1 AND arn = ?2",
    )?
    .query_row([account_id, arn], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .ok_or_else(|| StoreError::no_such_policy(arn))
}

fn existing_version(
    conn: &Connection,
    policy_id: &str,
    arn: &str,
    version_id: &str,
) -> StoreResult<i64> {
    let version = parse_version_id(version_id).ok_or_else(|| no_such_version(arn, version_id))?;
    let found = conn
        .prepare_cached("SELECT 1 FROM policy_versions WHERE policy_id = ?1 AND version = ?2")?
        .query_row(params![policy_id, version], |_| Ok(()))
        .optional()?;
    found
        .map(|_| version)
        .ok_or_else(|| no_such_version(arn, version_id))
}

#[async_trait]
impl PolicyStore for SqliteStore {
    async fn create_policy(
        &self,
        account_id: &str,
        policy: NewPolicy,
    ) -> StoreResult<ManagedPolicy> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let key = name_key(&policy.name);
            let taken = ctx
                .conn
                .prepare_cached("SELECT 1 FROM policies WHERE account_id = ?1 AND name_key = ?2")?
                .query_row([&account_id, &key], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                return Err(StoreError::already_exists(format!(
                    "A policy called {} already exists. Duplicate names are not allowed.",
                    policy.name
                )));
            }
            let policy_id = ids::unique_id(IdPrefix::Policy);
            let arn = iam_arn(&account_id, "policy", &policy.path, &policy.name);
            let now = ctx.now.millis();
            ctx.conn
                .prepare_cached(
                    "INSERT INTO policies (policy_id, account_id, name, name_key, path, arn, description,
                        created_ms, updated_ms, default_version, next_version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1, 2)",
                )?
                .execute(params![policy_id, account_id, policy.name, key, policy.path, arn, policy.description, now])?;
            ctx.conn
                .prepare_cached(
                    "INSERT INTO policy_versions (policy_id, version, document, created_ms) VALUES (?1, 1, ?2, ?3)",
                )?
                .execute(params![policy_id, policy.document, now])?;
            insert_tags(ctx.conn, &policy_id, &policy.tags)?;
            Ok(ManagedPolicy {
                account_id,
                policy_id,
                name: policy.name,
                path: policy.path,
                description: policy.description,
                created: ctx.now,
                updated: ctx.now,
                default_version_id: "v1".into(),
                attachment_count: 0,
                permissions_boundary_usage_count: 0,
                tags: policy.tags,
            })
        })
        .await
    }

    async fn get_policy(&self, account_id: &str, arn: &str) -> StoreResult<ManagedPolicy> {
        self.read(|conn| load_policy(conn, account_id, arn))
    }

    async fn list_policies(
        &self,
        account_id: &str,
        filter: &PolicyFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ManagedPolicy>> {
        let after = page.after_key()?;
        // The usage filter narrows OnlyAttached to the kind of use asked for.
        let used = match (filter.only_attached, filter.usage) {
            (false, _) => "1",
            (true, PolicyUsage::Any | PolicyUsage::PermissionsPolicy) => "attachment_count > 0",
            (true, PolicyUsage::PermissionsBoundary) => "boundary_count > 0",
        };
        self.read(|conn| {
            let sql = format!(
                "SELECT * FROM (
                    SELECT p.policy_id, p.account_id, p.name, p.path, p.description, p.created_ms,
                        p.updated_ms, p.default_version,
                        (SELECT COUNT(*) FROM attachments a WHERE a.account_id = ?1 AND a.policy_arn = p.arn)
                            AS attachment_count,
                        (SELECT COUNT(*) FROM users u WHERE u.account_id = ?1 AND u.boundary_arn = p.arn)
                          + (SELECT COUNT(*) FROM roles r WHERE r.account_id = ?1 AND r.boundary_arn = p.arn)
                            AS boundary_count,
                        p.name_key
                    FROM policies p
                    WHERE p.account_id = ?1 AND p.name_key > ?2 AND {}
                 ) WHERE {used} ORDER BY name_key LIMIT ?4",
                path_prefix_clause("p.path", 3)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(params![account_id, after, filter.path_prefix, page.fetch_limit()], policy_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |p| name_key(&p.name)))
        })
    }

    async fn delete_policy(&self, account_id: &str, arn: &str) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let policy = load_policy(ctx.conn, &account_id, &arn)?;
            if policy.attachment_count > 0 {
                return Err(StoreError::delete_conflict("Cannot delete a policy attached to entities."));
            }
            if policy.permissions_boundary_usage_count > 0 {
                return Err(StoreError::delete_conflict(
                    "Cannot delete a policy used as a permissions boundary.",
                ));
            }
            let versions: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM policy_versions WHERE policy_id = ?1")?
                .query_row([&policy.policy_id], |r| r.get(0))?;
            if versions > 1 {
                return Err(StoreError::delete_conflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
                ));
            }
            ctx.conn
                .prepare_cached("DELETE FROM policy_versions WHERE policy_id = ?1")?
                .execute([&policy.policy_id])?;
            ctx.conn
                .prepare_cached("DELETE FROM policies WHERE policy_id = ?1")?
                .execute([&policy.policy_id])?;
            delete_tags(ctx.conn, &policy.policy_id)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn create_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        document: &str,
        set_as_default: bool,
    ) -> StoreResult<PolicyVersion> {
        let (account_id, arn, document) =
            (account_id.to_owned(), arn.to_owned(), document.to_owned());
        self.write(move |ctx| {
            let (policy_id, version) = ctx
                .conn
                .prepare_cached("SELECT policy_id, next_version FROM policies WHERE account_id = ?1 AND arn = ?2")?
                .query_row([&account_id, &arn], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .optional()?
                .ok_or_else(|| StoreError::no_such_policy(&arn))?;
            let count: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM policy_versions WHERE policy_id = ?1")?
                .query_row([&policy_id], |r| r.get(0))?;
            if count >= MAX_POLICY_VERSIONS as i64 {
                return Err(StoreError::limit_exceeded(format!(
                    "A managed policy can have up to {MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version."
                )));
            }
            let now = ctx.now.millis();
            ctx.conn
                .prepare_cached(
                    "INSERT INTO policy_versions (policy_id, version, document, created_ms) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![policy_id, version, document, now])?;
            ctx.conn
                .prepare_cached(
                    "UPDATE policies SET next_version = ?2 + 1, updated_ms = ?3,
                        default_version = CASE WHEN ?4 THEN ?2 ELSE default_version END
                     WHERE policy_id = ?1",
                )?
                .execute(params![policy_id, version, now, set_as_default])?;
            if set_as_default {
                ctx.auth_changed();
            }
            Ok(PolicyVersion {
                version_id: format!("v{version}"),
                document,
                is_default: set_as_default,
                created: ctx.now,
            })
        })
        .await
    }

    async fn get_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<PolicyVersion> {
        self.read(|conn| {
            let (policy_id, default_version) = policy_header(conn, account_id, arn)?;
            let version = parse_version_id(version_id).ok_or_else(|| no_such_version(arn, version_id))?;
            conn.prepare_cached(
                "SELECT document, created_ms FROM policy_versions WHERE policy_id = ?1 AND version = ?2",
            )?
            .query_row(params![policy_id, version], |r| {
                Ok(PolicyVersion {
                    version_id: format!("v{version}"),
                    document: r.get(0)?,
                    is_default: version == default_version,
                    created: Timestamp(r.get(1)?),
                })
            })
            .optional()?
            .ok_or_else(|| no_such_version(arn, version_id))
        })
    }

    async fn list_policy_versions(
        &self,
        account_id: &str,
        arn: &str,
    ) -> StoreResult<Vec<PolicyVersion>> {
        self.read(|conn| {
            let (policy_id, default_version) = policy_header(conn, account_id, arn)?;
            let versions = conn
                .prepare_cached(
                    "SELECT version, document, created_ms FROM policy_versions WHERE policy_id = ?1
                     ORDER BY version DESC",
                )?
                .query_map([&policy_id], |r| {
                    let version: i64 = r.get(0)?;
                    Ok(PolicyVersion {
                        version_id: format!("v{version}"),
                        document: r.get(1)?,
                        is_default: version == default_version,
                        created: Timestamp(r.get(2)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(versions)
        })
    }

    async fn delete_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, version_id) =
            (account_id.to_owned(), arn.to_owned(), version_id.to_owned());
        self.write(move |ctx| {
            let (policy_id, default_version) = policy_header(ctx.conn, &account_id, &arn)?;
            let version = existing_version(ctx.conn, &policy_id, &arn, &version_id)?;
            if version == default_version {
                return Err(StoreError::delete_conflict(
                    "Cannot delete the default version of a policy.",
                ));
            }
            ctx.conn
                .prepare_cached(
                    "DELETE FROM policy_versions WHERE policy_id = ?1 AND version = ?2",
                )?
                .execute(params![policy_id, version])?;
            Ok(())
        })
        .await
    }

    async fn set_default_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, version_id) =
            (account_id.to_owned(), arn.to_owned(), version_id.to_owned());
        self.write(move |ctx| {
            let (policy_id, _) = policy_header(ctx.conn, &account_id, &arn)?;
            let version = existing_version(ctx.conn, &policy_id, &arn, &version_id)?;
            ctx.conn
                .prepare_cached("UPDATE policies SET default_version = ?2, updated_ms = ?3 WHERE policy_id = ?1")?
                .execute(params![policy_id, version, ctx.now.millis()])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn policy_usage_counts(&self, account_id: &str) -> StoreResult<Vec<(String, u32, u32)>> {
        self.read(|conn| {
            let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT policy_arn, COUNT(*) FROM attachments WHERE account_id = ?1 GROUP BY policy_arn",
            )?;
            let rows = stmt.query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (arn, n) = row?;
                counts.entry(arn).or_default().0 += n.clamp(0, i64::from(u32::MAX)) as u32;
            }
            let mut stmt = conn.prepare_cached(
                "SELECT boundary_arn, COUNT(*) FROM (
                    SELECT boundary_arn FROM users WHERE account_id = ?1 AND boundary_arn IS NOT NULL
                    UNION ALL
                    SELECT boundary_arn FROM roles WHERE account_id = ?1 AND boundary_arn IS NOT NULL
                 ) GROUP BY boundary_arn",
            )?;
            let rows = stmt.query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (arn, n) = row?;
                counts.entry(arn).or_default().1 += n.clamp(0, i64::from(u32::MAX)) as u32;
            }
            Ok(counts.into_iter().map(|(arn, (a, b))| (arn, a, b)).collect())
        })
    }
}
