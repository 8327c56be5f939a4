//! The IAM policy language and AWS's policy evaluation logic.
//!
//! Pure: no I/O, no clock, no global state. Policies go in as text, requests as
//! [`request::Request`]; decisions come out with the statements that made them.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod arn;
pub mod ast;
pub mod compile;
pub mod condition;
pub mod decision;
pub mod error;
pub mod eval;
pub mod json;
pub mod parse;
pub mod principal;
pub mod print;
pub mod request;
pub mod validate;
pub mod variables;
pub mod wildcard;
