//! The account: its alias (CreateAccountAlias, DeleteAccountAlias, ListAccountAliases),
//! its usage and quotas (GetAccountSummary) and everything that grants permissions in
//! it (GetAccountAuthorizationDetails). All are authorized on `*`.
use awsquery::XmlWriter;
use policy::validate::SizeLimit;
use store::page::{decode_marker, encode_marker};
use store::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, InstanceProfile, PolicyDetail,
    Role, RoleDetail, UserDetail, MAX_ACCESS_KEYS_PER_USER, MAX_ATTACHED_POLICIES,
    MAX_POLICY_VERSIONS,
};

use super::policies::any_resource;
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateAccountAlias", any_resource, create_account_alias),
        operation!("DeleteAccountAlias", any_resource, delete_account_alias),
        operation!("ListAccountAliases", any_resource, list_account_aliases),
        operation!("GetAccountSummary", any_resource, get_account_summary),
        operation!(
            "GetAccountAuthorizationDetails",
            any_resource,
            get_account_authorization_details
        ),
    ]
}

/// IAM's alias rules: 3 to 63 lowercase letters, digits and single hyphens, starting
/// and ending with a letter or digit.
fn check_alias(alias: &str) -> ApiResult<()> {
    let bytes = alias.as_bytes();
    let ok = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
        && !alias.contains("--");
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "1 validation error detected: Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){{1,61}}[a-z0-9]$"
        )))
    }
}

async fn create_account_alias(call: &Call, _target: &Target) -> ApiResult<String> {
    let alias = input::required(&call.params, "AccountAlias")?;
    check_alias(alias)?;
    call.store()
        .create_account_alias(call.account(), alias)
        .await?;
    Ok(call.respond_empty())
}

async fn delete_account_alias(call: &Call, _target: &Target) -> ApiResult<String> {
    let alias = input::required(&call.params, "AccountAlias")?;
    check_alias(alias)?;
    call.store()
        .delete_account_alias(call.account(), alias)
        .await?;
    Ok(call.respond_empty())
}

async fn list_account_aliases(call: &Call, _target: &Target) -> ApiResult<String> {
    input::page(&call.params)?;
    let account = call.store().get_account(call.account()).await?;
    let aliases: Vec<String> = account.and_then(|a| a.alias).into_iter().collect();
    Ok(call.respond(|w| {
        w.text_list("AccountAliases", &aliases);
        w.bool("IsTruncated", false);
    }))
}

/// IAM's default quotas, as `GetAccountSummary` reports them.
mod quota {
    pub const USERS: u64 = 5_000;
    pub const GROUPS: u64 = 300;
    pub const ROLES: u64 = 1_000;
    pub const POLICIES: u64 = 1_500;
    pub const INSTANCE_PROFILES: u64 = 1_000;
    pub const SERVER_CERTIFICATES: u64 = 20;
    pub const GROUPS_PER_USER: u64 = 10;
    pub const SIGNING_CERTIFICATES_PER_USER: u64 = 2;
    pub const POLICY_VERSIONS_IN_USE: u64 = 10_000;
}

async fn get_account_summary(call: &Call, _target: &Target) -> ApiResult<String> {
    let usage = call.store().account_usage(call.account()).await?;
    let flag = |b: bool| u64::from(b);
    let entries: [(&str, u64); 34] = [
        ("Users", usage.users),
        ("UsersQuota", quota::USERS),
        ("Groups", usage.groups),
        ("GroupsQuota", quota::GROUPS),
        ("ServerCertificates", usage.server_certificates),
        ("ServerCertificatesQuota", quota::SERVER_CERTIFICATES),
        ("UserPolicySizeQuota", SizeLimit::INLINE_USER as u64),
        ("GroupPolicySizeQuota", SizeLimit::INLINE_GROUP as u64),
        ("GroupsPerUserQuota", quota::GROUPS_PER_USER),
        (
            "SigningCertificatesPerUserQuota",
            quota::SIGNING_CERTIFICATES_PER_USER,
        ),
        ("AccessKeysPerUserQuota", MAX_ACCESS_KEYS_PER_USER as u64),
        ("MFADevices", usage.mfa_devices),
        ("MFADevicesInUse", usage.mfa_devices_in_use),
        // The root user has no MFA device or password here.
        ("AccountMFAEnabled", 0),
        (
            "AccountAccessKeysPresent",
            flag(usage.access_keys_present_for_root),
        ),
        ("AccountPasswordPresent", 0),
        (
            "AccountSigningCertificatesPresent",
            flag(usage.signing_certificates_present_for_root),
        ),
        (
            "AttachedPoliciesPerGroupQuota",
            MAX_ATTACHED_POLICIES as u64,
        ),
        ("AttachedPoliciesPerRoleQuota", MAX_ATTACHED_POLICIES as u64),
        ("AttachedPoliciesPerUserQuota", MAX_ATTACHED_POLICIES as u64),
        ("Policies", usage.policies),
        ("PoliciesQuota", quota::POLICIES),
        ("PolicySizeQuota", SizeLimit::MANAGED as u64),
        ("PolicyVersionsInUse", usage.policy_versions_in_use),
        ("PolicyVersionsInUseQuota", quota::POLICY_VERSIONS_IN_USE),
        ("VersionsPerPolicyQuota", MAX_POLICY_VERSIONS as u64),
        ("GlobalEndpointTokenVersion", 1),
        ("AssumeRolePolicySizeQuota", SizeLimit::TRUST as u64),
        ("InstanceProfiles", usage.instance_profiles),
        ("InstanceProfilesQuota", quota::INSTANCE_PROFILES),
        ("Providers", usage.providers),
        ("RolePolicySizeQuota", SizeLimit::INLINE_ROLE as u64),
        ("Roles", usage.roles),
        ("RolesQuota", quota::ROLES),
    ];
    Ok(call.respond(|w| {
        w.map(
            "SummaryMap",
            entries.iter().map(|(k, v)| (*k, v.to_string())),
        );
    }))
}

/// The kinds of entry `GetAccountAuthorizationDetails` can be asked for (`Filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wanted {
    users: bool,
    groups: bool,
    roles: bool,
    local_policies: bool,
    aws_policies: bool,
}

fn wanted(call: &Call) -> Wanted {
    let filter = call.params.list("Filter");
    let has = |name: &str| filter.is_empty() || filter.contains(&name);
    Wanted {
        users: has("User"),
        groups: has("Group"),
        roles: has("Role"),
        local_policies: has("LocalManagedPolicy"),
        aws_policies: has("AWSManagedPolicy"),
    }
}

/// One entry of the listing, in the order IAM pages through them: users, groups,
/// roles, then managed policies.
enum Entry<'a> {
    User(&'a UserDetail),
    Group(&'a GroupDetail),
    Role(&'a RoleDetail),
    Local(&'a PolicyDetail),
    Aws(&'static awsdata::ManagedPolicy, u32, u32),
}

impl Entry<'_> {
    /// The key pages resume after: a section number, then the name within it.
    fn key(&self) -> String {
        match self {
            Entry::User(u) => format!("1:{}", u.user.name.to_lowercase()),
            Entry::Group(g) => format!("2:{}", g.group.name.to_lowercase()),
            Entry::Role(r) => format!("3:{}", r.role.name.to_lowercase()),
            Entry::Local(p) => format!("4:{}", p.policy.name.to_lowercase()),
            Entry::Aws(p, _, _) => format!("5:{}", p.arn),
        }
    }
}

fn entries(details: &AuthorizationDetails, wanted: Wanted) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    if wanted.users {
        out.extend(details.users.iter().map(Entry::User));
    }
    if wanted.groups {
        out.extend(details.groups.iter().map(Entry::Group));
    }
    if wanted.roles {
        out.extend(details.roles.iter().map(Entry::Role));
    }
    if wanted.local_policies {
        out.extend(details.policies.iter().map(Entry::Local));
    }
    if wanted.aws_policies {
        // Only the AWS managed policies in use in the account, as IAM reports them.
        out.extend(details.aws_managed_in_use.iter().filter_map(|(arn, a, b)| {
            awsdata::managed_policy_by_arn(arn).map(|p| Entry::Aws(p, *a, *b))
        }));
    }
    out
}

async fn get_account_authorization_details(call: &Call, _target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let after = match &page.marker {
        Some(m) => Some(decode_marker(m).map_err(|_| ApiError::invalid_input("Invalid Marker."))?),
        None => None,
    };
    let details = call.store().authorization_details(call.account()).await?;
    let mut rows: Vec<Entry<'_>> = entries(&details, wanted(call))
        .into_iter()
        .filter(|e| after.as_ref().is_none_or(|a| e.key() > *a))
        .take(page.max_items + 1)
        .collect();
    let truncated = rows.len() > page.max_items;
    rows.truncate(page.max_items);
    let marker = if truncated {
        rows.last().map(|e| encode_marker(&e.key()))
    } else {
        None
    };
    Ok(call.respond(|w| {
        w.list(
            "UserDetailList",
            rows.iter().filter_map(|e| match e {
                Entry::User(u) => Some(*u),
                _ => None,
            }),
            user_detail,
        );
        w.list(
            "GroupDetailList",
            rows.iter().filter_map(|e| match e {
                Entry::Group(g) => Some(*g),
                _ => None,
            }),
            group_detail,
        );
        w.list(
            "RoleDetailList",
            rows.iter().filter_map(|e| match e {
                Entry::Role(r) => Some(*r),
                _ => None,
            }),
            role_detail,
        );
        w.list(
            "Policies",
            rows.iter()
                .filter(|e| matches!(e, Entry::Local(_) | Entry::Aws(..))),
            |w, e| match e {
                Entry::Local(p) => local_policy_detail(w, p),
                Entry::Aws(p, a, b) => aws_policy_detail(w, p, *a, *b),
                _ => {}
            },
        );
        w.bool("IsTruncated", marker.is_some());
        if let Some(m) = &marker {
            w.text("Marker", m);
        }
    }))
}

fn inline_list(w: &mut XmlWriter, name: &str, policies: &[InlinePolicy]) {
    w.list(name, policies, |w, p| {
        w.text("PolicyName", &p.name)
            .policy_document("PolicyDocument", &p.document);
    });
}

fn attached_list(w: &mut XmlWriter, attached: &[AttachedPolicy]) {
    w.list("AttachedManagedPolicies", attached, |w, p| {
        w.text("PolicyName", &p.policy_name)
            .text("PolicyArn", &p.policy_arn);
    });
}

fn user_detail(w: &mut XmlWriter, d: &UserDetail) {
    let u = &d.user;
    w.text("Path", &u.path)
        .text("UserName", &u.name)
        .text("UserId", &u.user_id)
        .text("Arn", &u.arn())
        .text("CreateDate", &u.created.iso8601());
    inline_list(w, "UserPolicyList", &d.inline_policies);
    w.text_list("GroupList", &d.groups);
    attached_list(w, &d.attached);
    if let Some(boundary) = &u.permissions_boundary {
        xml::permissions_boundary(w, boundary);
    }
    xml::tags(w, &u.tags);
}

fn group_detail(w: &mut XmlWriter, d: &GroupDetail) {
    let g = &d.group;
    w.text("Path", &g.path)
        .text("GroupName", &g.name)
        .text("GroupId", &g.group_id)
        .text("Arn", &g.arn())
        .text("CreateDate", &g.created.iso8601());
    inline_list(w, "GroupPolicyList", &d.inline_policies);
    attached_list(w, &d.attached);
}

fn role_last_used(w: &mut XmlWriter, role: &Role) {
    w.element("RoleLastUsed", |w| {
        if let Some(used) = &role.last_used {
            w.text("LastUsedDate", &used.date.iso8601())
                .text("Region", &used.region);
        }
    });
}

/// The `Role` shape inside an instance profile.
fn profile_role(w: &mut XmlWriter, role: &Role) {
    w.text("Path", &role.path)
        .text("RoleName", &role.name)
        .text("RoleId", &role.role_id)
        .text("Arn", &role.arn())
        .text("CreateDate", &role.created.iso8601())
        .policy_document("AssumeRolePolicyDocument", &role.assume_role_policy);
    w.opt_text("Description", role.description.as_deref());
    w.display("MaxSessionDuration", role.max_session_duration);
    if let Some(boundary) = &role.permissions_boundary {
        xml::permissions_boundary(w, boundary);
    }
    if !role.tags.is_empty() {
        xml::tags(w, &role.tags);
    }
    role_last_used(w, role);
}

fn instance_profile(w: &mut XmlWriter, p: &InstanceProfile) {
    w.text("Path", &p.path)
        .text("InstanceProfileName", &p.name)
        .text("InstanceProfileId", &p.instance_profile_id)
        .text("Arn", &p.arn())
        .text("CreateDate", &p.created.iso8601());
    w.list("Roles", &p.roles, profile_role);
    if !p.tags.is_empty() {
        xml::tags(w, &p.tags);
    }
}

fn role_detail(w: &mut XmlWriter, d: &RoleDetail) {
    let r = &d.role;
    w.text("Path", &r.path)
        .text("RoleName", &r.name)
        .text("RoleId", &r.role_id)
        .text("Arn", &r.arn())
        .text("CreateDate", &r.created.iso8601())
        .policy_document("AssumeRolePolicyDocument", &r.assume_role_policy);
    w.list(
        "InstanceProfileList",
        &d.instance_profiles,
        instance_profile,
    );
    inline_list(w, "RolePolicyList", &d.inline_policies);
    attached_list(w, &d.attached);
    if let Some(boundary) = &r.permissions_boundary {
        xml::permissions_boundary(w, boundary);
    }
    xml::tags(w, &r.tags);
    role_last_used(w, r);
}

/// The head of the `ManagedPolicyDetail` shape, shared by both kinds of policy.
#[allow(clippy::too_many_arguments)]
fn policy_head(
    w: &mut XmlWriter,
    name: &str,
    id: &str,
    arn: &str,
    path: &str,
    default_version_id: &str,
    counts: (u32, u32),
    description: Option<&str>,
    created: &str,
    updated: &str,
) {
    w.text("PolicyName", name)
        .text("PolicyId", id)
        .text("Arn", arn)
        .text("Path", path)
        .text("DefaultVersionId", default_version_id)
        .display("AttachmentCount", counts.0)
        .display("PermissionsBoundaryUsageCount", counts.1)
        .bool("IsAttachable", true)
        .opt_text("Description", description)
        .text("CreateDate", created)
        .text("UpdateDate", updated);
}

fn local_policy_detail(w: &mut XmlWriter, d: &PolicyDetail) {
    let p = &d.policy;
    policy_head(
        w,
        &p.name,
        &p.policy_id,
        &p.arn(),
        &p.path,
        &p.default_version_id,
        (p.attachment_count, p.permissions_boundary_usage_count),
        p.description.as_deref(),
        &p.created.iso8601(),
        &p.updated.iso8601(),
    );
    w.list("PolicyVersionList", &d.versions, |w, v| {
        w.policy_document("Document", &v.document)
            .text("VersionId", &v.version_id)
            .bool("IsDefaultVersion", v.is_default)
            .text("CreateDate", &v.created.iso8601());
    });
}

fn aws_policy_detail(
    w: &mut XmlWriter,
    p: &'static awsdata::ManagedPolicy,
    attachments: u32,
    boundaries: u32,
) {
    policy_head(
        w,
        p.name,
        p.policy_id,
        &p.arn,
        p.path,
        p.default_version_id,
        (attachments, boundaries),
        p.description,
        p.create_date,
        p.update_date,
    );
    // Newest first, as for customer policies.
    w.list("PolicyVersionList", p.versions.iter().rev(), |w, v| {
        w.policy_document("Document", &v.document())
            .text("VersionId", v.version_id)
            .bool("IsDefaultVersion", v.is_default)
            .text("CreateDate", v.create_date);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_rules() {
        for good in ["abc", "my-company", "a1-b2-c3", "123"] {
            assert!(check_alias(good).is_ok(), "{good}");
        }
        let long = "a".repeat(64);
        for bad in ["ab", "-abc", "abc-", "a--b", "ABC", "a_b", long.as_str()] {
            let err = check_alias(bad).unwrap_err();
            assert_eq!(err.code(), "ValidationError", "{bad}");
        }
    }
}
