//! The durable, multi-account IAM store.
//!
//! Everything iamd persists goes through the [`Store`] trait: accounts and their root
//! credentials, users, groups, roles, managed policies and their versions, attachments,
//! inline policies, access keys, instance profiles and tags. The trait speaks in IAM
//! terms only, so a second backend (PostgreSQL) can sit behind it; all SQL lives in
//! [`sqlite`].
//!
//! Guarantees every backend gives:
//! - a write is durable before its future resolves (SQLite: WAL, `synchronous=FULL`);
//! - a write is all-or-nothing (one savepoint per write inside a group commit);
//! - names are unique case-insensitively within an account;
//! - [`Store::auth_epoch`] moves whenever anything that can change an authentication or
//!   authorization decision changes, so caches keyed on it never serve stale answers;
//! - secrets are sealed with AES-256-GCM under the [`MasterKey`] and never printed.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod access_analyzer;
pub mod api;
pub mod delegation;
pub mod error;
pub mod federation;
pub mod ids;
pub mod model;
pub mod page;
pub mod password;
pub mod secret;
pub mod server_certificates;
pub mod service_credentials;
pub mod signing_certificates;
pub mod sqlite;
pub mod ssh_keys;
pub mod time;
pub mod timings;
pub mod totp;
pub mod workload;

pub use access_analyzer::*;
pub use api::*;
pub use delegation::*;
pub use error::{ErrorKind, StoreError, StoreResult};
pub use federation::*;
pub use model::*;
pub use page::{Page, PageRequest};
pub use secret::{MasterKey, SecretString};
pub use server_certificates::*;
pub use service_credentials::*;
pub use signing_certificates::*;
pub use sqlite::SqliteStore;
pub use ssh_keys::*;
pub use time::Timestamp;
pub use timings::StoreTimings;
pub use workload::{NewWorkloadBinding, WorkloadBinding, WorkloadKind};
