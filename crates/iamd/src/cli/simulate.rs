//! `iamd policy simulate`: IAM's `SimulateCustomPolicy`, offline.
//!
//! The input file is the JSON of a `SimulateCustomPolicy` request, in the shape that
//! `aws iam simulate-custom-policy --generate-cli-skeleton` prints: `PolicyInputList`,
//! `PermissionsBoundaryPolicyInputList`, `ActionNames`, `ResourceArns`, `ResourcePolicy`,
//! `ResourceOwner`, `CallerArn`, `ContextEntries` (`ContextKeyName`, `ContextKeyValues`,
//! `ContextKeyType`), `ResourceHandlingOption`, `MaxItems`, `Marker`. The output is the
//! JSON that `aws iam simulate-custom-policy` prints for that request (`EvaluationResults`
//! with `EvalDecision`, `MatchedStatements` and their positions, `MissingContextValues`,
//! `PermissionsBoundaryDecisionDetail`, `EvalDecisionDetails`, `ResourceSpecificResults`),
//! indented by four spaces as the AWS CLI does.
//!
//! Extensions to AWS's request, so that every policy type can be simulated:
//! - `SessionPolicyInputList`: session policies (a request must be allowed by one of them).
//! - `ServiceControlPolicyInputList`: SCPs as a list of levels, from the organization
//!   root down to the account, each level a list of policy documents; every level must
//!   allow. Adds `OrganizationsDecisionDetail` to each result.
//! - `ResourceControlPolicyInputList`: RCPs, in the same shape.
//! - `PrincipalTags`: a map of tag key to value, provided as `aws:PrincipalTag/KEY`.
//! - `CallerArn` may also be a role session (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`),
//!   a federated user (`arn:aws:sts::ACCT:federated-user/NAME`) or the account root
//!   (`arn:aws:iam::ACCT:root`). A session's role is `arn:aws:iam::ACCT:role/ROLE`;
//!   `CallerRoleArn` names it when the role has a path.
//!
//! Positions follow AWS's simulator: `StartPosition` is the column just after the
//! statement's `{`, `EndPosition` the column just after its `}` (1-based lines).
//!
//! A malformed input file is reported on stderr with the field at fault; exit status 2.
use std::fmt;
use std::path::PathBuf;

use policy::compile::CompiledPolicy;
use policy::decision::{Decision, Outcome, PolicyKind};
use policy::eval::{explain, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use serde::Serialize;
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    /// JSON of a SimulateCustomPolicy request (the shape of `--generate-cli-skeleton`).
    #[arg(long)]
    pub input: PathBuf,
    /// Add a human-readable trace of the evaluation.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args) -> u8 {
    let text = match std::fs::read_to_string(&args.input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "iamd policy simulate: cannot read {}: {e}",
                args.input.display()
            );
            return 2;
        }
    };
    let input = match SimulationInput::from_json(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("iamd policy simulate: {}: {e}", args.input.display());
            return 2;
        }
    };
    let (response, trace) = simulate(&input);
    if args.explain {
        for line in &trace {
            eprintln!("{line}");
        }
    }
    match to_aws_cli_json(&response) {
        Ok(out) => {
            println!("{out}");
            0
        }
        Err(e) => {
            eprintln!("iamd policy simulate: cannot print the result: {e}");
            2
        }
    }
}

/// An input error, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn err(field: impl Into<String>, message: impl Into<String>) -> InputError {
    InputError {
        field: field.into(),
        message: message.into(),
    }
}

const KNOWN_FIELDS: &[&str] = &[
    "PolicyInputList",
    "PermissionsBoundaryPolicyInputList",
    "ActionNames",
    "ResourceArns",
    "ResourcePolicy",
    "ResourceOwner",
    "CallerArn",
    "ContextEntries",
    "ResourceHandlingOption",
    "MaxItems",
    "Marker",
    "SessionPolicyInputList",
    "ServiceControlPolicyInputList",
    "ResourceControlPolicyInputList",
    "PrincipalTags",
    "CallerRoleArn",
];

const CONTEXT_TYPES: &[&str] = &[
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
];

/// A checked simulation request, with its policies compiled.
pub struct SimulationInput {
    policies: PolicySet,
    actions: Vec<String>,
    /// `None` when `ResourceArns` was not given (the simulator then uses `*`).
    resource_arns: Option<Vec<String>>,
    resource_owner: Option<String>,
    principal: Principal,
    context: Context,
    max_items: Option<usize>,
    marker: usize,
}

impl SimulationInput {
    pub fn from_json(text: &str) -> Result<SimulationInput, InputError> {
        let root: Value = serde_json::from_str(text)
            .map_err(|e| err("(file)", format!("not valid JSON: {e}")))?;
        let obj = root
            .as_object()
            .ok_or_else(|| err("(file)", "expected a JSON object"))?;
        for key in obj.keys() {
            if !KNOWN_FIELDS.contains(&key.as_str()) {
                return Err(err(
                    key.as_str(),
                    format!(
                        "unknown parameter, must be one of: {}",
                        KNOWN_FIELDS.join(", ")
                    ),
                ));
            }
        }

        let mut policies = PolicySet::default();
        let identity = string_list(obj.get("PolicyInputList"), "PolicyInputList")?
            .ok_or_else(|| err("PolicyInputList", "missing required parameter"))?;
        for (i, doc) in identity.iter().enumerate() {
            let id = format!("PolicyInputList.{}", i + 1);
            policies.identity.push(compile(doc, &id, "IAM Policy")?);
        }
        if let Some(list) = string_list(
            obj.get("PermissionsBoundaryPolicyInputList"),
            "PermissionsBoundaryPolicyInputList",
        )? {
            if list.len() > 1 {
                return Err(err(
                    "PermissionsBoundaryPolicyInputList",
                    "only one permissions boundary can be simulated",
                ));
            }
            if let Some(doc) = list.first() {
                policies.boundary = Some(compile(
                    doc,
                    "PermissionsBoundaryPolicyInputList.1",
                    "Permissions Boundary Policy",
                )?);
            }
        }
        if let Some(list) =
            string_list(obj.get("SessionPolicyInputList"), "SessionPolicyInputList")?
        {
            for (i, doc) in list.iter().enumerate() {
                let id = format!("SessionPolicyInputList.{}", i + 1);
                policies.session.push(compile(doc, &id, "Session Policy")?);
            }
        }
        policies.scps = levels(
            obj.get("ServiceControlPolicyInputList"),
            "ServiceControlPolicyInputList",
            "Service Control Policy",
        )?;
        policies.rcps = levels(
            obj.get("ResourceControlPolicyInputList"),
            "ResourceControlPolicyInputList",
            "Resource Control Policy",
        )?;
        if let Some(doc) = string(obj.get("ResourcePolicy"), "ResourcePolicy")? {
            policies.resource = Some(compile(&doc, "ResourcePolicy", "Resource Policy")?);
        }

        let actions = string_list(obj.get("ActionNames"), "ActionNames")?
            .ok_or_else(|| err("ActionNames", "missing required parameter"))?;
        if actions.is_empty() {
            return Err(err("ActionNames", "must name at least one action"));
        }
        let mut expanded = Vec::with_capacity(actions.len());
        for (i, action) in actions.iter().enumerate() {
            expanded
                .extend(expand_action(action).map_err(|m| err(format!("ActionNames[{i}]"), m))?);
        }
        let resource_arns = string_list(obj.get("ResourceArns"), "ResourceArns")?;
        let resource_owner = match string(obj.get("ResourceOwner"), "ResourceOwner")? {
            Some(owner) => Some(
                root_arn_account(&owner)
                    .ok_or_else(|| {
                        err(
                            "ResourceOwner",
                            "must be an account ARN such as arn:aws:iam::112233445566:root",
                        )
                    })?
                    .to_string(),
            ),
            None => None,
        };
        let caller_role = string(obj.get("CallerRoleArn"), "CallerRoleArn")?;
        let principal = match string(obj.get("CallerArn"), "CallerArn")? {
            Some(arn) => caller_principal(&arn, caller_role)?,
            None => {
                if policies.resource.is_some() {
                    return Err(err(
                        "CallerArn",
                        "required when ResourcePolicy is given, so that the policy's Principal element has a caller to match",
                    ));
                }
                anonymous_user(resource_owner.as_deref())
            }
        };

        let mut context = Context::new();
        if let Some(tags) = obj.get("PrincipalTags") {
            let tags = tags
                .as_object()
                .ok_or_else(|| err("PrincipalTags", "expected an object of tag key to value"))?;
            for (k, v) in tags {
                let v = v
                    .as_str()
                    .ok_or_else(|| err(format!("PrincipalTags.{k}"), "expected a string"))?;
                context.insert(&format!("aws:PrincipalTag/{k}"), ContextValue::single(v));
            }
        }
        if let Some(entries) = obj.get("ContextEntries") {
            let entries = entries
                .as_array()
                .ok_or_else(|| err("ContextEntries", "expected a list"))?;
            for (i, entry) in entries.iter().enumerate() {
                let field = format!("ContextEntries[{i}]");
                let (key, value) = context_entry(entry, &field)?;
                context.insert(&key, value);
            }
        }

        if let Some(option) = string(obj.get("ResourceHandlingOption"), "ResourceHandlingOption")? {
            const OPTIONS: [&str; 4] = [
                "EC2-VPC-InstanceStore",
                "EC2-VPC-InstanceStore-Subnet",
                "EC2-VPC-EBS",
                "EC2-VPC-EBS-Subnet",
            ];
            if !OPTIONS.contains(&option.as_str()) {
                return Err(err(
                    "ResourceHandlingOption",
                    format!("must be one of: {}", OPTIONS.join(", ")),
                ));
            }
        }
        let max_items = match obj.get("MaxItems") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=1000).contains(&n) => usize::try_from(n).ok(),
                _ => return Err(err("MaxItems", "must be an integer from 1 to 1000")),
            },
        };
        let marker = match string(obj.get("Marker"), "Marker")? {
            Some(m) => m
                .parse::<usize>()
                .map_err(|_| err("Marker", "not a marker returned by an earlier simulation"))?,
            None => 0,
        };

        Ok(SimulationInput {
            policies,
            actions: expanded,
            resource_arns,
            resource_owner,
            principal,
            context,
            max_items,
            marker,
        })
    }
}

/// Expands an action name. AWS's simulator takes no wildcards in `ActionNames`; names
/// with `*` or `?` would be expanded from the service reference, which this build does
/// not consult, so they are refused.
fn expand_action(name: &str) -> Result<Vec<String>, String> {
    if name.contains(['*', '?']) {
        return Err(format!(
            "'{name}': wildcards in action names are not supported; name each action"
        ));
    }
    match name.split_once(':') {
        Some((service, action)) if !service.is_empty() && !action.is_empty() => {
            Ok(vec![name.to_string()])
        }
        _ => Err(format!(
            "'{name}' is not an action name of the form service:Action"
        )),
    }
}

fn string(value: Option<&Value>, field: &str) -> Result<Option<String>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => {
            Err(err(field, "must not be empty (remove the field instead)"))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(field, "expected a string")),
    }
}

fn string_list(value: Option<&Value>, field: &str) -> Result<Option<Vec<String>>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) if s.is_empty() => {
                    Err(err(format!("{field}[{i}]"), "must not be empty"))
                }
                Value::String(s) => Ok(s.clone()),
                _ => Err(err(format!("{field}[{i}]"), "expected a string")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(err(field, "expected a list of strings")),
    }
}

fn compile(doc: &str, id: &str, source_type: &str) -> Result<CompiledPolicy, InputError> {
    CompiledPolicy::from_text(doc, id, source_type).map_err(|e| {
        err(
            id,
            format!(
                "{}: {} (line {}, column {})",
                e.code.as_str(),
                e.message,
                e.span.start.line,
                e.span.start.column
            ),
        )
    })
}

fn levels(
    value: Option<&Value>,
    field: &str,
    source_type: &str,
) -> Result<Vec<Vec<CompiledPolicy>>, InputError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let levels = value.as_array().ok_or_else(|| {
        err(
            field,
            "expected a list of levels, each a list of policy documents",
        )
    })?;
    let mut out = Vec::with_capacity(levels.len());
    for (l, level) in levels.iter().enumerate() {
        let level_field = format!("{field}[{l}]");
        let docs = string_list(Some(level), &level_field)?.unwrap_or_default();
        if docs.is_empty() {
            return Err(err(
                level_field,
                "a level needs at least one policy document",
            ));
        }
        let mut compiled = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let id = format!("{field}.{}.{}", l + 1, i + 1);
            compiled.push(compile(doc, &id, source_type)?);
        }
        out.push(compiled);
    }
    Ok(out)
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:PARTITION:iam::ACCOUNT:root` → `ACCOUNT`.
fn root_arn_account(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, "root"] if is_account_id(account) => Some(account),
        _ => None,
    }
}

fn caller_principal(arn: &str, role_arn: Option<String>) -> Result<Principal, InputError> {
    let bad = || {
        err(
            "CallerArn",
            "expected an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME), a role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a federated user ARN (arn:aws:sts::ACCOUNT:federated-user/NAME) or an account root ARN",
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, service, "", account, resource] = parts.as_slice() else {
        return Err(bad());
    };
    if !is_account_id(account) {
        return Err(bad());
    }
    let principal = |kind, role_arn| Principal {
        kind,
        arn: arn.to_string(),
        account: (*account).to_string(),
        role_arn,
        service_linked_role: false,
        in_management_account: false,
    };
    match (*service, resource.split_once('/')) {
        ("iam", None) if *resource == "root" => Ok(principal(PrincipalKind::Root, None)),
        ("iam", Some(("user", name))) if !name.is_empty() => {
            Ok(principal(PrincipalKind::User, None))
        }
        ("sts", Some(("assumed-role", rest))) => {
            let (role, session) = rest.split_once('/').ok_or_else(bad)?;
            if role.is_empty() || session.is_empty() {
                return Err(bad());
            }
            let role_arn =
                role_arn.unwrap_or_else(|| format!("arn:{partition}:iam::{account}:role/{role}"));
            let service_linked = role_arn.contains(":role/aws-service-role/");
            let mut p = principal(PrincipalKind::AssumedRole, Some(role_arn));
            p.service_linked_role = service_linked;
            Ok(p)
        }
        ("sts", Some(("federated-user", name))) if !name.is_empty() => {
            Ok(principal(PrincipalKind::FederatedUser, role_arn))
        }
        _ => Err(bad()),
    }
}

/// The caller when `CallerArn` is not given: an IAM user of the resource owner's account.
fn anonymous_user(owner: Option<&str>) -> Principal {
    let account = owner.unwrap_or("000000000000");
    Principal {
        kind: PrincipalKind::User,
        arn: format!("arn:aws:iam::{account}:user/simulated-caller"),
        account: account.to_string(),
        role_arn: None,
        service_linked_role: false,
        in_management_account: false,
    }
}

fn context_entry(entry: &Value, field: &str) -> Result<(String, ContextValue), InputError> {
    let obj = entry.as_object().ok_or_else(|| {
        err(
            field,
            "expected an object with ContextKeyName, ContextKeyValues, ContextKeyType",
        )
    })?;
    for key in obj.keys() {
        if !["ContextKeyName", "ContextKeyValues", "ContextKeyType"].contains(&key.as_str()) {
            return Err(err(format!("{field}.{key}"), "unknown parameter"));
        }
    }
    let name = string(
        obj.get("ContextKeyName"),
        &format!("{field}.ContextKeyName"),
    )?
    .ok_or_else(|| err(format!("{field}.ContextKeyName"), "missing"))?;
    let values_field = format!("{field}.ContextKeyValues");
    let values = match obj.get("ContextKeyValues") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| err(format!("{values_field}[{i}]"), "expected a string"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(err(values_field, "expected a list of strings")),
        None => return Err(err(values_field, "missing")),
    };
    let ty_field = format!("{field}.ContextKeyType");
    let ty =
        string(obj.get("ContextKeyType"), &ty_field)?.ok_or_else(|| err(&ty_field, "missing"))?;
    if !CONTEXT_TYPES.contains(&ty.as_str()) {
        return Err(err(
            ty_field,
            format!("must be one of: {}", CONTEXT_TYPES.join(", ")),
        ));
    }
    let value = if ty.ends_with("List") {
        ContextValue::multi(values)
    } else {
        if values.len() != 1 {
            return Err(err(
                values_field,
                format!("a {ty} key takes exactly one value; use {ty}List for several"),
            ));
        }
        ContextValue {
            values,
            multi_valued: false,
        }
    };
    Ok((name, value))
}

// ---- Output: the shapes of botocore's SimulatePolicyResponse, in model order ----

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulationOutput {
    evaluation_results: Vec<EvaluationResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EvaluationResult {
    eval_action_name: String,
    eval_resource_name: String,
    eval_decision: &'static str,
    matched_statements: Vec<StatementOut>,
    missing_context_values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organizations_decision_detail: Option<OrganizationsDecisionDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary_decision_detail: Option<PermissionsBoundaryDecisionDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eval_decision_details: Option<EvalDecisionDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_specific_results: Option<Vec<ResourceSpecificResult>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResourceSpecificResult {
    eval_resource_name: String,
    eval_resource_decision: &'static str,
    matched_statements: Vec<StatementOut>,
    missing_context_values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eval_decision_details: Option<EvalDecisionDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary_decision_detail: Option<PermissionsBoundaryDecisionDetail>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
struct StatementOut {
    source_policy_id: String,
    source_policy_type: String,
    start_position: PositionOut,
    end_position: PositionOut,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct PositionOut {
    line: u32,
    column: u32,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct OrganizationsDecisionDetail {
    allowed_by_organizations: bool,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct PermissionsBoundaryDecisionDetail {
    allowed_by_permissions_boundary: bool,
}

/// `EvalDecisionDetails`: empty within one account; across accounts, the decision of
/// the caller's side and of the resource's side.
#[derive(Serialize, Clone, Default)]
struct EvalDecisionDetails {
    #[serde(rename = "IAM Policy", skip_serializing_if = "Option::is_none")]
    identity: Option<&'static str>,
    #[serde(rename = "Resource Policy", skip_serializing_if = "Option::is_none")]
    resource: Option<&'static str>,
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

fn statements_out(decision: &Decision<'_>) -> Vec<StatementOut> {
    let mut matched = decision.matched.clone();
    matched.sort_by_key(|m| report_rank(m.kind));
    matched
        .iter()
        .map(|m| StatementOut {
            source_policy_id: m.policy_id.to_string(),
            source_policy_type: m.source_type.to_string(),
            // AWS reports the column after the opening brace and after the closing one.
            start_position: PositionOut {
                line: m.span.start.line,
                column: m.span.start.column.saturating_add(1),
            },
            end_position: PositionOut {
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

/// Runs the simulation; returns the response and the `--explain` trace.
pub fn simulate(input: &SimulationInput) -> (SimulationOutput, Vec<String>) {
    let mut results = Vec::new();
    let mut trace = Vec::new();
    let resources: Vec<&str> = match &input.resource_arns {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => vec!["*"],
    };
    for action in &input.actions {
        for resource in &resources {
            let account = resource_account(resource)
                .or(input.resource_owner.as_deref())
                .map(str::to_string);
            let request = Request {
                principal: input.principal.clone(),
                action: action.clone(),
                resource: Resource {
                    arn: (*resource).to_string(),
                    account,
                },
                context: input.context.clone(),
            };
            let explanation = explain(&request, &input.policies);
            let decision = &explanation.decision;
            trace.push(format!("== {action} on {resource}"));
            trace.extend(explanation.trace.iter().cloned());
            let matched = statements_out(decision);
            let boundary =
                decision
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
            let result = if input.resource_arns.is_some() {
                EvaluationResult {
                    eval_action_name: action.clone(),
                    eval_resource_name: (*resource).to_string(),
                    eval_decision: decision.outcome.as_str(),
                    matched_statements: matched.clone(),
                    missing_context_values: Vec::new(),
                    organizations_decision_detail: organizations,
                    permissions_boundary_decision_detail: boundary,
                    eval_decision_details: Some(decision_details(decision)),
                    resource_specific_results: Some(vec![ResourceSpecificResult {
                        eval_resource_name: (*resource).to_string(),
                        eval_resource_decision: decision.outcome.as_str(),
                        matched_statements: matched,
                        missing_context_values: explanation.missing_context_keys.clone(),
                        eval_decision_details: decision
                            .cross_account
                            .then(|| decision_details(decision)),
                        permissions_boundary_decision_detail: boundary,
                    }]),
                }
            } else {
                EvaluationResult {
                    eval_action_name: action.clone(),
                    eval_resource_name: (*resource).to_string(),
                    eval_decision: decision.outcome.as_str(),
                    matched_statements: matched,
                    missing_context_values: explanation.missing_context_keys.clone(),
                    organizations_decision_detail: organizations,
                    permissions_boundary_decision_detail: boundary,
                    eval_decision_details: None,
                    resource_specific_results: None,
                }
            };
            results.push(result);
        }
    }
    let total = results.len();
    let start = input.marker.min(total);
    let end = match input.max_items {
        Some(n) => start.saturating_add(n).min(total),
        None => total,
    };
    let next_token = (end < total).then(|| end.to_string());
    let evaluation_results = results.into_iter().skip(start).take(end - start).collect();
    (
        SimulationOutput {
            evaluation_results,
            next_token,
        },
        trace,
    )
}

/// The account segment of a resource ARN, when it has one.
fn resource_account(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] if !account.is_empty() => Some(account),
        _ => None,
    }
}

/// JSON as the AWS CLI prints it: four-space indentation, non-ASCII as is.
pub fn to_aws_cli_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut ser)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
