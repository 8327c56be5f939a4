//! Analysis: computes an analyzer's findings from the account's IAM data and merges
//! them into the stored ones. A finding keeps its id (derived from the analyzer and
//! what the finding is about) across runs: new access → a new `ACTIVE` finding (or
//! `ARCHIVED` when an archive rule matches it); access that went away → `RESOLVED`;
//! access that comes back → `ACTIVE` again.
//!
//! External access analyzers are re-analyzed when the store's change counter moved
//! since the last run (any committed change, roles and trust policies among them), on
//! creation and on `StartResourceScan`; unused access analyzers whenever their findings
//! are read, since they depend on the clock and on the last-used data. A run writes
//! only when a finding changed.
use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{json, Value};
use store::{AnalysisResult, Analyzer, AnalyzerFinding, Timestamp};

use super::analyzers::{unused_access_age, ACCOUNT, ACCOUNT_UNUSED_ACCESS};
use super::filter::Filter;
use super::protocol::AaResult;
use super::AaCall;

pub mod external;
pub mod unused;

pub const ACTIVE: &str = "ACTIVE";
pub const ARCHIVED: &str = "ARCHIVED";
pub const RESOLVED: &str = "RESOLVED";

/// Per analyzer, the store's change counter its last run started at (in memory: after
/// a restart each analyzer runs once more). Read before the run, so that a change
/// committed while it ran is seen by the next.
#[derive(Default)]
pub struct Marks {
    started_at: Mutex<HashMap<String, u64>>,
}

impl Marks {
    fn current(&self, arn: &str, counter: u64) -> bool {
        self.started_at
            .lock()
            .map(|m| m.get(arn) == Some(&counter))
            .unwrap_or(false)
    }

    fn set(&self, arn: &str, counter: u64) {
        if let Ok(mut m) = self.started_at.lock() {
            m.insert(arn.to_owned(), counter);
        }
    }
}

/// A finding as an analysis computes it, before it has a status and dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// What the finding is about, stable across runs (its id derives from it).
    pub key: String,
    pub finding_type: &'static str,
    pub resource: String,
    pub resource_type: &'static str,
    /// The finding's details (see [`attribute`] and the renderers in `findings`).
    pub details: Value,
}

/// A finding id in the form AWS uses (a UUID), derived from the analyzer and the
/// finding's key so that the same access keeps the same id.
pub fn finding_id(analyzer_arn: &str, key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{analyzer_arn}\n{key}").as_bytes(),
    );
    let b = digest.as_ref();
    let hex: String = b.iter().take(16).map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The values of a filter key for `finding` (none when it has no such attribute):
/// `id`, `status`, `resource`, `resourceType`, `resourceOwnerAccount`, `findingType`,
/// `isPublic`, `action`, `principal.<type>`, `condition.<key>`, `error`.
pub fn attribute(finding: &AnalyzerFinding, key: &str) -> Vec<String> {
    let details: Value = serde_json::from_str(&finding.details).unwrap_or(Value::Null);
    let one = |s: &str| vec![s.to_owned()];
    match key {
        "id" => one(&finding.id),
        "status" => one(&finding.status),
        "resource" => one(&finding.resource),
        "resourceType" => one(&finding.resource_type),
        "resourceOwnerAccount" => one(&finding.resource_owner_account),
        "findingType" => one(&finding.finding_type),
        "isPublic" => details["isPublic"]
            .as_bool()
            .map(|b| vec![b.to_string()])
            .unwrap_or_default(),
        "action" => details["action"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        "error" => details["error"].as_str().map(one).unwrap_or_default(),
        _ => {
            let (group, name) = match key.split_once('.') {
                Some(("principal", name)) => ("principal", name),
                Some(("condition", name)) => ("condition", name),
                _ => return Vec::new(),
            };
            details[group][name].as_str().map(one).unwrap_or_default()
        }
    }
}

/// Whether any archive rule archives `finding`.
fn archived_by(rules: &[Filter], finding: &AnalyzerFinding) -> bool {
    rules.iter().any(|f| f.matches(|k| attribute(finding, k)))
}

async fn archive_filters(call: &AaCall, analyzer: &Analyzer) -> AaResult<Vec<Filter>> {
    let rules = call
        .state
        .store
        .list_archive_rules(call.account(), &analyzer.arn)
        .await?;
    rules
        .iter()
        .map(|r| Filter::parse(&serde_json::from_str(&r.filter).unwrap_or(json!({}))))
        .collect()
}

/// Brings the analyzer's findings up to date (`force`: analyze even when nothing
/// changed, as a scan does).
pub async fn refresh(call: &AaCall, analyzer: &Analyzer, force: bool) -> AaResult<()> {
    let store = &call.state.store;
    let epoch = store.auth_epoch();
    let counter = store.change_counter();
    let marks = &call.state.analyses;
    let computed = match analyzer.analyzer_type.as_str() {
        ACCOUNT => {
            if !force && marks.current(&analyzer.arn, counter) {
                return Ok(());
            }
            external::compute(call).await?
        }
        ACCOUNT_UNUSED_ACCESS => unused::compute(call, unused_access_age(analyzer)).await?,
        _ => Vec::new(),
    };
    let existing = store
        .list_analyzer_findings(call.account(), &analyzer.arn)
        .await?;
    let rules = archive_filters(call, analyzer).await?;
    let now = Timestamp::now();
    let mut by_id: HashMap<String, AnalyzerFinding> =
        existing.into_iter().map(|f| (f.id.clone(), f)).collect();
    let mut changed = Vec::new();
    let mut last_resource = None;
    for c in computed {
        let id = finding_id(&analyzer.arn, &c.key);
        let details = c.details.to_string();
        last_resource = Some(c.resource.clone());
        match by_id.remove(&id) {
            Some(mut f) => {
                let reopened = f.status == RESOLVED;
                if reopened || f.details != details || force {
                    if reopened {
                        f.status = ACTIVE.to_owned();
                        f.details = details;
                        if archived_by(&rules, &f) {
                            f.status = ARCHIVED.to_owned();
                        }
                        f.updated = now;
                    } else if f.details != details {
                        f.details = details;
                        f.updated = now;
                    }
                    f.analyzed = now;
                    changed.push(f);
                }
            }
            None => {
                let mut f = AnalyzerFinding {
                    id,
                    finding_type: c.finding_type.to_owned(),
                    resource: c.resource,
                    resource_type: c.resource_type.to_owned(),
                    resource_owner_account: call.account().to_owned(),
                    status: ACTIVE.to_owned(),
                    details,
                    created: now,
                    updated: now,
                    analyzed: now,
                };
                if archived_by(&rules, &f) {
                    f.status = ARCHIVED.to_owned();
                }
                changed.push(f);
            }
        }
    }
    // What the run no longer finds is resolved.
    for (_, mut f) in by_id {
        if f.status != RESOLVED {
            f.status = RESOLVED.to_owned();
            f.updated = now;
            f.analyzed = now;
            changed.push(f);
        }
    }
    if changed.is_empty() && !force && analyzer.analyzed_epoch == epoch {
        marks.set(&analyzer.arn, counter);
        return Ok(());
    }
    store
        .save_analysis(
            call.account(),
            &analyzer.arn,
            AnalysisResult {
                findings: changed,
                epoch,
                last_resource,
            },
        )
        .await?;
    marks.set(&analyzer.arn, counter);
    Ok(())
}

/// Archives the active findings that any of `filters` matches (a new or changed
/// archive rule, `ApplyArchiveRule`).
pub async fn archive_matching(
    call: &AaCall,
    analyzer: &Analyzer,
    filters: &[Filter],
) -> AaResult<()> {
    let findings = call
        .state
        .store
        .list_analyzer_findings(call.account(), &analyzer.arn)
        .await?;
    let ids: Vec<String> = findings
        .iter()
        .filter(|f| f.status == ACTIVE && archived_by(filters, f))
        .map(|f| f.id.clone())
        .collect();
    if !ids.is_empty() {
        call.state
            .store
            .set_findings_status(call.account(), &analyzer.arn, ids, ARCHIVED)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_ids_are_stable_uuids() {
        let a = finding_id("arn:a", "k");
        assert_eq!(a, finding_id("arn:a", "k"));
        assert_ne!(a, finding_id("arn:a", "k2"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn attributes_come_from_the_record_and_the_details() {
        let f = AnalyzerFinding {
            id: "i".into(),
            finding_type: "ExternalAccess".into(),
            resource: "arn:aws:iam::111111111111:role/r".into(),
            resource_type: "AWS::IAM::Role".into(),
            resource_owner_account: "111111111111".into(),
            status: "ACTIVE".into(),
            details: json!({"principal": {"AWS": "222222222222"}, "action": ["sts:AssumeRole"],
                            "condition": {"sts:ExternalId": "x"}, "isPublic": false})
            .to_string(),
            created: Timestamp(0),
            updated: Timestamp(0),
            analyzed: Timestamp(0),
        };
        assert_eq!(attribute(&f, "principal.AWS"), ["222222222222"]);
        assert_eq!(attribute(&f, "condition.sts:ExternalId"), ["x"]);
        assert_eq!(attribute(&f, "isPublic"), ["false"]);
        assert_eq!(attribute(&f, "action"), ["sts:AssumeRole"]);
        assert!(attribute(&f, "principal.Federated").is_empty());
        assert_eq!(attribute(&f, "resourceType"), ["AWS::IAM::Role"]);
    }
}
