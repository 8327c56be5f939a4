//! Dates of the `Date*` operators: ISO 8601 (`2024-05-01`, `2024-05-01T12:00Z`,
//! `2024-05-01T12:00:00.250+02:00`) or epoch seconds (`1714564800`), as the IAM User
//! Guide's date condition operators accept. Values are compared as instants, in
//! nanoseconds since the epoch; a time without a zone is UTC.

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses a date or an epoch time into nanoseconds since 1970-01-01T00:00:00Z.
pub(crate) fn parse_instant(text: &str) -> Option<i128> {
    if is_epoch(text) {
        parse_epoch(text)
    } else {
        parse_iso8601(text)
    }
}

fn is_epoch(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let int = body.split_once('.').map_or(body, |(i, _)| i);
    !int.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn parse_epoch(text: &str) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    // 18 digits of seconds is far beyond any real date and keeps i128 safe.
    if int.len() > 18 || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let seconds: i128 = int.parse().ok()?;
    let nanos = fraction_nanos(frac)?;
    let value = seconds * NANOS_PER_SECOND + nanos;
    Some(if negative { -value } else { value })
}

fn digits_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Nanoseconds of a fraction of a second given by its digits (beyond 9 are dropped).
fn fraction_nanos(digits: &str) -> Option<i128> {
    let mut nanos: i128 = 0;
    let mut scale = NANOS_PER_SECOND;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        scale /= 10;
        nanos += i128::from(b - b'0') * scale;
    }
    Some(nanos)
}

/// A cursor over ASCII date text.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn number(&mut self, width: usize) -> Option<i128> {
        let digits = self.bytes.get(self.at..self.at + width)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += width;
        Some(digits.iter().fold(0, |n, d| n * 10 + i128::from(d - b'0')))
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

fn parse_iso8601(text: &str) -> Option<i128> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = c.number(4)?;
    if !c.eat(b'-') {
        return None;
    }
    let month = c.number(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.number(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut nanos = 0;
    if c.done() {
        return Some(seconds * NANOS_PER_SECOND);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.number(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.number(2)?;
    let mut second = 0;
    if c.eat(b':') {
        second = c.number(2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.at;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.at += 1;
            }
            let frac = text.get(start..c.at)?;
            if frac.is_empty() {
                return None;
            }
            nanos = fraction_nanos(frac)?;
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    seconds += hour * 3600 + minute * 60 + second;
    let offset = match c.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            c.at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.at += 1;
            let hours = c.number(2)?;
            let minutes = if c.eat(b':') || c.peek().is_some() {
                c.number(2)?
            } else {
                0
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        Some(_) => return None,
    };
    if !c.done() {
        return None;
    }
    Some((seconds - offset) * NANOS_PER_SECOND + nanos)
}

fn is_leap(year: i128) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i128, month: i128) -> i128 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (the well-known
/// era-based conversion: 400-year eras of 146,097 days, years starting in March).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i128 = NANOS_PER_SECOND;

    #[test]
    fn iso_forms() {
        assert_eq!(parse_instant("1970-01-01"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_instant("2020-02-29T12:30:00Z"),
            Some(1_582_979_400 * S)
        );
        assert_eq!(parse_instant("2020-02-29T12:30Z"), Some(1_582_979_400 * S));
        assert_eq!(
            parse_instant("2020-02-29T14:30:00+02:00"),
            Some(1_582_979_400 * S)
        );
        assert_eq!(
            parse_instant("2020-02-29T14:30:00+0200"),
            Some(1_582_979_400 * S)
        );
        assert_eq!(
            parse_instant("2020-02-29T12:30:00"),
            Some(1_582_979_400 * S)
        );
        assert_eq!(parse_instant("1970-01-01T00:00:00.25Z"), Some(S / 4));
    }

    #[test]
    fn epoch_forms() {
        assert_eq!(parse_instant("1582979400"), Some(1_582_979_400 * S));
        assert_eq!(parse_instant("1.5"), Some(S + S / 2));
        assert_eq!(parse_instant("-86400"), Some(-86_400 * S));
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "2020-13-01",
            "2019-02-29",
            "2020-01-01T24:00:00Z",
            "2020-01-01T",
            "yesterday",
            "2020-01-01Tx",
            "2020-01-01T00:00:00+2",
            "1e9",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }
}
