//! KML 2.2 and KMZ: Google Earth's format, in and out.
//!
//! **Reading.** Every `<Placemark>` is either an incident or an overlay:
//! - with a `<Point>`, or with no geometry, or with one that cannot be used (bad coordinates, a
//!   `gx:Track`, a `Model`): an **incident**, unlocated (with a warning) unless it had a good
//!   Point. These are the *records* counted in [`Loaded::records`];
//! - with a `LineString`, `LinearRing`, `Polygon` or `MultiGeometry`: an **overlay**
//!   (`MultiGeometry` always, even of points, so that a written overlay reads back as one).
//!
//! Incident fields: `id` attribute (else `kml-N`, N counting Placemarks from 1); `<name>` →
//! title; innermost `<Folder>`'s name → category (else `Other`); `TimeStamp/when` → date with
//! the precision its form implies (`2016` year, `2016-09` month, a date or dateTime day);
//! `TimeSpan` → `date..date_end`, where a month or year `<end>` covers all of it, an `<end>` at
//! exactly midnight (`T00:00:00`) ends the day before, and the precision is the coarser of the
//! two ends, except that a day-precise span of up to seven days is `Week` (how the model
//! describes such windows; the range itself is kept). A span with one end only is dated to that
//! end, with a warning. `<description>` (HTML) → the plain-text quote of a single source, its
//! first `<a href>` → the source's URL. `ExtendedData` (`Data/value` and
//! `SchemaData/SimpleData`) → fields by name (see `schema`: the GeoJSON property names plus
//! aliases such as `fatalities`, `publisher`), the rest into `extra`; explicit values win over
//! the TimeStamp and Folder. Colours: the Placemark's own Style or its `styleUrl` (through a
//! StyleMap's `normal` pair) → IconStyle colour → `category_colours[category]`, the first seen
//! per category winning. Document `<name>` → the dataset title.
//!
//! **Safety.** Entities are never expanded (a DOCTYPE's declarations are ignored with a
//! warning, unknown `&name;` stays literal with a warning); nesting deeper than
//! [`MAX_DEPTH`] and anything not well-formed is an error with line and column. KMZ
//! inflation is capped ([`MAX_KML_BYTES`]) and so is the number of entries ([`MAX_ENTRIES`]).
//!
//! **Writing** ([`write`], [`write_kmz`]): one Style and one Folder per category (in order of
//! first appearance), a Placemark per incident with Point, TimeStamp/TimeSpan (a range's end
//! written as `…T23:59:59Z` so Google Earth shows its last day), an HTML description, and every
//! model field in ExtendedData so that [`read`] gives the incidents back. What does not survive
//! a round trip: the incidents' order (they come back grouped by category, file order within
//! each); colours of categories without a colour (they get a palette colour, which then reads
//! back as theirs); overlays' date precision and an overlay's `date_end` without a `date`; a
//! single-Point overlay (it comes back as a one-point MultiPoint), a `Line`, `Rect` or
//! `Triangle` (as a LineString or Polygon) and an overlay without geometry (as an empty
//! GeometryCollection).

mod html;
mod kmz;
mod read;
mod schema;
mod write;
mod xml;

use std::borrow::Cow;

pub use kmz::{MAX_ENTRIES, MAX_KML_BYTES, read_kmz, read_kmz_with_limit, write_kmz};
pub use write::write;
pub use xml::MAX_DEPTH;

use super::encoding;
use super::{Format, FormatError, Loaded};

/// How far into a file [`sniff`] looks for the `<kml` root.
const SNIFF_BYTES: usize = 1024;

/// Whether `bytes` look like a KML document: XML whose `<kml` root starts in the first KB.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = decode(&bytes[..bytes.len().min(SNIFF_BYTES)]);
    let head = head.trim_start_matches('\u{FEFF}').trim_start();
    head.starts_with('<') && find_root(head).is_some_and(|name| local(name) == "kml")
}

/// The name of the first element in `head`, skipping the declaration, comments and DOCTYPE.
fn find_root(head: &str) -> Option<&str> {
    let mut rest = head;
    loop {
        let lt = rest.find('<')?;
        rest = &rest[lt + 1..];
        if rest.starts_with(['?', '!']) {
            let end = if rest.starts_with("!--") { "-->" } else { ">" };
            rest = &rest[rest.find(end)? + end.len()..];
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Reads a KML document. Text is UTF-8 (with or without BOM), UTF-16 with a BOM, or
/// Windows-1252 when the XML declaration says `windows-1252`/`iso-8859-1` or the bytes are not
/// UTF-8.
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let text = decode(bytes);
    let parsed = xml::parse(&text)?;
    read::dataset(parsed, Format::Kml)
}

/// Decodes KML bytes to text (see [`read`]).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(utf16) = decode_utf16(bytes) {
        return Cow::Owned(utf16);
    }
    let declared = declared_encoding(bytes).map(|e| e.to_ascii_lowercase());
    let single_byte = matches!(
        declared.as_deref(),
        Some("windows-1252" | "cp1252" | "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1")
    );
    if single_byte && !bytes.is_ascii() {
        // Every byte is one character; a lone byte ≥ 0x80 is never UTF-8, so `encoding::decode`
        // gives its Windows-1252 character.
        return Cow::Owned(
            bytes
                .iter()
                .map(|&b| match b {
                    0..0x80 => char::from(b),
                    _ => encoding::decode(&[b])
                        .0
                        .chars()
                        .next()
                        .unwrap_or('\u{FFFD}'),
                })
                .collect(),
        );
    }
    encoding::decode(bytes).0
}

/// UTF-16 text with a byte-order mark, decoded (unpaired surrogates become U+FFFD).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let big_endian = match bytes {
        [0xFE, 0xFF, ..] => true,
        [0xFF, 0xFE, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        let pair = [c[0], c[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect(),
    )
}

/// The `encoding` of an XML declaration at the start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(200)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let decl = decl.trim_start().strip_prefix("<?xml")?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    after[1..].split(quote).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_kml_roots_only() {
        assert!(sniff(
            b"<?xml version=\"1.0\"?>\n<!-- x --><kml xmlns=\"http://www.opengis.net/kml/2.2\">"
        ));
        assert!(sniff(b"\xEF\xBB\xBF  <kml:kml xmlns:kml='x'>"));
        assert!(!sniff(b"<?xml version=\"1.0\"?><gpx>"));
        assert!(!sniff(b"{\"type\":\"FeatureCollection\"}"));
        assert!(!sniff(b""));
    }

    #[test]
    fn honours_declared_single_byte_encodings_and_utf16() {
        let text = b"<?xml version='1.0' encoding='ISO-8859-1'?><kml><Document><name>Caf\xE9</name></Document></kml>";
        let l = read(text).unwrap();
        assert_eq!(l.dataset.title.as_deref(), Some("Café"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "<kml><Document><name>Ḥalab</name></Document></kml>"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        assert_eq!(
            read(&utf16).unwrap().dataset.title.as_deref(),
            Some("Ḥalab")
        );
        assert_eq!(
            declared_encoding(b"<?xml version=\"1.0\" encoding = \"UTF-8\"?>"),
            Some("UTF-8")
        );
    }

    #[test]
    fn root_must_be_kml() {
        let e = read(b"<?xml version='1.0'?>\n<gpx></gpx>").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("root element is <gpx>"), "{e}");
    }
}
