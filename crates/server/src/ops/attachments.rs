//! Managed policies attached to users, groups and roles (Attach*/Detach*/ListAttached*
//! for each), `ListEntitiesForPolicy`, and permissions boundaries of users and roles.
//!
//! Attach and detach operations are authorized on the principal's ARN; the policy's
//! ARN reaches the context as `iam:PolicyARN`, the boundary's as
//! `iam:PermissionsBoundary`.
use store::{iam_arn, ErrorKind, PolicyEntity, PolicyUsage, PrincipalKind, PrincipalName};

use super::policies::{aws_managed, is_aws_managed};
use super::users::check_boundary_arn;
use super::{input, resources, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("AttachUserPolicy", resources::named_user, attach_user),
        operation!("DetachUserPolicy", resources::named_user, detach_user),
        operation!(
            "ListAttachedUserPolicies",
            resources::named_user,
            list_attached_user
        ),
        operation!("AttachGroupPolicy", named_group, attach_group),
        operation!("DetachGroupPolicy", named_group, detach_group),
        operation!(
            "ListAttachedGroupPolicies",
            named_group,
            list_attached_group
        ),
        operation!("AttachRolePolicy", named_role, attach_role),
        operation!("DetachRolePolicy", named_role, detach_role),
        operation!("ListAttachedRolePolicies", named_role, list_attached_role),
        operation!(
            "ListEntitiesForPolicy",
            policy_arn,
            list_entities_for_policy
        ),
        operation!(
            "PutUserPermissionsBoundary",
            resources::named_user,
            put_user_boundary
        ),
        operation!(
            "DeleteUserPermissionsBoundary",
            resources::named_user,
            delete_user_boundary
        ),
        operation!("PutRolePermissionsBoundary", named_role, put_role_boundary),
        operation!(
            "DeleteRolePermissionsBoundary",
            named_role,
            delete_role_boundary
        ),
    ]
}

/// The group named by `GroupName`: its ARN with its path, or with the root path when
/// it does not exist (the handler then answers `NoSuchEntity`).
async fn named_group(call: &Call) -> ApiResult<Target> {
    let name = input::required(&call.params, "GroupName")?;
    match call.store().get_group(call.account(), name).await {
        Ok(group) => Ok(Target::arn(group.arn())),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), "group", "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The role named by `RoleName`, with its tags for `iam:ResourceTag/*` and its
/// boundary for `iam:PermissionsBoundary`.
async fn named_role(call: &Call) -> ApiResult<Target> {
    let name = input::required(&call.params, "RoleName")?;
    match call.store().get_role(call.account(), name).await {
        Ok(role) => Ok(super::roles::role_target(role)),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), "role", "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `ListEntitiesForPolicy` is authorized on the policy.
async fn policy_arn(call: &Call) -> ApiResult<Target> {
    Ok(Target::arn(
        input::required(&call.params, "PolicyArn")?.to_owned(),
    ))
}

fn principal<'a>(call: &'a Call, kind: PrincipalKind) -> ApiResult<PrincipalName<'a>> {
    let member = match kind {
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
        PrincipalKind::Role => "RoleName",
    };
    Ok(PrincipalName {
        kind,
        name: input::required(&call.params, member)?,
    })
}

/// Checks that an AWS managed ARN names a policy that exists and may be attached to
/// this kind of principal; customer policies are checked by the store.
fn check_attachable(arn: &str, kind: PrincipalKind) -> ApiResult<()> {
    if !is_aws_managed(arn) {
        return Ok(());
    }
    let policy = aws_managed(arn)?;
    // Policies of service-linked roles are for AWS to attach to those roles only.
    if policy.path == "/aws-service-role/" {
        let message = match kind {
            PrincipalKind::Role => "Cannot attach a Service Role Policy to a Customer Role.",
            PrincipalKind::User | PrincipalKind::Group => {
                "Cannot attach a Service Role Policy to a User or Group."
            }
        };
        return Err(ApiError::new("PolicyNotAttachable", message));
    }
    Ok(())
}

async fn attach(call: &Call, kind: PrincipalKind) -> ApiResult<String> {
    let who = principal(call, kind)?;
    let arn = input::arn(&call.params, "PolicyArn")?;
    check_attachable(arn, kind)?;
    call.store().attach_policy(call.account(), who, arn).await?;
    Ok(call.respond_empty())
}

async fn detach(call: &Call, kind: PrincipalKind) -> ApiResult<String> {
    let who = principal(call, kind)?;
    let arn = input::arn(&call.params, "PolicyArn")?;
    call.store().detach_policy(call.account(), who, arn).await?;
    Ok(call.respond_empty())
}

async fn list_attached(call: &Call, kind: PrincipalKind) -> ApiResult<String> {
    let who = principal(call, kind)?;
    let prefix = call.params.get("PathPrefix").unwrap_or("/");
    let page = input::page(&call.params)?;
    let attached = call
        .store()
        .list_attached_policies(call.account(), who, prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("AttachedPolicies", &attached.items, |w, p| {
            w.text("PolicyName", &p.policy_name)
                .text("PolicyArn", &p.policy_arn);
        });
        xml::truncation(w, &attached);
    }))
}

async fn attach_user(call: &Call, _t: &Target) -> ApiResult<String> {
    attach(call, PrincipalKind::User).await
}
async fn detach_user(call: &Call, _t: &Target) -> ApiResult<String> {
    detach(call, PrincipalKind::User).await
}
async fn list_attached_user(call: &Call, _t: &Target) -> ApiResult<String> {
    list_attached(call, PrincipalKind::User).await
}
async fn attach_group(call: &Call, _t: &Target) -> ApiResult<String> {
    attach(call, PrincipalKind::Group).await
}
async fn detach_group(call: &Call, _t: &Target) -> ApiResult<String> {
    detach(call, PrincipalKind::Group).await
}
async fn list_attached_group(call: &Call, _t: &Target) -> ApiResult<String> {
    list_attached(call, PrincipalKind::Group).await
}
async fn attach_role(call: &Call, _t: &Target) -> ApiResult<String> {
    attach(call, PrincipalKind::Role).await
}
async fn detach_role(call: &Call, _t: &Target) -> ApiResult<String> {
    detach(call, PrincipalKind::Role).await
}
async fn list_attached_role(call: &Call, _t: &Target) -> ApiResult<String> {
    list_attached(call, PrincipalKind::Role).await
}

async fn list_entities_for_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let arn = target.arn.as_str();
    if is_aws_managed(arn) {
        aws_managed(arn)?;
    }
    // `LocalManagedPolicy` and `AWSManagedPolicy` name no user, group or role.
    let (kind, none) = match p.get("EntityFilter") {
        Some("User") => (Some(PrincipalKind::User), false),
        Some("Group") => (Some(PrincipalKind::Group), false),
        Some("Role") => (Some(PrincipalKind::Role), false),
        Some(_) => (None, true),
        None => (None, false),
    };
    let usage = match p.get("PolicyUsageFilter") {
        Some("PermissionsPolicy") => PolicyUsage::PermissionsPolicy,
        Some("PermissionsBoundary") => PolicyUsage::PermissionsBoundary,
        _ => PolicyUsage::Any,
    };
    let prefix = p.get("PathPrefix").unwrap_or("/");
    let page = input::page(p)?;
    let mut entities = call
        .store()
        .list_entities_for_policy(call.account(), arn, kind, prefix, usage, &page)
        .await?;
    if none {
        entities.items.clear();
        entities.marker = None;
    }
    let of = |k: PrincipalKind| -> Vec<&PolicyEntity> {
        entities.items.iter().filter(|e| e.kind == k).collect()
    };
    Ok(call.respond(|w| {
        w.list("PolicyGroups", of(PrincipalKind::Group), |w, e| {
            w.text("GroupName", &e.name).text("GroupId", &e.id);
        });
        w.list("PolicyUsers", of(PrincipalKind::User), |w, e| {
            w.text("UserName", &e.name).text("UserId", &e.id);
        });
        w.list("PolicyRoles", of(PrincipalKind::Role), |w, e| {
            w.text("RoleName", &e.name).text("RoleId", &e.id);
        });
        xml::truncation(w, &entities);
    }))
}

/// Sets (`Some`) or clears the boundary of a user or role.
async fn set_boundary(call: &Call, kind: PrincipalKind, set: bool) -> ApiResult<String> {
    let who = principal(call, kind)?;
    let arn = if set {
        let arn = input::arn(&call.params, "PermissionsBoundary")?;
        check_boundary_arn(arn)?;
        Some(arn)
    } else {
        None
    };
    if kind == PrincipalKind::Role {
        let role = call.store().get_role(call.account(), who.name).await?;
        if role.service_linked {
            return Err(ApiError::new(
                "UnmodifiableEntity",
                format!(
                    "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                    role.name
                ),
            ));
        }
    }
    call.store()
        .set_permissions_boundary(call.account(), who, arn)
        .await?;
    Ok(call.respond_empty())
}

async fn put_user_boundary(call: &Call, _t: &Target) -> ApiResult<String> {
    set_boundary(call, PrincipalKind::User, true).await
}
async fn delete_user_boundary(call: &Call, _t: &Target) -> ApiResult<String> {
    set_boundary(call, PrincipalKind::User, false).await
}
async fn put_role_boundary(call: &Call, _t: &Target) -> ApiResult<String> {
    set_boundary(call, PrincipalKind::Role, true).await
}
async fn delete_role_boundary(call: &Call, _t: &Target) -> ApiResult<String> {
    set_boundary(call, PrincipalKind::Role, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_policies_attach_unless_they_belong_to_service_linked_roles() {
        assert!(check_attachable(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            PrincipalKind::User
        )
        .is_ok());
        assert_eq!(
            check_attachable("arn:aws:iam::aws:policy/Nope", PrincipalKind::Role)
                .unwrap_err()
                .code(),
            "NoSuchEntity"
        );
        let service_role = awsdata::managed_policies()
            .find(|p| p.path == "/aws-service-role/")
            .map(|p| p.arn.to_string());
        if let Some(arn) = service_role {
            assert_eq!(
                check_attachable(&arn, PrincipalKind::Role)
                    .unwrap_err()
                    .code(),
                "PolicyNotAttachable"
            );
        }
        // Customer policies are the store's to check.
        assert!(check_attachable(
            "arn:aws:iam::123456789012:policy/Mine",
            PrincipalKind::Group
        )
        .is_ok());
    }
}
