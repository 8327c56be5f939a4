//! Logs for the long-running subcommands: `tracing` events to stderr, filtered by
//! `IAMD_LOG` (or `RUST_LOG`), `info` by default. Stdout stays for what the operator
//! must read (addresses, generated credentials).
//!
//! Events go through [`super::log_writer`], so the per-request access-log line costs a
//! formatted buffer and a queue push on the request path, not a `write(2)`.
use super::log_writer::{self, FlushGuard};
use tracing_subscriber::EnvFilter;

/// Sets up the subscriber. Keep the returned guard until the program ends: dropping it
/// writes out the lines still queued.
#[must_use = "dropping the guard flushes the log; keep it until exit"]
pub fn init() -> Option<FlushGuard> {
    let filter = std::env::var("IAMD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_ansi(ansi)
        .with_target(false);
    match log_writer::start() {
        Some((writer, guard)) => {
            let _ = builder.with_writer(writer).try_init();
            Some(guard)
        }
        None => {
            let _ = builder.with_writer(std::io::stderr).try_init();
            None
        }
    }
}
