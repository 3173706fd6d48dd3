//! GDELT event files: GDELT 2.0 `*.export.CSV` (tab-separated, no header, 61 columns), GDELT
//! 1.0 daily files (58 columns; 57 in the 1979–2013 back files, which have no `SOURCEURL`),
//! and exports of the events table with a header row (BigQuery, comma- or tab-separated),
//! whose columns are found by name.
//!
//! How an event becomes an incident:
//!
//! | GDELT                                  | incident                                      |
//! |----------------------------------------|-----------------------------------------------|
//! | `GLOBALEVENTID`                        | `id`                                          |
//! | `SQLDATE` (`YYYYMMDD`)                 | `date`, day precision                         |
//! | `ActionGeo_Lat`, `ActionGeo_Long`      | `location`                                    |
//! | `ActionGeo_Type` 1 (country)           | approximate, radius [`COUNTRY_RADIUS_M`]      |
//! | `ActionGeo_Type` 2, 5 (state/ADM1)     | approximate, radius [`ADM1_RADIUS_M`]         |
//! | `ActionGeo_Type` 3, 4 (city)           | near, radius [`CITY_RADIUS_M`]                |
//! | `ActionGeo_FullName`                   | `place` (`admin1` from its middle part)       |
//! | `EventRootCode`                        | `category`: the CAMEO root name ([`cameo_root_name`]) |
//! | `SOURCEURL`, `DATEADDED`               | one source: publisher = the URL's host, url, published; quote = a description built from the actors and the CAMEO code (GDELT has no text) |
//! | all other columns                      | `extra`, under their GDELT names              |
//!
//! `notes` says that the event was machine-coded from a news article.

use csv::ByteRecord;

use super::csv_generic::{
    Fields, Records, UniqueIds, Warnings, cell, decode_text, detect_delimiter, first_line, locate,
    put_extra, raw_cell, url_host,
};
use super::dates::parse_date;
use super::{Format, FormatError, Loaded, encoding};
use crate::model::{Dataset, ExtraBuilder, Incident, LocationPrecision, SharedStr, Source};

/// The columns of a GDELT 2.0 events file, in order.
pub const V2_COLUMNS: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// GDELT 1.0 has no `*_ADM2Code` columns; otherwise the same names in the same order.
fn v1_columns() -> impl Iterator<Item = &'static str> {
    V2_COLUMNS.into_iter().filter(|c| !c.ends_with("_ADM2Code"))
}

/// Radius for a country-level location (`ActionGeo_Type` 1): 250 km.
pub const COUNTRY_RADIUS_M: f64 = 250_000.0;
/// Radius for a state/province-level location (`ActionGeo_Type` 2 and 5): 50 km.
pub const ADM1_RADIUS_M: f64 = 50_000.0;
/// Radius for a city-level location (`ActionGeo_Type` 3 and 4): 5 km.
pub const CITY_RADIUS_M: f64 = 5_000.0;

/// The names of the 20 CAMEO root event codes, `01` to `20`.
pub const CAMEO_ROOTS: [&str; 20] = [
    "Make public statement",
    "Appeal",
    "Express intent to cooperate",
    "Consult",
    "Engage in diplomatic cooperation",
    "Engage in material cooperation",
    "Provide aid",
    "Yield",
    "Investigate",
    "Demand",
    "Disapprove",
    "Reject",
    "Threaten",
    "Protest",
    "Exhibit force posture",
    "Reduce relations",
    "Coerce",
    "Assault",
    "Fight",
    "Use unconventional mass violence",
];

/// What `notes` says of every GDELT incident.
const MACHINE_CODED: &str =
    "Machine-coded by GDELT from a news article: actors, place and event type may be wrong.";

/// The name of a CAMEO root code (`"18"` or `"018"` → `Assault`).
pub fn cameo_root_name(code: &str) -> Option<&'static str> {
    let n: usize = code.trim().parse().ok()?;
    CAMEO_ROOTS.get(n.checked_sub(1)?).copied()
}

/// Whether `bytes` look like GDELT events: a header starting `GLOBALEVENTID`, or a first line
/// of 57 or more tab-separated fields starting with a number and a `YYYYMMDD` date.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(16 * 1024)).unwrap_or(bytes);
    let (text, _) = encoding::decode(head);
    let line = first_line(&text);
    if has_header(line) {
        return true;
    }
    let mut fields = line.split('\t');
    let digits = |s: Option<&str>, len: Option<usize>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_digit())
                && len.is_none_or(|l| s.len() == l)
        })
    };
    digits(fields.next(), None) && digits(fields.next(), Some(8)) && fields.count() >= 55
}

fn has_header(first_line: &str) -> bool {
    first_line
        .get(..13)
        .is_some_and(|s| s.eq_ignore_ascii_case("GLOBALEVENTID"))
}

/// Reads a GDELT events file (see the module documentation for the forms accepted).
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let mut warnings = Warnings::default();
    let text = decode_text(bytes, &mut warnings);
    let line = first_line(&text);
    if text.trim().is_empty() {
        return Err(FormatError::new("the file is empty"));
    }
    let header = has_header(line);
    let (delimiter, names): (u8, Vec<String>) = if header {
        let d = detect_delimiter(line).unwrap_or(b'\t');
        (d, Vec::new())
    } else {
        (b'\t', layout(line)?)
    };
    // Headerless GDELT files never quote; a `"` in a URL is just a character.
    let mut reader = Records::new(&text, delimiter, header);
    let mut rec = ByteRecord::new();
    let names = if header {
        reader.next(&mut rec)?;
        rec.iter()
            .map(|n| String::from_utf8_lossy(n).trim().to_owned())
            .collect()
    } else {
        names
    };
    let mut rows = Rows {
        cols: Columns::new(&names)?,
        warnings,
        incidents: Vec::new(),
        ids: UniqueIds::default(),
        extra: ExtraBuilder::default(),
    };
    let mut records = 0usize;
    while let Some(line) = reader.next(&mut rec)? {
        records += 1;
        rows.read(&Fields::new(&rec), line);
    }
    Ok(Loaded {
        dataset: Dataset {
            incidents: rows.incidents,
            ..Default::default()
        },
        warnings: rows.warnings.finish(),
        records,
        format: Format::Gdelt,
    })
}

/// The column names of a headerless file, from the number of fields on its first line.
fn layout(first_line: &str) -> Result<Vec<String>, FormatError> {
    let n = first_line.split('\t').count();
    let names: Vec<&str> = match n {
        61.. => V2_COLUMNS.to_vec(),
        58..=60 => v1_columns().collect(),
        57 => v1_columns().take(57).collect(),
        _ => {
            return Err(FormatError {
                line: Some(1),
                column: None,
                message: format!(
                    "not a GDELT events file: the first line has {n} tab-separated fields; GDELT \
                     2.0 events have 61 (GDELT 1.0: 57 or 58)"
                ),
            });
        }
    };
    Ok(names.into_iter().map(str::to_owned).collect())
}

/// Where the columns this reader interprets are.
#[derive(Debug, Default)]
struct Columns {
    count: usize,
    id: Option<usize>,
    date: Option<usize>,
    actor1: Option<usize>,
    actor1_code: Option<usize>,
    actor2: Option<usize>,
    actor2_code: Option<usize>,
    event_code: Option<usize>,
    root_code: Option<usize>,
    goldstein: Option<usize>,
    mentions: Option<usize>,
    sources: Option<usize>,
    articles: Option<usize>,
    tone: Option<usize>,
    geo_type: Option<usize>,
    place: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    added: Option<usize>,
    url: Option<usize>,
    /// Columns kept in `extra`, with their names.
    extra: Vec<(usize, String)>,
}

impl Columns {
    fn new(names: &[String]) -> Result<Columns, FormatError> {
        let find = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        let c = Columns {
            count: names.len(),
            id: find("GLOBALEVENTID"),
            date: find("SQLDATE"),
            actor1: find("Actor1Name"),
            actor1_code: find("Actor1Code"),
            actor2: find("Actor2Name"),
            actor2_code: find("Actor2Code"),
            event_code: find("EventCode"),
            root_code: find("EventRootCode"),
            goldstein: find("GoldsteinScale"),
            mentions: find("NumMentions"),
            sources: find("NumSources"),
            articles: find("NumArticles"),
            tone: find("AvgTone"),
            geo_type: find("ActionGeo_Type"),
            place: find("ActionGeo_FullName"),
            lat: find("ActionGeo_Lat"),
            lon: find("ActionGeo_Long"),
            added: find("DATEADDED"),
            url: find("SOURCEURL"),
            extra: Vec::new(),
        };
        let missing: Vec<&str> = [
            ("SQLDATE", c.date),
            ("ActionGeo_Lat", c.lat),
            ("ActionGeo_Long", c.lon),
        ]
        .into_iter()
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            return Err(FormatError {
                line: Some(1),
                column: None,
                message: format!(
                    "not a GDELT events file: the header has no {} column",
                    missing.join(", no ")
                ),
            });
        }
        let consumed = [c.id, c.date, c.place, c.lat, c.lon, c.url];
        let extra = names
            .iter()
            .enumerate()
            .filter(|(i, _)| !consumed.contains(&Some(*i)))
            .map(|(i, n)| (i, n.clone()))
            .collect();
        Ok(Columns { extra, ..c })
    }
}

struct Rows {
    cols: Columns,
    warnings: Warnings,
    incidents: Vec<Incident>,
    ids: UniqueIds,
    /// Builds each row's `extra`.
    extra: ExtraBuilder,
}

impl Rows {
    fn read(&mut self, rec: &Fields<'_>, line: u64) {
        let c = &self.cols;
        let w = &mut self.warnings;
        let x = &mut self.extra;
        if rec.len() != c.count {
            w.line(
                line,
                format!(
                    "{} fields where {} were expected; read the fields that are there",
                    rec.len(),
                    c.count
                ),
            );
        }
        let mut inc = Incident::default();
        let id = match cell(rec, c.id) {
            Some(id) => id.to_owned(),
            None => {
                let id = format!("gdelt-line-{line}");
                w.line(line, format!("no GLOBALEVENTID; given the id {id:?}"));
                id
            }
        };
        let (id, renamed) = self.ids.claim(id, &self.incidents);
        if renamed {
            w.line(line, format!("duplicate GLOBALEVENTID; renamed to {id:?}"));
        }
        inc.id = id;
        match cell(rec, c.date).map(|s| (s, parse_date(s))) {
            Some((_, Some((d, p)))) => (inc.date, inc.date_precision) = (Some(d), p),
            Some((s, None)) => {
                w.line(
                    line,
                    format!("SQLDATE {s:?} is not a date; listed as undated (the text is kept)"),
                );
                put_extra(x, "SQLDATE", s);
            }
            None => w.line(line, "no SQLDATE; listed as undated"),
        }
        let (lat, lon) = (cell(rec, c.lat), cell(rec, c.lon));
        inc.location = if lat.is_none() && lon.is_none() {
            w.line(
                line,
                "GDELT gave the event no coordinates; loaded without a location",
            );
            None
        } else {
            locate(lat, lon, line, w)
        };
        if inc.location.is_none() {
            for (key, v) in [("ActionGeo_Lat", lat), ("ActionGeo_Long", lon)] {
                if let Some(v) = v {
                    put_extra(x, key, v);
                }
            }
        }
        let geo_type = cell(rec, c.geo_type);
        (inc.location_precision, inc.location_radius_m) = precision(geo_type);
        inc.place = cell(rec, c.place).unwrap_or_default().into();
        inc.admin1 = admin1(&inc.place, geo_type).map(SharedStr::from);
        let root =
            cell(rec, c.root_code).or_else(|| cell(rec, c.event_code).and_then(|e| e.get(..2)));
        inc.category = match root {
            Some(r) => cameo_root_name(r)
                .map_or_else(|| format!("CAMEO {r}"), str::to_owned)
                .into(),
            None => "Other".into(),
        };
        inc.title = match inc.place.split(',').next().map(str::trim) {
            Some(p) if !p.is_empty() => format!("{} in {p}", inc.category).into(),
            _ => inc.category.clone(),
        };
        inc.sources = source(rec, c, &inc.category).into();
        inc.notes = Some(MACHINE_CODED.into());
        for (i, name) in &c.extra {
            if let Some(v) = cell(rec, Some(*i)) {
                put_extra(x, name, v);
            }
        }
        for i in c.count..rec.len() {
            if let Some(v) = raw_cell(rec, i).filter(|v| !v.is_empty()) {
                put_extra(x, &format!("column {}", i + 1), v);
            }
        }
        inc.extra = x.finish();
        self.incidents.push(inc);
    }
}

/// Location precision and radius from `ActionGeo_Type`.
fn precision(geo_type: Option<&str>) -> (LocationPrecision, Option<f64>) {
    match geo_type {
        Some("1") => (LocationPrecision::Approximate, Some(COUNTRY_RADIUS_M)),
        Some("2" | "5") => (LocationPrecision::Approximate, Some(ADM1_RADIUS_M)),
        Some("3" | "4") => (LocationPrecision::Near, Some(CITY_RADIUS_M)),
        _ => (LocationPrecision::Approximate, None),
    }
}

/// The province in a full name: `Aleppo, Halab, Syria` (a city) → `Halab`; `Idlib, Syria`
/// (a province, type 2 or 5) → `Idlib`.
fn admin1(full_name: &str, geo_type: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = full_name.split(',').map(str::trim).collect();
    let name = match (geo_type, parts.as_slice()) {
        (Some("3" | "4"), [_, adm1, _]) => adm1,
        (Some("2" | "5"), [adm1, _]) => adm1,
        _ => return None,
    };
    (!name.is_empty()).then(|| (*name).to_owned())
}

/// The event's source: the article's site and address, and a description of what GDELT coded
/// (there is no text to quote).
fn source(rec: &Fields<'_>, c: &Columns, category: &str) -> Source {
    let url = cell(rec, c.url);
    let actor = |name, code| cell(rec, name).or_else(|| cell(rec, code));
    let mut quote = String::from("GDELT coded: ");
    match (
        actor(c.actor1, c.actor1_code),
        actor(c.actor2, c.actor2_code),
    ) {
        (Some(a), Some(b)) => quote.push_str(&format!("{a} → {b}, ")),
        (Some(a), None) | (None, Some(a)) => quote.push_str(&format!("{a}, ")),
        (None, None) => {}
    }
    match cell(rec, c.event_code) {
        Some(code) => quote.push_str(&format!("CAMEO {code} ({category})")),
        None => quote.push_str(category),
    }
    let figures: Vec<String> = [
        (c.goldstein, "Goldstein"),
        (c.mentions, "mentions"),
        (c.sources, "sources"),
        (c.articles, "articles"),
        (c.tone, "average tone"),
    ]
    .into_iter()
    .filter_map(|(col, what)| cell(rec, col).map(|v| format!("{what} {v}")))
    .collect();
    if !figures.is_empty() {
        quote.push_str("; ");
        quote.push_str(&figures.join(", "));
    }
    quote.push('.');
    Source {
        publisher: url.and_then(url_host).unwrap_or("GDELT").into(),
        url: url.map(Box::from),
        published: cell(rec, c.added).and_then(parse_date).map(|(d, _)| d),
        attribution: None,
        quote: quote.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cameo_roots() {
        assert_eq!(cameo_root_name("18"), Some("Assault"));
        assert_eq!(cameo_root_name("019"), Some("Fight"));
        assert_eq!(
            cameo_root_name("20"),
            Some("Use unconventional mass violence")
        );
        assert_eq!(cameo_root_name("01"), Some("Make public statement"));
        assert_eq!(cameo_root_name("0"), None);
        assert_eq!(cameo_root_name("21"), None);
        assert_eq!(cameo_root_name("x"), None);
    }

    #[test]
    fn v1_layout_has_58_columns() {
        assert_eq!(v1_columns().count(), 58);
        assert_eq!(v1_columns().nth(53), Some("ActionGeo_Lat"));
        assert_eq!(V2_COLUMNS[56], "ActionGeo_Lat");
        assert_eq!(V2_COLUMNS[57], "ActionGeo_Long");
        assert_eq!(V2_COLUMNS[60], "SOURCEURL");
    }

    #[test]
    fn admin1_from_full_name() {
        assert_eq!(
            admin1("Aleppo, Halab, Syria", Some("4")).as_deref(),
            Some("Halab")
        );
        assert_eq!(admin1("Idlib, Syria", Some("5")).as_deref(), Some("Idlib"));
        assert_eq!(admin1("Syria", Some("1")), None);
    }
}
