//! Lines and areas that came with a file (front lines, areas of control, no-fly zones):
//! projected and triangulated once when the file opens, painted under the markers each frame.
//! Dated overlays follow the time window; undated ones are always shown.

use egui::epaint::{Mesh, Vertex};
use egui::{Color32, FontId, Painter, Pos2, Shape, Stroke};
use geo::{Geometry, TriangulateEarcut};

use super::{ScreenTransform, halo_text, label_galley, mercator};
use crate::model::{Day, Overlay};

/// Line colour when the file gives none: a dark red that reads as "front line" and stays
/// apart from the category colours of the markers.
const LINE: Color32 = Color32::from_rgb(0x9E, 0x1B, 0x32);
/// Area fill when the file gives none (premultiplied, about 18 % opaque).
const AREA: Color32 = Color32::from_rgba_premultiplied(0x2C, 0x0D, 0x12, 0x2E);

/// How a named layer of overlays is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerStyle {
    pub visible: bool,
    /// 0 (invisible) to 1.
    pub opacity: f32,
    /// Replaces the colours the file gives its shapes.
    pub colour: Option<Color32>,
}

impl Default for LayerStyle {
    fn default() -> Self {
        LayerStyle {
            visible: true,
            opacity: 1.0,
            colour: None,
        }
    }
}

/// Styles by layer name; layers not listed are shown as the file draws them.
pub type LayerStyles = std::collections::BTreeMap<String, LayerStyle>;

/// The property naming the layer an overlay was added in (the file it came from).
pub const LAYER_KEY: &str = "sitview:layer";

/// One overlay, ready to paint.
struct Prepared {
    name: Option<String>,
    layer: Option<String>,
    /// Visible days, inclusive; `None` for always.
    days: Option<(Day, Day)>,
    /// Mercator polylines: line strings and polygon rings.
    lines: Vec<Vec<[f64; 2]>>,
    /// Mercator triangles of the areas, three vertices each.
    triangles: Vec<[f64; 2]>,
    stroke: Color32,
    fill: Color32,
}

/// All overlays of a document.
#[derive(Default)]
pub struct OverlayShapes {
    items: Vec<Prepared>,
}

impl OverlayShapes {
    pub fn new(overlays: &[Overlay]) -> OverlayShapes {
        OverlayShapes {
            items: overlays.iter().map(prepare).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Names of the overlays visible in `window` (first and last day); unnamed ones as "".
    pub fn visible_names(&self, window: (Day, Day)) -> Vec<&str> {
        (self.items.iter())
            .filter(|i| i.days.is_none_or(|(a, b)| b >= window.0 && a <= window.1))
            .map(|i| i.name.as_deref().unwrap_or(""))
            .collect()
    }

    /// The layers, in order of first appearance.
    pub fn layers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in self.items.iter().filter_map(|i| i.layer.as_ref()) {
            if !out.contains(l) {
                out.push(l.clone());
            }
        }
        out
    }

    /// Paints the overlays visible in `window` (first and last day); `styles` hides layers or
    /// fades them (layers not listed are shown fully).
    pub fn paint(
        &self,
        painter: &Painter,
        t: &ScreenTransform,
        window: (Day, Day),
        styles: &LayerStyles,
    ) {
        for item in &self.items {
            if let Some((a, b)) = item.days
                && (b < window.0 || a > window.1)
            {
                continue;
            }
            let style = (item.layer.as_ref())
                .and_then(|l| styles.get(l))
                .copied()
                .unwrap_or_default();
            if !style.visible || style.opacity <= 0.0 {
                continue;
            }
            let (stroke, fill) = match style.colour {
                Some(c) => (c, c.gamma_multiply(0.3)),
                None => (item.stroke, item.fill),
            };
            let fill = fill.gamma_multiply(style.opacity);
            let stroke = stroke.gamma_multiply(style.opacity);
            if !item.triangles.is_empty() {
                let mut mesh = Mesh::default();
                for v in &item.triangles {
                    let i = mesh.vertices.len() as u32;
                    mesh.vertices.push(Vertex {
                        pos: t.apply(*v),
                        uv: egui::epaint::WHITE_UV,
                        color: fill,
                    });
                    mesh.indices.push(i);
                }
                painter.add(Shape::mesh(mesh));
            }
            for line in &item.lines {
                let pts: Vec<Pos2> = line.iter().map(|p| t.apply(*p)).collect();
                painter.add(Shape::line(pts, Stroke::new(2.2, stroke)));
            }
            if let (Some(name), Some(first)) =
                (&item.name, item.lines.first().and_then(|l| l.first()))
            {
                let galley = label_galley(painter, name, FontId::proportional(11.0), stroke);
                let at = t.apply(*first) + egui::vec2(4.0, 2.0);
                halo_text(painter, at, galley, stroke, Color32::from_white_alpha(220));
            }
        }
    }
}

fn prepare(o: &Overlay) -> Prepared {
    let mut p = Prepared {
        name: o.name.clone(),
        layer: (o.properties.get(LAYER_KEY))
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        days: o
            .date
            .map(|d| (d, o.date_end.filter(|e| *e >= d).unwrap_or(d))),
        lines: Vec::new(),
        triangles: Vec::new(),
        stroke: colour(o, &["stroke", "color", "colour"]).unwrap_or(LINE),
        fill: colour(o, &["fill"]).map_or(AREA, |c| c.gamma_multiply(0.3)),
    };
    if let Some(g) = &o.geometry {
        add(&mut p, g);
    }
    p
}

/// Adds a geometry's lines and areas (points in overlays are not drawn).
fn add(p: &mut Prepared, g: &Geometry<f64>) {
    let line = |ls: &geo::LineString<f64>| -> Vec<[f64; 2]> {
        ls.coords().map(|c| mercator(c.x, c.y)).collect()
    };
    match g {
        Geometry::Line(l) => p.lines.push(vec![
            mercator(l.start.x, l.start.y),
            mercator(l.end.x, l.end.y),
        ]),
        Geometry::LineString(ls) => p.lines.push(line(ls)),
        Geometry::MultiLineString(m) => p.lines.extend(m.0.iter().map(line)),
        Geometry::Polygon(poly) => add_polygon(p, poly),
        Geometry::MultiPolygon(m) => m.0.iter().for_each(|poly| add_polygon(p, poly)),
        Geometry::Rect(r) => add_polygon(p, &r.to_polygon()),
        Geometry::Triangle(tr) => add_polygon(p, &tr.to_polygon()),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| add(p, g)),
        Geometry::Point(_) | Geometry::MultiPoint(_) => {}
    }
}

fn add_polygon(p: &mut Prepared, poly: &geo::Polygon<f64>) {
    let tri = poly.earcut_triangles_raw();
    for i in tri.triangle_indices {
        if let Some(v) = tri.vertices.get(i) {
            p.triangles.push(mercator(v[0], v[1]));
        }
    }
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        p.lines
            .push(ring.coords().map(|c| mercator(c.x, c.y)).collect());
    }
}

/// A `#rrggbb` colour from the first of `keys` present in the overlay's properties
/// (the simplestyle names that geojson.io and uMap write).
fn colour(o: &Overlay, keys: &[&str]) -> Option<Color32> {
    let s = keys
        .iter()
        .find_map(|k| o.properties.get(*k).and_then(|v| v.as_str()))?;
    let hex = s.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color32::from_rgb(byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn overlay(g: Geometry<f64>, date: Option<&str>) -> Overlay {
        Overlay {
            name: Some("front".into()),
            date: date.map(|d| d.parse().unwrap()),
            geometry: Some(g),
            ..Default::default()
        }
    }

    #[test]
    fn areas_are_triangulated_and_lines_kept() {
        let square = Polygon::new(
            LineString::from(vec![(37.0, 36.0), (37.2, 36.0), (37.2, 36.2), (37.0, 36.2)]),
            vec![],
        );
        let shapes = OverlayShapes::new(&[
            overlay(Geometry::Polygon(square), None),
            overlay(
                Geometry::LineString(LineString::from(vec![(36.9, 36.1), (37.3, 36.3)])),
                Some("2016-09-20"),
            ),
        ]);
        let area = &shapes.items[0];
        assert_eq!(area.triangles.len(), 6, "a square is two triangles");
        assert_eq!(area.lines.len(), 1, "and its outline");
        assert_eq!(area.days, None);
        let line = &shapes.items[1];
        assert!(line.triangles.is_empty());
        let d: Day = "2016-09-20".parse().unwrap();
        assert_eq!(line.days, Some((d, d)));
    }

    #[test]
    fn simplestyle_colours_are_read() {
        let mut o = overlay(
            Geometry::LineString(LineString::from(vec![(0., 0.), (1., 1.)])),
            None,
        );
        o.properties.insert("stroke".into(), "#ff8800".into());
        assert_eq!(
            colour(&o, &["stroke"]),
            Some(Color32::from_rgb(255, 136, 0))
        );
        o.properties.insert("stroke".into(), "orange".into());
        assert_eq!(colour(&o, &["stroke"]), None);
    }
}
