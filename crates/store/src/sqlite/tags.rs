//! Tags of users, roles, customer managed policies and instance profiles.
use async_trait::async_trait;
use rusqlite::{params, Connection};

use super::rows::*;
use super::SqliteStore;
use crate::api::TagStore;
use crate::error::StoreResult;
use crate::model::*;
use crate::page::{Page, PageRequest};

/// The unique id tags are kept under.
fn owner_id(conn: &Connection, account_id: &str, target: TagTarget<'_>) -> StoreResult<String> {
    match target {
        TagTarget::User(name) => user_id(conn, account_id, name),
        TagTarget::Role(name) => role_id(conn, account_id, name),
        TagTarget::Policy(arn) => policy_id(conn, account_id, arn),
        TagTarget::InstanceProfile(name) => instance_profile_id(conn, account_id, name),
    }
}

/// An owned [`TagTarget`], to move into a write closure.
enum OwnedTarget {
    User(String),
    Role(String),
    Policy(String),
    InstanceProfile(String),
}

impl OwnedTarget {
    fn from(target: TagTarget<'_>) -> Self {
        match target {
            TagTarget::User(s) => OwnedTarget::User(s.to_owned()),
            TagTarget::Role(s) => OwnedTarget::Role(s.to_owned()),
            TagTarget::Policy(s) => OwnedTarget::Policy(s.to_owned()),
            TagTarget::InstanceProfile(s) => OwnedTarget::InstanceProfile(s.to_owned()),
        }
    }
    fn borrow(&self) -> TagTarget<'_> {
        match self {
            OwnedTarget::User(s) => TagTarget::User(s),
            OwnedTarget::Role(s) => TagTarget::Role(s),
            OwnedTarget::Policy(s) => TagTarget::Policy(s),
            OwnedTarget::InstanceProfile(s) => TagTarget::InstanceProfile(s),
        }
    }
}

#[async_trait]
impl TagStore for SqliteStore {
    async fn tag(
        &self,
        account_id: &str,
        target: TagTarget<'_>,
        tags: Vec<Tag>,
    ) -> StoreResult<()> {
        let (account_id, target) = (account_id.to_owned(), OwnedTarget::from(target));
        self.write(move |ctx| {
            let owner = owner_id(ctx.conn, &account_id, target.borrow())?;
            let mut current = load_tags(ctx.conn, &owner)?;
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
            delete_tags(ctx.conn, &owner)?;
            insert_tags(ctx.conn, &owner, &current)?;
            // Principal tags and resource tags both feed policy conditions.
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn untag(
        &self,
        account_id: &str,
        target: TagTarget<'_>,
        keys: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, target) = (account_id.to_owned(), OwnedTarget::from(target));
        self.write(move |ctx| {
            let owner = owner_id(ctx.conn, &account_id, target.borrow())?;
            let mut stmt = ctx
                .conn
                .prepare_cached("DELETE FROM tags WHERE owner_id = ?1 AND key_lc = ?2")?;
            for key in &keys {
                stmt.execute(params![owner, name_key(key)])?;
            }
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_tags(
        &self,
        account_id: &str,
        target: TagTarget<'_>,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>> {
        let after = page.after_key()?;
        let after: i64 = if after.is_empty() {
            -1
        } else {
            after.parse().unwrap_or(i64::MAX)
        };
        self.read(|conn| {
            let owner = owner_id(conn, account_id, target)?;
            let rows = conn
                .prepare_cached(
                    "SELECT key, value, position FROM tags WHERE owner_id = ?1 AND position > ?2
                     ORDER BY position LIMIT ?3",
                )?
                .query_map(params![owner, after, page.fetch_limit()], |r| {
                    Ok((
                        Tag::new(r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(
                Page::from_rows(rows, page, |(_, position)| position.to_string())
                    .map(|(tag, _)| tag),
            )
        })
    }
}
