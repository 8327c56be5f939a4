//! Collecting findings: turning the JSON reader's positions into AWS's, and paths.
use policy::ast::{Pos, Span as TextSpan};

use crate::catalogue::Check;
use crate::model::{Finding, Location, PathElement, Position, Span};

/// A path through the document, as AWS writes it.
pub(crate) type Path = Vec<PathElement>;

/// `path` followed by one more step.
pub(crate) fn join(path: &[PathElement], step: PathElement) -> Path {
    let mut out = Vec::with_capacity(path.len() + 1);
    out.extend_from_slice(path);
    out.push(step);
    out
}

/// The step to the value under `key`.
pub(crate) fn value(key: &str) -> PathElement {
    PathElement::Value(key.to_string())
}

/// The step to an array element.
pub(crate) fn index(i: usize) -> PathElement {
    PathElement::Index(u32::try_from(i).unwrap_or(u32::MAX))
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
            path,
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
