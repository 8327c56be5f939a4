//! Our side: a generated case as the policy engine's request and policy set.
use policy::compile::CompiledPolicy;
use policy::decision::Outcome;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use serde_json::Value;

use crate::case::{CallerKind, Case, ContextEntry};

pub fn request(case: &Case) -> Request {
    let kind = match case.caller.kind {
        CallerKind::User => PrincipalKind::User,
        CallerKind::RoleSession => PrincipalKind::AssumedRole,
        CallerKind::Root => PrincipalKind::Root,
        CallerKind::Anonymous => PrincipalKind::Anonymous,
    };
    let mut context = Context::new();
    for (key, value) in &case.context {
        let v = match value {
            ContextEntry::Single(s) => ContextValue::single(s.clone()),
            ContextEntry::Set(items) => ContextValue::multi(items.iter().cloned()),
        };
        context.insert(key, v);
    }
    Request {
        principal: Principal {
            kind,
            arn: case.caller.arn.clone(),
            account: case.caller.account.clone(),
            role_arn: case.caller.role_arn.clone(),
            service_linked_role: false,
            in_management_account: false,
        },
        action: case.action.clone(),
        resource: Resource {
            arn: case.resource_arn.clone(),
            account: Some(case.resource_account.clone()),
        },
        context,
    }
}

fn compile(doc: &Value, id: &str, source_type: &str) -> Result<CompiledPolicy, String> {
    let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    CompiledPolicy::from_text(&text, id, source_type).map_err(|e| {
        format!(
            "{id}: {} at {}:{}",
            e.message, e.span.start.line, e.span.start.column
        )
    })
}

pub fn policy_set(case: &Case) -> Result<PolicySet, String> {
    let mut set = PolicySet::default();
    for (i, doc) in case.identity.iter().enumerate() {
        set.identity
            .push(compile(doc, &format!("identity.{i}"), "user")?);
    }
    if let Some(doc) = case.boundary.first() {
        set.boundary = Some(compile(doc, "boundary", "permissionsBoundary")?);
    }
    if let Some(doc) = &case.session {
        set.session.push(compile(doc, "session", "session")?);
    }
    for (l, level) in case.scps.iter().enumerate() {
        let mut list = Vec::new();
        for (i, doc) in level.iter().enumerate() {
            list.push(compile(doc, &format!("scp.{l}.{i}"), "scp")?);
        }
        set.scps.push(list);
    }
    for (l, level) in case.rcps.iter().enumerate() {
        let mut list = Vec::new();
        for (i, doc) in level.iter().enumerate() {
            list.push(compile(doc, &format!("rcp.{l}.{i}"), "rcp")?);
        }
        set.rcps.push(list);
    }
    if let Some(doc) = &case.resource_policy {
        set.resource = Some(compile(doc, "resource", "resource")?);
    }
    Ok(set)
}

/// Our decision, or why the case could not be evaluated (a policy we reject).
pub fn decide(case: &Case) -> Result<Outcome, String> {
    let set = policy_set(case)?;
    Ok(evaluate(&request(case), &set).outcome)
}
