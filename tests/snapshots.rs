//! Image snapshots rendered on the CPU: no GPU and no display needed.
//!
//! The references live in `tests/snapshots/`. After an intended visual change, rerun with
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` and look at the new PNGs before committing.

use egui::{FullOutput, TexturesDelta};
use egui_kittest::{Harness, SnapshotOptions, TestRenderer};
use sitview::app::{SitviewApp, StartOptions};
use sitview::render::cpu::CpuRenderer;

/// egui_kittest's renderer hook, backed by the project's CPU rasteriser.
struct Cpu(CpuRenderer);

impl TestRenderer for Cpu {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        self.0.handle_delta(delta);
    }

    fn render(
        &mut self,
        ctx: &egui::Context,
        output: &FullOutput,
    ) -> Result<image::RgbaImage, String> {
        self.0.render(ctx, output)
    }
}

/// The rasteriser is deterministic; the small allowance covers float differences in text
/// layout between CPUs, not visual changes.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(8)
}

/// Share of pixels in `img` whose colour is within `tol` of `colour` (per channel).
fn share_of(img: &image::RgbaImage, colour: [u8; 3], tol: u8) -> f64 {
    let n = img
        .pixels()
        .filter(|p| (0..3).all(|k| p.0[k].abs_diff(colour[k]) <= tol))
        .count();
    n as f64 / f64::from(img.width() * img.height())
}

#[test]
fn arabic_place_name_is_shaped_and_right_to_left() {
    let mut h = Harness::builder()
        .with_size([260.0, 70.0])
        .renderer(Cpu(CpuRenderer::new()))
        .build_ui(|ui| {
            sitview::text::install_fonts(ui.ctx());
            ui.label(egui::RichText::new(sitview::text::visual("خان شيخون")).size(28.0));
            ui.label(sitview::text::visual("Khan Sheikhun (خان شيخون), Idlib"));
        });
    h.run_steps(2);
    let img = h.render().expect("renders on the CPU");
    // Text was drawn (not tofu boxes only, not nothing): a fair share of dark ink.
    let ink = img.pixels().filter(|p| p.0[0] < 100 && p.0[3] > 0).count();
    assert!(ink > 300, "only {ink} ink pixels");
    h.snapshot_options("arabic_place_name", &options());
}

#[test]
fn the_map_on_19_september_with_the_convoy_selected() {
    let mut h = Harness::builder()
        .with_size([1200.0, 760.0])
        .renderer(Cpu(CpuRenderer::new()))
        .build_eframe(|cc| {
            SitviewApp::new(
                cc,
                StartOptions {
                    date: Some("2016-09-19".parse().unwrap()),
                    select: Some("aj-2016-09-19-un-convoy".into()),
                    ..Default::default()
                },
            )
        });
    h.run_steps(6);
    let img = h.render().expect("renders on the CPU");
    // The embedded basemap is there: its land colours take a real part of the frame.
    let style = sitview::map::basemap::BasemapStyle::default();
    let land_share: f64 = [style.land, style.focus_land]
        .iter()
        .map(|c| share_of(&img, [c.r(), c.g(), c.b()], 2))
        .sum();
    assert!(land_share > 0.1, "land covers {land_share:.3}");
    // The convoy's marker is painted in its category colour where the app says it is.
    let convoy = h
        .state()
        .doc
        .dataset
        .find("aj-2016-09-19-un-convoy")
        .unwrap();
    let pos = h
        .state()
        .marker_screen_pos(convoy)
        .expect("marker on screen");
    let colour = h.state().doc.colour_of("Attack on aid").to_array();
    let px = img.get_pixel(pos.x as u32, pos.y as u32).0;
    let close = (0..3).all(|k| px[k].abs_diff(colour[k]) <= 40);
    assert!(close, "marker centre is {px:?}, category colour {colour:?}");
    h.snapshot_options("map_2016-09-19_convoy", &options());
}
