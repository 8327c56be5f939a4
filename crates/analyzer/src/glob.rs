//! Wildcard patterns as finite automata over characters, and the exploration that
//! finds one string for every combination of patterns that some string can satisfy.
//!
//! Each pattern is a list of tokens; a set of token positions is the pattern's NFA
//! state. The exploration walks the product of every pattern's state set with a small
//! "domain" automaton (what a well-formed action or ARN looks like, and where the
//! colons of an ARN fall) breadth first, over an alphabet made of every character the
//! patterns name plus one character they do not: every character outside the alphabet
//! behaves exactly like that one, so nothing is lost. Each product state reached tells
//! which patterns accept the string that reached it, so the set of signatures found is
//! exactly the set of classes the patterns can tell apart.
//!
//! The ARN tokens mirror the engine's rules in `policy::arn` (segment by segment
//! before the resource part, a segment-final `*` that may swallow later segments when
//! the pattern has fewer than six): the exploration only proposes strings, and the
//! engine itself computes what every proposed string matches.
use std::collections::VecDeque;

use crate::fxhash::{FxHashMap, FxHashSet};

/// Whether a `*` may consume a colon that separates two ARN parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SepRule {
    Never,
    /// Only into parts 1–4: a segment that is not the pattern's last swallows parts,
    /// but the next segment still needs a part of its own.
    BeforeResource,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A literal character; `:` here is a colon inside the resource part only.
    Lit(char),
    /// Any colon (patterns compared with the whole text).
    Colon,
    /// A colon that separates two ARN parts.
    Sep,
    /// `?`; `sep` when it may stand for a separating colon.
    One { sep: bool },
    /// `*`.
    Many(SepRule),
}

/// One pattern, compiled to tokens.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    toks: Vec<Tok>,
    case_insensitive: bool,
    /// The pattern only accepts texts that are ARNs (`Arn*` condition operators).
    needs_arn: bool,
}

impl Glob {
    /// A pattern compared with the whole text (`Action`, `String*` operators): with
    /// `like`, `*` and `?` are wildcards; otherwise every character is literal.
    pub(crate) fn plain(text: &str, like: bool, case_insensitive: bool) -> Glob {
        let toks = text
            .chars()
            .map(|c| match c {
                '*' if like => Tok::Many(SepRule::Always),
                '?' if like => Tok::One { sep: true },
                ':' => Tok::Colon,
                c => Tok::Lit(c),
            })
            .collect();
        Glob {
            toks,
            case_insensitive,
            needs_arn: false,
        }
    }

    /// An ARN pattern (`Resource`, `Arn*` operators), by the shapes of `policy::arn`.
    pub(crate) fn arn(text: &str, needs_arn: bool) -> Glob {
        let collapsed = collapse_stars(text);
        let wildcards = collapsed.chars().filter(|c| *c == '*' || *c == '?').count();
        let toks = if !collapsed.contains(':') {
            // Compared with the whole text.
            Glob::plain(&collapsed, true, false).toks
        } else if wildcards == 0 {
            Glob::plain(&collapsed, false, false).toks
        } else if wildcards == 1 && collapsed.ends_with('*') {
            // A prefix test.
            let mut toks = Glob::plain(&collapsed[..collapsed.len() - 1], false, false).toks;
            toks.push(Tok::Many(SepRule::Always));
            toks
        } else {
            segment_tokens(&collapsed)
        };
        Glob {
            toks,
            case_insensitive: false,
            needs_arn,
        }
    }

    fn positions(&self) -> usize {
        self.toks.len() + 1
    }

    /// Sets position `i` and the positions reachable from it without reading a
    /// character (`*` matching nothing).
    fn enter(&self, bits: &mut [u64], base: usize, i: usize) {
        let mut i = i;
        set(bits, base + i);
        while let Some(Tok::Many(_)) = self.toks.get(i) {
            i += 1;
            set(bits, base + i);
        }
    }

    /// The start state.
    fn start(&self, bits: &mut [u64], base: usize) {
        self.enter(bits, base, 0);
    }

    /// Reads `c` at ARN part `part` (0–5; colons before part 5 separate parts). Only
    /// the positions that are set are visited: most patterns die after a few
    /// characters, so a step costs what the live positions cost.
    fn step(&self, from: &[u64], to: &mut [u64], base: usize, c: char, part: u8) {
        let separator = c == ':' && part < 5;
        let end = base + self.toks.len();
        let mut word = base / 64;
        while word * 64 <= end {
            let mut w = from.get(word).copied().unwrap_or(0);
            // Keep only this pattern's positions.
            let lo = word * 64;
            if lo < base {
                w &= u64::MAX << (base - lo);
            }
            if end < lo + 63 {
                w &= u64::MAX >> (63 - (end - lo));
            }
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                let i = lo + bit - base;
                let Some(tok) = self.toks.get(i) else {
                    continue;
                };
                let advance = match *tok {
                    Tok::Lit(':') => c == ':' && !separator,
                    Tok::Lit(x) => chars_equal(c, x, self.case_insensitive),
                    Tok::Colon => c == ':',
                    Tok::Sep => separator,
                    Tok::One { sep } => !separator || sep,
                    Tok::Many(rule) => {
                        let ok = !separator
                            || match rule {
                                SepRule::Never => false,
                                SepRule::BeforeResource => part <= 3,
                                SepRule::Always => true,
                            };
                        if ok {
                            self.enter(to, base, i);
                        }
                        false
                    }
                };
                if advance {
                    self.enter(to, base, i + 1);
                }
            }
            word += 1;
        }
    }

    /// Whether the pattern accepts `text` (as the exploration would decide it).
    #[cfg(test)]
    pub(crate) fn accepts(&self, text: &str) -> bool {
        let words = self.positions().div_ceil(64);
        let mut bits = vec![0u64; words];
        self.start(&mut bits, 0);
        let mut d = DomainState::start();
        for c in text.chars() {
            let mut next = vec![0u64; words];
            self.step(&bits, &mut next, 0, c, d.part);
            d = d.step(c);
            bits = next;
        }
        get(&bits, self.toks.len()) && (!self.needs_arn || d.is_arn())
    }

    fn literal_chars(&self) -> impl Iterator<Item = char> + '_ {
        self.toks.iter().filter_map(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
    }
}

/// Runs of wildcard `*` behave as one.
fn collapse_stars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '*' && out.ends_with('*') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The tokens of an ARN pattern matched segment by segment.
fn segment_tokens(text: &str) -> Vec<Tok> {
    let mut segments: Vec<&str> = Vec::with_capacity(6);
    let mut rest = text;
    while segments.len() < 5 {
        match rest.split_once(':') {
            Some((head, tail)) => {
                segments.push(head);
                rest = tail;
            }
            None => break,
        }
    }
    segments.push(rest);
    let count = segments.len();
    let last = count - 1;
    let mut toks = Vec::with_capacity(text.len());
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            toks.push(Tok::Sep);
        }
        // With six segments every part has its own segment and nothing expands.
        let expands = count < 6 && segment.ends_with('*');
        let chars: Vec<char> = segment.chars().collect();
        for (j, c) in chars.iter().enumerate() {
            toks.push(match *c {
                '*' if expands && j + 1 == chars.len() => Tok::Many(if i == last {
                    SepRule::Always
                } else {
                    SepRule::BeforeResource
                }),
                '*' => Tok::Many(SepRule::Never),
                '?' => Tok::One { sep: false },
                c => Tok::Lit(c),
            });
        }
    }
    toks
}

/// The engine's case folding: its classes of characters equal without case are the
/// ones the automata must tell apart.
fn fold(c: char) -> char {
    policy::wildcard::fold(c)
}

fn chars_equal(c: char, x: char, case_insensitive: bool) -> bool {
    c == x || (case_insensitive && fold(c) == fold(x))
}

fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64)
        .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

/// The strings a dimension ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Domain {
    /// `service:name`: both parts non-empty, one colon.
    Action,
    /// An ARN: `arn` and five more colon-separated parts.
    Arn,
    /// Any text (condition values).
    Any,
}

/// The domain automaton's state: the ARN part reached, how much of `arn` part 0 has
/// matched (4: part 0 is not `arn`), and the action shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DomainState {
    part: u8,
    head: u8,
    action: u8,
}

const ACTION_EMPTY: u8 = 0;
const ACTION_SERVICE: u8 = 1;
const ACTION_COLON: u8 = 2;
const ACTION_NAME: u8 = 3;
const ACTION_DEAD: u8 = 4;

impl DomainState {
    fn start() -> Self {
        DomainState {
            part: 0,
            head: 0,
            action: ACTION_EMPTY,
        }
    }

    fn step(self, c: char) -> DomainState {
        let mut next = self;
        if self.part == 0 {
            if c == ':' {
                next.head = if self.head == 3 { 3 } else { 4 };
            } else if self.head < 3 && Some(c) == "arn".chars().nth(usize::from(self.head)) {
                next.head += 1;
            } else {
                next.head = 4;
            }
        }
        if c == ':' && self.part < 5 {
            next.part += 1;
        }
        next.action = match (self.action, c == ':') {
            (ACTION_EMPTY, false) => ACTION_SERVICE,
            (ACTION_SERVICE, false) => ACTION_SERVICE,
            (ACTION_SERVICE, true) => ACTION_COLON,
            (ACTION_COLON, false) | (ACTION_NAME, false) => ACTION_NAME,
            _ => ACTION_DEAD,
        };
        next
    }

    fn is_arn(self) -> bool {
        self.part == 5 && self.head == 3
    }

    fn accepts(self, domain: Domain) -> bool {
        match domain {
            Domain::Action => self.action == ACTION_NAME,
            Domain::Arn => self.is_arn(),
            Domain::Any => true,
        }
    }

    /// Whether no continuation can reach the domain.
    fn dead(self, domain: Domain) -> bool {
        match domain {
            Domain::Action => self.action == ACTION_DEAD,
            Domain::Arn => self.head == 4,
            Domain::Any => false,
        }
    }
}

/// One string per class of the domain that the patterns tell apart.
#[derive(Debug, Clone)]
pub(crate) struct Classes {
    pub(crate) representatives: Vec<String>,
    /// `false` when the exploration stopped at its state limit: some classes may be
    /// missing.
    pub(crate) complete: bool,
}

/// Explores the product automaton of `globs` over `domain`, visiting at most
/// `max_states` states.
pub(crate) fn explore(globs: &[Glob], domain: Domain, max_states: usize) -> Classes {
    explore_classes(globs, domain, max_states, 1)
}

/// Like [`explore`], with up to `per_class` representatives of each class (two tell
/// apart "equal" and "different but alike" when values are compared with each other).
pub(crate) fn explore_classes(
    globs: &[Glob],
    domain: Domain,
    max_states: usize,
    per_class: usize,
) -> Classes {
    // The same pattern twice tells nothing more apart.
    let mut unique: Vec<&Glob> = Vec::with_capacity(globs.len());
    for g in globs {
        if !unique.iter().any(|u| {
            u.toks == g.toks
                && u.case_insensitive == g.case_insensitive
                && u.needs_arn == g.needs_arn
        }) {
            unique.push(g);
        }
    }
    let globs = unique;
    let mut bases = Vec::with_capacity(globs.len());
    let mut total = 0usize;
    for g in &globs {
        bases.push(total);
        total += g.positions();
    }
    let words = total.div_ceil(64).max(1);
    let alphabet = alphabet(&globs, domain);

    let mut start = vec![0u64; words];
    for (g, base) in globs.iter().zip(&bases) {
        g.start(&mut start, *base);
    }
    let start_domain = DomainState::start();

    let signature = |bits: &[u64], d: DomainState| -> Vec<u64> {
        let mut sig = vec![0u64; globs.len().div_ceil(64).max(1)];
        for (k, (g, base)) in globs.iter().zip(&bases).enumerate() {
            if get(bits, base + g.toks.len()) && (!g.needs_arn || d.is_arn()) {
                set(&mut sig, k);
            }
        }
        sig
    };

    let mut seen: FxHashSet<(DomainState, Vec<u64>)> = FxHashSet::default();
    let mut found: FxHashMap<Vec<u64>, Vec<String>> = FxHashMap::default();
    let mut order: Vec<Vec<u64>> = Vec::new();
    let mut queue: VecDeque<(DomainState, Vec<u64>, String)> = VecDeque::new();
    seen.insert((start_domain, start.clone()));
    queue.push_back((start_domain, start, String::new()));
    let mut complete = true;
    while let Some((d, bits, text)) = queue.pop_front() {
        if d.accepts(domain) {
            let sig = signature(&bits, d);
            match found.entry(sig) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    order.push(slot.key().clone());
                    slot.insert(vec![text.clone()]);
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    if slot.get().len() < per_class {
                        slot.get_mut().push(text.clone());
                    }
                }
            }
        }
        for &c in &alphabet {
            let nd = d.step(c);
            if nd.dead(domain) {
                continue;
            }
            let mut next = vec![0u64; words];
            for (g, base) in globs.iter().zip(&bases) {
                g.step(&bits, &mut next, *base, c, d.part);
            }
            let key = (nd, next);
            if seen.contains(&key) {
                continue;
            }
            if seen.len() >= max_states {
                complete = false;
                continue;
            }
            seen.insert(key.clone());
            let mut t = text.clone();
            t.push(c);
            queue.push_back((key.0, key.1, t));
        }
    }
    let representatives = order
        .iter()
        .filter_map(|sig| found.get(sig).cloned())
        .flatten()
        .collect();
    Classes {
        representatives,
        complete,
    }
}

/// Every character a pattern names (both cases where case is ignored), the colon, the
/// letters of `arn`, and one character no pattern names.
fn alphabet(globs: &[&Glob], domain: Domain) -> Vec<char> {
    // When every pattern ignores case, the cases of a letter are indistinguishable and
    // one (lower) case stands for both.
    let all_fold = globs.iter().all(|g| g.case_insensitive);
    let mut chars: Vec<char> = Vec::new();
    // Non-ASCII characters compared without case: every character of their fold
    // class is added, so that each way a character can equal some literals and not
    // others (`ǅ` against `ǆ` and `Ǆ`) has a representative.
    let mut wide_folds: Vec<char> = Vec::new();
    for g in globs {
        for c in g.literal_chars() {
            // The literal itself always: its fold need not be in its own class (the
            // Kelvin sign folds to itself, not to `k`).
            chars.push(c);
            if all_fold {
                continue;
            }
            if g.case_insensitive {
                if c.is_ascii() {
                    chars.push(c.to_ascii_lowercase());
                    chars.push(c.to_ascii_uppercase());
                } else {
                    wide_folds.push(fold(c));
                }
            }
        }
    }
    if !wide_folds.is_empty() {
        wide_folds.sort_unstable();
        wide_folds.dedup();
        chars
            .extend(('\u{80}'..=char::MAX).filter(|y| wide_folds.binary_search(&fold(*y)).is_ok()));
    }
    chars.push(':');
    if domain != Domain::Action {
        chars.extend(['a', 'r', 'n']);
    }
    let fresh = "xyzqwkjv0123456789XYZQWKJV_-"
        .chars()
        .find(|c| !chars.iter().any(|x| fold(*x) == fold(*c)))
        .unwrap_or('\u{2603}');
    chars.push(fresh);
    chars.sort_unstable();
    chars.dedup();
    // Try the fresh character first, so that representatives read as placeholders.
    chars.retain(|c| *c != fresh);
    chars.insert(0, fresh);
    chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reps(globs: &[Glob], domain: Domain) -> Vec<String> {
        let classes = explore(globs, domain, 100_000);
        assert!(classes.complete);
        classes.representatives
    }

    #[test]
    fn intersection_of_prefix_and_suffix_patterns_is_found() {
        let globs = [
            Glob::plain("a*", true, false),
            Glob::plain("*b", true, false),
        ];
        let found = reps(&globs, Domain::Any);
        // neither, a only, b only, both
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().any(|s| s.starts_with('a') && s.ends_with('b')));
    }

    #[test]
    fn arn_segments_keep_wildcards_inside_their_part() {
        let pattern = "arn:aws:s3:*:*:b";
        let found = reps(&[Glob::arn(pattern, false)], Domain::Arn);
        let engine = policy::arn::ArnPattern::new(pattern);
        assert!(found.iter().any(|s| engine.matches(s)), "{found:?}");
        assert!(found.iter().any(|s| !engine.matches(s)), "{found:?}");
    }

    #[test]
    fn model_agrees_with_the_engine_on_samples() {
        let patterns = [
            "arn:aws:s3:::b/*",
            "arn:aws:*",
            "arn:aws:iam::*",
            "arn:aws:s3:*:*:b",
            "arn:*:s3:::x?y*",
            "arn:aws:logs:*:1:log-group:a*:*",
            "*",
            "arn:a*:s3:::b",
        ];
        let texts = [
            "arn:aws:s3:::b/k",
            "arn:aws:s3:us-east-1:1:b",
            "arn:aws:iam::1:user/u",
            "arn:aws:s3:::xzy:q",
            "arn:aws:logs:r:1:log-group:ab:c:d",
            "arn:aws:s3:::b",
            "arn:ab:s3:::b",
            "arn:aws:x:y:z:w",
        ];
        for p in patterns {
            let g = Glob::arn(p, false);
            let engine = policy::arn::ArnPattern::new(p);
            for t in texts {
                assert_eq!(g.accepts(t), engine.matches(t), "{p} vs {t}");
            }
        }
    }
}
