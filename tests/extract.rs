//! Report extraction on the seed article and on reports of other styles (wire copy, a monitor's
//! bulletin with Arabic place names, a diplomatic report with no incident), and `sitview
//! extract` run as a user would run it.

use std::path::{Path, PathBuf};
use std::process::Command;

use sitview::extract::{Candidate, ExtractOptions, Extraction, extract};
use sitview::formats::geojson;
use sitview::model::{DatePrecision, Day, LocationPrecision};

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn options(published: &str) -> ExtractOptions {
    ExtractOptions {
        published: day(published),
        publisher: "Test publisher".into(),
        url: Some("https://example.org/report".into()),
    }
}

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reports")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// What one candidate must be.
struct Expect {
    place: &'static str,
    category: &'static str,
    date: &'static str,
    date_end: Option<&'static str>,
    killed: Option<u32>,
    children: Option<u32>,
    injured: Option<u32>,
    /// A piece the attribution must contain (None: no attribution).
    attribution: Option<&'static str>,
}

fn check(text: &str, result: &Extraction, published: &str, expected: &[Expect]) {
    let got: Vec<String> = result
        .candidates
        .iter()
        .map(|c| {
            let i = &c.incident;
            format!("{} | {} | {}", i.place, i.category, i.date_text())
        })
        .collect();
    assert_eq!(
        result.candidates.len(),
        expected.len(),
        "candidates: {got:#?}"
    );
    for (c, e) in result.candidates.iter().zip(expected) {
        let i = &c.incident;
        let ctx = format!("{} ({got:#?})", i.place);
        assert_eq!(i.place, e.place, "{ctx}");
        assert_eq!(i.category, e.category, "{ctx}");
        assert_eq!(i.date, Some(day(e.date)), "{ctx}");
        assert_eq!(i.date_end, e.date_end.map(day), "{ctx}");
        let precision = if e.date_end.is_some() {
            DatePrecision::Week
        } else {
            DatePrecision::Day
        };
        assert_eq!(i.date_precision, precision, "{ctx}");
        assert_eq!(i.casualties.killed, e.killed, "{ctx} killed");
        assert_eq!(i.casualties.children_killed, e.children, "{ctx} children");
        assert_eq!(i.casualties.injured, e.injured, "{ctx} injured");
        let src = &i.sources[0];
        match e.attribution {
            Some(a) => assert!(
                src.attribution.as_deref().is_some_and(|x| x.contains(a)),
                "{ctx}: attribution {:?}, expected {a:?}",
                src.attribution
            ),
            None => assert_eq!(src.attribution, None, "{ctx}"),
        }
        check_common(text, c, published);
    }
}

/// What every candidate carries, whatever the report.
fn check_common(text: &str, c: &Candidate, published: &str) {
    let i = &c.incident;
    let src = &i.sources[0];
    assert!(
        text.contains(&*src.quote),
        "quote is not verbatim: {:?}",
        src.quote
    );
    for span in &c.spans {
        assert!(src.quote.contains(&text[span.clone()]));
    }
    assert_eq!(src.published, Some(day(published)));
    assert_eq!(src.publisher, "Test publisher");
    assert_eq!(src.url.as_deref(), Some("https://example.org/report"));
    assert!(i.location.is_some() && i.location_radius_m.is_some_and(|r| r > 0.0));
    let notes = i.notes.as_deref().unwrap_or("");
    assert!(
        notes.contains("Place:") && notes.contains("Date:"),
        "{notes}"
    );
    assert!(!c.why.is_empty());
    assert!(!i.id.is_empty() && !i.title.is_empty());
}

fn seed_text() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    match files.first() {
        Some(f) => Some(std::fs::read_to_string(f).expect("the seed is UTF-8 text")),
        None => {
            // CI sets SITVIEW_REQUIRE_SHARED=1, so there a missing ../shared fails instead.
            assert!(
                std::env::var_os("SITVIEW_REQUIRE_SHARED").is_none(),
                "{} has no report",
                dir.display()
            );
            eprintln!("SKIPPED: {} is missing", dir.display());
            None
        }
    }
}

#[test]
fn seed_article_gives_the_incidents_of_the_acceptance_list() {
    let Some(text) = seed_text() else { return };
    let result = extract(&text, &options("2016-09-22"));
    let week = Some("2016-09-22");
    let e = |place, category, date, date_end, killed, children, attribution| Expect {
        place,
        category,
        date,
        date_end,
        killed,
        children,
        injured: None,
        attribution,
    };
    check(
        &text,
        &result,
        "2016-09-22",
        &[
            // The photo caption: "airstrikes on the rebel held al-Qaterji neighbourhood".
            e(
                "Karm al-Qaterji (al-Qaterji)",
                "Air strike",
                "2016-09-16",
                week,
                None,
                None,
                None,
            ),
            e(
                "East Aleppo (rebel-held)",
                "Air strike",
                "2016-09-16",
                week,
                None,
                None,
                None,
            ),
            e(
                "UN aid convoy strike site, Urum al-Kubra (19 Sep 2016)",
                "Attack on aid",
                "2016-09-19",
                None,
                None,
                None,
                Some("US"),
            ),
            // "dozens of raids hit eastern Aleppo" + "At least 12 civilians … the monitor said".
            e(
                "East Aleppo (rebel-held)",
                "Air strike",
                "2016-09-19",
                week,
                Some(12),
                Some(2),
                Some("Syrian Observatory for Human Rights"),
            ),
            e(
                "Khān Shaykhūn",
                "Bombing",
                "2016-09-16",
                week,
                Some(18),
                None,
                Some("Syrian Observatory for Human Rights"),
            ),
            e(
                "Khan Tuman (approximate)",
                "Attack on medical care",
                "2016-09-16",
                week,
                Some(4),
                None,
                Some("Union of Syrian Medical Relief Organisations"),
            ),
            e(
                "West Aleppo (government-held)",
                "Shelling",
                "2016-09-16",
                week,
                Some(2),
                None,
                Some("Syrian state media"),
            ),
        ],
    );
    // The toll sentence is merged with the raids sentence before it, both quoted.
    let toll = &result.candidates[3];
    assert_eq!(toll.spans.len(), 2);
    assert!(
        toll.incident.sources[0]
            .quote
            .starts_with("Since the collapse of the truce, dozens of raids hit eastern Aleppo")
    );
    assert!(
        toll.incident.sources[0]
            .quote
            .ends_with("the monitor said.")
    );
    // The New York meeting is no incident: skipped, with the reason.
    assert!(
        result
            .candidates
            .iter()
            .all(|c| !c.incident.sources[0].quote.contains("New York"))
    );
    let ny = result
        .skipped
        .iter()
        .find(|s| s.sentence.contains("meeting in New York"))
        .expect("the New York sentence is listed as skipped");
    assert!(ny.reason.contains("New York"), "{}", ny.reason);
    // Places and precision agree with the built-in sample made from the same article.
    let sample = geojson::read(sitview::app::SAMPLE_GEOJSON).unwrap().dataset;
    for (cand, sample_id) in [
        (0, "aj-2016-09-22-qaterji"),
        (2, "aj-2016-09-19-un-convoy"),
        (4, "aj-2016-09-22-khan-sheikhun"),
        (5, "aj-2016-09-22-khan-tuman-ambulances"),
        (6, "aj-2016-09-22-west-aleppo-shelling"),
    ] {
        let s = &sample.incidents[sample.find(sample_id).unwrap()];
        let c = &result.candidates[cand].incident;
        let (a, b) = (c.location.unwrap(), s.location.unwrap());
        assert!(
            (a.lon - b.lon).abs() < 1e-5 && (a.lat - b.lat).abs() < 1e-5,
            "{sample_id}: {a:?} vs {b:?}"
        );
    }
    assert_eq!(
        result.candidates[5].incident.location_precision,
        LocationPrecision::Approximate
    );
    assert_eq!(
        result.candidates[2].incident.location_precision,
        LocationPrecision::Exact
    );
}

#[test]
fn wire_copy() {
    let text = fixture("wire_reuters.txt");
    // Published on a Tuesday.
    let result = extract(&text, &options("2017-04-04"));
    check(
        &text,
        &result,
        "2017-04-04",
        &[
            Expect {
                place: "Saraqib",
                category: "Air strike",
                date: "2017-04-03",
                date_end: None,
                killed: Some(7),
                children: Some(3),
                injured: None,
                attribution: Some("a war monitor and rescue workers"),
            },
            Expect {
                place: "Ma‘arrat an Nu‘mān",
                category: "Air strike",
                date: "2017-04-03",
                date_end: Some("2017-04-04"),
                killed: None,
                children: None,
                injured: Some(15),
                attribution: Some("Syrian Observatory for Human Rights"),
            },
            Expect {
                place: "Maharda",
                category: "Shelling",
                date: "2017-04-03",
                date_end: None,
                killed: Some(2),
                children: None,
                injured: None,
                attribution: Some("SANA"),
            },
            Expect {
                place: "I‘zāz",
                category: "Bombing",
                date: "2017-04-02",
                date_end: None,
                killed: None,
                children: None,
                injured: None,
                attribution: None,
            },
        ],
    );
    // "The monitor said it could not say whose jets …" continues the Maarat paragraph.
    assert_eq!(result.candidates[1].spans.len(), 2);
    // The headline and the Washington sentence are skipped with their reasons.
    let reasons: Vec<&str> = result
        .skipped
        .iter()
        .filter(|s| s.had_incident_words)
        .map(|s| s.reason.as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("headline"));
    assert!(reasons[1].contains("no place in Syria"));
}

#[test]
fn monitor_bulletin_with_arabic_place_names() {
    let text = fixture("monitor_bulletin.txt");
    // Published on a Friday.
    let result = extract(&text, &options("2019-05-10"));
    let e = |place, category, date, date_end, killed, children, injured| Expect {
        place,
        category,
        date,
        date_end,
        killed,
        children,
        injured,
        attribution: None,
    };
    let mut expected = vec![
        // "خان شيخون", "since dawn today".
        e(
            "Khān Shaykhūn",
            "Air strike",
            "2019-05-10",
            None,
            Some(3),
            Some(1),
            None,
        ),
        e(
            "Kafranbel",
            "Air strike",
            "2019-05-04",
            Some("2019-05-10"),
            None,
            None,
            None,
        ),
        // Two places in one sentence: one candidate each; the killed woman is in the clause
        // that names Kafr Zita alone, so Suran gets no figures.
        e(
            "Kafr Zaytā",
            "Shelling",
            "2019-05-09",
            None,
            Some(1),
            None,
            None,
        ),
        e("Şūrān", "Shelling", "2019-05-09", None, None, None, None),
        // "معرة النعمان"; "among them 2 medics" is a subset, not more wounded.
        e(
            "Ma‘arrat an Nu‘mān",
            "Air strike",
            "2019-05-04",
            Some("2019-05-10"),
            None,
            None,
            Some(9),
        ),
        // "Aleppo:" is the wider area of Khan Touman.
        e(
            "Khan Tuman (approximate)",
            "Armed clash",
            "2019-05-09",
            None,
            Some(5),
            None,
            None,
        ),
        e(
            "Saraqib",
            "Attack",
            "2019-05-06",
            Some("2019-05-10"),
            Some(1),
            None,
            None,
        ),
    ];
    expected[1].attribution = Some("SOHR sources");
    expected[6].attribution = Some("Observatory");
    check(&text, &result, "2019-05-10", &expected);
    assert_eq!(
        result.candidates[0].incident.place_local.as_deref(),
        Some("خان شيخون")
    );
}

#[test]
fn diplomatic_report_has_no_incidents() {
    let text = fixture("diplomacy.txt");
    let result = extract(&text, &options("2016-09-27"));
    assert!(
        result.candidates.is_empty(),
        "{:#?}",
        result
            .candidates
            .iter()
            .map(|c| &c.incident.sources[0].quote)
            .collect::<Vec<_>>()
    );
    let geneva = result
        .skipped
        .iter()
        .find(|s| s.sentence.contains("The bombing of Aleppo must stop"))
        .unwrap();
    assert!(geneva.had_incident_words);
    assert!(geneva.reason.contains("Geneva"), "{}", geneva.reason);
    // Every sentence is accounted for.
    assert!(result.skipped.len() >= 6);
}

#[test]
fn odd_input_never_panics() {
    let o = options("2016-09-22");
    for t in [
        "",
        " ",
        "\n\n\n",
        ".",
        "؟؟؟",
        "killed killed killed",
        "At least",
        "Aleppo",
        "الشيخ",
        "’s",
        "Khan\u{0301} Shaykhun was bombed",
        "1,2,3,4,5,6,7,8,9 were killed in Idlib on 31 February.",
        "4000000000 dozen and 4000000000 civilians were killed in Saraqib, wounding 4294967295 \
         and 4294967295 people.",
        "Shelling on Saraqib on 2016-02-30 and 99 Sept. killed ninety-nine hundred dozen people",
    ] {
        let r = extract(t, &o);
        for c in &r.candidates {
            assert!(t.contains(&*c.incident.sources[0].quote));
        }
    }
    // Random sentences from report-like pieces (a fixed-seed generator: reproducible).
    let pieces = [
        "killed",
        "wounded",
        " ",
        ". ",
        ", ",
        "\n",
        "\n\n",
        "at least",
        "two",
        "12",
        "dozen",
        "including",
        "children",
        "were",
        "Aleppo",
        "Khan Sheikhun",
        "خان شيخون",
        "ال",
        "al-",
        "on Monday",
        "yesterday",
        "this week",
        "Sept.",
        "19",
        "according to",
        "the monitor",
        "said",
        "the city's",
        "west",
        "UN aid convoy",
        "province",
        "’s",
        "؟",
        "\u{0301}",
        "“",
    ];
    let mut seed: u64 = 0x5eed;
    for _ in 0..1500 {
        let mut t = String::new();
        for _ in 0..(seed % 40) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        let r = extract(&t, &o);
        for c in &r.candidates {
            assert!(t.contains(&*c.incident.sources[0].quote), "{t:?}");
        }
    }
    // Every prefix of a real-looking report.
    let text = fixture("wire_reuters.txt") + &fixture("monitor_bulletin.txt");
    let cuts: Vec<usize> = (0..text.len())
        .step_by(23)
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for i in cuts {
        let part = &text[..i];
        let r = extract(part, &o);
        for c in &r.candidates {
            assert!(part.contains(&*c.incident.sources[0].quote));
        }
    }
}

fn sitview() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitview"))
}

#[test]
fn cli_extract_writes_geojson_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("proposed.geojson");
    let report =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports/wire_reuters.txt");
    let run = sitview()
        .args(["extract"])
        .arg(&report)
        .args([
            "--published",
            "2017-04-04",
            "--publisher",
            "Reuters",
            "--url",
            "https://example.org/wire",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("Candidates: 4"), "{stdout}");
    assert!(
        stdout.contains("Skipped with incident words: 2"),
        "{stdout}"
    );
    assert!(stdout.contains("wrote 4 proposed incidents"), "{stdout}");
    let ds = geojson::read(&std::fs::read(&out).unwrap())
        .unwrap()
        .dataset;
    assert_eq!(ds.incidents.len(), 4);
    let s = &ds.incidents[0].sources[0];
    assert_eq!(s.publisher, "Reuters");
    assert_eq!(s.url.as_deref(), Some("https://example.org/wire"));
    assert_eq!(s.published, Some(day("2017-04-04")));
    assert_eq!(ds.incidents[0].casualties.killed, Some(7));
}

#[test]
fn cli_extract_refuses_empty_and_non_utf8_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.geojson");
    for (name, bytes, message) in [
        ("empty.txt", &b" \n\n"[..], "empty"),
        (
            "latin1.txt",
            &b"Air strikes on Aleppo \xe9t\xe9\n"[..],
            "not UTF-8",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let run = sitview()
            .arg("extract")
            .arg(&p)
            .args(["--published", "2016-09-22", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(message), "{name}: {err}");
        assert!(!out.exists(), "{name}: nothing is written");
    }
    let run = sitview()
        .args([
            "extract",
            "/nonexistent/report.txt",
            "--published",
            "2016-09-22",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn local_places_agree_with_the_built_in_sample() {
    // The sample was made by hand from the same sources: the project's list must not drift.
    let g = sitview::gazetteer::Gazetteer::embedded();
    let sample = geojson::read(sitview::app::SAMPLE_GEOJSON).unwrap().dataset;
    for (key, id) in [
        ("qaterji", "aj-2016-09-22-qaterji"),
        ("east_aleppo", "aj-2016-09-22-east-aleppo-raids"),
        ("west_aleppo", "aj-2016-09-22-west-aleppo-shelling"),
        ("khan_tuman", "aj-2016-09-22-khan-tuman-ambulances"),
        ("urum_convoy_site", "aj-2016-09-19-un-convoy"),
    ] {
        let e = g.by_local_key(key).unwrap();
        let s = &sample.incidents[sample.find(id).unwrap()];
        let at = s.location.unwrap();
        assert!(
            (e.location.lon - at.lon).abs() < 1e-5 && (e.location.lat - at.lat).abs() < 1e-5,
            "{key}: {:?} vs the sample's {at:?}",
            e.location
        );
        assert_eq!(e.precision, s.location_precision, "{key}");
        assert_eq!(Some(e.radius_m), s.location_radius_m, "{key}");
    }
}
