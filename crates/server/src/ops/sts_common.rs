//! What the STS operations that mint credentials share: session durations, session
//! policies and tags, their packed size, MFA codes, and the caller's context.
use policy::request::{Context, ContextValue};
use policy::validate::{validate_policy, PolicyKind};
use store::{Tag, Timestamp};

use super::{input, Call};
use crate::authz::Permissions;
use crate::context;
use crate::error::{ApiError, ApiResult};
use crate::identity::CallerKind;

/// The shortest session of every operation.
pub const MIN_DURATION_SECONDS: u32 = 900;

/// `DurationSeconds`, or `default` when absent; the model's range was already checked.
pub fn duration(call: &Call, default: u32) -> ApiResult<u32> {
    match call.params.get("DurationSeconds") {
        None => Ok(default),
        Some(text) => text.trim().parse::<u32>().map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{text}' at 'durationSeconds' failed to satisfy constraint: Member must be a number"
            ))
        }),
    }
}

/// The session policies of a request: `Policy` (validated as a session policy) and
/// `PolicyArns.member.N.arn` (at most 10).
#[derive(Debug, Clone, Default)]
pub struct SessionPolicies {
    pub policy: Option<String>,
    pub arns: Vec<String>,
}

pub const MAX_POLICY_ARNS: usize = 10;

pub fn session_policies(call: &Call) -> ApiResult<SessionPolicies> {
    let policy = call.params.get("Policy").map(str::to_owned);
    if let Some(text) = &policy {
        validate_policy(text, PolicyKind::Session).into_result()?;
    }
    let mut arns = Vec::new();
    for fields in call.params.structure_list("PolicyArns", &["arn"]) {
        if let Some(Some(arn)) = fields.first() {
            arns.push((*arn).to_owned());
        }
    }
    if arns.len() > MAX_POLICY_ARNS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '[{}]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}",
            arns.join(", ")
        )));
    }
    for arn in &arns {
        if !arn.starts_with("arn:aws:iam::") || !arn.contains(":policy/") {
            return Err(ApiError::new(
                "InvalidParameterValue",
                format!("Invalid policy ARN: {arn}"),
            ));
        }
    }
    Ok(SessionPolicies { policy, arns })
}

/// Session tags (`Tags.member.N`), with IAM's tag rules.
pub fn session_tags(call: &Call) -> ApiResult<Vec<Tag>> {
    if call
        .params
        .structure_list("Tags", &["Key", "Value"])
        .is_empty()
    {
        return Ok(Vec::new());
    }
    input::tags(&call.params)
}

/// The room session policies and tags take once packed, as a percentage of what a
/// session can carry; `None` when the request passes neither. Packing removes the
/// insignificant whitespace of the policy; the allotted space is
/// [`PACKED_BUDGET_BYTES`]. Over 100 %: `PackedPolicyTooLarge`, as AWS answers.
pub fn packed_policy_size(policies: &SessionPolicies, tags: &[Tag]) -> ApiResult<Option<u32>> {
    if policies.policy.is_none() && policies.arns.is_empty() && tags.is_empty() {
        return Ok(None);
    }
    let policy_bytes = policies.policy.as_deref().map_or(0, packed_len);
    let arn_bytes: usize = policies.arns.iter().map(String::len).sum();
    let tag_bytes: usize = tags.iter().map(|t| t.key.len() + t.value.len()).sum();
    let used = policy_bytes + arn_bytes + tag_bytes;
    let percent = (used * 100).div_ceil(PACKED_BUDGET_BYTES);
    let percent = u32::try_from(percent).unwrap_or(u32::MAX);
    if percent > 100 {
        return Err(ApiError::new(
            "PackedPolicyTooLarge",
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy for request."
            ),
        ));
    }
    Ok(Some(percent))
}

/// The bytes session policies and tags may take once packed.
pub const PACKED_BUDGET_BYTES: usize = 4096;

/// The length of a JSON text without whitespace outside strings.
fn packed_len(text: &str) -> usize {
    let mut in_string = false;
    let mut escaped = false;
    let mut n = 0;
    for c in text.chars() {
        if in_string {
            n += c.len_utf8();
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_whitespace() {
            n += c.len_utf8();
            in_string = c == '"';
        }
    }
    n
}

/// Checks `SerialNumber` + `TokenCode` when given: the device must be the calling
/// user's and the code current and unused. Returns when MFA was proven (now), `None`
/// when the request carries no MFA.
pub async fn mfa_from_request(call: &Call) -> ApiResult<Option<Timestamp>> {
    let serial = call.params.get("SerialNumber");
    let code = call.params.get("TokenCode");
    let (serial, code) = match (serial, code) {
        (None, None) => return Ok(None),
        (Some(s), Some(c)) => (s, c),
        _ => {
            return Err(ApiError::access_denied(
                "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
            ))
        }
    };
    let invalid = || {
        ApiError::access_denied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        )
    };
    let user_id = match &call.caller.kind {
        CallerKind::User { user_id, .. } => Some(user_id.as_str()),
        CallerKind::Root => None,
        _ => return Err(invalid()),
    };
    let device = match call.store().get_mfa_device(call.account(), serial).await {
        Ok(d) => d,
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    let owned = match (user_id, &device.user) {
        (Some(id), Some(user)) => user.user_id == id,
        _ => false,
    };
    if !owned {
        return Err(invalid());
    }
    let now = Timestamp::now();
    if call
        .store()
        .verify_mfa_code(call.account(), serial, code, now)
        .await?
    {
        Ok(Some(now))
    } else {
        Err(invalid())
    }
}

/// When the caller last proved MFA: now when the request carries a good code, else
/// the calling session's MFA time.
pub async fn caller_mfa(call: &Call) -> ApiResult<Option<Timestamp>> {
    if let Some(now) = mfa_from_request(call).await? {
        return Ok(Some(now));
    }
    Ok(call
        .caller
        .session
        .as_ref()
        .and_then(|s| s.mfa_authenticated_at))
}

/// The caller's request context (as for any request) with the MFA facts of this
/// request: a code checked now makes MFA present with age 0.
pub fn caller_context(
    call: &Call,
    permissions: &Permissions,
    mfa_at: Option<Timestamp>,
) -> Context {
    let mut c = context::build(
        &call.caller,
        &permissions.tags,
        &[],
        &call.env,
        &call.params,
    );
    if let Some(at) = mfa_at {
        let now = Timestamp::now();
        c.insert("aws:MultiFactorAuthPresent", ContextValue::single("true"));
        c.insert(
            "aws:MultiFactorAuthAge",
            ContextValue::single(((now.millis() - at.millis()).max(0) / 1000).to_string()),
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_drops_whitespace_outside_strings_only() {
        assert_eq!(packed_len(r#"{ "a b" : [ 1 , "x\" y" ] }"#), 19);
        assert_eq!(packed_len("{}"), 2);
    }

    #[test]
    fn packed_size_is_a_percentage_with_aws_refusal() {
        let none = SessionPolicies::default();
        assert_eq!(packed_policy_size(&none, &[]).unwrap(), None);
        let small = SessionPolicies {
            policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
            arns: vec![],
        };
        assert_eq!(packed_policy_size(&small, &[]).unwrap(), Some(1));
        let tags: Vec<Tag> = (0..50)
            .map(|i| Tag::new(format!("{i:0>128}"), "v".repeat(256)))
            .collect();
        let err = packed_policy_size(&none, &tags).unwrap_err();
        assert_eq!(err.code(), "PackedPolicyTooLarge");
        assert!(err.message().starts_with("Packed policy consumes "));
    }
}
