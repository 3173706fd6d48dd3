//! What the UI tests share: the real app in an egui_kittest harness, waiting for a file to open,
//! and pointer gestures where there is no widget to find by label (on the map).

#![allow(dead_code)] // Each test file uses some of these.

use egui::{Modifiers, Pos2};
use egui_kittest::Harness;
use sitview::app::{SitviewApp, StartOptions};

/// The real app at 1400 × 900, started with `options`, once its file (if any) is open.
pub fn harness(options: StartOptions) -> Harness<'static, SitviewApp> {
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| SitviewApp::new(cc, options));
    settle(&mut h);
    h
}

/// Runs frames until a file being opened in the background has been opened.
pub fn settle(h: &mut Harness<'static, SitviewApp>) {
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().is_loading() {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the file did not open within 5 s");
}

/// Presses (`true`) or releases the primary button at `pos`, then runs a frame.
pub fn press(h: &mut Harness<'static, SitviewApp>, pos: Pos2, pressed: bool) {
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(1);
}

/// A real mouse click at `pos`: hover, press, release.
pub fn click_at(h: &mut Harness<'static, SitviewApp>, pos: Pos2) {
    h.hover_at(pos);
    h.run_steps(1);
    press(h, pos, true);
    press(h, pos, false);
}
