//! The day index (which incidents fall in a window of days) and the time window itself.
//!
//! Incidents are sorted by first day once; a window query is two binary searches plus a scan of
//! the incidents that start inside `[from - longest_span, to]`, so stepping a day costs
//! O(log n + k), not O(n).

pub mod widget;

use crate::model::{Dataset, Day};

/// Which days around the current day are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WindowMode {
    /// Only the current day.
    Day,
    /// The current day and the N − 1 days before it.
    LastDays(u32),
    /// Everything from the first day of the data up to the current day.
    Cumulative,
}

impl WindowMode {
    /// Parses `day`, `last:N` or `cumulative` (the command line's spelling).
    pub fn parse(s: &str) -> Option<WindowMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "this-day" => Some(WindowMode::Day),
            "cumulative" | "all" => Some(WindowMode::Cumulative),
            other => {
                let n = other.strip_prefix("last:")?.parse::<u32>().ok()?;
                (n >= 1).then_some(WindowMode::LastDays(n))
            }
        }
    }
}

/// Index of a dataset's dated incidents by day.
#[derive(Clone, Debug, Default)]
pub struct DayIndex {
    /// Incident indices (into `Dataset::incidents`) sorted by first day, then by file order.
    order: Vec<u32>,
    /// First day of each entry of `order`, for binary search.
    starts: Vec<i32>,
    /// Last day of each entry of `order`.
    ends: Vec<i32>,
    /// Longest span (last − first day) of any incident.
    max_span: i32,
    /// First and last day of the data.
    range: Option<(Day, Day)>,
    /// Incidents visible on each day of `range` (ranges counted on every day they cover).
    per_day: Vec<u32>,
    /// Incidents with no usable date.
    undated: Vec<u32>,
}

impl DayIndex {
    pub fn new(dataset: &Dataset) -> DayIndex {
        // Built with little more memory than the index itself (it is made right after a large
        // file is read, when memory is at its peak): the first days in one array, then a
        // counting sort straight into `order`, `starts` and `ends`.
        let span = |inc: &crate::model::Incident| match (inc.date, inc.last_day()) {
            (Some(d), Some(e)) => Some((d.0, e.0)),
            _ => None,
        };
        let mut undated = Vec::new();
        let mut range: Option<(i32, i32)> = None;
        let firsts: Vec<i32> = (dataset.incidents.iter().enumerate())
            .map(|(i, inc)| match span(inc) {
                Some((d, e)) => {
                    range = Some(range.map_or((d, e), |(a, b)| (a.min(d), b.max(e))));
                    d
                }
                None => {
                    undated.push(i as u32);
                    i32::MIN
                }
            })
            .collect();
        let dated = firsts.len() - undated.len();
        let (mut order, mut starts, mut ends) = (
            Vec::with_capacity(dated),
            Vec::with_capacity(dated),
            Vec::with_capacity(dated),
        );
        let mut per_day = Vec::new();
        let mut max_span = 0;
        if let Some((first, last)) = range {
            let days =
                usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(usize::MAX);
            let slot = |d: i32| (i64::from(d) - i64::from(first)) as usize;
            if days <= dated.saturating_mul(4).max(1 << 16) {
                // Where each day's entries start in the sorted order.
                let mut at = vec![0u32; days + 1];
                for &d in firsts.iter().filter(|&&d| d != i32::MIN) {
                    at[slot(d) + 1] += 1;
                }
                for k in 1..at.len() {
                    at[k] += at[k - 1];
                }
                order.resize(dated, 0);
                starts.resize(dated, 0);
                ends.resize(dated, 0);
                for (i, inc) in dataset.incidents.iter().enumerate() {
                    if let Some((d, e)) = span(inc) {
                        let next = &mut at[slot(d)];
                        let k = *next as usize;
                        (order[k], starts[k], ends[k]) = (i as u32, d, e);
                        *next += 1;
                    }
                }
            } else {
                // Days far apart (a few incidents over centuries): sort.
                let mut entries: Vec<(i32, i32, u32)> = (dataset.incidents.iter().enumerate())
                    .filter_map(|(i, inc)| span(inc).map(|(d, e)| (d, e, i as u32)))
                    .collect();
                entries.sort_unstable_by_key(|&(d, _, i)| (d, i));
                for (d, e, i) in entries {
                    order.push(i);
                    starts.push(d);
                    ends.push(e);
                }
            }
            // Difference array: +1 on the first day, -1 after the last.
            let len = (i64::from(last) - i64::from(first) + 1) as usize;
            let mut diff = vec![0i64; len + 1];
            for (&d, &e) in starts.iter().zip(&ends) {
                diff[slot(d)] += 1;
                diff[slot(e) + 1] -= 1;
                max_span = max_span.max(e - d);
            }
            let mut run = 0i64;
            per_day = diff[..len]
                .iter()
                .map(|x| {
                    run += x;
                    run as u32
                })
                .collect();
        }
        DayIndex {
            max_span,
            order,
            starts,
            ends,
            range: range.map(|(a, b)| (Day(a), Day(b))),
            per_day,
            undated,
        }
    }

    /// First and last day of the data, if any incident is dated.
    pub fn range(&self) -> Option<(Day, Day)> {
        self.range
    }

    /// Number of incidents visible on each day of [`Self::range`].
    pub fn per_day(&self) -> &[u32] {
        &self.per_day
    }

    pub fn undated(&self) -> &[u32] {
        &self.undated
    }

    /// Days on which at least one incident is visible.
    pub fn days_with_incidents(&self) -> usize {
        self.per_day.iter().filter(|&&n| n > 0).count()
    }

    /// Incidents visible in `from..=to`, in order of first day (then file order).
    pub fn window(&self, from: Day, to: Day) -> impl Iterator<Item = usize> + '_ {
        self.window_positions(from, to)
            .map(move |k| self.order[k] as usize)
    }

    /// As [`window`](Self::window), giving positions in [`order`](Self::order).
    pub fn window_positions(&self, from: Day, to: Day) -> impl Iterator<Item = usize> + '_ {
        let lo = self
            .starts
            .partition_point(|&s| s < from.0.saturating_sub(self.max_span));
        let hi = self.starts.partition_point(|&s| s <= to.0);
        (lo..hi.max(lo)).filter(move |&k| self.ends[k] >= from.0)
    }

    /// Positions in [`order`](Self::order) of the incidents whose first day is after `after`
    /// and not after `to`.
    pub fn starting_between(&self, after: Day, to: Day) -> std::ops::Range<usize> {
        let lo = self.starts.partition_point(|&s| s <= after.0);
        let hi = self.starts.partition_point(|&s| s <= to.0);
        lo..hi.max(lo)
    }

    /// The dated incidents (indices into `Dataset::incidents`), by first day, then file order.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// The days `(from, to)` that `mode` shows around `current`.
    pub fn window_days(&self, mode: WindowMode, current: Day) -> (Day, Day) {
        match mode {
            WindowMode::Day => (current, current),
            WindowMode::LastDays(n) => (current.plus(1 - n.max(1) as i32), current),
            WindowMode::Cumulative => {
                let first = self.range.map_or(current, |(a, _)| a.min(current));
                (first, current)
            }
        }
    }

    /// The nearest day after `day` on which an incident starts or is visible, if any.
    pub fn next_active_day(&self, day: Day) -> Option<Day> {
        let (first, _) = self.range?;
        let start = (day.0 + 1 - first.0).max(0) as usize;
        self.per_day
            .iter()
            .enumerate()
            .skip(start)
            .find(|&(_, &n)| n > 0)
            .map(|(k, _)| first.plus(k as i32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_sort_matches_comparison_sort() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as i32
        };
        // Dense days (counted) and days far apart (sorted), with undated incidents between.
        for (n, span) in [(0, 1), (1, 1), (100, 3), (1000, 365), (50, 1_000_000)] {
            let incidents: Vec<Incident> = (0..n)
                .map(|_| {
                    let d = 700_000 + next().rem_euclid(span);
                    let undated = next().rem_euclid(10) == 0;
                    Incident {
                        date: (!undated).then_some(Day(d)),
                        date_end: Some(Day(d + next().rem_euclid(3))),
                        ..Default::default()
                    }
                })
                .collect();
            let mut expected: Vec<(i32, i32, u32)> = (incidents.iter().enumerate())
                .filter_map(|(i, inc)| Some((inc.date?.0, inc.last_day()?.0, i as u32)))
                .collect();
            expected.sort_unstable_by_key(|&(d, _, i)| (d, i));
            let ds = Dataset {
                incidents,
                ..Default::default()
            };
            let idx = DayIndex::new(&ds);
            let got: Vec<(i32, i32, u32)> = (idx.starts.iter().zip(&idx.ends).zip(&idx.order))
                .map(|((&d, &e), &i)| (d, e, i))
                .collect();
            assert_eq!(got, expected, "{n} incidents over {span} days");
            assert_eq!(idx.undated.len() + got.len(), n as usize);
            let total: u64 = idx.per_day.iter().map(|&c| u64::from(c)).sum();
            let covered: u64 = expected.iter().map(|&(d, e, _)| (e - d + 1) as u64).sum();
            assert_eq!(total, covered, "{n} incidents over {span} days");
        }
    }
    use crate::model::Incident;

    fn d(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn inc(id: &str, from: &str, to: Option<&str>) -> Incident {
        Incident {
            id: id.into(),
            date: Some(d(from)),
            date_end: to.map(d),
            ..Default::default()
        }
    }

    fn ids(ds: &Dataset, idx: &DayIndex, from: &str, to: &str) -> Vec<String> {
        idx.window(d(from), d(to))
            .map(|i| ds.incidents[i].id.to_string())
            .collect()
    }

    #[test]
    fn window_matches_a_linear_scan() {
        let ds = Dataset {
            title: None,
            incidents: vec![
                inc("range", "2016-09-19", Some("2016-09-22")),
                inc("convoy", "2016-09-19", None),
                inc("late", "2016-09-25", None),
                Incident {
                    id: "undated".into(),
                    ..Default::default()
                },
                inc("early", "2016-09-01", Some("2016-09-02")),
            ],
            ..Default::default()
        };
        let idx = DayIndex::new(&ds);
        assert_eq!(
            ids(&ds, &idx, "2016-09-19", "2016-09-19"),
            ["range", "convoy"]
        );
        assert_eq!(ids(&ds, &idx, "2016-09-20", "2016-09-20"), ["range"]);
        assert_eq!(
            ids(&ds, &idx, "2016-09-23", "2016-09-24"),
            Vec::<String>::new()
        );
        assert_eq!(idx.undated(), &[3]);
        assert_eq!(idx.range(), Some((d("2016-09-01"), d("2016-09-25"))));
        // Brute-force comparison over every window in the range.
        for a in 0..30 {
            for len in 0..6 {
                let from = d("2016-08-30").plus(a);
                let to = from.plus(len);
                let mut expected: Vec<usize> = (0..ds.incidents.len())
                    .filter(|&i| ds.incidents[i].overlaps(from, to))
                    .collect();
                let mut got: Vec<usize> = idx.window(from, to).collect();
                expected.sort();
                got.sort();
                assert_eq!(got, expected, "window {from}..{to}");
            }
        }
    }

    #[test]
    fn histogram_counts_ranges_on_every_day() {
        let ds = Dataset {
            title: None,
            incidents: vec![
                inc("a", "2016-09-19", Some("2016-09-22")),
                inc("b", "2016-09-19", None),
                inc("c", "2016-09-22", None),
            ],
            ..Default::default()
        };
        let idx = DayIndex::new(&ds);
        assert_eq!(idx.per_day(), &[2, 1, 1, 2]);
        assert_eq!(idx.days_with_incidents(), 4);
        assert_eq!(idx.next_active_day(d("2016-09-10")), Some(d("2016-09-19")));
        assert_eq!(idx.next_active_day(d("2016-09-22")), None);
    }

    #[test]
    fn window_modes() {
        let ds = Dataset {
            title: None,
            incidents: vec![inc("a", "2016-09-19", None)],
            ..Default::default()
        };
        let idx = DayIndex::new(&ds);
        let cur = d("2016-09-22");
        assert_eq!(idx.window_days(WindowMode::Day, cur), (cur, cur));
        assert_eq!(
            idx.window_days(WindowMode::LastDays(3), cur),
            (d("2016-09-20"), cur)
        );
        assert_eq!(
            idx.window_days(WindowMode::Cumulative, cur),
            (d("2016-09-19"), cur)
        );
        assert_eq!(WindowMode::parse("last:7"), Some(WindowMode::LastDays(7)));
        assert_eq!(WindowMode::parse("last:0"), None);
        assert_eq!(
            WindowMode::parse("cumulative"),
            Some(WindowMode::Cumulative)
        );
    }
}
