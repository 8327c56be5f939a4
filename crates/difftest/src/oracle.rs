//! The oracle: `tests/differential/oracle.mjs` run by node as a separate, long-lived
//! process that answers one JSON line per case.
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use policy::decision::Outcome;
use serde_json::Value;

/// `tests/differential` of the workspace, or `IAMD_ORACLE_DIR` when set.
pub fn oracle_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("IAMD_ORACLE_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/differential")
}

/// Why the oracle cannot run here, if it cannot.
pub fn unavailable_reason() -> Option<String> {
    let dir = oracle_dir();
    let package = dir.join("node_modules/@cloud-copilot/iam-simulate/package.json");
    if !package.is_file() {
        return Some(format!(
            "{} is missing: run tests/differential/install-oracle.sh",
            package.display()
        ));
    }
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => None,
        _ => Some("node is not installed".to_string()),
    }
}

/// Maps the oracle's decision names onto ours.
pub fn parse_decision(text: &str) -> Option<Outcome> {
    match text {
        "Allowed" => Some(Outcome::Allowed),
        "ExplicitlyDenied" => Some(Outcome::ExplicitDeny),
        "ImplicitlyDenied" => Some(Outcome::ImplicitDeny),
        _ => None,
    }
}

/// The oracle's answer to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Decision(Outcome),
    /// The oracle threw or answered something we cannot read.
    Error(String),
}

impl Answer {
    pub fn from_json(v: &Value) -> Answer {
        if let Some(d) = v.get("decision").and_then(Value::as_str) {
            return match parse_decision(d) {
                Some(o) => Answer::Decision(o),
                None => Answer::Error(format!("unknown decision {d}")),
            };
        }
        let msg = v
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("no decision in answer");
        Answer::Error(msg.to_string())
    }
}

/// A running oracle process.
pub struct Oracle {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Oracle {
    pub fn spawn() -> Result<Oracle, String> {
        let script = oracle_dir().join("oracle.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start node {}: {e}", script.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin for the oracle")?;
        let stdout = child.stdout.take().ok_or("no stdout for the oracle")?;
        Ok(Oracle {
            child,
            stdin: Some(BufWriter::new(stdin)),
            stdout: BufReader::new(stdout),
        })
    }

    /// Sends one message and waits for its answer.
    pub fn ask(&mut self, message: &Value) -> Result<Value, String> {
        let stdin = self.stdin.as_mut().ok_or("the oracle's input is closed")?;
        writeln!(stdin, "{message}").map_err(|e| format!("oracle write: {e}"))?;
        stdin.flush().map_err(|e| format!("oracle write: {e}"))?;
        self.read_answer()
    }

    pub fn read_answer(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("oracle read: {e}"))?;
        if n == 0 {
            return Err("the oracle exited".to_string());
        }
        serde_json::from_str(&line).map_err(|e| format!("oracle answer is not JSON: {e}: {line}"))
    }

    /// Hands the input side to a writer thread, for streaming many cases.
    pub fn take_input(&mut self) -> Option<BufWriter<ChildStdin>> {
        self.stdin.take()
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Closing stdin ends the oracle's read loop; wait so no process is left behind.
        self.stdin.take();
        let _ = self.child.wait();
    }
}
