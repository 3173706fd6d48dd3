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
        let mut entries: Vec<(i32, i32, u32)> = Vec::with_capacity(dataset.incidents.len());
        let mut undated = Vec::new();
        // As `Dataset::day_range`, in the same pass over the incidents.
        let mut range: Option<(Day, Day)> = None;
        for (i, inc) in dataset.incidents.iter().enumerate() {
            match (inc.date, inc.last_day()) {
                (Some(d), Some(e)) => {
                    entries.push((d.0, e.0, i as u32));
                    range = Some(range.map_or((d, e), |(a, b)| (a.min(d), b.max(e))));
                }
                _ => undated.push(i as u32),
            }
        }
        sort_by_first_day(&mut entries, range.map(|(first, last)| (first.0, last.0)));
        let mut per_day = Vec::new();
        if let Some((first, last)) = range {
            // Difference array: +1 on the first day, -1 after the last.
            let len = (last.0 - first.0 + 1) as usize;
            let mut diff = vec![0i64; len + 1];
            for &(d, e, _) in &entries {
                diff[(d - first.0) as usize] += 1;
                diff[(e - first.0 + 1) as usize] -= 1;
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
            max_span: entries.iter().map(|&(d, e, _)| e - d).max().unwrap_or(0),
            order: entries.iter().map(|e| e.2).collect(),
            starts: entries.iter().map(|e| e.0).collect(),
            ends: entries.iter().map(|e| e.1).collect(),
            range,
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

/// Sorts `(first day, last day, incident)` entries, pushed in incident order, by first day and
/// then incident. Days usually span far fewer values than there are incidents (a million
/// incidents over ten years), so this counts the entries per day and places each directly (a
/// stable counting sort, linear time); a wider span falls back to a comparison sort.
fn sort_by_first_day(entries: &mut Vec<(i32, i32, u32)>, range: Option<(i32, i32)>) {
    let Some((first, last)) = range else {
        return;
    };
    let span = usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(usize::MAX);
    if span > entries.len().saturating_mul(4).max(1 << 16) {
        entries.sort_unstable_by_key(|&(d, _, i)| (d, i));
        return;
    }
    let slot = |d: i32| (i64::from(d) - i64::from(first)) as usize;
    // Where each day's entries start in the sorted order.
    let mut at = vec![0u32; span + 1];
    for &(d, _, _) in entries.iter() {
        at[slot(d) + 1] += 1;
    }
    for k in 1..at.len() {
        at[k] += at[k - 1];
    }
    let mut sorted = vec![(0, 0, 0); entries.len()];
    for &e in entries.iter() {
        let next = &mut at[slot(e.0)];
        sorted[*next as usize] = e;
        *next += 1;
    }
    *entries = sorted;
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
        for (n, span) in [(0, 1), (1, 1), (100, 3), (1000, 365), (50, 1_000_000)] {
            let entries: Vec<(i32, i32, u32)> = (0..n)
                .map(|i| {
                    let d = 700_000 + next().rem_euclid(span);
                    (d, d + next().rem_euclid(3), i)
                })
                .collect();
            let mut expected = entries.clone();
            expected.sort_unstable_by_key(|&(d, _, i)| (d, i));
            let mut sorted = entries.clone();
            let range = (entries.iter().map(|e| e.0).min()).zip(entries.iter().map(|e| e.1).max());
            sort_by_first_day(&mut sorted, range);
            assert_eq!(sorted, expected, "{n} entries over {span} days");
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
