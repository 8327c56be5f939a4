//! `difftest`: differential runs against the oracle, and timing of both engines.
//!
//! ```text
//! difftest [--seed N] [--cases N] [--examples N] [--max-minimised N] [--time] [--no-compare]
//! ```
//! Exit status: 0 when every disagreement is a known one, 1 otherwise, 2 on bad usage
//! or when the oracle cannot run.
use std::process::ExitCode;

use difftest::generate::typical_case;
use difftest::run::{run, Options};
use difftest::{known, oracle, timing};

struct Args {
    options: Options,
    examples: usize,
    time: bool,
    compare: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        options: Options::default(),
        examples: 5,
        time: false,
        compare: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match flag.as_str() {
            "--seed" => args.options.seed = number("--seed")?,
            "--cases" => args.options.cases = number("--cases")?,
            "--examples" => args.examples = number("--examples")? as usize,
            "--max-minimised" => args.options.max_minimised = number("--max-minimised")? as usize,
            "--time" => args.time = true,
            "--no-compare" => args.compare = false,
            "-h" | "--help" => {
                return Err("usage: difftest [--seed N] [--cases N] [--examples N] [--max-minimised N] [--time] [--no-compare]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(reason) = oracle::unavailable_reason() {
        eprintln!("difftest: the oracle cannot run: {reason}");
        return ExitCode::from(2);
    }
    let mut clean = true;
    if args.compare {
        let known = match known::load(&oracle::oracle_dir()) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("difftest: {e}");
                return ExitCode::from(2);
            }
        };
        println!(
            "difftest: seed {}, {} cases, {} known disagreement classes",
            args.options.seed,
            args.options.cases,
            known.len()
        );
        match run(&args.options, &known) {
            Ok(report) => {
                print!("{}", report.render(args.examples));
                clean = report.clean();
            }
            Err(e) => {
                eprintln!("difftest: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if args.time {
        match timing::measure(&typical_case(), 101, 20_000, 3_000) {
            Ok(t) => {
                println!("timing: typical request (user, 10 policies x 5 statements, conditions, wildcard resources)");
                println!(
                    "timing: decisions: ours {}, oracle {}",
                    t.ours_decision, t.oracle_decision
                );
                println!(
                    "timing: ours, compiled ahead:        {:>12.1} ns/decision (median)",
                    t.ours_eval_ns
                );
                println!(
                    "timing: ours, parse+compile+eval:    {:>12.1} ns (median)",
                    t.ours_compile_and_eval_ns
                );
                println!(
                    "timing: oracle, load+evaluate:       {:>12.1} ns/decision (median)",
                    t.oracle_load_and_eval_ns
                );
                println!(
                    "timing: oracle, evaluate only:       {:>12.1} ns/decision (median)",
                    t.oracle_eval_ns
                );
                println!(
                    "timing: ratio oracle(load+eval)/ours: {:.0}x; oracle(eval only)/ours: {:.0}x",
                    t.ratio(),
                    t.ratio_eval_only()
                );
            }
            Err(e) => {
                eprintln!("difftest: timing: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
