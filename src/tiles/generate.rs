//! `sitview tiles`: renders the embedded Natural Earth layers (and place labels) of a region to
//! 256 × 256 PNG tiles with the CPU rasteriser, and writes them as a PMTiles or MBTiles package.
//! This makes the test fixtures, and a package of another region for other tools (QGIS …).

use std::ops::RangeInclusive;
use std::path::Path;
use std::process::ExitCode;

use egui::{Pos2, Rect, vec2};
use image::{ImageEncoder, RgbaImage};

use super::pmtiles::WriteOptions;
use super::{EncodedTile, tile_of, tiles_across};
use crate::map::ScreenTransform;
use crate::map::basemap::{ATTRIBUTION, Basemap, BasemapLayer, BasemapStyle};
use crate::render::cpu::paint_offscreen;

/// Tiles rendered per side in one pass (a 4096-pixel image at most).
const CHUNK: u32 = 16;

/// Parses `west,south,east,north` in degrees.
///
/// # Errors
/// When there are not four numbers, or they do not make a box on the globe.
pub fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{s:?}: expected west,south,east,north in degrees"))?;
    match v[..] {
        [w, so, e, n]
            if (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-85.06..=85.06).contains(&so)
                && (-85.06..=85.06).contains(&n)
                && w < e
                && so < n =>
        {
            Ok([w, so, e, n])
        }
        _ => Err(format!(
            "{s:?}: expected west,south,east,north with west < east and south < north"
        )),
    }
}

/// Parses a zoom range: `7` or `5-8`.
///
/// # Errors
/// When it is not one zoom or a rising range within 0–16.
pub fn parse_zooms(s: &str) -> Result<RangeInclusive<u8>, String> {
    let bad = || format!("{s:?}: expected a zoom (0–16) or a range such as 5-8");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u8 = a.trim().parse().map_err(|_| bad())?;
    let b: u8 = b.trim().parse().map_err(|_| bad())?;
    if a > b || b > 16 {
        return Err(bad());
    }
    Ok(a..=b)
}

/// The tiles of `bbox` at zoom `z`, as inclusive `(x0, y0, x1, y1)`.
pub fn tile_range(bbox: [f64; 4], z: u8) -> (u32, u32, u32, u32) {
    let [w, s, e, n] = bbox;
    let (x0, y0) = tile_of(w, n, z);
    let (x1, y1) = tile_of(e, s, z);
    (x0, y0, x1, y1)
}

/// Renders the embedded basemap of `bbox` at every zoom of `zooms` as PNG tiles.
///
/// # Errors
/// When the region needs more than 20 000 tiles, or rasterising fails.
pub fn render_tiles(
    bbox: [f64; 4],
    zooms: RangeInclusive<u8>,
    style: &BasemapStyle,
) -> Result<Vec<EncodedTile>, String> {
    let count: u64 = zooms
        .clone()
        .map(|z| {
            let (x0, y0, x1, y1) = tile_range(bbox, z);
            u64::from(x1 - x0 + 1) * u64::from(y1 - y0 + 1)
        })
        .sum();
    if count > 20_000 {
        return Err(format!(
            "{count} tiles: too many for one package (at most 20 000); use a smaller region or fewer zooms"
        ));
    }
    let mut out = Vec::with_capacity(count as usize);
    for z in zooms {
        let (x0, y0, x1, y1) = tile_range(bbox, z);
        for cy in (y0..=y1).step_by(CHUNK as usize) {
            for cx in (x0..=x1).step_by(CHUNK as usize) {
                let (w, h) = ((x1 + 1 - cx).min(CHUNK), (y1 + 1 - cy).min(CHUNK));
                let img = render_block(style, z, cx, cy, w, h)?;
                for ty in 0..h {
                    for tx in 0..w {
                        let tile = image::imageops::crop_imm(&img, tx * 256, ty * 256, 256, 256)
                            .to_image();
                        out.push(((z, cx + tx, cy + ty), encode_png(&tile)?));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Renders the `w × h` tiles from `(x, y)` at zoom `z` as one image, so that labels that cross
/// a tile edge are drawn whole.
fn render_block(
    style: &BasemapStyle,
    z: u8,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
) -> Result<RgbaImage, String> {
    let n = f64::from(tiles_across(z));
    let scale = 256.0 * n;
    let (pw, ph) = (w as f32 * 256.0, h as f32 * 256.0);
    let t = ScreenTransform {
        scale,
        offset: [-f64::from(x) * 256.0, -f64::from(y) * 256.0],
        rect: Rect::from_min_size(Pos2::ZERO, vec2(pw, ph)),
        zoom: f64::from(z),
    };
    let layer = BasemapLayer {
        basemap: Basemap::embedded(),
        style,
        show_labels: true,
    };
    paint_offscreen(pw, ph, |painter| {
        layer.paint(painter, &t);
        layer.paint_labels(painter, &t, &[]);
    })
}

/// Encodes a tile as an opaque RGB PNG, compressed hard (packages are written once, read often).
fn encode_png(img: &RgbaImage) -> Result<Vec<u8>, String> {
    let rgb = image::DynamicImage::ImageRgba8(img.clone()).into_rgb8();
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut bytes,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(
        rgb.as_raw(),
        rgb.width(),
        rgb.height(),
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| format!("could not encode a tile as PNG: {e}"))?;
    Ok(bytes)
}

/// Renders and writes a package; the extension of `out` picks PMTiles or MBTiles.
///
/// # Errors
/// When rendering fails or the file cannot be written.
pub fn make_package(
    bbox: [f64; 4],
    zooms: RangeInclusive<u8>,
    style: TileStyle,
    out: &Path,
) -> Result<(usize, u64), String> {
    let tiles = render_tiles(bbox, zooms.clone(), &style.palette())?;
    let options = WriteOptions {
        name: format!(
            "sitview embedded basemap ({}), zoom {}–{}",
            style.name(),
            zooms.start(),
            zooms.end()
        ),
        attribution: ATTRIBUTION.to_owned(),
        description: "Rendered by `sitview tiles` from the embedded Natural Earth layers".into(),
        bounds: bbox,
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let size = match ext.as_str() {
        "pmtiles" => super::pmtiles::write(out, &tiles, &options),
        "mbtiles" => super::mbtiles::write(out, &tiles, &options),
        _ => {
            return Err(format!(
                "{}: the output must end in .pmtiles or .mbtiles",
                out.display()
            ));
        }
    }
    .map_err(|e| e.to_string())?;
    Ok((tiles.len(), size))
}

/// The palette a package is drawn in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TileStyle {
    /// The viewer's own colours.
    #[default]
    Light,
    /// Dark land and sea with light labels, for a projector in a dim room.
    Dark,
}

impl TileStyle {
    pub fn name(self) -> &'static str {
        match self {
            TileStyle::Light => "light",
            TileStyle::Dark => "dark",
        }
    }

    pub fn palette(self) -> BasemapStyle {
        match self {
            TileStyle::Light => BasemapStyle::default(),
            TileStyle::Dark => BasemapStyle::dark(),
        }
    }

    /// `light` or `dark`, for the command line.
    pub fn parse(s: &str) -> Result<TileStyle, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "light" => Ok(TileStyle::Light),
            "dark" => Ok(TileStyle::Dark),
            other => Err(format!("unknown style {other:?}: use light or dark")),
        }
    }
}

/// The `sitview tiles` command.
pub fn cli(bbox: [f64; 4], zooms: RangeInclusive<u8>, style: TileStyle, out: &Path) -> ExitCode {
    match make_package(bbox, zooms, style, out) {
        Ok((n, size)) => {
            println!("{}: {n} tiles, {size} bytes", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sitview tiles: {e}");
            ExitCode::FAILURE
        }
    }
}
