//! A fast splitter of well-formed CSV text into records, for the reading of large ACLED
//! exports in pieces.
//!
//! It gives exactly the records the `csv` crate gives (blank lines skipped, `\r`, `\n` and
//! `\r\n` ending a record, `""` in a quoted field read as `"`, a quote inside an unquoted field
//! taken as it is), but finds the ends of fields with `memchr` instead of a state machine
//! stepping byte by byte: that was a quarter of all the work of loading a large file. Text the
//! `csv` crate reads leniently (a closing quote followed by more text, as in `"a"b`) and
//! records beyond the limits of [`super::csv_generic`] are [`Split::Odd`]: the caller reads such
//! a file the usual way, with the usual messages.

use memchr::{memchr, memchr3};

use super::csv_generic::{MAX_FIELD_BYTES, MAX_FIELDS, MAX_RECORD_BYTES};

/// A record as text: its fields one after another and where each ends. Made from `&str`
/// slices, so reading a field needs no UTF-8 check (as a `csv::ByteRecord` would).
#[derive(Clone, Debug, Default)]
pub(crate) struct TextRecord {
    text: String,
    ends: Vec<usize>,
}

impl TextRecord {
    /// An empty record with room for `bytes` of text in `fields` fields.
    pub(crate) fn with_capacity(bytes: usize, fields: usize) -> TextRecord {
        TextRecord {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(fields),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn push(&mut self, field: &str) {
        self.text.push_str(field);
        self.ends.push(self.text.len());
    }

    /// How many fields the record has.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i`, if the record has it.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let start = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)?,
        };
        self.text.get(start..*self.ends.get(i)?)
    }
}

/// What [`next_record`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// A record, from `start` (after any blank lines) to `end` (after its line break).
    Record { start: usize, end: usize },
    /// No record before the end of the text (only blank lines, if anything, are left).
    End,
    /// A record starts at `start` but may go on after the end of the text.
    More { start: usize },
    /// Text this splitter does not take (see the module documentation).
    Odd,
}

/// Reads the record at or after `text[pos..]` into `rec`. `at_end` says whether the text is
/// the end of the file (else a record reaching the end of `text` may go on). `scratch` is room
/// for unescaping quoted fields.
pub(crate) fn next_record(
    text: &str,
    pos: usize,
    at_end: bool,
    delimiter: u8,
    rec: &mut TextRecord,
    scratch: &mut String,
) -> Split {
    // Every cut below is next to an ASCII byte (a quote, a delimiter, a line break), so on a
    // character boundary: `piece` cannot fail, but is checked rather than trusted.
    let piece = |a: usize, b: usize| text.get(a..b);
    let bytes = text.as_bytes();
    let mut i = pos;
    while matches!(bytes.get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    let start = i;
    if start >= bytes.len() {
        return if at_end {
            Split::End
        } else {
            Split::More { start }
        };
    }
    rec.clear();
    let more = Split::More { start };
    // Where the record's line break is (or the end of the bytes).
    let brk = loop {
        if rec.len() >= MAX_FIELDS || i - start > MAX_RECORD_BYTES {
            return Split::Odd;
        }
        if bytes.get(i) == Some(&b'"') {
            scratch.clear();
            let mut from = i + 1;
            let after = loop {
                let Some(k) = memchr(b'"', &bytes[from..]) else {
                    if !at_end {
                        return more;
                    }
                    // An unclosed quote: the field runs to the end of the file.
                    let Some(rest) = piece(from, bytes.len()) else {
                        return Split::Odd;
                    };
                    scratch.push_str(rest);
                    break bytes.len();
                };
                let q = from + k;
                let Some(part) = piece(from, q) else {
                    return Split::Odd;
                };
                scratch.push_str(part);
                match bytes.get(q + 1) {
                    Some(b'"') => {
                        scratch.push('"');
                        from = q + 2;
                    }
                    Some(&b) if b == delimiter || b == b'\r' || b == b'\n' => break q + 1,
                    None if at_end => break q + 1,
                    None => return more,
                    Some(_) => return Split::Odd,
                }
            };
            if scratch.len() > MAX_FIELD_BYTES {
                return Split::Odd;
            }
            rec.push(scratch);
            match bytes.get(after) {
                Some(&b) if b == delimiter => i = after + 1,
                _ => break after,
            }
        } else {
            let (end, next) = match memchr3(delimiter, b'\r', b'\n', &bytes[i..]) {
                Some(k) => (i + k, bytes[i + k]),
                None if at_end => (bytes.len(), b'\n'),
                None => return more,
            };
            if end - i > MAX_FIELD_BYTES {
                return Split::Odd;
            }
            let Some(field) = piece(i, end) else {
                return Split::Odd;
            };
            rec.push(field);
            if next == delimiter {
                i = end + 1;
            } else {
                break end;
            }
        }
    };
    if brk - start > MAX_RECORD_BYTES || rec.len() > MAX_FIELDS {
        return Split::Odd;
    }
    // One `\r`, `\n` or `\r\n` ends the record.
    let end = match (bytes.get(brk), bytes.get(brk + 1)) {
        (Some(b'\r'), Some(b'\n')) => brk + 2,
        (Some(_), _) => brk + 1,
        (None, _) => brk,
    };
    if !at_end && end >= bytes.len() {
        // The line break may be the `\r` of a `\r\n`, the field may go on: read it again
        // with the next piece.
        return more;
    }
    Split::Record { start, end }
}

/// How many line breaks (`\n`) `bytes` hold.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::csv_generic::Records;

    /// The records of `text` with their lines, as [`next_record`] reads them; `None` if odd.
    fn split_all(text: &str) -> Option<Vec<(u64, Vec<Vec<u8>>)>> {
        let (mut out, mut pos, mut line) = (Vec::new(), 0, 1u64);
        let (mut rec, mut scratch) = (TextRecord::default(), String::new());
        loop {
            match next_record(text, pos, true, b',', &mut rec, &mut scratch) {
                Split::Record { start, end } => {
                    line += count_lines(&text.as_bytes()[pos..start]);
                    let fields = (0..rec.len()).map(|i| rec.get(i).unwrap().as_bytes().to_vec());
                    out.push((line, fields.collect()));
                    line += count_lines(&text.as_bytes()[start..end]);
                    pos = end;
                }
                Split::End => return Some(out),
                Split::More { .. } => panic!("more at the end of the file"),
                Split::Odd => return None,
            }
        }
    }

    /// The records of `text` with their lines, as the `csv` crate reads them.
    fn csv_all(text: &str) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = Records::new(text, b',', true);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while let Some(line) = reader.next(&mut rec).expect("short test text") {
            out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn splits_as_the_csv_crate_does() {
        for text in [
            "",
            "\n\r\n",
            "a,b,c\n1,2,3\n",
            "a,b\r\n\r\n1,\"x\r\ny\"\r\n",
            "a,\"say \"\"hi\"\"\",c",
            "\"\",,\"\"\"\"\n",
            "x\"y,z\n",
            "a,\"unclosed\nquote",
            "é,ü\rß,\"—\"\n",
            " , \n",
        ] {
            assert_eq!(split_all(text), Some(csv_all(text)), "{text:?}");
        }
        assert_eq!(split_all("\"a\"b,c\n"), None);
    }

    #[test]
    fn splits_random_text_as_the_csv_crate_does() {
        // Text made of the characters that matter: where this splitter takes it, the records
        // and their lines are the `csv` crate's.
        let alphabet = ["a", "é", ",", "\"", "\"\"", "\r", "\n", "\r\n", " "];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut taken = 0;
        for _ in 0..20_000 {
            let len = next() % 24;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if let Some(records) = split_all(&text) {
                assert_eq!(records, csv_all(&text), "{text:?}");
                taken += 1;
            }
        }
        assert!(taken > 5_000, "only {taken} texts taken");
    }

    #[test]
    fn a_record_at_the_end_of_a_piece_may_go_on() {
        let (mut rec, mut scratch) = (TextRecord::default(), String::new());
        let mut split =
            |text: &str, at_end| next_record(text, 0, at_end, b',', &mut rec, &mut scratch);
        assert_eq!(split("a,b", false), Split::More { start: 0 });
        assert_eq!(split("a,b\r", false), Split::More { start: 0 });
        assert_eq!(split("\na,\"b\nc", false), Split::More { start: 1 });
        assert_eq!(split("a,b\nc", false), Split::Record { start: 0, end: 4 });
        assert_eq!(split("a,b", true), Split::Record { start: 0, end: 3 });
        assert_eq!(split("\r\n", false), Split::More { start: 2 });
        assert_eq!(split("\r\n", true), Split::End);
    }
}
