//! The bottom bar: the current date in large type, stepping, playback, the window mode, a
//! calendar to jump to a date, and the histogram slider.

use egui::RichText;

use super::SitviewApp;
use crate::model::{Day, days_in_month};
use crate::timeline::{WindowMode, widget::histogram_slider};

impl SitviewApp {
    pub(super) fn timebar_ui(&mut self, ui: &mut egui::Ui) {
        let range = self.doc.index.range();
        ui.horizontal(|ui| {
            let at_start = range.is_none_or(|(a, _)| self.current <= a);
            let at_end = range.is_none_or(|(_, b)| self.current >= b);
            if ui
                .add_enabled(!at_start, egui::Button::new("|‹ First"))
                .on_hover_text("First day (Home)")
                .clicked()
                && let Some((a, _)) = range
            {
                self.current = a;
            }
            if ui
                .add_enabled(!at_start, egui::Button::new("‹ Previous day"))
                .on_hover_text("Previous day (Left arrow)")
                .clicked()
            {
                self.step(-1);
            }
            ui.add_space(6.0);
            ui.label(RichText::new(self.current.long()).size(22.0).strong());
            ui.add_space(6.0);
            if ui
                .add_enabled(!at_end, egui::Button::new("Next day ›"))
                .on_hover_text("Next day (Right arrow)")
                .clicked()
            {
                self.step(1);
            }
            if ui
                .add_enabled(!at_end, egui::Button::new("Last ›|"))
                .on_hover_text("Last day (End)")
                .clicked()
                && let Some((_, b)) = range
            {
                self.current = b;
            }
            ui.separator();
            let play = if self.playing { "Pause" } else { "Play" };
            if ui
                .add_enabled(range.is_some(), egui::Button::new(play))
                .on_hover_text("Play / pause (Space)")
                .clicked()
            {
                self.toggle_play();
            }
            egui::ComboBox::new("speed", "speed")
                .width(92.0)
                .selected_text(format!("{} day/s", self.speed))
                .show_ui(ui, |ui| {
                    for s in [0.5, 1.0, 2.0, 4.0, 8.0] {
                        ui.selectable_value(&mut self.speed, s, format!("{s} day/s"));
                    }
                });
            ui.separator();
            ui.menu_button("Go to date…", |ui| self.calendar_ui(ui));
        });
        ui.horizontal(|ui| {
            ui.label("Show:");
            let mut mode = self.mode;
            ui.radio_value(&mut mode, WindowMode::Day, "This day");
            let last = WindowMode::LastDays(self.last_n);
            ui.radio_value(&mut mode, last, "Last");
            let mut n = self.last_n;
            if ui
                .add(egui::DragValue::new(&mut n).range(1..=3650).suffix(" days"))
                .changed()
            {
                self.last_n = n;
                if matches!(mode, WindowMode::LastDays(_)) {
                    mode = WindowMode::LastDays(n);
                }
            }
            ui.radio_value(&mut mode, WindowMode::Cumulative, "Cumulative to this day");
            self.set_mode(mode);
            if let Some((a, b)) = range {
                ui.separator();
                ui.weak(format!(
                    "Data: {} – {} · {} days with incidents",
                    a.medium(),
                    b.medium(),
                    self.doc.index.days_with_incidents()
                ));
            }
        });
        let window = self.window();
        let counts = self.filtered_per_day.as_deref();
        if let Some(day) = histogram_slider(ui, &self.doc.index, counts, self.current, window) {
            self.current = day;
        }
    }

    /// A month calendar; days with incidents are bold. Picking a day closes the menu.
    fn calendar_ui(&mut self, ui: &mut egui::Ui) {
        let id = ui.scope_id().with("calendar-month");
        let (y0, m0, _) = self.current.ymd();
        let (mut y, mut m) = ui
            .data(|d| d.get_temp::<(i32, u32)>(id))
            .unwrap_or((y0, m0));
        ui.horizontal(|ui| {
            if ui
                .small_button("‹")
                .on_hover_text("Previous month")
                .clicked()
            {
                (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
            }
            let first = Day::from_ymd(y, m, 1).unwrap_or(self.current);
            ui.label(RichText::new(format!("{} {y}", first.month_name())).strong());
            if ui.small_button("›").on_hover_text("Next month").clicked() {
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
        });
        ui.data_mut(|d| d.insert_temp(id, (y, m)));
        let Some(first) = Day::from_ymd(y, m, 1) else {
            return;
        };
        let counts = self.doc.index.per_day();
        let range = self.doc.index.range();
        let count_on = |d: Day| -> u32 {
            range.map_or(0, |(a, b)| {
                if d < a || d > b {
                    0
                } else {
                    counts[(d.0 - a.0) as usize]
                }
            })
        };
        let mut picked = None;
        egui::Grid::new("calendar")
            .spacing([2.0, 2.0])
            .show(ui, |ui| {
                for w in ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] {
                    ui.weak(w);
                }
                ui.end_row();
                for _ in 0..first.weekday_index() {
                    ui.label("");
                }
                for d in 1..=days_in_month(y, m) {
                    let day = first.plus(d as i32 - 1);
                    let n = count_on(day);
                    let mut text = RichText::new(format!("{d:>2}"));
                    if n > 0 {
                        text = text.strong();
                    }
                    let button = egui::Button::selectable(day == self.current, text);
                    let r = ui.add(button);
                    let r = if n > 0 {
                        r.on_hover_text(format!("{n} incident(s)"))
                    } else {
                        r
                    };
                    if r.clicked() {
                        picked = Some(day);
                    }
                    if day.weekday_index() == 6 {
                        ui.end_row();
                    }
                }
            });
        if let Some(d) = picked {
            self.go_to(d);
            ui.data_mut(|data| data.remove::<(i32, u32)>(id));
            ui.close();
        }
    }
}
