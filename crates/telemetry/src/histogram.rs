//! A fixed-bucket latency histogram recorded with atomics.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds, in microseconds, of the buckets every latency histogram uses: 50 µs to
/// 10 s, roughly ×2.5 apart. The lower end resolves cached reads and in-memory
/// authorization; the upper end a group commit on a slow disk.
pub const LATENCY_BOUNDS_MICROS: &[u64] = &[
    50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
    1_000_000, 2_500_000, 10_000_000,
];

/// Observations counted per bucket (not cumulative; the exposition sums them), with
/// their total and count.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [u64],
    /// One slot per bound plus the overflow slot (`+Inf`).
    buckets: Box<[AtomicU64]>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new(LATENCY_BOUNDS_MICROS)
    }
}

/// What a histogram holds at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `(upper bound in µs, cumulative count)`; the last pair's bound is `None` (`+Inf`).
    pub cumulative: Vec<(Option<u64>, u64)>,
    pub sum_micros: u64,
    pub count: u64,
}

impl Histogram {
    pub fn new(bounds: &'static [u64]) -> Self {
        Histogram {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let slot = self.bounds.partition_point(|&bound| bound < micros);
        if let Some(bucket) = self.buckets.get(slot) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The buckets made cumulative, as Prometheus wants them. Taken without a lock, so a
    /// scrape racing a recording may see the count one ahead of a bucket; the next
    /// scrape agrees again.
    pub fn snapshot(&self) -> Snapshot {
        let mut running = 0;
        let mut cumulative = Vec::with_capacity(self.buckets.len());
        for (i, bucket) in self.buckets.iter().enumerate() {
            running += bucket.load(Ordering::Relaxed);
            cumulative.push((self.bounds.get(i).copied(), running));
        }
        Snapshot {
            cumulative,
            sum_micros: self.sum_micros.load(Ordering::Relaxed),
            count: self.count.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_the_first_bucket_that_holds_them() {
        let h = Histogram::new(&[100, 1_000]);
        h.observe(Duration::from_micros(100));
        h.observe(Duration::from_micros(101));
        h.observe(Duration::from_micros(5_000));
        let s = h.snapshot();
        assert_eq!(
            s.cumulative,
            vec![(Some(100), 1), (Some(1_000), 2), (None, 3)]
        );
        assert_eq!(s.sum_micros, 5_201);
        assert_eq!(s.count, 3);
    }
}
