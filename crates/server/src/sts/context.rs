//! The condition keys a session adds to the context of each of its requests.
use policy::request::{Context, ContextValue};
use store::Timestamp;

use super::claims::SessionClaims;

/// `aws:TokenIssueTime`, `aws:MultiFactorAuthPresent` (always present for temporary
/// credentials) and `aws:MultiFactorAuthAge`, session tags as `aws:PrincipalTag/*`
/// (over the identity's own tags, which the caller inserted before), the source
/// identity, the federated provider and any keys the session fixes.
pub fn add_session_keys(c: &mut Context, session: &SessionClaims, now: Timestamp) {
    c.insert(
        "aws:TokenIssueTime",
        ContextValue::single(session.issued.iso8601()),
    );
    match session.mfa_authenticated_at {
        Some(at) => {
            c.insert("aws:MultiFactorAuthPresent", ContextValue::single("true"));
            let age = (now.millis() - at.millis()).max(0) / 1000;
            c.insert(
                "aws:MultiFactorAuthAge",
                ContextValue::single(age.to_string()),
            );
        }
        None => c.insert("aws:MultiFactorAuthPresent", ContextValue::single("false")),
    }
    for tag in &session.tags {
        c.insert(
            &format!("aws:PrincipalTag/{}", tag.key),
            ContextValue::single(tag.value.clone()),
        );
    }
    if let Some(source) = &session.source_identity {
        c.insert("aws:SourceIdentity", ContextValue::single(source.clone()));
    }
    if let Some(provider) = &session.federated_provider {
        c.insert(
            "aws:FederatedProvider",
            ContextValue::single(provider.clone()),
        );
    }
    for (key, values) in &session.extra_context {
        let value = if values.len() == 1 {
            ContextValue::single(values.concat())
        } else {
            ContextValue::multi(values.iter().cloned())
        };
        c.insert(key, value);
    }
}
