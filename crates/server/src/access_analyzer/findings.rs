//! Findings: `ListFindings`, `ListFindingsV2`, `GetFinding`, `GetFindingV2`,
//! `UpdateFindings`, `GetFindingsStatistics`, `StartResourceScan`, `ApplyArchiveRule`.
//! Reading findings first brings them up to date (see [`analysis`]).
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use store::{Analyzer, AnalyzerFinding};

use super::analysis::{self, ACTIVE, ARCHIVED, RESOLVED};
use super::analyzers::{resolve_by_arn, ACCOUNT};
use super::filter::Filter;
use super::protocol::{decode_token, encode_token, AaError, AaResult};
use super::routes::Route;
use super::{AaCall, AaTarget};
use crate::aa_operation;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "POST",
            template: "/finding",
            operation: aa_operation!("ListFindings", "ListFindings", resolve_by_arn, list_v1),
        },
        Route {
            method: "POST",
            template: "/findingv2",
            operation: aa_operation!("ListFindingsV2", "ListFindings", resolve_by_arn, list_v2),
        },
        Route {
            method: "GET",
            template: "/finding/{id}",
            operation: aa_operation!("GetFinding", "GetFinding", resolve_by_arn, get_v1),
        },
        Route {
            method: "GET",
            template: "/findingv2/{id}",
            operation: aa_operation!("GetFindingV2", "GetFinding", resolve_by_arn, get_v2),
        },
        Route {
            method: "PUT",
            template: "/finding",
            operation: aa_operation!("UpdateFindings", "UpdateFindings", resolve_by_arn, update),
        },
        Route {
            method: "POST",
            template: "/analyzer/findings/statistics",
            operation: aa_operation!(
                "GetFindingsStatistics",
                "GetFindingsStatistics",
                resolve_by_arn,
                statistics
            ),
        },
        Route {
            method: "POST",
            template: "/resource/scan",
            operation: aa_operation!(
                "StartResourceScan",
                "StartResourceScan",
                resolve_by_arn,
                scan
            ),
        },
        Route {
            method: "PUT",
            template: "/archive-rule",
            operation: aa_operation!(
                "ApplyArchiveRule",
                "ApplyArchiveRule",
                resolve_by_arn,
                apply_rule
            ),
        },
    ]
}

fn analyzer(target: &AaTarget) -> AaResult<&Analyzer> {
    target
        .analyzer
        .as_ref()
        .ok_or_else(|| AaError::internal("analyzer not resolved"))
}

/// The analyzer's findings, brought up to date.
async fn current(call: &AaCall, analyzer: &Analyzer) -> AaResult<Vec<AnalyzerFinding>> {
    analysis::refresh(call, analyzer, false).await?;
    Ok(call
        .state
        .store
        .list_analyzer_findings(call.account(), &analyzer.arn)
        .await?)
}

fn details(f: &AnalyzerFinding) -> Value {
    serde_json::from_str(&f.details).unwrap_or(json!({}))
}

/// `FindingSummary` / `Finding` (the external access shape).
fn summary_v1(f: &AnalyzerFinding) -> Value {
    let d = details(f);
    let mut out = json!({
        "id": f.id,
        "resource": f.resource,
        "resourceType": f.resource_type,
        "resourceOwnerAccount": f.resource_owner_account,
        "status": f.status,
        "condition": d.get("condition").cloned().unwrap_or(json!({})),
        "createdAt": f.created.iso8601(),
        "analyzedAt": f.analyzed.iso8601(),
        "updatedAt": f.updated.iso8601(),
    });
    for member in ["principal", "action", "isPublic", "sources"] {
        if let Some(v) = d.get(member) {
            out[member] = v.clone();
        }
    }
    out
}

/// `FindingSummaryV2`.
fn summary_v2(f: &AnalyzerFinding) -> Value {
    json!({
        "id": f.id,
        "resource": f.resource,
        "resourceType": f.resource_type,
        "resourceOwnerAccount": f.resource_owner_account,
        "status": f.status,
        "findingType": f.finding_type,
        "createdAt": f.created.iso8601(),
        "analyzedAt": f.analyzed.iso8601(),
        "updatedAt": f.updated.iso8601(),
    })
}

/// `findingDetails` of `GetFindingV2`.
fn finding_details(f: &AnalyzerFinding) -> Vec<Value> {
    let d = details(f);
    if let Some(Value::Array(items)) = d.get("findingDetails") {
        return items.clone();
    }
    let mut external = Map::new();
    for member in ["principal", "action", "condition", "isPublic", "sources"] {
        if let Some(v) = d.get(member) {
            external.insert(member.to_owned(), v.clone());
        }
    }
    vec![json!({ "externalAccessDetails": external })]
}

/// The sort key of `attribute` (`SortCriteria.attributeName`).
fn sort_value(f: &AnalyzerFinding, attribute: &str) -> AaResult<String> {
    Ok(match attribute {
        "createdAt" => format!("{:020}", f.created.millis()),
        "updatedAt" => format!("{:020}", f.updated.millis()),
        "analyzedAt" => format!("{:020}", f.analyzed.millis()),
        "resource" => f.resource.clone(),
        "resourceType" => f.resource_type.clone(),
        "resourceOwnerAccount" => f.resource_owner_account.clone(),
        "status" => f.status.clone(),
        "findingType" => f.finding_type.clone(),
        "id" => f.id.clone(),
        other => {
            return Err(AaError::field(
                "sort.attributeName",
                format!("Unsupported sort attribute {other}."),
            ))
        }
    })
}

/// Filters, sorts and pages the findings as `ListFindings(V2)` asks.
async fn listed(
    call: &AaCall,
    target: &AaTarget,
) -> AaResult<(Vec<AnalyzerFinding>, Option<String>)> {
    let input = &call.input;
    let filter = Filter::parse(input.body.get("filter").unwrap_or(&Value::Null))?;
    let max = input.max_results(100, 1000)?;
    let sort = input.object("sort")?;
    let attribute = sort
        .and_then(|s| s.get("attributeName"))
        .and_then(Value::as_str)
        .unwrap_or("createdAt");
    let descending = match sort.and_then(|s| s.get("orderBy")).and_then(Value::as_str) {
        None | Some("ASC") => false,
        Some("DESC") => true,
        Some(other) => {
            return Err(AaError::field(
                "sort.orderBy",
                format!("Invalid value {other} for orderBy; valid values: ASC, DESC."),
            ))
        }
    };
    let mut keyed = Vec::new();
    for f in current(call, analyzer(target)?).await? {
        if filter.matches(|k| analysis::attribute(&f, k)) {
            keyed.push((sort_value(&f, attribute)?, f));
        }
    }
    keyed.sort_by(|(a, fa), (b, fb)| a.cmp(b).then_with(|| fa.id.cmp(&fb.id)));
    if descending {
        keyed.reverse();
    }
    let mut findings: Vec<AnalyzerFinding> = keyed.into_iter().map(|(_, f)| f).collect();
    // The token names the last finding returned; the next page starts after it.
    if let Some(token) = input.next_token()? {
        let last = decode_token(&token)?;
        let position = findings
            .iter()
            .position(|f| f.id == last)
            .ok_or_else(|| AaError::field("nextToken", "Invalid pagination token."))?;
        findings.drain(..=position);
    }
    let next = if findings.len() > max {
        findings.truncate(max);
        findings.last().map(|f| encode_token(&f.id))
    } else {
        None
    };
    Ok((findings, next))
}

/// The V1 finding operations serve external access analyzers only (AWS's API
/// reference); the others are read with the V2 operations.
fn external_only(target: &AaTarget, operation: &str) -> AaResult<()> {
    if analyzer(target)?.analyzer_type == ACCOUNT {
        return Ok(());
    }
    Err(AaError::validation(
        "notSupported",
        format!("{operation} is supported only for external access analyzers; use {operation}V2."),
    ))
}

async fn list_v1(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    external_only(target, "ListFindings")?;
    let (findings, next) = listed(call, target).await?;
    let mut out = json!({ "findings": findings.iter().map(summary_v1).collect::<Vec<_>>() });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}

async fn list_v2(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let (findings, next) = listed(call, target).await?;
    let mut out = json!({ "findings": findings.iter().map(summary_v2).collect::<Vec<_>>() });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}

async fn find(call: &AaCall, target: &AaTarget) -> AaResult<AnalyzerFinding> {
    let id = call.input.required("id")?;
    current(call, analyzer(target)?)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AaError::not_found("Finding", &id))
}

async fn get_v1(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    external_only(target, "GetFinding")?;
    Ok(json!({ "finding": summary_v1(&find(call, target).await?) }))
}

async fn get_v2(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let f = find(call, target).await?;
    let max = call.input.max_results(100, 1000)?;
    let items = finding_details(&f);
    let start = match call.input.next_token()? {
        Some(token) => decode_token(&token)?
            .parse::<usize>()
            .map_err(|_| AaError::field("nextToken", "Invalid pagination token."))?,
        None => 0,
    };
    let end = items.len().min(start.saturating_add(max));
    let mut out = summary_v2(&f);
    out["findingDetails"] = json!(items.get(start..end).unwrap_or(&[]));
    if end < items.len() {
        // Details are a fixed list per finding: the token is the next position.
        out["nextToken"] = json!(encode_token(&end.to_string()));
    }
    Ok(out)
}

async fn update(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let input = &call.input;
    let status = input.one_of("status", &[ACTIVE, ARCHIVED])?;
    let ids = input.string_list("ids")?;
    let resource = input.string("resourceArn")?;
    let analyzer = analyzer(target)?;
    let ids = match (ids, resource) {
        (Some(ids), None) if !ids.is_empty() => {
            let known = current(call, analyzer).await?;
            if let Some(missing) = ids.iter().find(|id| !known.iter().any(|f| &f.id == *id)) {
                return Err(AaError::not_found("Finding", missing));
            }
            ids
        }
        (None, Some(resource)) => current(call, analyzer)
            .await?
            .into_iter()
            .filter(|f| f.resource == resource && f.status != RESOLVED)
            .map(|f| f.id)
            .collect(),
        _ => {
            return Err(AaError::field(
                "ids",
                "Exactly one of ids and resourceArn is required.",
            ))
        }
    };
    if !ids.is_empty() {
        call.state
            .store
            .set_findings_status(call.account(), &analyzer.arn, ids, &status)
            .await?;
    }
    Ok(json!({}))
}

async fn statistics(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let analyzer = analyzer(target)?;
    let findings = current(call, analyzer).await?;
    let count = |status: &str| findings.iter().filter(|f| f.status == status).count();
    let (active, archived, resolved) = (count(ACTIVE), count(ARCHIVED), count(RESOLVED));
    let statistics = if analyzer.analyzer_type == ACCOUNT {
        let mut by_type: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for f in findings.iter().filter(|f| f.status == ACTIVE) {
            let e = by_type.entry(f.resource_type.clone()).or_default();
            if details(f)["isPublic"] == json!(true) {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        let types: Map<String, Value> = by_type
            .into_iter()
            .map(|(t, (public, cross))| {
                (
                    t,
                    json!({ "totalActivePublic": public, "totalActiveCrossAccount": cross, "totalActiveErrors": 0 }),
                )
            })
            .collect();
        json!({ "externalAccessFindingsStatistics": {
            "resourceTypeStatistics": types,
            "totalActiveFindings": active,
            "totalArchivedFindings": archived,
            "totalResolvedFindings": resolved,
        }})
    } else {
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        for f in findings.iter().filter(|f| f.status == ACTIVE) {
            *by_type.entry(f.finding_type.clone()).or_default() += 1;
        }
        json!({ "unusedAccessFindingsStatistics": {
            "unusedAccessTypeStatistics": by_type.iter()
                .map(|(t, n)| json!({ "unusedAccessType": t, "total": n }))
                .collect::<Vec<_>>(),
            "topAccounts": [{
                "account": call.account(),
                "numberOfActiveFindings": active,
                "details": by_type,
            }],
            "totalActiveFindings": active,
            "totalArchivedFindings": archived,
            "totalResolvedFindings": resolved,
        }})
    };
    let updated = findings.iter().map(|f| f.updated).max();
    let mut out = json!({ "findingsStatistics": [statistics] });
    if let Some(at) = updated {
        out["lastUpdatedAt"] = json!(at.iso8601());
    }
    Ok(out)
}

async fn scan(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let resource = call.input.required("resourceArn")?;
    if !resource.starts_with("arn:") || resource.split(':').count() < 6 {
        return Err(AaError::field(
            "resourceArn",
            format!("{resource} is not a valid resource ARN."),
        ));
    }
    analysis::refresh(call, analyzer(target)?, true).await?;
    Ok(json!({}))
}

async fn apply_rule(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let rule = call.input.rule_name()?;
    let analyzer = analyzer(target)?;
    let found = call
        .state
        .store
        .get_archive_rule(call.account(), &analyzer.arn, &rule)
        .await
        .map_err(|e| match e.kind {
            store::ErrorKind::NoSuchEntity => AaError::not_found("Archive rule", &rule),
            _ => e.into(),
        })?;
    let filter = Filter::parse(&serde_json::from_str(&found.filter).unwrap_or(json!({})))?;
    analysis::refresh(call, analyzer, false).await?;
    analysis::archive_matching(call, analyzer, &[filter]).await?;
    Ok(json!({}))
}
