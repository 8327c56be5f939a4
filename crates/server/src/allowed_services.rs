//! Which services (and, for the services tracked at action level, which actions) an
//! entity's identity-based policies allow: the rows of a service-last-accessed report
//! and the candidates of unused-permission findings. A service counts when an `Allow`
//! statement's `Action` names one of its actions (wildcards through the service
//! reference); an `Allow` with `NotAction` counts for every service.
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use store::{PrincipalPolicies, Store};

use crate::service_usage::ACTION_LEVEL_SERVICES;

/// Service prefix → the actions allowed, for the services tracked at action level
/// (empty for the others).
pub type Allowed = BTreeMap<String, BTreeSet<String>>;

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn add_action(out: &mut Allowed, full: &str) {
    let Some((prefix, name)) = full.split_once(':') else {
        return;
    };
    let actions = out.entry(prefix.to_owned()).or_default();
    if ACTION_LEVEL_SERVICES.contains(&prefix) {
        actions.insert(name.to_owned());
    }
}

fn every_service(out: &mut Allowed) {
    for service in awsdata::services() {
        let actions = out.entry(service.prefix.to_owned()).or_default();
        if ACTION_LEVEL_SERVICES.contains(&service.prefix) {
            actions.extend(service.actions.iter().map(|a| a.name.to_owned()));
        }
    }
}

/// Adds what `document` allows to `out`.
pub fn add_document(document: &str, out: &mut Allowed) {
    let Ok(doc) = serde_json::from_str::<Value>(document) else {
        return;
    };
    let statements = match &doc["Statement"] {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        s @ Value::Object(_) => vec![s],
        _ => Vec::new(),
    };
    for statement in statements {
        if statement["Effect"].as_str() != Some("Allow") {
            continue;
        }
        if !statement["NotAction"].is_null() {
            every_service(out);
            continue;
        }
        for pattern in strings(&statement["Action"]) {
            if pattern == "*" {
                every_service(out);
                continue;
            }
            for action in awsdata::expand_action_pattern(pattern) {
                add_action(out, &action);
            }
        }
    }
}

/// Everything `policies` allow (inline, managed with AWS managed documents from the
/// built-in set; the boundary only limits and adds nothing).
pub fn allowed_by(policies: &PrincipalPolicies) -> Allowed {
    let mut out = Allowed::new();
    for inline in &policies.inline {
        add_document(&inline.document, &mut out);
    }
    for managed in &policies.managed {
        match &managed.document {
            Some(document) => add_document(document, &mut out),
            None => {
                if let Some(policy) = awsdata::managed_policy_by_arn(&managed.arn) {
                    add_document(policy.default_document(), &mut out);
                }
            }
        }
    }
    out
}

/// What a user's policies (own and through its groups) allow.
pub async fn for_user(
    store: &dyn Store,
    account_id: &str,
    user_id: &str,
) -> store::StoreResult<Allowed> {
    Ok(allowed_by(&store.user_policies(account_id, user_id).await?))
}

/// What a role's policies allow.
pub async fn for_role(
    store: &dyn Store,
    account_id: &str,
    role_id: &str,
) -> store::StoreResult<Allowed> {
    Ok(allowed_by(&store.role_policies(account_id, role_id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_statements_name_services() {
        let mut out = Allowed::new();
        add_document(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["s3:GetObject","iam:Get*"],"Resource":"*"},
                {"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
            &mut out,
        );
        assert!(out.contains_key("s3"));
        assert!(out["s3"].is_empty());
        assert!(out["iam"].contains("GetUser"));
        assert!(!out["iam"].contains("CreateUser"));
        assert!(!out.contains_key("ec2"));

        let mut everything = Allowed::new();
        add_document(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            &mut everything,
        );
        assert!(everything.len() > 300);
        assert!(everything["ec2"].is_empty());
        assert!(everything["iam"].contains("CreateUser"));
    }
}
