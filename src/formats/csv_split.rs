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
//!
//! Fields are not copied: a record is where its fields are in the text split ([`FieldRange`]s),
//! and only a quoted field with `""` in it has its text made anew (unescaped), beside.

use std::sync::Arc;

use memchr::memchr;

use super::csv_generic::{MAX_FIELD_BYTES, MAX_FIELDS, MAX_RECORD_BYTES};

/// Where a field's text is: `start..end` of the text split, or, when `start` has
/// [`UNESCAPED`] set, of the unescaped text beside it.
pub(crate) type FieldRange = (u32, u32);

/// The flag of a [`FieldRange`] in the unescaped text.
pub(crate) const UNESCAPED: u32 = 1 << 31;

/// Finds where an unquoted field ends (the delimiter or a line break). Made once for a file:
/// `memchr::memchr3` sets its search up anew at every call, which for fields a few bytes long
/// was most of its work.
pub(crate) struct FieldEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Three>,
    any: memchr::arch::all::memchr::Three,
}

impl FieldEnds {
    pub(crate) fn new(delimiter: u8) -> FieldEnds {
        FieldEnds {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Three::new(delimiter, b'\r', b'\n'),
            any: memchr::arch::all::memchr::Three::new(delimiter, b'\r', b'\n'),
        }
    }

    fn find(&self, haystack: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = &self.avx2 {
            return avx2.find(haystack);
        }
        self.any.find(haystack)
    }
}

/// Records of one piece of a file, as [`next_record`] finds them: the piece, the unescaped
/// text of fields with `""` in them, where each field is, and where each record's fields
/// start, with the line the record starts on.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextBatch {
    pub(crate) piece: Arc<String>,
    pub(crate) unescaped: String,
    pub(crate) fields: Vec<FieldRange>,
    /// (index of the record's first field in `fields`, its line)
    pub(crate) records: Vec<(u32, u64)>,
}

impl TextBatch {
    /// How many records it holds.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Record `r` and the line it starts on.
    pub(crate) fn record(&self, r: usize) -> Option<(RecordFields<'_>, u64)> {
        let &(first, line) = self.records.get(r)?;
        let end = self
            .records
            .get(r + 1)
            .map_or(self.fields.len(), |&(f, _)| f as usize);
        let fields = RecordFields {
            piece: &self.piece,
            unescaped: &self.unescaped,
            fields: self.fields.get(first as usize..end)?,
        };
        Some((fields, line))
    }

    /// Empties it for the records of another piece, keeping its room.
    pub(crate) fn clear(&mut self, piece: Arc<String>) {
        self.piece = piece;
        self.unescaped.clear();
        self.fields.clear();
        self.records.clear();
    }
}

/// The fields of one record of a [`TextBatch`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct RecordFields<'a> {
    piece: &'a str,
    unescaped: &'a str,
    fields: &'a [FieldRange],
}

impl<'a> RecordFields<'a> {
    /// How many fields the record has.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `i`, if the record has it.
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        let &(start, end) = self.fields.get(i)?;
        if start & UNESCAPED == 0 {
            self.piece.get(start as usize..end as usize)
        } else {
            (self.unescaped).get((start & !UNESCAPED) as usize..end as usize)
        }
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

/// Finds the record at or after `text[pos..]`, adding where its fields are to `fields` (the
/// text of those with `""` in them, unescaped, to `unescaped`); anything but a record leaves
/// both as they were. `at_end` says whether the text is the end of the file (else a record
/// reaching the end of `text` may go on). `ends` is made for the file's delimiter.
pub(crate) fn next_record(
    text: &str,
    pos: usize,
    at_end: bool,
    delimiter: u8,
    ends: &FieldEnds,
    fields: &mut Vec<FieldRange>,
    unescaped: &mut String,
) -> Split {
    let (before, unescaped_before) = (fields.len(), unescaped.len());
    let split = split_record(text, pos, at_end, delimiter, ends, fields, unescaped);
    if !matches!(split, Split::Record { .. }) {
        fields.truncate(before);
        unescaped.truncate(unescaped_before);
    }
    split
}

/// [`next_record`] without undoing what it added to `fields` and `unescaped` when it finds no
/// record.
fn split_record(
    text: &str,
    pos: usize,
    at_end: bool,
    delimiter: u8,
    ends: &FieldEnds,
    fields: &mut Vec<FieldRange>,
    unescaped: &mut String,
) -> Split {
    // Every cut below is next to an ASCII byte (a quote, a delimiter, a line break), so on a
    // character boundary: `piece` cannot fail, but is checked rather than trusted.
    let piece = |a: usize, b: usize| text.get(a..b);
    let bytes = text.as_bytes();
    // Offsets are kept in 31 bits (pieces are a few megabytes).
    if bytes.len() >= UNESCAPED as usize || unescaped.len() >= UNESCAPED as usize / 2 {
        return Split::Odd;
    }
    let offset = |i: usize| i as u32;
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
    let first = fields.len();
    let more = Split::More { start };
    // Where the record's line break is (or the end of the bytes).
    let brk = loop {
        if fields.len() - first >= MAX_FIELDS || i - start > MAX_RECORD_BYTES {
            return Split::Odd;
        }
        if bytes.get(i) == Some(&b'"') {
            let content = i + 1;
            // The part of the field not yet copied to `unescaped`, once a `""` is found.
            let mut part = content;
            let mut escaped: Option<usize> = None;
            let mut from = content;
            let (close, after) = loop {
                let Some(k) = memchr(b'"', &bytes[from..]) else {
                    if !at_end {
                        return more;
                    }
                    // An unclosed quote: the field runs to the end of the file.
                    break (bytes.len(), bytes.len());
                };
                let q = from + k;
                match bytes.get(q + 1) {
                    Some(b'"') => {
                        // `""`: a quote; the field is made anew without the second one.
                        escaped.get_or_insert(unescaped.len());
                        let Some(upto) = piece(part, q + 1) else {
                            return Split::Odd;
                        };
                        unescaped.push_str(upto);
                        part = q + 2;
                        from = q + 2;
                    }
                    Some(&b) if b == delimiter || b == b'\r' || b == b'\n' => break (q, q + 1),
                    None if at_end => break (q, q + 1),
                    None => return more,
                    Some(_) => return Split::Odd,
                }
            };
            let range = match escaped {
                None => (offset(content), offset(close)),
                Some(at) => {
                    let Some(rest) = piece(part, close) else {
                        return Split::Odd;
                    };
                    unescaped.push_str(rest);
                    (offset(at) | UNESCAPED, offset(unescaped.len()))
                }
            };
            if (range.1 - (range.0 & !UNESCAPED)) as usize > MAX_FIELD_BYTES {
                return Split::Odd;
            }
            fields.push(range);
            match bytes.get(after) {
                Some(&b) if b == delimiter => i = after + 1,
                _ => break after,
            }
        } else {
            let (end, next) = match ends.find(&bytes[i..]) {
                Some(k) => (i + k, bytes[i + k]),
                None if at_end => (bytes.len(), b'\n'),
                None => return more,
            };
            if end - i > MAX_FIELD_BYTES {
                return Split::Odd;
            }
            fields.push((offset(i), offset(end)));
            if next == delimiter {
                i = end + 1;
            } else {
                break end;
            }
        }
    };
    if brk - start > MAX_RECORD_BYTES || fields.len() - first > MAX_FIELDS {
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
        let ends = FieldEnds::new(b',');
        let mut batch = TextBatch::default();
        batch.clear(Arc::new(text.to_owned()));
        loop {
            let first = batch.fields.len() as u32;
            match next_record(
                text,
                pos,
                true,
                b',',
                &ends,
                &mut batch.fields,
                &mut batch.unescaped,
            ) {
                Split::Record { start, end } => {
                    line += count_lines(&text.as_bytes()[pos..start]);
                    batch.records.push((first, line));
                    let (rec, at) = batch.record(batch.len() - 1).unwrap();
                    assert_eq!(at, line);
                    let fields = (0..rec.len()).map(|i| rec.get(i).unwrap().as_bytes().to_vec());
                    out.push((line, fields.collect()));
                    line += count_lines(&text.as_bytes()[start..end]);
                    pos = end;
                }
                Split::End => return Some(out),
                Split::More { .. } => panic!("more at the end of the file"),
                Split::Odd => {
                    assert_eq!(
                        batch.fields.len() as u32,
                        first,
                        "an odd record adds nothing"
                    );
                    return None;
                }
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
        let ends = FieldEnds::new(b',');
        let (mut fields, mut unescaped) = (Vec::new(), String::new());
        let mut split = |text: &str, at_end| {
            let split = next_record(text, 0, at_end, b',', &ends, &mut fields, &mut unescaped);
            if !matches!(split, Split::Record { .. }) {
                assert!(fields.is_empty() && unescaped.is_empty(), "{text:?}");
            }
            fields.clear();
            split
        };
        assert_eq!(split("a,b", false), Split::More { start: 0 });
        assert_eq!(split("a,b\r", false), Split::More { start: 0 });
        assert_eq!(split("\na,\"b\nc", false), Split::More { start: 1 });
        assert_eq!(split("a,b\nc", false), Split::Record { start: 0, end: 4 });
        assert_eq!(split("a,b", true), Split::Record { start: 0, end: 3 });
        assert_eq!(split("\r\n", false), Split::More { start: 2 });
        assert_eq!(split("\r\n", true), Split::End);
    }
}
