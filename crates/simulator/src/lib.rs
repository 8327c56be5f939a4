//! IAM's policy simulator, shared by `iamd policy simulate` (offline, JSON) and the
//! server's `SimulateCustomPolicy` / `SimulatePrincipalPolicy` (awsQuery, XML).
//!
//! The pipeline is request model → engine evaluation → result model:
//! - [`request::SimulationRequest`]: the policies (each with the id and type the results
//!   name it by), the actions, resources, caller and context of one simulation. The
//!   offline tool reads it from JSON ([`json`]); the server builds it from the request's
//!   parameters and the policies of the entity it simulates.
//! - [`simulate`]: compiles the policies and evaluates every action on every resource
//!   with [`policy::eval::explain`].
//! - [`response::SimulationOutput`]: the members of botocore's `SimulatePolicyResponse`,
//!   serialized with AWS's member names.
//!
//! Pure: no I/O. [`context_keys`] answers `GetContextKeysFor*Policy`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod actions;
pub mod caller;
mod compile;
pub mod context_keys;
pub mod json;
pub mod request;
pub mod response;
mod run;

pub use context_keys::context_keys;
pub use request::{ContextEntry, InputError, PolicyInput, SimulationRequest};
pub use response::SimulationOutput;
pub use run::{simulate, simulate_with_trace};
