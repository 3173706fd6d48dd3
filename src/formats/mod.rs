//! Reading and writing incident files.
//!
//! Every format is one file with `read(&[u8]) -> Result<Loaded, FormatError>` and, where it makes
//! sense, `write`. [`read_path`] / [`read_bytes`] detect the format and are the single entry point
//! used by the GUI and the CLI alike. Nothing here knows about egui.

pub mod acled;
pub mod csv_generic;
mod csv_split;
pub mod dates;
pub mod encoding;
pub mod export;
#[doc(hidden)]
pub mod fuzz;
pub mod gdelt;
pub mod geojson;
pub mod kml;
pub mod timemap;

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use crate::model::Dataset;

/// Files larger than this are refused before reading (the viewer holds a dataset in memory).
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// A problem with one record that did not stop the rest of the file from loading.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Where: "feature 3 (id \"x\")", "line 12", …
    pub location: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A file that could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// 1-based line of the problem, where known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl FormatError {
    pub fn new(message: impl Into<String>) -> Self {
        FormatError {
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FormatError {}

/// A file that was read: its dataset, per-record warnings, and how many records it held.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Warning>,
    /// Records seen in the file (loaded or not), for "loaded N of M".
    pub records: usize,
    pub format: Format,
}

/// The file formats this program knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    GeoJson,
    /// ACLED CSV export, current (31 columns) or legacy (upper-case headers).
    Acled,
    /// GDELT 2.0 events: tab-separated, no header, 61 columns.
    Gdelt,
    /// Any other CSV/TSV with coordinates and a date.
    Csv,
    Kml,
    Kmz,
    /// TimeMap JSON (Forensic Architecture / Bellingcat).
    TimeMap,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Acled => "ACLED CSV",
            Format::Gdelt => "GDELT events",
            Format::Csv => "CSV",
            Format::Kml => "KML",
            Format::Kmz => "KMZ",
            Format::TimeMap => "TimeMap JSON",
        }
    }
}

/// An error opening a file: the path and what went wrong.
#[derive(Debug)]
pub struct OpenError {
    pub path: String,
    pub kind: OpenErrorKind,
}

#[derive(Debug)]
pub enum OpenErrorKind {
    Io(std::io::Error),
    TooLarge(u64),
    Format(FormatError),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            OpenErrorKind::Io(e) => write!(f, "{}: {e}", self.path),
            OpenErrorKind::TooLarge(n) => write!(
                f,
                "{}: the file is {n} bytes, more than the {} this program will load",
                self.path, MAX_FILE_BYTES
            ),
            OpenErrorKind::Format(e) => write!(f, "{}: {e}", self.path),
        }
    }
}

impl std::error::Error for OpenError {}

/// Detects the format of `bytes` (the file name helps) and reads it.
///
/// Content decides first where it is unambiguous (a zip is a KMZ, `<kml` is KML, a JSON event
/// list is TimeMap, any other JSON is GeoJSON); the extension decides between the CSV-family
/// readers, which are then told apart by their headers (ACLED) or shape (GDELT).
pub fn read_bytes(bytes: &[u8], file_name: Option<&str>) -> Result<Loaded, FormatError> {
    let ext = file_name
        .and_then(|n| Path::new(n).extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first.is_none() {
        return Err(FormatError::new("the file is empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return kml::read_kmz(bytes);
    }
    if kml::sniff(bytes) {
        return kml::read(bytes);
    }
    let json_ext = matches!(
        ext.as_deref(),
        Some("geojson" | "json" | "geojsonl" | "geojsons" | "ndjson" | "jsonl")
    );
    if matches!(first, Some(b'{' | b'[' | 0x1E)) || json_ext {
        return if timemap::sniff(bytes) {
            timemap::read(bytes)
        } else {
            geojson::read(bytes)
        };
    }
    if acled::sniff(bytes) {
        return acled::read(bytes);
    }
    if gdelt::sniff(bytes) {
        return gdelt::read(bytes);
    }
    match ext.as_deref() {
        Some("kml") => kml::read(bytes),
        Some("kmz") => kml::read_kmz(bytes),
        Some("csv" | "tsv" | "txt" | "tab") => csv_generic::read(bytes),
        _ if looks_like_text(body) && csv_generic::sniff(bytes) => csv_generic::read(bytes),
        _ => Err(FormatError::new(
            "not a format this program knows: expected GeoJSON, TimeMap JSON, KML/KMZ, \
             ACLED or GDELT exports, or a CSV/TSV with coordinates and dates",
        )),
    }
}

/// Whether the start of `bytes` is text (no NUL or other control bytes besides whitespace).
fn looks_like_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(4096)
        .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
}

/// Reads the bytes of the file at `path`, refusing files over [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, OpenError> {
    let err = |kind| OpenError {
        path: path.display().to_string(),
        kind,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(OpenErrorKind::Io(e)))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(OpenErrorKind::TooLarge(meta.len())));
    }
    std::fs::read(path).map_err(|e| err(OpenErrorKind::Io(e)))
}

/// Reads and detects the file at `path`.
pub fn read_path(path: &Path) -> Result<Loaded, OpenError> {
    // A large ACLED export is read piece by piece, never whole in memory.
    if let Some(loaded) = acled::read_path(path) {
        return Ok(loaded);
    }
    let bytes = read_file(path)?;
    let name = path.file_name().and_then(|n| n.to_str());
    read_bytes(&bytes, name).map_err(|e| OpenError {
        path: path.display().to_string(),
        kind: OpenErrorKind::Format(e),
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder is written, flushed
/// to disk and renamed over the target, so a failure never leaves a half-written file and never
/// destroys the previous one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable where the platform allows opening a directory.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.geojson");
        std::fs::write(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary file left behind: {names:?}");
    }

    #[test]
    fn failed_atomic_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("a.geojson");
        assert!(write_atomic(&missing, b"x").is_err());
        // Renaming a file over a directory fails: the directory must survive untouched.
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), b"k").unwrap();
        assert!(write_atomic(&target, b"x").is_err());
        assert_eq!(std::fs::read(target.join("keep")).unwrap(), b"k");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn unknown_and_empty_files_get_clear_errors() {
        assert_eq!(
            read_bytes(b"  \n", None).unwrap_err().message,
            "the file is empty"
        );
        let e = read_bytes(b"\x00\x01binary", Some("x.bin")).unwrap_err();
        assert!(e.message.contains("not a format"), "{e}");
        // A CSV without coordinates or dates says what it lacks.
        let e = read_bytes(b"a,b\n1,2\n", Some("x.csv")).unwrap_err();
        assert!(
            e.message.contains("coordinate") || e.message.contains("date"),
            "{e}"
        );
    }
}
