//! Service-specific credentials of IAM users: a generated user name and password
//! (CodeCommit, Amazon Keyspaces) or API key (Bedrock, CloudWatch Logs) usable only with
//! one service. Only a hash of the password or key secret is kept.
use crate::time::Timestamp;

/// Credentials per service per user (IAM's quota).
pub const MAX_SERVICE_CREDENTIALS_PER_SERVICE: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCredential {
    pub user_name: String,
    /// `ACCA…`.
    pub id: String,
    /// `codecommit.amazonaws.com`, ...
    pub service: String,
    /// `jane-at-123456789012` (password credentials).
    pub service_user_name: Option<String>,
    /// The public part of an API key (Bedrock, CloudWatch Logs).
    pub alias: Option<String>,
    /// `Active` or `Inactive`.
    pub status: String,
    pub created: Timestamp,
    pub expires: Option<Timestamp>,
}

/// What a new credential is; the secret arrives hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceCredential {
    pub service: String,
    pub service_user_name: Option<String>,
    pub alias: Option<String>,
    pub secret_sha256: String,
    pub expires: Option<Timestamp>,
}
