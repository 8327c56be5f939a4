//! UTC timestamps as the trail writes and reads them: `eventTime` (`2026-11-23T17:07:53Z`)
//! and the form CloudTrail gives dates inside `responseElements` (`Nov 23, 2026, 5:07:53 PM`).
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the epoch (negative before it).
pub fn unix_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// `(year, month, day)` for days since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
}

fn civil(millis: i64) -> Civil {
    let secs = millis.div_euclid(1000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    Civil {
        year,
        month,
        day,
        hour: rem / 3_600,
        minute: rem % 3_600 / 60,
        second: rem % 60,
    }
}

/// `2026-11-23T17:07:53Z`.
pub fn iso8601(millis: i64) -> String {
    let c = civil(millis);
    if (0..=9999).contains(&c.year) {
        // Every record carries one: digits written directly, without the formatter.
        let mut out = String::with_capacity(20);
        push_digits(&mut out, c.year, 4);
        out.push('-');
        push_digits(&mut out, i64::from(c.month), 2);
        out.push('-');
        push_digits(&mut out, i64::from(c.day), 2);
        out.push('T');
        push_digits(&mut out, c.hour, 2);
        out.push(':');
        push_digits(&mut out, c.minute, 2);
        out.push(':');
        push_digits(&mut out, c.second, 2);
        out.push('Z');
        return out;
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Appends the `width` low decimal digits of a non-negative `value`, zero-padded.
fn push_digits(out: &mut String, value: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10_i64.pow(place) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

/// `yyyymmddThhmmssZ`, for file names.
pub fn compact(millis: i64) -> String {
    let c = civil(millis);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Milliseconds of `2026-11-23T17:07:53Z` (fractions of a second allowed, `Z` only).
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let year = num(0..4)?;
    let month = u32::try_from(num(5..7)?).ok()?;
    let day = u32::try_from(num(8..10)?).ok()?;
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let rest = text.get(19..)?;
    let millis = match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.strip_suffix('Z')?;
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let ms: String = digits.chars().chain("000".chars()).take(3).collect();
            ms.parse::<i64>().ok()?
        }
        None if rest == "Z" => 0,
        None => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1000) + millis)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Nov 23, 2026, 5:07:53 PM`: how CloudTrail writes dates in IAM and STS
/// `responseElements`.
pub fn response_date(millis: i64) -> String {
    let c = civil(millis);
    let month = MONTHS
        .get(usize::try_from(c.month.saturating_sub(1)).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    let (hour, half) = match c.hour {
        0 => (12, "AM"),
        h if h < 12 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!(
        "{month} {}, {}, {hour}:{:02}:{:02} {half}",
        c.day, c.year, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let t = 1_795_885_673_000; // 2026-11-28T17:07:53Z
        assert_eq!(iso8601(t), "2026-11-28T17:07:53Z");
        assert_eq!(parse_iso8601("2026-11-28T17:07:53Z"), Some(t));
        assert_eq!(parse_iso8601("2026-11-28T17:07:53.250Z"), Some(t + 250));
        assert_eq!(compact(t), "20261128T170753Z");
        assert_eq!(response_date(t), "Nov 28, 2026, 5:07:53 PM");
        assert_eq!(response_date(0), "Jan 1, 1970, 12:00:00 AM");
        assert_eq!(parse_iso8601("2026-13-28T17:07:53Z"), None);
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
    }
}
