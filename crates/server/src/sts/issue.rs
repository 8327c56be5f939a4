//! Minting temporary credentials once a request has been allowed.
//!
//! Every STS operation that hands out credentials (`AssumeRole`, `GetSessionToken`,
//! `GetFederationToken`, `AssumeRoot`, and the federation operations) decides *whether*
//! on its own, then calls [`issue_session`] with a [`SessionSpec`] saying *what*: the
//! result is an `ASIA…` key id, a fresh secret and the sealed token carrying both.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use store::{SecretString, Tag, Timestamp};

use super::claims::{SessionClaims, SessionKind};
use super::key_id::temporary_key_id;
use super::ring::Purpose;
use crate::error::ApiResult;
use crate::metrics::TokenKind;
use crate::state::AppState;

/// What a new session is. The caller has already decided that it may exist.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    pub kind: SessionKind,
    pub account_id: String,
    /// The role's unique id (`AROA…`) for role sessions, the user's (`AIDA…`) for user
    /// and federated user sessions, the account id for root sessions.
    pub principal_id: String,
    /// The role's or user's name (empty for root sessions).
    pub principal_name: String,
    /// The role's or user's path.
    pub principal_path: String,
    /// `RoleSessionName` / the federated user's name; empty for `GetSessionToken`.
    pub session_name: String,
    /// How long the credentials are valid, already checked against the operation's
    /// limits.
    pub duration_seconds: u32,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    pub tags: Vec<Tag>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    /// When the caller proved possession of an MFA device, if it did.
    pub mfa_authenticated_at: Option<Timestamp>,
    /// A role session assumed by a role session.
    pub chained: bool,
    /// `aws:FederatedProvider` of web identity and SAML sessions.
    pub federated_provider: Option<String>,
    /// Context keys fixed for the session's requests, e.g. identity-provider claims.
    pub extra_context: Vec<(String, Vec<String>)>,
}

impl SessionSpec {
    /// A role session of `role` named `session_name`, with nothing else set.
    pub fn role(role: &store::Role, session_name: &str, duration_seconds: u32) -> Self {
        SessionSpec {
            kind: SessionKind::Role,
            account_id: role.account_id.clone(),
            principal_id: role.role_id.clone(),
            principal_name: role.name.clone(),
            principal_path: role.path.clone(),
            session_name: session_name.to_owned(),
            duration_seconds,
            policy: None,
            policy_arns: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            mfa_authenticated_at: None,
            chained: false,
            federated_provider: None,
            extra_context: Vec::new(),
        }
    }
}

/// Temporary credentials as STS returns them.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub session_token: String,
    pub expiration: Timestamp,
    /// The claims sealed in the token (for the response's `AssumedRoleUser` and the
    /// like).
    pub claims: SessionClaims,
}

impl Credentials {
    /// The `<Credentials>` element of every STS response that returns credentials.
    pub fn write_xml(&self, w: &mut awsquery::XmlWriter) {
        w.element("Credentials", |w| {
            w.text("AccessKeyId", &self.access_key_id);
            w.text("SecretAccessKey", self.secret_access_key.expose());
            w.text("SessionToken", &self.session_token);
            w.text("Expiration", &self.expiration.iso8601());
        });
    }
}

/// Mints credentials for `spec`: a new `ASIA…` key id naming the account, a random
/// secret, and the claims sealed under the newest ring key as the session token.
pub async fn issue_session(state: &AppState, spec: SessionSpec) -> ApiResult<Credentials> {
    let kind = match spec.kind {
        SessionKind::Role if spec.federated_provider.is_some() => TokenKind::Federation,
        SessionKind::Role => TokenKind::AssumeRole,
        SessionKind::User => TokenKind::GetSessionToken,
        SessionKind::FederatedUser => TokenKind::GetFederationToken,
        SessionKind::Root => TokenKind::Root,
    };
    issue_session_for(state, spec, kind).await
}

/// [`issue_session`], counted in `/metrics` as minted for `kind`.
pub async fn issue_session_for(
    state: &AppState,
    spec: SessionSpec,
    kind: TokenKind,
) -> ApiResult<Credentials> {
    let issued = state.sessions.now();
    let expires = Timestamp(issued.millis() + i64::from(spec.duration_seconds) * 1000);
    let claims = SessionClaims {
        kind: spec.kind,
        access_key_id: temporary_key_id(&spec.account_id),
        secret_access_key: store::ids::secret_access_key(),
        account_id: spec.account_id,
        principal_id: spec.principal_id,
        principal_name: spec.principal_name,
        principal_path: spec.principal_path,
        session_name: spec.session_name,
        issued,
        expires,
        policy: spec.policy,
        policy_arns: spec.policy_arns,
        tags: spec.tags,
        transitive_tag_keys: spec.transitive_tag_keys,
        source_identity: spec.source_identity,
        mfa_authenticated_at: spec.mfa_authenticated_at,
        chained: spec.chained,
        federated_provider: spec.federated_provider,
        extra_context: spec.extra_context,
    };
    let mut plain = claims.encode();
    let sealed = state
        .sessions
        .ring
        .seal(Purpose::SessionToken, &plain)
        .await;
    zeroize::Zeroize::zeroize(&mut plain);
    let sealed = sealed?;
    state.metrics.record_token(kind);
    Ok(Credentials {
        access_key_id: claims.access_key_id.clone(),
        secret_access_key: claims.secret_access_key.clone(),
        session_token: B64.encode(sealed),
        expiration: expires,
        claims,
    })
}
