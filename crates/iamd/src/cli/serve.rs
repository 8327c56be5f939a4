//! `iamd serve`: run the IAM endpoint.
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use server::bootstrap;
use server::config::{self, Settings};
use store::Store;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on [env: IAMD_LISTEN] [default: 127.0.0.1:8181]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Directory of the database and the master key [env: IAMD_DATA_DIR] [default: ./iamd-data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// TOML file with `listen`, `data_dir`, `max_body_bytes`, `metrics_token`, `audit`, `audit_dir` and `[[workload]]` entries [env: IAMD_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log lines as `text` or `json` (one object per line) [env: IAMD_LOG_FORMAT] [default: text]
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Require `Authorization: Bearer TOKEN` on /metrics [env: IAMD_METRICS_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub metrics_token: Option<String>,
    /// Record every call in the audit trail: on or off [env: IAMD_AUDIT] [default: on]
    #[arg(long, value_name = "on|off")]
    pub audit: Option<String>,
    /// Directory of the audit trail [env: IAMD_AUDIT_DIR] [default: <data-dir>/audit]
    #[arg(long, value_name = "DIR")]
    pub audit_dir: Option<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn run(args: Args) -> u8 {
    let format =
        match super::logging::Format::choose(args.log_format.or_else(|| env("IAMD_LOG_FORMAT"))) {
            Ok(format) => format,
            Err(e) => {
                eprintln!("iamd: {e}");
                return 2;
            }
        };
    let _flush_on_exit = super::logging::init(format);
    let audit = match args
        .audit
        .as_deref()
        .map(|v| config::parse_switch("--audit", v))
    {
        Some(Err(e)) => {
            eprintln!("iamd: {e}");
            return 2;
        }
        Some(Ok(on)) => Some(on),
        None => None,
    };
    let flags = Settings {
        listen: args.listen,
        data_dir: args.data_dir,
        max_body_bytes: None,
        metrics_token: args
            .metrics_token
            .map(|t| config::MetricsToken(store::SecretString::new(t))),
        audit,
        audit_dir: args.audit_dir,
        workloads: None,
    };
    let config = match config::load(flags, args.config.as_deref(), env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("iamd: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iamd: cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("iamd: {e}");
            1
        }
    }
}

async fn serve(config: server::Config) -> Result<(), String> {
    let store = bootstrap::open_store(&config.data_dir, &env)?;
    if let Some(created) = bootstrap::ensure_first_account(&store, &env).await? {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "iamd: created account {}", created.account.account_id);
        let _ = writeln!(
            out,
            "iamd: root access key id: {}",
            created.root_access_key_id
        );
        // Shown once, only when generated: it is not stored anywhere in plaintext.
        if env(bootstrap::ENV_ROOT_SECRET_ACCESS_KEY).is_none() {
            let _ = writeln!(
                out,
                "iamd: root secret access key: {} (shown once; keep it now)",
                created.root_secret_access_key.expose()
            );
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "iamd: listening on http://{bound}");
        let _ = out.flush();
    }
    match &config.audit_dir {
        Some(dir) => {
            tracing::info!(listen = %bound, data_dir = %config.data_dir.display(), audit_dir = %dir.display(), "listening")
        }
        None => {
            tracing::info!(listen = %bound, data_dir = %config.data_dir.display(), "listening; auditing is off")
        }
    }
    let store: Arc<dyn Store> = Arc::new(store);
    server::serve(listener, store, &config, server::shutdown_signal()).await
}
