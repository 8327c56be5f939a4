//! IAM operations, one module per family, each exporting `operations()`: the table of
//! its operations with, for each, how to find the resource it acts on (for
//! authorization) and the handler that does it.
//!
//! Adding a family: write `ops/<family>.rs` with `pub fn operations() -> Vec<Operation>`
//! built with [`operation!`](crate::operation), and list it in [`FAMILIES`]. The
//! pipeline authenticates, resolves the resource, authorizes and then calls the
//! handler; a handler only validates its input, calls the store and writes XML.
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use awsquery::Params;
use store::{Group, InstanceProfile, Role, Store, Tag, User};

use crate::error::ApiResult;
use crate::identity::Caller;
use crate::state::AppState;

pub mod access_keys;
pub mod account;
pub mod attachments;
pub mod credential_report;
pub mod delegation_requests;
pub mod federated_tags;
pub mod federated_trust;
pub mod groups;
pub mod input;
pub mod instance_profiles;
pub mod login_profiles;
pub mod mfa;
pub mod oidc_providers;
pub mod outbound_federation;
pub mod password_policy;
pub mod policies;
pub mod resources;
pub mod roles;
pub mod saml_providers;
pub mod server_certificates;
pub mod service_credentials;
pub mod service_last_accessed;
pub mod service_linked_roles;
pub mod signing_certificates;
pub mod simulate;
pub mod ssh_public_keys;
pub mod sts_assume_role;
pub mod sts_common;
pub mod sts_delegated_access;
pub mod sts_identity;
pub mod sts_saml;
pub mod sts_tokens;
pub mod sts_web_identity;
pub mod sts_web_identity_token;
pub mod unsigned;
pub mod user_policies;
pub mod users;
pub mod xml;

/// STS families (`Version=2011-06-15`), registered the same way; answered in STS's
/// namespace and signed for service `sts`.
const STS_FAMILIES: &[fn() -> Vec<Operation>] = &[
    sts_assume_role::operations,
    sts_tokens::operations,
    sts_identity::operations,
    sts_web_identity_token::operations,
    sts_delegated_access::operations,
];

/// Every IAM family's table. A new family adds one line here.
const FAMILIES: &[fn() -> Vec<Operation>] = &[
    users::operations,
    access_keys::operations,
    user_policies::operations,
    groups::operations,
    roles::operations,
    service_linked_roles::operations,
    instance_profiles::operations,
    policies::operations,
    attachments::operations,
    account::operations,
    simulate::operations,
    mfa::operations,
    login_profiles::operations,
    password_policy::operations,
    credential_report::operations,
    oidc_providers::operations,
    saml_providers::operations,
    outbound_federation::operations,
    service_last_accessed::operations,
    delegation_requests::operations,
    ssh_public_keys::operations,
    service_credentials::operations,
    signing_certificates::operations,
    server_certificates::operations,
];

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Writes the operation's response document (see [`Call::respond`]).
pub type Handler = for<'a> fn(&'a Call, &'a Target) -> BoxFuture<'a, ApiResult<String>>;

/// Finds the resource an operation acts on, before authorization.
pub type Resolver = for<'a> fn(&'a Call) -> BoxFuture<'a, ApiResult<Target>>;

/// How the pipeline authorizes an operation before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization {
    /// The caller's identity-based policies and boundary must allow `service:Name` on
    /// the resolver's ARN (every IAM operation).
    Identity,
    /// The handler decides (e.g. `sts:GetCallerIdentity`, which always answers, or
    /// `sts:AssumeRole`, which also needs the role's trust policy).
    InHandler,
}

/// One operation.
pub struct Operation {
    /// The `Action` name, e.g. `CreateUser`; authorized as `iam:CreateUser`.
    pub name: &'static str,
    pub resolve: Resolver,
    pub handler: Handler,
    pub authorization: Authorization,
}

/// Builds an [`Operation`] from `async fn resolve(&Call) -> ApiResult<Target>` and
/// `async fn handler(&Call, &Target) -> ApiResult<String>`, authorized by identity
/// policies unless an [`Authorization`] is given as a fourth argument.
#[macro_export]
macro_rules! operation {
    ($name:literal, $resolve:path, $handler:path) => {
        $crate::operation!(
            $name,
            $resolve,
            $handler,
            $crate::ops::Authorization::Identity
        )
    };
    ($name:literal, $resolve:path, $handler:path, $authorization:expr) => {
        $crate::ops::Operation {
            name: $name,
            resolve: |call| Box::pin($resolve(call)),
            handler: |call, target| Box::pin($handler(call, target)),
            authorization: $authorization,
        }
    };
}

/// What an operation acts on: the ARN authorization checks, the resource's tags
/// (`iam:ResourceTag/*`), and what the resolver already read, so that the handler need
/// not read it again.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub arn: String,
    pub tags: Vec<Tag>,
    pub found: Option<Found>,
    /// Condition keys the resource itself supplies (`iam:DelegationRequestOwner`).
    pub keys: Vec<(&'static str, String)>,
    /// The resource grants this action to the caller by itself, as a delegation request
    /// does its owner (AWS's "default permission"). Evaluated as one more identity-based
    /// Allow of the action on this ARN, so explicit denies and boundaries still apply.
    pub grants_caller: bool,
}

/// An entity a resolver read from the store.
#[derive(Debug, Clone)]
pub enum Found {
    User(User),
    Group(Group),
    Role(Role),
    InstanceProfile(InstanceProfile),
    DelegationRequest(Box<store::DelegationRequest>),
}

impl Target {
    pub fn arn(arn: String) -> Self {
        Target {
            arn,
            ..Target::default()
        }
    }
}

/// One authenticated request on its way through an operation.
pub struct Call {
    pub state: AppState,
    pub caller: Caller,
    pub params: Params,
    /// The operation name (`CreateUser`).
    pub action: &'static str,
    pub request_id: String,
    pub region: String,
    /// The XML namespace of the service answering (IAM's or STS's).
    pub namespace: &'static str,
    /// The transport facts of the request (source address, TLS, time), for operations
    /// that build an authorization context themselves.
    pub env: crate::context::RequestEnv,
}

impl Call {
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.state.store
    }

    /// The caller's account: every IAM operation acts within it.
    pub fn account(&self) -> &str {
        &self.caller.account_id
    }

    /// A response with a `<{Action}Result>` element whose content `body` writes.
    pub fn respond(&self, body: impl FnOnce(&mut awsquery::XmlWriter)) -> String {
        let mut response = awsquery::Response::new(self.namespace, self.action);
        body(response.body());
        response.finish(&self.request_id)
    }

    /// A response of an operation without output.
    pub fn respond_empty(&self) -> String {
        awsquery::Response::without_result(self.namespace, self.action).finish(&self.request_id)
    }
}

fn table(families: &[fn() -> Vec<Operation>]) -> HashMap<&'static str, Operation> {
    families
        .iter()
        .flat_map(|family| family())
        .map(|op| (op.name, op))
        .collect()
}

/// The IAM operations by name.
pub fn iam_operations() -> &'static HashMap<&'static str, Operation> {
    static TABLE: OnceLock<HashMap<&'static str, Operation>> = OnceLock::new();
    TABLE.get_or_init(|| table(FAMILIES))
}

/// The STS operations by name.
pub fn sts_operations() -> &'static HashMap<&'static str, Operation> {
    static TABLE: OnceLock<HashMap<&'static str, Operation>> = OnceLock::new();
    TABLE.get_or_init(|| table(STS_FAMILIES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_unique_and_in_the_model() {
        let mut seen = std::collections::HashSet::new();
        for family in FAMILIES.iter().chain(STS_FAMILIES) {
            for op in family() {
                assert!(seen.insert(op.name), "{} registered twice", op.name);
                assert!(op
                    .name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase()));
            }
        }
        assert!(iam_operations().contains_key("CreateUser"));
    }
}
