//! RFC 3986 percent-encoding as SigV4 defines it, and path normalization.
//!
//! SigV4 encodes every byte except the unreserved characters `A-Z a-z 0-9 - _ . ~`,
//! with upper-case hex digits. Decoding is lenient: a `%` not followed by two hex digits
//! stays literal, as AWS's front ends do, so that no input can make canonicalization fail.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Whether SigV4 leaves `b` as is.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `input` to `out`, percent-encoding every byte but the unreserved ones
/// (and `/` when `keep_slash`).
pub fn encode_into(out: &mut Vec<u8>, input: &[u8], keep_slash: bool) {
    for &b in input {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b);
        } else {
            out.push(b'%');
            out.push(HEX_UPPER[usize::from(b >> 4)]);
            out.push(HEX_UPPER[usize::from(b & 0x0f)]);
        }
    }
}

/// `input` percent-encoded into a new string.
pub fn encode(input: &[u8], keep_slash: bool) -> String {
    let mut out = Vec::with_capacity(input.len());
    encode_into(&mut out, input, keep_slash);
    // Only ASCII bytes were pushed.
    String::from_utf8(out).unwrap_or_default()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes; other bytes, including `+`, stay as they are.
pub fn decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'%' {
            let hi = input.get(i + 1).copied().and_then(hex_value);
            let lo = input.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Removes `.` and `..` segments (RFC 3986 §5.2.4) and empty segments, keeping a
/// trailing slash, as AWS normalizes paths for every service but S3. The result
/// always starts with `/`.
pub fn normalize_path(path: &[u8]) -> Vec<u8> {
    let mut segments: Vec<&[u8]> = Vec::new();
    let parts: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    let last = parts.len().saturating_sub(1);
    // A path ending in a dot segment names a directory, so it keeps its trailing slash.
    let mut trailing_slash = false;
    for (i, seg) in parts.into_iter().enumerate() {
        let is_last = i == last;
        match seg {
            b"" => {
                if is_last {
                    trailing_slash = !segments.is_empty();
                }
            }
            b"." => {
                if is_last {
                    trailing_slash = !segments.is_empty();
                }
            }
            b".." => {
                segments.pop();
                if is_last {
                    trailing_slash = !segments.is_empty();
                }
            }
            _ => {
                segments.push(seg);
                if is_last {
                    trailing_slash = false;
                }
            }
        }
    }
    let mut out = Vec::with_capacity(path.len() + 1);
    for seg in &segments {
        out.push(b'/');
        out.extend_from_slice(seg);
    }
    if out.is_empty() || trailing_slash {
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(encode(b"a b/c~", false), "a%20b%2Fc~");
        assert_eq!(encode(b"a b/c~", true), "a%20b/c~");
        assert_eq!(encode("ሴ".as_bytes(), true), "%E1%88%B4");
        assert_eq!(encode(b"+=&", false), "%2B%3D%26");
    }

    #[test]
    fn decodes_leniently() {
        assert_eq!(decode(b"a%20b"), b"a b");
        assert_eq!(decode(b"a+b"), b"a+b");
        assert_eq!(decode(b"100%"), b"100%");
        assert_eq!(decode(b"%zz%4"), b"%zz%4");
        assert_eq!(decode(b"%e1%88%b4"), "ሴ".as_bytes());
    }

    #[test]
    fn normalizes_paths() {
        let cases: &[(&str, &str)] = &[
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/.", "/"),
            ("/..", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/example/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/./c/", "/a/b/c/"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/a/./b", "/a/b"),
            ("/a/.../b", "/a/.../b"),
        ];
        for (input, want) in cases {
            let got = normalize_path(input.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), *want, "{input}");
        }
    }
}
