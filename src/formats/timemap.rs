//! TimeMap JSON: the data behind Forensic Architecture's `timemap` and Bellingcat's instances of
//! it (e.g. the Ukraine civilian-harm map).
//!
//! Two shapes are read:
//!
//! - a bare array of events, as TimeMap's events endpoint serves them and as Bellingcat's
//!   "download JSON" button writes them (sources embedded as `{id, path, description}`,
//!   categories as `filters: [{key, value}]`);
//! - an object `{"events": [...], "sources": {...}, "associations": [...], "shapes": ...}`, the
//!   whole TimeMap domain in one file (sources keyed by id or listed with an `id`).
//!
//! An event (`id`, `date`, `time`, `location`, `latitude`, `longitude` — usually strings —,
//! `description`, `category`/`type`, `associations`, `sources`) becomes one incident:
//!
//! - `date` is `MM/DD/YYYY` by default in TimeMap (moment's `DATE_FMT`), ISO dates are read too.
//!   The order of `a/b/yyyy` dates is decided once per file, as a careful reader would: a first
//!   field above 12 proves day-first, a second field above 12 proves month-first. Day-first is
//!   used only when the file proves it and nothing contradicts it; otherwise month-first, with
//!   one file-level warning when no date decides it or when the file contradicts itself.
//! - the category is the event's `category`, else its first association whose mode is
//!   `CATEGORY`, else its first filter association (its title or last filter path), else `type`,
//!   else the first Bellingcat filter's value; `Other` when there is none. The raw
//!   `associations`/`filters` stay in [`Incident::extra`].
//! - each source becomes a [`Source`]: publisher from its `title` (or `type`), url from `url`,
//!   `paths[0]` or `path`, quote from its `description`, falling back to the event's
//!   description. An event without sources keeps its description as a source with no publisher.
//! - the title is the event's `title`, else the first sentence of its description (at most 120
//!   characters), else its location.
//!
//! `shapes` (`{name, items: ["lat,lon", …]}`) become line overlays. Other top-level members
//! (`sites`, `narratives`, …) are not imported and say so in a warning. Nothing is dropped
//! silently: undated or unplaced events are kept with a warning.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{Format, FormatError, Loaded, Warning, dates, geojson};
use crate::model::{Dataset, DatePrecision, Day, Incident, LonLat, Overlay, SharedStr, Source};

/// Whether `bytes` look like TimeMap JSON: a top-level array whose first element is an object
/// with `latitude` and `longitude` (or with `date` and `sources`/`associations`), or an object
/// with an `events` array that is not GeoJSON. Reads the file without building it in memory.
pub fn sniff(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_any(SniffVisitor).unwrap_or(false)
}

/// Reads a TimeMap export.
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let root: Value = serde_json::from_slice(bytes).map_err(|e| geojson::json_error(&e))?;
    let mut domain = Domain::from_root(root)?;
    let events = std::mem::take(&mut domain.events);
    let mut warnings = std::mem::take(&mut domain.notes);
    let order = slash_order_of(&events, &mut warnings);
    let records = events.len();
    let mut incidents = Vec::with_capacity(records);
    let mut seen = geojson::IdSet::default();
    for (n, event) in events.into_iter().enumerate() {
        let Value::Object(event) = event else {
            warnings.push(Warning {
                location: format!("event {}", n + 1),
                message: format!("not a JSON object but {}; skipped", kind(&event)),
            });
            continue;
        };
        let (mut inc, mut notes) = read_event(event, n, &domain, order);
        let location = event_location(n, &inc.id);
        if let Some(new_id) = geojson::unique_id(&mut seen, &inc.id) {
            notes.push(format!("duplicate id; renamed to {new_id:?}"));
            inc.id = new_id.into();
        }
        warnings.extend(notes.into_iter().map(|message| Warning {
            location: location.clone(),
            message,
        }));
        incidents.push(inc);
    }
    Ok(Loaded {
        dataset: Dataset {
            incidents,
            overlays: domain.overlays,
            ..Default::default()
        },
        warnings,
        records,
        format: Format::TimeMap,
    })
}

fn event_location(n: usize, id: &str) -> String {
    format!("event {} (id {id:?})", n + 1)
}

/// "a string", "a number", … for messages.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// The file's parts

/// One association (filter, category or narrative) from the file's `associations` list.
struct Association {
    title: String,
    mode: String,
}

/// Everything an event refers to, and the events themselves.
struct Domain {
    events: Vec<Value>,
    sources: HashMap<String, Map<String, Value>>,
    associations: HashMap<String, Association>,
    overlays: Vec<Overlay>,
    /// File-level warnings found while splitting the file.
    notes: Vec<Warning>,
}

impl Domain {
    fn from_root(root: Value) -> Result<Domain, FormatError> {
        let mut domain = Domain {
            events: Vec::new(),
            sources: HashMap::new(),
            associations: HashMap::new(),
            overlays: Vec::new(),
            notes: Vec::new(),
        };
        let mut root = match root {
            Value::Array(events) => {
                domain.events = events;
                return Ok(domain);
            }
            Value::Object(o) => o,
            other => {
                return Err(FormatError::new(format!(
                    "expected TimeMap events (an array, or an object with \"events\"), found {}",
                    kind(&other)
                )));
            }
        };
        domain.events = match root.shift_remove("events") {
            Some(Value::Array(e)) => e,
            Some(other) => {
                return Err(FormatError::new(format!(
                    "\"events\" is {}, not an array of events",
                    kind(&other)
                )));
            }
            None => {
                return Err(FormatError::new(
                    "a JSON object without an \"events\" array: not a TimeMap export",
                ));
            }
        };
        if let Some(s) = root.shift_remove("sources") {
            domain.read_sources(s);
        }
        if let Some(a) = root.shift_remove("associations") {
            domain.read_associations(a);
        }
        if let Some(s) = root.shift_remove("shapes") {
            domain.read_shapes(s);
        }
        for (key, value) in root {
            let size = match &value {
                Value::Array(a) => format!(" ({} entries)", a.len()),
                Value::Object(o) => format!(" ({} entries)", o.len()),
                _ => String::new(),
            };
            domain.note(
                key.as_str(),
                format!("top-level member {key:?}{size} is not imported"),
            );
        }
        Ok(domain)
    }

    fn note(&mut self, location: &str, message: String) {
        self.notes.push(Warning {
            location: location.to_owned(),
            message,
        });
    }

    /// `sources` keyed by id (TimeMap's own form) or as a list of objects with `id`.
    fn read_sources(&mut self, sources: Value) {
        let entries: Vec<(Option<String>, Value)> = match sources {
            Value::Object(o) => o.into_iter().map(|(k, v)| (Some(k), v)).collect(),
            Value::Array(a) => a.into_iter().map(|v| (None, v)).collect(),
            other => {
                let m = format!("is {}, not sources by id; not imported", kind(&other));
                self.note("sources", m);
                return;
            }
        };
        for (n, (key, value)) in entries.into_iter().enumerate() {
            let Value::Object(s) = value else {
                let m = format!("source {} is {}; not imported", n + 1, kind(&value));
                self.note("sources", m);
                continue;
            };
            match key.or_else(|| s.get("id").and_then(scalar_text)) {
                Some(id) => {
                    self.sources.insert(id, s);
                }
                None => self.note("sources", format!("source {} has no id; unused", n + 1)),
            }
        }
    }

    fn read_associations(&mut self, associations: Value) {
        let Value::Array(list) = associations else {
            let m = format!("is {}, not a list; not imported", kind(&associations));
            self.note("associations", m);
            return;
        };
        for a in list {
            let Value::Object(a) = a else { continue };
            let Some(id) = a.get("id").and_then(scalar_text) else {
                continue;
            };
            let association = association_of(&a, &id);
            self.associations.insert(id, association);
        }
    }

    /// TimeMap shapes: `{name, items: ["lat,lon", …]}`, keyed by name or listed.
    fn read_shapes(&mut self, shapes: Value) {
        let list: Vec<(Option<String>, Value)> = match shapes {
            Value::Object(o) => o.into_iter().map(|(k, v)| (Some(k), v)).collect(),
            Value::Array(a) => a.into_iter().map(|v| (None, v)).collect(),
            other => {
                let m = format!("is {}, not a list of shapes; not imported", kind(&other));
                self.note("shapes", m);
                return;
            }
        };
        for (n, (key, value)) in list.into_iter().enumerate() {
            let location = format!("shape {}", n + 1);
            let Value::Object(mut props) = value else {
                let m = format!("not an object but {}; not imported", kind(&value));
                self.note(&location, m);
                continue;
            };
            let name = match props.shift_remove("name") {
                Some(Value::String(s)) => Some(s),
                Some(other) => {
                    props.insert("name".into(), other);
                    key
                }
                None => key,
            };
            let items = props.shift_remove("items").unwrap_or(Value::Null);
            let geometry = match shape_line(&items) {
                Ok(line) => Some(geo::Geometry::LineString(line)),
                Err(e) => {
                    self.note(&location, format!("{e}; kept without a geometry"));
                    props.insert("items".into(), items);
                    None
                }
            };
            self.overlays.push(Overlay {
                name,
                geometry,
                properties: props,
                ..Default::default()
            });
        }
    }
}

fn association_of(a: &Map<String, Value>, id: &str) -> Association {
    let title = a
        .get("title")
        .and_then(scalar_text)
        .or_else(|| {
            a.get("filter_paths")
                .and_then(Value::as_array)
                .and_then(|p| p.last())
                .and_then(scalar_text)
        })
        .unwrap_or_else(|| id.to_owned());
    let mode = a
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_uppercase();
    Association { title, mode }
}

/// `["36.2,37.1", …]` (latitude first, as TimeMap writes them) or `[[36.2, 37.1], …]`.
fn shape_line(items: &Value) -> Result<geo::LineString<f64>, String> {
    let Value::Array(items) = items else {
        return Err(format!(
            "\"items\" is {}, not a list of points",
            kind(items)
        ));
    };
    let mut coords = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let pair: Option<(f64, f64)> = match item {
            Value::String(s) => {
                let mut it = s.split(',').map(|p| p.trim().parse::<f64>().ok());
                match (it.next().flatten(), it.next().flatten(), it.next()) {
                    (Some(a), Some(b), None) => Some((a, b)),
                    _ => None,
                }
            }
            Value::Array(a) if a.len() == 2 => a[0].as_f64().zip(a[1].as_f64()),
            _ => None,
        };
        let point = pair.and_then(|(lat, lon)| LonLat::new(lon, lat));
        match point {
            Some(p) => coords.push(geo::Coord { x: p.lon, y: p.lat }),
            None => {
                return Err(format!(
                    "item {} ({item}) is not \"latitude,longitude\"",
                    k + 1
                ));
            }
        }
    }
    Ok(geo::LineString::new(coords))
}

/// A string or number as text; `None` for anything else and for blank strings.
pub(super) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Events

fn slash_order_of(events: &[Value], warnings: &mut Vec<Warning>) -> SlashOrder {
    let mut evidence = SlashEvidence::default();
    for e in events {
        if let Some(Value::String(d)) = e.get("date") {
            evidence.add(d);
        }
    }
    let (order, note) = evidence.decide("TimeMap's default");
    if let Some(message) = note {
        warnings.push(Warning {
            location: "dates".into(),
            message,
        });
    }
    order
}

fn read_event(
    mut e: Map<String, Value>,
    n: usize,
    domain: &Domain,
    order: SlashOrder,
) -> (Incident, Vec<String>) {
    let mut notes = Vec::new();
    let id = match e.shift_remove("id") {
        None | Some(Value::Null) => None,
        Some(v) => scalar_text(&v).or_else(|| {
            notes.push(format!(
                "id is {}, not a string or number; kept as \"id_unreadable\"",
                kind(&v)
            ));
            e.insert("id_unreadable".into(), v);
            None
        }),
    }
    .unwrap_or_else(|| format!("event-{}", n + 1));
    let mut inc = Incident {
        id: id.into(),
        ..Default::default()
    };
    inc.location = event_location_of(&mut e, &mut notes);
    read_event_date(&mut e, &mut inc, order, &mut notes);
    inc.place = take_text(&mut e, "location").unwrap_or_default().into();
    inc.category = event_category(&mut e, domain).map_or_else(|| "Other".into(), SharedStr::from);
    let description = take_text(&mut e, "description");
    inc.title = take_text(&mut e, "title")
        .or_else(|| description.as_deref().map(summary))
        .unwrap_or_else(|| inc.place.to_string())
        .into();
    let used = read_event_sources(&mut e, &mut inc, description.as_deref(), domain, order);
    if let (false, Some(d)) = (used, description) {
        e.insert("description".into(), Value::String(d));
    }
    if let Some(msg) = unresolved_note(&e) {
        notes.push(msg);
    }
    inc.extra = e.into();
    (inc, notes)
}

/// `latitude`/`longitude` as numbers or strings (a decimal comma is accepted, as TimeMap does).
fn event_location_of(e: &mut Map<String, Value>, notes: &mut Vec<String>) -> Option<LonLat> {
    let lat = e.shift_remove("latitude");
    let lon = e.shift_remove("longitude");
    let num = |v: &Option<Value>| -> Option<Option<f64>> {
        match v {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) if s.trim().is_empty() => Some(None),
            Some(Value::String(s)) => s.trim().replace(',', ".").parse().ok().map(Some),
            Some(Value::Number(x)) => x.as_f64().map(Some),
            Some(_) => None,
        }
    };
    let result = match (num(&lat), num(&lon)) {
        (Some(None), Some(None)) => {
            notes.push("no latitude/longitude; listed without a location".into());
            return None;
        }
        (Some(Some(la)), Some(Some(lo))) => LonLat::new(lo, la).ok_or_else(|| {
            format!(
                "latitude {}, longitude {} are outside WGS84 bounds",
                geojson::short(la),
                geojson::short(lo)
            )
        }),
        _ => Err(format!(
            "latitude {} / longitude {} are not two numbers",
            lat.as_ref().unwrap_or(&Value::Null),
            lon.as_ref().unwrap_or(&Value::Null)
        )),
    };
    match result {
        Ok(p) => Some(p),
        Err(m) => {
            notes.push(format!("{m}; listed without a location, values kept"));
            for (k, v) in [("latitude", lat), ("longitude", lon)] {
                if let Some(v) = v {
                    e.insert(k.into(), v);
                }
            }
            None
        }
    }
}

fn read_event_date(
    e: &mut Map<String, Value>,
    inc: &mut Incident,
    order: SlashOrder,
    notes: &mut Vec<String>,
) {
    match e.shift_remove("date") {
        None | Some(Value::Null) => notes.push("no date; listed as undated".into()),
        Some(Value::String(s)) if s.trim().is_empty() => {
            notes.push("no date; listed as undated".into())
        }
        Some(Value::String(s)) => match parse_text_date(&s, order) {
            Some((d, p)) => {
                inc.date = Some(d);
                inc.date_precision = p;
                inc.date_end = period_end(d, p);
            }
            None => {
                notes.push(format!(
                    "date {s:?} is not a date ({}); listed as undated, text kept",
                    order.pattern()
                ));
                e.insert("date".into(), Value::String(s));
            }
        },
        Some(other) => {
            notes.push(format!(
                "date is {}, not a date string; listed as undated, value kept",
                kind(&other)
            ));
            e.insert("date".into(), other);
        }
    }
}

fn take_text(e: &mut Map<String, Value>, key: &str) -> Option<String> {
    match e.get(key).and_then(scalar_text) {
        Some(s) => {
            e.shift_remove(key);
            Some(s)
        }
        None => {
            if matches!(e.get(key), Some(Value::Null)) {
                e.shift_remove(key);
            } else if matches!(e.get(key), Some(Value::String(_))) {
                e.shift_remove(key); // blank
            }
            None
        }
    }
}

/// The event's category: see the module documentation for the order.
fn event_category(e: &mut Map<String, Value>, domain: &Domain) -> Option<String> {
    if let Some(c) = take_text(e, "category") {
        return Some(c);
    }
    let names: Vec<Association> = match e.get("associations") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|a| match a {
                Value::Object(o) => {
                    let id = o.get("id").and_then(scalar_text).unwrap_or_default();
                    Some(association_of(o, &id))
                }
                other => {
                    let id = scalar_text(other)?;
                    Some(match domain.associations.get(&id) {
                        Some(a) => Association {
                            title: a.title.clone(),
                            mode: a.mode.clone(),
                        },
                        None => Association {
                            title: id,
                            mode: String::new(),
                        },
                    })
                }
            })
            .filter(|a| !a.title.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    let pick = |mode: &dyn Fn(&str) -> bool| names.iter().find(|a| mode(&a.mode));
    if let Some(a) = pick(&|m| m == "CATEGORY").or_else(|| pick(&|m| m != "NARRATIVE")) {
        return Some(a.title.clone());
    }
    if let Some(t) = take_text(e, "type") {
        return Some(t);
    }
    let first_filter = e
        .get("filters")
        .and_then(Value::as_array)
        .and_then(|f| f.first())?;
    first_filter
        .get("value")
        .and_then(scalar_text)
        .or_else(|| first_filter.get("key").and_then(scalar_text))
}

/// The first sentence (or line) of a description, at most 120 characters.
fn summary(description: &str) -> String {
    const MAX: usize = 120;
    let line = description
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let line = line.trim();
    let sentence = match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    };
    if sentence.chars().count() <= MAX {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(MAX).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > MAX / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// Turns the event's `sources` into [`Source`]s. Returns whether the event's description was
/// used as a quote.
fn read_event_sources(
    e: &mut Map<String, Value>,
    inc: &mut Incident,
    description: Option<&str>,
    domain: &Domain,
    order: SlashOrder,
) -> bool {
    let mut used = false;
    let mut unresolved = Vec::new();
    match e.shift_remove("sources") {
        Some(Value::Array(list)) => {
            for s in list {
                let found = match &s {
                    Value::Object(o) => Some(o),
                    other => scalar_text(other).and_then(|id| domain.sources.get(&id)),
                };
                match found {
                    Some(o) => {
                        let (src, fell_back) = source_of(o, description, order);
                        used |= fell_back;
                        inc.push_source(src);
                    }
                    None => unresolved.push(s),
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(other) => unresolved.push(other),
    }
    if !unresolved.is_empty() {
        e.insert("sources_unresolved".into(), Value::Array(unresolved));
    }
    if inc.sources.is_empty()
        && let Some(d) = description
    {
        inc.push_source(Source {
            quote: d.into(),
            ..Default::default()
        });
        used = true;
    }
    used
}

fn unresolved_note(e: &Map<String, Value>) -> Option<String> {
    let Some(Value::Array(list)) = e.get("sources_unresolved") else {
        return None;
    };
    let shown: Vec<String> = list.iter().take(3).map(Value::to_string).collect();
    Some(format!(
        "{} source reference(s) not found in the file's sources ({}); kept as sources_unresolved",
        list.len(),
        shown.join(", ")
    ))
}

/// A TimeMap source object as a [`Source`]; the flag tells whether the event's description was
/// used as the quote.
fn source_of(
    o: &Map<String, Value>,
    description: Option<&str>,
    order: SlashOrder,
) -> (Source, bool) {
    let text = |k: &str| o.get(k).and_then(scalar_text);
    let url = text("url")
        .or_else(|| {
            o.get("paths")
                .and_then(Value::as_array)
                .and_then(|p| p.iter().find_map(scalar_text))
        })
        .or_else(|| text("path"));
    let own = text("description");
    let fell_back = own.is_none() && description.is_some();
    let quote = own
        .or_else(|| description.map(str::to_owned))
        .unwrap_or_default();
    let src = Source {
        publisher: text("title")
            .or_else(|| text("type"))
            .unwrap_or_default()
            .into(),
        url: url.map(Box::from),
        published: text("date")
            .and_then(|d| parse_text_date(&d, order))
            .map(|(d, _)| d),
        attribution: None,
        quote: quote.into(),
    };
    (src, fell_back)
}

// ---------------------------------------------------------------------------------------------
// Dates written with slashes, shared with the GeoJSON reader.
// (They would sit well in `dates.rs`; kept here while that file has another owner.)

/// How to read `a/b/yyyy` dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum SlashOrder {
    /// `09/19/2016`: TimeMap's default and the US order.
    #[default]
    MonthFirst,
    /// `19/09/2016`.
    DayFirst,
}

impl SlashOrder {
    fn pattern(self) -> &'static str {
        match self {
            SlashOrder::MonthFirst => "read as MM/DD/YYYY",
            SlashOrder::DayFirst => "read as DD/MM/YYYY",
        }
    }
}

/// What the `a/b/yyyy` dates of one file say about their order: an example of each kind.
#[derive(Default)]
pub(super) struct SlashEvidence {
    month_first: Option<String>,
    day_first: Option<String>,
    ambiguous: Option<String>,
}

impl SlashEvidence {
    pub(super) fn add(&mut self, s: &str) {
        let Some((a, b, _)) = slash_fields(s) else {
            return;
        };
        let slot = match (a > 12, b > 12) {
            (true, false) => &mut self.day_first,
            (false, true) => &mut self.month_first,
            (false, false) if a != b => &mut self.ambiguous,
            _ => return,
        };
        slot.get_or_insert_with(|| s.trim().to_owned());
    }

    /// The order to read the file with, and a note for the reader when the file does not
    /// settle it. `default_name` says why month-first is the default ("TimeMap's default").
    pub(super) fn decide(&self, default_name: &str) -> (SlashOrder, Option<String>) {
        match (&self.month_first, &self.day_first, &self.ambiguous) {
            (None, Some(_), _) => (SlashOrder::DayFirst, None),
            (Some(m), Some(d), _) => (
                SlashOrder::MonthFirst,
                Some(format!(
                    "the file mixes month-first dates ({m:?}) and day-first dates ({d:?}); \
                     read as MM/DD/YYYY ({default_name}), so the day-first ones are not read"
                )),
            ),
            (None, None, Some(x)) => (
                SlashOrder::MonthFirst,
                Some(format!(
                    "no date in the file shows whether {x:?} is month/day or day/month; \
                     read as MM/DD/YYYY ({default_name})"
                )),
            ),
            _ => (SlashOrder::MonthFirst, None),
        }
    }
}

/// `a/b/yyyy` (or `a.b.yyyy`, `a-b-yyyy`; two-digit years too, except with dashes) split into
/// its fields; any time after a space is ignored.
fn slash_fields(s: &str) -> Option<(u32, u32, i32)> {
    let date = s.split_whitespace().next()?;
    let sep = ['/', '.', '-'].into_iter().find(|&c| date.contains(c))?;
    let mut parts = date.split(sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let year_digits_ok = y.len() == 4 || (y.len() == 2 && sep != '-');
    if parts.next().is_some() || a.len() > 2 || b.len() > 2 || !year_digits_ok {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !(digits(a) && digits(b) && digits(y)) {
        return None;
    }
    let mut year: i32 = y.parse().ok()?;
    if y.len() == 2 {
        // moment.js's rule for two-digit years, as TimeMap parses them.
        year += if year > 68 { 1900 } else { 2000 };
    }
    Some((a.parse().ok()?, b.parse().ok()?, year))
}

/// `2016/09/19` or `2016.9.19`: year first is unambiguous.
fn year_first(s: &str) -> Option<Day> {
    let date = s.split_whitespace().next()?;
    let mut parts = date.split(['/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    Day::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A date written as text: `a/b/yyyy` in the given order (this reader decides the order, not
/// [`dates::parse_date`]), `YYYY/MM/DD`, or anything [`dates::parse_date`] reads.
pub(super) fn parse_text_date(s: &str, order: SlashOrder) -> Option<(Day, DatePrecision)> {
    if let Some((a, b, y)) = slash_fields(s) {
        let (m, d) = match order {
            SlashOrder::MonthFirst => (a, b),
            SlashOrder::DayFirst => (b, a),
        };
        return Day::from_ymd(y, m, d).map(|d| (d, DatePrecision::Day));
    }
    if let Some(d) = year_first(s) {
        return Some((d, DatePrecision::Day));
    }
    dates::parse_date(s)
}

/// The last day of the month or year a date of that precision stands for, so that the incident
/// is visible over the whole period; `None` for day and week precision.
pub(super) fn period_end(day: Day, precision: DatePrecision) -> Option<Day> {
    let (y, m, _) = day.ymd();
    match precision {
        DatePrecision::Month => Day::from_ymd(y, m, crate::model::days_in_month(y, m)),
        DatePrecision::Year => Day::from_ymd(y, 12, 31),
        DatePrecision::Day | DatePrecision::Week => None,
    }
    .filter(|&end| end != day)
}

// ---------------------------------------------------------------------------------------------
// Sniffing without building the document

struct SniffVisitor;

impl<'de> Visitor<'de> for SniffVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array or object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let first: Option<Value> = seq.next_element()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        let Some(Value::Object(o)) = first else {
            return Ok(false);
        };
        let has = |k: &str| o.contains_key(k);
        let feature = o.get("type").and_then(Value::as_str) == Some("Feature");
        Ok(!feature
            && ((has("latitude") && has("longitude"))
                || (has("date") && (has("sources") || has("associations")))))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (mut events, mut geojson) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "events" => events = map.next_value::<IsArray>()?.0,
                "type" | "features" => {
                    geojson = true;
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(events && !geojson)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Whether a value is an array, skipping over it without keeping it.
struct IsArray(bool);

impl<'de> serde::Deserialize<'de> for IsArray {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IsArray;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IsArray, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IsArray(true))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IsArray, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(IsArray(false))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<IsArray, E> {
                Ok(IsArray(false))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn slash_order_is_decided_by_the_file() {
        let decide = |dates: &[&str]| {
            let mut e = SlashEvidence::default();
            dates.iter().for_each(|d| e.add(d));
            e.decide("test")
        };
        assert_eq!(
            decide(&["09/19/2016", "09/01/2016"]).0,
            SlashOrder::MonthFirst
        );
        assert_eq!(
            decide(&["19/09/2016", "01/09/2016"]).0,
            SlashOrder::DayFirst
        );
        let (o, note) = decide(&["09/10/2016"]);
        assert_eq!(o, SlashOrder::MonthFirst);
        assert!(note.unwrap().contains("\"09/10/2016\""));
        let (o, note) = decide(&["09/19/2016", "19/09/2016"]);
        assert_eq!(o, SlashOrder::MonthFirst);
        assert!(note.unwrap().contains("mixes"));
        // Same day and month, or ISO dates, decide nothing and need no note.
        assert_eq!(
            decide(&["09/09/2016", "2016-09-19"]),
            (SlashOrder::MonthFirst, None)
        );
    }

    #[test]
    fn text_dates_in_every_form() {
        let p = |s: &str, o| parse_text_date(s, o).map(|(d, p)| (d.to_string(), p));
        let mf = SlashOrder::MonthFirst;
        assert_eq!(
            p("9/19/2016", mf),
            Some(("2016-09-19".into(), DatePrecision::Day))
        );
        assert_eq!(
            p("19/9/2016", SlashOrder::DayFirst).unwrap().0,
            "2016-09-19"
        );
        assert_eq!(p("9/19/16 14:00", mf).unwrap().0, "2016-09-19");
        assert_eq!(
            p("2016/09/19", SlashOrder::DayFirst).unwrap().0,
            "2016-09-19"
        );
        assert_eq!(
            p("2016-09", mf),
            Some(("2016-09-01".into(), DatePrecision::Month))
        );
        assert_eq!(p("19/09/2016", mf), None);
        assert_eq!(p("1/2/3/2016", mf), None);
        assert_eq!(p("９/19/2016", mf), None);
        assert_eq!(p("09-19-2016", mf).unwrap().0, "2016-09-19");
        assert_eq!(p("01/02/2016", mf).unwrap().0, "2016-01-02");
        assert_eq!(
            p("01/02/2016", SlashOrder::DayFirst).unwrap().0,
            "2016-02-01"
        );
    }

    #[test]
    fn periods_end_on_their_last_day() {
        assert_eq!(
            period_end(day("2016-02-01"), DatePrecision::Month),
            Some(day("2016-02-29"))
        );
        assert_eq!(
            period_end(day("2016-01-01"), DatePrecision::Year),
            Some(day("2016-12-31"))
        );
        assert_eq!(period_end(day("2016-09-19"), DatePrecision::Day), None);
    }

    #[test]
    fn sniffs_timemap_and_not_geojson() {
        assert!(sniff(
            br#"[{"id":"1","date":"09/19/2016","latitude":"36.2","longitude":"37.1"}]"#
        ));
        assert!(sniff(br#"{"events":[],"sources":{}}"#));
        assert!(!sniff(
            br#"{"type":"FeatureCollection","features":[],"events":[]}"#
        ));
        assert!(!sniff(
            br#"[{"type":"Feature","latitude":1,"longitude":2}]"#
        ));
        assert!(!sniff(br#"{"events":{}}"#));
        assert!(!sniff(b"[1,2"));
        assert!(!sniff(b""));
    }

    #[test]
    fn summary_takes_the_first_sentence() {
        assert_eq!(
            summary("Strike on a bakery. Five killed."),
            "Strike on a bakery."
        );
        let long = "word ".repeat(40);
        let s = summary(&long);
        assert!(s.ends_with('…') && s.chars().count() <= 121, "{s}");
    }
}
