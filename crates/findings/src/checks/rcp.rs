//! What resource control policies leave out of the policy language (the
//! Organizations guide's "RCP syntax"): principals other than everyone, `NotPrincipal`
//! and `NotAction`, actions of services that RCPs do not govern, and in an `Allow`
//! statement (kept for the `RCPFullAWSAccess` policy) anything narrower than all
//! resources without conditions.
use policy::json::Kind;

use crate::catalogue as c;
use crate::document::Statement;
use crate::report::{join, key, value, Report};

/// The service prefixes whose resources RCPs apply to: Amazon S3, AWS STS, AWS KMS,
/// Amazon SQS, AWS Secrets Manager, Amazon ECR, Amazon OpenSearch Serverless, Amazon
/// CloudWatch Logs and Amazon Cognito (user pools and identity pools).
const RCP_SERVICES: [&str; 10] = [
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "logs",
    "cognito-idp",
    "cognito-identity",
];

pub(super) fn check(statement: &Statement, report: &mut Report) {
    principal(statement, report);
    if let Some(action) = &statement.action {
        if action.negated {
            report.at(
                c::RCP_SYNTAX_ERROR_NOTACTION,
                "RCPs do not support the NotAction element. Update to use the Action element."
                    .to_string(),
                action.path.clone(),
                action.span,
            );
        } else {
            for item in action.items.iter().filter(|i| !governed(i.text)) {
                report.at(
                    c::RCP_SYNTAX_ERROR_ACTION,
                    "RCPs only support specifying select service prefixes in the Action element. Learn more here.".to_string(),
                    item.path.clone(),
                    item.span,
                );
            }
        }
    }
    if statement.is_allow() {
        allow(statement, report);
    }
}

/// Only `"Principal": "*"`.
fn principal(statement: &Statement, report: &mut Report) {
    let Some(member) = statement.principal else {
        return;
    };
    let everyone = matches!(&member.value.kind, Kind::String(s) if s == "*");
    if member.key == "NotPrincipal" || !everyone {
        report.at(
            c::RCP_SYNTAX_ERROR_PRINCIPAL,
            "The Principal element contents are not valid. RCPs only support specifying all principals (\"*\") in the Principal element. The NotPrincipal element is not supported for RCPs.".to_string(),
            join(&statement.path, key(&member.key)),
            member.key_span,
        );
    }
}

/// `*`, or an action whose service RCPs govern. A prefix written with a wildcard is
/// left to the action checks (`WILDCARD_IN_SERVICE_NAME`).
fn governed(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((prefix, _)) = action.split_once(':') else {
        return true;
    };
    prefix.contains(['*', '?'])
        || RCP_SERVICES
            .iter()
            .any(|service| service.eq_ignore_ascii_case(prefix))
}

/// An `Allow` statement covers all resources and has no condition.
fn allow(statement: &Statement, report: &mut Report) {
    let mut locations = Vec::new();
    if let Some(resource) = &statement.resource {
        if resource.negated {
            locations.push(report.location(resource.path.clone(), resource.span));
        } else {
            for item in resource.items.iter().filter(|i| i.text != "*") {
                locations.push(report.location(item.path.clone(), item.span));
            }
        }
    }
    if let Some(condition) = statement.condition {
        locations.push(report.location(
            join(&statement.path, value("Condition")),
            condition.value.span,
        ));
    }
    if !locations.is_empty() {
        report.add(
            c::RCP_SYNTAX_ERROR_ALLOW,
            "RCPs only support specifying all principals (\"*\") in the Principal element, all resources (\"*\") in the Resource element, and no Condition element with an effect of Allow.".to_string(),
            locations,
        );
    }
}
