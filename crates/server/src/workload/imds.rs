//! The IMDSv2-compatible endpoint of one IMDS binding, on the binding's own listener.
//!
//! As on EC2: `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`
//! (1–21600) returns a session token (and its TTL in the same header); every other
//! request must carry it in `X-aws-ec2-metadata-token`, else 401. Tokens are HMACs
//! under a key of this listener's own, so they hold no state and mean nothing to any
//! other binding's listener.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ring::hmac;
use serde_json::json;
use store::{Timestamp, WorkloadBinding};

use super::{bound_role, Outcome, Refusal};
use crate::metrics::{UNKNOWN_ACTION, WORKLOAD_SERVICE};
use crate::state::AppState;

pub const ACTION_TOKEN: &str = "imds:PutToken";
pub const ACTION_ROLE_NAME: &str = "imds:GetRoleName";
pub const ACTION_CREDENTIALS: &str = "imds:GetCredentials";
pub const ACTION_INFO: &str = "imds:GetIamInfo";
pub const ACTION_IDENTITY: &str = "imds:GetInstanceIdentity";

const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const MAX_TTL_SECONDS: u64 = 21_600;
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
/// The region the endpoint reports (iamd answers in one region).
const REGION: &str = crate::ops::unsigned::DEFAULT_REGION;
const MAC_LEN: usize = 32;

/// What one binding's listener serves with.
pub struct Endpoint {
    state: AppState,
    binding: String,
    token_key: hmac::Key,
}

impl Endpoint {
    /// `None` when the system has no randomness for the token key.
    pub fn new(state: AppState, binding: &str) -> Option<Self> {
        let rng = ring::rand::SystemRandom::new();
        let token_key = hmac::Key::generate(hmac::HMAC_SHA256, &rng).ok()?;
        Some(Endpoint {
            state,
            binding: binding.to_owned(),
            token_key,
        })
    }

    fn mint_token(&self, ttl_seconds: u64) -> String {
        let expires = Timestamp::now().epoch_seconds().max(0) as u64 + ttl_seconds;
        let mut token = expires.to_be_bytes().to_vec();
        token.extend_from_slice(hmac::sign(&self.token_key, &self.signed(expires)).as_ref());
        B64.encode(token)
    }

    fn token_valid(&self, token: &[u8]) -> bool {
        let Ok(raw) = B64.decode(token) else {
            return false;
        };
        if raw.len() != 8 + MAC_LEN {
            return false;
        }
        let (expires, mac) = raw.split_at(8);
        let Ok(expires) = <[u8; 8]>::try_from(expires).map(u64::from_be_bytes) else {
            return false;
        };
        let now = Timestamp::now().epoch_seconds().max(0) as u64;
        now < expires && hmac::verify(&self.token_key, &self.signed(expires), mac).is_ok()
    }

    /// What a token's MAC covers: the binding and the expiry.
    fn signed(&self, expires: u64) -> Vec<u8> {
        format!("iamd-imds-token/{}/{expires}", self.binding).into_bytes()
    }
}

pub fn router(endpoint: Endpoint) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(endpoint))
}

async fn handle(
    State(endpoint): State<Arc<Endpoint>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    // Only the head is read; the body of a metadata request means nothing.
    let (request, _) = request.into_parts();
    let (action, response) = answer(&endpoint, peer, &request).await;
    let status = response.status().as_u16();
    endpoint
        .state
        .metrics
        .record_request(WORKLOAD_SERVICE, action, status, started.elapsed());
    tracing::info!(
        workload = %endpoint.binding,
        method = %request.method,
        path = request.uri.path(),
        status,
        latency_us = started.elapsed().as_micros() as u64,
        "imds request"
    );
    response
}

async fn answer(
    endpoint: &Endpoint,
    peer: SocketAddr,
    request: &Parts,
) -> (&'static str, Response) {
    let path = request.uri.path();
    let headers = &request.headers;
    if path == "/latest/api/token" {
        let response = if request.method == Method::PUT {
            put_token(endpoint, headers)
        } else {
            plain(StatusCode::METHOD_NOT_ALLOWED, "")
        };
        return (ACTION_TOKEN, response);
    }
    let token_ok = headers
        .get(TOKEN_HEADER)
        .is_some_and(|t| endpoint.token_valid(t.as_bytes()));
    if !token_ok {
        // IMDSv2 only: no token, a wrong one or an expired one is 401 for any path.
        return (UNKNOWN_ACTION, plain(StatusCode::UNAUTHORIZED, ""));
    }
    if request.method != Method::GET && request.method != Method::HEAD {
        return (UNKNOWN_ACTION, plain(StatusCode::METHOD_NOT_ALLOWED, ""));
    }
    let binding = match super::binding_named(&endpoint.state, &endpoint.binding).await {
        Ok(Some(binding)) => binding,
        Ok(None) => return (UNKNOWN_ACTION, plain(StatusCode::NOT_FOUND, "")),
        Err(e) => {
            tracing::error!(workload = %endpoint.binding, error = %e.message, "reading the workload binding");
            return (UNKNOWN_ACTION, plain(StatusCode::INTERNAL_SERVER_ERROR, ""));
        }
    };
    let result = match path {
        "/latest/meta-data/iam/security-credentials"
        | "/latest/meta-data/iam/security-credentials/" => {
            (ACTION_ROLE_NAME, role_name(endpoint, &binding).await)
        }
        "/latest/meta-data/iam/info" => (ACTION_INFO, info(endpoint, &binding).await),
        "/latest/dynamic/instance-identity/document" => {
            (ACTION_IDENTITY, identity_document(&binding, peer))
        }
        "/latest/meta-data/instance-id" => {
            (ACTION_IDENTITY, plain(StatusCode::OK, &binding.workload_id))
        }
        "/latest/meta-data/placement/region" => (ACTION_IDENTITY, plain(StatusCode::OK, REGION)),
        "/latest/meta-data/placement/availability-zone" => (
            ACTION_IDENTITY,
            plain(StatusCode::OK, &format!("{REGION}a")),
        ),
        _ => match path.strip_prefix(CREDENTIALS_PATH) {
            Some(name) if !name.is_empty() => (
                ACTION_CREDENTIALS,
                role_credentials(endpoint, &binding, name).await,
            ),
            _ => (UNKNOWN_ACTION, plain(StatusCode::NOT_FOUND, "")),
        },
    };
    result
}

fn put_token(endpoint: &Endpoint, headers: &HeaderMap) -> Response {
    // EC2 refuses token requests that went through a proxy.
    if headers.contains_key("x-forwarded-for") {
        return plain(StatusCode::FORBIDDEN, "");
    }
    let ttl = headers
        .get(TTL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ttl| (1..=MAX_TTL_SECONDS).contains(ttl));
    let Some(ttl) = ttl else {
        return plain(StatusCode::BAD_REQUEST, "");
    };
    let mut response = plain(StatusCode::OK, &endpoint.mint_token(ttl));
    if let Ok(value) = HeaderValue::from_str(&ttl.to_string()) {
        response.headers_mut().insert(TTL_HEADER, value);
    }
    response
}

async fn role_name(endpoint: &Endpoint, binding: &WorkloadBinding) -> Response {
    match bound_role(&endpoint.state, binding).await {
        Ok(Ok((role, _))) => plain(StatusCode::OK, &role.name),
        Ok(Err(_)) => plain(StatusCode::NOT_FOUND, ""),
        Err(e) => server_error(endpoint, e.message()),
    }
}

async fn role_credentials(
    endpoint: &Endpoint,
    binding: &WorkloadBinding,
    requested: &str,
) -> Response {
    let role = match bound_role(&endpoint.state, binding).await {
        Ok(Ok((role, _))) if role.name == requested.trim_end_matches('/') => role,
        Ok(_) => return plain(StatusCode::NOT_FOUND, ""),
        Err(e) => return server_error(endpoint, e.message()),
    };
    match super::credentials(&endpoint.state, binding, role).await {
        Ok(Outcome::Issued { credentials, .. }) => json_response(
            StatusCode::OK,
            &json!({
                "Code": "Success",
                "LastUpdated": credentials.claims.issued.iso8601(),
                "Type": "AWS-HMAC",
                "AccessKeyId": credentials.access_key_id,
                "SecretAccessKey": credentials.secret_access_key.expose(),
                "Token": credentials.session_token,
                "Expiration": credentials.expiration.iso8601(),
            }),
        ),
        // EC2 answers a role it cannot assume with an error document, not a status.
        Ok(Outcome::Refused(refusal)) => error_document(&refusal),
        Err(e) => server_error(endpoint, e.message()),
    }
}

async fn info(endpoint: &Endpoint, binding: &WorkloadBinding) -> Response {
    match bound_role(&endpoint.state, binding).await {
        Ok(Ok((_, Some(profile)))) => json_response(
            StatusCode::OK,
            &json!({
                "Code": "Success",
                "LastUpdated": Timestamp::now().iso8601(),
                "InstanceProfileArn": profile.arn(),
                "InstanceProfileId": profile.instance_profile_id,
            }),
        ),
        Ok(Ok((_, None))) | Ok(Err(_)) => plain(StatusCode::NOT_FOUND, ""),
        Err(e) => server_error(endpoint, e.message()),
    }
}

/// The instance identity document: what iamd knows of the workload (account, id,
/// region, when it was bound, the address it reached iamd from); EC2-only facts such as
/// the image id are null.
fn identity_document(binding: &WorkloadBinding, peer: SocketAddr) -> Response {
    let architecture = match std::env::consts::ARCH {
        "aarch64" => "arm64",
        other => other,
    };
    json_response(
        StatusCode::OK,
        &json!({
            "accountId": binding.account_id,
            "architecture": architecture,
            "availabilityZone": format!("{REGION}a"),
            "billingProducts": null,
            "devpayProductCodes": null,
            "marketplaceProductCodes": null,
            "imageId": null,
            "instanceId": binding.workload_id,
            "instanceType": null,
            "kernelId": null,
            "pendingTime": binding.created.iso8601(),
            "privateIp": peer.ip().to_string(),
            "ramdiskId": null,
            "region": REGION,
            "version": "2017-09-30",
        }),
    )
}

fn error_document(refusal: &Refusal) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "Code": refusal.code(),
            "Message": refusal.message(),
            "LastUpdated": Timestamp::now().iso8601(),
        }),
    )
}

fn server_error(endpoint: &Endpoint, detail: &str) -> Response {
    tracing::error!(workload = %endpoint.binding, error = detail, "imds request failed");
    plain(StatusCode::INTERNAL_SERVER_ERROR, "")
}

fn plain(status: StatusCode, body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

/// EC2 serves its JSON documents as `text/plain`; so does this endpoint.
fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    plain(status, &value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_their_listener_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let (master, _) = store::MasterKey::generate().unwrap();
        let store = std::sync::Arc::new(store::SqliteStore::open(dir.path(), master).unwrap());
        let config = crate::config::Settings::default().resolve().unwrap();
        let state = crate::new_state(store, &config);
        let a = Endpoint::new(state.clone(), "a").unwrap();
        let b = Endpoint::new(state, "b").unwrap();
        let token = a.mint_token(60);
        assert!(a.token_valid(token.as_bytes()));
        assert!(!b.token_valid(token.as_bytes()));
        assert!(!a.token_valid(b"not-a-token"));
        let mut raw = B64.decode(&token).unwrap();
        raw[..8].copy_from_slice(&1u64.to_be_bytes());
        assert!(!a.token_valid(B64.encode(&raw).as_bytes()));
    }
}
