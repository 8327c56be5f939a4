//! Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole; their inline policies (PutRolePolicy,
//! GetRolePolicy, DeleteRolePolicy, ListRolePolicies) and tags (TagRole, UntagRole,
//! ListRoleTags). Service-linked roles are in [`super::service_linked_roles`].
use awsquery::XmlWriter;
use policy::ast::{PrincipalSpec, PrincipalType};
use policy::validate::{validate_policy, PolicyKind, SizeLimit};
use store::{
    iam_arn, ErrorKind, NewRole, PrincipalKind, PrincipalName, Role, RoleUpdate, StoreError,
    TagTarget,
};

use super::users::check_boundary_arn;
use super::{input, xml, Call, Found, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

/// `roleNameType`: 1 to 64 characters.
pub const ROLE_NAME_MAX: usize = 64;
/// `policyNameType`.
const POLICY_NAME_MAX: usize = 128;
/// `MaxSessionDuration` when not given, in seconds.
const DEFAULT_MAX_SESSION_DURATION: u32 = 3600;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateRole", new_role, create_role),
        operation!("GetRole", named_role, get_role),
        operation!("ListRoles", all_roles, list_roles),
        operation!("UpdateRole", named_role, update_role),
        operation!("UpdateRoleDescription", named_role, update_role_description),
        operation!(
            "UpdateAssumeRolePolicy",
            named_role,
            update_assume_role_policy
        ),
        operation!("DeleteRole", named_role, delete_role),
        operation!("PutRolePolicy", named_role, put_role_policy),
        operation!("GetRolePolicy", named_role, get_role_policy),
        operation!("DeleteRolePolicy", named_role, delete_role_policy),
        operation!("ListRolePolicies", named_role, list_role_policies),
        operation!("TagRole", named_role, tag_role),
        operation!("UntagRole", named_role, untag_role),
        operation!("ListRoleTags", named_role, list_role_tags),
    ]
}

/// Which members of the `Role` shape an answer carries: IAM's listings leave out the
/// boundary, tags and last use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleView {
    /// `GetRole`, `UpdateRoleDescription`: every member, `RoleLastUsed` included.
    Full,
    /// `CreateRole`, `CreateServiceLinkedRole`: as created (nothing used yet).
    Created,
    /// `ListRoles`, roles inside instance profiles.
    Listed,
}

/// The `Role` shape, in the member order of AWS's answers.
pub fn role_xml(w: &mut XmlWriter, role: &Role, view: RoleView) {
    w.text("Path", &role.path)
        .text("RoleName", &role.name)
        .text("RoleId", &role.role_id)
        .text("Arn", &role.arn())
        .text("CreateDate", &role.created.iso8601())
        .policy_document("AssumeRolePolicyDocument", &role.assume_role_policy);
    if let Some(description) = role.description.as_deref().filter(|d| !d.is_empty()) {
        w.text("Description", description);
    }
    w.display("MaxSessionDuration", role.max_session_duration);
    if view == RoleView::Listed {
        return;
    }
    if let Some(boundary) = &role.permissions_boundary {
        xml::permissions_boundary(w, boundary);
    }
    if !role.tags.is_empty() {
        xml::tags(w, &role.tags);
    }
    if view == RoleView::Full {
        w.element("RoleLastUsed", |w| {
            if let Some(used) = &role.last_used {
                w.text("LastUsedDate", &used.date.iso8601())
                    .text("Region", &used.region);
            }
        });
    }
}

/// `CreateRole`: the ARN the new role will have.
async fn new_role(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "RoleName", ROLE_NAME_MAX)?;
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(call.account(), "role", &path, name)))
}

/// `ListRoles`: the account's roles.
async fn all_roles(call: &Call) -> ApiResult<Target> {
    super::resources::account_collection(call, "role").await
}

/// A target for a role that exists: its ARN (with its path) and its tags.
pub fn role_target(role: Role) -> Target {
    Target {
        arn: role.arn(),
        tags: role.tags.clone(),
        found: Some(Found::Role(role)),
        ..Target::default()
    }
}

/// The role named by `RoleName`. When it does not exist the ARN has the root path, and
/// the handler answers `NoSuchEntity` once authorization passes.
pub async fn named_role(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "RoleName", ROLE_NAME_MAX)?;
    match call.store().get_role(call.account(), name).await {
        Ok(role) => Ok(role_target(role)),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), "role", "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The role the resolver found, or AWS's `NoSuchEntity` for the name asked for.
pub fn existing_role<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t Role> {
    match &target.found {
        Some(Found::Role(role)) => Ok(role),
        _ => {
            let name = call.params.get("RoleName").unwrap_or_default();
            Err(StoreError::no_such_role(name).into())
        }
    }
}

/// Service-linked roles change only through their service.
pub fn refuse_service_linked(role: &Role) -> ApiResult<()> {
    if role.service_linked {
        return Err(ApiError::new(
            "UnmodifiableEntity",
            format!(
                "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                role.name
            ),
        ));
    }
    Ok(())
}

fn principal(name: &str) -> PrincipalName<'_> {
    PrincipalName {
        kind: PrincipalKind::Role,
        name,
    }
}

/// `roleDescriptionType`: up to 1,000 characters of tab, newline, carriage return and
/// printable Latin-1.
fn description(call: &Call) -> ApiResult<Option<String>> {
    let Some(value) = call.params.get("Description") else {
        return Ok(None);
    };
    let pattern_ok = value.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{7e}').contains(&c)
            || ('\u{a1}'..='\u{ff}').contains(&c)
    });
    let violation = |constraint: &str| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{value}' at 'description' failed to satisfy constraint: {constraint}"
        ))
    };
    if value.chars().count() > 1000 {
        return Err(violation(
            "Member must have length less than or equal to 1000",
        ));
    }
    if !pattern_ok {
        return Err(violation(
            r"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// `roleMaxSessionDurationType`: 3,600 to 43,200 seconds.
fn max_session_duration(call: &Call) -> ApiResult<Option<u32>> {
    let Some(raw) = call.params.get("MaxSessionDuration") else {
        return Ok(None);
    };
    let violation = |constraint: &str| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{raw}' at 'maxSessionDuration' failed to satisfy constraint: {constraint}"
        ))
    };
    let seconds: i64 = raw
        .trim()
        .parse()
        .map_err(|_| violation("Member must be a number"))?;
    if seconds < 3600 {
        return Err(violation(
            "Member must have value greater than or equal to 3600",
        ));
    }
    if seconds > 43200 {
        return Err(violation(
            "Member must have value less than or equal to 43200",
        ));
    }
    Ok(u32::try_from(seconds).ok())
}

/// Validates a trust policy as IAM does: the grammar and rules of trust policies, the
/// size quota, and that every IAM user or role it names in an account iamd holds
/// exists (IAM binds each to its unique id when saving the policy).
pub async fn check_trust_policy(call: &Call, document: &str) -> ApiResult<()> {
    let policy = validate_policy(document, PolicyKind::Trust).into_result()?;
    for statement in &policy.statements {
        let Some(block) = &statement.principal else {
            continue;
        };
        let PrincipalSpec::Map(entries) = &block.spec else {
            continue;
        };
        for (kind, list) in entries {
            if kind.value != PrincipalType::Aws {
                continue;
            }
            for item in &list.items {
                if !principal_exists(call, &item.value).await? {
                    return Err(ApiError::new(
                        "MalformedPolicyDocument",
                        format!("Invalid principal in policy: \"AWS\":\"{}\"", item.value),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether an `AWS` principal refers to something that exists. Only IAM user and role
/// ARNs of accounts this server holds can be checked; anything else is taken as given.
async fn principal_exists(call: &Call, principal: &str) -> ApiResult<bool> {
    let Some(rest) = principal.strip_prefix("arn:aws:iam::") else {
        return Ok(true);
    };
    let Some((account, resource)) = rest.split_once(':') else {
        return Ok(true);
    };
    let Some((kind, path_and_name)) = resource.split_once('/') else {
        return Ok(true);
    };
    if !matches!(kind, "user" | "role") || path_and_name.contains('*') {
        return Ok(true);
    }
    if call.store().get_account(account).await?.is_none() {
        return Ok(true);
    }
    let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
    let found = match kind {
        "user" => call.store().get_user(account, name).await.map(|u| u.arn()),
        _ => call.store().get_role(account, name).await.map(|r| r.arn()),
    };
    match found {
        Ok(arn) => Ok(arn == principal),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => Ok(false),
        Err(e) => Err(e.into()),
    }
}

async fn create_role(call: &Call, _target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let name = input::required_name(p, "RoleName", ROLE_NAME_MAX)?;
    let path = input::path_or_root(p, "Path")?;
    let document = input::policy_document(p, "AssumeRolePolicyDocument")?;
    let description = description(call)?;
    let duration = max_session_duration(call)?.unwrap_or(DEFAULT_MAX_SESSION_DURATION);
    let boundary = match p.get("PermissionsBoundary") {
        Some(_) => {
            let arn = input::arn(p, "PermissionsBoundary")?;
            check_boundary_arn(arn)?;
            Some(arn.to_owned())
        }
        None => None,
    };
    let tags = input::tags(p)?;
    check_trust_policy(call, document).await?;
    let role = call
        .store()
        .create_role(
            call.account(),
            NewRole {
                name: name.to_owned(),
                path,
                assume_role_policy: document.to_owned(),
                description,
                max_session_duration: duration,
                permissions_boundary: boundary,
                service_linked: false,
                tags,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("Role", |w| role_xml(w, &role, RoleView::Created));
    }))
}

async fn get_role(call: &Call, target: &Target) -> ApiResult<String> {
    let role = existing_role(call, target)?;
    Ok(call.respond(|w| {
        w.element("Role", |w| role_xml(w, role, RoleView::Full));
    }))
}

async fn list_roles(call: &Call, _target: &Target) -> ApiResult<String> {
    let prefix = input::path_prefix(&call.params, "PathPrefix")?;
    let page = input::page(&call.params)?;
    let roles = call
        .store()
        .list_roles(call.account(), &prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("Roles", &roles.items, |w, r| {
            role_xml(w, r, RoleView::Listed)
        });
        xml::truncation(w, &roles);
    }))
}

async fn update_role(call: &Call, target: &Target) -> ApiResult<String> {
    let description = description(call)?;
    let duration = max_session_duration(call)?;
    let role = existing_role(call, target)?;
    if duration.is_some() {
        refuse_service_linked(role)?;
    }
    call.store()
        .update_role(
            call.account(),
            &role.name,
            RoleUpdate {
                description,
                max_session_duration: duration,
            },
        )
        .await?;
    // UpdateRole's output shape has no members, but clients expect its Result element.
    Ok(call.respond(|_| {}))
}

async fn update_role_description(call: &Call, target: &Target) -> ApiResult<String> {
    let description = description(call)?;
    if description.is_none() {
        input::required(&call.params, "Description")?;
    }
    let role = existing_role(call, target)?;
    let role = call
        .store()
        .update_role(
            call.account(),
            &role.name,
            RoleUpdate {
                description,
                max_session_duration: None,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("Role", |w| role_xml(w, &role, RoleView::Full));
    }))
}

async fn update_assume_role_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let document = input::policy_document(&call.params, "PolicyDocument")?;
    let role = existing_role(call, target)?;
    refuse_service_linked(role)?;
    check_trust_policy(call, document).await?;
    call.store()
        .update_assume_role_policy(call.account(), &role.name, document)
        .await?;
    Ok(call.respond_empty())
}

async fn delete_role(call: &Call, target: &Target) -> ApiResult<String> {
    let role = existing_role(call, target)?;
    refuse_service_linked(role)?;
    call.store().delete_role(call.account(), &role.name).await?;
    Ok(call.respond_empty())
}

async fn put_role_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let policy_name = input::required_name(p, "PolicyName", POLICY_NAME_MAX)?;
    let document = input::policy_document(p, "PolicyDocument")?;
    let role = existing_role(call, target)?;
    refuse_service_linked(role)?;
    validate_policy(document, PolicyKind::Identity).into_result()?;
    let size = SizeLimit::InlineRole.measure(document);
    call.store()
        .put_inline_policy(
            call.account(),
            principal(&role.name),
            policy_name,
            document,
            size,
            SizeLimit::InlineRole.max(),
        )
        .await?;
    Ok(call.respond_empty())
}

async fn get_role_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", POLICY_NAME_MAX)?;
    let role = existing_role(call, target)?;
    let policy = call
        .store()
        .get_inline_policy(call.account(), principal(&role.name), policy_name)
        .await?;
    Ok(call.respond(|w| {
        w.text("RoleName", &role.name)
            .text("PolicyName", &policy.name)
            .policy_document("PolicyDocument", &policy.document);
    }))
}

async fn delete_role_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let policy_name = input::required_name(&call.params, "PolicyName", POLICY_NAME_MAX)?;
    let role = existing_role(call, target)?;
    refuse_service_linked(role)?;
    call.store()
        .delete_inline_policy(call.account(), principal(&role.name), policy_name)
        .await?;
    Ok(call.respond_empty())
}

async fn list_role_policies(call: &Call, target: &Target) -> ApiResult<String> {
    let role = existing_role(call, target)?;
    let page = input::page(&call.params)?;
    let names = call
        .store()
        .list_inline_policies(call.account(), principal(&role.name), &page)
        .await?;
    Ok(call.respond(|w| {
        w.text_list("PolicyNames", &names.items);
        xml::truncation(w, &names);
    }))
}

async fn tag_role(call: &Call, target: &Target) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    let role = existing_role(call, target)?;
    call.store()
        .tag(call.account(), TagTarget::Role(&role.name), tags)
        .await?;
    Ok(call.respond_empty())
}

async fn untag_role(call: &Call, target: &Target) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    let role = existing_role(call, target)?;
    call.store()
        .untag(call.account(), TagTarget::Role(&role.name), keys)
        .await?;
    Ok(call.respond_empty())
}

async fn list_role_tags(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let role = existing_role(call, target)?;
    let tags = call
        .store()
        .list_tags(call.account(), TagTarget::Role(&role.name), &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{RoleLastUsed, Tag, Timestamp};

    fn sample() -> Role {
        Role {
            account_id: "123456789012".into(),
            role_id: "AROAEXAMPLE0000000001".into(),
            name: "app".into(),
            path: "/svc/".into(),
            created: Timestamp::from_millis(0),
            assume_role_policy: r#"{"a":1}"#.into(),
            description: Some("d".into()),
            max_session_duration: 3600,
            permissions_boundary: Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into()),
            last_used: Some(RoleLastUsed {
                date: Timestamp::from_millis(1000),
                region: "us-east-1".into(),
            }),
            service_linked: false,
            tags: vec![Tag::new("k", "v")],
        }
    }

    fn written(view: RoleView) -> String {
        let mut w = XmlWriter::new();
        role_xml(&mut w, &sample(), view);
        w.finish()
    }

    #[test]
    fn role_members_in_aws_order_per_view() {
        let head = "<Path>/svc/</Path><RoleName>app</RoleName><RoleId>AROAEXAMPLE0000000001</RoleId>\
            <Arn>arn:aws:iam::123456789012:role/svc/app</Arn><CreateDate>1970-01-01T00:00:00Z</CreateDate>\
            <AssumeRolePolicyDocument>%7B%22a%22%3A1%7D</AssumeRolePolicyDocument>\
            <Description>d</Description><MaxSessionDuration>3600</MaxSessionDuration>";
        assert_eq!(written(RoleView::Listed), head);
        let created = written(RoleView::Created);
        assert!(created.starts_with(head));
        assert!(created.ends_with(
            "<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>\
             <PermissionsBoundaryArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PermissionsBoundaryArn></PermissionsBoundary>\
             <Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
        ));
        assert!(written(RoleView::Full).ends_with(
            "</Tags><RoleLastUsed><LastUsedDate>1970-01-01T00:00:01Z</LastUsedDate><Region>us-east-1</Region></RoleLastUsed>"
        ));
    }
}
