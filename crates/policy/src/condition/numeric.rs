//! Numbers of the `Numeric*` operators. AWS accepts integers and decimals
//! (`"10"`, `"-2.5"`); they are compared exactly, as decimals, so `1.10` equals `1.1`
//! and 20-digit values keep their precision.

use std::cmp::Ordering;

/// A decimal number borrowed from its text, normalised: no leading zeros in `int`, no
/// trailing zeros in `frac`, and zero is never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
}

/// An owned decimal for compiled policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnedDecimal {
    negative: bool,
    int: Box<str>,
    frac: Box<str>,
}

impl OwnedDecimal {
    pub(crate) fn parse(text: &str) -> Option<OwnedDecimal> {
        Decimal::parse(text).map(|d| OwnedDecimal {
            negative: d.negative,
            int: d.int.into(),
            frac: d.frac.into(),
        })
    }

    pub(crate) fn as_decimal(&self) -> Decimal<'_> {
        Decimal {
            negative: self.negative,
            int: &self.int,
            frac: &self.frac,
        }
    }
}

impl<'a> Decimal<'a> {
    /// `[+-]digits[.digits]` (either side of the point may be empty, not both).
    pub(crate) fn parse(text: &'a str) -> Option<Decimal<'a>> {
        let (negative, body) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..)?),
            Some(b'+') => (false, text.get(1..)?),
            _ => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let zero = int.is_empty() && frac.is_empty();
        Some(Decimal {
            negative: negative && !zero,
            int,
            frac,
        })
    }

    fn cmp_magnitude(self, other: Decimal<'_>) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(other.int))
            // Both fractions lack trailing zeros, so comparing the digit strings
            // compares the values ("5" > "25" as 0.5 > 0.25).
            .then_with(|| self.frac.cmp(other.frac))
    }

    pub(crate) fn compare(self, other: Decimal<'_>) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Option<Ordering> {
        Some(Decimal::parse(a)?.compare(Decimal::parse(b)?))
    }

    #[test]
    fn compares_exactly() {
        assert_eq!(cmp("1.10", "1.1"), Some(Ordering::Equal));
        assert_eq!(cmp("007", "7.0"), Some(Ordering::Equal));
        assert_eq!(cmp("-0", "0"), Some(Ordering::Equal));
        assert_eq!(cmp("0.5", "0.25"), Some(Ordering::Greater));
        assert_eq!(cmp("-3", "-2.5"), Some(Ordering::Less));
        assert_eq!(cmp("10", "9.99"), Some(Ordering::Greater));
        assert_eq!(
            cmp("12345678901234567891", "12345678901234567890"),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp(".5", "0.5"), Some(Ordering::Equal));
    }

    #[test]
    fn rejects_non_numbers() {
        for bad in ["", "-", ".", "1e3", "abc", "1.2.3", " 1", "0x10"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }
}
