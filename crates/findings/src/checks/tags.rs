//! Tag condition keys (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`) in
//! statements whose actions belong to services that do not support them: for those
//! actions the key is absent, so a Deny never applies and an Allow never grants.
use std::collections::BTreeSet;

use crate::catalogue::{self as c, Check};
use crate::document::{Effect, Statement};
use crate::report::Report;

/// The name the service reference gives a tag key, or `None` for other keys.
fn reference_name(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("aws:resourcetag/") {
        Some("aws:ResourceTag/${TagKey}")
    } else if lower.starts_with("aws:requesttag/") {
        Some("aws:RequestTag/${TagKey}")
    } else if lower == "aws:tagkeys" {
        Some("aws:TagKeys")
    } else {
        None
    }
}

pub(super) fn check(statement: &Statement, report: &mut Report) {
    let Some(action) = &statement.action else {
        return;
    };
    let Some(effect) = statement.effect else {
        return;
    };
    for entry in statement.condition_entries() {
        let Some(name) = reference_name(entry.key) else {
            continue;
        };
        let key = entry.key;
        let (check, details): (Check, String) = if action.negated {
            match effect {
                Effect::Deny => (
                    c::DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                    format!("Using the effect Deny with NotAction and the tag condition key {key} can be overly permissive because some service actions are not denied by this statement. This is because the condition key doesn't apply to some service actions. We recommend that you use Action instead of NotAction."),
                ),
                Effect::Allow => (
                    c::ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                    format!("Using the effect Allow with NotAction and the tag condition key {key} allows only service actions that support the condition key. The condition key doesn't apply to some service actions. We recommend that you use Action instead of NotAction."),
                ),
            }
        } else {
            let unsupported: BTreeSet<&str> = action
                .items
                .iter()
                .filter_map(|item| item.text.split_once(':').map(|(service, _)| service))
                .filter(|service| !service.contains(['*', '?']))
                .filter_map(awsdata::service)
                .filter(|service| !service.condition_keys.iter().any(|k| k.name == name))
                .map(|service| service.prefix)
                .collect();
            if unsupported.is_empty() {
                continue;
            }
            let services = unsupported.into_iter().collect::<Vec<_>>().join(", ");
            match effect {
                Effect::Deny => (
                    c::DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                    format!("Using the effect Deny with the tag condition key {key} and actions for services with the following prefixes can be overly permissive: {services}. Actions for the listed services are not denied by this statement. We recommend that you move these actions to a different statement without this condition key."),
                ),
                Effect::Allow => (
                    c::ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
                    format!("Using the effect Allow with the tag condition key {key} and actions for services with the following prefixes does not affect the policy: {services}. Actions for the listed service are not allowed by this statement. We recommend that you move these actions to a different statement without this condition key."),
                ),
            }
        };
        report.at(check, details, entry.path.clone(), entry.span);
    }
}
