//! Measuring on the map: click point after point; each leg and the running total are the
//! geodesic distance on the WGS84 ellipsoid (geo's `Geodesic`, Karney's algorithm).

use egui::{Color32, FontId, Pos2, Stroke};
use geo::{Distance, Geodesic, Point};

use crate::map::{ScreenTransform, halo_text, label_galley};

/// The measuring tool's state: on or off, and the points clicked (lon, lat).
#[derive(Default)]
pub struct Measure {
    pub active: bool,
    pub points: Vec<(f64, f64)>,
}

impl Measure {
    /// Length of each leg in metres.
    pub fn legs(&self) -> Vec<f64> {
        self.points
            .windows(2)
            .map(|w| Geodesic.distance(Point::new(w[0].0, w[0].1), Point::new(w[1].0, w[1].1)))
            .collect()
    }

    /// Total length in metres.
    pub fn total_m(&self) -> f64 {
        self.legs().iter().sum()
    }

    /// Paints the legs, their lengths and the running total.
    pub fn paint(&self, painter: &egui::Painter, t: &ScreenTransform) {
        if self.points.is_empty() {
            return;
        }
        let ink = Color32::from_rgb(0x1F, 0x3A, 0x93);
        let pts: Vec<Pos2> = self
            .points
            .iter()
            .map(|&(lon, lat)| t.lonlat(lon, lat))
            .collect();
        painter.add(egui::Shape::line(
            pts.clone(),
            Stroke::new(3.5, Color32::WHITE),
        ));
        painter.add(egui::Shape::dashed_line(
            &pts,
            Stroke::new(2.0, ink),
            8.0,
            4.0,
        ));
        let mut total = 0.0;
        for (k, p) in pts.iter().enumerate() {
            painter.circle(*p, 4.0, Color32::WHITE, Stroke::new(2.0, ink));
            if k > 0 {
                total += self.legs()[k - 1];
                let galley =
                    label_galley(painter, &format_km(total), FontId::proportional(12.5), ink);
                halo_text(
                    painter,
                    *p + egui::vec2(8.0, -18.0),
                    galley,
                    ink,
                    Color32::WHITE,
                );
            }
        }
    }
}

/// "56.2 km", "850 m".
pub fn format_km(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{:.1} km", m / 1000.0)
    } else if m >= 1000.0 {
        format!("{:.2} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aleppo_to_idlib_is_about_56_km() {
        // GeoNames points of Aleppo and Idlib.
        let m = Measure {
            active: true,
            points: vec![(37.16117, 36.20124), (36.63393, 35.93062)],
        };
        let km = m.total_m() / 1000.0;
        assert!((56.1..=56.3).contains(&km), "{km}");
        assert_eq!(format_km(m.total_m()), "56.2 km");
        assert_eq!(format_km(850.4), "850 m");
    }
}
