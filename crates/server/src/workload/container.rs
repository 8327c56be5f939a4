//! The container credential endpoint, `GET /v1/workload-credentials` on iamd's main
//! listener: what `AWS_CONTAINER_CREDENTIALS_FULL_URI` names, authorized by the
//! binding's token exactly as `AWS_CONTAINER_AUTHORIZATION_TOKEN` sends it (the whole
//! `Authorization` header value).
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::json;
use store::WorkloadKind;

use super::{bound_role, Outcome};
use crate::metrics::WORKLOAD_SERVICE;
use crate::state::AppState;

pub const PATH: &str = "/v1/workload-credentials";
pub const ACTION: &str = "container:GetCredentials";
/// Container tokens are `iamd-wl-` and 43 base64url characters (256 random bits).
const TOKEN_PREFIX: &str = "iamd-wl-";

/// A new container token and its SHA-256, which is all the store keeps. The token has
/// 256 bits of entropy, so a plain hash cannot be reversed by guessing.
pub fn new_token() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::random();
    let token = format!("{TOKEN_PREFIX}{}", B64.encode(bytes));
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}

pub async fn credentials(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let started = Instant::now();
    let response = answer(&state, &headers).await;
    let status = response.status().as_u16();
    state
        .metrics
        .record_request(WORKLOAD_SERVICE, ACTION, status, started.elapsed());
    tracing::info!(
        status,
        latency_us = started.elapsed().as_micros() as u64,
        "container credentials request"
    );
    response
}

async fn answer(state: &AppState, headers: &HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if token.is_empty() {
        return error(
            StatusCode::UNAUTHORIZED,
            "MissingAuthorization",
            "The Authorization header is missing.",
        );
    }
    let binding = match super::binding_by_token(state, &token_hash(token)).await {
        Ok(Some(binding)) if binding.kind == WorkloadKind::Container => binding,
        Ok(_) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthorization",
                "The Authorization token is not valid.",
            )
        }
        Err(e) => return failure(&e.message),
    };
    let role = match bound_role(state, &binding).await {
        Ok(Ok((role, _))) => role,
        Ok(Err(refusal)) => {
            return error(StatusCode::NOT_FOUND, refusal.code(), &refusal.message())
        }
        Err(e) => return failure(e.message()),
    };
    match super::credentials(state, &binding, role).await {
        Ok(Outcome::Issued { role, credentials }) => json_response(
            StatusCode::OK,
            &json!({
                "AccessKeyId": credentials.access_key_id,
                "SecretAccessKey": credentials.secret_access_key.expose(),
                "Token": credentials.session_token,
                "Expiration": credentials.expiration.iso8601(),
                "RoleArn": role.arn(),
            }),
        ),
        Ok(Outcome::Refused(refusal)) => {
            error(StatusCode::FORBIDDEN, refusal.code(), &refusal.message())
        }
        Err(e) => failure(e.message()),
    }
}

fn failure(detail: &str) -> Response {
    tracing::error!(error = detail, "container credentials request failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "ServiceFailure",
        "The credentials could not be issued.",
    )
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({ "Code": code, "Message": message }))
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
