//! GeoJSON (RFC 7946): the native, lossless incident file format, and GeoJSON from other tools.
//!
//! **Our own files** carry a top-level `"sitview"` member (`version`, `title`, and
//! `category_colours` as `{"Air strike": "#d55e00"}` when there are any). Each incident is a
//! Point feature whose properties follow the schema in the README (`title`, `category`, `date`,
//! `date_end`, `date_precision`, `place`, …, `sources`); dates are strict `YYYY-MM-DD`.
//! Overlays (lines and areas) are features with `"sitview:overlay": true`, their `name`, `date`,
//! `date_end` and their other properties. Properties this program does not interpret are kept
//! and written back unchanged, where they were.
//!
//! **GeoJSON from any other tool** (QGIS, Kepler.gl, uMap, geojson.io, scripts) is read through a
//! [`JsonMapping`]: which property holds the date, end date, category, title, text, place and id.
//! [`detect_mapping`] guesses it from the property names and values (our own names first), the
//! import dialog may change it, and [`read_with`] applies it. There:
//!
//! - dates are ISO strings, anything `dates::parse_date` reads, `YYYY/MM/DD`, `a/b/yyyy` (the
//!   order decided once per file, as for TimeMap), epoch seconds or milliseconds (numbers, or
//!   digit strings of 9 digits and more; milliseconds when the magnitude is 10¹¹ or more) and
//!   year numbers (`2016` → year precision). A month or a year stands for the whole period: the
//!   incident gets `date_end` on its last day. Times and zones are ignored (epochs are UTC);
//! - the text property (`description`, `summary`, `notes`, …) becomes a [`Source`] whose
//!   publisher is the `source`/`publisher` property and url the `url`/`link`/`source_url`;
//! - the other properties go to [`Incident::extra`]; those named like our own fields but not
//!   used by the mapping (`title`, `category`, `place`, `date`, `date_end`) are kept as
//!   `original_<name>`, so that saving does not overwrite them;
//! - Point features are incidents. A MultiPoint with several points is one incident at its
//!   first point (so that its casualty figures are counted once) with a warning, and its whole
//!   geometry kept in the `sitview:geometry` property. LineStrings, Polygons, their Multi forms
//!   and GeometryCollections become [`Overlay`]s, named by their `name`/`title` property;
//! - a FeatureCollection, a single Feature, a bare geometry, an array of Features and
//!   newline-delimited GeoJSON (one Feature per line, RFC 8142's record separators allowed) are
//!   accepted.
//!
//! Nothing is dropped silently: a record that cannot be read whole becomes a warning naming the
//! feature (or line), and undated or unplaced incidents are kept with a warning.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{Coord, Geometry, LineString, Polygon};
use serde_json::{Map, Value, json};

use super::timemap::{self, SlashEvidence, SlashOrder, kind, scalar_text};
use super::{Format, FormatError, Loaded, Warning};
use crate::model::{
    Casualties, Dataset, DatePrecision, Day, ExtraValue, Incident, LocationPrecision, LonLat,
    Overlay, SharedStr, Source,
};

/// Which feature property holds each incident field; `None` leaves the field empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonMapping {
    pub date: Option<String>,
    pub date_end: Option<String>,
    pub category: Option<String>,
    pub title: Option<String>,
    /// Free text (a description): becomes the quote of a [`Source`].
    pub text: Option<String>,
    pub place: Option<String>,
    /// A property holding the id; `None` uses the feature's own `id` member.
    pub id: Option<String>,
}

impl JsonMapping {
    /// The mapping of our own schema.
    pub fn native() -> JsonMapping {
        let s = |k: &str| Some(k.to_owned());
        JsonMapping {
            date: s("date"),
            date_end: s("date_end"),
            category: s("category"),
            title: s("title"),
            text: None,
            place: s("place"),
            id: None,
        }
    }
}

/// Reads a GeoJSON file: our own schema when it has the `"sitview"` member, else through the
/// detected [`JsonMapping`].
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let doc = Document::parse(bytes)?;
    let mapping = detect(&doc);
    Ok(doc.load(&mapping))
}

/// Guesses which properties hold the date, category, title, text, place and id.
pub fn detect_mapping(bytes: &[u8]) -> Result<JsonMapping, FormatError> {
    Ok(detect(&Document::parse(bytes)?))
}

/// Whether the file is in our own schema (it has the top-level `"sitview"` member).
pub fn is_native(bytes: &[u8]) -> bool {
    Document::parse(bytes).is_ok_and(|d| d.meta.is_some())
}

/// The property names the features use, in order of first appearance (the first 10 000
/// features are looked at), for an import dialog.
pub fn property_names(bytes: &[u8]) -> Result<Vec<String>, FormatError> {
    let doc = Document::parse(bytes)?;
    let mut names: Vec<String> = Vec::new();
    let features = doc.entries.iter().filter_map(|e| e.feature.as_ref().ok());
    for feature in features.take(10_000) {
        if let Some(Value::Object(props)) = feature.get("properties") {
            for k in props.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
    }
    Ok(names)
}

/// Reads a GeoJSON file with the given mapping. Our own files read with
/// [`JsonMapping::native`] are read exactly as [`read`] does.
pub fn read_with(bytes: &[u8], mapping: &JsonMapping) -> Result<Loaded, FormatError> {
    Ok(Document::parse(bytes)?.load(mapping))
}

// ---------------------------------------------------------------------------------------------
// Parsing the document

/// A parse error as a [`FormatError`] with its line and column.
pub(super) fn json_error(e: &serde_json::Error) -> FormatError {
    let msg = e.to_string();
    let msg = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    FormatError {
        line: (e.line() > 0).then_some(e.line()),
        column: (e.column() > 0).then_some(e.column()),
        message: format!("not valid JSON: {msg}"),
    }
}

/// One record of the file: a feature object, or why it cannot be one.
struct Entry {
    /// "feature 3", "line 12".
    label: String,
    feature: Result<Map<String, Value>, String>,
}

/// The file split into its records and its collection-level members.
struct Document {
    /// The `"sitview"` member of our own files.
    meta: Option<Map<String, Value>>,
    /// The collection's `name` (QGIS writes the layer name there).
    name: Option<String>,
    entries: Vec<Entry>,
    /// File-level remarks (an unexpected CRS).
    notes: Vec<Warning>,
}

impl Document {
    fn parse(bytes: &[u8]) -> Result<Document, FormatError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text_sequence = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == 0x1E);
        if text_sequence {
            return Ok(Document::from_lines(bytes));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(root) => Document::from_root(root),
            Err(e) if e.to_string().starts_with("trailing characters") && e.line() > 1 => {
                Ok(Document::from_lines(bytes))
            }
            Err(e) => Err(json_error(&e)),
        }
    }

    fn empty() -> Document {
        Document {
            meta: None,
            name: None,
            entries: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn from_root(root: Value) -> Result<Document, FormatError> {
        let mut doc = Document::empty();
        let mut root = match root {
            Value::Object(o) => o,
            Value::Array(items) => return Document::from_array(items),
            other => {
                return Err(FormatError::new(format!(
                    "expected a GeoJSON object (FeatureCollection), found {}",
                    kind(&other)
                )));
            }
        };
        let features = match root.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => match root.shift_remove("features") {
                Some(Value::Array(f)) => f,
                Some(other) => {
                    return Err(FormatError::new(format!(
                        "\"features\" is {}, not an array",
                        kind(&other)
                    )));
                }
                None => return Err(FormatError::new("FeatureCollection without \"features\"")),
            },
            Some("Feature") => vec![Value::Object(root.clone())],
            Some(t) if GEOMETRY_TYPES.contains(&t) => {
                vec![json!({"type": "Feature", "geometry": root.clone(), "properties": {}})]
            }
            Some(other) => {
                return Err(FormatError::new(format!(
                    "GeoJSON of type {other:?}: expected a FeatureCollection of incidents"
                )));
            }
            None => match root.shift_remove("features") {
                Some(Value::Array(f)) => f,
                _ => {
                    return Err(FormatError::new(
                        "a JSON object without \"type\": not GeoJSON",
                    ));
                }
            },
        };
        doc.meta = match root.shift_remove("sitview") {
            Some(Value::Object(m)) => Some(m),
            Some(_) => Some(Map::new()),
            None => None,
        };
        doc.name = root.get("name").and_then(Value::as_str).map(str::to_owned);
        doc.check_crs(root.get("crs"));
        doc.entries = features
            .into_iter()
            .enumerate()
            .map(|(n, f)| Entry {
                label: format!("feature {}", n + 1),
                feature: as_feature(f),
            })
            .collect();
        Ok(doc)
    }

    fn from_array(items: Vec<Value>) -> Result<Document, FormatError> {
        let first_is_feature =
            items.iter().find_map(|v| v.get("type")?.as_str()) == Some("Feature");
        if !first_is_feature {
            return Err(FormatError::new(
                "a JSON array that is not a list of GeoJSON Features \
                 (a TimeMap export is read as TimeMap JSON)",
            ));
        }
        let mut doc = Document::empty();
        doc.entries = items
            .into_iter()
            .enumerate()
            .map(|(n, f)| Entry {
                label: format!("feature {}", n + 1),
                feature: as_feature(f),
            })
            .collect();
        Ok(doc)
    }

    /// Newline-delimited GeoJSON: one Feature per line; a bad line is a warning, not an error.
    fn from_lines(bytes: &[u8]) -> Document {
        let mut doc = Document::empty();
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = line.trim_ascii();
            let line = line.strip_prefix(&[0x1E]).unwrap_or(line).trim_ascii();
            if line.is_empty() {
                continue;
            }
            let feature = match serde_json::from_slice::<Value>(line) {
                Ok(v) => as_feature(v),
                Err(e) => Err(format!(
                    "{} (column {}); skipped",
                    json_error(&e).message,
                    e.column()
                )),
            };
            doc.entries.push(Entry {
                label: format!("line {}", n + 1),
                feature,
            });
        }
        doc
    }

    fn check_crs(&mut self, crs: Option<&Value>) {
        let Some(name) = crs
            .and_then(|c| c.get("properties"))
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
        else {
            return;
        };
        let wgs84 = ["CRS84", "CRS:84", "4326"].iter().any(|k| name.contains(k));
        if !wgs84 {
            self.notes.push(Warning {
                location: "crs".into(),
                message: format!(
                    "coordinate system {name:?} is not WGS84 longitude/latitude; \
                     coordinates are read as longitude/latitude anyway"
                ),
            });
        }
    }

    /// Reads every record with `mapping`.
    fn load(self, mapping: &JsonMapping) -> Loaded {
        let strict = self.meta.is_some() && *mapping == JsonMapping::native();
        let mut warnings = self.notes;
        let order = if strict {
            SlashOrder::MonthFirst
        } else {
            slash_order(&self.entries, mapping, &mut warnings)
        };
        let ctx = Ctx {
            mapping,
            strict,
            order,
        };
        let meta = self.meta.unwrap_or_default();
        let mut dataset = Dataset {
            title: meta
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or(self.name),
            category_colours: read_colours(meta.get("category_colours"), &mut warnings),
            ..Default::default()
        };
        let records = self.entries.len();
        let mut seen = IdSet::default();
        for (n, entry) in self.entries.into_iter().enumerate() {
            let feature = match entry.feature {
                Ok(f) => f,
                Err(message) => {
                    warnings.push(Warning {
                        location: entry.label,
                        message,
                    });
                    continue;
                }
            };
            let (record, mut notes) = read_feature(feature, n, &ctx);
            let location = match &record {
                Record::Incident(inc) => format!("{} (id {:?})", entry.label, inc.id),
                Record::Overlay(_) => entry.label,
            };
            match record {
                Record::Incident(mut inc) => {
                    if let Some(new_id) = unique_id(&mut seen, &inc.id) {
                        notes.push(format!("duplicate id; renamed to {new_id:?}"));
                        inc.id = new_id.into();
                    }
                    dataset.incidents.push(inc);
                }
                Record::Overlay(o) => dataset.overlays.push(o),
            }
            warnings.extend(notes.into_iter().map(|message| Warning {
                location: location.clone(),
                message,
            }));
        }
        Loaded {
            dataset,
            warnings,
            records,
            format: Format::GeoJson,
        }
    }
}

const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// A record as a feature object: Features as they are, bare geometries wrapped.
fn as_feature(v: Value) -> Result<Map<String, Value>, String> {
    match v {
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some(t) if GEOMETRY_TYPES.contains(&t) => {
                let mut f = Map::new();
                f.insert("type".into(), json!("Feature"));
                f.insert("geometry".into(), Value::Object(o));
                Ok(f)
            }
            Some("FeatureCollection") => {
                Err("a FeatureCollection inside a collection; skipped".into())
            }
            _ => Ok(o),
        },
        other => Err(format!("not a JSON object but {}; skipped", kind(&other))),
    }
}

/// The ids given so far in one file, for [`unique_id`].
#[derive(Debug, Default)]
pub(super) struct IdSet {
    seen: HashSet<String>,
    /// A repeated id → the next suffix to try for it, so that n repeats of one id cost O(n),
    /// not O(n²).
    next_suffix: HashMap<String, u64>,
}

/// Renames a duplicate id: `Some(new id)` when `id` was seen before (`id-2`, `id-3`, …).
pub(super) fn unique_id(seen: &mut IdSet, id: &str) -> Option<String> {
    if seen.seen.insert(id.to_owned()) {
        return None;
    }
    let mut k = seen.next_suffix.get(id).copied().unwrap_or(2);
    while seen.seen.contains(&format!("{id}-{k}")) {
        k += 1;
    }
    seen.next_suffix.insert(id.to_owned(), k + 1);
    let new_id = format!("{id}-{k}");
    seen.seen.insert(new_id.clone());
    Some(new_id)
}

fn slash_order(
    entries: &[Entry],
    mapping: &JsonMapping,
    warnings: &mut Vec<Warning>,
) -> SlashOrder {
    let mut evidence = SlashEvidence::default();
    let keys: Vec<&String> = [&mapping.date, &mapping.date_end]
        .into_iter()
        .flatten()
        .collect();
    for entry in entries {
        let Ok(f) = &entry.feature else { continue };
        let Some(Value::Object(props)) = f.get("properties") else {
            continue;
        };
        for k in &keys {
            if let Some(Value::String(s)) = props.get(*k) {
                evidence.add(s);
            }
        }
    }
    let (order, note) = evidence.decide("the US order");
    if let Some(message) = note {
        warnings.push(Warning {
            location: "dates".into(),
            message,
        });
    }
    order
}

fn read_colours(v: Option<&Value>, warnings: &mut Vec<Warning>) -> BTreeMap<String, [u8; 3]> {
    let mut out = BTreeMap::new();
    let mut warn = |message: String| {
        warnings.push(Warning {
            location: "sitview.category_colours".into(),
            message,
        })
    };
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (category, colour) in map {
                match colour.as_str().and_then(parse_colour) {
                    Some(rgb) => {
                        out.insert(category.clone(), rgb);
                    }
                    None => warn(format!(
                        "colour {colour} for {category:?} is not \"#rrggbb\"; ignored"
                    )),
                }
            }
        }
        Some(other) => warn(format!("is {}, not an object; ignored", kind(other))),
    }
    out
}

/// `#rrggbb` or `#rgb`.
fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.is_ascii() {
        return None;
    }
    let byte = |h: &str| u8::from_str_radix(h, 16).ok();
    match hex.len() {
        6 => Some([byte(&hex[0..2])?, byte(&hex[2..4])?, byte(&hex[4..6])?]),
        3 => {
            let d = |i: usize| byte(&hex[i..=i]).map(|v| v * 17);
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Detecting the mapping

/// Property names for each field, best first (our own names lead).
const DATE_KEYS: &[&str] = &[
    "date",
    "event_date",
    "start_date",
    "date_start",
    "start",
    "begin",
    "begin_date",
    "startdate",
    "datetime",
    "date_time",
    "timestamp",
    "time",
    "when",
    "day",
    "year",
];
const DATE_END_KEYS: &[&str] = &[
    "date_end", "end_date", "end", "enddate", "date_to", "finish", "until", "stop",
];
const CATEGORY_KEYS: &[&str] = &[
    "category",
    "event_type",
    "type",
    "kind",
    "class",
    "classification",
    "sub_event_type",
    "tag",
];
const TITLE_KEYS: &[&str] = &[
    "title",
    "name",
    "label",
    "headline",
    "event",
    "event_name",
    "subject",
];
const TEXT_KEYS: &[&str] = &[
    "description",
    "summary",
    "notes",
    "text",
    "details",
    "desc",
    "comment",
    "comments",
    "content",
    "body",
    "popupcontent",
    "note",
];
const PLACE_KEYS: &[&str] = &[
    "place",
    "location",
    "location_name",
    "place_name",
    "locality",
    "town",
    "city",
    "village",
    "address",
    "site",
    "area",
];
const ID_KEYS: &[&str] = &[
    "id",
    "event_id",
    "event_id_cnty",
    "uid",
    "uuid",
    "guid",
    "fid",
    "objectid",
    "ogc_fid",
    "gid",
];
const PUBLISHER_KEYS: &[&str] = &["source", "publisher", "source_name"];
const URL_KEYS: &[&str] = &["url", "link", "source_url", "href", "source_link"];

/// Features looked at when detecting (enough to see every property of a regular file).
const DETECT_SAMPLE: usize = 10_000;

/// What the sampled features hold under one property name.
#[derive(Default)]
struct KeyStats {
    /// Non-null, non-blank values.
    present: usize,
    /// Strings and numbers.
    scalar: usize,
    /// Values that read as a date (in either slash order).
    dated: usize,
    /// Distinct scalar values (kept for id candidates only).
    distinct: HashSet<String>,
}

fn normalise(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

fn detect(doc: &Document) -> JsonMapping {
    if doc.meta.is_some() {
        return JsonMapping::native();
    }
    let mut stats: HashMap<String, KeyStats> = HashMap::new();
    let (mut features, mut with_member_id, mut with_sources) = (0, 0, false);
    for f in doc
        .entries
        .iter()
        .filter_map(|e| e.feature.as_ref().ok())
        .take(DETECT_SAMPLE)
    {
        features += 1;
        with_member_id += usize::from(f.get("id").is_some_and(|v| !v.is_null()));
        let Some(Value::Object(props)) = f.get("properties") else {
            continue;
        };
        with_sources |= props.get("sources").is_some_and(Value::is_array);
        for (k, v) in props {
            add_stat(stats.entry(k.clone()).or_default(), k, v);
        }
    }
    let mut used = HashSet::new();
    let mut pick = |cands: &[&str], ok: &dyn Fn(&KeyStats) -> bool| -> Option<String> {
        let found = cands.iter().find_map(|c| {
            let mut keys: Vec<&String> = stats
                .keys()
                .filter(|k| normalise(k) == *c && !used.contains(*k) && ok(&stats[*k]))
                .collect();
            keys.sort_by_key(|k| (k.as_str() != *c, k.as_str()));
            keys.first().map(|k| (*k).clone())
        })?;
        used.insert(found.clone());
        Some(found)
    };
    let scalar = |s: &KeyStats| s.present > 0 && s.scalar * 2 >= s.present;
    let datey = |s: &KeyStats| s.dated > 0 && s.dated * 2 >= s.present;
    let unique =
        |s: &KeyStats| s.present > 0 && s.scalar == s.present && s.distinct.len() == s.present;
    let id = if with_member_id * 2 >= features.max(1) {
        None
    } else {
        pick(ID_KEYS, &unique)
    };
    let date = pick(DATE_KEYS, &datey);
    let date_end = pick(DATE_END_KEYS, &datey);
    let category = pick(CATEGORY_KEYS, &scalar);
    let title = pick(TITLE_KEYS, &scalar);
    let place = pick(PLACE_KEYS, &scalar);
    let text_keys: Vec<&str> = TEXT_KEYS
        .iter()
        .copied()
        .filter(|k| !(with_sources && *k == "notes"))
        .collect();
    let text = pick(&text_keys, &scalar);
    JsonMapping {
        date,
        date_end,
        category,
        title,
        text,
        place,
        id,
    }
}

fn add_stat(s: &mut KeyStats, key: &str, v: &Value) {
    if v.is_null() || v.as_str().is_some_and(|t| t.trim().is_empty()) {
        return;
    }
    s.present += 1;
    let text = scalar_text(v);
    if text.is_some() {
        s.scalar += 1;
    }
    let norm = normalise(key);
    if DATE_KEYS.contains(&norm.as_str()) || DATE_END_KEYS.contains(&norm.as_str()) {
        let either = [SlashOrder::MonthFirst, SlashOrder::DayFirst]
            .into_iter()
            .any(|o| matches!(value_date(v, o), Ok(Some(_))));
        s.dated += usize::from(either);
    }
    if let (true, Some(t)) = (ID_KEYS.contains(&norm.as_str()), text) {
        s.distinct.insert(t);
    }
}

// ---------------------------------------------------------------------------------------------
// Reading one feature

/// How the features of one file are read.
struct Ctx<'a> {
    mapping: &'a JsonMapping,
    /// Our own schema: strict ISO dates; deliberate nulls (no place, no date) are not warned about.
    strict: bool,
    order: SlashOrder,
}

enum Record {
    Incident(Incident),
    Overlay(Overlay),
}

/// Reads one feature; returns it with its warnings.
fn read_feature(mut feature: Map<String, Value>, n: usize, ctx: &Ctx) -> (Record, Vec<String>) {
    let mut notes = Vec::new();
    let mut props = match feature.shift_remove("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => Map::new(),
        Some(other) => {
            notes.push(format!(
                "properties is {}, not an object; kept as \"properties_unreadable\"",
                kind(&other)
            ));
            let mut p = Map::new();
            p.insert("properties_unreadable".into(), other);
            p
        }
    };
    let geometry = feature.shift_remove("geometry").unwrap_or(Value::Null);
    let marked = matches!(
        props.shift_remove("sitview:overlay"),
        Some(Value::Bool(true))
    );
    let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let overlay = marked || (GEOMETRY_TYPES.contains(&gtype) && !gtype.ends_with("Point"));
    if overlay {
        if let Some(id) = feature.shift_remove("id") {
            props.entry("id").or_insert(id);
        }
        let o = read_overlay(props, geometry, ctx, &mut notes);
        return (Record::Overlay(o), notes);
    }
    let mut inc = Incident {
        id: take_id(&mut feature, &mut props, n, ctx, &mut notes).into(),
        ..Default::default()
    };
    read_point(&geometry, &mut inc, &mut props, ctx, &mut notes);
    read_properties(props, &mut inc, ctx, &mut notes);
    (Record::Incident(inc), notes)
}

fn take_id(
    feature: &mut Map<String, Value>,
    props: &mut Map<String, Value>,
    n: usize,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> String {
    let member = match feature.shift_remove("id") {
        None | Some(Value::Null) => None,
        Some(v) => match scalar_text(&v) {
            Some(id) => Some(id),
            None => {
                notes.push(format!(
                    "id is {}, not a string or number; kept as \"feature_id\"",
                    kind(&v)
                ));
                props.insert("feature_id".into(), v);
                None
            }
        },
    };
    let from_prop = ctx.mapping.id.as_ref().and_then(|k| {
        let v = props.get(k).and_then(scalar_text)?;
        props.shift_remove(k);
        Some(v)
    });
    match (from_prop, member) {
        (Some(p), Some(m)) => {
            if p != m {
                props.insert("feature_id".into(), Value::String(m));
            }
            p
        }
        (Some(id), None) | (None, Some(id)) => id,
        (None, None) => match props.get("id").and_then(scalar_text) {
            Some(id) if ctx.strict || ctx.mapping.id.is_none() => {
                props.shift_remove("id");
                id
            }
            _ => format!("feature-{}", n + 1),
        },
    }
}

/// The incident's location from a Point (or a MultiPoint's first point).
fn read_point(
    geometry: &Value,
    inc: &mut Incident,
    props: &mut Map<String, Value>,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) {
    let g = match geometry {
        Value::Object(g) => g,
        Value::Null => {
            if !ctx.strict {
                notes.push("no geometry; listed without a location".into());
            }
            return;
        }
        other => {
            notes.push(format!(
                "geometry is {}, not an object; listed without a location, kept as \"sitview:geometry\"",
                kind(other)
            ));
            props.insert("sitview:geometry".into(), other.clone());
            return;
        }
    };
    let coords = g.get("coordinates").unwrap_or(&Value::Null);
    let point = match g.get("type").and_then(Value::as_str) {
        Some("Point") => position(coords, "coordinates"),
        Some("MultiPoint") => match coords.as_array().map(Vec::as_slice) {
            Some([one]) => position(one, "coordinates[0]"),
            Some([first, ..]) => {
                let count = coords.as_array().map_or(0, Vec::len);
                notes.push(format!(
                    "MultiPoint with {count} points: placed at the first; \
                     all points kept in \"sitview:geometry\""
                ));
                props.insert("sitview:geometry".into(), geometry.clone());
                position(first, "coordinates[0]")
            }
            _ => Err("MultiPoint without points".into()),
        },
        Some(t) => Err(format!("geometry type {t:?} is not one this program knows")),
        None => Err("geometry without a type".into()),
    };
    match point {
        Ok(c) => inc.location = LonLat::new(c.x, c.y),
        Err(e) => {
            notes.push(format!(
                "{e}; listed without a location, geometry kept as \"sitview:geometry\""
            ));
            props.insert("sitview:geometry".into(), geometry.clone());
        }
    }
}

fn read_properties(
    mut props: Map<String, Value>,
    inc: &mut Incident,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) {
    let m = ctx.mapping;
    let mut warn = |s: String| notes.push(s);
    inc.title = take_mapped_str(&mut props, &m.title)
        .or_else(|| ctx.strict.then(|| take_str(&mut props, "name")).flatten())
        .unwrap_or_default()
        .into();
    inc.category =
        take_mapped_str(&mut props, &m.category).map_or_else(|| "Other".into(), SharedStr::from);
    inc.place = take_mapped_str(&mut props, &m.place)
        .unwrap_or_default()
        .into();
    let foreign_source = if ctx.strict {
        None
    } else {
        take_foreign_source(&mut props, m)
    };
    let (date, date_end) = (m.date.clone(), m.date_end.clone());
    read_dates(
        &mut props,
        inc,
        date.as_deref(),
        date_end.as_deref(),
        ctx,
        &mut warn,
    );
    if !ctx.strict {
        keep_shadowed(&mut props, m);
    }
    inc.place_local = take_str(&mut props, "place_local").map(Box::from);
    inc.admin1 = take_str(&mut props, "admin1").map(SharedStr::from);
    inc.notes = take_str(&mut props, "notes").map(Box::from);
    read_precisions(&mut props, inc, &mut warn);
    inc.casualties = Casualties {
        killed: take_count(&mut props, "killed", &mut warn),
        injured: take_count(&mut props, "injured", &mut warn),
        children_killed: take_count(&mut props, "children_killed", &mut warn),
    };
    read_sources(&mut props, inc, &mut warn);
    if let Some(s) = foreign_source {
        inc.push_source(s);
    }
    inc.extra = props.into();
}

fn take_mapped_str(props: &mut Map<String, Value>, key: &Option<String>) -> Option<String> {
    key.as_deref().and_then(|k| take_str(props, k))
}

/// A string (or number) property, removed; a null is kept in place so it is written back.
fn take_str(props: &mut Map<String, Value>, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(_) | Value::Number(_) => match props.shift_remove(key) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(x)) => Some(x.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// In a foreign file, our own property names that the mapping did not use would be overwritten
/// by what the writer writes there: they are kept under `original_<name>` instead.
fn keep_shadowed(props: &mut Map<String, Value>, m: &JsonMapping) {
    for key in ["title", "category", "place", "date", "date_end"] {
        let mapped = [&m.title, &m.category, &m.place, &m.date, &m.date_end]
            .iter()
            .any(|k| k.as_deref() == Some(key));
        if mapped {
            continue;
        }
        if let Some(v) = props.shift_remove(key) {
            props.insert(format!("original_{key}"), v);
        }
    }
}

/// The text property of a foreign file as a source, with its publisher and url.
fn take_foreign_source(props: &mut Map<String, Value>, m: &JsonMapping) -> Option<Source> {
    let quote = take_mapped_str(props, &m.text);
    let first = |props: &mut Map<String, Value>, keys: &[&str]| {
        let key = props
            .keys()
            .find(|k| keys.contains(&normalise(k).as_str()))?
            .clone();
        take_str(props, &key)
    };
    let mut publisher = first(props, PUBLISHER_KEYS);
    let mut url = first(props, URL_KEYS);
    if url.is_none() && publisher.as_deref().is_some_and(|p| p.starts_with("http")) {
        url = publisher.take();
    }
    if quote.is_none() && publisher.is_none() && url.is_none() {
        return None;
    }
    Some(Source {
        publisher: publisher.unwrap_or_default().into(),
        url: url.map(Box::from),
        quote: quote.unwrap_or_default().into(),
        ..Default::default()
    })
}

fn read_dates(
    props: &mut Map<String, Value>,
    inc: &mut Incident,
    date_key: Option<&str>,
    end_key: Option<&str>,
    ctx: &Ctx,
    warn: &mut impl FnMut(String),
) {
    let end_key = end_key.filter(|&e| Some(e) != date_key);
    let start = date_key.and_then(|k| take_date(props, k, ctx, warn));
    let end = end_key.and_then(|k| take_date(props, k, ctx, warn));
    inc.date = start.map(|(d, _)| d);
    inc.date_end = end.map(|(d, _)| d);
    if let Some((d, p)) = start
        && !ctx.strict
    {
        inc.date_precision = p;
        if inc.date_end.is_none() {
            inc.date_end = timemap::period_end(d, p);
        }
    }
    let (date_name, end_name) = (date_key.unwrap_or("date"), end_key.unwrap_or("date_end"));
    if let (Some(d), Some(e)) = (inc.date, inc.date_end)
        && e < d
    {
        warn(format!(
            "{end_name} {e} is before {date_name} {d}; treated as the single day {d}"
        ));
    }
    if inc.date.is_none() && inc.date_end.is_some() {
        warn(format!(
            "{end_name} without {date_name}; the incident is listed as undated"
        ));
    } else if inc.date.is_none() && !ctx.strict && props.get(date_name).is_none_or(Value::is_null) {
        warn(match date_key {
            Some(k) => format!("no date ({k} is missing or empty); listed as undated"),
            None => "no date property; listed as undated".into(),
        });
    }
}

/// A date property, removed when read; kept (with a warning) when it is not a date.
fn take_date(
    props: &mut Map<String, Value>,
    key: &str,
    ctx: &Ctx,
    warn: &mut impl FnMut(String),
) -> Option<(Day, DatePrecision)> {
    let v = props.shift_remove(key)?;
    let read = if ctx.strict {
        strict_date(&v)
    } else {
        value_date(&v, ctx.order)
    };
    match read {
        Ok(Some(found)) => Some(found),
        Ok(None) => {
            if v.is_null() {
                props.insert(key.to_owned(), v);
            }
            None
        }
        Err(e) => {
            warn(format!("{key}: {e}; kept as is"));
            props.insert(key.to_owned(), v);
            None
        }
    }
}

fn strict_date(v: &Value) -> Result<Option<(Day, DatePrecision)>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .parse::<Day>()
            .map(|d| Some((d, DatePrecision::Day)))
            .map_err(|e| e.to_string()),
        other => Err(format!("{} is not a date string", kind(other))),
    }
}

/// A date in any form a foreign file writes it: see the module documentation.
fn value_date(v: &Value, order: SlashOrder) -> Result<Option<(Day, DatePrecision)>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => timemap::parse_text_date(s, order)
            .or_else(|| epoch_digits(s.trim()))
            .map(Some)
            .ok_or_else(|| format!("{:?} is not a date", s.chars().take(40).collect::<String>())),
        Value::Number(x) => x
            .as_f64()
            .and_then(number_date)
            .map(Some)
            .ok_or_else(|| format!("{x} is neither a year nor epoch seconds or milliseconds")),
        other => Err(format!("{} is not a date", kind(other))),
    }
}

/// Digit strings of nine digits and more are epoch seconds or milliseconds.
fn epoch_digits(s: &str) -> Option<(Day, DatePrecision)> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.len() < 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number_date(s.parse().ok()?)
}

/// A year (`1000..=9999`, whole) or an epoch time: milliseconds from a magnitude of 10¹¹ on
/// (10¹¹ seconds is the year 5138, 10¹¹ milliseconds March 1973), else seconds. Days before
/// year 1 or after 9999 are refused.
fn number_date(x: f64) -> Option<(Day, DatePrecision)> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && (1000.0..=9999.0).contains(&x) {
        return Day::from_ymd(x as i32, 1, 1).map(|d| (d, DatePrecision::Year));
    }
    let seconds = if x.abs() >= 1e11 { x / 1000.0 } else { x };
    let day = (seconds / 86_400.0).floor();
    let (first, last) = (Day::from_ymd(1, 1, 1)?, Day::from_ymd(9999, 12, 31)?);
    if !(f64::from(first.0)..=f64::from(last.0)).contains(&day) {
        return None;
    }
    Some((Day(day as i32), DatePrecision::Day))
}

fn read_precisions(
    props: &mut Map<String, Value>,
    inc: &mut Incident,
    warn: &mut impl FnMut(String),
) {
    if let Some(p) = take_str(props, "date_precision") {
        match DatePrecision::parse(&p) {
            Some(p) => inc.date_precision = p,
            None => {
                warn(format!(
                    "unknown date_precision {p:?} (day, week, month or year); kept as date_precision_unreadable"
                ));
                props.insert("date_precision_unreadable".into(), Value::String(p));
            }
        }
    }
    if let Some(p) = take_str(props, "location_precision") {
        match LocationPrecision::parse(&p) {
            Some(p) => inc.location_precision = p,
            None => {
                warn(format!(
                    "unknown location_precision {p:?} (exact, near or approximate); kept as location_precision_unreadable"
                ));
                props.insert("location_precision_unreadable".into(), Value::String(p));
            }
        }
    }
    match props.shift_remove("location_radius_m") {
        Some(Value::Number(x)) if x.as_f64().is_some_and(|r| r.is_finite() && r >= 0.0) => {
            inc.location_radius_m = x.as_f64();
        }
        None => {}
        Some(Value::Null) => {
            props.insert("location_radius_m".into(), Value::Null);
        }
        Some(other) => {
            warn(format!(
                "location_radius_m {other} is not a distance in metres; kept as is"
            ));
            props.insert("location_radius_m".into(), other);
        }
    }
}

/// A count of people; a null is kept in place (the file says "not reported" explicitly).
fn take_count(
    props: &mut Map<String, Value>,
    key: &str,
    warn: &mut impl FnMut(String),
) -> Option<u32> {
    let v = props.shift_remove(key)?;
    let n = match &v {
        Value::Null => {
            props.insert(key.to_owned(), v);
            return None;
        }
        Value::Number(x) => x.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match n.and_then(|n| u32::try_from(n).ok()) {
        Some(n) => Some(n),
        None => {
            warn(format!(
                "{key} {v} is not a whole number of people; kept as is"
            ));
            props.insert(key.to_owned(), v);
            None
        }
    }
}

fn read_sources(props: &mut Map<String, Value>, inc: &mut Incident, warn: &mut impl FnMut(String)) {
    match props.shift_remove("sources") {
        Some(Value::Array(list)) => {
            let mut unreadable = Vec::new();
            for (k, s) in list.into_iter().enumerate() {
                match s {
                    Value::Object(s) => inc.push_source(read_source(s, k, warn)),
                    other => {
                        warn(format!(
                            "source {} is {}, not an object; kept as sources_unreadable",
                            k + 1,
                            kind(&other)
                        ));
                        unreadable.push(other);
                    }
                }
            }
            if !unreadable.is_empty() {
                props.insert("sources_unreadable".into(), Value::Array(unreadable));
            }
        }
        Some(Value::Null) | None => {}
        Some(other) => {
            warn(format!(
                "\"sources\" is {}, not an array; kept as sources_unreadable",
                kind(&other)
            ));
            props.insert("sources_unreadable".into(), other);
        }
    }
}

fn read_source(mut s: Map<String, Value>, k: usize, warn: &mut impl FnMut(String)) -> Source {
    let mut text = |key: &str| match s.shift_remove(key) {
        Some(Value::String(t)) => Some(t),
        _ => None,
    };
    let publisher = text("publisher").unwrap_or_default();
    let url = text("url");
    let attribution = text("attribution");
    let quote = text("quote").unwrap_or_default();
    let published = match text("published") {
        Some(p) if !p.trim().is_empty() => match p.parse::<Day>() {
            Ok(d) => Some(d),
            Err(e) => {
                warn(format!("source {}: published: {e}", k + 1));
                None
            }
        },
        _ => None,
    };
    Source {
        publisher: publisher.into(),
        url: url.map(Box::from),
        published,
        attribution: attribution.map(Box::from),
        quote: quote.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Overlays and geometry

fn read_overlay(
    mut props: Map<String, Value>,
    geometry: Value,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> Overlay {
    let mut name = take_str(&mut props, "name");
    if name.is_none() && !ctx.strict {
        name = take_str(&mut props, "title")
            .or_else(|| take_mapped_str(&mut props, &ctx.mapping.title));
    }
    let (date, date_end) = overlay_dates(&mut props, ctx, notes);
    let geometry = overlay_geometry(&mut props, geometry, notes);
    Overlay {
        name,
        date,
        date_end,
        geometry,
        properties: props,
    }
}

/// The overlay's visibility window; a month or a year stands for the whole period.
fn overlay_dates(
    props: &mut Map<String, Value>,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> (Option<Day>, Option<Day>) {
    let (date, end) = if ctx.strict {
        (Some("date"), Some("date_end"))
    } else {
        (ctx.mapping.date.as_deref(), ctx.mapping.date_end.as_deref())
    };
    let mut warn = |s: String| notes.push(s);
    let end = end.filter(|&e| Some(e) != date);
    let start = date.and_then(|k| take_date(props, k, ctx, &mut warn));
    let mut last = end
        .and_then(|k| take_date(props, k, ctx, &mut warn))
        .map(|(d, _)| d);
    if let (Some((d, p)), None, false) = (start, last, ctx.strict) {
        last = timemap::period_end(d, p);
    }
    if !ctx.strict {
        // Our own names, not used by the mapping, would be overwritten when saving.
        for key in ["date", "date_end"] {
            if Some(key) != date
                && Some(key) != end
                && let Some(v) = props.shift_remove(key)
            {
                props.insert(format!("original_{key}"), v);
            }
        }
    }
    (start.map(|(d, _)| d), last)
}

/// The overlay's shape; one that cannot be read is kept as `sitview:geometry`.
fn overlay_geometry(
    props: &mut Map<String, Value>,
    geometry: Value,
    notes: &mut Vec<String>,
) -> Option<Geometry<f64>> {
    let problem = match &geometry {
        Value::Null => return None,
        Value::Object(g) => match geometry_from_json(g, "geometry") {
            Ok(g) => return Some(g),
            Err(e) => format!("{e}; kept without a shape"),
        },
        other => format!(
            "geometry is {}, not an object; kept without a shape",
            kind(other)
        ),
    };
    notes.push(format!("{problem}, geometry kept as \"sitview:geometry\""));
    props.insert("sitview:geometry".into(), geometry);
    None
}

/// A GeoJSON geometry object as a `geo` geometry; the error names the member at fault.
fn geometry_from_json(g: &Map<String, Value>, path: &str) -> Result<Geometry<f64>, String> {
    let t = g.get("type").and_then(Value::as_str).unwrap_or("");
    if t == "GeometryCollection" {
        let Some(Value::Array(parts)) = g.get("geometries") else {
            return Err(format!("{path}: GeometryCollection without \"geometries\""));
        };
        let mut out = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            let at = format!("{path}.geometries[{i}]");
            let Value::Object(p) = p else {
                return Err(format!("{at} is {}, not a geometry", kind(p)));
            };
            out.push(geometry_from_json(p, &at)?);
        }
        return Ok(Geometry::GeometryCollection(
            geo::GeometryCollection::new_from(out),
        ));
    }
    let c = g.get("coordinates").unwrap_or(&Value::Null);
    let at = format!("{path}.coordinates");
    Ok(match t {
        "Point" => Geometry::Point(position(c, &at)?.into()),
        "MultiPoint" => Geometry::MultiPoint(
            positions(c, &at)?
                .into_iter()
                .map(geo::Point::from)
                .collect(),
        ),
        "LineString" => Geometry::LineString(LineString::new(positions(c, &at)?)),
        "MultiLineString" => {
            Geometry::MultiLineString(geo::MultiLineString::new(each(c, &at, |v, p| {
                positions(v, p).map(LineString::new)
            })?))
        }
        "Polygon" => Geometry::Polygon(polygon(c, &at)?),
        "MultiPolygon" => Geometry::MultiPolygon(geo::MultiPolygon::new(each(c, &at, polygon)?)),
        "" => return Err(format!("{path} has no type")),
        other => return Err(format!("{path}: unknown geometry type {other:?}")),
    })
}

/// Applies `f` to every element of an array, with the element's path.
fn each<T>(
    v: &Value,
    path: &str,
    f: impl Fn(&Value, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let Value::Array(items) = v else {
        return Err(format!("{path} is {}, not an array", kind(v)));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| f(item, &format!("{path}[{i}]")))
        .collect()
}

/// `[lon, lat]` (a third coordinate is ignored), within WGS84 bounds.
fn position(v: &Value, path: &str) -> Result<Coord<f64>, String> {
    let number = |x: &Value| match x {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let Value::Array(a) = v else {
        return Err(format!("{path} is {}, not a position", kind(v)));
    };
    let (Some(lon), Some(lat)) = (a.first().and_then(number), a.get(1).and_then(number)) else {
        return Err(format!("{path} is not two numbers"));
    };
    match LonLat::new(lon, lat) {
        Some(p) => Ok(Coord { x: p.lon, y: p.lat }),
        None => Err(format!(
            "{path}: coordinates [{}, {}] are outside WGS84 bounds",
            short(lon),
            short(lat)
        )),
    }
}

/// A number for a message: `999`, `36.2`, `1e300` (never three hundred digits).
pub(super) fn short(x: f64) -> String {
    if x.abs() < 1e15 {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

fn positions(v: &Value, path: &str) -> Result<Vec<Coord<f64>>, String> {
    each(v, path, position)
}

fn polygon(v: &Value, path: &str) -> Result<Polygon<f64>, String> {
    let mut rings = each(v, path, |r, p| positions(r, p).map(LineString::new))?.into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
    Ok(Polygon::new(exterior, rings.collect()))
}

fn coord_json(c: Coord<f64>) -> Value {
    json!([c.x, c.y])
}

fn line_json(l: &LineString<f64>) -> Value {
    Value::Array(l.0.iter().map(|&c| coord_json(c)).collect())
}

fn polygon_json(p: &Polygon<f64>) -> Value {
    let rings = std::iter::once(p.exterior()).chain(p.interiors());
    Value::Array(rings.map(line_json).collect())
}

/// A `geo` geometry as GeoJSON (lines become LineStrings, rectangles and triangles Polygons).
fn geometry_json(g: &Geometry<f64>) -> Value {
    let (t, coordinates) = match g {
        Geometry::Point(p) => ("Point", coord_json(p.0)),
        Geometry::Line(l) => (
            "LineString",
            json!([coord_json(l.start), coord_json(l.end)]),
        ),
        Geometry::LineString(l) => ("LineString", line_json(l)),
        Geometry::Polygon(p) => ("Polygon", polygon_json(p)),
        Geometry::MultiPoint(m) => (
            "MultiPoint",
            Value::Array(m.0.iter().map(|p| coord_json(p.0)).collect()),
        ),
        Geometry::MultiLineString(m) => (
            "MultiLineString",
            Value::Array(m.0.iter().map(line_json).collect()),
        ),
        Geometry::MultiPolygon(m) => (
            "MultiPolygon",
            Value::Array(m.0.iter().map(polygon_json).collect()),
        ),
        Geometry::Rect(r) => ("Polygon", polygon_json(&r.to_polygon())),
        Geometry::Triangle(t) => ("Polygon", polygon_json(&t.to_polygon())),
        Geometry::GeometryCollection(c) => {
            let parts: Vec<Value> = c.0.iter().map(geometry_json).collect();
            return json!({"type": "GeometryCollection", "geometries": parts});
        }
    };
    json!({"type": t, "coordinates": coordinates})
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Writes the dataset as a pretty-printed FeatureCollection (2-space indent, UTF-8, final
/// newline): the incidents, then the overlays.
pub fn write(dataset: &Dataset) -> Vec<u8> {
    let mut features: Vec<Value> = dataset.incidents.iter().map(feature).collect();
    features.extend(dataset.overlays.iter().map(overlay_feature));
    let mut root = Map::new();
    root.insert("type".into(), json!("FeatureCollection"));
    let mut meta = Map::new();
    meta.insert("version".into(), json!(1));
    if let Some(t) = &dataset.title {
        meta.insert("title".into(), json!(t));
    }
    if !dataset.category_colours.is_empty() {
        let colours: Map<String, Value> = dataset
            .category_colours
            .iter()
            .map(|(k, [r, g, b])| (k.clone(), json!(format!("#{r:02x}{g:02x}{b:02x}"))))
            .collect();
        meta.insert("category_colours".into(), Value::Object(colours));
    }
    root.insert("sitview".into(), Value::Object(meta));
    root.insert("features".into(), Value::Array(features));
    let mut out = serde_json::to_vec_pretty(&Value::Object(root)).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A distance as a JSON number: whole metres without a fraction (`100`, not `100.0`).
fn metres(r: f64) -> Value {
    if r.fract() == 0.0 && (0.0..9.0e15).contains(&r) {
        json!(r as u64)
    } else {
        json!(r)
    }
}

fn feature(inc: &Incident) -> Value {
    let mut p = Map::new();
    let extra = &inc.extra;
    // An optional field that is absent is written from `extra` at its usual place when the file
    // had it there (an explicit null, a value that could not be read).
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v.or_else(|| extra.get(k).map(ExtraValue::to_json)) {
            p.insert(k.to_owned(), v);
        }
    };
    put("title", Some(json!(*inc.title)));
    put("category", Some(json!(*inc.category)));
    put("date", inc.date.map(|d| json!(d.to_string())));
    put("date_end", inc.date_end.map(|d| json!(d.to_string())));
    put("date_precision", Some(json!(inc.date_precision.as_str())));
    put("place", Some(json!(*inc.place)));
    put("place_local", inc.place_local.as_ref().map(|v| json!(v)));
    put("admin1", inc.admin1.as_ref().map(|v| json!(**v)));
    put(
        "location_precision",
        Some(json!(inc.location_precision.as_str())),
    );
    put("location_radius_m", inc.location_radius_m.map(metres));
    let c = &inc.casualties;
    put("killed", c.killed.map(|v| json!(v)));
    put("injured", c.injured.map(|v| json!(v)));
    put("children_killed", c.children_killed.map(|v| json!(v)));
    put("notes", inc.notes.as_ref().map(|v| json!(v)));
    put(
        "sources",
        Some(Value::Array(inc.sources.iter().map(source_json).collect())),
    );
    for (k, v) in &inc.extra {
        p.entry(k).or_insert_with(|| v.to_json());
    }
    let geometry = match inc.location {
        Some(l) => json!({"type": "Point", "coordinates": [l.lon, l.lat]}),
        None => Value::Null,
    };
    json!({"type": "Feature", "id": inc.id.as_str(), "geometry": geometry, "properties": p})
}

fn source_json(s: &Source) -> Value {
    let mut o = Map::new();
    o.insert("publisher".into(), json!(s.publisher.as_str()));
    if let Some(u) = &s.url {
        o.insert("url".into(), json!(u));
    }
    if let Some(d) = s.published {
        o.insert("published".into(), json!(d.to_string()));
    }
    if let Some(a) = &s.attribution {
        o.insert("attribution".into(), json!(a));
    }
    o.insert("quote".into(), json!(s.quote));
    Value::Object(o)
}

fn overlay_feature(o: &Overlay) -> Value {
    let mut p = Map::new();
    p.insert("sitview:overlay".into(), json!(true));
    if let Some(n) = &o.name {
        p.insert("name".into(), json!(n));
    }
    if let Some(d) = o.date {
        p.insert("date".into(), json!(d.to_string()));
    }
    if let Some(d) = o.date_end {
        p.insert("date_end".into(), json!(d.to_string()));
    }
    for (k, v) in &o.properties {
        p.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let geometry = o.geometry.as_ref().map_or(Value::Null, geometry_json);
    json!({"type": "Feature", "geometry": geometry, "properties": p})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_points_ranges_and_sources() {
        let text = r#"{"type":"FeatureCollection","sitview":{"version":1},"features":[
          {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[37.1,36.2]},
           "properties":{"title":"T","category":"Shelling","date":"2016-09-19","date_end":"2016-09-22",
             "date_precision":"week","killed":2,"custom":{"x":1},
             "sources":[{"publisher":"P","quote":"Q","published":"2016-09-22"}]}}]}"#;
        let l = read(text.as_bytes()).unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let inc = &l.dataset.incidents[0];
        assert_eq!(inc.id, "a");
        assert_eq!(inc.date_precision, DatePrecision::Week);
        assert_eq!(inc.last_day().unwrap().to_string(), "2016-09-22");
        assert_eq!(inc.casualties.killed, Some(2));
        assert_eq!(&*inc.sources[0].quote, "Q");
        assert_eq!(inc.extra["custom"], json!({"x": 1}));
        // Round trip keeps everything, including the property we do not interpret.
        let again = read(&write(&l.dataset)).unwrap();
        assert_eq!(again.dataset, l.dataset);
    }

    #[test]
    fn bad_records_in_our_files_warn_and_keep_their_data() {
        let text = r#"{"type":"FeatureCollection","sitview":{"version":1},"features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[999,36]},"properties":{"date":"19/09/2016","killed":-3}},
          {"type":"Feature","geometry":null,"properties":{"title":"ok","date":"2016-09-20"}},
          42,
          {"type":"Feature","id":"dup","geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6]]]},"properties":{}},
          {"type":"Feature","id":"dup","geometry":null,"properties":{}},
          {"type":"Feature","id":"dup","geometry":null,"properties":{"date_precision":"roughly"}}
        ]}"#;
        let l = read(text.as_bytes()).unwrap();
        assert_eq!(l.records, 6);
        assert_eq!(l.dataset.incidents.len(), 4);
        assert_eq!(l.dataset.overlays.len(), 1);
        let msgs: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
        let has = |s: &str| msgs.iter().any(|m| m.contains(s));
        assert!(
            has("feature 1 (id \"feature-1\"): coordinates: coordinates [999, 36]"),
            "{msgs:#?}"
        );
        assert!(has("date: \"19/09/2016\" is not a date"), "{msgs:#?}");
        assert!(has("killed -3 is not a whole number"), "{msgs:#?}");
        assert!(
            has("feature 3: not a JSON object but a number"),
            "{msgs:#?}"
        );
        assert!(
            has("feature 6 (id \"dup\"): duplicate id; renamed to \"dup-2\""),
            "{msgs:#?}"
        );
        assert!(has("unknown date_precision \"roughly\""), "{msgs:#?}");
        assert_eq!(msgs.len(), 6, "{msgs:#?}");
        // The unreadable values are kept and written back where they were.
        let first = &l.dataset.incidents[0];
        assert_eq!(first.date, None);
        assert_eq!(first.extra["date"], json!("19/09/2016"));
        let out = String::from_utf8(write(&l.dataset)).unwrap();
        assert!(out.contains("\"date\": \"19/09/2016\""));
        assert!(out.contains("\"killed\": -3"));
        assert!(out.contains("\"date_precision_unreadable\": \"roughly\""));
        assert!(out.contains("\"sitview:geometry\""), "{out}");
        assert_eq!(read(out.as_bytes()).unwrap().dataset, l.dataset);
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = read(b"{\"type\":\"FeatureCollection\",\n\"features\": [,]}").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
        let e = read(b"[1,2]").unwrap_err();
        assert!(e.message.contains("not a list of GeoJSON Features"), "{e}");
        let e = read(b"\"text\"").unwrap_err();
        assert!(e.message.contains("found a string"), "{e}");
        let e = read(br#"{"type":"Topology","objects":{}}"#).unwrap_err();
        assert!(e.message.contains("\"Topology\""), "{e}");
    }

    #[test]
    fn epoch_numbers_and_years() {
        let d = |x: f64| number_date(x).map(|(d, p)| (d.to_string(), p));
        assert_eq!(d(2016.0), Some(("2016-01-01".into(), DatePrecision::Year)));
        assert_eq!(
            d(1_474_243_200.0),
            Some(("2016-09-19".into(), DatePrecision::Day))
        );
        assert_eq!(
            d(1_474_243_200_000.0),
            Some(("2016-09-19".into(), DatePrecision::Day))
        );
        assert_eq!(d(1e300), None);
        assert_eq!(d(-1e20), None);
        assert_eq!(
            epoch_digits("1474243200").unwrap().0.to_string(),
            "2016-09-19"
        );
        assert_eq!(epoch_digits("12345"), None);
    }

    #[test]
    fn colours_read_and_refuse() {
        assert_eq!(parse_colour("#d55e00"), Some([0xd5, 0x5e, 0x00]));
        assert_eq!(parse_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("blue"), None);
        assert_eq!(parse_colour("#ééé"), None);
        assert_eq!(parse_colour("#12345"), None);
    }

    #[test]
    fn whole_metres_have_no_fraction() {
        assert_eq!(metres(100.0).to_string(), "100");
        assert_eq!(metres(2.5).to_string(), "2.5");
    }
}
