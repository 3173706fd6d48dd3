//! The ExtendedData names the KML reader recognises and the writer uses: the GeoJSON property
//! names of the model's fields (README schema), a few common aliases from other tools
//! (`fatalities`, `publisher`, …) and `source_N_field` for the N-th source.

/// Data entry holding a JSON object of the values that are not plain text (numbers, objects,
/// and any text whose name is one of the recognised keys), merged back into `extra` on reading.
pub const JSON_EXTRA: &str = "sitview:extra";

/// A field of a [`crate::model::Source`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceField {
    Publisher,
    Url,
    Published,
    Attribution,
    Quote,
}

impl SourceField {
    pub const ALL: [SourceField; 5] = [
        Self::Publisher,
        Self::Url,
        Self::Published,
        Self::Attribution,
        Self::Quote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publisher => "publisher",
            Self::Url => "url",
            Self::Published => "published",
            Self::Attribution => "attribution",
            Self::Quote => "quote",
        }
    }
}

/// What an ExtendedData name means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    JsonExtra,
    Id,
    Title,
    Category,
    Date,
    DateEnd,
    DatePrecision,
    Place,
    PlaceLocal,
    Admin1,
    Notes,
    LocationPrecision,
    LocationRadius,
    Killed,
    Injured,
    ChildrenKilled,
    /// A field of the single source of a file that does not number its sources.
    Source(SourceField),
    /// `source_N_field`, N from 1.
    NumberedSource(usize, SourceField),
    Other,
}

/// Sources beyond this number in `source_N_*` names are treated as unknown keys.
const MAX_SOURCES: usize = 1000;

/// Classifies an ExtendedData name (case-insensitive).
pub fn key(name: &str) -> Key {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        JSON_EXTRA => Key::JsonExtra,
        "id" => Key::Id,
        "title" => Key::Title,
        "category" => Key::Category,
        "date" | "event_date" => Key::Date,
        "date_end" | "end_date" => Key::DateEnd,
        "date_precision" => Key::DatePrecision,
        "place" => Key::Place,
        "place_local" => Key::PlaceLocal,
        "admin1" => Key::Admin1,
        "notes" => Key::Notes,
        "location_precision" => Key::LocationPrecision,
        "location_radius_m" => Key::LocationRadius,
        "killed" | "fatalities" | "deaths" => Key::Killed,
        "injured" => Key::Injured,
        "children_killed" => Key::ChildrenKilled,
        "source" | "publisher" => Key::Source(SourceField::Publisher),
        "url" | "source_url" | "link" => Key::Source(SourceField::Url),
        "published" => Key::Source(SourceField::Published),
        "attribution" => Key::Source(SourceField::Attribution),
        _ => numbered_source(&lower).unwrap_or(Key::Other),
    }
}

/// `source_3_quote` → `NumberedSource(3, Quote)`.
fn numbered_source(lower: &str) -> Option<Key> {
    let rest = lower.strip_prefix("source_")?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok().filter(|n| (1..=MAX_SOURCES).contains(n))?;
    let field = SourceField::ALL.into_iter().find(|f| f.as_str() == field)?;
    Some(Key::NumberedSource(n, field))
}

/// The name the writer uses for field `field` of source `n` (1-based).
pub fn source_key(n: usize, field: SourceField) -> String {
    format!("source_{n}_{}", field.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_fields_aliases_and_numbered_sources() {
        assert_eq!(key("Fatalities"), Key::Killed);
        assert_eq!(key("publisher"), Key::Source(SourceField::Publisher));
        assert_eq!(
            key(&source_key(2, SourceField::Quote)),
            Key::NumberedSource(2, SourceField::Quote)
        );
        assert_eq!(key("source_0_quote"), Key::Other);
        assert_eq!(key("source_2_colour"), Key::Other);
        assert_eq!(key("weather"), Key::Other);
    }
}
