//! Temporary credentials: how sessions are minted ([`issue`]), sealed ([`ring`]),
//! carried ([`claims`]) and verified ([`verify`]) without a database read.
//!
//! A session token is the session's claims sealed with AES-256-GCM under the newest
//! key of a rotating ring whose keys the store keeps sealed with the master key. The
//! `ASIA…` key id names the account ([`key_id`]). The STS operations themselves live
//! in `ops/sts_*.rs`.
use std::sync::Arc;

use store::{Store, Timestamp};

pub mod authorization_message;
pub mod claims;
pub mod context;
pub mod issue;
pub mod key_id;
pub mod permissions;
pub mod restrictions;
pub mod ring;
pub mod root_tasks;
pub mod trust;
pub mod verify;

pub use claims::{SessionClaims, SessionKind};
pub use issue::{issue_session, Credentials, SessionSpec};

/// Test-only: seconds added to the clock that decides whether a session has expired
/// (so a test can see a 900-second session expire without waiting). Never set it in
/// production.
pub const CLOCK_OFFSET_ENV: &str = "IAMD_TEST_SESSION_CLOCK_OFFSET_SECONDS";

/// The session machinery every request shares.
pub struct Sessions {
    pub ring: ring::KeyRing,
    pub permissions: permissions::SessionPermissionsCache,
    /// Roles and trust policies for `AssumeRole`.
    pub trust: trust::TrustCache,
    /// Session tokens opened recently.
    pub opened: verify::OpenedTokens,
    clock_offset_ms: i64,
}

impl Sessions {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let clock_offset_ms = std::env::var(CLOCK_OFFSET_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map_or(0, |s| s.saturating_mul(1000));
        Sessions {
            ring: ring::KeyRing::new(store.clone()),
            permissions: permissions::SessionPermissionsCache::new(store.clone()),
            trust: trust::TrustCache::new(store),
            opened: verify::OpenedTokens::default(),
            clock_offset_ms,
        }
    }

    /// Hits and misses of the opened-token cache, for `/metrics`.
    pub fn token_cache_stats(&self) -> &telemetry::CacheStats {
        self.opened.stats()
    }

    /// When a session is issued.
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    /// The clock sessions expire by (the real clock unless a test moved it).
    pub fn expiry_clock(&self) -> Timestamp {
        Timestamp(
            Timestamp::now()
                .millis()
                .saturating_add(self.clock_offset_ms),
        )
    }
}
