//! The place search box over the map, driven through egui_kittest: type a place, jump there.

use egui::Key;
use egui_kittest::{Harness, kittest::Queryable};
use sitview::app::{SitviewApp, StartOptions};

mod common;

fn harness() -> Harness<'static, SitviewApp> {
    let mut h = common::harness(StartOptions::default());
    h.run_steps(1);
    h
}

/// Distance in km between the map's centre and a place.
fn km_from_centre(h: &Harness<'static, SitviewApp>, lat: f64, lon: f64) -> f64 {
    let c = h
        .state()
        .map_memory
        .detached()
        .expect("the map was moved to a position");
    let (dx, dy) = (
        (c.x() - lon).to_radians() * lat.to_radians().cos(),
        (c.y() - lat).to_radians(),
    );
    (dx * dx + dy * dy).sqrt() * 6371.0
}

#[test]
fn typing_a_place_and_pressing_enter_moves_the_map_there() {
    let mut h = harness();
    // The sample opens fitted to Aleppo and Idlib, far from Khan Shaykhun's close-up.
    let before = h.state().map_memory.zoom();
    h.get_by_label("Find place").click();
    h.run_steps(1);
    h.get_by_label("Find place").type_text("Khan Shaykhun");
    h.run_steps(2);
    // The dropdown lists the town (GeoNames spells it Khān Shaykhūn).
    h.get_by_label_contains("Khān Shaykhūn, Idlib, SY");
    h.key_press(Key::Enter);
    h.run_steps(3);
    let d = km_from_centre(&h, 35.44208, 36.65095);
    assert!(d < 2.0, "the centre is {d:.1} km from Khan Shaykhun");
    assert!(h.state().map_memory.zoom() > before);
    assert_eq!(h.state().place_search.query, "Khān Shaykhūn");

    // Another spelling, picked with the mouse from the list.
    h.get_by_label("Find place").click();
    h.run_steps(1);
    h.state_mut().place_search.query.clear();
    h.get_by_label("Find place").type_text("Qaterji");
    h.run_steps(2);
    h.get_by_label_contains("Karm al-Qaterji (al-Qaterji), Aleppo, SY")
        .click();
    h.run_steps(3);
    let d = km_from_centre(&h, 36.20119, 37.18022);
    assert!(d < 0.5, "the centre is {d:.1} km from al-Qaterji");
}
