//! Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
//! GetAccessKeyLastUsed. Without `UserName`, the caller's own keys (the root's keys
//! when the root calls).
use store::{iam_arn, KeyStatus, StoreError};

use super::resources;
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "CreateAccessKey",
            resources::named_user_or_caller,
            create_access_key
        ),
        operation!(
            "ListAccessKeys",
            resources::named_user_or_caller,
            list_access_keys
        ),
        operation!(
            "UpdateAccessKey",
            resources::named_user_or_caller,
            update_access_key
        ),
        operation!(
            "DeleteAccessKey",
            resources::named_user_or_caller,
            delete_access_key
        ),
        operation!("GetAccessKeyLastUsed", key_owner, get_access_key_last_used),
    ]
}

/// Whose keys: `Some(user)` or `None` for the root. A named user must exist.
fn key_owner_name<'a>(call: &'a Call, target: &'a Target) -> ApiResult<Option<&'a str>> {
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        return Ok(None);
    }
    super::users::existing_user(call, target).map(|u| Some(u.name.as_str()))
}

/// `accessKeyIdType`: 16 to 128 word characters.
fn access_key_id(call: &Call) -> ApiResult<&str> {
    let id = input::required(&call.params, "AccessKeyId")?;
    let ok = (16..=128).contains(&id.len()) && id.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !ok {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{id}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+"
        )));
    }
    Ok(id)
}

async fn create_access_key(call: &Call, target: &Target) -> ApiResult<String> {
    let owner = key_owner_name(call, target)?;
    let created = call
        .store()
        .create_access_key(call.account(), owner)
        .await?;
    Ok(call.respond(|w| {
        w.element("AccessKey", |w| {
            if let Some(name) = owner {
                w.text("UserName", name);
            }
            w.text("AccessKeyId", &created.key.access_key_id)
                .text("Status", created.key.status.as_str())
                // The one place a secret leaves the server: to its owner, once.
                .text("SecretAccessKey", created.secret.expose())
                .text("CreateDate", &created.key.created.iso8601());
        });
    }))
}

async fn list_access_keys(call: &Call, target: &Target) -> ApiResult<String> {
    let owner = key_owner_name(call, target)?;
    let page = input::page(&call.params)?;
    let keys = call
        .store()
        .list_access_keys(call.account(), owner, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("AccessKeyMetadata", &keys.items, |w, key| {
            xml::access_key_metadata(w, key, owner.unwrap_or_default());
        });
        xml::truncation(w, &keys);
        if let Some(name) = owner {
            w.text("UserName", name);
        }
    }))
}

async fn update_access_key(call: &Call, target: &Target) -> ApiResult<String> {
    let owner = key_owner_name(call, target)?;
    let id = access_key_id(call)?;
    let raw_status = input::required(&call.params, "Status")?;
    let status = KeyStatus::parse(raw_status).ok_or_else(|| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{raw_status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"
        ))
    })?;
    call.store()
        .update_access_key(call.account(), owner, id, status)
        .await?;
    Ok(call.respond_empty())
}

async fn delete_access_key(call: &Call, target: &Target) -> ApiResult<String> {
    let owner = key_owner_name(call, target)?;
    let id = access_key_id(call)?;
    call.store()
        .delete_access_key(call.account(), owner, id)
        .await?;
    Ok(call.respond_empty())
}

fn no_such_key(id: &str) -> ApiError {
    StoreError::no_such_entity(format!("The Access Key with id {id} cannot be found.")).into()
}

/// `GetAccessKeyLastUsed` acts on the key's owner.
async fn key_owner(call: &Call) -> ApiResult<Target> {
    let id = access_key_id(call)?;
    let found = call.store().access_key_last_used(id).await?;
    match found {
        Some((key, _)) if key.account_id == call.account() => {
            Ok(Target::arn(match &key.user_name {
                Some(name) => {
                    // The owner's path is needed for its ARN: read the user.
                    let user = call.store().get_user(call.account(), name).await?;
                    user.arn()
                }
                None => store::root_arn(call.account()),
            }))
        }
        _ => Ok(Target::arn(iam_arn(call.account(), "user", "/", ""))),
    }
}

async fn get_access_key_last_used(call: &Call, _target: &Target) -> ApiResult<String> {
    let id = access_key_id(call)?;
    let (key, used) = call
        .store()
        .access_key_last_used(id)
        .await?
        .filter(|(key, _)| key.account_id == call.account())
        .ok_or_else(|| no_such_key(id))?;
    Ok(call.respond(|w| {
        if let Some(name) = &key.user_name {
            w.text("UserName", name);
        }
        w.element("AccessKeyLastUsed", |w| {
            if let Some(date) = used.date {
                w.text("LastUsedDate", &date.iso8601());
            }
            w.text("ServiceName", used.service.as_deref().unwrap_or("N/A"))
                .text("Region", used.region.as_deref().unwrap_or("N/A"));
        });
    }))
}
