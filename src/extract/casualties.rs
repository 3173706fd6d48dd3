//! Casualty figures in a sentence: killed, injured, and children among the killed, as stated.
//!
//! Numbers are digits ("1,200") or words ("two", "eighteen", "twenty-two", "a dozen", "two
//! hundred"); "at least", "more than", "some", "up to" are read past (the figure is what the
//! source says). A figure counts when it is tied to a killing word either as its subject ("At
//! least 12 civilians, including two children, were killed"; "two nurses and two drivers were
//! killed" = 4; "18 Syrians were killed") or its object ("which killed two people", "killing
//! three civilians including a child"; "the death toll rose to 20"). "including two children"
//! gives children killed and is not added to the total. Vague amounts ("dozens", "scores") give
//! no figure: absent means not reported.

use crate::model::Casualties;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(u32),
    Word(String),
    Comma,
    Stop,
}

const KILL_WORDS: &[&str] = &[
    "killed",
    "killing",
    "dead",
    "died",
    "die",
    "martyred",
    "perished",
    "deaths",
    "fatalities",
    "slain",
    "executed",
];
const INJURE_WORDS: &[&str] = &[
    "wounded", "wounding", "injured", "injuring", "hurt", "injuries",
];
const AUX: &[&str] = &[
    "were",
    "was",
    "have",
    "has",
    "had",
    "been",
    "being",
    "are",
    "is",
    "reportedly",
    "also",
    "all",
    "later",
    "were",
    "left",
    "seriously",
    "critically",
    "lightly",
];
const QUANTIFIERS: &[&str] = &[
    "at",
    "least",
    "more",
    "than",
    "some",
    "about",
    "around",
    "nearly",
    "almost",
    "over",
    "up",
    "to",
    "approximately",
    "roughly",
    "as",
    "many",
    "another",
    "further",
    "the",
    "of",
    "whom",
];

/// Whether `w` names people (the nouns a casualty count counts).
fn person_noun(w: &str) -> Option<bool> {
    // Some(true) for children.
    const CHILD: &[&str] = &[
        "children",
        "child",
        "kids",
        "minors",
        "minor",
        "boys",
        "boy",
        "girls",
        "girl",
        "infants",
        "infant",
        "babies",
        "baby",
        "toddlers",
        "schoolchildren",
        "students",
        "pupils",
    ];
    const ADULT: &[&str] = &[
        "people",
        "persons",
        "person",
        "civilians",
        "civilian",
        "women",
        "woman",
        "men",
        "man",
        "residents",
        "villagers",
        "fighters",
        "fighter",
        "soldiers",
        "soldier",
        "troops",
        "rebels",
        "rebel",
        "militants",
        "militant",
        "combatants",
        "members",
        "member",
        "nurses",
        "nurse",
        "drivers",
        "driver",
        "doctors",
        "doctor",
        "medics",
        "medic",
        "paramedics",
        "paramedic",
        "workers",
        "worker",
        "volunteers",
        "volunteer",
        "staff",
        "rescuers",
        "rescuer",
        "others",
        "individuals",
        "policemen",
        "officers",
        "officer",
        "guards",
        "gunmen",
        "jihadists",
        "jihadis",
        "displaced",
        "refugees",
        "patients",
        "journalists",
        "journalist",
        "bystanders",
        "passengers",
        "farmers",
        "shepherds",
        "syrians",
        "syrian",
        "kurds",
        "iraqis",
        "palestinians",
        "russians",
        "turks",
        "iranians",
        "lebanese",
        "martyrs",
        "victims",
        "dead",
    ];
    if CHILD.contains(&w) {
        Some(true)
    } else if ADULT.contains(&w) {
        Some(false)
    } else {
        None
    }
}

/// The value of an English number word from zero to nineteen ("no" is zero).
pub(super) fn unit(w: &str) -> Option<u32> {
    let n = match w {
        "zero" | "no" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    };
    Some(n)
}

fn tens(w: &str) -> Option<u32> {
    let n = match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    };
    Some(n)
}

/// Words and punctuation of a sentence, lower-cased, with number phrases folded into `Num`.
fn tokens(sentence: &str) -> Vec<Tok> {
    let mut raw: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, raw: &mut Vec<String>| {
        if !cur.is_empty() {
            raw.push(std::mem::take(cur));
        }
    };
    let chars: Vec<char> = sentence.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        let digit_comma = c == ','
            && cur.chars().last().is_some_and(|p| p.is_ascii_digit())
            && chars.get(k + 1).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() || digit_comma {
            cur.extend(c.to_lowercase());
        } else {
            flush(&mut cur, &mut raw);
            match c {
                ',' | '(' | ')' | '–' | '—' => raw.push(",".into()),
                '.' | ';' | ':' | '!' | '?' => raw.push(".".into()),
                _ => {}
            }
        }
    }
    flush(&mut cur, &mut raw);
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let w = raw[i].as_str();
        let next = raw.get(i + 1).map(String::as_str).unwrap_or("");
        let digits = w.replace(',', "");
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            // "2pm", "18:00" are not counts; a following unit word is checked by the caller.
            if let Ok(n) = digits.parse::<u32>() {
                out.push(Tok::Num(n));
                i += 1;
                continue;
            }
        }
        // "a dozen", "two dozen", "a hundred", "twenty two", "two hundred".
        let (mut value, mut used) = if let Some(t) = tens(w) {
            match unit(next).filter(|u| (1..10).contains(u)) {
                Some(u) => (Some(t + u), 2),
                None => (Some(t), 1),
            }
        } else if let Some(u) = unit(w) {
            (Some(u), 1)
        } else if (w == "a" || w == "an")
            && (matches!(next, "dozen" | "hundred")
                || person_noun(next).is_some()
                    && !next.ends_with('s')
                    && !matches!(next, "staff" | "dead"))
        {
            (Some(1), 1)
        } else if w == "dozen" {
            (Some(12), 1)
        } else {
            (None, 0)
        };
        if let Some(v) = value {
            match raw.get(i + used).map(String::as_str) {
                Some("dozen") => {
                    value = Some(v.saturating_mul(12));
                    used += 1;
                }
                Some("hundred") => {
                    value = Some(v.saturating_mul(100));
                    used += 1;
                }
                _ => {}
            }
            // "dozens of" is vague: no number.
            if value.is_some() && raw.get(i + used).map(String::as_str) == Some("dozens") {
                value = None;
            }
        }
        match value {
            Some(v) if w != "no" || person_noun(next).is_some() => {
                out.push(Tok::Num(v));
                i += used;
            }
            _ => {
                out.push(match w {
                    "," => Tok::Comma,
                    "." => Tok::Stop,
                    _ => Tok::Word(w.to_owned()),
                });
                i += 1;
            }
        }
    }
    out
}

/// A count found: the total (children included) and the children among it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Count {
    total: Option<u32>,
    children: Option<u32>,
}

/// The subject before a killing word: "At least 12 civilians, including two children, were".
fn count_before(t: &[Tok], cue: usize) -> Count {
    let mut i = cue;
    // Skip auxiliaries backwards.
    while i > 0 && matches!(&t[i - 1], Tok::Word(w) if AUX.contains(&w.as_str())) {
        i -= 1;
    }
    // (value, counts children, is a subset "including …")
    let mut groups: Vec<(u32, bool, bool)> = Vec::new();
    let mut pending: Option<bool> = None; // a person noun seen, waiting for its number
    let mut fillers = 0;
    let mut directly_before_verb = true;
    while i > 0 {
        i -= 1;
        match &t[i] {
            Tok::Num(n) => {
                if pending.is_some() || (directly_before_verb && groups.is_empty()) {
                    groups.push((*n, pending == Some(true), false));
                    pending = None;
                    fillers = 0;
                } else {
                    break;
                }
            }
            Tok::Word(w) => {
                if let Some(child) = person_noun(w) {
                    if pending.is_none() {
                        pending = Some(child);
                    }
                } else if matches!(w.as_str(), "including" | "among" | "incl") {
                    // The group just read (to the right) is a subset of the next one.
                    if let Some(g) = groups.last_mut() {
                        g.2 = true;
                    }
                } else if w == "and" || QUANTIFIERS.contains(&w.as_str()) {
                } else if pending.is_some() && fillers < 3 {
                    fillers += 1; // an adjective: "two young children", "12 more civilians"
                } else if let Some(k) = (groups.is_empty() && pending.is_none())
                    .then(|| {
                        (i.saturating_sub(3)..i)
                            .rev()
                            .find(|&k| matches!(&t[k], Tok::Word(o) if o == "of"))
                    })
                    .flatten()
                {
                    // "members of one family died": read past "of one family".
                    i = k;
                } else {
                    break;
                }
            }
            Tok::Comma => {}
            Tok::Stop => break,
        }
        directly_before_verb = false;
    }
    let whole: Vec<_> = groups.iter().filter(|g| !g.2).collect();
    let children = (groups.iter().filter(|g| g.1)).fold(0u32, |a, g| a.saturating_add(g.0));
    Count {
        total: (!whole.is_empty()).then(|| whole.iter().fold(0u32, |a, g| a.saturating_add(g.0))),
        children: groups.iter().any(|g| g.1).then_some(children),
    }
}

/// The object after a killing word: "killing at least three civilians, including a child".
fn count_after(t: &[Tok], cue: usize) -> Count {
    let mut i = cue + 1;
    // "the death toll rose to 20", "toll of 20".
    let mut total = 0u32;
    let mut groups = 0;
    let mut children: Option<u32> = None;
    let mut subset = false;
    while i < t.len() {
        match &t[i] {
            Tok::Num(n) => {
                // The number must count people (or stand alone before a break).
                let mut k = i + 1;
                let mut noun = None;
                while k < t.len() && k <= i + 3 {
                    match &t[k] {
                        Tok::Word(w) => {
                            if let Some(c) = person_noun(w) {
                                noun = Some(c);
                                break;
                            }
                            if w == "and" || w == "of" {
                                break;
                            }
                        }
                        _ => break,
                    }
                    k += 1;
                }
                let bare = matches!(t.get(i + 1), None | Some(Tok::Comma | Tok::Stop))
                    || matches!(t.get(i + 1), Some(Tok::Word(w)) if w == "and");
                if noun.is_none() && !bare {
                    break;
                }
                if subset {
                    if noun == Some(true) {
                        children = Some(children.unwrap_or(0).saturating_add(*n));
                    }
                } else {
                    total = total.saturating_add(*n);
                    groups += 1;
                }
                i = if noun.is_some() { k + 1 } else { i + 1 };
                continue;
            }
            Tok::Word(w) if QUANTIFIERS.contains(&w.as_str()) => {}
            Tok::Word(w) if w == "and" && groups > 0 => {}
            Tok::Word(w) if matches!(w.as_str(), "including" | "among") && groups > 0 => {
                subset = true
            }
            Tok::Word(w)
                if matches!(
                    w.as_str(),
                    "them" | "rose" | "risen" | "climbed" | "reached" | "stood" | "stands" | "toll"
                ) => {}
            Tok::Comma if groups > 0 => {}
            // "killing seven people on Monday, including three children".
            Tok::Word(w)
                if groups > 0
                    && matches!(
                        w.as_str(),
                        "on" | "monday"
                            | "tuesday"
                            | "wednesday"
                            | "thursday"
                            | "friday"
                            | "saturday"
                            | "sunday"
                            | "yesterday"
                            | "today"
                            | "overnight"
                            | "night"
                            | "last"
                            | "morning"
                            | "evening"
                    ) => {}
            _ => break,
        }
        i += 1;
    }
    Count {
        total: (groups > 0).then_some(total),
        children,
    }
}

fn count_for(t: &[Tok], words: &[&str]) -> Count {
    for (i, tok) in t.iter().enumerate() {
        let Tok::Word(w) = tok else { continue };
        let cue = words.contains(&w.as_str())
            || (w == "toll" && words == KILL_WORDS)
            || (w == "death"
                && words == KILL_WORDS
                && matches!(t.get(i + 1), Some(Tok::Word(n)) if n == "toll" || n == "of"));
        if !cue {
            continue;
        }
        // "the death of 1 more civilian".
        let death_of = w == "death"
            && words == KILL_WORDS
            && matches!(t.get(i + 1), Some(Tok::Word(n)) if n == "of");
        let active = death_of
            || matches!(
                w.as_str(),
                "killing" | "wounding" | "injuring" | "killed" | "wounded" | "injured" | "toll"
            );
        if active {
            let c = count_after(t, i);
            if c.total.is_some() {
                return c;
            }
        }
        let c = count_before(t, i);
        if c.total.is_some() {
            return c;
        }
    }
    Count::default()
}

/// The casualty figures stated in one sentence.
pub fn parse(sentence: &str) -> Casualties {
    let t = tokens(sentence);
    let killed = count_for(&t, KILL_WORDS);
    let injured = count_for(&t, INJURE_WORDS);
    Casualties {
        killed: killed.total,
        injured: injured.total,
        children_killed: killed.children.filter(|_| killed.total.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> (Option<u32>, Option<u32>, Option<u32>) {
        let c = parse(s);
        (c.killed, c.children_killed, c.injured)
    }

    #[test]
    fn figures_from_the_seed_report() {
        assert_eq!(
            k(
                "At least 12 civilians, including two children, were killed, the highest \
               single-day toll since the truce collapsed this week, the monitor said."
            ),
            (Some(12), Some(2), None)
        );
        assert_eq!(
            k(
                "In northwest Idlib province, 18 Syrians were killed during bombings on the town of Khan Sheikhun."
            ),
            (Some(18), None, None)
        );
        assert_eq!(
            k(
                "In the village of Khan Tuman, south of Aleppo city, two nurses and two drivers \
               were killed in an attack on two ambulances, the Union said."
            ),
            (Some(4), None, None)
        );
        assert_eq!(
            k(
                "the city's government-held west had come under rebel shelling, which killed two people."
            ),
            (Some(2), None, None)
        );
    }

    #[test]
    fn number_words_objects_and_the_injured() {
        assert_eq!(
            k(
                "Warplanes struck Saraqib, killing eighteen civilians including a child and wounding twenty-two."
            ),
            (Some(18), Some(1), Some(22))
        );
        assert_eq!(
            k("A car bomb killed a dozen people and injured 1,200 others."),
            (Some(12), None, Some(1200))
        );
        assert_eq!(
            k("The death toll rose to 31, the monitor said."),
            (Some(31), None, None)
        );
        assert_eq!(k("Five members of one family died."), (Some(5), None, None));
        assert_eq!(
            k("Air strikes killed at least seven people on Monday, including three children."),
            (Some(7), Some(3), None)
        );
        assert_eq!(
            k("The monitor documented the death of 1 more civilian who died of wounds."),
            (Some(1), None, None)
        );
        assert_eq!(k("3 were killed and 7 wounded."), (Some(3), None, Some(7)));
        assert_eq!(
            k("Two nurses and two children were killed."),
            (Some(4), Some(2), None)
        );
    }

    #[test]
    fn vague_amounts_and_non_people_give_nothing() {
        assert_eq!(k("Dozens of raids hit eastern Aleppo."), (None, None, None));
        assert_eq!(
            k("Dozens were killed in raids on two hospitals."),
            (None, None, None)
        );
        assert_eq!(
            k("The meeting at 2pm discussed the killed and wounded."),
            (None, None, None)
        );
        assert_eq!(k("An attack on two ambulances."), (None, None, None));
        assert_eq!(k(""), (None, None, None));
    }
}
