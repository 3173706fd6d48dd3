//! Opening files of other tools in the real App: the import dialog for guessed columns, files
//! that are kept safe from being overwritten, and exports.

mod common;

use egui_kittest::{
    Harness,
    kittest::{Queryable, by},
};
use sitview::app::{SitviewApp, StartOptions};
use sitview::formats::Format;

fn open(path: std::path::PathBuf) -> Harness<'static, SitviewApp> {
    common::harness(StartOptions {
        file: Some(path),
        ..Default::default()
    })
}

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

#[test]
fn a_spreadsheet_opens_with_its_columns_shown_for_checking() {
    let h = open(fixture("csv/monitoring_dayfirst.csv"));
    assert_eq!(h.state().doc.format, Format::Csv);
    assert_eq!(h.state().doc.dataset.incidents.len(), 8);
    h.get_by_label_contains("Import settings");
    h.get_by_label_contains("Which column of monitoring_dayfirst.csv holds what");
    // The detected date column is shown by its number and header.
    h.get(by().label("Date").value("2: Date"));
    h.get(by().label("Latitude").value("5: Latitude"));
    h.get_by_label_contains("Read 8 incidents from 8 records");
    // Day-first dates were decided from the whole column: 29/12/2015 is the first day.
    assert_eq!(
        h.state().doc.index.range().unwrap().0.to_string(),
        "2015-12-29"
    );
}

#[test]
fn a_csv_whose_columns_cannot_be_guessed_asks_for_them_and_keeps_the_current_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("field-notes.csv");
    std::fs::write(
        &path,
        "ref,when,p,q,what\nA1,2016-09-19,xx,yy,Convoy struck\nA2,2016-09-20,xx,yy,Shelling\n",
    )
    .unwrap();
    let h = open(path);
    // The sample stays; the dialog says what is missing.
    assert_eq!(h.state().doc.dataset.incidents.len(), 7);
    let notice = h.state().notice.clone().expect("a notice");
    assert!(
        notice.error && notice.text.contains("field-notes.csv"),
        "{}",
        notice.text
    );
    h.get_by_label_contains("Import settings");
    h.get_by_label_contains("Could not read it as it stands");
}

#[test]
fn save_never_overwrites_an_imported_csv_and_export_writes_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("monitoring.csv");
    std::fs::copy(fixture("csv/monitoring_dayfirst.csv"), &csv).unwrap();
    let before = std::fs::read(&csv).unwrap();
    let mut h = open(csv.clone());
    assert!(!h.state().doc.saves_in_place());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    assert_eq!(
        std::fs::read(&csv).unwrap(),
        before,
        "the CSV was not touched"
    );

    // Export only the first day's window as KML: just the incidents of 29 Dec 2015.
    let day = h.state().current;
    let (from, to) = h.state().window();
    let expected = (h.state().doc.dataset.incidents.iter())
        .filter(|i| i.overlaps(from, to))
        .count();
    assert!((1..8).contains(&expected), "{expected} incidents on {day}");
    let kml = dir.path().join("window.kml");
    h.state_mut().export_to(kml.clone(), true);
    h.run_steps(1);
    let back = sitview::formats::read_path(&kml).expect("the export reads back");
    assert_eq!(back.format, Format::Kml);
    assert_eq!(back.dataset.incidents.len(), expected);
    h.get_by_label_contains(&format!("Exported {expected} incidents"));

    // Save As GeoJSON makes that the document's file.
    let saved = dir.path().join("monitoring.geojson");
    h.state_mut().save_to(saved.clone());
    h.run_steps(1);
    assert!(h.state().doc.saves_in_place());
    let again = sitview::formats::read_path(&saved).unwrap();
    assert_eq!(again.dataset.incidents, h.state().doc.dataset.incidents);
}

#[test]
fn kml_colours_and_records_without_place_or_date_are_kept() {
    let h = open(fixture("kml/aleppo-2016-09.kml"));
    let doc = &h.state().doc;
    assert_eq!(doc.format, Format::Kml);
    let (category, [r, g, b]) = doc
        .dataset
        .category_colours
        .iter()
        .next()
        .map(|(c, rgb)| (c.clone(), *rgb))
        .expect("the KML styles give colours");
    assert_eq!(doc.colour_of(&category), egui::Color32::from_rgb(r, g, b));
    assert!(
        !doc.unplaced.is_empty(),
        "the fixture has an unlocated placemark"
    );
    h.get_by_label_contains(&format!(
        "Not on the map or the timeline ({})",
        doc.unplaced.len()
    ));
}

#[test]
fn choosing_another_property_in_the_dialog_reads_the_file_again() {
    let mut h = open(fixture("geojson/qgis-export.geojson"));
    assert_eq!(
        h.state().doc.dataset.incidents[0].title,
        "Strike on UN/SARC aid convoy"
    );
    h.get(by().label("Title").value("name"));
    // Use the place name as the title instead.
    h.get_by_label("Title").click();
    h.run_steps(2);
    h.get_by_label("location").click();
    h.run_steps(2);
    h.get_by_label("Read again with these columns").click();
    h.run_steps(3);
    assert_eq!(h.state().doc.dataset.incidents[0].title, "Urum al-Kubra");
    h.get_by_label_contains("Read 4 incidents from 4 records");
}

#[test]
fn lines_and_areas_of_a_file_are_kept_and_counted() {
    let h = open(fixture("geojson/mixed-geometries.geojson"));
    let doc = &h.state().doc;
    assert_eq!(doc.dataset.incidents.len(), 2);
    assert!(!doc.overlays.is_empty());
    let n = doc.dataset.overlays.len();
    assert!(n >= 2, "{n} overlays");
    // The file uses our own property names: nothing to check, so no import dialog.
    assert!(h.query_by_label_contains("Import settings").is_none());
    let notice =
        format!("Loaded 2 incidents and {n} lines or areas from 6 records, with 2 warnings");
    assert!(
        h.query_all_by_label_contains(&notice).next().is_some(),
        "no notice {notice:?}"
    );
}

#[test]
fn the_map_on_screen_exports_as_a_slide_image() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(StartOptions {
        date: Some("2016-09-19".parse().unwrap()),
        select: Some("aj-2016-09-19-un-convoy".into()),
        ..Default::default()
    });
    h.run_steps(4);
    let png = dir.path().join("slide.png");
    h.state_mut().export_image(png.clone(), [1280, 800]);
    h.run_steps(1);
    let img = image::open(&png).expect("a PNG").to_rgba8();
    assert_eq!(img.dimensions(), (1280, 800));
    // The view was centred on the convoy: its marker colour is at the middle of the image.
    let c = h.state().doc.colour_of("Attack on aid").to_array();
    let near = (630..650)
        .flat_map(|x| (390..410).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            (0..3).all(|k| p[k].abs_diff(c[k]) <= 12)
        })
        .count();
    assert!(
        near >= 20,
        "only {near} convoy-coloured pixels at the centre"
    );
    h.get_by_label_contains("Exported the map to");
}

#[test]
fn a_dated_front_line_follows_the_slider() {
    let mut h = open(fixture("geojson/mixed-geometries.geojson"));
    let go = |h: &mut Harness<'static, SitviewApp>, day: &str| {
        h.state_mut().go_to(day.parse().unwrap());
        h.run_steps(2);
        h.state().overlays_shown()
    };
    let front = "Front line, 22 September".to_owned();
    let besieged = "Besieged east Aleppo".to_owned();
    let on_21 = go(&mut h, "2016-09-21");
    assert!(!on_21.contains(&front), "{on_21:?}");
    assert!(on_21.contains(&besieged), "{on_21:?}");
    let on_22 = go(&mut h, "2016-09-22");
    assert!(on_22.contains(&front), "{on_22:?}");
    let on_23 = go(&mut h, "2016-09-23");
    assert!(!on_23.contains(&front), "{on_23:?}");
    // Undated overlays are always shown.
    assert!(on_23.iter().any(|n| n == "Southern approach"), "{on_23:?}");
}

#[test]
fn a_file_of_lines_and_areas_adds_an_overlay_layer() {
    let mut h = common::harness(StartOptions::default());
    h.run_steps(3);
    assert!(h.state().overlays_shown().is_empty());
    h.state_mut()
        .add_overlay_layer(fixture("geojson/mixed-geometries.geojson"));
    h.run_steps(3);
    // The sample's first day, 19 Sept: the besieged area (4 Sept - 22 Dec) and the undated ones.
    let shown = h.state().overlays_shown();
    assert!(
        shown.iter().any(|n| n == "Besieged east Aleppo"),
        "{shown:?}"
    );
    assert!(
        !shown.iter().any(|n| n == "Front line, 22 September"),
        "{shown:?}"
    );
    assert_eq!(
        h.state().doc.dataset.incidents.len(),
        7,
        "its points are not added"
    );
    assert!(
        h.state().doc.dirty(),
        "the layer is part of the document now"
    );
    h.get_by_label_contains("Added layer mixed-geometries.geojson");
    // The Layers window lists it with its opacity.
    h.get_by_label("mixed-geometries.geojson");
    h.get_by_label("mixed-geometries.geojson").click();
    h.run_steps(2);
    let style = h.state().layers.get("mixed-geometries.geojson").copied();
    assert_eq!(
        style.map(|s| (s.visible, s.opacity)),
        Some((false, 1.0)),
        "unticking hides the layer"
    );
    // A colour of its own for the layer.
    h.get_by_label("colour").click();
    h.run_steps(2);
    assert!(
        h.state().layers["mixed-geometries.geojson"]
            .colour
            .is_some()
    );
}

#[test]
fn the_viewer_exports_an_animation_of_every_day() {
    use image::AnimationDecoder;
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(StartOptions::default());
    h.run_steps(4);
    let gif = dir.path().join("days.gif");
    h.state_mut().export_animation(gif.clone());
    h.run_steps(1);
    let file = std::io::BufReader::new(std::fs::File::open(&gif).expect("the GIF"));
    let frames = image::codecs::gif::GifDecoder::new(file)
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 4, "19 to 22 Sept");
    assert_eq!(frames[0].buffer().dimensions(), (1280, 800));
    h.get_by_label_contains("Animation: wrote");
}
