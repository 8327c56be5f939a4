//! Groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
//! AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser; and the groups' inline
//! policies: PutGroupPolicy, GetGroupPolicy, DeleteGroupPolicy, ListGroupPolicies.
use awsquery::XmlWriter;
use policy::validate::{validate_policy, PolicyKind, SizeLimit};
use store::{iam_arn, ErrorKind, Group, PrincipalKind, PrincipalName, StoreError};

use super::resources::{self, EXISTING_USER_NAME_MAX};
use super::users::existing_user;
use super::{input, xml, Call, Found, Operation, Target};
use crate::error::ApiResult;
use crate::operation;

/// `groupNameType`: 1 to 128 characters.
const GROUP_NAME_MAX: usize = 128;
/// `policyNameType`.
const POLICY_NAME_MAX: usize = 128;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateGroup", new_group, create_group),
        operation!("GetGroup", named_group, get_group),
        operation!("ListGroups", all_groups, list_groups),
        operation!("UpdateGroup", named_group, update_group),
        operation!("DeleteGroup", named_group, delete_group),
        operation!("AddUserToGroup", named_group, add_user_to_group),
        operation!("RemoveUserFromGroup", named_group, remove_user_from_group),
        operation!(
            "ListGroupsForUser",
            resources::named_user,
            list_groups_for_user
        ),
        operation!("PutGroupPolicy", named_group, put_group_policy),
        operation!("GetGroupPolicy", named_group, get_group_policy),
        operation!("DeleteGroupPolicy", named_group, delete_group_policy),
        operation!("ListGroupPolicies", named_group, list_group_policies),
    ]
}

/// The `Group` shape.
pub fn group_xml(w: &mut XmlWriter, group: &Group) {
    w.text("Path", &group.path)
        .text("GroupName", &group.name)
        .text("GroupId", &group.group_id)
        .text("Arn", &group.arn())
        .text("CreateDate", &group.created.iso8601());
}

/// `CreateGroup`: the ARN the new group will have.
async fn new_group(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "GroupName", GROUP_NAME_MAX)?;
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(call.account(), "group", &path, name)))
}

/// `ListGroups`: the account's groups.
async fn all_groups(call: &Call) -> ApiResult<Target> {
    resources::account_collection(call, "group").await
}

/// The group named by `GroupName`. When it does not exist the ARN has the root path,
/// and the handler answers `NoSuchEntity` once authorization passes.
async fn named_group(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "GroupName", GROUP_NAME_MAX)?;
    match call.store().get_group(call.account(), name).await {
        Ok(group) => Ok(Target {
            arn: group.arn(),
            tags: Vec::new(),
            found: Some(Found::Group(group)),
            ..Target::default()
        }),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), "group", "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The group the resolver found, or AWS's `NoSuchEntity` for the name asked for.
fn existing_group<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t Group> {
    match &target.found {
        Some(Found::Group(group)) => Ok(group),
        _ => {
            let name = call.params.get("GroupName").unwrap_or_default();
            Err(StoreError::no_such_group(name).into())
        }
    }
}

fn principal(name: &str) -> PrincipalName<'_> {
    PrincipalName {
        kind: PrincipalKind::Group,
        name,
    }
}

async fn create_group(call: &Call, _target: &Target) -> ApiResult<String> {
    let name = input::required_name(&call.params, "GroupName", GROUP_NAME_MAX)?;
    let path = input::path_or_root(&call.params, "Path")?;
    let group = call
        .store()
        .create_group(call.account(), name, &path)
        .await?;
    Ok(call.respond(|w| {
        w.element("Group", |w| group_xml(w, &group));
    }))
}

async fn get_group(call: &Call, target: &Target) -> ApiResult<String> {
    let group = existing_group(call, target)?;
    let page = input::page(&call.params)?;
    let (group, users) = call
        .store()
        .list_group_members(call.account(), &group.name, &page)
        .await?;
    Ok(call.respond(|w| {
        w.element("Group", |w| group_xml(w, &group));
        w.list("Users", &users.items, |w, u| xml::user(w, u, false));
        xml::truncation(w, &users);
    }))
}

async fn list_groups(call: &Call, _target: &Target) -> ApiResult<String> {
    let prefix = input::path_prefix(&call.params, "PathPrefix")?;
    let page = input::page(&call.params)?;
    let groups = call
        .store()
        .list_groups(call.account(), &prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("Groups", &groups.items, group_xml);
        xml::truncation(w, &groups);
    }))
}

async fn update_group(call: &Call, target: &Target) -> ApiResult<String> {
    let group = existing_group(call, target)?;
    let new_name = input::optional_name(&call.params, "NewGroupName", GROUP_NAME_MAX)?;
    let new_path = match call.params.get("NewPath") {
        Some(p) => {
            input::path(p, "NewPath")?;
            Some(p)
        }
        None => None,
    };
    call.store()
        .update_group(call.account(), &group.name, new_name, new_path)
        .await?;
    Ok(call.respond_empty())
}

async fn delete_group(call: &Call, target: &Target) -> ApiResult<String> {
    let group = existing_group(call, target)?;
    call.store()
        .delete_group(call.account(), &group.name)
        .await?;
    Ok(call.respond_empty())
}

async fn add_user_to_group(call: &Call, target: &Target) -> ApiResult<String> {
    let user = input::required_name(&call.params, "UserName", EXISTING_USER_NAME_MAX)?;
    let group = existing_group(call, target)?;
    call.store()
        .add_user_to_group(call.account(), &group.name, user)
        .await?;
    Ok(call.respond_empty())
}

async fn remove_user_from_group(call: &Call, target: &Target) -> ApiResult<String> {
    let user = input::required_name(&call.params, "UserName", EXISTING_USER_NAME_MAX)?;
    let group = existing_group(call, target)?;
    call.store()
        .remove_user_from_group(call.account(), &group.name, user)
        .await?;
    Ok(call.respond_empty())
}

async fn list_groups_for_user(call: &Call, target: &Target) -> ApiResult<String> {
    let user = existing_user(call, target)?;
    let page = input::page(&call.params)?;
    let groups = call
        .store()
        .list_groups_for_user(call.account(), &user.name, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("Groups", &groups.items, group_xml);
        xml::truncation(w, &groups);
    }))
}

async fn put_group_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let policy_name = input::required_name(p, "PolicyName", POLICY_NAME_MAX)?;
    let document = input::policy_document(p, "PolicyDocument")?;
    let group = existing_group(call, target)?;
    validate_policy(document, PolicyKind::Identity).into_result()?;
    let size = SizeLimit::InlineGroup.measure(document);
    call.store()
        .put_inline_policy(
            call.account(),
            principal(&group.name),
            policy_name,
            document,
            size,
            SizeLimit::InlineGroup.max(),
        )
        .await?;
    Ok(call.respond_empty())
}

async fn get_group_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", POLICY_NAME_MAX)?;
    let group = existing_group(call, target)?;
    let policy = call
        .store()
        .get_inline_policy(call.account(), principal(&group.name), policy_name)
        .await?;
    Ok(call.respond(|w| {
        w.text("GroupName", &group.name)
            .text("PolicyName", &policy.name)
            .policy_document("PolicyDocument", &policy.document);
    }))
}

async fn delete_group_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", POLICY_NAME_MAX)?;
    let group = existing_group(call, target)?;
    call.store()
        .delete_inline_policy(call.account(), principal(&group.name), policy_name)
        .await?;
    Ok(call.respond_empty())
}

async fn list_group_policies(call: &Call, target: &Target) -> ApiResult<String> {
    let group = existing_group(call, target)?;
    let page = input::page(&call.params)?;
    let names = call
        .store()
        .list_inline_policies(call.account(), principal(&group.name), &page)
        .await?;
    Ok(call.respond(|w| {
        w.text_list("PolicyNames", &names.items);
        xml::truncation(w, &names);
    }))
}
