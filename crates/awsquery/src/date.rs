//! ISO 8601 timestamps as IAM and STS write them (`2015-08-30T12:36:00Z`).

use std::time::{SystemTime, UNIX_EPOCH};

/// `(year, month, day)` of the proleptic Gregorian calendar for days since 1970-01-01.
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

/// Milliseconds since the epoch, negative before it.
fn unix_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

fn format(t: SystemTime, millis: bool) -> String {
    let ms = unix_millis(t);
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let (h, mi, s) = (rem / 3_600, rem % 3_600 / 60, rem % 60);
    if millis {
        let frac = ms.rem_euclid(1000);
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:03}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// `2015-08-30T12:36:00Z` (seconds; IAM's `CreateDate` and the like).
pub fn iso8601(t: SystemTime) -> String {
    format(t, false)
}

/// `2015-08-30T12:36:00.123Z` (milliseconds; STS's `Expiration`).
pub fn iso8601_millis(t: SystemTime) -> String {
    format(t, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_dates() {
        let t = UNIX_EPOCH + Duration::from_millis(1_440_938_160_123);
        assert_eq!(iso8601(t), "2015-08-30T12:36:00Z");
        assert_eq!(iso8601_millis(t), "2015-08-30T12:36:00.123Z");
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso8601(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }
}
