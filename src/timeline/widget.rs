//! The day slider: a histogram of incidents per day that doubles as the slider track. Clicking
//! or dragging picks a day; the current window is shaded, the current day marked.

use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, pos2, vec2};

use super::DayIndex;
use crate::model::Day;

/// Draws the histogram slider; returns the day the user picked, if any.
pub fn histogram_slider(
    ui: &mut egui::Ui,
    index: &DayIndex,
    counts: Option<&[u32]>,
    current: Day,
    window: (Day, Day),
) -> Option<Day> {
    let (first, last) = index.range()?;
    let days = (last.0 - first.0 + 1).max(1) as usize;
    let height = 64.0;
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click_and_drag());
    let response = response.on_hover_text("Incidents per day: click or drag to choose a day");
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let label_h = 16.0;
    let plot = Rect::from_min_max(rect.min, pos2(rect.max.x, rect.max.y - label_h));
    let col_w = plot.width() / days as f32;
    let x_of = |d: Day| plot.min.x + (d.0 - first.0) as f32 * col_w;

    painter.rect_filled(plot, 3.0, visuals.extreme_bg_color);
    // Shade the window.
    let (w0, w1) = (window.0.max(first), window.1.min(last));
    if w0 <= w1 {
        let r = Rect::from_min_max(
            pos2(x_of(w0), plot.min.y),
            pos2(x_of(w1) + col_w, plot.max.y),
        );
        painter.rect_filled(r, 0.0, visuals.selection.bg_fill.gamma_multiply(0.25));
    }
    // Current day.
    if current >= first && current <= last {
        let x = x_of(current) + col_w * 0.5;
        painter.line_segment(
            [pos2(x, plot.min.y), pos2(x, plot.max.y)],
            Stroke::new(2.0, visuals.strong_text_color()),
        );
        painter.circle_filled(pos2(x, plot.min.y + 3.0), 4.0, visuals.strong_text_color());
    }
    // Bars.
    // Per-day counts of what passes the filter, or of everything.
    let per_day = counts.unwrap_or_else(|| index.per_day());
    let max = per_day.iter().copied().max().unwrap_or(1).max(1) as f32;
    let bar_fill = visuals.widgets.inactive.fg_stroke.color.gamma_multiply(0.7);
    let gap = if col_w > 4.0 {
        (col_w * 0.15).min(6.0)
    } else {
        0.0
    };
    // Wide columns (few days) get a bar of at most 44 px, centred.
    let bar_w = (col_w - gap).clamp(1.0, 44.0);
    let in_window_fill = Color32::from_rgb(0x1F, 0x5F, 0xA8);
    for (k, &n) in per_day.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let x0 = plot.min.x + (k as f32 + 0.5) * col_w - bar_w * 0.5;
        let h = (n as f32 / max) * (plot.height() - 14.0);
        let day = first.plus(k as i32);
        let in_window = day >= window.0 && day <= window.1;
        let fill = if in_window { in_window_fill } else { bar_fill };
        painter.rect_filled(
            Rect::from_min_max(pos2(x0, plot.max.y - h), pos2(x0 + bar_w, plot.max.y)),
            1.0,
            fill,
        );
        if col_w >= 18.0 {
            let galley = painter.layout_no_wrap(
                n.to_string(),
                FontId::proportional(10.0),
                visuals.text_color(),
            );
            let at = pos2(
                x0 + bar_w * 0.5 - galley.size().x * 0.5,
                plot.max.y - h - 1.0 - galley.size().y,
            );
            painter.rect_filled(
                Rect::from_min_size(at, galley.size()).expand(1.0),
                2.0,
                visuals.extreme_bg_color,
            );
            painter.galley(at, galley, visuals.text_color());
        }
    }
    // Day labels: every day if there is room, else about every 80 px, on month starts where
    // possible.
    let text = visuals.weak_text_color();
    let step = ((80.0 / col_w).ceil() as usize).max(1);
    let mut k = 0;
    while k < days {
        let day = first.plus(k as i32);
        let label = if step == 1 || col_w >= 60.0 {
            day.short()
        } else {
            let (y, m, _) = day.ymd();
            format!(
                "{} {y}",
                &Day::from_ymd(y, m, 1).unwrap_or(day).month_name()[..3]
            )
        };
        painter.text(
            pos2(plot.min.x + (k as f32 + 0.5) * col_w, plot.max.y + 2.0),
            Align2::CENTER_TOP,
            label,
            FontId::proportional(10.5),
            text,
        );
        k += step;
    }

    let pointer = response.interact_pointer_pos()?;
    if !(response.clicked() || response.dragged()) {
        return None;
    }
    let k = ((pointer.x - plot.min.x) / col_w)
        .floor()
        .clamp(0.0, (days - 1) as f32);
    let picked = first.plus(k as i32);
    (picked != current).then_some(picked)
}
