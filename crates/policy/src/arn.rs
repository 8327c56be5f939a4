//! Amazon Resource Names and the matching rules of the `Resource`/`NotResource`
//! element and of the `ArnEquals`/`ArnLike`/`ArnNotEquals`/`ArnNotLike` operators.
//!
//! An ARN is `arn:partition:service:region:account-id:resource`; the resource part may
//! itself contain `:` and `/`. Matching follows the IAM User Guide:
//!
//! - "IAM JSON policy elements: Resource", section "Using wildcards in resource ARNs":
//!   wildcards (`*`, `?`) work within the individual colon-separated segments; several
//!   per segment are allowed; "if the `*` wildcard is the last character of a resource
//!   ARN segment, it can expand to match beyond the colon boundaries"; `*` replaces
//!   everything within a segment, including `/`, which has no special meaning.
//! - "IAM JSON policy elements: Condition operators", ARN condition operators:
//!   `ArnEquals` and `ArnLike` behave alike — case-sensitive, "each of the six
//!   colon-delimited components of the ARN is checked separately and each can include
//!   multi-character match wildcards (*) or single-character match wildcards (?)".
//!
//! Decisions drawn from that:
//! - Matching is case-sensitive in every segment.
//! - A segment is compared with its counterpart only: an empty region or account in the
//!   pattern matches only an empty one in the ARN; `*` matches any value, empty included.
//!   So `arn:aws:s3:::b` does not match `arn:aws:s3:us-east-1::b`, while
//!   `arn:aws:s3:*:*:b` matches both.
//! - A `*` that ends a segment may also swallow the following segments with their
//!   colons (`arn:aws:*` matches every `aws` ARN; `arn:aws:iam::*` every IAM ARN of any
//!   account). A `*` inside a segment does not cross a colon before the resource part.
//! - Within the resource part, colons are ordinary characters, so `*` crosses them and
//!   `/` alike.
//! - A pattern without any colon (only `*` in practice) is matched against the whole
//!   text; so is any pattern when the text is not a six-part ARN (e.g. the `*` that
//!   stands for "no resource"), which then matches only by plain wildcard comparison.
//! - The same rules serve the `Resource` element and the ARN condition operators, where
//!   a context value that is not an ARN never matches (see [`is_arn`]).

use crate::wildcard::{Pattern, PatternRef, PatternText, Shape};

/// The six parts of an ARN, split at its first five colons.
pub fn split_arn(text: &str) -> Option<[&str; 6]> {
    let parts = split_arn_loose(text)?;
    if parts[0] != "arn" {
        return None;
    }
    Some(parts)
}

/// Whether `text` has the shape of an ARN (`arn:` and six colon-separated parts).
pub fn is_arn(text: &str) -> bool {
    split_arn(text).is_some()
}

/// A parsed ARN, borrowing the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let [_, partition, service, region, account, resource] = split_arn(text)?;
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

/// One colon-separated segment of an ARN pattern: a byte range of the pattern's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Segment {
    start: u32,
    end: u32,
    shape: Shape,
    /// The segment ends with a wildcard `*`, so it may swallow the following segments.
    expands: bool,
}

/// The segments of an ARN pattern (at most six), stored inline.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segments {
    list: [Segment; 6],
    len: u8,
}

impl Segments {
    fn as_slice(&self) -> &[Segment] {
        self.list.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ArnShape {
    /// A pattern without colons (`*`, or something that is not an ARN): compared with
    /// the whole text.
    Whole,
    /// No wildcard: plain equality.
    Exact,
    /// The only wildcard is a final `*`: a prefix test has the same answer as the
    /// segment rules, because the prefix carries its own colons.
    Prefix,
    /// The general case, segment by segment.
    Segments(Segments),
}

/// A compiled ARN pattern, as written in `Resource`/`NotResource` or an ARN operator.
/// One string holds the whole pattern; segments are byte ranges of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    /// The pattern as a whole, also used for the plain comparison when the text is not
    /// an ARN.
    whole: Pattern,
    shape: ArnShape,
}

impl ArnPattern {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str) -> ArnPattern {
        ArnPattern::from_pattern(Pattern::new(pattern, false))
    }

    /// Compiles pattern text in which a resolved policy variable may have put literal
    /// `*` and `?`.
    pub(crate) fn build(text: PatternText) -> ArnPattern {
        ArnPattern::from_pattern(Pattern::build(text, false))
    }

    fn from_pattern(whole: Pattern) -> ArnPattern {
        let shape = if !whole.text().contains(':') {
            ArnShape::Whole
        } else if whole.as_literal().is_some() {
            ArnShape::Exact
        } else if whole.as_prefix().is_some() {
            ArnShape::Prefix
        } else {
            ArnShape::Segments(split_segments(whole.text(), whole.literal_offsets()))
        };
        ArnPattern { whole, shape }
    }

    /// Whether the pattern matches every ARN and every non-ARN text.
    pub fn is_match_all(&self) -> bool {
        self.whole.is_match_all()
    }

    /// Whether `text` matches. `text` is normally an ARN; anything else is compared
    /// with the pattern as a whole.
    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            ArnShape::Whole => self.whole.matches(text),
            ArnShape::Exact => self.whole.text() == text,
            ArnShape::Prefix => self
                .whole
                .as_prefix()
                .is_some_and(|prefix| text.starts_with(prefix)),
            ArnShape::Segments(segments) => match split_arn_loose(text) {
                Some(parts) => segments_match(&self.whole, segments.as_slice(), &parts),
                None => self.whole.matches(text),
            },
        }
    }
}

/// The first five segments of an ARN pattern whose resource part is resolved per
/// request (it holds policy variables); each compared with its own part of the ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnHead {
    /// The five segments joined by colons.
    text: Pattern,
    segments: [Segment; 5],
}

impl ArnHead {
    /// `head` is the pattern text before the fifth colon; `None` when it does not have
    /// five segments.
    pub(crate) fn new(head: &str) -> Option<ArnHead> {
        let text = Pattern::new(head, false);
        let split = split_segments(text.text(), text.literal_offsets());
        if split.len != 5 {
            return None;
        }
        let mut segments = [Segment::default(); 5];
        for (slot, seg) in segments.iter_mut().zip(split.as_slice()) {
            *slot = *seg;
        }
        Some(ArnHead { text, segments })
    }

    /// Whether each of the five parts matches its segment.
    pub(crate) fn matches(&self, parts: &[&str; 5]) -> bool {
        self.segments
            .iter()
            .zip(parts)
            .all(|(seg, part)| segment_ref(&self.text, seg).matches(part))
    }
}

/// Splits `text` at its first five colons, whatever the first part is (the segment
/// rules apply to the pattern's first segment too, e.g. `ar?:...`).
fn split_arn_loose(text: &str) -> Option<[&str; 6]> {
    let mut parts = [""; 6];
    let mut rest = text;
    for slot in parts.iter_mut().take(5) {
        let (head, tail) = rest.split_once(':')?;
        *slot = head;
        rest = tail;
    }
    parts[5] = rest;
    Some(parts)
}

/// The segments of pattern text: split at its first five colons (the sixth segment,
/// the resource, keeps its colons).
fn split_segments(text: &str, literal: &[u32]) -> Segments {
    let mut segments = Segments {
        list: [Segment::default(); 6],
        len: 0,
    };
    let mut start = 0usize;
    let push = |segments: &mut Segments, start: usize, end: usize| {
        let piece = text.get(start..end).unwrap_or("");
        let expands = piece.ends_with('*')
            && literal
                .binary_search(&offset(end.saturating_sub(1)))
                .is_err();
        if let Some(slot) = segments.list.get_mut(usize::from(segments.len)) {
            *slot = Segment {
                start: offset(start),
                end: offset(end),
                shape: Shape::of(piece, start, literal),
                expands,
            };
            segments.len += 1;
        }
    };
    for (i, b) in text.bytes().enumerate() {
        if b == b':' && segments.len < 5 {
            push(&mut segments, start, i);
            start = i + 1;
        }
    }
    push(&mut segments, start, text.len());
    segments
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The matcher of one segment of `whole`.
#[inline]
fn segment_ref<'a>(whole: &'a Pattern, seg: &Segment) -> PatternRef<'a> {
    let start = seg.start as usize;
    PatternRef {
        text: whole.text().get(start..seg.end as usize).unwrap_or(""),
        start,
        literal: whole.literal_offsets(),
        shape: seg.shape,
        case_insensitive: false,
    }
}

/// Segment-by-segment matching. `reach` holds, for the pattern segment about to be
/// matched, the set of ARN parts at which it may start (bit j = part j). Each pattern
/// segment consumes its own part, or — if it ends with `*` and matches that part — that
/// part and any number of following ones. The last pattern segment must consume every
/// remaining part; when it starts before the resource part, only a final `*` can do that.
fn segments_match(whole: &Pattern, segments: &[Segment], parts: &[&str; 6]) -> bool {
    // Six pattern segments for six parts: every later segment needs a part of its own,
    // so no `*` can swallow extra parts and the match is one to one.
    if segments.len() == 6 {
        return segments
            .iter()
            .zip(parts.iter())
            .all(|(seg, part)| segment_ref(whole, seg).matches(part));
    }
    let mut reach: u8 = 1; // start at part 0
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let pattern = segment_ref(whole, seg);
        let mut next: u8 = 0;
        for (j, part) in parts.iter().enumerate() {
            if reach & (1 << j) == 0 {
                continue;
            }
            if i == last {
                let ok = if j == 5 {
                    pattern.matches(part)
                } else {
                    // The rest of the ARN, colons included, swallowed by a final `*`
                    // that matched the first of the remaining parts.
                    seg.expands && pattern.matches(part)
                };
                if ok {
                    return true;
                }
                continue;
            }
            if pattern.matches(part) {
                next |= 1 << (j + 1);
                if seg.expands {
                    // Swallow parts j+1 .. up to 4 as well (the last pattern segment
                    // still needs a part of its own).
                    for k in (j + 2)..=5 {
                        next |= 1 << k;
                    }
                }
            }
        }
        // Part 5 is the resource: a pattern segment other than the last cannot end there.
        reach = next & 0b11_1111;
        if reach == 0 {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, arn: &str) -> bool {
        ArnPattern::new(pattern).matches(arn)
    }

    #[test]
    fn split() {
        let arn = Arn::parse("arn:aws:logs:us-east-1:123:log-group:g:log-stream:s");
        assert_eq!(
            arn.map(|a| (a.service, a.account, a.resource)),
            Some(("logs", "123", "log-group:g:log-stream:s"))
        );
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("urn:aws:s3:::b").is_none());
    }

    #[test]
    fn resource_wildcards() {
        assert!(m("*", "arn:aws:s3:::b/k"));
        assert!(m("*", "*"));
        assert!(m("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c"));
        assert!(!m("arn:aws:s3:::b/*", "arn:aws:s3:::c/a"));
        assert!(m(
            "arn:aws:s3:::b/*/test/*",
            "arn:aws:s3:::b/1/2/test/3/o.jpg"
        ));
        assert!(!m("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1-test/o.jpg"));
        assert!(m(
            "arn:aws:s3:::example?bucket/*",
            "arn:aws:s3:::example1bucket/x"
        ));
        assert!(m(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:eu-west-1:1:log-group:a:log-stream:b"
        ));
    }

    #[test]
    fn case_sensitive() {
        assert!(!m("arn:aws:iam::123:user/Bob", "arn:aws:iam::123:user/bob"));
        assert!(!m("arn:aws:iam::*:user/B*", "arn:aws:iam::123:user/bob"));
    }

    #[test]
    fn empty_segments() {
        assert!(!m("arn:aws:s3:::b", "arn:aws:s3:us-east-1::b"));
        assert!(m("arn:aws:s3:*:*:b", "arn:aws:s3:::b"));
        assert!(m("arn:aws:s3:*:*:b", "arn:aws:s3:us-east-1:123:b"));
        assert!(!m(
            "arn:aws:ec2:*::instance/*",
            "arn:aws:ec2:us-east-1:123:instance/i-1"
        ));
    }

    #[test]
    fn trailing_star_crosses_colons() {
        assert!(m("arn:aws:*", "arn:aws:iam::123:user/x"));
        assert!(m("arn:aws:iam::*", "arn:aws:iam::123:user/x"));
        assert!(m(
            "arn:aws:ec2:us-*",
            "arn:aws:ec2:us-east-1:123:instance/i"
        ));
        assert!(m("arn:aws:*:user/x", "arn:aws:iam::123:user/x"));
        assert!(!m("arn:aws:*:user/y", "arn:aws:iam::123:user/x"));
    }

    #[test]
    fn inner_star_stays_in_its_segment() {
        // `*1` may not stretch over `us-east-2:11` to reach the `1:` of the account.
        assert!(!m(
            "arn:aws:ec2:*1:*",
            "arn:aws:ec2:us-east-2:111:instance/i"
        ));
        assert!(m(
            "arn:aws:ec2:*1:*",
            "arn:aws:ec2:us-east-1:111:instance/i"
        ));
        assert!(!m("arn:aws:ec2:us-east-1", "arn:aws:ec2:us-east-1:1:x"));
    }

    #[test]
    fn literal_star_from_a_variable_does_not_expand() {
        // A `*` substituted into the region segment is a character, not a wildcard, so
        // it neither matches other regions nor swallows the following segments.
        let mut text = PatternText::default();
        text.push_wild("arn:aws:s3:");
        text.push_literal("*");
        text.push_wild(":1:b/*");
        let p = ArnPattern::build(text);
        assert!(p.matches("arn:aws:s3:*:1:b/x"));
        assert!(!p.matches("arn:aws:s3:us-east-1:1:b/x"));
        let head = ArnHead::new("arn:aws:s?:*:1");
        assert!(head.is_some_and(|h| h.matches(&["arn", "aws", "s3", "eu-west-1", "1"])));
    }

    #[test]
    fn non_arn_text() {
        assert!(!m("arn:aws:s3:::*", "*"));
        assert!(m("arn:aws:s3", "arn:aws:s3"));
    }
}
