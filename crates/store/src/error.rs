//! The store's error: an IAM error kind plus AWS's message, so the server maps it to
//! the AWS error code and status without knowing which backend produced it.
use std::fmt;

/// What went wrong, in the terms of IAM's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `NoSuchEntity` (404).
    NoSuchEntity,
    /// `EntityAlreadyExists` (409).
    EntityAlreadyExists,
    /// `DeleteConflict` (409).
    DeleteConflict,
    /// `LimitExceeded` (409).
    LimitExceeded,
    /// `InvalidInput` (400): e.g. an undecodable pagination marker.
    InvalidInput,
    /// `DuplicateSSHPublicKey` (400): the user already has this SSH public key.
    DuplicateSshPublicKey,
    /// `DuplicateCertificate` (409): the certificate is already an owner's in the account.
    DuplicateCertificate,
    /// `ConcurrentModification` (409): the entity changed since it was read.
    ConcurrentModification,
    /// `ServiceFailure` (500): the backend failed (I/O, corruption, a bug).
    ServiceFailure,
}

impl ErrorKind {
    /// The AWS error code.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::NoSuchEntity => "NoSuchEntity",
            ErrorKind::EntityAlreadyExists => "EntityAlreadyExists",
            ErrorKind::DeleteConflict => "DeleteConflict",
            ErrorKind::LimitExceeded => "LimitExceeded",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::DuplicateSshPublicKey => "DuplicateSSHPublicKey",
            ErrorKind::DuplicateCertificate => "DuplicateCertificate",
            ErrorKind::ConcurrentModification => "ConcurrentModification",
            ErrorKind::ServiceFailure => "ServiceFailure",
        }
    }
}

/// A store failure with AWS's message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub message: String,
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            message: message.into(),
        }
    }
    pub fn no_such_entity(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NoSuchEntity, message)
    }
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::EntityAlreadyExists, message)
    }
    pub fn delete_conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DeleteConflict, message)
    }
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitExceeded, message)
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }
    /// A backend failure. The detail is for logs; AWS answers ServiceFailure with a
    /// generic message, which the server substitutes.
    pub fn service_failure(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::ServiceFailure, detail)
    }

    // AWS's messages for the common cases, in one place.
    pub fn no_such_user(name: &str) -> Self {
        Self::no_such_entity(format!("The user with name {name} cannot be found."))
    }
    pub fn no_such_group(name: &str) -> Self {
        Self::no_such_entity(format!("The group with name {name} cannot be found."))
    }
    pub fn no_such_role(name: &str) -> Self {
        Self::no_such_entity(format!("The role with name {name} cannot be found."))
    }
    pub fn no_such_policy(arn: &str) -> Self {
        Self::no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
    }
    pub fn no_such_instance_profile(name: &str) -> Self {
        Self::no_such_entity(format!("Instance Profile {name} cannot be found."))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::service_failure(format!("sqlite: {e}"))
    }
}
