//! The OpenID discovery endpoints of iamd's issuer: `GET /.well-known/openid-configuration`
//! and `GET /.well-known/jwks.json`, public (no signature), for external services that
//! verify iamd's outbound tokens.
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    let document = federation::issuer::discovery_document(state.web_identity.issuer.url());
    json(StatusCode::OK, document)
}

pub async fn jwks(State(state): State<AppState>) -> Response {
    match state.web_identity.issuer.jwks(&*state.store).await {
        Ok(document) => json(StatusCode::OK, document),
        Err(_) => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            "{\"error\":\"unavailable\"}".to_owned(),
        ),
    }
}
