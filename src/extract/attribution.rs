//! Who makes the claim: "according to the Syrian Observatory", "…, the monitor said", "Syrian
//! state media reported that …", "The US blames Russia …". Back-references ("the monitor",
//! "the group", "the Observatory") resolve to the last organisation named earlier in the report.

/// What the report has named so far.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The last named organisation (a monitor, an NGO, an agency).
    pub last_named: Option<String>,
}

const ANAPHORS: &[&str] = &[
    "the monitor",
    "the group",
    "the observatory",
    "the organisation",
    "the organization",
    "the ngo",
    "the charity",
    "the agency",
    "the network",
    "the war monitor",
    "the monitoring group",
    "the britain-based monitor",
    "the uk-based monitor",
];

const VERBS: &[&str] = &[
    " said",
    " says",
    " reported",
    " reports",
    " told",
    " claimed",
    " claims",
    " announced",
    " confirmed",
    " stated",
    " blames",
    " blamed",
    " accused",
    " accuses",
    " documented",
];

/// Cleans a claimant's name: leading "the", "Britain-based" and the like dropped.
fn tidy(s: &str) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    while let Some(w) = words.first() {
        let l = w.to_lowercase();
        if l == "the" || l.ends_with("-based") || l == "britain" || l == "uk-based" {
            words.remove(0);
        } else {
            break;
        }
    }
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != ')')
        .to_owned()
}

/// Whether a claimant's text is a plausible name: short, no digits, not a clause.
fn plausible(s: &str) -> bool {
    let n = s.split_whitespace().count();
    (1..=9).contains(&n)
        && !s.chars().any(|c| c.is_ascii_digit())
        && !s.contains(" were ")
        && !s.contains(" was ")
        && !s.to_lowercase().starts_with("which")
}

/// Resolves a back-reference to the last named organisation.
fn resolve(raw: &str, ctx: &mut Context) -> String {
    let l = raw.trim().to_lowercase();
    let l = l.trim_end_matches(|c: char| !c.is_alphanumeric());
    if ANAPHORS.contains(&l)
        && let Some(named) = &ctx.last_named
    {
        return format!("{named} (\"{}\")", raw.trim());
    }
    let t = tidy(raw);
    if is_organisation(&t) {
        ctx.last_named = Some(t.clone());
    }
    t
}

fn is_organisation(name: &str) -> bool {
    let l = name.to_lowercase();
    [
        "observatory",
        "monitor",
        "network",
        "organisation",
        "organization",
        "union",
        "committee",
        "council",
        "agency",
        "defence",
        "defense",
        "helmets",
        "group",
        "coalition",
        "ministry",
        "media",
        "sana",
        "sohr",
        "snhr",
        "msf",
        "medecins",
        "crescent",
        "cross",
    ]
    .iter()
    .any(|w| l.contains(w))
        && !l.contains("source")
        && name.chars().next().is_some_and(char::is_uppercase)
}

/// The attribution of one sentence, if it states one.
pub fn find(sentence: &str, ctx: &mut Context) -> Option<String> {
    let lower = sentence.to_lowercase();
    // "according to X[,.]"
    if let Some(p) = lower.find("according to ") {
        let rest = &sentence[p + "according to ".len()..];
        let end = rest.find([',', '.', ';', '(', '\n']).unwrap_or(rest.len());
        let raw = &rest[..end];
        if plausible(raw) {
            return Some(resolve(raw, ctx));
        }
    }
    // "…, X said." — the last clause before a reporting verb at the end.
    for v in VERBS {
        let Some(p) = lower.rfind(v) else { continue };
        let after = lower[p + v.len()..].trim_matches(|c: char| !c.is_alphanumeric());
        let before = &sentence[..p];
        if after.is_empty() || after.len() < 25 {
            // Ends with the verb (or "said on Thursday"): the subject is after the last comma.
            let start = before
                .rfind([',', '“', '"', '”'])
                .map(|k| k + 1)
                .unwrap_or(0);
            let raw = before[start..].trim();
            if plausible(raw) && raw.split_whitespace().count() <= 9 {
                return Some(resolve(raw, ctx));
            }
        }
        // "X said (that) …" at the start of the sentence.
        if before.split_whitespace().count() <= 8 && !before.contains(',') && plausible(before) {
            return Some(resolve(before, ctx));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monitor_and_the_group_resolve_to_the_named_observatory() {
        let mut ctx = Context::default();
        let a = find(
            "dozens of raids hit eastern Aleppo, according to the Britain-based Syrian \
             Observatory for Human Rights.",
            &mut ctx,
        );
        assert_eq!(a.as_deref(), Some("Syrian Observatory for Human Rights"));
        let a = find(
            "At least 12 civilians were killed, the monitor said.",
            &mut ctx,
        );
        assert_eq!(
            a.as_deref(),
            Some("Syrian Observatory for Human Rights (\"the monitor\")")
        );
        let a = find(
            "18 were killed in Khan Sheikhun, according to the group.",
            &mut ctx,
        );
        assert!(a.unwrap().starts_with("Syrian Observatory"));
    }

    #[test]
    fn sentence_initial_and_final_claimants() {
        let mut ctx = Context::default();
        assert_eq!(
            find(
                "Syrian state media reported that the west came under shelling.",
                &mut ctx
            )
            .as_deref(),
            Some("Syrian state media")
        );
        assert_eq!(
            find(
                "two nurses were killed, the Union of Syrian Medical Relief Organisations said.",
                &mut ctx
            )
            .as_deref(),
            Some("Union of Syrian Medical Relief Organisations")
        );
        assert_eq!(
            find("The US blames Russia for a deadly air strike.", &mut ctx).as_deref(),
            Some("US")
        );
        assert_eq!(find("Rebels shelled the town on Monday.", &mut ctx), None);
    }
}
