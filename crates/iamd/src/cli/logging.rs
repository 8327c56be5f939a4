//! Logs for the long-running subcommands: `tracing` events to stderr, filtered by
//! `IAMD_LOG` (or `RUST_LOG`), `info` by default. Stdout stays for what the operator
//! must read (addresses, generated credentials).
//!
//! Two formats: `text` (for people) and `json` (one object per line, the event's fields
//! at the top level beside `timestamp`, `level` and `message`, for log pipelines; the
//! access-log line's `request_id` is the `x-amzn-requestid` the client saw).
//!
//! Events go through [`super::log_writer`], so the per-request access-log line costs a
//! formatted buffer and a queue push on the request path, not a `write(2)`.
use super::log_writer::{self, FlushGuard};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// `text` (the default) or `json`.
    pub fn choose(requested: Option<String>) -> Result<Self, String> {
        match requested.as_deref().map(str::trim) {
            None | Some("") | Some("text") => Ok(Format::Text),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!("log format: text or json, not {other}")),
        }
    }
}

/// Sets up the subscriber. Keep the returned guard until the program ends: dropping it
/// writes out the lines still queued.
#[must_use = "dropping the guard flushes the log; keep it until exit"]
pub fn init(format: Format) -> Option<FlushGuard> {
    match log_writer::start() {
        Some((writer, guard)) => {
            install(format, writer);
            Some(guard)
        }
        None => {
            install(format, std::io::stderr);
            None
        }
    }
}

fn install<W>(format: Format, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = std::env::var("IAMD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_target(false)
        .with_writer(writer);
    let _ = match format {
        Format::Text => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
            builder.with_ansi(ansi).try_init()
        }
        Format::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_text_or_json() {
        assert_eq!(Format::choose(None).unwrap(), Format::Text);
        assert_eq!(Format::choose(Some("json".into())).unwrap(), Format::Json);
        assert!(Format::choose(Some("xml".into())).is_err());
    }
}
