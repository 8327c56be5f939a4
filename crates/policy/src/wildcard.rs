//! The IAM wildcard matcher: `*` matches any sequence of characters (including none),
//! `?` matches exactly one character. Used for actions (case-insensitive), resource
//! segments and `StringLike` values (case-sensitive).
//!
//! Patterns are compiled once; matching never allocates. The general case uses the
//! greedy algorithm that, on a mismatch, backtracks only to the most recent `*`: the
//! work is bounded by `pattern length × text length`, never exponential. Common shapes
//! (`*`, a literal, `prefix*`, `*suffix`) take a fast path.

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A character that must appear as is (already case-folded in case-insensitive mode).
    Char(char),
    /// `?`: exactly one character.
    AnyOne,
    /// `*`: any sequence of characters.
    AnyMany,
}

impl Token {
    /// Splits pattern text into tokens: `*` and `?` are wildcards, all else literal.
    pub(crate) fn parse_into(text: &str, out: &mut Vec<Token>) {
        out.extend(text.chars().map(|c| match c {
            '*' => Token::AnyMany,
            '?' => Token::AnyOne,
            other => Token::Char(other),
        }));
    }

    /// Every character literal: `*` and `?` stand for themselves.
    pub(crate) fn literal_into(text: &str, out: &mut Vec<Token>) {
        out.extend(text.chars().map(Token::Char));
    }
}

/// Case folding used on both sides of a case-insensitive comparison. Per character
/// (so it never allocates): ASCII by table, other characters by their lower case when
/// that is a single non-ASCII character (so the Kelvin sign stays itself rather than
/// becoming `k`, which keeps the ASCII fast paths exact). Both pattern and text go
/// through the same function, so the comparison is symmetric.
#[inline]
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*` (or `**`...): everything matches.
    MatchAll,
    /// No wildcard at all.
    Exact(Box<str>),
    /// `literal*`.
    Prefix(Box<str>),
    /// `*literal`.
    Suffix(Box<str>),
    /// Anything else.
    General(Box<[Token]>),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    shape: Shape,
    case_insensitive: bool,
}

impl Pattern {
    /// Compiles `pattern`, where `*` and `?` are wildcards. In case-insensitive mode the
    /// pattern is folded here, once.
    pub fn new(pattern: &str, case_insensitive: bool) -> Pattern {
        let mut tokens = Vec::with_capacity(pattern.len());
        Token::parse_into(pattern, &mut tokens);
        Pattern::from_tokens(tokens, case_insensitive)
    }

    /// A pattern that matches exactly `text` (no wildcards), e.g. a `StringEquals` value.
    pub fn literal(text: &str, case_insensitive: bool) -> Pattern {
        let mut tokens = Vec::with_capacity(text.len());
        Token::literal_into(text, &mut tokens);
        Pattern::from_tokens(tokens, case_insensitive)
    }

    /// Compiles a token list (from a resolved policy variable, where some `*` and `?`
    /// are literal characters).
    pub(crate) fn from_tokens(mut tokens: Vec<Token>, case_insensitive: bool) -> Pattern {
        if case_insensitive {
            for t in tokens.iter_mut() {
                if let Token::Char(c) = t {
                    *c = fold(*c);
                }
            }
        }
        // Consecutive stars mean the same as one; collapsing them keeps the shapes
        // below recognisable and the general loop short.
        tokens.dedup_by(|a, b| *a == Token::AnyMany && *b == Token::AnyMany);
        Pattern {
            shape: shape_of(tokens),
            case_insensitive,
        }
    }

    /// Whether the pattern matches every text.
    pub fn is_match_all(&self) -> bool {
        matches!(self.shape, Shape::MatchAll)
    }

    /// The text the pattern matches when it has no wildcard (case-folded in
    /// case-insensitive mode).
    pub fn as_literal(&self) -> Option<&str> {
        match &self.shape {
            Shape::Exact(s) => Some(s),
            _ => None,
        }
    }

    /// The literal prefix every match starts with, when the pattern is `prefix*`.
    pub fn as_prefix(&self) -> Option<&str> {
        match &self.shape {
            Shape::Prefix(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let ci = self.case_insensitive;
        match &self.shape {
            Shape::MatchAll => true,
            Shape::Exact(lit) => eq(lit, text, ci),
            Shape::Prefix(lit) => starts_with(text, lit, ci),
            Shape::Suffix(lit) => ends_with(text, lit, ci),
            Shape::General(tokens) => general_match(tokens, text, ci),
        }
    }
}

fn shape_of(tokens: Vec<Token>) -> Shape {
    let stars = tokens.iter().filter(|t| **t == Token::AnyMany).count();
    let ones = tokens.iter().filter(|t| **t == Token::AnyOne).count();
    let literal = |ts: &[Token]| -> Box<str> {
        ts.iter()
            .filter_map(|t| match t {
                Token::Char(c) => Some(*c),
                _ => None,
            })
            .collect::<String>()
            .into_boxed_str()
    };
    if ones == 0 {
        match (stars, tokens.first(), tokens.last()) {
            (0, _, _) => return Shape::Exact(literal(&tokens)),
            (1, Some(Token::AnyMany), _) if tokens.len() == 1 => return Shape::MatchAll,
            (1, _, Some(Token::AnyMany)) => return Shape::Prefix(literal(&tokens)),
            (1, Some(Token::AnyMany), _) => return Shape::Suffix(literal(&tokens)),
            _ => {}
        }
    }
    Shape::General(tokens.into_boxed_slice())
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

/// Greedy matching with backtracking to the last star: when the text runs into a
/// mismatch, the most recent `*` swallows one more character and matching resumes
/// after it. Earlier stars never need revisiting, because any match the later star
/// cannot reach is unreachable for them too.
fn general_match(tokens: &[Token], text: &str, ci: bool) -> bool {
    if text.is_ascii() {
        return general_match_ascii(tokens, text.as_bytes(), ci);
    }
    let mut p = 0usize; // index into tokens
    let mut t = 0usize; // byte offset into text
                        // (token index just after the last star, text offset where that star's match ends)
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let step = match tokens.get(p) {
            Some(Token::AnyMany) => {
                p += 1;
                backtrack = Some((p, t));
                continue;
            }
            Some(Token::AnyOne) => char_at(text, t).map(|(_, len)| len),
            Some(Token::Char(want)) => match char_at(text, t) {
                Some((got, len)) if chars_eq(*want, got, ci) => Some(len),
                _ => None,
            },
            None if t == text.len() => return true,
            None => None,
        };
        match step {
            Some(len) => {
                p += 1;
                t += len;
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
/// non-ASCII pattern character can never match.
fn general_match_ascii(tokens: &[Token], text: &[u8], ci: bool) -> bool {
    let byte_eq = |want: char, got: u8| {
        let got = if ci { got.to_ascii_lowercase() } else { got };
        u32::from(got) == u32::from(want)
    };
    let mut p = 0usize;
    let mut t = 0usize;
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let advanced = match tokens.get(p) {
            Some(Token::AnyMany) => {
                p += 1;
                backtrack = Some((p, t));
                continue;
            }
            Some(Token::AnyOne) => t < text.len(),
            Some(Token::Char(want)) => text.get(t).is_some_and(|got| byte_eq(*want, *got)),
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

    #[test]
    fn pathological_pattern_is_fast() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!Pattern::new(&pattern, false).matches(&text));
    }
}
