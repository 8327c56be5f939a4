//! `validate_policy` on a 6 KB identity policy: the size of the managed policy quota,
//! with the actions, ARNs and conditions a real policy of that size holds.
use criterion::{criterion_group, criterion_main, Criterion};
use findings::{validate_policy, Options, PolicyType};

mod workload;
use workload::six_kb_policy;

fn bench(c: &mut Criterion) {
    let policy = six_kb_policy();
    let options = Options::new(PolicyType::IdentityPolicy);
    // Load the embedded service reference before timing.
    let findings = validate_policy(&policy, &options);
    assert!(
        findings.is_empty(),
        "the benchmark policy is clean: {findings:?}"
    );
    let mut group = c.benchmark_group("findings");
    group.bench_function(
        format!("validate_policy/identity_{}_bytes", policy.len()),
        |b| b.iter(|| validate_policy(std::hint::black_box(&policy), &options)),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
