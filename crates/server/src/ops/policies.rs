//! Managed policies: customer managed policies (CreatePolicy, GetPolicy, DeletePolicy,
//! ListPolicies, their versions and tags) and read access to AWS managed policies,
//! which every account sees and whose usage counts are per account.
use std::sync::OnceLock;

use policy::validate::{validate_policy, PolicyKind, SizeLimit};
use store::page::{decode_marker, encode_marker};
use store::{
    ErrorKind, ManagedPolicy, NewPolicy, Page, PageRequest, PolicyFilter, PolicyUsage,
    PolicyVersion, StoreError, Tag, TagTarget,
};

use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreatePolicy", new_policy, create_policy),
        operation!("GetPolicy", named_policy, get_policy),
        operation!("DeletePolicy", named_policy, delete_policy),
        operation!("ListPolicies", any_resource, list_policies),
        operation!("CreatePolicyVersion", named_policy, create_policy_version),
        operation!("GetPolicyVersion", named_policy, get_policy_version),
        operation!("ListPolicyVersions", named_policy, list_policy_versions),
        operation!("DeletePolicyVersion", named_policy, delete_policy_version),
        operation!(
            "SetDefaultPolicyVersion",
            named_policy,
            set_default_policy_version
        ),
        operation!("TagPolicy", named_policy, tag_policy),
        operation!("UntagPolicy", named_policy, untag_policy),
        operation!("ListPolicyTags", named_policy, list_policy_tags),
    ]
}

/// Operations the service authorization reference lists without a resource type.
pub async fn any_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

/// `CreatePolicy`: the ARN the new policy will have.
async fn new_policy(call: &Call) -> ApiResult<Target> {
    let name = input::required(&call.params, "PolicyName")?;
    let path = call.params.get("Path").unwrap_or("/");
    Ok(Target::arn(store::iam_arn(
        call.account(),
        "policy",
        path,
        name,
    )))
}

/// The policy named by `PolicyArn`, with its tags for `iam:ResourceTag/*` when it is
/// one of the account's own.
async fn named_policy(call: &Call) -> ApiResult<Target> {
    let arn = input::required(&call.params, "PolicyArn")?;
    if is_aws_managed(arn) {
        return Ok(Target::arn(arn.to_owned()));
    }
    match call.store().get_policy(call.account(), arn).await {
        Ok(policy) => Ok(Target {
            arn: arn.to_owned(),
            tags: policy.tags,
            found: None,
            ..Target::default()
        }),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => Ok(Target::arn(arn.to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// Whether `arn` names an AWS managed policy (`arn:aws:iam::aws:policy/...`).
pub fn is_aws_managed(arn: &str) -> bool {
    arn.strip_prefix(awsdata::AWS_MANAGED_POLICY_ARN_PREFIX)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The AWS managed policy `arn` names, or AWS's `NoSuchEntity`.
pub fn aws_managed(arn: &str) -> ApiResult<&'static awsdata::ManagedPolicy> {
    awsdata::managed_policy_by_arn(arn).ok_or_else(|| StoreError::no_such_policy(arn).into())
}

/// Checks a document for a managed policy version: AWS's grammar for identity
/// policies, then the managed policy size quota (whitespace does not count).
pub fn check_managed_document(document: &str) -> ApiResult<()> {
    if let Some(err) = validate_policy(document, PolicyKind::Identity).first_error() {
        // The identity check measures against the inline quota; managed policies have
        // their own, checked below with AWS's wording.
        if err.code.as_str() != "LimitExceeded" {
            return Err(err.into());
        }
    }
    SizeLimit::Managed.check(document, "")?;
    Ok(())
}

/// `true`/`false` as the query protocol sends booleans.
fn flag(call: &Call, member: &str) -> ApiResult<bool> {
    match call.params.get(member) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{v}' at '{}' failed to satisfy constraint: Member must be a boolean",
            lower_first(member)
        ))),
    }
}

fn lower_first(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The `Policy` shape, from either a customer or an AWS managed policy.
struct PolicyView<'a> {
    name: &'a str,
    id: &'a str,
    arn: String,
    path: &'a str,
    default_version_id: &'a str,
    attachment_count: u32,
    boundary_count: u32,
    description: Option<&'a str>,
    created: String,
    updated: String,
    tags: &'a [Tag],
}

impl<'a> PolicyView<'a> {
    fn customer(p: &'a ManagedPolicy) -> Self {
        PolicyView {
            name: &p.name,
            id: &p.policy_id,
            arn: p.arn(),
            path: &p.path,
            default_version_id: &p.default_version_id,
            attachment_count: p.attachment_count,
            boundary_count: p.permissions_boundary_usage_count,
            description: p.description.as_deref(),
            created: p.created.iso8601(),
            updated: p.updated.iso8601(),
            tags: &p.tags,
        }
    }

    fn aws(p: &'static awsdata::ManagedPolicy, attachments: u32, boundaries: u32) -> Self {
        PolicyView {
            name: p.name,
            id: p.policy_id,
            arn: p.arn.to_string(),
            path: p.path,
            default_version_id: p.default_version_id,
            attachment_count: attachments,
            boundary_count: boundaries,
            description: p.description,
            created: p.create_date.to_owned(),
            updated: p.update_date.to_owned(),
            tags: &[],
        }
    }
}

/// How much of the `Policy` shape an operation returns: listings leave out the
/// description and tags, as IAM's do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Listing,
    Full,
}

fn write_policy(w: &mut awsquery::XmlWriter, p: &PolicyView<'_>, detail: Detail) {
    w.text("PolicyName", p.name)
        .text("PolicyId", p.id)
        .text("Arn", &p.arn)
        .text("Path", p.path)
        .text("DefaultVersionId", p.default_version_id)
        .display("AttachmentCount", p.attachment_count)
        .display("PermissionsBoundaryUsageCount", p.boundary_count)
        .bool("IsAttachable", true);
    if detail == Detail::Full {
        w.opt_text("Description", p.description);
    }
    w.text("CreateDate", &p.created)
        .text("UpdateDate", &p.updated);
    if detail == Detail::Full && !p.tags.is_empty() {
        xml::tags(w, p.tags);
    }
}

/// The `PolicyVersion` shape; listings and `CreatePolicyVersion` leave out the document.
fn write_version(
    w: &mut awsquery::XmlWriter,
    document: Option<&str>,
    version_id: &str,
    is_default: bool,
    created: &str,
) {
    if let Some(doc) = document {
        w.policy_document("Document", doc);
    }
    w.text("VersionId", version_id)
        .bool("IsDefaultVersion", is_default)
        .text("CreateDate", created);
}

/// Attachment and boundary counts of an AWS managed policy in the caller's account.
async fn aws_usage(call: &Call, arn: &str) -> ApiResult<(u32, u32)> {
    let counts = call.store().policy_usage_counts(call.account()).await?;
    Ok(counts
        .into_iter()
        .find(|(a, _, _)| a == arn)
        .map(|(_, attached, bounded)| (attached, bounded))
        .unwrap_or((0, 0)))
}

async fn create_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let name = input::required_name(p, "PolicyName", 128)?;
    let path = p.get("Path").unwrap_or("/").to_owned();
    let document = input::policy_document(p, "PolicyDocument")?;
    let description = p.get("Description").map(str::to_owned);
    let tags = input::tags(p)?;
    check_managed_document(document)?;
    let policy = call
        .store()
        .create_policy(
            call.account(),
            NewPolicy {
                name: name.to_owned(),
                path,
                description,
                document: document.to_owned(),
                tags,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("Policy", |w| {
            write_policy(w, &PolicyView::customer(&policy), Detail::Full)
        });
    }))
}

async fn get_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let arn = target.arn.as_str();
    if is_aws_managed(arn) {
        let policy = aws_managed(arn)?;
        let (attached, bounded) = aws_usage(call, arn).await?;
        return Ok(call.respond(|w| {
            w.element("Policy", |w| {
                write_policy(w, &PolicyView::aws(policy, attached, bounded), Detail::Full)
            });
        }));
    }
    let policy = call.store().get_policy(call.account(), arn).await?;
    Ok(call.respond(|w| {
        w.element("Policy", |w| {
            write_policy(w, &PolicyView::customer(&policy), Detail::Full)
        });
    }))
}

async fn delete_policy(call: &Call, target: &Target) -> ApiResult<String> {
    call.store()
        .delete_policy(call.account(), &target.arn)
        .await?;
    Ok(call.respond_empty())
}

/// `Scope` of `ListPolicies`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Aws,
    Local,
}

/// One row of a `ListPolicies` page.
enum Listed {
    Local(ManagedPolicy),
    Aws(&'static awsdata::ManagedPolicy, u32, u32),
}

impl Listed {
    /// The merged listing's order: by name case-insensitively; at equal names the
    /// account's policy (0) before AWS's (1).
    fn sort_key(&self) -> (String, u8) {
        match self {
            Listed::Local(p) => (p.name.to_lowercase(), 0),
            Listed::Aws(p, _, _) => (p.name.to_lowercase(), 1),
        }
    }
}

fn encode_list_marker((name, source): &(String, u8)) -> String {
    encode_marker(&format!("{source}:{name}"))
}

fn decode_list_marker(marker: &str) -> ApiResult<(String, u8)> {
    let invalid = || ApiError::invalid_input("Invalid Marker.");
    let text = decode_marker(marker).map_err(|_| invalid())?;
    match text.split_once(':') {
        Some(("0", name)) => Ok((name.to_owned(), 0)),
        Some(("1", name)) => Ok((name.to_owned(), 1)),
        _ => Err(invalid()),
    }
}

/// AWS managed policies sorted as the merged listing sorts them.
fn aws_policies_by_lower_name() -> &'static [&'static awsdata::ManagedPolicy] {
    static SORTED: OnceLock<Vec<&'static awsdata::ManagedPolicy>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut all: Vec<_> = awsdata::managed_policies().collect();
        all.sort_by_cached_key(|p| p.name.to_lowercase());
        all
    })
}

fn usage_filter(call: &Call) -> PolicyUsage {
    match call.params.get("PolicyUsageFilter") {
        Some("PermissionsPolicy") => PolicyUsage::PermissionsPolicy,
        Some("PermissionsBoundary") => PolicyUsage::PermissionsBoundary,
        _ => PolicyUsage::Any,
    }
}

async fn list_policies(call: &Call, _target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let scope = match p.get("Scope") {
        Some("AWS") => Scope::Aws,
        Some("Local") => Scope::Local,
        _ => Scope::All,
    };
    let filter = PolicyFilter {
        path_prefix: p.get("PathPrefix").unwrap_or("/").to_owned(),
        only_attached: flag(call, "OnlyAttached")?,
        usage: usage_filter(call),
    };
    let page = input::page(p)?;
    let after = page.marker.as_deref().map(decode_list_marker).transpose()?;
    let max = page.max_items;

    let mut rows: Vec<Listed> = Vec::new();
    let mut local_truncated = false;
    if scope != Scope::Aws {
        let request = PageRequest::new(
            after.as_ref().map(|(name, _)| encode_marker(name)),
            Some(max),
        );
        let local = call
            .store()
            .list_policies(call.account(), &filter, &request)
            .await?;
        local_truncated = local.is_truncated();
        rows.extend(local.items.into_iter().map(Listed::Local));
    }
    if scope != Scope::Local {
        // Every row shows its counts: read them once for the page.
        let counts = call.store().policy_usage_counts(call.account()).await?;
        let usage_of = |arn: &str| {
            counts
                .iter()
                .find(|(a, _, _)| a == arn)
                .map(|(_, a, b)| (*a, *b))
                .unwrap_or((0, 0))
        };
        let aws = aws_policies_by_lower_name()
            .iter()
            .filter(|policy| match &after {
                None => true,
                Some((name, 0)) => policy.name.to_lowercase() >= *name,
                Some((name, _)) => policy.name.to_lowercase() > *name,
            })
            .filter(|policy| policy.path.starts_with(filter.path_prefix.as_str()))
            .map(|policy| {
                let (attached, bounded) = usage_of(&policy.arn);
                (*policy, attached, bounded)
            })
            .filter(|(_, attached, bounded)| {
                !filter.only_attached
                    || match filter.usage {
                        PolicyUsage::Any | PolicyUsage::PermissionsPolicy => *attached > 0,
                        PolicyUsage::PermissionsBoundary => *bounded > 0,
                    }
            })
            .take(max + 1)
            .map(|(policy, a, b)| Listed::Aws(policy, a, b));
        rows.extend(aws);
    }
    rows.sort_by_cached_key(Listed::sort_key);
    let truncated = rows.len() > max || local_truncated;
    rows.truncate(max);
    let marker = if truncated {
        rows.last().map(|last| encode_list_marker(&last.sort_key()))
    } else {
        None
    };
    Ok(call.respond(|w| {
        w.list("Policies", &rows, |w, row| match row {
            Listed::Local(policy) => {
                write_policy(w, &PolicyView::customer(policy), Detail::Listing)
            }
            Listed::Aws(policy, a, b) => {
                write_policy(w, &PolicyView::aws(policy, *a, *b), Detail::Listing)
            }
        });
        w.bool("IsTruncated", marker.is_some());
        if let Some(m) = &marker {
            w.text("Marker", m);
        }
    }))
}

async fn create_policy_version(call: &Call, target: &Target) -> ApiResult<String> {
    let document = input::policy_document(&call.params, "PolicyDocument")?;
    let set_as_default = flag(call, "SetAsDefault")?;
    check_managed_document(document)?;
    let version = call
        .store()
        .create_policy_version(call.account(), &target.arn, document, set_as_default)
        .await?;
    Ok(call.respond(|w| {
        w.element("PolicyVersion", |w| {
            write_version(
                w,
                None,
                &version.version_id,
                version.is_default,
                &version.created.iso8601(),
            )
        });
    }))
}

async fn get_policy_version(call: &Call, target: &Target) -> ApiResult<String> {
    let version_id = input::required(&call.params, "VersionId")?;
    let arn = target.arn.as_str();
    if is_aws_managed(arn) {
        let policy = aws_managed(arn)?;
        let version = policy.version(version_id).ok_or_else(|| {
            ApiError::new(
                "NoSuchEntity",
                format!("Policy {arn} version {version_id} does not exist or is not attachable."),
            )
        })?;
        let document = version.document();
        return Ok(call.respond(|w| {
            w.element("PolicyVersion", |w| {
                write_version(
                    w,
                    Some(&document),
                    version.version_id,
                    version.is_default,
                    version.create_date,
                )
            });
        }));
    }
    let version = call
        .store()
        .get_policy_version(call.account(), arn, version_id)
        .await?;
    Ok(call.respond(|w| {
        w.element("PolicyVersion", |w| {
            write_version(
                w,
                Some(&version.document),
                &version.version_id,
                version.is_default,
                &version.created.iso8601(),
            )
        });
    }))
}

/// A version in a listing: id, default flag and creation date.
struct VersionRow {
    version_id: String,
    is_default: bool,
    created: String,
}

impl From<PolicyVersion> for VersionRow {
    fn from(v: PolicyVersion) -> Self {
        VersionRow {
            version_id: v.version_id,
            is_default: v.is_default,
            created: v.created.iso8601(),
        }
    }
}

/// `v12` sorts after `v9`: versions compare by number.
fn version_number(version_id: &str) -> u64 {
    version_id
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

async fn list_policy_versions(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let arn = target.arn.as_str();
    // Newest first, as IAM lists them.
    let rows: Vec<VersionRow> = if is_aws_managed(arn) {
        aws_managed(arn)?
            .versions
            .iter()
            .rev()
            .map(|v| VersionRow {
                version_id: v.version_id.to_owned(),
                is_default: v.is_default,
                created: v.create_date.to_owned(),
            })
            .collect()
    } else {
        call.store()
            .list_policy_versions(call.account(), arn)
            .await?
            .into_iter()
            .map(VersionRow::from)
            .collect()
    };
    let after = match &page.marker {
        Some(m) => Some(
            decode_marker(m)
                .map_err(|_| ApiError::invalid_input("Invalid Marker."))
                .map(|v| version_number(&v))?,
        ),
        None => None,
    };
    let rows: Vec<VersionRow> = rows
        .into_iter()
        .filter(|r| after.is_none_or(|a| version_number(&r.version_id) < a))
        .take(page.max_items + 1)
        .collect();
    let versions = Page::from_rows(rows, &page, |r| r.version_id.clone());
    Ok(call.respond(|w| {
        w.list("Versions", &versions.items, |w, v| {
            write_version(w, None, &v.version_id, v.is_default, &v.created)
        });
        xml::truncation(w, &versions);
    }))
}

async fn delete_policy_version(call: &Call, target: &Target) -> ApiResult<String> {
    let version_id = input::required(&call.params, "VersionId")?;
    call.store()
        .delete_policy_version(call.account(), &target.arn, version_id)
        .await?;
    Ok(call.respond_empty())
}

async fn set_default_policy_version(call: &Call, target: &Target) -> ApiResult<String> {
    let version_id = input::required(&call.params, "VersionId")?;
    call.store()
        .set_default_policy_version(call.account(), &target.arn, version_id)
        .await?;
    Ok(call.respond_empty())
}

async fn tag_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    call.store()
        .tag(call.account(), TagTarget::Policy(&target.arn), tags)
        .await?;
    Ok(call.respond_empty())
}

async fn untag_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    call.store()
        .untag(call.account(), TagTarget::Policy(&target.arn), keys)
        .await?;
    Ok(call.respond_empty())
}

async fn list_policy_tags(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let tags = call
        .store()
        .list_tags(call.account(), TagTarget::Policy(&target.arn), &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_documents_use_the_managed_quota_and_aws_wording() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(check_managed_document(ok).is_ok());
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#;
        assert_eq!(
            check_managed_document(bad).unwrap_err().code(),
            "MalformedPolicyDocument"
        );
        let actions: Vec<String> = (0..400).map(|i| format!("\"s3:GetObject{i}\"")).collect();
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
            actions.join(",")
        );
        let err = check_managed_document(&big).unwrap_err();
        assert_eq!(err.code(), "LimitExceeded");
        assert_eq!(err.message(), "Cannot exceed quota for PolicySize: 6144");
    }

    #[test]
    fn aws_managed_arns() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(!is_aws_managed(
            "arn:aws:iam::123456789012:policy/ReadOnlyAccess"
        ));
        assert!(!is_aws_managed("arn:aws:iam::aws:policyX/a"));
        assert!(aws_managed("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere").is_err());
    }

    #[test]
    fn list_markers_round_trip() {
        let key = ("readonlyaccess".to_owned(), 1);
        assert_eq!(decode_list_marker(&encode_list_marker(&key)).unwrap(), key);
        assert!(decode_list_marker("garbage").is_err());
        assert_eq!(version_number("v12"), 12);
    }
}
