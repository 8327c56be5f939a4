//! Archive rules: `CreateArchiveRule`, `GetArchiveRule`, `ListArchiveRules`,
//! `UpdateArchiveRule`, `DeleteArchiveRule`. A new or changed rule archives the
//! matching active findings (as AWS applies rules to new findings and on
//! `ApplyArchiveRule`).
use serde_json::{json, Value};
use store::ArchiveRule;

use super::analyzers::{load, resolve_named};
use super::filter::Filter;
use super::protocol::{page, AaError, AaResult};
use super::routes::Route;
use super::{analysis, AaCall, AaTarget};
use crate::aa_operation;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "PUT",
            template: "/analyzer/{analyzerName}/archive-rule",
            operation: aa_operation!(
                "CreateArchiveRule",
                "CreateArchiveRule",
                resolve_rule,
                create
            ),
        },
        Route {
            method: "GET",
            template: "/analyzer/{analyzerName}/archive-rule",
            operation: aa_operation!("ListArchiveRules", "ListArchiveRules", resolve_named, list),
        },
        Route {
            method: "GET",
            template: "/analyzer/{analyzerName}/archive-rule/{ruleName}",
            operation: aa_operation!("GetArchiveRule", "GetArchiveRule", resolve_rule, get),
        },
        Route {
            method: "PUT",
            template: "/analyzer/{analyzerName}/archive-rule/{ruleName}",
            operation: aa_operation!(
                "UpdateArchiveRule",
                "UpdateArchiveRule",
                resolve_rule,
                update
            ),
        },
        Route {
            method: "DELETE",
            template: "/analyzer/{analyzerName}/archive-rule/{ruleName}",
            operation: aa_operation!(
                "DeleteArchiveRule",
                "DeleteArchiveRule",
                resolve_rule,
                delete
            ),
        },
    ]
}

/// `arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME/archive-rule/RULE`, with the
/// analyzer read (it must exist).
async fn resolve_rule(call: &AaCall) -> AaResult<AaTarget> {
    let name = call.input.analyzer_name()?;
    let rule = call.input.rule_name()?;
    let analyzer = load(call, &call.analyzer_arn(&name)).await?;
    let mut target = AaTarget::analyzer(analyzer);
    target.arn = format!("{}/archive-rule/{rule}", target.arn);
    Ok(target)
}

fn analyzer_arn(target: &AaTarget) -> AaResult<&str> {
    target
        .analyzer
        .as_ref()
        .map(|a| a.arn.as_str())
        .ok_or_else(|| AaError::internal("analyzer not resolved"))
}

/// `ArchiveRuleSummary`.
pub fn summary(rule: &ArchiveRule) -> Value {
    json!({
        "ruleName": rule.name,
        "filter": serde_json::from_str::<Value>(&rule.filter).unwrap_or(json!({})),
        "createdAt": rule.created.iso8601(),
        "updatedAt": rule.updated.iso8601(),
    })
}

fn rule_error(e: store::StoreError, rule: &str) -> AaError {
    match e.kind {
        store::ErrorKind::NoSuchEntity => AaError::not_found("Archive rule", rule),
        store::ErrorKind::EntityAlreadyExists => AaError::conflict("Archive rule", rule),
        _ => e.into(),
    }
}

async fn put(call: &AaCall, target: &AaTarget, replace: bool) -> AaResult<Value> {
    let rule = call.input.rule_name()?;
    let filter = match call.input.body.get("filter") {
        Some(v) if v.is_object() => Filter::parse(v)?,
        _ => return Err(AaError::field("filter", "filter is required.")),
    };
    let arn = analyzer_arn(target)?;
    call.state
        .store
        .put_archive_rule(call.account(), arn, &rule, &filter.to_json(), replace)
        .await
        .map_err(|e| rule_error(e, &rule))?;
    if let Some(analyzer) = &target.analyzer {
        analysis::archive_matching(call, analyzer, &[filter]).await?;
    }
    Ok(json!({}))
}

async fn create(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    put(call, target, false).await
}

async fn update(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    put(call, target, true).await
}

async fn get(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let rule = call.input.rule_name()?;
    let found = call
        .state
        .store
        .get_archive_rule(call.account(), analyzer_arn(target)?, &rule)
        .await
        .map_err(|e| rule_error(e, &rule))?;
    Ok(json!({ "archiveRule": summary(&found) }))
}

async fn list(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let max = call.input.max_results(100, 1000)?;
    let rules = call
        .state
        .store
        .list_archive_rules(call.account(), analyzer_arn(target)?)
        .await?;
    let (items, next) = page(
        rules,
        |r: &ArchiveRule| r.name.clone(),
        call.input.next_token()?.as_deref(),
        max,
    )?;
    let mut out = json!({ "archiveRules": items.iter().map(summary).collect::<Vec<_>>() });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}

async fn delete(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let rule = call.input.rule_name()?;
    call.state
        .store
        .delete_archive_rule(call.account(), analyzer_arn(target)?, &rule)
        .await
        .map_err(|e| rule_error(e, &rule))?;
    Ok(json!({}))
}
