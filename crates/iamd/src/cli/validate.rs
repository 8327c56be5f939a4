//! `iamd policy validate`: check policy documents offline, for editors and CI.
//!
//! Two sets of findings per document: IAM's own rejections and warnings (the engine's
//! validator, lower-case `error`/`warning`), and IAM Access Analyzer's `ValidatePolicy`
//! catalogue (`crates/findings`, AWS's finding types `ERROR`, `SECURITY_WARNING`,
//! `WARNING`, `SUGGESTION`). `--format text` prints one line per finding,
//! `FILE:LINE:COL: TYPE: CODE: message`; `json` prints the findings in the shapes of
//! the APIs; `sarif` prints a SARIF 2.1.0 log for code-scanning tools.
//!
//! Exit status: 1 when any document has an error of either set, 2 when a file cannot
//! be read (the others are still checked), 0 otherwise.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use findings::{FindingType, Options, PolicyType, ASSUME_ROLE_POLICY_DOCUMENT};
use policy::validate::{validate_policy_bytes, PolicyKind, Severity};

mod render;

#[derive(clap::Args)]
pub struct Args {
    /// The kind of policy the files hold.
    #[arg(
        long,
        default_value = "identity",
        value_parser = ["identity", "resource", "trust", "boundary", "session", "scp", "rcp"]
    )]
    pub kind: String,
    /// How to print the findings.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "sarif"])]
    pub format: String,
    /// Policy documents to validate (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// The findings of one document.
pub(crate) struct FileReport {
    /// The name as given on the command line (`-` for standard input).
    pub name: String,
    pub policy: Vec<policy::validate::Finding>,
    pub catalogue: Vec<findings::Finding>,
}

impl FileReport {
    fn has_errors(&self) -> bool {
        self.policy.iter().any(|f| f.severity == Severity::Error)
            || self
                .catalogue
                .iter()
                .any(|f| f.finding_type == FindingType::Error)
    }
}

/// The Access Analyzer policy type (and resource type) for a command-line kind.
fn analyzer_options(kind: PolicyKind) -> Options<'static> {
    let policy_type = match kind {
        PolicyKind::Identity | PolicyKind::PermissionsBoundary | PolicyKind::Session => {
            PolicyType::IdentityPolicy
        }
        PolicyKind::Resource | PolicyKind::Trust => PolicyType::ResourcePolicy,
        PolicyKind::Scp => PolicyType::ServiceControlPolicy,
        PolicyKind::Rcp => PolicyType::ResourceControlPolicy,
    };
    Options {
        policy_type,
        validate_resource_type: (kind == PolicyKind::Trust).then_some(ASSUME_ROLE_POLICY_DOCUMENT),
    }
}

pub fn run(args: Args) -> u8 {
    let Some(kind) = PolicyKind::from_name(&args.kind) else {
        eprintln!("iamd policy validate: unknown policy kind {:?}", args.kind);
        return 2;
    };
    let options = analyzer_options(kind);
    let mut unreadable = false;
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let bytes = match read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{}: cannot read: {err}", path.display());
                unreadable = true;
                continue;
            }
        };
        let policy = validate_policy_bytes(&bytes, kind).findings;
        // Text that is not UTF-8 has the engine's syntax error; the catalogue reads text.
        let catalogue = match std::str::from_utf8(&bytes) {
            Ok(text) => findings::validate_policy(text, &options),
            Err(_) => Vec::new(),
        };
        reports.push(FileReport {
            name: path.display().to_string(),
            policy,
            catalogue,
        });
    }
    let errors = reports.iter().any(FileReport::has_errors);
    let out = match args.format.as_str() {
        "json" => render::json(&reports),
        "sarif" => render::sarif(&reports),
        _ => render::text(&reports),
    };
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
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
