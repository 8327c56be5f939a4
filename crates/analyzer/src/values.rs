//! Candidate values of one condition key: one value in every class the key's
//! conditions can tell apart.
//!
//! - Strings and ARNs (`String*`, `Arn*`): the classes of the patterns' product
//!   automaton (`glob.rs`).
//! - Numbers and dates: the policy's constants cut the line into points and open
//!   intervals; each constant and the values just below and above it (one unit finer
//!   than any constant's precision: no other constant lies in between) meet each piece.
//! - Addresses (`IpAddress`): CIDR blocks are intervals of integers; each block's first
//!   and last address and their outer neighbours meet every piece of the line, plus the
//!   lowest address of each family.
//! - `Bool`: `true`, `false`; `BinaryEquals`: each value and one other.
//! - Always one value no typed operator can read, which every typed operator refuses.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use policy::ast::ConditionOp;

use crate::glob::{self, Domain, Glob};

/// The operator families of the condition language, as far as values go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Family {
    String,
    Numeric,
    Date,
    Ip,
    Bool,
    Binary,
    /// `Null` reads only whether the key is present.
    Null,
}

pub(crate) fn family(op: ConditionOp) -> Family {
    use ConditionOp as Op;
    match op {
        Op::StringEquals
        | Op::StringNotEquals
        | Op::StringEqualsIgnoreCase
        | Op::StringNotEqualsIgnoreCase
        | Op::StringLike
        | Op::StringNotLike
        | Op::ArnEquals
        | Op::ArnNotEquals
        | Op::ArnLike
        | Op::ArnNotLike => Family::String,
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => Family::Numeric,
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => Family::Date,
        Op::IpAddress | Op::NotIpAddress => Family::Ip,
        Op::Bool => Family::Bool,
        Op::BinaryEquals => Family::Binary,
        Op::Null => Family::Null,
    }
}

/// The pattern a string or ARN operator's value stands for.
pub(crate) fn glob_of(op: ConditionOp, value: &str) -> Option<Glob> {
    use ConditionOp as Op;
    Some(match op {
        Op::StringEquals | Op::StringNotEquals => Glob::plain(value, false, false),
        Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase => {
            Glob::plain(value, false, true)
        }
        Op::StringLike | Op::StringNotLike => Glob::plain(value, true, false),
        Op::ArnEquals | Op::ArnNotEquals | Op::ArnLike | Op::ArnNotLike => Glob::arn(value, true),
        _ => return None,
    })
}

/// Candidate values for a key whose conditions are `(operator, values)`.
pub(crate) struct Candidates {
    pub(crate) values: Vec<String>,
    pub(crate) complete: bool,
}

/// The type a condition key's values always have, when AWS documents one: the global
/// keys of the request context, and the keys of the service reference. A key of a
/// typed kind never carries text of another type, so its candidates are only values of
/// its type (and absence).
pub(crate) fn documented_type(key: &str) -> Option<Family> {
    const GLOBAL: [(&str, Family); 10] = [
        ("aws:sourceip", Family::Ip),
        ("aws:currenttime", Family::Date),
        // Seconds since the epoch, documented as Date and Numeric: a number, which the
        // date operators read too (numeric keys admit date operators below).
        ("aws:epochtime", Family::Numeric),
        ("aws:tokenissuetime", Family::Date),
        ("aws:multifactorauthpresent", Family::Bool),
        ("aws:multifactorauthage", Family::Numeric),
        ("aws:securetransport", Family::Bool),
        ("aws:viaawsservice", Family::Bool),
        ("aws:principalisawsservice", Family::Bool),
        ("aws:assumedroot", Family::Bool),
    ];
    if let Some((_, f)) = GLOBAL.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        return Some(*f);
    }
    let (prefix, _) = key.split_once(':')?;
    let documented = awsdata::service(prefix)?.condition_key(key)?;
    match documented.value_type {
        "Numeric" => Some(Family::Numeric),
        "Date" => Some(Family::Date),
        "Bool" => Some(Family::Bool),
        "IPAddress" => Some(Family::Ip),
        _ => None,
    }
}

/// Whether AWS documents `key` as single-valued: the global keys of the request
/// context that carry one value, and the service reference's keys whose type is not an
/// `ArrayOf...` type. Every other key (`aws:TagKeys`, `aws:CalledVia`, keys nobody
/// documents) may carry several values in one request, and the engine reads a plain
/// operator on such a key as "some value matches" (negated: "every value does").
pub(crate) fn documented_single_valued(key: &str) -> bool {
    const GLOBAL: &[&str] = &[
        "aws:calledviafirst",
        "aws:calledvialast",
        "aws:currenttime",
        "aws:ec2instancesourceprivateipv4",
        "aws:ec2instancesourcevpc",
        "aws:epochtime",
        "aws:federatedprovider",
        "aws:multifactorauthage",
        "aws:multifactorauthpresent",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalisawsservice",
        "aws:principalorgid",
        "aws:principalservicename",
        "aws:principaltype",
        "aws:referer",
        "aws:requestedregion",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:securetransport",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceidentity",
        "aws:sourceip",
        "aws:sourceorgid",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:tokenissuetime",
        "aws:useragent",
        "aws:userid",
        "aws:username",
        "aws:viaawsservice",
        "aws:vpcsourceip",
        "aws:assumedroot",
        "aws:sourcevpcarn",
        "aws:vpceaccount",
        "aws:vpceorgid",
        "kms:calleraccount",
    ];
    const TAGS: [&str; 3] = ["aws:principaltag/", "aws:requesttag/", "aws:resourcetag/"];
    let lower = key.to_ascii_lowercase();
    if GLOBAL.iter().any(|k| k.eq_ignore_ascii_case(&lower))
        || TAGS.iter().any(|t| lower.starts_with(t))
    {
        return true;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return false;
    };
    awsdata::service(prefix)
        .and_then(|s| s.condition_key(key))
        .is_some_and(|k| !k.value_type.starts_with("ArrayOf"))
}

/// Whether `text` is a value of `family` as the engine reads it.
pub(crate) fn readable_as(family: Family, text: &str) -> bool {
    let op = match family {
        Family::Numeric => ConditionOp::NumericEquals,
        Family::Date => ConditionOp::DateEquals,
        Family::Ip => ConditionOp::IpAddress,
        Family::Bool => ConditionOp::Bool,
        Family::String | Family::Binary | Family::Null => return true,
    };
    policy::condition::value_is_readable(op, text) && !(family == Family::Ip && text.contains('/'))
}

/// A text no typed operator reads (not a number, date, address, boolean or base-64).
pub(crate) const UNREADABLE: &str = "~";

pub(crate) fn candidates(
    conditions: &[(ConditionOp, Vec<String>)],
    typed: Option<Family>,
    max_states: usize,
    per_class: usize,
) -> Candidates {
    let mut values: Vec<String> = vec![UNREADABLE.to_string()];
    match typed {
        Some(Family::Bool) => values.extend(["true".to_string(), "false".to_string()]),
        Some(Family::Numeric) => values.push("0".to_string()),
        Some(Family::Date) => values.push("0".to_string()),
        Some(Family::Ip) => values.extend(["0.0.0.0".to_string(), "::".to_string()]),
        _ => {}
    }
    let mut complete = true;
    let mut globs = Vec::new();
    let mut numbers = Vec::new();
    let mut dates = Vec::new();
    let mut nets = Vec::new();
    let mut bools = false;
    for (op, texts) in conditions {
        for text in texts {
            match family(*op) {
                Family::String => globs.extend(glob_of(*op, text)),
                Family::Numeric => numbers.push(text.as_str()),
                Family::Date => dates.push(text.as_str()),
                Family::Ip => nets.push(text.as_str()),
                Family::Bool => bools = true,
                Family::Binary => values.push(text.clone()),
                Family::Null => {}
            }
        }
        if family(*op) == Family::Binary {
            values.push("AAAA".to_string());
        }
    }
    if !globs.is_empty() {
        let classes = glob::explore_classes(&globs, Domain::Any, max_states, per_class);
        complete &= classes.complete;
        values.extend(classes.representatives);
    }
    if per_class > 1 {
        // A second value no pattern names, so that two keys compared with each other
        // can also differ outside every pattern; and a letter, so that they can differ
        // in case only.
        values.push(format!("{UNREADABLE}{UNREADABLE}"));
        values.push("v".to_string());
    }
    if !numbers.is_empty() {
        match numeric_candidates(&numbers) {
            Some(v) => values.extend(v),
            None => complete = false,
        }
    }
    if !dates.is_empty() {
        values.extend(date_candidates(&dates));
    }
    if !nets.is_empty() {
        values.extend(ip_candidates(&nets));
    }
    if bools {
        values.extend(["true".to_string(), "false".to_string()]);
    }
    if per_class > 1 {
        // Values compared without case with another key: the same text in other case.
        let swapped: Vec<String> = values
            .iter()
            .map(|v| v.chars().map(swap_case).collect())
            .collect();
        values.extend(swapped);
    }
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
    if let Some(family) = typed {
        values.retain(|v| readable_as(family, v));
    }
    Candidates { values, complete }
}

fn swap_case(c: char) -> char {
    if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    }
}

/// A decimal scaled to an integer number of `10^-scale` units.
fn scaled(text: &str, scale: u32) -> Option<i128> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value: i128 = 0;
    for b in int.bytes() {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    let frac_digits: Vec<u8> = frac.bytes().collect();
    for i in 0..scale as usize {
        let digit = frac_digits.get(i).map_or(0, |b| b - b'0');
        value = value.checked_mul(10)?.checked_add(i128::from(digit))?;
    }
    Some(if negative { -value } else { value })
}

fn format_scaled(value: i128, scale: u32) -> String {
    let negative = value < 0;
    let digits = value.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// Each constant and its neighbours one unit finer than any constant's precision;
/// `None` when a constant is too large to scale exactly.
fn numeric_candidates(texts: &[&str]) -> Option<Vec<String>> {
    let scale = texts
        .iter()
        .map(|t| t.split_once('.').map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0)
        + 1;
    let scale = u32::try_from(scale).ok()?;
    let mut out = Vec::new();
    for t in texts {
        // A value the engine cannot read as a number equals nothing: no piece of its own.
        let Some(v) = scaled(t, scale) else {
            if policy::condition::value_is_readable(ConditionOp::NumericEquals, t) {
                // A number too large to scale exactly: its classes cannot be cut.
                return None;
            }
            continue;
        };
        for x in [v.checked_sub(1)?, v, v.checked_add(1)?] {
            out.push(format_scaled(x, scale));
        }
    }
    Some(out)
}

/// Each date and the instants one nanosecond before and after it, as epoch seconds.
fn date_candidates(texts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for t in texts {
        let Some(instant) = policy::condition::date_instant(t) else {
            continue;
        };
        for x in [instant - 1, instant, instant + 1] {
            out.push(format_scaled(x, 9));
        }
    }
    out
}

/// The first and last address of a block, and the family's width.
fn block(text: &str) -> Option<(u128, u128, bool)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (text, None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let len = len.unwrap_or(32);
            let mask = u32::MAX.checked_shl(32u32.checked_sub(len)?).unwrap_or(0);
            let first = u32::from(a) & mask;
            Some((u128::from(first), u128::from(first | !mask), false))
        }
        IpAddr::V6(a) => {
            let len = len.unwrap_or(128);
            let mask = u128::MAX.checked_shl(128u32.checked_sub(len)?).unwrap_or(0);
            let first = u128::from(a) & mask;
            Some((first, first | !mask, true))
        }
    }
}

fn ip_text(value: u128, v6: bool) -> Option<String> {
    if v6 {
        Some(Ipv6Addr::from(value).to_string())
    } else {
        u32::try_from(value)
            .ok()
            .map(|v| Ipv4Addr::from(v).to_string())
    }
}

fn ip_candidates(texts: &[&str]) -> Vec<String> {
    let mut out = vec!["0.0.0.0".to_string(), "::".to_string()];
    for t in texts {
        let Some((first, last, v6)) = block(t) else {
            continue;
        };
        let points = [
            first.checked_sub(1),
            Some(first),
            Some(last),
            last.checked_add(1),
        ];
        out.extend(points.into_iter().flatten().filter_map(|p| ip_text(p, v6)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_neighbours_finer_than_every_constant() {
        let c = numeric_candidates(&["10", "2.5"]).unwrap();
        assert!(c.contains(&"9.99".to_string()), "{c:?}");
        assert!(c.contains(&"10.01".to_string()), "{c:?}");
        assert!(c.contains(&"2.49".to_string()), "{c:?}");
    }

    #[test]
    fn blocks_get_their_edges_and_outer_neighbours() {
        let c = ip_candidates(&["10.0.0.0/8"]);
        for ip in ["9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"] {
            assert!(c.contains(&ip.to_string()), "{c:?}");
        }
    }

    #[test]
    fn dates_get_the_nanosecond_around_them() {
        let c = date_candidates(&["1970-01-01T00:00:01Z"]);
        assert_eq!(c, ["0.999999999", "1.000000000", "1.000000001"]);
    }
}
