//! Encoded authorization failure messages: the full context of a refusal, sealed under
//! the session key ring so that only `sts:DecodeAuthorizationMessage` (through iamd)
//! reveals it. The decoded document has the shape AWS's has: `allowed`,
//! `explicitDeny`, `matchedStatements`, `failures` and the request `context`
//! (principal, action, resource, condition keys).
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use policy::decision::Outcome;
use policy::request::Context;

use super::ring::{OpenError, Purpose};
use crate::authz::{decide, Permissions};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use crate::state::AppState;

/// What precedes the encoded message at the end of an `AccessDenied` message.
pub const MARKER: &str = "Encoded authorization failure message: ";

/// What a refusal was about.
pub struct Refusal<'a> {
    pub caller: &'a Caller,
    pub action: &'a str,
    pub resource: &'a str,
    pub context: &'a Context,
    pub explicit_deny: bool,
    /// The `Deny` statements that matched (their ids), for an explicit deny.
    pub matched_statements: &'a [String],
}

/// The decoded JSON document of `refusal`.
pub fn document(refusal: &Refusal<'_>) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str("{\"allowed\":false,\"explicitDeny\":");
    out.push_str(if refusal.explicit_deny {
        "true"
    } else {
        "false"
    });
    out.push_str(",\"matchedStatements\":{\"items\":[");
    for (i, id) in refusal.matched_statements.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"statementId\":");
        json_string(&mut out, id);
        out.push_str(",\"effect\":\"DENY\"}");
    }
    out.push_str("]},\"failures\":{\"items\":[]},\"context\":{\"principal\":{\"id\":");
    json_string(&mut out, &refusal.caller.unique_id());
    out.push_str(",\"arn\":");
    json_string(&mut out, &refusal.caller.arn);
    out.push_str("},\"action\":");
    json_string(&mut out, refusal.action);
    out.push_str(",\"resource\":");
    json_string(&mut out, refusal.resource);
    out.push_str(",\"conditions\":{\"items\":[");
    for (i, (key, value)) in refusal.context.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        json_string(&mut out, key);
        out.push_str(",\"values\":{\"items\":[");
        for (j, v) in value.values.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str("{\"value\":");
            json_string(&mut out, v);
            out.push('}');
        }
        out.push_str("]}}");
    }
    out.push_str("]}}}");
    out
}

/// The encoded message of `refusal` (what follows "Encoded authorization failure
/// message: ").
pub async fn encode(state: &AppState, refusal: &Refusal<'_>) -> ApiResult<String> {
    let sealed = state
        .sessions
        .ring
        .seal(Purpose::AuthorizationMessage, document(refusal).as_bytes())
        .await?;
    Ok(B64.encode(sealed))
}

/// An `AccessDenied` worded `sentence`, ending with the encoded message of `refusal`
/// as AWS's services end theirs. Should sealing fail, the sentence alone is answered.
pub async fn refuse(state: &AppState, sentence: &str, refusal: &Refusal<'_>) -> ApiError {
    match encode(state, refusal).await {
        Ok(encoded) => ApiError::access_denied(format!("{sentence}. {MARKER}{encoded}")),
        Err(e) => {
            tracing::warn!(error = %e.message(), "authorization message not encoded");
            ApiError::access_denied(sentence.to_owned())
        }
    }
}

/// [`crate::authz::authorize`] whose refusal carries the encoded message.
pub async fn authorize(
    state: &AppState,
    caller: &Caller,
    permissions: &Permissions,
    action: &str,
    resource_arn: &str,
    context: Context,
) -> ApiResult<Outcome> {
    match decide(caller, permissions, action, resource_arn, context) {
        Ok(outcome) => Ok(outcome),
        Err(denial) => {
            let refusal = Refusal {
                caller,
                action,
                resource: resource_arn,
                context: &denial.request.context,
                explicit_deny: denial.explicit_deny,
                matched_statements: &denial.matched_statements,
            };
            Err(refuse(state, &denial.sentence, &refusal).await)
        }
    }
}

/// The document an encoded message holds; `InvalidAuthorizationMessageException` when
/// it is not one iamd produced (or its key was retired).
pub async fn decode(state: &AppState, encoded: &str) -> ApiResult<String> {
    let invalid = || {
        ApiError::new(
            "InvalidAuthorizationMessageException",
            "The encoded authorization message is invalid or has expired.",
        )
    };
    let sealed = B64.decode(encoded.trim()).map_err(|_| invalid())?;
    match state
        .sessions
        .ring
        .open(Purpose::AuthorizationMessage, &sealed)
        .await
    {
        Ok(plain) => String::from_utf8(plain).map_err(|_| invalid()),
        Err(OpenError::Invalid) => Err(invalid()),
        Err(OpenError::Unavailable) => Err(ApiError::service_failure(
            "the session key ring could not be read",
        )),
    }
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use policy::request::ContextValue;
    use store::{MasterKey, SqliteStore};

    use super::*;

    #[tokio::test]
    async fn messages_round_trip_and_foreign_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (key, _) = MasterKey::generate().unwrap();
        let store: Arc<dyn store::Store> = Arc::new(SqliteStore::open(dir.path(), key).unwrap());
        let config = crate::Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            max_body_bytes: 1024,
            metrics_token: None,
            audit_dir: None,
            workloads: Vec::new(),
        };
        let state = crate::new_state(store, &config);
        let caller = Caller::user("123456789012", "AKIAX", "AIDAX", "jane", "/");
        let mut context = Context::new();
        context.insert("aws:SourceIp", ContextValue::single("10.0.0.1"));
        context.insert("aws:TagKeys", ContextValue::multi(["a\"b", "c"]));
        let refusal = Refusal {
            caller: &caller,
            action: "iam:CreateUser",
            resource: "arn:aws:iam::123456789012:user/bob",
            context: &context,
            explicit_deny: true,
            matched_statements: &["DenyAll".to_owned()],
        };
        let encoded = encode(&state, &refusal).await.unwrap();
        assert!(!encoded.contains("CreateUser"));
        let decoded = decode(&state, &encoded).await.unwrap();
        assert_eq!(decoded, document(&refusal));
        assert!(decoded.starts_with(
            r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyAll","effect":"DENY"}]},"#
        ));
        assert!(decoded.contains(
            r#"{"key":"aws:tagkeys","values":{"items":[{"value":"a\"b"},{"value":"c"}]}}"#
        ));
        assert!(decoded
            .contains(r#""principal":{"id":"AIDAX","arn":"arn:aws:iam::123456789012:user/jane"}"#));
        let err = decode(&state, "bm90IG91cnM=").await.unwrap_err();
        assert_eq!(err.code(), "InvalidAuthorizationMessageException");
    }
}
