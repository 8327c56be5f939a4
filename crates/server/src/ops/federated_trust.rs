//! What `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` share once the identity
//! provider's token has been verified: find the role, let its trust policy decide about
//! the provider as a `Federated` principal (with the provider's claims as condition
//! keys), check the duration and session policies, and mint the role session.
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use policy::validate::{validate_policy, PolicyKind};
use store::{ErrorKind, Role, Timestamp};

use super::federated_tags::SessionTags;
use super::unsigned::UnsignedCall;
use crate::error::{ApiError, ApiResult};
use crate::sts::{issue_session, Credentials, SessionSpec};

/// `DurationSeconds` when not given.
const DEFAULT_DURATION: u32 = 3600;
/// The most characters of a session policy (after whitespace is removed) and of
/// managed session policies, as STS packs them.
const MAX_PACKED_POLICY: usize = 2048;
const MAX_POLICY_ARNS: usize = 10;

/// A federated caller asking for a role session.
pub struct FederatedRequest<'a> {
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    pub action: &'static str,
    pub role_arn: &'a str,
    pub session_name: &'a str,
    /// The IAM provider's ARN: the `Federated` principal and `aws:FederatedProvider`.
    pub provider_arn: String,
    /// The provider's condition keys (`HOST/PATH:sub`, `saml:aud`, ...).
    pub claims: Vec<(String, Vec<String>)>,
    pub source_identity: Option<String>,
    /// Session tags the provider passed; the trust policy must allow `sts:TagSession`.
    pub session_tags: SessionTags,
}

/// The session granted.
pub struct Granted {
    pub credentials: Credentials,
    pub role: Role,
    pub packed_policy_size: Option<u32>,
}

/// `Not authorized to perform sts:AssumeRoleWith…`: STS says no more than that,
/// whether the role is missing or its trust policy refuses.
pub fn not_authorized(action: &str) -> ApiError {
    ApiError::access_denied(format!("Not authorized to perform {action}"))
}

/// The account and name in `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
fn parse_role_arn(arn: &str) -> ApiResult<(&str, &str)> {
    let invalid = || ApiError::validation("Request ARN is invalid");
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    let path_and_name = resource.strip_prefix("role/").ok_or_else(invalid)?;
    let name = path_and_name.rsplit('/').next().unwrap_or("");
    if !store::ids::is_account_id(account) || name.is_empty() {
        return Err(invalid());
    }
    Ok((account, name))
}

/// Whether the role's trust policy lets the provider's callers perform `action`
/// (the federation action itself, or `sts:TagSession` for the session tags).
fn trusted(call: &UnsignedCall, req: &FederatedRequest<'_>, role: &Role, action: &str) -> bool {
    let Ok(policy) = CompiledPolicy::from_text(&role.assume_role_policy, role.arn(), "Resource")
    else {
        return false;
    };
    let now = Timestamp::now();
    let mut context = Context::new();
    context.insert("aws:CurrentTime", ContextValue::single(now.iso8601()));
    context.insert(
        "aws:EpochTime",
        ContextValue::single(now.epoch_seconds().to_string()),
    );
    context.insert(
        "aws:SourceIp",
        ContextValue::single(call.env.source_ip.to_string()),
    );
    context.insert(
        "aws:SecureTransport",
        ContextValue::single(call.env.secure_transport.to_string()),
    );
    context.insert(
        "aws:RequestedRegion",
        ContextValue::single(call.env.region.clone()),
    );
    context.insert(
        "aws:FederatedProvider",
        ContextValue::single(req.provider_arn.clone()),
    );
    context.insert(
        "sts:RoleSessionName",
        ContextValue::single(req.session_name.to_owned()),
    );
    if let Some(source) = &req.source_identity {
        context.insert("sts:SourceIdentity", ContextValue::single(source.clone()));
    }
    let tags = &req.session_tags;
    for tag in &tags.tags {
        context.insert(
            &format!("aws:RequestTag/{}", tag.key),
            ContextValue::single(tag.value.clone()),
        );
    }
    if !tags.tags.is_empty() {
        context.insert(
            "aws:TagKeys",
            ContextValue::multi(tags.tags.iter().map(|t| t.key.clone())),
        );
    }
    if !tags.transitive_keys.is_empty() {
        context.insert(
            "sts:TransitiveTagKeys",
            ContextValue::multi(tags.transitive_keys.iter().cloned()),
        );
    }
    for (key, values) in &req.claims {
        let value = match values.as_slice() {
            [one] => ContextValue::single(one.clone()),
            many => ContextValue::multi(many.iter().cloned()),
        };
        context.insert(key, value);
    }
    let request = Request {
        principal: Principal {
            kind: PrincipalKind::Federated,
            arn: req.provider_arn.clone(),
            account: role.account_id.clone(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        },
        action: action.to_owned(),
        resource: Resource {
            arn: role.arn(),
            account: Some(role.account_id.clone()),
        },
        context,
    };
    let policies = PolicySet {
        resource: Some(policy),
        ..PolicySet::default()
    };
    evaluate(&request, &policies).is_allowed()
}

/// `Policy` and `PolicyArns`: checked, with the packed size as a percentage.
fn session_policies(call: &UnsignedCall) -> ApiResult<(Option<String>, Vec<String>, Option<u32>)> {
    let policy = call.params.get("Policy").map(str::to_owned);
    let arns: Vec<String> = call
        .params
        .structure_list("PolicyArns", &["arn"])
        .into_iter()
        .filter_map(|fields| fields.first().copied().flatten().map(str::to_owned))
        .collect();
    if arns.len() > MAX_POLICY_ARNS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{}' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}",
            arns.len()
        )));
    }
    if policy.is_none() && arns.is_empty() {
        return Ok((None, arns, None));
    }
    let mut packed = arns.iter().map(|a| a.len()).sum::<usize>();
    if let Some(text) = &policy {
        validate_policy(text, PolicyKind::Session)
            .into_result()
            .map_err(|e| ApiError::new("MalformedPolicyDocument", e.message))?;
        packed += text.chars().filter(|c| !c.is_whitespace()).count();
    }
    let percent = (packed * 100).div_ceil(MAX_PACKED_POLICY);
    if percent > 100 {
        return Err(ApiError::new(
            "PackedPolicyTooLarge",
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy for the request."
            ),
        ));
    }
    Ok((policy, arns, u32::try_from(percent).ok()))
}

/// Decides and, when allowed, mints the session.
pub async fn assume(call: &UnsignedCall, req: FederatedRequest<'_>) -> ApiResult<Granted> {
    let (account, name) = parse_role_arn(req.role_arn)?;
    let role = match call.state.store.get_role(account, name).await {
        Ok(role) if role.arn() == req.role_arn && !role.service_linked => role,
        Ok(_) => return Err(not_authorized(req.action)),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => return Err(not_authorized(req.action)),
        Err(e) => return Err(e.into()),
    };
    if !trusted(call, &req, &role, req.action) {
        return Err(not_authorized(req.action));
    }
    if !req.session_tags.is_empty() && !trusted(call, &req, &role, "sts:TagSession") {
        return Err(not_authorized(req.action));
    }
    let duration = match call.params.get("DurationSeconds") {
        Some(raw) => raw.trim().parse::<u32>().map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must be a number"
            ))
        })?,
        None => DEFAULT_DURATION.min(role.max_session_duration),
    };
    if duration > role.max_session_duration {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let (policy, policy_arns, packed_policy_size) = session_policies(call)?;
    let mut spec = SessionSpec::role(&role, req.session_name, duration);
    spec.policy = policy;
    spec.policy_arns = policy_arns;
    spec.source_identity = req.source_identity;
    spec.federated_provider = Some(req.provider_arn);
    spec.extra_context = req.claims;
    spec.tags = req.session_tags.tags;
    spec.transitive_tag_keys = req.session_tags.transitive_keys;
    let credentials = issue_session(&call.state, spec).await?;
    Ok(Granted {
        credentials,
        role,
        packed_policy_size,
    })
}

/// The `AssumedRoleUser` element.
pub fn assumed_role_user(w: &mut awsquery::XmlWriter, role: &Role, session_name: &str) {
    w.element("AssumedRoleUser", |w| {
        w.text("AssumedRoleId", &format!("{}:{session_name}", role.role_id))
            .text(
                "Arn",
                &format!(
                    "arn:aws:sts::{}:assumed-role/{}/{session_name}",
                    role.account_id, role.name
                ),
            );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/web").unwrap(),
            ("123456789012", "web")
        );
        assert!(parse_role_arn("arn:aws:iam::123456789012:user/web").is_err());
        assert!(parse_role_arn("arn:aws:iam::12345:role/web").is_err());
        assert!(parse_role_arn("arn:aws:iam::123456789012:role/").is_err());
    }
}
