//! The report import window: paste a news report or monitor bulletin (or read a text file), say
//! when and by whom it was published, and review the incidents [`crate::extract`] proposes. Each
//! candidate shows its place, date, figures, claimant and the sentence(s) it comes from, and is
//! drawn on the map as a hollow numbered marker until the reviewer accepts it (it joins the file
//! as an ordinary, undoable edit — "Accept and edit" opens it in the edit form) or rejects it.

use std::path::Path;

use egui::{Color32, RichText};

use super::edit::field;
use super::{Notice, SitviewApp};
use crate::extract::{Candidate, Confidence, ExtractOptions, Skipped};
use crate::map::ScreenTransform;
use crate::model::Day;
use crate::model::edit::{Edit, fresh_id};

/// Largest report read from a file: a report is a few pages, not a book.
const MAX_REPORT_BYTES: u64 = 4 << 20;

/// Where a candidate stands in the review.
#[derive(Clone, Debug, PartialEq)]
pub enum Review {
    Pending,
    /// Added to the file under this id.
    Accepted(String),
    Rejected,
}

/// One proposed incident and its review.
#[derive(Clone, Debug)]
pub struct Item {
    pub candidate: Candidate,
    pub review: Review,
}

/// The state of the report import window.
#[derive(Debug, Default)]
pub struct ReportImport {
    pub open: bool,
    text: String,
    published: String,
    publisher: String,
    url: String,
    pub items: Vec<Item>,
    skipped: Vec<Skipped>,
    error: Option<String>,
    /// The candidate under the pointer in the list, highlighted on the map.
    hovered: Option<usize>,
    /// Where each pending candidate was drawn on the map in the last frame.
    pub drawn: Vec<(usize, egui::Pos2)>,
    /// "Accept and edit": the window steps aside while the edit form is open, and comes back.
    editing_accepted: bool,
}

impl ReportImport {
    /// Candidates still waiting for a decision.
    pub fn pending(&self) -> usize {
        (self.items.iter())
            .filter(|i| i.review == Review::Pending)
            .count()
    }
}

/// "quote…" cut to `n` characters.
fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn confidence_colour(c: Confidence) -> Color32 {
    match c {
        Confidence::High => Color32::from_rgb(0x1B, 0x7F, 0x3B),
        Confidence::Medium => Color32::from_rgb(0x9A, 0x6B, 0x00),
        Confidence::Low => Color32::from_rgb(0xB0, 0x1C, 0x1C),
    }
}

impl SitviewApp {
    /// Opens the report import window.
    pub fn open_report_import(&mut self) {
        self.report.open = true;
    }

    /// The report import window's state (what was proposed and decided).
    pub fn report_import(&self) -> &ReportImport {
        &self.report
    }

    /// Reads a report's text from `path` into the window (UTF-8, at most 4 MiB).
    pub fn load_report_text(&mut self, path: &Path) {
        let read = || -> Result<String, String> {
            let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
            if size > MAX_REPORT_BYTES {
                return Err(format!(
                    "{} MB is too large for a report (at most 4 MB of text)",
                    size >> 20
                ));
            }
            let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                    e.utf8_error().valid_up_to()
                )
            })?;
            Ok(text.trim_start_matches('\u{feff}').to_owned())
        };
        self.report.open = true;
        match read() {
            Ok(text) => {
                self.report.text = text;
                self.report.error = None;
            }
            Err(e) => self.report.error = Some(format!("{}: {e}", path.display())),
        }
    }

    /// Runs the extractor on the window's text with its publication details.
    pub fn find_report_incidents(&mut self) {
        let r = &mut self.report;
        r.items.clear();
        r.skipped.clear();
        r.error = None;
        let published = match r.published.trim().parse::<Day>() {
            Ok(d) => d,
            Err(_) => {
                r.error = Some(
                    "Give the publication date as YYYY-MM-DD: “on Monday”, “yesterday” … are \
                     counted from it"
                        .to_owned(),
                );
                return;
            }
        };
        if r.text.trim().is_empty() {
            r.error = Some("Paste the report's text first (or read a text file)".to_owned());
            return;
        }
        let options = ExtractOptions {
            published,
            publisher: r.publisher.trim().to_owned(),
            url: (!r.url.trim().is_empty()).then(|| r.url.trim().to_owned()),
        };
        let found = crate::extract::extract(&r.text, &options);
        r.items = (found.candidates.into_iter())
            .map(|candidate| Item {
                candidate,
                review: Review::Pending,
            })
            .collect();
        r.skipped = found.skipped;
        // Incident sentences left out first: those deserve a look.
        r.skipped.sort_by_key(|s| !s.had_incident_words);
        if let Some(d) = (r.items.iter()).find_map(|i| i.candidate.incident.date) {
            self.current = d;
        }
        // Show where they are.
        let points: Vec<[f64; 2]> = (r.items.iter())
            .filter_map(|i| i.candidate.incident.location)
            .map(|l| crate::map::mercator(l.lon, l.lat))
            .collect();
        if let Some(rect) = self.last_map_rect {
            self.fit_points(&points, rect, false);
            self.fit_pending = false;
        }
        if self.report.items.is_empty() {
            self.report.error =
                Some("No incident with a known place in Syria was found in this text".into());
        }
    }

    /// Adds candidate `k` to the file (one undoable edit); `edit` opens it in the edit form.
    pub fn accept_candidate(&mut self, k: usize, edit: bool) {
        let Some(item) = self.report.items.get(k) else {
            return;
        };
        if item.review != Review::Pending {
            return;
        }
        let mut incident = item.candidate.incident.clone();
        if incident.id.is_empty() || self.doc.dataset.find(&incident.id).is_some() {
            incident.id = fresh_id(&self.doc.dataset).into();
        }
        let id = incident.id.clone();
        let at = self.doc.dataset.incidents.len();
        let date = incident.date;
        if self.apply_edit(Edit::Insert {
            at,
            incident: Box::new(incident),
        }) {
            self.report.items[k].review = Review::Accepted(id.to_string());
            if let Some(d) = date {
                self.current = d;
            }
            if edit {
                self.begin_edit(at);
                self.report.editing_accepted = true;
            }
            self.notice = Some(Notice {
                text: format!(
                    "Added proposal {} to the file (Ctrl+Z to undo); {} left to review",
                    k + 1,
                    self.report.pending()
                ),
                error: false,
            });
        }
    }

    pub fn reject_candidate(&mut self, k: usize) {
        if let Some(item) = self.report.items.get_mut(k)
            && item.review == Review::Pending
        {
            item.review = Review::Rejected;
        }
    }

    /// The report import window.
    pub(super) fn report_import_ui(&mut self, ctx: &egui::Context) {
        if !self.report.open {
            return;
        }
        if self.report.editing_accepted {
            if self.editing.is_some() {
                return;
            }
            self.report.editing_accepted = false;
        }
        let mut open = true;
        let mut find = false;
        let mut pick_file = false;
        let mut actions: Vec<(usize, u8)> = Vec::new();
        let r = &mut self.report;
        r.hovered = None;
        egui::Window::new("Import a report")
            .open(&mut open)
            // Over the side panel, leaving the map and its proposals in view.
            .default_pos(egui::pos2(
                (ctx.content_rect().max.x - 600.0).max(0.0),
                40.0,
            ))
            .default_width(560.0)
            .default_height(640.0)
            .vscroll(true)
            .show(ctx, |ui| {
                ui.label(
                    "Paste a news report or monitor bulletin. Sentences that describe an incident \
                     at a place the gazetteer knows are proposed, each with its sentence quoted \
                     verbatim. Nothing joins the file until you accept it.",
                );
                let l = ui.label("Report text");
                // A long report scrolls inside its box: the fields below stay where they are.
                egui::ScrollArea::vertical()
                    .id_salt("report-text")
                    .max_height(170.0)
                    .show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut r.text)
                                .desired_rows(7)
                                .desired_width(f32::INFINITY)
                                .hint_text("Paste the report here"),
                        )
                        .labelled_by(l.id);
                    });
                egui::Grid::new("report-details")
                    .num_columns(2)
                    .spacing([8.0, 4.0])
                    .show(ui, |ui| {
                        field(ui, "Published", &mut r.published, "YYYY-MM-DD (needed)");
                        field(ui, "Publisher", &mut r.publisher, "e.g. Al Jazeera");
                        field(ui, "Link", &mut r.url, "https://…");
                    });
                ui.horizontal(|ui| {
                    find = ui.button("Find incidents").clicked();
                    pick_file = ui.button("Read a text file…").clicked();
                });
                if let Some(e) = &r.error {
                    ui.colored_label(Color32::from_rgb(0xB0, 0x1C, 0x1C), e);
                }
                if r.items.is_empty() {
                    return;
                }
                ui.separator();
                let accepted = (r.items.iter())
                    .filter(|i| matches!(i.review, Review::Accepted(_)))
                    .count();
                let rejected = (r.items.iter())
                    .filter(|i| i.review == Review::Rejected)
                    .count();
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "{} proposed · {accepted} accepted · {rejected} rejected",
                            r.items.len()
                        ))
                        .strong(),
                    );
                    if r.items.iter().any(|i| i.review == Review::Pending)
                        && ui.button("Accept all remaining").clicked()
                    {
                        for (k, i) in r.items.iter().enumerate() {
                            if i.review == Review::Pending {
                                actions.push((k, 0));
                            }
                        }
                    }
                });
                for (k, item) in r.items.iter().enumerate() {
                    let inc = &item.candidate.incident;
                    let frame = egui::Frame::group(ui.style()).fill(match item.review {
                        Review::Pending => Color32::WHITE,
                        Review::Accepted(_) => Color32::from_rgb(0xEC, 0xF6, 0xEE),
                        Review::Rejected => Color32::from_gray(0xEE),
                    });
                    let resp = frame.show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(format!("{}.", k + 1)).strong());
                            ui.label(RichText::new(inc.category.as_str()).strong());
                            ui.label(format!("· {} · {}", inc.place, inc.date_text()));
                        });
                        let mut facts = Vec::new();
                        if let Some(c) = inc.casualties.summary() {
                            facts.push(c);
                        }
                        if let Some(a) = inc.sources.first().and_then(|s| s.attribution.as_ref()) {
                            facts.push(format!("according to {a}"));
                        }
                        facts.push(format!(
                            "place {} (±{} m)",
                            inc.location_precision.as_str(),
                            inc.location_radius_m.unwrap_or(0.0).round()
                        ));
                        ui.label(RichText::new(facts.join(" · ")).small());
                        if let Some(s) = inc.sources.first() {
                            ui.label(
                                RichText::new(format!("“{}”", crate::text::visual(&s.quote)))
                                    .italics(),
                            );
                        }
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new(format!(
                                    "confidence {}",
                                    item.candidate.confidence.as_str()
                                ))
                                .small()
                                .color(confidence_colour(item.candidate.confidence)),
                            );
                            egui::CollapsingHeader::new(RichText::new("why").small())
                                .id_salt(("why", k))
                                .show(ui, |ui| {
                                    for w in &item.candidate.why {
                                        ui.label(RichText::new(w).small().weak());
                                    }
                                });
                        });
                        ui.horizontal(|ui| match &item.review {
                            Review::Pending => {
                                let n = k + 1;
                                if ui.button(format!("Accept {n}")).clicked() {
                                    actions.push((k, 0));
                                }
                                if ui.button(format!("Accept and edit {n}")).clicked() {
                                    actions.push((k, 1));
                                }
                                if ui.button(format!("Reject {n}")).clicked() {
                                    actions.push((k, 2));
                                }
                            }
                            Review::Accepted(id) => {
                                ui.label(format!("Added to the file as {id}"));
                            }
                            Review::Rejected => {
                                ui.weak("Rejected");
                                if ui.small_button("Reconsider").clicked() {
                                    actions.push((k, 3));
                                }
                            }
                        });
                    });
                    if resp.response.contains_pointer() {
                        r.hovered = Some(k);
                    }
                }
                if !r.skipped.is_empty() {
                    egui::CollapsingHeader::new(format!(
                        "Sentences left out ({})",
                        r.skipped.len()
                    ))
                    .id_salt("skipped")
                    .show(ui, |ui| {
                        for s in &r.skipped {
                            ui.label(RichText::new(short(&s.sentence, 160)).small());
                            ui.label(RichText::new(format!("  {}", s.reason)).small().weak());
                        }
                    });
                }
            });
        if !open {
            self.report.open = false;
        }
        if pick_file {
            self.files.pick_report_text(ctx);
        }
        if find {
            self.find_report_incidents();
        }
        for (k, what) in actions {
            match what {
                0 => self.accept_candidate(k, false),
                1 => self.accept_candidate(k, true),
                2 => self.reject_candidate(k),
                _ => {
                    if let Some(i) = self.report.items.get_mut(k) {
                        i.review = Review::Pending;
                    }
                }
            }
        }
    }

    /// The candidates still waiting for review, drawn as hollow numbered markers.
    pub(super) fn paint_candidates(&mut self, painter: &egui::Painter, t: &ScreenTransform) {
        self.report.drawn.clear();
        if !self.report.open {
            return;
        }
        for (k, item) in self.report.items.iter().enumerate() {
            let inc = &item.candidate.incident;
            let (Review::Pending, Some(l)) = (&item.review, inc.location) else {
                continue;
            };
            let p = t.lonlat(l.lon, l.lat);
            if !t.rect.expand(20.0).contains(p) {
                continue;
            }
            self.report.drawn.push((k, p));
            let colour = self.doc.colour_of(&inc.category);
            let colour = if colour == Color32::GRAY {
                crate::map::known_category_colour(&inc.category).unwrap_or(Color32::DARK_GRAY)
            } else {
                colour
            };
            let r = if self.report.hovered == Some(k) {
                13.0
            } else {
                10.0
            };
            painter.circle(
                p,
                r,
                Color32::from_rgba_unmultiplied(255, 255, 255, 200),
                egui::Stroke::new(2.5, colour),
            );
            painter.text(
                p,
                egui::Align2::CENTER_CENTER,
                format!("{}", k + 1),
                egui::FontId::proportional(11.0),
                Color32::from_gray(30),
            );
        }
    }
}
