//! Text decoding for the readers: UTF-8 with or without a byte-order mark, or Windows-1252
//! (what spreadsheets on Windows still write), detected and converted.

use std::borrow::Cow;

/// The characters Windows-1252 puts at 0x80..=0x9F (undefined codes map to U+FFFD).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// Which encoding [`decode`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// Decodes `bytes` as UTF-8 (a leading BOM is dropped); if that fails, as Windows-1252.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => (
            Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()),
            Encoding::Windows1252,
        ),
    }
}

fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_windows_1252() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFAleppo"),
            ("Aleppo".into(), Encoding::Utf8)
        );
        let (s, e) = decode(b"Caf\xE9 \x93quoted\x94 \x80");
        assert_eq!((s.as_ref(), e), ("Café “quoted” €", Encoding::Windows1252));
    }
}
