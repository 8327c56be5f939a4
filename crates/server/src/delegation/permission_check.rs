//! `GetDelegationRequest`'s permission check: whether the caller's own permissions
//! cover what a delegation request asks for (the delegated credentials can never do
//! more than the identity that accepts it).
//!
//! Each `Allow` statement of the rendered policy is checked action by action and
//! resource by resource with the engine, on the caller's permissions. Like AWS's, the
//! answer is approximate: what cannot be enumerated or depends on request facts
//! (wildcards, `NotAction`/`NotResource`, conditions) makes it `UNSURE` unless
//! something concrete is already denied.
use policy::ast::Effect;
use policy::request::Context;

use crate::authz::{decide, Permissions};
use crate::identity::Caller;

/// `PermissionCheckResult`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    Allowed,
    Denied,
    Unsure,
}

impl CheckResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Allowed => "ALLOWED",
            CheckResult::Denied => "DENIED",
            CheckResult::Unsure => "UNSURE",
        }
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?') || s.contains("${")
}

/// Checks `policy_text` against `caller`'s `permissions`, in the caller's request
/// `context` (its principal keys, time, source).
pub fn check(
    caller: &Caller,
    permissions: &Permissions,
    policy_text: &str,
    context: &Context,
) -> CheckResult {
    let Ok(policy) = policy::parse::parse_policy(policy_text) else {
        return CheckResult::Unsure;
    };
    let mut unsure = false;
    for statement in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else {
            unsure = true;
            continue;
        };
        if actions.negated || resources.negated || !statement.conditions.is_empty() {
            unsure = true;
            continue;
        }
        for action in &actions.list.items {
            if has_wildcard(&action.value) {
                unsure = true;
                continue;
            }
            for resource in &resources.list.items {
                if has_wildcard(&resource.value) && resource.value != "*" {
                    unsure = true;
                    continue;
                }
                let allowed = decide(
                    caller,
                    permissions,
                    &action.value,
                    &resource.value,
                    context.clone(),
                )
                .is_ok();
                if !allowed {
                    return CheckResult::Denied;
                }
            }
        }
    }
    if unsure {
        CheckResult::Unsure
    } else {
        CheckResult::Allowed
    }
}
