//! The CPU work of the benchmark cases, measured without wall-clock noise: runs one
//! case a given number of times and prints the process's CPU time per operation.
//! Under `valgrind --tool=callgrind`, two runs with different counts give the
//! instructions per operation (the difference of the totals over the difference of
//! the counts), a figure other load on the machine does not change.
//!
//! `cargo run --release -p iamd-policy --example cost -- compile|evaluate COUNT`
use std::hint::black_box;
use std::process::ExitCode;

use policy::compile::CompiledPolicy;
use policy::eval::evaluate;

#[path = "../benches/workload/mod.rs"]
mod workload;

/// User plus system CPU time of this process, in seconds, from `/proc/self/stat`
/// (fields 14 and 15, in clock ticks of 1/100 s on Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it do not.
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (case, count) = match args.as_slice() {
        [case, count] => match count.parse::<u64>() {
            Ok(n) => (case.as_str(), n),
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let before = cpu_seconds();
    match case {
        "compile" => {
            let text = workload::policy_6kb();
            for _ in 0..count {
                black_box(CompiledPolicy::from_text(black_box(&text), "big", "none").is_ok());
            }
        }
        "evaluate" => {
            let set = workload::typical_set();
            let request = workload::typical_request();
            for _ in 0..count {
                black_box(evaluate(black_box(&request), black_box(&set)).outcome);
            }
        }
        _ => return usage(),
    }
    if let (Some(start), Some(end)) = (before, cpu_seconds()) {
        let per_op = (end - start) / count.max(1) as f64;
        println!(
            "{case}: {count} operations, {:.3} µs CPU each",
            per_op * 1e6
        );
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: cost compile|evaluate COUNT");
    ExitCode::from(2)
}
