//! The one error type of the API: every failure (decoding, authentication, validation,
//! authorization, store) becomes an AWS error code, message and HTTP status here, and
//! is rendered as AWS's `<ErrorResponse>` in [`ApiError::into_xml`].
use awsquery::{DecodeError, QueryError};
use sigv4::AuthError;
use store::{ErrorKind, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub QueryError);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError(QueryError::new(code, message))
    }

    /// `ValidationError` with AWS's message.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError(QueryError::validation(message))
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new("InvalidInput", message)
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new("AccessDenied", message)
    }

    /// An internal failure: the detail goes to the log, the client gets AWS's words.
    pub fn service_failure(detail: &str) -> Self {
        tracing::error!(detail, "service failure");
        Self::new(
            "ServiceFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    pub fn code(&self) -> &str {
        &self.0.code
    }

    pub fn status(&self) -> u16 {
        self.0.http_status
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn into_xml(self, namespace: &str, request_id: &str) -> String {
        self.0.to_xml(namespace, request_id)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.kind {
            ErrorKind::ServiceFailure => ApiError::service_failure(&e.message),
            kind => ApiError::new(kind.code(), e.message),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let mut error = QueryError::new(e.code(), e.message());
        error.http_status = e.http_status();
        ApiError(error)
    }
}

impl From<DecodeError> for ApiError {
    fn from(e: DecodeError) -> Self {
        ApiError(e.to_query_error())
    }
}

impl From<awsquery::validate::ValidationErrors> for ApiError {
    fn from(e: awsquery::validate::ValidationErrors) -> Self {
        ApiError(e.to_query_error())
    }
}

impl From<policy::error::PolicyError> for ApiError {
    fn from(e: policy::error::PolicyError) -> Self {
        ApiError::new(e.code.as_str(), e.message)
    }
}
