//! The audit trail: every API call as a CloudTrail record, kept append-only and
//! tamper-evident.
//!
//! - [`record`]: the CloudTrail record types (field names and shapes as CloudTrail
//!   writes them).
//! - [`trail`]: [`AuditTrail`], what the server holds — `append` queues a record for the
//!   writer thread and adds it to the lookup [`index`].
//! - [`writer`]: the writer thread — JSON Lines files, fsync every 100 ms, rotation,
//!   gzip, signed digests ([`digest`]) with keys from [`keys`].
//! - [`verify`]: checks a directory against its digests; [`tail`] reads it for humans.
//!
//! This crate depends on no other iamd crate: the server seals the signing key through
//! the [`keys::Sealer`] it passes in.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod digest;
pub mod index;
pub mod keys;
pub mod layout;
mod queue;
pub mod record;
pub mod tail;
pub mod time;
pub mod trail;
pub mod verify;
pub mod writer;

pub use keys::{DigestKey, Sealer};
pub use record::Record;
pub use trail::AuditTrail;
pub use writer::Options;
