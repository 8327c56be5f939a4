//! The CloudTrail record: one event per API call, with CloudTrail's field names, field
//! order and value shapes (booleans of `sessionContext.attributes.mfaAuthenticated` are
//! strings, as CloudTrail writes them; `requestParameters` and `responseElements` are
//! `null` when there is nothing to show).
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The record format version written.
pub const EVENT_VERSION: &str = "1.09";
/// `eventType` of an API call.
pub const AWS_API_CALL: &str = "AwsApiCall";
/// `eventCategory` of a management event.
pub const MANAGEMENT: &str = "Management";

/// One CloudTrail event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub event_version: String,
    pub user_identity: UserIdentity,
    /// `2026-11-23T17:07:53Z`.
    pub event_time: String,
    /// `iam.amazonaws.com`, `sts.amazonaws.com`, `cloudtrail.amazonaws.com`, ...
    pub event_source: String,
    pub event_name: String,
    pub aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    pub user_agent: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The request's parameters, secrets left out.
    #[serde(default)]
    pub request_parameters: Option<Value>,
    /// What a successful call that changes something (or mints credentials) answered,
    /// secrets left out.
    #[serde(default)]
    pub response_elements: Option<Value>,
    #[serde(rename = "requestID")]
    pub request_id: String,
    #[serde(rename = "eventID")]
    pub event_id: String,
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    pub event_type: String,
    pub management_event: bool,
    /// The account the event belongs to; absent when the caller could not be tied to
    /// any account (an unknown access key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_account_id: Option<String>,
    pub event_category: String,
}

/// A resource the call acted on (`resources[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    #[serde(rename = "accountId", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// `AWS::IAM::User`, `AWS::IAM::Role`, ...
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "ARN")]
    pub arn: String,
}

/// `userIdentity.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityType {
    Root,
    #[serde(rename = "IAMUser")]
    IamUser,
    AssumedRole,
    FederatedUser,
    WebIdentityUser,
    #[serde(rename = "SAMLUser")]
    SamlUser,
    #[serde(rename = "AWSAccount")]
    AwsAccount,
    Unknown,
}

/// `userIdentity`: who made the call and with which credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    #[serde(rename = "type")]
    pub kind: IdentityType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<SessionContext>,
    /// The identity provider of a `WebIdentityUser` or `SAMLUser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
}

impl UserIdentity {
    /// An identity of `kind` with no details yet.
    pub fn of(kind: IdentityType) -> Self {
        UserIdentity {
            kind,
            principal_id: None,
            arn: None,
            account_id: None,
            access_key_id: None,
            user_name: None,
            session_context: None,
            identity_provider: None,
        }
    }
}

/// `userIdentity.sessionContext`: present when the caller used temporary credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_id_federation_data: Option<WebIdFederationData>,
    pub attributes: SessionAttributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// `sessionContext.attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAttributes {
    /// When the session was issued (`2026-11-23T17:07:53Z`).
    pub creation_date: String,
    /// `"true"` or `"false"`: a string, as CloudTrail writes it.
    pub mfa_authenticated: String,
}

/// `sessionContext.sessionIssuer`: the role (or user) the session was obtained from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    /// `Role`, `IAMUser` or `Root`.
    #[serde(rename = "type")]
    pub kind: String,
    pub principal_id: String,
    pub arn: String,
    pub account_id: String,
    pub user_name: String,
}

/// `sessionContext.webIdFederationData`: the provider of a web identity role session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebIdFederationData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federated_provider: Option<String>,
    #[serde(default)]
    pub attributes: serde_json::Map<String, Value>,
}

impl Record {
    /// The name LookupEvents reports as `Username`: the user's name, the role session
    /// name of an assumed role, `root` for the account root, the federated user's name,
    /// the identity provider's subject for federated callers.
    pub fn lookup_username(&self) -> Option<String> {
        let id = &self.user_identity;
        match id.kind {
            IdentityType::Root => Some("root".to_owned()),
            IdentityType::AssumedRole | IdentityType::FederatedUser => id
                .arn
                .as_deref()
                .and_then(|arn| arn.rsplit('/').next())
                .map(str::to_owned),
            _ => id.user_name.clone(),
        }
    }

    /// The principal for humans: the ARN, else the user name, else the type.
    pub fn principal_label(&self) -> String {
        let id = &self.user_identity;
        id.arn
            .clone()
            .or_else(|| id.user_name.clone())
            .unwrap_or_else(|| format!("{:?}", id.kind))
    }

    /// `iam:CreateUser` for `iam.amazonaws.com` / `CreateUser`.
    pub fn action_label(&self) -> String {
        let service = self
            .event_source
            .split('.')
            .next()
            .unwrap_or(&self.event_source);
        format!("{service}:{}", self.event_name)
    }

    /// One line for humans: time, principal, event, result.
    pub fn human_line(&self) -> String {
        let result = match (&self.error_code, &self.error_message) {
            (Some(code), Some(message)) => format!("{code}: {}", first_sentence(message)),
            (Some(code), None) => code.clone(),
            _ => "OK".to_owned(),
        };
        format!(
            "{}  {}  {}  {}  {}",
            self.event_time,
            self.principal_label(),
            self.action_label(),
            self.source_ip_address,
            result
        )
    }
}

/// The message up to its first sentence end, so that a long encoded authorization
/// message does not flood a terminal line.
fn first_sentence(message: &str) -> &str {
    match message.find(". ") {
        Some(end) => message.get(..=end).unwrap_or(message),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            event_version: EVENT_VERSION.into(),
            user_identity: UserIdentity {
                principal_id: Some("AIDAEXAMPLE".into()),
                arn: Some("arn:aws:iam::123456789012:user/Alice".into()),
                account_id: Some("123456789012".into()),
                access_key_id: Some("AKIAEXAMPLE".into()),
                user_name: Some("Alice".into()),
                ..UserIdentity::of(IdentityType::IamUser)
            },
            event_time: "2026-11-23T17:07:53Z".into(),
            event_source: "iam.amazonaws.com".into(),
            event_name: "CreateUser".into(),
            aws_region: "us-east-1".into(),
            source_ip_address: "127.0.0.1".into(),
            user_agent: "aws-cli/1.0".into(),
            error_code: None,
            error_message: None,
            request_parameters: Some(serde_json::json!({"userName": "Bob"})),
            response_elements: None,
            request_id: "r".into(),
            event_id: "e".into(),
            read_only: false,
            resources: vec![],
            event_type: AWS_API_CALL.into(),
            management_event: true,
            recipient_account_id: Some("123456789012".into()),
            event_category: MANAGEMENT.into(),
        }
    }

    #[test]
    fn serializes_with_cloudtrail_field_names_in_order() {
        let json = serde_json::to_string(&sample()).unwrap();
        let keys = [
            "\"eventVersion\":\"1.09\"",
            "\"userIdentity\":{\"type\":\"IAMUser\"",
            "\"eventTime\"",
            "\"eventSource\"",
            "\"eventName\"",
            "\"awsRegion\"",
            "\"sourceIPAddress\"",
            "\"userAgent\"",
            "\"requestParameters\":{\"userName\":\"Bob\"}",
            "\"responseElements\":null",
            "\"requestID\"",
            "\"eventID\"",
            "\"readOnly\":false",
            "\"eventType\":\"AwsApiCall\"",
            "\"managementEvent\":true",
            "\"recipientAccountId\"",
            "\"eventCategory\":\"Management\"",
        ];
        let mut at = 0;
        for key in keys {
            let found = json[at..]
                .find(key)
                .unwrap_or_else(|| panic!("{key} in {json}"));
            at += found;
        }
        assert!(!json.contains("errorCode"));
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn human_lines_name_time_principal_event_and_result() {
        let mut r = sample();
        assert_eq!(
            r.human_line(),
            "2026-11-23T17:07:53Z  arn:aws:iam::123456789012:user/Alice  iam:CreateUser  127.0.0.1  OK"
        );
        r.error_code = Some("AccessDenied".into());
        r.error_message = Some("User: x is not authorized. Encoded message: abc".into());
        assert!(r
            .human_line()
            .ends_with("AccessDenied: User: x is not authorized."));
    }
}
