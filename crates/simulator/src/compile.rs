//! The request's policies compiled into the engine's [`PolicySet`].
use policy::ast::Span;
use policy::compile::CompiledPolicy;
use policy::error::ErrorCode;
use policy::eval::PolicySet;
use policy::validate::{validate_policy, PolicyKind, Severity, SIZE_CODE};

use crate::request::{InputError, PolicyInput, SimulationRequest};

/// Checks one policy against the rules of its `kind` (as IAM checks a policy before it
/// simulates it) and compiles it. An error names the policy by its id, with the position.
///
/// Size quotas do not apply: the simulator takes documents of up to 131,072 characters,
/// and some AWS managed policies are larger than the quotas of the policies IAM stores.
pub fn compile(input: &PolicyInput, kind: PolicyKind) -> Result<CompiledPolicy, InputError> {
    let failed = |code: &str, message: &str, span: Span| {
        InputError::new(
            &input.id,
            format!(
                "{code}: {message} (line {}, column {})",
                span.start.line, span.start.column
            ),
        )
    };
    let validation = validate_policy(&input.document, kind);
    let error = validation
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error && f.code != SIZE_CODE);
    if let Some(f) = error {
        return Err(failed(
            ErrorCode::MalformedPolicyDocument.as_str(),
            &f.message,
            f.span,
        ));
    }
    let ast = validation.policy.ok_or_else(|| {
        failed(
            ErrorCode::MalformedPolicyDocument.as_str(),
            "Syntax errors in policy.",
            Span::default(),
        )
    })?;
    CompiledPolicy::compile(&ast, &input.id, &input.source_type)
        .map_err(|e| failed(e.code.as_str(), &e.message, e.span))
}

fn compile_all(
    inputs: &[PolicyInput],
    kind: PolicyKind,
) -> Result<Vec<CompiledPolicy>, InputError> {
    inputs.iter().map(|input| compile(input, kind)).collect()
}

fn compile_levels(
    levels: &[Vec<PolicyInput>],
    kind: PolicyKind,
) -> Result<Vec<Vec<CompiledPolicy>>, InputError> {
    levels
        .iter()
        .map(|level| compile_all(level, kind))
        .collect()
}

/// Every policy of the request, by the role it plays.
pub fn policy_set(request: &SimulationRequest) -> Result<PolicySet, InputError> {
    // In the order of the request's members, so the first bad policy is reported.
    let identity = compile_all(&request.identity, PolicyKind::Identity)?;
    let boundary = request
        .boundary
        .as_ref()
        .map(|p| compile(p, PolicyKind::PermissionsBoundary))
        .transpose()?;
    let session = compile_all(&request.session, PolicyKind::Session)?;
    let scps = compile_levels(&request.scps, PolicyKind::Scp)?;
    let rcps = compile_levels(&request.rcps, PolicyKind::Rcp)?;
    let resource = request
        .resource_policy
        .as_ref()
        .map(|p| compile(p, PolicyKind::Resource))
        .transpose()?;
    Ok(PolicySet {
        identity,
        resource,
        boundary,
        session,
        scps,
        rcps,
    })
}
