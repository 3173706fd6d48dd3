//! The `sitview` binary's headless commands, run as a user would run them.

use std::process::Command;

fn sitview() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitview"))
}

#[test]
fn info_json_summarises_the_sample() {
    let out = sitview()
        .args(["info", "assets/samples/aleppo-2016-09.geojson", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert!(v["incidents"].as_u64().unwrap() >= 7, "{v}");
    assert_eq!(v["first_day"], "2016-09-19");
    assert_eq!(v["last_day"], "2016-09-22");
    assert_eq!(v["days_with_incidents"], 4);
    assert_eq!(v["format"], "GeoJSON");
    let cats = v["categories"].as_object().unwrap();
    assert_eq!(cats.values().map(|n| n.as_u64().unwrap()).sum::<u64>(), 7);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn info_text_names_the_range_and_categories() {
    let out = sitview()
        .args(["info", "assets/samples/aleppo-2016-09.geojson"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2016-09-19"), "{text}");
    assert!(text.contains("2016-09-22"), "{text}");
    assert!(text.contains("Attack on aid"), "{text}");
}

#[test]
fn info_on_a_broken_file_says_where_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.geojson");
    std::fs::write(
        &path,
        "{\"type\": \"FeatureCollection\",\n \"features\": [ {,] }",
    )
    .unwrap();
    let out = sitview().arg("info").arg(&path).output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("broken.geojson"), "{err}");
    assert!(err.contains("line 2"), "{err}");

    let missing = dir.path().join("nope.geojson");
    let out = sitview().arg("info").arg(&missing).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.geojson"));
}

#[test]
fn info_reports_bad_records_and_keeps_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partial.geojson");
    let file = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
   "properties": {"title": "Good", "date": "2016-09-19", "category": "Air strike"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.16, 136.2]},
   "properties": {"title": "Off the globe", "date": "2016-09-20"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.6, 35.9]},
   "properties": {"title": "Bad date", "date": "2016-13-45"}}
]}"#;
    std::fs::write(&path, file).unwrap();
    let out = sitview()
        .arg("info")
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], 3);
    assert_eq!(
        v["incidents"], 3,
        "records with problems are kept, not dropped"
    );
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings.len() >= 2, "{warnings:?}");
}
