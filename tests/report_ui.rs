//! The report import window through the real UI (egui_kittest): paste a report, find the
//! incidents it describes, accept one, accept and edit another, reject nothing by mistake — and
//! every accepted incident keeps its sentence verbatim, joins the file as an undoable edit and is
//! saved.

use egui_kittest::{Harness, kittest::Queryable};
use sitview::app::{SitviewApp, StartOptions};

mod common;

fn harness() -> Harness<'static, SitviewApp> {
    common::harness(StartOptions::default())
}

const REPORT: &str = "Air strikes killed at least seven people, including three children, in the town of \
Saraqib in Idlib province on Tuesday, the Syrian Observatory for Human Rights said.\n\n\
Foreign ministers met in Geneva on Wednesday to discuss a new ceasefire, but no agreement was \
reached.\n\n\
Rebel shelling of the Salaheddine district of Aleppo wounded 11 people yesterday, state media \
reported.\n";

#[test]
fn a_pasted_report_becomes_reviewed_incidents() {
    let mut h = harness();
    // File > New: an empty file to build from the report.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label_contains("New (empty file)").click();
    h.run_steps(2);
    assert!(h.state().doc.dataset.incidents.is_empty());
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Import a report (text)…").click();
    // A new window fades in and settles over a few frames.
    h.run_steps(5);

    // Without a publication date the relative words cannot be resolved: it says so.
    h.get_by_label("Report text").click();
    h.run_steps(1);
    h.get_by_label("Report text").type_text(REPORT);
    h.run_steps(1);
    // The text area grows to the pasted text in the next frames, moving the buttons down.
    h.run_steps(3);
    h.get_by_label("Find incidents").click();
    h.run_steps(2);
    h.get_by_label_contains("Give the publication date as YYYY-MM-DD");

    for (label, text) in [("Published", "2016-09-22"), ("Publisher", "Test Wire")] {
        h.get_by_label(label).click();
        h.run_steps(1);
        h.get_by_label(label).type_text(text);
        h.run_steps(1);
    }
    h.get_by_label("Find incidents").click();
    h.run_steps(3);
    h.get_by_label_contains("2 proposed · 0 accepted · 0 rejected");
    let items = &h.state().report_import().items;
    let places: Vec<&str> = items
        .iter()
        .map(|i| i.candidate.incident.place.as_str())
        .collect();
    assert_eq!(places, ["Saraqib", "Salaheddine"]);
    // The Geneva meeting is not proposed.
    assert!(
        items
            .iter()
            .all(|i| !i.candidate.incident.sources[0].quote.contains("Geneva"))
    );
    // Both are drawn on the map where they are, waiting for review.
    let drawn = h.state().report_import().drawn.clone();
    assert_eq!(drawn.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [0, 1]);
    for (k, p) in &drawn {
        let l = h.state().report_import().items[*k]
            .candidate
            .incident
            .location
            .unwrap();
        let expected = h.state().screen_of(l.lon, l.lat).unwrap();
        assert!(
            p.distance(expected) < 1.0,
            "candidate {k} at {p:?}, not {expected:?}"
        );
    }

    // Accept the first as it is; accept the second and correct it in the edit form.
    h.get_by_label("Accept 1").click();
    h.run_steps(2);
    h.get_by_label_contains("2 proposed · 1 accepted · 0 rejected");
    // Accepted, it is an ordinary marker now: only the other one waits on the map.
    assert_eq!(h.state().report_import().drawn.len(), 1);
    h.get_by_label("Accept and edit 2").click();
    h.run_steps(3);
    h.get_by_label("Title").click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Title").type_text("Shelling of Salaheddine");
    h.run_steps(1);
    // The window stepped aside for the edit form (it sits over the side panel).
    assert!(h.query_by_label("Report text").is_none());
    h.get_by_label("Apply changes").click();
    h.run_steps(5);
    // and comes back once the form is done.
    h.get_by_label_contains("2 proposed · 2 accepted · 0 rejected");

    let ds = &h.state().doc.dataset;
    assert_eq!(ds.incidents.len(), 2);
    let saraqib = &ds.incidents[0];
    assert_eq!(saraqib.casualties.killed, Some(7));
    assert_eq!(saraqib.casualties.children_killed, Some(3));
    assert_eq!(saraqib.sources[0].publisher, "Test Wire");
    assert!(
        REPORT.contains(&*saraqib.sources[0].quote),
        "verbatim quote"
    );
    let second = &ds.incidents[1];
    assert_eq!(second.title, "Shelling of Salaheddine");
    assert_eq!(second.casualties.injured, Some(11));
    assert_eq!(
        second.date.map(|d| d.to_string()).as_deref(),
        Some("2016-09-21")
    );
    assert!(REPORT.contains(&*second.sources[0].quote), "verbatim quote");

    // Each acceptance is an ordinary edit: undo takes the edit, then the second incident away.
    h.state_mut().undo();
    h.state_mut().undo();
    h.run_steps(2);
    assert_eq!(h.state().doc.dataset.incidents.len(), 1);

    // What is kept is saved like any file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("from-report.geojson");
    h.state_mut().save_to(path.clone());
    let saved = sitview::formats::read_path(&path).unwrap().dataset;
    assert_eq!(saved.incidents, h.state().doc.dataset.incidents);
}

#[test]
fn a_report_file_that_is_not_text_gets_a_clear_message() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, b"Shelling in Saraqib \xff\xfe killed two").unwrap();
    h.state_mut().load_report_text(&path);
    h.run_steps(2);
    h.get_by_label_contains("not UTF-8 text (invalid byte at offset 20)");
}
