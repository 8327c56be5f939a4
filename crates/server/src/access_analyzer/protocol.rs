//! The `rest-json` protocol of IAM Access Analyzer: errors as an `x-amzn-ErrorType`
//! header plus `{"message": ...}` with the model's HTTP status, percent-decoding of
//! path labels and query strings, and opaque pagination tokens.
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// An Access Analyzer error: the error type (the model's exception name), the HTTP
/// status the model gives it, the message and the exception's other members.
#[derive(Debug, Clone, PartialEq)]
pub struct AaError {
    pub code: &'static str,
    pub status: u16,
    pub message: String,
    pub members: Map<String, Value>,
}

pub type AaResult<T> = Result<T, AaError>;

impl AaError {
    fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        AaError {
            code,
            status,
            message: message.into(),
            members: Map::new(),
        }
    }

    fn with(mut self, name: &str, value: Value) -> Self {
        self.members.insert(name.to_owned(), value);
        self
    }

    /// `ValidationException` for one field (reason `fieldValidationFailed`).
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AaError::new("ValidationException", 400, message.clone())
            .with("reason", json!("fieldValidationFailed"))
            .with("fieldList", json!([{ "name": name, "message": message }]))
    }

    /// `ValidationException` with another reason (`cannotParse`, `unknownOperation`,
    /// `notSupported`, `other`).
    pub fn validation(reason: &str, message: impl Into<String>) -> Self {
        AaError::new("ValidationException", 400, message).with("reason", json!(reason))
    }

    pub fn not_found(resource_type: &str, id: &str) -> Self {
        let kind = type_name(resource_type);
        AaError::new(
            "ResourceNotFoundException",
            404,
            format!("{resource_type} {id} not found."),
        )
        .with("resourceId", json!(id))
        .with("resourceType", json!(kind))
    }

    pub fn conflict(resource_type: &str, id: &str) -> Self {
        let kind = type_name(resource_type);
        AaError::new(
            "ConflictException",
            409,
            format!("{resource_type} {id} already exists."),
        )
        .with("resourceId", json!(id))
        .with("resourceType", json!(kind))
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        AaError::new("InvalidParameterException", 400, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        AaError::new("UnprocessableEntityException", 422, message)
    }

    pub fn internal(detail: &str) -> Self {
        tracing::error!(detail, "service failure");
        AaError::new(
            "InternalServerException",
            500,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    /// The JSON body of the error.
    pub fn to_json(&self) -> String {
        let mut body = self.members.clone();
        body.insert("message".to_owned(), json!(self.message));
        Value::Object(body).to_string()
    }
}

/// The `resourceType` member for a resource named in words: `Archive rule` →
/// `ArchiveRule`.
fn type_name(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl From<ApiError> for AaError {
    /// Errors of the shared layers (authentication, authorization, store) under the
    /// names this protocol uses for them.
    fn from(e: ApiError) -> Self {
        let message = e.message().to_owned();
        match e.code() {
            "AccessDenied" => AaError::new("AccessDeniedException", 403, message),
            "InvalidClientTokenId" => AaError::new("UnrecognizedClientException", 403, message),
            "SignatureDoesNotMatch" => AaError::new("InvalidSignatureException", 403, message),
            "MissingAuthenticationToken" => {
                AaError::new("MissingAuthenticationTokenException", 403, message)
            }
            "IncompleteSignature" => AaError::new("IncompleteSignatureException", 400, message),
            "RequestExpired" => AaError::new("InvalidSignatureException", 403, message),
            "ExpiredToken" => AaError::new("ExpiredTokenException", 403, message),
            "NoSuchEntity" => AaError::new("ResourceNotFoundException", 404, message),
            "EntityAlreadyExists" => AaError::new("ConflictException", 409, message),
            "LimitExceeded" => AaError::new("ServiceQuotaExceededException", 402, message),
            "InvalidInput" | "ValidationError" | "MalformedPolicyDocument" => {
                AaError::validation("other", message)
            }
            "ServiceFailure" => AaError::internal(&message),
            _ => AaError::validation("other", message),
        }
    }
}

impl From<store::StoreError> for AaError {
    fn from(e: store::StoreError) -> Self {
        AaError::from(ApiError::from(e))
    }
}

/// Percent-decodes one path segment or query component (`+` is a space only in a
/// query string).
pub fn percent_decode(text: &str, plus_is_space: bool) -> AaResult<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        AaError::validation(
                            "cannotParse",
                            "Malformed percent-encoding in the request.",
                        )
                    })?;
                out.push(hex);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map_err(|_| AaError::validation("cannotParse", "The request is not valid UTF-8."))
}

/// The query string as (name, value) pairs, decoded.
pub fn parse_query(query: &str) -> AaResult<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(name, true)?, percent_decode(value, true)?))
        })
        .collect()
}

/// A pagination token: the sort key of the last item of the previous page, opaque.
pub fn encode_token(last_key: &str) -> String {
    B64.encode(last_key.as_bytes())
}

pub fn decode_token(token: &str) -> AaResult<String> {
    B64.decode(token.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| AaError::field("nextToken", "Invalid pagination token."))
}

/// One page of `items` (sorted by `key`) after `token`, at most `max` long, and the
/// token of the next page.
pub fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    token: Option<&str>,
    max: usize,
) -> AaResult<(Vec<T>, Option<String>)> {
    let after = token.map(decode_token).transpose()?;
    let mut rest: Vec<T> = match &after {
        Some(after) => items.into_iter().filter(|i| key(i) > *after).collect(),
        None => items,
    };
    if rest.len() <= max {
        return Ok((rest, None));
    }
    rest.truncate(max);
    let next = rest.last().map(|last| encode_token(&key(last)));
    Ok((rest, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_labels_and_queries() {
        assert_eq!(
            percent_decode("arn%3Aaws%3Aaccess-analyzer%2Fx", false).unwrap(),
            "arn:aws:access-analyzer/x"
        );
        assert_eq!(
            parse_query("tagKeys=a&tagKeys=b+c&x").unwrap(),
            vec![
                ("tagKeys".to_owned(), "a".to_owned()),
                ("tagKeys".to_owned(), "b c".to_owned()),
                ("x".to_owned(), String::new())
            ]
        );
        assert!(percent_decode("%zz", false).is_err());
    }

    #[test]
    fn pages_follow_the_sort_key() {
        let items: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (first, token) = page(items.clone(), |s| s.clone(), None, 2).unwrap();
        assert_eq!(first, ["a", "b"]);
        let (second, token) = page(items.clone(), |s| s.clone(), token.as_deref(), 2).unwrap();
        assert_eq!(second, ["c", "d"]);
        let (third, token) = page(items, |s| s.clone(), token.as_deref(), 2).unwrap();
        assert_eq!(third, ["e"]);
        assert!(token.is_none());
        assert!(decode_token("%%%").is_err());
    }

    #[test]
    fn errors_carry_the_model_members() {
        let e = AaError::not_found("Analyzer", "x");
        let body: Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(body["resourceId"], "x");
        assert_eq!(body["message"], "Analyzer x not found.");
        assert_eq!(e.status, 404);
        let body: Value =
            serde_json::from_str(&AaError::conflict("Archive rule", "r").to_json()).unwrap();
        assert_eq!(body["resourceType"], "ArchiveRule");
    }
}
