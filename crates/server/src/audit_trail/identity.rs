//! `userIdentity` for each kind of caller: authenticated principals (with the
//! `sessionContext` of temporary credentials), the federated callers of the unsigned
//! STS operations (named by what the verified token or assertion said), and callers
//! whose authentication failed (named by the access key they claimed).
use audit::record::{
    IdentityType, SessionAttributes, SessionContext, SessionIssuer, UserIdentity,
    WebIdFederationData,
};
use serde_json::Value;
use store::{iam_arn, root_arn, KeyOwner};

use super::classify::arn_account;
use crate::identity::{Caller, CallerKind};
use crate::pipeline::Incoming;
use crate::state::AppState;

/// The identity of an authenticated caller.
pub fn of_caller(caller: &Caller) -> UserIdentity {
    let account = caller.account_id.clone();
    let mut id = UserIdentity {
        principal_id: Some(caller.unique_id()),
        arn: Some(caller.arn.clone()),
        account_id: Some(account.clone()),
        access_key_id: Some(caller.access_key_id.clone()),
        ..UserIdentity::of(IdentityType::Unknown)
    };
    let mut issuer = None;
    match &caller.kind {
        CallerKind::Root => id.kind = IdentityType::Root,
        CallerKind::User { name, .. } => {
            id.kind = IdentityType::IamUser;
            id.user_name = Some(name.clone());
        }
        CallerKind::AssumedRole {
            role_id,
            role_name,
            role_path,
            ..
        } => {
            id.kind = IdentityType::AssumedRole;
            issuer = Some(SessionIssuer {
                kind: "Role".into(),
                principal_id: role_id.clone(),
                arn: iam_arn(&account, "role", role_path, role_name),
                account_id: account.clone(),
                user_name: role_name.clone(),
            });
        }
        CallerKind::FederatedUser {
            user_id,
            user_name,
            user_path,
            ..
        } => {
            id.kind = IdentityType::FederatedUser;
            issuer = Some(SessionIssuer {
                kind: "IAMUser".into(),
                principal_id: user_id.clone(),
                arn: iam_arn(&account, "user", user_path, user_name),
                account_id: account.clone(),
                user_name: user_name.clone(),
            });
        }
    }
    if let Some(claims) = &caller.session {
        id.session_context = Some(SessionContext {
            session_issuer: issuer,
            web_id_federation_data: claims.federated_provider.as_ref().map(|provider| {
                WebIdFederationData {
                    federated_provider: Some(provider.clone()),
                    attributes: serde_json::Map::new(),
                }
            }),
            attributes: SessionAttributes {
                creation_date: claims.issued.iso8601(),
                mfa_authenticated: claims.mfa_authenticated_at.is_some().to_string(),
            },
            source_identity: claims.source_identity.clone(),
        });
    }
    id
}

/// The caller of `AssumeRoleWithWebIdentity` or `AssumeRoleWithSAML`, as the response
/// names it (only a verified token or assertion gets that far), and the account of the
/// role asked for.
pub fn of_unsigned(
    action: &str,
    response_xml: Option<&str>,
    request_parameters: Option<&Value>,
) -> (UserIdentity, Option<String>) {
    let account = request_parameters
        .and_then(|p| p.get("roleArn"))
        .and_then(Value::as_str)
        .and_then(arn_account)
        .map(str::to_owned);
    let doc = response_xml.and_then(|xml| roxmltree::Document::parse(xml).ok());
    let field = |name: &str| -> Option<String> {
        doc.as_ref()?
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    let identity = match action {
        "AssumeRoleWithWebIdentity" => match field("SubjectFromWebIdentityToken") {
            Some(subject) => {
                let provider = field("Provider").unwrap_or_default();
                let audience = field("Audience").unwrap_or_default();
                UserIdentity {
                    principal_id: Some(format!("{provider}:{audience}:{subject}")),
                    user_name: Some(subject),
                    identity_provider: Some(provider),
                    ..UserIdentity::of(IdentityType::WebIdentityUser)
                }
            }
            None => UserIdentity::of(IdentityType::Unknown),
        },
        "AssumeRoleWithSAML" => match field("Subject") {
            Some(subject) => {
                let qualifier = field("NameQualifier").unwrap_or_default();
                UserIdentity {
                    principal_id: Some(format!("{qualifier}:{subject}")),
                    user_name: Some(subject),
                    identity_provider: Some(qualifier),
                    ..UserIdentity::of(IdentityType::SamlUser)
                }
            }
            None => UserIdentity::of(IdentityType::Unknown),
        },
        _ => UserIdentity::of(IdentityType::Unknown),
    };
    (identity, account)
}

/// The access key id a request claims, from its `Authorization` header or its
/// presigned `X-Amz-Credential` query parameter.
pub fn claimed_access_key(req: &Incoming<'_>) -> Option<String> {
    let header = req
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok());
    let credential = match header {
        Some(h) => h
            .split([',', ' '])
            .find_map(|part| part.trim().strip_prefix("Credential="))?
            .to_owned(),
        None => req.query.split('&').find_map(|pair| {
            let value = pair.strip_prefix("X-Amz-Credential=")?;
            Some(value.replace("%2F", "/").replace("%2f", "/"))
        })?,
    };
    let key = credential.split('/').next()?;
    (!key.is_empty() && key.len() <= 128 && key.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| key.to_owned())
}

/// A caller whose authentication failed: the owner of the access key it claimed when
/// that key exists (and its account, which the event then belongs to), else `Unknown`.
pub async fn of_unauthenticated(
    state: &AppState,
    req: &Incoming<'_>,
) -> (UserIdentity, Option<String>) {
    let Some(key) = claimed_access_key(req) else {
        return (UserIdentity::of(IdentityType::Unknown), None);
    };
    let unknown = |account: Option<String>| UserIdentity {
        access_key_id: Some(key.clone()),
        account_id: account,
        ..UserIdentity::of(IdentityType::Unknown)
    };
    if key.starts_with("ASIA") {
        let account = crate::sts::key_id::account_of_key_id(&key);
        return (unknown(account.clone()), account);
    }
    let Ok(Some(credential)) = state.credentials.get(&key).await else {
        return (unknown(None), None);
    };
    let account = credential.account_id.clone();
    let identity = match &credential.owner {
        KeyOwner::Root => UserIdentity {
            principal_id: Some(account.clone()),
            arn: Some(root_arn(&account)),
            account_id: Some(account.clone()),
            access_key_id: Some(key.clone()),
            ..UserIdentity::of(IdentityType::Root)
        },
        KeyOwner::User {
            user_id,
            name,
            path,
        } => UserIdentity {
            principal_id: Some(user_id.clone()),
            arn: Some(iam_arn(&account, "user", path, name)),
            account_id: Some(account.clone()),
            access_key_id: Some(key.clone()),
            user_name: Some(name.clone()),
            ..UserIdentity::of(IdentityType::IamUser)
        },
    };
    (identity, Some(account))
}
