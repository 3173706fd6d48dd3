//! Every reader survives mutated and hostile input: a short run of the mutation fuzzer
//! (`sitview::formats::fuzz`, the engine `examples/fuzz.rs` runs for minutes), binary noise,
//! huge lines, deep nesting, zip bombs, NUL bytes and very wide headers, each with a clear
//! error (naming the line where it has one) or a quick load, never a panic.

use std::io::{Cursor, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

use sitview::formats::csv_generic::{MAX_FIELD_BYTES, MAX_FIELDS, MAX_RECORD_BYTES};
use sitview::formats::fuzz::{self, Budget, Rng};
use sitview::formats::{FormatError, acled, csv_generic, gdelt, geojson, kml, read_bytes, timemap};

/// Mutated inputs per reader; the whole run stays within a few seconds in a debug build.
const ITERATIONS: u64 = 300;

/// Every file name the detection routes on.
const NAMES: [Option<&str>; 8] = [
    None,
    Some("x.csv"),
    Some("x.tsv"),
    Some("x.geojson"),
    Some("x.json"),
    Some("x.kml"),
    Some("x.kmz"),
    Some("x.bin"),
];

fn fixtures() -> Vec<(String, Vec<u8>)> {
    fuzz::load_corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
}

/// `f` runs within `limit` (generous: debug builds, shared machines).
fn quick<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    assert!(took < limit, "{what} took {took:?}, more than {limit:?}");
    out
}

fn err(r: Result<sitview::formats::Loaded, FormatError>) -> FormatError {
    match r {
        Ok(l) => panic!(
            "expected an error, loaded {} incidents ({:?})",
            l.dataset.incidents.len(),
            l.format
        ),
        Err(e) => e,
    }
}

#[test]
fn mutated_fixtures_never_panic_any_reader() {
    let corpus = fixtures();
    assert!(corpus.len() >= 20, "fixtures missing: {}", corpus.len());
    let all: Vec<Vec<u8>> = corpus.iter().map(|(_, b)| b.clone()).collect();
    let mut failures = Vec::new();
    for (k, t) in fuzz::targets().iter().enumerate() {
        let seeds = fuzz::seeds_for(t, &corpus);
        assert!(!seeds.is_empty(), "{}: no seeds", t.name);
        let r = fuzz::run(
            t,
            &seeds,
            &all,
            Budget::Iterations(ITERATIONS),
            0xF022 + k as u64,
            Duration::from_secs(2),
        );
        assert_eq!(r.iterations, ITERATIONS);
        for c in &r.crashes {
            failures.push(format!(
                "{} panicked: {} (input of {} bytes: {:?}…)",
                t.name,
                c.message,
                c.input.len(),
                String::from_utf8_lossy(&c.input[..c.input.len().min(200)])
            ));
        }
        for (took, input) in &r.slow {
            failures.push(format!("{} took {took:?} on {} bytes", t.name, input.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn binary_noise_is_refused_clearly_by_every_reader() {
    let mut rng = Rng::new(42);
    let mut noise: Vec<u8> = (0..64 * 1024).map(|_| rng.next_u64() as u8).collect();
    noise[0] = 0x9C; // not a BOM, not `{`, not `<`, not `PK`
    for name in NAMES {
        let e = err(read_bytes(&noise, name));
        assert!(
            !e.message.is_empty() && e.message.len() < 500,
            "{name:?}: {e}"
        );
    }
    assert!(
        err(read_bytes(&noise, None))
            .message
            .contains("not a format this program knows")
    );
    assert!(
        err(read_bytes(&noise, Some("x.csv")))
            .message
            .contains("binary data")
    );
    assert!(err(kml::read_kmz(&noise)).message.contains("zip"));
    for r in [
        acled::read(&noise),
        gdelt::read(&noise),
        csv_generic::read(&noise),
        kml::read(&noise),
        geojson::read(&noise),
        timemap::read(&noise),
    ] {
        let e = err(r);
        assert!(e.message.len() < 500, "{e}");
    }
}

#[test]
fn a_50_mb_line_fails_quickly_naming_its_line() {
    let limit = Duration::from_secs(10);
    // No separator at all: not a CSV (the first line has no separator).
    let line = vec![b'a'; 50 << 20];
    for name in NAMES {
        let e = quick("50 MB of a", limit, || err(read_bytes(&line, name)));
        assert!(e.message.len() < 500, "{name:?}: {e}");
    }
    // A header, then one unterminated 50 MB row: refused at the row cap, not buffered whole.
    let mut csv =
        b"date,latitude,longitude,notes\n2016-09-19,36.2,37.1,ok\n2016-09-19,36.2,37.1,".to_vec();
    csv.resize(csv.len() + (50 << 20), b'a');
    for f in [csv_generic::read, acled::read, gdelt::read] {
        let e = quick("a 50 MB row", limit, || err(f(&csv)));
        assert!(e.message.len() < 500, "{e}");
    }
    let e = err(csv_generic::read(&csv));
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("longer than 16 MiB"), "{e}");
    // The same with an opening quote (everything after it is one quoted field).
    let quote = csv.len() - (50 << 20);
    csv.insert(quote, b'"');
    let e = quick("a 50 MB quoted row", limit, || err(csv_generic::read(&csv)));
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("unclosed quote"), "{e}");
}

#[test]
fn rows_and_fields_beyond_the_caps_are_errors_naming_the_line() {
    const { assert!(MAX_FIELD_BYTES <= 1 << 20 && MAX_RECORD_BYTES <= 16 << 20) };
    let mut csv = b"date,latitude,longitude,notes\n2016-09-19,36.2,37.1,\"".to_vec();
    csv.resize(csv.len() + MAX_FIELD_BYTES + 1, b'x');
    csv.extend_from_slice(b"\"\n");
    let e = err(read_bytes(&csv, Some("x.csv")));
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("field 4 is longer than 1 MiB"), "{e}");
    // Just under the cap loads, with the text intact.
    let mut ok = b"date,latitude,longitude,notes\r\n2016-09-19,36.2,37.1,\"".to_vec();
    ok.resize(ok.len() + MAX_FIELD_BYTES - 10, b'x');
    ok.extend_from_slice(b"\"\r\n2016-09-20,36.2,37.1,b\r\n");
    let l = read_bytes(&ok, Some("x.csv")).unwrap();
    assert_eq!(l.dataset.incidents.len(), 2);
    assert_eq!(
        l.dataset.incidents[0].sources[0].quote.len(),
        MAX_FIELD_BYTES - 10
    );
    // Many fields of under 1 MiB make a row over 16 MiB: the row cap, on the right line.
    let mut wide = b"date,latitude,longitude,notes\n\n2016-09-19,36.2,37.1,x\n".to_vec();
    let field = vec![b'y'; 512 * 1024];
    for _ in 0..40 {
        wide.extend_from_slice(&field);
        wide.push(b',');
    }
    let e = err(read_bytes(&wide, Some("x.csv")));
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.contains("row longer than 16 MiB"), "{e}");
}

#[test]
fn a_header_of_100_000_columns_is_refused_quickly() {
    let mut csv = String::from("date,lat,lon");
    for i in 0..100_000 {
        csv += &format!(",c{i}");
    }
    csv += "\n2016-09-19,36.1,37.1\n";
    for name in [Some("x.csv"), Some("x.tsv"), None] {
        let e = quick("100 000 columns", Duration::from_secs(5), || {
            err(read_bytes(csv.as_bytes(), name))
        });
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.message.contains("100003 fields"), "{e}");
        assert!(e.message.contains(&MAX_FIELDS.to_string()), "{e}");
    }
    // Data rows are held to the same limit; a wide file under it loads quickly, and an error
    // listing its columns stays short.
    let mut wide = String::from("date,lat,lon");
    for i in 0..10_000 {
        wide += &format!(",c{i}");
    }
    let l = quick("10 000 columns", Duration::from_secs(10), || {
        read_bytes(
            format!("{wide}\n2016-09-19,36.1,37.1\n").as_bytes(),
            Some("x.csv"),
        )
        .unwrap()
    });
    assert_eq!(l.dataset.incidents.len(), 1);
    let no_date = wide
        .replacen("date", "when_not", 1)
        .replacen("lat,lon", "p,q", 1);
    let e = err(read_bytes(no_date.as_bytes(), Some("x.csv")));
    assert!(e.message.len() < 2_000, "{} bytes", e.message.len());
    let mut ragged = String::from("date,lat,lon\n2016-09-19,36.1,37.1");
    ragged += &",z".repeat(MAX_FIELDS);
    let e = err(read_bytes(ragged.as_bytes(), Some("x.csv")));
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn deeply_nested_json_is_refused_at_the_recursion_limit() {
    for open in ["[", "{\"a\":"] {
        let deep = open.repeat(100_000);
        for r in [
            geojson::read(deep.as_bytes()),
            timemap::read(deep.as_bytes()),
            read_bytes(deep.as_bytes(), Some("x.geojson")),
            read_bytes(deep.as_bytes(), None),
        ] {
            let e = err(r);
            assert!(e.message.contains("recursion limit"), "{e}");
            assert_eq!(e.line, Some(1), "{e}");
        }
    }
    // Nesting inside a feature's properties, within a valid collection.
    let props = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
    let fc = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\
         \"geometry\":null,\"properties\":{{\"date\":\"2016-09-19\",\"x\":{props}}}}}]}}"
    );
    let e = err(geojson::read(fc.as_bytes()));
    assert!(e.message.contains("recursion limit"), "{e}");
    // Newline-delimited GeoJSON: the line is named.
    let ndjson = format!(
        "{{\"type\":\"Feature\",\"geometry\":null,\"properties\":{{\"date\":\"2016-09-19\"}}}}\n{}\n",
        "[".repeat(10_000)
    );
    let r = read_bytes(ndjson.as_bytes(), Some("x.geojsonl"));
    match r {
        Err(e) => assert_eq!(e.line, Some(2), "{e}"),
        Ok(l) => assert!(
            l.warnings.iter().any(|w| w.location.contains('2')),
            "{:?}",
            l.warnings
        ),
    }
}

#[test]
fn deeply_nested_xml_is_refused_at_the_depth_cap() {
    let deep = format!("<kml>\n{}", "<Folder>".repeat(100_000));
    for r in [
        kml::read(deep.as_bytes()),
        read_bytes(deep.as_bytes(), Some("x.kml")),
        read_bytes(deep.as_bytes(), None),
    ] {
        let e = err(r);
        assert!(e.message.contains("nested more than"), "{e}");
        assert_eq!(e.line, Some(2), "{e}");
    }
}

/// A zip of `entries` (name, bytes), deflated.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, options).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn a_kmz_zip_bomb_stops_at_the_inflate_cap() {
    const { assert!(kml::MAX_KML_BYTES <= 256 << 20) };
    // 16 MiB of spaces inside a KML deflate to a few kilobytes.
    let mut doc = b"<kml><Document>".to_vec();
    doc.resize(16 << 20, b' ');
    doc.extend_from_slice(b"</Document></kml>");
    let bomb = zip(&[("doc.kml", &doc)]);
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    let e = quick("zip bomb", Duration::from_secs(5), || {
        err(kml::read_kmz_with_limit(&bomb, 1 << 20))
    });
    assert!(e.message.contains("zip bomb"), "{e}");
    assert!(e.message.contains("1048576"), "{e}");
    // Under the default cap the same archive loads (an empty document).
    let l = kml::read_kmz(&bomb).unwrap();
    assert!(l.dataset.incidents.is_empty());
    // Detection sends a zip to the KMZ reader whatever its name.
    let e = err(read_bytes(&zip(&[("a.txt", b"x")]), Some("x.geojson")));
    assert!(e.message.contains("no .kml"), "{e}");
}

#[test]
fn nul_bytes_are_refused_or_read_without_harm() {
    let csv = b"date,latitude,longitude,notes\n2016-09-19,36.2,37.1,a\0b\n";
    let e = err(read_bytes(csv, Some("x.csv")));
    assert!(e.message.contains("NUL"), "{e}");
    // A NUL beyond the sniffed head is read as part of the text, not as the end of it.
    let mut late = b"date,latitude,longitude,notes\n".to_vec();
    for _ in 0..5000 {
        late.extend_from_slice(b"2016-09-19,36.2,37.1,padding padding\n");
    }
    late.extend_from_slice(b"2016-09-20,36.2,37.1,a\0b\n");
    let l = read_bytes(&late, Some("x.csv")).unwrap();
    assert_eq!(l.dataset.incidents.len(), 5001);
    assert_eq!(&*l.dataset.incidents[5000].sources[0].quote, "a\0b");
    // JSON: escaped NUL is text; a raw NUL is a syntax error naming its line.
    let json = b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\n\"properties\":{\"date\":\"2016-09-19\",\"title\":\"a\\u0000b\"}}]}";
    let l = geojson::read(json).unwrap();
    assert_eq!(l.dataset.incidents[0].title, "a\0b");
    let raw = String::from_utf8_lossy(json).replace("\\u0000", "\0");
    let e = err(geojson::read(raw.as_bytes()));
    assert_eq!(e.line, Some(2), "{e}");
    // KML: NUL is not allowed in XML text.
    for bytes in [
        &b"<kml><Placemark><name>a\0b</name></Placemark></kml>"[..],
        b"\0\0\0\0",
        b"<kml>\0",
    ] {
        for name in NAMES {
            let _ = read_bytes(bytes, name);
        }
        let _ = kml::read(bytes);
    }
}

/// Found by the fuzzer (a 1.3 KB ACLED file took 140 ms): renaming the n-th repeat of an id
/// tried `id-2` … `id-n` first, so n repeats cost O(n²): 50 000 repeats took minutes. Every
/// reader now remembers the next free suffix per id.
#[test]
fn many_repeats_of_one_id_load_in_linear_time() {
    const N: usize = 50_000;
    let limit = Duration::from_secs(15);
    let mut csv = String::from("id,date,latitude,longitude\n");
    let mut acled_csv = String::from("event_id_cnty,event_date,latitude,longitude\n");
    let mut gdelt_tsv = String::new();
    let gdelt_row = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gdelt/20160919-22.export.CSV"),
    )
    .unwrap()
    .lines()
    .next()
    .unwrap()
    .to_owned();
    let mut features = Vec::new();
    let mut events = Vec::new();
    let mut kml = String::from("<kml><Document>");
    for _ in 0..N {
        csv += "x,2016-09-19,36.2,37.1\n";
        acled_csv += "x,2016-09-19,36.2,37.1\n";
        gdelt_tsv += &gdelt_row;
        gdelt_tsv += "\n";
        features.push(
            r#"{"type":"Feature","id":"x","geometry":null,"properties":{"date":"2016-09-19"}}"#,
        );
        events.push(r#"{"id":"x","date":"09/19/2016","latitude":"36.2","longitude":"37.1"}"#);
        kml += r#"<Placemark id="x"><TimeStamp><when>2016-09-19</when></TimeStamp></Placemark>"#;
    }
    kml += "</Document></kml>";
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let tm = format!(r#"{{"events":[{}]}}"#, events.join(","));
    let cases: [(&str, &[u8]); 6] = [
        ("csv", csv.as_bytes()),
        ("acled", acled_csv.as_bytes()),
        ("gdelt", gdelt_tsv.as_bytes()),
        ("geojson", fc.as_bytes()),
        ("timemap", tm.as_bytes()),
        ("kml", kml.as_bytes()),
    ];
    for (what, bytes) in cases {
        let l = quick(what, limit, || {
            let name = match what {
                "gdelt" => "x.CSV",
                "geojson" => "x.geojson",
                "timemap" => "x.json",
                "kml" => "x.kml",
                _ => "x.csv",
            };
            read_bytes(bytes, Some(name)).unwrap()
        });
        let incs = &l.dataset.incidents;
        assert_eq!(incs.len(), N, "{what}");
        let last = &incs[N - 1].id;
        assert!(last.ends_with(&format!("-{N}")), "{what}: {last}");
        let distinct: std::collections::HashSet<&str> =
            incs.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(distinct.len(), N, "{what}");
    }
}

/// Found by the fuzzer: a KML colour of eight bytes that are not eight ASCII characters
/// (`U+200F` + `0ffff`) was sliced inside a character and panicked.
#[test]
fn a_kml_colour_with_multibyte_characters_is_ignored_not_a_panic() {
    for colour in [
        "\u{200f}0ffff",
        "\u{feff}00000",
        "é123456",
        "ff00ééff",
        "\u{1F600}0000",
    ] {
        let doc = format!(
            "<kml><Document><Style id=\"s\"><IconStyle><color>{colour}</color></IconStyle>\
             </Style><Placemark><styleUrl>#s</styleUrl><Point><coordinates>37.1,36.2\
             </coordinates></Point><TimeStamp><when>2016-09-19</when></TimeStamp></Placemark>\
             </Document></kml>"
        );
        let l = kml::read(doc.as_bytes()).unwrap();
        assert_eq!(l.dataset.incidents.len(), 1, "{colour}");
        assert!(l.dataset.category_colours.is_empty(), "{colour}");
    }
}

/// Found by the fuzzer (24 KB of one repeated name took 1.1 s): a header repeating one name
/// numbered each repeat by trying `name (2)` … `name (n)` first, O(n²) in the repeats; at the
/// 16 384-field cap that was seconds to minutes.
#[test]
fn a_header_repeating_one_name_is_read_in_linear_time() {
    let mut csv = String::from("date,lat,lon");
    for _ in 0..MAX_FIELDS - 3 {
        csv += ",same";
    }
    csv += "\n2016-09-19,36.1,37.1\n";
    let l = quick("16 381 repeated names", Duration::from_secs(10), || {
        read_bytes(csv.as_bytes(), Some("x.csv")).unwrap()
    });
    assert_eq!(l.dataset.incidents.len(), 1);
    // Every header gets its own name, numbered from 2 in order.
    use sitview::formats::csv_generic::Column;
    let choice = [(Column::Place, "same (16381)")];
    let l = sitview::formats::csv_generic::read_with_columns(csv.as_bytes(), &choice).unwrap();
    assert_eq!(l.dataset.incidents.len(), 1);
    let choice = [(Column::Place, "same (16382)")];
    let e = err(sitview::formats::csv_generic::read_with_columns(
        csv.as_bytes(),
        &choice,
    ));
    assert!(e.message.contains("no column named"), "{}", e.message);
}
