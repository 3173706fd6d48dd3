//! What the user filters by: categories switched off in the legend, a text search over title,
//! place and source text, and a minimum number killed. The filter decides which incidents exist
//! for the list, the markers and clusters, the legend counts and the histogram.

use crate::model::Incident;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Per category (index into the document's colours): switched off.
    pub hidden: Vec<bool>,
    /// Case-insensitive words, all of which must occur in the title, place or source text.
    pub text: String,
    /// Minimum killed; 0 keeps incidents whose toll is not reported.
    pub min_killed: u32,
}

impl Filter {
    /// Whether anything is filtered out at all.
    pub fn is_active(&self) -> bool {
        self.hidden.iter().any(|&h| h) || !self.text.trim().is_empty() || self.min_killed > 0
    }

    /// Whether `inc` (of category number `category`) passes.
    pub fn passes(&self, inc: &Incident, category: u16) -> bool {
        if self
            .hidden
            .get(usize::from(category))
            .copied()
            .unwrap_or(false)
        {
            return false;
        }
        if self.min_killed > 0 && inc.casualties.killed.unwrap_or(0) < self.min_killed {
            return false;
        }
        let words: Vec<String> = self
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        words.is_empty() || {
            let mut hay = format!("{} {} {}", inc.title, inc.place, inc.category);
            if let Some(l) = &inc.place_local {
                hay.push(' ');
                hay.push_str(l);
            }
            for s in &inc.sources {
                hay.push(' ');
                hay.push_str(&s.quote);
                hay.push(' ');
                hay.push_str(&s.publisher);
            }
            let hay = hay.to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Casualties, Source};

    #[test]
    fn categories_words_and_tolls() {
        let inc = Incident {
            title: "Attack on two ambulances".into(),
            place: "Khan Tuman".into(),
            category: "Attack on medical care".into(),
            casualties: Casualties {
                killed: Some(4),
                ..Default::default()
            },
            sources: vec![Source {
                publisher: "Al Jazeera".into(),
                quote: "two nurses and two drivers were killed".into(),
                ..Default::default()
            }]
            .into(),
            ..Default::default()
        };
        let mut f = Filter::default();
        assert!(!f.is_active() && f.passes(&inc, 0));
        f.text = "NURSES tuman".into();
        assert!(f.passes(&inc, 0));
        f.text = "convoy".into();
        assert!(!f.passes(&inc, 0));
        f.text.clear();
        f.min_killed = 5;
        assert!(!f.passes(&inc, 0));
        f.min_killed = 4;
        assert!(f.passes(&inc, 0));
        f.hidden = vec![true];
        assert!(!f.passes(&inc, 0) && f.is_active());
    }
}
