//! Instance profiles: CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles,
//! ListInstanceProfilesForRole, DeleteInstanceProfile, AddRoleToInstanceProfile,
//! RemoveRoleFromInstanceProfile, and their tags (TagInstanceProfile,
//! UntagInstanceProfile, ListInstanceProfileTags).
use awsquery::XmlWriter;
use store::{iam_arn, ErrorKind, InstanceProfile, StoreError, TagTarget};

use super::roles::{existing_role, named_role, role_xml, RoleView, ROLE_NAME_MAX};
use super::{input, xml, Call, Found, Operation, Target};
use crate::error::ApiResult;
use crate::operation;

/// `instanceProfileNameType`: 1 to 128 characters.
const PROFILE_NAME_MAX: usize = 128;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "CreateInstanceProfile",
            new_profile,
            create_instance_profile
        ),
        operation!("GetInstanceProfile", named_profile, get_instance_profile),
        operation!("ListInstanceProfiles", all_profiles, list_instance_profiles),
        operation!(
            "ListInstanceProfilesForRole",
            named_role,
            list_instance_profiles_for_role
        ),
        operation!(
            "DeleteInstanceProfile",
            named_profile,
            delete_instance_profile
        ),
        operation!(
            "AddRoleToInstanceProfile",
            named_profile,
            add_role_to_instance_profile
        ),
        operation!(
            "RemoveRoleFromInstanceProfile",
            named_profile,
            remove_role_from_instance_profile
        ),
        operation!("TagInstanceProfile", named_profile, tag_instance_profile),
        operation!(
            "UntagInstanceProfile",
            named_profile,
            untag_instance_profile
        ),
        operation!(
            "ListInstanceProfileTags",
            named_profile,
            list_instance_profile_tags
        ),
    ]
}

/// The `InstanceProfile` shape. `with_tags`: single-profile answers include tags;
/// listings do not.
pub fn instance_profile_xml(w: &mut XmlWriter, profile: &InstanceProfile, with_tags: bool) {
    w.text("Path", &profile.path)
        .text("InstanceProfileName", &profile.name)
        .text("InstanceProfileId", &profile.instance_profile_id)
        .text("Arn", &profile.arn())
        .text("CreateDate", &profile.created.iso8601())
        .list("Roles", &profile.roles, |w, role| {
            role_xml(w, role, RoleView::Listed)
        });
    if with_tags && !profile.tags.is_empty() {
        xml::tags(w, &profile.tags);
    }
}

/// `CreateInstanceProfile`: the ARN the new profile will have.
async fn new_profile(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "InstanceProfileName", PROFILE_NAME_MAX)?;
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(
        call.account(),
        "instance-profile",
        &path,
        name,
    )))
}

/// `ListInstanceProfiles`: the account's instance profiles.
async fn all_profiles(call: &Call) -> ApiResult<Target> {
    super::resources::account_collection(call, "instance-profile").await
}

/// The profile named by `InstanceProfileName`. When it does not exist the ARN has the
/// root path, and the handler answers `NoSuchEntity` once authorization passes.
async fn named_profile(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "InstanceProfileName", PROFILE_NAME_MAX)?;
    match call
        .store()
        .get_instance_profile(call.account(), name)
        .await
    {
        Ok(profile) => Ok(Target {
            arn: profile.arn(),
            tags: profile.tags.clone(),
            found: Some(Found::InstanceProfile(profile)),
            ..Target::default()
        }),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => Ok(Target::arn(iam_arn(
            call.account(),
            "instance-profile",
            "/",
            name,
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The profile the resolver found, or AWS's `NoSuchEntity` for the name asked for.
fn existing_profile<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t InstanceProfile> {
    match &target.found {
        Some(Found::InstanceProfile(profile)) => Ok(profile),
        _ => {
            let name = call.params.get("InstanceProfileName").unwrap_or_default();
            Err(StoreError::no_such_instance_profile(name).into())
        }
    }
}

async fn create_instance_profile(call: &Call, _target: &Target) -> ApiResult<String> {
    let name = input::required_name(&call.params, "InstanceProfileName", PROFILE_NAME_MAX)?;
    let path = input::path_or_root(&call.params, "Path")?;
    let tags = input::tags(&call.params)?;
    let profile = call
        .store()
        .create_instance_profile(call.account(), name, &path, tags)
        .await?;
    Ok(call.respond(|w| {
        w.element("InstanceProfile", |w| {
            instance_profile_xml(w, &profile, true)
        });
    }))
}

async fn get_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let profile = existing_profile(call, target)?;
    Ok(call.respond(|w| {
        w.element("InstanceProfile", |w| {
            instance_profile_xml(w, profile, true)
        });
    }))
}

async fn list_instance_profiles(call: &Call, _target: &Target) -> ApiResult<String> {
    let prefix = input::path_prefix(&call.params, "PathPrefix")?;
    let page = input::page(&call.params)?;
    let profiles = call
        .store()
        .list_instance_profiles(call.account(), &prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("InstanceProfiles", &profiles.items, |w, p| {
            instance_profile_xml(w, p, false)
        });
        xml::truncation(w, &profiles);
    }))
}

async fn list_instance_profiles_for_role(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let role = existing_role(call, target)?;
    let profiles = call
        .store()
        .list_instance_profiles_for_role(call.account(), &role.name, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("InstanceProfiles", &profiles.items, |w, p| {
            instance_profile_xml(w, p, false)
        });
        xml::truncation(w, &profiles);
    }))
}

async fn delete_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let profile = existing_profile(call, target)?;
    call.store()
        .delete_instance_profile(call.account(), &profile.name)
        .await?;
    Ok(call.respond_empty())
}

async fn add_role_to_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let role = input::required_name(&call.params, "RoleName", ROLE_NAME_MAX)?;
    let profile = existing_profile(call, target)?;
    call.store()
        .add_role_to_instance_profile(call.account(), &profile.name, role)
        .await?;
    Ok(call.respond_empty())
}

async fn remove_role_from_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let role = input::required_name(&call.params, "RoleName", ROLE_NAME_MAX)?;
    let profile = existing_profile(call, target)?;
    call.store()
        .remove_role_from_instance_profile(call.account(), &profile.name, role)
        .await?;
    Ok(call.respond_empty())
}

async fn tag_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    let profile = existing_profile(call, target)?;
    call.store()
        .tag(
            call.account(),
            TagTarget::InstanceProfile(&profile.name),
            tags,
        )
        .await?;
    Ok(call.respond_empty())
}

async fn untag_instance_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    let profile = existing_profile(call, target)?;
    call.store()
        .untag(
            call.account(),
            TagTarget::InstanceProfile(&profile.name),
            keys,
        )
        .await?;
    Ok(call.respond_empty())
}

async fn list_instance_profile_tags(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let profile = existing_profile(call, target)?;
    let tags = call
        .store()
        .list_tags(
            call.account(),
            TagTarget::InstanceProfile(&profile.name),
            &page,
        )
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}
