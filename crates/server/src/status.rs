//! The operator's endpoints: `/ready` (can this process answer requests?) and
//! `/metrics` (Prometheus text, optionally behind a bearer token). `/health` stays a
//! liveness check that touches nothing.
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::state::AppState;

/// 200 when the store answers a trivial read and the session-token key ring is loaded
/// (a key to seal with is in memory, loading or creating it now if needed); 503
/// otherwise. The body says which check failed.
pub async fn ready(State(state): State<AppState>) -> Response {
    let store = match state.store.list_accounts().await {
        Ok(_) => Ok(()),
        Err(e) => Err(e.message),
    };
    let key_ring = state
        .sessions
        .ring
        .ensure_loaded()
        .await
        .map_err(|e| e.message().to_owned());
    let ready = store.is_ok() && key_ring.is_ok();
    let check = |result: &Result<(), String>| match result {
        Ok(()) => json!({ "status": "ok" }),
        Err(message) => json!({ "status": "failed", "error": message }),
    };
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "checks": { "store": check(&store), "key_ring": check(&key_ring) },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    response(status, "application/json", body.to_string())
}

/// The metrics in Prometheus' text format. With a metrics token configured, only a
/// request with `Authorization: Bearer TOKEN` is answered (401 otherwise).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(presented.as_bytes(), expected.expose().as_bytes()) {
            let mut denied = response(
                StatusCode::UNAUTHORIZED,
                "text/plain",
                "a bearer token is required\n".to_owned(),
            );
            denied.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"iamd metrics\""),
            );
            return denied;
        }
    }
    response(
        StatusCode::OK,
        telemetry::Exposition::CONTENT_TYPE,
        crate::metrics::render(&state),
    )
}

/// Compares without revealing, through timing, how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn response(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
