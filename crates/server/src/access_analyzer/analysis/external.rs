//! External access of an account analyzer: every role whose trust policy lets in a
//! principal outside the account — another account (or one of its principals), an
//! identity provider (OIDC, SAML, web identity) or everyone (`*`). One finding per role,
//! principal and condition, with the actions the statements allow it.
//!
//! Whether everyone-access is public is decided by the same procedure as
//! `CheckNoPublicAccess` (crate `analyzer`) on the statement with the policy's `Deny`
//! statements, so conditions that limit the caller's account, organization or network
//! make it not public exactly when that check passes.
//!
//! Limits: `Deny` statements are not subtracted from the principals and actions a
//! finding names (only from the public verdict); service principals are not external
//! access (as AWS treats them).
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use store::{PageRequest, Role};

use super::Computed;
use crate::access_analyzer::protocol::AaResult;
use crate::access_analyzer::AaCall;

pub const FINDING_TYPE: &str = "ExternalAccess";
pub const ROLE: &str = "AWS::IAM::Role";

const TRUST_POLICY: &str = "AWS::IAM::AssumeRolePolicyDocument";

/// Whether `statement` (with the policy's `denies`) lets a public caller assume the
/// role: `CheckNoPublicAccess` for a trust policy fails on it. A statement the check
/// cannot read counts as public, erring on the side of reporting.
fn grants_public_access(statement: &Value, denies: &[&Value]) -> bool {
    let mut list = vec![statement.clone()];
    list.extend(denies.iter().map(|d| (*d).clone()));
    let policy = json!({ "Version": "2012-10-17", "Statement": list }).to_string();
    match analyzer::check_no_public_access(&policy, TRUST_POLICY) {
        Ok(outcome) => outcome.result == analyzer::CheckResult::Fail,
        Err(_) => true,
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The account an `AWS` principal value belongs to (`*` has none).
fn principal_account(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    value.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The condition of a statement as a finding shows it: key → value (several values
/// joined with a comma).
fn condition_map(condition: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if let Value::Object(operators) = condition {
        for keys in operators.values() {
            if let Value::Object(keys) = keys {
                for (key, values) in keys {
                    out.insert(key.clone(), Value::String(strings(values).join(",")));
                }
            }
        }
    }
    out
}

/// The external principals a statement lets in: (principal type, value).
fn external_principals(statement: &Value, account_id: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Allow with NotPrincipal lets in everyone but the principals named.
    if !statement["NotPrincipal"].is_null() {
        out.push(("AWS".to_owned(), "*".to_owned()));
        return out;
    }
    match &statement["Principal"] {
        Value::String(s) if s == "*" => out.push(("AWS".to_owned(), "*".to_owned())),
        Value::Object(by_type) => {
            for (kind, values) in by_type {
                for value in strings(values) {
                    let external = match kind.as_str() {
                        "AWS" => {
                            value == "*"
                                || principal_account(&value).is_some_and(|a| a != account_id)
                        }
                        "Federated" => true,
                        _ => false,
                    };
                    if external {
                        out.push((kind.clone(), value));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The findings of one role's trust policy.
pub fn role_findings(role: &Role, out: &mut Vec<Computed>) {
    let Ok(doc) = serde_json::from_str::<Value>(&role.assume_role_policy) else {
        return;
    };
    let statements = match &doc["Statement"] {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        s @ Value::Object(_) => vec![s],
        _ => Vec::new(),
    };
    let denies: Vec<&Value> = statements
        .iter()
        .copied()
        .filter(|s| s["Effect"].as_str() == Some("Deny"))
        .collect();
    // (principal type, value, condition) → (actions, condition, public), in a stable order.
    type Access = (Vec<String>, Map<String, Value>, bool);
    let mut access: BTreeMap<(String, String, String), Access> = BTreeMap::new();
    for statement in statements {
        if statement["Effect"].as_str() != Some("Allow") {
            continue;
        }
        let principals = external_principals(statement, &role.account_id);
        let public =
            principals.iter().any(|(_, v)| v == "*") && grants_public_access(statement, &denies);
        let condition = condition_map(&statement["Condition"]);
        let condition_key = Value::Object(condition.clone()).to_string();
        let mut actions = strings(&statement["Action"]);
        if actions.is_empty() && !statement["NotAction"].is_null() {
            actions.push("*".to_owned());
        }
        for (kind, value) in principals {
            let is_everyone = value == "*";
            let (granted, _, is_public) = access
                .entry((kind, value, condition_key.clone()))
                .or_insert_with(|| (Vec::new(), condition.clone(), false));
            *is_public |= is_everyone && public;
            for action in &actions {
                if !granted.contains(action) {
                    granted.push(action.clone());
                }
            }
        }
    }
    let arn = role.arn();
    for ((kind, value, condition_key), (mut actions, condition, is_public)) in access {
        actions.sort();
        out.push(Computed {
            key: format!("{FINDING_TYPE}|{arn}|{kind}|{value}|{condition_key}"),
            finding_type: FINDING_TYPE,
            resource: arn.clone(),
            resource_type: ROLE,
            details: json!({
                "principal": { kind: value },
                "action": actions,
                "condition": condition,
                "isPublic": is_public,
                "sources": [{ "type": "POLICY" }],
            }),
        });
    }
}

/// Every external access finding of the caller's account.
pub async fn compute(call: &AaCall) -> AaResult<Vec<Computed>> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        marker: None,
        max_items: 1000,
    };
    loop {
        let roles = call
            .state
            .store
            .list_roles(call.account(), "/", &page)
            .await?;
        for role in &roles.items {
            role_findings(role, &mut out);
        }
        match roles.marker {
            Some(marker) => page.marker = Some(marker),
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::Timestamp;

    fn role(trust: Value) -> Role {
        Role {
            account_id: "111111111111".into(),
            role_id: "AROAEXAMPLE".into(),
            name: "r".into(),
            path: "/".into(),
            created: Timestamp(0),
            assume_role_policy: trust.to_string(),
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            last_used: None,
            service_linked: false,
            tags: vec![],
        }
    }

    fn findings(trust: Value) -> Vec<Value> {
        let mut out = Vec::new();
        role_findings(&role(trust), &mut out);
        out.into_iter().map(|c| c.details).collect()
    }

    #[test]
    fn other_accounts_providers_and_everyone_are_external() {
        let found = findings(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"]},
             "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}},
            {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/example.com"},
             "Action": "sts:AssumeRoleWithWebIdentity"},
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": "*", "Action": ["sts:AssumeRole", "sts:TagSession"]}
        ]}));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.iter().any(
            |f| f["principal"]["AWS"] == "arn:aws:iam::222222222222:root"
                && f["condition"]["sts:ExternalId"] == "x"
                && f["isPublic"] == false
        ));
        assert!(found
            .iter()
            .any(|f| f["principal"]["Federated"].is_string()));
        assert!(found.iter().any(|f| f["principal"]["AWS"] == "*"
            && f["isPublic"] == true
            && f["action"] == json!(["sts:AssumeRole", "sts:TagSession"])));
    }

    #[test]
    fn same_account_and_service_principals_are_not() {
        assert!(findings(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
        ]})).is_empty());
    }

    #[test]
    fn a_limiting_condition_makes_everyone_not_public() {
        let found = findings(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:PrincipalAccount": "333333333333"}}}]}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["isPublic"], false);
    }

    #[test]
    fn a_deny_of_everyone_else_makes_everyone_not_public() {
        let found = findings(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["isPublic"], false);
        let open = findings(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]}));
        assert_eq!(open[0]["isPublic"], true);
    }
}
