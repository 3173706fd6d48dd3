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
    /// `[west, south, east, north]` in degrees, when the package says.
    pub bounds: Option<[f64; 4]>,
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

/// The XYZ tile that holds `(lon, lat)` at zoom `z`.
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let [mx, my] = crate::map::mercator(lon, lat);
    let n = tiles_across(z);
    let clamp = |v: f64| (v * f64::from(n)).floor().clamp(0.0, f64::from(n - 1)) as u32;
    (clamp(mx), clamp(my))
}
