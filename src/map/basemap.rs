//! The offline basemap: Natural Earth layers and GeoNames places, embedded in the binary and
//! drawn as a walkers plugin with painter shapes (so it shows in CPU-rendered images too).
//!
//! `assets/basemap/basemap.json` is derived from `../shared/data` by `tools/derive_assets.py`.
//! At first use it is parsed once: polygons are projected to unit-square Mercator and
//! triangulated (earcut), lines projected; each frame only transforms, culls and paints.

use std::sync::OnceLock;

use egui::{Color32, FontId, Mesh, Painter, Pos2, Rect, Shape, Stroke, epaint::Vertex, pos2, vec2};
use geo::TriangulateEarcut;
use serde::Deserialize;
use walkers::{MapMemory, Plugin, Projector};

use super::{ScreenTransform, boxes_overlap, halo_text, label_galley, mercator};

const BASEMAP_JSON: &[u8] = include_bytes!("../../assets/basemap/basemap.json");

/// Credit line shown on the map and in exports.
pub const ATTRIBUTION: &str =
    "Basemap: Natural Earth (public domain) · Places: GeoNames (CC-BY 4.0, geonames.org)";

#[derive(Deserialize)]
struct RawFill {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    adm0_a3: Option<String>,
    polygons: Vec<Vec<Vec<f64>>>,
}

#[derive(Deserialize)]
struct RawLine {
    lines: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct RawAdmin1 {
    name: String,
    country: String,
    lon: f64,
    lat: f64,
}

#[derive(Deserialize)]
struct RawPlace {
    name: String,
    #[serde(default)]
    name_ar: String,
    lon: f64,
    lat: f64,
    pop: u64,
    code: String,
    ne_rank: Option<u32>,
}

#[derive(Deserialize)]
struct RawExtraPlace {
    name: String,
    lon: f64,
    lat: f64,
    kind: String,
}

#[derive(Deserialize)]
struct RawBasemap {
    region: [f64; 4],
    countries: Vec<RawFill>,
    lakes: Vec<RawFill>,
    urban: Vec<RawFill>,
    admin0_lines: Vec<RawLine>,
    disputed_lines: Vec<RawLine>,
    admin1_lines: Vec<RawLine>,
    coastline: Vec<RawLine>,
    rivers: Vec<RawLine>,
    admin1: Vec<RawAdmin1>,
    places: Vec<RawPlace>,
    extra_places: Vec<RawExtraPlace>,
}

/// A triangulated polygon in unit-square Mercator.
struct Fill {
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
    bbox: [f64; 4],
}

/// A polyline in unit-square Mercator.
struct Line {
    points: Vec<[f64; 2]>,
    bbox: [f64; 4],
}

/// What a label names; decides its style and the zoom it appears at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    Country,
    Governorate,
    City,
    Town,
    Village,
    District,
    Site,
}

/// A label point.
pub struct Label {
    pub name: String,
    pub name_local: String,
    pub at: [f64; 2],
    pub kind: LabelKind,
    /// Lowest zoom at which the label is shown.
    pub min_zoom: f64,
    /// Higher first when labels collide.
    pub priority: f64,
}

/// The parsed, projected and triangulated basemap.
pub struct Basemap {
    region: [f64; 4],
    countries: Vec<(String, bool, Fill)>,
    lakes: Vec<Fill>,
    urban: Vec<Fill>,
    admin0: Vec<Line>,
    disputed: Vec<Line>,
    admin1: Vec<Line>,
    coast: Vec<Line>,
    rivers: Vec<Line>,
    labels: Vec<Label>,
}

fn bbox_of(points: &[[f64; 2]]) -> [f64; 4] {
    points.iter().fold(
        [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
        |[a, b, c, d], p| [a.min(p[0]), b.min(p[1]), c.max(p[0]), d.max(p[1])],
    )
}

fn ring(flat: &[f64]) -> Vec<[f64; 2]> {
    flat.chunks_exact(2).map(|c| mercator(c[0], c[1])).collect()
}

fn fills(raw: &[RawFill]) -> Vec<Fill> {
    raw.iter()
        .flat_map(|f| f.polygons.iter().map(|p| fill(p)))
        .collect()
}

fn fill(rings: &[Vec<f64>]) -> Fill {
    let mut rings = rings.iter().map(|r| ring(r));
    let exterior = geo::LineString::from(rings.next().unwrap_or_default());
    let interiors: Vec<geo::LineString<f64>> = rings.map(geo::LineString::from).collect();
    let poly = geo::Polygon::new(exterior, interiors);
    let raw = poly.earcut_triangles_raw();
    let vertices: Vec<[f64; 2]> = raw.vertices.iter().map(|v| [v[0], v[1]]).collect();
    Fill {
        bbox: bbox_of(&vertices),
        indices: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
        vertices,
    }
}

fn lines(raw: &[RawLine]) -> Vec<Line> {
    raw.iter()
        .flat_map(|l| l.lines.iter())
        .map(|flat| {
            let points = ring(flat);
            Line {
                bbox: bbox_of(&points),
                points,
            }
        })
        .collect()
}

/// Area-weighted centroid of the largest exterior ring, for a country label.
fn label_point(f: &RawFill) -> Option<[f64; 2]> {
    let mut best: Option<(f64, [f64; 2])> = None;
    for poly in &f.polygons {
        let pts = ring(poly.first()?);
        let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for w in pts.windows(2) {
            let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
            a += cross;
            cx += (w[0][0] + w[1][0]) * cross;
            cy += (w[0][1] + w[1][1]) * cross;
        }
        if a.abs() > 0.0 && best.is_none_or(|(b, _)| a.abs() > b) {
            best = Some((a.abs(), [cx / (3.0 * a), cy / (3.0 * a)]));
        }
    }
    best.map(|(_, p)| p)
}

fn place_min_zoom(p: &RawPlace) -> f64 {
    let rank = p.ne_rank.unwrap_or(99);
    if p.code == "PPLC" || p.pop >= 1_000_000 {
        5.0
    } else if rank <= 6 || p.pop >= 300_000 {
        6.0
    } else if rank <= 8 || p.pop >= 100_000 {
        7.0
    } else if p.pop >= 30_000 || p.code == "PPLA" || p.code == "PPLA2" {
        8.0
    } else if p.pop >= 10_000 {
        9.0
    } else if p.pop >= 3_000 {
        10.0
    } else {
        11.0
    }
}

impl Basemap {
    /// The embedded basemap, parsed on first use.
    pub fn embedded() -> &'static Basemap {
        static BASEMAP: OnceLock<Basemap> = OnceLock::new();
        BASEMAP.get_or_init(|| {
            Basemap::parse(BASEMAP_JSON).expect("the embedded basemap is valid (tested)")
        })
    }

    fn parse(json: &[u8]) -> Result<Basemap, serde_json::Error> {
        let raw: RawBasemap = serde_json::from_slice(json)?;
        let mut labels = Vec::new();
        for c in &raw.countries {
            if let (Some(name), Some(at)) = (&c.name, label_point(c)) {
                labels.push(Label {
                    name: name.to_uppercase(),
                    name_local: String::new(),
                    at,
                    kind: LabelKind::Country,
                    min_zoom: 4.0,
                    priority: 1e12,
                });
            }
        }
        for a in raw.admin1.iter().filter(|a| a.country == "SYR") {
            labels.push(Label {
                name: a.name.to_uppercase(),
                name_local: String::new(),
                at: mercator(a.lon, a.lat),
                kind: LabelKind::Governorate,
                min_zoom: 7.0,
                priority: 1e4,
            });
        }
        for p in &raw.places {
            let kind = if p.pop >= 100_000 || p.code == "PPLC" || p.code == "PPLA" {
                LabelKind::City
            } else if p.pop >= 10_000 {
                LabelKind::Town
            } else {
                LabelKind::Village
            };
            labels.push(Label {
                name: p.name.clone(),
                name_local: p.name_ar.clone(),
                at: mercator(p.lon, p.lat),
                kind,
                min_zoom: place_min_zoom(p),
                priority: p.pop as f64 + 1.0,
            });
        }
        for e in &raw.extra_places {
            let (kind, min_zoom) = match e.kind.as_str() {
                "district" => (LabelKind::District, 11.0),
                "site" => (LabelKind::Site, 12.0),
                "neighbourhood" => (LabelKind::District, 12.0),
                _ => (LabelKind::Village, 10.0),
            };
            labels.push(Label {
                name: e.name.clone(),
                name_local: String::new(),
                at: mercator(e.lon, e.lat),
                kind,
                min_zoom,
                priority: 500.0,
            });
        }
        labels.sort_by(|a, b| b.priority.total_cmp(&a.priority));
        Ok(Basemap {
            region: raw.region,
            countries: raw
                .countries
                .iter()
                .flat_map(|c| {
                    let focus = c.adm0_a3.as_deref() == Some("SYR");
                    let name = c.name.clone().unwrap_or_default();
                    c.polygons
                        .iter()
                        .map(move |p| (name.clone(), focus, fill(p)))
                })
                .collect(),
            lakes: fills(&raw.lakes),
            urban: fills(&raw.urban),
            admin0: lines(&raw.admin0_lines),
            disputed: lines(&raw.disputed_lines),
            admin1: lines(&raw.admin1_lines),
            coast: lines(&raw.coastline),
            rivers: lines(&raw.rivers),
            labels,
        })
    }

    /// Labels, highest priority first.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The area the basemap covers, as `[west, south, east, north]` degrees.
    pub fn region(&self) -> [f64; 4] {
        self.region
    }
}

/// Colours of the embedded basemap.
pub struct BasemapStyle {
    pub outside: Color32,
    pub sea: Color32,
    pub land: Color32,
    pub focus_land: Color32,
    pub urban: Color32,
    pub water_line: Color32,
    pub coast: Color32,
    pub admin0: Color32,
    pub admin1: Color32,
    pub label: Color32,
    pub label_minor: Color32,
    pub halo: Color32,
}

impl BasemapStyle {
    /// A dark palette, for a projector in a dim briefing room (`sitview tiles --style dark`).
    pub fn dark() -> BasemapStyle {
        BasemapStyle {
            outside: Color32::from_rgb(0x1B, 0x1D, 0x22),
            sea: Color32::from_rgb(0x1D, 0x2B, 0x3A),
            land: Color32::from_rgb(0x2A, 0x2D, 0x33),
            focus_land: Color32::from_rgb(0x36, 0x39, 0x40),
            urban: Color32::from_rgb(0x55, 0x4B, 0x3C),
            water_line: Color32::from_rgb(0x3E, 0x6E, 0x96),
            coast: Color32::from_rgb(0x4F, 0x7A, 0x9C),
            admin0: Color32::from_rgb(0xB0, 0x9C, 0xC4),
            admin1: Color32::from_rgb(0x66, 0x62, 0x60),
            label: Color32::from_rgb(0xEE, 0xEC, 0xE7),
            label_minor: Color32::from_rgb(0xC2, 0xBC, 0xB4),
            halo: Color32::from_rgba_unmultiplied(0, 0, 0, 170),
        }
    }
}

impl Default for BasemapStyle {
    fn default() -> Self {
        BasemapStyle {
            outside: Color32::from_rgb(0xE4, 0xE2, 0xDD),
            sea: Color32::from_rgb(0xC4, 0xDA, 0xE8),
            land: Color32::from_rgb(0xEE, 0xEB, 0xE4),
            focus_land: Color32::from_rgb(0xFB, 0xF9, 0xF3),
            urban: Color32::from_rgb(0xEB, 0xD9, 0xC2),
            water_line: Color32::from_rgb(0x84, 0xAF, 0xD0),
            coast: Color32::from_rgb(0x7C, 0xA2, 0xBE),
            admin0: Color32::from_rgb(0x8E, 0x7C, 0x93),
            admin1: Color32::from_rgb(0xB9, 0xAE, 0xA6),
            label: Color32::from_rgb(0x33, 0x33, 0x33),
            label_minor: Color32::from_rgb(0x6A, 0x62, 0x5C),
            halo: Color32::from_rgba_unmultiplied(255, 255, 255, 200),
        }
    }
}

/// The walkers plugin that paints the basemap.
pub struct BasemapLayer<'a> {
    pub basemap: &'a Basemap,
    pub style: &'a BasemapStyle,
    pub show_labels: bool,
}

impl Plugin for BasemapLayer<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let rect = response.rect;
        let painter = ui.painter().with_clip_rect(rect);
        let t = ScreenTransform::new(projector, rect);
        self.paint(&painter, &t);
    }
}

impl BasemapLayer<'_> {
    /// Paints every layer for the view `t` (also used by image export).
    pub fn paint(&self, painter: &Painter, t: &ScreenTransform) {
        let s = self.style;
        let b = self.basemap;
        let view = t.visible_bounds(2.0);
        painter.rect_filled(t.rect, 0.0, s.outside);
        // The covered region, as sea; land is painted over it.
        let [w, so, e, n] = b.region;
        let region = Rect::from_two_pos(t.lonlat(w, n), t.lonlat(e, so));
        painter.rect_filled(region, 0.0, s.sea);
        for (_, focus, f) in &b.countries {
            paint_fill(
                painter,
                t,
                &view,
                f,
                if *focus { s.focus_land } else { s.land },
            );
        }
        for f in &b.lakes {
            paint_fill(painter, t, &view, f, s.sea);
        }
        if t.zoom >= 6.0 {
            for f in &b.urban {
                paint_fill(painter, t, &view, f, s.urban);
            }
        }
        let z = t.zoom as f32;
        let w_scale = ((z - 6.0) * 0.15 + 1.0).clamp(0.7, 1.8);
        paint_lines(
            painter,
            t,
            &view,
            &b.rivers,
            Stroke::new(1.1 * w_scale, s.water_line),
        );
        paint_lines(
            painter,
            t,
            &view,
            &b.coast,
            Stroke::new(0.8 * w_scale, s.coast),
        );
        paint_lines(
            painter,
            t,
            &view,
            &b.admin1,
            Stroke::new(0.8 * w_scale, s.admin1),
        );
        paint_lines(
            painter,
            t,
            &view,
            &b.admin0,
            Stroke::new(1.6 * w_scale, s.admin0),
        );
        paint_dashed(
            painter,
            t,
            &view,
            &b.disputed,
            Stroke::new(1.4 * w_scale, s.admin0),
        );
        // Neatline around the covered region.
        painter.rect_stroke(
            region,
            0.0,
            Stroke::new(1.0, Color32::from_gray(170)),
            egui::StrokeKind::Middle,
        );
        if self.show_labels {
            self.paint_labels(painter, t, &[]);
        }
    }
}

fn paint_fill(painter: &Painter, t: &ScreenTransform, view: &[f64; 4], f: &Fill, colour: Color32) {
    if !boxes_overlap(view, &f.bbox) || f.indices.is_empty() {
        return;
    }
    let mut mesh = Mesh::default();
    mesh.vertices.reserve(f.vertices.len());
    for v in &f.vertices {
        mesh.vertices.push(Vertex {
            pos: t.apply(*v),
            uv: egui::epaint::WHITE_UV,
            color: colour,
        });
    }
    mesh.indices.extend_from_slice(&f.indices);
    painter.add(Shape::mesh(mesh));
}

/// Screen points of a line, dropping points closer than half a pixel to the previous one.
fn screen_points(t: &ScreenTransform, line: &Line) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(line.points.len());
    for p in &line.points {
        let q = t.apply(*p);
        if out.last().is_none_or(|l| (*l - q).length_sq() > 0.25) {
            out.push(q);
        }
    }
    if let (Some(first), Some(last)) = (line.points.last(), out.last_mut()) {
        *last = t.apply(*first);
    }
    out
}

fn paint_lines(
    painter: &Painter,
    t: &ScreenTransform,
    view: &[f64; 4],
    ls: &[Line],
    stroke: Stroke,
) {
    for l in ls.iter().filter(|l| boxes_overlap(view, &l.bbox)) {
        let pts = screen_points(t, l);
        if pts.len() >= 2 {
            painter.add(Shape::line(pts, stroke));
        }
    }
}

fn paint_dashed(
    painter: &Painter,
    t: &ScreenTransform,
    view: &[f64; 4],
    ls: &[Line],
    stroke: Stroke,
) {
    for l in ls.iter().filter(|l| boxes_overlap(view, &l.bbox)) {
        let pts = screen_points(t, l);
        if pts.len() >= 2 {
            painter.extend(Shape::dashed_line(&pts, stroke, 5.0, 3.0));
        }
    }
}

impl BasemapLayer<'_> {
    /// Paints the place labels by zoom level, dropping those that would overlap an earlier
    /// one and moving them off the discs in `keep_clear` (markers: centre, radius) — to the
    /// left, above or below when the right-hand side is taken.
    pub fn paint_labels(&self, painter: &Painter, t: &ScreenTransform, keep_clear: &[(Pos2, f32)]) {
        paint_labels(painter, t, self.basemap, self.style, keep_clear);
    }
}

fn paint_labels(
    painter: &Painter,
    t: &ScreenTransform,
    b: &Basemap,
    s: &BasemapStyle,
    keep_clear: &[(Pos2, f32)],
) {
    let zoom = t.zoom;
    let view = t.visible_bounds(0.0);
    let blocked = |r: Rect| {
        keep_clear.iter().any(|&(c, radius)| {
            let nearest = c.clamp(r.min, r.max);
            nearest.distance(c) < radius + 3.0
        })
    };
    let mut taken: Vec<Rect> = Vec::with_capacity(64);
    for label in b.labels() {
        if zoom < label.min_zoom
            || (label.kind == LabelKind::Country && zoom > 9.0)
            || (label.kind == LabelKind::Governorate && zoom > 10.5)
            || (label.kind == LabelKind::District && zoom > 15.0)
        {
            continue;
        }
        let [x, y] = label.at;
        if x < view[0] || x > view[2] || y < view[1] || y > view[3] {
            continue;
        }
        let at = t.apply(label.at);
        let (font, colour, dot) = match label.kind {
            LabelKind::Country => (FontId::proportional(15.0), s.label_minor, false),
            LabelKind::Governorate => (FontId::proportional(11.0), s.label_minor, false),
            LabelKind::City => (FontId::proportional(14.0), s.label, true),
            LabelKind::Town => (FontId::proportional(12.0), s.label, true),
            LabelKind::Village => (FontId::proportional(11.0), s.label_minor, true),
            LabelKind::District => (FontId::proportional(12.5), s.label_minor, false),
            LabelKind::Site => (FontId::proportional(11.0), s.label_minor, true),
        };
        let galley = label_galley(painter, &label.name, font, colour);
        let size = galley.size();
        // A marker on the place itself pushes its label out beyond the marker's far edge.
        let gap = keep_clear
            .iter()
            .map(|&(c, r)| (c.distance(at), r))
            .filter(|&(d, r)| d < r + 3.0)
            .map(|(d, r)| d + r + 6.0)
            .fold(4.0_f32, f32::max);
        let candidates = if dot {
            vec![
                at + vec2(gap, -size.y * 0.5 - 1.0),
                at + vec2(-gap - size.x, -size.y * 0.5 - 1.0),
                at + vec2(-size.x * 0.5, -size.y - gap),
                at + vec2(-size.x * 0.5, gap),
            ]
        } else {
            vec![at - size * 0.5]
        };
        let free = candidates.into_iter().find_map(|pos| {
            let rect = Rect::from_min_size(pos, size).expand(2.0);
            (!blocked(rect) && !taken.iter().any(|r| r.intersects(rect))).then_some((pos, rect))
        });
        let Some((pos, rect)) = free else {
            continue;
        };
        taken.push(rect);
        if dot && !blocked(Rect::from_center_size(at, vec2(5.0, 5.0))) {
            painter.circle(at, 2.5, Color32::WHITE, Stroke::new(1.2, s.label));
        }
        halo_text(painter, pos, galley, colour, s.halo);
    }
}

/// Draws a scale bar with a round length near `max_width` pixels at the bottom left of `rect`.
pub fn paint_scale_bar(painter: &Painter, t: &ScreenTransform, at: Pos2, max_width: f32) -> Rect {
    let (_, lat) = t.centre_lonlat();
    let ppm = t.pixels_per_metre(lat);
    let max_m = max_width as f64 / ppm;
    let pow = 10f64.powf(max_m.log10().floor());
    let nice = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * pow)
        .find(|&m| m <= max_m)
        .unwrap_or(pow);
    let width = (nice * ppm) as f32;
    let text = if nice >= 1000.0 {
        format!("{} km", nice / 1000.0)
    } else {
        format!("{nice} m")
    };
    let ink = Color32::from_gray(40);
    let y = at.y;
    let a = pos2(at.x, y);
    let b = pos2(at.x + width, y);
    let galley = painter.layout_no_wrap(text, FontId::proportional(11.0), ink);
    let text_pos = pos2(at.x + width + 5.0, y - galley.size().y + 2.0);
    let r = Rect::from_min_size(text_pos, galley.size())
        .union(Rect::from_two_pos(a, b - vec2(0.0, 6.0)));
    // A light backing keeps the bar readable on dark tile basemaps too.
    painter.rect_filled(
        r.expand(3.0),
        2.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 150),
    );
    painter.line_segment([a, b], Stroke::new(2.0, ink));
    painter.line_segment([a, a - vec2(0.0, 5.0)], Stroke::new(1.5, ink));
    painter.line_segment([b, b - vec2(0.0, 5.0)], Stroke::new(1.5, ink));
    halo_text(
        painter,
        text_pos,
        galley,
        ink,
        Color32::from_rgba_unmultiplied(255, 255, 255, 200),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_basemap_parses_with_every_layer() {
        let b = Basemap::embedded();
        assert!(
            b.countries
                .iter()
                .any(|(n, focus, _)| n == "Syria" && *focus)
        );
        assert!(b.countries.len() >= 10);
        for (name, n) in [
            ("lakes", b.lakes.len()),
            ("urban", b.urban.len()),
            ("admin0", b.admin0.len()),
            ("admin1", b.admin1.len()),
            ("coast", b.coast.len()),
            ("rivers", b.rivers.len()),
        ] {
            assert!(n > 0, "layer {name} is empty");
        }
        // Every polygon triangulated into whole triangles over its own vertices.
        for (_, _, f) in &b.countries {
            assert_eq!(f.indices.len() % 3, 0);
            assert!(f.indices.iter().all(|&i| (i as usize) < f.vertices.len()));
        }
        let aleppo = b.labels().iter().find(|l| l.name == "Aleppo").unwrap();
        assert_eq!(aleppo.kind, LabelKind::City);
        assert!(aleppo.min_zoom <= 6.0);
        assert!(b.labels().iter().any(|l| l.name == "al-Qaterji"));
        assert!(
            b.labels()
                .iter()
                .any(|l| l.name == "IDLIB" && l.kind == LabelKind::Governorate)
        );
    }
}
