//! The IAM policy language and AWS's policy evaluation logic.
//!
//! Pure: no I/O, no clock, no global state. Policies go in as text, requests as
//! [`request::Request`]; decisions come out with the statements that made them.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod ast;
pub mod request;
pub mod error;
pub mod json;
pub mod parse;
pub mod validate;
pub mod arn;
pub mod condition;
pub mod variables;
pub mod wildcard;
pub mod print;
pub mod principal;
pub mod compile;
pub mod decision;
pub mod eval;
