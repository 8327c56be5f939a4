//! The server's metrics, scraped at `GET /metrics` in Prometheus' text format.
//!
//! Recording is lock-free: every series is an atomic created at startup (requests by
//! service, action and status come from an immutable table of the operations served),
//! so a request costs a hash lookup and a few relaxed atomic adds. The caches and the
//! store keep their own counters and timings; [`render`] reads them all.
use std::collections::HashMap;
use std::time::Duration;

use telemetry::{CacheStats, Counter, Exposition, Histogram};

use crate::state::Shared;

/// The statuses counted separately; any other status is counted as `other`.
const STATUSES: [(u16, &str); 9] = [
    (200, "200"),
    (400, "400"),
    (401, "401"),
    (403, "403"),
    (404, "404"),
    (409, "409"),
    (413, "413"),
    (500, "500"),
    (503, "503"),
];
const OTHER_STATUS: &str = "other";
/// The service label of the workload credential endpoints.
pub const WORKLOAD_SERVICE: &str = "workload";
/// The action label of requests whose action is missing or not an operation of the
/// service (they are still counted, under this one row).
pub const UNKNOWN_ACTION: &str = "unknown";

/// The outcomes of authorization, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Denied,
    /// Authorization could not finish (the store failed, a policy could not be read).
    Error,
}

impl Decision {
    /// The pipeline's word for it (`allowed`, `denied`, `error`).
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "allowed" => Some(Decision::Allowed),
            "denied" => Some(Decision::Denied),
            "error" => Some(Decision::Error),
            _ => None,
        }
    }
}

/// What temporary credentials were minted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    AssumeRole,
    GetSessionToken,
    GetFederationToken,
    /// Root sessions: `GetSessionToken` of the account root and `AssumeRoot`.
    Root,
    /// `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML`.
    Federation,
    /// The instance metadata and container credential endpoints.
    Workload,
}

const TOKEN_KINDS: [(TokenKind, &str); 6] = [
    (TokenKind::AssumeRole, "assume_role"),
    (TokenKind::GetSessionToken, "get_session_token"),
    (TokenKind::GetFederationToken, "get_federation_token"),
    (TokenKind::Root, "root"),
    (TokenKind::Federation, "federation"),
    (TokenKind::Workload, "workload"),
];

/// Requests of one action, by status.
#[derive(Default)]
struct ByStatus {
    statuses: [Counter; STATUSES.len()],
    other: Counter,
}

impl ByStatus {
    fn record(&self, status: u16) {
        match STATUSES.iter().position(|(s, _)| *s == status) {
            Some(i) => {
                if let Some(counter) = self.statuses.get(i) {
                    counter.inc();
                }
            }
            None => self.other.inc(),
        }
    }
}

/// One service's series.
struct ServiceSeries {
    name: &'static str,
    actions: HashMap<&'static str, ByStatus>,
    unknown: ByStatus,
    latency: Histogram,
}

pub struct Metrics {
    services: Vec<ServiceSeries>,
    decisions: [Counter; 3],
    tokens: [Counter; TOKEN_KINDS.len()],
    /// Workload credential requests refused because the role does not trust the
    /// service principal, or the binding's target is gone.
    pub workload_refusals: Counter,
}

impl Metrics {
    /// Series for each `(service, actions)`; a service's unknown actions share one row.
    pub fn new(services: Vec<(&'static str, Vec<&'static str>)>) -> Self {
        Metrics {
            services: services
                .into_iter()
                .map(|(name, actions)| ServiceSeries {
                    name,
                    actions: actions
                        .into_iter()
                        .map(|a| (a, ByStatus::default()))
                        .collect(),
                    unknown: ByStatus::default(),
                    latency: Histogram::default(),
                })
                .collect(),
            decisions: Default::default(),
            tokens: Default::default(),
            workload_refusals: Counter::new(),
        }
    }

    /// One request answered: its service (`iam`, `sts`, ...), action, status and time.
    /// A service that was not registered is not counted (it has no series).
    pub fn record_request(&self, service: &str, action: &str, status: u16, elapsed: Duration) {
        let Some(series) = self.services.iter().find(|s| s.name == service) else {
            return;
        };
        series
            .actions
            .get(action)
            .unwrap_or(&series.unknown)
            .record(status);
        series.latency.observe(elapsed);
    }

    pub fn record_decision(&self, decision: Decision) {
        let index = match decision {
            Decision::Allowed => 0,
            Decision::Denied => 1,
            Decision::Error => 2,
        };
        if let Some(counter) = self.decisions.get(index) {
            counter.inc();
        }
    }

    pub fn record_token(&self, kind: TokenKind) {
        if let Some(i) = TOKEN_KINDS.iter().position(|(k, _)| *k == kind) {
            if let Some(counter) = self.tokens.get(i) {
                counter.inc();
            }
        }
    }
}

/// The `/metrics` body.
pub fn render(state: &Shared) -> String {
    let metrics = &state.metrics;
    let mut out = Exposition::new();

    out.family(
        "iamd_requests_total",
        "counter",
        "Requests answered, by service, action and HTTP status.",
    );
    for series in &metrics.services {
        let mut actions: Vec<(&str, &ByStatus)> =
            series.actions.iter().map(|(a, c)| (*a, c)).collect();
        actions.sort_unstable_by_key(|(a, _)| *a);
        actions.push((UNKNOWN_ACTION, &series.unknown));
        for (action, by_status) in actions {
            let labelled = STATUSES
                .iter()
                .map(|(_, label)| *label)
                .zip(by_status.statuses.iter())
                .chain(std::iter::once((OTHER_STATUS, &by_status.other)));
            for (status, counter) in labelled {
                // Only series that moved: most actions are never called.
                let value = counter.get();
                if value > 0 {
                    out.sample(
                        "iamd_requests_total",
                        &[
                            ("service", series.name),
                            ("action", action),
                            ("status", status),
                        ],
                        value,
                    );
                }
            }
        }
    }

    out.family(
        "iamd_request_duration_seconds",
        "histogram",
        "Time from a request's arrival to its answer, by service.",
    );
    for series in &metrics.services {
        out.histogram(
            "iamd_request_duration_seconds",
            &[("service", series.name)],
            &series.latency,
        );
    }

    out.family(
        "iamd_authorization_decisions_total",
        "counter",
        "Authorization decisions by outcome (error: authorization could not finish).",
    );
    for (label, counter) in ["allowed", "denied", "error"]
        .iter()
        .zip(metrics.decisions.iter())
    {
        out.sample(
            "iamd_authorization_decisions_total",
            &[("outcome", label)],
            counter.get(),
        );
    }

    let caches: [(&str, &CacheStats); 3] = [
        ("credentials", state.credentials.stats()),
        ("policies", state.policies.stats()),
        ("session_tokens", state.sessions.token_cache_stats()),
    ];
    out.family(
        "iamd_cache_hits_total",
        "counter",
        "Lookups answered from memory, by cache.",
    );
    for (name, stats) in caches {
        out.sample(
            "iamd_cache_hits_total",
            &[("cache", name)],
            stats.hits.get(),
        );
    }
    out.family(
        "iamd_cache_misses_total",
        "counter",
        "Lookups that went to the store (or opened a token), by cache.",
    );
    for (name, stats) in caches {
        out.sample(
            "iamd_cache_misses_total",
            &[("cache", name)],
            stats.misses.get(),
        );
    }

    if let Some(timings) = state.store.timings() {
        out.family(
            "iamd_store_operation_duration_seconds",
            "histogram",
            "Store operations: read transactions, writes as their callers wait (queue, savepoint, commit), and group commits.",
        );
        for (operation, histogram) in [
            ("read", &timings.reads),
            ("write", &timings.writes),
            ("commit", &timings.commits),
        ] {
            out.histogram(
                "iamd_store_operation_duration_seconds",
                &[("operation", operation)],
                histogram,
            );
        }
    }

    out.family(
        "iamd_tokens_issued_total",
        "counter",
        "Temporary credentials minted, by what they were minted for.",
    );
    for ((_, label), counter) in TOKEN_KINDS.iter().zip(metrics.tokens.iter()) {
        out.sample(
            "iamd_tokens_issued_total",
            &[("kind", label)],
            counter.get(),
        );
    }

    out.family(
        "iamd_workload_refusals_total",
        "counter",
        "Workload credential requests refused because the role does not trust the endpoint's service principal or the binding's target is gone.",
    );
    out.sample(
        "iamd_workload_refusals_total",
        &[],
        metrics.workload_refusals.get(),
    );
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_their_row_or_the_shared_ones() {
        let metrics = Metrics::new(vec![("iam", vec!["GetUser"])]);
        let tick = Duration::from_micros(10);
        metrics.record_request("iam", "GetUser", 200, tick);
        metrics.record_request("iam", "GetUser", 418, tick);
        metrics.record_request("iam", "NoSuchAction", 400, tick);
        // A service without series is not counted (and does not panic).
        metrics.record_request("nowhere", "GetUser", 200, tick);
        let series = &metrics.services[0];
        let get_user = &series.actions["GetUser"];
        assert_eq!(get_user.statuses[0].get(), 1);
        assert_eq!(get_user.other.get(), 1);
        assert_eq!(series.unknown.statuses[1].get(), 1);
        assert_eq!(series.latency.snapshot().count, 3);
    }
}
