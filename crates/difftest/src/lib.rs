//! Differential testing of the policy engine against `@cloud-copilot/iam-simulate`.
//!
//! The oracle runs as a separate node process (tests/differential/oracle.mjs); its
//! package is installed at test time by tests/differential/install-oracle.sh and is
//! never part of this repository or linked into any binary. Cases come from a seeded
//! generator over small alphabets; every disagreement is minimised and classified, and
//! classes where AWS's documentation shows the oracle to be wrong are listed, with
//! that documentation, in tests/differential/known-disagreements.json.
pub mod case;
pub mod classify;
pub mod generate;
pub mod known;
pub mod oracle;
pub mod ours;
pub mod rng;
pub mod run;
pub mod shrink;
pub mod timing;
