//! X.509 signing certificates of IAM users and of account roots.
use crate::time::Timestamp;

/// Signing certificates per user (IAM's quota).
pub const MAX_SIGNING_CERTIFICATES_PER_USER: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificate {
    /// `None` for the account root's.
    pub user_name: Option<String>,
    pub certificate_id: String,
    /// As PEM.
    pub body: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub uploaded: Timestamp,
}
