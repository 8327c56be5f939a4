//! The IAM wildcard matcher: `*` matches any sequence of characters (including none),
//! `?` matches exactly one character. Used for actions (case-insensitive), resource
//! segments and `StringLike` values (case-sensitive).
//!
//! A compiled pattern is one owned string (case-folded once in case-insensitive mode,
//! runs of `*` collapsed) plus its shape; building one costs a single allocation, and
//! matching never allocates. `*` and `?` in the string are wildcards, except at the
//! byte offsets listed as literal: those come from `${*}`/`${?}` and from text a policy
//! variable substituted, and are rare, so the list is usually empty.
//!
//! The general case uses the greedy algorithm that, on a mismatch, backtracks only to
//! the most recent `*`: the work is bounded by `pattern length × text length`, never
//! exponential. Common shapes (`*`, a literal, `prefix*`, `*suffix`) take a fast path.

/// Case folding used on both sides of a case-insensitive comparison. Per character
/// (so it never allocates): ASCII by table, other characters by their lower case when
/// that is a single non-ASCII character (so the Kelvin sign stays itself rather than
/// becoming `k`, which keeps the ASCII fast paths exact). Both pattern and text go
/// through the same function, so the comparison is symmetric. Public so that tools
/// reasoning about case-insensitive matches use exactly the engine's classes.
#[inline]
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

/// Pattern text under construction: policy text whose `*` and `?` are wildcards, and
/// literal text (substituted values, escapes) whose `*` and `?` stand for themselves.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternText {
    text: String,
    /// Byte offsets in `text` of `*` and `?` that are literal characters, ascending.
    literal: Vec<u32>,
}

impl PatternText {
    pub(crate) fn with_capacity(bytes: usize) -> PatternText {
        PatternText {
            text: String::with_capacity(bytes),
            literal: Vec::new(),
        }
    }

    /// Appends policy text: its `*` and `?` are wildcards.
    pub(crate) fn push_wild(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends text whose every character is literal.
    pub(crate) fn push_literal(&mut self, text: &str) {
        let base = self.text.len();
        self.text.push_str(text);
        for (i, b) in text.bytes().enumerate() {
            if b == b'*' || b == b'?' {
                self.literal.push(offset(base + i));
            }
        }
    }

    /// Appends one literal character.
    pub(crate) fn push_literal_char(&mut self, c: char) {
        if c == '*' || c == '?' {
            self.literal.push(offset(self.text.len()));
        }
        self.text.push(c);
    }
}

/// Offsets are kept as `u32`: policy strings are far shorter than 4 GiB, and a longer
/// one saturates (only literal-wildcard bookkeeping would be affected).
#[inline]
fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Whether the byte at `at` (a `*` or `?`) is a wildcard rather than a literal.
#[inline]
fn is_wild(literal: &[u32], at: usize) -> bool {
    literal.is_empty() || literal.binary_search(&offset(at)).is_err()
}

/// How a pattern (or a piece of one) is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Shape {
    /// `*`: everything matches.
    MatchAll,
    /// No wildcard at all: the text is the literal (the shape of empty text).
    #[default]
    Exact,
    /// `literal*`: the text without its last byte is the literal.
    Prefix,
    /// `*literal`: the text without its first byte is the literal.
    Suffix,
    /// Anything else.
    General,
}

impl Shape {
    /// The shape of `text[start..end]`, whose runs of wildcard `*` are collapsed.
    /// `literal` holds offsets relative to the start of the whole text.
    pub(crate) fn of(text: &str, start: usize, literal: &[u32]) -> Shape {
        let bytes = text.as_bytes();
        let mut stars = 0usize;
        let mut first_star = None;
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'?' if is_wild(literal, start + i) => return Shape::General,
                b'*' if is_wild(literal, start + i) => {
                    stars += 1;
                    first_star.get_or_insert(i);
                }
                _ => {}
            }
        }
        match (stars, first_star) {
            (0, _) => Shape::Exact,
            (1, Some(_)) if bytes.len() == 1 => Shape::MatchAll,
            (1, Some(i)) if i + 1 == bytes.len() => Shape::Prefix,
            (1, Some(0)) => Shape::Suffix,
            _ => Shape::General,
        }
    }
}

/// A piece of pattern text with its shape: a whole [`Pattern`] or one ARN segment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatternRef<'a> {
    pub(crate) text: &'a str,
    /// Offset of `text` in the string `literal` refers to.
    pub(crate) start: usize,
    pub(crate) literal: &'a [u32],
    pub(crate) shape: Shape,
    pub(crate) case_insensitive: bool,
}

impl PatternRef<'_> {
    /// Whether `subject` matches the whole pattern.
    #[inline]
    pub(crate) fn matches(&self, subject: &str) -> bool {
        let ci = self.case_insensitive;
        let text = self.text;
        match self.shape {
            Shape::MatchAll => true,
            Shape::Exact => eq(text, subject, ci),
            Shape::Prefix => starts_with(
                subject,
                text.get(..text.len().saturating_sub(1)).unwrap_or(""),
                ci,
            ),
            Shape::Suffix => ends_with(subject, text.get(1..).unwrap_or(""), ci),
            Shape::General => {
                if subject.is_ascii() {
                    general_match_ascii(self, subject.as_bytes())
                } else {
                    general_match(self, subject)
                }
            }
        }
    }
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Folded in case-insensitive mode; runs of wildcard `*` collapsed to one.
    text: Box<str>,
    /// Byte offsets of literal `*` and `?` in `text`; empty for plain policy text.
    literal: Box<[u32]>,
    shape: Shape,
    case_insensitive: bool,
}

impl Pattern {
    /// Compiles `pattern`, where `*` and `?` are wildcards. In case-insensitive mode the
    /// pattern is folded here, once.
    pub fn new(pattern: &str, case_insensitive: bool) -> Pattern {
        Pattern::build(
            PatternText {
                text: pattern.to_owned(),
                literal: Vec::new(),
            },
            case_insensitive,
        )
    }

    /// A pattern that matches exactly `text` (no wildcards), e.g. a `StringEquals` value.
    pub fn literal(text: &str, case_insensitive: bool) -> Pattern {
        let mut p = PatternText::with_capacity(text.len());
        p.push_literal(text);
        Pattern::build(p, case_insensitive)
    }

    /// Compiles pattern text built from policy text and literal pieces.
    pub(crate) fn build(text: PatternText, case_insensitive: bool) -> Pattern {
        let mut text = text;
        if case_insensitive {
            fold_text(&mut text);
        }
        collapse_stars(&mut text);
        let shape = Shape::of(&text.text, 0, &text.literal);
        Pattern {
            text: text.text.into_boxed_str(),
            literal: text.literal.into_boxed_slice(),
            shape,
            case_insensitive,
        }
    }

    pub(crate) fn as_ref(&self) -> PatternRef<'_> {
        PatternRef {
            text: &self.text,
            start: 0,
            literal: &self.literal,
            shape: self.shape,
            case_insensitive: self.case_insensitive,
        }
    }

    /// The compiled text (folded in case-insensitive mode).
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets of literal `*` and `?` in [`Pattern::text`].
    pub(crate) fn literal_offsets(&self) -> &[u32] {
        &self.literal
    }

    /// Whether the pattern matches every text.
    pub fn is_match_all(&self) -> bool {
        self.shape == Shape::MatchAll
    }

    /// The text the pattern matches when it has no wildcard (case-folded in
    /// case-insensitive mode).
    pub fn as_literal(&self) -> Option<&str> {
        (self.shape == Shape::Exact).then_some(&*self.text)
    }

    /// The literal prefix every match starts with, when the pattern is `prefix*`.
    pub fn as_prefix(&self) -> Option<&str> {
        match self.shape {
            Shape::Prefix => self.text.get(..self.text.len().saturating_sub(1)),
            _ => None,
        }
    }

    pub fn is_case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whether `text` matches the whole pattern.
    #[inline]
    pub fn matches(&self, text: &str) -> bool {
        self.as_ref().matches(text)
    }
}

/// Folds the text for case-insensitive matching. ASCII text is folded in place (the
/// usual case: offsets do not move); other text is rebuilt character by character.
fn fold_text(p: &mut PatternText) {
    if p.text.is_ascii() {
        p.text.make_ascii_lowercase();
        return;
    }
    let mut folded = PatternText::with_capacity(p.text.len());
    for (i, c) in p.text.char_indices() {
        if (c == '*' || c == '?') && !is_wild(&p.literal, i) {
            folded.literal.push(offset(folded.text.len()));
        }
        folded.text.push(fold(c));
    }
    *p = folded;
}

/// Collapses runs of wildcard `*` into one: `a**b` means the same as `a*b`, and the
/// shapes above are recognised only on collapsed text. Rare, so it rebuilds.
fn collapse_stars(p: &mut PatternText) {
    let has_run = p
        .text
        .as_bytes()
        .windows(2)
        .enumerate()
        .any(|(i, w)| w == b"**" && is_wild(&p.literal, i) && is_wild(&p.literal, i + 1));
    if !has_run {
        return;
    }
    let mut out = PatternText::with_capacity(p.text.len());
    let mut after_wild_star = false;
    for (i, c) in p.text.char_indices() {
        let wild = (c == '*' || c == '?') && is_wild(&p.literal, i);
        if c == '*' && wild {
            if after_wild_star {
                continue;
            }
            after_wild_star = true;
        } else {
            after_wild_star = false;
        }
        if (c == '*' || c == '?') && !wild {
            out.literal.push(offset(out.text.len()));
        }
        out.text.push(c);
    }
    *p = out;
}

#[inline]
fn chars_eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && fold(b) == a)
}

/// `pattern_lit` is already folded when `ci`.
fn eq(pattern_lit: &str, text: &str, ci: bool) -> bool {
    if !ci {
        return pattern_lit == text;
    }
    if pattern_lit.is_ascii() {
        // Non-ASCII text never folds to ASCII (see `fold`), so bytes decide.
        return pattern_lit.eq_ignore_ascii_case(text);
    }
    let mut p = pattern_lit.chars();
    let mut t = text.chars();
    loop {
        match (p.next(), t.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if chars_eq(a, b, ci) => {}
            _ => return false,
        }
    }
}

fn starts_with(text: &str, lit: &str, ci: bool) -> bool {
    if !ci {
        return text.starts_with(lit);
    }
    if lit.is_ascii() {
        // A non-ASCII text character never folds to an ASCII one under `fold`, so a
        // byte-wise ASCII comparison of the prefix is exact.
        return text
            .as_bytes()
            .get(..lit.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(lit.as_bytes()));
    }
    let mut t = text.chars();
    lit.chars()
        .all(|a| t.next().is_some_and(|b| chars_eq(a, b, ci)))
}

fn ends_with(text: &str, lit: &str, ci: bool) -> bool {
    if !ci {
        return text.ends_with(lit);
    }
    if lit.is_ascii() {
        return text
            .len()
            .checked_sub(lit.len())
            .and_then(|start| text.as_bytes().get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(lit.as_bytes()));
    }
    let mut t = text.chars().rev();
    lit.chars()
        .rev()
        .all(|a| t.next().is_some_and(|b| chars_eq(a, b, ci)))
}

/// The next character of `text` at byte offset `at`, with its length in bytes.
#[inline]
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map(|c| (c, c.len_utf8()))
}

/// One element of the pattern at a byte offset.
enum Step {
    /// A wildcard `*`.
    Star,
    /// A wildcard `?`.
    One,
    /// A character that must appear as is, and its length in the pattern.
    Char(char, usize),
    /// The end of the pattern.
    End,
}

#[inline]
fn step_at(p: &PatternRef<'_>, at: usize) -> Step {
    match char_at(p.text, at) {
        None => Step::End,
        Some(('*', _)) if is_wild(p.literal, p.start + at) => Step::Star,
        Some(('?', _)) if is_wild(p.literal, p.start + at) => Step::One,
        Some((c, len)) => Step::Char(c, len),
    }
}

/// Greedy matching with backtracking to the last star: when the text runs into a
/// mismatch, the most recent `*` swallows one more character and matching resumes
/// after it. Earlier stars never need revisiting, because any match the later star
/// cannot reach is unreachable for them too.
fn general_match(pattern: &PatternRef<'_>, text: &str) -> bool {
    let ci = pattern.case_insensitive;
    let mut p = 0usize; // byte offset into the pattern
    let mut t = 0usize; // byte offset into the text
                        // (pattern offset just after the last star, text offset where that star's match ends)
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let advance = match step_at(pattern, p) {
            Step::Star => {
                p += 1;
                backtrack = Some((p, t));
                continue;
            }
            Step::One => char_at(text, t).map(|(_, len)| (1, len)),
            Step::Char(want, plen) => match char_at(text, t) {
                Some((got, len)) if chars_eq(want, got, ci) => Some((plen, len)),
                _ => None,
            },
            Step::End if t == text.len() => return true,
            Step::End => None,
        };
        match advance {
            Some((plen, tlen)) => {
                p += plen;
                t += tlen;
            }
            None => match backtrack {
                Some((after_star, star_end)) => match char_at(text, star_end) {
                    Some((_, len)) => {
                        let end = star_end + len;
                        backtrack = Some((after_star, end));
                        p = after_star;
                        t = end;
                    }
                    None => return false,
                },
                None => return false,
            },
        }
    }
}

/// [`general_match`] for ASCII text, byte by byte: one byte is one character, and a
/// byte of a non-ASCII pattern character never equals an ASCII byte, so comparing the
/// pattern's bytes one at a time is exact.
fn general_match_ascii(pattern: &PatternRef<'_>, text: &[u8]) -> bool {
    let ci = pattern.case_insensitive;
    let pat = pattern.text.as_bytes();
    let mut p = 0usize;
    let mut t = 0usize;
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let advanced = match pat.get(p) {
            Some(b'*') if is_wild(pattern.literal, pattern.start + p) => {
                p += 1;
                backtrack = Some((p, t));
                continue;
            }
            Some(b'?') if is_wild(pattern.literal, pattern.start + p) => t < text.len(),
            Some(want) => text.get(t).is_some_and(|got| {
                let got = if ci { got.to_ascii_lowercase() } else { *got };
                got == *want
            }),
            None if t == text.len() => return true,
            None => false,
        };
        if advanced {
            p += 1;
            t += 1;
            continue;
        }
        match backtrack {
            Some((after_star, star_end)) if star_end < text.len() => {
                backtrack = Some((after_star, star_end + 1));
                p = after_star;
                t = star_end + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(Pattern::new("*", false).is_match_all());
        assert!(Pattern::new("***", false).is_match_all());
        assert_eq!(
            Pattern::new("s3:GetObject", true).as_literal(),
            Some("s3:getobject")
        );
        assert_eq!(Pattern::new("s3:Get*", false).as_prefix(), Some("s3:Get"));
        assert_eq!(Pattern::literal("a*b", false).as_literal(), Some("a*b"));
    }

    #[test]
    fn basic_matching() {
        let p = Pattern::new("a*b?c", false);
        assert!(p.matches("abxc"));
        assert!(p.matches("a123bxc"));
        assert!(!p.matches("abc"));
        assert!(Pattern::new("*suffix", false).matches("the suffix"));
        assert!(!Pattern::new("*suffix", false).matches("the Suffix"));
        assert!(Pattern::new("*suffix", true).matches("the SUFFIX"));
        assert!(Pattern::new("?", false).matches("é"));
        assert!(!Pattern::new("?", false).matches(""));
        assert!(Pattern::new("", false).matches(""));
        assert!(!Pattern::new("", false).matches("a"));
    }

    #[test]
    fn case_insensitive_actions() {
        let p = Pattern::new("S3:Get*Acl", true);
        assert!(p.matches("s3:GetObjectACL"));
        assert!(p.matches("S3:GETBUCKETACL"));
        assert!(!p.matches("s3:PutObjectAcl"));
        assert!(Pattern::new("ÉTÉ", true).matches("été"));
    }

    /// Pattern text mixing policy text (wildcards active) and literal pieces.
    fn mixed(pieces: &[(&str, bool)], ci: bool) -> Pattern {
        let mut text = PatternText::default();
        for (piece, wild) in pieces {
            if *wild {
                text.push_wild(piece);
            } else {
                text.push_literal(piece);
            }
        }
        Pattern::build(text, ci)
    }

    #[test]
    fn literal_wildcards_stand_for_themselves() {
        // `a*` + literal `?*` + `?`: the middle two characters are literal.
        let p = mixed(&[("a*", true), ("?*", false), ("?", true)], false);
        assert!(p.matches("aZZ?*q"));
        assert!(p.matches("a?*?"));
        assert!(!p.matches("aZZx*q"));
        assert!(!p.matches("aZZ?xq"));
        // A literal star next to wildcard stars is not collapsed with them.
        let p = mixed(&[("x**", true), ("*", false), ("**y", true)], false);
        assert!(p.matches("x*y"));
        assert!(p.matches("x1*2y"));
        assert!(!p.matches("xy"));
        // Folding non-ASCII text keeps literal marks on the right characters.
        let p = mixed(&[("É*", true), ("*", false), ("?", true)], true);
        assert!(p.matches("éxx*Q"));
        assert!(!p.matches("éxxyQ"));
        // Only literal wildcards: an exact match.
        assert_eq!(Pattern::literal("a*b?", true).as_literal(), Some("a*b?"));
        assert!(!Pattern::literal("a*b?", true).matches("axbc"));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!Pattern::new(&pattern, false).matches(&text));
    }
}
