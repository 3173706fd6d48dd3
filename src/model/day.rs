//! A calendar day as a day number (days since 1970-01-01, proleptic Gregorian).
//!
//! The viewer works in whole days: the slider steps by day, the index sorts by day and a window
//! is a range of days. An `i32` day number makes that arithmetic exact and cheap; the civil
//! conversions below are Howard Hinnant's `days_from_civil` / `civil_from_days`.

use std::fmt;
use std::str::FromStr;

/// A calendar day. Ordering is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Day {
    /// The day for a year, month (1–12) and day of month, or `None` if no such date exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(-100_000..=100_000).contains(&year) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// Year, month (1–12) and day of month.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        (y, m, d)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday_index(self) -> usize {
        // 1970-01-01 was a Thursday (index 3).
        (self.0 + 3).rem_euclid(7) as usize
    }

    pub fn weekday_name(self) -> &'static str {
        WEEKDAYS[self.weekday_index()]
    }

    /// The index (0 = Monday … 6 = Sunday) of an English weekday name, in any case.
    pub fn weekday_of_name(name: &str) -> Option<usize> {
        WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(name))
    }

    pub fn month_name(self) -> &'static str {
        MONTHS[self.ymd().1 as usize - 1]
    }

    /// The day `n` days later (earlier for negative `n`).
    pub fn plus(self, n: i32) -> Day {
        Day(self.0.saturating_add(n))
    }

    /// "Monday 19 September 2016".
    pub fn long(self) -> String {
        let (y, _, d) = self.ymd();
        format!("{} {d} {} {y}", self.weekday_name(), self.month_name())
    }

    /// "Mon 19 Sep 2016".
    pub fn medium(self) -> String {
        let (y, _, d) = self.ymd();
        format!(
            "{} {d} {} {y}",
            &self.weekday_name()[..3],
            &self.month_name()[..3]
        )
    }

    /// "19 Sep".
    pub fn short(self) -> String {
        let (_, _, d) = self.ymd();
        format!("{d} {}", &self.month_name()[..3])
    }
}

/// Number of days in a month of a year (proleptic Gregorian).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// ISO 8601 calendar date, `YYYY-MM-DD`.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Why a text is not an ISO date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayParseError(pub String);

impl fmt::Display for DayParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a date of the form YYYY-MM-DD", self.0)
    }
}

impl std::error::Error for DayParseError {}

/// Parses `YYYY-MM-DD`; a trailing time (`T…` or ` …`) is accepted and ignored.
impl FromStr for Day {
    type Err = DayParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DayParseError(s.chars().take(40).collect());
        let t = s.trim();
        let date = t.split(['T', ' ']).next().unwrap_or("");
        let mut parts = date.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let y: i32 = y.parse().map_err(|_| err())?;
        let m: u32 = m.parse().map_err(|_| err())?;
        let d: u32 = d.parse().map_err(|_| err())?;
        Day::from_ymd(y, m, d).ok_or_else(err)
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2000, 3, 1), Some(Day(11_017)));
        let convoy = Day::from_ymd(2016, 9, 19).unwrap();
        assert_eq!(convoy.0, 17_063);
        assert_eq!(convoy.weekday_name(), "Monday");
        assert_eq!(convoy.plus(3).weekday_name(), "Thursday");
        assert_eq!(convoy.long(), "Monday 19 September 2016");
        assert_eq!(convoy.medium(), "Mon 19 Sep 2016");
        assert_eq!(convoy.to_string(), "2016-09-19");
    }

    #[test]
    fn round_trips_every_day_for_six_centuries() {
        let start = Day::from_ymd(1700, 1, 1).unwrap().0;
        let end = Day::from_ymd(2300, 12, 31).unwrap().0;
        let mut expected = (1700, 1, 1);
        for n in start..=end {
            let (y, m, d) = Day(n).ymd();
            assert_eq!((y, m, d), expected, "day number {n}");
            assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn rejects_impossible_dates_and_bad_text() {
        assert_eq!(Day::from_ymd(2015, 2, 29), None);
        assert!(Day::from_ymd(2016, 2, 29).is_some());
        assert_eq!(Day::from_ymd(1900, 2, 29), None);
        assert!(Day::from_ymd(2000, 2, 29).is_some());
        for bad in [
            "",
            "2016-9-19",
            "2016-13-01",
            "19/09/2016",
            "2016-09-31",
            "abcd-ef-gh",
        ] {
            assert!(bad.parse::<Day>().is_err(), "{bad} should not parse");
        }
        assert_eq!(
            "2016-09-19T14:00:00Z".parse::<Day>(),
            Ok(Day::from_ymd(2016, 9, 19).unwrap())
        );
    }
}
