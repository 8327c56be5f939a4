//! Allow statements that hand out `iam:PassRole` or `iam:CreateServiceLinkedRole` on
//! every role: through an explicit action or a wildcard, on `*` or through
//! `NotResource`, unless the statement restricts them with the key meant for it.
use policy::json::Kind;
use policy::wildcard::Pattern;

use crate::catalogue::{self as c, Check};
use crate::document::{Element, Item, Statement};
use crate::model::{Location, PolicyType};
use crate::report::Report;
use crate::Context;

/// One guarded action and the checks for each way of granting it.
struct Guarded {
    action: &'static str,
    /// A condition on this key scopes the grant.
    scoping_key: &'static str,
    star_in_resource: Check,
    star_in_action_and_resource: Check,
    star_in_resource_and_not_action: Check,
    not_resource: Check,
    star_in_action_and_not_resource: Check,
    not_action_and_not_resource: Check,
    /// The details of each check, in the order of the fields above.
    details: [&'static str; 6],
}

const PASS_ROLE: Guarded = Guarded {
    action: "iam:PassRole",
    scoping_key: "iam:PassedToService",
    star_in_resource: c::PASS_ROLE_WITH_STAR_IN_RESOURCE,
    star_in_action_and_resource: c::PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE,
    star_in_resource_and_not_action: c::PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
    not_resource: c::PASS_ROLE_WITH_NOT_RESOURCE,
    star_in_action_and_not_resource: c::PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
    not_action_and_not_resource: c::PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE,
    details: [
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ],
};

const CREATE_SLR: Guarded = Guarded {
    action: "iam:CreateServiceLinkedRole",
    scoping_key: "iam:AWSServiceName",
    star_in_resource: c::CREATE_SLR_WITH_STAR_IN_RESOURCE,
    star_in_action_and_resource: c::CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE,
    star_in_resource_and_not_action: c::CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION,
    not_resource: c::CREATE_SLR_WITH_NOT_RESOURCE,
    star_in_action_and_not_resource: c::CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE,
    not_action_and_not_resource: c::CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE,
    details: [
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead.",
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
        "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
        "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.",
        "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ],
};

pub(super) fn check(statement: &Statement, cx: &Context, report: &mut Report) {
    // Organizations policies grant nothing; trust policies cannot name IAM actions.
    if !matches!(
        cx.policy_type,
        PolicyType::IdentityPolicy | PolicyType::ResourcePolicy
    ) || cx.is_trust_policy()
        || !statement.is_allow()
    {
        return;
    }
    let (Some(action), Some(resource)) = (&statement.action, &statement.resource) else {
        return;
    };
    for guarded in [&PASS_ROLE, &CREATE_SLR] {
        check_one(guarded, statement, action, resource, report);
    }
}

/// How the statement grants the guarded action.
enum Grant<'a, 'd> {
    Explicit(&'a Item<'d>),
    Wildcard(&'a Item<'d>),
    NotAction,
}

fn check_one(
    guarded: &Guarded,
    statement: &Statement,
    action: &Element,
    resource: &Element,
    report: &mut Report,
) {
    if has_condition_key(statement, guarded.scoping_key) {
        return;
    }
    let matching = |item: &&Item| Pattern::new(item.text, true).matches(guarded.action);
    let grant = if action.negated {
        if action.items.iter().any(|item| matching(&item)) {
            return;
        }
        Grant::NotAction
    } else {
        let explicit = action
            .items
            .iter()
            .find(|item| item.text.eq_ignore_ascii_case(guarded.action));
        match explicit {
            Some(item) => Grant::Explicit(item),
            None => match action.items.iter().find(matching) {
                Some(item) => Grant::Wildcard(item),
                None => return,
            },
        }
    };
    let star = if resource.negated {
        None
    } else {
        match resource
            .items
            .iter()
            .find(|item| is_star_resource(item.text))
        {
            Some(item) => Some(item),
            None => return,
        }
    };
    let (check, details) = match (&grant, star.is_some()) {
        (Grant::Explicit(_), true) => (guarded.star_in_resource, guarded.details[0]),
        (Grant::Wildcard(_), true) => (guarded.star_in_action_and_resource, guarded.details[1]),
        (Grant::NotAction, true) => (guarded.star_in_resource_and_not_action, guarded.details[2]),
        (Grant::Explicit(_), false) => (guarded.not_resource, guarded.details[3]),
        (Grant::Wildcard(_), false) => {
            (guarded.star_in_action_and_not_resource, guarded.details[4])
        }
        (Grant::NotAction, false) => (guarded.not_action_and_not_resource, guarded.details[5]),
    };
    let mut locations: Vec<Location> = Vec::new();
    match grant {
        Grant::Explicit(item) | Grant::Wildcard(item) => {
            locations.push(report.location(item.path.clone(), item.span));
        }
        Grant::NotAction => locations.push(report.location(action.path.clone(), action.span)),
    }
    match star {
        Some(item) => locations.push(report.location(item.path.clone(), item.span)),
        None => locations.push(report.location(resource.path.clone(), resource.span)),
    }
    report.add(check, details.to_string(), locations);
}

/// A resource entry that covers every role: `*`, or an IAM ARN whose account or
/// resource part is a bare wildcard.
fn is_star_resource(text: &str) -> bool {
    if text == "*" {
        return true;
    }
    let Some(arn) = policy::arn::split_arn(text) else {
        return false;
    };
    let [_, _, service, _, account, resource] = arn;
    (service == "iam" || service == "*")
        && (resource == "*" || resource == "role/*" || (account == "*" && resource.ends_with('*')))
}

fn has_condition_key(statement: &Statement, key: &str) -> bool {
    let Some(condition) = statement.condition else {
        return false;
    };
    let Kind::Object(operators) = &condition.value.kind else {
        return false;
    };
    operators.iter().any(|op| match &op.value.kind {
        Kind::Object(keys) => keys.iter().any(|k| k.key.eq_ignore_ascii_case(key)),
        _ => false,
    })
}
