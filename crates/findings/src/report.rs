//! Collecting findings: turning the JSON reader's positions into AWS's, and paths.
use std::cell::OnceCell;

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
    /// Whether every character is one byte (then offsets need no counting).
    ascii: bool,
    /// For text that is not all ASCII: the byte offset just past each multi-byte
    /// character, with the bytes beyond one per character seen so far. Built on the
    /// first finding, so that each position costs a binary search, not a scan.
    wide_chars: OnceCell<Vec<(usize, usize)>>,
    /// "Did you mean ...?" compares a name with every candidate; a document full of
    /// unknown names gets suggestions for its first ones only.
    suggestions_left: u32,
}

/// How many unknown names get a suggestion.
const SUGGESTIONS: u32 = 64;

impl<'t> Report<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Report {
            text,
            findings: Vec::new(),
            ascii: text.is_ascii(),
            wide_chars: OnceCell::new(),
            suggestions_left: SUGGESTIONS,
        }
    }

    /// Whether another suggestion may be computed (and counts it).
    pub(crate) fn take_suggestion(&mut self) -> bool {
        let left = self.suggestions_left > 0;
        self.suggestions_left = self.suggestions_left.saturating_sub(1);
        left
    }

    /// The number of characters in the text's first `offset` bytes.
    fn char_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if self.ascii {
            return offset;
        }
        let wide = self.wide_chars.get_or_init(|| {
            let mut extra = 0;
            self.text
                .char_indices()
                .filter(|(_, c)| c.len_utf8() > 1)
                .map(|(at, c)| {
                    extra += c.len_utf8() - 1;
                    (at + c.len_utf8(), extra)
                })
                .collect()
        });
        // The extra bytes of every multi-byte character that ends at or before `offset`.
        let ended = wide.partition_point(|(end, _)| *end <= offset);
        let extra = ended
            .checked_sub(1)
            .and_then(|i| wide.get(i))
            .map_or(0, |(_, extra)| *extra);
        offset - extra
    }

    /// AWS's position for one of the reader's: the column counted from 0 and the
    /// offset in characters rather than bytes.
    pub(crate) fn position(&self, pos: Pos) -> Position {
        let chars = self.char_offset(usize::try_from(pos.offset).unwrap_or(usize::MAX));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters() {
        let text = "a\u{e9}b\u{1f600}c";
        let report = Report::new(text);
        let expected: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .map(|i| text[..i].chars().count())
            .collect();
        let got: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .map(|i| report.char_offset(i))
            .collect();
        assert_eq!(got, expected);
    }
}
