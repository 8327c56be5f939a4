//! What one simulation asks: the policies (each named as the results will name it), the
//! actions, the resources, the caller and the request context.
use std::fmt;

use policy::request::{ContextValue, Principal};

/// An input error, naming the request member at fault (`ActionNames[0]`,
/// `PolicyInputList.1`, `ContextEntries[2].ContextKeyType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

/// The `SourcePolicyType` of policies given as identity-based policies.
pub const IAM_POLICY: &str = "IAM Policy";
/// The `SourcePolicyType` of a permissions boundary.
pub const BOUNDARY_POLICY: &str = "Permissions Boundary Policy";
/// The `SourcePolicyType` of `ResourcePolicy`.
pub const RESOURCE_POLICY: &str = "Resource Policy";

/// One policy document and the names its matched statements carry in the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInput {
    /// `SourcePolicyId`: `PolicyInputList.1`, `user_alice_ReadOnly`, `PowerUserAccess`, ...
    pub id: String,
    /// `SourcePolicyType`: [`IAM_POLICY`], [`BOUNDARY_POLICY`], [`RESOURCE_POLICY`], ...
    pub source_type: String,
    pub document: String,
}

impl PolicyInput {
    pub fn new(
        id: impl Into<String>,
        source_type: impl Into<String>,
        document: impl Into<String>,
    ) -> Self {
        PolicyInput {
            id: id.into(),
            source_type: source_type.into(),
            document: document.into(),
        }
    }

    /// Entry `index` (0-based) of `PolicyInputList`, named as AWS names it.
    pub fn policy_input_list(index: usize, document: impl Into<String>) -> Self {
        PolicyInput::new(
            format!("PolicyInputList.{}", index + 1),
            IAM_POLICY,
            document,
        )
    }

    /// The one entry of `PermissionsBoundaryPolicyInputList`.
    pub fn boundary_input(document: impl Into<String>) -> Self {
        PolicyInput::new(
            "PermissionsBoundaryPolicyInputList.1",
            BOUNDARY_POLICY,
            document,
        )
    }

    /// `ResourcePolicy`.
    pub fn resource_policy(document: impl Into<String>) -> Self {
        PolicyInput::new("ResourcePolicy", RESOURCE_POLICY, document)
    }
}

/// The `ContextKeyType` values AWS accepts.
pub const CONTEXT_KEY_TYPES: &[&str] = &[
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

/// One `ContextEntries` member as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    pub name: String,
    pub values: Vec<String>,
    /// `ContextKeyType`, one of [`CONTEXT_KEY_TYPES`].
    pub key_type: String,
}

impl ContextEntry {
    /// The entry as the engine sees it; `field` names the entry in errors
    /// (`ContextEntries[0]`).
    pub fn value(&self, field: &str) -> Result<ContextValue, InputError> {
        if !CONTEXT_KEY_TYPES.contains(&self.key_type.as_str()) {
            return Err(InputError::new(
                format!("{field}.ContextKeyType"),
                format!("must be one of: {}", CONTEXT_KEY_TYPES.join(", ")),
            ));
        }
        if self.key_type.ends_with("List") {
            return Ok(ContextValue::multi(self.values.iter().cloned()));
        }
        if self.values.len() != 1 {
            return Err(InputError::new(
                format!("{field}.ContextKeyValues"),
                format!(
                    "a {ty} key takes exactly one value; use {ty}List for several",
                    ty = self.key_type
                ),
            ));
        }
        Ok(ContextValue {
            values: self.values.clone(),
            multi_valued: false,
        })
    }
}

/// The `ResourceHandlingOption` values of AWS's EC2 scenarios.
pub const RESOURCE_HANDLING_OPTIONS: [&str; 4] = [
    "EC2-VPC-InstanceStore",
    "EC2-VPC-InstanceStore-Subnet",
    "EC2-VPC-EBS",
    "EC2-VPC-EBS-Subnet",
];

/// One simulation. Only `identity` (or a resource policy) and `action_names` are
/// needed; everything else is optional as in AWS's requests.
#[derive(Debug, Clone, Default)]
pub struct SimulationRequest {
    /// Identity-based policies: `PolicyInputList`, or the entity's policies.
    pub identity: Vec<PolicyInput>,
    pub boundary: Option<PolicyInput>,
    /// Session policies (an extension of the offline tool).
    pub session: Vec<PolicyInput>,
    /// SCPs as levels from the organization root down to the account (extension).
    pub scps: Vec<Vec<PolicyInput>>,
    /// RCPs in the same shape (extension).
    pub rcps: Vec<Vec<PolicyInput>>,
    pub resource_policy: Option<PolicyInput>,
    pub action_names: Vec<String>,
    /// `None` when `ResourceArns` was not given: the simulation uses `*`.
    pub resource_arns: Option<Vec<String>>,
    /// `ResourceOwner`: an account root ARN.
    pub resource_owner: Option<String>,
    pub caller_arn: Option<String>,
    /// The role of a session `CallerArn` when the role has a path (extension).
    pub caller_role_arn: Option<String>,
    /// The caller when `CallerArn` is absent: the simulated user for
    /// `SimulatePrincipalPolicy` on a user. `None`: a user of the resource owner's account.
    pub default_caller: Option<Principal>,
    pub context_entries: Vec<ContextEntry>,
    /// `aws:PrincipalTag/KEY` values (extension).
    pub principal_tags: Vec<(String, String)>,
    pub resource_handling_option: Option<String>,
    /// `MaxItems`: 1 to 1000.
    pub max_items: Option<usize>,
    /// `Marker` from an earlier, truncated answer.
    pub marker: Option<String>,
}
