//! The map of one time window as an image, laid out as a briefing slide: basemap, overlays and
//! markers as in the viewer, plus a title plate with the dates, a legend with counts, a scale
//! bar, a north arrow and the credits. One egui frame is run headlessly and rasterised by
//! [`CpuRenderer`], so this works without a display or a GPU.

use egui::{
    Align2, Color32, FontId, Galley, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, vec2,
};
use image::RgbaImage;
use std::sync::Arc;

use crate::map::basemap::{ATTRIBUTION, Basemap, BasemapLayer, BasemapStyle, paint_scale_bar};
use crate::map::markers::{self, MarkerItem};
use crate::map::overlays::OverlayShapes;
use crate::map::{ScreenTransform, category_colours, mercator};
use crate::model::{Dataset, Day};
use crate::render::cpu::paint_offscreen;
use crate::timeline::{DayIndex, WindowMode};

/// What to draw: the image size, the view and the time window.
#[derive(Clone, Debug, PartialEq)]
pub struct MapImage {
    /// Width and height in pixels.
    pub size: [u32; 2],
    /// Centre of the view as (latitude, longitude); without it (or with `fit`) the view is fitted.
    pub centre: Option<(f64, f64)>,
    /// Zoom level as walkers counts it (256 · 2^zoom pixels around the globe).
    pub zoom: Option<f64>,
    /// Fit the view to the incidents in the window (overrides `centre` and `zoom`).
    pub fit: bool,
    /// The current day: the last day of the window.
    pub day: Day,
    pub mode: WindowMode,
    /// Title on the slide; defaults to the dataset's title.
    pub title: Option<String>,
}

impl MapImage {
    /// A 1600 × 1000 slide of `day` alone, fitted to its incidents.
    pub fn new(day: Day) -> MapImage {
        MapImage {
            size: [1600, 1000],
            centre: None,
            zoom: None,
            fit: true,
            day,
            mode: WindowMode::Day,
            title: None,
        }
    }
}

/// Fitted views never zoom out or in beyond these levels.
const FIT_ZOOM: (f64, f64) = (3.0, 12.0);
/// Zoom when a centre is given without one.
const DEFAULT_ZOOM: f64 = 8.0;
/// View when there is nothing to fit: Syria.
const FALLBACK: ((f64, f64), f64) = ((35.0, 38.5), 6.0);

const INK: Color32 = Color32::from_rgb(0x1E, 0x22, 0x28);
const INK_SOFT: Color32 = Color32::from_rgb(0x55, 0x5B, 0x63);
const CLUSTER_FILL: Color32 = Color32::from_rgb(0x2B, 0x2F, 0x36);

fn plate_fill() -> Color32 {
    Color32::from_rgba_unmultiplied(255, 255, 255, 225)
}

fn plate_stroke() -> Stroke {
    Stroke::new(1.0, Color32::from_gray(190))
}

/// Indices of the incidents visible in the spec's time window (located or not), in file order.
pub fn window_incidents(dataset: &Dataset, spec: &MapImage) -> Vec<usize> {
    let (from, to) = DayIndex::new(dataset).window_days(spec.mode, spec.day);
    (0..dataset.incidents.len())
        .filter(|&i| dataset.incidents[i].overlaps(from, to))
        .collect()
}

/// The part of the image a fitted view centres in: clear of the title plate (top) and the
/// legend column (right).
fn fit_area(rect: Rect) -> Rect {
    let (w, h) = (rect.width(), rect.height());
    let left = (0.04 * w).clamp(20.0, 60.0);
    let right = (0.3 * w).min(290.0);
    let top = (0.25 * h).min(160.0);
    let bottom = (0.06 * h).clamp(20.0, 60.0);
    Rect::from_min_max(rect.min + vec2(left, top), rect.max - vec2(right, bottom))
}

fn transform_at(rect: Rect, at: Pos2, m: [f64; 2], zoom: f64) -> ScreenTransform {
    let scale = 256.0 * 2f64.powf(zoom);
    ScreenTransform {
        scale,
        offset: [at.x as f64 - m[0] * scale, at.y as f64 - m[1] * scale],
        rect,
        zoom,
    }
}

/// The view fitted to `points` (unit-square Mercator) inside [`fit_area`].
fn fitted(rect: Rect, points: &[[f64; 2]]) -> Option<ScreenTransform> {
    let b = markers::bounds(points.iter().copied())?;
    // Markers, clusters and their labels need room beyond the points themselves.
    let area = fit_area(rect).shrink(30.0);
    let (dx, dy) = ((b.width() as f64).max(1e-9), (b.height() as f64).max(1e-9));
    let zoom = (area.width() as f64 / (dx * 256.0))
        .min(area.height() as f64 / (dy * 256.0))
        .log2()
        .clamp(FIT_ZOOM.0, FIT_ZOOM.1);
    let c = b.center();
    Some(transform_at(
        rect,
        area.center(),
        [c.x as f64, c.y as f64],
        zoom,
    ))
}

/// The screen transform [`render_map`] draws with: the spec's centre and zoom, or the view
/// fitted to the located incidents of the window (else of the whole dataset, else Syria).
pub fn view_transform(dataset: &Dataset, spec: &MapImage) -> ScreenTransform {
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(spec.size[0] as f32, spec.size[1] as f32));
    let located = |indices: &mut dyn Iterator<Item = usize>| -> Vec<[f64; 2]> {
        indices
            .filter_map(|i| dataset.incidents[i].location)
            .map(|l| mercator(l.lon, l.lat))
            .collect()
    };
    let fit = || {
        fitted(
            rect,
            &located(&mut window_incidents(dataset, spec).into_iter()),
        )
        .or_else(|| fitted(rect, &located(&mut (0..dataset.incidents.len()))))
    };
    let at = |(lat, lon): (f64, f64), zoom: f64| {
        transform_at(rect, rect.center(), mercator(lon, lat), zoom)
    };
    match (spec.fit, spec.centre, spec.zoom) {
        (false, Some(c), zoom) => at(c, zoom.unwrap_or(DEFAULT_ZOOM)),
        (false, None, Some(zoom)) => {
            // Keep the fitted centre, at the zoom asked for.
            let t = fit().unwrap_or_else(|| at(FALLBACK.0, FALLBACK.1));
            let centre = fit_area(rect).center();
            let m = [
                (centre.x as f64 - t.offset[0]) / t.scale,
                (centre.y as f64 - t.offset[1]) / t.scale,
            ];
            transform_at(rect, centre, m, zoom)
        }
        _ => fit().unwrap_or_else(|| at(FALLBACK.0, FALLBACK.1)),
    }
}

/// The category colour table, as the viewer builds it: fixed colours for well-known
/// categories, a palette for the others, and colours the file gives winning over both.
fn colour_table(dataset: &Dataset) -> Vec<(String, Color32)> {
    let mut colours = category_colours(&dataset.categories());
    for (category, colour) in &mut colours {
        if let Some([r, g, b]) = dataset.category_colours.get(category) {
            *colour = Color32::from_rgb(*r, *g, *b);
        }
    }
    colours
}

/// The dates of the window, as the slide shows them.
fn window_text(spec: &MapImage, from: Day, to: Day) -> String {
    match spec.mode {
        WindowMode::Day => to.long(),
        WindowMode::LastDays(n) if from != to => {
            format!("{} – {} (last {n} days)", from.medium(), to.medium())
        }
        WindowMode::Cumulative if from != to => {
            format!("{} – {} (all days up to)", from.medium(), to.medium())
        }
        _ => to.long(),
    }
}

/// Renders the map for `spec` into an RGBA image of `spec.size` pixels.
///
/// # Errors
/// When the size is zero or too large for the rasteriser.
pub fn render_map(dataset: &Dataset, spec: &MapImage) -> Result<RgbaImage, String> {
    let [w, h] = spec.size;
    if w < 200 || h < 150 || w > 8192 || h > 8192 {
        return Err(format!(
            "image size {w}×{h}: expected 200×150 to 8192×8192 pixels"
        ));
    }
    let t = view_transform(dataset, spec);
    paint_offscreen(w as f32, h as f32, |painter| {
        paint_slide(painter, dataset, spec, &t)
    })
}

/// Encodes an image as PNG bytes.
///
/// # Errors
/// If the encoder fails (it does not for RGBA images in memory).
pub fn encode_png(img: &RgbaImage) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| format!("could not encode PNG: {e}"))?;
    Ok(bytes)
}

/// Everything on the slide, bottom up.
fn paint_slide(painter: &Painter, dataset: &Dataset, spec: &MapImage, t: &ScreenTransform) {
    let rect = t.rect;
    let index = DayIndex::new(dataset);
    let (from, to) = index.window_days(spec.mode, spec.day);
    let colours = colour_table(dataset);
    let slot = |category: &str| colours.iter().position(|(c, _)| c == category);

    // Incidents of the window, and how many of each category are on the map.
    let mut items = Vec::new();
    let mut counts = vec![0usize; colours.len()];
    let mut unplaced = 0;
    for (i, inc) in dataset.incidents.iter().enumerate() {
        if !inc.overlaps(from, to) {
            continue;
        }
        let k = slot(&inc.category);
        let colour = k.map_or(Color32::GRAY, |k| colours[k].1);
        match MarkerItem::new(dataset, i, colour) {
            Some(item) => {
                if let Some(k) = k {
                    counts[k] += 1;
                }
                items.push(item);
            }
            None => unplaced += 1,
        }
    }

    // Map: basemap, overlays, labels kept clear of the markers, markers.
    let style = BasemapStyle::default();
    let layer = BasemapLayer {
        basemap: Basemap::embedded(),
        style: &style,
        show_labels: false,
    };
    layer.paint(painter, t);
    OverlayShapes::new(&dataset.overlays).paint(painter, t, (from, to), &Default::default());
    let clusters = markers::cluster(t, &items);
    let discs: Vec<(Pos2, f32)> = clusters.iter().map(|c| (c.centre, c.radius())).collect();
    layer.paint_labels(painter, t, &discs);
    markers::paint(painter, t, &clusters, None, true);

    // Furniture.
    let title = spec
        .title
        .clone()
        .or_else(|| dataset.title.clone())
        .unwrap_or_else(|| "Incidents".to_owned());
    let mut summary = match items.len() {
        1 => "1 incident on the map".to_owned(),
        n => format!("{n} incidents on the map"),
    };
    if unplaced > 0 {
        summary += &format!(", {unplaced} more without a known place");
    }
    paint_title(
        painter,
        rect,
        &title,
        &window_text(spec, from, to),
        &summary,
    );
    let north = paint_north_arrow(painter, rect);
    let clustered = clusters.iter().any(|c| c.members.len() > 1);
    let ringed = items.iter().any(|i| i.ring_m.is_some());
    paint_legend(
        painter,
        pos2(rect.max.x - 16.0, north.max.y + 12.0),
        &colours,
        &counts,
        clustered,
        ringed,
    );
    let credit = paint_attribution(painter, rect);
    // The scale bar on its own plate (painted under it once its size is known).
    let plate = painter.add(Shape::Noop);
    let bar = paint_scale_bar(
        painter,
        t,
        pos2(rect.min.x + 24.0, rect.max.y - 22.0),
        (rect.width() * 0.12)
            .clamp(80.0, 200.0)
            .min(credit.min.x - 60.0),
    );
    painter.set(
        plate,
        Shape::rect_filled(bar.expand2(vec2(10.0, 7.0)), 4.0, plate_fill()),
    );
}

fn galley(painter: &Painter, text: &str, size: f32, colour: Color32, wrap: f32) -> Arc<Galley> {
    painter.layout(
        crate::text::visual(text).into_owned(),
        FontId::proportional(size),
        colour,
        wrap,
    )
}

/// Title, dates and a one-line summary on a plate at the top left.
fn paint_title(painter: &Painter, rect: Rect, title: &str, dates: &str, summary: &str) {
    let wrap = (rect.width() * 0.62).max(160.0);
    let big = (rect.height() / 30.0).clamp(18.0, 34.0);
    let lines = [
        galley(painter, title, big, INK, wrap),
        galley(painter, dates, big * 0.72, INK, wrap),
        galley(painter, summary, (big * 0.48).max(11.0), INK_SOFT, wrap),
    ];
    let pad = vec2(16.0, 12.0);
    let gap = 5.0;
    let width = lines.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let height: f32 = lines.iter().map(|g| g.size().y).sum::<f32>() + gap * 2.0;
    let min = rect.min + vec2(16.0, 16.0);
    let plate = Rect::from_min_size(min, vec2(width, height) + pad * 2.0);
    painter.rect(plate, 6.0, plate_fill(), plate_stroke(), StrokeKind::Inside);
    let mut y = min.y + pad.y;
    for g in lines {
        let h = g.size().y;
        painter.galley(pos2(min.x + pad.x, y), g, INK);
        y += h + gap;
    }
}

/// A north arrow in the top right corner; returns the area it covers.
fn paint_north_arrow(painter: &Painter, rect: Rect) -> Rect {
    let c = pos2(rect.max.x - 44.0, rect.min.y + 60.0);
    let r = 24.0;
    painter.circle(c, r, plate_fill(), plate_stroke());
    let tip = c + vec2(0.0, -15.0);
    let base = c + vec2(0.0, 7.0);
    let left = c + vec2(-8.0, 13.0);
    let right = c + vec2(8.0, 13.0);
    painter.add(Shape::convex_polygon(
        vec![tip, base, left],
        INK,
        Stroke::NONE,
    ));
    painter.add(Shape::convex_polygon(
        vec![tip, right, base],
        Color32::from_gray(150),
        Stroke::NONE,
    ));
    painter.add(Shape::closed_line(
        vec![tip, right, base, left],
        Stroke::new(1.0, INK),
    ));
    painter.text(
        c + vec2(0.0, -r - 2.0),
        Align2::CENTER_BOTTOM,
        "N",
        FontId::proportional(15.0),
        INK,
    );
    Rect::from_center_size(c, vec2(2.0 * r, 2.0 * r))
        .union(Rect::from_min_max(c - vec2(8.0, r + 20.0), c))
}

/// The legend of the categories on the map (most frequent first), right-aligned at `top_right`.
fn paint_legend(
    painter: &Painter,
    top_right: Pos2,
    colours: &[(String, Color32)],
    counts: &[usize],
    clustered: bool,
    ringed: bool,
) {
    const MAX_ROWS: usize = 12;
    let mut rows: Vec<usize> = (0..colours.len()).filter(|&k| counts[k] > 0).collect();
    rows.sort_by_key(|&k| std::cmp::Reverse(counts[k]));
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);

    let wrap = 240.0;
    let header = galley(painter, "Legend", 15.0, INK, wrap);
    enum Symbol {
        Marker(Color32),
        Cluster,
        Ring,
        None,
    }
    let mut entries: Vec<(Symbol, Arc<Galley>)> = rows
        .iter()
        .map(|&k| {
            let (name, colour) = &colours[k];
            let text = format!("{name} ({})", counts[k]);
            (
                Symbol::Marker(*colour),
                galley(painter, &text, 13.5, INK, wrap),
            )
        })
        .collect();
    if rows.is_empty() {
        entries.push((
            Symbol::None,
            galley(painter, "No incidents in this window", 13.5, INK_SOFT, wrap),
        ));
    }
    if hidden > 0 {
        let text = format!("and {hidden} more categories");
        entries.push((Symbol::None, galley(painter, &text, 12.5, INK_SOFT, wrap)));
    }
    if clustered {
        let g = galley(
            painter,
            "Cluster: number of incidents",
            12.5,
            INK_SOFT,
            wrap,
        );
        entries.push((Symbol::Cluster, g));
    }
    if ringed {
        let g = galley(painter, "Ring: location uncertainty", 12.5, INK_SOFT, wrap);
        entries.push((Symbol::Ring, g));
    }

    let pad = vec2(12.0, 10.0);
    let symbol_w = 22.0;
    let row_h = 21.0;
    let width = entries
        .iter()
        .map(|(_, g)| symbol_w + g.size().x)
        .fold(header.size().x, f32::max);
    let height = header.size().y + 6.0 + row_h * entries.len() as f32;
    let plate = Rect::from_min_size(
        top_right - vec2(width + pad.x * 2.0, 0.0),
        vec2(width, height) + pad * 2.0,
    );
    painter.rect(plate, 6.0, plate_fill(), plate_stroke(), StrokeKind::Inside);
    let x = plate.min.x + pad.x;
    let mut y = plate.min.y + pad.y;
    let header_h = header.size().y;
    painter.galley(pos2(x, y), header, INK);
    y += header_h + 6.0;
    for (symbol, g) in entries {
        let c = pos2(x + 8.0, y + row_h * 0.5);
        match symbol {
            Symbol::Marker(colour) => {
                painter.circle(c, 7.0, colour, Stroke::new(1.5, Color32::WHITE));
            }
            Symbol::Cluster => {
                painter.circle(c, 8.0, CLUSTER_FILL, Stroke::new(2.0, Color32::GRAY));
            }
            Symbol::Ring => {
                painter.circle(
                    c,
                    8.0,
                    Color32::from_gray(235),
                    Stroke::new(1.0, Color32::GRAY),
                );
            }
            Symbol::None => {}
        }
        let gy = y + (row_h - g.size().y) * 0.5;
        painter.galley(pos2(x + symbol_w, gy), g, INK);
        y += row_h;
    }
}

/// The credits at the bottom right; returns their plate.
fn paint_attribution(painter: &Painter, rect: Rect) -> Rect {
    let g = galley(painter, ATTRIBUTION, 11.0, INK_SOFT, f32::INFINITY);
    let min = rect.max - g.size() - vec2(12.0, 10.0);
    let plate = Rect::from_min_size(min, g.size()).expand2(vec2(6.0, 3.0));
    painter.rect_filled(plate, 3.0, plate_fill());
    painter.galley(min, g, INK_SOFT);
    plate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Incident, LonLat};

    fn incident(lon: f64, lat: f64, day: Day) -> Incident {
        Incident {
            id: format!("{lon},{lat}").into(),
            category: "Air strike".into(),
            date: Some(day),
            location: LonLat::new(lon, lat),
            ..Default::default()
        }
    }

    #[test]
    fn fit_keeps_every_incident_of_the_window_inside_the_fit_area() {
        let day = Day::from_ymd(2016, 9, 19).unwrap();
        let ds = Dataset {
            incidents: vec![
                incident(36.0, 35.0, day),
                incident(37.5, 36.5, day),
                incident(40.0, 33.0, day.plus(1)),
            ],
            ..Default::default()
        };
        let spec = MapImage::new(day);
        let t = view_transform(&ds, &spec);
        let area = fit_area(t.rect);
        for inc in &ds.incidents[..2] {
            let l = inc.location.unwrap();
            assert!(area.expand(1.0).contains(t.lonlat(l.lon, l.lat)));
        }
        assert!((FIT_ZOOM.0..=FIT_ZOOM.1).contains(&t.zoom));
    }

    #[test]
    fn empty_window_falls_back_to_the_data_then_to_syria() {
        let day = Day::from_ymd(2016, 9, 19).unwrap();
        let ds = Dataset {
            incidents: vec![incident(36.0, 35.0, day)],
            ..Default::default()
        };
        let t = view_transform(&ds, &MapImage::new(day.plus(5)));
        assert_eq!(t.zoom, FIT_ZOOM.1);
        assert!((t.lonlat(36.0, 35.0) - fit_area(t.rect).center()).length() < 0.5);
        let t = view_transform(&Dataset::default(), &MapImage::new(day));
        assert_eq!(t.zoom, FALLBACK.1);
        assert!((t.lonlat(38.5, 35.0) - t.rect.center()).length() < 0.5);
    }

    #[test]
    fn explicit_centre_lands_at_the_image_centre() {
        let day = Day::from_ymd(2016, 9, 19).unwrap();
        let spec = MapImage {
            centre: Some((36.2, 37.16)),
            zoom: Some(9.0),
            fit: false,
            ..MapImage::new(day)
        };
        let t = view_transform(&Dataset::default(), &spec);
        assert_eq!(t.zoom, 9.0);
        assert!((t.lonlat(37.16, 36.2) - pos2(800.0, 500.0)).length() < 0.01);
    }

    #[test]
    fn rejects_unusable_sizes() {
        let spec = MapImage {
            size: [0, 100],
            ..MapImage::new(Day::from_ymd(2016, 9, 19).unwrap())
        };
        assert!(render_map(&Dataset::default(), &spec).is_err());
    }
}
