//! Test support for driving a real `iamd` with the AWS SDK for Rust.
//!
//! [`Iamd::start`] runs the `iamd` binary on an ephemeral loopback port with a fresh data
//! directory and the account root below; [`Iamd::iam`] and [`Iamd::sts`] build SDK clients
//! for it. Nothing of iamd is linked in: the server is only ever reached over HTTP.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::Builder as HttpClientBuilder;

pub const ACCOUNT_ID: &str = "123456789012";
pub const ROOT_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const ROOT_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const LISTENING_PREFIX: &str = "iamd: listening on ";

/// The `iamd` binary to run: `IAMD_BIN`, else `iamd` in the target directory these tests
/// were built into (a test executable lives in `<target>/<profile>/deps/`), else
/// `target/debug/iamd` of `CARGO_TARGET_DIR` or of the workspace.
pub fn iamd_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("IAMD_BIN").filter(|v| !v.is_empty()) {
        // An explicit choice is never silently replaced by another binary.
        let bin = PathBuf::from(bin);
        assert!(bin.is_file(), "IAMD_BIN={} is not a file", bin.display());
        return bin;
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        if let Some(profile_dir) = exe.parent().and_then(Path::parent) {
            candidates.push(profile_dir.join(binary_name()));
        }
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        candidates.push(PathBuf::from(dir).join("debug").join(binary_name()));
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/debug")
            .join(binary_name()),
    );
    match candidates.iter().find(|c| c.is_file()) {
        Some(found) => found.clone(),
        None => panic!(
            "no iamd binary: build it first (`cargo build -p iamd`) or set IAMD_BIN; looked at {candidates:?}"
        ),
    }
}

fn binary_name() -> String {
    format!("iamd{}", std::env::consts::EXE_SUFFIX)
}

/// One running `iamd`, killed (and its data directory removed) on drop.
pub struct Iamd {
    child: Child,
    endpoint: String,
    data: tempfile::TempDir,
}

impl Iamd {
    /// Starts `iamd serve` on `127.0.0.1:0` and waits until it prints the address it bound.
    pub fn start() -> Iamd {
        let data = tempfile::tempdir().expect("a temporary directory");
        let log_path = data.path().join("iamd.log");
        let log = std::fs::File::create(&log_path).expect("the log file");
        let mut child = Command::new(iamd_binary())
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data.path().join("data"))
            .env("IAMD_ACCOUNT_ID", ACCOUNT_ID)
            .env("IAMD_ROOT_ACCESS_KEY_ID", ROOT_ACCESS_KEY_ID)
            .env("IAMD_ROOT_SECRET_ACCESS_KEY", ROOT_SECRET_ACCESS_KEY)
            .env("IAMD_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("iamd starts");
        let stdout = child.stdout.take().expect("iamd's stdout is piped");
        let (found, address) = mpsc::channel();
        // Keeps reading after the address so that iamd never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(endpoint) = line.strip_prefix(LISTENING_PREFIX) {
                    let _ = found.send(endpoint.trim().to_string());
                }
            }
        });
        match address.recv_timeout(STARTUP_TIMEOUT) {
            Ok(endpoint) => Iamd {
                child,
                endpoint,
                data,
            },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("iamd did not start within {STARTUP_TIMEOUT:?}; its log:\n{log}");
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The server's data directory (for `iamd` subcommands that act on it).
    pub fn data_dir(&self) -> PathBuf {
        self.data.path().join("data")
    }

    /// Runs `iamd ARGS... --data-dir DIR` against this server's data directory.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(iamd_binary())
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .output()
            .expect("the iamd command runs")
    }

    /// The server's log (stderr) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("iamd.log")).unwrap_or_default()
    }

    /// An IAM client signed with the account root's key.
    pub fn root_iam(&self) -> aws_sdk_iam::Client {
        self.iam(Credentials::new(
            ROOT_ACCESS_KEY_ID,
            ROOT_SECRET_ACCESS_KEY,
            None,
            None,
            "iamd-root",
        ))
    }

    /// An IAM client whose credentials come from `provider`.
    pub fn iam_with(
        &self,
        provider: impl aws_sdk_iam::config::ProvideCredentials + 'static,
    ) -> aws_sdk_iam::Client {
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(provider)
            .http_client(HttpClientBuilder::new().build_http())
            .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_iam::Client::from_conf(config)
    }

    /// An IAM client for these credentials. Retries are off so that a refusal is seen
    /// as the first answer, not after back-offs. The HTTP client is the SDK's hyper client
    /// without TLS (`build_http`, public though left out of the crate's docs): iamd is
    /// reached over plain HTTP on loopback, and a TLS stack would only add build time.
    pub fn iam(&self, credentials: Credentials) -> aws_sdk_iam::Client {
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(credentials)
            .http_client(HttpClientBuilder::new().build_http())
            .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_iam::Client::from_conf(config)
    }

    /// An STS client for these credentials (retries off, as for [`Iamd::iam`]).
    pub fn sts(&self, credentials: Credentials) -> aws_sdk_sts::Client {
        self.sts_with(credentials)
    }

    /// An STS client whose credentials come from `provider` (an SDK credentials
    /// provider such as the instance metadata one).
    pub fn sts_with(
        &self,
        provider: impl aws_sdk_sts::config::ProvideCredentials + 'static,
    ) -> aws_sdk_sts::Client {
        let config = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(provider)
            .http_client(HttpClientBuilder::new().build_http())
            .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_sts::Client::from_conf(config)
    }
}

impl Drop for Iamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A name unique within this test process, so tests sharing a server never collide.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The human sentence of an `AccessDenied` message: what precedes an encoded authorization
/// failure message, when the server appends one.
pub fn denial_sentence(message: &str) -> &str {
    const ENCODED: &str = ". Encoded authorization failure message: ";
    message
        .split_once(ENCODED)
        .map_or(message, |(sentence, _)| sentence)
}
