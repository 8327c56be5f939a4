//! Resource policies validated for a given resource type (`validatePolicyResourceType`):
//! they govern that service's actions on that kind of resource only. Role trust
//! policies name no resource: the role is the resource.
use policy::wildcard::Pattern;

use crate::catalogue as c;
use crate::document::{Item, Statement};
use crate::report::{join, Report, Step};
use crate::{Context, ASSUME_ROLE_POLICY_DOCUMENT};

/// What a resource type's policy may name: the action prefix and a test of ARN parts
/// `(service, region, account, resource)`.
struct Attached {
    action_prefix: &'static str,
    arn_fits: fn(&str, &str, &str, &str) -> bool,
}

fn attached(resource_type: &str) -> Option<Attached> {
    Some(match resource_type {
        "AWS::S3::Bucket" => Attached {
            action_prefix: "s3",
            arn_fits: |service, region, account, _| {
                service == "s3" && region.is_empty() && account.is_empty()
            },
        },
        "AWS::S3::AccessPoint" => Attached {
            action_prefix: "s3",
            arn_fits: |service, region, _, resource| {
                service == "s3" && !region.is_empty() && resource.starts_with("accesspoint/")
            },
        },
        "AWS::S3::MultiRegionAccessPoint" => Attached {
            action_prefix: "s3",
            arn_fits: |service, region, _, resource| {
                service == "s3" && region.is_empty() && resource.starts_with("accesspoint/")
            },
        },
        "AWS::S3ObjectLambda::AccessPoint" => Attached {
            action_prefix: "s3-object-lambda",
            arn_fits: |service, _, _, resource| {
                service == "s3-object-lambda" && resource.starts_with("accesspoint/")
            },
        },
        "AWS::DynamoDB::Table" => Attached {
            action_prefix: "dynamodb",
            arn_fits: |service, _, _, resource| {
                service == "dynamodb" && resource.starts_with("table/")
            },
        },
        ASSUME_ROLE_POLICY_DOCUMENT => Attached {
            action_prefix: "sts",
            arn_fits: |_, _, _, _| false,
        },
        _ => return None,
    })
}

pub(super) fn check(statement: &Statement, cx: &Context, report: &mut Report) {
    let Some(resource_type) = cx
        .resource_type
        .filter(|_| cx.policy_type == crate::PolicyType::ResourcePolicy)
    else {
        return;
    };
    let Some(rules) = attached(resource_type) else {
        return;
    };
    if resource_type != ASSUME_ROLE_POLICY_DOCUMENT {
        irrelevant_keys(statement, resource_type, report);
    }
    if let Some(action) = statement.action.as_ref().filter(|a| !a.negated) {
        for item in action
            .items
            .iter()
            .filter(|item| !action_fits(item.text, rules.action_prefix))
        {
            report.at(
                c::UNSUPPORTED_ACTION_IN_POLICY,
                format!("The action {} is not supported for the resource-based policy attached to the resource type {resource_type}.", item.text),
                item.path.clone(),
                item.span,
            );
        }
    }
    let Some(resource) = &statement.resource else {
        return;
    };
    if resource_type == ASSUME_ROLE_POLICY_DOCUMENT {
        let key = if resource.negated {
            "NotResource"
        } else {
            "Resource"
        };
        let key_span = statement.key_span(key).unwrap_or(resource.span);
        report.at(
            c::ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE,
            "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.".to_string(),
            join(&statement.path, Step::Key(key)),
            key_span,
        );
        return;
    }
    for item in resource.items.iter().filter(|item| !arn_fits(item, &rules)) {
        report.at(
            c::UNSUPPORTED_RESOURCE_ARN_IN_POLICY,
            format!("The resource ARN is not supported for the resource-based policy attached to the resource type {resource_type}."),
            item.path.clone(),
            item.span,
        );
    }
}

/// Whether an action entry can name an action of the service `prefix`.
fn action_fits(action: &str, prefix: &str) -> bool {
    match action.split_once(':') {
        Some((service, _)) => Pattern::new(service, true).matches(prefix),
        None => action == "*",
    }
}

fn arn_fits(item: &Item, rules: &Attached) -> bool {
    if item.text == "*" {
        return true;
    }
    let parts: Vec<&str> = item.text.splitn(6, ':').collect();
    let [_, _, service, region, account, resource] = parts.as_slice() else {
        // Malformed ARNs have their own findings.
        return true;
    };
    service.contains(['*', '?']) || (rules.arn_fits)(service, region, account, resource)
}

/// Keys that describe the resource a request is for: in a resource's own policy they
/// only ever describe that resource, so they decide nothing there.
const RESOURCE_KEYS: [&str; 3] = [
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
];

fn irrelevant_keys(statement: &Statement, resource_type: &str, report: &mut Report) {
    for entry in statement.condition_entries() {
        if RESOURCE_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(entry.key))
        {
            report.at(
                c::IRRELEVANT_CONDITION_KEY_IN_POLICY,
                format!("The condition key {} is not relevant for the {resource_type} policy.  Use this key in an identity-based policy to govern access to this resource.", entry.key),
                entry.path.clone(),
                entry.span,
            );
        }
    }
}
