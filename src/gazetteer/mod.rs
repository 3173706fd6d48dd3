//! The embedded gazetteer: the places the viewer can find by name, in a search box or in the
//! sentences of a report.
//!
//! Two lists, both compiled into the binary: GeoNames' populated places of Syria and of the
//! surrounding region (`assets/gazetteer/geonames.tsv`, derived by `tools/derive_gazetteer.py`;
//! CC-BY 4.0, credit "GeoNames, geonames.org"), and the project's own short list of
//! neighbourhoods and sites that GeoNames lacks (`assets/gazetteer/local_places.csv`: east and
//! west Aleppo, al-Qaterji, the Urum al-Kubra convoy site …), each with its precision and where
//! its coordinate comes from. Names are matched through [`normalise`] keys, so transliteration
//! variants, Arabic script, the article and case do not matter. Knows the model, never egui.

pub mod normalise;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::{Day, LocationPrecision, LonLat};

const GEONAMES_TSV: &str = include_str!("../../assets/gazetteer/geonames.tsv");
const LOCAL_CSV: &str = include_str!("../../assets/gazetteer/local_places.csv");

/// The credit line GeoNames' licence asks for.
pub const GEONAMES_CREDIT: &str = "GeoNames (geonames.org), CC-BY 4.0";

/// Where an entry comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A GeoNames populated place, with its geonameid (a few rows of the shared table, taken
    /// from GeoNames-derived lists, have none).
    GeoNames(Option<u64>),
    /// The project's own list: its key and where the coordinate comes from.
    Local { key: String, source: String },
}

/// One place.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The name shown to the user.
    pub name: String,
    /// The name in Arabic script, when known.
    pub name_local: Option<String>,
    /// Other spellings (Latin and Arabic script).
    pub alt_names: Vec<String>,
    pub location: LonLat,
    /// Governorate (or the neighbouring country's first-level division).
    pub admin1: String,
    /// ISO country code ("SY", "TR" …).
    pub country: String,
    /// 0 when unknown (neighbourhoods, sites).
    pub population: u64,
    /// GeoNames feature code ("PPLA", "PPL" …) or the local list's kind ("neighbourhood").
    pub feature: String,
    pub precision: LocationPrecision,
    /// Radius of the uncertainty of `location`, metres: how far the incident may be from it.
    pub radius_m: f64,
    /// The larger place this one lies in (a neighbourhood's city), by name.
    pub within: Option<String>,
    /// Names that refer to this place only for incidents between these days ("the UN aid
    /// convoy" is the Urum al-Kubra site on 19 September 2016, and nowhere else).
    pub event_names: Vec<String>,
    pub event_days: Option<(Day, Day)>,
    pub origin: Origin,
}

impl Entry {
    /// "GeoNames (geonames.org), CC-BY 4.0" or the local list's note on the coordinate.
    pub fn credit(&self) -> String {
        match &self.origin {
            Origin::GeoNames(Some(id)) => format!("{GEONAMES_CREDIT}, geonameid {id}"),
            Origin::GeoNames(None) => GEONAMES_CREDIT.to_owned(),
            Origin::Local { source, .. } => format!("Situation Viewer's own list: {source}"),
        }
    }

    /// The names matched on: the name, the alternates and the local-script name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.alt_names.iter().map(String::as_str))
            .chain(self.name_local.as_deref())
    }

    /// "Khān Shaykhūn, Idlib, SY".
    pub fn label(&self) -> String {
        format!("{}, {}, {}", self.name, self.admin1, self.country)
    }

    /// Whether the place is in Syria.
    pub fn in_syria(&self) -> bool {
        self.country == "SY"
    }
}

/// How well a search query matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// Some words of a name start with the query's words, or the key is one letter off.
    Fuzzy,
    /// A name's key starts with the query's key.
    Prefix,
    /// A name's key is the query's key.
    Exact,
}

/// One search result.
#[derive(Clone, Debug)]
pub struct Match<'a> {
    pub entry: &'a Entry,
    /// The spelling that matched.
    pub name: &'a str,
    pub kind: MatchKind,
}

/// A place found in a text.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    /// Byte range of the name in the text.
    pub span: std::ops::Range<usize>,
    pub entry: &'a Entry,
    /// Matched through an event name (valid only on the entry's `event_days`).
    pub by_event_name: bool,
}

/// The places and the index from name keys to places.
pub struct Gazetteer {
    entries: Vec<Entry>,
    /// Name key → entries (deduplicated), for search and text matching.
    index: HashMap<String, Vec<usize>>,
    /// Single-word names as written (folded, article dropped) → entries: a one-word place
    /// in running text must match a known spelling exactly, since one coarse key matches
    /// too many English words ("Syrian", "Human").
    single_words: HashMap<String, Vec<usize>>,
    /// Event-name key → entries.
    event_index: HashMap<String, Vec<usize>>,
    /// Sorted keys, for prefix search.
    sorted_keys: Vec<String>,
    /// Most words in any key.
    max_words: usize,
}

impl Gazetteer {
    /// The embedded gazetteer, parsed and indexed once on first use.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let mut entries = parse_geonames(GEONAMES_TSV);
            entries.extend(parse_local(LOCAL_CSV));
            Gazetteer::new(entries)
        })
    }

    /// A gazetteer of these entries (the embedded one, or a test's own).
    pub fn new(entries: Vec<Entry>) -> Gazetteer {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut event_index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut single_words: HashMap<String, Vec<usize>> = HashMap::new();
        let mut max_words = 1;
        for (i, e) in entries.iter().enumerate() {
            for name in e.names() {
                let words = normalise::words(name);
                let real: Vec<&normalise::Word> =
                    words.iter().filter(|w| !w.key.is_empty()).collect();
                if real.is_empty() {
                    continue;
                }
                let k = real
                    .iter()
                    .map(|w| w.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let [w] = real.as_slice()
                    && !w.arabic
                {
                    let f = normalise::fold(&name[w.start..w.end]);
                    let v = single_words.entry(f).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
                max_words = max_words.max(k.split(' ').count());
                let v = index.entry(k).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
            for name in &e.event_names {
                let k = normalise::key(name);
                if !k.is_empty() {
                    max_words = max_words.max(k.split(' ').count());
                    event_index.entry(k).or_default().push(i);
                }
            }
        }
        let mut sorted_keys: Vec<String> = index.keys().cloned().collect();
        sorted_keys.sort();
        Gazetteer {
            entries,
            index,
            single_words,
            event_index,
            sorted_keys,
            max_words,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this name (exact, as written in the list), if any.
    pub fn by_name(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The local list's entry with this key ("east_aleppo").
    pub fn by_local_key(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| matches!(&e.origin, Origin::Local { key: k, .. } if k == key))
    }

    /// Places whose names match `query`: exact keys first, then prefixes, then near misses;
    /// within each, Syria first, then by population (sites and neighbourhoods count as towns).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Match<'_>> {
        let q = normalise::key(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut best: HashMap<usize, MatchKind> = HashMap::new();
        fn offer(best: &mut HashMap<usize, MatchKind>, i: usize, kind: MatchKind) {
            let b = best.entry(i).or_insert(kind);
            *b = (*b).max(kind);
        }
        if let Some(v) = self.index.get(&q) {
            for &i in v {
                offer(&mut best, i, MatchKind::Exact);
            }
        }
        let from = self
            .sorted_keys
            .partition_point(|k| k.as_str() < q.as_str());
        for k in self.sorted_keys[from..]
            .iter()
            .take_while(|k| k.starts_with(&q))
        {
            for &i in &self.index[k] {
                offer(&mut best, i, MatchKind::Prefix);
            }
        }
        if best.len() < limit {
            let qwords: Vec<&str> = q.split(' ').collect();
            for (k, v) in &self.index {
                let kw: Vec<&str> = k.split(' ').collect();
                let word_prefix = qwords.len() <= kw.len()
                    && qwords.iter().all(|w| kw.iter().any(|x| x.starts_with(w)));
                if word_prefix || (q.len() >= 4 && one_edit(k, &q)) {
                    for &i in v {
                        offer(&mut best, i, MatchKind::Fuzzy);
                    }
                }
            }
        }
        let mut out: Vec<Match<'_>> = best
            .into_iter()
            .map(|(i, kind)| {
                let e = &self.entries[i];
                Match {
                    entry: e,
                    name: self.matched_name(e, &q),
                    kind,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (b.kind.cmp(&a.kind))
                .then(b.entry.in_syria().cmp(&a.entry.in_syria()))
                .then(rank_size(b.entry).cmp(&rank_size(a.entry)))
                .then(a.entry.name.cmp(&b.entry.name))
        });
        out.truncate(limit);
        out
    }

    /// The spelling of `e` closest to the query key (for showing "matched: …").
    fn matched_name<'a>(&self, e: &'a Entry, q: &str) -> &'a str {
        e.names()
            .find(|n| normalise::key(n) == q)
            .or_else(|| e.names().find(|n| normalise::key(n).starts_with(q)))
            .unwrap_or(&e.name)
    }

    /// Places named in `text`, left to right, longest name first at each position, on word
    /// boundaries. A Latin name must start with a capital letter ("Men carry …" is no place
    /// called Man); single common English words are never places. Event names are matched
    /// case-insensitively and flagged: the caller checks the incident's date against them.
    pub fn find_in_text(&self, text: &str) -> Vec<Found<'_>> {
        let words = normalise::words(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w.key.is_empty() {
                i += 1;
                continue;
            }
            let mut matched = None;
            for n in (1..=self.max_words.min(words.len() - i)).rev() {
                let slice = &words[i..i + n];
                if slice.last().is_some_and(|l| l.key.is_empty()) {
                    continue;
                }
                // Names don't run across punctuation other than hyphens, spaces and apostrophes.
                let gap_ok = slice.windows(2).all(|p| {
                    text[p[0].end..p[1].start]
                        .chars()
                        .all(|c| matches!(c, ' ' | '-' | '\u{a0}' | '\'' | '’' | 's' | 'S'))
                });
                if !gap_ok {
                    continue;
                }
                let key = slice
                    .iter()
                    .filter(|w| !w.key.is_empty())
                    .map(|w| w.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let hit = if n == 1 && !w.arabic {
                    let word = &text[w.start..w.end];
                    (w.capitalised && !is_common_word(word))
                        .then(|| self.single_words.get(&normalise::fold(word)))
                        .flatten()
                } else if w.arabic || slice.iter().any(|w| w.capitalised) {
                    self.index.get(&key)
                } else {
                    None
                };
                if let Some(v) = hit {
                    matched = Some((n, v, false));
                    break;
                }
                if let Some(v) = self.event_index.get(&key) {
                    matched = Some((n, v, true));
                    break;
                }
            }
            match matched {
                Some((n, v, by_event)) => {
                    let mut start = w.start;
                    // Include a preceding article: "al-Qaterji".
                    if i > 0 && words[i - 1].key.is_empty() && !words[i - 1].arabic {
                        let art = &words[i - 1];
                        if text[art.end..w.start] == *"-" || text[art.end..w.start] == *" " {
                            start = art.start;
                        }
                    }
                    let end = words[i + n - 1].end;
                    let best = v
                        .iter()
                        .map(|&k| &self.entries[k])
                        .max_by_key(|e| (e.in_syria(), rank_size(e)));
                    if let Some(entry) = best {
                        out.push(Found {
                            span: start..end,
                            entry,
                            by_event_name: by_event,
                        });
                    }
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// Size rank for ordering equally good matches: population, with listed neighbourhoods and
/// sites counted as large towns (someone wrote them down because they matter here).
fn rank_size(e: &Entry) -> u64 {
    match e.origin {
        Origin::Local { .. } => 60_000,
        Origin::GeoNames(_) => e.population,
    }
}

/// Capitalised English words that are also Syrian place keys ("Men", "Tell" …): never a place
/// on their own.
fn is_common_word(word: &str) -> bool {
    const COMMON: &[&str] = &[
        "men",
        "man",
        "tell",
        "all",
        "said",
        "one",
        "more",
        "state",
        "will",
        "may",
        "march",
        "bar",
        "ban",
        "ben",
        "but",
        "has",
        "had",
        "can",
        "new",
        "now",
        "east",
        "west",
        "north",
        "south",
        "hit",
        "our",
        "his",
        "her",
        "its",
        "kafr",
        "tal",
        "ain",
        "bab",
        "deir",
        "dayr",
        "abu",
        "umm",
        "jisr",
        "khan",
        "tall",
        "ras",
        "qasr",
        "sheikh",
        "rebel",
        "army",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    COMMON.contains(&normalise::fold(word).as_str())
}

/// Whether `a` and `b` differ by one inserted, deleted or replaced byte.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if p == short.len() {
        return true;
    }
    if short.len() == long.len() {
        short[p + 1..] == long[p + 1..]
    } else {
        short[p..] == long[p + 1..]
    }
}

/// Precision and radius of a GeoNames populated place: a point somewhere in a town, so the
/// larger the town, the less an incident "in" it says about where.
fn town_precision(population: u64) -> (LocationPrecision, f64) {
    match population {
        p if p >= 1_000_000 => (LocationPrecision::Approximate, 8000.0),
        p if p >= 200_000 => (LocationPrecision::Approximate, 4000.0),
        p if p >= 50_000 => (LocationPrecision::Near, 2000.0),
        p if p >= 10_000 => (LocationPrecision::Near, 1000.0),
        _ => (LocationPrecision::Near, 500.0),
    }
}

fn is_arabic_name(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Parses the derived GeoNames table; bad lines are skipped (the file is ours and tested).
fn parse_geonames(tsv: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for line in tsv.lines() {
        if line.starts_with('#') || line.starts_with("geonameid\t") || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 9 {
            continue;
        }
        let id = f[0].parse().ok();
        let (Ok(lat), Ok(lon)) = (f[2].parse(), f[3].parse()) else {
            continue;
        };
        let Some(location) = LonLat::new(lon, lat) else {
            continue;
        };
        let population = f[5].parse().unwrap_or(0);
        let mut alt_names: Vec<String> = Vec::new();
        let mut name_local = None;
        for a in f[8].split('|').filter(|a| !a.is_empty()) {
            if name_local.is_none() && is_arabic_name(a) {
                name_local = Some(a.to_owned());
            } else {
                alt_names.push(a.to_owned());
            }
        }
        let (precision, radius_m) = town_precision(population);
        out.push(Entry {
            name: f[1].to_owned(),
            name_local,
            alt_names,
            location,
            admin1: f[4].to_owned(),
            country: f[7].to_owned(),
            population,
            feature: f[6].to_owned(),
            precision,
            radius_m,
            within: None,
            event_names: Vec::new(),
            event_days: None,
            origin: Origin::GeoNames(id),
        });
    }
    out
}

/// Parses the project's own list (see its header for the columns).
fn parse_local(csv_text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for rec in reader.records().flatten() {
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let (Ok(lat), Ok(lon)) = (get(4).parse::<f64>(), get(5).parse::<f64>()) else {
            continue;
        };
        let Some(location) = LonLat::new(lon, lat) else {
            continue;
        };
        let list = |s: &str| -> Vec<String> {
            s.split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let event_days = match (get(12).parse::<Day>(), get(13).parse::<Day>()) {
            (Ok(a), Ok(b)) => Some((a, b)),
            _ => None,
        };
        out.push(Entry {
            name: get(1).to_owned(),
            name_local: Some(get(2).to_owned()).filter(|s| !s.is_empty()),
            alt_names: list(get(3)),
            location,
            admin1: get(6).to_owned(),
            country: "SY".to_owned(),
            population: 0,
            feature: get(8).to_owned(),
            precision: LocationPrecision::parse(get(9)).unwrap_or(LocationPrecision::Approximate),
            radius_m: get(10).parse().unwrap_or(1000.0),
            within: Some(get(7).to_owned()).filter(|s| !s.is_empty()),
            event_names: list(get(11)),
            event_days,
            origin: Origin::Local {
                key: get(0).to_owned(),
                source: get(14).to_owned(),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::embedded()
    }

    #[test]
    fn both_lists_are_embedded() {
        let g = g();
        // Every row of both lists (2,979 GeoNames rows, 24 of our own).
        assert_eq!(g.entries().len(), 2979 + 24);
        assert!(g.by_local_key("qaterji").is_some());
        assert!(g.by_local_key("khan_tuman").is_some());
        let local = g
            .entries()
            .iter()
            .filter(|e| matches!(e.origin, Origin::Local { .. }))
            .count();
        assert!(local >= 20, "{local}");
    }

    #[test]
    fn khan_sheikhun_variants_find_the_same_town() {
        let g = g();
        for q in [
            "Khan Sheikhun",
            "Khan Shaykhun",
            "Khan Cheikhoun",
            "khan sheikhoun",
            "KHAN SHAYKHUN",
            "خان شيخون",
        ] {
            let m = g.search(q, 3);
            assert_eq!(m[0].entry.name, "Khān Shaykhūn", "{q}: {m:?}");
            assert_eq!(m[0].kind, MatchKind::Exact, "{q}");
        }
    }

    #[test]
    fn qaterji_variants_and_the_article() {
        let g = g();
        for q in [
            "al-Qaterji",
            "Qaterji",
            "Karm al-Qaterji",
            "AL QATERJI",
            "القاطرجي",
        ] {
            let m = g.search(q, 3);
            assert_eq!(m.first().map(|m| m.entry), g.by_local_key("qaterji"), "{q}");
        }
    }

    #[test]
    fn prefixes_and_near_misses_are_found_after_exact_matches() {
        let g = g();
        let m = g.search("Khan Shay", 5);
        let town = m.iter().find(|m| m.entry.name == "Khān Shaykhūn").unwrap();
        assert_eq!(town.kind, MatchKind::Prefix);
        assert_eq!(g.search("Alepp", 5)[0].entry.name, "Aleppo");
        let m = g.search("Idlibb", 5);
        assert!(m.iter().any(|m| m.entry.name == "Idlib"), "{m:?}");
        assert!(g.search("", 5).is_empty());
        assert!(g.search("--", 5).is_empty());
        assert!(g.search("Aleppo", 0).is_empty());
    }

    #[test]
    fn text_matching_prefers_the_longest_name_on_word_boundaries() {
        let g = g();
        let t = "Raids hit the rebel held al-Qaterji neighbourhood of Aleppo and Khan Shaykhun.";
        let found = g.find_in_text(t);
        let names: Vec<&str> = found.iter().map(|f| &t[f.span.clone()]).collect();
        assert_eq!(
            names,
            ["al-Qaterji", "Aleppo", "Khan Shaykhun"],
            "{found:?}"
        );
        assert_eq!(Some(found[0].entry), g.by_local_key("qaterji"));
        let t = "Men carry children. In the village of Khan Tuman, south of Aleppo city.";
        let found = g.find_in_text(t);
        let names: Vec<&str> = found.iter().map(|f| &t[f.span.clone()]).collect();
        assert_eq!(names, ["Khan Tuman", "Aleppo"]);
        let t = "قصف على خان شيخون و معرة النعمان";
        let found = g.find_in_text(t);
        let names: Vec<&str> = found.iter().map(|f| &t[f.span.clone()]).collect();
        assert_eq!(names, ["خان شيخون", "معرة النعمان"]);
    }

    #[test]
    fn east_and_west_aleppo_in_their_usual_phrasings() {
        let g = g();
        for (t, key) in [
            ("dozens of raids have hit the Aleppo’s east", "east_aleppo"),
            ("raids hit eastern Aleppo", "east_aleppo"),
            ("shelling of west Aleppo", "west_aleppo"),
        ] {
            let f = g.find_in_text(t);
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            assert_eq!(Some(f[0].entry), g.by_local_key(key), "{t}");
        }
    }

    #[test]
    fn event_names_are_flagged() {
        let g = g();
        let f = g.find_in_text("a deadly air strike on a UN aid convoy on Monday");
        assert_eq!(f.len(), 1);
        assert!(f[0].by_event_name);
        assert_eq!(Some(f[0].entry), g.by_local_key("urum_convoy_site"));
    }

    #[test]
    fn one_edit_distance() {
        assert!(one_edit("idlab", "idlabb"));
        assert!(one_edit("hama", "hamo"));
        assert!(one_edit("hama", "hma"));
        assert!(!one_edit("hama", "homs"));
        assert!(one_edit("", "a"));
    }
}
