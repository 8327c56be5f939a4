//! Instants as the store keeps them (milliseconds since the Unix epoch) and as AWS
//! prints them (ISO 8601, UTC, second precision: `2024-05-01T12:34:56Z`).
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(millis)
    }

    pub fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn epoch_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, the form IAM's XML responses and `aws:CurrentTime` use.
    pub fn iso8601(self) -> String {
        self.to_string()
    }
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// The computation works in 400-year eras, each of which has exactly 146,097 days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.epoch_seconds();
        let days = secs.div_euclid(86_400);
        let of_day = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            of_day / 3600,
            (of_day % 3600) / 60,
            of_day % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(Timestamp(0).iso8601(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(951_782_400_000).iso8601(), "2000-02-29T00:00:00Z");
        assert_eq!(
            Timestamp(1_700_000_000_999).iso8601(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            Timestamp(4_102_444_799_000).iso8601(),
            "2099-12-31T23:59:59Z"
        );
    }
}
