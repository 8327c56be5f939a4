//! Tags of users, roles, customer managed policies and instance profiles.
use async_trait::async_trait;
use rusqlite::Connection;

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
            merge_tags(ctx.conn, &owner, tags)?;
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
            remove_tags(ctx.conn, &owner, &keys)?;
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
        self.read(|conn| {
            let owner = owner_id(conn, account_id, target)?;
            tags_page(conn, &owner, page)
        })
    }
}
