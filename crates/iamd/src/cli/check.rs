//! `iamd policy check-no-new-access`, `check-access-not-granted` and
//! `check-no-public-access`: IAM Access Analyzer's custom policy checks, offline.
//!
//! Prints PASS or FAIL with AWS's message, the reasons (statement index and Sid) and,
//! on FAIL, a request that shows it; `--format json` prints the JSON AWS answers
//! (`result`, `message`, `reasons`). Exits 0 on PASS, 1 on FAIL, 2 on bad input.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use analyzer::{
    check_access_not_granted, check_no_new_access, check_no_public_access, Access,
    AccessCheckPolicyType, CheckError, CheckOutcome, CheckResult,
};
use serde_json::{json, Map, Value};

#[derive(clap::Args)]
pub struct NoNewAccessArgs {
    /// The existing policy document (the reference).
    pub existing: PathBuf,
    /// The new, updated policy document.
    pub new: PathBuf,
    #[command(flatten)]
    pub options: CommonOptions,
}

#[derive(clap::Args)]
pub struct AccessNotGrantedArgs {
    /// Actions that must not be granted, comma-separated (`s3:DeleteBucket,iam:PassRole`).
    #[arg(long, value_delimiter = ',')]
    pub actions: Vec<String>,
    /// Resources that must not be reachable, comma-separated ARNs.
    #[arg(long, value_delimiter = ',')]
    pub resources: Vec<String>,
    /// The policy document to check (`-` reads standard input).
    pub file: PathBuf,
    #[command(flatten)]
    pub options: CommonOptions,
}

#[derive(clap::Args)]
pub struct NoPublicAccessArgs {
    /// The resource type the policy is attached to (`AWS::S3::Bucket`, `AWS::KMS::Key`,
    /// `AWS::IAM::AssumeRolePolicyDocument`, ...).
    #[arg(long)]
    pub resource_type: String,
    /// The resource-based policy document to check (`-` reads standard input).
    pub file: PathBuf,
    /// Output: readable text, or AWS's response JSON.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

#[derive(clap::Args)]
pub struct CommonOptions {
    /// The kind of policy: identity-based, or resource-based (trust policies included).
    #[arg(long, default_value = "identity", value_parser = ["identity", "resource"])]
    pub policy_type: String,
    /// Output: readable text, or AWS's response JSON.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

impl CommonOptions {
    fn policy_type(&self) -> AccessCheckPolicyType {
        if self.policy_type == "resource" {
            AccessCheckPolicyType::ResourcePolicy
        } else {
            AccessCheckPolicyType::IdentityPolicy
        }
    }
}

pub fn run_no_new_access(args: NoNewAccessArgs) -> u8 {
    const NAME: &str = "iamd policy check-no-new-access";
    let (Some(existing), Some(new)) = (read(NAME, &args.existing), read(NAME, &args.new)) else {
        return 2;
    };
    let outcome = check_no_new_access(&new, &existing, args.options.policy_type());
    finish(NAME, outcome, &args.options.format)
}

pub fn run_access_not_granted(args: AccessNotGrantedArgs) -> u8 {
    const NAME: &str = "iamd policy check-access-not-granted";
    let Some(policy) = read(NAME, &args.file) else {
        return 2;
    };
    let access = Access {
        actions: args.actions.into_iter().filter(|a| !a.is_empty()).collect(),
        resources: args
            .resources
            .into_iter()
            .filter(|r| !r.is_empty())
            .collect(),
    };
    let outcome = check_access_not_granted(&policy, &[access], args.options.policy_type());
    finish(NAME, outcome, &args.options.format)
}

pub fn run_no_public_access(args: NoPublicAccessArgs) -> u8 {
    const NAME: &str = "iamd policy check-no-public-access";
    let Some(policy) = read(NAME, &args.file) else {
        return 2;
    };
    let outcome = check_no_public_access(&policy, &args.resource_type);
    finish(NAME, outcome, &args.format)
}

fn read(name: &str, path: &Path) -> Option<String> {
    let result = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    match result {
        Ok(text) => Some(text),
        Err(err) => {
            eprintln!("{name}: {}: cannot read: {err}", path.display());
            None
        }
    }
}

/// Prints the outcome and gives the exit status.
fn finish(name: &str, outcome: Result<CheckOutcome, CheckError>, format: &str) -> u8 {
    let outcome = match outcome {
        Ok(o) => o,
        Err(err) => {
            let kind = match err {
                CheckError::InvalidPolicy(_) => "invalid policy",
                CheckError::InvalidParameter(_) => "invalid parameter",
            };
            eprintln!("{name}: {kind}: {err}");
            return 2;
        }
    };
    let text = if format == "json" {
        format!("{:#}\n", response_json(&outcome))
    } else {
        render_text(&outcome)
    };
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    match outcome.result {
        CheckResult::Pass => 0,
        CheckResult::Fail => 1,
    }
}

/// AWS's response body: `result`, `message` and, when there are any, `reasons`.
fn response_json(outcome: &CheckOutcome) -> Value {
    let mut body = Map::new();
    body.insert("result".into(), json!(outcome.result.as_str()));
    body.insert("message".into(), json!(outcome.message));
    if !outcome.reasons.is_empty() || outcome.witness.is_some() {
        let mut reasons: Vec<Value> = outcome
            .reasons
            .iter()
            .map(|r| {
                let mut reason = Map::new();
                reason.insert("description".into(), json!(r.description));
                if let Some(index) = r.statement_index {
                    reason.insert("statementIndex".into(), json!(index));
                }
                if let Some(sid) = &r.statement_id {
                    reason.insert("statementId".into(), json!(sid));
                }
                Value::Object(reason)
            })
            .collect();
        // As the API answers: the example request as one more reason.
        if let Some(witness) = &outcome.witness {
            reasons.push(json!({
                "description": format!("Example request allowed: {}.", witness.describe())
            }));
        }
        body.insert("reasons".into(), Value::Array(reasons));
    }
    Value::Object(body)
}

fn render_text(outcome: &CheckOutcome) -> String {
    let mut out = format!("{}: {}\n", outcome.result.as_str(), outcome.message);
    for r in &outcome.reasons {
        let place = match (r.statement_index, &r.statement_id) {
            (Some(i), Some(sid)) => format!(" [statement {i}, Sid {sid}]"),
            (Some(i), None) => format!(" [statement {i}]"),
            _ => String::new(),
        };
        out.push_str(&format!("  reason: {}{place}\n", r.description));
    }
    if let Some(w) = &outcome.witness {
        out.push_str("  witness:\n");
        out.push_str(&format!("    action: {}\n", w.action));
        out.push_str(&format!("    resource: {}\n", w.resource));
        if let Some(p) = &w.principal {
            out.push_str(&format!("    principal: {p}\n"));
        }
        for (key, values) in &w.context {
            out.push_str(&format!("    context: {key} = {}\n", values.join(", ")));
        }
    }
    out
}
