//! The CloudTrail API front (JSON 1.1 protocol, SigV4 service `cloudtrail`): `POST /`
//! with `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>`.
//! Only `LookupEvents` is served, from the audit trail's in-memory index.
//!
//! Authentication and authorization are the Query API's (same credentials, same
//! engine; the action is `cloudtrail:<Op>` on `*`); errors are JSON
//! (`{"__type": ..., "message": ...}`) with CloudTrail's exception names. The call is
//! audited like any other, with `eventSource` `cloudtrail.amazonaws.com`.
use std::time::SystemTime;

use serde_json::{json, Map, Value};

use crate::audit_trail::{self, parameters::lower_first, CallFacts};
use crate::authn::{authenticate, Authenticated};
use crate::context::{self, RequestEnv};
use crate::error::ApiError;
use crate::identity::Caller;
use crate::pipeline::{Answer, Incoming};
use crate::state::AppState;

mod lookup_events;

/// The `X-Amz-Target` prefix of CloudTrail's operations.
pub const TARGET_PREFIX: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
/// The SigV4 signing name, the prefix of the IAM actions and the metrics' service.
pub const SERVICE: &str = "cloudtrail";
/// The operations served.
pub const OPERATIONS: &[&str] = &["LookupEvents"];
/// The content type of JSON 1.1 requests and responses.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// A CloudTrail error: the exception name, its message and HTTP status.
#[derive(Debug)]
pub struct JsonError {
    pub kind: String,
    pub message: String,
    pub status: u16,
}

impl JsonError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        JsonError {
            kind: kind.to_owned(),
            message: message.into(),
            status: 400,
        }
    }

    fn body(&self) -> String {
        json!({"__type": self.kind, "message": self.message}).to_string()
    }

    /// An error of the shared pipeline, named as JSON services name it.
    fn from_api(e: &ApiError) -> Self {
        let kind = match e.code() {
            "InvalidClientTokenId" => "UnrecognizedClientException",
            "SignatureDoesNotMatch" => "InvalidSignatureException",
            "AccessDenied" => "AccessDeniedException",
            "MissingAuthenticationToken" => "MissingAuthenticationTokenException",
            other => other,
        };
        JsonError {
            kind: kind.to_owned(),
            message: e.message().to_owned(),
            status: e.status(),
        }
    }
}

/// What the request got as far as, for the log and the audit record.
#[derive(Default)]
struct Trace {
    caller: Option<Caller>,
    region: Option<String>,
    request_parameters: Option<Value>,
    decision: Option<&'static str>,
}

/// Answers one CloudTrail request for operation `operation`.
pub async fn process(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    operation: &str,
) -> Answer {
    let mut trace = Trace::default();
    let result = run(state, req, operation, &mut trace).await;
    let error = result.as_ref().err();
    let facts = CallFacts {
        event_source: audit_trail::CLOUDTRAIL_SOURCE,
        action: Some(operation),
        caller: trace.caller.as_ref(),
        named: None,
        region: trace.region.as_deref(),
        request_parameters: trace.request_parameters.clone(),
        response_elements: None,
        resource_arn: None,
        error: error.map(|e| (e.kind.as_str(), e.message.as_str())),
    };
    audit_trail::record(state, req, request_id, facts).await;
    let decision = match &result {
        Err(e) if e.kind == "AccessDeniedException" => "denied",
        _ => trace.decision.unwrap_or("-"),
    };
    let (status, body, error_code) = match result {
        Ok(body) => (200, body, None),
        Err(e) => (e.status, e.body(), Some(e.kind)),
    };
    Answer {
        status,
        body,
        action: Some(operation.to_owned()),
        principal: trace.caller.map(|c| c.arn),
        decision,
        error_code,
        service: None,
    }
}

async fn run(
    state: &AppState,
    req: &Incoming<'_>,
    operation: &str,
    trace: &mut Trace,
) -> Result<String, JsonError> {
    let signed = sigv4::Request {
        method: req.method,
        path: req.path,
        query: req.query,
        headers: req.headers,
    };
    let Authenticated { caller, region } = authenticate(state, &signed, req.body, SERVICE)
        .await
        .map_err(|e| JsonError::from_api(&e))?;
    trace.caller = Some(caller.clone());
    trace.region = Some(region.clone());
    if !OPERATIONS.contains(&operation) {
        return Err(JsonError::new(
            "UnknownOperationException",
            format!("Operation {operation} is not supported."),
        ));
    }
    let input: Value = if req.body.is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(req.body)
            .map_err(|_| JsonError::new("SerializationException", "Malformed JSON body."))?
    };
    if !input.is_object() {
        return Err(JsonError::new(
            "SerializationException",
            "The request body must be a JSON object.",
        ));
    }
    trace.request_parameters = Some(camel_case(&input)).filter(|v| v != &json!({}));

    let env = RequestEnv {
        source_ip: req.source_ip,
        secure_transport: req.secure_transport,
        now: SystemTime::now(),
        region,
    };
    let permissions = crate::sts::permissions::for_caller(state, &caller)
        .await
        .map_err(|e| JsonError::from_api(&e))?;
    let context = context::build(
        &caller,
        &permissions.tags,
        &[],
        &env,
        &awsquery::Params::default(),
    );
    crate::authz::authorize(
        &caller,
        &permissions,
        &format!("{SERVICE}:{operation}"),
        "*",
        context,
    )
    .map_err(|e| JsonError::from_api(&e))?;
    trace.decision = Some("allowed");
    let trail = state.audit.as_ref().ok_or_else(|| {
        JsonError::new(
            "TrailNotFoundException",
            "Event history is unavailable: auditing is turned off on this server.",
        )
    })?;
    lookup_events::run(trail.index(), &caller.account_id, &input)
}

/// The request as CloudTrail records JSON parameters: member names with their first
/// letter lower-cased, at every depth.
fn camel_case(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (lower_first(k), camel_case(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(camel_case).collect()),
        other => other.clone(),
    }
}
