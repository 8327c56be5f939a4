//! The wildcard and ARN matchers never panic, and the wildcard matcher agrees with a
//! dynamic-programming reference (a different algorithm from the greedy one under test).
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy::arn::ArnPattern;
use policy::wildcard::Pattern;

/// Classic O(n·m) table: `ok[i][j]` = pattern[..i] matches text[..j].
fn reference(pattern: &[char], text: &[char], ci: bool) -> bool {
    let same = |a: char, b: char| {
        if ci {
            a.to_ascii_lowercase() == b.to_ascii_lowercase()
        } else {
            a == b
        }
    };
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for &p in pattern {
        let mut next = vec![false; text.len() + 1];
        if p == '*' {
            next[0] = row[0];
        }
        for j in 1..=text.len() {
            next[j] = match p {
                '*' => row[j] || next[j - 1],
                '?' => row[j - 1],
                c => row[j - 1] && same(c, text[j - 1]),
            };
        }
        row = next;
    }
    row[text.len()]
}

fuzz_target!(|input: (bool, String, String)| {
    let (ci, pattern, text) = input;
    if pattern.len() > 256 || text.len() > 1024 {
        return;
    }
    let got = Pattern::new(&pattern, ci).matches(&text);
    // Unicode case folding is the matcher's own business; the reference compares ASCII.
    if !ci || (pattern.is_ascii() && text.is_ascii()) {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        assert_eq!(
            got,
            reference(&p, &t, ci),
            "pattern {pattern:?} text {text:?} ci {ci}"
        );
    }
    // The ARN rules only ever narrow a whole-text wildcard match.
    if ArnPattern::new(&pattern).matches(&text) {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        assert!(reference(&p, &t, false), "ARN {pattern:?} matched {text:?}");
    }
});
