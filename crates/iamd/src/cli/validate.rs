//! `iamd policy validate`: parse and check policy documents offline.
//!
//! Prints one line per finding, `FILE:LINE:COL: error|warning: CODE: message`, and
//! exits with 1 when any document has an error, 2 when a file cannot be read, and
//! 0 otherwise.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use policy::validate::{validate_policy_bytes, PolicyKind};

#[derive(clap::Args)]
pub struct Args {
    /// The kind of policy the files hold.
    #[arg(
        long,
        default_value = "identity",
        value_parser = ["identity", "resource", "trust", "boundary", "session", "scp", "rcp"]
    )]
    pub kind: String,
    /// Policy documents to validate (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let Some(kind) = PolicyKind::from_name(&args.kind) else {
        eprintln!("iamd policy validate: unknown policy kind {:?}", args.kind);
        return 2;
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut unreadable = false;
    let mut errors = false;
    for path in &args.files {
        let bytes = match read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{}: cannot read: {err}", path.display());
                unreadable = true;
                continue;
            }
        };
        let validation = validate_policy_bytes(&bytes, kind);
        errors |= validation.has_errors();
        for finding in &validation.findings {
            // A closed pipe (`| head`) is not an error worth reporting.
            if writeln!(out, "{}:{}", path.display(), finding.render()).is_err() {
                break;
            }
        }
    }
    if unreadable {
        2
    } else if errors {
        1
    } else {
        0
    }
}

fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}
