//! Disagreements whose cause is known: the oracle departs from AWS's documented
//! behaviour. They live in tests/differential/known-disagreements.json, each with the
//! AWS documentation that decides it, and a run sets them aside rather than failing.
use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// Who is wrong in a known class, which decides how a run treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// AWS's documentation shows the oracle wrong: the class is set aside for good.
    OracleWrong,
    /// Our engine departs from AWS's documentation and a fix is under way: the class is
    /// reported loudly on every run but does not fail it. Remove the entry with the fix.
    EngineBugOpen,
    /// AWS's documentation does not decide between the two answers: reported loudly on
    /// every run, not failing it, until a source settles it.
    Undecided,
}

impl Status {
    fn parse(text: &str) -> Option<Status> {
        match text {
            "oracle-wrong" => Some(Status::OracleWrong),
            "engine-bug-open" => Some(Status::EngineBugOpen),
            "undecided" => Some(Status::Undecided),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::OracleWrong => "oracle-wrong",
            Status::EngineBugOpen => "engine-bug-open",
            Status::Undecided => "undecided",
        }
    }
}

#[derive(Debug, Clone)]
pub struct KnownDisagreement {
    pub id: String,
    pub description: String,
    pub verdict: String,
    pub status: Status,
    pub reference: String,
    /// Features (see [`crate::classify::features`]) that a minimised case must all have.
    pub requires: Vec<String>,
    /// Features it must not have.
    pub excludes: Vec<String>,
}

impl KnownDisagreement {
    /// Whether a minimised case with these features belongs to this class.
    pub fn matches(&self, features: &BTreeSet<String>) -> bool {
        self.requires.iter().all(|r| features.contains(r))
            && !self.excludes.iter().any(|e| features.contains(e))
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

pub fn parse(text: &str) -> Result<Vec<KnownDisagreement>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let items = v
        .as_array()
        .ok_or("known disagreements: expected a JSON array")?;
    let mut out = Vec::new();
    for item in items {
        let field = |name: &str| -> Result<String, String> {
            item.get(name)
                .and_then(Value::as_str)
                .map(String::from)
                .ok_or_else(|| format!("known disagreements: an entry lacks \"{name}\""))
        };
        let k = KnownDisagreement {
            id: field("id")?,
            description: field("description")?,
            verdict: field("verdict")?,
            status: {
                let text = field("status")?;
                Status::parse(&text).ok_or_else(|| {
                    format!("known disagreements: unknown status \"{text}\" (oracle-wrong, engine-bug-open or undecided)")
                })?
            },
            reference: field("reference")?,
            requires: strings(item.get("requires")),
            excludes: strings(item.get("excludes")),
        };
        if k.requires.is_empty() {
            return Err(format!(
                "known disagreement {}: \"requires\" is empty",
                k.id
            ));
        }
        out.push(k);
    }
    Ok(out)
}

/// tests/differential/known-disagreements.json; an absent file means none.
pub fn load(dir: &Path) -> Result<Vec<KnownDisagreement>, String> {
    let path = dir.join("known-disagreements.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_needs_all_required_and_no_excluded_feature() {
        let k = &parse(
            r#"[{"id":"x","description":"d","verdict":"oracle wrong","status":"oracle-wrong","reference":"r",
                "requires":["a","b"],"excludes":["c"]}]"#,
        )
        .unwrap()[0];
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert!(k.matches(&set(&["a", "b", "z"])));
        assert!(!k.matches(&set(&["a"])));
        assert!(!k.matches(&set(&["a", "b", "c"])));
    }

    #[test]
    fn entries_without_a_pattern_are_rejected() {
        let err = parse(
            r#"[{"id":"x","description":"d","verdict":"v","status":"oracle-wrong","reference":"r"}]"#,
        );
        assert!(err.is_err());
    }

    #[test]
    fn the_shipped_file_parses() {
        load(&crate::oracle::oracle_dir()).unwrap();
    }
}
