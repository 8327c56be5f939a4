//! CPU cost of `validate_policy` on the benchmark's 6 KB policy, free of criterion's
//! machinery: `cost N` validates it N times and prints the time per call. Run under
//! `valgrind --tool=callgrind` with two values of N for an instruction count per call
//! that scheduling noise does not move.
use findings::{validate_policy, Options, PolicyType};

#[path = "../benches/workload/mod.rs"]
mod workload;
use workload::six_kb_policy;

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let policy = six_kb_policy();
    let options = Options::new(PolicyType::IdentityPolicy);
    // The service reference is loaded on first use; keep that out of the figure.
    let _ = validate_policy(&policy, &options);
    let start = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(validate_policy(std::hint::black_box(&policy), &options));
    }
    let elapsed = start.elapsed();
    println!(
        "{} bytes, {n} calls, {:?} per call",
        policy.len(),
        elapsed / n.max(1)
    );
}
