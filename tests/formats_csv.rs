//! The CSV family of readers (ACLED, GDELT, any CSV/TSV with coordinates and a date) on
//! real-looking excerpts in tests/fixtures/{acled,gdelt,csv}: values, precisions, warnings with
//! line numbers, the ACLED round trip, and no panic on mangled input.

use sitview::formats::csv_generic::{self, Column, CsvMapping};
use sitview::formats::{Format, Loaded, acled, dates, gdelt};
use sitview::model::{DatePrecision, Day, Incident, LocationPrecision};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn day(s: &str) -> Option<Day> {
    Some(s.parse().unwrap())
}

fn get<'a>(l: &'a Loaded, id: &str) -> &'a Incident {
    let i = l
        .dataset
        .find(id)
        .unwrap_or_else(|| panic!("no incident {id}"));
    &l.dataset.incidents[i]
}

fn lonlat(inc: &Incident) -> Option<(f64, f64)> {
    inc.location.map(|p| (p.lon, p.lat))
}

/// The warnings as "location: message" lines.
fn warnings(l: &Loaded) -> Vec<String> {
    l.warnings.iter().map(|w| w.to_string()).collect()
}

fn assert_warning(l: &Loaded, location: &str, part: &str) {
    let all = warnings(l);
    assert!(
        all.iter()
            .any(|w| w.starts_with(&format!("{location}: ")) && w.contains(part)),
        "no warning at {location} containing {part:?} in {all:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// ACLED
// ---------------------------------------------------------------------------------------------

#[test]
fn acled_current_export_values() {
    let l = acled::read(&fixture("acled/syria_2016-09.csv")).unwrap();
    assert_eq!(l.format, Format::Acled);
    assert_eq!(l.records, 12);
    assert_eq!(l.dataset.incidents.len(), 12);

    let convoy = get(&l, "SYR8001");
    assert_eq!(convoy.date, day("2016-09-19"));
    assert_eq!(convoy.date_precision, DatePrecision::Day);
    assert_eq!(lonlat(convoy), Some((36.9431, 36.1447)));
    assert_eq!(convoy.location_precision, LocationPrecision::Exact);
    assert_eq!(convoy.location_radius_m, None);
    assert_eq!(convoy.category, "Air/drone strike");
    assert_eq!(convoy.title, "Air/drone strike in Urm al-Kubra");
    assert_eq!(convoy.place, "Urm al-Kubra");
    assert_eq!(convoy.admin1.as_deref(), Some("Aleppo"));
    assert_eq!(convoy.casualties.killed, Some(20));
    assert_eq!(convoy.sources.len(), 1);
    assert_eq!(convoy.sources[0].publisher, "SARC; Reuters; SOHR");
    assert!(
        convoy.sources[0]
            .quote
            .starts_with("On 19 September 2016, an aid convoy of the UN")
    );
    assert_eq!(convoy.extra["event_type"], "Explosions/Remote violence");
    assert_eq!(convoy.extra["actor1"], "Military Forces of Russia (2000-)");
    assert_eq!(convoy.extra["source_scale"], "Other-National");
    assert_eq!(convoy.extra["interaction"], "78");

    // A quoted newline inside the notes, in a CRLF file.
    let shelling = get(&l, "SYR8002");
    assert_eq!(
        &*shelling.sources[0].quote,
        "Government forces shelled Bustan al-Qasr, in eastern Aleppo.\nSOHR reported 3 civilians killed, among them a child."
    );
    assert_eq!(shelling.casualties.killed, Some(3));

    // "19 September 2016", geo_precision 2, NA cells.
    let clash = get(&l, "SYR8003");
    assert_eq!(clash.date, day("2016-09-19"));
    assert_eq!(clash.location_precision, LocationPrecision::Near);
    assert_eq!(clash.location_radius_m, Some(acled::NEAR_RADIUS_M));
    assert!(!clash.extra.contains_key("assoc_actor_1"));
    assert!(!clash.extra.contains_key("admin3"));

    let week = get(&l, "SYR8004");
    assert_eq!(week.date_precision, DatePrecision::Week);
    assert_eq!(week.casualties.killed, None, "NA is not reported, not zero");
    assert_eq!(week.sources[0].publisher, "SOHR; Smart News Agency");

    assert_eq!(
        get(&l, "SYR8008").date,
        day("2016-09-19"),
        "19-September-2016"
    );
    let month = get(&l, "SYR8009");
    assert_eq!(month.date, day("2016-09-23"));
    assert_eq!(month.date_precision, DatePrecision::Month);
    assert_eq!(get(&l, "SYR8010").casualties.killed, Some(0));
    assert_eq!(get(&l, "SYR8010").extra["tags"], "crowd size=no report");
}

#[test]
fn acled_bad_records_are_kept_with_warnings() {
    let l = acled::read(&fixture("acled/syria_2016-09.csv")).unwrap();
    assert_eq!(l.warnings.len(), 3, "{:#?}", warnings(&l));

    let bad_date = get(&l, "SYR8005");
    assert_eq!(bad_date.date, None);
    assert_eq!(bad_date.extra["event_date"], "2016-09-31");
    assert!(bad_date.location.is_some());
    assert_warning(&l, "line 7", "event_date \"2016-09-31\" is not a date");

    let bad_number = get(&l, "SYR8006");
    assert_eq!(bad_number.location, None);
    assert_eq!(bad_number.date, day("2016-09-21"));
    assert_eq!(bad_number.extra["latitude"], "36.15O6");
    assert_warning(&l, "line 8", "are not numbers");

    let out_of_range = get(&l, "SYR8007");
    assert_eq!(out_of_range.location, None);
    assert_eq!(
        out_of_range.location_precision,
        LocationPrecision::Approximate
    );
    assert_eq!(
        out_of_range.location_radius_m,
        Some(acled::APPROXIMATE_RADIUS_M)
    );
    assert_warning(&l, "line 9", "outside WGS84 bounds");
}

#[test]
fn acled_with_bom_reads_the_same() {
    let plain = acled::read(&fixture("acled/syria_2016-09.csv")).unwrap();
    let bom = acled::read(&fixture("acled/syria_2016-09_bom.csv")).unwrap();
    assert_eq!(bom.dataset, plain.dataset);
    assert_eq!(bom.warnings, plain.warnings);
    assert!(acled::sniff(&fixture("acled/syria_2016-09_bom.csv")));
}

#[test]
fn acled_round_trip_gives_the_same_incidents() {
    let first = acled::read(&fixture("acled/syria_2016-09.csv")).unwrap();
    let written = acled::write(&first.dataset);
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.starts_with(&acled::COLUMNS.join(",")), "{text}");
    assert!(text.contains("SYR8001,2016-09-19,2016,1,Political violence,"));
    let second = acled::read(&written).unwrap();
    assert_eq!(second.dataset, first.dataset);
    assert_eq!(second.warnings, first.warnings);
    // And once more: the written form is stable.
    assert_eq!(acled::write(&second.dataset), written);
}

#[test]
fn acled_legacy_export() {
    let bytes = fixture("acled/syria_legacy.csv");
    assert!(acled::sniff(&bytes));
    let l = acled::read(&bytes).unwrap();
    assert_eq!(l.records, 4);
    let convoy = get(&l, "SYR101");
    assert_eq!(convoy.date, day("2016-09-19"));
    assert_eq!(
        convoy.category, "Remote violence",
        "legacy: no sub_event_type"
    );
    assert_eq!(convoy.extra["gwno"], "652");
    assert_eq!(convoy.extra["event_id_no_cnty"], "101");
    assert_eq!(
        convoy.extra["assoc_actor_2"], "SARC: Syrian Arab Red Crescent",
        "ALLY_ACTOR_2 is kept under its current name"
    );
    // 05/09/2016 is read day-first like the rest of the column.
    assert_eq!(get(&l, "SYR102").date, day("2016-09-05"));
    assert_eq!(get(&l, "SYR102").extra["assoc_actor_1"], "Hezbollah");
    let week = get(&l, "SYR103");
    assert_eq!(
        (week.date, week.date_precision),
        (day("2016-09-29"), DatePrecision::Week)
    );
    assert_eq!(week.location_precision, LocationPrecision::Near);
    let impossible = get(&l, "SYR104");
    assert_eq!(impossible.date, None);
    assert_eq!(impossible.extra["event_date"], "31/02/2016");
    assert_warning(
        &l,
        "line 5",
        "date 31/2/2016 does not exist when read day-first",
    );
    assert_eq!(l.warnings.len(), 1, "{:#?}", warnings(&l));

    // Written as the current export: event_type keeps the legacy type, dates become ISO.
    let again = acled::read(&acled::write(&l.dataset)).unwrap();
    for (a, b) in l.dataset.incidents.iter().zip(&again.dataset.incidents) {
        assert_eq!((&a.id, a.date, &a.category), (&b.id, b.date, &b.category));
        assert_eq!(a.location, b.location);
    }
}

#[test]
fn acled_errors_name_the_missing_columns() {
    let e = acled::read(b"event_id_cnty,event_date,location\nX,2016-09-19,Aleppo\n").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(
        e.message.contains("no latitude, no longitude column"),
        "{e}"
    );
    assert!(acled::read(b"").is_err());
}

// ---------------------------------------------------------------------------------------------
// GDELT
// ---------------------------------------------------------------------------------------------

#[test]
fn gdelt_events_values() {
    let bytes = fixture("gdelt/20160919-22.export.CSV");
    assert!(gdelt::sniff(&bytes));
    assert!(!acled::sniff(&bytes));
    let l = gdelt::read(&bytes).unwrap();
    assert_eq!(l.format, Format::Gdelt);
    assert_eq!(l.records, 7);
    assert_eq!(l.dataset.incidents.len(), 7);

    let strike = get(&l, "583012345");
    assert_eq!(strike.date, day("2016-09-19"));
    assert_eq!(lonlat(strike), Some((37.1586, 36.2028)));
    assert_eq!(strike.location_precision, LocationPrecision::Near);
    assert_eq!(strike.location_radius_m, Some(gdelt::CITY_RADIUS_M));
    assert_eq!(strike.place, "Aleppo, Halab, Syria");
    assert_eq!(strike.admin1.as_deref(), Some("Halab"));
    assert_eq!(strike.category, "Fight");
    assert_eq!(strike.title, "Fight in Aleppo");
    let src = &strike.sources[0];
    assert_eq!(src.publisher, "reuters.com");
    assert_eq!(
        src.url.as_deref(),
        Some("https://www.reuters.com/article/us-mideast-crisis-syria-aid-idUSKCN11P2AB")
    );
    assert_eq!(src.published, day("2016-09-19"));
    assert!(src.quote.contains("RUSSIA → SYRIA"), "{}", src.quote);
    assert!(src.quote.contains("CAMEO 195 (Fight)"), "{}", src.quote);
    assert_eq!(strike.extra["EventCode"], "195");
    assert_eq!(strike.extra["Actor1Code"], "RUSMIL");
    assert!(strike.notes.as_deref().unwrap().contains("Machine-coded"));

    let province = get(&l, "583012346");
    assert_eq!(province.location_precision, LocationPrecision::Approximate);
    assert_eq!(province.location_radius_m, Some(gdelt::ADM1_RADIUS_M));
    assert_eq!(province.admin1.as_deref(), Some("Idlib"));
    assert_eq!(province.sources[0].publisher, "aljazeera.com");

    let country = get(&l, "583012350");
    assert_eq!(country.category, "Assault");
    assert_eq!(country.location_radius_m, Some(gdelt::COUNTRY_RADIUS_M));
    assert!(
        country.sources[0]
            .quote
            .starts_with("GDELT coded: SYRIA, CAMEO 183")
    );

    assert_eq!(get(&l, "583012351").category, "Disapprove");
    assert_eq!(get(&l, "583012361").category, "Consult");
    let mass = get(&l, "583012362");
    assert_eq!(mass.category, "Use unconventional mass violence");
    assert_eq!(mass.sources[0].publisher, "GDELT");
    assert_eq!(mass.sources[0].url, None);

    let unplaced = get(&l, "583012360");
    assert_eq!(unplaced.location, None);
    assert_eq!(unplaced.date, day("2016-09-21"));
    assert_eq!(unplaced.category, "Protest");
    assert_warning(&l, "line 5", "no coordinates");
    assert_eq!(l.warnings.len(), 1, "{:#?}", warnings(&l));
}

#[test]
fn gdelt_with_a_header_row_and_wrong_files() {
    let header = gdelt::V2_COLUMNS.join("\t");
    let body = String::from_utf8(fixture("gdelt/20160919-22.export.CSV")).unwrap();
    let with_header = format!("{header}\n{body}");
    let l = gdelt::read(with_header.as_bytes()).unwrap();
    assert_eq!(l.records, 7);
    assert_eq!(lonlat(get(&l, "583012345")), Some((37.1586, 36.2028)));
    assert_warning(&l, "line 6", "no coordinates");

    let e = gdelt::read(b"1\t20160919\tx\n").unwrap_err();
    assert!(e.message.contains("3 tab-separated fields"), "{e}");
    assert!(!gdelt::sniff(b"date,lat,lon\n2016-09-19,1,2\n"));
}

// ---------------------------------------------------------------------------------------------
// Any CSV
// ---------------------------------------------------------------------------------------------

#[test]
fn generic_detects_columns_by_name() {
    let bytes = fixture("csv/monitoring_dayfirst.csv");
    let (headers, m) = csv_generic::detect(&bytes).unwrap();
    assert_eq!(headers[1], "Date");
    let expect = CsvMapping {
        delimiter: b',',
        id: Some(0),
        date: Some(1),
        place: Some(2),
        admin1: Some(3),
        lat: Some(4),
        lon: Some(5),
        category: Some(6),
        killed: Some(7),
        text: Some(8),
        source: Some(9),
        url: Some(10),
        ..CsvMapping::default()
    };
    assert_eq!(m, expect);
}

#[test]
fn generic_day_first_spreadsheet() {
    let l = csv_generic::read(&fixture("csv/monitoring_dayfirst.csv")).unwrap();
    assert_eq!(l.format, Format::Csv);
    assert_eq!(l.records, 8);
    assert_eq!(l.dataset.incidents.len(), 8);

    let douma = get(&l, "SN-0101");
    assert_eq!(douma.date, day("2015-12-29"));
    assert_eq!(lonlat(douma), Some((36.4011, 33.5711)));
    assert_eq!(douma.title, "Airstrike in Douma");
    assert_eq!(douma.category, "Airstrike");
    assert_eq!(douma.admin1.as_deref(), Some("Rif Dimashq"));
    assert_eq!(douma.casualties.killed, Some(12));
    assert_eq!(
        douma.sources[0].publisher,
        "Syrian Network for Human Rights"
    );
    assert_eq!(
        &*douma.sources[0].quote,
        "Airstrikes hit the market in Douma, killing 12 civilians."
    );

    // The column is day-first (29/12/2015), so 01/02/2016 is 1 February.
    let aleppo = get(&l, "SN-0103");
    assert_eq!(aleppo.date, day("2016-02-01"));
    assert_eq!(lonlat(aleppo), Some((37.1343, 36.2021)), "quoted numbers");
    assert_eq!(aleppo.sources.len(), 2, "two links, two sources");
    assert_eq!(aleppo.sources[1].publisher, "twitter.com");
    assert_eq!(get(&l, "SN-0104").date, day("2016-01-02"));

    let undated = get(&l, "SN-0105");
    assert_eq!(undated.date, None);
    assert_eq!(undated.extra["Date"], "unknown");
    assert_warning(&l, "line 6", "Date \"unknown\" is not a date");

    assert_eq!(get(&l, "SN-0106").location, None);
    assert_warning(&l, "line 7", "no coordinates");
    assert_eq!(get(&l, "SN-0107").date, day("2016-01-04"));
    assert_warning(&l, "line 8", "8 fields where the header has 11");

    let dup = get(&l, "SN-0101-2");
    assert_eq!(dup.date, day("2016-01-05"));
    assert_eq!(dup.extra["column 12"], "checked by AB");
    assert_warning(&l, "line 9", "duplicate id; renamed to \"SN-0101-2\"");
    assert_warning(&l, "line 9", "12 fields where the header has 11");
    assert_eq!(l.warnings.len(), 5, "{:#?}", warnings(&l));
}

#[test]
fn generic_month_first_spreadsheet() {
    let l = csv_generic::read(&fixture("csv/ukraine_monthfirst.csv")).unwrap();
    assert_eq!(l.records, 4);
    let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["row-1", "row-2", "row-3", "row-4"]);
    let kyiv = get(&l, "row-1");
    assert_eq!(kyiv.date, day("2022-02-24"));
    assert_eq!(lonlat(kyiv), Some((30.5234, 50.4501)));
    assert_eq!(kyiv.category, "Missile strike");
    assert_eq!(kyiv.sources[0].publisher, "bbc.co.uk");
    assert_eq!(get(&l, "row-3").date, day("2022-03-01"), "month-first");
    assert_eq!(get(&l, "row-4").date, day("2022-03-09"));
    assert!(l.warnings.is_empty(), "{:#?}", warnings(&l));
}

#[test]
fn generic_single_coordinates_column() {
    let bytes = fixture("csv/latlon_column.csv");
    let (_, m) = csv_generic::detect(&bytes).unwrap();
    assert_eq!((m.latlon, m.lat, m.lon), (Some(2), None, None));
    assert_eq!((m.place, m.text), (Some(1), Some(3)));
    let l = csv_generic::read(&bytes).unwrap();
    assert_eq!(lonlat(get(&l, "row-1")), Some((36.9431, 36.1447)));
    assert_eq!(lonlat(get(&l, "row-3")), Some((36.6339, 35.9306)));
    assert_eq!(get(&l, "row-2").place, "Aleppo");
    assert_eq!(get(&l, "row-4").location, None);
    assert_warning(
        &l,
        "line 5",
        "\"not known\" is not a \"latitude, longitude\" pair",
    );
}

#[test]
fn generic_semicolons_in_windows_1252() {
    let l = csv_generic::read(&fixture("csv/semicolon_cp1252.csv")).unwrap();
    assert_eq!(l.records, 3);
    assert_warning(&l, "file", "Windows-1252");
    let convoy = get(&l, "row-1");
    assert_eq!(convoy.date, day("2016-09-19"));
    assert_eq!(lonlat(convoy), Some((36.9431, 36.1447)), "decimal commas");
    assert_eq!(convoy.category, "Frappe aérienne");
    assert_eq!(convoy.place, "Urm al-Kubra");
    assert_eq!(
        &*convoy.sources[0].quote,
        "Un convoi humanitaire a été frappé – 20 morts"
    );
    assert_eq!(convoy.sources[0].publisher, "OSDH");
    assert_eq!(
        &*get(&l, "row-2").sources[0].quote,
        "Quartiers est d’Alep bombardés"
    );
    assert_eq!(l.warnings.len(), 1, "{:#?}", warnings(&l));
}

#[test]
fn generic_swapped_columns_are_noticed() {
    let bytes = fixture("csv/myanmar_swapped.csv");
    let (_, m) = csv_generic::detect(&bytes).unwrap();
    assert!(m.swapped);
    let l = csv_generic::read(&bytes).unwrap();
    let maungdaw = get(&l, "row-1");
    assert_eq!(lonlat(maungdaw), Some((92.3673, 20.8242)));
    assert_eq!(maungdaw.title, "Attacks on police posts in Maungdaw");
    assert_warning(&l, "file", "longitude where it names latitude");
    assert_eq!(l.warnings.len(), 1, "{:#?}", warnings(&l));

    // One swapped row in an otherwise right file is fixed and reported on its line.
    let text = "date,lat,lon\n2017-08-25,20.8242,92.3673\n2017-08-26,92.5316,20.8697\n";
    let l = csv_generic::read(text.as_bytes()).unwrap();
    assert_eq!(lonlat(get(&l, "row-2")), Some((92.5316, 20.8697)));
    assert_warning(&l, "line 3", "look swapped");
}

#[test]
fn generic_tsv_with_month_and_year_dates() {
    let l = csv_generic::read(&fixture("csv/aleppo.tsv")).unwrap();
    assert_eq!(l.records, 4);
    let first = get(&l, "row-1");
    assert_eq!(first.category, "Air/drone strike");
    assert_eq!(
        &*first.sources[0].quote,
        "Aid convoy struck at Urm al-Kubra"
    );
    let month = get(&l, "row-3");
    assert_eq!(
        (month.date, month.date_precision),
        (day("2016-09-01"), DatePrecision::Month)
    );
    let year = get(&l, "row-4");
    assert_eq!(
        (year.date, year.date_precision),
        (day("2016-01-01"), DatePrecision::Year)
    );
    assert!(l.warnings.is_empty(), "{:#?}", warnings(&l));
}

#[test]
fn generic_ambiguous_dates_are_read_day_first_with_a_warning() {
    let text = "date,lat,lon\n01/02/2016,36.2,37.1\n03/04/2016,36.2,37.1\n";
    let l = csv_generic::read(text.as_bytes()).unwrap();
    assert_eq!(get(&l, "row-1").date, day("2016-02-01"));
    assert_warning(&l, "file", "day-first or month-first");
}

#[test]
fn generic_user_chosen_columns() {
    let e = csv_generic::read(b"when,place,what\n19/09/2016,Aleppo,convoy\n").unwrap_err();
    assert!(e.message.contains("no coordinate columns"), "{e}");
    assert!(e.message.contains("when, place, what"), "{e}");

    // Unnamed coordinates are found by their values (two neighbouring columns of degrees)…
    let text = "when,northing,easting,what\n19/09/2016,36.1447,36.9431,convoy\n";
    let (_, m) = csv_generic::detect(text.as_bytes()).unwrap();
    assert_eq!((m.lat, m.lon, m.date), (Some(1), Some(2), Some(0)));
    // …and the user can say otherwise, by name (any case) or 1-based number.
    let l = csv_generic::read_with_columns(
        text.as_bytes(),
        &[
            (Column::Lat, "easting"),
            (Column::Lon, "2"),
            (Column::Text, "WHAT"),
        ],
    )
    .unwrap();
    let inc = get(&l, "row-1");
    assert_eq!(lonlat(inc), Some((36.1447, 36.9431)));
    assert_eq!(inc.date, day("2016-09-19"));
    assert_eq!(&*inc.sources[0].quote, "convoy");
    let l = csv_generic::read_with_columns(
        b"when,place,what\n19/09/2016,\"36.2, 37.1\",convoy\n",
        &[(Column::LatLon, "place")],
    )
    .unwrap();
    assert_eq!(lonlat(get(&l, "row-1")), Some((37.1, 36.2)));

    let headers: Vec<String> = ["a", "Event Date"].map(String::from).to_vec();
    assert_eq!(
        csv_generic::column_index(&headers, "event_date").unwrap(),
        1
    );
    assert_eq!(csv_generic::column_index(&headers, "1").unwrap(), 0);
    let e = csv_generic::column_index(&headers, "3").unwrap_err();
    assert!(e.message.contains("the file has 2 columns"), "{e}");
    let e = csv_generic::column_index(&headers, "lat").unwrap_err();
    assert!(e.message.contains("no column named \"lat\""), "{e}");
    assert_eq!(Column::from_name("--date-end"), Some(Column::DateEnd));
    let e = csv_generic::read_with_columns(text.as_bytes(), &[(Column::Lat, "nope")]).unwrap_err();
    assert!(e.message.starts_with("--lat: no column named"), "{e}");
}

#[test]
fn generic_errors_say_what_is_missing() {
    let e = csv_generic::read(b"2016-09-19,36.2,37.1\n2016-09-20,36.3,37.2\n").unwrap_err();
    assert!(e.message.contains("not column names"), "{e}");
    let e = csv_generic::read(b"name,lat,lon\nA,36.2,37.1\n").unwrap_err();
    assert!(e.message.contains("no date column"), "{e}");
    assert!(!e.message.contains("coordinate"), "{e}");
    let e = csv_generic::read(b"just some words\nand more\n").unwrap_err();
    assert!(e.message.contains("no comma, semicolon or tab"), "{e}");
    let e = csv_generic::read(b"\x00\x01\x02,\x03").unwrap_err();
    assert!(e.message.contains("binary"), "{e}");
    let e = csv_generic::read(b"  \r\n").unwrap_err();
    assert_eq!(e.message, "the file is empty");
    assert!(csv_generic::sniff(b"date;lat;lon\n"));
    assert!(!csv_generic::sniff(b"{\"type\":\"FeatureCollection\"}"));
}

#[test]
fn line_numbers_are_physical_lines() {
    // Blank lines, a quoted line break and CRLF endings: the warning names the line the
    // record starts on, as an editor shows it.
    let text = "date,lat,lon,notes\r\n\r\n2016-09-19,36.2,37.1,\"two\nlines\"\r\n\r\n2016-09-20,36.2,999,x\r\n";
    let l = csv_generic::read(text.as_bytes()).unwrap();
    assert_eq!(l.records, 2);
    assert_eq!(&*get(&l, "row-1").sources[0].quote, "two\nlines");
    assert_warning(&l, "line 6", "latitude 36.2, longitude 999");
    assert_eq!(l.warnings.len(), 1, "{:#?}", warnings(&l));
}

#[test]
fn dates_module_is_public() {
    assert_eq!(
        dates::parse_date("Sept. 19, 2016, 3:38 p.m."),
        Some((day("2016-09-19").unwrap(), DatePrecision::Day))
    );
    assert_eq!(
        dates::infer_order(["02/24/2022"]),
        (dates::DayOrder::MonthFirst, false)
    );
}

// ---------------------------------------------------------------------------------------------
// No panics
// ---------------------------------------------------------------------------------------------

/// Truncated and corrupted variants of `bytes`: 37 prefixes, deterministic byte flips, and
/// inserted quotes, separators and line breaks.
fn mangled(bytes: &[u8]) -> Vec<Vec<u8>> {
    let n = bytes.len();
    let mut out = Vec::new();
    for k in 0..37 {
        out.push(bytes[..n * k / 37].to_vec());
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..40 {
        let mut v = bytes.to_vec();
        for _ in 0..=round % 5 {
            if v.is_empty() {
                break;
            }
            let i = (next() % v.len() as u64) as usize;
            let b = next() as u8;
            match round % 4 {
                0 => v[i] ^= b | 1,
                1 => v.insert(
                    i,
                    [b'"', b',', b'\t', b';', b'\n', b'\r', 0xFF, 0xC3][usize::from(b % 8)],
                ),
                2 => {
                    v.remove(i);
                }
                _ => v[i] = b,
            }
        }
        out.push(v);
    }
    out
}

#[test]
fn no_panic_on_mangled_input() {
    let fixtures = [
        "acled/syria_2016-09.csv",
        "acled/syria_2016-09_bom.csv",
        "acled/syria_legacy.csv",
        "gdelt/20160919-22.export.CSV",
        "csv/monitoring_dayfirst.csv",
        "csv/ukraine_monthfirst.csv",
        "csv/latlon_column.csv",
        "csv/semicolon_cp1252.csv",
        "csv/myanmar_swapped.csv",
        "csv/aleppo.tsv",
    ];
    for name in fixtures {
        for variant in mangled(&fixture(name)) {
            let _ = acled::sniff(&variant);
            let _ = gdelt::sniff(&variant);
            let _ = csv_generic::sniff(&variant);
            if let Ok(l) = acled::read(&variant) {
                assert_eq!(l.records, l.dataset.incidents.len());
                let _ = acled::read(&acled::write(&l.dataset));
            }
            if let Ok(l) = gdelt::read(&variant) {
                assert_eq!(l.records, l.dataset.incidents.len());
            }
            if let Ok(l) = csv_generic::read(&variant) {
                assert_eq!(l.records, l.dataset.incidents.len());
            }
        }
    }
}
