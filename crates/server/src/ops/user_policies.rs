//! Inline policies of users: PutUserPolicy, GetUserPolicy, DeleteUserPolicy,
//! ListUserPolicies.
use policy::validate::{validate_policy, PolicyKind, SizeLimit};
use store::{PrincipalKind, PrincipalName};

use super::resources;
use super::users::existing_user;
use super::{input, xml, Call, Operation, Target};
use crate::error::ApiResult;
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("PutUserPolicy", resources::named_user, put_user_policy),
        operation!("GetUserPolicy", resources::named_user, get_user_policy),
        operation!(
            "DeleteUserPolicy",
            resources::named_user,
            delete_user_policy
        ),
        operation!(
            "ListUserPolicies",
            resources::named_user,
            list_user_policies
        ),
    ]
}

fn principal(name: &str) -> PrincipalName<'_> {
    PrincipalName {
        kind: PrincipalKind::User,
        name,
    }
}

async fn put_user_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let policy_name = input::required_name(p, "PolicyName", 128)?;
    let document = input::policy_document(p, "PolicyDocument")?;
    let user = existing_user(call, target)?;
    validate_policy(document, PolicyKind::Identity).into_result()?;
    let size = SizeLimit::InlineUser.measure(document);
    call.store()
        .put_inline_policy(
            call.account(),
            principal(&user.name),
            policy_name,
            document,
            size,
            SizeLimit::InlineUser.max(),
        )
        .await?;
    Ok(call.respond_empty())
}

async fn get_user_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", 128)?;
    let user = existing_user(call, target)?;
    let policy = call
        .store()
        .get_inline_policy(call.account(), principal(&user.name), policy_name)
        .await?;
    Ok(call.respond(|w| {
        w.text("UserName", &user.name)
            .text("PolicyName", &policy.name)
            .policy_document("PolicyDocument", &policy.document);
    }))
}

async fn delete_user_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", 128)?;
    let user = existing_user(call, target)?;
    call.store()
        .delete_inline_policy(call.account(), principal(&user.name), policy_name)
        .await?;
    Ok(call.respond_empty())
}

async fn list_user_policies(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    let page = input::page(&call.params)?;
    let names = call
        .store()
        .list_inline_policies(call.account(), principal(&user.name), &page)
        .await?;
    Ok(call.respond(|w| {
        w.text_list("PolicyNames", &names.items);
        xml::truncation(w, &names);
    }))
}
