//! Our engine and the oracle timed on the same request in the same run.
use std::hint::black_box;
use std::time::Instant;

use policy::eval::evaluate;
use serde_json::json;

use crate::case::Case;
use crate::classify::outcome_name;
use crate::oracle::{Answer, Oracle};
use crate::ours;

#[derive(Debug, Clone)]
pub struct Timing {
    pub ours_decision: String,
    pub oracle_decision: String,
    /// Median of per-batch means, policies compiled ahead of time.
    pub ours_eval_ns: f64,
    /// Parse and compile every policy of the case, then evaluate once.
    pub ours_compile_and_eval_ns: f64,
    /// The oracle loading the policy documents and evaluating.
    pub oracle_load_and_eval_ns: f64,
    /// The oracle evaluating policies loaded beforehand.
    pub oracle_eval_ns: f64,
}

impl Timing {
    pub fn ratio(&self) -> f64 {
        self.oracle_load_and_eval_ns / self.ours_eval_ns.max(1e-9)
    }

    pub fn ratio_eval_only(&self) -> f64 {
        self.oracle_eval_ns / self.ours_eval_ns.max(1e-9)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Times `case` on both sides. `batches` × `per_batch` evaluations on ours (a single
/// evaluation is too short for the clock), `oracle_iterations` on the oracle.
pub fn measure(
    case: &Case,
    batches: usize,
    per_batch: usize,
    oracle_iterations: usize,
) -> Result<Timing, String> {
    let request = ours::request(case);
    let set = ours::policy_set(case)?;
    let ours_decision = outcome_name(evaluate(&request, &set).outcome).to_string();
    for _ in 0..per_batch {
        black_box(evaluate(black_box(&request), black_box(&set)));
    }
    let mut samples = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..per_batch {
            black_box(evaluate(black_box(&request), black_box(&set)));
        }
        samples.push(t.elapsed().as_nanos() as f64 / per_batch as f64);
    }
    let ours_eval_ns = median(samples);

    let mut compile_samples = Vec::new();
    for _ in 0..batches.max(1) {
        let t = Instant::now();
        let set = ours::policy_set(case)?;
        black_box(evaluate(&request, &set));
        compile_samples.push(t.elapsed().as_nanos() as f64);
    }
    let ours_compile_and_eval_ns = median(compile_samples);

    let mut oracle = Oracle::spawn()?;
    let answer = oracle
        .ask(&json!({"id": 0, "time": case.to_oracle_json(), "iterations": oracle_iterations}))?;
    let oracle_decision = match Answer::from_json(&answer) {
        Answer::Decision(o) => outcome_name(o).to_string(),
        Answer::Error(e) => return Err(format!("oracle timing failed: {e}")),
    };
    let num = |k: &str| {
        answer
            .get(k)
            .and_then(|v| v.as_f64())
            .ok_or(format!("oracle timing: no {k}"))
    };
    Ok(Timing {
        ours_decision,
        oracle_decision,
        ours_eval_ns,
        ours_compile_and_eval_ns,
        oracle_load_and_eval_ns: num("loadAndEvalNs")?,
        oracle_eval_ns: num("evalOnlyNs")?,
    })
}
