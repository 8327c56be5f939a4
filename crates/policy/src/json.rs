//! A small JSON reader that remembers where every value and object key starts and
//! ends. Policy errors and simulator results point into the text, so generic JSON
//! crates (which drop positions) will not do.
//!
//! Strings without escapes borrow from the input; only escaped strings allocate.
//! Nesting is bounded so that hostile input cannot exhaust the stack.
use std::borrow::Cow;

use crate::ast::{Pos, Span};

/// Deeper nesting than this is rejected. A policy needs six levels (document,
/// statement list, statement, condition block, operator, value list); the margin
/// keeps error positions meaningful for slightly wrong documents.
pub const MAX_DEPTH: usize = 64;

/// A JSON value with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    pub kind: Kind<'a>,
    pub span: Span,
}

/// What a JSON value is. Numbers keep their source text: AWS compares condition
/// values as text, and re-formatting a number would change what a policy says.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Vec<Member<'a>>),
}

impl Kind<'_> {
    /// The JSON type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }
}

/// One `"key": value` pair of an object, in source order. Duplicate keys are kept;
/// the caller decides what they mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Span,
    pub value: Value<'a>,
}

/// Why the text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub reason: &'static str,
    pub pos: Pos,
}

/// Parses one JSON value that spans the whole text (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    let mut reader = Reader::new(text);
    // A leading byte-order mark is not JSON whitespace: it is refused like any
    // other stray character.
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.finish()?;
    Ok(value)
}

/// Parses raw bytes: they must be UTF-8. The error position of invalid UTF-8 is the
/// first bad byte.
pub fn parse_bytes(bytes: &[u8]) -> Result<Value<'_>, JsonError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            // The prefix is valid UTF-8 by construction of `valid_up_to`.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            Err(JsonError {
                reason: "invalid UTF-8",
                pos: end_position(prefix),
            })
        }
    }
}

/// The position just after `text`.
pub fn end_position(text: &str) -> Pos {
    let mut line = 1u32;
    let mut column = 1u32;
    for c in text.chars() {
        if c == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    Pos {
        line,
        column,
        offset: u32::try_from(text.len()).unwrap_or(u32::MAX),
    }
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes packed in `word` is a quote, a backslash or a
/// control character (the bytes a string scan must stop at). Classic SWAR: a byte
/// is zero after XOR with the sought byte; `b - 0x20` borrows exactly when `b < 0x20`.
/// A borrow can only mark bytes after a real hit, which is harmless here.
fn needs_attention(word: u64) -> bool {
    let has_zero = |v: u64| v.wrapping_sub(LOW_BITS) & !v & HIGH_BITS;
    let quote = has_zero(word ^ (LOW_BITS * u64::from(b'"')));
    let backslash = has_zero(word ^ (LOW_BITS * u64::from(b'\\')));
    let control = word.wrapping_sub(LOW_BITS * 0x20) & !word & HIGH_BITS;
    (quote | backslash | control) != 0
}

/// A scalar read by [`Reader::scalar`].
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
}

/// A pull reader over JSON text: the caller walks the document it expects, and
/// nothing is built that the caller does not keep. [`parse`] builds a tree with it.
pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: u32,
    column: u32,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            column: 1,
        }
    }

    /// How many bytes of text are left to read.
    pub fn remaining_len(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// The next significant byte, after whitespace; not consumed.
    pub fn peek_byte(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.peek()
    }

    /// The position of the next significant byte.
    pub fn position(&mut self) -> Pos {
        self.skip_whitespace();
        self.pos()
    }

    /// An error at the next significant byte.
    pub fn error_here(&mut self, reason: &'static str) -> JsonError {
        self.skip_whitespace();
        self.error(reason)
    }

    /// Consumes `{` and returns where it was.
    pub fn enter_object(&mut self) -> Result<Pos, JsonError> {
        self.enter(b'{', "expected an object")
    }

    /// Consumes `[` and returns where it was.
    pub fn enter_array(&mut self) -> Result<Pos, JsonError> {
        self.enter(b'[', "expected an array")
    }

    fn enter(&mut self, open: u8, reason: &'static str) -> Result<Pos, JsonError> {
        self.skip_whitespace();
        let start = self.pos();
        if self.peek() != Some(open) {
            return Err(self.error(reason));
        }
        self.bump_ascii();
        Ok(start)
    }

    /// Reads up to the next member's value: its key and key span, or `None` at the
    /// closing `}` (consumed). `first` is true before the first member.
    pub fn next_member(
        &mut self,
        first: &mut bool,
    ) -> Result<Option<(Cow<'a, str>, Span)>, JsonError> {
        self.skip_whitespace();
        if *first {
            *first = false;
            if self.peek() == Some(b'}') {
                self.bump_ascii();
                return Ok(None);
            }
        } else {
            match self.peek() {
                Some(b',') => {
                    self.bump_ascii();
                    self.skip_whitespace();
                }
                Some(b'}') => {
                    self.bump_ascii();
                    return Ok(None);
                }
                None => return Err(self.error("unexpected end of input")),
                Some(_) => return Err(self.error("expected ',' or '}'")),
            }
        }
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let start = self.pos();
        let key = self.string()?;
        let span = Span {
            start,
            end: self.pos(),
        };
        self.skip_whitespace();
        self.expect_byte(b':', "expected ':'")?;
        self.skip_whitespace();
        Ok(Some((key, span)))
    }

    /// Whether another element follows in the array being read; consumes the
    /// separator, or the closing `]`.
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool, JsonError> {
        self.skip_whitespace();
        if *first {
            *first = false;
            if self.peek() == Some(b']') {
                self.bump_ascii();
                return Ok(false);
            }
            return Ok(true);
        }
        match self.peek() {
            Some(b',') => {
                self.bump_ascii();
                self.skip_whitespace();
                Ok(true)
            }
            Some(b']') => {
                self.bump_ascii();
                Ok(false)
            }
            None => Err(self.error("unexpected end of input")),
            Some(_) => Err(self.error("expected ',' or ']'")),
        }
    }

    /// Reads a scalar; `Ok(None)` (nothing consumed) when an array or object comes next.
    pub fn scalar(&mut self) -> Result<Option<(Scalar<'a>, Span)>, JsonError> {
        self.skip_whitespace();
        let start = self.pos();
        let scalar = match self.peek() {
            Some(b'{' | b'[') => return Ok(None),
            Some(b'"') => Scalar::String(self.string()?),
            Some(b't') => {
                self.literal("true", Kind::Null)?;
                Scalar::Bool(true)
            }
            Some(b'f') => {
                self.literal("false", Kind::Null)?;
                Scalar::Bool(false)
            }
            Some(b'n') => {
                self.literal("null", Kind::Null)?;
                Scalar::Null
            }
            Some(b'-' | b'0'..=b'9') => Scalar::Number(self.number()?),
            None => return Err(self.error("unexpected end of input")),
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Some((
            scalar,
            Span {
                start,
                end: self.pos(),
            },
        )))
    }

    /// Checks that only whitespace is left.
    pub fn finish(&mut self) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.at < self.bytes.len() {
            return Err(self.error("unexpected text after the JSON value"));
        }
        Ok(())
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
            offset: u32::try_from(self.at).unwrap_or(u32::MAX),
        }
    }

    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            reason,
            pos: self.pos(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Moves past one ASCII byte that is not a newline.
    fn bump_ascii(&mut self) {
        self.at += 1;
        self.column = self.column.saturating_add(1);
    }

    fn skip_whitespace(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.bump_ascii(),
                b'\n' => {
                    self.at += 1;
                    self.line = self.line.saturating_add(1);
                    self.column = 1;
                }
                _ => break,
            }
        }
    }

    fn expect_byte(&mut self, want: u8, reason: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(want) {
            self.bump_ascii();
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        let start = self.pos();
        let kind = match self.peek() {
            None => return Err(self.error("unexpected end of input")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Value {
            kind,
            span: Span {
                start,
                end: self.pos(),
            },
        })
    }

    fn literal(&mut self, word: &'static str, kind: Kind<'a>) -> Result<Kind<'a>, JsonError> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end) == Some(word.as_bytes()) {
            self.at = end;
            self.column = self
                .column
                .saturating_add(u32::try_from(word.len()).unwrap_or(0));
            Ok(kind)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let begin = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump_ascii();
        }
        self.at - begin
    }

    fn number(&mut self) -> Result<&'a str, JsonError> {
        let begin = self.at;
        if self.peek() == Some(b'-') {
            self.bump_ascii();
        }
        match self.peek() {
            Some(b'0') => self.bump_ascii(),
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.bump_ascii();
            if self.digits() == 0 {
                return Err(self.error("expected a digit"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump_ascii();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump_ascii();
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit"));
            }
        }
        Ok(self.text.get(begin..self.at).unwrap_or_default())
    }

    /// Reads a string starting at its opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.bump_ascii(); // opening quote
        let begin = self.at;
        // Fast path: no escape, so the string borrows from the input.
        self.skip_plain_run();
        match self.peek() {
            Some(b'"') => {
                let s = self.text.get(begin..self.at).unwrap_or_default();
                self.bump_ascii();
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.error("control character in string")),
            None => return Err(self.error("unterminated string")),
        }
        let mut owned = String::with_capacity(self.at - begin + 16);
        owned.push_str(self.text.get(begin..self.at).unwrap_or_default());
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.bump_ascii();
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => {
                    let escape_pos = self.pos();
                    self.bump_ascii();
                    let c = self.escape().map_err(|reason| JsonError {
                        reason,
                        pos: escape_pos,
                    })?;
                    owned.push(c);
                }
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => {
                    let run_start = self.at;
                    self.skip_plain_run();
                    owned.push_str(self.text.get(run_start..self.at).unwrap_or_default());
                }
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Moves past the bytes of a string that need no attention: everything but
    /// quotes, backslashes and control characters. Columns count characters, so
    /// UTF-8 continuation bytes do not advance the column.
    fn skip_plain_run(&mut self) {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let mut len = 0;
        // The OR of every byte passed: its high bits say whether any was non-ASCII.
        let mut seen = 0u64;
        // Eight bytes at a time while none of them needs attention.
        while let Some(chunk) = rest.get(len..len + 8) {
            let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let word = u64::from_le_bytes(bytes);
            if needs_attention(word) {
                break;
            }
            seen |= word;
            len += 8;
        }
        while let Some(&b) = rest.get(len) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            seen |= u64::from(b);
            len += 1;
        }
        let chars = if seen & HIGH_BITS == 0 {
            len
        } else {
            // A byte that is not a continuation byte (0x80..=0xBF) starts a character.
            let run = rest.get(..len).unwrap_or_default();
            run.iter().filter(|&&b| (b as i8) >= -0x40).count()
        };
        self.at += len;
        self.column = self
            .column
            .saturating_add(u32::try_from(chars).unwrap_or(u32::MAX));
    }

    /// Reads the escape after a backslash.
    fn escape(&mut self) -> Result<char, &'static str> {
        let Some(b) = self.peek() else {
            return Err("unterminated string");
        };
        self.bump_ascii();
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if self.peek() != Some(b'\\') || self.bytes.get(self.at + 1) != Some(&b'u') {
                        return Err("unpaired surrogate in \\u escape");
                    }
                    self.bump_ascii();
                    self.bump_ascii();
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err("unpaired surrogate in \\u escape");
                    }
                    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    char::from_u32(code).ok_or("invalid \\u escape")?
                } else {
                    char::from_u32(first).ok_or("unpaired surrogate in \\u escape")?
                }
            }
            _ => return Err("invalid escape in string"),
        })
    }

    fn hex4(&mut self) -> Result<u32, &'static str> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err("invalid \\u escape"),
            };
            self.bump_ascii();
            code = code * 16 + u32::from(digit);
        }
        Ok(code)
    }

    fn array(&mut self, depth: usize) -> Result<Kind<'a>, JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.bump_ascii(); // [
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.bump_ascii();
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.bump_ascii(),
                Some(b']') => {
                    self.bump_ascii();
                    return Ok(Kind::Array(items));
                }
                None => return Err(self.error("unexpected end of input")),
                Some(_) => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'a>, JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.bump_ascii(); // {
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.bump_ascii();
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key_start = self.pos();
            let key = self.string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos(),
            };
            self.skip_whitespace();
            self.expect_byte(b':', "expected ':'")?;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.bump_ascii(),
                Some(b'}') => {
                    self.bump_ascii();
                    return Ok(Kind::Object(members));
                }
                None => return Err(self.error("unexpected end of input")),
                Some(_) => return Err(self.error("expected ',' or '}'")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32, offset: u32) -> Pos {
        Pos {
            line,
            column,
            offset,
        }
    }

    #[test]
    fn records_positions_of_keys_and_values() {
        let v = parse("{\n  \"é\": [1, \"x\"]\n}").unwrap();
        let Kind::Object(members) = &v.kind else {
            panic!("not an object")
        };
        let m = &members[0];
        assert_eq!(m.key, "é");
        assert_eq!(m.key_span.start, at(2, 3, 4));
        assert_eq!(m.key_span.end, at(2, 6, 8));
        let Kind::Array(items) = &m.value.kind else {
            panic!("not an array")
        };
        assert_eq!(items[1].span.start, at(2, 12, 14));
        assert_eq!(v.span.end, at(3, 2, 20));
    }

    #[test]
    fn decodes_escapes() {
        let v = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(
            v.kind,
            Kind::String(Cow::Owned("a\"\\/\u{8}\u{c}\n\r\té😀".into()))
        );
    }

    #[test]
    fn rejects_malformed_text_with_a_position() {
        let cases = [
            ("", at(1, 1, 0)),
            ("{", at(1, 2, 1)),
            ("{\"a\" 1}", at(1, 6, 5)),
            ("[1,]", at(1, 4, 3)),
            ("{\"a\":1,}", at(1, 8, 7)),
            ("01", at(1, 2, 1)),
            ("\"\\ud800\"", at(1, 2, 1)),
            ("\"a\nb\"", at(1, 3, 2)),
            ("{} x", at(1, 4, 3)),
            ("\u{feff}{}", at(1, 1, 0)),
        ];
        for (text, pos) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.pos, pos, "{text:?}: {}", err.reason);
        }
    }

    #[test]
    fn bounds_nesting() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().reason, "nesting too deep");
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn rejects_invalid_utf8_at_the_bad_byte() {
        let err = parse_bytes(b"{\"a\":\n \"\xff\"}").unwrap_err();
        assert_eq!(err.reason, "invalid UTF-8");
        assert_eq!(err.pos, at(2, 3, 8));
    }
}
