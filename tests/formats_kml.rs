//! KML and KMZ import and export: a Google-Earth-style map of Aleppo in September 2016, KMZ
//! archives (committed and built here), hostile input (unclosed tags, billion laughs, zip bombs,
//! deep nesting, random corruption) and a round trip of the bundled sample.

use std::io::{Cursor, Write as _};

use sitview::formats::{Format, Loaded, geojson, kml};
use sitview::model::{DatePrecision, Day, Incident, LocationPrecision};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kml");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn aleppo() -> Loaded {
    kml::read(&fixture("aleppo-2016-09.kml")).unwrap()
}

fn incident<'a>(l: &'a Loaded, id: &str) -> &'a Incident {
    let i = l
        .dataset
        .find(id)
        .unwrap_or_else(|| panic!("no incident {id:?}"));
    &l.dataset.incidents[i]
}

fn warning_texts(l: &Loaded) -> Vec<String> {
    l.warnings.iter().map(ToString::to_string).collect()
}

/// A KMZ holding `entries` (name, bytes), deflated.
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
fn aleppo_fixture_gives_title_records_and_incidents_in_order() {
    let l = aleppo();
    assert_eq!(l.format, Format::Kml);
    assert_eq!(
        l.dataset.title.as_deref(),
        Some("Aleppo, September 2016 (analyst working map)")
    );
    // Six Placemarks are incident candidates (Point, no geometry, bad coordinates); the
    // LineString and the Polygon are overlays.
    assert_eq!(l.records, 6);
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "convoy",
            "qaterji",
            "bustan-al-qasr",
            "siege",
            "kml-5",
            "kml-6"
        ]
    );
}

#[test]
fn aleppo_point_with_timestamp_cdata_description_and_data() {
    let l = aleppo();
    let c = incident(&l, "convoy");
    assert_eq!(c.title, "Air strike on UN aid convoy, Urum al-Kubra");
    assert_eq!(c.category, "Attack on aid");
    assert_eq!(c.date, Some(day("2016-09-19")));
    assert_eq!(c.date_end, None);
    assert_eq!(c.date_precision, DatePrecision::Day);
    let p = c.location.unwrap();
    assert_eq!((p.lon, p.lat), (36.96775, 36.15158));
    assert_eq!(c.place, "Urum al-Kubra, west of Aleppo");
    assert_eq!(c.casualties.killed, Some(20));
    assert_eq!(c.sources.len(), 1);
    let s = &c.sources[0];
    assert_eq!(s.publisher, "Al Jazeera");
    assert_eq!(
        s.url.as_deref(),
        Some(
            "https://www.aljazeera.com/news/2016/9/22/more-talks-at-un-as-syrias-future-hangs-by-a-thread"
        )
    );
    assert_eq!(
        &*s.quote,
        "The US blames Russia for carrying out a deadly air strike on a UN aid convoy on Monday \
         in northern Syria & Russia denies any role.\nAround 20 civilians were killed.\n\
         Source: Al Jazeera, 22 Sept 2016"
    );
    assert_eq!(c.extra["convoy_trucks"], "18 of 31");
    assert_eq!(c.extra.len(), 1, "{:?}", c.extra);
}

#[test]
fn aleppo_time_spans_and_their_precision() {
    let l = aleppo();
    // A four-day span of days: the range is kept, with Week precision.
    let q = incident(&l, "qaterji");
    assert_eq!(q.category, "Air strike");
    assert_eq!(
        (q.date, q.date_end),
        (Some(day("2016-09-19")), Some(day("2016-09-22")))
    );
    assert_eq!(q.date_precision, DatePrecision::Week);
    // Entity-escaped HTML is unescaped, then stripped.
    assert_eq!(
        &*q.sources[0].quote,
        "Rescue workers search for survivors at a site hit by air strikes in the rebel-held \
         al-Qaterji neighbourhood."
    );
    assert_eq!(q.sources[0].publisher, "");
    // gYearMonth begin and end: September to the end of October, Month precision.
    let s = incident(&l, "siege");
    assert_eq!(s.category, "Aleppo city");
    assert_eq!(
        (s.date, s.date_end),
        (Some(day("2016-09-01")), Some(day("2016-10-31")))
    );
    assert_eq!(s.date_precision, DatePrecision::Month);
    assert!(s.sources.is_empty());
    // A dateTime with a zone is its calendar day.
    let b = incident(&l, "bustan-al-qasr");
    assert_eq!(b.date, Some(day("2016-09-23")));
    assert_eq!(b.date_precision, DatePrecision::Day);
}

#[test]
fn aleppo_schema_data_nested_folders_and_data_category() {
    let l = aleppo();
    let b = incident(&l, "bustan-al-qasr");
    // The innermost Folder names the category.
    assert_eq!(b.category, "Shelling");
    assert_eq!(b.casualties.killed, Some(4));
    assert_eq!(b.place, "Bustan al-Qasr");
    let p = b.location.unwrap();
    assert_eq!((p.lon, p.lat), (37.1389, 36.1917));
    let s = &b.sources[0];
    assert_eq!(s.publisher, "SANA");
    assert_eq!(
        s.url.as_deref(),
        Some("https://example.org/reports/bustan?id=7&lang=en")
    );
    assert_eq!(&*s.quote, "Mortar fire near the crossing.\nSee report.");
    // ExtendedData's category wins over the Folder; no geometry: kept unlocated.
    let u = incident(&l, "kml-5");
    assert_eq!(u.category, "Chemical attack");
    assert_eq!(u.location, None);
    assert_eq!(u.location_precision, LocationPrecision::Approximate);
    assert_eq!(
        (u.date, u.date_precision),
        (Some(day("2016-09-01")), DatePrecision::Month)
    );
    assert_eq!(
        &*u.sources[0].quote,
        "Claims on social media; no location given."
    );
    // Bad coordinates: kept, dated, without a location.
    let bad = incident(&l, "kml-6");
    assert_eq!(bad.category, "Unverified");
    assert_eq!(bad.location, None);
    assert_eq!(bad.date, Some(day("2016-09-21")));
}

#[test]
fn aleppo_style_maps_give_category_colours() {
    let l = aleppo();
    let colours: Vec<(&str, [u8; 3])> = l
        .dataset
        .category_colours
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        colours,
        [
            ("Air strike", [255, 165, 0]),
            ("Attack on aid", [255, 0, 0]),
            ("Shelling", [255, 255, 0]),
        ]
    );
}

#[test]
fn aleppo_lines_and_areas_become_overlays() {
    let l = aleppo();
    let o = &l.dataset.overlays;
    assert_eq!(o.len(), 2);
    assert_eq!(o[0].name.as_deref(), Some("Front line, 22 Sept 2016"));
    assert_eq!(
        (o[0].date, o[0].date_end),
        (Some(day("2016-09-22")), Some(day("2016-09-30")))
    );
    let Some(geo::Geometry::LineString(line)) = &o[0].geometry else {
        panic!("not a line: {:?}", o[0].geometry);
    };
    assert_eq!(line.0.len(), 5);
    assert_eq!((line.0[0].x, line.0[0].y), (37.1492, 36.2301));
    assert_eq!(o[0].properties["folder"], "Front lines");
    assert_eq!(o[0].properties["stroke"], "#e60014");
    let Some(geo::Geometry::Polygon(area)) = &o[1].geometry else {
        panic!("not a polygon: {:?}", o[1].geometry);
    };
    assert_eq!(area.exterior().0.len(), 5);
    assert!(area.interiors().is_empty());
    assert_eq!(o[1].properties["fill"], "#ff0000");
    assert_eq!(o[1].date, None);
}

#[test]
fn aleppo_warnings_name_the_placemark_and_its_line() {
    let l = aleppo();
    assert_eq!(
        warning_texts(&l),
        [
            "Placemark 5 (line 108): no geometry; kept as an incident without a location",
            "Placemark 6 (line 117): Point: coordinate 1 \"37.17,abc,0\" is not lon,lat[,alt]; \
             kept without a location",
        ]
    );
}

#[test]
fn kmz_built_here_reads_doc_kml_among_other_entries() {
    let kml_bytes = fixture("aleppo-2016-09.kml");
    let kmz = zip(&[
        ("files/icon.png", b"\x89PNG\r\n\x1a\n".as_slice()),
        ("notes/other.kml", b"<kml/>".as_slice()),
        ("doc.kml", &kml_bytes),
    ]);
    let l = kml::read_kmz(&kmz).unwrap();
    assert_eq!(l.format, Format::Kmz);
    assert_eq!(l.records, 6);
    assert_eq!(l.dataset, aleppo().dataset);
    // Without doc.kml the first .kml at the root is read; failing that, any .kml, with a note.
    let kmz = zip(&[("files/a.txt", b"x".as_slice()), ("aleppo.kml", &kml_bytes)]);
    assert_eq!(kml::read_kmz(&kmz).unwrap().dataset.incidents.len(), 6);
    let kmz = zip(&[("maps/aleppo.kml", &kml_bytes)]);
    let l = kml::read_kmz(&kmz).unwrap();
    assert_eq!(
        l.warnings[0].to_string(),
        "KMZ: no .kml at the root of the archive; read maps/aleppo.kml"
    );
}

#[test]
fn committed_kmz_fixture() {
    let l = kml::read_kmz(&fixture("idlib-2016-09-20.kmz")).unwrap();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.dataset.title.as_deref(), Some("Idlib, 20 September 2016"));
    let inc = &l.dataset.incidents[0];
    assert_eq!(inc.id, "idlib-market");
    assert_eq!(inc.category, "Air strike");
    assert_eq!(inc.date, Some(day("2016-09-20")));
    assert_eq!(inc.casualties.killed, Some(7));
    let p = inc.location.unwrap();
    assert_eq!((p.lon, p.lat), (36.6333, 35.9306));
    assert_eq!(
        inc.sources[0].url.as_deref(),
        Some("https://example.org/idlib-market")
    );
    assert_eq!(
        &*inc.sources[0].quote,
        "Activists said jets struck a market.\nReport"
    );
    assert_eq!(l.dataset.category_colours["Air strike"], [0xd3, 0x2f, 0x2f]);
}

#[test]
fn kmz_errors_say_what_is_wrong() {
    let e = kml::read_kmz(b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(
        e.message.starts_with("not a readable KMZ (zip) archive"),
        "{e}"
    );
    let e = kml::read_kmz(&zip(&[("readme.txt", b"hello".as_slice())])).unwrap_err();
    assert_eq!(
        e.message,
        "the KMZ holds no .kml file (entries: readme.txt)"
    );
    let e = kml::read_kmz(&zip(&[("doc.kml", b"<kml>\n<Document>".as_slice())])).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(
        e.message
            .starts_with("doc.kml in the KMZ: not well-formed XML"),
        "{e}"
    );
}

#[test]
fn zip_bomb_is_refused_at_the_cap() {
    // 4 MiB of KML padding compresses to a few KiB; the cap here is 1 MiB.
    let mut kml = b"<kml><Document><name>bomb</name><!--".to_vec();
    kml.resize(4 << 20, b' ');
    kml.extend_from_slice(b"--></Document></kml>");
    let kmz = zip(&[("doc.kml", &kml)]);
    assert!(kmz.len() < 64 << 10, "{} bytes", kmz.len());
    let e = kml::read_kmz_with_limit(&kmz, 1 << 20).unwrap_err();
    assert_eq!(
        e.message,
        "doc.kml in the KMZ inflates to more than 1048576 bytes; refused (a zip bomb?)"
    );
    // The same archive under a cap it fits reads normally; so does one exactly at the cap.
    let l = kml::read_kmz_with_limit(&kmz, 8 << 20).unwrap();
    assert_eq!(l.dataset.title.as_deref(), Some("bomb"));
    assert!(kml::read_kmz_with_limit(&kmz, kml.len() as u64).is_ok());
    assert_eq!(kml::MAX_KML_BYTES, 256 << 20);
}

#[test]
fn unclosed_tag_is_an_error_with_its_line() {
    let e = kml::read(&fixture("unclosed.kml")).unwrap_err();
    assert_eq!((e.line, e.column), (Some(8), Some(3)), "{e}");
    assert!(
        e.to_string()
            .starts_with("line 8, column 3: not well-formed XML"),
        "{e}"
    );
    assert!(e.message.contains("name"), "{e}");
    // A file that simply stops names the element left open.
    let e = kml::read(b"<kml>\n<Document>\n  <Placemark>\n").unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(
        e.message
            .contains("<Placemark> opened on line 3 is never closed"),
        "{e}"
    );
}

#[test]
fn billion_laughs_and_external_entities_are_never_expanded() {
    let l = kml::read(&fixture("billion-laughs.kml")).unwrap();
    assert_eq!(l.dataset.title.as_deref(), Some("&lol9;"));
    assert_eq!(l.dataset.incidents[0].title, "Laughs &lol9; &xxe;");
    assert_eq!(
        warning_texts(&l),
        [
            "line 2: the DOCTYPE declares entities; they are ignored, never expanded",
            "line 17: unknown entity &lol9; kept as text, not expanded",
            "line 19: unknown entity &lol9; kept as text, not expanded",
            "line 19: unknown entity &xxe; kept as text, not expanded",
        ]
    );
}

#[test]
fn unknown_entities_in_descriptions_warn_and_decode_as_html() {
    let text = "<kml><Placemark id=\"a\">\n<name>Caf&eacute;</name>\n\
                <description>a&nbsp;b</description>\n\
                <Point><coordinates>37,36</coordinates></Point></Placemark></kml>";
    let l = kml::read(text.as_bytes()).unwrap();
    let inc = &l.dataset.incidents[0];
    assert_eq!(inc.title, "Caf&eacute;");
    assert_eq!(&*inc.sources[0].quote, "a b");
    assert_eq!(
        warning_texts(&l),
        [
            "line 2: unknown entity &eacute; kept as text, not expanded",
            "line 3: unknown entity &nbsp; kept as text, not expanded",
        ]
    );
}

#[test]
fn open_spans_midnight_ends_links_and_data_ids() {
    let text = r#"<kml><Document>
<NetworkLink><name>Live feed</name><Link><href>https://example.org/feed.kml</href></Link></NetworkLink>
<GroundOverlay><name>Damage imagery</name><Icon><href>files/damage.jpg</href></Icon></GroundOverlay>
<Placemark><name>open</name><TimeSpan><begin>2016-09-20</begin></TimeSpan>
  <ExtendedData><Data name="id"><value>from-data</value></Data></ExtendedData></Placemark>
<Placemark id="midnight"><TimeSpan><begin>2016-09-19T00:00:00Z</begin><end>2016-09-23T00:00:00Z</end></TimeSpan>
  <Point><coordinates>37.1,36.2</coordinates></Point></Placemark>
<Placemark id="long"><TimeSpan><begin>2016-09-01</begin><end>2016-09-30</end></TimeSpan>
  <Point><coordinates>37.1,36.2</coordinates></Point></Placemark>
<Placemark id="year"><TimeStamp><when>2016</when></TimeStamp><Point><coordinates>37.1,36.2</coordinates></Point></Placemark>
</Document></kml>"#;
    let l = kml::read(text.as_bytes()).unwrap();
    let open = incident(&l, "from-data");
    assert_eq!((open.date, open.date_end), (Some(day("2016-09-20")), None));
    // An end at midnight is the instant the previous day ended.
    let m = incident(&l, "midnight");
    assert_eq!(
        (m.date, m.date_end),
        (Some(day("2016-09-19")), Some(day("2016-09-22")))
    );
    assert_eq!(m.date_precision, DatePrecision::Week);
    // A month-long span of days keeps Day precision.
    assert_eq!(incident(&l, "long").date_precision, DatePrecision::Day);
    let y = incident(&l, "year");
    assert_eq!(
        (y.date, y.date_precision),
        (Some(day("2016-01-01")), DatePrecision::Year)
    );
    assert_eq!(
        warning_texts(&l),
        [
            "NetworkLink (line 2): NetworkLink \"Live feed\" (https://example.org/feed.kml) is not \
             imported: this program reads Placemarks only",
            "GroundOverlay (line 3): GroundOverlay \"Damage imagery\" (files/damage.jpg) is not \
             imported: this program reads Placemarks only",
            "Placemark 1 (line 4): no geometry; kept as an incident without a location",
            "Placemark 1 (line 4): TimeSpan without a usable <end>; dated to its begin 2016-09-20 only",
        ]
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    let mut text = String::from("<kml>");
    text.push_str(&"<Folder>".repeat(depth));
    text.push_str(&"</Folder>".repeat(depth));
    text.push_str("</kml>");
    let e = kml::read(text.as_bytes()).unwrap_err();
    assert!(
        e.message.contains("nested more than 256 levels deep"),
        "{e}"
    );
    assert_eq!((e.line, e.column), (Some(1), Some(6 + 8 * 255)));
    // Just under the limit is fine.
    let ok = format!("{}{}", "<Folder>".repeat(255), "</Folder>".repeat(255));
    assert!(kml::read(format!("<kml>{ok}</kml>").as_bytes()).is_ok());
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_byte_flips_never_panic() {
    let original = fixture("aleppo-2016-09.kml");
    let mut rng = Lcg(20_160_919);
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..1500 {
        let mut bytes = original.clone();
        for _ in 0..1 + rng.below(8) {
            let i = rng.below(bytes.len());
            bytes[i] = match rng.below(4) {
                0 => b'<',
                1 => b'&',
                2 => rng.next() as u8,
                _ => bytes[i] ^ (1 << rng.below(8)),
            };
        }
        match kml::read(&bytes) {
            Ok(_) => ok += 1,
            Err(e) => {
                failed += 1;
                assert!(e.line.is_some() || !e.message.is_empty(), "{e}");
            }
        }
    }
    assert!(ok > 0 && failed > 0, "{ok} read, {failed} refused");

    let kmz = zip(&[("doc.kml", &original)]);
    for _ in 0..300 {
        let mut bytes = kmz.clone();
        let i = rng.below(bytes.len());
        bytes[i] ^= 1 << rng.below(8);
        let _ = kml::read_kmz(&bytes);
    }
}

#[test]
fn sample_round_trips_through_kml_and_kmz() {
    let sample = geojson::read(sitview::app::SAMPLE_GEOJSON).unwrap().dataset;
    assert!(sample.incidents.len() >= 7);
    for (name, back) in [
        ("kml", kml::read(&kml::write(&sample)).unwrap()),
        (
            "kmz",
            kml::read_kmz(&kml::write_kmz(&sample).unwrap()).unwrap(),
        ),
    ] {
        assert!(back.warnings.is_empty(), "{name}: {:?}", back.warnings);
        assert_eq!(back.records, sample.incidents.len(), "{name}");
        assert_eq!(back.dataset.title, sample.title, "{name}");
        assert_eq!(
            back.dataset.incidents.len(),
            sample.incidents.len(),
            "{name}"
        );
        // Every field of every incident survives; only the order changes (grouped by category).
        for original in &sample.incidents {
            assert_eq!(incident(&back, &original.id), original, "{name}");
        }
        // Categories without a colour get the palette's, in order of first appearance.
        let categories = sample.categories();
        assert_eq!(
            back.dataset.category_colours.len(),
            categories.len(),
            "{name}"
        );
        assert_eq!(
            back.dataset.category_colours[&categories[0].0],
            [0x4e, 0x79, 0xa7]
        );
    }
}

#[test]
fn written_kml_is_google_earth_friendly_and_keeps_colours_and_overlays() {
    let mut ds = aleppo().dataset;
    ds.incidents[0]
        .extra
        .insert("weights".into(), serde_json::json!([1, 2]));
    ds.incidents[0].sources[0].published = Some(day("2016-09-22"));
    ds.incidents[0].sources[0].attribution = Some("the United States".into());
    let out = String::from_utf8(kml::write(&ds)).unwrap();
    assert!(kml::sniff(out.as_bytes()));
    assert!(out.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">"
    ));
    // A range ends at the last second of its last day, so Google Earth shows that day.
    assert!(
        out.contains("<begin>2016-09-19</begin>\n          <end>2016-09-22T23:59:59Z</end>"),
        "{out}"
    );
    assert!(out.contains("<when>2016-09</when>"));
    // The file's colours are kept (aabbggrr); the style is referenced from the Placemark.
    assert!(
        out.contains(
            "<Style id=\"category-1\">\n      <IconStyle>\n        <color>ff0000ff</color>"
        )
    );
    assert!(out.contains("<styleUrl>#category-1</styleUrl>"));
    assert!(out.contains("<Folder>\n      <name>Attack on aid</name>"));
    // The description is escaped HTML for the balloon.
    assert!(
        out.contains("&lt;p&gt;&lt;b&gt;20 killed&lt;/b&gt;&lt;/p&gt;"),
        "{out}"
    );
    assert!(out.contains("<Data name=\"source_1_publisher\"><value>Al Jazeera</value></Data>"));

    let back = kml::read(out.as_bytes()).unwrap();
    for original in &ds.incidents {
        assert_eq!(incident(&back, &original.id), original);
    }
    assert_eq!(back.dataset.category_colours["Attack on aid"], [255, 0, 0]);
    assert_eq!(back.dataset.category_colours["Air strike"], [255, 165, 0]);
    assert_eq!(back.dataset.overlays.len(), 2);
    for (a, b) in back.dataset.overlays.iter().zip(&ds.overlays) {
        assert_eq!(
            (&a.name, a.date, a.date_end, &a.geometry),
            (&b.name, b.date, b.date_end, &b.geometry)
        );
        assert_eq!(a.properties, b.properties);
    }
    // Unlocated incidents come back unlocated, with the same warning as the first time.
    assert_eq!(back.warnings.len(), 2, "{:?}", back.warnings);
    assert!(
        back.warnings
            .iter()
            .all(|w| w.message.contains("no geometry"))
    );
}

#[test]
fn sniff_recognises_kml_only() {
    assert!(kml::sniff(&fixture("aleppo-2016-09.kml")));
    assert!(kml::sniff(&fixture("billion-laughs.kml")));
    assert!(!kml::sniff(sitview::app::SAMPLE_GEOJSON));
    assert!(!kml::sniff(&fixture("idlib-2016-09-20.kmz")));
}
