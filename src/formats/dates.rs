//! Date parsing shared by the readers: the many ways files write a day, with the precision
//! each form implies.
//!
//! Owned by the CSV work (ACLED, GDELT, generic CSV); KML, GeoJSON and TimeMap call
//! [`parse_date`] too.
//!
//! Forms understood (English month names, full or abbreviated, any case):
//!
//! | text                                   | day        | precision |
//! |----------------------------------------|------------|-----------|
//! | `2016-09-19`, `2016/9/19`, `2016-09-19T10:00:00Z` | 19 Sep 2016 | day |
//! | `20160919`, `20160919103000` (GDELT)   | 19 Sep 2016 | day      |
//! | `19 September 2016`, `19-September-2016`, `9-May-20` | … | day |
//! | `Sept. 19, 2016, 3:38 p.m.`, `Monday 19th of September 2016` | … | day |
//! | `19/09/2016`, `09/19/2016`, `19.09.16` | see below  | day       |
//! | `September 2016`, `2016-09`, `09/2016` | 1 Sep 2016 | month     |
//! | `2016`                                 | 1 Jan 2016 | year      |
//!
//! Three numbers with the year last (`02/03/2016`) are ambiguous: day-first or month-first.
//! One value cannot settle it, a whole column can: [`DateColumn`] and [`infer_order`] decide
//! from every value (a first number above 12 means day-first, a second above 12 month-first)
//! and report when the column never says (then day-first, the usual order outside the US).
//! Times of day and time zones after the date are ignored; two-digit years are 1969–2068.

use crate::model::{DatePrecision, Day};

/// Which of the first two numbers of `01/02/2016` is the day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DayOrder {
    /// `29/12/2015`: day, month, year (most of the world, ACLED).
    #[default]
    DayFirst,
    /// `12/29/2015`: month, day, year (US spreadsheets).
    MonthFirst,
}

/// Parses one date string in any of the forms the readers meet. Returns the first day it
/// covers and how precise it is (`2016` → 1 Jan 2016, `Year`; `2016-09` → 1 Sept, `Month`).
/// Times of day and time zones after the date are ignored. `01/02/2016` is read day-first;
/// use [`parse_date_with`] when the order is known, [`DateColumn`] to infer it.
pub fn parse_date(s: &str) -> Option<(Day, DatePrecision)> {
    parse_date_with(s, DayOrder::DayFirst)
}

/// Like [`parse_date`], reading all-number dates with the year last in the given order.
pub fn parse_date_with(s: &str, order: DayOrder) -> Option<(Day, DatePrecision)> {
    match classify(s)? {
        Form::Known(d, p) => Some((d, p)),
        Form::Numeric(n) => n.resolve(order),
    }
}

/// Decides the day order of a whole column: `(order, ambiguous)`. `ambiguous` is true when
/// the column holds dates like `03/04/2016` but none that settles the order (day-first is then
/// assumed), or when some values say day-first and others month-first (the majority wins).
pub fn infer_order<'a>(values: impl IntoIterator<Item = &'a str>) -> (DayOrder, bool) {
    let mut votes = OrderVotes::default();
    for v in values {
        if let Some(Form::Numeric(n)) = classify(v) {
            votes.add(n);
        }
    }
    votes.decide()
}

/// The day of a Unix time in seconds, or in milliseconds when the number is too large to be
/// seconds (beyond the year 5138). `None` for non-finite or absurd values.
pub fn parse_epoch(n: f64) -> Option<Day> {
    if !n.is_finite() {
        return None;
    }
    let secs = if n.abs() >= 1e11 { n / 1000.0 } else { n };
    let days = (secs / 86_400.0).floor();
    if days.abs() > 30_000_000.0 {
        return None;
    }
    Some(Day(days as i32))
}

/// The number (1–12) of an English month name or abbreviation (`Sept`, `sep`, `September`).
pub fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.len() < 3 || word.len() > 9 {
        return None;
    }
    let mut buf = [0u8; 9];
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let lower: &[u8] = lower;
    if lower == b"sept" {
        return Some(9);
    }
    NAMES
        .iter()
        .position(|name| {
            let name = name.as_bytes();
            lower == name || (lower.len() == 3 && name.starts_with(lower))
        })
        .map(|i| i as u32 + 1)
}

/// A date written as three numbers with the year last (`29/12/2015`, `02.24.22`): the first
/// two are day and month in an order only the whole column can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumericDate {
    pub first: u32,
    pub second: u32,
    pub year: i32,
}

impl NumericDate {
    /// The day in the given order, `None` if no such date exists.
    pub fn resolve(self, order: DayOrder) -> Option<(Day, DatePrecision)> {
        let (d, m) = match order {
            DayOrder::DayFirst => (self.first, self.second),
            DayOrder::MonthFirst => (self.second, self.first),
        };
        Day::from_ymd(self.year, m, d).map(|d| (d, DatePrecision::Day))
    }

    /// The order this value proves, if any.
    fn proves(self) -> Option<DayOrder> {
        match (self.first > 12, self.second > 12) {
            (true, false) => Some(DayOrder::DayFirst),
            (false, true) => Some(DayOrder::MonthFirst),
            _ => None,
        }
    }

    /// Whether the two orders give different days.
    fn is_ambiguous(self) -> bool {
        self.first != self.second && self.first <= 12 && self.second <= 12
    }
}

/// Evidence about a column's day order.
#[derive(Clone, Copy, Debug, Default)]
struct OrderVotes {
    day_first: usize,
    month_first: usize,
    ambiguous: usize,
}

impl OrderVotes {
    fn add(&mut self, n: NumericDate) {
        match n.proves() {
            Some(DayOrder::DayFirst) => self.day_first += 1,
            Some(DayOrder::MonthFirst) => self.month_first += 1,
            None if n.is_ambiguous() => self.ambiguous += 1,
            None => {}
        }
    }

    fn decide(self) -> (DayOrder, bool) {
        match (self.day_first, self.month_first) {
            (0, 0) => (DayOrder::DayFirst, self.ambiguous > 0),
            (_, 0) => (DayOrder::DayFirst, false),
            (0, _) => (DayOrder::MonthFirst, false),
            (d, m) if m > d => (DayOrder::MonthFirst, true),
            _ => (DayOrder::DayFirst, true),
        }
    }
}

/// What [`DateColumn::add`] made of one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateCell {
    /// The date, known now.
    Parsed(Day, DatePrecision),
    /// An all-number date (`03/04/2016`) whose order is decided by [`DateColumn::finish`].
    Deferred,
    /// Not a date.
    Unreadable,
}

/// Parses a column of dates in one pass, deciding the day order from the whole column:
/// unambiguous forms are parsed at once, all-number forms are kept (with the caller's `key`,
/// e.g. a row index) and resolved by [`finish`](Self::finish). Allocates only for those.
#[derive(Clone, Debug)]
pub struct DateColumn<K> {
    votes: OrderVotes,
    pending: Vec<(K, NumericDate)>,
    /// The last value read as a date, and that date: an export sorted by date repeats it
    /// row after row (a short value only, kept inline).
    last: Option<(LastText, Day, DatePrecision)>,
}

/// Up to 32 bytes of text, held inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LastText {
    len: u8,
    bytes: [u8; 32],
}

impl LastText {
    fn new(s: &str) -> Option<LastText> {
        let mut bytes = [0; 32];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(LastText {
            len: u8::try_from(s.len()).ok()?,
            bytes,
        })
    }

    fn is(&self, s: &str) -> bool {
        self.bytes.get(..usize::from(self.len)) == Some(s.as_bytes())
    }
}

impl<K> Default for DateColumn<K> {
    fn default() -> Self {
        DateColumn {
            votes: OrderVotes::default(),
            pending: Vec::new(),
            last: None,
        }
    }
}

/// A deferred value once the order is known: the date, or the numbers when they are not a
/// date in that order (`31/02/2016`).
pub type Resolved = Result<(Day, DatePrecision), NumericDate>;

/// The outcome of a column: its order, whether that was a guess, and the deferred values.
#[derive(Clone, Debug)]
pub struct ColumnDates<K> {
    pub order: DayOrder,
    /// True when the order could not be told from the column (see [`infer_order`]).
    pub ambiguous: bool,
    /// Each deferred key with its date, in the order they were added.
    pub resolved: Vec<(K, Resolved)>,
}

impl<K> DateColumn<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one value of the column.
    pub fn add(&mut self, key: K, s: &str) -> DateCell {
        if let Some((_, d, p)) = self.last.filter(|(t, _, _)| t.is(s)) {
            return DateCell::Parsed(d, p);
        }
        match classify(s) {
            Some(Form::Known(d, p)) => {
                self.last = LastText::new(s).map(|t| (t, d, p));
                DateCell::Parsed(d, p)
            }
            Some(Form::Numeric(n)) => {
                self.votes.add(n);
                self.pending.push((key, n));
                DateCell::Deferred
            }
            None => DateCell::Unreadable,
        }
    }

    /// Adds the values `other` read (after those read here), with their keys mapped by `key`:
    /// for a column read in pieces.
    pub fn append<J>(&mut self, other: DateColumn<J>, key: impl Fn(J) -> K) {
        self.votes.day_first += other.votes.day_first;
        self.votes.month_first += other.votes.month_first;
        self.votes.ambiguous += other.votes.ambiguous;
        (self.pending).extend(other.pending.into_iter().map(|(k, n)| (key(k), n)));
    }

    /// Decides the order and resolves every deferred value, in the order they were added.
    pub fn finish(self) -> ColumnDates<K> {
        let (order, ambiguous) = self.votes.decide();
        let resolved = self
            .pending
            .into_iter()
            .map(|(k, n)| (k, n.resolve(order).ok_or(n)))
            .collect();
        ColumnDates {
            order,
            ambiguous,
            resolved,
        }
    }
}

/// A date string, read as far as it can be without knowing the column's day order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Known(Day, DatePrecision),
    Numeric(NumericDate),
}

/// One meaningful piece of a date string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Num(&'a str),
    Month(u32),
}

fn classify(s: &str) -> Option<Form> {
    let (toks, n) = tokens(s.trim())?;
    interpret(toks.get(..n)?)
}

/// Splits a date into at most three numbers and month names, skipping separators, ordinal
/// suffixes and weekday names, and stopping at a time of day (`10:00`). `None` if some other
/// word or character is met first.
fn tokens(s: &str) -> Option<([Tok<'_>; 3], usize)> {
    let b = s.as_bytes();
    let mut out = [Tok::Num(""); 3];
    let mut n = 0;
    let mut i = 0;
    while i < b.len() && n < 3 {
        let start = i;
        let c = b[i];
        if c.is_ascii_digit() {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if b.get(i) == Some(&b':') {
                break; // a time of day: the date is over
            }
            out[n] = Tok::Num(s.get(start..i)?);
            n += 1;
        } else if c.is_ascii_alphabetic() {
            while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
            }
            let word = s.get(start..i)?;
            if let Some(m) = month_number(word) {
                out[n] = Tok::Month(m);
                n += 1;
            } else if !is_filler(word) {
                return None;
            }
        } else if matches!(c, b' ' | b',' | b'.' | b'-' | b'/' | b'\t' | b'\'') {
            i += 1;
        } else {
            return None;
        }
    }
    // Three pieces read: what follows may be a time (`T10:00`, ` 10:00`) but not more letters
    // or digits glued to the last piece (`2016-09-19abc`).
    let glued = b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() && *c != b'T');
    (n > 0 && !glued).then_some((out, n))
}

/// Words that may stand in a date without changing it.
fn is_filler(word: &str) -> bool {
    const FILLERS: &[&str] = &[
        "t", "z", "th", "st", "nd", "rd", "of", "utc", "gmt", "mon", "tue", "tues", "wed", "thu",
        "thur", "thurs", "fri", "sat", "sun",
    ];
    FILLERS.iter().any(|f| f.eq_ignore_ascii_case(word)) || Day::weekday_of_name(word).is_some()
}

fn interpret(toks: &[Tok<'_>]) -> Option<Form> {
    use Tok::{Month, Num};
    let day =
        |y: i32, m: u32, d: u32| Day::from_ymd(y, m, d).map(|d| Form::Known(d, DatePrecision::Day));
    let month =
        |y: i32, m: u32| Day::from_ymd(y, m, 1).map(|d| Form::Known(d, DatePrecision::Month));
    match *toks {
        [Num(y)] if y.len() == 4 => {
            Day::from_ymd(y.parse().ok()?, 1, 1).map(|d| Form::Known(d, DatePrecision::Year))
        }
        [Num(ymd)] if ymd.len() == 8 || ymd.len() == 14 => day(
            num(ymd.get(0..4)?)?,
            num(ymd.get(4..6)?)?,
            num(ymd.get(6..8)?)?,
        ),
        [Num(y), Num(m)] if y.len() == 4 && m.len() <= 2 => month(num(y)?, num(m)?),
        [Num(m), Num(y)] if y.len() == 4 && m.len() <= 2 => month(num(y)?, num(m)?),
        [Month(m), Num(y)] | [Num(y), Month(m)] if y.len() == 4 => month(num(y)?, m),
        [Num(y), Num(m), Num(d)] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            day(num(y)?, num(m)?, num(d)?)
        }
        [Num(y), Month(m), Num(d)] if y.len() == 4 && d.len() <= 2 => day(num(y)?, m, num(d)?),
        [Num(d), Month(m), Num(y)] | [Month(m), Num(d), Num(y)] if d.len() <= 2 => {
            day(year(y)?, m, num(d)?)
        }
        [Num(a), Num(b), Num(y)] if a.len() <= 2 && b.len() <= 2 => {
            Some(Form::Numeric(NumericDate {
                first: num(a)?,
                second: num(b)?,
                year: year(y)?,
            }))
        }
        _ => None,
    }
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

/// A four-digit year, or a two-digit one in 1969–2068.
fn year(s: &str) -> Option<i32> {
    let y: i32 = num(s)?;
    match s.len() {
        4 => Some(y),
        2 if y < 69 => Some(2000 + y),
        2 => Some(1900 + y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<(String, DatePrecision)> {
        parse_date(s).map(|(d, p)| (d.to_string(), p))
    }

    fn day(s: &str) -> Option<(String, DatePrecision)> {
        Some((s.to_owned(), DatePrecision::Day))
    }

    #[test]
    fn iso_forms_and_their_precision() {
        assert_eq!(d("2016-09-19"), day("2016-09-19"));
        assert_eq!(d("2016-09-19T10:00:00Z"), day("2016-09-19"));
        assert_eq!(d("2016-09-19 10:00:00+03:00"), day("2016-09-19"));
        assert_eq!(d("2016/9/19"), day("2016-09-19"));
        assert_eq!(
            d("2016-09"),
            Some(("2016-09-01".into(), DatePrecision::Month))
        );
        assert_eq!(d("2016"), Some(("2016-01-01".into(), DatePrecision::Year)));
        assert_eq!(d("soon"), None);
    }

    #[test]
    fn compact_and_written_forms() {
        assert_eq!(d("20160728"), day("2016-07-28"));
        assert_eq!(d("20160919103000"), day("2016-09-19"));
        assert_eq!(d("9-May-20"), day("2020-05-09"));
        assert_eq!(d("19 September 2016"), day("2016-09-19"));
        assert_eq!(d("19-September-2016"), day("2016-09-19"));
        assert_eq!(d("Sept. 19, 2016, 3:38 p.m."), day("2016-09-19"));
        assert_eq!(d("September 19, 2016"), day("2016-09-19"));
        assert_eq!(d("Monday 19th of September 2016"), day("2016-09-19"));
        assert_eq!(d("19 SEP 2016"), day("2016-09-19"));
        assert_eq!(
            d("September 2016"),
            Some(("2016-09-01".into(), DatePrecision::Month))
        );
        assert_eq!(
            d("09/2016"),
            Some(("2016-09-01".into(), DatePrecision::Month))
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "NA",
            "36.2",
            "2016-13-01",
            "31/02/2016",
            "19 Septembre 2016",
            "1474243200",
            "12345",
            "١٩/٩/٢٠١٦",
            "2016-09-19abc",
            "3:38",
        ] {
            assert_eq!(d(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn slashed_dates_follow_the_requested_order() {
        assert_eq!(d("19/09/2016"), day("2016-09-19"));
        assert_eq!(d("02/03/2016"), day("2016-03-02"));
        let us = parse_date_with("02/24/2022", DayOrder::MonthFirst);
        assert_eq!(us.map(|(d, _)| d.to_string()), Some("2022-02-24".into()));
        assert_eq!(parse_date_with("02/24/2022", DayOrder::DayFirst), None);
        assert_eq!(d("19.09.16"), day("2016-09-19"));
        assert_eq!(d("1/1/70"), day("1970-01-01"));
    }

    #[test]
    fn order_is_decided_by_the_whole_column() {
        assert_eq!(
            infer_order(["01/02/2015", "29/12/2015"]),
            (DayOrder::DayFirst, false)
        );
        assert_eq!(
            infer_order(["01/02/2022", "02/24/2022", "2022-03-01"]),
            (DayOrder::MonthFirst, false)
        );
        assert_eq!(
            infer_order(["01/02/2022", "03/04/2022"]),
            (DayOrder::DayFirst, true)
        );
        assert_eq!(
            infer_order(["05/05/2022", "2022-01-01"]),
            (DayOrder::DayFirst, false)
        );
        assert_eq!(
            infer_order(["13/01/2022", "01/13/2022", "01/14/2022"]),
            (DayOrder::MonthFirst, true)
        );
    }

    #[test]
    fn date_column_defers_only_numeric_forms() {
        let mut col = DateColumn::new();
        assert!(matches!(col.add(0, "2022-02-01"), DateCell::Parsed(..)));
        assert_eq!(col.add(1, "02/03/2022"), DateCell::Deferred);
        assert_eq!(col.add(2, "02/24/2022"), DateCell::Deferred);
        assert_eq!(col.add(3, "03/25/2022"), DateCell::Deferred);
        assert_eq!(col.add(4, "24/02/2022"), DateCell::Deferred);
        assert_eq!(col.add(5, "later"), DateCell::Unreadable);
        let out = col.finish();
        assert_eq!(out.order, DayOrder::MonthFirst);
        assert!(out.ambiguous, "one value says day-first");
        let days: Vec<_> = out
            .resolved
            .iter()
            .map(|(k, v)| (*k, v.ok().map(|(d, _)| d.to_string())))
            .collect();
        assert_eq!(
            days,
            [
                (1, Some("2022-02-03".into())),
                (2, Some("2022-02-24".into())),
                (3, Some("2022-03-25".into())),
                (4, None)
            ]
        );
    }

    #[test]
    fn a_repeated_date_is_read_once_and_the_same() {
        let mut col: DateColumn<usize> = DateColumn::new();
        let mut days = Vec::new();
        for (k, s) in [
            "31 December 2024",
            "31 December 2024",
            "30 December 2024",
            "31 December 2024",
            "31 December 20245",
            "2016-09-19",
        ]
        .into_iter()
        .enumerate()
        {
            days.push(match col.add(k, s) {
                DateCell::Parsed(d, _) => Some(d.to_string()),
                _ => None,
            });
        }
        let expect = ["2024-12-31", "2024-12-31", "2024-12-30", "2024-12-31"];
        assert_eq!(days[..4], expect.map(|d| Some(d.to_owned())));
        assert_eq!(days[4], None, "a longer text is not the cached one");
        assert_eq!(days[5].as_deref(), Some("2016-09-19"));
        // A date of more than 32 bytes is read every time, the same way.
        let long = format!("2016-09-22{}", " ".repeat(30));
        for k in 10..12 {
            match col.add(k, &long) {
                DateCell::Parsed(d, _) => assert_eq!(d.to_string(), "2016-09-22"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn epochs_in_seconds_and_milliseconds() {
        let day = |n: f64| parse_epoch(n).map(|d| d.to_string());
        assert_eq!(day(1_474_243_200.0), Some("2016-09-19".into()));
        assert_eq!(day(1_474_243_200_000.0), Some("2016-09-19".into()));
        assert_eq!(day(-1.0), Some("1969-12-31".into()));
        assert_eq!(day(f64::NAN), None);
        assert_eq!(day(1e300), None);
    }

    #[test]
    fn month_names() {
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("sep"), Some(9));
        assert_eq!(month_number("DECEMBER"), Some(12));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Mayo"), None);
    }
}
