//! Evaluation and compilation speed.
//!
//! - `evaluate/typical_user_10x5`: an IAM user with 10 attached policies of 5 statements
//!   each (wildcard actions and resources, conditions on IP, tags, time, TLS, a policy
//!   variable), compiled ahead of time; one decision per iteration.
//! - `compile/parse_and_compile_6kb`: parsing and compiling a policy of about 6 KB.
//!
//! Run: `cargo bench -p iamd-policy --bench eval`. The workloads are in `workload.rs`;
//! `examples/cost.rs` counts the CPU work of the same cases.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use policy::compile::CompiledPolicy;
use policy::eval::evaluate;

mod workload;
use workload::{policy_6kb, typical_request, typical_set};

fn bench(c: &mut Criterion) {
    let set = typical_set();
    let request = typical_request();
    assert!(
        evaluate(&request, &set).is_allowed(),
        "the typical request must be allowed"
    );
    c.bench_function("evaluate/typical_user_10x5", |b| {
        b.iter(|| black_box(evaluate(black_box(&request), black_box(&set))).outcome)
    });

    let text = policy_6kb();
    c.bench_function("compile/parse_and_compile_6kb", |b| {
        b.iter(|| CompiledPolicy::from_text(black_box(&text), "big", "none").is_ok())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
