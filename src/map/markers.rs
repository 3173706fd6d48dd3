//! Incident markers: a walkers plugin that projects the visible incidents, merges those that
//! overlap on screen into numbered clusters, draws precision rings, the selection, a tooltip on
//! hover, and reports clicks back to the app.
//!
//! The work per frame is bounded by what is visible: items are culled to the view before
//! clustering, and clustering uses a screen-space grid (O(k) for k visible items).

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, pos2};
use walkers::{MapMemory, Plugin, Projector};

use super::{ScreenTransform, mercator};
use crate::model::{Dataset, LocationPrecision};

/// One incident to draw: its index in the dataset and what the marker needs.
#[derive(Clone, Debug)]
pub struct MarkerItem {
    pub index: usize,
    /// Unit-square Mercator position.
    pub at: [f64; 2],
    pub lat: f64,
    pub colour: Color32,
    /// Uncertainty radius in metres, drawn as a ring for near/approximate locations.
    pub ring_m: Option<f64>,
}

impl MarkerItem {
    pub fn new(dataset: &Dataset, index: usize, colour: Color32) -> Option<MarkerItem> {
        let inc = &dataset.incidents[index];
        let loc = inc.location?;
        let ring_m = match inc.location_precision {
            LocationPrecision::Exact => None,
            _ => inc.location_radius_m.filter(|r| *r > 0.0),
        };
        Some(MarkerItem {
            index,
            at: mercator(loc.lon, loc.lat),
            lat: loc.lat,
            colour,
            ring_m,
        })
    }
}

/// A group of markers drawn as one symbol.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub centre: Pos2,
    /// Dataset indices of the members.
    pub members: Vec<usize>,
    pub colour: Color32,
}

impl Cluster {
    pub fn radius(&self) -> f32 {
        if self.members.len() == 1 {
            MARKER_RADIUS
        } else {
            11.0 + 3.0 * (self.members.len() as f32).log2().min(8.0)
        }
    }
}

const MARKER_RADIUS: f32 = 7.0;
/// Markers closer than this on screen merge into a cluster.
const MERGE_DISTANCE: f32 = 18.0;

/// What happened on the map this frame, for the app to act on.
#[derive(Debug, Default)]
pub struct MapEvents {
    /// A single incident was clicked.
    pub clicked_incident: Option<usize>,
    /// A cluster was clicked: zoom in around these positions.
    pub clicked_cluster: Option<Vec<usize>>,
    /// The map background was clicked.
    pub clicked_empty: bool,
    /// What was drawn, for hit-testing from outside (tests, export).
    pub clusters: Vec<Cluster>,
}

/// Groups screen positions greedily: each item joins the first cluster whose seed lies within
/// `MERGE_DISTANCE`, found through a grid of that cell size.
pub fn cluster(t: &ScreenTransform, items: &[MarkerItem]) -> Vec<Cluster> {
    let bounds = t.rect.expand(MERGE_DISTANCE);
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut seeds: Vec<Pos2> = Vec::new();
    let mut sums: Vec<(f32, f32)> = Vec::new();
    let mut grid: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
    let cell = |p: Pos2| {
        (
            (p.x / MERGE_DISTANCE).floor() as i32,
            (p.y / MERGE_DISTANCE).floor() as i32,
        )
    };
    for item in items {
        let p = t.apply(item.at);
        if !bounds.contains(p) {
            continue;
        }
        let (cx, cy) = cell(p);
        let mut found = None;
        'search: for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(list) = grid.get(&(cx + dx, cy + dy)) {
                    for &c in list {
                        if seeds[c as usize].distance(p) < MERGE_DISTANCE {
                            found = Some(c as usize);
                            break 'search;
                        }
                    }
                }
            }
        }
        match found {
            Some(c) => {
                clusters[c].members.push(item.index);
                sums[c].0 += p.x;
                sums[c].1 += p.y;
            }
            None => {
                grid.entry((cx, cy))
                    .or_default()
                    .push(clusters.len() as u32);
                seeds.push(p);
                sums.push((p.x, p.y));
                clusters.push(Cluster {
                    centre: p,
                    members: vec![item.index],
                    colour: item.colour,
                });
            }
        }
    }
    for (c, (sx, sy)) in clusters.iter_mut().zip(sums) {
        let n = c.members.len() as f32;
        c.centre = pos2(sx / n, sy / n);
    }
    clusters
}

/// The cluster under `pos`, if any (the nearest one whose symbol contains it, with some slack).
pub fn hit(clusters: &[Cluster], pos: Pos2) -> Option<&Cluster> {
    clusters
        .iter()
        .filter(|c| c.centre.distance(pos) <= c.radius() + 4.0)
        .min_by(|a, b| a.centre.distance(pos).total_cmp(&b.centre.distance(pos)))
}

/// The walkers plugin drawing the markers.
pub struct MarkerLayer<'a> {
    pub dataset: &'a Dataset,
    pub items: &'a [MarkerItem],
    pub selected: Option<usize>,
    pub show_rings: bool,
    pub events: &'a mut MapEvents,
    /// Painted after clustering and before the markers, with the clusters' screen discs
    /// (centre, radius), so that map labels can keep clear of the markers.
    pub underlay: Option<Underlay<'a>>,
}

/// See [`MarkerLayer::underlay`].
pub type Underlay<'a> = Box<dyn FnOnce(&egui::Painter, &ScreenTransform, &[(Pos2, f32)]) + 'a>;

impl Plugin for MarkerLayer<'_> {
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
        let clusters = cluster(&t, self.items);
        if let Some(underlay) = self.underlay {
            let discs: Vec<(Pos2, f32)> = clusters.iter().map(|c| (c.centre, c.radius())).collect();
            underlay(&painter, &t, &discs);
        }
        paint(
            &painter,
            &t,
            self.items,
            &clusters,
            self.selected,
            self.show_rings,
        );

        let hovered = response
            .hover_pos()
            .and_then(|p| hit(&clusters, p))
            .cloned();
        if let Some(c) = &hovered {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            let dataset = self.dataset;
            let tip = response.clone();
            tip.on_hover_ui_at_pointer(|ui| tooltip(ui, dataset, c));
        }
        if response.clicked() {
            match response
                .interact_pointer_pos()
                .and_then(|p| hit(&clusters, p))
            {
                Some(c) if c.members.len() == 1 => {
                    self.events.clicked_incident = Some(c.members[0])
                }
                Some(c) => self.events.clicked_cluster = Some(c.members.clone()),
                None => self.events.clicked_empty = true,
            }
        }
        self.events.clusters = clusters;
    }
}

/// Paints rings, clusters, markers and the selection (also used by image export).
pub fn paint(
    painter: &egui::Painter,
    t: &ScreenTransform,
    items: &[MarkerItem],
    clusters: &[Cluster],
    selected: Option<usize>,
    show_rings: bool,
) {
    let singles: HashMap<usize, &Cluster> = clusters
        .iter()
        .filter(|c| c.members.len() == 1)
        .map(|c| (c.members[0], c))
        .collect();
    if show_rings {
        for item in items.iter().filter(|i| singles.contains_key(&i.index)) {
            if let Some(m) = item.ring_m {
                let r = (m * t.pixels_per_metre(item.lat)) as f32;
                if r > MARKER_RADIUS + 2.0 && r < 4000.0 {
                    let c = t.apply(item.at);
                    painter.circle(
                        c,
                        r,
                        item.colour.gamma_multiply(0.12),
                        Stroke::new(1.0, item.colour.gamma_multiply(0.7)),
                    );
                }
            }
        }
    }
    for c in clusters {
        if c.members.len() == 1 {
            painter.circle(
                c.centre,
                MARKER_RADIUS,
                c.colour,
                Stroke::new(1.5, Color32::WHITE),
            );
        } else {
            let r = c.radius();
            painter.circle(
                c.centre,
                r,
                Color32::from_rgb(0x2B, 0x2F, 0x36),
                Stroke::new(2.5, c.colour),
            );
            painter.text(
                c.centre,
                Align2::CENTER_CENTER,
                c.members.len().to_string(),
                FontId::proportional(12.0),
                Color32::WHITE,
            );
        }
    }
    if let Some(sel) = selected
        && let Some(c) = clusters.iter().find(|c| c.members.contains(&sel))
    {
        let r = c.radius() + 4.0;
        painter.circle_stroke(c.centre, r + 1.5, Stroke::new(3.0, Color32::WHITE));
        painter.circle_stroke(
            c.centre,
            r,
            Stroke::new(2.5, Color32::from_rgb(0x11, 0x11, 0x11)),
        );
    }
}

fn tooltip(ui: &mut egui::Ui, dataset: &Dataset, c: &Cluster) {
    if let [one] = c.members[..] {
        let inc = &dataset.incidents[one];
        ui.strong(crate::text::visual(&inc.title));
        ui.label(format!("{} · {}", inc.category, inc.date_text()));
        ui.label(crate::text::visual(&inc.place));
        if let Some(s) = inc.casualties.summary() {
            ui.label(s);
        }
        ui.weak("Click to read the sources");
    } else {
        ui.strong(format!("{} incidents", c.members.len()));
        for &i in c.members.iter().take(6) {
            ui.label(format!(
                "• {}",
                crate::text::visual(&dataset.incidents[i].title)
            ));
        }
        if c.members.len() > 6 {
            ui.label(format!("… and {} more", c.members.len() - 6));
        }
        ui.weak("Click to zoom in");
    }
}

/// Bounding box (unit-square Mercator) of some markers.
pub fn bounds(items: impl Iterator<Item = [f64; 2]>) -> Option<Rect> {
    let mut r: Option<[f64; 4]> = None;
    for [x, y] in items {
        r = Some(match r {
            None => [x, y, x, y],
            Some([a, b, c, d]) => [a.min(x), b.min(y), c.max(x), d.max(y)],
        });
    }
    r.map(|[a, b, c, d]| Rect::from_min_max(pos2(a as f32, b as f32), pos2(c as f32, d as f32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An 800×600 view centred on east Aleppo.
    fn transform(zoom: f64) -> ScreenTransform {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let scale = 256.0 * 2f64.powf(zoom);
        let [cx, cy] = mercator(37.178, 36.2);
        ScreenTransform {
            scale,
            offset: [400.0 - cx * scale, 300.0 - cy * scale],
            rect,
            zoom,
        }
    }

    fn item(index: usize, lon: f64, lat: f64) -> MarkerItem {
        MarkerItem {
            index,
            at: mercator(lon, lat),
            lat,
            colour: Color32::RED,
            ring_m: None,
        }
    }

    #[test]
    fn nearby_markers_merge_and_split_when_zoomed_in() {
        // East Aleppo centroid and al-Qaterji, about 400 m apart, and Khan Tuman 10 km away.
        let items = [
            item(0, 37.177, 36.1989),
            item(1, 37.18022, 36.20119),
            item(2, 37.04, 36.1),
        ];
        let far = cluster(&transform(9.0), &items);
        let sizes: Vec<usize> = far.iter().map(|c| c.members.len()).collect();
        assert_eq!(
            sizes.iter().sum::<usize>(),
            3,
            "every item is in one cluster"
        );
        assert!(sizes.contains(&2), "{sizes:?}");
        let near = cluster(&transform(15.0), &items[..2]);
        assert_eq!(near.len(), 2);
    }

    #[test]
    fn items_off_screen_are_culled_and_hits_pick_the_nearest() {
        let items = [item(0, 37.178, 36.2), item(1, 10.0, 50.0)];
        let cs = cluster(&transform(10.0), &items);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert!(hit(&cs, c.centre + egui::vec2(3.0, 3.0)).is_some());
        assert!(hit(&cs, c.centre + egui::vec2(40.0, 0.0)).is_none());
    }
}
