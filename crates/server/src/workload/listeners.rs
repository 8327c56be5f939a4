//! One listener per IMDS binding, kept in step with the store: bindings added or removed
//! with `iamd workload bind|unbind` (another process, same data dir) are opened or
//! closed within [`POLL_INTERVAL`], without a restart. Bindings declared in the
//! configuration file are opened the same way.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use store::WorkloadKind;
use tokio::task::JoinHandle;

use super::imds;
use crate::state::AppState;

pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// A listener serving one binding; closed when dropped (also when [`run`] is aborted).
struct Open {
    listen: String,
    task: JoinHandle<()>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs until aborted: reads the bindings every [`POLL_INTERVAL`] and opens, closes or
/// moves listeners to match. A listen address that cannot be bound is logged and tried
/// again at the next poll.
pub async fn run(state: AppState) {
    let mut open: HashMap<String, Open> = HashMap::new();
    let mut tick = tokio::time::interval(POLL_INTERVAL);
    loop {
        tick.tick().await;
        let bindings = match super::all_bindings(&state).await {
            Ok(bindings) => bindings,
            Err(e) => {
                tracing::error!(error = %e.message, "reading workload bindings");
                continue;
            }
        };
        let wanted: HashMap<String, String> = bindings
            .into_iter()
            .filter(|b| b.kind == WorkloadKind::Imds)
            .filter_map(|b| b.listen.map(|listen| (b.name, listen)))
            .collect();
        open.retain(|name, listener| {
            let keep = wanted.get(name) == Some(&listener.listen) && !listener.task.is_finished();
            if !keep {
                tracing::info!(workload = %name, listen = %listener.listen, "imds endpoint closed");
            }
            keep
        });
        for (name, listen) in wanted {
            if open.contains_key(&name) {
                continue;
            }
            if let Some(task) = start(&state, &name, &listen).await {
                open.insert(name, Open { listen, task });
            }
        }
    }
}

async fn start(state: &AppState, name: &str, listen: &str) -> Option<JoinHandle<()>> {
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(workload = %name, listen, error = %e, "cannot open the imds endpoint");
            return None;
        }
    };
    let endpoint = imds::Endpoint::new(state.clone(), name)?;
    let app = imds::router(endpoint).into_make_service_with_connect_info::<SocketAddr>();
    tracing::info!(workload = %name, listen, "imds endpoint listening");
    let name = name.to_owned();
    Some(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(workload = %name, error = %e, "imds endpoint stopped");
        }
    }))
}
