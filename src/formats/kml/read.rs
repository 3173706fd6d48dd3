//! Turns a parsed KML tree into a [`Dataset`]: Placemarks with a Point (or no usable geometry)
//! become incidents, Placemarks with lines and areas become overlays, Folders give categories
//! and Styles give category colours.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::html;
use super::schema::{self, Key, SourceField};
use super::xml::{Parsed, Tree};
use crate::formats::dates::parse_date;
use crate::formats::geojson::{IdSet, unique_id};
use crate::formats::{Format, FormatError, Loaded, Warning};
use crate::model::{
    Casualties, Dataset, DatePrecision, Day, Incident, LocationPrecision, LonLat, Overlay, SmolStr,
    Source,
};

/// How many `styleUrl` → `StyleMap` → `styleUrl` hops are followed before giving up.
const MAX_STYLE_HOPS: usize = 4;

/// Geometry elements a Placemark may hold (local names).
const GEOMETRIES: [&str; 8] = [
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiGeometry",
    "Track",
    "MultiTrack",
    "Model",
];

/// A Range that is this many days long or shorter is read with `Week` precision (see
/// [`super`]'s documentation).
const WEEK_SPAN_DAYS: i32 = 7;

/// Converts the tree into a dataset. Fails only if the root element is not `<kml>`.
pub fn dataset(parsed: Parsed, format: Format) -> Result<Loaded, FormatError> {
    let Parsed { tree, warnings } = parsed;
    let root = tree.root();
    if root.name != "kml" {
        return Err(FormatError {
            line: Some(root.line),
            column: None,
            message: format!(
                "not a KML file: the root element is <{}>, expected <kml>",
                root.name
            ),
        });
    }
    let mut r = KmlReader {
        tree: &tree,
        styles: style_index(&tree),
        warnings,
        dataset: Dataset::default(),
        records: 0,
        placemarks: 0,
        ids: IdSet::default(),
    };
    r.walk();
    Ok(Loaded {
        dataset: r.dataset,
        warnings: r.warnings,
        records: r.records,
        format,
    })
}

/// Styles and StyleMaps by id, anywhere in the document.
fn style_index(tree: &Tree) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for (i, n) in tree.nodes.iter().enumerate() {
        if (n.name == "Style" || n.name == "StyleMap")
            && let Some(id) = tree.attr(i, "id")
        {
            out.entry(id).or_insert(i);
        }
    }
    out
}

struct KmlReader<'t> {
    tree: &'t Tree,
    styles: HashMap<&'t str, usize>,
    warnings: Vec<Warning>,
    dataset: Dataset,
    /// Incident candidates seen (Placemarks with a Point or without usable geometry).
    records: usize,
    /// Placemarks seen, for "Placemark N" and generated ids.
    placemarks: usize,
    ids: IdSet,
}

/// The time a Placemark gives (TimeStamp or TimeSpan).
#[derive(Default)]
struct When {
    date: Option<Day>,
    date_end: Option<Day>,
    precision: DatePrecision,
}

/// What a Placemark's geometry makes of it.
enum Shape {
    /// A Point: an incident.
    Point(LonLat),
    /// No geometry, or one that could not be used: an unlocated incident (with a warning).
    Unlocated,
    /// A line, area or collection: an overlay (`None` if its coordinates were unusable).
    Overlay(Option<geo::Geometry<f64>>),
}

impl<'t> KmlReader<'t> {
    /// Visits the document in order, tracking the innermost Folder's name.
    fn walk(&mut self) {
        let tree = self.tree;
        let mut stack: Vec<(usize, Option<&str>)> = vec![(0, None)];
        while let Some((id, folder)) = stack.pop() {
            let node = tree.node(id);
            let folder = match node.name.as_str() {
                "Placemark" => {
                    self.placemark(id, folder);
                    continue;
                }
                "Document" => {
                    if self.dataset.title.is_none() {
                        self.dataset.title = tree.child_text(id, "name").map(str::to_owned);
                    }
                    folder
                }
                "Folder" => tree.child_text(id, "name").or(folder),
                name @ ("NetworkLink" | "GroundOverlay" | "ScreenOverlay" | "PhotoOverlay") => {
                    self.not_imported(id, name);
                    continue;
                }
                _ => folder,
            };
            stack.extend(node.children.iter().rev().map(|&c| (c, folder)));
        }
    }

    /// Features this program does not load (linked files, images) are named in a warning.
    fn not_imported(&mut self, id: usize, kind: &str) {
        let tree = self.tree;
        let link = tree
            .child(id, "Link")
            .or_else(|| tree.child(id, "Icon"))
            .and_then(|l| tree.child_text(l, "href"));
        let what = match (tree.child_text(id, "name"), link) {
            (Some(n), Some(h)) => format!(" {n:?} ({h})"),
            (Some(n), None) => format!(" {n:?}"),
            (None, Some(h)) => format!(" ({h})"),
            (None, None) => String::new(),
        };
        self.warnings.push(Warning {
            location: format!("{kind} (line {})", tree.node(id).line),
            message: format!("{kind}{what} is not imported: this program reads Placemarks only"),
        });
    }

    fn placemark(&mut self, id: usize, folder: Option<&str>) {
        self.placemarks += 1;
        let location = format!(
            "Placemark {} (line {})",
            self.placemarks,
            self.tree.node(id).line
        );
        let mut warn = Vec::new();
        let shape = self.shape(id, &mut warn);
        match shape {
            Shape::Point(p) => self.incident(id, folder, Some(p), &mut warn),
            Shape::Unlocated => self.incident(id, folder, None, &mut warn),
            Shape::Overlay(g) => self.overlay(id, folder, g, &mut warn),
        }
        self.warnings
            .extend(warn.into_iter().map(|message| Warning {
                location: location.clone(),
                message,
            }));
    }

    fn shape(&self, id: usize, warn: &mut Vec<String>) -> Shape {
        let tree = self.tree;
        let Some(g) = tree
            .node(id)
            .children
            .iter()
            .copied()
            .find(|&c| GEOMETRIES.contains(&tree.node(c).name.as_str()))
        else {
            warn.push("no geometry; kept as an incident without a location".into());
            return Shape::Unlocated;
        };
        match tree.node(g).name.as_str() {
            "Point" => match point(tree, g) {
                Ok(p) => Shape::Point(p),
                Err(e) => {
                    warn.push(format!("Point: {e}; kept without a location"));
                    Shape::Unlocated
                }
            },
            name @ ("Track" | "MultiTrack" | "Model") => {
                warn.push(format!(
                    "{name} geometry is not supported; kept as an incident without a location"
                ));
                Shape::Unlocated
            }
            name => match geometry(tree, g) {
                Ok(geom) => Shape::Overlay(Some(geom)),
                Err(e) => {
                    warn.push(format!("{name}: {e}; kept as an overlay without a shape"));
                    Shape::Overlay(None)
                }
            },
        }
    }

    fn incident(
        &mut self,
        id: usize,
        folder: Option<&str>,
        location: Option<LonLat>,
        warn: &mut Vec<String>,
    ) {
        self.records += 1;
        let tree = self.tree;
        let when = time(tree, id, warn);
        let id_attr = tree.attr(id, "id").map(str::trim).filter(|s| !s.is_empty());
        let mut inc = Incident {
            id: id_attr.map_or_else(|| format!("kml-{}", self.placemarks).into(), SmolStr::new),
            title: name_text(tree, id).unwrap_or_default().into(),
            category: folder.unwrap_or("Other").into(),
            date: when.date,
            date_end: when.date_end,
            date_precision: when.precision,
            location,
            ..Default::default()
        };
        let description = tree.child(id, "description").map(|d| tree.deep_text(d));
        let data = extended_data(tree, id, warn);
        apply_data(&mut inc, data, id_attr.is_none(), description, warn);
        if let (Some(d), Some(e)) = (inc.date, inc.date_end)
            && e < d
        {
            warn.push(format!(
                "date_end {e} is before date {d}; treated as the single day {d}"
            ));
        }
        self.unique_id(&mut inc, warn);
        if let Some(rgb) = self.style_colour(id, "IconStyle") {
            self.dataset
                .category_colours
                .entry(inc.category.to_string())
                .or_insert(rgb);
        }
        self.dataset.incidents.push(inc);
    }

    fn unique_id(&mut self, inc: &mut Incident, warn: &mut Vec<String>) {
        if let Some(new_id) = unique_id(&mut self.ids, &inc.id) {
            warn.push(format!("duplicate id {:?}; renamed to {new_id:?}", inc.id));
            inc.id = new_id.into();
        }
    }

    fn overlay(
        &mut self,
        id: usize,
        folder: Option<&str>,
        geometry: Option<geo::Geometry<f64>>,
        warn: &mut Vec<String>,
    ) {
        let tree = self.tree;
        let when = time(tree, id, warn);
        let mut properties = Map::new();
        for (k, v) in extended_data(tree, id, warn) {
            if k == schema::JSON_EXTRA {
                merge_json(&mut properties, &v, warn);
            } else {
                properties.insert(k, Value::String(v));
            }
        }
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                properties.entry(k).or_insert(Value::String(v));
            }
        };
        put("id", tree.attr(id, "id").map(str::to_owned));
        put("folder", folder.map(str::to_owned));
        put(
            "description",
            tree.child(id, "description")
                .map(|d| html::to_text(&tree.deep_text(d)).text)
                .filter(|t| !t.is_empty()),
        );
        put("stroke", self.style_colour(id, "LineStyle").map(hex_colour));
        put("fill", self.style_colour(id, "PolyStyle").map(hex_colour));
        self.dataset.overlays.push(Overlay {
            name: name_text(tree, id),
            date: when.date,
            date_end: when.date_end,
            geometry,
            properties,
        });
    }

    /// The colour of `kind` (IconStyle, LineStyle, PolyStyle) in the Placemark's own Style or
    /// the one its `styleUrl` names (through a StyleMap's `normal` pair).
    fn style_colour(&self, placemark: usize, kind: &str) -> Option<[u8; 3]> {
        let tree = self.tree;
        if let Some(s) = tree.child(placemark, "Style")
            && let Some(c) = colour_in(tree, s, kind)
        {
            return Some(c);
        }
        let mut url = tree.child_text(placemark, "styleUrl")?;
        for _ in 0..MAX_STYLE_HOPS {
            let id = url.rsplit('#').next().unwrap_or(url);
            let &style = self.styles.get(id)?;
            if tree.node(style).name == "Style" {
                return colour_in(tree, style, kind);
            }
            let normal = tree.children(style, "Pair").find(|&p| {
                tree.child_text(p, "key")
                    .is_none_or(|k| k.eq_ignore_ascii_case("normal"))
            })?;
            if let Some(s) = tree.child(normal, "Style") {
                return colour_in(tree, s, kind);
            }
            url = tree.child_text(normal, "styleUrl")?;
        }
        None
    }
}

/// The `<name>` text, untrimmed (titles are kept exactly), if the element is present.
fn name_text(tree: &Tree, id: usize) -> Option<String> {
    tree.child(id, "name").map(|n| tree.node(n).text.clone())
}

fn colour_in(tree: &Tree, style: usize, kind: &str) -> Option<[u8; 3]> {
    parse_kml_colour(tree.child_text(tree.child(style, kind)?, "color")?)
}

/// A KML colour, `aabbggrr` hex (a 6-digit `bbggrr` is accepted too), as `[r, g, b]`.
pub fn parse_kml_colour(s: &str) -> Option<[u8; 3]> {
    let s = s.trim().trim_start_matches('#');
    // Hex digits only: slicing a text with multi-byte characters panicked (found by fuzzing).
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bgr = match s.len() {
        8 => &s[2..],
        6 => s,
        _ => return None,
    };
    let byte = |i: usize| u8::from_str_radix(bgr.get(i..i + 2)?, 16).ok();
    Some([byte(4)?, byte(2)?, byte(0)?])
}

fn hex_colour([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The position of a `<Point>`.
fn point(tree: &Tree, id: usize) -> Result<LonLat, String> {
    let coords = coordinates(tree, id)?;
    let c = coords.first().ok_or("no coordinates")?;
    Ok(LonLat { lon: c.x, lat: c.y })
}

/// The `<coordinates>` of a geometry element: `lon,lat[,alt]` tuples separated by whitespace,
/// each checked against WGS84 bounds.
fn coordinates(tree: &Tree, id: usize) -> Result<Vec<geo::Coord<f64>>, String> {
    let text = tree
        .child_text(id, "coordinates")
        .ok_or("no <coordinates>")?;
    // Some writers put a space after the commas ("37.1, 36.2"): join those back up.
    let joined = text.split(',').map(str::trim).collect::<Vec<_>>().join(",");
    joined
        .split_whitespace()
        .enumerate()
        .map(|(n, tuple)| {
            let mut parts = tuple.split(',').map(str::parse::<f64>);
            match (parts.next(), parts.next()) {
                (Some(Ok(lon)), Some(Ok(lat))) => LonLat::new(lon, lat)
                    .map(|p| geo::coord! { x: p.lon, y: p.lat })
                    .ok_or_else(|| {
                        format!(
                            "coordinate {} ({lon}, {lat}) is outside WGS84 bounds",
                            n + 1
                        )
                    }),
                _ => Err(format!(
                    "coordinate {} {:?} is not lon,lat[,alt]",
                    n + 1,
                    truncate(tuple, 40)
                )),
            }
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A line, area or MultiGeometry as a `geo` geometry (recursion is bounded by the tree's depth
/// limit).
fn geometry(tree: &Tree, id: usize) -> Result<geo::Geometry<f64>, String> {
    use geo::{Geometry, LineString, Polygon};
    let node = tree.node(id);
    match node.name.as_str() {
        "Point" => point(tree, id).map(|p| Geometry::Point(geo::Point::new(p.lon, p.lat))),
        "LineString" | "LinearRing" => {
            let c = coordinates(tree, id)?;
            if c.len() < 2 {
                return Err(format!("{} needs at least 2 positions", node.name));
            }
            Ok(Geometry::LineString(LineString::new(c)))
        }
        "Polygon" => {
            let ring = |b: usize| -> Result<LineString<f64>, String> {
                let r = tree
                    .child(b, "LinearRing")
                    .ok_or("boundary without LinearRing")?;
                let c = coordinates(tree, r)?;
                if c.len() < 3 {
                    return Err("a LinearRing needs at least 3 positions".into());
                }
                Ok(LineString::new(c))
            };
            let outer = tree
                .child(id, "outerBoundaryIs")
                .ok_or("Polygon without outerBoundaryIs")?;
            let inner = tree
                .children(id, "innerBoundaryIs")
                .map(&ring)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Geometry::Polygon(Polygon::new(ring(outer)?, inner)))
        }
        "MultiGeometry" => {
            let parts = node
                .children
                .iter()
                .filter(|&&c| GEOMETRIES[..5].contains(&tree.node(c).name.as_str()))
                .map(|&c| geometry(tree, c))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(collection(parts))
        }
        other => Err(format!("{other} geometry is not supported")),
    }
}

/// The most specific `geo` type for a MultiGeometry's parts.
fn collection(parts: Vec<geo::Geometry<f64>>) -> geo::Geometry<f64> {
    use geo::Geometry as G;
    if !parts.is_empty() && parts.iter().all(|g| matches!(g, G::Point(_))) {
        return G::MultiPoint(
            parts
                .into_iter()
                .filter_map(|g| geo::Point::try_from(g).ok())
                .collect(),
        );
    }
    if !parts.is_empty() && parts.iter().all(|g| matches!(g, G::LineString(_))) {
        return G::MultiLineString(
            parts
                .into_iter()
                .filter_map(|g| geo::LineString::try_from(g).ok())
                .collect(),
        );
    }
    if !parts.is_empty() && parts.iter().all(|g| matches!(g, G::Polygon(_))) {
        return G::MultiPolygon(
            parts
                .into_iter()
                .filter_map(|g| geo::Polygon::try_from(g).ok())
                .collect(),
        );
    }
    G::GeometryCollection(geo::GeometryCollection::new_from(parts))
}

/// The Placemark's `TimeStamp` or `TimeSpan` (gx: variants included).
fn time(tree: &Tree, id: usize, warn: &mut Vec<String>) -> When {
    if let Some(ts) = tree.child(id, "TimeStamp") {
        let Some(when) = tree.child_text(ts, "when") else {
            warn.push("TimeStamp without <when>; the incident is undated".into());
            return When::default();
        };
        return match parse_date(when) {
            Some((date, precision)) => When {
                date: Some(date),
                date_end: None,
                precision,
            },
            None => {
                warn.push(format!(
                    "<when> {when:?} is not a date; the incident is undated"
                ));
                When::default()
            }
        };
    }
    match tree.child(id, "TimeSpan") {
        Some(span) => time_span(tree, span, warn),
        None => When::default(),
    }
}

/// A TimeSpan's `<begin>` or `<end>`: its day, precision and text.
fn span_part<'t>(
    tree: &'t Tree,
    span: usize,
    tag: &str,
    warn: &mut Vec<String>,
) -> Option<(Day, DatePrecision, &'t str)> {
    let text = tree.child_text(span, tag)?;
    match parse_date(text) {
        Some((d, p)) => Some((d, p, text)),
        None => {
            warn.push(format!("TimeSpan <{tag}> {text:?} is not a date; ignored"));
            None
        }
    }
}

fn time_span(tree: &Tree, span: usize, warn: &mut Vec<String>) -> When {
    let begin = span_part(tree, span, "begin", warn);
    let end =
        span_part(tree, span, "end", warn).map(|(d, p, text)| (last_day_of_end(d, p, text), p));
    match (begin, end) {
        (None, None) => When::default(),
        (Some((d, p, _)), None) => {
            warn.push(format!(
                "TimeSpan without a usable <end>; dated to its begin {d} only"
            ));
            single(d, p)
        }
        (None, Some((e, p))) => {
            warn.push(format!(
                "TimeSpan without a usable <begin>; dated to its end {e} only"
            ));
            single(e, p)
        }
        (Some((d, pb, _)), Some((e, pe))) if e < d => {
            warn.push(format!(
                "TimeSpan ends ({e}) before it begins ({d}); dated to its begin only"
            ));
            single(d, coarser(pb, pe))
        }
        (Some((d, pb, _)), Some((e, pe))) if e == d => single(d, coarser(pb, pe)),
        (Some((d, pb, _)), Some((e, pe))) => {
            let mut precision = coarser(pb, pe);
            if precision == DatePrecision::Day && e.0 - d.0 < WEEK_SPAN_DAYS {
                precision = DatePrecision::Week;
            }
            When {
                date: Some(d),
                date_end: Some(e),
                precision,
            }
        }
    }
}

fn single(date: Day, precision: DatePrecision) -> When {
    When {
        date: Some(date),
        date_end: None,
        precision,
    }
}

/// The last day a TimeSpan `<end>` covers: a month or year covers all of it; an end exactly at
/// midnight (`…T00:00:00`) is the instant the day before ended.
fn last_day_of_end(day: Day, precision: DatePrecision, text: &str) -> Day {
    match precision {
        DatePrecision::Year => {
            let (y, _, _) = day.ymd();
            Day::from_ymd(y, 12, 31).unwrap_or(day)
        }
        DatePrecision::Month => {
            let (y, m, _) = day.ymd();
            Day::from_ymd(y, m, crate::model::days_in_month(y, m)).unwrap_or(day)
        }
        _ => {
            let time = text.trim().split_once('T').map(|(_, t)| t);
            match time {
                Some(t) if t.starts_with("00:00:00") || t == "00:00" || t.starts_with("00:00Z") => {
                    day.plus(-1)
                }
                _ => day,
            }
        }
    }
}

fn coarser(a: DatePrecision, b: DatePrecision) -> DatePrecision {
    let rank = |p| DatePrecision::ALL.iter().position(|&q| q == p).unwrap_or(0);
    if rank(a) >= rank(b) { a } else { b }
}

/// `<ExtendedData>`'s `Data/value` and `SchemaData/SimpleData` pairs, in document order.
fn extended_data(tree: &Tree, id: usize, warn: &mut Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(ed) = tree.child(id, "ExtendedData") else {
        return out;
    };
    for &c in &tree.node(ed).children {
        let pairs: Vec<(usize, Option<String>)> = match tree.node(c).name.as_str() {
            "Data" => vec![(c, tree.child(c, "value").map(|v| tree.node(v).text.clone()))],
            "SchemaData" => tree
                .children(c, "SimpleData")
                .map(|s| (s, Some(tree.node(s).text.clone())))
                .collect(),
            _ => continue,
        };
        for (node, value) in pairs {
            let Some(name) = tree.attr(node, "name").filter(|n| !n.trim().is_empty()) else {
                warn.push(format!(
                    "<{}> on line {} has no name; ignored",
                    tree.node(node).name,
                    tree.node(node).line
                ));
                continue;
            };
            out.push((name.to_owned(), value.unwrap_or_default()));
        }
    }
    out
}

/// Maps ExtendedData onto the incident: recognised keys to fields, the rest to `extra` (an `id`
/// entry names the incident only when the Placemark has no `id` attribute).
/// The description becomes the quote of a single source unless the data lists sources itself
/// (`source_N_*`, as this module writes), in which case it is taken to be a rendering of them.
fn apply_data(
    inc: &mut Incident,
    data: Vec<(String, String)>,
    generated_id: bool,
    description: Option<String>,
    warn: &mut Vec<String>,
) {
    // Numbered sources by N; a gap in the numbering leaves no empty source behind.
    let mut sources: Vec<Option<Source>> = Vec::new();
    let mut single = Source::default();
    let mut explicit_precision = None;
    let mut data_date_precision = None;
    for (key, value) in data {
        let v = value.trim();
        match schema::key(&key) {
            Key::JsonExtra => {
                let mut json = Map::new();
                merge_json(&mut json, &value, warn);
                for (k, v) in json {
                    inc.extra.insert(k, v);
                }
            }
            Key::Id if !v.is_empty() && generated_id => inc.id = v.into(),
            Key::Id => keep(inc, &key, &value, warn, None),
            Key::Title => inc.title = value.clone().into(),
            Key::Category => inc.category = value.clone().into(),
            Key::Date | Key::DateEnd if v.is_empty() => {}
            Key::Date => match parse_date(v) {
                Some((d, p)) => {
                    inc.date = Some(d);
                    data_date_precision = Some(p);
                }
                None => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!("{key}: {v:?} is not a date; kept as text")),
                ),
            },
            Key::DateEnd => match parse_date(v) {
                Some((d, _)) => inc.date_end = Some(d),
                None => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!("{key}: {v:?} is not a date; kept as text")),
                ),
            },
            Key::DatePrecision => match DatePrecision::parse(v) {
                Some(p) => explicit_precision = Some(p),
                None => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!(
                        "unknown date_precision {v:?} (day, week, month or year)"
                    )),
                ),
            },
            Key::Place => inc.place = value.clone().into(),
            Key::PlaceLocal => inc.place_local = Some(value.clone().into()),
            Key::Admin1 => inc.admin1 = Some(value.clone().into()),
            Key::Notes => inc.notes = Some(value.clone().into()),
            Key::LocationPrecision => match LocationPrecision::parse(v) {
                Some(p) => inc.location_precision = p,
                None => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!(
                        "unknown location_precision {v:?} (exact, near or approximate)"
                    )),
                ),
            },
            Key::LocationRadius => match v.parse::<f64>() {
                Ok(r) if r.is_finite() && r >= 0.0 => inc.location_radius_m = Some(r),
                _ => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!("{key}: {v:?} is not a distance in metres")),
                ),
            },
            Key::Killed | Key::Injured | Key::ChildrenKilled => match count(v) {
                Some(n) => set_count(&mut inc.casualties, schema::key(&key), n),
                None if v.is_empty() => {}
                None => keep(
                    inc,
                    &key,
                    &value,
                    warn,
                    Some(format!("{key}: {v:?} is not a whole number of people")),
                ),
            },
            Key::Source(field) => set_source_field(&mut single, field, value.clone(), warn),
            Key::NumberedSource(n, field) => {
                if sources.len() < n {
                    sources.resize_with(n, || None);
                }
                let s = sources[n - 1].get_or_insert_with(Source::default);
                set_source_field(s, field, value.clone(), warn);
            }
            Key::Other => keep(inc, &key, &value, warn, None),
        }
    }
    if let Some(p) = explicit_precision.or(data_date_precision) {
        inc.date_precision = p;
    }
    inc.sources = sources.into_iter().flatten().collect();
    if inc.sources.is_empty() {
        let d = description.map(|d| html::to_text(&d)).unwrap_or_default();
        if single.url.is_none() {
            single.url = d.link.map(Box::from);
        }
        single.quote = d.text.into();
        if single != Source::default() {
            inc.push_source(single);
        }
    }
}

/// Keeps a value that could not be used in `extra`, with the reason as a warning.
fn keep(inc: &mut Incident, key: &str, value: &str, warn: &mut Vec<String>, why: Option<String>) {
    warn.extend(why);
    inc.extra
        .insert(key.to_owned(), Value::String(value.to_owned()));
}

fn count(v: &str) -> Option<u32> {
    v.parse().ok()
}

fn set_count(c: &mut Casualties, key: Key, n: u32) {
    match key {
        Key::Killed => c.killed = Some(n),
        Key::Injured => c.injured = Some(n),
        _ => c.children_killed = Some(n),
    }
}

fn set_source_field(s: &mut Source, field: SourceField, value: String, warn: &mut Vec<String>) {
    match field {
        SourceField::Publisher => s.publisher = value.into(),
        SourceField::Url => s.url = Some(value).filter(|u| !u.trim().is_empty()).map(Box::from),
        SourceField::Attribution => s.attribution = Some(value.into()),
        SourceField::Quote => s.quote = value.into(),
        SourceField::Published => match parse_date(&value) {
            Some((d, _)) => s.published = Some(d),
            None if value.trim().is_empty() => {}
            None => warn.push(format!("source published {value:?} is not a date; ignored")),
        },
    }
}

/// Merges a JSON object written by [`super::write`] for values that are not plain text.
fn merge_json(into: &mut Map<String, Value>, json: &str, warn: &mut Vec<String>) {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(m)) => into.extend(m),
        _ => {
            warn.push(format!(
                "{} is not a JSON object; kept as text",
                schema::JSON_EXTRA
            ));
            into.insert(schema::JSON_EXTRA.into(), Value::String(json.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kml_colours_are_aabbggrr() {
        assert_eq!(parse_kml_colour("ff0000ff"), Some([255, 0, 0]));
        assert_eq!(parse_kml_colour("7f00ff00"), Some([0, 255, 0]));
        assert_eq!(parse_kml_colour("#ff8000"), Some([0, 128, 255]));
        assert_eq!(parse_kml_colour("red"), None);
    }

    #[test]
    fn span_end_rules() {
        let d = |s: &str| s.parse::<Day>().unwrap();
        assert_eq!(
            last_day_of_end(d("2016-09-01"), DatePrecision::Month, "2016-09"),
            d("2016-09-30")
        );
        assert_eq!(
            last_day_of_end(d("2016-09-23"), DatePrecision::Day, "2016-09-23T00:00:00Z"),
            d("2016-09-22")
        );
        assert_eq!(
            last_day_of_end(d("2016-09-22"), DatePrecision::Day, "2016-09-22T23:59:59Z"),
            d("2016-09-22")
        );
        assert_eq!(
            coarser(DatePrecision::Day, DatePrecision::Month),
            DatePrecision::Month
        );
    }
}
