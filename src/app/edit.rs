//! Editing the open file: adding an incident by clicking the map, moving one by dragging its
//! marker, the edit form of the side panel, deleting, and Undo/Redo. Every change goes through
//! [`SitviewApp::apply_edit`] as a [`model::edit::Edit`](crate::model::edit::Edit), so that it can
//! be undone and the file knows it has unsaved changes.

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use super::{Notice, SitviewApp};
use crate::model::edit::{Edit, fresh_id};
use crate::model::{
    Casualties, DatePrecision, Day, Incident, LocationPrecision, LonLat, SharedStr, Source,
};

/// A marker being dragged to a new place.
#[derive(Clone, Copy, Debug)]
pub struct MarkerDrag {
    pub index: usize,
    /// Where the pointer is now.
    pub to: egui::Pos2,
    /// Whether it has moved far enough to be a drag rather than a click.
    pub moved: bool,
}

/// The edit form's text fields for one source.
#[derive(Clone, Debug, Default)]
struct SourceDraft {
    publisher: String,
    url: String,
    published: String,
    attribution: String,
    quote: String,
}

/// The side panel's edit form: the incident's fields as text, checked when applied.
#[derive(Clone, Debug)]
pub struct EditForm {
    /// Index of the incident being edited, and the incident as it was when the form opened.
    pub index: usize,
    original: Incident,
    title: String,
    category: String,
    date: String,
    date_end: String,
    date_precision: DatePrecision,
    place: String,
    place_local: String,
    admin1: String,
    lat: String,
    lon: String,
    location_precision: LocationPrecision,
    radius_m: String,
    killed: String,
    injured: String,
    children_killed: String,
    notes: String,
    sources: Vec<SourceDraft>,
    /// What was wrong the last time Apply was pressed.
    errors: Vec<String>,
}

fn text_of<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl EditForm {
    pub fn new(index: usize, inc: &Incident) -> EditForm {
        EditForm {
            index,
            original: inc.clone(),
            title: inc.title.to_string(),
            category: inc.category.to_string(),
            date: text_of(inc.date),
            date_end: text_of(inc.date_end),
            date_precision: inc.date_precision,
            place: inc.place.to_string(),
            place_local: inc.place_local.as_deref().unwrap_or_default().to_owned(),
            admin1: inc.admin1.as_deref().unwrap_or_default().to_owned(),
            lat: text_of(inc.location.map(|l| l.lat)),
            lon: text_of(inc.location.map(|l| l.lon)),
            location_precision: inc.location_precision,
            radius_m: text_of(inc.location_radius_m),
            killed: text_of(inc.casualties.killed),
            injured: text_of(inc.casualties.injured),
            children_killed: text_of(inc.casualties.children_killed),
            notes: inc.notes.as_deref().unwrap_or_default().to_owned(),
            sources: (inc.sources.iter())
                .map(|s| SourceDraft {
                    publisher: s.publisher.to_string(),
                    url: s.url.as_deref().unwrap_or_default().to_owned(),
                    published: text_of(s.published),
                    attribution: s.attribution.as_deref().unwrap_or_default().to_owned(),
                    quote: s.quote.to_string(),
                })
                .collect(),
            errors: Vec::new(),
        }
    }

    /// The incident the form describes, or what is wrong with it. Fields the form does not show
    /// (id, extra properties) are kept from the original.
    pub fn to_incident(&self) -> Result<Incident, Vec<String>> {
        let mut errors = Vec::new();
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut day = |label: &str, s: &str| -> Option<Day> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<Day>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(format!("{label}: “{s}” is not a date (YYYY-MM-DD)"));
                    None
                }
            }
        };
        let date = day("Date", &self.date);
        let date_end = day("Until", &self.date_end);
        let published: Vec<Option<Day>> = (self.sources.iter().enumerate())
            .map(|(k, s)| day(&format!("Source {} published", k + 1), &s.published))
            .collect();
        let mut count = |label: &str, s: &str| -> Option<u32> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            s.parse::<u32>().map_or_else(
                |_| {
                    errors.push(format!("{label}: “{s}” is not a whole number"));
                    None
                },
                Some,
            )
        };
        let casualties = Casualties {
            killed: count("Killed", &self.killed),
            injured: count("Injured", &self.injured),
            children_killed: count("Children killed", &self.children_killed),
        };
        let mut number = |label: &str, s: &str| -> Option<f64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    errors.push(format!("{label}: “{s}” is not a number"));
                    None
                }
            }
        };
        let lat = number("Latitude", &self.lat);
        let lon = number("Longitude", &self.lon);
        let radius = number("Radius", &self.radius_m);
        let location = match (lat, lon) {
            (Some(lat), Some(lon)) => {
                let l = LonLat::new(lon, lat);
                if l.is_none() {
                    errors.push(format!(
                        "Latitude {lat} / longitude {lon} is outside the Earth's ranges (±90, ±180)"
                    ));
                }
                l
            }
            (None, None) => None,
            _ => {
                errors.push(
                    "Give both latitude and longitude, or neither (not on the map)".to_owned(),
                );
                None
            }
        };
        if let Some(r) = radius
            && r < 0.0
        {
            errors.push("Radius: must not be negative".to_owned());
        }
        if let (Some(a), Some(b)) = (date, date_end)
            && b < a
        {
            errors.push(format!("Until ({b}) is before the date ({a})"));
        }
        if self.category.trim().is_empty() {
            errors.push("Category: give one (e.g. “Air strike”)".to_owned());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let sources = (self.sources.iter().zip(published))
            .filter(|(s, _)| {
                !(s.publisher.trim().is_empty()
                    && s.quote.trim().is_empty()
                    && s.url.trim().is_empty())
            })
            .map(|(s, published)| Source {
                publisher: s.publisher.trim().into(),
                url: opt(&s.url).map(Box::from),
                published,
                attribution: opt(&s.attribution).map(Box::from),
                // The quote is verbatim: never trimmed inside, only at its ends.
                quote: s.quote.trim().into(),
            })
            .collect();
        Ok(Incident {
            title: self.title.trim().into(),
            category: self.category.trim().into(),
            date,
            date_end,
            date_precision: self.date_precision,
            location,
            location_precision: self.location_precision,
            location_radius_m: radius,
            place: self.place.trim().into(),
            place_local: opt(&self.place_local).map(Box::from),
            admin1: opt(&self.admin1).map(SharedStr::from),
            casualties,
            notes: opt(&self.notes).map(Box::from),
            sources,
            ..self.original.clone()
        })
    }
}

/// A labelled single-line field in a two-column grid, findable by its label (accessibility,
/// UI tests).
pub(super) fn field(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(l.id);
    ui.end_row();
}

fn area(ui: &mut egui::Ui, label: &str, value: &mut String, rows: usize) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::multiline(value)
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(l.id);
    ui.end_row();
}

impl SitviewApp {
    /// Applies an edit to the document and records it for Undo; `false` (with a notice) when
    /// it does not apply.
    pub fn apply_edit(&mut self, edit: Edit) -> bool {
        let touched = edit.touched();
        match self.doc.history.apply(&mut self.doc.dataset, edit) {
            Ok(()) => {
                self.after_edit(touched);
                true
            }
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("Could not change the file: {e}"),
                    error: true,
                });
                false
            }
        }
    }

    /// Undoes the last change (Ctrl+Z).
    pub fn undo(&mut self) {
        match self.doc.history.undo(&mut self.doc.dataset) {
            Ok(Some(edit)) => {
                let (what, touched) = (edit.describe(), edit.inverse().touched());
                self.after_edit(touched);
                self.notice = Some(Notice {
                    text: format!("Undid {what}"),
                    error: false,
                });
            }
            Ok(None) => {}
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("Could not undo: {e}"),
                    error: true,
                })
            }
        }
    }

    /// Redoes the last undone change (Ctrl+Shift+Z or Ctrl+Y).
    pub fn redo(&mut self) {
        match self.doc.history.redo(&mut self.doc.dataset) {
            Ok(Some(edit)) => {
                let (what, touched) = (edit.describe(), edit.touched());
                self.after_edit(touched);
                self.notice = Some(Notice {
                    text: format!("Redid {what}"),
                    error: false,
                });
            }
            Ok(None) => {}
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("Could not redo: {e}"),
                    error: true,
                })
            }
        }
    }

    /// After a change to the dataset: rebuild what is derived from it, keep the categories
    /// switched off, select what changed, and schedule an autosave.
    fn after_edit(&mut self, touched: Option<usize>) {
        let hidden: Vec<String> = (self.doc.colours.iter().zip(&self.filter.hidden))
            .filter(|(_, h)| **h)
            .map(|((name, _), _)| name.clone())
            .collect();
        self.doc.reindex();
        self.filter.hidden = (self.doc.colours.iter())
            .map(|(name, _)| hidden.contains(name))
            .collect();
        // A new revision of the same file: everything derived is recomputed, the filter kept.
        self.generation += 1;
        self.visible_key = None;
        self.selected = touched.filter(|&i| i < self.doc.dataset.incidents.len());
        self.editing = None;
        self.drag = None;
        let now = self.ctx.input(|i| i.time);
        self.recovery.changed(now);
    }

    /// Opens the edit form for incident `i`.
    pub fn begin_edit(&mut self, i: usize) {
        if let Some(inc) = self.doc.dataset.incidents.get(i) {
            let form = EditForm::new(i, inc);
            self.select(i, false);
            self.editing = Some(form);
        }
    }

    /// Deletes incident `i` (Undo brings it back).
    pub fn delete_incident(&mut self, i: usize) {
        let Some(inc) = self.doc.dataset.incidents.get(i) else {
            return;
        };
        let edit = Edit::Remove {
            at: i,
            incident: Box::new(inc.clone()),
        };
        let what = edit.describe();
        if self.apply_edit(edit) {
            self.notice = Some(Notice {
                text: format!("Deleted {} (Ctrl+Z to undo)", &what["delete ".len()..]),
                error: false,
            });
        }
    }

    /// Adds a new incident at (lon, lat) on the current day, selects it and opens its form.
    pub fn add_incident_at(&mut self, lon: f64, lat: f64) {
        let Some(location) = LonLat::new(lon, lat) else {
            return;
        };
        let ds = &self.doc.dataset;
        // The category most used in the file, so that a typical entry needs no change.
        let category = (ds.categories().into_iter())
            .max_by_key(|(_, n)| *n)
            .map_or_else(|| "Other".to_owned(), |(c, _)| c);
        let incident = Incident {
            id: fresh_id(ds).into(),
            title: "New incident".into(),
            category: category.into(),
            date: Some(self.current),
            location: Some(location),
            location_precision: LocationPrecision::Exact,
            notes: Some("Placed by hand on the map.".into()),
            ..Default::default()
        };
        let at = ds.incidents.len();
        self.adding = false;
        if self.apply_edit(Edit::Insert {
            at,
            incident: Box::new(incident),
        }) {
            self.begin_edit(at);
        }
    }

    /// Moves incident `i` to (lon, lat), keeping everything else.
    pub fn move_incident(&mut self, i: usize, lon: f64, lat: f64) {
        let (Some(inc), Some(to)) = (self.doc.dataset.incidents.get(i), LonLat::new(lon, lat))
        else {
            return;
        };
        let mut after = inc.clone();
        after.location = Some(to);
        let edit = Edit::Replace {
            at: i,
            before: Box::new(inc.clone()),
            after: Box::new(after),
        };
        let what = edit.describe();
        if self.apply_edit(edit) {
            self.notice = Some(Notice {
                text: format!(
                    "Moved {} to {:.5}, {:.5} (Ctrl+Z to undo)",
                    &what["move ".len()..],
                    lat,
                    lon
                ),
                error: false,
            });
        }
    }

    /// Undo, Redo and Delete from the keyboard.
    pub(super) fn edit_shortcuts(&mut self, ctx: &egui::Context) {
        const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
        const REDO: KeyboardShortcut =
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
        const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
        if ctx.egui_wants_keyboard_input() {
            // A text field has the focus: its own undo applies.
            return;
        }
        // Redo first: Ctrl+Shift+Z also matches Ctrl+Z when shifts are ignored.
        if ctx.input_mut(|i| i.consume_shortcut(&REDO) || i.consume_shortcut(&REDO_Y)) {
            self.redo();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&UNDO)) {
            self.undo();
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Delete))
            && let Some(i) = self.selected
        {
            self.delete_incident(i);
        }
    }

    /// The Edit menu.
    pub(super) fn edit_menu_ui(&mut self, ui: &mut egui::Ui) {
        // "Undo move …" / "Redo …", greyed out when there is nothing to undo or redo.
        let button = |ui: &mut egui::Ui, verb: &str, edit: Option<&Edit>, keys: &str| {
            let text = match edit.map(Edit::describe) {
                Some(what) => format!("{verb} {what}"),
                None => verb.to_owned(),
            };
            let button = egui::Button::new(text).shortcut_text(keys);
            ui.add_enabled(edit.is_some(), button).clicked()
        };
        if button(ui, "Undo", self.doc.history.next_undo(), "Ctrl+Z") {
            self.undo();
        }
        if button(ui, "Redo", self.doc.history.next_redo(), "Ctrl+Shift+Z") {
            self.redo();
        }
        ui.separator();
        if ui
            .button("Add incident on the map…")
            .on_hover_text("Then click where it happened")
            .clicked()
        {
            self.adding = true;
            self.measure.active = false;
        }
        let selected = self.selected;
        if ui
            .add_enabled(
                selected.is_some(),
                egui::Button::new("Edit selected incident"),
            )
            .clicked()
            && let Some(i) = selected
        {
            self.begin_edit(i);
        }
        if ui
            .add_enabled(
                selected.is_some(),
                egui::Button::new("Delete selected incident").shortcut_text("Del"),
            )
            .clicked()
            && let Some(i) = selected
        {
            self.delete_incident(i);
        }
    }

    /// The edit form in the side panel: its buttons and messages stay at the top, the fields
    /// scroll beneath them. Applying it records one undoable change.
    pub(super) fn edit_form_ui(&mut self, ui: &mut egui::Ui) {
        let (mut apply, mut cancel) = (false, false);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Editing the incident").heading().size(17.0));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                cancel = ui.button("Cancel").clicked();
                apply = ui.button("Apply changes").clicked();
            });
        });
        if let Some(form) = &self.editing {
            for e in &form.errors {
                ui.colored_label(egui::Color32::from_rgb(0xB0, 0x1C, 0x1C), e);
            }
        }
        egui::ScrollArea::vertical()
            .id_salt("edit-form")
            .auto_shrink([false, false])
            .show(ui, |ui| self.edit_fields_ui(ui));
        if cancel {
            self.editing = None;
        } else if apply {
            self.apply_form();
        }
    }

    fn edit_fields_ui(&mut self, ui: &mut egui::Ui) {
        let categories: Vec<String> = self.doc.colours.iter().map(|(c, _)| c.clone()).collect();
        let Some(form) = &mut self.editing else {
            return;
        };
        egui::Grid::new("edit-incident")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .striped(false)
            .show(ui, |ui| {
                field(
                    ui,
                    "Title",
                    &mut form.title,
                    "what happened, in a few words",
                );
                let l = ui.label("Category");
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut form.category).desired_width(150.0))
                        .labelled_by(l.id);
                    egui::ComboBox::from_id_salt("category-pick")
                        .selected_text("pick")
                        .width(60.0)
                        .show_ui(ui, |ui| {
                            for c in &categories {
                                ui.selectable_value(&mut form.category, c.clone(), c);
                            }
                        });
                });
                ui.end_row();
                field(ui, "Date", &mut form.date, "YYYY-MM-DD (empty: undated)");
                field(
                    ui,
                    "Until",
                    &mut form.date_end,
                    "last day of a range, or empty",
                );
                ui.label("Date known to");
                ui.horizontal(|ui| {
                    for p in DatePrecision::ALL {
                        ui.radio_value(&mut form.date_precision, p, p.as_str());
                    }
                });
                ui.end_row();
                field(ui, "Place", &mut form.place, "town or neighbourhood");
                field(
                    ui,
                    "Place (local script)",
                    &mut form.place_local,
                    "e.g. خان شيخون",
                );
                // egui's text fields lay right-to-left text out in typing order: show how it
                // reads.
                let shown = crate::text::visual(&form.place_local);
                if shown != form.place_local {
                    ui.label("");
                    ui.label(RichText::new(format!("reads: {shown}")).weak());
                    ui.end_row();
                }
                field(ui, "Admin area", &mut form.admin1, "governorate");
                field(
                    ui,
                    "Latitude",
                    &mut form.lat,
                    "e.g. 36.2012 (empty: not on the map)",
                );
                field(ui, "Longitude", &mut form.lon, "e.g. 37.1612");
                ui.label("Location known");
                ui.horizontal(|ui| {
                    for p in LocationPrecision::ALL {
                        ui.radio_value(&mut form.location_precision, p, p.as_str());
                    }
                });
                ui.end_row();
                field(
                    ui,
                    "Radius (m)",
                    &mut form.radius_m,
                    "uncertainty, in metres",
                );
                field(ui, "Killed", &mut form.killed, "empty: not reported");
                field(ui, "Injured", &mut form.injured, "empty: not reported");
                field(
                    ui,
                    "Children killed",
                    &mut form.children_killed,
                    "of the killed",
                );
                area(ui, "Notes", &mut form.notes, 2);
            });
        let mut remove = None;
        for (k, s) in form.sources.iter_mut().enumerate() {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("Source {}", k + 1)).strong());
                if ui.small_button("Remove source").clicked() {
                    remove = Some(k);
                }
            });
            egui::Grid::new(("edit-source", k))
                .num_columns(2)
                .spacing([8.0, 4.0])
                .show(ui, |ui| {
                    let n = k + 1;
                    field(
                        ui,
                        &format!("Publisher {n}"),
                        &mut s.publisher,
                        "e.g. Al Jazeera",
                    );
                    field(ui, &format!("Link {n}"), &mut s.url, "https://…");
                    field(
                        ui,
                        &format!("Published {n}"),
                        &mut s.published,
                        "YYYY-MM-DD",
                    );
                    field(
                        ui,
                        &format!("Attributed to {n}"),
                        &mut s.attribution,
                        "who makes the claim",
                    );
                    area(ui, &format!("Quote {n}"), &mut s.quote, 3);
                });
        }
        if let Some(k) = remove {
            form.sources.remove(k);
        }
        let add = ui.button("Add source");
        if add.clicked() {
            form.sources.push(SourceDraft::default());
        }
        if remove.is_some() || add.clicked() {
            add.scroll_to_me(Some(egui::Align::Center));
        }
    }

    /// Checks the form and applies it as one edit; shows what is wrong instead when it does not
    /// check.
    fn apply_form(&mut self) {
        let Some(form) = &mut self.editing else {
            return;
        };
        match form.to_incident() {
            Err(errors) => form.errors = errors,
            Ok(after) if after == form.original => self.editing = None,
            Ok(after) => {
                let edit = Edit::Replace {
                    at: form.index,
                    before: Box::new(form.original.clone()),
                    after: Box::new(after),
                };
                if self.apply_edit(edit)
                    && let Some(i) = self.selected
                    && let Some(d) = self.doc.dataset.incidents[i].date
                {
                    // Show the edited incident: go to its day if it left the window.
                    let (from, to) = self.window();
                    if !self.doc.dataset.incidents[i].overlaps(from, to) {
                        self.current = d;
                    }
                }
            }
        }
    }

    /// The marker of the selected incident follows the pointer while dragged; dropping it moves
    /// the incident. Returns whether the map must not pan this frame.
    pub(super) fn marker_drag(&mut self, ui: &egui::Ui, rect: egui::Rect) -> bool {
        let (pressed, down, pos) = ui.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.primary_down(),
                i.pointer.interact_pos(),
            )
        });
        if pressed
            && self.drag.is_none()
            && !self.measure.active
            && !self.adding
            && let (Some(i), Some(p)) = (self.selected, pos)
            && rect.contains(p)
            && let Some(inc) = self.doc.dataset.incidents.get(i)
            && let Some(l) = inc.location
            && let Some(at) = self.screen_of(l.lon, l.lat)
            // Only a marker drawn on its own (not inside a cluster) can be picked up.
            && self.marker_screen_pos(i).is_some_and(|m| m.distance(at) < 1.0)
            && at.distance(p) <= 10.0
        {
            self.drag = Some(MarkerDrag {
                index: i,
                to: p,
                moved: false,
            });
        }
        let Some(drag) = &mut self.drag else {
            return false;
        };
        if let Some(p) = pos {
            drag.moved |= drag.to.distance(p) > 3.0;
            drag.to = p;
        }
        if down {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
            return true;
        }
        // Released: drop it where the pointer is.
        let drag = *drag;
        self.drag = None;
        if drag.moved
            && rect.contains(drag.to)
            && let Some(t) = &self.last_transform
        {
            let (lon, lat) = t.unproject(drag.to);
            self.move_incident(drag.index, lon, lat);
        }
        true
    }
}
