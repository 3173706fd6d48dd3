//! Editing through the real UI (egui_kittest, no window, no GPU): add an incident by clicking
//! the map, edit it in the side panel, drag its marker, undo and redo, delete, save and reopen —
//! and unsaved changes: the prompt before closing or opening, autosave and recovery.

use egui::{Key, Modifiers, Pos2};
use egui_kittest::{Harness, kittest::Queryable};
use sitview::app::{Document, Pending, SitviewApp, StartOptions};
use sitview::model::Incident;

mod common;
use common::{click_at, press, settle};

fn harness(recovery: &std::path::Path) -> Harness<'static, SitviewApp> {
    common::harness(StartOptions {
        recovery_dir: Some(recovery.to_path_buf()),
        ..Default::default()
    })
}

/// Presses at `from`, moves in steps to `to` and releases there, as a hand would.
fn drag(h: &mut Harness<'static, SitviewApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    press(h, from, true);
    for k in 1..=8 {
        let p = from + (to - from) * (k as f32 / 8.0);
        h.event(egui::Event::PointerMoved(p));
        h.run_steps(1);
    }
    press(h, to, false);
}

/// Screen position of (lon, lat) in the last frame; it must be on the map, clear of the panels.
fn on_map(h: &Harness<'static, SitviewApp>, lon: f64, lat: f64) -> Pos2 {
    let p = h.state().screen_of(lon, lat).expect("the map was drawn");
    assert!(
        (260.0..900.0).contains(&p.x) && (120.0..760.0).contains(&p.y),
        "({lon}, {lat}) is at {p:?}, not in the open part of the map"
    );
    p
}

/// Replaces the text of the field labelled `label`.
fn set_field(h: &mut Harness<'static, SitviewApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
}

fn sample() -> Vec<Incident> {
    Document::sample().dataset.incidents
}

fn near(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn add_edit_move_undo_save_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("recovery"));
    assert!(!h.state().doc.dirty());

    // Edit > Add incident on the map…, then a click where it happened.
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Add incident on the map…").click();
    h.run_steps(2);
    assert!(h.state().adding);
    h.get_by_label_contains("Click on the map where the incident happened");
    let (lon, lat) = (36.95, 35.95);
    let at = on_map(&h, lon, lat);
    click_at(&mut h, at);
    h.run_steps(2);
    let new = h.state().selected.expect("the new incident is selected");
    assert_eq!(new, 7);
    assert_eq!(h.state().doc.dataset.incidents.len(), 8);
    let placed = h.state().doc.dataset.incidents[new].location.unwrap();
    // One pixel at this zoom is well under a kilometre.
    assert!(
        near(placed.lon, lon, 0.01) && near(placed.lat, lat, 0.01),
        "{placed:?}"
    );
    assert_eq!(
        h.state().doc.dataset.incidents[new].date,
        Some(h.state().current)
    );
    assert!(h.state().doc.dirty());
    assert!(h.state().title().starts_with("• "), "{}", h.state().title());

    // The form is open: fill it in and apply.
    set_field(&mut h, "Title", "Shelling of Saraqib market");
    set_field(&mut h, "Category", "Shelling");
    set_field(&mut h, "Place", "Saraqib");
    set_field(&mut h, "Killed", "3");
    set_field(&mut h, "Injured", "11");
    h.get_by_label("Add source").click();
    h.run_steps(2);
    set_field(&mut h, "Publisher 1", "Test Wire");
    set_field(
        &mut h,
        "Quote 1",
        "Three people were killed when shells hit the market.",
    );
    h.get_by_label("Apply changes").click();
    h.run_steps(3);
    {
        let inc = &h.state().doc.dataset.incidents[new];
        assert_eq!(inc.title, "Shelling of Saraqib market");
        assert_eq!(inc.category, "Shelling");
        assert_eq!(inc.place, "Saraqib");
        assert_eq!(
            (inc.casualties.killed, inc.casualties.injured),
            (Some(3), Some(11))
        );
        assert_eq!(inc.sources.len(), 1);
        assert_eq!(inc.sources[0].publisher, "Test Wire");
    }
    // The detail view shows it again, with the quote.
    h.get_by_label_contains("Three people were killed when shells hit the market.");

    // A wrong value is refused with a message, and changes nothing.
    h.get_by_label("Edit incident").click();
    h.run_steps(2);
    set_field(&mut h, "Date", "2016-13-40");
    h.get_by_label("Apply changes").click();
    h.run_steps(2);
    h.get_by_label_contains("“2016-13-40” is not a date");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().doc.dataset.incidents[new].date.is_some());

    // Drag the selected marker somewhere else.
    let from = on_map(&h, placed.lon, placed.lat);
    let (lon2, lat2) = (37.05, 35.8);
    let to = on_map(&h, lon2, lat2);
    drag(&mut h, from, to);
    h.run_steps(2);
    let moved = h.state().doc.dataset.incidents[new].location.unwrap();
    assert!(
        near(moved.lon, lon2, 0.01) && near(moved.lat, lat2, 0.01),
        "{moved:?}"
    );
    h.get_by_label_contains("Moved “Shelling of Saraqib market”");

    // Undo puts it back; Redo moves it again; Undo once more.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.incidents[new].location, Some(placed));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.incidents[new].location, Some(moved));
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label_contains("Undo move “Shelling of Saraqib market”")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.incidents[new].location, Some(placed));

    // Save (what the dialog's answer does) and reopen: exactly the edits are in the file.
    let path = dir.path().join("edited.geojson");
    h.state_mut().save_to(path.clone());
    h.run_steps(2);
    assert!(!h.state().doc.dirty());
    assert!(!h.state().title().starts_with("• "));
    let reread = sitview::formats::read_path(&path)
        .unwrap()
        .dataset
        .incidents;
    let original = sample();
    assert_eq!(reread.len(), original.len() + 1);
    assert_eq!(
        reread[..original.len()],
        original[..],
        "the others are untouched"
    );
    let inc = &reread[original.len()];
    assert_eq!(inc, &h.state().doc.dataset.incidents[new]);
    assert_eq!(inc.title, "Shelling of Saraqib market");
    assert_eq!(inc.location, Some(placed));
    assert_eq!(
        &*inc.sources[0].quote,
        "Three people were killed when shells hit the market."
    );

    h.state_mut().open_path(path);
    settle(&mut h);
    assert_eq!(h.state().doc.dataset.incidents, reread);
    assert!(!h.state().doc.dirty());
}

#[test]
fn delete_and_undo_restore_the_incident_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("recovery"));
    let convoy = h
        .state()
        .doc
        .dataset
        .find("aj-2016-09-19-un-convoy")
        .unwrap();
    h.state_mut().select(convoy, true);
    h.run_steps(2);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.find("aj-2016-09-19-un-convoy"), None);
    assert_eq!(h.state().selected, None);
    h.get_by_label_contains("Deleted “");
    h.get_by_label_contains("6 incidents");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.incidents, sample());
    assert_eq!(h.state().selected, Some(convoy));
    assert!(!h.state().doc.dirty(), "undone back to the file as it was");
    h.get_by_label_contains("7 incidents");
}

#[test]
fn unsaved_changes_are_asked_about_before_opening_another_file_or_closing() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery");
    let other = dir.path().join("other.geojson");
    std::fs::write(&other, sitview::app::SAMPLE_GEOJSON).unwrap();
    let mut h = harness(&recovery);
    h.state_mut().delete_incident(0);
    h.run_steps(2);
    assert!(h.state().doc.dirty());

    // Opening another file: Cancel keeps everything as it is.
    h.state_mut().request(Pending::Open(other.clone()));
    h.run_steps(2);
    h.get_by_label_contains(
        "Save the changes to aleppo-2016-09.geojson (built-in sample) before opening another file?",
    );
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Save the changes").is_none());
    assert_eq!(h.state().doc.dataset.incidents.len(), 6);

    // Closing the window is held back until the user answers.
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run_steps(2);
    h.get_by_label_contains("before closing?");
    assert!(!h.state().is_closing());
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().is_closing());

    // Opening again, and "Don't save": the other file replaces it.
    h.state_mut().request(Pending::Open(other));
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    settle(&mut h);
    assert_eq!(h.state().doc.dataset.incidents.len(), 7);
    assert!(!h.state().doc.dirty());
    assert!(!h.state().has_recovery_file());
    h.get_by_label_contains("other.geojson");
}

#[test]
fn a_crashed_session_is_offered_for_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery");
    let mut h = harness(&recovery);
    let mut inc = h.state().doc.dataset.incidents[2].clone();
    let before = inc.clone();
    inc.title = "Edited before the crash".into();
    assert!(
        h.state_mut()
            .apply_edit(sitview::model::edit::Edit::Replace {
                at: 2,
                before: Box::new(before),
                after: Box::new(inc.clone()),
            })
    );
    // Written a couple of seconds after the change, or at once when asked.
    h.state_mut().autosave_now();
    assert!(h.state().has_recovery_file());
    drop(h);

    // This process is alive, so its own file is not offered; a file of a process that is gone
    // is. Give the file the name a crashed process would have left.
    let pid = std::process::id();
    for ext in ["geojson", "json"] {
        std::fs::rename(
            recovery.join(format!("autosave-{pid}.{ext}")),
            recovery.join(format!("autosave-4000000000.{ext}")),
        )
        .unwrap();
    }
    let mut h = harness(&recovery);
    h.get_by_label("Recover unsaved changes?");
    h.get_by_label_contains("Changes to the built-in sample (7 incidents)");
    h.get_by_label("Recover").click();
    h.run_steps(3);
    assert_eq!(h.state().doc.dataset.incidents[2], inc);
    assert!(
        h.state().doc.dirty(),
        "recovered changes are unsaved until saved"
    );
    assert!(!recovery.join("autosave-4000000000.geojson").exists());
    assert!(
        h.state().has_recovery_file(),
        "and protected again by this session"
    );
    h.get_by_label_contains("Recovered 7 incidents with unsaved changes");

    // Saving ends it: no recovery file is left behind.
    h.state_mut().save_to(dir.path().join("saved.geojson"));
    h.run_steps(2);
    assert!(!h.state().has_recovery_file());
    assert_eq!(std::fs::read_dir(&recovery).unwrap().count(), 0);
}

/// Runs frames (egui's clock advances with them) until `done` holds; panics after `limit`.
fn run_until(
    h: &mut Harness<'static, SitviewApp>,
    limit: usize,
    mut done: impl FnMut(&SitviewApp) -> bool,
) {
    for _ in 0..limit {
        h.run_steps(1);
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("not done after {limit} frames");
}

#[test]
fn a_large_file_is_autosaved_by_a_worker_and_a_save_meanwhile_leaves_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery");
    let csv = dir.path().join("big.csv");
    sitview::generate::write_file(&csv, 6_000, 7).unwrap();
    let options = StartOptions {
        file: Some(csv.clone()),
        recovery_dir: Some(recovery.clone()),
        ..Default::default()
    };
    let mut h = common::harness(options);
    assert_eq!(h.state().doc.dataset.incidents.len(), 6_000);

    // Two seconds after a change the copy is written — by a worker, for a file this size.
    h.state_mut().delete_incident(0);
    let mut seen_writing = false;
    run_until(&mut h, 3_000, |app| {
        seen_writing |= app.recovery_writing();
        seen_writing && !app.recovery_writing()
    });
    assert!(h.state().has_recovery_file());
    let copy = recovery.join(format!("autosave-{}.geojson", std::process::id()));
    let saved = sitview::formats::read_path(&copy).unwrap().dataset;
    assert_eq!(saved.incidents, h.state().doc.dataset.incidents);

    // Saved while a newer copy is being written: the worker's copy is removed when it ends.
    h.state_mut().delete_incident(0);
    run_until(&mut h, 3_000, SitviewApp::recovery_writing);
    h.state_mut().save_to(dir.path().join("big.geojson"));
    run_until(&mut h, 3_000, |app| !app.recovery_writing());
    assert!(!h.state().has_recovery_file());
    assert_eq!(std::fs::read_dir(&recovery).unwrap().count(), 0);
}
