//! The iamd server: IAM's Query API over HTTP.
//!
//! A request goes through [`pipeline`]: decode the form ([`awsquery`]), route by
//! `Version`/`Action` to an operation of [`ops`], authenticate with SigV4 ([`authn`],
//! keys from [`credentials`]), resolve the resource, build the request context
//! ([`context`]), authorize with the caller's cached compiled policies ([`authz`]), run
//! the handler against the store. Every failure is an [`error::ApiError`], rendered in
//! one place as AWS's `<ErrorResponse>`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod access_analyzer;
pub mod allowed_services;
pub mod audit_trail;
pub mod authn;
pub mod authz;
pub mod bootstrap;
pub mod certificates;
pub mod cloudtrail;
pub mod config;
pub mod context;
pub mod credentials;
pub mod delegation;
pub mod der;
pub mod error;
pub mod http;
pub mod identity;
pub mod last_used;
pub mod metrics;
pub mod ops;
pub mod pipeline;
pub mod public_keys;
pub mod service_usage;
pub mod state;
pub mod status;
pub mod sts;
pub mod web_identity;
pub mod workload;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use store::Store;
use tokio::net::TcpListener;

pub use config::Config;
pub use state::{new_state, AppState};

/// Serves on `listener` until `shutdown` resolves, then finishes the requests in flight,
/// writes the pending access-key usage and closes the audit trail.
pub async fn serve(
    listener: TcpListener,
    store: Arc<dyn Store>,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    // Declared workloads are settled before anything is served: a clash with a stored
    // binding stops the start.
    let declared = workload::declared::settle(&*store, &config.workloads).await?;
    let audit = match &config.audit_dir {
        Some(dir) => {
            let master_key = std::env::var(bootstrap::ENV_MASTER_KEY)
                .ok()
                .filter(|v| !v.is_empty());
            Some(audit_trail::open(
                dir,
                &config.data_dir,
                master_key.as_deref(),
            )?)
        }
        None => None,
    };
    let state = state::new_state_with_audit(store, config, audit.clone(), declared);
    if let Ok(addr) = listener.local_addr() {
        state.web_identity.issuer.listening_on(addr);
    }
    let flusher = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(last_used::FLUSH_INTERVAL);
            loop {
                tick.tick().await;
                state.last_used.flush(&*state.store).await;
                state.service_usage.flush(&*state.store).await;
            }
        })
    };
    // One IMDS listener per workload binding, opened and closed as bindings change.
    let workload_listeners = tokio::spawn(workload::listeners::run(state.clone()));
    let app = http::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| format!("server error: {e}"));
    flusher.abort();
    workload_listeners.abort();
    state.last_used.flush(&*state.store).await;
    state.service_usage.flush(&*state.store).await;
    if let Some(trail) = audit {
        // Writes what is queued and signs the last digest.
        let _ = tokio::task::spawn_blocking(move || trail.close()).await;
    }
    tracing::info!("stopped");
    served
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
