//! With default settings the viewer makes no network request: the real app is driven for
//! several frames, with the embedded map, with OpenStreetMap chosen but online tiles not
//! allowed, and with a local PMTiles package, and the process-wide counters of
//! `tiles::online` (the only module that makes an HTTP client) stay at zero. Its own test
//! binary, so that no other test in the process can move the counters.

mod common;

use std::path::Path;

use egui_kittest::kittest::{NodeT, Queryable};
use sitview::app::StartOptions;
use sitview::tiles::online::{clients_created, requests_sent};
use sitview::tiles::source::{BasemapChoice, BasemapSettings};

fn assert_no_network(when: &str) {
    assert_eq!(clients_created(), 0, "{when}: an HTTP client was made");
    assert_eq!(requests_sent(), 0, "{when}: a tile request was sent");
}

#[test]
fn default_settings_never_touch_the_network() {
    let mut h = common::harness(StartOptions::default());
    h.run_steps(10);
    assert_eq!(h.state().basemaps.settings, BasemapSettings::default());
    assert!(!h.state().basemaps.tiles_shown());
    assert_no_network("default settings");

    // The picker says what online tiles cost, and its switch is off.
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Basemap…").click();
    h.run_steps(3);
    h.get_by_label_contains("reveals the area you are looking at");
    let switch = h.get_by_label("Allow online tiles");
    assert_eq!(
        switch.accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::False)
    );

    // Choosing OpenStreetMap alone fetches nothing: the switch is still off.
    h.state_mut().basemaps.settings.choice = BasemapChoice::Osm;
    h.run_steps(10);
    assert!(!h.state().basemaps.tiles_shown());
    let note = h.state().basemaps.error.clone().unwrap_or_default();
    assert!(note.contains("Online tiles are off"), "{note}");
    // The map says so too, as information rather than an error.
    let notice = h.state().notice.clone().expect("a notice above the map");
    assert!(notice.text.contains("Online tiles are off") && !notice.error);
    assert_no_network("OpenStreetMap chosen, online off");

    // A local package draws tiles, still without the network.
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiles/syria-z5-7.pmtiles");
    h.state_mut().basemaps.choose_package(fixture);
    let mut drawn = 0;
    for _ in 0..300 {
        h.run_steps(1);
        drawn = h.state().basemaps.tiles_drawn();
        if drawn > 0 && !h.state().basemaps.busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(drawn > 0, "no tile of the package was drawn");
    let credit = h.state().basemaps.attribution();
    assert!(
        credit.contains("Tiles:") && credit.contains("Natural Earth"),
        "{credit}"
    );
    assert_no_network("PMTiles package");
}

#[test]
fn only_the_online_module_makes_http_clients() {
    // Structural: no other source file names an HTTP client or walkers' HTTP tiles.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tiles/online.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for word in ["reqwest", "HttpTiles", "TcpStream", "ureq::", "hyper::"] {
                    if text.contains(word) {
                        offenders.push(format!("{}: {word}", p.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn a_missing_package_on_the_command_line_is_an_error_above_the_map() {
    let mut h = common::harness(StartOptions {
        basemap: Some("/nonexistent/region.pmtiles".into()),
        ..Default::default()
    });
    h.run_steps(6);
    let notice = h.state().notice.clone().expect("a notice above the map");
    assert!(
        notice.error && notice.text.contains("region.pmtiles"),
        "{notice:?}"
    );
    assert!(!h.state().basemaps.tiles_shown());
    assert!(
        h.state()
            .basemaps
            .attribution()
            .starts_with("Basemap: Natural Earth")
    );
    assert_no_network("a missing package");
}
