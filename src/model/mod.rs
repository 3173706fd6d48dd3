//! The incident model: what an incident is, where its claims come from, and how precisely its
//! place and date are known. Pure data and invariants: no egui, no I/O.

mod day;
pub mod edit;
mod extra;
pub(crate) mod hash;
mod shared;

pub use day::{Day, DayParseError, days_in_month};
pub use extra::{Extra, ExtraBuilder, ExtraKey, ExtraValue};
pub use shared::{InternedText, Interner, SharedStr};

use std::collections::BTreeMap;

use serde_json::{Map, Value};
pub use smol_str::SmolStr;

/// A WGS84 position in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    /// A position, or `None` unless both coordinates are finite and within WGS84 bounds.
    pub fn new(lon: f64, lat: f64) -> Option<LonLat> {
        (lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        .then_some(LonLat { lon, lat })
    }
}

/// How precisely the date of an incident is known (as ACLED's `time_precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum DatePrecision {
    /// The day is known.
    #[default]
    Day,
    /// Known to within a week (or the given date range of up to a few days).
    Week,
    /// Known to within a month.
    Month,
    /// Known to within a year.
    Year,
}

impl DatePrecision {
    pub const ALL: [DatePrecision; 4] = [Self::Day, Self::Week, Self::Month, Self::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// How precisely the location of an incident is known (as ACLED's `geo_precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum LocationPrecision {
    /// The site itself (a building, a stretch of road).
    #[default]
    Exact,
    /// Near the point: a neighbourhood or a small town.
    Near,
    /// Only the wider area is known: a district, a part of a city, an estimate.
    Approximate,
}

impl LocationPrecision {
    pub const ALL: [LocationPrecision; 3] = [Self::Exact, Self::Near, Self::Approximate];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Near => "near",
            Self::Approximate => "approximate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Casualty figures as reported; `None` means "not reported", not zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Casualties {
    pub killed: Option<u32>,
    pub injured: Option<u32>,
    /// Children among the killed, where the source says so.
    pub children_killed: Option<u32>,
}

impl Casualties {
    /// "12 killed (incl. 2 children), 3 injured", or `None` when nothing is reported.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(k) = self.killed {
            match self.children_killed {
                Some(c) if c > 0 => parts.push(format!("{k} killed (incl. {c} children)")),
                _ => parts.push(format!("{k} killed")),
            }
        }
        if let Some(i) = self.injured {
            parts.push(format!("{i} injured"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// One source behind an incident: who published it, who they say made the claim, and the
/// sentences quoted verbatim.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Source {
    pub publisher: SharedStr,
    pub url: Option<Box<str>>,
    pub published: Option<Day>,
    /// Whom the publisher attributes the claim to ("the Syrian Observatory", "state media").
    pub attribution: Option<Box<str>>,
    /// The supporting text, quoted verbatim.
    pub quote: Box<str>,
}

/// The sources of an incident, read as a slice of [`Source`]s. Nearly every incident has
/// one, which is held in place: as a list of its own it was an allocation for each of a
/// million incidents, and 24 bytes more for each than in place. Made from a `Vec` of sources
/// or one source (`.into()`), or by `collect()`.
#[derive(Clone, Default, PartialEq)]
pub struct Sources(SourceList);

#[derive(Clone, Default, PartialEq)]
enum SourceList {
    #[default]
    None,
    One(Source),
    /// Two or more.
    Many(Box<[Source]>),
}

impl Sources {
    /// The sources as a list.
    pub fn into_vec(self) -> Vec<Source> {
        match self.0 {
            SourceList::None => Vec::new(),
            SourceList::One(s) => vec![s],
            SourceList::Many(list) => list.into_vec(),
        }
    }
}

impl std::ops::Deref for Sources {
    type Target = [Source];

    fn deref(&self) -> &[Source] {
        match &self.0 {
            SourceList::None => &[],
            SourceList::One(s) => std::slice::from_ref(s),
            SourceList::Many(list) => list,
        }
    }
}

impl std::ops::DerefMut for Sources {
    fn deref_mut(&mut self) -> &mut [Source] {
        match &mut self.0 {
            SourceList::None => &mut [],
            SourceList::One(s) => std::slice::from_mut(s),
            SourceList::Many(list) => list,
        }
    }
}

impl From<Vec<Source>> for Sources {
    fn from(mut list: Vec<Source>) -> Sources {
        Sources(match list.len() {
            0 => SourceList::None,
            1 => list.pop().map_or(SourceList::None, SourceList::One),
            _ => SourceList::Many(list.into_boxed_slice()),
        })
    }
}

impl From<Source> for Sources {
    fn from(source: Source) -> Sources {
        Sources(SourceList::One(source))
    }
}

impl FromIterator<Source> for Sources {
    fn from_iter<I: IntoIterator<Item = Source>>(iter: I) -> Sources {
        iter.into_iter().collect::<Vec<Source>>().into()
    }
}

impl<'a> IntoIterator for &'a Sources {
    type Item = &'a Source;
    type IntoIter = std::slice::Iter<'a, Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq<Vec<Source>> for Sources {
    fn eq(&self, other: &Vec<Source>) -> bool {
        **self == **other
    }
}

/// One incident on the map and the timeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incident {
    /// Stable identifier, unique in its dataset. Held inline up to 23 bytes (ids such as
    /// `SYR1000999` need no allocation of their own).
    pub id: SmolStr,
    /// Often made up of the category and place, and then shared by the incidents with both.
    pub title: SharedStr,
    pub category: SharedStr,
    /// First day; `None` when the source gives no usable date (kept and listed apart).
    pub date: Option<Day>,
    /// Last day of a date range (inclusive); `None` for a single day.
    pub date_end: Option<Day>,
    pub date_precision: DatePrecision,
    /// `None` when the incident could not be placed (kept and listed apart).
    pub location: Option<LonLat>,
    pub location_precision: LocationPrecision,
    /// Radius of the location's uncertainty, in metres.
    pub location_radius_m: Option<f64>,
    pub place: SharedStr,
    /// The place name in local script (e.g. Arabic).
    pub place_local: Option<Box<str>>,
    pub admin1: Option<SharedStr>,
    pub casualties: Casualties,
    /// Analyst's notes: how the place and date were established, caveats.
    pub notes: Option<Box<str>>,
    /// Reads as a slice; one source is held in place (see [`Sources`]).
    pub sources: Sources,
    /// Properties this program does not interpret, kept so that saving loses nothing.
    pub extra: Extra,
}

impl Incident {
    /// Adds a source after the others (reallocating the list: meant for the odd one).
    pub fn push_source(&mut self, source: Source) {
        let mut sources = std::mem::take(&mut self.sources).into_vec();
        sources.push(source);
        self.sources = sources.into();
    }

    /// The last day the incident is visible on: `date_end` for a range, else `date`.
    pub fn last_day(&self) -> Option<Day> {
        match (self.date, self.date_end) {
            (Some(d), Some(e)) if e >= d => Some(e),
            (d, _) => d,
        }
    }

    /// Human description of the date and its precision.
    pub fn date_text(&self) -> String {
        match (self.date, self.last_day()) {
            (None, _) => "undated".to_owned(),
            (Some(d), Some(e)) if e != d => format!("between {} and {}", d.medium(), e.medium()),
            (Some(d), _) => d.long(),
        }
    }

    /// Whether the incident is visible in the window `from..=to`.
    pub fn overlaps(&self, from: Day, to: Day) -> bool {
        match (self.date, self.last_day()) {
            (Some(d), Some(e)) => d <= to && e >= from,
            _ => false,
        }
    }
}

/// A set of incidents, as loaded from one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    pub title: Option<String>,
    /// In file order: saving writes them back in the same order.
    pub incidents: Vec<Incident>,
    /// Colours the file gives its categories (KML styles, a saved legend), as sRGB.
    pub category_colours: BTreeMap<String, [u8; 3]>,
    /// Lines and areas that came with the file (front lines, areas of control): kept and saved,
    /// never turned into incidents.
    pub overlays: Vec<Overlay>,
}

/// A non-point shape from an imported file, kept as an overlay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlay {
    pub name: Option<String>,
    /// Visible from `date` to `date_end` (inclusive); undated overlays are always visible.
    pub date: Option<Day>,
    pub date_end: Option<Day>,
    /// WGS84 lon/lat; `None` only for a geometry type this program cannot hold.
    pub geometry: Option<geo::Geometry<f64>>,
    /// The feature's other properties, written back unchanged.
    pub properties: Map<String, Value>,
}

impl Dataset {
    /// First and last day covered by any dated incident (ranges included).
    pub fn day_range(&self) -> Option<(Day, Day)> {
        let mut range: Option<(Day, Day)> = None;
        for inc in &self.incidents {
            if let (Some(d), Some(e)) = (inc.date, inc.last_day()) {
                range = Some(match range {
                    None => (d, e),
                    Some((a, b)) => (a.min(d), b.max(e)),
                });
            }
        }
        range
    }

    /// Categories in order of first appearance, with their counts.
    pub fn categories(&self) -> Vec<(String, usize)> {
        let mut slot: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut out: Vec<(String, usize)> = Vec::new();
        for inc in &self.incidents {
            let k = *slot.entry(inc.category.as_str()).or_insert_with(|| {
                out.push((inc.category.to_string(), 0));
                out.len() - 1
            });
            out[k].1 += 1;
        }
        out
    }

    /// A copy holding only the incidents visible in `from..=to` (title, colours and overlays
    /// kept): what an export of the current window writes.
    pub fn in_window(&self, from: Day, to: Day) -> Dataset {
        Dataset {
            title: self.title.clone(),
            incidents: (self.incidents.iter())
                .filter(|i| i.overlaps(from, to))
                .cloned()
                .collect(),
            category_colours: self.category_colours.clone(),
            overlays: self.overlays.clone(),
        }
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.incidents.iter().position(|i| i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_as_a_list_whether_none_one_or_many() {
        let source = |q: &str| Source {
            publisher: "SOHR".into(),
            quote: q.into(),
            ..Default::default()
        };
        let inc = Incident::default();
        assert!(inc.sources.is_empty() && inc.sources.into_vec().is_empty());
        let mut inc = Incident::default();
        inc.push_source(source("a"));
        assert_eq!(inc.sources.len(), 1);
        inc.sources[0].quote = "a!".into();
        inc.push_source(source("b"));
        let quotes: Vec<&str> = inc.sources.iter().map(|s| &*s.quote).collect();
        assert_eq!(quotes, ["a!", "b"]);
        assert_eq!(inc.sources, vec![source("a!"), source("b")]);
        let one: Sources = vec![source("x")].into();
        assert_eq!(one, Sources::from(source("x")));
        assert_eq!(one, [source("x")].into_iter().collect::<Sources>());
        assert_eq!(format!("{one:?}"), format!("{:?}", [source("x")]));
        assert!(std::mem::size_of::<Sources>() <= std::mem::size_of::<Source>());
    }

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_are_visible_on_every_day_they_cover() {
        let inc = Incident {
            date: Some(day("2016-09-19")),
            date_end: Some(day("2016-09-22")),
            ..Default::default()
        };
        assert!(inc.overlaps(day("2016-09-22"), day("2016-09-22")));
        assert!(inc.overlaps(day("2016-09-10"), day("2016-09-19")));
        assert!(!inc.overlaps(day("2016-09-23"), day("2016-09-30")));
        assert_eq!(
            inc.date_text(),
            "between Mon 19 Sep 2016 and Thu 22 Sep 2016"
        );
        let undated = Incident::default();
        assert!(!undated.overlaps(day("1970-01-01"), day("2100-01-01")));
        assert_eq!(undated.date_text(), "undated");
    }

    #[test]
    fn end_before_start_is_treated_as_single_day() {
        let inc = Incident {
            date: Some(day("2016-09-20")),
            date_end: Some(day("2016-09-19")),
            ..Default::default()
        };
        assert_eq!(inc.last_day(), Some(day("2016-09-20")));
    }

    #[test]
    fn casualty_summary_distinguishes_unreported_from_zero() {
        assert_eq!(Casualties::default().summary(), None);
        let c = Casualties {
            killed: Some(12),
            children_killed: Some(2),
            injured: Some(0),
        };
        assert_eq!(
            c.summary().as_deref(),
            Some("12 killed (incl. 2 children), 0 injured")
        );
    }

    #[test]
    fn lonlat_rejects_out_of_range() {
        assert!(LonLat::new(37.1, 36.2).is_some());
        assert!(LonLat::new(200.0, 36.2).is_none());
        assert!(LonLat::new(37.1, f64::NAN).is_none());
    }
}
