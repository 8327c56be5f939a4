//! The policy checks that need no analyzer: `ValidatePolicy` (the findings catalogue
//! of crate `findings`) and `CheckNoNewAccess`, `CheckAccessNotGranted`,
//! `CheckNoPublicAccess` (the decision procedures of crate `analyzer`). They are pure
//! computations on the request's documents, run on the blocking pool so that a large
//! policy does not hold up the requests sharing a worker thread.
use std::sync::OnceLock;

use analyzer::{Access, AccessCheckPolicyType, CheckError, CheckOutcome};
use findings::{Finding, Location, Options, PathElement, PolicyType};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use super::analyzers::resolve_any;
use super::protocol::{decode_token, encode_token, AaError, AaResult};
use super::routes::Route;
use super::{AaCall, AaTarget};
use crate::aa_operation;

const VALIDATE_RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPoint",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::DynamoDB::Table",
];
const LOCALES: &[&str] = &[
    "DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW",
];
/// The `access` list of `CheckAccessNotGranted` holds one entry (the model's limit).
const MAX_ACCESS_ENTRIES: usize = 1;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "POST",
            template: "/policy/validation",
            operation: aa_operation!("ValidatePolicy", "ValidatePolicy", resolve_any, validate),
        },
        Route {
            method: "POST",
            template: "/policy/check-no-new-access",
            operation: aa_operation!(
                "CheckNoNewAccess",
                "CheckNoNewAccess",
                resolve_any,
                check_no_new_access
            ),
        },
        Route {
            method: "POST",
            template: "/policy/check-access-not-granted",
            operation: aa_operation!(
                "CheckAccessNotGranted",
                "CheckAccessNotGranted",
                resolve_any,
                check_access_not_granted
            ),
        },
        Route {
            method: "POST",
            template: "/policy/check-no-public-access",
            operation: aa_operation!(
                "CheckNoPublicAccess",
                "CheckNoPublicAccess",
                resolve_any,
                check_no_public_access
            ),
        },
    ]
}

/// At most one check per core runs at a time: the work is CPU-bound, so more would
/// only share the cores (and hold their memory) while each finishes later.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AaResult<T> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| AaError::internal(&format!("policy check permits: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AaError::internal(&format!("policy check task: {e}")))
}

fn path_element(e: &PathElement) -> Value {
    match e {
        PathElement::Index(i) => json!({ "index": i }),
        PathElement::Key(k) => json!({ "key": k }),
        PathElement::Value(v) => json!({ "value": v }),
        PathElement::Substring { start, length } => {
            json!({ "substring": { "start": start, "length": length } })
        }
    }
}

fn location(l: &Location) -> Value {
    let position =
        |p: &findings::Position| json!({ "line": p.line, "column": p.column, "offset": p.offset });
    json!({
        "path": l.path.iter().map(path_element).collect::<Vec<_>>(),
        "span": { "start": position(&l.span.start), "end": position(&l.span.end) },
    })
}

/// `ValidatePolicyFinding`.
fn finding(f: &Finding) -> Value {
    json!({
        "findingDetails": f.finding_details,
        "findingType": f.finding_type.as_str(),
        "issueCode": f.issue_code,
        "learnMoreLink": f.learn_more_link,
        "locations": f.locations.iter().map(location).collect::<Vec<_>>(),
    })
}

async fn validate(call: &AaCall, _target: &AaTarget) -> AaResult<Value> {
    let input = &call.input;
    let document = input.required("policyDocument")?;
    let policy_type = PolicyType::from_wire(&input.one_of(
        "policyType",
        &[
            "IDENTITY_POLICY",
            "RESOURCE_POLICY",
            "SERVICE_CONTROL_POLICY",
            "RESOURCE_CONTROL_POLICY",
        ],
    )?)
    .ok_or_else(|| AaError::field("policyType", "Invalid policyType."))?;
    let resource_type = match input.string("validatePolicyResourceType")? {
        Some(t) if VALIDATE_RESOURCE_TYPES.contains(&t.as_str()) => Some(t),
        Some(t) => {
            return Err(AaError::field(
                "validatePolicyResourceType",
                format!(
                    "Invalid value {t} for validatePolicyResourceType; valid values: {}.",
                    VALIDATE_RESOURCE_TYPES.join(", ")
                ),
            ))
        }
        None => None,
    };
    if resource_type.is_some() && policy_type != PolicyType::ResourcePolicy {
        return Err(AaError::field(
            "validatePolicyResourceType",
            "validatePolicyResourceType applies to RESOURCE_POLICY only.",
        ));
    }
    if input.string("locale")?.is_some() {
        input.one_of("locale", LOCALES)?;
    }
    let max = input.max_results(100, 1000)?;
    let start = match input.next_token()? {
        Some(token) => decode_token(&token)?
            .parse::<usize>()
            .map_err(|_| AaError::field("nextToken", "Invalid pagination token."))?,
        None => 0,
    };
    let found = blocking(move || {
        let options = Options {
            policy_type,
            validate_resource_type: resource_type.as_deref(),
        };
        findings::validate_policy(&document, &options)
    })
    .await?;
    // The findings of one document are always the same list: the token is a position.
    let end = found.len().min(start.saturating_add(max));
    let mut out = json!({
        "findings": found.get(start..end).unwrap_or(&[]).iter().map(finding).collect::<Vec<_>>()
    });
    if end < found.len() {
        out["nextToken"] = json!(encode_token(&end.to_string()));
    }
    Ok(out)
}

fn check_policy_type(call: &AaCall) -> AaResult<AccessCheckPolicyType> {
    let text = call
        .input
        .one_of("policyType", &["IDENTITY_POLICY", "RESOURCE_POLICY"])?;
    AccessCheckPolicyType::parse(&text)
        .ok_or_else(|| AaError::field("policyType", "Invalid policyType."))
}

/// `CheckNoNewAccess`/`CheckAccessNotGranted`/`CheckNoPublicAccess` response.
fn outcome(result: Result<CheckOutcome, CheckError>) -> AaResult<Value> {
    let outcome = result.map_err(|e| match e {
        CheckError::InvalidPolicy(m) => AaError::validation("other", m),
        CheckError::InvalidParameter(m) => AaError::invalid_parameter(m),
    })?;
    let reasons: Vec<Value> = outcome
        .reasons
        .iter()
        .map(|r| {
            let mut reason = json!({ "description": r.description });
            if let Some(i) = r.statement_index {
                reason["statementIndex"] = json!(i);
            }
            if let Some(id) = &r.statement_id {
                reason["statementId"] = json!(id);
            }
            reason
        })
        .collect();
    // AWS's response has no field for a concrete request, so the engine-confirmed
    // example rides along as one more reason, without a statement.
    let mut reasons = reasons;
    if let Some(witness) = &outcome.witness {
        reasons.push(json!({
            "description": format!("Example request allowed: {}.", witness.describe())
        }));
    }
    Ok(json!({
        "result": outcome.result.as_str(),
        "message": outcome.message,
        "reasons": reasons,
    }))
}

async fn check_no_new_access(call: &AaCall, _target: &AaTarget) -> AaResult<Value> {
    let new = call.input.required("newPolicyDocument")?;
    let existing = call.input.required("existingPolicyDocument")?;
    let policy_type = check_policy_type(call)?;
    outcome(blocking(move || analyzer::check_no_new_access(&new, &existing, policy_type)).await?)
}

fn access_list(call: &AaCall) -> AaResult<Vec<Access>> {
    let entries = match call.input.body.get("access") {
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(AaError::field("access", "access must be a list.")),
        None => return Err(AaError::field("access", "access is required.")),
    };
    if entries.len() > MAX_ACCESS_ENTRIES {
        return Err(AaError::field(
            "access",
            format!("access holds at most {MAX_ACCESS_ENTRIES} entry."),
        ));
    }
    let list = |entry: &Value, name: &str| -> AaResult<Vec<String>> {
        match entry.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str().map(str::to_owned).ok_or_else(|| {
                        AaError::field(&format!("access.{name}"), "Values must be strings.")
                    })
                })
                .collect(),
            Some(_) => Err(AaError::field(
                &format!("access.{name}"),
                format!("{name} must be a list."),
            )),
        }
    };
    entries
        .iter()
        .map(|entry| {
            Ok(Access {
                actions: list(entry, "actions")?,
                resources: list(entry, "resources")?,
            })
        })
        .collect()
}

async fn check_access_not_granted(call: &AaCall, _target: &AaTarget) -> AaResult<Value> {
    let policy = call.input.required("policyDocument")?;
    let access = access_list(call)?;
    let policy_type = check_policy_type(call)?;
    outcome(
        blocking(move || analyzer::check_access_not_granted(&policy, &access, policy_type)).await?,
    )
}

async fn check_no_public_access(call: &AaCall, _target: &AaTarget) -> AaResult<Value> {
    let policy = call.input.required("policyDocument")?;
    let resource_type = call.input.required("resourceType")?;
    if !analyzer::public_access_resource_types().any(|t| t == resource_type) {
        return Err(AaError::field(
            "resourceType",
            format!("Unsupported resource type {resource_type}."),
        ));
    }
    outcome(blocking(move || analyzer::check_no_public_access(&policy, &resource_type)).await?)
}
