//! IAM Access Analyzer's durable state: analyzers, their archive rules and findings,
//! and the record of which principal used which service (service last accessed).
//!
//! Analyzer configurations, archive-rule filters and finding details are kept as the
//! JSON documents the Access Analyzer API speaks; the store does not interpret them.
use crate::model::{Tag, PARTITION};
use crate::time::Timestamp;

/// `arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME`.
pub fn analyzer_arn(region: &str, account_id: &str, name: &str) -> String {
    format!("arn:{PARTITION}:access-analyzer:{region}:{account_id}:analyzer/{name}")
}

/// What `CreateAnalyzer` stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnalyzer {
    pub region: String,
    pub name: String,
    /// `ACCOUNT`, `ACCOUNT_UNUSED_ACCESS`, ...
    pub analyzer_type: String,
    /// The `configuration` object as JSON, when given.
    pub configuration: Option<String>,
    pub tags: Vec<Tag>,
    /// Inline archive rules: (name, filter JSON).
    pub archive_rules: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzer {
    pub account_id: String,
    pub arn: String,
    pub name: String,
    pub analyzer_type: String,
    pub status: String,
    pub created: Timestamp,
    pub configuration: Option<String>,
    pub last_resource_analyzed: Option<String>,
    pub last_resource_analyzed_at: Option<Timestamp>,
    /// The store's auth epoch the findings were last computed at (0: never).
    pub analyzed_epoch: u64,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRule {
    pub name: String,
    /// The filter criteria map as JSON.
    pub filter: String,
    pub created: Timestamp,
    pub updated: Timestamp,
}

/// One finding of an analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzerFinding {
    pub id: String,
    /// `ExternalAccess`, `UnusedIAMRole`, ...
    pub finding_type: String,
    pub resource: String,
    /// `AWS::IAM::Role`, `AWS::IAM::User`.
    pub resource_type: String,
    pub resource_owner_account: String,
    /// `ACTIVE`, `ARCHIVED`, `RESOLVED`.
    pub status: String,
    /// The finding's details as JSON (an object; its members depend on the type).
    pub details: String,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub analyzed: Timestamp,
}

/// What one analysis run writes: the findings that changed and where the analysis
/// stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnalysisResult {
    /// Inserted or replaced by id.
    pub findings: Vec<AnalyzerFinding>,
    pub epoch: u64,
    pub last_resource: Option<String>,
}

/// One use of a service by a principal, at service level (`action: None`) or for one
/// action of a service tracked at action level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUse {
    pub account_id: String,
    /// The user or role ARN (a role's sessions count for the role).
    pub entity_arn: String,
    /// The service namespace, e.g. `iam`.
    pub service: String,
    /// The action name without the prefix, e.g. `CreateUser`.
    pub action: Option<String>,
    pub date: Timestamp,
    pub region: String,
}

/// A `GenerateServiceLastAccessedDetails` job: what the report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessReportJob {
    pub job_id: String,
    pub account_id: String,
    pub arn: String,
    /// `SERVICE_LEVEL` or `ACTION_LEVEL`.
    pub granularity: String,
    pub created: Timestamp,
}
