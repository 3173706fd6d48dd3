//! Writes a [`Dataset`] as KML 2.2 that Google Earth shows well and that [`super::read`] reads
//! back to the same incidents: one Folder and one Style per category, a Placemark per incident
//! (Point, TimeStamp or TimeSpan, an HTML description for people, every model field in
//! ExtendedData for programs), then the overlays as Placemarks with lines and areas.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::html;
use super::schema::{self, Key, SourceField};
use crate::model::{Dataset, DatePrecision, Day, Incident, Overlay};

/// Colours for categories the dataset gives none (Tableau 10), as sRGB.
const PALETTE: [[u8; 3]; 10] = [
    [0x4e, 0x79, 0xa7],
    [0xf2, 0x8e, 0x2b],
    [0xe1, 0x57, 0x59],
    [0x76, 0xb7, 0xb2],
    [0x59, 0xa1, 0x4f],
    [0xed, 0xc9, 0x48],
    [0xb0, 0x7a, 0xa1],
    [0xff, 0x9d, 0xa7],
    [0x9c, 0x75, 0x5f],
    [0xba, 0xb0, 0xac],
];

/// Writes the dataset as a KML 2.2 document (UTF-8, two-space indent, final newline).
pub fn write(dataset: &Dataset) -> Vec<u8> {
    let mut w = Out::default();
    w.line(0, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    w.line(0, r#"<kml xmlns="http://www.opengis.net/kml/2.2">"#);
    w.line(1, "<Document>");
    if let Some(t) = &dataset.title {
        w.element(2, "name", t);
    }
    let categories: Vec<String> = dataset.categories().into_iter().map(|(c, _)| c).collect();
    for (i, cat) in categories.iter().enumerate() {
        let rgb = dataset
            .category_colours
            .get(cat)
            .copied()
            .unwrap_or(PALETTE[i % PALETTE.len()]);
        w.line(2, &format!("<Style id=\"{}\">", style_id(i)));
        w.line(3, "<IconStyle>");
        w.element(4, "color", &kml_colour(rgb, 0xff));
        w.line(3, "</IconStyle>");
        w.line(2, "</Style>");
    }
    for (i, cat) in categories.iter().enumerate() {
        w.line(2, "<Folder>");
        w.element(3, "name", cat);
        for inc in dataset.incidents.iter().filter(|inc| &inc.category == cat) {
            placemark(&mut w, inc, &style_id(i));
        }
        w.line(2, "</Folder>");
    }
    for overlay in &dataset.overlays {
        overlay_placemark(&mut w, overlay);
    }
    w.line(1, "</Document>");
    w.line(0, "</kml>");
    w.0.into_bytes()
}

fn style_id(category_index: usize) -> String {
    format!("category-{}", category_index + 1)
}

/// `[r, g, b]` as KML's `aabbggrr`.
fn kml_colour([r, g, b]: [u8; 3], alpha: u8) -> String {
    format!("{alpha:02x}{b:02x}{g:02x}{r:02x}")
}

/// `#rrggbb` (as overlay `stroke`/`fill` properties hold) as `[r, g, b]`.
fn parse_hex_rgb(s: &str) -> Option<[u8; 3]> {
    let s = s.trim().strip_prefix('#')?;
    if s.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(s.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The document being written.
#[derive(Default)]
struct Out(String);

impl Out {
    fn line(&mut self, indent: usize, s: &str) {
        for _ in 0..indent {
            self.0.push_str("  ");
        }
        self.0.push_str(s);
        self.0.push('\n');
    }

    /// `<tag>text</tag>` with the text escaped.
    fn element(&mut self, indent: usize, tag: &str, text: &str) {
        self.line(
            indent,
            &format!("<{tag}>{}</{tag}>", xml_escape(text, false)),
        );
    }

    fn data(&mut self, indent: usize, name: &str, value: &str) {
        self.line(
            indent,
            &format!(
                "<Data name=\"{}\"><value>{}</value></Data>",
                xml_escape(name, true),
                xml_escape(value, false)
            ),
        );
    }
}

/// Escapes text for XML content (`attr = false`) or a double-quoted attribute. Characters XML
/// 1.0 cannot hold become U+FFFD; carriage returns (and, in attributes, tabs and newlines) are
/// written as character references so that parsers do not normalise them away.
fn xml_escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn placemark(w: &mut Out, inc: &Incident, style: &str) {
    w.line(
        3,
        &format!("<Placemark id=\"{}\">", xml_escape(&inc.id, true)),
    );
    w.element(4, "name", &inc.title);
    let description = description_html(inc);
    if !description.is_empty() {
        w.element(4, "description", &description);
    }
    time(w, 4, inc.date, inc.date_end, inc.date_precision);
    w.element(4, "styleUrl", &format!("#{style}"));
    w.line(4, "<ExtendedData>");
    for (k, v) in incident_data(inc) {
        w.data(5, &k, &v);
    }
    w.line(4, "</ExtendedData>");
    if let Some(p) = inc.location {
        w.line(4, "<Point>");
        w.element(5, "coordinates", &format!("{},{}", p.lon, p.lat));
        w.line(4, "</Point>");
    }
    w.line(3, "</Placemark>");
}

/// TimeStamp for a single day (or month, or year), TimeSpan for a range. A range's `<end>` is
/// written as the last second of its last day: KML's end is an instant, and a bare date would be
/// read by Google Earth as that day's first instant, hiding the incident on its last day.
fn time(w: &mut Out, indent: usize, date: Option<Day>, end: Option<Day>, p: DatePrecision) {
    let Some(date) = date else { return };
    match end {
        Some(end) if end > date => {
            w.line(indent, "<TimeSpan>");
            w.element(indent + 1, "begin", &date.to_string());
            w.element(indent + 1, "end", &format!("{end}T23:59:59Z"));
            w.line(indent, "</TimeSpan>");
        }
        _ => {
            w.line(indent, "<TimeStamp>");
            w.element(indent + 1, "when", &when_text(date, p));
            w.line(indent, "</TimeStamp>");
        }
    }
}

/// `YYYY` / `YYYY-MM` when the precision is a year or month starting on its first day, so
/// Google Earth shows the whole period; otherwise the full date.
fn when_text(date: Day, p: DatePrecision) -> String {
    let (y, m, d) = date.ymd();
    match p {
        DatePrecision::Year if (m, d) == (1, 1) => format!("{y:04}"),
        DatePrecision::Month if d == 1 => format!("{y:04}-{m:02}"),
        _ => date.to_string(),
    }
}

/// Every model field as (name, text), then the extra properties: plain text under its own name
/// when the name means nothing to the reader, everything else in one JSON object.
fn incident_data(inc: &Incident) -> Vec<(String, String)> {
    let mut d: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| d.push((k.to_owned(), v));
    put("category", inc.category.to_string());
    // A date_end the TimeSpan cannot carry (no date, or not after the date).
    if let Some(e) = inc.date_end
        && inc.date.is_none_or(|d| e <= d)
    {
        put("date_end", e.to_string());
    }
    put("date_precision", inc.date_precision.as_str().to_owned());
    put("place", inc.place.to_string());
    for (k, v) in [
        ("place_local", inc.place_local.as_deref()),
        ("admin1", inc.admin1.as_deref()),
        ("notes", inc.notes.as_deref()),
    ] {
        if let Some(v) = v {
            put(k, v.to_owned());
        }
    }
    put(
        "location_precision",
        inc.location_precision.as_str().to_owned(),
    );
    if let Some(r) = inc.location_radius_m {
        put("location_radius_m", r.to_string());
    }
    let c = &inc.casualties;
    for (k, v) in [
        ("killed", c.killed),
        ("injured", c.injured),
        ("children_killed", c.children_killed),
    ] {
        if let Some(v) = v {
            put(k, v.to_string());
        }
    }
    for (n, s) in inc.sources.iter().enumerate() {
        let mut field = |f: SourceField, v: String| d.push((schema::source_key(n + 1, f), v));
        field(SourceField::Publisher, s.publisher.to_string());
        if let Some(u) = &s.url {
            field(SourceField::Url, u.to_string());
        }
        if let Some(p) = s.published {
            field(SourceField::Published, p.to_string());
        }
        if let Some(a) = &s.attribution {
            field(SourceField::Attribution, a.to_string());
        }
        field(SourceField::Quote, s.quote.to_string());
    }
    d.extend(extra_data(
        inc.extra.iter().map(|(k, v)| (k, v.to_json())),
        |k| schema::key(k) == Key::Other,
    ));
    d
}

/// Properties as Data entries: text under names `plain` accepts, the rest as one JSON object.
fn extra_data<'a>(
    props: impl IntoIterator<Item = (&'a str, Value)>,
    plain: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut json = Map::new();
    for (k, v) in props {
        match v {
            Value::String(s) if plain(k) => out.push((k.to_owned(), s)),
            v => {
                json.insert(k.to_owned(), v);
            }
        }
    }
    if !json.is_empty() {
        out.push((
            schema::JSON_EXTRA.to_owned(),
            Value::Object(json).to_string(),
        ));
    }
    out
}

/// A short HTML rendering for Google Earth's balloon: casualties, then each source's quote,
/// publisher, date, attribution and link.
fn description_html(inc: &Incident) -> String {
    let mut h = String::new();
    if let Some(c) = inc.casualties.summary() {
        let _ = write!(h, "<p><b>{}</b></p>", html::escape(&c));
    }
    for s in &inc.sources {
        if !s.quote.is_empty() {
            let quote = html::escape(&s.quote).replace('\n', "<br>");
            let _ = write!(h, "<p>“{quote}”</p>");
        }
        let mut by = format!("— {}", html::escape(&s.publisher));
        if let Some(p) = s.published {
            let _ = write!(by, ", {}", p.medium());
        }
        if let Some(a) = &s.attribution {
            let _ = write!(by, " (attributed to {})", html::escape(a));
        }
        if let Some(u) = &s.url {
            let u = html::escape(u);
            let _ = write!(by, "<br><a href=\"{u}\">{u}</a>");
        }
        let _ = write!(h, "<p>{by}</p>");
    }
    h
}

fn overlay_placemark(w: &mut Out, o: &Overlay) {
    w.line(2, "<Placemark>");
    if let Some(n) = &o.name {
        w.element(3, "name", n);
    }
    time(w, 3, o.date, o.date_end, DatePrecision::Day);
    let colour = |k: &str| {
        o.properties
            .get(k)
            .and_then(Value::as_str)
            .and_then(parse_hex_rgb)
    };
    let (stroke, fill) = (colour("stroke"), colour("fill"));
    if stroke.is_some() || fill.is_some() {
        w.line(3, "<Style>");
        if let Some(rgb) = stroke {
            w.line(4, "<LineStyle>");
            w.element(5, "color", &kml_colour(rgb, 0xff));
            w.element(5, "width", "3");
            w.line(4, "</LineStyle>");
        }
        if let Some(rgb) = fill {
            w.line(4, "<PolyStyle>");
            w.element(5, "color", &kml_colour(rgb, 0x66));
            w.line(4, "</PolyStyle>");
        }
        w.line(3, "</Style>");
    }
    let data = extra_data(
        o.properties.iter().map(|(k, v)| (k.as_str(), v.clone())),
        |k| k != schema::JSON_EXTRA,
    );
    if !data.is_empty() {
        w.line(3, "<ExtendedData>");
        for (k, v) in data {
            w.data(4, &k, &v);
        }
        w.line(3, "</ExtendedData>");
    }
    match &o.geometry {
        // A lone Point would read back as an incident: keep it an overlay.
        Some(geo::Geometry::Point(p)) => {
            w.line(3, "<MultiGeometry>");
            geometry(w, 4, &geo::Geometry::Point(*p));
            w.line(3, "</MultiGeometry>");
        }
        Some(g) => geometry(w, 3, g),
        None => w.line(3, "<MultiGeometry/>"),
    }
    w.line(2, "</Placemark>");
}

fn coordinates<'a>(coords: impl IntoIterator<Item = &'a geo::Coord<f64>>) -> String {
    coords
        .into_iter()
        .map(|c| format!("{},{}", c.x, c.y))
        .collect::<Vec<_>>()
        .join(" ")
}

fn geometry(w: &mut Out, indent: usize, g: &geo::Geometry<f64>) {
    use geo::Geometry as G;
    let multi = |w: &mut Out, parts: Vec<G<f64>>| {
        w.line(indent, "<MultiGeometry>");
        for p in &parts {
            geometry(w, indent + 1, p);
        }
        w.line(indent, "</MultiGeometry>");
    };
    match g {
        G::Point(p) => {
            w.line(indent, "<Point>");
            w.element(indent + 1, "coordinates", &coordinates([&p.0]));
            w.line(indent, "</Point>");
        }
        G::Line(l) => line_string(w, indent, &geo::LineString::new(vec![l.start, l.end])),
        G::LineString(l) => line_string(w, indent, l),
        G::Polygon(p) => polygon(w, indent, p),
        G::Rect(r) => polygon(w, indent, &r.to_polygon()),
        G::Triangle(t) => polygon(w, indent, &t.to_polygon()),
        G::MultiPoint(m) => multi(w, m.iter().map(|&p| G::Point(p)).collect()),
        G::MultiLineString(m) => multi(w, m.iter().cloned().map(G::LineString).collect()),
        G::MultiPolygon(m) => multi(w, m.iter().cloned().map(G::Polygon).collect()),
        G::GeometryCollection(c) => multi(w, c.iter().cloned().collect()),
    }
}

fn line_string(w: &mut Out, indent: usize, l: &geo::LineString<f64>) {
    w.line(indent, "<LineString>");
    w.element(indent + 1, "coordinates", &coordinates(&l.0));
    w.line(indent, "</LineString>");
}

fn polygon(w: &mut Out, indent: usize, p: &geo::Polygon<f64>) {
    w.line(indent, "<Polygon>");
    let ring = |w: &mut Out, tag: &str, r: &geo::LineString<f64>| {
        w.line(indent + 1, &format!("<{tag}>"));
        w.line(indent + 2, "<LinearRing>");
        w.element(indent + 3, "coordinates", &coordinates(&r.0));
        w.line(indent + 2, "</LinearRing>");
        w.line(indent + 1, &format!("</{tag}>"));
    };
    ring(w, "outerBoundaryIs", p.exterior());
    for r in p.interiors() {
        ring(w, "innerBoundaryIs", r);
    }
    w.line(indent, "</Polygon>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_colours() {
        assert_eq!(
            xml_escape("a<b>&\"c\"\r\n\u{1}", false),
            "a&lt;b&gt;&amp;\"c\"&#13;\n\u{FFFD}"
        );
        assert_eq!(xml_escape("x\"\ny", true), "x&quot;&#10;y");
        assert_eq!(kml_colour([0x12, 0x34, 0x56], 0xff), "ff563412");
        assert_eq!(parse_hex_rgb("#c0392b"), Some([0xc0, 0x39, 0x2b]));
    }

    #[test]
    fn when_text_matches_precision() {
        let d = |s: &str| s.parse::<Day>().unwrap();
        assert_eq!(when_text(d("2016-09-01"), DatePrecision::Month), "2016-09");
        assert_eq!(when_text(d("2016-01-01"), DatePrecision::Year), "2016");
        assert_eq!(
            when_text(d("2016-09-19"), DatePrecision::Month),
            "2016-09-19"
        );
        assert_eq!(
            when_text(d("2016-09-19"), DatePrecision::Week),
            "2016-09-19"
        );
    }
}
