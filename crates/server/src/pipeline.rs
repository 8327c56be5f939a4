//! The request pipeline: decode the parameters, route by `Version` and `Action`,
//! authenticate (SigV4), resolve the resource, authorize, run the operation. Every
//! failure on the way is an [`ApiError`] rendered as AWS's error document.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::SystemTime;

use awsquery::{Limits, Params};

use crate::audit_trail::{self, classify, CallFacts};
use crate::authn::{authenticate, Authenticated};
use crate::context::{self, RequestEnv};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use crate::ops::{iam_operations, sts_operations, Authorization, Call, Operation};
use crate::state::AppState;

pub const IAM_VERSION: &str = "2010-05-08";
pub const STS_VERSION: &str = "2011-06-15";

/// The services served on the one endpoint, told apart by `Version` (and, in the
/// signature, by the credential scope's service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Iam,
    Sts,
}

impl Service {
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
        }
    }
    /// The protocol crate's name for the service (its models and error tables).
    pub fn model(self) -> awsquery::Service {
        match self {
            Service::Iam => awsquery::Service::Iam,
            Service::Sts => awsquery::Service::Sts,
        }
    }
    pub fn namespace(self) -> &'static str {
        match self {
            Service::Iam => awsquery::IAM_NAMESPACE,
            Service::Sts => awsquery::STS_NAMESPACE,
        }
    }
}

/// An HTTP request as the pipeline needs it.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(&'a str, &'a [u8])],
    pub body: &'a [u8],
    pub source_ip: IpAddr,
    pub secure_transport: bool,
}

/// The pipeline's answer and what the access log says about it.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub action: Option<String>,
    pub principal: Option<String>,
    /// `allowed`, `denied`, `error` (authorization could not finish) or `-` when the
    /// request did not reach authorization.
    pub decision: &'static str,
    /// The service the request was for, once the pipeline knew it.
    pub service: Option<Service>,
    pub error_code: Option<String>,
}

/// What the pipeline learned before it finished or failed, for the log and the audit
/// record.
#[derive(Default)]
struct Trace {
    action: Option<String>,
    principal: Option<String>,
    decision: Option<&'static str>,
    service: Option<Service>,
    /// The authenticated caller.
    caller: Option<Caller>,
    /// The region of the signature's credential scope.
    region: Option<String>,
    /// `requestParameters`, computed only when auditing is on.
    request_parameters: Option<serde_json::Value>,
    /// The resource the operation resolved to.
    resource_arn: Option<String>,
    /// An unsigned STS call (no caller; the response names who called).
    unsigned: bool,
}

pub async fn process(state: &AppState, req: &Incoming<'_>, request_id: &str) -> Answer {
    let mut trace = Trace::default();
    let result = run(state, req, request_id, &mut trace).await;
    if state.audit.is_some() {
        audit(state, req, request_id, &trace, &result).await;
    }
    let namespace = trace.service.unwrap_or(Service::Iam).namespace();
    let (status, body, error_code, decision) = match result {
        Ok(xml) => (200, xml, None, trace.decision.unwrap_or("-")),
        Err(e) => {
            let decision = if e.code() == "AccessDenied" {
                "denied"
            } else {
                trace.decision.unwrap_or("-")
            };
            let code = e.code().to_owned();
            (
                e.status(),
                e.into_xml(namespace, request_id),
                Some(code),
                decision,
            )
        }
    };
    Answer {
        status,
        body,
        action: trace.action,
        principal: trace.principal,
        decision,
        error_code,
        service: trace.service,
    }
}

/// The call's audit record, from what the pipeline learned and how it ended.
async fn audit(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    trace: &Trace,
    result: &ApiResult<String>,
) {
    let event_source = match trace.service {
        Some(Service::Sts) => audit_trail::STS_SOURCE,
        _ => audit_trail::IAM_SOURCE,
    };
    let action = trace.action.as_deref();
    let response_elements = match (result, action) {
        (Ok(xml), Some(action)) if classify::records_response(event_source, action) => {
            audit_trail::response::of_response(xml, action)
        }
        _ => None,
    };
    let named = trace.unsigned.then(|| {
        audit_trail::identity::of_unsigned(
            action.unwrap_or_default(),
            result.as_ref().ok().map(String::as_str),
            trace.request_parameters.as_ref(),
        )
    });
    let error = result.as_ref().err().map(|e| (e.code(), e.message()));
    // An unsigned call resolves no resource before it runs; the role it asks for is it.
    let role_asked = trace
        .request_parameters
        .as_ref()
        .filter(|_| trace.unsigned)
        .and_then(|p| p.get("roleArn"))
        .and_then(serde_json::Value::as_str);
    let facts = CallFacts {
        event_source,
        action,
        caller: trace.caller.as_ref(),
        named,
        region: trace.region.as_deref(),
        request_parameters: trace.request_parameters.clone(),
        response_elements,
        resource_arn: trace.resource_arn.as_deref().or(role_asked),
        error,
    };
    audit_trail::record(state, req, request_id, facts).await;
}

fn decode(req: &Incoming<'_>, limits: &Limits) -> ApiResult<Params> {
    let mut params = Params::parse_with(req.query.as_bytes(), limits)?;
    if req.method == "POST" {
        params.merge(Params::parse_with(req.body, limits)?);
    }
    Ok(params)
}

fn route(params: &Params) -> ApiResult<(Service, &'static Operation)> {
    let action = params
        .action()
        .ok_or_else(|| ApiError::new("MissingAction", "Missing Action"))?;
    let version = params.version().ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request must contain the parameter Version",
        )
    })?;
    let not_found = || {
        ApiError::new(
            "InvalidAction",
            format!("Could not find operation {action} for version {version}"),
        )
    };
    match version {
        IAM_VERSION => iam_operations()
            .get(action)
            .map(|op| (Service::Iam, op))
            .ok_or_else(not_found),
        STS_VERSION => sts_operations()
            .get(action)
            .map(|op| (Service::Sts, op))
            .ok_or_else(not_found),
        _ => Err(not_found()),
    }
}

async fn run(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    trace: &mut Trace,
) -> ApiResult<String> {
    let limits = Limits {
        max_bytes: state.max_body_bytes,
        ..Limits::default()
    };
    let params = decode(req, &limits)?;
    trace.action = params.action().map(str::to_owned);
    if params.version() == Some(STS_VERSION) {
        trace.service = Some(Service::Sts);
        // Callers without credentials yet: no signature to verify (see ops/unsigned.rs).
        if let Some(op) = params.action().and_then(crate::ops::unsigned::find) {
            trace.unsigned = true;
            if state.audit.is_some() {
                trace.request_parameters =
                    audit_trail::parameters::of_request(Service::Sts.model(), op.name, &params);
            }
            return crate::ops::unsigned::run(state, req, request_id, params, op).await;
        }
    }
    let (service, operation) = route(&params)?;
    trace.service = Some(service);

    let signed = sigv4::Request {
        method: req.method,
        path: req.path,
        query: req.query,
        headers: req.headers,
    };
    let Authenticated { caller, region } =
        authenticate(state, &signed, req.body, service.signing_name()).await?;
    trace.principal = Some(caller.arn.clone());
    trace.region = Some(region.clone());
    if state.audit.is_some() {
        trace.caller = Some(caller.clone());
        trace.request_parameters =
            audit_trail::parameters::of_request(service.model(), operation.name, &params);
    }
    crate::sts::restrictions::check(&caller, service, operation.name)?;
    if caller.session.is_none() {
        state
            .last_used
            .record(&caller.access_key_id, service.signing_name(), &region);
    }
    state
        .service_usage
        .record(&caller, service.signing_name(), operation.name, &region);

    // Shape constraints of the operation's input (botocore's model), before any data is
    // read on the request's behalf.
    awsquery::validate::validate(service.model(), operation.name, &params)?;

    let env = RequestEnv {
        source_ip: req.source_ip,
        secure_transport: req.secure_transport,
        now: SystemTime::now(),
        region: region.clone(),
    };
    let call = Call {
        state: state.clone(),
        caller,
        params,
        action: operation.name,
        request_id: request_id.to_owned(),
        region,
        namespace: service.namespace(),
        env,
    };
    let target = (operation.resolve)(&call).await?;
    trace.resource_arn = Some(target.arn.clone());
    if operation.authorization == Authorization::InHandler {
        return (operation.handler)(&call, &target).await;
    }
    let action = format!("{}:{}", service.signing_name(), operation.name);
    let mut permissions = crate::sts::permissions::for_caller(state, &call.caller).await?;
    if target.grants_caller {
        permissions = Arc::new(permissions.with_grant(&action, &target.arn)?);
    }
    let mut context = context::build(
        &call.caller,
        &permissions.tags,
        &target.tags,
        &call.env,
        &call.params,
    );
    if service == Service::Iam {
        context::add_operation_keys(
            &mut context,
            operation.name,
            &call.params,
            target.permissions_boundary(),
        );
    }
    for (key, value) in &target.keys {
        context.insert(key, policy::request::ContextValue::single(value.as_str()));
    }
    // A refusal ends with the encoded authorization failure message.
    crate::sts::authorization_message::authorize(
        state,
        &call.caller,
        &permissions,
        &action,
        &target.arn,
        context,
    )
    .await
    .inspect_err(|e| {
        if e.code() != "AccessDenied" {
            trace.decision = Some("error");
        }
    })?;
    trace.decision = Some("allowed");
    (operation.handler)(&call, &target).await
}
