//! Workload bindings: which instance profile (instance metadata endpoint) or role
//! (container credential endpoint) a workload receives credentials of.
use crate::time::Timestamp;

/// How a workload reaches iamd, and so how it is told apart from other workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    /// The IMDSv2-compatible endpoint: the workload is whoever talks to the binding's
    /// own listen address.
    Imds,
    /// The container credential endpoint: the workload is whoever presents the
    /// binding's secret token.
    Container,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Imds => "imds",
            WorkloadKind::Container => "container",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "imds" => Some(WorkloadKind::Imds),
            "container" => Some(WorkloadKind::Container),
            _ => None,
        }
    }
}

/// A binding to create.
#[derive(Debug, Clone)]
pub struct NewWorkloadBinding {
    /// The administrator's name for the workload; unique (case-insensitively).
    pub name: String,
    pub kind: WorkloadKind,
    pub account_id: String,
    /// The instance profile's name (IMDS) or the role's name (container).
    pub target: String,
    /// IMDS: the address its endpoint listens on; unique.
    pub listen: Option<String>,
    /// Container: SHA-256 of the secret token (the token itself is never stored).
    pub token_sha256: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadBinding {
    pub name: String,
    pub kind: WorkloadKind,
    pub account_id: String,
    pub target: String,
    pub listen: Option<String>,
    /// The instance id (`i-…`, IMDS) or task id (container): the session name of the
    /// credentials the workload receives.
    pub workload_id: String,
    pub created: Timestamp,
}
