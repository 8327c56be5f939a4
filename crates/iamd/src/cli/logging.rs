//! Logs for the long-running subcommands: `tracing` events to stderr, filtered by
//! `IAMD_LOG` (or `RUST_LOG`), `info` by default. Stdout stays for what the operator
//! must read (addresses, generated credentials).
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = std::env::var("IAMD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
