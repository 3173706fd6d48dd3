//! The place search box over the map: type a place in any usual spelling or in Arabic script,
//! pick one of the gazetteer's matches with the mouse or Enter (↑/↓ to choose), and the map
//! jumps there at a zoom that suits the place (a city whole, a village or a site close up).

use egui::{Key, Modifiers};

use crate::gazetteer::{Entry, Gazetteer};

/// Where to move the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Jump {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

impl Jump {
    /// The view of a place: the larger its uncertainty radius, the wider the view.
    pub fn to(entry: &Entry) -> Jump {
        let zoom = match entry.radius_m {
            r if r >= 8000.0 => 11.0,
            r if r >= 2000.0 => 12.0,
            r if r >= 500.0 => 13.0,
            _ => 15.0,
        };
        Jump {
            name: entry.name.clone(),
            lon: entry.location.lon,
            lat: entry.location.lat,
            zoom,
        }
    }
}

/// The search box's state.
#[derive(Default)]
pub struct PlaceSearch {
    pub query: String,
    /// Matches of `searched`: label and where to go.
    matches: Vec<(String, Jump)>,
    searched: String,
    /// Show the list of matches (after typing, until one is picked).
    open: bool,
    highlighted: usize,
}

const WIDTH: f32 = 270.0;
const MAX_MATCHES: usize = 8;

impl PlaceSearch {
    /// Draws the box at the top right of the map (`right_margin` points in from its edge) and
    /// returns the place picked this frame.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        map_rect: egui::Rect,
        right_margin: f32,
    ) -> Option<Jump> {
        let rect = egui::Rect::from_min_size(
            egui::pos2(map_rect.max.x - right_margin - WIDTH, map_rect.min.y + 10.0),
            egui::vec2(WIDTH, 320.0),
        );
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
        let mut picked = None;
        egui::Frame::popup(child.style()).show(&mut child, |ui| {
            ui.set_width(WIDTH - 16.0);
            let label = ui.label("Find place");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("town, district … any spelling, or Arabic")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if edit.changed() {
                self.open = true;
                self.highlighted = 0;
            }
            self.refresh();
            if edit.has_focus() && !self.matches.is_empty() {
                let (down, up) = ui.input_mut(|i| {
                    (
                        i.consume_key(Modifiers::NONE, Key::ArrowDown),
                        i.consume_key(Modifiers::NONE, Key::ArrowUp),
                    )
                });
                if down {
                    self.highlighted = (self.highlighted + 1).min(self.matches.len() - 1);
                }
                if up {
                    self.highlighted = self.highlighted.saturating_sub(1);
                }
            }
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if enter {
                picked = self.matches.get(self.highlighted).map(|(_, j)| j.clone());
            }
            if self.open {
                if self.matches.is_empty() && !self.query.trim().is_empty() {
                    ui.weak("No place of that name in the gazetteer");
                }
                for (k, (text, jump)) in self.matches.iter().enumerate() {
                    if ui.selectable_label(k == self.highlighted, text).clicked() {
                        picked = Some(jump.clone());
                    }
                }
            }
        });
        if let Some(j) = &picked {
            self.query = j.name.clone();
            self.open = false;
        }
        picked
    }

    /// Searches again when the query changed.
    fn refresh(&mut self) {
        if self.query == self.searched {
            return;
        }
        self.searched = self.query.clone();
        self.matches = Gazetteer::embedded()
            .search(&self.query, MAX_MATCHES)
            .into_iter()
            .map(|m| {
                let e = m.entry;
                let mut label = e.label();
                if m.name != e.name {
                    label = format!("{label} ({})", m.name);
                }
                (label, Jump::to(e))
            })
            .collect();
        self.highlighted = self.highlighted.min(self.matches.len().saturating_sub(1));
    }
}
