//! KMZ: a zip archive holding a KML document (`doc.kml`, or the first `.kml` at the root) and
//! the files it refers to. Archives are hostile input: only a bounded number of entries is
//! scanned, declared sizes are never trusted, and inflating stops at a byte cap.

use std::io::{Cursor, Read as _, Write as _};

use zip::ZipArchive;
use zip::write::SimpleFileOptions;

use crate::formats::{Format, FormatError, Loaded, Warning};
use crate::model::Dataset;

/// The most bytes the KML inside a KMZ may inflate to (256 MiB).
pub const MAX_KML_BYTES: u64 = 256 << 20;

/// Entries whose names are looked at to find the KML; archives with more are refused.
pub const MAX_ENTRIES: usize = 10_000;

/// Reads a KMZ, inflating at most [`MAX_KML_BYTES`] of KML.
pub fn read_kmz(bytes: &[u8]) -> Result<Loaded, FormatError> {
    read_kmz_with_limit(bytes, MAX_KML_BYTES)
}

/// [`read_kmz`] with a cap of `limit` inflated bytes (tests use a small one).
pub fn read_kmz_with_limit(bytes: &[u8], limit: u64) -> Result<Loaded, FormatError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| FormatError::new(format!("not a readable KMZ (zip) archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(FormatError::new(format!(
            "the KMZ has {} entries, more than the {MAX_ENTRIES} this program will look through",
            archive.len()
        )));
    }
    let (index, name, warning) = find_kml(&archive)?;
    let mut entry = archive
        .by_index(index)
        .map_err(|e| FormatError::new(format!("cannot open {name} in the KMZ: {e}")))?;
    let mut kml = Vec::new();
    // Read one byte past the cap to tell "exactly at the cap" from "beyond it".
    entry
        .by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut kml)
        .map_err(|e| FormatError::new(format!("cannot unzip {name} from the KMZ: {e}")))?;
    if kml.len() as u64 > limit {
        return Err(FormatError::new(format!(
            "{name} in the KMZ inflates to more than {limit} bytes; refused (a zip bomb?)"
        )));
    }
    drop(entry);
    let mut loaded = super::read(&kml).map_err(|e| FormatError {
        message: format!("{name} in the KMZ: {}", e.message),
        ..e
    })?;
    loaded.format = Format::Kmz;
    if let Some(w) = warning {
        loaded.warnings.insert(0, w);
    }
    Ok(loaded)
}

/// The entry to read: `doc.kml`, else the first `.kml` at the root, else (with a warning) the
/// first `.kml` anywhere.
fn find_kml(
    archive: &ZipArchive<Cursor<&[u8]>>,
) -> Result<(usize, String, Option<Warning>), FormatError> {
    let names: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|i| Some((i, archive.name_for_index(i)?.ok()?.into_owned())))
        .collect();
    let is_kml = |n: &str| n.to_ascii_lowercase().ends_with(".kml");
    let at_root = |n: &str| !n.trim_start_matches('/').contains('/');
    if let Some((i, n)) = names
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case("doc.kml"))
    {
        return Ok((*i, n.clone(), None));
    }
    if let Some((i, n)) = names.iter().find(|(_, n)| is_kml(n) && at_root(n)) {
        return Ok((*i, n.clone(), None));
    }
    if let Some((i, n)) = names.iter().find(|(_, n)| is_kml(n)) {
        let w = Warning {
            location: "KMZ".into(),
            message: format!("no .kml at the root of the archive; read {n}"),
        };
        return Ok((*i, n.clone(), Some(w)));
    }
    let listed: Vec<&str> = names.iter().take(10).map(|(_, n)| n.as_str()).collect();
    Err(FormatError::new(format!(
        "the KMZ holds no .kml file (entries: {})",
        if listed.is_empty() {
            "none".to_owned()
        } else {
            listed.join(", ")
        }
    )))
}

/// Writes the dataset as a KMZ: [`super::write`]'s KML as a deflated `doc.kml`.
pub fn write_kmz(dataset: &Dataset) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("doc.kml", options)
        .map_err(std::io::Error::other)?;
    zip.write_all(&super::write(dataset))?;
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}
