//! The awsQuery protocol as IAM and STS speak it: decoding form bodies and query
//! strings into parameters, reading awsQuery's encoding of lists, structures and maps,
//! writing XML responses and error documents, and AWS's error codes.
//!
//! Pure: no I/O, no clock.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod date;
mod error_codes;
pub mod errors;
pub mod form;
pub mod model;
pub mod params;
pub mod validate;
pub mod xml;

pub use errors::{ErrorCode, QueryError, Service};
pub use form::{DecodeError, Limits};
pub use params::{Node, Params};
pub use validate::{is_operation, validate, ValidationErrors};
pub use xml::{error_response, Fault, Response, XmlWriter, IAM_NAMESPACE, STS_NAMESPACE};
