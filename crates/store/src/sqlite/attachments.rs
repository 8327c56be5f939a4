//! Managed policies attached to users, groups and roles; permissions boundaries.
use async_trait::async_trait;
use rusqlite::{params, Connection};

use super::rows::*;
use super::users::check_boundary;
use super::SqliteStore;
use crate::api::{AttachmentStore, PolicyUsage};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::page::{Page, PageRequest};

/// Checks that `arn` may be attached in `account_id`: a customer policy must be one of
/// the account's own. AWS managed ARNs are checked by the API layer.
fn check_attachable(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<()> {
    if arn.starts_with("arn:aws:iam::aws:policy/") {
        return Ok(());
    }
    policy_id(conn, account_id, arn).map(|_| ())
}

fn quota_name(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User => "PoliciesPerUser",
        PrincipalKind::Group => "PoliciesPerGroup",
        PrincipalKind::Role => "PoliciesPerRole",
    }
}

/// The path part of a policy ARN (`arn:aws:iam::ACCT:policy/a/b/Name` → `/a/b/`).
fn path_of_policy_arn(arn: &str) -> &str {
    let Some(start) = arn.find(":policy/").map(|i| i + ":policy".len()) else {
        return "/";
    };
    let end = arn.rfind('/').map(|i| i + 1).unwrap_or(start + 1);
    arn.get(start..end).unwrap_or("/")
}

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn attach_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: &str,
    ) -> StoreResult<()> {
        let (account_id, kind, name, arn) = (
            account_id.to_owned(),
            principal.kind,
            principal.name.to_owned(),
            policy_arn.to_owned(),
        );
        self.write(move |ctx| {
            let owner_id = principal_id(ctx.conn, &account_id, PrincipalName { kind, name: &name })?;
            check_attachable(ctx.conn, &account_id, &arn)?;
            let already: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM attachments WHERE owner_id = ?1 AND policy_arn = ?2")?
                .query_row([&owner_id, &arn], |r| r.get(0))?;
            if already > 0 {
                return Ok(());
            }
            let count: i64 = ctx
                .conn
                .prepare_cached("SELECT COUNT(*) FROM attachments WHERE owner_id = ?1")?
                .query_row([&owner_id], |r| r.get(0))?;
            if count >= MAX_ATTACHED_POLICIES as i64 {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for {}: {MAX_ATTACHED_POLICIES}",
                    quota_name(kind)
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT INTO attachments (owner_id, account_id, owner_kind, policy_arn, policy_name, attached_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    owner_id,
                    account_id,
                    kind.as_str(),
                    arn,
                    policy_name_from_arn(&arn),
                    ctx.now.millis()
                ])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn detach_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: &str,
    ) -> StoreResult<()> {
        let (account_id, kind, name, arn) = (
            account_id.to_owned(),
            principal.kind,
            principal.name.to_owned(),
            policy_arn.to_owned(),
        );
        self.write(move |ctx| {
            let owner_id =
                principal_id(ctx.conn, &account_id, PrincipalName { kind, name: &name })?;
            let removed = ctx
                .conn
                .prepare_cached("DELETE FROM attachments WHERE owner_id = ?1 AND policy_arn = ?2")?
                .execute([&owner_id, &arn])?;
            if removed == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "Policy {arn} was not found."
                )));
            }
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_attached_policies(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<AttachedPolicy>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let owner_id = principal_id(conn, account_id, principal)?;
            let rows = conn
                .prepare_cached(
                    "SELECT policy_name, policy_arn FROM attachments WHERE owner_id = ?1 AND policy_arn > ?2
                     ORDER BY policy_arn",
                )?
                .query_map([&owner_id, &after], |r| {
                    Ok(AttachedPolicy {
                        policy_name: r.get(0)?,
                        policy_arn: r.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let rows = rows
                .into_iter()
                .filter(|p| path_of_policy_arn(&p.policy_arn).starts_with(path_prefix))
                .collect();
            Ok(Page::from_rows(rows, page, |p| p.policy_arn.clone()))
        })
    }

    async fn list_entities_for_policy(
        &self,
        account_id: &str,
        policy_arn: &str,
        kind: Option<PrincipalKind>,
        path_prefix: &str,
        usage: PolicyUsage,
        page: &PageRequest,
    ) -> StoreResult<Page<PolicyEntity>> {
        let after = page.after_key()?;
        self.read(|conn| {
            check_attachable(conn, account_id, policy_arn)?;
            let attached = matches!(usage, PolicyUsage::Any | PolicyUsage::PermissionsPolicy);
            let boundary = matches!(usage, PolicyUsage::Any | PolicyUsage::PermissionsBoundary);
            // Sort key: kind order (group, role, user as AWS lists them) then name.
            let sql = format!(
                "SELECT kind, name, id, sort_key FROM (
                    SELECT 'group' AS kind, g.name, g.group_id AS id, g.path, '1/' || g.name_key AS sort_key
                      FROM attachments a JOIN iam_groups g ON g.group_id = a.owner_id
                      WHERE ?5 AND a.account_id = ?1 AND a.policy_arn = ?2
                    UNION
                    SELECT 'role', r.name, r.role_id, r.path, '2/' || r.name_key
                      FROM attachments a JOIN roles r ON r.role_id = a.owner_id
                      WHERE ?5 AND a.account_id = ?1 AND a.policy_arn = ?2
                    UNION
                    SELECT 'role', r.name, r.role_id, r.path, '2/' || r.name_key
                      FROM roles r WHERE ?6 AND r.account_id = ?1 AND r.boundary_arn = ?2
                    UNION
                    SELECT 'user', u.name, u.user_id, u.path, '3/' || u.name_key
                      FROM attachments a JOIN users u ON u.user_id = a.owner_id
                      WHERE ?5 AND a.account_id = ?1 AND a.policy_arn = ?2
                    UNION
                    SELECT 'user', u.name, u.user_id, u.path, '3/' || u.name_key
                      FROM users u WHERE ?6 AND u.account_id = ?1 AND u.boundary_arn = ?2
                 ) WHERE sort_key > ?3 AND {} AND (?7 IS NULL OR kind = ?7)
                 ORDER BY sort_key LIMIT ?8",
                path_prefix_clause("path", 4)
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![
                        account_id,
                        policy_arn,
                        after,
                        path_prefix,
                        attached,
                        boundary,
                        kind.map(PrincipalKind::as_str),
                        page.fetch_limit()
                    ],
                    |r| {
                        let kind = match r.get::<_, String>(0)?.as_str() {
                            "group" => PrincipalKind::Group,
                            "role" => PrincipalKind::Role,
                            _ => PrincipalKind::User,
                        };
                        Ok((
                            PolicyEntity {
                                kind,
                                name: r.get(1)?,
                                id: r.get(2)?,
                            },
                            r.get::<_, String>(3)?,
                        ))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |(_, key)| key.clone()).map(|(entity, _)| entity))
        })
    }

    async fn set_permissions_boundary(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: Option<&str>,
    ) -> StoreResult<()> {
        let (account_id, kind, name, arn) = (
            account_id.to_owned(),
            principal.kind,
            principal.name.to_owned(),
            policy_arn.map(str::to_owned),
        );
        self.write(move |ctx| {
            let sql = match kind {
                PrincipalKind::User => "UPDATE users SET boundary_arn = ?2 WHERE user_id = ?1",
                PrincipalKind::Role => "UPDATE roles SET boundary_arn = ?2 WHERE role_id = ?1",
                PrincipalKind::Group => {
                    return Err(StoreError::invalid_input(
                        "Groups have no permissions boundary.",
                    ))
                }
            };
            let owner_id =
                principal_id(ctx.conn, &account_id, PrincipalName { kind, name: &name })?;
            check_boundary(ctx.conn, &account_id, arn.as_deref())?;
            ctx.conn
                .prepare_cached(sql)?
                .execute(params![owner_id, arn])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::path_of_policy_arn;

    #[test]
    fn policy_arn_paths() {
        assert_eq!(
            path_of_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            "/"
        );
        assert_eq!(
            path_of_policy_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
            "/job-function/"
        );
        assert_eq!(
            path_of_policy_arn("arn:aws:iam::123456789012:policy/a/b/P"),
            "/a/b/"
        );
    }
}
