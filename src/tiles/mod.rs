//! Raster tile basemaps: readers for local tile packages (PMTiles, MBTiles), the on-disk cache
//! of online tiles, the user's basemap choice, and the generator that renders the embedded
//! Natural Earth layers into a package. The readers know files and bytes only, never egui.

pub mod cache;
pub mod generate;
pub mod mbtiles;
pub mod online;
pub mod pmtiles;
pub mod source;

use std::fmt;
use std::path::{Path, PathBuf};

/// Something wrong with a tile package or a tile: which file, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileError {
    pub path: PathBuf,
    pub what: String,
}

impl TileError {
    pub fn new(path: &Path, what: impl Into<String>) -> TileError {
        TileError {
            path: path.to_owned(),
            what: what.into(),
        }
    }
}

impl fmt::Display for TileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.what)
    }
}

impl std::error::Error for TileError {}

/// The image format of a package's tiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileFormat {
    Png,
    Jpeg,
    Webp,
    /// Not declared; the bytes tell.
    Unknown,
}

/// What a package says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct PackageInfo {
    pub name: String,
    pub attribution: String,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees, when the package says (and they make a box).
    pub bounds: Option<[f64; 4]>,
}

/// `bounds` if they make a box on the globe (some packages write zeros).
pub fn valid_bounds(b: [f64; 4]) -> Option<[f64; 4]> {
    let [w, s, e, n] = b;
    let ok = b.iter().all(|v| v.is_finite())
        && (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && s < n;
    ok.then_some(b)
}

/// A source of raster tiles addressed as XYZ (y down, as OpenStreetMap and walkers count).
/// Implementations are shared with a loader thread, hence `Send + Sync`.
pub trait TileSource: Send + Sync {
    /// The encoded image of tile `z/x/y`, `None` when the source has no such tile.
    ///
    /// # Errors
    /// When the source cannot be read or is damaged (never a panic).
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError>;
    fn info(&self) -> &PackageInfo;
}

/// Opens a local tile package by its extension (`.pmtiles` or `.mbtiles`).
///
/// # Errors
/// When the extension is neither, or the file cannot be read as that format.
pub fn open_package(path: &Path) -> Result<Box<dyn TileSource>, TileError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "pmtiles" => Ok(Box::new(pmtiles::PmTiles::open(path)?)),
        "mbtiles" => Ok(Box::new(mbtiles::MbTiles::open(path)?)),
        _ => Err(TileError::new(
            path,
            "not a tile package: expected a .pmtiles or .mbtiles file",
        )),
    }
}

/// One encoded tile: `((z, x, y), PNG bytes)`, XYZ numbering.
pub type EncodedTile = ((u8, u32, u32), Vec<u8>);

/// Number of tiles along one side of the world at zoom `z`.
pub fn tiles_across(z: u8) -> u32 {
    1u32 << z.min(31)
}

/// The XYZ tile that holds `(lon, lat)` at zoom `z` (Web Mercator, as walkers projects).
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let mx = (lon + 180.0) / 360.0;
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let my = (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0;
    let n = tiles_across(z);
    let clamp = |v: f64| (v * f64::from(n)).floor().clamp(0.0, f64::from(n - 1)) as u32;
    (clamp(mx), clamp(my))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_are_found_with_the_map_projection() {
        for (lon, lat) in [(37.16, 36.2), (-0.1, 51.5), (179.9, -84.0), (-180.0, 85.0)] {
            let [mx, my] = crate::map::mercator(lon, lat);
            for z in [0u8, 5, 10, 17] {
                let (x, y) = tile_of(lon, lat, z);
                let n = f64::from(tiles_across(z));
                assert!(f64::from(x) <= mx * n && mx * n < f64::from(x) + 1.0 + 1e-9);
                assert!(f64::from(y) <= my * n && my * n < f64::from(y) + 1.0 + 1e-9);
            }
        }
        // Zoom 0 is one tile.
        assert_eq!(tile_of(37.16, 36.2, 0), (0, 0));
    }

    #[test]
    fn zero_or_reversed_bounds_are_no_bounds() {
        assert_eq!(valid_bounds([0.0; 4]), None);
        assert_eq!(valid_bounds([40.0, 30.0, 35.0, 37.0]), None);
        assert_eq!(valid_bounds([f64::NAN, 30.0, 35.0, 37.0]), None);
        let b = [35.5, 32.2, 42.5, 37.4];
        assert_eq!(valid_bounds(b), Some(b));
    }
}
