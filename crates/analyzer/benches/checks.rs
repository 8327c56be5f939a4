//! Benchmarks of the checks; see BENCHMARKS.md ("Analyzer checks").
use criterion::{criterion_group, criterion_main, Criterion};

fn benches(_c: &mut Criterion) {}

criterion_group!(checks, benches);
criterion_main!(checks);
