//! Realistic test data for benchmarks and stress tests: ACLED-format CSV (the current 31-column
//! export, [`crate::formats::acled::COLUMNS`]) with incidents around real Syrian towns over ten
//! years (2015–2024).
//!
//! What makes it realistic enough to measure with:
//! - places: the 313 Syrian towns of the embedded basemap (GeoNames, with ACLED's spelling of the
//!   governorates), weighted by population and by how fought-over each governorate was before
//!   and after 2019; cities get quarters; `geo_precision` 2 rows lie a few km off the town and
//!   3 rows on the district seat, as ACLED places them;
//! - time: a yearly intensity curve, day-to-day noise and rare spike days; rows sorted by
//!   date, newest first, as ACLED exports them; dates written `19 September 2016`;
//! - ACLED's event types and sub-types, actors with their `inter` codes, associated actors,
//!   sources and source scales in the proportions of a Syria export;
//! - notes of 200–400 characters built from varied sentences; fatalities mostly 0–3 with a
//!   rare heavy tail.
//!
//! Deterministic for a given seed (its own xorshift generator, no `rand`), and fast: rows are
//! formatted into one reused buffer without allocating, through a `BufWriter`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::formats::acled::COLUMNS;
use crate::model::Day;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 1;

/// Changes whenever the same seed would give different output (benchmarks cache files by it).
pub const VERSION: u32 = 1;

/// First and last day of the generated data.
pub const FIRST: (i32, u32, u32) = (2015, 1, 1);
pub const LAST: (i32, u32, u32) = (2024, 12, 31);

/// Notes are between these lengths (in bytes; they are ASCII).
pub const NOTES_MIN: usize = 200;
pub const NOTES_MAX: usize = 400;

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// xorshift64* seeded through SplitMix64 (so that nearby seeds give unrelated streams).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n` > 0).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    #[inline]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Index into a table of cumulative weights.
fn weighted(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

fn cumulate(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut run = 0.0;
    weights
        .map(|w| {
            run += w.max(0.0);
            run
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Actors, event types, sources
// ---------------------------------------------------------------------------------------------

/// An ACLED actor: its name, how notes call it, and its `inter` code (1 state forces, 2 rebel
/// groups, 3 political militias, 4 identity militias, 5 rioters, 6 protesters, 7 civilians,
/// 8 external/other forces).
struct Actor {
    name: &'static str,
    short: &'static str,
    inter: u8,
}

const fn a(name: &'static str, short: &'static str, inter: u8) -> Actor {
    Actor { name, short, inter }
}

const SYRIA: usize = 0;
const RUSSIA: usize = 1;
const TURKEY: usize = 2;
const ISRAEL: usize = 3;
const USA: usize = 4;
const HTS: usize = 5;
const IS: usize = 6;
const NLF: usize = 7;
const SNA: usize = 8;
const SDF: usize = 9;
const NDF: usize = 10;
const HEZBOLLAH: usize = 11;
const UNIDENTIFIED: usize = 12;
const CIVILIANS: usize = 13;
const PROTESTERS: usize = 14;
const RIOTERS: usize = 15;
const POLICE: usize = 16;
const IRAN: usize = 17;
const JAYSH_ISLAM: usize = 18;
const AHRAR: usize = 19;
const TRIBAL: usize = 20;
/// No second actor.
const NONE: usize = usize::MAX;

const ACTORS: [Actor; 21] = [
    a("Military Forces of Syria (2000-2024)", "regime forces", 1),
    a("Military Forces of Russia (2000-)", "Russian forces", 8),
    a("Military Forces of Turkey (2016-)", "Turkish forces", 8),
    a("Military Forces of Israel (1948-)", "Israeli forces", 8),
    a(
        "Military Forces of the United States (2021-)",
        "US-led coalition forces",
        8,
    ),
    a("Hayat Tahrir al-Sham", "HTS", 2),
    a("Islamic State (Syria)", "IS militants", 2),
    a("NLF: National Liberation Front", "NLF fighters", 2),
    a("Syrian National Army", "SNA factions", 2),
    a("SDF: Syrian Democratic Forces", "the SDF", 2),
    a("NDF: National Defence Forces", "NDF militiamen", 3),
    a("Hezbollah", "Hezbollah fighters", 8),
    a("Unidentified Armed Group (Syria)", "unidentified gunmen", 3),
    a("Civilians (Syria)", "civilians", 7),
    a("Protesters (Syria)", "demonstrators", 6),
    a("Rioters (Syria)", "rioters", 5),
    a("Police Forces of Syria (2000-2024)", "regime police", 1),
    a(
        "Military Forces of Iran (1979-)",
        "Iranian-backed militias",
        8,
    ),
    a("Jaysh al-Islam", "Jaysh al-Islam fighters", 2),
    a("Ahrar al-Sham", "Ahrar al-Sham fighters", 2),
    a("Tribal Militia (Syria)", "tribal gunmen", 4),
];

const ASSOC_STATE: &[&str] = &[
    "Military Forces of Russia (2000-)",
    "Hezbollah",
    "NDF: National Defence Forces",
    "Liwa al-Quds",
    "Military Forces of Iran (1979-)",
];
const ASSOC_REBEL: &[&str] = &[
    "Jaysh al-Izza",
    "Faylaq al-Sham",
    "Ahrar al-Sham",
    "Sultan Murad Division",
    "Hamza Division",
    "Jabhat Ansar al-Din",
];
const ASSOC_CIVILIAN: &[&str] = &[
    "Women (Syria)",
    "Children (Syria)",
    "Refugees/IDPs (Syria)",
    "Health Workers (Syria)",
    "Farmers (Syria)",
    "Journalists (Syria)",
    "Teachers (Syria)",
];
const ASSOC_PROTEST: &[&str] = &[
    "Refugees/IDPs (Syria)",
    "Women (Syria)",
    "Teachers (Syria)",
    "Students (Syria)",
    "Kurdish Ethnic Group (Syria)",
    "Druze Religious Group (Syria)",
];

/// How deadly a kind of event tends to be.
#[derive(Clone, Copy)]
enum Deadliness {
    None,
    Low,
    Medium,
    High,
}

/// Whom the casualties of a kind of event usually are.
#[derive(Clone, Copy, PartialEq)]
enum Victims {
    Civilians,
    Fighters,
    People,
}

/// One ACLED sub-event type with what goes with it.
struct Kind {
    disorder: &'static str,
    event_type: &'static str,
    sub: &'static str,
    /// Relative frequency before 2019 and from 2019.
    weight: [f64; 2],
    actor1: &'static [usize],
    /// May hold [`NONE`].
    actor2: &'static [usize],
    deadliness: Deadliness,
    victims: Victims,
    /// First sentences; `{1}`/`{2}` are the actors, `{D}` the date, `{L}` the location,
    /// `{A}` "admin2, admin1", `{S}` the district seat.
    leads: &'static [&'static str],
    /// Sentences that fit this kind of event (besides the general ones).
    details: &'static [&'static str],
}

const EXPLOSIONS: &str = "Explosions/Remote violence";
const VIOLENCE: &str = "Political violence";
const DEMONSTRATIONS: &str = "Demonstrations";
const STRATEGIC: &str = "Strategic developments";

const KINDS: &[Kind] = &[
    Kind {
        disorder: VIOLENCE,
        event_type: "Battles",
        sub: "Armed clash",
        weight: [0.17, 0.15],
        actor1: &[
            SYRIA,
            SYRIA,
            HTS,
            IS,
            NLF,
            SNA,
            SDF,
            NDF,
            UNIDENTIFIED,
            TRIBAL,
            TURKEY,
        ],
        actor2: &[SYRIA, HTS, IS, NLF, SNA, SDF, UNIDENTIFIED, TRIBAL, NDF],
        deadliness: Deadliness::Medium,
        victims: Victims::Fighters,
        leads: &[
            "On {D}, {1} clashed with {2} in {L} ({A}).",
            "On {D}, clashes broke out between {1} and {2} on the outskirts of {L} ({A}).",
            "On {D}, {1} attacked positions of {2} near {L} ({A}), sparking clashes that lasted several hours.",
            "On {D}, {2} repelled an infiltration attempt by {1} near {L} ({A}).",
        ],
        details: &[
            "Heavy machine guns and mortars were used during the clashes.",
            "The fighting took place along the front line west of {S}.",
            "Both sides claimed to have inflicted losses on the other.",
            "The clashes followed an exchange of shelling earlier in the day.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: "Battles",
        sub: "Government regains territory",
        weight: [0.010, 0.002],
        actor1: &[SYRIA],
        actor2: &[HTS, IS, NLF, JAYSH_ISLAM, AHRAR],
        deadliness: Deadliness::Medium,
        victims: Victims::Fighters,
        leads: &[
            "On {D}, {1} regained control of {L} ({A}) from {2} after days of fighting.",
            "On {D}, {1} backed by Russian air support recaptured {L} ({A}) from {2}.",
        ],
        details: &[
            "State media reported that engineering units began clearing mines from the area.",
            "The advance cut a supply route used by the opposition north of {S}.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: "Battles",
        sub: "Non-state actor overtakes territory",
        weight: [0.010, 0.002],
        actor1: &[HTS, IS, NLF, SDF, SNA],
        actor2: &[SYRIA, NDF, SDF, IS],
        deadliness: Deadliness::Medium,
        victims: Victims::Fighters,
        leads: &[
            "On {D}, {1} took control of {L} ({A}) after {2} withdrew from the area.",
            "On {D}, {1} seized {L} ({A}) following clashes with {2}.",
        ],
        details: &[
            "Footage published by the group showed its fighters inside the town.",
            "Residents reported that {2} left heavy equipment behind.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: EXPLOSIONS,
        sub: "Shelling/artillery/missile attack",
        weight: [0.29, 0.34],
        actor1: &[SYRIA, SYRIA, SYRIA, TURKEY, HTS, NLF, SNA, SDF, IS],
        actor2: &[CIVILIANS, CIVILIANS, HTS, NLF, SDF, SYRIA, SNA, NONE, NONE],
        deadliness: Deadliness::Low,
        victims: Victims::People,
        leads: &[
            "On {D}, {1} shelled {L} ({A}).",
            "On {D}, {1} fired several artillery shells at {L} ({A}).",
            "On {D}, {1} targeted residential areas in {L} ({A}) with rocket launchers.",
            "On {D}, {1} shelled the outskirts of {L} ({A}) with heavy artillery and mortars.",
            "On {D}, {1} fired surface-to-surface missiles at {L} ({A}).",
        ],
        details: &[
            "The shelling damaged houses and a water station.",
            "Local sources said more than 20 shells fell on the town.",
            "The shelling came in response to an attack on a military post near {S}.",
            "Several shells landed near a school, which suspended classes for the day.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: EXPLOSIONS,
        sub: "Air/drone strike",
        weight: [0.21, 0.10],
        actor1: &[SYRIA, SYRIA, RUSSIA, RUSSIA, TURKEY, USA, ISRAEL],
        actor2: &[
            CIVILIANS, CIVILIANS, HTS, IS, NLF, SDF, HEZBOLLAH, IRAN, NONE,
        ],
        deadliness: Deadliness::High,
        victims: Victims::People,
        leads: &[
            "On {D}, {1} carried out air strikes on {L} ({A}).",
            "On {D}, warplanes believed to belong to {1} struck {L} ({A}).",
            "On {D}, a drone operated by {1} struck a vehicle near {L} ({A}).",
            "On {D}, {1} helicopters dropped barrel bombs on {L} ({A}).",
            "On {D}, {1} targeted {L} ({A}) with several air strikes.",
        ],
        details: &[
            "The strikes hit a market and several residential buildings.",
            "Civil defence teams worked for hours to recover people from the rubble.",
            "A field hospital near the site was put out of service.",
            "Observers reported that warplanes had been circling over the area since the morning.",
            "The strike targeted a vehicle reportedly carrying commanders of the group.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: EXPLOSIONS,
        sub: "Remote explosive/landmine/IED",
        weight: [0.05, 0.07],
        actor1: &[UNIDENTIFIED, UNIDENTIFIED, IS],
        actor2: &[CIVILIANS, CIVILIANS, SYRIA, SDF, SNA, NONE],
        deadliness: Deadliness::Low,
        victims: Victims::People,
        leads: &[
            "On {D}, an IED planted by {1} exploded in {L} ({A}).",
            "On {D}, a car bomb planted by {1} exploded near a checkpoint in {L} ({A}).",
            "On {D}, a landmine left by {1} exploded near {L} ({A}) as a shepherd passed by.",
            "On {D}, a motorcycle rigged with explosives by {1} detonated in the centre of {L} ({A}).",
        ],
        details: &[
            "The explosion caused material damage to nearby shops.",
            "No group claimed responsibility for the explosion.",
            "Unexploded ordnance remains a threat to farmers in the area.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: EXPLOSIONS,
        sub: "Suicide bomb",
        weight: [0.004, 0.001],
        actor1: &[IS, HTS],
        actor2: &[CIVILIANS, SYRIA, SDF],
        deadliness: Deadliness::High,
        victims: Victims::People,
        leads: &[
            "On {D}, a suicide bomber from {1} blew himself up at a checkpoint of {2} in {L} ({A}).",
            "On {D}, {1} detonated a suicide car bomb near a gathering in {L} ({A}).",
        ],
        details: &["The group claimed the attack through its news agency."],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: EXPLOSIONS,
        sub: "Grenade",
        weight: [0.005, 0.006],
        actor1: &[UNIDENTIFIED],
        actor2: &[CIVILIANS, SYRIA, SDF, NONE],
        deadliness: Deadliness::Low,
        victims: Victims::People,
        leads: &["On {D}, {1} threw a hand grenade at a house in {L} ({A})."],
        details: &["The motive of the attack was reported to be a family dispute."],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: "Violence against civilians",
        sub: "Attack",
        weight: [0.07, 0.09],
        actor1: &[UNIDENTIFIED, UNIDENTIFIED, SYRIA, IS, HTS, SNA, SDF, NDF],
        actor2: &[CIVILIANS],
        deadliness: Deadliness::Low,
        victims: Victims::Civilians,
        leads: &[
            "On {D}, {1} shot and killed a man in {L} ({A}).",
            "On {D}, {1} opened fire on a car on the road between {L} and {S} ({A}).",
            "On {D}, {1} attacked a family in their home in {L} ({A}).",
            "On {D}, the body of a civilian was found in {L} ({A}), days after he was detained by {1}.",
        ],
        details: &[
            "The victim had worked as a teacher in a local school.",
            "The attackers fled on a motorcycle.",
            "Local sources said that the victim had refused to pay a levy.",
        ],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: "Violence against civilians",
        sub: "Abduction/forced disappearance",
        weight: [0.02, 0.03],
        actor1: &[UNIDENTIFIED, SYRIA, HTS, SNA, SDF],
        actor2: &[CIVILIANS],
        deadliness: Deadliness::None,
        victims: Victims::Civilians,
        leads: &[
            "On {D}, {1} abducted a civilian in {L} ({A}).",
            "On {D}, {1} kidnapped two men from {L} ({A}) and demanded a ransom from their families.",
            "On {D}, {1} detained a woman at a checkpoint in {L} ({A}); her whereabouts remain unknown.",
        ],
        details: &[
            "The family said they had received no information about the charges.",
            "Relatives appealed for information on social media.",
        ],
    },
    Kind {
        disorder: DEMONSTRATIONS,
        event_type: "Protests",
        sub: "Peaceful protest",
        weight: [0.04, 0.09],
        actor1: &[PROTESTERS],
        actor2: &[NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &[
            "On {D}, people demonstrated in {L} ({A}) against the bombardment of the area.",
            "On {D}, residents of {L} ({A}) protested against rising prices and power cuts.",
            "On {D}, dozens of people gathered in the main square of {L} ({A}) to demand the release of detainees.",
            "On {D}, displaced people staged a sit-in at a camp near {L} ({A}) over the lack of aid.",
        ],
        details: &[
            "Protesters carried banners and chanted slogans.",
            "The demonstration dispersed peacefully after an hour.",
            "Similar protests were held in several towns of the governorate.",
        ],
    },
    Kind {
        disorder: DEMONSTRATIONS,
        event_type: "Protests",
        sub: "Protest with intervention",
        weight: [0.005, 0.010],
        actor1: &[PROTESTERS],
        actor2: &[POLICE, SYRIA, HTS, SDF],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &[
            "On {D}, {2} dispersed a demonstration in {L} ({A}) and arrested several protesters.",
            "On {D}, people protested in {L} ({A}); {2} fired in the air to disperse them.",
        ],
        details: &["The protest was called after the arrest of a local activist."],
    },
    Kind {
        disorder: "Political violence; Demonstrations",
        event_type: "Protests",
        sub: "Excessive force against protesters",
        weight: [0.002, 0.002],
        actor1: &[SYRIA, POLICE, HTS],
        actor2: &[PROTESTERS],
        deadliness: Deadliness::Low,
        victims: Victims::Civilians,
        leads: &["On {D}, {1} opened fire on demonstrators in {L} ({A})."],
        details: &["Videos shared online showed protesters carrying the wounded."],
    },
    Kind {
        disorder: DEMONSTRATIONS,
        event_type: "Riots",
        sub: "Violent demonstration",
        weight: [0.003, 0.006],
        actor1: &[RIOTERS],
        actor2: &[NONE, POLICE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &["On {D}, rioters burned tyres and blocked the main road in {L} ({A})."],
        details: &["The rioters threw stones at a government building."],
    },
    Kind {
        disorder: VIOLENCE,
        event_type: "Riots",
        sub: "Mob violence",
        weight: [0.002, 0.004],
        actor1: &[RIOTERS],
        actor2: &[CIVILIANS],
        deadliness: Deadliness::Low,
        victims: Victims::Civilians,
        leads: &["On {D}, a dispute between two families in {L} ({A}) turned violent."],
        details: &["Local notables intervened to end the dispute."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Looting/property destruction",
        weight: [0.02, 0.02],
        actor1: &[SYRIA, SNA, UNIDENTIFIED, NDF],
        actor2: &[CIVILIANS, NONE],
        deadliness: Deadliness::None,
        victims: Victims::Civilians,
        leads: &[
            "On {D}, {1} looted houses and shops in {L} ({A}).",
            "On {D}, {1} demolished several houses in {L} ({A}).",
            "On {D}, {1} burned olive groves on the outskirts of {L} ({A}).",
        ],
        details: &["The owners of the houses had been displaced since the offensive."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Arrests",
        weight: [0.02, 0.03],
        actor1: &[SYRIA, POLICE, HTS, SDF, SNA],
        actor2: &[CIVILIANS],
        deadliness: Deadliness::None,
        victims: Victims::Civilians,
        leads: &[
            "On {D}, {1} arrested several young men in a raid on {L} ({A}).",
            "On {D}, {1} arrested a man in {L} ({A}) on charges of dealing with the other side.",
        ],
        details: &["The arrests were part of a campaign to recruit men for military service."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Disrupted weapons use",
        weight: [0.015, 0.02],
        actor1: &[SYRIA, SDF, TURKEY, RUSSIA],
        actor2: &[HTS, NLF, UNIDENTIFIED, IS],
        deadliness: Deadliness::None,
        victims: Victims::Fighters,
        leads: &[
            "On {D}, {1} shot down a drone launched by {2} over {L} ({A}).",
            "On {D}, {1} defused an explosive device planted near {L} ({A}).",
        ],
        details: &["The drone was reportedly loaded with explosives."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Other",
        weight: [0.010, 0.012],
        actor1: &[SYRIA, HTS, SDF, RUSSIA, TURKEY],
        actor2: &[NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &[
            "On {D}, {1} sent military reinforcements to {L} ({A}).",
            "On {D}, {1} held a military parade in {L} ({A}).",
        ],
        details: &["The move was seen as preparation for a new offensive."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Headquarters or base established",
        weight: [0.003, 0.004],
        actor1: &[RUSSIA, TURKEY, IRAN, HEZBOLLAH, USA],
        actor2: &[NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &["On {D}, {1} established a new military point near {L} ({A})."],
        details: &["The point overlooks the main road to {S}."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Agreement",
        weight: [0.002, 0.003],
        actor1: &[SYRIA, SDF],
        actor2: &[HTS, SNA, JAYSH_ISLAM, NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &["On {D}, {1} and local notables of {L} ({A}) reached a reconciliation agreement."],
        details: &[
            "Under the agreement, fighters who refused to settle were to leave for the north.",
        ],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Change to group/activity",
        weight: [0.003, 0.005],
        actor1: &[HTS, SNA, SDF, NLF],
        actor2: &[NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &["On {D}, {1} announced the merger of several factions in {L} ({A})."],
        details: &["The new formation will operate under a unified command."],
    },
    Kind {
        disorder: STRATEGIC,
        event_type: STRATEGIC,
        sub: "Non-violent transfer of territory",
        weight: [0.002, 0.002],
        actor1: &[SYRIA, SDF, RUSSIA],
        actor2: &[SDF, SYRIA, NONE],
        deadliness: Deadliness::None,
        victims: Victims::People,
        leads: &["On {D}, {1} entered {L} ({A}) after {2} handed over its positions."],
        details: &["The handover was negotiated with Russian mediation."],
    },
];

/// Sentences that fit almost any event.
const GENERAL: &[&str] = &[
    "The incident took place amid an escalation of hostilities in the {S} countryside.",
    "Local sources reported the incident; the figures could not be independently verified.",
    "Fatality figures vary between sources; the lowest reported count is used.",
    "Residents said that many families had left the area in the preceding weeks.",
    "The area has been targeted repeatedly since the start of the month.",
    "Activists in the area shared photographs of the damage.",
    "The road between {L} and {S} was closed for several hours afterwards.",
    "Medical sources in {S} confirmed the casualty figures.",
    "It was the third such incident in the area this week.",
    "Government media gave a different account of the incident.",
    "Humanitarian organisations warned of a further deterioration in the area.",
    "Ambulances were prevented from reaching the site for some time.",
];

/// A source and its ACLED source scale, with its relative frequency.
const SOURCES: &[(&str, &str, f64)] = &[
    ("SOHR", "Other-National", 40.0),
    ("Step News Agency", "Subnational", 6.0),
    ("SANA", "National", 6.0),
    ("Enab Baladi", "National", 4.0),
    ("Smart News Agency", "National", 3.0),
    ("Hawar News Agency", "Subnational", 3.0),
    ("North Press Agency", "Subnational", 3.0),
    ("Deir Ezzor 24", "Subnational", 3.0),
    ("Horan Free League", "Subnational", 2.0),
    ("Suwayda 24", "Subnational", 2.0),
    ("Qasioun News Agency", "Subnational", 2.0),
    ("Sound and Picture Organization", "Subnational", 2.0),
    ("Syrian Network for Human Rights", "Other", 1.5),
    ("Orient News", "National", 1.5),
    ("Al-Watan (Syria)", "National", 1.0),
    ("Euphrates Post", "Subnational", 1.0),
    ("Sham Network", "New media", 1.0),
    ("Reuters", "International", 1.0),
    ("AFP", "International", 1.0),
    ("Anadolu Agency", "International", 1.0),
    ("Rudaw", "Regional", 0.7),
    ("Kurdistan 24", "Regional", 0.5),
];

/// Relative weight of each governorate before 2019 and from 2019.
const GOVERNORATES: &[(&str, [f64; 2])] = &[
    ("Aleppo", [3.0, 2.5]),
    ("Idleb", [2.5, 4.0]),
    ("Rural Damascus", [2.5, 0.6]),
    ("Damascus", [0.8, 0.3]),
    ("Dar'a", [1.5, 1.6]),
    ("Deir-ez-Zor", [2.0, 2.6]),
    ("Hama", [1.6, 1.2]),
    ("Homs", [1.2, 0.7]),
    ("Ar-Raqqa", [1.5, 1.0]),
    ("Al Hasakeh", [0.8, 1.2]),
    ("Lattakia", [0.8, 0.6]),
    ("Quneitra", [0.6, 0.3]),
    ("As-Sweida", [0.3, 0.8]),
    ("Tartous", [0.1, 0.1]),
];

/// Events per year, relative.
const YEARS: [(i32, f64); 10] = [
    (2015, 1.00),
    (2016, 1.10),
    (2017, 1.20),
    (2018, 1.00),
    (2019, 0.90),
    (2020, 0.75),
    (2021, 0.60),
    (2022, 0.55),
    (2023, 0.60),
    (2024, 0.70),
];

/// Quarter names for the cities (population 100 000 and more).
const QUARTERS: &[&str] = &[
    "Al Midan",
    "Al Sakhour",
    "Al Shaar",
    "Salah al Din",
    "Al Hamidiyah",
    "Al Mahatta",
    "Al Qusour",
    "Al Sinaa",
    "Al Thawra",
    "Al Nuzha",
    "Al Mashhad",
    "Bab al Nasr",
];

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

/// A town: its name, ACLED admin1/admin2/admin3, position and population (0 when unknown).
pub struct Place {
    pub name: &'static str,
    pub admin1: &'static str,
    pub admin2: &'static str,
    pub admin3: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
}

const fn p(
    name: &'static str,
    admin1: &'static str,
    admin2: &'static str,
    admin3: &'static str,
    lat: f64,
    lon: f64,
    population: u32,
) -> Place {
    Place {
        name,
        admin1,
        admin2,
        admin3,
        lat,
        lon,
        population,
    }
}

/// The Syrian towns of the embedded basemap's GeoNames places, with ACLED's governorate names;
/// admin2/admin3 are the nearest district/subdistrict seat in the same governorate.
pub fn places() -> &'static [Place] {
    PLACES
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// What the generator derives once from its tables.
struct Tables {
    /// Cumulative place weights, per era.
    places: [Vec<f64>; 2],
    /// Index of each place's district seat (for `geo_precision` 3), itself when not found.
    seat: Vec<usize>,
    kinds: [Vec<f64>; 2],
    sources: Vec<f64>,
}

impl Tables {
    fn new() -> Tables {
        let gov = |name: &str, era: usize| {
            GOVERNORATES
                .iter()
                .find(|(g, _)| *g == name)
                .map_or(0.5, |(_, w)| w[era])
        };
        let place_weights = |era: usize| {
            cumulate(
                PLACES
                    .iter()
                    .map(|pl| gov(pl.admin1, era) * f64::from(pl.population.max(3_000)).sqrt()),
            )
        };
        let seat = PLACES
            .iter()
            .enumerate()
            .map(|(i, pl)| {
                PLACES
                    .iter()
                    .position(|s| s.name == pl.admin2 && s.admin1 == pl.admin1)
                    .unwrap_or(i)
            })
            .collect();
        Tables {
            places: [place_weights(0), place_weights(1)],
            seat,
            kinds: [
                cumulate(KINDS.iter().map(|k| k.weight[0])),
                cumulate(KINDS.iter().map(|k| k.weight[1])),
            ],
            sources: cumulate(SOURCES.iter().map(|s| s.2)),
        }
    }
}

/// Rows per day, newest day first: a yearly curve, day-to-day noise and rare spike days, scaled
/// so that the counts add up to `rows` exactly.
fn rows_per_day(rows: u64, rng: &mut Rng) -> Vec<(Day, u64)> {
    let first = Day::from_ymd(FIRST.0, FIRST.1, FIRST.2).expect("valid");
    let last = Day::from_ymd(LAST.0, LAST.1, LAST.2).expect("valid");
    let mut weights = Vec::with_capacity((last.0 - first.0 + 1) as usize);
    let mut level = 1.0f64;
    let mut d = first;
    while d <= last {
        let year = d.ymd().0;
        let base = YEARS
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(0.5, |(_, w)| *w);
        // A slow random walk (offensives come and go) times daily noise and rare spikes.
        level = (level + (rng.unit() - 0.5) * 0.08).clamp(0.5, 1.6);
        let noise = 0.6 + 0.8 * rng.unit();
        let spike = if rng.chance(0.01) {
            3.0 + 3.0 * rng.unit()
        } else {
            1.0
        };
        weights.push((d, base * level * noise * spike));
        d = d.plus(1);
    }
    let total: f64 = weights.iter().map(|w| w.1).sum();
    let mut out = Vec::with_capacity(weights.len());
    let (mut acc, mut given) = (0.0f64, 0u64);
    for (k, &(day, w)) in weights.iter().enumerate().rev() {
        acc += w / total * rows as f64;
        let upto = if k == 0 {
            rows
        } else {
            (acc.round() as u64).min(rows)
        };
        out.push((day, upto - given));
        given = upto;
    }
    out
}

/// Writes `rows` ACLED rows (plus the header) for `seed` to `out`.
pub fn write_acled<W: Write>(out: W, rows: u64, seed: u64) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    let mut rng = Rng::new(seed);
    let tables = Tables::new();
    let days = rows_per_day(rows, &mut rng);
    let mut line: Vec<u8> = Vec::with_capacity(2048);
    let mut notes = String::with_capacity(512);
    for (i, col) in COLUMNS.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        line.extend_from_slice(col.as_bytes());
    }
    line.push(b'\n');
    w.write_all(&line)?;
    let split = Day::from_ymd(2019, 1, 1).expect("valid");
    // Ids count up with time, as ACLED's do (roughly): the newest row has the largest.
    let mut id = 1_000 + rows;
    let mut date = String::with_capacity(24);
    for &(day, n) in &days {
        date.clear();
        let (y, _, dm) = day.ymd();
        push_display_u64(&mut date, u64::from(dm));
        date.push(' ');
        date.push_str(day.month_name());
        date.push(' ');
        push_display_u64(&mut date, y as u64);
        let era = usize::from(day >= split);
        for _ in 0..n {
            line.clear();
            let row = Row::draw(&mut rng, &tables, era);
            row.write(&mut line, &mut notes, &mut rng, id, day, &date);
            w.write_all(&line)?;
            id -= 1;
        }
    }
    w.flush()
}

/// Writes the data set to `path` (through a temporary file renamed over it, so an interrupted
/// run never leaves a half-written file under the final name). Returns the file's size.
pub fn write_file(path: &Path, rows: u64, seed: u64) -> io::Result<u64> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        write_acled(&file, rows, seed)?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        std::fs::metadata(path).map(|m| m.len())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `sitview generate`: writes the file and says what it wrote.
pub fn cli(rows: u64, out: &Path, seed: u64) -> ExitCode {
    let start = std::time::Instant::now();
    match write_file(out, rows, seed) {
        Ok(bytes) => {
            let s = start.elapsed().as_secs_f64();
            println!(
                "{}: {rows} ACLED rows, {:.1} MB, seed {seed}, in {s:.2} s",
                out.display(),
                bytes as f64 / 1e6
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sitview: could not write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// The random choices of one row, before formatting.
struct Row {
    kind: &'static Kind,
    place: usize,
    /// Quarter of a city, if the event is placed in one.
    quarter: Option<usize>,
    geo_precision: u8,
    time_precision: u8,
    actor1: usize,
    actor2: usize,
    fatalities: u32,
    source: usize,
    /// A second source, if any.
    source2: Option<usize>,
}

impl Row {
    fn draw(rng: &mut Rng, t: &Tables, era: usize) -> Row {
        let kind = &KINDS[weighted(rng, &t.kinds[era])];
        let mut place = weighted(rng, &t.places[era]);
        let geo_precision = match rng.below(100) {
            0..=69 => 1,
            70..=94 => 2,
            _ => 3,
        };
        if geo_precision == 3 {
            place = t.seat[place];
        }
        let quarter =
            (geo_precision == 1 && PLACES[place].population >= 100_000 && rng.chance(0.6))
                .then(|| rng.below(QUARTERS.len()));
        let time_precision = match rng.below(100) {
            0..=89 => 1,
            90..=97 => 2,
            _ => 3,
        };
        let actor1 = *rng.pick(kind.actor1);
        let mut actor2 = *rng.pick(kind.actor2);
        for _ in 0..4 {
            if actor2 != actor1 {
                break;
            }
            actor2 = *rng.pick(kind.actor2);
        }
        if actor2 == actor1 {
            actor2 = NONE;
        }
        let fatalities = fatalities(rng, kind.deadliness);
        let source = weighted(rng, &t.sources);
        let source2 = rng
            .chance(0.25)
            .then(|| weighted(rng, &t.sources))
            .filter(|&s| s != source);
        Row {
            kind,
            place,
            quarter,
            geo_precision,
            time_precision,
            actor1,
            actor2,
            fatalities,
            source,
            source2,
        }
    }

    fn write(
        &self,
        line: &mut Vec<u8>,
        notes: &mut String,
        rng: &mut Rng,
        id: u64,
        day: Day,
        date: &str,
    ) {
        let k = self.kind;
        let pl = &PLACES[self.place];
        let a1 = &ACTORS[self.actor1];
        let a2 = ACTORS.get(self.actor2);
        // event_id_cnty, event_date, year, time_precision
        line.extend_from_slice(b"SYR");
        push_u64(line, id);
        line.push(b',');
        line.extend_from_slice(date.as_bytes());
        line.push(b',');
        push_u64(line, day.ymd().0 as u64);
        line.push(b',');
        push_u64(line, u64::from(self.time_precision));
        line.push(b',');
        // disorder_type, event_type, sub_event_type
        field(line, k.disorder);
        field(line, k.event_type);
        field(line, k.sub);
        // actor1, assoc_actor_1, inter1
        field(line, a1.name);
        let assoc1: &[&str] = match a1.inter {
            1 => ASSOC_STATE,
            2 => ASSOC_REBEL,
            6 => ASSOC_PROTEST,
            _ => &[],
        };
        if !assoc1.is_empty() && rng.chance(0.15) {
            let assoc: &str = assoc1[rng.below(assoc1.len())];
            field(line, assoc);
        } else {
            line.push(b',');
        }
        push_u64(line, u64::from(a1.inter));
        line.push(b',');
        // actor2, assoc_actor_2, inter2, interaction
        let inter2 = a2.map_or(0, |a| a.inter);
        match a2 {
            Some(a2) => {
                field(line, a2.name);
                if a2.inter == 7 && rng.chance(0.2) {
                    let first = rng.below(ASSOC_CIVILIAN.len());
                    line.push(b'"');
                    line.extend_from_slice(ASSOC_CIVILIAN[first].as_bytes());
                    if rng.chance(0.3) {
                        line.extend_from_slice(b"; ");
                        let second = (first + 1 + rng.below(ASSOC_CIVILIAN.len() - 1))
                            % ASSOC_CIVILIAN.len();
                        line.extend_from_slice(ASSOC_CIVILIAN[second].as_bytes());
                    }
                    line.extend_from_slice(b"\",");
                } else {
                    line.push(b',');
                }
            }
            None => line.extend_from_slice(b",,"),
        }
        push_u64(line, u64::from(inter2));
        line.push(b',');
        let (lo, hi) = if inter2 == 0 {
            (a1.inter, 0)
        } else {
            (a1.inter.min(inter2), a1.inter.max(inter2))
        };
        push_u64(line, u64::from(lo) * 10 + u64::from(hi));
        line.push(b',');
        // civilian_targeting, iso, region, country
        let civilian = a2.is_some_and(|a| a.inter == 7)
            || (k.victims == Victims::Civilians && k.sub != "Arrests");
        if civilian && k.event_type != STRATEGIC {
            line.extend_from_slice(b"Civilian targeting");
        }
        line.extend_from_slice(b",760,Middle East,Syria,");
        // admin1, admin2, admin3, location
        field(line, pl.admin1);
        field(line, pl.admin2);
        field(line, pl.admin3);
        match self.quarter {
            Some(q) => {
                line.extend_from_slice(pl.name.as_bytes());
                line.extend_from_slice(b" - ");
                line.extend_from_slice(QUARTERS[q].as_bytes());
                line.push(b',');
            }
            None => field(line, pl.name),
        }
        // latitude, longitude, geo_precision
        let (mut lat, mut lon) = (pl.lat, pl.lon);
        if let Some(q) = self.quarter {
            // Quarters lie on a ring 1–4 km around the centre, always at the same spot.
            let angle = q as f64 * 2.399_963;
            let r = 0.01 + 0.025 * ((q * 7 % QUARTERS.len()) as f64 / QUARTERS.len() as f64);
            lat += r * angle.sin();
            lon += r * angle.cos() * 1.2;
        } else if self.geo_precision == 2 {
            lat += (rng.unit() - 0.5) * 0.04;
            lon += (rng.unit() - 0.5) * 0.05;
        }
        push_fixed4(line, lat);
        line.push(b',');
        push_fixed4(line, lon);
        line.push(b',');
        push_u64(line, u64::from(self.geo_precision));
        line.push(b',');
        // source, source_scale
        let (s1, scale1, _) = SOURCES[self.source];
        match self.source2 {
            Some(s) => {
                let (s2, scale2, _) = SOURCES[s];
                line.extend_from_slice(s1.as_bytes());
                line.extend_from_slice(b"; ");
                line.extend_from_slice(s2.as_bytes());
                line.push(b',');
                line.extend_from_slice(scale1.as_bytes());
                if scale2 != scale1 {
                    line.push(b'-');
                    line.extend_from_slice(scale2.as_bytes());
                }
                line.push(b',');
            }
            None => {
                line.extend_from_slice(s1.as_bytes());
                line.push(b',');
                line.extend_from_slice(scale1.as_bytes());
                line.push(b',');
            }
        }
        // notes
        self.notes(notes, rng, date, pl, a1, a2);
        field(line, notes);
        // fatalities, tags, timestamp
        push_u64(line, u64::from(self.fatalities));
        line.push(b',');
        if k.event_type == "Protests" || k.event_type == "Riots" {
            line.extend_from_slice(match rng.below(5) {
                0 => b"crowd size=dozens".as_slice(),
                1 => b"crowd size=hundreds",
                2 => b"crowd size=around 50",
                _ => b"crowd size=no report",
            });
        } else if k.victims == Victims::Civilians && rng.chance(0.05) {
            line.extend_from_slice(b"women targeted: relatives of targeted groups or persons");
        }
        line.push(b',');
        let uploaded = i64::from(day.0) * 86_400
            + (3 + rng.below(40) as i64) * 86_400
            + rng.below(86_400) as i64;
        push_u64(line, uploaded.max(0) as u64);
        line.push(b'\n');
    }

    /// The notes: a lead sentence, the casualties, then details until the length (drawn between
    /// [`NOTES_MIN`] and [`NOTES_MAX`]) is reached.
    fn notes(
        &self,
        out: &mut String,
        rng: &mut Rng,
        date: &str,
        pl: &Place,
        a1: &Actor,
        a2: Option<&Actor>,
    ) {
        let k = self.kind;
        out.clear();
        let location = match self.quarter {
            Some(q) => Loc::Quarter(pl.name, QUARTERS[q]),
            None => Loc::Town(pl.name),
        };
        let ctx = Ctx {
            date,
            a1: a1.short,
            a2: a2.map_or("local fighters", |a| a.short),
            location,
            admin2: pl.admin2,
            admin1: pl.admin1,
            seat: pl.admin2,
        };
        if self.time_precision == 2 && rng.chance(0.5) {
            ctx.expand(out, "Week of {D}: ");
        }
        let lead = *rng.pick(k.leads);
        ctx.expand(out, lead);
        out.push(' ');
        casualties(out, rng, self.fatalities, k.victims);
        let target = NOTES_MIN + rng.below(NOTES_MAX - NOTES_MIN - 60);
        let pool = k.details.len() + GENERAL.len();
        let start = rng.below(pool);
        for j in 0..pool {
            if out.len() >= target {
                break;
            }
            let s = (start + j) % pool;
            let sentence = if s < k.details.len() {
                k.details[s]
            } else {
                GENERAL[s - k.details.len()]
            };
            let before = out.len();
            out.push(' ');
            ctx.expand(out, sentence);
            if out.len() > NOTES_MAX {
                out.truncate(before);
            }
        }
        // Very short leads on a small pool: pad with a sourcing sentence.
        while out.len() < NOTES_MIN {
            out.push_str(" The information could not be confirmed independently.");
        }
        if out.len() > NOTES_MAX {
            // Cut at a word boundary (everything is ASCII).
            let cut = out[..NOTES_MAX - 1].rfind(' ').unwrap_or(NOTES_MAX - 1);
            out.truncate(cut);
            out.push('.');
        }
    }
}

enum Loc {
    Town(&'static str),
    Quarter(&'static str, &'static str),
}

struct Ctx<'a> {
    date: &'a str,
    a1: &'a str,
    a2: &'a str,
    location: Loc,
    admin2: &'a str,
    admin1: &'a str,
    seat: &'a str,
}

impl Ctx<'_> {
    /// Appends `template` with its `{…}` fields filled in.
    fn expand(&self, out: &mut String, template: &str) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let key = rest.as_bytes().get(open + 1).copied().unwrap_or(b'}');
            match key {
                b'D' => out.push_str(self.date),
                b'1' => out.push_str(self.a1),
                b'2' => out.push_str(self.a2),
                b'L' => match self.location {
                    Loc::Town(t) => out.push_str(t),
                    Loc::Quarter(t, q) => {
                        out.push_str(q);
                        out.push_str(" neighbourhood of ");
                        out.push_str(t);
                    }
                },
                b'A' => {
                    out.push_str(self.admin2);
                    out.push_str(", ");
                    out.push_str(self.admin1);
                }
                b'S' => out.push_str(self.seat),
                _ => {}
            }
            rest = rest.get(open + 3..).unwrap_or("");
        }
        out.push_str(rest);
    }
}

/// Fatalities: mostly 0–3, with a rare heavy tail.
fn fatalities(rng: &mut Rng, d: Deadliness) -> u32 {
    let (p_zero, mean, p_tail) = match d {
        Deadliness::None => (0.98, 1.0, 0.0),
        Deadliness::Low => (0.70, 1.5, 0.005),
        Deadliness::Medium => (0.45, 2.0, 0.02),
        Deadliness::High => (0.30, 2.5, 0.04),
    };
    let u = rng.unit();
    if u < p_zero {
        return 0;
    }
    if rng.chance(p_tail) {
        // Pareto with index 1.1 from 10: a few dozen, now and then a few hundred.
        let x = 10.0 * (1.0 - rng.unit()).powf(-1.0 / 1.1);
        return x.min(600.0) as u32;
    }
    // Geometric from 1 with the given mean.
    let q = 1.0 - 1.0 / mean;
    let mut n = 1;
    while n < 40 && rng.chance(q) {
        n += 1;
    }
    n
}

fn casualties(out: &mut String, rng: &mut Rng, n: u32, victims: Victims) {
    if n == 0 {
        out.push_str(match rng.below(4) {
            0 => "No fatalities were reported.",
            1 => "There were no reports of casualties.",
            2 => "Material damage only was reported.",
            _ => "Casualties unknown.",
        });
        return;
    }
    let who = match (victims, n) {
        (Victims::Civilians, 1) => "civilian was",
        (Victims::Civilians, _) => "civilians were",
        (Victims::Fighters, 1) => "fighter was",
        (Victims::Fighters, _) => "fighters were",
        (Victims::People, 1) => "person was",
        (Victims::People, _) => "people were",
    };
    if n == 1 {
        out.push_str("One ");
    } else {
        push_display_u64(out, u64::from(n));
        out.push(' ');
    }
    out.push_str(who);
    out.push_str(match (rng.below(4), victims) {
        (0, Victims::Fighters) => " killed on both sides.",
        (0, _) if n > 2 => " killed, including two children.",
        (1, _) => " killed and several others injured.",
        _ => " killed.",
    });
}

// ---------------------------------------------------------------------------------------------
// Formatting without allocation
// ---------------------------------------------------------------------------------------------

/// Appends a CSV field and its trailing comma, quoted when it needs to be.
fn field(line: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        line.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(s.as_bytes());
    }
    line.push(b',');
}

fn digits(mut n: u64, buf: &mut [u8; 20]) -> usize {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return i;
        }
    }
}

fn push_u64(line: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let i = digits(n, &mut buf);
    line.extend_from_slice(&buf[i..]);
}

fn push_display_u64(s: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let i = digits(n, &mut buf);
    // Digits are ASCII.
    s.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// A coordinate with four decimals, as ACLED writes them.
fn push_fixed4(line: &mut Vec<u8>, x: f64) {
    let v = (x * 10_000.0).round() as i64;
    if v < 0 {
        line.push(b'-');
    }
    let v = v.unsigned_abs();
    push_u64(line, v / 10_000);
    line.push(b'.');
    let frac = v % 10_000;
    line.extend_from_slice(&[
        b'0' + (frac / 1000) as u8,
        b'0' + (frac / 100 % 10) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ]);
}

// ---------------------------------------------------------------------------------------------
// The place table (generated once from the basemap's GeoNames places and the gazetteer)
// ---------------------------------------------------------------------------------------------

// name, admin1, admin2, admin3, latitude, longitude, population (0: unknown)
#[rustfmt::skip]
const PLACES: &[Place] = &[
    p("Aleppo", "Aleppo", "Aleppo", "Aleppo", 36.20124, 37.16117, 2098210),
    p("Damascus", "Damascus", "Damascus", "Damascus", 33.51020, 36.29128, 1569394),
    p("Homs", "Homs", "Homs", "Homs", 34.72405, 36.72559, 775404),
    p("Latakia", "Lattakia", "Latakia", "Latakia", 35.53125, 35.79088, 709000),
    p("Ar Raqqah", "Ar-Raqqa", "Ar Raqqah", "Ar Raqqah", 35.95283, 39.00788, 531952),
    p("Hamah", "Hama", "Hamah", "Hamah", 35.13179, 36.75783, 460602),
    p("Tartus", "Tartous", "Tartus", "Tartus", 34.88902, 35.88659, 458327),
    p("Al Hasakah", "Al Hasakeh", "Al Hasakah", "Al Hasakah", 36.50237, 40.74772, 422445),
    p("Deir ez-Zor", "Deir-ez-Zor", "Deir ez-Zor", "Deir ez-Zor", 35.33588, 40.14084, 271800),
    p("Al Qamishli", "Al Hasakeh", "Al Qamishli", "Al Qamishli", 37.05215, 41.23142, 184231),
    p("Al Bab", "Aleppo", "Al Bab", "Al Bab", 36.37051, 37.51570, 130745),
    p("Idlib", "Idleb", "Idlib", "Idlib", 35.93062, 36.63393, 128840),
    p("Duma", "Rural Damascus", "Duma", "Duma", 33.57175, 36.40270, 111864),
    p("Jaramana", "Rural Damascus", "Darayya", "Jaramana", 33.48620, 36.34614, 99999),
    p("al-Yarmuk", "Damascus", "Damascus", "Damascus", 33.46990, 36.30180, 99999),
    p("Manbij", "Aleppo", "Manbij", "Manbij", 36.52815, 37.95495, 99497),
    p("Dar'a", "Dar'a", "Dar'a", "Dar'a", 32.61889, 36.10213, 97969),
    p("As Salamiyah", "Hama", "As Salamiyah", "As Salamiyah", 35.01127, 37.05324, 94887),
    p("Al-Tabqa", "Ar-Raqqa", "Al-Tabqa", "Al-Tabqa", 35.83758, 38.54828, 87880),
    p("Darayya", "Rural Damascus", "Darayya", "Darayya", 33.45835, 36.23256, 71596),
    p("I'zaz", "Aleppo", "I'zaz", "I'zaz", 36.58662, 37.04628, 66138),
    p("Jablah", "Lattakia", "Jablah", "Jablah", 35.36211, 35.92759, 65915),
    p("As Safirah", "Aleppo", "As Safirah", "As Safirah", 36.07696, 37.37251, 63708),
    p("As-Suwayda", "As-Sweida", "As-Suwayda", "As-Suwayda", 32.70896, 36.56951, 59052),
    p("Albu Kamal", "Deir-ez-Zor", "Albu Kamal", "Albu Kamal", 34.45226, 40.91854, 57572),
    p("At Tall", "Rural Damascus", "At Tall", "At Tall", 33.61033, 36.31070, 55561),
    p("Al Mayadin", "Deir-ez-Zor", "Al Mayadin", "Al Mayadin", 35.01982, 40.45154, 54534),
    p("Ar Rastan", "Homs", "Ar Rastan", "Ar Rastan", 34.92667, 36.73241, 53152),
    p("Kabbasin", "Aleppo", "Al Bab", "Al Bab", 36.43274, 37.56857, 51230),
    p("Tadmur", "Homs", "Tadmur", "Tadmur", 34.56240, 38.28402, 51015),
    p("Babila", "Rural Damascus", "Darayya", "Babila", 33.47101, 36.33076, 50880),
    p("Ayn al 'Arab", "Aleppo", "Ayn al 'Arab", "Ayn al 'Arab", 36.89095, 38.35347, 50000),
    p("An Nabk", "Rural Damascus", "An Nabk", "An Nabk", 34.02403, 36.72848, 49372),
    p("Khan Shaykhun", "Idleb", "Ma'arrat an Nu'man", "Khan Shaykhun", 35.44208, 36.65095, 48975),
    p("Afrin", "Aleppo", "Afrin", "Afrin", 36.51194, 36.86954, 48693),
    p("Nawa", "Dar'a", "Izra'", "Nawa", 32.88646, 36.03905, 47066),
    p("Kafranbel", "Idleb", "Ma'arrat an Nu'man", "Kafranbel", 35.61376, 36.56449, 45652),
    p("Irbin", "Rural Damascus", "Duma", "Irbin", 33.53719, 36.36635, 42474),
    p("Al Qusayr", "Homs", "Al Qusayr", "Al Qusayr", 34.50780, 36.58029, 41062),
    p("Yabrud", "Rural Damascus", "Yabrud", "Yabrud", 33.96921, 36.65729, 40502),
    p("Jisr ash Shughur", "Idleb", "Jisr ash Shughur", "Jisr ash Shughur", 35.81418, 36.31983, 39311),
    p("Baniyas", "Tartous", "Baniyas", "Baniyas", 35.18188, 35.94871, 39066),
    p("Tallbisah", "Homs", "Ar Rastan", "Tallbisah", 34.84072, 36.73092, 38491),
    p("Harasta", "Rural Damascus", "Duma", "Harasta", 33.55869, 36.36515, 37348),
    p("Al Qunaytirah", "Quneitra", "Al Qunaytirah", "Al Qunaytirah", 33.12595, 35.82461, 36143),
    p("Tadif", "Aleppo", "Al Bab", "Tadif", 36.34814, 37.53090, 34670),
    p("Saraqib", "Idleb", "Idlib", "Saraqib", 35.86447, 36.80591, 34231),
    p("Jayrud", "Rural Damascus", "Al Qutayfah", "Jayrud", 33.80709, 36.73861, 32352),
    p("Masyaf", "Hama", "Masyaf", "Masyaf", 35.06530, 36.34060, 32262),
    p("Ma'arratmisrin", "Idleb", "Idlib", "Ma'arratmisrin", 36.01152, 36.67183, 32163),
    p("Al Qaryatayn", "Homs", "Mukharram al Fawqani", "Al Qaryatayn", 34.22956, 37.24066, 31748),
    p("Salqin", "Idleb", "Harim", "Salqin", 36.13865, 36.45244, 31608),
    p("Tafas", "Dar'a", "Dar'a", "Al Muzayrib", 32.73709, 36.06654, 31249),
    p("Suran", "Hama", "Maharda", "Suran", 35.29193, 36.74848, 30716),
    p("Sahnaya", "Rural Damascus", "Darayya", "Sahnaya", 33.42531, 36.22552, 30519),
    p("Binnish", "Idleb", "Idlib", "Binnish", 35.95664, 36.71380, 30354),
    p("Jasim", "Dar'a", "As Sanamayn", "Jasim", 32.99125, 36.06093, 30283),
    p("Burj Islam", "Lattakia", "Latakia", "Ayn al Bayda", 35.67396, 35.80259, 30000),
    p("Tallkalakh", "Homs", "Tallkalakh", "Tallkalakh", 34.66842, 36.25995, 29754),
    p("Az Zabadani", "Rural Damascus", "Az Zabadani", "Az Zabadani", 33.72488, 36.10050, 29549),
    p("Da'il", "Dar'a", "Dar'a", "Da'il", 32.75355, 36.13076, 29408),
    p("Tayyibat al Imam", "Hama", "Maharda", "Suran", 35.26592, 36.71219, 29259),
    p("Hajin", "Deir-ez-Zor", "Albu Kamal", "Hajin", 34.69508, 40.83138, 29237),
    p("Inkhil", "Dar'a", "As Sanamayn", "Jasim", 33.01809, 36.12828, 29076),
    p("Dayr Hafir", "Aleppo", "Al Bab", "Dayr Hafir", 36.15694, 37.70778, 28905),
    p("Safita", "Tartous", "Safita", "Safita", 34.82099, 36.11773, 27815),
    p("Amuda", "Al Hasakeh", "Al Qamishli", "Amuda", 37.10417, 40.93000, 26821),
    p("Al Malikiyah", "Al Hasakeh", "Al Malikiyah", "Al Malikiyah", 37.17701, 42.14006, 26311),
    p("Shaykh Miskin", "Dar'a", "Izra'", "Shaykh Miskin", 32.82666, 36.16052, 25920),
    p("As Sanamayn", "Dar'a", "As Sanamayn", "As Sanamayn", 33.07186, 36.18316, 25702),
    p("Tall Rif'at", "Aleppo", "I'zaz", "Tall Rif'at", 36.47229, 37.09471, 25658),
    p("Batabo", "Aleppo", "Aleppo", "Al Atarib", 36.13447, 36.73979, 25560),
    p("Nubl", "Aleppo", "Afrin", "Nubl", 36.37867, 36.99294, 25546),
    p("Subaykhan", "Deir-ez-Zor", "Al Mayadin", "Al 'Asharah", 34.85305, 40.59987, 25514),
    p("Jarabulus", "Aleppo", "Jarabulus", "Jarabulus", 36.81750, 38.01111, 24997),
    p("Al Hirak", "Dar'a", "Izra'", "Al Hirak", 32.74948, 36.30582, 23784),
    p("Al Kiswah", "Rural Damascus", "Darayya", "Al Kiswah", 33.35810, 36.24190, 23526),
    p("Halfaya", "Hama", "Maharda", "Maharda", 35.26014, 36.60581, 23403),
    p("Kafr Takharim", "Idleb", "Harim", "Kafr Takharim", 36.11680, 36.51522, 22436),
    p("Ad Dana", "Idleb", "Harim", "Ad Dana", 36.21254, 36.76998, 21987),
    p("Kafr Zayta", "Hama", "Maharda", "Kafr Zayta", 35.37425, 36.60330, 21845),
    p("Kafr Laha", "Homs", "Ar Rastan", "Talldaww", 34.89469, 36.49582, 21819),
    p("Ad Darbasiyah", "Al Hasakeh", "Al Qamishli", "Ad Darbasiyah", 37.07279, 40.65199, 21481),
    p("Qarah", "Rural Damascus", "An Nabk", "Dayr 'Atiyah", 34.15558, 36.74284, 20656),
    p("Zakiyah", "Rural Damascus", "Qatana", "Al Kiswah", 33.33406, 36.15880, 18553),
    p("Qatana", "Rural Damascus", "Qatana", "Qatana", 33.43757, 36.07888, 18511),
    p("Maharda", "Hama", "Maharda", "Maharda", 35.24790, 36.57250, 17578),
    p("Al Qutayfah", "Rural Damascus", "Al Qutayfah", "Al Qutayfah", 33.73848, 36.60071, 16118),
    p("Shahba", "As-Sweida", "Shahba", "Shahba", 32.85237, 36.62847, 14784),
    p("Murak", "Hama", "Maharda", "Kafr Zayta", 35.37615, 36.68970, 14307),
    p("Kanakir", "Rural Damascus", "Qatana", "Sa'sa'", 33.26664, 36.09625, 13950),
    p("Izra'", "Dar'a", "Izra'", "Izra'", 32.86709, 36.25072, 13882),
    p("Jindayris", "Aleppo", "Afrin", "Jindayris", 36.39496, 36.68890, 13661),
    p("Salakhid", "As-Sweida", "Shahba", "Shahba", 32.87149, 36.57284, 12842),
    p("Kafr Shams", "Dar'a", "As Sanamayn", "As Sanamayn", 33.11807, 36.10626, 12435),
    p("Kafr Buhum", "Hama", "Hamah", "Hamah", 35.05965, 36.69905, 12194),
    p("Qabbasin", "Aleppo", "Manbij", "Abu Qalqal", 36.30774, 38.15598, 12000),
    p("Ad Duraykish", "Tartous", "Ad Duraykish", "Ad Duraykish", 34.89514, 36.14303, 11918),
    p("Majdal Shams", "Quneitra", "Al Qunaytirah", "Mas'adah", 33.27029, 35.77160, 11180),
    p("Al Musayfirah", "Dar'a", "Dar'a", "Al Musayfirah", 32.63263, 36.33977, 10466),
    p("Al Ghantu", "Homs", "Homs", "Tallbisah", 34.82202, 36.69613, 9412),
    p("Salkhad", "As-Sweida", "Salkhad", "Salkhad", 32.49200, 36.71114, 9155),
    p("Mukharram al Fawqani", "Homs", "Mukharram al Fawqani", "Mukharram al Fawqani", 34.81521, 37.08677, 9112),
    p("As Susah", "Deir-ez-Zor", "Albu Kamal", "As Susah", 34.53366, 40.95819, 8797),
    p("Qanawat", "As-Sweida", "As-Suwayda", "As-Suwayda", 32.75403, 36.61449, 8324),
    p("Shathah", "Hama", "As Suqaylibiyah", "Shathah", 35.50509, 36.24377, 8076),
    p("Tremseh", "Hama", "Maharda", "Maharda", 35.27181, 36.50395, 6927),
    p("Al Qurayya", "As-Sweida", "Salkhad", "Al Qurayya", 32.54337, 36.59776, 6789),
    p("Buq'ata", "Quneitra", "Al Qunaytirah", "Mas'adah", 33.20111, 35.77917, 6528),
    p("Afis", "Idleb", "Idlib", "Saraqib", 35.90690, 36.80419, 6338),
    p("Dayr al 'Asafir", "Rural Damascus", "Duma", "Al Mulayhah", 33.46585, 36.42044, 6209),
    p("Jaba", "Quneitra", "Al Qunaytirah", "Khan Arnabah", 33.16280, 35.92589, 5281),
    p("Shaqqa", "As-Sweida", "Shahba", "Shaqqa", 32.89773, 36.69653, 5116),
    p("Jinniyah", "Ar-Raqqa", "Ar Raqqah", "Ayn 'Isa", 36.31869, 38.91419, 5000),
    p("Ma'lula", "Rural Damascus", "Al Qutayfah", "Ma'lula", 33.84529, 36.54514, 5000),
    p("Ghasam", "Dar'a", "Dar'a", "Al Jizah", 32.54583, 36.37541, 3666),
    p("Kaff al-Jaa", "Tartous", "Ash Shaykh Badr", "Al Qadmus", 35.08638, 36.20605, 3500),
    p("Dayr Makir", "Rural Damascus", "Qatana", "Sa'sa'", 33.23289, 36.02751, 3228),
    p("Kafr Saghir", "Aleppo", "Aleppo", "Aleppo", 36.29264, 37.25590, 3130),
    p("Samad", "Dar'a", "Dar'a", "Busra ash Sham", 32.47637, 36.52106, 3098),
    p("Kafr Musa Al-Hmidiya", "Homs", "Al Qusayr", "Al Qusayr", 34.58288, 36.53389, 3000),
    p("Kafr Nasij", "Dar'a", "As Sanamayn", "As Sanamayn", 33.15051, 36.03877, 2381),
    p("Ayyubiyah", "Hama", "Hamah", "Hamah", 35.03288, 36.73578, 1980),
    p("Basir", "Dar'a", "As Sanamayn", "As Sanamayn", 33.06268, 36.23230, 1442),
    p("Lislamin", "Idleb", "Idlib", "Saraqib", 35.85691, 36.90360, 1022),
    p("Busra ash Sham", "Dar'a", "Dar'a", "Busra ash Sham", 32.51740, 36.48163, 1000),
    p("Judaydat Yabus", "Rural Damascus", "Az Zabadani", "Madaya", 33.65453, 35.97337, 994),
    p("Abu Qalqal", "Aleppo", "Manbij", "Abu Qalqal", 36.43806, 38.11984, 0),
    p("Abu az Zuhur", "Idleb", "Ma'arrat an Nu'man", "Abu az Zuhur", 35.74058, 37.04480, 0),
    p("Ad Daliyah", "Lattakia", "Jablah", "Ad Daliyah", 35.23605, 36.14371, 0),
    p("Ad Dimas", "Rural Damascus", "Az Zabadani", "Ad Dimas", 33.58739, 36.09262, 0),
    p("Ad Dumayr", "Rural Damascus", "Al Qutayfah", "Ad Dumayr", 33.64389, 36.69376, 0),
    p("Akhtarin", "Aleppo", "Al Bab", "Akhtarin", 36.51072, 37.33571, 0),
    p("Al Atarib", "Aleppo", "Aleppo", "Al Atarib", 36.13907, 36.82504, 0),
    p("Al Bahluliyah", "Lattakia", "Al Haffah", "Al Bahluliyah", 35.63679, 35.96022, 0),
    p("Al Bariqiyah", "Tartous", "Safita", "Al Bariqiyah", 34.82924, 36.22863, 0),
    p("Al Busayrah", "Deir-ez-Zor", "Al Mayadin", "Al Busayrah", 35.15618, 40.42716, 0),
    p("Al Fakhurah", "Lattakia", "Al Qardahah", "Al Fakhurah", 35.49846, 36.00955, 0),
    p("Al Furqlus", "Homs", "Mukharram al Fawqani", "Al Furqlus", 34.60638, 37.08745, 0),
    p("Al Ghandurah", "Aleppo", "Manbij", "Al Ghandurah", 36.66945, 37.73251, 0),
    p("Al Ghariyah", "As-Sweida", "Salkhad", "Al Ghariyah", 32.39332, 36.65067, 0),
    p("Al Ghizlaniyah", "Rural Damascus", "Duma", "Al Ghizlaniyah", 33.39671, 36.45491, 0),
    p("Al Hadir", "Aleppo", "Aleppo", "Al Hadir", 35.99024, 37.05086, 0),
    p("Al Haffah", "Lattakia", "Al Haffah", "Al Haffah", 35.59824, 36.03006, 0),
    p("Al Hajar al Aswad", "Rural Damascus", "Darayya", "Al Hajar al Aswad", 33.45759, 36.30419, 0),
    p("Al Hajib", "Aleppo", "As Safirah", "Al Hajib", 35.86409, 37.39680, 0),
    p("Al Hamidiyah", "Tartous", "Safita", "Al Hamidiyah", 34.71455, 35.95163, 0),
    p("Al Hamra'", "Hama", "As Salamiyah", "Al Hamra'", 35.31500, 37.08632, 0),
    p("Al Hawash", "Homs", "Tallkalakh", "Al Hawash", 34.76004, 36.32127, 0),
    p("Al Hawl", "Al Hasakeh", "Al Hasakah", "Al Hawl", 36.39042, 41.14983, 0),
    p("Al Hinadi", "Lattakia", "Latakia", "Al Hinadi", 35.51324, 35.87440, 0),
    p("Al Jala'", "Deir-ez-Zor", "Albu Kamal", "Al Jala'", 34.63346, 40.84054, 0),
    p("Al Janudiyah", "Idleb", "Jisr ash Shughur", "Al Janudiyah", 35.88469, 36.29108, 0),
    p("Al Jarniyah", "Ar-Raqqa", "Al-Tabqa", "Al Jarniyah", 36.16054, 38.23337, 0),
    p("Al Jawadiyah", "Al Hasakeh", "Al Malikiyah", "Al Jawadiyah", 36.98660, 41.82015, 0),
    p("Al Jizah", "Dar'a", "Dar'a", "Al Jizah", 32.57034, 36.31544, 0),
    p("Al Karamah", "Ar-Raqqa", "Ar Raqqah", "Al Karamah", 35.86865, 39.27803, 0),
    p("Al Karimah", "Tartous", "Safita", "Al Karimah", 34.66941, 36.07546, 0),
    p("Al Kasrah", "Deir-ez-Zor", "Deir ez-Zor", "Al Kasrah", 35.56743, 39.92020, 0),
    p("Al Khafsah", "Aleppo", "Manbij", "Al Khafsah", 36.23110, 38.02172, 0),
    p("Al Mansurah", "Ar-Raqqa", "Al-Tabqa", "Al Mansurah", 35.83917, 38.74288, 0),
    p("Al Mazra'ah", "As-Sweida", "As-Suwayda", "Al Mazra'ah", 32.78152, 36.47838, 0),
    p("Al Ma'batli", "Aleppo", "Afrin", "Al Ma'batli", 36.56246, 36.74292, 0),
    p("Al Mulayhah", "Rural Damascus", "Duma", "Al Mulayhah", 33.48522, 36.37561, 0),
    p("Al Mushannaf", "As-Sweida", "Shahba", "Al Mushannaf", 32.74379, 36.77593, 0),
    p("Al Muzayrib", "Dar'a", "Dar'a", "Al Muzayrib", 32.71084, 36.02751, 0),
    p("Al Muzayri'ah", "Lattakia", "Al Haffah", "Al Muzayri'ah", 35.53180, 36.07003, 0),
    p("Al Qabw", "Homs", "Tallkalakh", "Al Qabw", 34.84324, 36.45493, 0),
    p("Al Qadmus", "Tartous", "Ash Shaykh Badr", "Al Qadmus", 35.09855, 36.15984, 0),
    p("Al Qahtaniyah", "Al Hasakeh", "Al Qamishli", "Al Qahtaniyah", 37.02900, 41.54596, 0),
    p("Al Qamsiyah", "Tartous", "Ash Shaykh Badr", "Al Qamsiyah", 35.03357, 36.01455, 0),
    p("Al Qardahah", "Lattakia", "Al Qardahah", "Al Qardahah", 35.45644, 36.05909, 0),
    p("Al Qutaylibiyah", "Lattakia", "Jablah", "Al Qutaylibiyah", 35.29203, 36.01592, 0),
    p("Al Ya'rubiyah", "Al Hasakeh", "Al Malikiyah", "Al Ya'rubiyah", 36.81138, 42.06206, 0),
    p("Al 'Annazah", "Tartous", "Baniyas", "Al 'Annazah", 35.19503, 36.06571, 0),
    p("Al 'Arimah", "Aleppo", "Al Bab", "Al 'Arimah", 36.47296, 37.72113, 0),
    p("Al 'Asharah", "Deir-ez-Zor", "Al Mayadin", "Al 'Asharah", 34.92133, 40.56007, 0),
    p("An Nashabiyah", "Rural Damascus", "Duma", "An Nashabiyah", 33.51051, 36.48569, 0),
    p("An Nasirah", "Homs", "Tallkalakh", "An Nasirah", 34.78769, 36.28559, 0),
    p("Ar Rawdah", "Tartous", "Baniyas", "Ar Rawdah", 35.07204, 35.91375, 0),
    p("Ar Ra'i", "Aleppo", "Al Bab", "Ar Ra'i", 36.61182, 37.44780, 0),
    p("Ar Riqama", "Homs", "Homs", "Ar Riqama", 34.53879, 36.91909, 0),
    p("Ar Ruhaybah", "Rural Damascus", "Al Qutayfah", "Ar Ruhaybah", 33.74424, 36.70394, 0),
    p("Ariha", "Idleb", "Ariha", "Ariha", 35.81374, 36.60964, 0),
    p("Armanaz", "Idleb", "Harim", "Armanaz", 36.08363, 36.50310, 0),
    p("Arwad", "Tartous", "Tartus", "Arwad", 34.85604, 35.85854, 0),
    p("As Sabkhah", "Ar-Raqqa", "Ar Raqqah", "As Sabkhah", 35.81182, 39.26268, 0),
    p("As Sab' Biyar", "Rural Damascus", "An Nabk", "As Sab' Biyar", 33.77974, 37.68357, 0),
    p("As Safsafah", "Tartous", "Safita", "As Safsafah", 34.73481, 36.05318, 0),
    p("As Sawda", "Tartous", "Tartus", "As Sawda", 34.98151, 35.94414, 0),
    p("As Sisniyah", "Tartous", "Safita", "As Sisniyah", 34.78108, 36.14298, 0),
    p("As Si'in", "Hama", "As Salamiyah", "As Si'in", 35.26375, 37.37402, 0),
    p("As Sukhnah", "Homs", "Tadmur", "As Sukhnah", 34.88533, 38.87110, 0),
    p("As Suqaylibiyah", "Hama", "As Suqaylibiyah", "As Suqaylibiyah", 35.36674, 36.39359, 0),
    p("As Surah as Saghirah", "As-Sweida", "Shahba", "As Surah as Saghirah", 33.03247, 36.57420, 0),
    p("Ash Shaddadah", "Al Hasakeh", "Al Hasakah", "Ash Shaddadah", 36.05756, 40.73478, 0),
    p("Ash Shajarah", "Dar'a", "Dar'a", "Ash Shajarah", 32.77411, 35.88202, 0),
    p("Ash Shaykh Badr", "Tartous", "Ash Shaykh Badr", "Ash Shaykh Badr", 34.99174, 36.08350, 0),
    p("At Tamani'ah", "Idleb", "Ma'arrat an Nu'man", "At Tamani'ah", 35.45846, 36.74816, 0),
    p("At Tawahin", "Tartous", "Ash Shaykh Badr", "At Tawahin", 35.12751, 36.21444, 0),
    p("At Tibni", "Deir-ez-Zor", "Deir ez-Zor", "At Tibni", 35.61170, 39.81810, 0),
    p("Ayn Halaqim", "Hama", "Masyaf", "Ayn Halaqim", 34.93998, 36.32212, 0),
    p("Az Zarbah", "Aleppo", "Aleppo", "Az Zarbah", 36.06771, 36.98012, 0),
    p("Az Ziyarah", "Hama", "As Suqaylibiyah", "Az Ziyarah", 35.68482, 36.33867, 0),
    p("Banan", "Aleppo", "As Safirah", "Banan", 35.97358, 37.30234, 0),
    p("Barri ash Sharqi", "Hama", "As Salamiyah", "Barri ash Sharqi", 34.98099, 37.20096, 0),
    p("Bayt Yashut", "Lattakia", "Al Qardahah", "Bayt Yashut", 35.31025, 36.11523, 0),
    p("Bdama", "Idleb", "Jisr ash Shughur", "Bdama", 35.81151, 36.19649, 0),
    p("Bi'r al Hulw al Wardiyah", "Al Hasakeh", "Al Hasakah", "Bi'r al Hulw al Wardiyah", 36.69694, 41.03528, 0),
    p("Brummanat al Mashayikh", "Tartous", "Ash Shaykh Badr", "Brummanat al Mashayikh", 35.01883, 36.17083, 0),
    p("Bulbul", "Aleppo", "I'zaz", "Bulbul", 36.76947, 36.81969, 0),
    p("Darat 'Izzah", "Aleppo", "Afrin", "Darat 'Izzah", 36.28247, 36.85216, 0),
    p("Darkush", "Idleb", "Jisr ash Shughur", "Darkush", 35.99180, 36.39361, 0),
    p("Dayr 'Atiyah", "Rural Damascus", "An Nabk", "Dayr 'Atiyah", 34.09541, 36.76791, 0),
    p("Dhiban", "Deir-ez-Zor", "Al Mayadin", "Dhiban", 35.01498, 40.51028, 0),
    p("Dhibbin", "As-Sweida", "Salkhad", "Dhibbin", 32.43691, 36.56332, 0),
    p("Dhibin", "As-Sweida", "Salkhad", "Dhibbin", 32.43842, 36.56551, 0),
    p("Duwayr Raslan", "Tartous", "Ad Duraykish", "Duwayr Raslan", 34.94910, 36.18179, 0),
    p("Ghabaghib", "Dar'a", "As Sanamayn", "Ghabaghib", 33.18235, 36.22534, 0),
    p("Hadidah", "Homs", "Tallkalakh", "Hadidah", 34.67337, 36.39734, 0),
    p("Hammam Wasil", "Tartous", "Ash Shaykh Badr", "Hammam Wasil", 35.07437, 36.08677, 0),
    p("Harbinafsah", "Hama", "Hamah", "Harbinafsah", 34.93745, 36.62243, 0),
    p("Harf al Musaytirah", "Lattakia", "Al Qardahah", "Harf al Musaytirah", 35.38808, 36.13439, 0),
    p("Harim", "Idleb", "Harim", "Harim", 36.21176, 36.52078, 0),
    p("Harran al 'Awamid", "Rural Damascus", "Duma", "Harran al 'Awamid", 33.44885, 36.56001, 0),
    p("Himmin", "Tartous", "Ad Duraykish", "Himmin", 34.90035, 36.04010, 0),
    p("Hish", "Idleb", "Ma'arrat an Nu'man", "Hish", 35.54793, 36.64356, 0),
    p("Hisya'", "Homs", "Al Qusayr", "Hisya'", 34.41197, 36.75867, 0),
    p("Huraytan", "Aleppo", "Aleppo", "Huraytan", 36.28861, 37.08527, 0),
    p("Ihsim", "Idleb", "Ariha", "Ihsim", 35.72078, 36.55631, 0),
    p("Jawbat Burghal", "Lattakia", "Al Qardahah", "Jawbat Burghal", 35.48995, 36.17473, 0),
    p("Jubb Ramlah", "Hama", "Maharda", "Jubb Ramlah", 35.20922, 36.43104, 0),
    p("Jubb al Jarrah", "Homs", "Mukharram al Fawqani", "Jubb al Jarrah", 34.83444, 37.32396, 0),
    p("Junaynat Raslan", "Tartous", "Ad Duraykish", "Junaynat Raslan", 34.92789, 36.12400, 0),
    p("Kafr Batna", "Rural Damascus", "Duma", "Kafr Batna", 33.51168, 36.37273, 0),
    p("Kassab", "Lattakia", "Al Haffah", "Kassab", 35.92639, 35.98970, 0),
    p("Khan Arnabah", "Quneitra", "Al Qunaytirah", "Khan Arnabah", 33.18378, 35.89158, 0),
    p("Khanasir", "Aleppo", "As Safirah", "Khanasir", 35.78159, 37.49919, 0),
    p("Khirbat Ghazalah", "Dar'a", "Izra'", "Khirbat Ghazalah", 32.73376, 36.20455, 0),
    p("Khirbat Tin Nur", "Homs", "Homs", "Khirbat Tin Nur", 34.70122, 36.55658, 0),
    p("Khirbat al Ma'azzah", "Tartous", "Safita", "Khirbat al Ma'azzah", 34.80454, 36.00077, 0),
    p("Khusham", "Deir-ez-Zor", "Deir ez-Zor", "Khusham", 35.30088, 40.28916, 0),
    p("Kinnsibba", "Lattakia", "Al Haffah", "Kinnsibba", 35.74410, 36.16400, 0),
    p("Kurnaz", "Hama", "As Suqaylibiyah", "Kurnaz", 35.38972, 36.48773, 0),
    p("Kuwayris Sharqi", "Aleppo", "As Safirah", "Kuwayris Sharqi", 36.16685, 37.53815, 0),
    p("Madaya", "Rural Damascus", "Az Zabadani", "Madaya", 33.69032, 36.10354, 0),
    p("Mahin", "Homs", "Al Qusayr", "Mahin", 34.24168, 37.05843, 0),
    p("Malah", "As-Sweida", "Salkhad", "Malah", 32.50680, 36.85377, 0),
    p("Mari'", "Aleppo", "I'zaz", "Mari'", 36.48259, 37.19709, 0),
    p("Markadah", "Al Hasakeh", "Al Hasakah", "Markadah", 35.74607, 40.75304, 0),
    p("Mashta al Hulw", "Tartous", "Ad Duraykish", "Mashta al Hulw", 34.87462, 36.25099, 0),
    p("Maskanah", "Aleppo", "As Safirah", "Maskanah", 35.96577, 38.04165, 0),
    p("Mas'adah", "Quneitra", "Al Qunaytirah", "Mas'adah", 33.23203, 35.75572, 0),
    p("Mazra'at Bayt Jinn", "Rural Damascus", "Qatana", "Mazra'at Bayt Jinn", 33.32836, 35.92144, 0),
    p("Ma'arrat an Nu'man", "Idleb", "Ma'arrat an Nu'man", "Ma'arrat an Nu'man", 35.64830, 36.67693, 0),
    p("Ma'dan", "Ar-Raqqa", "Ar Raqqah", "Ma'dan", 35.75520, 39.59835, 0),
    p("Mismiyah", "Dar'a", "As Sanamayn", "Mismiyah", 33.12902, 36.39402, 0),
    p("Muadamiyat al-Sham", "Rural Damascus", "Darayya", "Darayya", 33.46466, 36.20175, 0),
    p("Muh Hasan", "Deir-ez-Zor", "Deir ez-Zor", "Muh Hasan", 35.23349, 40.31660, 0),
    p("Muhambal", "Idleb", "Ariha", "Muhambal", 35.78735, 36.47210, 0),
    p("Nahiyat as Sab' Biyar", "Rural Damascus", "An Nabk", "Nahiyat as Sab' Biyar", 33.53228, 38.00818, 0),
    p("Qadsayya", "Rural Damascus", "Darayya", "Qadsayya", 33.54832, 36.21563, 0),
    p("Qal'at al Madiq", "Hama", "As Suqaylibiyah", "Qal'at al Madiq", 35.41465, 36.39085, 0),
    p("Qastal Ma'af", "Lattakia", "Al Haffah", "Qastal Ma'af", 35.82439, 35.95193, 0),
    p("Qentere", "Aleppo", "Afrin", "Qentere", 36.56350, 36.72841, 0),
    p("Qurqina", "Idleb", "Harim", "Qurqina", 36.13849, 36.61247, 0),
    p("Ra's al Khashufah", "Tartous", "Safita", "Ra's al Khashufah", 34.82285, 36.03005, 0),
    p("Rabi'ah", "Lattakia", "Al Haffah", "Rabi'ah", 35.78656, 36.03825, 0),
    p("Raju", "Aleppo", "Afrin", "Raju", 36.67598, 36.66415, 0),
    p("Rankus", "Rural Damascus", "At Tall", "Rankus", 33.75623, 36.38830, 0),
    p("Rasm al Harmal", "Aleppo", "Al Bab", "Rasm al Harmal", 36.24486, 37.71607, 0),
    p("Ra's al Khashufah", "Tartous", "Safita", "Ra's al Khashufah", 34.82653, 36.05167, 0),
    p("Ra's al 'Ayn", "Al Hasakeh", "Ra's al 'Ayn", "Ra's al 'Ayn", 36.85034, 40.07055, 0),
    p("Sabbah", "Tartous", "Ad Duraykish", "Sabbah", 34.90292, 36.23711, 0),
    p("Sabburah", "Hama", "As Salamiyah", "Sabburah", 35.15595, 37.20908, 0),
    p("Sadad", "Homs", "Al Qusayr", "Sadad", 34.31248, 36.92562, 0),
    p("Sarmin", "Idleb", "Idlib", "Sarmin", 35.90403, 36.72501, 0),
    p("Saydnaya", "Rural Damascus", "At Tall", "Saydnaya", 33.69473, 36.37146, 0),
    p("Sa'sa'", "Rural Damascus", "Qatana", "Sa'sa'", 33.28198, 36.01947, 0),
    p("Sharan", "Aleppo", "I'zaz", "Sharan", 36.62336, 36.93659, 0),
    p("Shaykh al Hadid", "Aleppo", "Afrin", "Shaykh al Hadid", 36.50069, 36.59945, 0),
    p("Shin", "Homs", "Tallkalakh", "Shin", 34.77863, 36.42366, 0),
    p("Shuyukh Tahtani", "Aleppo", "Jarabulus", "Shuyukh Tahtani", 36.75059, 38.07676, 0),
    p("Sinjar", "Idleb", "Ma'arrat an Nu'man", "Sinjar", 35.59011, 37.00472, 0),
    p("Sirghaya", "Rural Damascus", "Az Zabadani", "Sirghaya", 33.81040, 36.15787, 0),
    p("Sirrin ash Shamaliyah", "Aleppo", "Manbij", "Sirrin ash Shamaliyah", 36.58838, 38.29788, 0),
    p("Slinfah", "Lattakia", "Al Haffah", "Slinfah", 35.59822, 36.18770, 0),
    p("Suluk", "Ar-Raqqa", "Tall Abyad", "Suluk", 36.59596, 39.12990, 0),
    p("Suran", "Aleppo", "I'zaz", "Suran", 36.56579, 37.21270, 0),
    p("Taftanaz", "Idleb", "Idlib", "Taftanaz", 35.99832, 36.78579, 0),
    p("Talin", "Tartous", "Baniyas", "Talin", 35.14849, 36.03288, 0),
    p("Tall Abyad", "Ar-Raqqa", "Tall Abyad", "Tall Abyad", 36.69648, 38.95382, 0),
    p("Tall Hamis", "Al Hasakeh", "Al Qamishli", "Tall Hamis", 36.75678, 41.39943, 0),
    p("Tall Salhab", "Hama", "As Suqaylibiyah", "Tall Salhab", 35.25884, 36.38461, 0),
    p("Tall Tamr", "Al Hasakeh", "Ra's al 'Ayn", "Tall Tamr", 36.65556, 40.37079, 0),
    p("Tall ad Daman", "Aleppo", "As Safirah", "Tall ad Daman", 35.80776, 37.25378, 0),
    p("Talldaww", "Homs", "Ar Rastan", "Talldaww", 34.87632, 36.52400, 0),
    p("Talldaww", "Homs", "Ar Rastan", "Talldaww", 34.92357, 36.48598, 0),
    p("Tasil", "Dar'a", "Izra'", "Tasil", 32.83395, 35.96973, 0),
    p("Wadi al 'Uyun", "Hama", "Masyaf", "Wadi al 'Uyun", 35.00119, 36.18683, 0),
    p("Aqraba", "Dar'a", "As Sanamayn", "Jasim", 33.10925, 36.00722, 0),
    p("Ariqah", "As-Sweida", "Shahba", "Ariqah", 32.88994, 36.48342, 0),
    p("Arishah", "Al Hasakeh", "Al Hasakah", "Arishah", 36.23154, 40.77214, 0),
    p("Assal al Ward", "Rural Damascus", "Al Qutayfah", "Assal al Ward", 33.86453, 36.41390, 0),
    p("Awaj", "Hama", "Masyaf", "Awaj", 34.90704, 36.40444, 0),
    p("Ayn Shiqaq", "Lattakia", "Al Qardahah", "Ayn Shiqaq", 35.39441, 36.03012, 0),
    p("Ayn al Bayda", "Lattakia", "Al Haffah", "Ayn al Bayda", 35.65599, 35.88871, 0),
    p("Ayn al Fijah", "Rural Damascus", "At Tall", "Ayn al Fijah", 33.61529, 36.18285, 0),
    p("Ayn an Nasr", "Homs", "Mukharram al Fawqani", "Ayn an Nasr", 34.84113, 36.92837, 0),
    p("Ayn ash Sharqiyah", "Lattakia", "Al Qardahah", "Ayn ash Sharqiyah", 35.33169, 36.09973, 0),
    p("Ayn at Tinah", "Lattakia", "Al Haffah", "Ayn at Tinah", 35.56445, 36.10098, 0),
    p("Ayn 'Isa", "Ar-Raqqa", "Tall Abyad", "Ayn 'Isa", 36.38550, 38.86228, 0),
    p("Uqayribat", "Hama", "As Salamiyah", "Uqayribat", 35.04310, 37.46442, 0),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{self, Format};

    fn generate(rows: u64, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_acled(&mut out, rows, seed).unwrap();
        out
    }

    #[test]
    fn reads_back_with_no_warnings() {
        let bytes = generate(600, 7);
        let loaded = formats::read_bytes(&bytes, Some("generated.csv")).unwrap();
        assert_eq!(loaded.format, Format::Acled);
        assert!(
            loaded.warnings.is_empty(),
            "{:?}",
            &loaded.warnings[..loaded.warnings.len().min(5)]
        );
        assert_eq!(loaded.records, 600);
        assert_eq!(loaded.dataset.incidents.len(), 600);
        let direct = formats::acled::read(&bytes).unwrap();
        assert!(direct.warnings.is_empty());
        let first = Day::from_ymd(FIRST.0, FIRST.1, FIRST.2).unwrap();
        let last = Day::from_ymd(LAST.0, LAST.1, LAST.2).unwrap();
        let mut previous = last;
        for inc in &loaded.dataset.incidents {
            let d = inc.date.expect("dated");
            assert!(d >= first && d <= last);
            assert!(d <= previous, "newest first");
            previous = d;
            let loc = inc.location.expect("located");
            assert!((32.0..37.5).contains(&loc.lat) && (35.5..42.5).contains(&loc.lon));
            let quote = &inc.sources[0].quote;
            assert!(
                (NOTES_MIN..=NOTES_MAX).contains(&quote.len()),
                "{} characters: {quote}",
                quote.len()
            );
            assert!(!inc.category.is_empty() && inc.admin1.is_some());
            for col in [
                "event_type",
                "actor1",
                "inter1",
                "iso",
                "country",
                "timestamp",
            ] {
                assert!(inc.extra.contains_key(col), "{col} missing in {}", inc.id);
            }
        }
        // Varied: several categories and governorates, mostly small fatality counts.
        let ds = &loaded.dataset;
        assert!(ds.categories().len() >= 8, "{:?}", ds.categories());
        let mut admin1: Vec<&str> = ds
            .incidents
            .iter()
            .filter_map(|i| i.admin1.as_deref())
            .collect();
        admin1.sort();
        admin1.dedup();
        assert!(admin1.len() >= 10, "{admin1:?}");
        let killed: Vec<u32> = ds
            .incidents
            .iter()
            .filter_map(|i| i.casualties.killed)
            .collect();
        let small = killed.iter().filter(|&&k| k <= 3).count();
        assert!(small * 10 >= killed.len() * 8, "mostly 0–3");
    }

    #[test]
    fn every_column_is_written_and_the_header_is_acleds() {
        let bytes = generate(50, 1);
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        for rec in reader.records() {
            assert_eq!(rec.unwrap().len(), 31);
        }
    }

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(generate(300, 42), generate(300, 42));
        assert_ne!(generate(300, 42), generate(300, 43));
        assert_eq!(generate(0, 1).iter().filter(|&&b| b == b'\n').count(), 1);
    }

    #[test]
    fn rows_per_day_add_up() {
        for rows in [0, 1, 10, 9_999, 123_457] {
            let days = rows_per_day(rows, &mut Rng::new(3));
            assert_eq!(days.iter().map(|d| d.1).sum::<u64>(), rows);
            assert!(days.windows(2).all(|w| w[0].0 > w[1].0));
        }
    }

    #[test]
    fn places_are_in_syria_with_known_governorates() {
        assert!(places().len() > 300);
        for pl in places() {
            assert!(
                GOVERNORATES.iter().any(|(g, _)| *g == pl.admin1),
                "{}",
                pl.admin1
            );
            assert!((32.0..37.5).contains(&pl.lat) && (35.5..42.5).contains(&pl.lon));
            assert!(pl.name.is_ascii() && !pl.name.contains('"'));
        }
    }
}
