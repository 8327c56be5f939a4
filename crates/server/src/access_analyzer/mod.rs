//! IAM Access Analyzer's API (`rest-json`, SigV4 service `access-analyzer`) on the
//! same listener as IAM and STS.
//!
//! A request goes through [`handle`]: match the method and path against the route
//! table ([`routes`]), parse the JSON body, authenticate with SigV4 (the same
//! [`crate::authn`] path as IAM), resolve the resource (an analyzer or archive-rule
//! ARN, `*` for the policy checks), authorize `access-analyzer:<Operation>` with the
//! caller's policies exactly as IAM calls are authorized, then run the handler, which
//! answers a JSON document. Errors are rendered in one place ([`protocol::AaError`]).
use std::time::SystemTime;

use serde_json::{Map, Value};
use store::{Analyzer, Tag};

use crate::authn::{authenticate, Authenticated};
use crate::context::{self, RequestEnv};
use crate::identity::Caller;
use crate::ops::BoxFuture;
use crate::pipeline::{Answer, Incoming};
use crate::state::AppState;

pub mod analysis;
pub mod analyzers;
pub mod archive_rules;
pub mod filter;
pub mod findings;
pub mod input;
pub mod policy_checks;
pub mod protocol;
pub mod routes;

use input::Input;
use protocol::{AaError, AaResult};

/// The SigV4 signing name and the prefix of the IAM actions.
pub const SERVICE: &str = "access-analyzer";

/// The `Content-Type` of every answer.
pub const CONTENT_TYPE: &str = "application/json";

/// One authenticated Access Analyzer request.
pub struct AaCall {
    pub state: AppState,
    pub caller: Caller,
    pub input: Input,
    pub region: String,
    pub request_id: String,
    pub env: RequestEnv,
}

impl AaCall {
    pub fn account(&self) -> &str {
        &self.caller.account_id
    }

    /// The ARN of this account's analyzer `name` in the request's region.
    pub fn analyzer_arn(&self, name: &str) -> String {
        store::analyzer_arn(&self.region, self.account(), name)
    }
}

/// What an operation acts on, for authorization: the ARN, the resource's tags
/// (`aws:ResourceTag/*`) and the analyzer when the resolver read it.
#[derive(Debug, Clone, Default)]
pub struct AaTarget {
    pub arn: String,
    pub tags: Vec<Tag>,
    pub analyzer: Option<Analyzer>,
}

impl AaTarget {
    pub fn any() -> Self {
        AaTarget {
            arn: "*".to_owned(),
            ..AaTarget::default()
        }
    }

    pub fn arn(arn: String) -> Self {
        AaTarget {
            arn,
            ..AaTarget::default()
        }
    }

    pub fn analyzer(analyzer: Analyzer) -> Self {
        AaTarget {
            arn: analyzer.arn.clone(),
            tags: analyzer.tags.clone(),
            analyzer: Some(analyzer),
        }
    }
}

pub type AaHandler = for<'a> fn(&'a AaCall, &'a AaTarget) -> BoxFuture<'a, AaResult<Value>>;
pub type AaResolver = for<'a> fn(&'a AaCall) -> BoxFuture<'a, AaResult<AaTarget>>;

/// One operation: its name, the IAM action it is authorized as (the V2 finding
/// operations share their predecessors' actions), how to find its resource, and
/// what it does.
pub struct AaOperation {
    pub name: &'static str,
    pub action: &'static str,
    pub resolve: AaResolver,
    pub handler: AaHandler,
}

/// Builds an [`AaOperation`] from `async fn resolve(&AaCall) -> AaResult<AaTarget>` and
/// `async fn handler(&AaCall, &AaTarget) -> AaResult<Value>`.
#[macro_export]
macro_rules! aa_operation {
    ($name:literal, $action:literal, $resolve:path, $handler:path) => {
        $crate::access_analyzer::AaOperation {
            name: $name,
            action: $action,
            resolve: |call| Box::pin($resolve(call)),
            handler: |call, target| Box::pin($handler(call, target)),
        }
    };
}

/// For the access log, the audit record and the wrappers around this front.
#[derive(Default)]
struct Trace {
    action: Option<String>,
    principal: Option<String>,
    decision: Option<&'static str>,
    caller: Option<Caller>,
    region: Option<String>,
    /// The path labels, query and body as CloudTrail records them (when auditing).
    request_parameters: Option<Value>,
    resource_arn: Option<String>,
}

/// Serves one Access Analyzer request. The answer's body is JSON; on failure
/// `error_code` is the `x-amzn-ErrorType`.
pub async fn handle(state: &AppState, req: &Incoming<'_>, request_id: &str) -> Answer {
    let mut trace = Trace::default();
    let result = run(state, req, request_id, &mut trace).await;
    if state.audit.is_some() {
        audit(state, req, request_id, &trace, &result).await;
    }
    let (status, body, error_code, decision) = match result {
        Ok(value) => (200, value.to_string(), None, trace.decision.unwrap_or("-")),
        Err(e) => {
            let decision = if e.code == "AccessDeniedException" {
                "denied"
            } else {
                trace.decision.unwrap_or("-")
            };
            (e.status, e.to_json(), Some(e.code.to_owned()), decision)
        }
    };
    Answer {
        status,
        body,
        action: trace.action,
        principal: trace.principal,
        decision,
        error_code,
        service: None,
    }
}

/// The call's audit record (`eventSource` `access-analyzer.amazonaws.com`).
async fn audit(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    trace: &Trace,
    result: &AaResult<Value>,
) {
    use crate::audit_trail::{self, classify, ACCESS_ANALYZER_SOURCE};
    let action = trace.action.as_deref();
    let response_elements = match (result, action) {
        (Ok(Value::Object(map)), Some(action))
            if !map.is_empty() && classify::records_response(ACCESS_ANALYZER_SOURCE, action) =>
        {
            Some(Value::Object(map.clone()))
        }
        _ => None,
    };
    let error = result.as_ref().err().map(|e| (e.code, e.message.as_str()));
    let facts = audit_trail::CallFacts {
        event_source: ACCESS_ANALYZER_SOURCE,
        action,
        caller: trace.caller.as_ref(),
        named: None,
        region: trace.region.as_deref(),
        request_parameters: trace.request_parameters.clone(),
        response_elements,
        resource_arn: trace.resource_arn.as_deref(),
        error,
    };
    audit_trail::record(state, req, request_id, facts).await;
}

/// Path labels, query parameters and body members in one object, as CloudTrail
/// records a REST request's parameters.
fn request_parameters(input: &Input) -> Option<Value> {
    let mut all = input.body.clone();
    for (name, value) in &input.labels {
        all.insert((*name).to_owned(), Value::String(value.clone()));
    }
    for (name, value) in &input.query {
        all.entry(name.clone())
            .or_insert_with(|| Value::String(value.clone()));
    }
    (!all.is_empty()).then_some(Value::Object(all))
}

fn parse_body(body: &[u8]) -> AaResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(AaError::validation(
            "cannotParse",
            "The request body is not a JSON object.",
        )),
    }
}

/// The request's tags (`tags` of `CreateAnalyzer`/`TagResource`) and tag keys
/// (`tagKeys` of `UntagResource`) in the form the shared context builder reads them,
/// for `aws:RequestTag/*` and `aws:TagKeys`.
fn tag_params(input: &Input) -> awsquery::Params {
    let mut pairs = Vec::new();
    if let Some(Value::Object(tags)) = input.body.get("tags") {
        for (i, (key, value)) in tags.iter().enumerate() {
            pairs.push((format!("Tags.member.{}.Key", i + 1), key.clone()));
            pairs.push((
                format!("Tags.member.{}.Value", i + 1),
                value.as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    for (i, key) in input.query_values("tagKeys").into_iter().enumerate() {
        pairs.push((format!("TagKeys.member.{}", i + 1), key));
    }
    awsquery::Params::from_pairs(pairs)
}

async fn run(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    trace: &mut Trace,
) -> AaResult<Value> {
    let (operation, labels) = routes::find(req.method, req.path)?;
    trace.action = Some(operation.name.to_owned());
    let body = parse_body(req.body)?;
    let query = protocol::parse_query(req.query)?;

    let signed = sigv4::Request {
        method: req.method,
        path: req.path,
        query: req.query,
        headers: req.headers,
    };
    let Authenticated { caller, region } = authenticate(state, &signed, req.body, SERVICE).await?;
    trace.principal = Some(caller.arn.clone());
    trace.region = Some(region.clone());
    if state.audit.is_some() {
        trace.caller = Some(caller.clone());
    }
    if caller.session.is_none() {
        state
            .last_used
            .record(&caller.access_key_id, SERVICE, &region);
    }
    state
        .service_usage
        .record(&caller, SERVICE, operation.action, &region);

    let env = RequestEnv {
        source_ip: req.source_ip,
        secure_transport: req.secure_transport,
        now: SystemTime::now(),
        region: region.clone(),
    };
    let call = AaCall {
        state: state.clone(),
        caller,
        input: Input {
            labels,
            query,
            body,
        },
        region,
        request_id: request_id.to_owned(),
        env,
    };
    if state.audit.is_some() {
        trace.request_parameters = request_parameters(&call.input);
    }
    let target = (operation.resolve)(&call).await?;
    trace.resource_arn = Some(target.arn.clone());
    let permissions = crate::sts::permissions::for_caller(state, &call.caller).await?;
    let context = context::build(
        &call.caller,
        &permissions.tags,
        &target.tags,
        &call.env,
        &tag_params(&call.input),
    );
    let action = format!("{SERVICE}:{}", operation.action);
    crate::sts::authorization_message::authorize(
        state,
        &call.caller,
        &permissions,
        &action,
        &target.arn,
        context,
    )
    .await?;
    trace.decision = Some("allowed");
    (operation.handler)(&call, &target).await
}
