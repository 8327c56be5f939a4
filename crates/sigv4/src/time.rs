//! The timestamps SigV4 uses, as whole seconds since the Unix epoch (UTC).
//!
//! Parsing and formatting are done here by hand so that the crate needs no date library
//! and never reads the clock: the caller passes "now".

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A UTC instant with one-second precision, as SigV4 timestamps have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
}

impl Timestamp {
    /// The instant `secs` seconds after the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        Self { secs }
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.secs
    }

    /// Truncates a system time to whole seconds; times before 1970 count as negative.
    pub fn from_system_time(t: SystemTime) -> Self {
        let secs = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => {
                let before = e.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                // Round toward negative infinity so that truncation is monotonic.
                if before.subsec_nanos() > 0 {
                    -whole - 1
                } else {
                    -whole
                }
            }
        };
        Self { secs }
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        if self.secs >= 0 {
            UNIX_EPOCH + Duration::from_secs(self.secs.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(self.secs.unsigned_abs())
        }
    }

    /// `self + secs`, saturating.
    pub const fn plus(self, secs: i64) -> Self {
        Self {
            secs: self.secs.saturating_add(secs),
        }
    }

    /// Parses the ISO 8601 basic format SigV4 uses: `20150830T123600Z`.
    pub fn parse_amz_date(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[4..6])?;
        let day = digits(&b[6..8])?;
        let hour = digits(&b[9..11])?;
        let minute = digits(&b[11..13])?;
        let second = digits(&b[13..15])?;
        Self::from_parts(year, month, day, hour, minute, second)
    }

    /// Parses an HTTP date (RFC 7231 IMF-fixdate): `Sun, 30 Aug 2015 12:36:00 GMT`.
    /// SigV4 falls back to the `Date` header when `X-Amz-Date` is absent.
    pub fn parse_http_date(s: &str) -> Option<Self> {
        let b = s.trim().as_bytes();
        if b.len() != 29 || &b[3..5] != b", " || &b[25..29] != b" GMT" {
            return None;
        }
        if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
            return None;
        }
        let day = digits(&b[5..7])?;
        let month = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])? as u32 + 1;
        let year = digits(&b[12..16])?;
        let hour = digits(&b[17..19])?;
        let minute = digits(&b[20..22])?;
        let second = digits(&b[23..25])?;
        Self::from_parts(year, month, day, hour, minute, second)
    }

    fn from_parts(year: u32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // 60 admits a leap second as HTTP dates may carry one; it lands on the next minute.
        if hour > 23 || min > 59 || sec > 60 {
            return None;
        }
        let days = days_from_civil(i64::from(year), month, day);
        let secs = days * 86_400 + i64::from(hour) * 3_600 + i64::from(min) * 60 + i64::from(sec);
        Some(Self { secs })
    }

    /// `(year, month, day, hour, minute, second)` in UTC.
    pub fn to_parts(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // rem < 86_400, so every part fits a u32.
        let rem = rem as u32;
        (y, m, d, rem / 3_600, rem % 3_600 / 60, rem % 60)
    }

    /// Formats as `20150830T123600Z`.
    pub fn amz_date(self) -> String {
        let (y, mo, d, h, mi, s) = self.to_parts();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    /// Formats the date part only, as the credential scope carries it: `20150830`.
    pub fn scope_date(self) -> String {
        let (y, mo, d, ..) = self.to_parts();
        format!("{y:04}{mo:02}{d:02}")
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap(y: u32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
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

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_round_trips() {
        let t = Timestamp::parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t.unix(), 1_440_938_160);
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.scope_date(), "20150830");
    }

    #[test]
    fn http_date_parses() {
        let t = Timestamp::parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT").unwrap();
        assert_eq!(t.amz_date(), "20150830T123600Z");
    }

    #[test]
    fn rejects_malformed_dates() {
        for s in [
            "",
            "20150830T123600",
            "2015083OT123600Z",
            "20150230T123600Z",
            "20151301T000000Z",
            "20150830T246000Z",
            "２0150830T123600Z",
        ] {
            assert_eq!(Timestamp::parse_amz_date(s), None, "{s}");
        }
        assert_eq!(
            Timestamp::parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT"),
            None
        );
    }

    #[test]
    fn civil_conversion_is_inverse_over_centuries() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn leap_days() {
        assert!(Timestamp::parse_amz_date("20240229T000000Z").is_some());
        assert!(Timestamp::parse_amz_date("21000229T000000Z").is_none());
        assert!(Timestamp::parse_amz_date("20000229T000000Z").is_some());
    }
}
