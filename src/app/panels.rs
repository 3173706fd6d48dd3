//! The menu bar, the side panel (incident list and source text), notices and small windows.

use egui::{Color32, RichText};

use super::SitviewApp;
use crate::model::Incident;
use crate::text::visual;

impl SitviewApp {
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                let save_label = if self.doc.saves_in_place() {
                    "Save  (Ctrl+S)"
                } else {
                    "Save as GeoJSON…  (Ctrl+S)"
                };
                let suggested = self.suggested_name();
                if self.files.menu_ui(ui, save_label, &suggested) {
                    let ctx = ui.ctx().clone();
                    self.save(&ctx);
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Edit", |ui| self.edit_menu_ui(ui));
            ui.menu_button("View", |ui| {
                ui.checkbox(&mut self.show_rings, "Location uncertainty rings");
                ui.checkbox(&mut self.show_labels, "Place labels");
                if ui.button("Overlay layers…").clicked() {
                    self.show_layers = true;
                }
                if ui.button("Basemap…").clicked() {
                    self.basemaps.open = true;
                }
                if ui.button("Fit map to the data").clicked() {
                    self.fit_pending = true;
                }
                if !self.doc.warnings.is_empty() && ui.button("Loading warnings…").clicked() {
                    self.show_warnings = true;
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About and data credits").clicked() {
                    self.show_about = true;
                }
            });
            ui.separator();
            ui.label(RichText::new(self.doc.display_name()).weak());
        });
    }

    pub(super) fn side_panel_ui(&mut self, ui: &mut egui::Ui) {
        self.refresh_visible();
        let (from, to) = self.window();
        if let Some(t) = &self.doc.dataset.title {
            ui.add_space(4.0);
            ui.label(RichText::new(visual(t)).strong());
        }
        let n = self.visible.len();
        let span = if from == to {
            from.medium()
        } else {
            format!("{} – {}", from.medium(), to.medium())
        };
        ui.label(format!(
            "{n} incident{} · {span}",
            if n == 1 { "" } else { "s" }
        ));
        self.filter_ui(ui);
        ui.separator();
        if self.selected.is_some() && self.editing.as_ref().map(|f| f.index) == self.selected {
            // Editing takes the whole panel: the form is long, and the list can wait.
            self.edit_form_ui(ui);
            return;
        }

        let detail_height = if self.selected.is_some() {
            (ui.available_height() * 0.62).max(200.0)
        } else {
            0.0
        };
        let apart = self.doc.unplaced.len();
        let apart_height = if apart > 0 { 28.0 } else { 0.0 };
        let list_height = (ui.available_height() - detail_height - apart_height - 8.0).max(80.0);
        let mut clicked = None;
        // Only the rows in view are laid out: the list costs the same for 7 incidents or a
        // million.
        let row_height = list_row_height(ui);
        if self.visible.is_empty() {
            ui.weak("No incidents on this day. Step with the arrow keys, or choose “Cumulative”.");
        }
        let jump_id = ui.make_persistent_id("incident-list-jump");
        let mut list = egui::ScrollArea::vertical()
            .id_salt("incident-list")
            .max_height(list_height)
            .auto_shrink([false, true]);
        if let Some(offset) = ui.ctx().data_mut(|d| d.remove_temp::<f32>(jump_id)) {
            list = list.vertical_scroll_offset(offset);
        }
        let out = list.show_rows(ui, row_height, self.visible.len(), |ui, rows| {
            for &i in &self.visible[rows] {
                let inc = &self.doc.dataset.incidents[i];
                let colour = self.doc.colour_of_incident(i);
                if list_row(ui, inc, colour, self.selected == Some(i)).clicked() {
                    clicked = Some(i);
                }
            }
        });
        // A marker selected on the map: bring its row into view, in the middle. Rows out of
        // view are not laid out, so the offset is computed from the row's number and applied
        // at the next frame, once the list's real height is known.
        if let Some(target) = self.scroll_list_to {
            match self.visible.iter().position(|&i| i == target) {
                Some(row) => {
                    let step = row_height + ui.spacing().item_spacing.y;
                    let view = out.inner_rect.height();
                    let content = out.content_size.y.max(view);
                    let (top, now) = (row as f32 * step, out.state.clamped_offset().y);
                    if top < now || top + row_height > now + view {
                        let offset = (top - (view - row_height) / 2.0).clamp(0.0, content - view);
                        ui.ctx().data_mut(|d| d.insert_temp(jump_id, offset));
                        ui.ctx().request_repaint();
                    } else {
                        self.scroll_list_to = None;
                    }
                }
                None => self.scroll_list_to = None,
            }
        }
        // Records without a date or a place are kept and listed apart, never dropped.
        if apart > 0 {
            egui::CollapsingHeader::new(format!("Not on the map or the timeline ({apart})"))
                .id_salt("unplaced")
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("unplaced-list")
                        .max_height(160.0)
                        .show_rows(ui, row_height, apart, |ui, rows| {
                            for &i in &self.doc.unplaced[rows] {
                                let inc = &self.doc.dataset.incidents[i];
                                let why = match (inc.date.is_none(), inc.location.is_none()) {
                                    (true, true) => "no date, no place",
                                    (true, false) => "no date",
                                    _ => "no place",
                                };
                                let colour = self.doc.colour_of_incident(i);
                                let r = list_row(ui, inc, colour, self.selected == Some(i))
                                    .on_hover_text(why);
                                if r.clicked() {
                                    clicked = Some(i);
                                }
                            }
                        });
                });
        }
        if let Some(i) = clicked {
            self.select(i, true);
        }
        if let Some(i) = self.selected {
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("incident-detail")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let (mut edit, mut delete) = (false, false);
                    ui.horizontal(|ui| {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui
                                .small_button("Copy link")
                                .on_hover_text("Copy the command line that opens this view")
                                .clicked()
                            {
                                ui.ctx().copy_text(self.deep_link(i));
                            }
                            delete = ui
                                .small_button("Delete")
                                .on_hover_text("Delete this incident (Ctrl+Z brings it back)")
                                .clicked();
                            edit = ui
                                .small_button("Edit incident")
                                .on_hover_text(
                                    "Edit every field; drag the marker on the map to move it",
                                )
                                .clicked();
                        });
                    });
                    if edit {
                        self.begin_edit(i);
                        return;
                    }
                    if delete {
                        self.delete_incident(i);
                        return;
                    }
                    if !self.doc.dataset.incidents[i].overlaps(from, to) {
                        ui.label(
                            RichText::new("Not in the current window (see the time slider)")
                                .small()
                                .color(Color32::from_rgb(0x9A, 0x55, 0x00)),
                        );
                    }
                    let inc = &self.doc.dataset.incidents[i];
                    detail_ui(ui, inc, self.doc.colour_of_incident(i));
                });
        }
    }

    /// Text search and minimum toll; categories are switched in the legend.
    fn filter_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Search");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.text)
                    .hint_text("title, place, source text")
                    .desired_width(170.0),
            )
            .labelled_by(label.id);
            let label = ui.label("killed ≥");
            ui.add(egui::DragValue::new(&mut self.filter.min_killed).range(0..=100_000))
                .labelled_by(label.id);
            if self.filter.is_active() && ui.small_button("Clear").clicked() {
                self.filter = Default::default();
            }
        });
        if self.filter.is_active() {
            let off = self.filter.hidden.iter().filter(|&&h| h).count();
            let mut parts = Vec::new();
            if off > 0 {
                parts.push(format!(
                    "{off} categor{} hidden",
                    if off == 1 { "y" } else { "ies" }
                ));
            }
            if !self.filter.text.trim().is_empty() {
                parts.push(format!("search “{}”", self.filter.text.trim()));
            }
            if self.filter.min_killed > 0 {
                parts.push(format!("at least {} killed", self.filter.min_killed));
            }
            ui.label(
                RichText::new(format!("Filtered: {}", parts.join(", ")))
                    .small()
                    .color(Color32::from_rgb(0x9A, 0x55, 0x00)),
            );
        }
    }

    pub(super) fn notice_ui(&mut self, ui: &mut egui::Ui) {
        let Some(notice) = &self.notice else {
            return;
        };
        let rect = ui.max_rect();
        let area = egui::Rect::from_center_size(
            egui::pos2(rect.center().x, rect.min.y + 28.0),
            egui::vec2(rect.width().min(620.0), 36.0),
        );
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(area));
        let fill = if notice.error {
            Color32::from_rgb(0xFD, 0xE8, 0xE6)
        } else {
            Color32::from_rgb(0xE8, 0xF1, 0xFB)
        };
        let mut close = false;
        let mut show_warnings = false;
        egui::Frame::popup(child.style())
            .fill(fill)
            .show(&mut child, |ui| {
                ui.horizontal_wrapped(|ui| {
                    if notice.error {
                        ui.label(
                            RichText::new("Error")
                                .strong()
                                .color(Color32::from_rgb(0xB0, 0x20, 0x10)),
                        );
                    }
                    ui.label(&notice.text);
                    if !self.doc.warnings.is_empty() && ui.link("Show warnings").clicked() {
                        show_warnings = true;
                    }
                    if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.notice = None;
        }
        if show_warnings {
            self.show_warnings = true;
        }
    }

    pub(super) fn warnings_window(&mut self, ctx: &egui::Context) {
        if !self.show_warnings {
            return;
        }
        let mut open = true;
        egui::Window::new("Loading warnings")
            .open(&mut open)
            .default_width(520.0)
            .pivot(egui::Align2::LEFT_BOTTOM)
            .default_pos(ctx.content_rect().left_bottom() + egui::vec2(24.0, -190.0))
            .show(ctx, |ui| {
                ui.label(format!(
                    "{}: {}.",
                    self.doc.display_name(),
                    self.doc.loaded_summary()
                ));
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for w in &self.doc.warnings {
                            ui.label(format!("{}: {}", w.location, w.message));
                        }
                    });
            });
        self.show_warnings = open;
    }

    pub(super) fn about_window(&mut self, ctx: &egui::Context) {
        if !self.show_about {
            return;
        }
        let mut open = self.show_about;
        egui::Window::new("About Situation Viewer")
            .open(&mut open)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.label(format!("Situation Viewer {}", env!("CARGO_PKG_VERSION")));
                ui.label("Incidents on an offline map, day by day, with the source text behind each one.");
                ui.separator();
                ui.strong("Data credits");
                ui.horizontal_wrapped(|ui| {
                    ui.label("Basemap layers:");
                    ui.hyperlink_to("Natural Earth", "https://www.naturalearthdata.com/");
                    ui.label("(public domain).");
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label("Place names:");
                    ui.hyperlink_to("GeoNames, geonames.org", "https://www.geonames.org/");
                    ui.label("(CC-BY 4.0).");
                });
                ui.label("Arabic text: Noto Sans Arabic (SIL Open Font License 1.1).");
                ui.separator();
                ui.strong("Keys");
                ui.label("Left / Right arrow: previous / next day · Home / End first / last day · Space play/pause");
                ui.label("Ctrl+O open · Ctrl+S save · Ctrl+Shift+S save as · Esc clear selection");
            });
        self.show_about = open;
    }
}

/// One row of the incident list.
/// Font size of the second line of a list row.
const SUB_SIZE: f32 = 12.0;

/// Height of one row of the incident list: two lines of text.
fn list_row_height(ui: &egui::Ui) -> f32 {
    let body = ui.text_style_height(&egui::TextStyle::Body);
    (body + SUB_SIZE * 1.25 + 9.0).ceil()
}

/// One row of the list: a dot in the category colour, the title and, below it, place,
/// category and casualties, each cut to one line. Fixed height, so the list can be
/// virtualised.
fn list_row(ui: &mut egui::Ui, inc: &Incident, colour: Color32, selected: bool) -> egui::Response {
    let mut sub = vec![];
    if !inc.place.is_empty() {
        sub.push(inc.place.clone());
    }
    sub.push(inc.category.clone());
    if let Some(c) = inc.casualties.summary() {
        sub.push(c.into());
    }
    let title = visual(&inc.title).into_owned();
    let sub = visual(&sub.join(" · ")).into_owned();
    let size = egui::vec2(ui.available_width(), list_row_height(ui));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    response.widget_info(|| {
        egui::WidgetInfo::selected(
            egui::Role::Button,
            ui.is_enabled(),
            selected,
            format!("{title}\n{sub}"),
        )
    });
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.style().interact_selectable(&response, selected);
    if selected || response.hovered() {
        ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
    }
    let painter = ui.painter().with_clip_rect(rect);
    let body = ui.text_style_height(&egui::TextStyle::Body);
    painter.circle_filled(
        egui::pos2(rect.min.x + 8.0, rect.min.y + 4.0 + body * 0.5),
        5.0,
        colour,
    );
    let width = rect.width() - 24.0;
    let wrap = Some(egui::TextWrapMode::Truncate);
    let title = egui::WidgetText::from(title).into_galley(ui, wrap, width, egui::TextStyle::Body);
    let sub = egui::WidgetText::from(RichText::new(sub).size(SUB_SIZE)).into_galley(
        ui,
        wrap,
        width,
        egui::TextStyle::Body,
    );
    let x = rect.min.x + 20.0;
    painter.galley(egui::pos2(x, rect.min.y + 3.0), title, visuals.text_color());
    painter.galley(
        egui::pos2(x, rect.min.y + 5.0 + body),
        sub,
        ui.visuals().weak_text_color(),
    );
    response
}

/// The selected incident: what, when, where, how precisely, and the sources' own words.
fn detail_ui(ui: &mut egui::Ui, inc: &Incident, colour: Color32) {
    ui.horizontal_wrapped(|ui| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 20.0), egui::Sense::hover());
        ui.painter().circle_filled(r.center(), 6.0, colour);
        ui.label(RichText::new(visual(&inc.title)).heading().size(17.0));
    });
    egui::Grid::new("incident-facts")
        .num_columns(2)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            ui.weak("Category");
            ui.label(inc.category.as_str());
            ui.end_row();
            ui.weak("Date");
            ui.label(inc.date_text());
            ui.end_row();
            ui.weak("Date known to");
            ui.label(format!("the {}", inc.date_precision.as_str()));
            ui.end_row();
            ui.weak("Place");
            let mut place = inc.place.to_string();
            if let Some(l) = &inc.place_local {
                place = format!("{place} ({l})");
            }
            ui.label(visual(&place));
            ui.end_row();
            ui.weak("Location");
            let precision = match (inc.location, inc.location_radius_m) {
                (None, _) => "unknown (not on the map)".to_owned(),
                (Some(l), Some(r)) => format!(
                    "{} (±{}) · {:.5}, {:.5}",
                    inc.location_precision.as_str(),
                    format_distance(r),
                    l.lat,
                    l.lon
                ),
                (Some(l), None) => {
                    format!(
                        "{} · {:.5}, {:.5}",
                        inc.location_precision.as_str(),
                        l.lat,
                        l.lon
                    )
                }
            };
            ui.label(precision);
            ui.end_row();
            ui.weak("Casualties");
            ui.label(
                inc.casualties
                    .summary()
                    .unwrap_or_else(|| "not reported".to_owned()),
            );
            ui.end_row();
        });
    for (k, s) in inc.sources.iter().enumerate() {
        ui.add_space(8.0);
        ui.label(
            RichText::new(if inc.sources.len() > 1 {
                format!("Source {}", k + 1)
            } else {
                "Source".to_owned()
            })
            .strong(),
        );
        egui::Frame::group(ui.style())
            .fill(Color32::from_rgb(0xF6, 0xF3, 0xEA))
            .stroke(egui::Stroke::new(3.0, colour.gamma_multiply(0.6)))
            .inner_margin(egui::Margin::same(8))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(format!("“{}”", visual(&s.quote)))
                        .italics()
                        .size(14.5),
                );
            });
        let mut line = s.publisher.to_string();
        if let Some(d) = s.published {
            line = format!("{line}, published {}", d.long());
        }
        ui.label(line);
        if let Some(a) = &s.attribution {
            ui.label(format!("Attributed to: {}", visual(a)));
        }
        if let Some(url) = s.url.as_deref() {
            ui.hyperlink_to(RichText::new(url).small(), url);
        }
    }
    if let Some(n) = &inc.notes {
        ui.add_space(8.0);
        ui.label(RichText::new("Analyst's notes").strong());
        ui.label(RichText::new(visual(n)).weak());
    }
    ui.add_space(4.0);
    ui.label(RichText::new(format!("id: {}", inc.id)).small().weak());
}

fn format_distance(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", (m / 100.0).round() / 10.0)
    } else {
        format!("{} m", m.round())
    }
}
