//! The built-in sample: honest to its source, in canonical form, and as the issue describes it.

use std::path::{Path, PathBuf};

use sitview::formats::geojson;
use sitview::model::{Dataset, DatePrecision, LocationPrecision};

const SAMPLE: &str = "assets/samples/aleppo-2016-09.geojson";

fn sample() -> Dataset {
    geojson::read(sitview::app::SAMPLE_GEOJSON)
        .expect("the sample parses")
        .dataset
}

/// Collapses runs of whitespace, so line breaks in the seed do not matter.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a quote into sentences: after `.`, `!`, `?` (optionally followed by a closing quote)
/// and whitespace, when the next word starts with an upper-case letter or an opening quote.
fn sentences(quote: &str) -> Vec<String> {
    let words: Vec<&str> = quote.split_whitespace().collect();
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        current.push(w);
        let ends = w
            .trim_end_matches(['”', '"', '’'])
            .ends_with(['.', '!', '?']);
        let next_starts = words
            .get(i + 1)
            .and_then(|n| n.chars().next())
            .is_some_and(|c| c.is_uppercase() || c == '“' || c == '"');
        if ends && next_starts {
            out.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

#[test]
fn every_quoted_sentence_is_verbatim_in_the_seed_report() {
    let dir = seed_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        // CI sets SITVIEW_REQUIRE_SHARED=1, so there a missing ../shared fails instead.
        assert!(
            std::env::var_os("SITVIEW_REQUIRE_SHARED").is_none(),
            "{} is missing",
            dir.display()
        );
        eprintln!(
            "SKIPPED: {} is not beside the repository; quotes not checked",
            dir.display()
        );
        return;
    };
    let mut report = String::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            report.push_str(&std::fs::read_to_string(&path).unwrap());
            report.push('\n');
        }
    }
    let report = squash(&report);
    assert!(report.len() > 1000, "the seed report is there");
    let ds = sample();
    let mut checked = 0;
    for inc in &ds.incidents {
        assert!(!inc.sources.is_empty(), "{} has no source", inc.id);
        for src in &inc.sources {
            for sentence in sentences(&src.quote) {
                assert!(
                    report.contains(&sentence),
                    "{}: not verbatim in the report: {sentence:?}",
                    inc.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 7, "only {checked} sentences checked");
}

#[test]
fn sentence_splitting_keeps_abbreviations_and_splits_sentences() {
    assert_eq!(
        sentences("It was over. Russia denies it. “They lie,” he said. the end"),
        [
            "It was over.",
            "Russia denies it.",
            "“They lie,” he said. the end"
        ]
    );
}

#[test]
fn the_sample_is_stored_as_the_writer_writes_it() {
    let ds = sample();
    let written = geojson::write(&ds);
    if std::env::var_os("SITVIEW_BLESS").is_some() {
        std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE), &written).unwrap();
        return;
    }
    assert!(
        written == sitview::app::SAMPLE_GEOJSON,
        "{SAMPLE} is not in the writer's canonical form; rerun with SITVIEW_BLESS=1 and review the diff"
    );
    let again = geojson::read(&written).unwrap().dataset;
    assert_eq!(again, ds);
}

#[test]
fn the_sample_holds_the_reported_incidents_with_honest_precision() {
    let ds = sample();
    assert_eq!(ds.incidents.len(), 7);
    let by_id = |id: &str| {
        let i = ds.find(id).unwrap_or_else(|| panic!("{id} missing"));
        &ds.incidents[i]
    };

    let convoy = by_id("aj-2016-09-19-un-convoy");
    assert_eq!(convoy.date.unwrap().to_string(), "2016-09-19");
    assert_eq!(convoy.date_end, None);
    assert_eq!(convoy.date_precision, DatePrecision::Day);

    let tuman = by_id("aj-2016-09-22-khan-tuman-ambulances");
    assert_eq!(tuman.location_precision, LocationPrecision::Approximate);
    assert_eq!(tuman.location_radius_m, Some(3000.0));
    assert_eq!(tuman.casualties.killed, Some(4));

    // Incidents dated only "since the truce collapsed" carry a range, not a made-up day.
    for inc in ds.incidents.iter().filter(|i| i.id != convoy.id) {
        assert!(
            inc.date_end.is_some() && inc.date_precision != DatePrecision::Day,
            "{} claims more date precision than the article gives",
            inc.id
        );
    }

    let mut killed: Vec<u32> = ds
        .incidents
        .iter()
        .filter_map(|i| i.casualties.killed)
        .collect();
    killed.sort_unstable();
    assert_eq!(killed, [2, 4, 12, 18]);
    let twelve = ds
        .incidents
        .iter()
        .find(|i| i.casualties.killed == Some(12))
        .unwrap();
    assert_eq!(twelve.casualties.children_killed, Some(2));

    for inc in &ds.incidents {
        assert!(inc.location.is_some(), "{} is not geocoded", inc.id);
        for s in &inc.sources {
            assert_eq!(s.publisher, "Al Jazeera");
            assert_eq!(s.published.unwrap().to_string(), "2016-09-22");
            assert!(
                s.url
                    .as_deref()
                    .unwrap()
                    .starts_with("https://www.aljazeera.com/")
            );
            assert!(s.attribution.is_some(), "{}: who makes the claim?", inc.id);
        }
    }
}
