//! Role trust policies: which principals go with which `sts:` actions, the form of
//! federated principals, and principals another one already covers.
use policy::wildcard::Pattern;

use crate::catalogue as c;
use crate::document::{Item, Statement};
use crate::report::Report;

const SAML: &str = "sts:AssumeRoleWithSAML";
const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
const ROLES_ANYWHERE: &str = "rolesanywhere.amazonaws.com";
const ROLES_ANYWHERE_ACTIONS: [&str; 3] =
    ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

pub(super) fn is_saml_provider(text: &str) -> bool {
    policy::arn::split_arn(text).is_some_and(|[_, _, service, _, _, resource]| {
        service == "iam" && resource.starts_with("saml-provider/")
    })
}

/// `arn:...:oidc-provider/HOST` or a bare identity provider domain.
pub(super) fn oidc_host(text: &str) -> Option<&str> {
    if let Some([_, _, "iam", _, _, resource]) = policy::arn::split_arn(text) {
        return resource.strip_prefix("oidc-provider/");
    }
    is_domain(text).then_some(text)
}

fn is_domain(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

pub(super) fn check(statement: &Statement, report: &mut Report) {
    let aws = statement.principals("AWS");
    let services = statement.principals("Service");
    let federated = statement.principals("Federated");
    for item in &federated {
        if !is_saml_provider(item.text) && oidc_host(item.text).is_none() {
            report.at(
                c::INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY,
                "The principal value specifies a federated principal that does not match the expected format. Update the federated principal to a domain name or a SAML metadata ARN.".to_string(),
                item.path.clone(),
                item.span,
            );
        }
    }
    redundant_sessions(&aws, report);
    if statement.is_allow() {
        oidc_conditions(statement, &federated, report);
    }
    let Some(action) = statement.action.as_ref().filter(|a| !a.negated) else {
        return;
    };
    for item in &action.items {
        let wrong: Vec<&str> = if item.text.eq_ignore_ascii_case(SAML) {
            aws.iter()
                .chain(&services)
                .chain(federated.iter().filter(|f| !is_saml_provider(f.text)))
                .map(|p| p.text)
                .collect()
        } else if item.text.eq_ignore_ascii_case(WEB_IDENTITY) {
            aws.iter()
                .chain(&services)
                .chain(federated.iter().filter(|f| is_saml_provider(f.text)))
                .map(|p| p.text)
                .collect()
        } else {
            continue;
        };
        if !wrong.is_empty() {
            report.at(
                c::MISMATCHED_ACTION_FOR_PRINCIPAL,
                format!("The {} action is invalid with the following principal(s): {}. Use a SAML provider principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two options.", item.text, wrong.join(", ")),
                item.path.clone(),
                item.span,
            );
        }
    }
    if services.iter().any(|s| s.text == ROLES_ANYWHERE) {
        let patterns: Vec<Pattern> = action
            .items
            .iter()
            .map(|i| Pattern::new(i.text, true))
            .collect();
        let complete = ROLES_ANYWHERE_ACTIONS
            .iter()
            .all(|needed| patterns.iter().any(|p| p.matches(needed)));
        if !complete {
            report.at(
                c::MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY,
                "The rolesanywhere.amazonaws.com service principal requires the sts:AssumeRole, sts:SetSourceIdentity, and sts:TagSession permissions to assume a role. Add the missing permissions to the policy.".to_string(),
                action.path.clone(),
                action.span,
            );
        }
    }
}

/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` beside `arn:aws:iam::ACCOUNT:role/ROLE`.
fn redundant_sessions(aws: &[Item], report: &mut Report) {
    for session in aws {
        let Some([_, partition, "sts", _, account, resource]) =
            policy::arn::split_arn(session.text)
        else {
            continue;
        };
        let Some(role) = resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next())
        else {
            continue;
        };
        let parent = aws.iter().find(|p| {
            policy::arn::split_arn(p.text).is_some_and(|[_, pp, service, _, acct, res]| {
                pp == partition
                    && service == "iam"
                    && acct == account
                    && res.starts_with("role/")
                    && res.rsplit('/').next() == Some(role)
            })
        });
        if let Some(parent) = parent {
            report.at(
                c::REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY,
                format!("The assumed-role principal {} is redundant with its parent role {}. Remove the assumed-role principal.", session.text, parent.text),
                session.path.clone(),
                session.span,
            );
        }
    }
}

const GITHUB: &str = "token.actions.githubusercontent.com";

/// An OIDC provider trusted without a condition on its claims lets any identity of
/// the provider in; for GitHub, any repository.
fn oidc_conditions(statement: &Statement, federated: &[Item], report: &mut Report) {
    let entries = statement.condition_entries();
    for item in federated.iter().filter(|f| !is_saml_provider(f.text)) {
        let Some(host) = oidc_host(item.text) else {
            continue;
        };
        if host == GITHUB {
            let sub = format!("{GITHUB}:sub");
            if !entries.iter().any(|e| e.key.eq_ignore_ascii_case(&sub)) {
                report.at(
                    c::MISSING_GITHUB_REPO_CONDITION_KEY,
                    "Granting a federated GitHub principal permissions without a condition key can allow more sources to assume the role than you intended. Add the token.actions.githubusercontent.com:sub condition key and specify the branch and repository name in the value.".to_string(),
                    item.path.clone(),
                    item.span,
                );
            }
            continue;
        }
        let prefix = format!("{host}:");
        let scoped = entries.iter().any(|e| {
            e.key
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&prefix))
        });
        if !scoped {
            report.at(
                c::MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL,
                "Using an Open ID Connect principal without a condition can be overly permissive. Add condition keys with a prefix that matches your federated OIDC principals to ensure that only the intended identity provider assumes the role.".to_string(),
                item.path.clone(),
                item.span,
            );
        }
    }
}
