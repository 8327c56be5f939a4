//! Decoding `application/x-www-form-urlencoded` bodies and query strings.
//!
//! Strict where AWS is strict: a `%` must start a valid escape and the decoded bytes
//! must be UTF-8. `+` stands for a space. Sizes are bounded before anything is kept.

use std::fmt;

/// Bounds on what one request may carry.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest encoded input, in bytes.
    pub max_bytes: usize,
    /// Most `name=value` pairs.
    pub max_params: usize,
}

impl Default for Limits {
    /// Generous enough for the largest IAM request (several policy documents of
    /// 131,072 characters each, percent-encoded) and no larger.
    fn default() -> Self {
        Self {
            max_bytes: 2 * 1024 * 1024,
            max_params: 10_000,
        }
    }
}

/// Why a form did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input is larger than [`Limits::max_bytes`].
    TooLarge { limit: usize },
    /// More pairs than [`Limits::max_params`].
    TooManyParams { limit: usize },
    /// A `%` not followed by two hex digits, at this byte offset.
    BadEscape { offset: usize },
    /// A name or value is not UTF-8 once decoded.
    InvalidUtf8,
}

impl DecodeError {
    /// The AWS error code to answer with.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "RequestEntityTooLarge",
            Self::TooManyParams { .. } | Self::BadEscape { .. } | Self::InvalidUtf8 => {
                "MalformedQueryString"
            }
        }
    }

    /// The HTTP status to answer with (that of [`Self::code`] in the error table).
    pub fn http_status(&self) -> u16 {
        self.to_query_error().http_status
    }

    /// The error answer.
    pub fn to_query_error(&self) -> crate::errors::QueryError {
        crate::errors::QueryError::new(self.code(), self.to_string())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => {
                write!(f, "Request body is larger than the limit of {limit} bytes")
            }
            Self::TooManyParams { limit } => {
                write!(f, "Request has more than {limit} parameters")
            }
            Self::BadEscape { offset } => {
                write!(f, "Invalid percent-encoding at offset {offset}")
            }
            Self::InvalidUtf8 => f.write_str("Request parameters are not valid UTF-8"),
        }
    }
}

impl std::error::Error for DecodeError {}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one `name` or `value`; `base` is its offset in the input, for messages.
fn decode_component(raw: &[u8], base: usize) -> Result<String, DecodeError> {
    // Most components need no decoding at all.
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| DecodeError::InvalidUtf8);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex_value);
                let lo = raw.get(i + 2).copied().and_then(hex_value);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(DecodeError::BadEscape { offset: base + i });
                };
                out.push(hi << 4 | lo);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::InvalidUtf8)
}

/// Decodes `input` into `(name, value)` pairs in order. Empty pieces (`a=1&&b=2`) are
/// skipped; a piece without `=` is a name with an empty value.
pub fn decode_pairs(input: &[u8], limits: &Limits) -> Result<Vec<(String, String)>, DecodeError> {
    if input.len() > limits.max_bytes {
        return Err(DecodeError::TooLarge {
            limit: limits.max_bytes,
        });
    }
    let mut pairs = Vec::new();
    let mut offset = 0;
    for piece in input.split(|&b| b == b'&') {
        let start = offset;
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        if pairs.len() >= limits.max_params {
            return Err(DecodeError::TooManyParams {
                limit: limits.max_params,
            });
        }
        let (name, value, value_start) = match piece.iter().position(|&b| b == b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..], start + eq + 1),
            None => (piece, &piece[piece.len()..], start + piece.len()),
        };
        pairs.push((
            decode_component(name, start)?,
            decode_component(value, value_start)?,
        ));
    }
    Ok(pairs)
}

/// Percent-encodes `s` for a form or query, leaving only the unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 0x0f)]));
        }
    }
    out
}
