//! The evaluation: every action on every resource, through the engine's `explain`.
use policy::decision::{Decision, Outcome, PolicyKind};
use policy::eval::{explain, PolicySet};
use policy::request::{Context, ContextValue, Principal, Request, Resource};

use crate::actions::expand_action;
use crate::caller::{caller_principal, root_arn_account, unnamed_user};
use crate::compile::policy_set;
use crate::request::{InputError, SimulationRequest, RESOURCE_HANDLING_OPTIONS};
use crate::response::*;

/// The request checked and compiled, ready to evaluate.
struct Prepared {
    policies: PolicySet,
    actions: Vec<String>,
    resource_owner: Option<String>,
    principal: Principal,
    context: Context,
    start: usize,
}

fn prepare(request: &SimulationRequest) -> Result<Prepared, InputError> {
    // Who asks comes first: a resource policy without a caller cannot be simulated,
    // whatever it says.
    if request.resource_policy.is_some()
        && request.caller_arn.is_none()
        && request.default_caller.is_none()
    {
        return Err(InputError::new(
            "CallerArn",
            "required when ResourcePolicy is given, so that the policy's Principal element has a caller to match",
        ));
    }
    let policies = policy_set(request)?;
    if request.action_names.is_empty() {
        return Err(InputError::new(
            "ActionNames",
            "must name at least one action",
        ));
    }
    let mut actions = Vec::with_capacity(request.action_names.len());
    for (i, action) in request.action_names.iter().enumerate() {
        actions.extend(
            expand_action(action).map_err(|m| InputError::new(format!("ActionNames[{i}]"), m))?,
        );
    }
    let resource_owner = match &request.resource_owner {
        Some(owner) => Some(
            root_arn_account(owner)
                .ok_or_else(|| {
                    InputError::new(
                        "ResourceOwner",
                        "must be an account ARN such as arn:aws:iam::112233445566:root",
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let principal = match (&request.caller_arn, &request.default_caller) {
        (Some(arn), _) => caller_principal(arn, request.caller_role_arn.clone())?,
        (None, Some(caller)) => caller.clone(),
        (None, None) => unnamed_user(resource_owner.as_deref()),
    };

    let mut context = Context::new();
    for (key, value) in &request.principal_tags {
        context.insert(
            &format!("aws:PrincipalTag/{key}"),
            ContextValue::single(value),
        );
    }
    for (i, entry) in request.context_entries.iter().enumerate() {
        let value = entry.value(&format!("ContextEntries[{i}]"))?;
        context.insert(&entry.name, value);
    }

    if let Some(option) = &request.resource_handling_option {
        if !RESOURCE_HANDLING_OPTIONS.contains(&option.as_str()) {
            return Err(InputError::new(
                "ResourceHandlingOption",
                format!("must be one of: {}", RESOURCE_HANDLING_OPTIONS.join(", ")),
            ));
        }
    }
    let start = match &request.marker {
        Some(m) => m.parse::<usize>().map_err(|_| {
            InputError::new("Marker", "not a marker returned by an earlier simulation")
        })?,
        None => 0,
    };
    Ok(Prepared {
        policies,
        actions,
        resource_owner,
        principal,
        context,
        start,
    })
}

/// Runs the simulation.
pub fn simulate(request: &SimulationRequest) -> Result<SimulationOutput, InputError> {
    run(request, None)
}

/// Runs the simulation and returns, with the answer, a human-readable trace of every
/// statement considered.
pub fn simulate_with_trace(
    request: &SimulationRequest,
) -> Result<(SimulationOutput, Vec<String>), InputError> {
    let mut trace = Vec::new();
    let output = run(request, Some(&mut trace))?;
    Ok((output, trace))
}

fn run(
    request: &SimulationRequest,
    mut trace: Option<&mut Vec<String>>,
) -> Result<SimulationOutput, InputError> {
    let prepared = prepare(request)?;
    let mut results = Vec::new();
    let resources: Vec<&str> = match &request.resource_arns {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => vec!["*"],
    };
    let per_resource = request.resource_arns.is_some();
    for action in &prepared.actions {
        for resource in &resources {
            let account = resource_account(resource)
                .or(prepared.resource_owner.as_deref())
                .map(str::to_string);
            let request = Request {
                principal: prepared.principal.clone(),
                action: action.clone(),
                resource: Resource {
                    arn: (*resource).to_string(),
                    account,
                },
                context: prepared.context.clone(),
            };
            let explanation = explain(&request, &prepared.policies);
            if let Some(trace) = trace.as_deref_mut() {
                trace.push(format!("== {action} on {resource}"));
                trace.extend(explanation.trace.iter().cloned());
            }
            results.push(result(
                action,
                resource,
                &explanation.decision,
                explanation.missing_context_keys,
                per_resource,
            ));
        }
    }
    Ok(page(results, prepared.start, request.max_items))
}

/// One `EvaluationResult`. With `ResourceArns` given, AWS reports the resource's own
/// result in `ResourceSpecificResults` (and its missing context values there).
fn result(
    action: &str,
    resource: &str,
    decision: &Decision<'_>,
    missing: Vec<String>,
    per_resource: bool,
) -> EvaluationResult {
    let matched = statements(decision);
    let boundary = decision
        .allowed_by_boundary
        .map(|allowed| PermissionsBoundaryDecisionDetail {
            allowed_by_permissions_boundary: allowed,
        });
    let organizations =
        decision
            .allowed_by_organizations
            .map(|allowed| OrganizationsDecisionDetail {
                allowed_by_organizations: allowed,
            });
    let outcome = decision.outcome.as_str();
    if !per_resource {
        return EvaluationResult {
            eval_action_name: action.to_string(),
            eval_resource_name: resource.to_string(),
            eval_decision: outcome,
            matched_statements: matched,
            missing_context_values: missing,
            organizations_decision_detail: organizations,
            permissions_boundary_decision_detail: boundary,
            eval_decision_details: None,
            resource_specific_results: None,
        };
    }
    EvaluationResult {
        eval_action_name: action.to_string(),
        eval_resource_name: resource.to_string(),
        eval_decision: outcome,
        matched_statements: matched.clone(),
        missing_context_values: Vec::new(),
        organizations_decision_detail: organizations,
        permissions_boundary_decision_detail: boundary,
        eval_decision_details: Some(decision_details(decision)),
        resource_specific_results: Some(vec![ResourceSpecificResult {
            eval_resource_name: resource.to_string(),
            eval_resource_decision: outcome,
            matched_statements: matched,
            missing_context_values: missing,
            eval_decision_details: decision.cross_account.then(|| decision_details(decision)),
            permissions_boundary_decision_detail: boundary,
        }]),
    }
}

/// The page of results from `start`, at most `max_items` long.
fn page(
    results: Vec<EvaluationResult>,
    start: usize,
    max_items: Option<usize>,
) -> SimulationOutput {
    let total = results.len();
    let start = start.min(total);
    let end = match max_items {
        Some(n) => start.saturating_add(n).min(total),
        None => total,
    };
    let marker = (end < total).then(|| end.to_string());
    SimulationOutput {
        evaluation_results: results.into_iter().skip(start).take(end - start).collect(),
        is_truncated: marker.is_some(),
        marker,
    }
}

/// Input policies first, in the order of the request's fields.
fn report_rank(kind: PolicyKind) -> u8 {
    match kind {
        PolicyKind::IdentityBased => 0,
        PolicyKind::ResourceBased => 1,
        PolicyKind::PermissionsBoundary => 2,
        PolicyKind::Session => 3,
        PolicyKind::ServiceControl => 4,
        PolicyKind::ResourceControl => 5,
    }
}

fn statements(decision: &Decision<'_>) -> Vec<MatchedStatement> {
    let mut matched = decision.matched.clone();
    matched.sort_by_key(|m| report_rank(m.kind));
    matched
        .iter()
        .map(|m| MatchedStatement {
            source_policy_id: m.policy_id.to_string(),
            source_policy_type: m.source_type.to_string(),
            // AWS reports the column after the opening brace and after the closing one.
            start_position: Position {
                line: m.span.start.line,
                column: m.span.start.column.saturating_add(1),
            },
            end_position: Position {
                line: m.span.end.line,
                column: m.span.end.column,
            },
        })
        .collect()
}

fn decision_details(decision: &Decision<'_>) -> EvalDecisionDetails {
    if !decision.cross_account {
        return EvalDecisionDetails::default();
    }
    EvalDecisionDetails {
        identity: decision.identity_side.map(Outcome::as_str),
        resource: decision.resource_side.map(Outcome::as_str),
    }
}

/// The account segment of a resource ARN, when it has one.
fn resource_account(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] if !account.is_empty() => Some(account),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::PolicyInput;
    use policy::request::PrincipalKind;

    const S3_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

    fn request(actions: &[&str]) -> SimulationRequest {
        SimulationRequest {
            identity: vec![PolicyInput::policy_input_list(0, S3_ALL)],
            action_names: actions.iter().map(|a| a.to_string()).collect(),
            ..SimulationRequest::default()
        }
    }

    fn names(output: &SimulationOutput) -> Vec<&str> {
        output
            .evaluation_results
            .iter()
            .map(|r| r.eval_action_name.as_str())
            .collect()
    }

    #[test]
    fn pages_follow_the_marker_to_the_end() {
        let actions = ["s3:A", "s3:B", "s3:C", "s3:D", "s3:E"];
        let mut req = request(&actions);
        req.max_items = Some(2);
        let mut seen = Vec::new();
        loop {
            let out = simulate(&req).unwrap();
            seen.extend(names(&out).into_iter().map(str::to_owned));
            assert_eq!(out.is_truncated, out.marker.is_some());
            match out.marker {
                Some(m) => req.marker = Some(m),
                None => break,
            }
        }
        assert_eq!(seen, actions);
        req.marker = Some("not-a-marker".into());
        assert_eq!(simulate(&req).unwrap_err().field, "Marker");
    }

    #[test]
    fn missing_context_values_sit_with_the_resource_when_resources_are_named() {
        let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#;
        let mut req = request(&["s3:GetObject"]);
        req.identity = vec![PolicyInput::policy_input_list(0, doc)];
        let out = simulate(&req).unwrap();
        let first = &out.evaluation_results[0];
        assert_eq!(first.eval_decision, "implicitDeny");
        assert_eq!(first.missing_context_values, ["aws:SecureTransport"]);
        assert!(first.resource_specific_results.is_none());

        req.resource_arns = Some(vec!["arn:aws:s3:::b/k".into()]);
        let out = simulate(&req).unwrap();
        let first = &out.evaluation_results[0];
        assert!(first.missing_context_values.is_empty());
        let specific = first
            .resource_specific_results
            .as_deref()
            .unwrap_or_default();
        assert_eq!(specific[0].missing_context_values, ["aws:SecureTransport"]);
        assert_eq!(
            first.eval_decision_details,
            Some(EvalDecisionDetails::default())
        );
    }

    #[test]
    fn the_default_caller_is_matched_by_a_resource_policy() {
        let arn = "arn:aws:iam::123456789012:user/jane";
        let bucket = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"{arn}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}}}"#
        );
        let deny_ec2 = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ec2:*","Resource":"*"}}"#;
        let mut req = request(&["s3:GetObject"]);
        req.identity = vec![PolicyInput::policy_input_list(0, deny_ec2)];
        req.resource_policy = Some(PolicyInput::resource_policy(bucket));
        req.resource_arns = Some(vec!["arn:aws:s3:::b/k".into()]);
        assert_eq!(simulate(&req).unwrap_err().field, "CallerArn");

        req.default_caller = Some(Principal {
            kind: PrincipalKind::User,
            arn: arn.into(),
            account: "123456789012".into(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        });
        let out = simulate(&req).unwrap();
        assert_eq!(out.evaluation_results[0].eval_decision, "allowed");
        // A CallerArn given wins over the default caller.
        req.caller_arn = Some("arn:aws:iam::123456789012:user/someone-else".into());
        let out = simulate(&req).unwrap();
        assert_eq!(out.evaluation_results[0].eval_decision, "implicitDeny");
    }

    #[test]
    fn invalid_policies_are_named_by_their_id() {
        let mut req = request(&["s3:GetObject"]);
        req.boundary = Some(PolicyInput::boundary_input(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
        ));
        let err = simulate(&req).unwrap_err();
        assert_eq!(err.field, "PermissionsBoundaryPolicyInputList.1");
        assert!(
            err.message.starts_with("MalformedPolicyDocument: "),
            "{err}"
        );
    }
}
