//! `AssumeRole`: the role's trust policy, evaluated by the engine as the role's
//! resource-based policy together with the caller's own policies, decides; then a role
//! session is minted.
//!
//! Within one account a trust policy that names the caller (user ARN, role ARN for a
//! role session) is enough on its own; one that names the account (`ACCT` or
//! `arn:aws:iam::ACCT:root`) delegates to the caller's identity-based policies, which
//! must allow `sts:AssumeRole`. Across accounts both sides must allow. A `Service`
//! principal never matches a user. Session tags need `sts:TagSession` and a source
//! identity `sts:SetSourceIdentity`, decided the same way.
use std::sync::Arc;

use policy::decision::{Outcome, PolicyKind};
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Request, Resource};
use store::Tag;

use super::sts_common::{self, MIN_DURATION_SECONDS};
use super::{Authorization, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::identity::CallerKind;
use crate::operation;
use crate::sts::authorization_message::{self, Refusal};
use crate::sts::trust::TrustedRole;
use crate::sts::{issue_session, SessionKind, SessionSpec};

pub fn operations() -> Vec<Operation> {
    vec![operation!(
        "AssumeRole",
        role_target,
        assume_role,
        Authorization::InHandler
    )]
}

/// A chained role session lasts one hour at most.
pub const CHAINED_MAX_SECONDS: u32 = 3600;

async fn role_target(call: &Call) -> ApiResult<Target> {
    let arn = call.params.get("RoleArn").unwrap_or_default();
    Ok(Target::arn(arn.to_owned()))
}

/// `arn:aws:iam::ACCT:role/PATH/NAME` → (account, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    (store::ids::is_account_id(account) && !name.is_empty()).then_some((account, name))
}

/// AWS's refusal of `action` on the role, ending with the encoded authorization
/// failure message of the request.
async fn refusal(
    call: &Call,
    action: &str,
    role_arn: &str,
    context: &Context,
    explicit_deny: bool,
) -> ApiError {
    let sentence = format!(
        "User: {} is not authorized to perform: {action} on resource: {role_arn}",
        call.caller.arn
    );
    let refusal = Refusal {
        caller: &call.caller,
        action,
        resource: role_arn,
        context,
        explicit_deny,
        matched_statements: &[],
    };
    authorization_message::refuse(&call.state, &sentence, &refusal).await
}

/// The role `RoleArn` names, when it exists with exactly that ARN, with its compiled
/// trust policy (from memory while the auth epoch stands). A missing role is refused
/// as an untrusting one: AssumeRole does not reveal which roles exist.
async fn find_role(call: &Call, role_arn: &str) -> ApiResult<Option<Arc<TrustedRole>>> {
    let Some((account, name)) = parse_role_arn(role_arn) else {
        return Err(ApiError::validation(format!("{role_arn} is invalid")));
    };
    call.state
        .sessions
        .trust
        .role(role_arn, account, name)
        .await
}

/// Whether the caller's policies and the trust policy (together in `set`) allow
/// `request` (whose action is set per check); a refusal says whether a statement
/// denied explicitly.
fn trusted(set: &PolicySet, request: &Request) -> Result<(), bool> {
    let decision = evaluate(request, set);
    // Unlike other resource-based policies, the trust policy is not optional: it must
    // itself name the caller (directly, or through its account, in which case the
    // caller's identity-based policies must allow as well, which the engine checks).
    let named = decision
        .matched
        .iter()
        .any(|m| m.kind == PolicyKind::ResourceBased);
    if decision.is_allowed() && named {
        Ok(())
    } else {
        Err(decision.outcome == Outcome::ExplicitDeny)
    }
}

/// Tags passed on by the calling session (its transitive ones), then the request's.
/// A request may not set a different value for an inherited transitive key.
fn merged_tags(
    call: &Call,
    requested: Vec<Tag>,
    requested_transitive: Vec<String>,
) -> ApiResult<(Vec<Tag>, Vec<String>)> {
    for key in &requested_transitive {
        if !requested.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
            return Err(ApiError::new(
                "InvalidParameterValue",
                format!("The transitive tag key {key} is not one of the session tags."),
            ));
        }
    }
    let mut tags = Vec::new();
    let mut transitive = Vec::new();
    if let Some(session) = &call.caller.session {
        for tag in &session.tags {
            let passes = session
                .transitive_tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&tag.key));
            if passes {
                tags.push(tag.clone());
                transitive.push(tag.key.clone());
            }
        }
    }
    for tag in requested {
        if tags
            .iter()
            .any(|t: &Tag| t.key.eq_ignore_ascii_case(&tag.key))
        {
            return Err(ApiError::new(
                "InvalidParameterValue",
                format!(
                    "The session tag key {} is already set as a transitive tag by the calling session.",
                    tag.key
                ),
            ));
        }
        tags.push(tag);
    }
    for key in requested_transitive {
        if !transitive
            .iter()
            .any(|k: &String| k.eq_ignore_ascii_case(&key))
        {
            transitive.push(key);
        }
    }
    Ok((tags, transitive))
}

async fn assume_role(call: &Call, _target: &Target) -> ApiResult<String> {
    let role_arn = call.params.get("RoleArn").unwrap_or_default();
    let session_name = call.params.get("RoleSessionName").unwrap_or_default();
    if call.caller.is_root() {
        return Err(ApiError::access_denied(
            "Roles may not be assumed by root accounts.",
        ));
    }
    let requested_tags = sts_common::session_tags(call)?;
    let requested_transitive: Vec<String> = call
        .params
        .list("TransitiveTagKeys")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let policies = sts_common::session_policies(call)?;
    let (tags, transitive) = merged_tags(call, requested_tags.clone(), requested_transitive)?;
    let packed = sts_common::packed_policy_size(&policies, &requested_tags)?;

    let inherited_source = call
        .caller
        .session
        .as_ref()
        .and_then(|s| s.source_identity.clone());
    let requested_source = call.params.get("SourceIdentity").map(str::to_owned);
    if let (Some(inherited), Some(requested)) = (&inherited_source, &requested_source) {
        if inherited != requested {
            return Err(ApiError::access_denied(format!(
                "User: {} is not authorized to change the source identity {inherited} of its session",
                call.caller.arn
            )));
        }
    }

    let mfa_at = sts_common::caller_mfa(call).await?;
    let permissions = crate::sts::permissions::for_caller(&call.state, &call.caller).await?;
    let mut context = sts_common::caller_context(call, &permissions, mfa_at);
    context.insert("sts:RoleSessionName", ContextValue::single(session_name));
    if let Some(external_id) = call.params.get("ExternalId") {
        context.insert("sts:ExternalId", ContextValue::single(external_id));
    }
    if let Some(source) = requested_source.as_ref().or(inherited_source.as_ref()) {
        context.insert("sts:SourceIdentity", ContextValue::single(source.clone()));
    }
    if !transitive.is_empty() {
        context.insert(
            "sts:TransitiveTagKeys",
            ContextValue::multi(transitive.iter().cloned()),
        );
    }

    let Some(trusted_role) = find_role(call, role_arn).await? else {
        return Err(refusal(call, "sts:AssumeRole", role_arn, &context, false).await);
    };
    let role = &trusted_role.role;
    let set = call.state.sessions.trust.decision_set(
        &call.caller.access_key_id,
        &permissions,
        role_arn,
        &trusted_role,
    );
    let checks: [(&str, bool); 3] = [
        ("sts:AssumeRole", true),
        ("sts:TagSession", !requested_tags.is_empty()),
        ("sts:SetSourceIdentity", requested_source.is_some()),
    ];
    let mut request = Request {
        principal: call.caller.principal(),
        action: String::new(),
        resource: Resource {
            arn: role_arn.to_owned(),
            account: Some(role.account_id.clone()),
        },
        context,
    };
    for (action, needed) in checks {
        if !needed {
            continue;
        }
        action.clone_into(&mut request.action);
        if let Err(explicit_deny) = trusted(&set, &request) {
            return Err(refusal(call, action, role_arn, &request.context, explicit_deny).await);
        }
    }

    let chained = matches!(call.caller.kind, CallerKind::AssumedRole { .. });
    let duration = sts_common::duration(call, 3600)?;
    if duration < MIN_DURATION_SECONDS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MIN_DURATION_SECONDS}"
        )));
    }
    if chained && duration > CHAINED_MAX_SECONDS {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    if duration > role.max_session_duration {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }

    let source_identity = requested_source.or(inherited_source);
    let spec = SessionSpec {
        kind: SessionKind::Role,
        policy: policies.policy,
        policy_arns: policies.arns,
        tags,
        transitive_tag_keys: transitive,
        source_identity: source_identity.clone(),
        mfa_authenticated_at: mfa_at,
        chained,
        ..SessionSpec::role(role, session_name, duration)
    };
    let credentials = issue_session(&call.state, spec).await?;
    let assumed_role_id = format!("{}:{session_name}", role.role_id);
    let assumed_arn = format!(
        "arn:aws:sts::{}:assumed-role/{}/{session_name}",
        role.account_id, role.name
    );
    Ok(call.respond(|w| {
        credentials.write_xml(w);
        w.element("AssumedRoleUser", |w| {
            w.text("AssumedRoleId", &assumed_role_id);
            w.text("Arn", &assumed_arn);
        });
        if let Some(size) = packed {
            w.display("PackedPolicySize", size);
        }
        if let Some(source) = &source_identity {
            w.text("SourceIdentity", source);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/deploy"),
            Some(("123456789012", "deploy"))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/deploy"),
            Some(("123456789012", "deploy"))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::12345:role/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:role/"), None);
    }
}
