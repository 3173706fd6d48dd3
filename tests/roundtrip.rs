//! The built-in sample through every writable format and back, field by field. Each test says
//! exactly which fields the target format keeps and which it loses, so that any change to a
//! writer or reader (something newly kept, or something newly lost) is noticed here.
//!
//! | field                         | GeoJSON | KML / KMZ | ACLED CSV                                     |
//! |-------------------------------|---------|-----------|-----------------------------------------------|
//! | id                            | kept    | kept      | kept (`event_id_cnty`)                        |
//! | title                         | kept    | kept      | lost: rebuilt as "{category} in {place}"      |
//! | category                      | kept    | kept      | kept (`event_type`, or `sub_event_type`)      |
//! | date                          | kept    | kept      | kept (`event_date`)                           |
//! | date_end                      | kept    | kept      | kept (`tags`: `sitview:date_end=…`)           |
//! | date_precision                | kept    | kept      | day/week/month kept; year becomes month       |
//! | location                      | kept    | to 1e-6°  | kept (`latitude`, `longitude`)                |
//! | location_precision            | kept    | kept      | kept (`geo_precision`)                        |
//! | location_radius_m             | kept    | kept      | kept (`tags`: `sitview:radius_m=…` unless the precision implies it) |
//! | place, admin1                 | kept    | kept      | kept (`location`, `admin1`)                   |
//! | place_local                   | kept    | kept      | lost                                          |
//! | killed                        | kept    | kept      | kept (`fatalities`)                           |
//! | injured, children_killed      | kept    | kept      | lost                                          |
//! | notes (analyst's)             | kept    | kept      | lost                                          |
//! | sources\[\].publisher         | kept    | kept      | distinct publishers joined `"; "`, one source |
//! | sources\[\].quote             | kept    | kept      | quotes joined by a blank line, one source     |
//! | sources\[\].url               | kept    | kept      | distinct URLs (`tags`: `sitview:url=…`)       |
//! | sources\[\].published         | kept    | kept      | lost                                          |
//! | sources\[\].attribution       | kept    | kept      | lost                                          |
//! | extra (unknown properties)    | kept    | kept      | only those named like ACLED columns; gains `year` |
//! | incident order                | kept    | grouped by category | kept                               |
//! | dataset title                 | kept    | kept      | lost                                          |

use sitview::app::SAMPLE_GEOJSON;
use sitview::formats::{Format, Loaded, acled, geojson, kml, read_bytes};
use sitview::model::{DatePrecision, Incident, LocationPrecision};

fn sample() -> Loaded {
    let l = geojson::read(SAMPLE_GEOJSON).unwrap();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.dataset.incidents.len(), 7);
    l
}

/// The incident with `id` in `l`.
fn by_id<'a>(l: &'a Loaded, id: &str) -> &'a Incident {
    l.dataset
        .incidents
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} is missing"))
}

fn same_place(a: &Incident, b: &Incident) {
    match (a.location, b.location) {
        (Some(p), Some(q)) => {
            assert!(
                (p.lon - q.lon).abs() < 1e-6 && (p.lat - q.lat).abs() < 1e-6,
                "{}: {p:?} became {q:?}",
                a.id
            );
        }
        (p, q) => assert_eq!(p.is_some(), q.is_some(), "{}", a.id),
    }
}

/// The fields every writable format keeps, compared one by one.
fn assert_common_fields(a: &Incident, b: &Incident) {
    let id = &a.id;
    assert_eq!(a.id, b.id);
    assert_eq!(a.category, b.category, "{id}: category");
    assert_eq!(a.date, b.date, "{id}: date");
    assert_eq!(a.date_end, b.date_end, "{id}: date_end");
    assert_eq!(a.date_precision, b.date_precision, "{id}: date_precision");
    same_place(a, b);
    assert_eq!(
        a.location_precision, b.location_precision,
        "{id}: location_precision"
    );
    assert_eq!(
        a.location_radius_m, b.location_radius_m,
        "{id}: location_radius_m"
    );
    assert_eq!(a.place, b.place, "{id}: place");
    assert_eq!(a.admin1, b.admin1, "{id}: admin1");
    assert_eq!(a.casualties.killed, b.casualties.killed, "{id}: killed");
}

#[test]
fn the_sample_exercises_the_fields_these_tests_check() {
    let l = sample();
    let incs = &l.dataset.incidents;
    // Otherwise the round trips below would prove little.
    assert!(incs.iter().any(|i| i.date_end.is_some()));
    assert!(incs.iter().any(|i| i.date_end.is_none()));
    assert!(incs.iter().any(|i| i.date_precision == DatePrecision::Week));
    for p in [
        LocationPrecision::Exact,
        LocationPrecision::Near,
        LocationPrecision::Approximate,
    ] {
        assert!(incs.iter().any(|i| i.location_precision == p), "{p:?}");
    }
    assert!(incs.iter().all(|i| i.location_radius_m.is_some()));
    assert!(incs.iter().any(|i| i.casualties.killed.is_some()));
    assert!(incs.iter().any(|i| i.casualties.children_killed.is_some()));
    assert!(incs.iter().any(|i| i.sources.len() > 1));
    assert!(
        incs.iter()
            .all(|i| i.place_local.is_some() && i.notes.is_some())
    );
    assert!(incs.iter().all(|i| {
        i.sources
            .iter()
            .all(|s| s.url.is_some() && s.published.is_some() && s.attribution.is_some())
    }));
    assert!(l.dataset.title.is_some());
}

#[test]
fn geojson_writes_and_reads_back_byte_for_byte() {
    let l = sample();
    let out = geojson::write(&l.dataset);
    assert_eq!(
        out, SAMPLE_GEOJSON,
        "the sample is in the writer's canonical form"
    );
    assert_eq!(geojson::read(&out).unwrap().dataset, l.dataset);
}

#[test]
fn geojson_to_kml_to_geojson_keeps_every_field() {
    let a = sample();
    for (bytes, format) in [
        (kml::write(&a.dataset), Format::Kml),
        (kml::write_kmz(&a.dataset).unwrap(), Format::Kmz),
    ] {
        let k = read_bytes(&bytes, None).unwrap();
        assert_eq!(k.format, format);
        assert!(k.warnings.is_empty(), "{:?}", k.warnings);
        // … and on to GeoJSON and back in.
        let b = geojson::read(&geojson::write(&k.dataset)).unwrap();
        assert_eq!(b.dataset.incidents.len(), 7);
        assert_eq!(b.dataset.title, a.dataset.title, "dataset title");
        for x in &a.dataset.incidents {
            let y = by_id(&b, &x.id);
            assert_common_fields(x, y);
            let id = &x.id;
            assert_eq!(x.title, y.title, "{id}: title");
            assert_eq!(x.place_local, y.place_local, "{id}: place_local");
            assert_eq!(x.casualties, y.casualties, "{id}: casualties");
            assert_eq!(x.notes, y.notes, "{id}: notes");
            assert_eq!(x.sources.len(), y.sources.len(), "{id}: sources");
            for (s, t) in x.sources.iter().zip(&y.sources) {
                assert_eq!(s.publisher, t.publisher, "{id}: publisher");
                assert_eq!(s.url, t.url, "{id}: url");
                assert_eq!(s.published, t.published, "{id}: published");
                assert_eq!(s.attribution, t.attribution, "{id}: attribution");
                assert_eq!(s.quote, t.quote, "{id}: quote");
            }
            assert_eq!(x.extra, y.extra, "{id}: extra");
            // Nothing else differs: the whole incident is equal.
            assert_eq!(x, y);
        }
        // Lost: the order (incidents come back grouped by category, file order within each).
        let order = |l: &Loaded| -> Vec<String> {
            l.dataset
                .incidents
                .iter()
                .map(|i| i.category.to_string())
                .collect()
        };
        let mut grouped = order(&a);
        let cats: Vec<String> = a.dataset.categories().into_iter().map(|(c, _)| c).collect();
        grouped.sort_by_key(|c| cats.iter().position(|x| x == c));
        assert_eq!(order(&b), grouped);
    }
}

#[test]
fn geojson_to_acled_to_geojson_keeps_what_acled_can_hold() {
    let a = sample();
    let csv = acled::write(&a.dataset);
    let c = read_bytes(&csv, Some("export.csv")).unwrap();
    assert_eq!(c.format, Format::Acled);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let b = geojson::read(&geojson::write(&c.dataset)).unwrap();
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    // The order is kept.
    let ids = |l: &Loaded| -> Vec<String> {
        l.dataset
            .incidents
            .iter()
            .map(|i| i.id.to_string())
            .collect()
    };
    assert_eq!(ids(&b), ids(&a));
    // Lost: the dataset title.
    assert_eq!(b.dataset.title, None);
    for (x, y) in a.dataset.incidents.iter().zip(&b.dataset.incidents) {
        let id = &x.id;
        // Kept.
        assert_common_fields(x, y);
        // Sources: one, with the distinct publishers, all quotes and the distinct URLs.
        assert_eq!(y.sources.len(), 1, "{id}: sources");
        let s = &y.sources[0];
        let mut publishers: Vec<&str> = x.sources.iter().map(|s| s.publisher.as_str()).collect();
        publishers.dedup();
        assert_eq!(s.publisher, publishers.join("; "), "{id}: publisher");
        let quotes: Vec<&str> = x.sources.iter().map(|s| &*s.quote).collect();
        assert_eq!(&*s.quote, quotes.join("\n\n"), "{id}: quote");
        assert_eq!(s.url, x.sources[0].url, "{id}: url");
        // Lost, as documented.
        assert_eq!(s.published, None, "{id}: published");
        assert_eq!(s.attribution, None, "{id}: attribution");
        assert_eq!(
            y.title,
            format!("{} in {}", x.category, x.place),
            "{id}: title"
        );
        assert_ne!(
            y.title, x.title,
            "{id}: the title now survives: update the table"
        );
        assert_eq!(y.place_local, None, "{id}: place_local");
        assert_eq!(y.notes, None, "{id}: notes");
        assert_eq!(y.casualties.injured, None, "{id}: injured");
        assert_eq!(y.casualties.children_killed, None, "{id}: children_killed");
        // Gained: the `year` column, kept as an unknown ACLED column.
        let mut extra = x.extra.clone();
        extra.insert("year".into(), "2016".into());
        assert_eq!(y.extra, extra, "{id}: extra");
    }
    // The children killed in east Aleppo are lost (ACLED has no column for them).
    let toll = by_id(&a, "aj-2016-09-22-east-aleppo-toll");
    assert_eq!(toll.casualties.children_killed, Some(2));
    // Written a second time, the CSV is the same: ACLED → ACLED is stable.
    assert_eq!(acled::write(&c.dataset), csv);
}

#[test]
fn acled_tags_carry_ranges_radii_and_links_next_to_the_files_own_tags() {
    let mut a = sample();
    let inc = &mut a.dataset.incidents[1];
    inc.extra
        .insert("tags".into(), "crowd size=no report".into());
    inc.location_precision = LocationPrecision::Near;
    inc.location_radius_m = Some(acled::NEAR_RADIUS_M);
    inc.date_precision = DatePrecision::Year;
    let csv = String::from_utf8(acled::write(&a.dataset)).unwrap();
    let row = csv.lines().nth(2).unwrap();
    assert!(
        row.contains(
            "crowd size=no report; sitview:date_end=2016-09-22; \
             sitview:url=https://www.aljazeera.com/news/2016/9/22/more-talks-at-un-as-syrias-future-hangs-by-a-thread"
        ),
        "{row}"
    );
    // The radius `geo_precision` 2 implies is not repeated in the tags.
    assert!(!row.contains("radius_m"), "{row}");
    let back = acled::read(csv.as_bytes()).unwrap();
    let b = &back.dataset.incidents[1];
    assert_eq!(b.extra["tags"], "crowd size=no report");
    assert_eq!(b.date_end, a.dataset.incidents[1].date_end);
    assert_eq!(b.location_radius_m, Some(acled::NEAR_RADIUS_M));
    // Year precision has no ACLED code: it comes back as month.
    assert_eq!(b.date_precision, DatePrecision::Month);
    // Bad entries are kept as tags, with a warning naming the line.
    let broken = csv.replace("sitview:date_end=2016-09-22", "sitview:date_end=someday");
    let back = acled::read(broken.as_bytes()).unwrap();
    assert!(
        back.warnings
            .iter()
            .any(|w| w.location == "line 3" && w.message.contains("sitview:date_end=someday")),
        "{:?}",
        back.warnings
    );
    assert_eq!(
        back.dataset.incidents[1].extra["tags"],
        "crowd size=no report; sitview:date_end=someday"
    );
    assert_eq!(back.dataset.incidents[1].date_end, None);
}
