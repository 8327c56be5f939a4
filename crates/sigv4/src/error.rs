//! Authentication failures, each mapped to the error code, HTTP status and wording AWS
//! answers with for query-protocol services (IAM, STS).

use std::fmt;

/// Why a request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Neither an `Authorization` header nor presigned query parameters.
    MissingAuthenticationToken,
    /// The authentication information is malformed or incomplete; the text says how.
    IncompleteSignature(String),
    /// The signature does not verify, or the credential scope or timestamp is not
    /// acceptable. `None` gives AWS's standard sentence; `Some` a specific one (clock
    /// skew, wrong service or date in the scope).
    SignatureDoesNotMatch(Option<String>),
    /// A presigned request used after `X-Amz-Date + X-Amz-Expires`.
    RequestExpired,
    /// The access key id is unknown (decided by the caller, which owns the keys).
    InvalidClientTokenId,
    /// The session token has expired (decided by the caller).
    ExpiredToken,
}

/// AWS's sentence for a signature that does not verify.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

impl AuthError {
    /// The AWS error code (`<Code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            Self::RequestExpired => "RequestExpired",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::ExpiredToken => "ExpiredToken",
        }
    }

    /// The HTTP status AWS answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingAuthenticationToken
            | Self::SignatureDoesNotMatch(_)
            | Self::InvalidClientTokenId
            | Self::ExpiredToken => 403,
            Self::IncompleteSignature(_) | Self::RequestExpired => 400,
        }
    }

    /// The human-readable text (`<Message>`).
    pub fn message(&self) -> &str {
        match self {
            Self::MissingAuthenticationToken => "Request is missing Authentication Token",
            Self::IncompleteSignature(m) => m,
            Self::SignatureDoesNotMatch(Some(m)) => m,
            Self::SignatureDoesNotMatch(None) => SIGNATURE_MISMATCH_MESSAGE,
            Self::RequestExpired => "Request has expired.",
            Self::InvalidClientTokenId => "The security token included in the request is invalid.",
            Self::ExpiredToken => "The security token included in the request is expired",
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for AuthError {}
