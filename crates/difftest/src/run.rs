//! A differential run: generate cases from a seed, decide each with our engine and
//! with the oracle (streamed through one long-lived process), then minimise and
//! classify every disagreement.
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use policy::decision::Outcome;

use crate::case::Case;
use crate::classify::{class_key, features, outcome_name};
use crate::generate::Generator;
use crate::known::{KnownDisagreement, Status};
use crate::oracle::{Answer, Oracle};
use crate::ours;
use crate::shrink::minimise;

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub cases: u64,
    /// How many disagreements to minimise; the rest are counted by decision pair only.
    pub max_minimised: usize,
    /// Oracle checks allowed while minimising one case.
    pub shrink_budget: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            cases: 5_000,
            max_minimised: 5_000,
            shrink_budget: 400,
        }
    }
}

/// One class of disagreement: minimised cases with the same features.
#[derive(Debug, Clone)]
pub struct Class {
    pub features: BTreeSet<String>,
    pub count: u64,
    /// The smallest minimised case seen in the class.
    pub example: Case,
    pub ours: Outcome,
    pub oracle: Outcome,
}

#[derive(Debug, Default)]
pub struct Report {
    pub cases: u64,
    /// The whole run, minimising included.
    pub elapsed: Duration,
    /// Generating, deciding on both sides and comparing, without minimising.
    pub compare_elapsed: Duration,
    pub agreed: u64,
    /// Our decisions over all cases (allowed, explicit deny, implicit deny).
    pub ours_outcomes: BTreeMap<&'static str, u64>,
    /// Disagreements that match a known class where the oracle is wrong, by its id.
    pub known: BTreeMap<String, u64>,
    /// Disagreements that match a known, still open bug of our engine or a class the
    /// documentation leaves undecided, by its id, with its status and one minimised
    /// example.
    pub engine_bugs: BTreeMap<String, (u64, Case, Status)>,
    /// Unknown disagreements, by class.
    pub classes: Vec<Class>,
    /// Disagreements beyond `max_minimised`, by "ours/oracle".
    pub unminimised: BTreeMap<String, u64>,
    /// Cases whose policies our engine rejected (the generator writes only valid ones).
    pub ours_errors: Vec<(Case, String)>,
    pub oracle_errors: Vec<(Case, String)>,
}

impl Report {
    pub fn unknown_disagreements(&self) -> u64 {
        self.classes.iter().map(|c| c.count).sum::<u64>() + self.unminimised.values().sum::<u64>()
    }

    pub fn known_disagreements(&self) -> u64 {
        self.known.values().sum()
    }

    /// Whether the run found nothing that needs a person.
    pub fn clean(&self) -> bool {
        self.unknown_disagreements() == 0
            && self.ours_errors.is_empty()
            && self.oracle_errors.is_empty()
    }

    pub fn cases_per_second(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Throughput of the comparison itself (both engines), minimising left out.
    pub fn compared_per_second(&self) -> f64 {
        self.cases as f64 / self.compare_elapsed.as_secs_f64().max(1e-9)
    }

    /// The human-readable summary; `examples` bounds how many classes are printed in full.
    pub fn render(&self, examples: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(
            Sink(&mut s),
            "differential: {} cases in {:.1} s ({:.0} cases/s overall, {:.0} cases/s compared before minimising); agreed {}, oracle wrong (known) {}, open engine bugs or undecided (known) {}, unknown disagreements {}, our errors {}, oracle errors {}",
            self.cases,
            self.elapsed.as_secs_f64(),
            self.cases_per_second(),
            self.compared_per_second(),
            self.agreed,
            self.known_disagreements(),
            self.engine_bugs.values().map(|(n, _, _)| n).sum::<u64>(),
            self.unknown_disagreements(),
            self.ours_errors.len(),
            self.oracle_errors.len()
        );
        let outcomes: Vec<String> = self
            .ours_outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(
            Sink(&mut s),
            "differential: our decisions: {}",
            outcomes.join(", ")
        );
        for (id, n) in &self.known {
            let _ = writeln!(
                Sink(&mut s),
                "differential: known disagreement {id} (oracle wrong): {n}"
            );
        }
        for (id, (n, example, status)) in &self.engine_bugs {
            let what = match status {
                Status::Undecided => "UNDECIDED BY AWS DOCS",
                _ => "OPEN ENGINE BUG",
            };
            let _ = writeln!(
                Sink(&mut s),
                "differential: {what} {id}: {n} cases (tolerated; see tests/differential/known-disagreements.json)"
            );
            if examples > 0 {
                let _ = writeln!(Sink(&mut s), "{}", example.to_pretty_json());
            }
        }
        for (pair, n) in &self.unminimised {
            let _ = writeln!(Sink(&mut s), "differential: not minimised ({pair}): {n}");
        }
        for (i, class) in self.classes.iter().enumerate() {
            let _ = writeln!(
                Sink(&mut s),
                "differential: class {} ({} cases): ours {} vs oracle {}; features: {}",
                i + 1,
                class.count,
                outcome_name(class.ours),
                outcome_name(class.oracle),
                class.features.iter().cloned().collect::<Vec<_>>().join(" ")
            );
            if i < examples {
                let _ = writeln!(Sink(&mut s), "{}", class.example.to_pretty_json());
            }
        }
        for (case, err) in self.ours_errors.iter().take(examples) {
            let _ = writeln!(
                Sink(&mut s),
                "differential: our engine rejected case {}: {err}\n{}",
                case.id,
                case.to_pretty_json()
            );
        }
        for (case, err) in self.oracle_errors.iter().take(examples) {
            let _ = writeln!(
                Sink(&mut s),
                "differential: oracle failed on case {}: {err}\n{}",
                case.id,
                case.to_pretty_json()
            );
        }
        s
    }
}

/// `write!` into a String without the fmt::Write/io::Write name clash.
struct Sink<'a>(&'a mut String);
impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Verdict = (Case, Result<Outcome, String>);

/// Runs the comparison. Errors only when the oracle cannot be run at all.
pub fn run(options: &Options, known: &[KnownDisagreement]) -> Result<Report, String> {
    let start = Instant::now();
    let mut oracle = Oracle::spawn()?;
    let mut input = oracle.take_input().ok_or("oracle input unavailable")?;
    // Bounded, so that a slow oracle holds the generator back instead of memory growing.
    let (tx, rx) = mpsc::sync_channel::<Verdict>(4096);
    let seed = options.seed;
    let total = options.cases;
    let producer = thread::spawn(move || -> Result<(), String> {
        let mut generator = Generator::new(seed);
        for _ in 0..total {
            let case = generator.case();
            let ours = ours::decide(&case);
            writeln!(input, "{}", case.to_oracle_json())
                .map_err(|e| format!("oracle write: {e}"))?;
            if tx.send((case, ours)).is_err() {
                break;
            }
        }
        input.flush().map_err(|e| format!("oracle write: {e}"))?;
        Ok(())
    });

    let mut report = Report::default();
    let mut disagreements: Vec<(Case, Outcome, Outcome)> = Vec::new();
    for (case, ours) in rx.iter() {
        let answer = Answer::from_json(&oracle.read_answer()?);
        report.cases += 1;
        let ours = match ours {
            Ok(o) => o,
            Err(e) => {
                report.ours_errors.push((case, e));
                continue;
            }
        };
        *report.ours_outcomes.entry(outcome_name(ours)).or_default() += 1;
        match answer {
            Answer::Error(e) => report.oracle_errors.push((case, e)),
            Answer::Decision(o) if o == ours => report.agreed += 1,
            Answer::Decision(o) => {
                if disagreements.len() < options.max_minimised {
                    disagreements.push((case, ours, o));
                } else {
                    let pair = format!("ours {} / oracle {}", outcome_name(ours), outcome_name(o));
                    *report.unminimised.entry(pair).or_default() += 1;
                }
            }
        }
    }
    match producer.join() {
        Ok(result) => result?,
        Err(_) => return Err("the case generator thread failed".to_string()),
    }
    drop(oracle);
    report.compare_elapsed = start.elapsed();

    classify_all(&mut report, disagreements, options, known)?;
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Minimises each disagreement with a fresh oracle, then files it under a known class
/// or groups it with unknown ones of the same features.
fn classify_all(
    report: &mut Report,
    disagreements: Vec<(Case, Outcome, Outcome)>,
    options: &Options,
    known: &[KnownDisagreement],
) -> Result<(), String> {
    if disagreements.is_empty() {
        return Ok(());
    }
    let mut oracle = Oracle::spawn()?;
    let mut classes: BTreeMap<BTreeSet<String>, Class> = BTreeMap::new();
    for (case, ours, theirs) in disagreements {
        let mut still_disagrees = |c: &Case| -> bool {
            let Ok(o) = ours::decide(c) else { return false };
            if o != ours {
                return false;
            }
            match oracle.ask(&c.to_oracle_json()) {
                Ok(v) => Answer::from_json(&v) == Answer::Decision(theirs),
                Err(_) => false,
            }
        };
        let min = minimise(&case, &mut still_disagrees, options.shrink_budget);
        let f = features(&min, ours, theirs);
        if let Some(k) = known.iter().find(|k| k.matches(&f)) {
            match k.status {
                Status::OracleWrong => *report.known.entry(k.id.clone()).or_default() += 1,
                Status::EngineBugOpen | Status::Undecided => {
                    report
                        .engine_bugs
                        .entry(k.id.clone())
                        .or_insert_with(|| (0, min.clone(), k.status))
                        .0 += 1
                }
            }
            continue;
        }
        let size = min.to_oracle_json().to_string().len();
        let key = class_key(&f);
        let class = classes.entry(key.clone()).or_insert_with(|| Class {
            features: key,
            count: 0,
            example: min.clone(),
            ours,
            oracle: theirs,
        });
        class.count += 1;
        if size < class.example.to_oracle_json().to_string().len() {
            class.example = min;
        }
    }
    let mut classes: Vec<Class> = classes.into_values().collect();
    classes.sort_by_key(|c| std::cmp::Reverse(c.count));
    report.classes = classes;
    Ok(())
}
