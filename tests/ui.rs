//! UI flows through egui_kittest, driving the real `SitviewApp` with no window and no GPU.

use egui::Key;
use egui_kittest::{Harness, kittest::Queryable};
use sitview::app::{SitviewApp, StartOptions};

mod common;
use common::{click_at, harness};

fn convoy_index(h: &Harness<'_, SitviewApp>) -> usize {
    h.state()
        .doc
        .dataset
        .find("aj-2016-09-19-un-convoy")
        .expect("the sample has the convoy")
}

#[test]
fn step_through_the_sample_and_read_the_sources() {
    let mut h = harness(StartOptions::default());
    // The slider starts on the first day of the data: Monday 19 September 2016.
    assert_eq!(h.state().current.to_string(), "2016-09-19");
    h.get_by_label("Monday 19 September 2016");
    h.get_by_label_contains("7 incidents · Mon 19 Sep 2016");

    // The convoy is in the list; selecting it shows its quoted sentence and its source.
    h.get_by_label_contains("Air strike on UN aid convoy, Urum al-Kubra")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().selected, Some(convoy_index(&h)));
    h.get_by_label_contains("deadly air strike on a UN aid convoy on Monday in northern Syria");
    h.get_by_label_contains("Al Jazeera, published Thursday 22 September 2016");
    h.get_by_label_contains("Attributed to: The United States");
    h.get_by_label("the day");

    // → steps to the next day: the convoy (a one-day incident) leaves the list.
    h.key_press(Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(h.state().current.to_string(), "2016-09-20");
    h.get_by_label("Tuesday 20 September 2016");
    h.get_by_label_contains("6 incidents · Tue 20 Sep 2016");
    assert!(
        !h.state_mut()
            .visible_ids()
            .contains(&"aj-2016-09-19-un-convoy".to_owned())
    );
    // The detail stays readable, marked as outside the window.
    h.get_by_label_contains("Not in the current window");

    // Cumulative mode lists all seven incidents.
    h.get_by_label("Cumulative to this day").click();
    h.run_steps(2);
    h.get_by_label_contains("7 incidents · Mon 19 Sep 2016 – Tue 20 Sep 2016");
    for title in [
        "Air strike on UN aid convoy, Urum al-Kubra",
        "Air strikes on the al-Qaterji neighbourhood, east Aleppo",
        "Dozens of raids on east Aleppo since the truce collapsed",
        "At least 12 civilians, including two children, killed",
        "18 killed in bombings on Khan Sheikhun",
        "Attack on two ambulances in Khan Tuman",
        "Rebel shelling of government-held west Aleppo",
    ] {
        assert!(
            h.query_all_by_label_contains(title).next().is_some(),
            "{title} is not listed"
        );
    }
}

#[test]
fn keys_home_end_and_buttons_move_within_the_data() {
    let mut h = harness(StartOptions::default());
    h.key_press(Key::End);
    h.run_steps(2);
    assert_eq!(h.state().current.to_string(), "2016-09-22");
    h.key_press(Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(
        h.state().current.to_string(),
        "2016-09-22",
        "stays on the last day"
    );
    h.get_by_label("‹ Previous day").click();
    h.run_steps(2);
    assert_eq!(h.state().current.to_string(), "2016-09-21");
    h.key_press(Key::Home);
    h.run_steps(2);
    assert_eq!(h.state().current.to_string(), "2016-09-19");
    h.get_by_label("Next day ›").click();
    h.run_steps(2);
    assert_eq!(h.state().current.to_string(), "2016-09-20");
}

#[test]
fn clicking_a_marker_selects_its_incident() {
    let mut h = harness(StartOptions::default());
    let convoy = convoy_index(&h);
    let pos = h
        .state()
        .marker_screen_pos(convoy)
        .expect("the convoy marker is drawn on 19 Sept");
    click_at(&mut h, pos);
    h.run_steps(1);
    assert_eq!(h.state().selected, Some(convoy));
    h.get_by_label_contains("deadly air strike on a UN aid convoy");
}

#[test]
fn command_line_state_date_mode_and_selection() {
    let h = harness(StartOptions {
        date: Some("2016-09-21".parse().unwrap()),
        mode: sitview::timeline::WindowMode::parse("last:2"),
        select: Some("aj-2016-09-22-khan-tuman-ambulances".into()),
        ..Default::default()
    });
    h.get_by_label("Wednesday 21 September 2016");
    h.get_by_label_contains("6 incidents · Tue 20 Sep 2016 – Wed 21 Sep 2016");
    h.get_by_label_contains("two nurses and two drivers were killed");
    h.get_by_label_contains("approximate (±3 km)");
}

#[test]
fn save_writes_the_file_atomically_and_reopens_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.geojson");
    let mut h = harness(StartOptions::default());
    h.state_mut().save_to(path.clone());
    h.run_steps(2);
    assert!(
        h.state().title().contains("copy.geojson"),
        "{}",
        h.state().title()
    );
    let saved = std::fs::read(&path).unwrap();
    assert_eq!(
        saved,
        sitview::app::SAMPLE_GEOJSON,
        "the sample saves byte for byte"
    );

    // Reopen it from the command line.
    let h2 = harness(StartOptions {
        file: Some(path.clone()),
        ..Default::default()
    });
    assert_eq!(h2.state().doc.dataset, h.state().doc.dataset);
    h2.get_by_label_contains("copy.geojson");

    // Saving into a folder that does not exist fails with a message and keeps the data.
    let bad = dir.path().join("missing").join("x.geojson");
    h.state_mut().save_to(bad);
    h.run_steps(2);
    let notice = h.state().notice.clone().expect("a notice");
    assert!(
        notice.error && notice.text.contains("Could not save"),
        "{}",
        notice.text
    );
    assert_eq!(h.state().doc.dataset.incidents.len(), 7);
}

#[test]
fn a_broken_file_gets_a_message_and_the_sample_stays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.geojson");
    std::fs::write(
        &path,
        "{\"type\": \"FeatureCollection\",\n \"features\": [ {,] }",
    )
    .unwrap();
    let h = harness(StartOptions {
        file: Some(path),
        ..Default::default()
    });
    let notice = h.state().notice.clone().expect("a notice");
    assert!(notice.error);
    assert!(notice.text.contains("broken.geojson"), "{}", notice.text);
    assert!(notice.text.contains("line 2"), "{}", notice.text);
    h.get_by_label_contains("Could not open");
    assert_eq!(h.state().doc.dataset.incidents.len(), 7);
}

#[test]
fn the_ruler_measures_aleppo_to_idlib() {
    let mut h = harness(StartOptions::default());
    h.get_by_label("Ruler").click();
    h.run_steps(2);
    assert!(h.state().measure.active);
    h.get_by_label_contains("Click on the map to start measuring");
    // The GeoNames points of Aleppo and Idlib.
    for (lon, lat) in [(37.16117, 36.20124), (36.63393, 35.93062)] {
        let pos = h.state().screen_of(lon, lat).expect("the map was drawn");
        click_at(&mut h, pos);
    }
    h.run_steps(1);
    assert_eq!(h.state().measure.points.len(), 2);
    let km = h.state().measure.total_m() / 1000.0;
    assert!((56.1..=56.3).contains(&km), "{km} km");
    h.get_by_label_contains("Distance: 56.2 km over 1 legs");
    // Measuring does not select; Esc ends it.
    assert_eq!(h.state().selected, None);
    h.key_press(Key::Escape);
    h.run_steps(1);
    assert!(!h.state().measure.active);
}

#[test]
fn copy_link_writes_the_command_line_of_the_view() {
    let mut h = harness(StartOptions {
        date: Some("2016-09-21".parse().unwrap()),
        mode: sitview::timeline::WindowMode::parse("last:2"),
        select: Some("aj-2016-09-22-khan-tuman-ambulances".into()),
        ..Default::default()
    });
    h.get_by_label("Copy link").click();
    let mut copied: Vec<String> = Vec::new();
    for _ in 0..3 {
        h.step();
        copied.extend(
            h.output()
                .platform_output
                .commands
                .iter()
                .filter_map(|c| match c {
                    egui::OutputCommand::CopyText(t) => Some(t.clone()),
                    _ => None,
                }),
        );
    }
    assert_eq!(
        copied,
        [
            "sitview sample --date 2016-09-21 --mode last:2 --select aj-2016-09-22-khan-tuman-ambulances"
        ]
    );
}

#[test]
fn filters_change_the_list_the_legend_and_the_histogram() {
    let mut h = harness(StartOptions::default());
    h.get_by_label_contains("7 incidents · Mon 19 Sep 2016");
    assert_eq!(h.state_mut().day_counts(), [7, 6, 6, 6]);

    // Text search over titles, places and source text.
    h.get_by_label("Search").click();
    h.run_steps(1);
    h.get_by_label("Search").type_text("khan");
    h.run_steps(3);
    h.get_by_label_contains("2 incidents · Mon 19 Sep 2016");
    h.get_by_label_contains("Filtered: search “khan”");
    assert_eq!(h.state_mut().day_counts(), [2, 2, 2, 2]);
    h.get_by_label("Clear").click();
    h.run_steps(3);
    h.get_by_label_contains("7 incidents · Mon 19 Sep 2016");

    // A category switched off in the legend: the three air strikes go.
    h.get_by_label("Air strike (3)").click();
    h.run_steps(3);
    h.get_by_label_contains("4 incidents · Mon 19 Sep 2016");
    h.get_by_label_contains("Air strike (0)");
    assert_eq!(h.state_mut().day_counts(), [4, 3, 3, 3]);
    h.get_by_label("Air strike (0)").click();
    h.run_steps(3);
    h.get_by_label_contains("7 incidents · Mon 19 Sep 2016");

    // At least 10 killed: the 12 in east Aleppo and the 18 in Khan Sheikhun.
    h.state_mut().filter.min_killed = 10;
    h.run_steps(3);
    h.get_by_label_contains("2 incidents · Mon 19 Sep 2016");
    assert_eq!(h.state_mut().visible_ids().len(), 2);
}
