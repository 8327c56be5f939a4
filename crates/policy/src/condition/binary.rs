//! Values of `BinaryEquals`: base64 text (standard alphabet, padding optional),
//! compared as the bytes it encodes.

fn sextet(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Feeds each decoded byte to `emit`; `false` when `text` is not base64.
fn decode_with(text: &str, mut emit: impl FnMut(u8)) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 2 || body.len() % 4 == 1 || (padding > 0 && !text.len().is_multiple_of(4)) {
        return false;
    }
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for b in body.bytes() {
        let Some(v) = sextet(b) else {
            return false;
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            emit(((acc >> bits) & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    true
}

/// Decodes base64 text.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    decode_with(text, |b| out.push(b)).then_some(out)
}

/// Whether base64 `text` encodes exactly `expected`, without allocating; `None` when
/// `text` is not base64.
pub(crate) fn decodes_to(text: &str, expected: &[u8]) -> Option<bool> {
    let mut at = 0usize;
    let mut same = true;
    let valid = decode_with(text, |b| {
        same &= expected.get(at) == Some(&b);
        at += 1;
    });
    valid.then_some(same && at == expected.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode(""), Some(Vec::new()));
        assert_eq!(decode("QUJD"), Some(b"ABC".to_vec()));
        assert_eq!(decode("a"), None);
        assert_eq!(decode("a$=="), None);
        assert_eq!(decodes_to("aGVsbG8=", b"hello"), Some(true));
        assert_eq!(decodes_to("aGVsbA==", b"hello"), Some(false));
        assert_eq!(decodes_to("!!", b"hello"), None);
    }
}
