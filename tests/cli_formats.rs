//! The real `sitview` binary on every fixture: `info --json` gives the right counts, days,
//! format and warnings; broken files fail with the problem and its line; `convert` moves data
//! between formats, keeps a time window, takes column choices and never leaves a half-written
//! file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sitview() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sitview"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    sitview().args(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn info(path: &str) -> Value {
    let out = run(&["info", path, "--json"]);
    assert!(out.status.success(), "{path}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{path}: not JSON: {e}"))
}

/// What `info --json` must say about one fixture.
struct Expect {
    path: &'static str,
    format: &'static str,
    records: u64,
    incidents: u64,
    overlays: u64,
    first: Option<&'static str>,
    last: Option<&'static str>,
    undated: u64,
    unlocated: u64,
    /// Exact number of warnings (0 for a clean file).
    warnings: usize,
    title: Option<&'static str>,
}

const fn e(
    path: &'static str,
    format: &'static str,
    (records, incidents, overlays): (u64, u64, u64),
    days: Option<(&'static str, &'static str)>,
    (undated, unlocated, warnings): (u64, u64, usize),
) -> Expect {
    let (first, last) = match days {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    Expect {
        path,
        format,
        records,
        incidents,
        overlays,
        first,
        last,
        undated,
        unlocated,
        warnings,
        title: None,
    }
}

const GOOD: &[Expect] = &[
    e(
        "tests/fixtures/acled/syria_2016-09.csv",
        "ACLED CSV",
        (12, 12, 0),
        Some(("2016-09-19", "2016-09-26")),
        (1, 2, 3),
    ),
    e(
        "tests/fixtures/acled/syria_2016-09_bom.csv",
        "ACLED CSV",
        (12, 12, 0),
        Some(("2016-09-19", "2016-09-26")),
        (1, 2, 3),
    ),
    e(
        "tests/fixtures/acled/syria_legacy.csv",
        "ACLED CSV",
        (4, 4, 0),
        Some(("2016-09-05", "2016-09-29")),
        (1, 0, 1),
    ),
    e(
        "tests/fixtures/csv/aleppo.tsv",
        "CSV",
        (4, 4, 0),
        Some(("2016-01-01", "2016-09-23")),
        (0, 0, 0),
    ),
    e(
        "tests/fixtures/csv/latlon_column.csv",
        "CSV",
        (4, 4, 0),
        Some(("2016-09-19", "2016-09-22")),
        (0, 1, 1),
    ),
    e(
        "tests/fixtures/csv/monitoring_dayfirst.csv",
        "CSV",
        (8, 8, 0),
        Some(("2015-12-29", "2016-02-01")),
        (1, 1, 5),
    ),
    e(
        "tests/fixtures/csv/myanmar_swapped.csv",
        "CSV",
        (4, 4, 0),
        Some(("2017-08-25", "2017-09-05")),
        (0, 0, 1),
    ),
    e(
        "tests/fixtures/csv/semicolon_cp1252.csv",
        "CSV",
        (3, 3, 0),
        Some(("2016-09-19", "2016-09-21")),
        (0, 0, 1),
    ),
    e(
        "tests/fixtures/csv/ukraine_monthfirst.csv",
        "CSV",
        (4, 4, 0),
        Some(("2022-02-24", "2022-03-09")),
        (0, 0, 0),
    ),
    e(
        "tests/fixtures/gdelt/20160919-22.export.CSV",
        "GDELT events",
        (7, 7, 0),
        Some(("2016-09-19", "2016-09-22")),
        (0, 1, 1),
    ),
    e(
        "tests/fixtures/geojson/incidents.geojsonl",
        "GeoJSON",
        (4, 2, 1),
        Some(("2016-09-21", "2016-09-28")),
        (0, 0, 1),
    ),
    e(
        "tests/fixtures/geojson/kepler-timestamps.geojson",
        "GeoJSON",
        (4, 4, 0),
        Some(("2016-09-19", "2016-09-24")),
        (1, 0, 1),
    ),
    Expect {
        title: Some("Aleppo, late September 2016"),
        ..e(
            "tests/fixtures/geojson/mixed-geometries.geojson",
            "GeoJSON",
            (6, 2, 4),
            Some(("2016-09-21", "2016-09-23")),
            (0, 0, 2),
        )
    },
    Expect {
        title: Some("aleppo_incidents_sept2016"),
        ..e(
            "tests/fixtures/geojson/qgis-export.geojson",
            "GeoJSON",
            (4, 4, 0),
            Some(("2016-09-19", "2016-09-28")),
            (1, 1, 2),
        )
    },
    e(
        "tests/fixtures/geojson/start-end.geojson",
        "GeoJSON",
        (4, 4, 0),
        Some(("2016-09-01", "2016-09-30")),
        (0, 0, 1),
    ),
    e(
        "tests/fixtures/geojson/wrong-types.geojson",
        "GeoJSON",
        (7, 4, 1),
        Some(("2016-09-21", "2016-09-21")),
        (3, 4, 13),
    ),
    Expect {
        title: Some("Aleppo, September 2016 (analyst working map)"),
        ..e(
            "tests/fixtures/kml/aleppo-2016-09.kml",
            "KML",
            (6, 6, 2),
            Some(("2016-09-01", "2016-10-31")),
            (0, 2, 2),
        )
    },
    // The entity expansion is refused: the text stays unexpanded, with warnings.
    Expect {
        title: Some("&lol9;"),
        ..e(
            "tests/fixtures/kml/billion-laughs.kml",
            "KML",
            (1, 1, 0),
            None,
            (1, 0, 4),
        )
    },
    Expect {
        title: Some("Idlib, 20 September 2016"),
        ..e(
            "tests/fixtures/kml/idlib-2016-09-20.kmz",
            "KMZ",
            (1, 1, 0),
            Some(("2016-09-20", "2016-09-20")),
            (0, 0, 0),
        )
    },
    e(
        "tests/fixtures/timemap/aleppo-events-sources.json",
        "TimeMap JSON",
        (5, 5, 2),
        Some(("2016-09-19", "2016-09-28")),
        (1, 1, 5),
    ),
    e(
        "tests/fixtures/timemap/bellingcat-array.json",
        "TimeMap JSON",
        (5, 4, 0),
        Some(("2016-09-19", "2016-10-02")),
        (1, 1, 4),
    ),
    e(
        "tests/fixtures/timemap/wrong-types.json",
        "TimeMap JSON",
        (4, 3, 0),
        Some(("2016-09-19", "2016-09-21")),
        (1, 2, 11),
    ),
];

/// Broken fixtures: path, the line named, words the message must contain.
const BAD: &[(&str, &str, &str)] = &[
    (
        "tests/fixtures/geojson/truncated.geojson",
        "line 7, column 270",
        "EOF while parsing",
    ),
    (
        "tests/fixtures/timemap/truncated.json",
        "line 21",
        "EOF while parsing",
    ),
    (
        "tests/fixtures/kml/unclosed.kml",
        "line 8, column 3",
        "expected `</name>`",
    ),
];

fn all_fixtures() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            // Report texts for extraction and basemap tile packages are not incident files:
            // tests/extract.rs and tests/tiles.rs check them.
            if p.ends_with("tests/fixtures/reports") || p.ends_with("tests/fixtures/tiles") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else {
                let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut out,
    );
    out.sort();
    out
}

#[test]
fn every_fixture_is_listed_here() {
    let listed: Vec<&str> = GOOD
        .iter()
        .map(|e| e.path)
        .chain(BAD.iter().map(|b| b.0))
        .collect();
    for f in all_fixtures() {
        assert!(
            listed.contains(&f.as_str()),
            "{f} is not checked by cli_formats.rs: add it to GOOD or BAD"
        );
    }
}

#[test]
fn info_json_on_every_good_fixture() {
    let mut failures = Vec::new();
    for x in GOOD {
        let v = info(x.path);
        let day = |d: Option<&str>| d.map_or(Value::Null, |d| Value::String(d.to_owned()));
        let warnings = v["warnings"].as_array().map_or(usize::MAX, Vec::len);
        let checks = [
            ("format", v["format"] == x.format),
            ("records", v["records"] == x.records),
            ("incidents", v["incidents"] == x.incidents),
            ("overlays", v["overlays"] == x.overlays),
            ("first_day", v["first_day"] == day(x.first)),
            ("last_day", v["last_day"] == day(x.last)),
            ("undated", v["undated"] == x.undated),
            ("unlocated", v["unlocated"] == x.unlocated),
            ("warnings", warnings == x.warnings),
            ("title", x.title.is_none_or(|t| v["title"] == t)),
            (
                "categories",
                v["categories"].as_object().is_some_and(|c| {
                    c.values().filter_map(Value::as_u64).sum::<u64>() == x.incidents
                }),
            ),
            ("file", v["file"] == x.path),
        ];
        for (what, ok) in checks {
            if !ok {
                failures.push(format!("{}: {what} is wrong in {v:#}", x.path));
            }
        }
        // A file with problems says so; a clean one does not.
        if x.undated + x.unlocated > 0 && x.format != "KML" {
            assert!(warnings > 0, "{}: problems without warnings", x.path);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn info_on_broken_fixtures_fails_naming_problem_and_line() {
    for (path, line, words) in BAD {
        for json in [true, false] {
            let mut args = vec!["info", path];
            if json {
                args.push("--json");
            }
            let out = run(&args);
            assert_eq!(out.status.code(), Some(1), "{path}");
            assert!(out.stdout.is_empty(), "{path}: printed a summary");
            let err = stderr(&out);
            assert!(err.contains(path), "{path}: {err}");
            assert!(err.contains(line), "{path}: expected {line:?} in {err}");
            assert!(err.contains(words), "{path}: expected {words:?} in {err}");
        }
    }
}

#[test]
fn info_on_binary_and_missing_files_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    for name in [
        "noise.bin",
        "noise.csv",
        "noise.geojson",
        "noise.kml",
        "noise.kmz",
    ] {
        let path = dir.path().join(name);
        let mut bytes = noise.clone();
        bytes[0] = 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let out = run(&["info", path.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(err.contains(name), "{name}: {err}");
        let expected = match name {
            "noise.bin" => "not a format this program knows",
            "noise.csv" => "binary data",
            "noise.geojson" => "line 1, column 1: not valid JSON",
            "noise.kml" => "not well-formed XML",
            _ => "zip",
        };
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.lines().count() <= 2, "{name}: {err}");
    }
    let out = run(&["info", "tests/fixtures/no-such-file.geojson"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no-such-file.geojson"));
}

fn convert(args: &[&str]) -> Output {
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    run(&all)
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn ids(path: &Path) -> Vec<String> {
    let l = sitview::formats::read_path(path).unwrap();
    l.dataset
        .incidents
        .iter()
        .map(|i| i.id.to_string())
        .collect()
}

/// The files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const SAMPLE: &str = "assets/samples/aleppo-2016-09.geojson";

#[test]
fn convert_geojson_to_kml_and_back_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let kml = dir.path().join("a.kml");
    let back = dir.path().join("b.geojson");
    let msg = ok(convert(&[SAMPLE, p(&kml)]));
    assert!(msg.contains("wrote 7 of 7 incidents"), "{msg}");
    let v = info(p(&kml));
    assert_eq!(v["format"], "KML");
    assert_eq!(v["incidents"], 7);
    ok(convert(&[p(&kml), p(&back)]));
    let (a, b) = (
        sitview::formats::read_path(Path::new(SAMPLE)).unwrap(),
        sitview::formats::read_path(&back).unwrap(),
    );
    assert_eq!(b.format, sitview::formats::Format::GeoJson);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    // KML carries every field of our model (see tests/roundtrip.rs for the details).
    assert_eq!(a.dataset.incidents, b.dataset.incidents);
    assert_eq!(listing(dir.path()), ["a.kml", "b.geojson"]);
}

#[test]
fn convert_geojson_to_csv_and_back_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("a.csv");
    let back = dir.path().join("b.geojson");
    ok(convert(&[SAMPLE, p(&csv)]));
    let v = info(p(&csv));
    assert_eq!(v["format"], "ACLED CSV");
    assert_eq!(v["incidents"], 7);
    assert_eq!(v["first_day"], "2016-09-19");
    assert_eq!(v["last_day"], "2016-09-22");
    ok(convert(&[p(&csv), p(&back)]));
    assert_eq!(ids(&back), ids(Path::new(SAMPLE)));
    let v = info(p(&back));
    assert_eq!(v["format"], "GeoJSON");
    assert_eq!(v["days_with_incidents"], 4);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn convert_on_a_day_keeps_only_that_window() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("day.geojson");
    // Every sample incident covers 19 September (most are 19-22 September ranges) …
    let msg = ok(convert(&[
        SAMPLE,
        p(&out),
        "--on",
        "2016-09-19",
        "--mode",
        "day",
    ]));
    assert!(msg.contains("wrote 7 of 7"), "{msg}");
    // … but the convoy strike is on the 19th only.
    let msg = ok(convert(&[
        SAMPLE,
        p(&out),
        "--on",
        "2016-09-20",
        "--mode",
        "day",
    ]));
    assert!(msg.contains("wrote 6 of 7"), "{msg}");
    assert!(!ids(&out).contains(&"aj-2016-09-19-un-convoy".to_owned()));
    // ACLED: single days. 19 September is written three ways in the fixture.
    let acled = "tests/fixtures/acled/syria_2016-09.csv";
    ok(convert(&[
        acled,
        p(&out),
        "--on",
        "2016-09-19",
        "--mode",
        "day",
    ]));
    assert_eq!(ids(&out), ["SYR8001", "SYR8002", "SYR8003", "SYR8008"]);
    let v = info(p(&out));
    assert_eq!(v["first_day"], "2016-09-19");
    assert_eq!(v["last_day"], "2016-09-19");
    ok(convert(&[
        acled,
        p(&out),
        "--on",
        "2016-09-21",
        "--mode",
        "last:2",
    ]));
    assert_eq!(ids(&out), ["SYR8004", "SYR8006"]);
    ok(convert(&[
        acled,
        p(&out),
        "--on",
        "2016-09-20",
        "--mode",
        "cumulative",
    ]));
    assert_eq!(
        ids(&out),
        ["SYR8001", "SYR8002", "SYR8003", "SYR8004", "SYR8008"]
    );
}

#[test]
fn convert_with_column_choices_for_unguessable_headers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("field-log.csv");
    std::fs::write(
        &input,
        "ref,northing,what,easting,when_seen\n\
         A1,36.15158,Convoy hit,36.96775,2016-09-19\n\
         A2,36.2,Shelling,37.16,2016-09-21\n",
    )
    .unwrap();
    let out = dir.path().join("out.geojson");
    let o = convert(&[p(&input), p(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("--lat/--lon/--date"), "{err}");
    assert!(err.contains("no coordinate columns"), "{err}");
    assert!(err.contains("northing, what, easting"), "{err}");
    assert!(!out.exists());
    ok(convert(&[
        p(&input),
        p(&out),
        "--lat",
        "northing",
        "--lon",
        "4",
        "--date",
        "when_seen",
        "--text",
        "what",
    ]));
    let l = sitview::formats::read_path(&out).unwrap();
    assert_eq!(l.dataset.incidents.len(), 2);
    let a = &l.dataset.incidents[0];
    assert_eq!(a.id, "A1");
    assert_eq!(a.date.unwrap().to_string(), "2016-09-19");
    let loc = a.location.unwrap();
    assert!((loc.lat - 36.15158).abs() < 1e-9 && (loc.lon - 36.96775).abs() < 1e-9);
    assert_eq!(&*a.sources[0].quote, "Convoy hit");
    // A column that does not exist is named.
    let o = convert(&[
        p(&input),
        p(&out),
        "--lat",
        "nope",
        "--lon",
        "easting",
        "--date",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("--lat") && err.contains("\"nope\""), "{err}");
}

#[test]
fn convert_refuses_unknown_output_extensions() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["out.txt", "out", "out.shp"] {
        let out = dir.path().join(name);
        let o = convert(&[SAMPLE, p(&out)]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        assert!(err.contains("cannot tell the output format"), "{err}");
        assert!(err.contains(".geojson") && err.contains(".kml"), "{err}");
        assert!(!out.exists());
    }
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn convert_never_leaves_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    // The output folder does not exist: an error naming the file, nothing created.
    let missing: PathBuf = dir.path().join("no-such-dir").join("out.geojson");
    let o = convert(&[SAMPLE, p(&missing)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("out.geojson") && err.contains("could not write"),
        "{err}"
    );
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    // The output is a folder: refused, the folder and its contents untouched, no temp file.
    let taken = dir.path().join("taken.kml");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), b"k").unwrap();
    let o = convert(&[SAMPLE, p(&taken)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(taken.join("keep")).unwrap(), b"k");
    assert_eq!(listing(dir.path()), ["taken.kml"]);
    // An unreadable input leaves an existing output as it was.
    let out = dir.path().join("keep.geojson");
    std::fs::write(&out, b"previous").unwrap();
    let o = convert(&["tests/fixtures/kml/unclosed.kml", p(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line 8"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
    assert_eq!(listing(dir.path()), ["keep.geojson", "taken.kml"]);
    // A successful conversion replaces it whole.
    ok(convert(&[SAMPLE, p(&out)]));
    assert_eq!(ids(&out).len(), 7);
    assert_eq!(listing(dir.path()), ["keep.geojson", "taken.kml"]);
}
