//! Collecting findings: turning the JSON reader's positions into AWS's, and paths.
use policy::ast::{Pos, Span as TextSpan};

use crate::catalogue::Check;
use crate::model::{Finding, Location, PathElement, Position, Span};

/// One step of a path, borrowing the document's keys; it becomes a [`PathElement`]
/// only when a finding is made, so checks that find nothing allocate no paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step<'d> {
    Index(u32),
    Key(&'d str),
    Value(&'d str),
}

impl Step<'_> {
    fn to_element(self) -> PathElement {
        match self {
            Step::Index(i) => PathElement::Index(i),
            Step::Key(k) => PathElement::Key(k.to_string()),
            Step::Value(v) => PathElement::Value(v.to_string()),
        }
    }
}

/// A path through the document, as AWS writes it.
pub(crate) type Path<'d> = Vec<Step<'d>>;

/// `path` followed by one more step.
pub(crate) fn join<'d>(path: &[Step<'d>], step: Step<'d>) -> Path<'d> {
    let mut out = Vec::with_capacity(path.len() + 1);
    out.extend_from_slice(path);
    out.push(step);
    out
}

/// The step to the value under `key`.
pub(crate) fn value(key: &str) -> Step<'_> {
    Step::Value(key)
}

/// The step to an object's key itself.
pub(crate) fn key(key: &str) -> Step<'_> {
    Step::Key(key)
}

/// The step to an array element.
pub(crate) fn index(i: usize) -> Step<'static> {
    Step::Index(u32::try_from(i).unwrap_or(u32::MAX))
}

/// The findings of one validation, in the order the checks made them.
pub(crate) struct Report<'t> {
    text: &'t str,
    findings: Vec<Finding>,
}

impl<'t> Report<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Report {
            text,
            findings: Vec::new(),
        }
    }

    /// AWS's position for one of the reader's: the column counted from 0 and the
    /// offset in characters rather than bytes.
    pub(crate) fn position(&self, pos: Pos) -> Position {
        let offset = usize::try_from(pos.offset).unwrap_or(usize::MAX);
        let chars = match self.text.get(..offset) {
            Some(prefix) if prefix.is_ascii() => prefix.len(),
            Some(prefix) => prefix.chars().count(),
            None => self.text.chars().count(),
        };
        Position {
            line: pos.line,
            column: pos.column.saturating_sub(1),
            offset: u32::try_from(chars).unwrap_or(u32::MAX),
        }
    }

    pub(crate) fn location(&self, path: Path, span: TextSpan) -> Location {
        Location {
            path: path.into_iter().map(Step::to_element).collect(),
            span: Span {
                start: self.position(span.start),
                end: self.position(span.end),
            },
        }
    }

    /// A finding with one location.
    pub(crate) fn at(&mut self, check: Check, details: String, path: Path, span: TextSpan) {
        let location = self.location(path, span);
        self.add(check, details, vec![location]);
    }

    pub(crate) fn add(&mut self, check: Check, details: String, locations: Vec<Location>) {
        self.findings.push(Finding {
            finding_type: check.finding_type,
            issue_code: check.code.to_string(),
            finding_details: details,
            learn_more_link: check.learn_more_link(),
            locations,
        });
    }

    pub(crate) fn finish(self) -> Vec<Finding> {
        self.findings
    }
}
