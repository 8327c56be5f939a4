//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, and their tags
//! (TagUser, UntagUser, ListUserTags).
use store::{NewUser, StoreError, TagTarget, User, UserUpdate};

use super::resources::{self, EXISTING_USER_NAME_MAX};
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateUser", resources::new_user, create_user),
        operation!("GetUser", resources::named_user_or_caller, get_user),
        operation!("ListUsers", list_users_resource, list_users),
        operation!("UpdateUser", resources::named_user, update_user),
        operation!("DeleteUser", resources::named_user, delete_user),
        operation!("TagUser", resources::named_user, tag_user),
        operation!("UntagUser", resources::named_user, untag_user),
        operation!("ListUserTags", resources::named_user, list_user_tags),
    ]
}

async fn list_users_resource(call: &Call) -> ApiResult<Target> {
    resources::account_collection(call, "user").await
}

/// The user the resolver found, or AWS's `NoSuchEntity` for the name asked for.
pub fn existing_user<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t User> {
    target.user().ok_or_else(|| {
        let name = call
            .params
            .get("UserName")
            .or(call.caller.user_name())
            .unwrap_or_default();
        StoreError::no_such_user(name).into()
    })
}

/// Checks a permissions boundary ARN: an AWS managed policy must exist (customer
/// policies are checked by the store, which knows them).
pub fn check_boundary_arn(arn: &str) -> ApiResult<()> {
    if arn.starts_with("arn:aws:iam::aws:") && awsdata::managed_policy_by_arn(arn).is_none() {
        return Err(ApiError::new(
            "NoSuchEntity",
            format!("Policy {arn} does not exist or is not attachable."),
        ));
    }
    Ok(())
}

async fn create_user(call: &Call, _target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let name = input::required_name(p, "UserName", 64)?;
    let path = input::path_or_root(p, "Path")?;
    let boundary = match p.get("PermissionsBoundary") {
        Some(_) => {
            let arn = input::arn(p, "PermissionsBoundary")?;
            check_boundary_arn(arn)?;
            Some(arn.to_owned())
        }
        None => None,
    };
    let tags = input::tags(p)?;
    let user = call
        .store()
        .create_user(
            call.account(),
            NewUser {
                name: name.to_owned(),
                path,
                permissions_boundary: boundary,
                tags,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("User", |w| xml::user(w, &user, true));
    }))
}

async fn get_user(call: &Call, target: &Target) -> ApiResult<String> {
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        // The root user: its id is the account id, its ARN the account's root ARN.
        let account = call.store().get_account(call.account()).await?;
        let created = account.map(|a| a.created.iso8601()).unwrap_or_default();
        return Ok(call.respond(|w| {
            w.element("User", |w| {
                w.text("UserId", call.account())
                    .text("Arn", &call.caller.arn)
                    .text("CreateDate", &created);
            });
        }));
    }
    let user = existing_user(call, target)?;
    Ok(call.respond(|w| {
        w.element("User", |w| xml::user(w, user, true));
    }))
}

async fn list_users(call: &Call, _target: &Target) -> ApiResult<String> {
    let prefix = input::path_prefix(&call.params, "PathPrefix")?;
    let page = input::page(&call.params)?;
    let users = call
        .store()
        .list_users(call.account(), &prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("Users", &users.items, |w, u| xml::user(w, u, false));
        xml::truncation(w, &users);
    }))
}

async fn update_user(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    let new_name = input::optional_name(&call.params, "NewUserName", 64)?;
    let new_path = match call.params.get("NewPath") {
        Some(p) => {
            input::path(p, "NewPath")?;
            Some(p.to_owned())
        }
        None => None,
    };
    call.store()
        .update_user(
            call.account(),
            &user.name,
            UserUpdate {
                new_name: new_name.map(str::to_owned),
                new_path,
            },
        )
        .await?;
    Ok(call.respond_empty())
}

async fn delete_user(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    call.store().delete_user(call.account(), &user.name).await?;
    Ok(call.respond_empty())
}

async fn tag_user(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    call.store()
        .tag(call.account(), TagTarget::User(&user.name), tags)
        .await?;
    Ok(call.respond_empty())
}

async fn untag_user(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    let keys = input::tag_keys(&call.params)?;
    call.store()
        .untag(call.account(), TagTarget::User(&user.name), keys)
        .await?;
    Ok(call.respond_empty())
}

async fn list_user_tags(call: &Call, target: &Target) -> ApiResult<String> {
    let name = input::required_name(&call.params, "UserName", EXISTING_USER_NAME_MAX)?;
    let page = input::page(&call.params)?;
    let _ = target;
    let tags = call
        .store()
        .list_tags(call.account(), TagTarget::User(name), &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}
