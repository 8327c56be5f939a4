//! Metrics cheap enough for the request path: a [`Counter`] is one relaxed atomic add, a
//! [`Histogram`] a bucket search over a handful of bounds plus three atomic adds. No
//! locks, no allocation when recording. [`Exposition`] writes them in the Prometheus
//! text format (version 0.0.4) when `/metrics` is scraped.
//!
//! A crate of its own so that the store (which depends on no other iamd crate) and the
//! server record into the same types.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod exposition;
mod histogram;

pub use exposition::Exposition;
pub use histogram::{Histogram, LATENCY_BOUNDS_MICROS};

use std::sync::atomic::{AtomicU64, Ordering};

/// A monotonically increasing count.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub const fn new() -> Self {
        Counter(AtomicU64::new(0))
    }

    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Hits and misses of one cache.
#[derive(Debug, Default)]
pub struct CacheStats {
    pub hits: Counter,
    pub misses: Counter,
}

impl CacheStats {
    pub fn hit(&self) {
        self.hits.inc();
    }

    pub fn miss(&self) {
        self.misses.inc();
    }
}
