//! The JSON import formats: GeoJSON from other tools (QGIS, Kepler.gl, start/end ranges, mixed
//! geometries, newline-delimited), TimeMap exports, broken and hostile input, and the native
//! writer's round trip of overlays and category colours.

use std::path::Path;

use serde_json::json;
use sitview::formats::geojson::{self, JsonMapping};
use sitview::formats::{FormatError, Loaded, timemap};
use sitview::model::{Dataset, DatePrecision, Day, Incident, LonLat, Overlay};

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn messages(l: &Loaded) -> Vec<String> {
    l.warnings.iter().map(|w| w.to_string()).collect()
}

fn by_id<'a>(l: &'a Loaded, id: &str) -> &'a Incident {
    let i = l
        .dataset
        .find(id)
        .unwrap_or_else(|| panic!("no incident {id}"));
    &l.dataset.incidents[i]
}

fn at(lon: f64, lat: f64) -> Option<LonLat> {
    LonLat::new(lon, lat)
}

fn assert_has(msgs: &[String], needle: &str) {
    assert!(
        msgs.iter().any(|m| m.contains(needle)),
        "no warning contains {needle:?}: {msgs:#?}"
    );
}

/// Saving an imported dataset in our format and reading it back loses nothing.
fn assert_round_trips(l: &Loaded) {
    let written = geojson::write(&l.dataset);
    let again = geojson::read(&written).unwrap();
    // Values kept because they could not be read are reported again, nothing else.
    assert!(
        again.warnings.len() <= l.warnings.len(),
        "{:#?}",
        again.warnings
    );
    assert_eq!(again.dataset, l.dataset);
    assert_eq!(geojson::write(&again.dataset), written);
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

// ---------------------------------------------------------------------------------------------
// GeoJSON from other tools

#[test]
fn qgis_export_with_crs_slashed_dates_and_string_numbers() {
    let bytes = fixture("geojson/qgis-export.geojson");
    let mapping = geojson::detect_mapping(&bytes).unwrap();
    assert_eq!(
        mapping,
        JsonMapping {
            date: s("event_date"),
            date_end: None,
            category: s("event_type"),
            title: s("name"),
            text: s("description"),
            place: s("location"),
            id: s("fid"),
        }
    );
    let l = geojson::read(&bytes).unwrap();
    assert_eq!(l.records, 4);
    assert_eq!(
        l.dataset.title.as_deref(),
        Some("aleppo_incidents_sept2016")
    );
    assert_eq!(
        messages(&l),
        [
            "feature 3 (id \"3\"): no date (event_date is missing or empty); listed as undated",
            "feature 4 (id \"4\"): no geometry; listed without a location",
        ]
    );
    let convoy = by_id(&l, "1");
    assert_eq!(convoy.date, Some(day("2016-09-19")));
    assert_eq!(convoy.date_end, None);
    assert_eq!(convoy.date_precision, DatePrecision::Day);
    assert_eq!(convoy.location, at(36.96775, 36.15158));
    assert_eq!(convoy.category, "Attack on aid");
    assert_eq!(convoy.title, "Strike on UN/SARC aid convoy");
    assert_eq!(convoy.place, "Urum al-Kubra");
    assert_eq!(convoy.sources.len(), 1);
    assert_eq!(convoy.sources[0].publisher, "UN OCHA");
    assert_eq!(
        convoy.sources[0].url.as_deref(),
        Some("https://reliefweb.int/report/syrian-arab-republic/example")
    );
    assert_eq!(
        &*convoy.sources[0].quote,
        "Convoy of 31 trucks hit while unloading at the SARC warehouse."
    );
    // Properties this program does not know are kept as they were (numbers as strings too).
    assert_eq!(convoy.extra["fatalities"], json!("20"));
    assert_eq!(convoy.extra["verified"], json!("yes"));

    let mashhad = by_id(&l, "2");
    assert_eq!(mashhad.date, Some(day("2016-09-23")));
    assert_eq!(mashhad.sources[0].publisher, "SOHR");
    assert_eq!(mashhad.sources[0].url, None);

    let hamdaniya = by_id(&l, "3");
    assert_eq!(hamdaniya.date, None);
    assert!(hamdaniya.sources.is_empty());
    assert_eq!(hamdaniya.location, at(37.1213, 36.1828));

    let m10 = by_id(&l, "4");
    assert_eq!(m10.location, None);
    assert_eq!(m10.date, Some(day("2016-09-28")));
    assert_round_trips(&l);
}

#[test]
fn the_import_dialog_can_change_the_mapping() {
    let bytes = fixture("geojson/qgis-export.geojson");
    let mapping = JsonMapping {
        title: s("location"),
        place: None,
        text: None,
        id: None,
        ..geojson::detect_mapping(&bytes).unwrap()
    };
    let l = geojson::read_with(&bytes, &mapping).unwrap();
    let first = &l.dataset.incidents[0];
    assert_eq!(first.id, "feature-1");
    assert_eq!(first.title, "Urum al-Kubra");
    assert_eq!(first.place, "");
    assert_eq!(first.extra["fid"], json!("1"));
    assert_eq!(
        first.extra["description"],
        json!("Convoy of 31 trucks hit while unloading at the SARC warehouse.")
    );
    // Without a text property the publisher and link still make a source.
    assert_eq!(first.sources[0].publisher, "UN OCHA");
    assert_eq!(&*first.sources[0].quote, "");
    assert_eq!(first.extra["name"], json!("Strike on UN/SARC aid convoy"));
    assert_round_trips(&l);
}

#[test]
fn kepler_epoch_milliseconds_and_seconds() {
    let bytes = fixture("geojson/kepler-timestamps.geojson");
    let mapping = geojson::detect_mapping(&bytes).unwrap();
    assert_eq!(mapping.date, s("timestamp"));
    assert_eq!(mapping.category, s("event_type"));
    assert_eq!(mapping.title, s("title"));
    assert_eq!(mapping.id, None, "the features have their own ids");
    let l = geojson::read(&bytes).unwrap();
    assert_eq!(l.records, 4);
    let days: Vec<Option<String>> = l
        .dataset
        .incidents
        .iter()
        .map(|i| i.date.map(|d| d.to_string()))
        .collect();
    assert_eq!(
        days,
        [
            s("2016-09-19"), // 1474243200000 ms
            s("2016-09-22"), // 1474538400000 ms, 10:00 UTC
            s("2016-09-24"), // 1474675200 s
            None,
        ]
    );
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["0", "1", "2", "3"]);
    assert_eq!(l.dataset.incidents[1].location, at(37.1801, 36.2132));
    assert_eq!(
        l.dataset.incidents[0].extra["fill_color"],
        json!([213, 94, 0])
    );
    assert_eq!(
        messages(&l),
        ["feature 4 (id \"3\"): timestamp: \"yesterday\" is not a date; kept as is"]
    );
    assert_eq!(
        l.dataset.incidents[3].extra["timestamp"],
        json!("yesterday")
    );
    assert_round_trips(&l);
}

#[test]
fn start_and_end_properties_make_ranges() {
    let bytes = fixture("geojson/start-end.geojson");
    let mapping = geojson::detect_mapping(&bytes).unwrap();
    assert_eq!(
        mapping,
        JsonMapping {
            date: s("begin"),
            date_end: s("end"),
            category: s("kind"),
            title: s("label"),
            text: s("summary"),
            place: None,
            id: s("id"),
        }
    );
    let l = geojson::read(&bytes).unwrap();
    let campaign = by_id(&l, "siege-bombardment");
    assert_eq!(campaign.date, Some(day("2016-09-21")));
    assert_eq!(campaign.date_end, Some(day("2016-09-27")));
    assert_eq!(campaign.category, "Air strike");
    assert_eq!(campaign.sources[0].publisher, "Al Jazeera");
    assert_eq!(
        campaign.sources[0].url.as_deref(),
        Some("https://www.aljazeera.com/example")
    );
    assert_eq!(
        &*campaign.sources[0].quote,
        "Hundreds of strikes over six days."
    );
    let handarat = by_id(&l, "handarat");
    assert_eq!(
        (handarat.date, handarat.date_end),
        (Some(day("2016-09-24")), None)
    );
    // A month stands for the whole month.
    let month = by_id(&l, "month-only");
    assert_eq!(month.date_precision, DatePrecision::Month);
    assert_eq!(month.date, Some(day("2016-09-01")));
    assert_eq!(month.date_end, Some(day("2016-09-30")));
    assert!(month.overlaps(day("2016-09-17"), day("2016-09-17")));
    let backwards = by_id(&l, "backwards");
    assert_eq!(backwards.last_day(), Some(day("2016-09-26")));
    assert_eq!(
        messages(&l),
        [
            "feature 4 (id \"backwards\"): end 2016-09-22 is before begin 2016-09-26; \
             treated as the single day 2016-09-26"
        ]
    );
    assert_round_trips(&l);
}

#[test]
fn lines_and_areas_become_overlays() {
    let bytes = fixture("geojson/mixed-geometries.geojson");
    let l = geojson::read(&bytes).unwrap();
    assert_eq!(l.records, 6);
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["qaterji-2016-09-21", "strikes-multi"]);
    let multi = by_id(&l, "strikes-multi");
    assert_eq!(multi.location, at(37.17, 36.2));
    assert_eq!(multi.casualties.killed, Some(12));
    assert_eq!(
        multi.extra["sitview:geometry"]["coordinates"][2],
        json!([37.19, 36.22])
    );

    let names: Vec<Option<&str>> = l
        .dataset
        .overlays
        .iter()
        .map(|o| o.name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            Some("Front line, 22 September"),
            Some("Besieged east Aleppo"),
            Some("Southern approach"),
            Some("Projected by mistake"),
        ]
    );
    let front = &l.dataset.overlays[0];
    assert_eq!(
        (front.date, front.date_end),
        (Some(day("2016-09-22")), None)
    );
    let Some(geo::Geometry::LineString(line)) = &front.geometry else {
        panic!("front line is {:?}", front.geometry);
    };
    assert_eq!(line.0.len(), 4);
    assert_eq!((line.0[0].x, line.0[0].y), (37.1205, 36.2402));
    assert_eq!(front.properties["source"], json!("ISW map"));
    assert_eq!(front.properties["stroke"], json!("#cc0000"));

    let siege = &l.dataset.overlays[1];
    assert_eq!(siege.date, Some(day("2016-09-04")));
    assert_eq!(siege.date_end, Some(day("2016-12-22")));
    let Some(geo::Geometry::Polygon(area)) = &siege.geometry else {
        panic!("siege is {:?}", siege.geometry);
    };
    assert_eq!(area.exterior().0.len(), 5);
    assert!(matches!(
        &l.dataset.overlays[2].geometry,
        Some(geo::Geometry::GeometryCollection(c)) if c.0.len() == 2
    ));
    let broken = &l.dataset.overlays[3];
    assert_eq!(broken.geometry, None);
    assert_eq!(
        broken.properties["sitview:geometry"]["type"],
        json!("Polygon")
    );
    assert_eq!(
        messages(&l),
        [
            "feature 4 (id \"strikes-multi\"): MultiPoint with 3 points: placed at the first; \
             all points kept in \"sitview:geometry\"",
            "feature 6: geometry.coordinates[0][1]: coordinates [937.22, 36.17] are outside \
             WGS84 bounds; kept without a shape, geometry kept as \"sitview:geometry\"",
        ]
    );
    assert_round_trips(&l);
}

#[test]
fn newline_delimited_features() {
    let l = geojson::read(&fixture("geojson/incidents.geojsonl")).unwrap();
    assert_eq!(l.records, 4, "four non-empty lines");
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["nd-1", "nd-2"]);
    assert_eq!(l.dataset.incidents[1].date, Some(day("2016-09-28")));
    assert_eq!(l.dataset.overlays.len(), 1);
    assert_eq!(l.dataset.overlays[0].name.as_deref(), Some("Front line"));
    let msgs = messages(&l);
    assert_eq!(msgs.len(), 1, "{msgs:#?}");
    assert!(
        msgs[0].starts_with("line 4: not valid JSON: EOF while parsing"),
        "{msgs:#?}"
    );
    assert_round_trips(&l);
}

#[test]
fn bare_feature_geometry_and_feature_array() {
    let f = br#"{"type":"Feature","id":"x","geometry":{"type":"Point","coordinates":[37.1,36.2]},
                 "properties":{"date":"2016-09-19","title":"One"}}"#;
    let l = geojson::read(f).unwrap();
    assert_eq!(l.dataset.incidents[0].id, "x");
    assert_eq!(l.dataset.incidents[0].title, "One");
    let g = br#"{"type":"LineString","coordinates":[[37.1,36.2],[37.2,36.3]]}"#;
    let l = geojson::read(g).unwrap();
    assert_eq!((l.records, l.dataset.overlays.len()), (1, 1));
    let a = br#"[{"type":"Feature","geometry":{"type":"Point","coordinates":[37.1,36.2]},"properties":{"date":2016}}]"#;
    let l = geojson::read(a).unwrap();
    let inc = &l.dataset.incidents[0];
    assert_eq!(inc.date_precision, DatePrecision::Year);
    assert_eq!(
        (inc.date, inc.date_end),
        (Some(day("2016-01-01")), Some(day("2016-12-31")))
    );
}

#[test]
fn broken_geojson_gives_clear_errors() {
    let bytes = fixture("geojson/truncated.geojson");
    let e = geojson::read(&bytes).unwrap_err();
    let last_line = bytes.split(|&b| b == b'\n').count();
    assert_eq!(e.line, Some(last_line));
    assert!(
        e.message.starts_with("not valid JSON: EOF while parsing"),
        "{e}"
    );
    assert!(geojson::detect_mapping(&bytes).is_err());

    let e = geojson::read(br#"{"type":"FeatureCollection","features":[{"a":1e400}]}"#).unwrap_err();
    assert!(e.message.contains("number out of range"), "{e}");
    assert_eq!((e.line, e.column.is_some()), (Some(1), true));

    let deep = format!(
        r#"{{"type":"FeatureCollection","features":[{{"properties":{{"x":{}{}}}}}]}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let e = geojson::read(deep.as_bytes()).unwrap_err();
    assert!(e.message.contains("recursion limit exceeded"), "{e}");

    let e = geojson::read(br#"{"type":"FeatureCollection","features":{}}"#).unwrap_err();
    assert_eq!(e.message, "\"features\" is an object, not an array");
    let e = geojson::read(br#"{"events":[]}"#).unwrap_err();
    assert_eq!(e.message, "a JSON object without \"type\": not GeoJSON");
}

#[test]
fn wrong_types_everywhere_become_warnings() {
    let l = geojson::read(&fixture("geojson/wrong-types.geojson")).unwrap();
    assert_eq!(l.records, 7);
    assert_eq!(l.dataset.incidents.len(), 4);
    assert_eq!(l.dataset.overlays.len(), 1);
    let msgs = messages(&l);
    for needle in [
        "feature 1 (id \"feature-1\"): id is an object, not a string or number; kept as \"feature_id\"",
        "feature 1 (id \"feature-1\"): coordinates is a string, not a position; listed without a location",
        "feature 1 (id \"feature-1\"): date: a boolean is not a date; kept as is",
        "feature 1 (id \"feature-1\"): killed \"many\" is not a whole number of people; kept as is",
        "feature 2 (id \"feature-2\"): coordinates: coordinates [1e300, 36.2] are outside WGS84 bounds",
        "feature 2 (id \"feature-2\"): no date (date is missing or empty); listed as undated",
        "feature 3 (id \"feature-3\"): properties is a string, not an object; kept as \"properties_unreadable\"",
        "feature 3 (id \"feature-3\"): geometry is an array, not an object",
        "feature 4: geometry.coordinates[1] is a string, not a position; kept without a shape",
        "feature 5 (id \"feature-5\"): geometry type \"Circle\" is not one this program knows",
        "feature 6: not a JSON object but a string; skipped",
        "feature 7: not a JSON object but null; skipped",
    ] {
        assert_has(&msgs, needle);
    }
    let first = &l.dataset.incidents[0];
    assert_eq!(first.title, "42");
    assert_eq!(first.category, "Other");
    assert_eq!(first.extra["original_category"], json!(["a", "b"]));
    assert_eq!(first.extra["feature_id"], json!({"nested": true}));
    assert_eq!(first.extra["date"], json!(true));
    assert_eq!(l.dataset.incidents[3].date, Some(day("2016-09-21")));
    assert_round_trips(&l);
}

// ---------------------------------------------------------------------------------------------
// TimeMap

#[test]
fn timemap_events_with_sources_and_associations() {
    let bytes = fixture("timemap/aleppo-events-sources.json");
    assert!(timemap::sniff(&bytes));
    let l = timemap::read(&bytes).unwrap();
    assert_eq!(l.format, sitview::formats::Format::TimeMap);
    assert_eq!(l.records, 5);
    assert_eq!(l.dataset.incidents.len(), 5);

    let convoy = by_id(&l, "1");
    assert_eq!(convoy.date, Some(day("2016-09-19")));
    assert_eq!(convoy.location, at(36.96775, 36.15158));
    assert_eq!(convoy.place, "Urum al-Kubra");
    assert_eq!(convoy.category, "Attack on aid");
    assert_eq!(
        convoy.title,
        "Air strike on a UN and Syrian Arab Red Crescent aid convoy unloading at a warehouse in Urum al-Kubra."
    );
    assert_eq!(convoy.sources.len(), 2);
    let ocha = &convoy.sources[0];
    assert_eq!(ocha.publisher, "UN OCHA");
    assert_eq!(
        ocha.url.as_deref(),
        Some("https://reliefweb.int/report/syrian-arab-republic/example-convoy")
    );
    assert_eq!(
        &*ocha.quote,
        "The convoy was struck while humanitarian workers were unloading aid."
    );
    assert_eq!(ocha.published, Some(day("2016-09-20")));
    let video = &convoy.sources[1];
    assert_eq!(video.publisher, "Video");
    assert_eq!(
        video.url.as_deref(),
        Some("https://www.youtube.com/watch?v=example")
    );
    assert!(
        video
            .quote
            .starts_with("Air strike on a UN and Syrian Arab Red Crescent")
    );
    assert_eq!(convoy.extra["time"], json!("19:30"));
    assert_eq!(convoy.extra["type"], json!("Air strike"));
    assert_eq!(
        convoy.extra["associations"],
        json!(["attack-on-aid", "western-countryside"])
    );

    let mashhad = by_id(&l, "2");
    assert_eq!(mashhad.location, at(37.15892, 36.18561), "decimal commas");
    assert_eq!(mashhad.category, "Air strike");
    assert_eq!(
        mashhad.sources[0].url.as_deref(),
        Some("https://www.syriahr.com/en/example")
    );
    assert_eq!(
        mashhad.extra["description"],
        json!("Barrel bombs on residential blocks in al-Mashhad."),
        "a description no source quotes is kept"
    );

    let m10 = by_id(&l, "3");
    assert_eq!(m10.location, None);
    assert_eq!(
        m10.category, "Attack on health care",
        "the category wins over a filter"
    );
    assert_eq!(m10.extra["sources_unresolved"], json!(["src-missing"]));

    let undated = by_id(&l, "4");
    assert_eq!(undated.date, None);
    assert_eq!(undated.category, "Other");
    assert_eq!(undated.sources[0].publisher, "");
    assert_eq!(
        &*undated.sources[0].quote,
        "Reports of shelling, date unclear."
    );

    assert_eq!(by_id(&l, "5").category, "Ground fighting");

    let castello = &l.dataset.overlays[0];
    assert_eq!(castello.name.as_deref(), Some("Castello road"));
    let Some(geo::Geometry::LineString(line)) = &castello.geometry else {
        panic!("{:?}", castello.geometry);
    };
    assert_eq!((line.0[2].x, line.0[2].y), (37.1488, 36.2051));
    assert_eq!(l.dataset.overlays[1].geometry, None);

    let mut msgs = messages(&l);
    msgs.sort();
    assert_eq!(
        msgs,
        [
            "event 3 (id \"3\"): 1 source reference(s) not found in the file's sources (\"src-missing\"); kept as sources_unresolved",
            "event 3 (id \"3\"): no latitude/longitude; listed without a location",
            "event 4 (id \"4\"): no date; listed as undated",
            "shape 2: item 2 (\"north\") is not \"latitude,longitude\"; kept without a geometry",
            "sites: top-level member \"sites\" (1 entries) is not imported",
        ]
    );
    assert_round_trips(&l);
}

#[test]
fn timemap_bare_array_as_bellingcat_exports_it() {
    let bytes = fixture("timemap/bellingcat-array.json");
    assert!(timemap::sniff(&bytes));
    let l = timemap::read(&bytes).unwrap();
    assert_eq!(l.records, 5);
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["CIV0001", "CIV0002", "CIV0003", "CIV0002-2"]);
    let convoy = by_id(&l, "CIV0001");
    assert_eq!(convoy.date, Some(day("2016-09-19")));
    assert_eq!(convoy.category, "Humanitarian");
    assert_eq!(
        convoy.sources[0].url.as_deref(),
        Some("https://twitter.com/example/status/1")
    );
    assert_eq!(
        &*convoy.sources[0].quote,
        "Video of burning trucks at night."
    );
    let qaterji = by_id(&l, "CIV0002");
    assert_eq!(
        &*qaterji.sources[0].quote,
        "Residential building destroyed."
    );
    assert_eq!(qaterji.category, "Other");
    let bad = by_id(&l, "CIV0003");
    assert_eq!((bad.date, bad.location), (None, None));
    assert_eq!(bad.extra["date"], json!("9/31/2016"));
    assert_eq!(bad.extra["latitude"], json!("91"));
    let dup = by_id(&l, "CIV0002-2");
    assert_eq!(dup.date, Some(day("2016-10-02")));
    assert_eq!(dup.location, at(37.18, 36.21));
    assert_eq!(
        messages(&l),
        [
            "event 3 (id \"CIV0003\"): latitude 91, longitude 37.1 are outside WGS84 bounds; listed without a location, values kept",
            "event 3 (id \"CIV0003\"): date \"9/31/2016\" is not a date (read as MM/DD/YYYY); listed as undated, text kept",
            "event 4 (id \"CIV0002\"): duplicate id; renamed to \"CIV0002-2\"",
            "event 5: not a JSON object but a string; skipped",
        ]
    );
    assert_round_trips(&l);
}

#[test]
fn timemap_day_first_files_and_undecided_ones() {
    let dmy = br#"[{"id":"a","date":"19/09/2016","latitude":"36.2","longitude":"37.1"},
                   {"id":"b","date":"02/10/2016","latitude":"36.2","longitude":"37.1"}]"#;
    let l = timemap::read(dmy).unwrap();
    assert_eq!(by_id(&l, "b").date, Some(day("2016-10-02")));
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    let undecided = br#"[{"id":"a","date":"02/10/2016","latitude":"36.2","longitude":"37.1"}]"#;
    let l = timemap::read(undecided).unwrap();
    assert_eq!(by_id(&l, "a").date, Some(day("2016-02-10")));
    assert_eq!(
        messages(&l),
        [
            "dates: no date in the file shows whether \"02/10/2016\" is month/day or day/month; \
          read as MM/DD/YYYY (TimeMap's default)"
        ]
    );
}

#[test]
fn broken_timemap_gives_clear_errors_and_warnings() {
    let bytes = fixture("timemap/truncated.json");
    let e: FormatError = timemap::read(&bytes).unwrap_err();
    assert_eq!(e.line, Some(bytes.split(|&b| b == b'\n').count()));
    assert!(
        e.message.starts_with("not valid JSON: EOF while parsing"),
        "{e}"
    );
    assert!(!timemap::sniff(&bytes));
    let e = timemap::read(br#"{"events":{}}"#).unwrap_err();
    assert_eq!(e.message, "\"events\" is an object, not an array of events");
    let e = timemap::read(br#"{"type":"FeatureCollection","features":[]}"#).unwrap_err();
    assert!(e.message.contains("not a TimeMap export"), "{e}");

    let l = timemap::read(&fixture("timemap/wrong-types.json")).unwrap();
    assert_eq!(l.records, 4);
    assert_eq!(l.dataset.incidents.len(), 3);
    let msgs = messages(&l);
    for needle in [
        "sources: source 1 is a number; not imported",
        "sources: source 2 has no id; unused",
        "associations: is a string, not a list; not imported",
        "shapes: is a number, not a list of shapes; not imported",
        "event 1 (id \"event-1\"): id is an object, not a string or number; kept as \"id_unreadable\"",
        "event 1 (id \"event-1\"): latitude true / longitude [1] are not two numbers",
        "event 1 (id \"event-1\"): date is a number, not a date string",
        "event 1 (id \"event-1\"): 1 source reference(s) not found in the file's sources (\"src-1\")",
        "event 2 (id \"5\"): latitude \"36.2\" / longitude null are not two numbers",
        "event 2 (id \"5\"): 2 source reference(s) not found in the file's sources (null, 3)",
        "event 3: not a JSON object but an array; skipped",
    ] {
        assert_has(&msgs, needle);
    }
    // The only slashed date is day-first, so the file is read day-first.
    assert_eq!(by_id(&l, "5").date, Some(day("2016-09-19")));
    assert_eq!(by_id(&l, "ok").location, at(37.1, 36.2));
    assert_round_trips(&l);
}

#[test]
fn sniffing_tells_timemap_from_geojson() {
    for f in [
        "geojson/qgis-export.geojson",
        "geojson/kepler-timestamps.geojson",
        "geojson/mixed-geometries.geojson",
        "geojson/incidents.geojsonl",
    ] {
        assert!(!timemap::sniff(&fixture(f)), "{f}");
    }
    assert!(timemap::sniff(&fixture("timemap/wrong-types.json")));
}

// ---------------------------------------------------------------------------------------------
// Our own schema

#[test]
fn the_sample_reads_without_warnings_and_writes_back() {
    let sample = sitview::app::SAMPLE_GEOJSON;
    assert_eq!(
        geojson::detect_mapping(sample).unwrap(),
        JsonMapping::native()
    );
    let l = geojson::read(sample).unwrap();
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    let written = geojson::write(&l.dataset);
    // Byte for byte, apart from the final newline the writer adds (the stored sample has none).
    assert_eq!(written.trim_ascii_end(), sample.trim_ascii_end());
    assert_eq!(
        geojson::read_with(sample, &JsonMapping::native())
            .unwrap()
            .dataset,
        l.dataset
    );
}

fn overlay(name: &str, geometry: geo::Geometry<f64>) -> Overlay {
    Overlay {
        name: Some(name.to_owned()),
        geometry: Some(geometry),
        ..Default::default()
    }
}

#[test]
fn overlays_and_category_colours_round_trip() {
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    let ring =
        |pts: &[(f64, f64)]| LineString::new(pts.iter().map(|&(x, y)| Coord { x, y }).collect());
    let outer = ring(&[
        (37.14, 36.17),
        (37.22, 36.17),
        (37.22, 36.23),
        (37.14, 36.17),
    ]);
    let hole = ring(&[
        (37.16, 36.19),
        (37.18, 36.19),
        (37.18, 36.2),
        (37.16, 36.19),
    ]);
    let area = Polygon::new(outer.clone(), vec![hole]);
    let mut ds = geojson::read(sitview::app::SAMPLE_GEOJSON).unwrap().dataset;
    ds.category_colours
        .insert("Air strike".into(), [0xd5, 0x5e, 0x00]);
    ds.category_colours
        .insert("Attack on aid".into(), [0, 114, 178]);
    ds.overlays = vec![
        Overlay {
            date: Some(day("2016-09-22")),
            date_end: Some(day("2016-09-30")),
            properties: [("stroke".to_owned(), json!("#cc0000"))]
                .into_iter()
                .collect(),
            ..overlay("Front line", geo::Geometry::LineString(outer.clone()))
        },
        overlay("Besieged east Aleppo", geo::Geometry::Polygon(area.clone())),
        overlay(
            "Pockets",
            geo::Geometry::MultiPolygon(MultiPolygon::new(vec![area.clone(), area])),
        ),
        overlay(
            "Mixed",
            geo::Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![
                geo::Geometry::Point(geo::Point::new(37.1, 36.2)),
                geo::Geometry::LineString(outer),
            ])),
        ),
        Overlay {
            properties: [("sitview:geometry".to_owned(), json!({"type": "Circle"}))]
                .into_iter()
                .collect(),
            ..Default::default()
        },
    ];
    let written = geojson::write(&ds);
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.contains(r##""category_colours": {"##), "{text}");
    assert!(text.contains(r##""Air strike": "#d55e00""##), "{text}");
    assert!(text.contains(r#""sitview:overlay": true"#), "{text}");
    let again = geojson::read(&written).unwrap();
    assert!(again.warnings.is_empty(), "{:#?}", again.warnings);
    assert_eq!(again.records, 7 + 5);
    assert_eq!(again.dataset, ds);
    assert_eq!(geojson::write(&again.dataset), written);

    // A colour that is not one is reported and skipped; the rest still load.
    let bad = text.replace("#d55e00", "orange");
    let l = geojson::read(bad.as_bytes()).unwrap();
    assert_eq!(
        messages(&l),
        [
            "sitview.category_colours: colour \"orange\" for \"Air strike\" is not \"#rrggbb\"; ignored"
        ]
    );
    assert_eq!(l.dataset.category_colours.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Hostile input

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mangle(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    const NASTY: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b",",
        b":",
        b"null",
        b"1e400",
        b"-0",
        b"\xff\xfe",
        b"\\u0000",
        b"9999999999999999999999",
        b"\"Point\"",
        b"\"Polygon\"",
        b"[[[[",
        b"true",
    ];
    let mut out = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => out.truncate(at),
            1 => {
                let end = (at + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            2 => {
                let piece = NASTY[rng.below(NASTY.len())];
                out.splice(at..at, piece.iter().copied());
            }
            _ => {
                if at < out.len() {
                    out[at] = rng.next() as u8;
                }
            }
        }
    }
    out
}

#[test]
fn mangled_fixtures_never_panic() {
    let files = [
        "geojson/qgis-export.geojson",
        "geojson/kepler-timestamps.geojson",
        "geojson/start-end.geojson",
        "geojson/mixed-geometries.geojson",
        "geojson/incidents.geojsonl",
        "geojson/wrong-types.geojson",
        "timemap/aleppo-events-sources.json",
        "timemap/bellingcat-array.json",
        "timemap/wrong-types.json",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let (mut read, mut refused) = (0, 0);
    for f in files {
        let original = fixture(f);
        for _ in 0..150 {
            let bytes = mangle(&original, &mut rng);
            for result in [geojson::read(&bytes), timemap::read(&bytes)] {
                match result {
                    Ok(l) => {
                        read += 1;
                        assert!(l.dataset.incidents.len() <= l.records, "{f}");
                        // Whatever was read can be saved and read back.
                        let again = geojson::read(&geojson::write(&l.dataset)).unwrap();
                        assert_eq!(again.dataset, l.dataset, "{f}");
                    }
                    Err(e) => {
                        refused += 1;
                        assert!(!e.message.is_empty());
                    }
                }
            }
            let _ = geojson::detect_mapping(&bytes);
            let _ = timemap::sniff(&bytes);
        }
    }
    assert!(
        read > 100 && refused > 100,
        "read {read}, refused {refused}"
    );
}

#[test]
fn an_empty_dataset_writes_and_reads() {
    let ds = Dataset::default();
    let l = geojson::read(&geojson::write(&ds)).unwrap();
    assert_eq!(l.dataset, ds);
    assert_eq!(l.records, 0);
}
