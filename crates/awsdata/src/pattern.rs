//! IAM action wildcards: `*` matches any run of characters (including none), `?` exactly
//! one, and letters compare without regard to case, as in the `Action` element.

/// Whether `text` matches the IAM action `pattern`. Works on bytes: action names are
/// ASCII, and a non-ASCII byte of a pattern can only ever equal the same byte.
pub(crate) fn matches_action_pattern(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it currently stands for the end of;
    // on a mismatch the star absorbs one more character (linear-time greedy matching).
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((star_pi, star_ti)) => {
                    pi = star_pi + 1;
                    ti = star_ti + 1;
                    star = Some((star_pi, star_ti + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether the pattern contains a wildcard.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plainly recursive matcher to compare the greedy one against.
    fn reference(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some(b'?'), Some(_)) => reference(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b) && reference(&p[1..], &t[1..]),
            _ => false,
        }
    }

    #[test]
    fn cases() {
        let cases = [
            ("s3:Get*", "s3:GetObject", true),
            ("S3:get*", "s3:GetObject", true),
            ("s3:Get*", "s3:PutObject", false),
            ("*", "iam:CreateUser", true),
            ("iam:*User", "iam:CreateUser", true),
            ("iam:*User", "iam:CreateUsers", false),
            ("iam:?etUser", "iam:GetUser", true),
            ("iam:?etUser", "iam:GtUser", false),
            ("iam:Get*Policy*", "iam:GetUserPolicyVersion", true),
            ("*:List*", "ec2:ListThings", true),
            ("s3*", "s3express:CreateSession", true),
            ("", "", true),
            ("", "a", false),
            ("a*", "", false),
            ("**a", "xa", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                matches_action_pattern(pattern, text),
                expected,
                "{pattern} ~ {text}"
            );
            assert_eq!(
                reference(pattern.as_bytes(), text.as_bytes()),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }

    #[test]
    fn agrees_with_the_reference_on_every_short_input() {
        // Every pattern over {a, B, *, ?} and every text over {a, b} up to length 5.
        fn all(alphabet: &[u8], max: usize) -> Vec<Vec<u8>> {
            let mut out = vec![Vec::new()];
            let mut layer = vec![Vec::new()];
            for _ in 0..max {
                let mut next = Vec::new();
                for prefix in &layer {
                    for &c in alphabet {
                        let mut s = prefix.clone();
                        s.push(c);
                        next.push(s);
                    }
                }
                out.extend(next.iter().cloned());
                layer = next;
            }
            out
        }
        let patterns = all(b"aB*?", 5);
        let texts = all(b"ab", 5);
        for p in &patterns {
            for t in &texts {
                let (ps, ts) = (
                    std::str::from_utf8(p).unwrap(),
                    std::str::from_utf8(t).unwrap(),
                );
                assert_eq!(
                    matches_action_pattern(ps, ts),
                    reference(p, t),
                    "{ps} ~ {ts}"
                );
            }
        }
    }
}
