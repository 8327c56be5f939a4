//! The three checks: build the problem, search it, confirm the witness with the engine,
//! and word the answer as IAM Access Analyzer does.
use policy::ast::Effect;
use policy::request::{PrincipalKind, Request};
use policy::wildcard::Pattern;

use crate::bits::Bits;
use crate::model::{Dimensions, Extra, Problem, Source};
use crate::search;
use crate::{
    Access, AccessCheckPolicyType, CheckError, CheckOutcome, CheckResult, ReasonSummary, Witness,
};

/// Column sets the search may keep per dimension before it gives up (and fails safe).
const MAX_SETS: usize = 200_000;
/// AWS's limits on one access entry.
const MAX_ACCESS_ACTIONS: usize = 100;
const MAX_ACCESS_RESOURCES: usize = 100;

/// What the search found for a goal.
struct Finding {
    /// A request the engine confirmed.
    witness: Option<Witness>,
    /// Columns of the deciding policy's `Allow` statements that grant some failing class.
    responsible: Vec<usize>,
    /// A failing class the engine did not confirm (the model and the engine disagree).
    unconfirmed: bool,
    /// Why the answer may be incomplete.
    inexact: Vec<String>,
}

impl Finding {
    /// Nothing fails, exactly.
    fn none() -> Finding {
        Finding {
            witness: None,
            responsible: Vec::new(),
            unconfirmed: false,
            inexact: Vec::new(),
        }
    }
}

/// Searches `problem` for column sets satisfying `goal`; `confirm` checks a candidate
/// request with the engine.
fn find(
    problem: &mut Problem<'_>,
    keep: &dyn Fn(&Problem<'_>, &Bits) -> bool,
    goal: &dyn Fn(&Problem<'_>, &Bits) -> bool,
    confirm: &dyn Fn(&Request) -> bool,
) -> Finding {
    let allow = problem.mask(0, Effect::Allow);
    if allow == Bits::default() {
        // A policy without `Allow` statements allows nothing: nothing to search.
        return Finding::none();
    }
    let dims = problem.dimensions();
    let view: &Problem<'_> = problem;
    let reached = search::reach(&dims.bits, &|b| keep(view, b), MAX_SETS);
    let mut inexact = problem.inexact.clone();
    if !reached.complete {
        inexact.push("too many combinations of statements to explore".to_string());
    }
    let mut responsible: Vec<usize> = Vec::new();
    let mut witness = None;
    let mut unconfirmed = false;
    for (bits, path) in &reached.sets {
        if !goal(problem, bits) || problem.unreal(bits) {
            continue;
        }
        for column in bits.and(&allow).ones() {
            if !responsible.contains(&column) {
                responsible.push(column);
            }
        }
        if witness.is_none() {
            match problem.request(&dims, path) {
                Some(request) if confirm(&request) => {
                    witness = Some(to_witness(problem, &dims, &request));
                }
                _ => unconfirmed = true,
            }
        }
    }
    if witness.is_some() {
        unconfirmed = false;
    }
    responsible.sort_unstable();
    Finding {
        witness,
        responsible,
        unconfirmed,
        inexact,
    }
}

fn to_witness(problem: &Problem<'_>, dims: &Dimensions, request: &Request) -> Witness {
    let resource_based = problem.sources.iter().any(|s| s.resource_based);
    let principal = resource_based.then(|| match request.principal.kind {
        PrincipalKind::Anonymous if request.principal.arn.is_empty() => "anonymous".to_string(),
        _ => request.principal.arn.clone(),
    });
    let context = dims
        .keys
        .iter()
        .flat_map(|(names, _)| names.iter())
        .filter_map(|key| {
            request
                .context
                .get(key)
                .map(|v| (key.clone(), v.values.clone()))
        })
        .collect();
    let principal_account = (resource_based && !request.principal.account.is_empty())
        .then(|| request.principal.account.clone());
    let principal_role = resource_based
        .then(|| request.principal.role_arn.clone())
        .flatten();
    Witness {
        action: request.action.clone(),
        resource: request.resource.arn.clone(),
        principal,
        principal_account,
        principal_role,
        context,
    }
}

/// The reasons naming the responsible statements, worded by `describe(index)`.
fn statement_reasons(
    problem: &Problem<'_>,
    columns: &[usize],
    describe: &dyn Fn(usize) -> String,
) -> Vec<ReasonSummary> {
    columns
        .iter()
        .filter_map(|c| problem.statement_of(*c))
        .map(|(_, index, sid)| ReasonSummary {
            description: describe(index),
            statement_index: u32::try_from(index).ok(),
            statement_id: sid,
        })
        .collect()
}

/// The answer for a finding: FAIL with the statements when a class fails, PASS only
/// when none does and the partition was exact.
fn outcome(
    problem: &Problem<'_>,
    finding: Finding,
    pass_message: &str,
    fail_message: &str,
    describe: &dyn Fn(usize) -> String,
) -> CheckOutcome {
    let failed =
        finding.witness.is_some() || finding.unconfirmed || !finding.responsible.is_empty();
    if !failed && finding.inexact.is_empty() {
        return CheckOutcome {
            result: CheckResult::Pass,
            message: pass_message.to_string(),
            reasons: Vec::new(),
            witness: None,
        };
    }
    let mut reasons = statement_reasons(problem, &finding.responsible, describe);
    if finding.witness.is_none() {
        let why = if finding.unconfirmed {
            "a class of requests was found whose answer depends on the value of a policy variable, and no request of it could be confirmed".to_string()
        } else {
            finding.inexact.join("; ")
        };
        reasons.push(ReasonSummary {
            description: format!(
                "The check cannot be decided exactly for these policies ({why}), so it fails safe."
            ),
            statement_index: None,
            statement_id: None,
        });
    }
    CheckOutcome {
        result: CheckResult::Fail,
        message: fail_message.to_string(),
        reasons,
        witness: finding.witness,
    }
}

const NO_NEW_ACCESS_PASS: &str =
    "The modified permissions do not grant new access compared to your existing policy.";
const NO_NEW_ACCESS_FAIL: &str =
    "The modified permissions grant new access compared to your existing policy.";

pub(crate) fn check_no_new_access(
    new_policy: &str,
    existing_policy: &str,
    policy_type: AccessCheckPolicyType,
) -> Result<CheckOutcome, CheckError> {
    let resource_based = policy_type == AccessCheckPolicyType::ResourcePolicy;
    let sources = [
        Source::new(new_policy, resource_based, "newPolicyDocument")?,
        Source::new(existing_policy, resource_based, "existingPolicyDocument")?,
    ];
    let mut problem = Problem::new(&sources, Vec::new())?;
    if crate::subsume::subsumed(&sources[0].ast, &sources[1].ast) {
        return Ok(outcome(
            &problem,
            Finding::none(),
            NO_NEW_ACCESS_PASS,
            NO_NEW_ACCESS_FAIL,
            &|_| String::new(),
        ));
    }
    let finding = find(
        &mut problem,
        &|p, b| b.intersects(&p.mask(0, Effect::Allow)),
        &|p, b| p.allowed(0, b) && !p.allowed(1, b),
        &|r| sources[0].allows(r) && !sources[1].allows(r),
    );
    Ok(outcome(
        &problem,
        finding,
        NO_NEW_ACCESS_PASS,
        NO_NEW_ACCESS_FAIL,
        &|i| format!("New access in the statement with index: {i}."),
    ))
}

pub(crate) fn check_access_not_granted(
    policy_text: &str,
    access: &[Access],
    policy_type: AccessCheckPolicyType,
) -> Result<CheckOutcome, CheckError> {
    if access.len() > 1 {
        return Err(CheckError::InvalidParameter(
            "The access list can contain at most 1 entry.".to_string(),
        ));
    }
    // The model allows an empty access list (a minimum of 0 entries) without saying
    // what it checks. It is read conservatively as "any access": the check fails
    // whenever the policy grants anything, so it never passes a policy that AWS might
    // find granting access. An entry itself must list actions or resources.
    let any_access = Access::default();
    let listed = !access.is_empty();
    let access = if access.is_empty() {
        std::slice::from_ref(&any_access)
    } else {
        access
    };
    let mut extras = Vec::new();
    for entry in access {
        if listed && entry.actions.is_empty() && entry.resources.is_empty() {
            return Err(CheckError::InvalidParameter(
                "An access entry must specify at least one action or resource.".to_string(),
            ));
        }
        if entry.actions.len() > MAX_ACCESS_ACTIONS {
            return Err(CheckError::InvalidParameter(format!(
                "An access entry can contain at most {MAX_ACCESS_ACTIONS} actions."
            )));
        }
        if entry.resources.len() > MAX_ACCESS_RESOURCES {
            return Err(CheckError::InvalidParameter(format!(
                "An access entry can contain at most {MAX_ACCESS_RESOURCES} resources."
            )));
        }
        for action in &entry.actions {
            // Any action text of a policy: `*`, or `service:name` with wildcards.
            let valid = action == "*"
                || action
                    .split_once(':')
                    .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty() && !a.contains(':'));
            if !valid {
                return Err(CheckError::InvalidParameter(format!(
                    "The action {action} is not valid: use the form service:action."
                )));
            }
        }
        for resource in &entry.resources {
            if resource.len() > 2048 {
                return Err(CheckError::InvalidParameter(
                    "A resource can be at most 2048 characters long.".to_string(),
                ));
            }
        }
        extras.push(Extra::Access {
            action_texts: entry.actions.clone(),
            actions: entry
                .actions
                .iter()
                .map(|a| Pattern::new(a, true))
                .collect(),
            resource_texts: entry.resources.clone(),
            resources: entry
                .resources
                .iter()
                .map(|r| policy::arn::ArnPattern::new(r))
                .collect(),
        });
    }
    let resource_based = policy_type == AccessCheckPolicyType::ResourcePolicy;
    let sources = [Source::new(policy_text, resource_based, "policyDocument")?];
    let entries = extras.len();
    let mut problem = Problem::new(&sources, extras)?;
    let access_mask = |p: &Problem<'_>| {
        let mut m = Bits::default();
        for e in 0..entries {
            m.set(p.extra_column(e));
        }
        m
    };
    let finding = find(
        &mut problem,
        &|p, b| b.intersects(&p.mask(0, Effect::Allow)) && b.intersects(&access_mask(p)),
        &|p, b| p.allowed(0, b) && b.intersects(&access_mask(p)),
        &|r| sources[0].allows(r) && access.iter().any(|a| access_covers(a, r)),
    );
    let has_actions = access.iter().any(|a| !a.actions.is_empty());
    let has_resources = access.iter().any(|a| !a.resources.is_empty());
    let listed = match (has_actions, has_resources) {
        (true, true) => "actions or resources",
        (false, true) => "resources",
        _ => "actions",
    };
    Ok(outcome(
        &problem,
        finding,
        &format!("The policy document does not grant access to perform one or more of the listed {listed}."),
        &format!("The policy document grants access to perform one or more of the listed {listed}."),
        &|i| format!("One or more of the listed {listed} in the statement with index: {i}."),
    ))
}

fn access_covers(access: &Access, request: &Request) -> bool {
    let action_ok = access.actions.is_empty()
        || access
            .actions
            .iter()
            .any(|a| Pattern::new(a, true).matches(&request.action));
    let resource_ok = access.resources.is_empty()
        || access
            .resources
            .iter()
            .any(|r| policy::arn::ArnPattern::new(r).matches(&request.resource.arn));
    action_ok && resource_ok
}

/// The resource types `CheckNoPublicAccess` accepts and the service prefixes of their
/// actions.
pub(crate) const PUBLIC_ACCESS_RESOURCE_TYPES: [(&str, &[&str]); 26] = [
    ("AWS::DynamoDB::Table", &["dynamodb"]),
    ("AWS::DynamoDB::Stream", &["dynamodb"]),
    ("AWS::EFS::FileSystem", &["elasticfilesystem"]),
    ("AWS::OpenSearchService::Domain", &["es"]),
    ("AWS::Kinesis::Stream", &["kinesis"]),
    ("AWS::Kinesis::StreamConsumer", &["kinesis"]),
    ("AWS::KMS::Key", &["kms"]),
    ("AWS::Lambda::Function", &["lambda"]),
    ("AWS::S3::Bucket", &["s3"]),
    ("AWS::S3::AccessPoint", &["s3"]),
    ("AWS::S3Express::DirectoryBucket", &["s3express"]),
    ("AWS::S3::Glacier", &["glacier"]),
    ("AWS::S3Outposts::Bucket", &["s3-outposts"]),
    ("AWS::S3Outposts::AccessPoint", &["s3-outposts"]),
    ("AWS::SecretsManager::Secret", &["secretsmanager"]),
    ("AWS::SNS::Topic", &["sns"]),
    ("AWS::SQS::Queue", &["sqs"]),
    ("AWS::IAM::AssumeRolePolicyDocument", &["sts"]),
    ("AWS::S3Tables::TableBucket", &["s3tables"]),
    ("AWS::ApiGateway::RestApi", &["execute-api"]),
    ("AWS::CodeArtifact::Domain", &["codeartifact"]),
    ("AWS::Backup::BackupVault", &["backup"]),
    ("AWS::CloudTrail::Dashboard", &["cloudtrail"]),
    ("AWS::CloudTrail::EventDataStore", &["cloudtrail"]),
    ("AWS::S3Tables::Table", &["s3tables"]),
    ("AWS::S3Express::AccessPoint", &["s3express"]),
];

pub(crate) fn check_no_public_access(
    policy_text: &str,
    resource_type: &str,
) -> Result<CheckOutcome, CheckError> {
    let Some((_, services)) = PUBLIC_ACCESS_RESOURCE_TYPES
        .iter()
        .find(|(name, _)| *name == resource_type)
    else {
        return Err(CheckError::InvalidParameter(format!(
            "Unsupported resource type: {resource_type}"
        )));
    };
    let scope_texts: Vec<String> = services.iter().map(|s| format!("{s}:*")).collect();
    let scope: Vec<Pattern> = scope_texts.iter().map(|t| Pattern::new(t, true)).collect();
    let sources = [Source::new(policy_text, true, "policyDocument")?];
    let extras = vec![
        Extra::Scope {
            texts: scope_texts.clone(),
            actions: scope.clone(),
        },
        Extra::Public,
    ];
    let mut problem = Problem::new(&sources, extras)?;
    let required = |p: &Problem<'_>| {
        let mut m = Bits::default();
        m.set(p.extra_column(0));
        m.set(p.extra_column(1));
        m
    };
    let has_all = |p: &Problem<'_>, b: &Bits| b.and(&required(p)) == required(p);
    let finding = find(
        &mut problem,
        &|p, b| b.intersects(&p.mask(0, Effect::Allow)) && has_all(p, b),
        &|p, b| p.allowed(0, b) && has_all(p, b),
        &|r| sources[0].allows(r) && scope.iter().any(|s| s.matches(&r.action)),
    );
    Ok(outcome(
        &problem,
        finding,
        "The resource policy does not grant public access for the given resource type.",
        "The resource policy grants public access for the given resource type.",
        &|i| format!("Public access granted in the following statement with index: {i}."),
    ))
}
