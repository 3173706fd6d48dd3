//! Incident markers: a walkers plugin that projects the visible incidents, merges those that
//! overlap on screen into numbered clusters, draws precision rings, the selection, a tooltip on
//! hover, and reports clicks back to the app.
//!
//! Clustering runs in world pixels (Mercator × zoom scale), which panning does not change, over
//! the items inside a region of three view sizes around the view; the result is kept in a
//! [`ClusterCache`] until the visible set, the zoom or the region changes. A steady frame, or a
//! pan within the region, only translates and culls the clusters: its cost follows what is on
//! screen, not the number of incidents.

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
    /// Items with the same `site` share one position (see [`assign_sites`]); `u32::MAX` when
    /// not assigned.
    pub site: u32,
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
            site: u32::MAX,
        })
    }
}

/// Numbers the distinct positions of `items` (most incidents of a real export sit on a town or
/// quarter shared with many others) and returns how many there are. Clustering then works on
/// positions, not incidents.
pub fn assign_sites<'a>(items: impl Iterator<Item = &'a mut MarkerItem>) -> usize {
    let mut ids: HashMap<(u64, u64), u32, BuildFastHasher> = HashMap::default();
    for item in items {
        let key = (item.at[0].to_bits(), item.at[1].to_bits());
        let next = ids.len() as u32;
        item.site = *ids.entry(key).or_insert(next);
    }
    ids.len()
}

/// A group of markers drawn as one symbol.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub centre: Pos2,
    /// Dataset indices of the members.
    pub members: Vec<usize>,
    pub colour: Color32,
    /// The first member's uncertainty radius (metres) and latitude, for the ring of a single
    /// marker.
    pub ring: Option<(f64, f64)>,
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
    /// Where the map was clicked (lon, lat), whatever was under the pointer.
    pub clicked_at: Option<(f64, f64)>,
}

/// Groups screen positions greedily: each item joins the first cluster whose seed lies within
/// `MERGE_DISTANCE` (found through a grid of that cell size), else seeds a new one; items off
/// `t`'s rectangle are left out. (The clustering of [`ClusterCache`], on one set of items.)
pub fn cluster(t: &ScreenTransform, items: &[MarkerItem]) -> Vec<Cluster> {
    let mut c = ClusterCache::default();
    c.reset(*t, 0, 0);
    c.add(items);
    c.world
}

/// A small, fast hasher for grid cells (SipHash's resistance to crafted keys is not needed
/// for screen cells, and its cost showed in profiles).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type BuildFastHasher = std::hash::BuildHasherDefault<FastHasher>;

/// Clusters kept between frames (see the module notes).
///
/// Built by streaming the items through a greedy clusterer in world pixels: one
/// representative per site (or every item, when items have no sites) either joins the first
/// cluster whose seed is within [`MERGE_DISTANCE`] or seeds a new one, and every item joins its
/// site's cluster. Since that only ever adds, items appended to the list (a step forward in
/// cumulative mode) are clustered on their own: the result is the one a rebuild would give.
#[derive(Default)]
pub struct ClusterCache {
    key: Option<CacheKey>,
    /// How many of the items the clusters hold (the rest are appended ones to add).
    count: usize,
    /// Centres in world pixels.
    world: Vec<Cluster>,
    /// Sum of the representatives' world positions of each cluster (the centre is their mean).
    sums: Vec<(f64, f64, u32)>,
    /// Clusters by grid cell of their seeds ([`MERGE_DISTANCE`] pixels).
    grid: HashMap<(i32, i32), Vec<u32>, BuildFastHasher>,
    seeds: Vec<Pos2>,
    /// By site: its cluster, [`UNSEEN`] or [`CULLED`].
    of_site: Vec<u32>,
    /// The region clustered, in world pixels (items outside it are culled).
    area: Option<ScreenTransform>,
    /// Cluster of each incident (by dataset index); `u32::MAX` when it has none.
    cluster_of: Vec<u32>,
    /// World pixels to screen, as of the last frame.
    shift: egui::Vec2,
    /// Clusters on screen in the last frame (indices into `world`).
    shown: Vec<u32>,
}

/// A site no item has stood for yet.
const UNSEEN: u32 = u32::MAX;
/// A site outside the region clustered.
const CULLED: u32 = u32::MAX - 1;

#[derive(Clone, Copy, PartialEq, Eq)]
struct CacheKey {
    items: u64,
    scale: u64,
    region: [i64; 4],
}

impl ClusterCache {
    /// Brings the cache up to date for the view `t` over `items` (which change only when
    /// `generation` does, except by items appended at the end), then works out which clusters
    /// are on screen.
    fn update(
        &mut self,
        t: &ScreenTransform,
        items: &[MarkerItem],
        (generation, sites): (u64, usize),
        n: usize,
    ) {
        let world = ScreenTransform {
            offset: [0.0, 0.0],
            ..*t
        };
        let (w, h) = (
            t.rect.width().max(1.0) as f64,
            t.rect.height().max(1.0) as f64,
        );
        // The view in world pixels, snapped to whole view sizes and widened by one each way.
        let (x0, y0) = (
            t.rect.min.x as f64 - t.offset[0],
            t.rect.min.y as f64 - t.offset[1],
        );
        let region = [
            (x0 / w).floor() as i64 - 1,
            (y0 / h).floor() as i64 - 1,
            ((x0 + w) / w).ceil() as i64 + 1,
            ((y0 + h) / h).ceil() as i64 + 1,
        ];
        let key = CacheKey {
            items: generation,
            scale: t.scale.to_bits(),
            region,
        };
        if self.key != Some(key) || self.count > items.len() {
            let area = Rect::from_min_max(
                pos2((region[0] as f64 * w) as f32, (region[1] as f64 * h) as f32),
                pos2((region[2] as f64 * w) as f32, (region[3] as f64 * h) as f32),
            );
            self.reset(
                ScreenTransform {
                    rect: area,
                    ..world
                },
                sites,
                n,
            );
            self.key = Some(key);
        }
        if self.count < items.len() {
            self.add(&items[self.count..]);
            self.count = items.len();
        }
        self.shift = egui::vec2(t.offset[0] as f32, t.offset[1] as f32);
        let view = t.rect.expand(MERGE_DISTANCE * 2.0);
        self.shown.clear();
        for (k, c) in self.world.iter().enumerate() {
            if view.contains(c.centre + self.shift) {
                self.shown.push(k as u32);
            }
        }
    }

    /// Empties the cache for clustering the region of `area`, for `sites` sites and `n`
    /// incidents.
    fn reset(&mut self, area: ScreenTransform, sites: usize, n: usize) {
        self.count = 0;
        self.world.clear();
        self.sums.clear();
        self.grid.clear();
        self.seeds.clear();
        self.of_site.clear();
        self.of_site.resize(sites, UNSEEN);
        self.area = Some(area);
        self.cluster_of.clear();
        self.cluster_of.resize(n, u32::MAX);
    }

    /// Clusters `items` after those clustered so far.
    fn add(&mut self, items: &[MarkerItem]) {
        let Some(t) = self.area else {
            return;
        };
        let bounds = t.rect.expand(MERGE_DISTANCE);
        for item in items {
            let site = item.site as usize;
            let k = match self.of_site.get(site) {
                Some(&UNSEEN) | None => {
                    // The site's representative (or an item without a site): place it.
                    let p = t.apply(item.at);
                    let k = if bounds.contains(p) {
                        self.join(p, item)
                    } else {
                        CULLED
                    };
                    if let Some(slot) = self.of_site.get_mut(site) {
                        *slot = k;
                    }
                    k
                }
                Some(&k) => k,
            };
            if let Some(c) = self.world.get_mut(k as usize) {
                c.members.push(item.index);
                if let Some(slot) = self.cluster_of.get_mut(item.index) {
                    *slot = k;
                }
            }
        }
        for (c, &(x, y, n)) in self.world.iter_mut().zip(&self.sums) {
            c.centre = pos2((x / f64::from(n)) as f32, (y / f64::from(n)) as f32);
        }
    }

    /// The cluster a representative at `p` joins: the first whose seed is near, else a new one.
    fn join(&mut self, p: Pos2, item: &MarkerItem) -> u32 {
        let cell = |p: Pos2| {
            (
                (p.x / MERGE_DISTANCE).floor() as i32,
                (p.y / MERGE_DISTANCE).floor() as i32,
            )
        };
        let (cx, cy) = cell(p);
        for dx in -1..=1 {
            for dy in -1..=1 {
                let Some(list) = self.grid.get(&(cx + dx, cy + dy)) else {
                    continue;
                };
                if let Some(&c) = list
                    .iter()
                    .find(|&&c| self.seeds[c as usize].distance(p) < MERGE_DISTANCE)
                {
                    let s = &mut self.sums[c as usize];
                    *s = (s.0 + f64::from(p.x), s.1 + f64::from(p.y), s.2 + 1);
                    return c;
                }
            }
        }
        let c = self.world.len() as u32;
        self.grid.entry((cx, cy)).or_default().push(c);
        self.seeds.push(p);
        self.sums.push((f64::from(p.x), f64::from(p.y), 1));
        self.world.push(Cluster {
            centre: p,
            members: Vec::new(),
            colour: item.colour,
            ring: item.ring_m.map(|m| (m, item.lat)),
        });
        c
    }

    /// The clusters on screen in the last frame, with their screen centres.
    pub fn on_screen(&self) -> impl Iterator<Item = Cluster> + '_ {
        self.shown.iter().map(|&k| {
            let c = &self.world[k as usize];
            Cluster {
                centre: c.centre + self.shift,
                ..c.clone()
            }
        })
    }

    /// Screen position of the marker or cluster showing incident `index` in the last frame.
    pub fn screen_pos(&self, index: usize) -> Option<Pos2> {
        let k = *self.cluster_of.get(index)?;
        let c = self.world.get(k as usize)?;
        let p = c.centre + self.shift;
        self.shown.contains(&k).then_some(p)
    }

    fn shown_clusters(&self) -> impl Iterator<Item = (Pos2, &Cluster)> + '_ {
        self.shown.iter().map(|&k| {
            let c = &self.world[k as usize];
            (c.centre + self.shift, c)
        })
    }

    fn hit(&self, pos: Pos2) -> Option<&Cluster> {
        self.shown_clusters()
            .filter(|(p, c)| p.distance(pos) <= c.radius() + 4.0)
            .min_by(|a, b| a.0.distance(pos).total_cmp(&b.0.distance(pos)))
            .map(|(_, c)| c)
    }
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
    /// Clusters kept between frames; `generation` must change whenever `items` does.
    pub cache: &'a mut ClusterCache,
    pub generation: u64,
    /// Distinct positions numbered by [`assign_sites`] in `items`, or 0 when not numbered.
    pub sites: usize,
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
        let n = self.dataset.incidents.len();
        self.cache
            .update(&t, self.items, (self.generation, self.sites), n);
        let cache = &*self.cache;
        if let Some(underlay) = self.underlay {
            let discs: Vec<(Pos2, f32)> = cache
                .shown_clusters()
                .map(|(p, c)| (p, c.radius()))
                .collect();
            underlay(&painter, &t, &discs);
        }
        paint_cached(&painter, &t, cache, self.selected, self.show_rings);

        let hovered = response.hover_pos().and_then(|p| cache.hit(p));
        if let Some(c) = hovered {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            let dataset = self.dataset;
            let tip = response.clone();
            tip.on_hover_ui_at_pointer(|ui| tooltip(ui, dataset, c));
        }
        if response.clicked() {
            if let Some(p) = response.interact_pointer_pos() {
                let at = projector.unproject(p.to_vec2());
                self.events.clicked_at = Some((at.x(), at.y()));
            }
            match response.interact_pointer_pos().and_then(|p| cache.hit(p)) {
                Some(c) if c.members.len() == 1 => {
                    self.events.clicked_incident = Some(c.members[0])
                }
                Some(c) => self.events.clicked_cluster = Some(c.members.clone()),
                None => self.events.clicked_empty = true,
            }
        }
    }
}

/// Paints the clusters on screen from the cache: rings of single markers, markers, numbered
/// clusters and the selection.
fn paint_cached(
    painter: &egui::Painter,
    t: &ScreenTransform,
    cache: &ClusterCache,
    selected: Option<usize>,
    show_rings: bool,
) {
    if show_rings {
        for (p, c) in cache.shown_clusters() {
            if let (1, Some((m, lat))) = (c.members.len(), c.ring) {
                let r = (m * t.pixels_per_metre(lat)) as f32;
                if r > MARKER_RADIUS + 2.0 && r < 4000.0 {
                    painter.circle(
                        p,
                        r,
                        c.colour.gamma_multiply(0.12),
                        Stroke::new(1.0, c.colour.gamma_multiply(0.7)),
                    );
                }
            }
        }
    }
    for (p, c) in cache.shown_clusters() {
        paint_cluster(painter, p, c);
    }
    if let Some(p) = selected.and_then(|sel| cache.screen_pos(sel)) {
        let k = cache.cluster_of[selected.unwrap_or_default()] as usize;
        paint_selection(painter, p, cache.world[k].radius());
    }
}

fn paint_cluster(painter: &egui::Painter, centre: Pos2, c: &Cluster) {
    if c.members.len() == 1 {
        painter.circle(
            centre,
            MARKER_RADIUS,
            c.colour,
            Stroke::new(1.5, Color32::WHITE),
        );
    } else {
        let r = c.radius();
        painter.circle(
            centre,
            r,
            Color32::from_rgb(0x2B, 0x2F, 0x36),
            Stroke::new(2.5, c.colour),
        );
        painter.text(
            centre,
            Align2::CENTER_CENTER,
            c.members.len().to_string(),
            FontId::proportional(12.0),
            Color32::WHITE,
        );
    }
}

fn paint_selection(painter: &egui::Painter, centre: Pos2, radius: f32) {
    let r = radius + 4.0;
    painter.circle_stroke(centre, r + 1.5, Stroke::new(3.0, Color32::WHITE));
    painter.circle_stroke(
        centre,
        r,
        Stroke::new(2.5, Color32::from_rgb(0x11, 0x11, 0x11)),
    );
}

/// Paints rings, clusters, markers and the selection for clusters computed by [`cluster`]
/// (also used by image export).
pub fn paint(
    painter: &egui::Painter,
    t: &ScreenTransform,
    clusters: &[Cluster],
    selected: Option<usize>,
    show_rings: bool,
) {
    if show_rings {
        for c in clusters {
            if let (1, Some((m, lat))) = (c.members.len(), c.ring) {
                let r = (m * t.pixels_per_metre(lat)) as f32;
                if r > MARKER_RADIUS + 2.0 && r < 4000.0 {
                    painter.circle(
                        c.centre,
                        r,
                        c.colour.gamma_multiply(0.12),
                        Stroke::new(1.0, c.colour.gamma_multiply(0.7)),
                    );
                }
            }
        }
    }
    for c in clusters {
        paint_cluster(painter, c.centre, c);
    }
    if let Some(sel) = selected
        && let Some(c) = clusters.iter().find(|c| c.members.contains(&sel))
    {
        paint_selection(painter, c.centre, c.radius());
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
            site: u32::MAX,
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

    /// The clusters of `items` in the region of `t`, by site, the way the map keeps them.
    fn cached(t: &ScreenTransform, items: &[MarkerItem], sites: usize) -> ClusterCache {
        let mut c = ClusterCache::default();
        c.reset(*t, sites, 16);
        c.add(items);
        c
    }

    fn memberships(clusters: &[Cluster]) -> Vec<Vec<usize>> {
        let mut a: Vec<Vec<usize>> = clusters.iter().map(|c| c.members.clone()).collect();
        a.iter_mut().for_each(|m| m.sort_unstable());
        a.sort();
        a
    }

    #[test]
    fn clustering_by_site_keeps_every_item_and_merges_shared_positions() {
        // Three incidents at one place, one nearby, one far away.
        let mut items = vec![
            item(0, 37.177, 36.1989),
            item(1, 37.177, 36.1989),
            item(2, 37.18022, 36.20119),
            item(3, 37.177, 36.1989),
            item(4, 37.04, 36.1),
        ];
        let sites = assign_sites(items.iter_mut());
        assert_eq!(sites, 3);
        assert_eq!(items[0].site, items[3].site);
        for zoom in [9.0, 15.0] {
            let t = transform(zoom);
            let plain = cluster(&t, &items);
            let by_site = cached(&t, &items, sites);
            assert_eq!(
                memberships(&plain),
                memberships(&by_site.world),
                "zoom {zoom}"
            );
            assert_eq!(by_site.cluster_of[0], by_site.cluster_of[3]);
        }
    }

    #[test]
    fn items_appended_are_clustered_as_a_rebuild_would() {
        // A spread of incidents around Aleppo, several on shared sites, added in steps (as a
        // step forward in cumulative mode appends the day's incidents).
        let mut items: Vec<MarkerItem> = (0..60)
            .map(|k| {
                item(
                    k,
                    37.1 + 0.011 * (k % 4) as f64,
                    36.15 + 0.007 * (k % 6) as f64,
                )
            })
            .collect();
        let sites = assign_sites(items.iter_mut());
        assert_eq!(sites, 12);
        for zoom in [8.0, 11.0, 14.0] {
            let t = transform(zoom);
            let whole = cached(&t, &items, sites);
            for cut in [0, 1, 17, 59, 60] {
                let mut c = cached(&t, &items[..cut], sites);
                c.add(&items[cut..]);
                let what = format!("zoom {zoom}, cut {cut}");
                assert_eq!(c.world.len(), whole.world.len(), "{what}");
                for (a, b) in c.world.iter().zip(&whole.world) {
                    assert_eq!(a.members, b.members, "{what}");
                    assert_eq!(a.centre, b.centre, "{what}");
                    assert_eq!(a.colour, b.colour, "{what}");
                }
                assert_eq!(c.cluster_of, whole.cluster_of, "{what}");
            }
        }
    }
}
