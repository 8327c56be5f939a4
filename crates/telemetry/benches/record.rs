//! The cost of recording, uncontended: what a request pays per counter and histogram.
//! `cargo bench -p iamd-telemetry --bench record`
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use telemetry::{Counter, Exposition, Histogram};

fn record(c: &mut Criterion) {
    let counter = Counter::new();
    c.bench_function("counter_inc", |b| b.iter(|| black_box(&counter).inc()));
    let histogram = Histogram::default();
    let elapsed = Duration::from_micros(730);
    c.bench_function("histogram_observe", |b| {
        b.iter(|| black_box(&histogram).observe(black_box(elapsed)))
    });
    c.bench_function("histogram_exposition", |b| {
        b.iter(|| {
            let mut out = Exposition::new();
            out.histogram("t_seconds", &[("service", "iam")], &histogram);
            out.finish()
        })
    });
}

criterion_group!(benches, record);
criterion_main!(benches);
