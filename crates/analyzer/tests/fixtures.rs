//! The check corpus: every `tests/fixtures/*.json` file holds a list of cases (policies,
//! the check, the expected result, reasons and witness properties). Every FAIL witness
//! is also evaluated by the engine here, independently of the analyzer's own check.
use std::path::Path;

use analyzer::{
    check_access_not_granted, check_no_new_access, check_no_public_access, Access,
    AccessCheckPolicyType, CheckError, CheckOutcome, CheckResult, Witness,
};
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use policy::wildcard::Pattern;
use serde_json::Value;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn policy_type(case: &Value) -> AccessCheckPolicyType {
    match case.get("policyType").and_then(Value::as_str) {
        Some("RESOURCE_POLICY") => AccessCheckPolicyType::ResourcePolicy,
        _ => AccessCheckPolicyType::IdentityPolicy,
    }
}

fn run(case: &Value) -> Result<CheckOutcome, CheckError> {
    let check = case.get("check").and_then(Value::as_str).unwrap_or("");
    match check {
        "no-new-access" => check_no_new_access(
            &text(&case["new"]),
            &text(&case["existing"]),
            policy_type(case),
        ),
        "access-not-granted" => {
            let access: Vec<Access> = case["access"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|a| Access {
                            actions: strings(a.get("actions")),
                            resources: strings(a.get("resources")),
                        })
                        .collect()
                })
                .unwrap_or_default();
            check_access_not_granted(&text(&case["policy"]), &access, policy_type(case))
        }
        "no-public-access" => check_no_public_access(
            &text(&case["policy"]),
            case["resourceType"].as_str().unwrap_or(""),
        ),
        other => panic!("unknown check {other}"),
    }
}

/// The engine's decision for a witness under one policy, evaluated as the check does.
fn engine_allows(policy_text: &str, resource_based: bool, w: &Witness) -> bool {
    let compiled = CompiledPolicy::from_text(policy_text, "p", "none").unwrap();
    let mut context = Context::new();
    for (k, v) in &w.context {
        context.insert(k, ContextValue::multi(v.clone()));
        if v.len() == 1 {
            context.insert(k, ContextValue::single(v[0].clone()));
        }
    }
    let (principal, set, account) = if resource_based {
        let arn = w.principal.clone().unwrap_or_default();
        let kind = principal_kind(&arn);
        let account = w
            .principal_account
            .clone()
            .unwrap_or_else(|| arn.split(':').nth(4).unwrap_or("").to_string());
        let role_arn = w.principal_role.clone();
        if kind == PrincipalKind::AssumedRole {
            let role = arn.split('/').nth(1).unwrap_or("");
            let parent = role_arn.clone().unwrap_or_default();
            assert!(
                parent.ends_with(&format!("/{role}"))
                    && parent.contains(&format!("::{account}:role/")),
                "session {arn} with parent {parent}"
            );
        }
        let allow_all = CompiledPolicy::from_text(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            "caller",
            "none",
        )
        .unwrap();
        (
            Principal {
                kind,
                arn: if kind == PrincipalKind::Anonymous {
                    String::new()
                } else {
                    arn
                },
                account: if matches!(
                    kind,
                    PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::Anonymous
                ) {
                    String::new()
                } else {
                    account
                },
                role_arn,
                service_linked_role: false,
                in_management_account: false,
            },
            PolicySet {
                identity: vec![allow_all],
                resource: Some(compiled),
                ..PolicySet::default()
            },
            "000000000001".to_string(),
        )
    } else {
        (
            Principal {
                kind: PrincipalKind::User,
                arn: "arn:aws:iam::111122223333:user/analyzer-caller".into(),
                account: "111122223333".into(),
                role_arn: None,
                service_linked_role: false,
                in_management_account: false,
            },
            PolicySet {
                identity: vec![compiled],
                ..PolicySet::default()
            },
            "111122223333".to_string(),
        )
    };
    let request = Request {
        principal,
        action: w.action.clone(),
        resource: Resource {
            arn: w.resource.clone(),
            account: Some(account),
        },
        context,
    };
    evaluate(&request, &set).is_allowed()
}

fn principal_kind(arn: &str) -> PrincipalKind {
    if arn.starts_with("AIDA") || arn.starts_with("AROA") {
        // A unique id names an IAM identity.
        PrincipalKind::User
    } else if arn == "anonymous" {
        PrincipalKind::Anonymous
    } else if arn.ends_with(":root") {
        PrincipalKind::Root
    } else if arn.contains(":assumed-role/") {
        PrincipalKind::AssumedRole
    } else if arn.contains(":oidc-provider/") || arn.contains(":saml-provider/") {
        PrincipalKind::Federated
    } else if arn.contains(":federated-user/") {
        PrincipalKind::FederatedUser
    } else if arn.starts_with("arn:") {
        PrincipalKind::User
    } else if arn.ends_with(".amazonaws.com") && !arn.starts_with("cognito-identity") {
        PrincipalKind::Service
    } else {
        PrincipalKind::Federated
    }
}

/// Checks one case; returns what went wrong.
fn check_case(case: &Value) -> Result<(), String> {
    let expect = &case["expect"];
    let outcome = run(case);
    if let Some(error) = expect.get("error").and_then(Value::as_str) {
        return match outcome {
            Err(CheckError::InvalidPolicy(_)) if error == "InvalidPolicy" => Ok(()),
            Err(CheckError::InvalidParameter(_)) if error == "InvalidParameter" => Ok(()),
            other => Err(format!("expected error {error}, got {other:?}")),
        };
    }
    let outcome = outcome.map_err(|e| format!("unexpected error {e:?}"))?;
    let want = expect["result"].as_str().unwrap_or("");
    if outcome.result.as_str() != want {
        return Err(format!("expected {want}, got {outcome:?}"));
    }
    if let Some(message) = expect.get("message").and_then(Value::as_str) {
        if outcome.message != message {
            return Err(format!("message {:?}", outcome.message));
        }
    }
    if let Some(reasons) = expect.get("reasons").and_then(Value::as_array) {
        let got: Vec<u64> = outcome
            .reasons
            .iter()
            .filter_map(|r| r.statement_index.map(u64::from))
            .collect();
        let want: Vec<u64> = reasons.iter().filter_map(Value::as_u64).collect();
        if got != want {
            return Err(format!("reasons {got:?}, expected {want:?}: {outcome:?}"));
        }
    }
    if outcome.result == CheckResult::Pass {
        return Ok(());
    }
    let inexact = expect
        .get("inexact")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let Some(w) = &outcome.witness else {
        return if inexact {
            Ok(())
        } else {
            Err(format!("FAIL without a witness: {outcome:?}"))
        };
    };
    // The witness, checked by the engine here.
    let resource_based = policy_type(case) == AccessCheckPolicyType::ResourcePolicy
        || case["check"] == "no-public-access";
    match case["check"].as_str() {
        Some("no-new-access") => {
            if !engine_allows(&text(&case["new"]), resource_based, w) {
                return Err(format!("the new policy does not allow {w:?}"));
            }
            if engine_allows(&text(&case["existing"]), resource_based, w) {
                return Err(format!("the existing policy allows {w:?}"));
            }
        }
        _ => {
            if !engine_allows(&text(&case["policy"]), resource_based, w) {
                return Err(format!("the policy does not allow {w:?}"));
            }
        }
    }
    if let Some(props) = expect.get("witness") {
        let matches = |key: &str, value: &str| {
            props
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(|p| Pattern::new(p, key == "action").matches(value))
        };
        if !matches("action", &w.action) {
            return Err(format!("witness action {}", w.action));
        }
        if !matches("resource", &w.resource) {
            return Err(format!("witness resource {}", w.resource));
        }
        if !matches("principal", w.principal.as_deref().unwrap_or("")) {
            return Err(format!("witness principal {:?}", w.principal));
        }
        if let Some(ctx) = props.get("context").and_then(Value::as_object) {
            for (key, want) in ctx {
                let got = w
                    .context
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v.clone());
                let ok = match want {
                    Value::Null => got.is_none(),
                    Value::String(p) => got
                        .as_ref()
                        .is_some_and(|v| v.iter().any(|x| Pattern::new(p, false).matches(x))),
                    _ => false,
                };
                if !ok {
                    return Err(format!("witness context {key}: {got:?}"));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for file in files {
        let cases: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in cases.as_array().unwrap() {
            count += 1;
            let name = case["name"].as_str().unwrap_or("?");
            if let Err(why) = check_case(case) {
                failures.push(format!(
                    "{} / {name}: {why}",
                    file.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 50, "the corpus holds {count} cases");
}
