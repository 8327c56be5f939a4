//! The inputs of identity-based authorization, read in one snapshot so a principal's
//! policies are never a mix of before and after a concurrent change.
use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension};

use super::rows::*;
use super::SqliteStore;
use crate::api::AuthorizationStore;
use crate::error::{StoreError, StoreResult};
use crate::model::*;

fn inline_of(
    conn: &Connection,
    owner_id: &str,
    label: &str,
    out: &mut Vec<SourcedDocument>,
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, document FROM inline_policies WHERE owner_id = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([owner_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (name, document) = row?;
        out.push(SourcedDocument {
            source: format!("{label}/inline/{name}"),
            document,
        });
    }
    Ok(())
}

/// The default version's text of a managed policy; `None` for AWS managed policies.
fn managed_document(
    conn: &Connection,
    account_id: &str,
    arn: &str,
) -> StoreResult<ManagedDocument> {
    if arn.starts_with("arn:aws:iam::aws:") {
        return Ok(ManagedDocument {
            arn: arn.to_owned(),
            document: None,
        });
    }
    let document: Option<String> = conn
        .prepare_cached(
            "SELECT v.document FROM policies p JOIN policy_versions v
               ON v.policy_id = p.policy_id AND v.version = p.default_version
             WHERE p.account_id = ?1 AND p.arn = ?2",
        )?
        .query_row([account_id, arn], |r| r.get(0))
        .optional()?;
    Ok(ManagedDocument {
        arn: arn.to_owned(),
        document,
    })
}

fn attached_of(
    conn: &Connection,
    account_id: &str,
    owner_id: &str,
    out: &mut Vec<ManagedDocument>,
) -> StoreResult<()> {
    let arns = conn
        .prepare_cached(
            "SELECT policy_arn FROM attachments WHERE owner_id = ?1 ORDER BY policy_arn",
        )?
        .query_map([owner_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for arn in arns {
        if !out.iter().any(|m| m.arn == arn) {
            out.push(managed_document(conn, account_id, &arn)?);
        }
    }
    Ok(())
}

#[async_trait]
impl AuthorizationStore for SqliteStore {
    async fn user_policies(
        &self,
        account_id: &str,
        user_id: &str,
    ) -> StoreResult<PrincipalPolicies> {
        self.read(|conn| {
            let (name, boundary): (String, Option<String>) = conn
                .prepare_cached("SELECT name, boundary_arn FROM users WHERE user_id = ?1 AND account_id = ?2")?
                .query_row([user_id, account_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| StoreError::no_such_entity(format!("The user with id {user_id} cannot be found.")))?;
            let mut policies = PrincipalPolicies::default();
            inline_of(conn, user_id, &format!("user/{name}"), &mut policies.inline)?;
            attached_of(conn, account_id, user_id, &mut policies.managed)?;
            let groups = conn
                .prepare_cached(
                    "SELECT g.group_id, g.name FROM group_members m JOIN iam_groups g ON g.group_id = m.group_id
                     WHERE m.user_id = ?1 ORDER BY g.name_key",
                )?
                .query_map([user_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            for (group_id, group_name) in groups {
                inline_of(conn, &group_id, &format!("group/{group_name}"), &mut policies.inline)?;
                attached_of(conn, account_id, &group_id, &mut policies.managed)?;
            }
            policies.boundary = boundary.map(|arn| managed_document(conn, account_id, &arn)).transpose()?;
            policies.tags = load_tags(conn, user_id)?;
            policies.users_may_change_password = conn
                .prepare_cached("SELECT allow_users_to_change FROM password_policies WHERE account_id = ?1")?
                .query_row([account_id], |r| r.get::<_, bool>(0))
                .optional()?
                .unwrap_or(false);
            Ok(policies)
        })
    }

    async fn role_policies(
        &self,
        account_id: &str,
        role_id: &str,
    ) -> StoreResult<PrincipalPolicies> {
        self.read(|conn| {
            let (name, boundary): (String, Option<String>) = conn
                .prepare_cached(
                    "SELECT name, boundary_arn FROM roles WHERE role_id = ?1 AND account_id = ?2",
                )?
                .query_row([role_id, account_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| {
                    StoreError::no_such_entity(format!(
                        "The role with id {role_id} cannot be found."
                    ))
                })?;
            let mut policies = PrincipalPolicies::default();
            inline_of(conn, role_id, &format!("role/{name}"), &mut policies.inline)?;
            attached_of(conn, account_id, role_id, &mut policies.managed)?;
            policies.boundary = boundary
                .map(|arn| managed_document(conn, account_id, &arn))
                .transpose()?;
            policies.tags = load_tags(conn, role_id)?;
            Ok(policies)
        })
    }
}
