//! `iamd policy simulate`: IAM's `SimulateCustomPolicy`, offline.
//!
//! The input file is the JSON of a `SimulateCustomPolicy` request, in the shape that
//! `aws iam simulate-custom-policy --generate-cli-skeleton` prints: `PolicyInputList`,
//! `PermissionsBoundaryPolicyInputList`, `ActionNames`, `ResourceArns`, `ResourcePolicy`,
//! `ResourceOwner`, `CallerArn`, `ContextEntries` (`ContextKeyName`, `ContextKeyValues`,
//! `ContextKeyType`), `ResourceHandlingOption`, `MaxItems`, `Marker`, plus the extensions
//! described in [`simulator::json`] (session policies, SCPs, RCPs, principal tags). The
//! output is the JSON that `aws iam simulate-custom-policy` prints for that request,
//! indented by four spaces as the AWS CLI does. The simulation itself is the
//! `simulator` crate's, the same the server answers `SimulateCustomPolicy` with.
//!
//! Positions follow AWS's simulator: `StartPosition` is the column just after the
//! statement's `{`, `EndPosition` the column just after its `}` (1-based lines).
//!
//! A malformed input file is reported on stderr with the field at fault; exit status 2.
use std::path::PathBuf;

use simulator::json::{answer_to_aws_cli_json, request_from_json};

#[derive(clap::Args)]
pub struct Args {
    /// JSON of a SimulateCustomPolicy request (the shape of `--generate-cli-skeleton`).
    #[arg(long)]
    pub input: PathBuf,
    /// Add a human-readable trace of the evaluation.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args) -> u8 {
    let text = match std::fs::read_to_string(&args.input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "iamd policy simulate: cannot read {}: {e}",
                args.input.display()
            );
            return 2;
        }
    };
    let simulated = request_from_json(&text).and_then(|r| simulator::simulate_with_trace(&r));
    let (output, trace) = match simulated {
        Ok(done) => done,
        Err(e) => {
            eprintln!("iamd policy simulate: {}: {e}", args.input.display());
            return 2;
        }
    };
    if args.explain {
        for line in &trace {
            eprintln!("{line}");
        }
    }
    match answer_to_aws_cli_json(&output) {
        Ok(out) => {
            println!("{out}");
            0
        }
        Err(e) => {
            eprintln!("iamd policy simulate: cannot print the result: {e}");
            2
        }
    }
}
