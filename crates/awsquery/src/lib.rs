//! The awsQuery protocol as IAM and STS speak it: decoding form bodies and query
//! strings into parameters, reading awsQuery's encoding of lists, structures and maps,
//! writing XML responses and error documents, and AWS's error codes.
//!
//! Pure: no I/O, no clock.
//!
//! ```
//! use awsquery::{is_operation, validate, Params, QueryError, Response, Service, IAM_NAMESPACE};
//!
//! let params = Params::parse(b"Action=CreateUser&Version=2010-05-08&UserName=jane&Tags.member.1.Key=team&Tags.member.1.Value=blue")?;
//! let action = params.action().unwrap_or_default();
//! assert!(is_operation(Service::Iam, action));
//! validate(Service::Iam, action, &params).map_err(|e| e.to_query_error())?;
//! assert_eq!(params.structure_list("Tags", &["Key", "Value"]), vec![vec![Some("team"), Some("blue")]]);
//!
//! let mut response = Response::new(IAM_NAMESPACE, action);
//! response.body().element("User", |w| {
//!     w.text("UserName", params.get("UserName").unwrap_or_default());
//! });
//! let xml = response.finish("request-id");
//! assert!(xml.starts_with("<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><User>"));
//!
//! // Errors: code, status and fault from the tables, rendered as <ErrorResponse>.
//! let err = QueryError::new("NoSuchEntity", "The user with name bob cannot be found.");
//! assert_eq!(err.http_status, 404);
//! let _xml = err.to_xml(IAM_NAMESPACE, "request-id");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
