//! The request's policies compiled into the engine's [`PolicySet`].
use policy::compile::CompiledPolicy;
use policy::eval::PolicySet;

use crate::request::{InputError, PolicyInput, SimulationRequest};

/// Compiles one policy; a syntax error names the policy by its id, with the position.
pub fn compile(input: &PolicyInput) -> Result<CompiledPolicy, InputError> {
    CompiledPolicy::from_text(&input.document, &input.id, &input.source_type).map_err(|e| {
        InputError::new(
            &input.id,
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

fn compile_all(inputs: &[PolicyInput]) -> Result<Vec<CompiledPolicy>, InputError> {
    inputs.iter().map(compile).collect()
}

fn compile_levels(levels: &[Vec<PolicyInput>]) -> Result<Vec<Vec<CompiledPolicy>>, InputError> {
    levels.iter().map(|level| compile_all(level)).collect()
}

/// Every policy of the request, by the role it plays.
pub fn policy_set(request: &SimulationRequest) -> Result<PolicySet, InputError> {
    // In the order of the request's members, so the first bad policy is reported.
    let identity = compile_all(&request.identity)?;
    let boundary = request.boundary.as_ref().map(compile).transpose()?;
    let session = compile_all(&request.session)?;
    let scps = compile_levels(&request.scps)?;
    let rcps = compile_levels(&request.rcps)?;
    let resource = request.resource_policy.as_ref().map(compile).transpose()?;
    Ok(PolicySet {
        identity,
        resource,
        boundary,
        session,
        scps,
        rcps,
    })
}
