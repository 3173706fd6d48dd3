//! When did it happen: a sentence's date words resolved against the report's publication day,
//! with the precision they honestly give.
//!
//! "on Monday" is the most recent Monday on or before publication (a Thursday report's
//! "Thursday" is that Thursday); "last Monday" is the one strictly before. "yesterday" and
//! "last night" are the day before publication; "today", "this morning" the day itself;
//! "overnight" the night across both (a two-day range). "this week" is Monday of the publication
//! week to the publication day, "last week" the whole previous week, "this month" and "last
//! month" likewise (month precision). Explicit dates ("19 September", "Sept. 19", "September 19,
//! 2016", "2016-09-19") without a year take the most recent such day on or before publication.
//! "two days ago" counts back. A sentence with several date words takes the one nearest its
//! incident word, passing over those that date a statement ("the UN on Thursday said").
//!
//! When a sentence says nothing, the honest answer is "on or before the publication day": the
//! incident is given the seven days ending on publication, with week precision, and the note
//! says so.

use crate::formats::dates::month_number;
use crate::model::{DatePrecision, Day};

/// A resolved date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    pub date: Day,
    /// Last day of a range (inclusive).
    pub end: Option<Day>,
    pub precision: DatePrecision,
    /// Whether the sentence said it (false for the default range).
    pub stated: bool,
    /// How it was established, for the incident's notes.
    pub how: String,
}

/// Lower-cased words with their byte offsets (letters, digits and '-' inside a word; a
/// possessive "'s" dropped, so "Monday's" is "monday"; ordinals "19th" are "19").
fn words(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let inword = c.is_alphanumeric() || (c == '-' && start.is_some());
        match (start, inword) {
            (None, true) => start = Some(i),
            (Some(b), false) => {
                let mut w = s[b..i].trim_end_matches('-').to_lowercase();
                for suf in ["st", "nd", "rd", "th"] {
                    if w.len() > 2
                        && w.ends_with(suf)
                        && w[..w.len() - 2].chars().all(|c| c.is_ascii_digit())
                    {
                        w.truncate(w.len() - 2);
                    }
                }
                out.push((b, w));
                start = None;
            }
            _ => {}
        }
        if c == '\'' || c == '’' {
            // "Monday's": the "s" after the apostrophe starts a new word; dropped below.
        }
    }
    out.retain(|(_, w)| w != "s");
    out
}

fn small_number(w: &str) -> Option<i32> {
    if let Ok(n) = w.parse::<i32>() {
        return Some(n);
    }
    if w == "a" {
        return Some(1);
    }
    super::casualties::unit(w)
        .filter(|n| (1..=10).contains(n))
        .map(|n| n as i32)
}

/// The most recent day with weekday index `wd` on or before `published` (strictly before when
/// `strict`).
pub fn weekday_on_or_before(published: Day, wd: usize, strict: bool) -> Day {
    let back = (published.weekday_index() + 7 - wd) % 7;
    let back = if strict && back == 0 { 7 } else { back };
    published.plus(-(back as i32))
}

fn day(d: Day, how: String) -> When {
    When {
        date: d,
        end: None,
        precision: DatePrecision::Day,
        stated: true,
        how,
    }
}

fn range(a: Day, b: Day, precision: DatePrecision, how: String) -> When {
    When {
        date: a,
        end: (b != a).then_some(b),
        precision,
        stated: true,
        how,
    }
}

/// The most recent (month, day) on or before `published` when no year is given.
fn recent_md(published: Day, month: u32, d: u32, year: Option<i32>) -> Option<Day> {
    let (py, _, _) = published.ymd();
    if let Some(y) = year {
        return Day::from_ymd(y, month, d);
    }
    let this = Day::from_ymd(py, month, d)?;
    if this <= published {
        Some(this)
    } else {
        Day::from_ymd(py - 1, month, d)
    }
}

/// Every date expression in `sentence`, with its byte offset.
pub fn expressions(sentence: &str, published: Day) -> Vec<(usize, When)> {
    let w = words(sentence);
    let pub_s = published.medium();
    let mut out = Vec::new();
    let get = |i: usize| w.get(i).map(|(_, s)| s.as_str()).unwrap_or("");
    let mut i = 0;
    while i < w.len() {
        let (pos, word) = (w[i].0, w[i].1.as_str());
        let prev = if i > 0 { get(i - 1) } else { "" };
        let next = get(i + 1);
        let mut found: Option<(When, usize)> = None;
        let original = sentence.get(pos..pos + word.len()).unwrap_or(word);
        if let Some(wd) = Day::weekday_of_name(word) {
            let strict = prev == "last";
            let since = prev == "since";
            let d = weekday_on_or_before(published, wd, strict);
            let when = if since {
                range(
                    d,
                    published,
                    DatePrecision::Week,
                    format!(
                        "\"since {original}\": {} to publication ({pub_s})",
                        d.medium()
                    ),
                )
            } else {
                day(
                    d,
                    format!(
                        "\"{}{original}\": {}, the {} {} on or before publication ({pub_s})",
                        if strict { "last " } else { "" },
                        d.medium(),
                        if strict { "last" } else { "most recent" },
                        d.weekday_name()
                    ),
                )
            };
            found = Some((when, 1));
        } else if word == "yesterday" {
            let d = published.plus(-1);
            found = Some((
                day(
                    d,
                    format!(
                        "\"yesterday\": {}, the day before publication ({pub_s})",
                        d.medium()
                    ),
                ),
                1,
            ));
        } else if matches!(word, "today" | "tonight")
            || (word == "this" && matches!(next, "morning" | "afternoon" | "evening"))
        {
            found = Some((
                day(
                    published,
                    format!("\"{word}\": the publication day, {pub_s}"),
                ),
                1,
            ));
        } else if word == "last" && next == "night" {
            let d = published.plus(-1);
            found = Some((
                day(
                    d,
                    format!(
                        "\"last night\": {}, the night before publication ({pub_s}); it may have run past midnight",
                        d.medium()
                    ),
                ),
                2,
            ));
        } else if word == "overnight" {
            found = Some((
                range(
                    published.plus(-1),
                    published,
                    DatePrecision::Week,
                    format!(
                        "\"overnight\": the night before publication ({pub_s}), across two days"
                    ),
                ),
                1,
            ));
        } else if matches!(word, "this" | "last") && next == "week" {
            let monday = weekday_on_or_before(published, 0, false);
            let when = if word == "this" {
                range(
                    monday,
                    published,
                    DatePrecision::Week,
                    format!(
                        "\"this week\": {} to publication ({pub_s}), the day not stated",
                        monday.medium()
                    ),
                )
            } else {
                let a = monday.plus(-7);
                range(
                    a,
                    a.plus(6),
                    DatePrecision::Week,
                    format!(
                        "\"last week\": {} to {}, the week before publication",
                        a.medium(),
                        a.plus(6).medium()
                    ),
                )
            };
            found = Some((when, 2));
        } else if matches!(word, "this" | "last") && next == "month" {
            let (y, m, _) = published.ymd();
            let (y, m) = if word == "last" {
                if m == 1 { (y - 1, 12) } else { (y, m - 1) }
            } else {
                (y, m)
            };
            if let Some(first) = Day::from_ymd(y, m, 1) {
                let last = if word == "this" {
                    published
                } else {
                    first.plus(crate::model::days_in_month(y, m) as i32 - 1)
                };
                found = Some((
                    range(
                        first,
                        last,
                        DatePrecision::Month,
                        format!("\"{word} month\": {} to {}", first.medium(), last.medium()),
                    ),
                    2,
                ));
            }
        } else if next == "days"
            && get(i + 2) == "ago"
            && let Some(n) = small_number(word).filter(|n| (1..=30).contains(n))
        {
            let d = published.plus(-n);
            found = Some((
                day(
                    d,
                    format!(
                        "\"{word} days ago\": {}, counted from publication ({pub_s})",
                        d.medium()
                    ),
                ),
                3,
            ));
        } else if let Some(m) = month_number(word) {
            // "September 19[,] [2016]"; "May" and "March" only with a day number.
            let year_at = |k: usize| {
                get(k)
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2200).contains(y))
            };
            if let Ok(d) = next.parse::<u32>()
                && (1..=31).contains(&d)
            {
                let year = year_at(i + 2);
                if let Some(dd) = recent_md(published, m, d, year) {
                    found = Some((
                        day(dd, format!("\"{} {}\": {}", w[i].1, d, dd.medium())),
                        if year.is_some() { 3 } else { 2 },
                    ));
                }
            }
        } else if let Ok(d) = word.parse::<u32>()
            && (1..=31).contains(&d)
            && let Some(m) = month_number(next)
        {
            let year = get(i + 2)
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y));
            if let Some(dd) = recent_md(published, m, d, year) {
                found = Some((
                    day(dd, format!("\"{} {}\": {}", d, w[i + 1].1, dd.medium())),
                    if year.is_some() { 3 } else { 2 },
                ));
            }
        } else if word.len() == 10
            && let Ok(dd) = word.parse::<Day>()
        {
            found = Some((day(dd, format!("\"{word}\": {}", dd.medium())), 1));
        }
        match found {
            Some((when, n)) => {
                out.push((pos, when));
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

/// The date an incident sentence gives, choosing the expression nearest `cue` (a byte offset)
/// among those not dating a statement; the default range when there is none.
pub fn resolve(sentence: &str, published: Day, cue: usize) -> When {
    let found = expressions(sentence, published);
    let statement = |pos: usize| -> bool {
        // "said on Thursday", "the UN on Thursday said", "Thursday's statement".
        let before = sentence[..pos].trim_end().to_lowercase();
        let after = sentence[pos..].to_lowercase();
        let after_words: Vec<&str> = after.split_whitespace().skip(1).take(2).collect();
        let verbs = [
            "said",
            "says",
            "announced",
            "reported",
            "told",
            "stated",
            "declared",
        ];
        before.ends_with("said on")
            || before.ends_with("said")
            || before.ends_with("reported on")
            || before.ends_with("announced on")
            || after_words
                .iter()
                .any(|w| verbs.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
    };
    let dateline = dateline_end(sentence);
    let best = found
        .iter()
        .filter(|(p, _)| *p >= dateline && !statement(*p))
        .min_by_key(|(p, _)| p.abs_diff(cue));
    match best {
        Some((_, w)) => w.clone(),
        None => default_when(published),
    }
}

/// Where a wire-copy dateline ends ("BEIRUT, Sept 22 (Reuters) - "): its date is the day of
/// filing, not of the incident, so no date before this offset dates the incident. 0 when the
/// sentence does not open with a dateline (a place in capitals, then a dash within 80 bytes).
pub fn dateline_end(sentence: &str) -> usize {
    let head: String = sentence
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == ' ')
        .collect();
    let first = head.split_whitespace().next().unwrap_or("");
    if first.chars().count() < 3 || first.chars().any(|c| c.is_lowercase()) {
        return 0;
    }
    let window = sentence.get(..sentence.len().min(80)).unwrap_or(sentence);
    [" - ", " – ", " — ", " -- "]
        .iter()
        .filter_map(|dash| window.find(dash).map(|at| at + dash.len()))
        .min()
        .unwrap_or(0)
}

/// The honest answer when a sentence gives no date: on or before publication, within the week.
pub fn default_when(published: Day) -> When {
    let from = published.plus(-6);
    When {
        date: from,
        end: Some(published),
        precision: DatePrecision::Week,
        stated: false,
        how: format!(
            "no date in the text: shown as the seven days ending on publication ({} to {})",
            from.medium(),
            published.medium()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        s.parse().unwrap()
    }

    const THU: &str = "2016-09-22";

    #[test]
    fn weekdays_relative_to_a_thursday() {
        let expect = [
            ("Monday", "2016-09-19"),
            ("Tuesday", "2016-09-20"),
            ("Wednesday", "2016-09-21"),
            ("Thursday", "2016-09-22"),
            ("Friday", "2016-09-16"),
            ("Saturday", "2016-09-17"),
            ("Sunday", "2016-09-18"),
        ];
        for (wd, day_s) in expect {
            let s = format!("An air strike hit the town on {wd}.");
            let w = resolve(&s, d(THU), 3);
            assert_eq!(w.date, d(day_s), "{wd}");
            assert_eq!(w.end, None);
            assert_eq!(w.precision, DatePrecision::Day);
            assert!(w.stated);
        }
        let w = resolve("Shelling last Thursday killed two.", d(THU), 0);
        assert_eq!(w.date, d("2016-09-15"));
        let w = resolve("Monday's strike killed two.", d(THU), 10);
        assert_eq!(w.date, d("2016-09-19"));
    }

    #[test]
    fn a_datelines_date_is_the_filing_day_not_the_incidents() {
        let s = "BEIRUT, Sept 22 (Wire) - Air strikes killed seven people in Saraqib on Tuesday, \
                 a monitor said.";
        assert!(dateline_end(s) > 0);
        assert_eq!(resolve(s, d(THU), 25).date, d("2016-09-20"));
        // With no other date, the default range (not the dateline's day) is honest.
        let s = "ALEPPO, Syria, Sept. 22 (AP) — Shelling hit the Salaheddine district.";
        let w = resolve(s, d(THU), 30);
        assert_eq!((w.date, w.end), (d("2016-09-16"), Some(d(THU))));
        // An ordinary sentence has no dateline, even with a dash in it.
        assert_eq!(dateline_end("Rebels - and the army - fought on Monday."), 0);
        assert_eq!(dateline_end("US strikes - two killed"), 0);
    }

    #[test]
    fn yesterday_today_last_night_and_days_ago() {
        let w = resolve("Two were killed yesterday.", d(THU), 9);
        assert_eq!((w.date, w.precision), (d("2016-09-21"), DatePrecision::Day));
        assert_eq!(resolve("Shelling today.", d(THU), 0).date, d(THU));
        assert_eq!(
            resolve("Raids last night.", d(THU), 0).date,
            d("2016-09-21")
        );
        assert_eq!(
            resolve("A strike two days ago.", d(THU), 2).date,
            d("2016-09-20")
        );
        let w = resolve("Raids overnight.", d(THU), 0);
        assert_eq!((w.date, w.end), (d("2016-09-21"), Some(d(THU))));
    }

    #[test]
    fn weeks_months_and_explicit_dates() {
        let w = resolve("the toll since the truce collapsed this week", d(THU), 4);
        assert_eq!(w.date, d("2016-09-19"));
        assert_eq!(w.end, Some(d(THU)));
        assert_eq!(w.precision, DatePrecision::Week);
        let w = resolve("raids last week", d(THU), 0);
        assert_eq!((w.date, w.end), (d("2016-09-12"), Some(d("2016-09-18"))));
        let w = resolve("raids earlier this month", d(THU), 0);
        assert_eq!(
            (w.date, w.precision),
            (d("2016-09-01"), DatePrecision::Month)
        );
        for s in [
            "the strike on 19 September",
            "the strike on Sept. 19",
            "the strike on September 19th",
            "the strike on 19 Sep 2016",
            "the strike on 2016-09-19",
        ] {
            assert_eq!(resolve(s, d(THU), 4).date, d("2016-09-19"), "{s}");
        }
        // Later in the year than publication: last year's.
        assert_eq!(
            resolve("the strike of 3 December", d(THU), 4).date,
            d("2015-12-03")
        );
        // "may" alone is no month.
        assert!(!resolve("the toll may rise", d(THU), 4).stated);
    }

    #[test]
    fn statement_dates_are_passed_over_and_nothing_gives_the_default() {
        let s = "After the convoy attack on Monday, the UN on Thursday said it would resume.";
        assert_eq!(resolve(s, d(THU), 10).date, d("2016-09-19"));
        let s = "The UN on Thursday said the attack killed 20.";
        assert!(!resolve(s, d(THU), 30).stated);
        let w = resolve("Raids hit the east.", d(THU), 0);
        assert!(!w.stated);
        assert_eq!(w.date, d("2016-09-16"));
        assert_eq!(w.end, Some(d(THU)));
        assert_eq!(w.precision, DatePrecision::Week);
    }
}
