//! GeoJSON (RFC 7946) FeatureCollections: the native, lossless incident file format.
//!
//! Each incident is a Point feature; its properties follow the schema documented in the README
//! (`title`, `category`, `date`, `date_end`, `date_precision`, `place`, …, `sources`). Properties
//! this program does not interpret are kept and written back unchanged.

use serde_json::{Map, Value, json};

use super::{Format, FormatError, Loaded, Warning};
use crate::model::{
    Casualties, Dataset, DatePrecision, Day, Incident, LocationPrecision, LonLat, Source,
};

/// Reads a FeatureCollection (or a single Feature).
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| FormatError {
        line: Some(e.line()),
        column: Some(e.column()),
        message: format!("not valid JSON: {}", strip_position(&e.to_string())),
    })?;
    let Value::Object(mut root) = root else {
        return Err(FormatError::new(
            "expected a GeoJSON object (FeatureCollection), found a JSON value of another kind",
        ));
    };
    let features = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match root.remove("features") {
            Some(Value::Array(f)) => f,
            Some(_) => return Err(FormatError::new("\"features\" is not an array")),
            None => return Err(FormatError::new("FeatureCollection without \"features\"")),
        },
        Some("Feature") => vec![Value::Object(root.clone())],
        Some(other) => {
            return Err(FormatError::new(format!(
                "GeoJSON of type {other:?}: expected a FeatureCollection of incidents"
            )));
        }
        None => {
            return Err(FormatError::new(
                "a JSON object without \"type\": not GeoJSON",
            ));
        }
    };
    let title = root
        .get("sitview")
        .and_then(|s| s.get("title"))
        .or_else(|| root.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let mut warnings = Vec::new();
    let mut incidents: Vec<Incident> = Vec::with_capacity(features.len());
    let mut seen = std::collections::HashSet::new();
    let records = features.len();
    for (n, feature) in features.into_iter().enumerate() {
        let mut w = |message: String, id: &str| {
            warnings.push(Warning {
                location: if id.is_empty() {
                    format!("feature {}", n + 1)
                } else {
                    format!("feature {} (id {id:?})", n + 1)
                },
                message,
            })
        };
        let Value::Object(feature) = feature else {
            w("not a JSON object; skipped".into(), "");
            continue;
        };
        let mut inc = read_feature(feature, n, &mut w);
        if !seen.insert(inc.id.clone()) {
            let mut k = 2;
            while seen.contains(&format!("{}-{k}", inc.id)) {
                k += 1;
            }
            let new_id = format!("{}-{k}", inc.id);
            w(format!("duplicate id; renamed to {new_id:?}"), &inc.id);
            inc.id = new_id;
            seen.insert(inc.id.clone());
        }
        incidents.push(inc);
    }
    Ok(Loaded {
        dataset: Dataset { title, incidents },
        warnings,
        records,
        format: Format::GeoJson,
    })
}

fn strip_position(msg: &str) -> &str {
    msg.find(" at line ").map_or(msg, |i| &msg[..i])
}

fn read_feature(
    mut feature: Map<String, Value>,
    n: usize,
    warn: &mut impl FnMut(String, &str),
) -> Incident {
    let mut props = match feature.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    let id = match feature.remove("id").or_else(|| props.remove("id")) {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::Number(x)) => x.to_string(),
        _ => format!("feature-{}", n + 1),
    };
    let mut inc = Incident {
        id,
        ..Default::default()
    };
    let id = inc.id.clone();
    let mut warn = |m: String| warn(m, &id);

    match feature.get("geometry") {
        Some(Value::Object(g)) => {
            match (g.get("type").and_then(Value::as_str), g.get("coordinates")) {
                (Some("Point"), Some(Value::Array(c))) => {
                    match (
                        c.first().and_then(Value::as_f64),
                        c.get(1).and_then(Value::as_f64),
                    ) {
                        (Some(lon), Some(lat)) => match LonLat::new(lon, lat) {
                            Some(p) => inc.location = Some(p),
                            None => warn(format!(
                                "coordinates [{lon}, {lat}] are outside WGS84 bounds; loaded without a location"
                            )),
                        },
                        _ => warn(
                            "Point coordinates are not two numbers; loaded without a location"
                                .into(),
                        ),
                    }
                }
                (Some(t), _) => warn(format!(
                    "geometry type {t} is not a Point; loaded without a location"
                )),
                (None, _) => warn("geometry without a type; loaded without a location".into()),
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => warn("geometry is not an object; loaded without a location".into()),
    }

    let take_str = |props: &mut Map<String, Value>, key: &str| -> Option<String> {
        match props.remove(key) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(Value::Number(x)) => Some(x.to_string()),
            Some(other) => {
                props.insert(key.to_owned(), other);
                None
            }
        }
    };
    inc.title = take_str(&mut props, "title")
        .or_else(|| take_str(&mut props, "name"))
        .unwrap_or_default();
    inc.category = take_str(&mut props, "category").unwrap_or_else(|| "Other".to_owned());
    inc.place = take_str(&mut props, "place").unwrap_or_default();
    inc.place_local = take_str(&mut props, "place_local");
    inc.admin1 = take_str(&mut props, "admin1");
    inc.notes = take_str(&mut props, "notes");

    inc.date = take_day(&mut props, "date", &mut warn);
    inc.date_end = take_day(&mut props, "date_end", &mut warn);
    if let (Some(d), Some(e)) = (inc.date, inc.date_end)
        && e < d
    {
        warn(format!(
            "date_end {e} is before date {d}; treated as the single day {d}"
        ));
    }
    if inc.date.is_none() && inc.date_end.is_some() {
        warn("date_end without date; the incident is listed as undated".into());
    }
    if let Some(p) = take_str(&mut props, "date_precision") {
        match DatePrecision::parse(&p) {
            Some(p) => inc.date_precision = p,
            None => {
                warn(format!(
                    "unknown date_precision {p:?} (day, week, month or year)"
                ));
                props.insert("date_precision".into(), Value::String(p));
            }
        }
    }
    if let Some(p) = take_str(&mut props, "location_precision") {
        match LocationPrecision::parse(&p) {
            Some(p) => inc.location_precision = p,
            None => {
                warn(format!(
                    "unknown location_precision {p:?} (exact, near or approximate)"
                ));
                props.insert("location_precision".into(), Value::String(p));
            }
        }
    }
    match props.remove("location_radius_m") {
        Some(Value::Number(x)) if x.as_f64().is_some_and(|r| r.is_finite() && r >= 0.0) => {
            inc.location_radius_m = x.as_f64();
        }
        Some(Value::Null) | None => {}
        Some(other) => {
            warn(format!(
                "location_radius_m {other} is not a distance in metres"
            ));
            props.insert("location_radius_m".into(), other);
        }
    }
    inc.casualties = Casualties {
        killed: take_count(&mut props, "killed", &mut warn),
        injured: take_count(&mut props, "injured", &mut warn),
        children_killed: take_count(&mut props, "children_killed", &mut warn),
    };
    match props.remove("sources") {
        Some(Value::Array(list)) => {
            let mut unreadable = Vec::new();
            for (k, s) in list.into_iter().enumerate() {
                match s {
                    Value::Object(s) => inc.sources.push(read_source(s, k, &mut warn)),
                    other => {
                        warn(format!(
                            "source {} is not an object; kept as sources_unreadable",
                            k + 1
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
            warn("\"sources\" is not an array; kept as is".into());
            props.insert("sources".into(), other);
        }
    }
    inc.extra = props;
    inc
}

fn take_day(
    props: &mut Map<String, Value>,
    key: &str,
    warn: &mut impl FnMut(String),
) -> Option<Day> {
    match props.remove(key) {
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match s.parse::<Day>() {
            Ok(d) => Some(d),
            Err(e) => {
                warn(format!("{key}: {e}; kept as text"));
                props.insert(key.to_owned(), Value::String(s));
                None
            }
        },
        Some(Value::Null) | None => None,
        Some(other) => {
            warn(format!("{key} is not a date string; kept as is"));
            props.insert(key.to_owned(), other);
            None
        }
    }
}

fn take_count(
    props: &mut Map<String, Value>,
    key: &str,
    warn: &mut impl FnMut(String),
) -> Option<u32> {
    let v = props.remove(key)?;
    let n = match &v {
        Value::Null => return None,
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

fn read_source(mut s: Map<String, Value>, k: usize, warn: &mut impl FnMut(String)) -> Source {
    let mut text = |key: &str| match s.remove(key) {
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
        publisher,
        url,
        published,
        attribution,
        quote,
    }
}

/// Writes the dataset as a pretty-printed FeatureCollection (2-space indent, UTF-8, final newline).
pub fn write(dataset: &Dataset) -> Vec<u8> {
    let features: Vec<Value> = dataset.incidents.iter().map(feature).collect();
    let mut root = Map::new();
    root.insert("type".into(), json!("FeatureCollection"));
    let mut meta = Map::new();
    meta.insert("version".into(), json!(1));
    if let Some(t) = &dataset.title {
        meta.insert("title".into(), json!(t));
    }
    root.insert("sitview".into(), Value::Object(meta));
    root.insert("features".into(), Value::Array(features));
    let mut out = serde_json::to_vec_pretty(&Value::Object(root)).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A JSON number, written as an integer when it is one (`100`, not `100.0`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn feature(inc: &Incident) -> Value {
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        p.insert(k.to_owned(), v);
    };
    put("title", json!(inc.title));
    put("category", json!(inc.category));
    if let Some(d) = inc.date {
        put("date", json!(d.to_string()));
    }
    if let Some(d) = inc.date_end {
        put("date_end", json!(d.to_string()));
    }
    put("date_precision", json!(inc.date_precision.as_str()));
    put("place", json!(inc.place));
    if let Some(v) = &inc.place_local {
        put("place_local", json!(v));
    }
    if let Some(v) = &inc.admin1 {
        put("admin1", json!(v));
    }
    put("location_precision", json!(inc.location_precision.as_str()));
    if let Some(r) = inc.location_radius_m {
        put("location_radius_m", number(r));
    }
    let c = &inc.casualties;
    for (k, v) in [
        ("killed", c.killed),
        ("injured", c.injured),
        ("children_killed", c.children_killed),
    ] {
        if let Some(v) = v {
            put(k, json!(v));
        }
    }
    if let Some(v) = &inc.notes {
        put("notes", json!(v));
    }
    let sources: Vec<Value> = inc
        .sources
        .iter()
        .map(|s| {
            let mut o = Map::new();
            o.insert("publisher".into(), json!(s.publisher));
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
        })
        .collect();
    put("sources", Value::Array(sources));
    for (k, v) in &inc.extra {
        p.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let geometry = match inc.location {
        Some(l) => json!({"type": "Point", "coordinates": [l.lon, l.lat]}),
        None => Value::Null,
    };
    json!({"type": "Feature", "id": inc.id, "geometry": geometry, "properties": p})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_points_ranges_and_sources() {
        let text = r#"{"type":"FeatureCollection","features":[
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
        assert_eq!(inc.sources[0].quote, "Q");
        assert_eq!(inc.extra["custom"], json!({"x": 1}));
        // Round trip keeps everything, including the property we do not interpret.
        let again = read(&write(&l.dataset)).unwrap();
        assert_eq!(again.dataset, l.dataset);
    }

    #[test]
    fn bad_records_warn_and_keep_their_data() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[999,36]},"properties":{"date":"19/09/2016","killed":-3}},
          {"type":"Feature","geometry":null,"properties":{"title":"ok","date":"2016-09-20"}},
          42,
          {"type":"Feature","id":"dup","geometry":{"type":"Polygon","coordinates":[]},"properties":{}},
          {"type":"Feature","id":"dup","geometry":null,"properties":{}}
        ]}"#;
        let l = read(text.as_bytes()).unwrap();
        assert_eq!(l.records, 5);
        assert_eq!(l.dataset.incidents.len(), 4);
        let msgs: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
        let has = |s: &str| msgs.iter().any(|m| m.contains(s));
        assert!(
            has("feature 1 (id \"feature-1\"): coordinates [999, 36]"),
            "{msgs:#?}"
        );
        assert!(has("date: \"19/09/2016\" is not a date"), "{msgs:#?}");
        assert!(has("killed -3 is not a whole number"), "{msgs:#?}");
        assert!(has("feature 3: not a JSON object"), "{msgs:#?}");
        assert!(has("geometry type Polygon"), "{msgs:#?}");
        assert!(has("duplicate id; renamed to \"dup-2\""), "{msgs:#?}");
        // The unreadable date is kept as text and written back.
        let first = &l.dataset.incidents[0];
        assert_eq!(first.date, None);
        assert_eq!(first.extra["date"], json!("19/09/2016"));
        let out = String::from_utf8(write(&l.dataset)).unwrap();
        assert!(out.contains("\"date\": \"19/09/2016\""));
        assert!(out.contains("\"killed\": -3"));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = read(b"{\"type\":\"FeatureCollection\",\n\"features\": [,]}").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
        let e = read(b"[1,2]").unwrap_err();
        assert!(e.message.contains("expected a GeoJSON object"), "{e}");
        let e = read(br#"{"type":"Polygon","coordinates":[]}"#).unwrap_err();
        assert!(e.message.contains("\"Polygon\""), "{e}");
    }
}
