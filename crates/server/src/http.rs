//! The HTTP surface: `POST /` and `GET /` for the Query API, `GET /health`, and every
//! other path for IAM Access Analyzer's REST API (`/analyzer`, `/finding`,
//! `/policy/validation`, ...; see [`crate::access_analyzer`]). Beside them `/ready` and
//! `/metrics` ([`crate::status`]) and the container credential endpoint
//! ([`crate::workload::container`]).
use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rand::Rng;

use crate::error::ApiError;
use crate::pipeline::{self, Answer, Incoming};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(crate::status::ready))
        .route("/metrics", get(crate::status::metrics))
        .route(
            crate::workload::container::PATH,
            get(crate::workload::container::credentials),
        )
        .route(
            "/.well-known/openid-configuration",
            get(crate::web_identity::well_known::openid_configuration),
        )
        .route(
            "/.well-known/jwks.json",
            get(crate::web_identity::well_known::jwks),
        )
        .route("/", get(query).post(query))
        // Access Analyzer's paths are many and templated; its own table routes them.
        .fallback(access_analyzer)
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        "{\"status\":\"ok\"}",
    )
}

/// A request id in the form AWS uses (a random version-4 UUID). Written digit by digit
/// into one buffer: it is made for every request.
pub fn new_request_id() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut b: [u8; 16] = rand::thread_rng().gen();
    b[6] = 0x40 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    let mut id = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    id
}

fn xml_response(status: u16, body: String, request_id: &str) -> Response {
    typed_response(status, body, request_id, "text/xml")
}

fn typed_response(
    status: u16,
    body: String,
    request_id: &str,
    content_type: &'static str,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

async fn query(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = ApiError::new(
                "RequestEntityTooLarge",
                format!(
                    "Request body is larger than the limit of {} bytes.",
                    state.max_body_bytes
                ),
            );
            state.metrics.record_request(
                "iam",
                crate::metrics::UNKNOWN_ACTION,
                413,
                started.elapsed(),
            );
            tracing::info!(
                request_id,
                status = 413,
                error = "RequestEntityTooLarge",
                "request refused"
            );
            let headers = header_pairs(&parts);
            let incoming = incoming_request(&parts, &headers, &[], peer);
            let facts = crate::audit_trail::CallFacts {
                event_source: crate::audit_trail::IAM_SOURCE,
                action: None,
                caller: None,
                named: None,
                region: None,
                request_parameters: None,
                response_elements: None,
                resource_arn: None,
                error: Some((error.code(), error.message())),
            };
            crate::audit_trail::record(&state, &incoming, &request_id, facts).await;
            return xml_response(
                error.status(),
                error.into_xml(awsquery::IAM_NAMESPACE, &request_id),
                &request_id,
            );
        }
    };
    let headers = header_pairs(&parts);
    let incoming = incoming_request(&parts, &headers, &body, peer);
    let cloudtrail_operation = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(crate::cloudtrail::TARGET_PREFIX));
    let (answer, content_type, service) = match cloudtrail_operation {
        Some(operation) => (
            crate::cloudtrail::process(&state, &incoming, &request_id, operation).await,
            crate::cloudtrail::CONTENT_TYPE,
            crate::cloudtrail::SERVICE,
        ),
        None => {
            let answer = pipeline::process(&state, &incoming, &request_id).await;
            let service = answer.service.unwrap_or(pipeline::Service::Iam);
            (answer, "text/xml", service.signing_name())
        }
    };
    record(&state, service, &answer, started.elapsed());
    log_request(&request_id, &answer, started);
    typed_response(answer.status, answer.body, &request_id, content_type)
}

fn json_response(answer: &Answer, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(answer.body.clone()));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::access_analyzer::CONTENT_TYPE),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(code) = answer
        .error_code
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

async fn access_analyzer(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            tracing::info!(
                request_id,
                status = 413,
                error = "RequestEntityTooLarge",
                "request refused"
            );
            let answer = Answer {
                status: 413,
                body: format!(
                    "{{\"message\":\"Request body is larger than the limit of {} bytes.\"}}",
                    state.max_body_bytes
                ),
                action: None,
                principal: None,
                decision: "-",
                error_code: Some("RequestEntityTooLarge".to_owned()),
                service: None,
            };
            record(
                &state,
                crate::access_analyzer::SERVICE,
                &answer,
                started.elapsed(),
            );
            return json_response(&answer, &request_id);
        }
    };
    let headers = header_pairs(&parts);
    let incoming = incoming_request(&parts, &headers, &body, peer);
    let answer = crate::access_analyzer::handle(&state, &incoming, &request_id).await;
    record(
        &state,
        crate::access_analyzer::SERVICE,
        &answer,
        started.elapsed(),
    );
    log_request(&request_id, &answer, started);
    json_response(&answer, &request_id)
}

/// The request's headers as the pipeline reads them (name, raw value).
fn header_pairs(parts: &Parts) -> Vec<(&str, &[u8])> {
    parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect()
}

/// What every front sees of an HTTP request.
fn incoming_request<'a>(
    parts: &'a Parts,
    headers: &'a [(&'a str, &'a [u8])],
    body: &'a [u8],
    peer: SocketAddr,
) -> Incoming<'a> {
    Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers,
        body,
        source_ip: peer.ip(),
        secure_transport: false,
    }
}

/// The access-log line of an answered request; its `request_id` is the
/// `x-amzn-requestid` header's and the audit record's.
fn log_request(request_id: &str, answer: &Answer, started: Instant) {
    tracing::info!(
        request_id,
        action = answer.action.as_deref().unwrap_or("-"),
        principal = answer.principal.as_deref().unwrap_or("-"),
        decision = answer.decision,
        status = answer.status,
        error = answer.error_code.as_deref().unwrap_or("-"),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
}

/// The request in `/metrics`: its service, action, status, latency and decision.
fn record(state: &AppState, service: &str, answer: &Answer, elapsed: std::time::Duration) {
    let action = answer
        .action
        .as_deref()
        .unwrap_or(crate::metrics::UNKNOWN_ACTION);
    state
        .metrics
        .record_request(service, action, answer.status, elapsed);
    if let Some(decision) = crate::metrics::Decision::parse(answer.decision) {
        state.metrics.record_decision(decision);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_look_like_uuids() {
        let id = super::new_request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        assert_ne!(id, super::new_request_id());
    }
}
