//! The user's basemap settings: which background is chosen, the custom XYZ/TMS sources they
//! added, whether online tiles are allowed at all (off until they say so), and the opacity of
//! tiles over the embedded layers. Serialised through eframe's storage.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Key of the settings in eframe's storage.
pub const STORAGE_KEY: &str = "sitview.basemap";

/// OpenStreetMap's standard tile server.
pub const OSM_TEMPLATE: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL)";

/// A tile server given by a URL template with `{z}`, `{x}` and `{y}` (or `{-y}` for TMS).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomSource {
    pub name: String,
    pub url_template: String,
    pub attribution: String,
    /// Rows count from the south (TMS) rather than the north (XYZ).
    #[serde(default)]
    pub tms: bool,
}

impl CustomSource {
    /// The URL of tile `z/x/y` (XYZ numbering; flipped for TMS servers).
    pub fn url(&self, z: u8, x: u32, y: u32) -> String {
        let n = super::tiles_across(z);
        let flipped = n - 1 - y.min(n - 1);
        let row = if self.tms { flipped } else { y };
        self.url_template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{-y}", &flipped.to_string())
            .replace("{y}", &row.to_string())
    }

    /// Why the template cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let t = self.url_template.trim();
        if !(t.starts_with("https://") || t.starts_with("http://")) {
            return Some("the URL must start with https:// or http://".into());
        }
        for part in ["{z}", "{x}"] {
            if !t.contains(part) {
                return Some(format!("the URL template has no {part}"));
            }
        }
        if !t.contains("{y}") && !t.contains("{-y}") {
            return Some("the URL template has no {y} (or {-y})".into());
        }
        if self.attribution.trim().is_empty() {
            return Some("give the attribution the tile provider asks for".into());
        }
        None
    }
}

/// The background under the incidents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BasemapChoice {
    /// Natural Earth layers built into the program: never touches the network.
    #[default]
    Embedded,
    /// OpenStreetMap's tile server (online).
    Osm,
    /// A tile server the user added (online).
    Custom(CustomSource),
    /// A local PMTiles package.
    PmTiles { path: PathBuf },
    /// A local MBTiles package.
    MbTiles { path: PathBuf },
}

impl BasemapChoice {
    /// Whether this choice fetches tiles over the network.
    pub fn is_online(&self) -> bool {
        matches!(self, BasemapChoice::Osm | BasemapChoice::Custom(_))
    }

    /// A local package by its file's extension.
    pub fn package(path: PathBuf) -> Option<BasemapChoice> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pmtiles" => Some(BasemapChoice::PmTiles { path }),
            "mbtiles" => Some(BasemapChoice::MbTiles { path }),
            _ => None,
        }
    }

    /// The online server of this choice, if it is one.
    pub fn server(&self) -> Option<CustomSource> {
        match self {
            BasemapChoice::Osm => Some(CustomSource {
                name: "OpenStreetMap".into(),
                url_template: OSM_TEMPLATE.into(),
                attribution: OSM_ATTRIBUTION.into(),
                tms: false,
            }),
            BasemapChoice::Custom(c) => Some(c.clone()),
            _ => None,
        }
    }

    /// A short name for menus and the attribution line.
    pub fn label(&self) -> String {
        match self {
            BasemapChoice::Embedded => "Embedded (offline)".into(),
            BasemapChoice::Osm => "OpenStreetMap (online)".into(),
            BasemapChoice::Custom(c) => format!("{} (online)", c.name),
            BasemapChoice::PmTiles { path } | BasemapChoice::MbTiles { path } => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
        }
    }
}

/// Everything the basemap picker remembers between sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BasemapSettings {
    pub choice: BasemapChoice,
    /// Online tiles may be fetched. Off until the user turns it on: a tile request tells the
    /// server which area is being looked at.
    pub online_allowed: bool,
    pub custom: Vec<CustomSource>,
    /// Opacity of tiles over the embedded layers, 0–1.
    pub opacity: f32,
    /// Local packages opened before, most recent first.
    pub packages: Vec<PathBuf>,
    /// Draw the embedded place labels over the tiles too.
    pub labels_over_tiles: bool,
}

impl Default for BasemapSettings {
    fn default() -> Self {
        BasemapSettings {
            choice: BasemapChoice::Embedded,
            online_allowed: false,
            custom: Vec::new(),
            opacity: 1.0,
            packages: Vec::new(),
            labels_over_tiles: false,
        }
    }
}

impl BasemapSettings {
    /// Whether the current choice may fetch from the network right now.
    pub fn fetches_online(&self) -> bool {
        self.online_allowed && self.choice.is_online()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_embedded_map_with_online_tiles_off() {
        let s = BasemapSettings::default();
        assert_eq!(s.choice, BasemapChoice::Embedded);
        assert!(!s.online_allowed);
        assert!(!s.fetches_online());
        // Settings saved by an older version (or damaged) fall back to the same defaults.
        let old: BasemapSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(old, s);
        // Choosing OSM alone does not allow fetching.
        let osm = BasemapSettings {
            choice: BasemapChoice::Osm,
            ..Default::default()
        };
        assert!(!osm.fetches_online());
    }

    #[test]
    fn urls_fill_the_template_and_flip_tms_rows() {
        let mut c = CustomSource {
            name: "t".into(),
            url_template: "https://t.example/{z}/{x}/{y}.png".into(),
            attribution: "T".into(),
            tms: false,
        };
        assert_eq!(c.url(3, 4, 1), "https://t.example/3/4/1.png");
        c.tms = true;
        assert_eq!(c.url(3, 4, 1), "https://t.example/3/4/6.png");
        c.url_template = "https://t.example/{z}/{x}/{-y}.png".into();
        c.tms = false;
        assert_eq!(c.url(3, 4, 1), "https://t.example/3/4/6.png");
        assert!(c.problem().is_none());
        c.url_template = "ftp://x/{z}".into();
        assert!(c.problem().is_some());
    }

    #[test]
    fn settings_survive_a_round_trip_through_storage() {
        let custom = CustomSource {
            name: "Topo".into(),
            url_template: "https://t.example/{z}/{x}/{-y}.png".into(),
            attribution: "© Topo".into(),
            tms: false,
        };
        let s = BasemapSettings {
            choice: BasemapChoice::Custom(custom.clone()),
            online_allowed: true,
            custom: vec![custom],
            opacity: 0.6,
            packages: vec![PathBuf::from("/data/region.pmtiles")],
            labels_over_tiles: true,
        };
        // eframe stores values as RON; JSON exercises the same serde derive.
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<BasemapSettings>(&text).unwrap(), s);
        let pm = BasemapChoice::package(PathBuf::from("a/b.PMTiles"));
        assert!(matches!(pm, Some(BasemapChoice::PmTiles { .. })));
        assert_eq!(BasemapChoice::package(PathBuf::from("a/b.png")), None);
    }
}
