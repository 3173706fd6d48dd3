//! MBTiles 1.3 (<https://github.com/mapbox/mbtiles-spec>): raster tiles in an SQLite file,
//! read through rusqlite's bundled SQLite (no system library), opened read-only. Rows count
//! from the south (TMS), so `y` is flipped against XYZ. A writer makes small packages for tests
//! and for `sitview tiles --out FILE.mbtiles`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{PackageInfo, TileError, TileFormat, TileSource};

/// An open MBTiles package.
pub struct MbTiles {
    path: PathBuf,
    /// SQLite connections are not `Sync`; tiles are read one at a time.
    db: Mutex<Connection>,
    info: PackageInfo,
}

impl MbTiles {
    /// Opens a package read-only and reads its metadata.
    ///
    /// # Errors
    /// When the file is missing, not SQLite, has no `tiles` table, or holds vector tiles.
    pub fn open(path: &Path) -> Result<MbTiles, TileError> {
        let err = |what: String| TileError::new(path, what);
        if !path.is_file() {
            return Err(err("no such file".into()));
        }
        let db = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| err(format!("cannot open as SQLite: {e}")))?;
        let has_tiles: bool = db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'tiles'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| err(format!("not an MBTiles file (SQLite says: {e})")))?;
        if !has_tiles {
            return Err(err("not an MBTiles file: it has no `tiles` table".into()));
        }
        let mut meta = HashMap::new();
        // The metadata table is required by the spec but missing in some files: carry on.
        if let Ok(mut stmt) = db.prepare("SELECT name, value FROM metadata") {
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)));
            if let Ok(rows) = rows {
                meta.extend(rows.flatten());
            }
        }
        let format = match meta
            .get("format")
            .map(|f| f.to_ascii_lowercase())
            .as_deref()
        {
            Some("png") => TileFormat::Png,
            Some("jpg" | "jpeg") => TileFormat::Jpeg,
            Some("webp") => TileFormat::Webp,
            Some("pbf" | "mvt") => {
                return Err(err(
                    "holds vector tiles (pbf): only raster packages (PNG, JPEG, WebP) can be shown"
                        .into(),
                ));
            }
            _ => TileFormat::Unknown,
        };
        let zoom = |k: &str| meta.get(k).and_then(|v| v.trim().parse::<u8>().ok());
        let (min_zoom, max_zoom) = match (zoom("minzoom"), zoom("maxzoom")) {
            (Some(a), Some(b)) if a <= b => (a, b),
            _ => db
                .query_row(
                    "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                    [],
                    |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
                )
                .map_err(|e| err(format!("cannot read the tiles table: {e}")))
                .map(|(a, b)| {
                    (
                        a.unwrap_or(0).clamp(0, 30) as u8,
                        b.unwrap_or(0).clamp(0, 30) as u8,
                    )
                })?,
        };
        let bounds = meta.get("bounds").and_then(|b| {
            let v: Vec<f64> = b.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
        });
        let bounds = bounds.and_then(super::valid_bounds);
        let info = PackageInfo {
            name: meta.get("name").cloned().unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            }),
            attribution: meta.get("attribution").cloned().unwrap_or_default(),
            format,
            min_zoom,
            max_zoom: max_zoom.min(30),
            bounds,
        };
        Ok(MbTiles {
            path: path.to_owned(),
            db: Mutex::new(db),
            info,
        })
    }
}

impl TileSource for MbTiles {
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        let n = super::tiles_across(z);
        if z > 30 || x >= n || y >= n {
            return Ok(None);
        }
        let row = n - 1 - y;
        let db = self
            .db
            .lock()
            .map_err(|_| TileError::new(&self.path, "database lock poisoned"))?;
        db.prepare(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
        )
        .and_then(|mut s| {
            s.query_row([i64::from(z), i64::from(x), i64::from(row)], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .optional()
        })
        .map_err(|e| TileError::new(&self.path, format!("cannot read tile {z}/{x}/{y}: {e}")))
    }

    fn info(&self) -> &PackageInfo {
        &self.info
    }
}

/// Writes PNG tiles (`((z, x, y), bytes)`, XYZ) as an MBTiles package, replacing `path`.
///
/// # Errors
/// When the file cannot be created or written.
pub fn write(
    path: &Path,
    tiles: &[super::EncodedTile],
    options: &super::pmtiles::WriteOptions,
) -> Result<u64, TileError> {
    let err = |e: rusqlite::Error| TileError::new(path, format!("cannot write: {e}"));
    if path.exists() {
        std::fs::remove_file(path)
            .map_err(|e| TileError::new(path, format!("cannot replace: {e}")))?;
    }
    let mut db = Connection::open(path).map_err(err)?;
    let tx = db.transaction().map_err(err)?;
    tx.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .map_err(err)?;
    let (lo, hi) = tiles
        .iter()
        .fold((u8::MAX, 0u8), |(lo, hi), ((z, _, _), _)| {
            (lo.min(*z), hi.max(*z))
        });
    let [w, s, e, n] = options.bounds;
    for (k, v) in [
        ("name", options.name.clone()),
        ("format", "png".into()),
        ("type", "baselayer".into()),
        ("version", "1".into()),
        ("description", options.description.clone()),
        ("attribution", options.attribution.clone()),
        ("bounds", format!("{w},{s},{e},{n}")),
        (
            "center",
            format!("{},{},{lo}", (w + e) / 2.0, (s + n) / 2.0),
        ),
        ("minzoom", lo.to_string()),
        ("maxzoom", hi.to_string()),
    ] {
        tx.execute("INSERT INTO metadata VALUES (?1, ?2)", (k, v))
            .map_err(err)?;
    }
    for ((z, x, y), bytes) in tiles {
        let row = super::tiles_across(*z) - 1 - y;
        tx.execute(
            "INSERT OR REPLACE INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (z, x, row, bytes),
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)?;
    db.execute_batch("VACUUM").map_err(err)?;
    drop(db);
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| TileError::new(path, format!("cannot read back: {e}")))
}
