//! Analyzers: `CreateAnalyzer`, `GetAnalyzer`, `ListAnalyzers`, `UpdateAnalyzer`,
//! `DeleteAnalyzer`, and their tags (`TagResource`, `UntagResource`,
//! `ListTagsForResource`).
use serde_json::{json, Map, Value};
use store::{Analyzer, NewAnalyzer, Tag, MAX_TAGS};

use super::input::{is_analyzer_arn, rule_name};
use super::protocol::{page, AaError, AaResult};
use super::routes::Route;
use super::{analysis, filter, AaCall, AaTarget};
use crate::aa_operation;

/// The analyzer types iamd serves (no organizations, no internal access).
pub const ACCOUNT: &str = "ACCOUNT";
pub const ACCOUNT_UNUSED_ACCESS: &str = "ACCOUNT_UNUSED_ACCESS";
const TYPES: &[&str] = &[
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
];

/// AWS's default tracking period of unused access analyzers, in days, and its bounds.
pub const DEFAULT_UNUSED_ACCESS_AGE: i64 = 90;
const MAX_UNUSED_ACCESS_AGE: i64 = 365;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "PUT",
            template: "/analyzer",
            operation: aa_operation!("CreateAnalyzer", "CreateAnalyzer", resolve_new, create),
        },
        Route {
            method: "GET",
            template: "/analyzer",
            operation: aa_operation!("ListAnalyzers", "ListAnalyzers", resolve_any, list),
        },
        Route {
            method: "GET",
            template: "/analyzer/{analyzerName}",
            operation: aa_operation!("GetAnalyzer", "GetAnalyzer", resolve_named, get),
        },
        Route {
            method: "PUT",
            template: "/analyzer/{analyzerName}",
            operation: aa_operation!("UpdateAnalyzer", "UpdateAnalyzer", resolve_named, update),
        },
        Route {
            method: "DELETE",
            template: "/analyzer/{analyzerName}",
            operation: aa_operation!("DeleteAnalyzer", "DeleteAnalyzer", resolve_named, delete),
        },
        Route {
            method: "POST",
            template: "/tags/{resourceArn}",
            operation: aa_operation!("TagResource", "TagResource", resolve_tagged, tag),
        },
        Route {
            method: "DELETE",
            template: "/tags/{resourceArn}",
            operation: aa_operation!("UntagResource", "UntagResource", resolve_tagged, untag),
        },
        Route {
            method: "GET",
            template: "/tags/{resourceArn}",
            operation: aa_operation!(
                "ListTagsForResource",
                "ListTagsForResource",
                resolve_tagged,
                list_tags
            ),
        },
    ]
}

pub async fn resolve_any(_call: &AaCall) -> AaResult<AaTarget> {
    Ok(AaTarget::any())
}

async fn resolve_new(call: &AaCall) -> AaResult<AaTarget> {
    Ok(AaTarget::arn(
        call.analyzer_arn(&call.input.analyzer_name()?),
    ))
}

/// The analyzer named by the `analyzerName` label, read (with its tags).
pub async fn resolve_named(call: &AaCall) -> AaResult<AaTarget> {
    let name = call.input.analyzer_name()?;
    load(call, &call.analyzer_arn(&name))
        .await
        .map(AaTarget::analyzer)
}

/// The analyzer named by `analyzerArn` (query string or body), read.
pub async fn resolve_by_arn(call: &AaCall) -> AaResult<AaTarget> {
    let arn = call.input.analyzer_arn()?;
    load(call, &arn).await.map(AaTarget::analyzer)
}

async fn resolve_tagged(call: &AaCall) -> AaResult<AaTarget> {
    let arn = call.input.required("resourceArn")?;
    if !is_analyzer_arn(&arn) {
        return Err(AaError::field(
            "resourceArn",
            format!("{arn} is not a valid analyzer ARN."),
        ));
    }
    load(call, &arn).await.map(AaTarget::analyzer)
}

/// The analyzer `arn` of the caller's account; `ResourceNotFoundException` otherwise.
pub async fn load(call: &AaCall, arn: &str) -> AaResult<Analyzer> {
    match call.state.store.get_analyzer(call.account(), arn).await {
        Ok(analyzer) => Ok(analyzer),
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => {
            Err(AaError::not_found("Analyzer", arn))
        }
        Err(e) => Err(e.into()),
    }
}

fn target_analyzer(target: &AaTarget) -> AaResult<&Analyzer> {
    target
        .analyzer
        .as_ref()
        .ok_or_else(|| AaError::internal("analyzer not resolved"))
}

pub fn tags_json(tags: &[Tag]) -> Value {
    Value::Object(
        tags.iter()
            .map(|t| (t.key.clone(), Value::String(t.value.clone())))
            .collect(),
    )
}

/// `AnalyzerSummary`.
pub fn summary(analyzer: &Analyzer) -> Value {
    let mut out = json!({
        "arn": analyzer.arn,
        "name": analyzer.name,
        "type": analyzer.analyzer_type,
        "createdAt": analyzer.created.iso8601(),
        "status": analyzer.status,
        "tags": tags_json(&analyzer.tags),
    });
    if let Some(resource) = &analyzer.last_resource_analyzed {
        out["lastResourceAnalyzed"] = json!(resource);
    }
    if let Some(at) = analyzer.last_resource_analyzed_at {
        out["lastResourceAnalyzedAt"] = json!(at.iso8601());
    }
    if let Some(configuration) = analyzer
        .configuration
        .as_deref()
        .and_then(|c| serde_json::from_str::<Value>(c).ok())
    {
        out["configuration"] = configuration;
    }
    out
}

/// The `unusedAccessAge` of an unused-access analyzer, in days.
pub fn unused_access_age(analyzer: &Analyzer) -> i64 {
    analyzer
        .configuration
        .as_deref()
        .and_then(|c| serde_json::from_str::<Value>(c).ok())
        .and_then(|c| c["unusedAccess"]["unusedAccessAge"].as_i64())
        .unwrap_or(DEFAULT_UNUSED_ACCESS_AGE)
}

/// Checks `configuration` for an analyzer of `analyzer_type` and fills in the
/// defaults AWS shows (`unusedAccessAge` 90 for unused access analyzers).
fn configuration(
    analyzer_type: &str,
    given: Option<&Map<String, Value>>,
) -> AaResult<Option<String>> {
    if given.is_some_and(|c| c.contains_key("internalAccess")) {
        return Err(AaError::validation(
            "notSupported",
            "Internal access analysis is not supported.",
        ));
    }
    let unused = given.and_then(|c| c.get("unusedAccess"));
    if analyzer_type != ACCOUNT_UNUSED_ACCESS {
        if unused.is_some() {
            return Err(AaError::field(
                "configuration",
                "unusedAccess configuration is only valid for unused access analyzers.",
            ));
        }
        return Ok(None);
    }
    let mut unused = match unused {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => {
            return Err(AaError::field(
                "configuration.unusedAccess",
                "unusedAccess must be an object.",
            ))
        }
    };
    let age = match unused.get("unusedAccessAge") {
        None | Some(Value::Null) => DEFAULT_UNUSED_ACCESS_AGE,
        Some(v) => v
            .as_i64()
            .filter(|n| (1..=MAX_UNUSED_ACCESS_AGE).contains(n))
            .ok_or_else(|| {
                AaError::field(
                    "configuration.unusedAccess.unusedAccessAge",
                    format!("unusedAccessAge must be between 1 and {MAX_UNUSED_ACCESS_AGE} days."),
                )
            })?,
    };
    unused.insert("unusedAccessAge".to_owned(), json!(age));
    Ok(Some(json!({ "unusedAccess": unused }).to_string()))
}

fn tags(call: &AaCall, required: bool) -> AaResult<Vec<Tag>> {
    let Some(map) = call.input.object("tags")? else {
        return if required {
            Err(AaError::field("tags", "tags is required."))
        } else {
            Ok(Vec::new())
        };
    };
    if map.len() > MAX_TAGS {
        return Err(AaError::field(
            "tags",
            format!("At most {MAX_TAGS} tags are allowed."),
        ));
    }
    map.iter()
        .map(|(key, value)| {
            let value = value
                .as_str()
                .ok_or_else(|| AaError::field("tags", "Tag values must be strings."))?;
            if key.is_empty() || key.chars().count() > 128 || value.chars().count() > 256 {
                return Err(AaError::field(
                    "tags",
                    "Tag keys are 1 to 128 characters long and values at most 256.",
                ));
            }
            Ok(Tag::new(key.clone(), value))
        })
        .collect()
}

async fn create(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let input = &call.input;
    let name = input.analyzer_name()?;
    let analyzer_type = input.one_of("type", TYPES)?;
    if analyzer_type != ACCOUNT && analyzer_type != ACCOUNT_UNUSED_ACCESS {
        return Err(AaError::validation(
            "notSupported",
            format!("Analyzers of type {analyzer_type} are not supported: iamd has no organizations or internal access analysis."),
        ));
    }
    let configuration = configuration(&analyzer_type, input.object("configuration")?)?;
    let mut archive_rules = Vec::new();
    if let Some(rules) = input.body.get("archiveRules") {
        let rules = rules
            .as_array()
            .ok_or_else(|| AaError::field("archiveRules", "archiveRules must be a list."))?;
        for rule in rules {
            let name = rule["ruleName"]
                .as_str()
                .ok_or_else(|| AaError::field("archiveRules.ruleName", "ruleName is required."))?;
            let filter = filter::Filter::parse(&rule["filter"])?;
            archive_rules.push((rule_name(name)?, filter.to_json()));
        }
    }
    let new = NewAnalyzer {
        region: call.region.clone(),
        name: name.clone(),
        analyzer_type,
        configuration,
        tags: tags(call, false)?,
        archive_rules,
    };
    let analyzer = match call.state.store.create_analyzer(call.account(), new).await {
        Ok(analyzer) => analyzer,
        Err(e) if e.kind == store::ErrorKind::EntityAlreadyExists => {
            return Err(AaError::conflict("Analyzer", &name))
        }
        Err(e) => return Err(e.into()),
    };
    // A new analyzer analyzes the account right away.
    analysis::refresh(call, &analyzer, true).await?;
    Ok(json!({ "arn": target.arn }))
}

async fn get(_call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    Ok(json!({ "analyzer": summary(target_analyzer(target)?) }))
}

async fn list(call: &AaCall, _target: &AaTarget) -> AaResult<Value> {
    let wanted = match call.input.query_value("type") {
        Some(t) if TYPES.contains(&t) => Some(t.to_owned()),
        Some(t) => {
            return Err(AaError::field(
                "type",
                format!("Invalid analyzer type {t}."),
            ))
        }
        None => None,
    };
    let max = call.input.max_results(100, 1000)?;
    let all = call
        .state
        .store
        .list_analyzers(call.account(), &call.region)
        .await?
        .into_iter()
        .filter(|a| wanted.as_deref().is_none_or(|t| a.analyzer_type == t))
        .collect();
    let (items, next) = page(
        all,
        |a: &Analyzer| a.name.clone(),
        call.input.next_token()?.as_deref(),
        max,
    )?;
    let mut out = json!({ "analyzers": items.iter().map(summary).collect::<Vec<_>>() });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}

async fn update(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let analyzer = target_analyzer(target)?;
    let configuration =
        configuration(&analyzer.analyzer_type, call.input.object("configuration")?)?;
    let updated = call
        .state
        .store
        .update_analyzer_configuration(call.account(), &analyzer.arn, configuration)
        .await?;
    let mut out = json!({});
    if let Some(c) = summary(&updated).get("configuration") {
        out["configuration"] = c.clone();
    }
    Ok(out)
}

async fn delete(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    call.state
        .store
        .delete_analyzer(call.account(), &target.arn)
        .await?;
    Ok(json!({}))
}

async fn tag(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let tags = tags(call, true)?;
    call.state
        .store
        .tag_analyzer(call.account(), &target.arn, tags)
        .await
        .map_err(|e| {
            if e.kind == store::ErrorKind::LimitExceeded {
                AaError::field("tags", e.message)
            } else {
                e.into()
            }
        })?;
    Ok(json!({}))
}

async fn untag(call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    let keys = call.input.query_values("tagKeys");
    if keys.is_empty() {
        return Err(AaError::field("tagKeys", "tagKeys is required."));
    }
    call.state
        .store
        .untag_analyzer(call.account(), &target.arn, keys)
        .await?;
    Ok(json!({}))
}

async fn list_tags(_call: &AaCall, target: &AaTarget) -> AaResult<Value> {
    Ok(json!({ "tags": tags_json(&target.tags) }))
}
