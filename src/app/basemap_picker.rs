//! The basemap picker (View > Basemap…): the embedded offline map, OpenStreetMap or a custom
//! XYZ/TMS server (fetched only after the user switches online tiles on), or a local PMTiles /
//! MBTiles package; the opacity of tiles over the embedded layers; and the credit line of the
//! active source. Owns the tile view of the chosen source and makes it only when needed.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use egui::RichText;

use crate::map::basemap::ATTRIBUTION;
use crate::map::tiles::TileView;
use crate::tiles::cache::{DEFAULT_LIMIT, DiskCache, default_dir};
use crate::tiles::online::OnlineTiles;
use crate::tiles::source::{BasemapChoice, BasemapSettings, CustomSource};

/// The note beside the online switch.
pub const PRIVACY_NOTE: &str = "Online tiles are fetched from the tile server: every request \
     reveals the area you are looking at. Leave this off on sensitive or air-gapped networks.";

/// The picker's state and the active tile view.
#[derive(Default)]
pub struct Basemaps {
    pub settings: BasemapSettings,
    /// Tiles of the current choice; `None` for the embedded map (or while online is off).
    view: Option<TileView>,
    /// The settings `view` was made for.
    made_for: Option<(BasemapChoice, bool)>,
    pub open: bool,
    /// Why the current choice cannot be shown.
    pub error: Option<String>,
    /// `error` when it is new, for the notice above the map (taken by the app).
    notice: Option<(String, bool)>,
    notice_shown: bool,
    form: CustomSource,
    form_problem: Option<String>,
    path_text: String,
    dialog: Option<Receiver<Option<PathBuf>>>,
}

impl Basemaps {
    /// Picker state with `settings` (as restored from storage).
    pub fn new(settings: BasemapSettings) -> Basemaps {
        Basemaps {
            settings,
            ..Default::default()
        }
    }

    /// Chooses a local package (the `--basemap FILE` option, the Open button).
    pub fn choose_package(&mut self, path: PathBuf) {
        match BasemapChoice::package(path.clone()) {
            Some(choice) => {
                self.settings.packages.retain(|p| *p != path);
                self.settings.packages.insert(0, path);
                self.settings.packages.truncate(8);
                self.settings.choice = choice;
            }
            None => {
                self.error = Some(format!(
                    "{}: not a tile package (expected .pmtiles or .mbtiles)",
                    path.display()
                ))
            }
        }
    }

    /// The tile view to draw this frame, made (or dropped) when the choice changed. An online
    /// source is made only when online tiles are allowed.
    pub fn view(&mut self, ctx: &egui::Context) -> Option<&mut TileView> {
        let key = (self.settings.choice.clone(), self.settings.online_allowed);
        if self.made_for.as_ref() != Some(&key) {
            self.view = None;
            self.error = None;
            self.notice_shown = false;
            self.made_for = Some(key);
            let s = &self.settings;
            match &s.choice {
                BasemapChoice::Embedded => {}
                BasemapChoice::PmTiles { path } | BasemapChoice::MbTiles { path } => {
                    match crate::tiles::open_package(path) {
                        Ok(src) => self.view = Some(TileView::new(src, 1, ctx)),
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
                BasemapChoice::Osm | BasemapChoice::Custom(_) => {
                    if s.fetches_online()
                        && let Some(server) = s.choice.server()
                    {
                        let cache = default_dir().map(|d| DiskCache::new(d, DEFAULT_LIMIT));
                        match OnlineTiles::new(server, cache) {
                            // Two connections at most, as OpenStreetMap's tile policy asks.
                            Ok(src) => self.view = Some(TileView::new(Box::new(src), 2, ctx)),
                            Err(e) => self.error = Some(e),
                        }
                    } else {
                        self.error = Some(
                            "Online tiles are off: switch them on in View > Basemap… to fetch \
                             this map (the embedded map is shown meanwhile)"
                                .into(),
                        );
                    }
                }
            }
        }
        if self.made_for.is_some()
            && let Some(e) = &self.error
            && self.view.is_none()
            && self.notice.is_none()
            && !self.notice_shown
        {
            // An unreadable package is an error; online tiles being off is information.
            let is_error = !self.settings.choice.is_online();
            self.notice = Some((e.clone(), is_error));
            self.notice_shown = true;
        }
        self.view.as_mut()
    }

    /// A new problem with the chosen basemap, to show above the map once.
    pub fn take_notice(&mut self) -> Option<(String, bool)> {
        self.notice.take()
    }

    /// Whether tiles are drawn over the embedded layers now.
    pub fn tiles_shown(&self) -> bool {
        self.view.is_some()
    }

    /// Whether tiles are still loading (for tests and screenshots).
    pub fn busy(&self) -> bool {
        self.view.as_ref().is_some_and(TileView::busy)
    }

    /// Tiles drawn in the last frame.
    pub fn tiles_drawn(&self) -> usize {
        self.view.as_ref().map_or(0, |v| v.drawn)
    }

    /// The credit line for the map: the tile source's, then the embedded layers'.
    pub fn attribution(&self) -> String {
        let Some(v) = &self.view else {
            return ATTRIBUTION.to_owned();
        };
        let (name, a) = (&v.info().name, v.info().attribution.trim());
        if a.is_empty() {
            format!("Tiles: {name} (the package gives no attribution) · {ATTRIBUTION}")
        } else if a == ATTRIBUTION {
            // A package made by `sitview tiles` credits the same sources.
            format!("{ATTRIBUTION} · Tiles: {name}")
        } else {
            format!("Tiles: {a} · {ATTRIBUTION}")
        }
    }

    /// Whether the embedded place labels are drawn (over tiles only when asked).
    pub fn embedded_labels(&self) -> bool {
        !self.tiles_shown() || self.settings.labels_over_tiles
    }

    /// The picker window.
    pub fn window(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.dialog
            && let Ok(picked) = rx.try_recv()
        {
            self.dialog = None;
            if let Some(path) = picked {
                self.choose_package(path);
            }
        }
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("Basemap")
            .open(&mut open)
            .default_width(420.0)
            .show(ctx, |ui| self.window_ui(ui));
        self.open = open;
    }

    fn window_ui(&mut self, ui: &mut egui::Ui) {
        let s = &mut self.settings;
        ui.radio_value(
            &mut s.choice,
            BasemapChoice::Embedded,
            "Embedded (offline): Natural Earth, always available",
        );
        ui.separator();
        ui.label(RichText::new("Local tile packages (offline)").strong());
        for path in s.packages.clone() {
            if let Some(choice) = BasemapChoice::package(path.clone()) {
                let label = choice.label();
                ui.radio_value(&mut s.choice, choice, label)
                    .on_hover_text(path.display().to_string());
            }
        }
        ui.horizontal(|ui| {
            let native = super::files::native_dialog_available();
            if ui
                .add_enabled(
                    native && self.dialog.is_none(),
                    egui::Button::new("Open tile package…"),
                )
                .on_hover_text("A raster .pmtiles or .mbtiles file")
                .clicked()
            {
                let (tx, rx) = channel();
                std::thread::spawn(move || {
                    let picked = rfd::FileDialog::new()
                        .add_filter("Tile packages", &["pmtiles", "mbtiles"])
                        .pick_file();
                    let _ = tx.send(picked);
                });
                self.dialog = Some(rx);
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.path_text)
                    .hint_text("or a path to a .pmtiles / .mbtiles file")
                    .desired_width(200.0),
            );
            if ui.button("Use").clicked() && !self.path_text.trim().is_empty() {
                self.choose_package(PathBuf::from(self.path_text.trim()));
            }
        });
        ui.separator();
        let s = &mut self.settings;
        ui.label(RichText::new("Online tiles").strong());
        ui.checkbox(&mut s.online_allowed, "Allow online tiles");
        ui.label(RichText::new(PRIVACY_NOTE).color(ui.visuals().warn_fg_color));
        ui.add_enabled_ui(s.online_allowed, |ui| {
            ui.radio_value(
                &mut s.choice,
                BasemapChoice::Osm,
                "OpenStreetMap (tile.openstreetmap.org)",
            );
            let mut remove = None;
            for (i, c) in s.custom.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.radio_value(
                        &mut s.choice,
                        BasemapChoice::Custom(c.clone()),
                        c.name.as_str(),
                    )
                    .on_hover_text(format!("{}\n{}", c.url_template, c.attribution));
                    if ui.small_button("Remove").clicked() {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                let gone = s.custom.remove(i);
                if s.choice == BasemapChoice::Custom(gone) {
                    s.choice = BasemapChoice::Embedded;
                }
            }
            egui::CollapsingHeader::new("Add an XYZ / TMS server").show(ui, |ui| {
                let f = &mut self.form;
                egui::Grid::new("custom-source")
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.label("Name");
                        ui.text_edit_singleline(&mut f.name);
                        ui.end_row();
                        ui.label("URL template");
                        ui.add(
                            egui::TextEdit::singleline(&mut f.url_template)
                                .hint_text("https://tiles.example.org/{z}/{x}/{y}.png"),
                        );
                        ui.end_row();
                        ui.label("Attribution");
                        ui.text_edit_singleline(&mut f.attribution);
                        ui.end_row();
                        ui.label("");
                        ui.checkbox(&mut f.tms, "TMS (rows counted from the south)");
                        ui.end_row();
                    });
                if ui.button("Add").clicked() {
                    self.form_problem = f.problem();
                    if self.form_problem.is_none() {
                        if f.name.trim().is_empty() {
                            f.name = "Custom tiles".into();
                        }
                        s.custom.push(f.clone());
                        s.choice = BasemapChoice::Custom(f.clone());
                        *f = CustomSource::default();
                    }
                }
                if let Some(p) = &self.form_problem {
                    ui.colored_label(ui.visuals().error_fg_color, p);
                }
            });
        });
        ui.separator();
        let s = &mut self.settings;
        ui.add(egui::Slider::new(&mut s.opacity, 0.0..=1.0).text("Tile opacity"))
            .on_hover_text("Below 1 the embedded map shows through the tiles");
        ui.checkbox(&mut s.labels_over_tiles, "Embedded place labels over tiles");
        ui.weak("Incident markers are always drawn on top.");
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if let Some(e) = self.view.as_ref().and_then(|v| v.last_error.as_ref()) {
            ui.colored_label(ui.visuals().warn_fg_color, format!("Last tile error: {e}"));
        }
    }
}
