//! Writing a dataset in the format a file name asks for: GeoJSON (native, lossless), ACLED-style
//! CSV, KML or KMZ. Used by Save As / Export in the viewer and by `sitview convert`.

use std::path::Path;

use crate::model::Dataset;

/// A format the program writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    GeoJson,
    AcledCsv,
    Kml,
    Kmz,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 4] = [
        OutputFormat::GeoJson,
        OutputFormat::AcledCsv,
        OutputFormat::Kml,
        OutputFormat::Kmz,
    ];

    /// The format for a path's extension, or a message listing the known extensions.
    pub fn for_path(path: &Path) -> Result<OutputFormat, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("geojson" | "json") => Ok(OutputFormat::GeoJson),
            Some("csv") => Ok(OutputFormat::AcledCsv),
            Some("kml") => Ok(OutputFormat::Kml),
            Some("kmz") => Ok(OutputFormat::Kmz),
            _ => Err(format!(
                "{}: cannot tell the output format; use .geojson, .csv (ACLED columns), .kml or .kmz",
                path.display()
            )),
        }
    }

    /// The usual extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::GeoJson => "geojson",
            OutputFormat::AcledCsv => "csv",
            OutputFormat::Kml => "kml",
            OutputFormat::Kmz => "kmz",
        }
    }

    /// A name for menus and file dialogs.
    pub fn label(self) -> &'static str {
        match self {
            OutputFormat::GeoJson => "GeoJSON (lossless)",
            OutputFormat::AcledCsv => "ACLED-style CSV",
            OutputFormat::Kml => "KML (Google Earth)",
            OutputFormat::Kmz => "KMZ (zipped KML)",
        }
    }

    /// Serialises `dataset` in this format.
    pub fn write(self, dataset: &Dataset) -> std::io::Result<Vec<u8>> {
        Ok(match self {
            OutputFormat::GeoJson => super::geojson::write(dataset),
            OutputFormat::AcledCsv => super::acled::write(dataset),
            OutputFormat::Kml => super::kml::write(dataset),
            OutputFormat::Kmz => super::kml::write_kmz(dataset)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_pick_the_format_and_unknown_ones_are_refused() {
        for f in OutputFormat::ALL {
            let name = format!("out.{}", f.extension().to_uppercase());
            assert_eq!(OutputFormat::for_path(Path::new(&name)), Ok(f));
        }
        let e = OutputFormat::for_path(Path::new("out.xlsx")).unwrap_err();
        assert!(e.contains(".geojson") && e.contains("out.xlsx"), "{e}");
    }
}
