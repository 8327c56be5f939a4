//! The AWS CLI's JSON forms: a `SimulateCustomPolicy` request as
//! `aws iam simulate-custom-policy --generate-cli-skeleton` prints it (plus the offline
//! tool's extensions), and the answer as `aws iam simulate-custom-policy` prints it.
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
use serde::Serialize;
use serde_json::Value;

use crate::request::{ContextEntry, InputError, PolicyInput, SimulationRequest};
use crate::response::{EvaluationResult, SimulationOutput};

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

fn err(field: impl Into<String>, message: impl Into<String>) -> InputError {
    InputError::new(field, message)
}

/// Reads a request. Errors name the member at fault; the file itself is `(file)`.
pub fn request_from_json(text: &str) -> Result<SimulationRequest, InputError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| err("(file)", format!("not valid JSON: {e}")))?;
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

    let mut request = SimulationRequest::default();
    let identity = string_list(obj.get("PolicyInputList"), "PolicyInputList")?
        .ok_or_else(|| err("PolicyInputList", "missing required parameter"))?;
    request.identity = identity
        .into_iter()
        .enumerate()
        .map(|(i, doc)| PolicyInput::policy_input_list(i, doc))
        .collect();
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
        request.boundary = list.into_iter().next().map(PolicyInput::boundary_input);
    }
    if let Some(list) = string_list(obj.get("SessionPolicyInputList"), "SessionPolicyInputList")? {
        request.session = list
            .into_iter()
            .enumerate()
            .map(|(i, doc)| {
                PolicyInput::new(
                    format!("SessionPolicyInputList.{}", i + 1),
                    "Session Policy",
                    doc,
                )
            })
            .collect();
    }
    request.scps = levels(
        obj.get("ServiceControlPolicyInputList"),
        "ServiceControlPolicyInputList",
        "Service Control Policy",
    )?;
    request.rcps = levels(
        obj.get("ResourceControlPolicyInputList"),
        "ResourceControlPolicyInputList",
        "Resource Control Policy",
    )?;
    request.resource_policy =
        string(obj.get("ResourcePolicy"), "ResourcePolicy")?.map(PolicyInput::resource_policy);

    request.action_names = string_list(obj.get("ActionNames"), "ActionNames")?
        .ok_or_else(|| err("ActionNames", "missing required parameter"))?;
    request.resource_arns = string_list(obj.get("ResourceArns"), "ResourceArns")?;
    request.resource_owner = string(obj.get("ResourceOwner"), "ResourceOwner")?;
    request.caller_role_arn = string(obj.get("CallerRoleArn"), "CallerRoleArn")?;
    request.caller_arn = string(obj.get("CallerArn"), "CallerArn")?;

    if let Some(tags) = obj.get("PrincipalTags") {
        let tags = tags
            .as_object()
            .ok_or_else(|| err("PrincipalTags", "expected an object of tag key to value"))?;
        for (k, v) in tags {
            let v = v
                .as_str()
                .ok_or_else(|| err(format!("PrincipalTags.{k}"), "expected a string"))?;
            request.principal_tags.push((k.clone(), v.to_string()));
        }
    }
    if let Some(entries) = obj.get("ContextEntries") {
        let entries = entries
            .as_array()
            .ok_or_else(|| err("ContextEntries", "expected a list"))?;
        for (i, entry) in entries.iter().enumerate() {
            let field = format!("ContextEntries[{i}]");
            let entry = context_entry(entry, &field)?;
            // Checked here too, so that the first error reported is in file order.
            entry.value(&field)?;
            request.context_entries.push(entry);
        }
    }
    request.resource_handling_option =
        string(obj.get("ResourceHandlingOption"), "ResourceHandlingOption")?;
    request.max_items = match obj.get("MaxItems") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=1000).contains(&n) => usize::try_from(n).ok(),
            _ => return Err(err("MaxItems", "must be an integer from 1 to 1000")),
        },
    };
    request.marker = string(obj.get("Marker"), "Marker")?;
    Ok(request)
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

fn levels(
    value: Option<&Value>,
    field: &str,
    source_type: &str,
) -> Result<Vec<Vec<PolicyInput>>, InputError> {
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
        out.push(
            docs.into_iter()
                .enumerate()
                .map(|(i, doc)| {
                    PolicyInput::new(format!("{field}.{}.{}", l + 1, i + 1), source_type, doc)
                })
                .collect(),
        );
    }
    Ok(out)
}

fn context_entry(entry: &Value, field: &str) -> Result<ContextEntry, InputError> {
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
    let key_type =
        string(obj.get("ContextKeyType"), &ty_field)?.ok_or_else(|| err(&ty_field, "missing"))?;
    Ok(ContextEntry {
        name,
        values,
        key_type,
    })
}

/// What the AWS CLI prints: the results, and `NextToken` in place of
/// `IsTruncated`/`Marker` when there are more.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CliAnswer<'a> {
    evaluation_results: &'a [EvaluationResult],
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<&'a str>,
}

/// The answer as the AWS CLI prints it: four-space indentation, non-ASCII as is.
pub fn answer_to_aws_cli_json(output: &SimulationOutput) -> Result<String, serde_json::Error> {
    let answer = CliAnswer {
        evaluation_results: &output.evaluation_results,
        next_token: output.marker.as_deref(),
    };
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    answer.serialize(&mut ser)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
