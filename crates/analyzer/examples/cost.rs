//! Runs `CheckNoNewAccess` on the benchmark's two 10-statement policies N times, for
//! wall time per call and, under callgrind, instructions per call (BENCHMARKS.md).
//!
//! `cost N`
#[path = "../benches/workload/mod.rs"]
mod workload;

use analyzer::{check_no_new_access, AccessCheckPolicyType};

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let (new, existing) = workload::fail_pair();
    // The service reference is loaded on first use; keep it out of the timing.
    let _ = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy);
    let start = std::time::Instant::now();
    let mut failures = 0;
    for _ in 0..n {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy);
        if outcome.is_ok_and(|o| o.witness.is_some()) {
            failures += 1;
        }
    }
    let per_call = start.elapsed() / n.max(1);
    println!("{n} calls, {failures} FAIL with a witness, {per_call:?} per call");
}
