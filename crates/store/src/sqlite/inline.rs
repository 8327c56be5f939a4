//! Inline policies of users, groups and roles.
use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::rows::*;
use super::SqliteStore;
use crate::api::InlinePolicyStore;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::page::{Page, PageRequest};

fn no_such_inline(kind: PrincipalKind, policy_name: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "The {} policy with name {policy_name} cannot be found.",
        kind.as_str()
    ))
}

#[async_trait]
impl InlinePolicyStore for SqliteStore {
    async fn put_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
        document: &str,
        size: usize,
        max_total_size: usize,
    ) -> StoreResult<()> {
        let (account_id, kind, name) = (
            account_id.to_owned(),
            principal.kind,
            principal.name.to_owned(),
        );
        let (policy_name, document) = (policy_name.to_owned(), document.to_owned());
        self.write(move |ctx| {
            let owner_id = principal_id(ctx.conn, &account_id, PrincipalName { kind, name: &name })?;
            let others: i64 = ctx
                .conn
                .prepare_cached("SELECT COALESCE(SUM(size), 0) FROM inline_policies WHERE owner_id = ?1 AND name != ?2")?
                .query_row([&owner_id, &policy_name], |r| r.get(0))?;
            let total = usize::try_from(others).unwrap_or(usize::MAX).saturating_add(size);
            if total > max_total_size {
                return Err(StoreError::limit_exceeded(format!(
                    "Maximum policy size of {max_total_size} bytes exceeded for {} {name}",
                    kind.as_str()
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT INTO inline_policies (owner_id, name, document, size) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (owner_id, name) DO UPDATE SET document = excluded.document, size = excluded.size",
                )?
                .execute(params![owner_id, policy_name, document, i64::try_from(size).unwrap_or(i64::MAX)])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn get_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
    ) -> StoreResult<InlinePolicy> {
        self.read(|conn| {
            let owner_id = principal_id(conn, account_id, principal)?;
            conn.prepare_cached(
                "SELECT name, document FROM inline_policies WHERE owner_id = ?1 AND name = ?2",
            )?
            .query_row([&owner_id, policy_name], |r| {
                Ok(InlinePolicy {
                    name: r.get(0)?,
                    document: r.get(1)?,
                })
            })
            .optional()?
            .ok_or_else(|| no_such_inline(principal.kind, policy_name))
        })
    }

    async fn delete_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
    ) -> StoreResult<()> {
        let (account_id, kind, name) = (
            account_id.to_owned(),
            principal.kind,
            principal.name.to_owned(),
        );
        let policy_name = policy_name.to_owned();
        self.write(move |ctx| {
            let owner_id =
                principal_id(ctx.conn, &account_id, PrincipalName { kind, name: &name })?;
            let removed = ctx
                .conn
                .prepare_cached("DELETE FROM inline_policies WHERE owner_id = ?1 AND name = ?2")?
                .execute([&owner_id, &policy_name])?;
            if removed == 0 {
                return Err(no_such_inline(kind, &policy_name));
            }
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_inline_policies(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        page: &PageRequest,
    ) -> StoreResult<Page<String>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let owner_id = principal_id(conn, account_id, principal)?;
            let names = conn
                .prepare_cached(
                    "SELECT name FROM inline_policies WHERE owner_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
                )?
                .query_map(params![owner_id, after, page.fetch_limit()], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(names, page, Clone::clone))
        })
    }
}
