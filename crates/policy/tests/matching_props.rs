//! Property tests of the matchers against naive reference implementations written
//! straight from the rules: the wildcard matcher against a recursive backtracking
//! matcher, the ARN matcher against a recursive reading of the segment rules.

use policy::arn::ArnPattern;
use policy::wildcard::Pattern;
use proptest::prelude::*;

/// `*` any sequence, `?` one character, all else literal; exponential but obviously
/// right on short inputs.
fn reference_glob(pattern: &[char], text: &[char], ci: bool) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|skip| reference_glob(rest, &text[skip..], ci)),
        Some(('?', rest)) => !text.is_empty() && reference_glob(rest, &text[1..], ci),
        Some((c, rest)) => match text.split_first() {
            Some((t, text_rest)) => {
                let same = if ci {
                    c.to_lowercase().eq(t.to_lowercase())
                } else {
                    c == t
                };
                same && reference_glob(rest, text_rest, ci)
            }
            None => false,
        },
    }
}

fn glob(pattern: &str, text: &str, ci: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    reference_glob(&p, &t, ci)
}

/// The documented ARN rules, recursively: segments compared one to one; a segment
/// ending in `*` may also take the following parts; the resource part keeps its colons;
/// non-ARN shapes compare as a whole.
fn reference_arn(pattern: &str, text: &str) -> bool {
    let segments: Vec<&str> = pattern.splitn(6, ':').collect();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if segments.len() < 2 || parts.len() < 6 {
        return glob(pattern, text, false);
    }
    fn rec(segments: &[&str], parts: &[&str], i: usize, j: usize) -> bool {
        let seg = segments[i];
        let expands = seg.ends_with('*');
        if i == segments.len() - 1 {
            return if j == 5 {
                glob(seg, parts[5], false)
            } else {
                expands && glob(seg, parts[j], false)
            };
        }
        if j >= 5 || !glob(seg, parts[j], false) {
            return false;
        }
        rec(segments, parts, i + 1, j + 1)
            || (expands && (j + 2..=5).any(|k| rec(segments, parts, i + 1, k)))
    }
    rec(&segments, &parts, 0, 0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn wildcard_agrees_with_reference(pattern in "[ab*?:/]{0,8}", text in "[ab*?:/]{0,10}") {
        prop_assert_eq!(Pattern::new(&pattern, false).matches(&text), glob(&pattern, &text, false));
    }

    #[test]
    fn wildcard_case_insensitive_agrees(pattern in "[aAbBéÉ*?]{0,7}", text in "[aAbBéÉ]{0,9}") {
        prop_assert_eq!(Pattern::new(&pattern, true).matches(&text), glob(&pattern, &text, true));
    }

    #[test]
    fn literal_pattern_matches_only_itself(text in "[ab*?]{0,6}", other in "[ab*?]{0,6}") {
        let p = Pattern::literal(&text, false);
        prop_assert!(p.matches(&text));
        prop_assert_eq!(p.matches(&other), text == other);
    }

    #[test]
    fn arn_agrees_with_reference(
        pattern in "(arn:)?[a*?:/]{0,12}",
        text in "arn:[a:]{0,3}:[ab/:]{0,8}",
    ) {
        prop_assert_eq!(ArnPattern::new(&pattern).matches(&text), reference_arn(&pattern, &text));
    }

    #[test]
    fn arn_segment_rules_are_stricter_than_whole_text(pattern in "[a*?:]{0,10}", text in "[ab:]{0,10}") {
        if ArnPattern::new(&pattern).matches(&text) {
            prop_assert!(glob(&pattern, &text, false));
        }
    }

    #[test]
    fn arn_star_segment_matches_any_value(
        parts in proptest::collection::vec("[a-z0-9-]{0,4}", 5),
        which in 1usize..6,
    ) {
        let text = format!("arn:{}", parts.join(":"));
        let mut segments: Vec<String> = text.splitn(6, ':').map(str::to_string).collect();
        prop_assert!(ArnPattern::new(&text).matches(&text));
        segments[which] = "*".to_string();
        prop_assert!(ArnPattern::new(&segments.join(":")).matches(&text));
    }
}
