//! RFC 3339 timestamps and calendar dates without a date library.
//!
//! Dates are counted in days since 1970-01-01 (UTC); the conversions are the proleptic
//! Gregorian "days from civil" algorithms.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECS_PER_DAY: u64 = 86_400;

/// Days since the epoch → (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // month is in 1..=12 and day in 1..=31, so the casts cannot truncate
    (year, month as u32, day as u32)
}

/// (year, month, day) → days since the epoch. The inputs must be a valid date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // [0, 11]
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Parses a `YYYY-MM-DD` date into days since the epoch.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    // 2025-02-30 and the like do not survive the round trip
    (civil_from_days(days) == (i64::from(year), month, day)).then_some(days)
}

/// Formats days since the epoch as `YYYY-MM-DD`.
pub(crate) fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn since_epoch(t: SystemTime) -> Duration {
    t.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// The UTC calendar day of an instant, in days since the epoch.
pub(crate) fn day_of(t: SystemTime) -> i64 {
    i64::try_from(since_epoch(t).as_secs() / SECS_PER_DAY).unwrap_or(i64::MAX)
}

/// Formats an instant as RFC 3339 in UTC with millisecond precision: `2026-03-05T14:30:00.000Z`.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let d = since_epoch(t);
    let secs = d.as_secs();
    let days = i64::try_from(secs / SECS_PER_DAY).unwrap_or(i64::MAX);
    let rem = secs % SECS_PER_DAY;
    let (h, mi, s) = (rem / 3_600, (rem % 3_600) / 60, rem % 60);
    format!(
        "{}T{h:02}:{mi:02}:{s:02}.{:03}Z",
        format_date(days),
        d.subsec_millis()
    )
}

/// The instant at `hh:mm` UTC on a calendar date.
pub(crate) fn at(year: i64, month: u32, day: u32, hour: u64, minute: u64) -> SystemTime {
    let days = u64::try_from(days_from_civil(year, month, day)).unwrap_or(0);
    UNIX_EPOCH + Duration::from_secs(days * SECS_PER_DAY + hour * 3_600 + minute * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates() {
        for days in [-800_000_i64, -1, 0, 1, 10_957, 19_000, 20_500, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(format_date(days_from_civil(2024, 2, 29)), "2024-02-29");
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("2025-1-01"), None);
        assert_eq!(parse_date("+025-01-01"), None);
    }

    #[test]
    fn formats_rfc3339() {
        let t = at(2026, 3, 5, 14, 30) + Duration::from_millis(7);
        assert_eq!(rfc3339(t), "2026-03-05T14:30:00.007Z");
        assert_eq!(day_of(t), days_from_civil(2026, 3, 5));
    }
}
