//! The import dialog: for files whose columns or properties were guessed (any CSV/TSV, GeoJSON
//! from other tools), it shows which column holds the date, the coordinates, the text … and
//! lets the user change the choice and read the file again. A CSV whose date or coordinates
//! could not be found opens this dialog instead of failing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::formats::csv_generic::{self, Column, CsvMapping};
use crate::formats::geojson::{self, JsonMapping};
use crate::formats::{Format, FormatError, Loaded};

/// What can be remapped, with the names to choose from.
pub enum Kind {
    Csv {
        headers: Vec<String>,
        mapping: CsvMapping,
    },
    Json {
        names: Vec<String>,
        mapping: JsonMapping,
    },
}

/// An open import dialog.
pub struct Import {
    pub path: PathBuf,
    bytes: Arc<Vec<u8>>,
    pub kind: Kind,
    pub open: bool,
    /// Why the last reading failed, or what it gave.
    pub status: Option<(String, bool)>,
}

/// The dialog's verdict for this frame.
pub enum Outcome {
    None,
    Loaded(Loaded),
}

/// Roles offered for CSV columns, with their labels.
const CSV_ROLES: [(Column, &str); 15] = [
    (Column::Date, "Date"),
    (Column::DateEnd, "End date"),
    (Column::Lat, "Latitude"),
    (Column::Lon, "Longitude"),
    (Column::LatLon, "\"lat, lon\" in one column"),
    (Column::Text, "Source text"),
    (Column::Title, "Title"),
    (Column::Category, "Category"),
    (Column::Place, "Place"),
    (Column::Admin1, "Region"),
    (Column::Source, "Publisher"),
    (Column::Url, "Link"),
    (Column::Id, "Id"),
    (Column::Killed, "Killed"),
    (Column::Injured, "Injured"),
];

impl Import {
    /// An import dialog for a file that was read with guessed columns, or `None` when the
    /// file's format leaves nothing to guess (ACLED, KML, our own GeoJSON …).
    pub fn offer(path: &Path, bytes: Arc<Vec<u8>>, loaded: &Loaded) -> Option<Import> {
        let kind = match loaded.format {
            Format::Csv => {
                let (headers, mapping) = csv_generic::detect_partial(&bytes).ok()?;
                Kind::Csv { headers, mapping }
            }
            Format::GeoJson if !geojson::is_native(&bytes) => {
                let mapping = geojson::detect_mapping(&bytes).ok()?;
                // A file that uses our own property names leaves nothing to check.
                let native = JsonMapping {
                    text: mapping.text.clone(),
                    id: mapping.id.clone(),
                    ..JsonMapping::native()
                };
                if mapping == native {
                    return None;
                }
                Kind::Json {
                    names: geojson::property_names(&bytes).ok()?,
                    mapping,
                }
            }
            _ => return None,
        };
        let status = format!(
            "Read {} incidents from {} records with the columns below.",
            loaded.dataset.incidents.len(),
            loaded.records
        );
        Some(Import {
            path: path.to_path_buf(),
            bytes,
            kind,
            open: true,
            status: Some((status, false)),
        })
    }

    /// An import dialog for a CSV/TSV that could not be read as it stands (no date or
    /// coordinate column found), so that the user can name the columns.
    pub fn rescue(path: &Path, bytes: Arc<Vec<u8>>, error: &FormatError) -> Option<Import> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let delimited = matches!(ext.as_deref(), Some("csv" | "tsv" | "txt" | "tab"))
            || csv_generic::sniff(&bytes);
        if !delimited {
            return None;
        }
        let (headers, mapping) = csv_generic::detect_partial(&bytes).ok()?;
        Some(Import {
            path: path.to_path_buf(),
            bytes,
            kind: Kind::Csv { headers, mapping },
            open: true,
            status: Some((format!("Could not read it as it stands: {error}"), true)),
        })
    }

    /// Reads the file again with the current choices.
    pub fn apply(&mut self) -> Result<Loaded, FormatError> {
        let result = match &self.kind {
            Kind::Csv { mapping, .. } => {
                let missing = mapping.missing();
                if missing.is_empty() {
                    csv_generic::read_with(&self.bytes, mapping)
                } else {
                    Err(FormatError::new(format!(
                        "choose the column with the {}",
                        missing.join(" and the ")
                    )))
                }
            }
            Kind::Json { mapping, .. } => geojson::read_with(&self.bytes, mapping),
        };
        self.status = Some(match &result {
            Ok(l) => (
                format!(
                    "Read {} incidents from {} records, {} warnings.",
                    l.dataset.incidents.len(),
                    l.records,
                    l.warnings.len()
                ),
                false,
            ),
            Err(e) => (e.to_string(), true),
        });
        result
    }

    /// Shows the dialog; returns the file read again when the user applied new choices.
    pub fn ui(&mut self, ctx: &egui::Context) -> Outcome {
        let mut outcome = Outcome::None;
        let mut open = self.open;
        let name = self
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut apply = false;
        egui::Window::new("Import settings")
            .open(&mut open)
            .default_pos(ctx.content_rect().left_top() + egui::vec2(220.0, 70.0))
            .collapsible(true)
            .resizable(false)
            .default_width(420.0)
            .show(ctx, |ui| {
                ui.label(format!("Which column of {name} holds what:"));
                ui.add_space(4.0);
                match &mut self.kind {
                    Kind::Csv { headers, mapping } => csv_grid(ui, headers, mapping),
                    Kind::Json { names, mapping } => json_grid(ui, names, mapping),
                }
                ui.add_space(6.0);
                if let Some((text, error)) = &self.status {
                    let colour = if *error {
                        egui::Color32::from_rgb(0xB0, 0x20, 0x10)
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.colored_label(colour, text);
                }
                ui.horizontal(|ui| {
                    apply = ui.button("Read again with these columns").clicked();
                });
            });
        self.open = open;
        if apply && let Ok(loaded) = self.apply() {
            outcome = Outcome::Loaded(loaded);
        }
        outcome
    }
}

/// One combo box per role over the CSV's headers.
fn csv_grid(ui: &mut egui::Ui, headers: &[String], mapping: &mut CsvMapping) {
    egui::Grid::new("csv-columns")
        .num_columns(1)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (role, label) in CSV_ROLES {
                let current = mapping.get(role);
                let text = current
                    .and_then(|i| Some(format!("{}: {}", i + 1, headers.get(i)?)))
                    .unwrap_or_else(|| "(none)".to_owned());
                let mut chosen = current;
                egui::ComboBox::new(("csv-role", role.name()), label)
                    .selected_text(text)
                    .width(220.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, "(none)");
                        for (i, h) in headers.iter().enumerate() {
                            ui.selectable_value(&mut chosen, Some(i), format!("{}: {h}", i + 1));
                        }
                    });
                if chosen != current {
                    mapping.set(role, chosen);
                }
                ui.end_row();
            }
            ui.checkbox(&mut mapping.swapped, "Longitude written first");
            ui.end_row();
        });
}

/// One combo box per field over the GeoJSON's property names.
fn json_grid(ui: &mut egui::Ui, names: &[String], mapping: &mut JsonMapping) {
    let JsonMapping {
        date,
        date_end,
        category,
        title,
        text,
        place,
        id,
    } = mapping;
    let rows: [(&str, &mut Option<String>); 7] = [
        ("Date", date),
        ("End date", date_end),
        ("Category", category),
        ("Title", title),
        ("Source text", text),
        ("Place", place),
        ("Id", id),
    ];
    egui::Grid::new("json-properties")
        .num_columns(1)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (label, slot) in rows {
                let shown = slot.clone().unwrap_or_else(|| "(none)".to_owned());
                egui::ComboBox::new(("json-field", label), label)
                    .selected_text(shown)
                    .width(220.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(slot, None, "(none)");
                        for n in names {
                            ui.selectable_value(slot, Some(n.clone()), n);
                        }
                    });
                ui.end_row();
            }
        });
}
