//! The map: walkers plugins for the offline basemap and the incident markers, plus the shared
//! screen transform and category colours. Knows the model and egui, never files.

pub mod basemap;
pub mod markers;
pub mod overlays;
pub mod tiles;

use egui::{Color32, Pos2, Rect, pos2};
use walkers::Projector;

/// Web Mercator, normalised to the unit square (x east, y south), as walkers projects.
pub fn mercator(lon: f64, lat: f64) -> [f64; 2] {
    let x = (lon + 180.0) / 360.0;
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let y = (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The inverse of [`mercator`]: `(lon, lat)` in degrees of a unit-square point.
pub fn unmercator([x, y]: [f64; 2]) -> (f64, f64) {
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (x * 360.0 - 180.0, lat)
}

/// Maps unit-square Mercator coordinates to screen points for one frame.
#[derive(Clone, Copy, Debug)]
pub struct ScreenTransform {
    /// Pixels per unit square side (256 · 2^zoom, as walkers' tiles).
    pub scale: f64,
    pub offset: [f64; 2],
    pub rect: Rect,
    pub zoom: f64,
}

impl ScreenTransform {
    pub fn new(projector: &Projector, rect: Rect) -> ScreenTransform {
        let zoom = projector.zoom();
        let scale = 256.0 * 2f64.powf(zoom);
        let centre = projector.unproject(rect.center().to_vec2());
        let [cx, cy] = mercator(centre.x(), centre.y());
        let c = rect.center();
        ScreenTransform {
            scale,
            offset: [c.x as f64 - cx * scale, c.y as f64 - cy * scale],
            rect,
            zoom,
        }
    }

    #[inline]
    pub fn apply(&self, m: [f64; 2]) -> Pos2 {
        pos2(
            (m[0] * self.scale + self.offset[0]) as f32,
            (m[1] * self.scale + self.offset[1]) as f32,
        )
    }

    pub fn lonlat(&self, lon: f64, lat: f64) -> Pos2 {
        self.apply(mercator(lon, lat))
    }

    /// `(lon, lat)` of the centre of the view.
    pub fn centre_lonlat(&self) -> (f64, f64) {
        self.unproject(self.rect.center())
    }

    /// `(lon, lat)` at screen position `p`: the inverse of [`ScreenTransform::lonlat`].
    pub fn unproject(&self, p: Pos2) -> (f64, f64) {
        unmercator([
            (f64::from(p.x) - self.offset[0]) / self.scale,
            (f64::from(p.y) - self.offset[1]) / self.scale,
        ])
    }

    /// The visible part of the unit square, as `[min_x, min_y, max_x, max_y]`.
    pub fn visible_bounds(&self, margin_px: f32) -> [f64; 4] {
        let r = self.rect.expand(margin_px);
        [
            (r.min.x as f64 - self.offset[0]) / self.scale,
            (r.min.y as f64 - self.offset[1]) / self.scale,
            (r.max.x as f64 - self.offset[0]) / self.scale,
            (r.max.y as f64 - self.offset[1]) / self.scale,
        ]
    }

    /// Screen pixels per metre at a latitude.
    pub fn pixels_per_metre(&self, lat: f64) -> f64 {
        self.scale / (40_075_016.686 * lat.to_radians().cos())
    }
}

/// Whether two `[min_x, min_y, max_x, max_y]` boxes intersect.
pub fn boxes_overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// The fixed colour of a well-known category, so that a briefing reads the same from file to
/// file (Okabe–Ito based, colour-blind safe).
pub fn known_category_colour(category: &str) -> Option<Color32> {
    let c = category.trim().to_ascii_lowercase();
    let colour = match c.as_str() {
        "air strike" | "airstrike" | "air/drone strike" => Color32::from_rgb(0xD5, 0x3E, 0x0F),
        "bombing" => Color32::from_rgb(0xE6, 0x9F, 0x00),
        "shelling" | "shelling/artillery/missile attack" => Color32::from_rgb(0x88, 0x4E, 0xA0),
        "attack on medical care" => Color32::from_rgb(0x00, 0x9E, 0x73),
        "attack on aid" => Color32::from_rgb(0x00, 0x72, 0xB2),
        "armed clash" => Color32::from_rgb(0x6B, 0x4C, 0x2A),
        "explosion" => Color32::from_rgb(0xCC, 0x79, 0xA7),
        _ => return None,
    };
    Some(colour)
}

/// Colours for categories without a fixed colour, handed out in order of first appearance.
const PALETTE: [Color32; 8] = [
    Color32::from_rgb(0x56, 0xB4, 0xE9),
    Color32::from_rgb(0xC0, 0x39, 0x2B),
    Color32::from_rgb(0x2C, 0x7F, 0x62),
    Color32::from_rgb(0x7F, 0x3C, 0x8D),
    Color32::from_rgb(0xB3, 0x8B, 0x00),
    Color32::from_rgb(0x11, 0x46, 0x7A),
    Color32::from_rgb(0x9E, 0x5B, 0x40),
    Color32::from_rgb(0x55, 0x55, 0x55),
];

/// The category → colour table of a dataset, in the order categories first appear.
pub fn category_colours(categories: &[(String, usize)]) -> Vec<(String, Color32)> {
    let mut unknown = 0;
    categories
        .iter()
        .map(|(name, _)| {
            let colour = known_category_colour(name).unwrap_or_else(|| {
                unknown += 1;
                PALETTE[(unknown - 1) % PALETTE.len()]
            });
            (name.clone(), colour)
        })
        .collect()
}

/// Lays out a label's text (with right-to-left words put in visual order).
pub fn label_galley(
    painter: &egui::Painter,
    text: &str,
    font: egui::FontId,
    colour: Color32,
) -> std::sync::Arc<egui::Galley> {
    painter.layout_no_wrap(crate::text::visual(text).into_owned(), font, colour)
}

/// Draws text with a light halo so it stays legible over any background.
pub fn halo_text(
    painter: &egui::Painter,
    pos: Pos2,
    galley: std::sync::Arc<egui::Galley>,
    text_colour: Color32,
    halo: Color32,
) {
    for (dx, dy) in [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)] {
        painter.galley_with_override_text_color(pos + egui::vec2(dx, dy), galley.clone(), halo);
    }
    painter.galley(pos, galley, text_colour);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmercator_inverts_mercator_and_finds_the_view_centre() {
        for (lon, lat) in [(37.16117, 36.20124), (-70.5, -33.4), (0.0, 0.0)] {
            let (x, y) = unmercator(mercator(lon, lat));
            assert!(
                (x - lon).abs() < 1e-9 && (y - lat).abs() < 1e-9,
                "{lon} {lat}"
            );
        }
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let scale = 256.0 * 2f64.powf(9.0);
        let [cx, cy] = mercator(37.16, 36.2);
        let t = ScreenTransform {
            scale,
            offset: [400.0 - cx * scale, 300.0 - cy * scale],
            rect,
            zoom: 9.0,
        };
        let (lon, lat) = t.centre_lonlat();
        assert!((lon - 37.16).abs() < 1e-6 && (lat - 36.2).abs() < 1e-6);
    }

    #[test]
    fn mercator_matches_walkers() {
        let mut memory = walkers::MapMemory::default();
        memory.set_zoom(8.0).unwrap();
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let projection = walkers::MercatorProjection;
        let centre = walkers::lon_lat(37.16, 36.2);
        let projector = Projector::new(rect, &projection, &memory, centre);
        let t = ScreenTransform::new(&projector, rect);
        for (lon, lat) in [(37.16, 36.2), (36.65, 35.44), (38.0, 35.0)] {
            let ours = t.lonlat(lon, lat);
            let theirs = projector.project(walkers::lon_lat(lon, lat));
            assert!((ours.x - theirs.x).abs() < 0.01 && (ours.y - theirs.y).abs() < 0.01);
        }
        assert!((t.apply(mercator(37.16, 36.2)) - rect.center()).length() < 0.01);
    }

    #[test]
    fn known_categories_keep_their_colour_and_others_differ() {
        let table = category_colours(&[
            ("Air strike".into(), 3),
            ("Riots".into(), 1),
            ("Protests".into(), 1),
        ]);
        assert_eq!(table[0].1, Color32::from_rgb(0xD5, 0x3E, 0x0F));
        assert_ne!(table[1].1, table[2].1);
        assert_ne!(table[1].1, table[0].1);
    }
}
