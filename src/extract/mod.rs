//! Report extraction: from the text of a news report or monitor bulletin to candidate incidents,
//! each geocoded through the gazetteer, dated from the publication day, with its casualty
//! figures, who makes the claim, and its sentence(s) quoted verbatim.
//!
//! The steps, one module each: [`sentences`] splits the text into byte spans; a sentence is a
//! candidate when it has an incident word (air strike, raid, shelling, attack, killed …) and a
//! place in Syria the [`gazetteer`](crate::gazetteer) knows; [`dates`] resolves "on Monday",
//! "yesterday", "this week" …; [`casualties`] reads the figures; [`attribution`] finds the
//! claimant. Adjacent sentences about the same place (or a follow-up sentence naming no place)
//! merge into one incident. Everything else is returned as skipped, with the reason, so a
//! reviewer sees what was left out and why. Nothing here is final: the candidates are proposals
//! for a person to accept, edit or reject. Knows the model, never egui.

pub mod attribution;
pub mod casualties;
pub mod dates;
pub mod sentences;

use std::collections::HashSet;
use std::ops::Range;

use crate::gazetteer::{Entry, Gazetteer, Origin};
use crate::model::{Casualties, Dataset, Day, Incident, SharedStr, Source};
use dates::When;

/// What the report is: needed to date its relative words and to cite it.
#[derive(Clone, Debug)]
pub struct ExtractOptions {
    /// Publication day: "on Monday", "yesterday" … count from it.
    pub published: Day,
    pub publisher: String,
    pub url: Option<String>,
}

/// How much to trust a candidate before review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// The place or date had to be inferred (carried over, defaulted, several places).
    Low,
    Medium,
    /// A place named in the sentence and a stated date.
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// A proposed incident.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Ready to add to a dataset: place, precision, dates, casualties, category, notes, and
    /// `sources[0]` with the verbatim quote, publisher, url, publication day and attribution.
    pub incident: Incident,
    pub confidence: Confidence,
    /// How each part was established, one line each (also summarised in the notes).
    pub why: Vec<String>,
    /// Byte spans of the quoted sentences in the input (to highlight them).
    pub spans: Vec<Range<usize>>,
}

/// A sentence that gave no candidate.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub sentence: String,
    pub span: Range<usize>,
    pub reason: String,
    /// It had incident words: worth a reviewer's look.
    pub had_incident_words: bool,
}

/// The result of [`extract`].
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    pub candidates: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
}

impl Extraction {
    /// The candidates as a dataset (all of them, as proposed).
    pub fn dataset(&self, title: Option<String>) -> Dataset {
        Dataset {
            title,
            incidents: self.candidates.iter().map(|c| c.incident.clone()).collect(),
            ..Default::default()
        }
    }
}

/// Incident words, with the category each suggests (None: any incident).
const CUES: &[(&str, Option<&str>)] = &[
    ("airstrike", Some(AIR)),
    ("airstrikes", Some(AIR)),
    ("air strike", Some(AIR)),
    ("air strikes", Some(AIR)),
    ("air raid", Some(AIR)),
    ("air raids", Some(AIR)),
    ("raid", Some(AIR)),
    ("raids", Some(AIR)),
    ("warplanes", Some(AIR)),
    ("warplane", Some(AIR)),
    ("jets", Some(AIR)),
    ("helicopters", Some(AIR)),
    ("helicopter", Some(AIR)),
    ("barrel bomb", Some(AIR)),
    ("barrel bombs", Some(AIR)),
    ("غارة", Some(AIR)),
    ("غارات", Some(AIR)),
    ("shelling", Some(SHELL)),
    ("shelled", Some(SHELL)),
    ("shells", Some(SHELL)),
    ("mortar", Some(SHELL)),
    ("mortars", Some(SHELL)),
    ("artillery", Some(SHELL)),
    ("rocket", Some(SHELL)),
    ("rockets", Some(SHELL)),
    ("missile", Some(SHELL)),
    ("missiles", Some(SHELL)),
    ("قصف", Some(SHELL)),
    ("bombing", Some(BOMB)),
    ("bombings", Some(BOMB)),
    ("bombed", Some(BOMB)),
    ("bombardment", Some(BOMB)),
    ("bombarded", Some(BOMB)),
    ("car bomb", Some(BOMB)),
    ("explosion", Some(BOMB)),
    ("explosions", Some(BOMB)),
    ("blast", Some(BOMB)),
    ("suicide bomber", Some(BOMB)),
    ("clashes", Some(CLASH)),
    ("clashed", Some(CLASH)),
    ("fighting", Some(CLASH)),
    ("ambush", Some(CLASH)),
    ("attack", None),
    ("attacks", None),
    ("attacked", None),
    ("struck", None),
    ("strike", None),
    ("strikes", None),
    ("targeted", None),
    ("massacre", None),
    ("killed", None),
    ("killing", None),
    ("dead", None),
    ("died", None),
    ("wounded", None),
    ("injured", None),
    ("sniper", None),
    ("hammer", None),
    ("pounded", None),
    ("مقتل", None),
    ("قتلى", None),
    ("استهداف", None),
];

const AIR: &str = "Air strike";
const SHELL: &str = "Shelling";
const BOMB: &str = "Bombing";
const CLASH: &str = "Armed clash";
const MEDICAL: &str = "Attack on medical care";
const AID: &str = "Attack on aid";
const ATTACK: &str = "Attack";

const MEDICAL_WORDS: &[&str] = &[
    "hospital",
    "hospitals",
    "clinic",
    "clinics",
    "ambulance",
    "ambulances",
    "medical",
    "health",
    "مشفى",
    "مستشفى",
];
const AID_WORDS: &[&str] = &[
    "convoy",
    "convoys",
    "humanitarian",
    "relief",
    "aid",
    "warehouse",
];

/// Foreign venues of diplomacy: a meeting there is not an incident in Syria.
const VENUES: &[&str] = &[
    "New York",
    "Geneva",
    "Vienna",
    "Lausanne",
    "Moscow",
    "Washington",
    "Astana",
    "Munich",
    "Brussels",
    "Paris",
    "London",
    "Riyadh",
    "Tehran",
    "Istanbul",
    "Sochi",
    "Doha",
];
const MEETING_WORDS: &[&str] = &[
    "meeting",
    "meetings",
    "meet",
    "talks",
    "summit",
    "conference",
    "negotiations",
    "session",
];

/// A sentence's words: lower-cased, with byte offsets and whether written with a capital
/// (not counting the first word).
struct Words {
    list: Vec<(usize, String, bool)>,
}

impl Words {
    fn new(s: &str) -> Words {
        let mut list = Vec::new();
        let mut start = None;
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            let inword = c.is_alphanumeric();
            match (start, inword) {
                (None, true) => start = Some(i),
                (Some(b), false) => {
                    let w = &s[b..i];
                    let cap = !list.is_empty() && w.chars().next().is_some_and(char::is_uppercase);
                    list.push((b, w.to_lowercase(), cap));
                    start = None;
                }
                _ => {}
            }
        }
        Words { list }
    }

    /// Offset of the first occurrence of a one- or two-word phrase.
    fn find(&self, phrase: &str) -> Option<usize> {
        let parts: Vec<&str> = phrase.split(' ').collect();
        self.list.windows(parts.len()).find_map(|w| {
            w.iter()
                .zip(&parts)
                .all(|((_, x, _), p)| x == p)
                .then(|| w[0].0)
        })
    }

    /// Whether a lower-case (not a name's) word from `set` occurs.
    fn has_plain(&self, set: &[&str]) -> bool {
        self.list
            .iter()
            .any(|(_, w, cap)| !cap && set.contains(&w.as_str()))
    }
}

/// The first incident word (offset, word) and the category the sentence suggests.
fn incident_words(words: &Words) -> Option<(usize, &'static str, &'static str)> {
    let mut first: Option<(usize, &str)> = None;
    let mut cat: Option<(usize, &str)> = None;
    for (cue, c) in CUES {
        if let Some(p) = words.find(cue) {
            if first.is_none_or(|(q, _)| p < q) {
                first = Some((p, cue));
            }
            if let Some(c) = c {
                // The category of the first categorised word in the sentence.
                if cat.is_none_or(|(q, _)| p < q) {
                    cat = Some((p, c));
                }
            }
        }
    }
    let (pos, cue) = first?;
    let category = if words.has_plain(MEDICAL_WORDS) {
        MEDICAL
    } else if words.has_plain(AID_WORDS)
        && (words.find("convoy").is_some()
            || words.find("aid workers").is_some()
            || words.find("humanitarian").is_some())
    {
        AID
    } else {
        cat.map_or(ATTACK, |(_, c)| c)
    };
    Some((pos, cue, category))
}

/// Why a sentence with incident words is still not an incident, if it isn't.
fn not_an_incident(sentence: &str, words: &Words, c: &Casualties) -> Option<String> {
    let has_figures = c.killed.is_some() || c.injured.is_some();
    if has_figures {
        return None;
    }
    if words.has_plain(MEETING_WORDS)
        && let Some(v) = VENUES.iter().find(|v| sentence.contains(*v))
    {
        return Some(format!(
            "about a meeting in {v} (diplomacy abroad, not an incident); the violence it \
             mentions is not described as one event"
        ));
    }
    for p in [
        "continue to",
        "continued to",
        "continues to",
        "continuing to",
    ] {
        if words.find(p).is_some() {
            return Some(format!(
                "describes ongoing violence (\"{p}\") rather than one incident, with no figures"
            ));
        }
    }
    None
}

/// A candidate being built.
struct Draft<'g> {
    entry: &'g Entry,
    place_text: String,
    spans: Vec<Range<usize>>,
    /// Paragraph of the last sentence merged in.
    paragraph: usize,
    when: When,
    casualties: Casualties,
    attributions: Vec<String>,
    category: &'static str,
    why: Vec<String>,
    confidence: Confidence,
}

/// Proposes incidents from the text of a report. Never panics; an empty or incident-free text
/// gives no candidates.
pub fn extract(text: &str, options: &ExtractOptions) -> Extraction {
    extract_with(Gazetteer::embedded(), text, options)
}

/// [`extract`] with a given gazetteer.
pub fn extract_with(g: &Gazetteer, text: &str, options: &ExtractOptions) -> Extraction {
    let sents = sentences::split(text);
    let mut drafts: Vec<Draft<'_>> = Vec::new();
    let mut skipped = Vec::new();
    let mut attr_ctx = attribution::Context::default();
    let mut last_city: Option<String> = None;
    // Drafts made from the previous sentence (indices into `drafts`).
    let mut previous: Vec<usize> = Vec::new();
    for s in &sents {
        let sentence = &text[s.span.clone()];
        let words = Words::new(sentence);
        let attribution = attribution::find(sentence, &mut attr_ctx);
        let found = g.find_in_text(sentence);
        let city_before = last_city.clone();
        for f in &found {
            if f.entry.in_syria() && !f.by_event_name {
                if let Some(w) = &f.entry.within {
                    last_city = Some(w.clone());
                } else if f.entry.population >= 100_000 {
                    last_city = Some(f.entry.name.clone());
                }
            }
        }
        let skip = |reason: String, cue: bool, skipped: &mut Vec<Skipped>| {
            skipped.push(Skipped {
                sentence: sentence.to_owned(),
                span: s.span.clone(),
                reason,
                had_incident_words: cue,
            });
        };
        let headline = sents.iter().filter(|o| o.paragraph == s.paragraph).count() == 1
            && sentence.chars().count() <= 90
            && !sentence.contains('\n')
            && !sentence.ends_with(['.', '!', '?', '"', '”', '’', ']', ')']);
        if headline {
            let had = incident_words(&words).is_some();
            skip(
                "a headline or subheading (a short line with no full stop): it summarises; \
                 the story's own sentences are used"
                    .into(),
                had,
                &mut skipped,
            );
            previous.clear();
            continue;
        }
        let Some((cue_pos, cue, category)) = incident_words(&words) else {
            skip("no incident words".into(), false, &mut skipped);
            previous.clear();
            continue;
        };
        let casualties = casualties::parse(sentence);
        if let Some(reason) = not_an_incident(sentence, &words, &casualties) {
            skip(reason, true, &mut skipped);
            previous.clear();
            continue;
        }
        let when = dates::resolve(sentence, options.published, cue_pos);
        let (places, mut why, outside) = places(g, sentence, &found, &when, city_before.as_deref());
        let mut made = Vec::new();
        if places.is_empty() {
            // A follow-up sentence naming no place: the previous sentence's incident.
            // Only a sentence that adds figures, or that continues the same paragraph, and
            // names no venue abroad ("told reporters in Washington that the attacks …").
            let follows = previous.len() == 1
                && (casualties.killed.is_some()
                    || casualties.injured.is_some()
                    || drafts[previous[0]].paragraph == s.paragraph)
                && !VENUES.iter().any(|v| sentence.contains(v));
            if follows {
                let d = &mut drafts[previous[0]];
                d.why.push(format!(
                    "the sentence \"{}\" names no place: taken as more on the incident before it",
                    short(sentence)
                ));
                merge(d, s.span.clone(), when, casualties, attribution, category);
                d.confidence = d.confidence.min(Confidence::Medium);
                made.push(previous[0]);
            } else {
                let reason = if outside.is_empty() {
                    format!(
                        "incident words (\"{cue}\") but no place in Syria that the gazetteer knows"
                    )
                } else {
                    format!(
                        "incident words (\"{cue}\") but the only places named are outside Syria: {}",
                        outside.join(", ")
                    )
                };
                skip(reason, true, &mut skipped);
            }
            previous = made;
            continue;
        }
        let several = places.len() > 1;
        let owner = if several {
            figures_owner(sentence, &found, &places)
        } else {
            None
        };
        for (entry, place_text) in places {
            // Same place as the single incident of the previous sentence: one incident,
            // unless the two sentences state different dates.
            if previous.len() == 1
                && std::ptr::eq(drafts[previous[0]].entry, entry)
                && !dates_differ(&drafts[previous[0]].when, &when)
            {
                let d = &mut drafts[previous[0]];
                d.why.push(
                    "the next sentence names the same place: merged into one incident".into(),
                );
                merge(
                    d,
                    s.span.clone(),
                    when.clone(),
                    casualties.clone(),
                    attribution.clone(),
                    category,
                );
                made.push(previous[0]);
                continue;
            }
            let mut w = std::mem::take(&mut why);
            let owns_figures = owner.is_some_and(|o| std::ptr::eq(o, entry));
            if owns_figures {
                w.push(format!(
                    "the sentence names several places: one candidate each; its figures are in \
                     the clause that names only {}",
                    entry.name
                ));
            } else if several {
                w.push(
                    "the sentence names several places: one candidate each; casualty figures \
                     are not split between them"
                        .into(),
                );
            }
            let confidence = if several || !when.stated && entry.event_days.is_some() {
                Confidence::Low
            } else if when.stated {
                Confidence::High
            } else {
                Confidence::Medium
            };
            drafts.push(Draft {
                entry,
                place_text,
                spans: vec![s.span.clone()],
                paragraph: s.paragraph,
                when: when.clone(),
                casualties: if several && !owns_figures {
                    Casualties::default()
                } else {
                    casualties.clone()
                },
                attributions: attribution.iter().cloned().collect(),
                category,
                why: w,
                confidence,
            });
            made.push(drafts.len() - 1);
        }
        why.clear();
        previous = made;
    }
    let candidates = finish(text, drafts, options);
    Extraction {
        candidates,
        skipped,
    }
}

/// The places an incident sentence is about, most specific first, with notes; and the names of
/// places outside Syria it mentions.
fn places<'g>(
    g: &'g Gazetteer,
    sentence: &str,
    found: &[crate::gazetteer::Found<'g>],
    when: &When,
    last_city: Option<&str>,
) -> (Vec<(&'g Entry, String)>, Vec<String>, Vec<String>) {
    let mut why = Vec::new();
    let mut outside = Vec::new();
    let mut out: Vec<(&'g Entry, String, Range<usize>)> = Vec::new();
    for f in found {
        let text = sentence[f.span.clone()].to_owned();
        if f.by_event_name {
            let Some((a, b)) = f.entry.event_days else {
                continue;
            };
            let end = when.end.unwrap_or(when.date);
            if when.stated && when.date >= a && end <= b {
                why.push(format!(
                    "\"{text}\" dated {} is, in the project's list of known incident sites, {} \
                     (valid {a} to {b} only)",
                    when.date, f.entry.name
                ));
                out.push((f.entry, text, f.span.clone()));
            }
            continue;
        }
        if !f.entry.in_syria() {
            outside.push(format!("{text} ({})", f.entry.country));
            continue;
        }
        if !out.iter().any(|(e, ..)| std::ptr::eq(*e, f.entry)) {
            out.push((f.entry, text, f.span.clone()));
        }
    }
    // "the city's (government-held) west": the city last named in the report.
    if out.is_empty()
        && let Some(city) = last_city
    {
        let lower = sentence.to_lowercase().replace('’', "'");
        if let Some(p) = lower.find("the city's") {
            let tail: String = lower[p..].chars().take(40).collect();
            for (dir, word) in [("west", "west"), ("east", "east")] {
                if tail.contains(word)
                    && let Some(m) = g
                        .search(&format!("{dir} {city}"), 1)
                        .into_iter()
                        .find(|m| m.kind == crate::gazetteer::MatchKind::Exact)
                {
                    why.push(format!(
                        "\"the city's … {word}\": the city is {city}, the last city named before \
                         this sentence"
                    ));
                    out.push((m.entry, format!("the city's {word}"), 0..0));
                    break;
                }
            }
        }
    }
    if out.len() > 1 {
        let lower = sentence.to_lowercase();
        let keep: Vec<bool> = out
            .iter()
            .map(|(e, _, span)| {
                // A city that contains another place named here.
                let container = out
                    .iter()
                    .any(|(o, ..)| o.within.as_deref() == Some(e.name.as_str()));
                let after = lower.get(span.end..).unwrap_or("");
                let admin = ["province", "governorate", "countryside", "region"]
                    .iter()
                    .any(|w| after.trim_start().starts_with(w));
                let before = lower.get(..span.start).unwrap_or("").trim_end();
                let locator = ["of", "near", "outside", "from"]
                    .iter()
                    .any(|w| before.ends_with(&format!(" {w}")))
                    && [
                        "north",
                        "south",
                        "east",
                        "west",
                        "km",
                        "kilometres",
                        "miles",
                        "near",
                        "outside",
                        "from",
                    ]
                    .iter()
                    .any(|w| {
                        before.rsplit(' ').take(3).any(|x| {
                            x.trim_matches(|c: char| !c.is_alphanumeric())
                                .starts_with(w)
                        })
                    });
                // A big city named beside a smaller place near it ("Aleppo: clashes near
                // Khan Tuman") is the wider area.
                let wider = e.population >= 100_000
                    && out.iter().any(|(o, ..)| {
                        !std::ptr::eq(*o, *e)
                            && rank_of(o) < e.population
                            && km_between(o, e) < 40.0
                    });
                !(container || admin || locator || wider)
            })
            .collect();
        if keep.iter().any(|k| *k) {
            let dropped: Vec<String> = out
                .iter()
                .zip(&keep)
                .filter(|(_, k)| !**k)
                .map(|((_, t, _), _)| format!("\"{t}\""))
                .collect();
            if !dropped.is_empty() {
                why.push(format!(
                    "{} named only as the wider area or a reference point: the more specific \
                     place is used",
                    dropped.join(", ")
                ));
            }
            let mut k = keep.into_iter();
            out.retain(|_| k.next().unwrap_or(true));
        }
    }
    (
        out.into_iter().map(|(e, t, _)| (e, t)).collect(),
        why,
        outside,
    )
}

/// In a sentence naming several places, the one place the casualty figures belong to: the
/// figures are in one clause (between semicolons) and that clause names only that place
/// ("rebels shelled Kafr Zita and Suran; a woman was killed in Kafr Zita").
fn figures_owner<'g>(
    sentence: &str,
    found: &[crate::gazetteer::Found<'g>],
    places: &[(&'g Entry, String)],
) -> Option<&'g Entry> {
    let mut start = 0;
    let mut owner = None;
    for clause in sentence.split_inclusive(';') {
        let range = start..start + clause.len();
        start += clause.len();
        let c = casualties::parse(clause);
        if c.killed.is_none() && c.injured.is_none() {
            continue;
        }
        if owner.is_some() {
            return None; // figures in two clauses
        }
        let mut here: Vec<&'g Entry> = Vec::new();
        for (e, _) in places {
            let named = found
                .iter()
                .any(|f| std::ptr::eq(f.entry, *e) && range.contains(&f.span.start));
            if named && !here.iter().any(|h| std::ptr::eq(*h, *e)) {
                here.push(e);
            }
        }
        match here.as_slice() {
            [one] => owner = Some(*one),
            _ => return None,
        }
    }
    owner
}

/// Both dates stated, and not the same.
fn dates_differ(a: &When, b: &When) -> bool {
    a.stated && b.stated && (a.date, a.end) != (b.date, b.end)
}

fn rank_of(e: &Entry) -> u64 {
    match e.origin {
        Origin::Local { .. } => 0,
        Origin::GeoNames(_) => e.population,
    }
}

/// Distance between two places, km (equirectangular: fine at these distances).
fn km_between(a: &Entry, b: &Entry) -> f64 {
    let (p, q) = (a.location, b.location);
    let x = (q.lon - p.lon).to_radians() * ((p.lat + q.lat) / 2.0).to_radians().cos();
    let y = (q.lat - p.lat).to_radians();
    (x * x + y * y).sqrt() * 6371.0
}

fn merge(
    d: &mut Draft<'_>,
    span: Range<usize>,
    when: When,
    c: Casualties,
    attribution: Option<String>,
    category: &'static str,
) {
    d.spans.push(span);
    let rank = |w: &When| (w.stated, w.precision == crate::model::DatePrecision::Day);
    if rank(&when) > rank(&d.when) {
        d.when = when;
    }
    d.casualties.killed = d.casualties.killed.or(c.killed);
    d.casualties.injured = d.casualties.injured.or(c.injured);
    d.casualties.children_killed = d.casualties.children_killed.or(c.children_killed);
    if let Some(a) = attribution
        && !d.attributions.iter().any(|x| a.starts_with(x.as_str()))
    {
        d.attributions.push(a);
    }
    if d.category == ATTACK {
        d.category = category;
    }
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for w in crate::gazetteer::normalise::fold(s).split(|c: char| !c.is_ascii_alphanumeric()) {
        if !w.is_empty() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(w);
        }
    }
    out.chars().take(40).collect()
}

fn finish(text: &str, drafts: Vec<Draft<'_>>, o: &ExtractOptions) -> Vec<Candidate> {
    let mut ids = HashSet::new();
    drafts
        .into_iter()
        .map(|d| {
            let first = d.spans.first().map_or(0, |r| r.start);
            let last = d.spans.last().map_or(0, |r| r.end);
            let quote = text[first..last].to_owned();
            let e = d.entry;
            let base = format!("x-{}-{}", d.when.date, slug(&e.name));
            let mut id = base.clone();
            let mut n = 2;
            while !ids.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            let mut why = vec![
                format!(
                    "place: \"{}\" → {} ({}, ±{} m; {})",
                    d.place_text,
                    e.label(),
                    e.precision.as_str(),
                    e.radius_m,
                    match &e.origin {
                        Origin::GeoNames(_) => "GeoNames".to_owned(),
                        Origin::Local { .. } => "the project's own list".to_owned(),
                    }
                ),
                format!("date: {}", d.when.how),
                format!("category: {}", d.category),
            ];
            if let Some(s) = d.casualties.summary() {
                why.push(format!("figures: {s}"));
            }
            why.extend(d.why);
            let notes = format!(
                "Proposed by sitview's report extraction; check before use. Place: \"{}\" in the \
                 text, matched to {} ({}). Date: {}.",
                d.place_text,
                e.name,
                e.credit(),
                d.when.how
            );
            let incident = Incident {
                id: id.into(),
                title: format!("{}, {}", d.category, e.name).into(),
                category: d.category.into(),
                date: Some(d.when.date),
                date_end: d.when.end,
                date_precision: d.when.precision,
                location: Some(e.location),
                location_precision: e.precision,
                location_radius_m: Some(e.radius_m),
                place: e.name.clone().into(),
                place_local: e.name_local.as_deref().map(Box::from),
                admin1: Some(e.admin1.as_str())
                    .filter(|a| !a.is_empty())
                    .map(SharedStr::from),
                casualties: d.casualties,
                notes: Some(notes.into()),
                sources: vec![Source {
                    publisher: o.publisher.clone().into(),
                    url: o.url.as_deref().map(Box::from),
                    published: Some(o.published),
                    attribution: (!d.attributions.is_empty())
                        .then(|| d.attributions.join("; "))
                        .map(Box::from),
                    quote: quote.into(),
                }]
                .into(),
                extra: Default::default(),
            };
            Candidate {
                incident,
                confidence: d.confidence,
                why,
                spans: d.spans,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Extraction {
        extract(
            text,
            &ExtractOptions {
                published: "2016-09-22".parse().unwrap(),
                publisher: "P".into(),
                url: None,
            },
        )
    }

    #[test]
    fn adjacent_sentences_about_one_place_merge_unless_their_dates_differ() {
        let r = run("Warplanes struck Saraqib on Monday. Five civilians died in Saraqib.");
        assert_eq!(r.candidates.len(), 1);
        let c = &r.candidates[0];
        assert_eq!(c.spans.len(), 2);
        assert_eq!(c.incident.casualties.killed, Some(5));
        assert_eq!(c.incident.date, Some("2016-09-19".parse().unwrap()));
        let r = run("Warplanes struck Saraqib on Monday. Shelling hit Saraqib on Tuesday.");
        assert_eq!(r.candidates.len(), 2);
        assert_eq!(r.candidates[1].incident.category, "Shelling");
    }

    #[test]
    fn a_place_without_incident_words_is_skipped_with_its_reason() {
        let r = run("Aid reached Saraqib on Monday. Rockets hit the town.");
        assert!(r.candidates.is_empty());
        assert_eq!(r.skipped[0].reason, "no incident words");
        assert!(r.skipped[1].reason.contains("no place in Syria"));
        assert!(r.skipped[1].had_incident_words);
    }
}
