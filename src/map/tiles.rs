//! The raster tile layer: a walkers plugin that paints tiles from any [`TileSource`] (a local
//! package, or the online source when the user allows it) at a chosen opacity, between the
//! embedded basemap and the markers. Tiles are read and decoded on loader threads, nearest to
//! the centre of the view first; textures are kept for the most recently used tiles. Beyond
//! the source's zoom range the nearest level is scaled, so a z5–8 package still shows at z11.
//!
//! (walkers' own `Tiles` draw opaque and below every plugin; this layer exists to have an
//! opacity and to keep the tiles above the embedded layers but under the markers.)

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

use egui::{Color32, ColorImage, Mesh, Rect, TextureHandle, TextureOptions, pos2};
use walkers::{MapMemory, Plugin, Projector};

use super::ScreenTransform;
use crate::tiles::{PackageInfo, TileSource, tiles_across};

/// `(z, x, y)`, XYZ numbering.
pub type TileKey = (u8, u32, u32);

/// Textures kept at most (about 100 MB of RGBA at 256 × 256).
const MAX_TEXTURES: usize = 400;

enum Slot {
    Ready(TextureHandle),
    /// The source has no such tile, or it failed: not asked again while this view lives.
    Missing,
}

/// Work shared with the loader threads: the tiles wanted now (popped from the end) and those
/// being loaded.
struct Queue {
    wanted: Mutex<Vec<TileKey>>,
    in_flight: Mutex<HashSet<TileKey>>,
    signal: Condvar,
    closed: AtomicBool,
}

type Loaded = (TileKey, Result<Option<ColorImage>, String>);

/// A tile source being shown: its loader threads and the textures of its tiles.
pub struct TileView {
    info: PackageInfo,
    queue: Arc<Queue>,
    results: Receiver<Loaded>,
    slots: HashMap<TileKey, (Slot, u64)>,
    frame: u64,
    /// The last error a tile gave (shown by the picker).
    pub last_error: Option<String>,
    /// Tiles drawn in the last frame.
    pub drawn: usize,
}

impl TileView {
    /// Starts `threads` loader threads on `source`; `ctx` is asked to repaint as tiles arrive.
    pub fn new(source: Box<dyn TileSource>, threads: usize, ctx: &egui::Context) -> TileView {
        let info = source.info().clone();
        let source: Arc<dyn TileSource> = Arc::from(source);
        let queue = Arc::new(Queue {
            wanted: Mutex::new(Vec::new()),
            in_flight: Mutex::new(HashSet::new()),
            signal: Condvar::new(),
            closed: AtomicBool::new(false),
        });
        let (tx, results) = channel();
        for i in 0..threads.max(1) {
            let (source, queue, tx, ctx) = (source.clone(), queue.clone(), tx.clone(), ctx.clone());
            let _ = std::thread::Builder::new()
                .name(format!("tiles-{i}"))
                .spawn(move || load_loop(&*source, &queue, &tx, &ctx));
        }
        TileView {
            info,
            queue,
            results,
            slots: HashMap::new(),
            frame: 0,
            last_error: None,
            drawn: 0,
        }
    }

    pub fn info(&self) -> &PackageInfo {
        &self.info
    }

    /// Whether tiles are still being loaded.
    pub fn busy(&self) -> bool {
        let wanted = self.queue.wanted.lock().map_or(0, |w| w.len());
        let flying = self.queue.in_flight.lock().map_or(0, |f| f.len());
        wanted + flying > 0
    }

    fn receive(&mut self, ctx: &egui::Context) {
        while let Ok((key, result)) = self.results.try_recv() {
            let slot = match result {
                Ok(Some(img)) => Slot::Ready(ctx.load_texture(
                    format!("tile-{}-{}-{}", key.0, key.1, key.2),
                    img,
                    TextureOptions::LINEAR,
                )),
                Ok(None) => Slot::Missing,
                Err(e) => {
                    self.last_error = Some(e);
                    Slot::Missing
                }
            };
            self.slots.insert(key, (slot, self.frame));
        }
        if self.slots.len() > MAX_TEXTURES {
            let mut by_age: Vec<(u64, TileKey)> = self
                .slots
                .iter()
                .map(|(k, (_, used))| (*used, *k))
                .collect();
            by_age.sort_unstable();
            for (_, k) in by_age.iter().take(self.slots.len() - MAX_TEXTURES * 3 / 4) {
                self.slots.remove(k);
            }
        }
    }

    fn texture(&mut self, key: TileKey) -> Option<&TextureHandle> {
        let frame = self.frame;
        match self.slots.get_mut(&key) {
            Some((Slot::Ready(t), used)) => {
                *used = frame;
                Some(t)
            }
            _ => None,
        }
    }

    /// Paints the tiles covering the view with `opacity` (0–1).
    pub fn paint(&mut self, painter: &egui::Painter, t: &ScreenTransform, opacity: f32) {
        self.frame += 1;
        self.receive(painter.ctx());
        self.drawn = 0;
        let (lo, hi) = (self.info.min_zoom, self.info.max_zoom);
        let want = t.zoom.round().clamp(0.0, 30.0) as u8;
        // Far below the source's zooms a level would need too many tiles: leave it to the
        // embedded layers.
        if want + 3 < lo {
            return;
        }
        let z = want.clamp(lo, hi);
        let n = tiles_across(z);
        let [x0, y0, x1, y1] = t.visible_bounds(0.0);
        let mut bounds = [x0, y0, x1, y1];
        if let Some([w, s, e, north]) = self.info.bounds {
            let [bw, bn] = super::mercator(w, north);
            let [be, bs] = super::mercator(e, s);
            bounds = [x0.max(bw), y0.max(bn), x1.min(be), y1.min(bs)];
        }
        if bounds[0] >= bounds[2] || bounds[1] >= bounds[3] {
            return;
        }
        let cell = |v: f64| (v * f64::from(n)).floor().clamp(0.0, f64::from(n - 1)) as u32;
        let (tx0, ty0, tx1, ty1) = (
            cell(bounds[0]),
            cell(bounds[1]),
            cell(bounds[2]),
            cell(bounds[3]),
        );
        if u64::from(tx1 - tx0 + 1) * u64::from(ty1 - ty0 + 1) > 256 {
            return;
        }
        let tint = Color32::from_white_alpha((opacity.clamp(0.0, 1.0) * 255.0).round() as u8);
        let centre = t.rect.center();
        let mut wanted = Vec::new();
        for ty in ty0..=ty1 {
            for tx in tx0..=tx1 {
                let key = (z, tx, ty);
                let size = 1.0 / f64::from(n);
                let rect = Rect::from_min_max(
                    t.apply([f64::from(tx) * size, f64::from(ty) * size]),
                    t.apply([f64::from(tx + 1) * size, f64::from(ty + 1) * size]),
                );
                if let Some(tex) = self.texture(key) {
                    let mut mesh = Mesh::with_texture(tex.id());
                    mesh.add_rect_with_uv(
                        rect,
                        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                        tint,
                    );
                    painter.add(mesh);
                    self.drawn += 1;
                    continue;
                }
                if !self.slots.contains_key(&key) {
                    wanted.push((rect.center().distance_sq(centre), key));
                }
                // Meanwhile, a coarser tile already loaded, scaled.
                for up in 1..=4u8 {
                    if z < lo + up {
                        break;
                    }
                    let (px, py) = (tx >> up, ty >> up);
                    let k = 1u32 << up;
                    let part = 1.0 / k as f32;
                    let (u, v) = ((tx % k) as f32 * part, (ty % k) as f32 * part);
                    if let Some(tex) = self.texture((z - up, px, py)) {
                        let mut mesh = Mesh::with_texture(tex.id());
                        let uv = Rect::from_min_max(pos2(u, v), pos2(u + part, v + part));
                        mesh.add_rect_with_uv(rect, uv, tint);
                        painter.add(mesh);
                        break;
                    }
                }
            }
        }
        // Nearest last: the loaders pop from the end.
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        let flying = self
            .queue
            .in_flight
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        if let Ok(mut w) = self.queue.wanted.lock() {
            *w = wanted
                .into_iter()
                .map(|(_, k)| k)
                .filter(|k| !flying.contains(k))
                .collect();
        }
        self.queue.signal.notify_all();
    }
}

impl Drop for TileView {
    fn drop(&mut self) {
        self.queue.closed.store(true, Ordering::SeqCst);
        if let Ok(mut w) = self.queue.wanted.lock() {
            w.clear();
        }
        self.queue.signal.notify_all();
    }
}

fn load_loop(source: &dyn TileSource, queue: &Queue, tx: &Sender<Loaded>, ctx: &egui::Context) {
    loop {
        let key = {
            let Ok(mut wanted) = queue.wanted.lock() else {
                return;
            };
            loop {
                if queue.closed.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(k) = wanted.pop() {
                    break k;
                }
                wanted = match queue.signal.wait(wanted) {
                    Ok(w) => w,
                    Err(_) => return,
                };
            }
        };
        if let Ok(mut f) = queue.in_flight.lock() {
            f.insert(key);
        }
        let (z, x, y) = key;
        let result = source
            .tile(z, x, y)
            .map_err(|e| e.to_string())
            .and_then(|bytes| bytes.map(|b| decode(&b)).transpose());
        if let Ok(mut f) = queue.in_flight.lock() {
            f.remove(&key);
        }
        if tx.send((key, result)).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// Decodes a PNG, JPEG or WebP tile.
fn decode(bytes: &[u8]) -> Result<ColorImage, String> {
    let img = image::load_from_memory(bytes)
        .map_err(|e| format!("a tile does not decode: {e}"))?
        .to_rgba8();
    Ok(ColorImage::from_rgba_unmultiplied(
        [img.width() as usize, img.height() as usize],
        img.as_raw(),
    ))
}

/// The walkers plugin: paints `view` for the map's current view.
pub struct TileLayer<'a> {
    /// `None` draws nothing (the embedded map alone).
    pub view: Option<&'a mut TileView>,
    pub opacity: f32,
}

impl Plugin for TileLayer<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let Some(view) = self.view else { return };
        let rect = response.rect;
        let painter = ui.painter().with_clip_rect(rect);
        let t = ScreenTransform::new(projector, rect);
        view.paint(&painter, &t, self.opacity);
    }
}
