//! IAM server certificates (TLS certificates for services that read them from IAM): the
//! certificate, its chain, and the private key, which is kept sealed and never read
//! back through the API.
use crate::model::{iam_arn, Tag};
use crate::secret::SecretString;
use crate::time::Timestamp;

/// Server certificates per account (IAM's quota).
pub const MAX_SERVER_CERTIFICATES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCertificate {
    pub account_id: String,
    /// `ASCA…`.
    pub id: String,
    pub name: String,
    pub path: String,
    /// PEM.
    pub body: String,
    pub chain: Option<String>,
    pub uploaded: Timestamp,
    /// The certificate's notAfter.
    pub expiration: Timestamp,
    pub tags: Vec<Tag>,
}

impl ServerCertificate {
    pub fn arn(&self) -> String {
        iam_arn(
            &self.account_id,
            "server-certificate",
            &self.path,
            &self.name,
        )
    }
}

#[derive(Debug, Clone)]
pub struct NewServerCertificate {
    pub name: String,
    pub path: String,
    pub body: String,
    pub chain: Option<String>,
    /// PEM; sealed with the master key before it is written.
    pub private_key: SecretString,
    pub expiration: Timestamp,
    pub tags: Vec<Tag>,
}
