//! Opening and saving: the native file dialog (rfd, on a worker thread so the UI never blocks),
//! an in-app path dialog for machines without one, drag-and-drop and the recent-files list.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use super::Notice;
use crate::formats::export::OutputFormat;

/// File name of the built-in sample.
pub const SAMPLE_NAME: &str = "aleppo-2016-09.geojson";
/// Storage key of the recent-files list.
pub const RECENT_KEY: &str = "sitview.recent";
const MAX_RECENT: usize = 10;

/// What the file machinery asks the app to do.
pub enum Action {
    Open(PathBuf),
    SaveTo(PathBuf),
    /// Export everything (`false`) or only the current time window (`true`).
    ExportTo(PathBuf, bool),
    /// Export the map as a PNG of this size.
    ExportImage(PathBuf, [u32; 2]),
    /// Export the day report of the current window (.md or .html).
    ExportReport(PathBuf),
    /// Add the lines and areas of a file as an overlay layer.
    AddLayer(PathBuf),
    /// Export an animation of the data's days (.gif, or numbered .png).
    ExportAnimation(PathBuf),
    OpenSample,
    /// Start an empty file.
    New,
    /// Open the report import window.
    ImportReport,
    /// Read this text file into the report import window.
    ReportText(PathBuf),
    Notice(Notice),
    /// The Save As dialog was closed without a file: what was to follow the save is dropped.
    SaveCancelled,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DialogKind {
    Open,
    Save,
    Export {
        window_only: bool,
    },
    Image {
        size: [u32; 2],
    },
    Report,
    Layer,
    Animation,
    /// A report's text for the report import window.
    ReportText,
}

impl DialogKind {
    fn action(self, path: PathBuf) -> Action {
        match self {
            DialogKind::Open => Action::Open(path),
            DialogKind::Save => Action::SaveTo(with_extension(path)),
            DialogKind::Export { window_only } => {
                Action::ExportTo(with_extension(path), window_only)
            }
            DialogKind::Image { size } => {
                let path = if path.extension().is_none() {
                    path.with_extension("png")
                } else {
                    path
                };
                Action::ExportImage(path, size)
            }
            DialogKind::Layer => Action::AddLayer(path),
            DialogKind::ReportText => Action::ReportText(path),
            DialogKind::Animation => Action::ExportAnimation(if path.extension().is_none() {
                path.with_extension("gif")
            } else {
                path
            }),
            DialogKind::Report => {
                let path = if path.extension().is_none() {
                    path.with_extension("html")
                } else {
                    path
                };
                Action::ExportReport(path)
            }
        }
    }
}

/// Extensions of the files the program reads, for the Open dialog.
const READABLE: [&str; 12] = [
    "geojson", "json", "geojsonl", "ndjson", "csv", "tsv", "txt", "kml", "kmz", "CSV", "KML", "KMZ",
];

/// The in-app path dialog.
struct PathDialog {
    kind: DialogKind,
    text: String,
    reason: Option<String>,
}

#[derive(Default)]
pub struct Files {
    pub recent: Vec<PathBuf>,
    pending: Option<(DialogKind, Receiver<Option<PathBuf>>)>,
    path_dialog: Option<PathDialog>,
    actions: Vec<Action>,
}

/// Whether rfd can show a native dialog here: it needs an xdg desktop portal (reached over the
/// D-Bus session bus) or `zenity`; without either it returns `None` at once.
pub fn native_dialog_available() -> bool {
    if cfg!(not(target_os = "linux")) {
        return true;
    }
    let has_zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()));
    has_zenity || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

impl Files {
    /// Remembers `path` at the top of the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    pub fn open_dialog(&mut self, ctx: &egui::Context) {
        self.start_dialog(ctx, DialogKind::Open, String::new());
    }

    /// Save As, proposing `name`.
    pub fn save_as(&mut self, ctx: &egui::Context, name: String) {
        self.start_dialog(ctx, DialogKind::Save, name);
    }

    /// Export the map as a PNG of `size`, proposing `name`.
    pub fn export_image(&mut self, ctx: &egui::Context, name: String, size: [u32; 2]) {
        self.start_dialog(ctx, DialogKind::Image { size }, name);
    }

    /// Export everything or only the current window, proposing `name`.
    pub fn export(&mut self, ctx: &egui::Context, name: String, window_only: bool) {
        self.start_dialog(ctx, DialogKind::Export { window_only }, name);
    }

    /// Shows the in-app path dialog.
    /// Picks a text file for the report import window.
    pub fn pick_report_text(&mut self, ctx: &egui::Context) {
        self.start_dialog(ctx, DialogKind::ReportText, String::new());
    }

    pub fn open_path_dialog(&mut self) {
        self.path_dialog = Some(PathDialog {
            kind: DialogKind::Open,
            text: String::new(),
            reason: None,
        });
    }

    fn start_dialog(&mut self, ctx: &egui::Context, kind: DialogKind, name: String) {
        if self.pending.is_some() {
            return;
        }
        if !native_dialog_available() {
            self.path_dialog = Some(PathDialog {
                kind,
                text: name,
                reason: Some(
                    "No system file dialog is available here (no desktop portal or zenity): \
                     type the path instead."
                        .into(),
                ),
            });
            return;
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let start_dir = self
            .recent
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(dir) = start_dir {
                dialog = dialog.set_directory(dir);
            }
            let picked = match kind {
                DialogKind::Open => dialog
                    .add_filter(
                        "Incident files (GeoJSON, CSV, ACLED, GDELT, KML, KMZ, TimeMap)",
                        &READABLE,
                    )
                    .add_filter("All files", &["*"])
                    .set_title("Open incident file")
                    .pick_file(),
                DialogKind::Animation => dialog
                    .add_filter("Animated GIF", &["gif"])
                    .add_filter("Numbered PNG frames", &["png"])
                    .set_title("Export an animation, one frame a day")
                    .set_file_name(name)
                    .save_file(),
                DialogKind::Layer => dialog
                    .add_filter("Lines and areas (GeoJSON, KML, KMZ)", &READABLE)
                    .set_title("Add an overlay layer")
                    .pick_file(),
                DialogKind::ReportText => dialog
                    .add_filter("Text", &["txt", "text", "md"])
                    .add_filter("All files", &["*"])
                    .set_title("Read a report's text")
                    .pick_file(),
                DialogKind::Report => dialog
                    .add_filter("HTML page", &["html"])
                    .add_filter("Markdown", &["md"])
                    .set_title("Export the day report")
                    .set_file_name(name)
                    .save_file(),
                DialogKind::Image { .. } => dialog
                    .add_filter("PNG image", &["png"])
                    .set_title("Export the map as an image")
                    .set_file_name(name)
                    .save_file(),
                DialogKind::Save | DialogKind::Export { .. } => {
                    for f in OutputFormat::ALL {
                        dialog = dialog.add_filter(f.label(), &[f.extension()]);
                    }
                    let title = match kind {
                        DialogKind::Export { window_only: true } => {
                            "Export the incidents of the current window"
                        }
                        DialogKind::Export { .. } => "Export all incidents",
                        _ => "Save incidents as",
                    };
                    dialog.set_title(title).set_file_name(name).save_file()
                }
            };
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
        self.pending = Some((kind, rx));
    }

    /// Collects a finished dialog and dropped files.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some((kind, rx)) = &self.pending {
            match rx.try_recv() {
                Ok(Some(path)) => {
                    self.actions.push(kind.action(path));
                    self.pending = None;
                }
                Ok(None) => {
                    if *kind == DialogKind::Save {
                        self.actions.push(Action::SaveCancelled);
                    }
                    self.pending = None;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.pending = None;
                    self.actions.push(Action::Notice(Notice {
                        text: "The file dialog failed; use File, Open path… instead".into(),
                        error: true,
                    }));
                }
            }
        }
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            self.actions.push(Action::Open(path));
        }
    }

    /// The File menu's open/save entries and the recent list.
    pub fn menu_ui(&mut self, ui: &mut egui::Ui, save_label: &str, suggested: &str) -> bool {
        let mut save = false;
        if ui.button("New (empty file)  (Ctrl+N)").clicked() {
            self.actions.push(Action::New);
        }
        if ui.button("Open…  (Ctrl+O)").clicked() {
            self.open_dialog(ui.ctx());
        }
        if ui.button("Open path…").clicked() {
            self.open_path_dialog();
        }
        ui.menu_button("Open recent", |ui| {
            if self.recent.is_empty() {
                ui.weak("No recent files");
            }
            let mut open = None;
            for p in &self.recent {
                if ui.button(p.display().to_string()).clicked() {
                    open = Some(p.clone());
                }
            }
            if !self.recent.is_empty() && ui.button("Clear list").clicked() {
                self.recent.clear();
            }
            if let Some(p) = open {
                self.actions.push(Action::Open(p));
            }
        });
        if ui.button("Add overlay layer…").clicked() {
            self.start_dialog(ui.ctx(), DialogKind::Layer, String::new());
        }
        if ui.button("Open built-in sample").clicked() {
            self.actions.push(Action::OpenSample);
        }
        if ui
            .button("Import a report (text)…")
            .on_hover_text(
                "Paste a news report: the incidents it describes are proposed for review",
            )
            .clicked()
        {
            self.actions.push(Action::ImportReport);
        }
        ui.separator();
        if ui.button(save_label).clicked() {
            save = true;
        }
        if ui.button("Save as…  (Ctrl+Shift+S)").clicked() {
            self.save_as(ui.ctx(), suggested.to_owned());
        }
        ui.menu_button("Export", |ui| {
            let stem = suggested.trim_end_matches(".geojson");
            if ui.button("Everything…").clicked() {
                self.export(ui.ctx(), format!("{stem}.kml"), false);
            }
            if ui.button("Only the current window…").clicked() {
                self.export(ui.ctx(), format!("{stem}-window.kml"), true);
            }
            ui.weak("GeoJSON, ACLED-style CSV, KML or KMZ, by extension");
        });
        if ui.button("Export day report…").clicked() {
            let stem = suggested.trim_end_matches(".geojson");
            self.start_dialog(ui.ctx(), DialogKind::Report, format!("{stem}-report.html"));
        }
        if ui.button("Export animation (one frame a day)…").clicked() {
            let stem = suggested.trim_end_matches(".geojson");
            self.start_dialog(ui.ctx(), DialogKind::Animation, format!("{stem}-days.gif"));
        }
        ui.menu_button("Export map image", |ui| {
            let stem = suggested.trim_end_matches(".geojson");
            for (label, size) in [
                ("1920 × 1080 (slide)…  (Ctrl+E)", [1920, 1080]),
                ("3840 × 2160 (print)…", [3840, 2160]),
                ("1280 × 800…", [1280, 800]),
            ] {
                if ui.button(label).clicked() {
                    self.export_image(ui.ctx(), format!("{stem}-map.png"), size);
                }
            }
        });
        save
    }

    /// The in-app path dialog, when open.
    pub fn windows_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.path_dialog else {
            return;
        };
        let mut open = true;
        let mut done: Option<PathBuf> = None;
        let title = match dialog.kind {
            DialogKind::Open => "Open file",
            DialogKind::Save => "Save as",
            DialogKind::Export { window_only: false } => "Export all incidents",
            DialogKind::Export { window_only: true } => "Export the current window",
            DialogKind::Image { .. } => "Export the map as an image",
            DialogKind::Report => "Export the day report (.html or .md)",
            DialogKind::Layer => "Add an overlay layer",
            DialogKind::Animation => "Export an animation (.gif or .png frames)",
            DialogKind::ReportText => "Read a report's text (.txt)",
        };
        egui::Window::new(title)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                if let Some(r) = &dialog.reason {
                    ui.label(r);
                }
                ui.horizontal(|ui| {
                    ui.label("Path:");
                    let edit = ui.add(
                        egui::TextEdit::singleline(&mut dialog.text)
                            .desired_width(330.0)
                            .hint_text("/path/to/incidents.geojson"),
                    );
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let verb = if matches!(
                        dialog.kind,
                        DialogKind::Open | DialogKind::Layer | DialogKind::ReportText
                    ) {
                        "Open"
                    } else {
                        "Save"
                    };
                    if (ui.button(verb).clicked() || enter) && !dialog.text.trim().is_empty() {
                        done = Some(PathBuf::from(dialog.text.trim()));
                    }
                });
                if dialog.kind == DialogKind::Open && !self.recent.is_empty() {
                    ui.separator();
                    ui.label("Recent files:");
                    for p in &self.recent {
                        if ui.link(p.display().to_string()).clicked() {
                            done = Some(p.clone());
                        }
                    }
                }
            });
        if let Some(path) = done {
            let kind = dialog.kind;
            self.path_dialog = None;
            self.actions.push(kind.action(path));
        } else if !open {
            if dialog.kind == DialogKind::Save {
                self.actions.push(Action::SaveCancelled);
            }
            self.path_dialog = None;
        }
    }
}

/// Adds `.geojson` to a save path without an extension.
fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("geojson")
    } else {
        path
    }
}
