//! The policy simulator: SimulateCustomPolicy, SimulatePrincipalPolicy,
//! GetContextKeysForCustomPolicy, GetContextKeysForPrincipalPolicy. The simulation is
//! the `simulator` crate's (the same `iamd policy simulate` runs offline); this module
//! reads the request's parameters, gathers the simulated entity's policies and writes
//! AWS's XML.
//!
//! Authorization is AWS's: the custom-policy operations act on `*`, the principal ones
//! on the `PolicySourceArn`.
use awsquery::Params;
use simulator::request::{ContextEntry, PolicyInput, SimulationRequest};
use simulator::{InputError, SimulationOutput};
use store::PrincipalKind;

use super::{Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

mod sources;
mod xml;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("SimulateCustomPolicy", any_resource, simulate_custom_policy),
        operation!(
            "SimulatePrincipalPolicy",
            policy_source,
            simulate_principal_policy
        ),
        operation!(
            "GetContextKeysForCustomPolicy",
            any_resource,
            context_keys_for_custom_policy
        ),
        operation!(
            "GetContextKeysForPrincipalPolicy",
            policy_source,
            context_keys_for_principal_policy
        ),
    ]
}

async fn any_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

/// The entity whose policies are simulated, as `PolicySourceArn` names it.
async fn policy_source(call: &Call) -> ApiResult<Target> {
    let arn = super::input::arn(&call.params, "PolicySourceArn")?;
    Ok(Target::arn(arn.to_owned()))
}

/// A simulator input error is AWS's `InvalidInput`.
fn invalid(e: InputError) -> ApiError {
    ApiError::invalid_input(e.to_string())
}

fn policy_input_list(params: &Params) -> Vec<PolicyInput> {
    params
        .list("PolicyInputList")
        .into_iter()
        .enumerate()
        .map(|(i, doc)| PolicyInput::policy_input_list(i, doc))
        .collect()
}

/// The members both simulations share; the identity policies and the default caller
/// are the caller's to fill in.
fn common_request(params: &Params) -> ApiResult<SimulationRequest> {
    let boundaries = params.list("PermissionsBoundaryPolicyInputList");
    if boundaries.len() > 1 {
        return Err(ApiError::invalid_input(
            "Only one permissions boundary policy can be simulated at a time.",
        ));
    }
    let context_entries = params
        .members("ContextEntries")
        .iter()
        .map(|entry| ContextEntry {
            name: entry.get("ContextKeyName").unwrap_or_default().to_owned(),
            values: entry
                .list("ContextKeyValues")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            key_type: entry.get("ContextKeyType").unwrap_or_default().to_owned(),
        })
        .collect();
    let max_items = match params.get("MaxItems") {
        // The model has checked it is a number from 1 to 1000.
        Some(n) => Some(
            n.parse::<usize>()
                .map_err(|_| ApiError::invalid_input(format!("MaxItems {n} is not a number.")))?,
        ),
        None => None,
    };
    let list = |name| {
        let items = params.list(name);
        (!items.is_empty()).then(|| items.into_iter().map(str::to_owned).collect())
    };
    Ok(SimulationRequest {
        boundary: boundaries
            .first()
            .map(|doc| PolicyInput::boundary_input(*doc)),
        resource_policy: params
            .get("ResourcePolicy")
            .map(PolicyInput::resource_policy),
        action_names: list("ActionNames").unwrap_or_default(),
        resource_arns: list("ResourceArns"),
        resource_owner: params.get("ResourceOwner").map(str::to_owned),
        caller_arn: params.get("CallerArn").map(str::to_owned),
        context_entries,
        resource_handling_option: params.get("ResourceHandlingOption").map(str::to_owned),
        max_items,
        marker: params.get("Marker").map(str::to_owned),
        ..SimulationRequest::default()
    })
}

/// AWS needs a caller to match a resource policy's `Principal` against, unless the
/// simulated entity is a user (who is then the caller).
fn require_caller_for_resource_policy(
    request: &SimulationRequest,
    source_is_user: bool,
) -> ApiResult<()> {
    if request.resource_policy.is_some() && request.caller_arn.is_none() && !source_is_user {
        return Err(ApiError::invalid_input(
            "CallerArn is required when ResourcePolicy is given, so that the policy's Principal element has a caller to match.",
        ));
    }
    Ok(())
}

fn respond(call: &Call, output: &SimulationOutput) -> String {
    call.respond(|w| xml::simulation(w, output))
}

async fn simulate_custom_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    let mut request = common_request(&call.params)?;
    request.identity = policy_input_list(&call.params);
    require_caller_for_resource_policy(&request, false)?;
    // Without `CallerArn`, the caller is a user of the calling account.
    request.default_caller = Some(simulator::caller::unnamed_user(Some(call.account())));
    let output = simulator::simulate(&request).map_err(invalid)?;
    Ok(respond(call, &output))
}

async fn simulate_principal_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let source = sources::parse_source_arn(&target.arn, call.account())?;
    let entity = sources::entity_policies(call, &source).await?;
    let mut request = common_request(&call.params)?;
    require_caller_for_resource_policy(&request, source.kind == PrincipalKind::User)?;
    request.identity = entity.identity;
    request.identity.extend(policy_input_list(&call.params));
    // `PermissionsBoundaryPolicyInputList` replaces the entity's own boundary.
    if request.boundary.is_none() {
        request.boundary = entity.boundary;
    }
    request.default_caller = Some(
        entity
            .caller
            .unwrap_or_else(|| simulator::caller::unnamed_user(Some(call.account()))),
    );
    let output = simulator::simulate(&request).map_err(|e| {
        // The entity's stored policies were valid when stored; one that no longer
        // compiles cannot be evaluated.
        if request
            .identity
            .iter()
            .any(|p| p.id == e.field && !p.id.starts_with("PolicyInputList."))
        {
            ApiError::new("PolicyEvaluation", e.to_string())
        } else {
            invalid(e)
        }
    })?;
    Ok(respond(call, &output))
}

fn respond_keys(call: &Call, policies: &[PolicyInput]) -> ApiResult<String> {
    let keys = simulator::context_keys(policies).map_err(invalid)?;
    Ok(call.respond(|w| {
        w.text_list("ContextKeyNames", &keys);
    }))
}

async fn context_keys_for_custom_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    respond_keys(call, &policy_input_list(&call.params))
}

async fn context_keys_for_principal_policy(call: &Call, target: &Target) -> ApiResult<String> {
    let source = sources::parse_source_arn(&target.arn, call.account())?;
    let entity = sources::entity_policies(call, &source).await?;
    let mut policies = entity.identity;
    policies.extend(entity.boundary);
    policies.extend(policy_input_list(&call.params));
    respond_keys(call, &policies)
}
