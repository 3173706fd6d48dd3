//! Any CSV/TSV with coordinates and a date: a monitoring group's spreadsheet, an export from a
//! database, a list typed by hand.
//!
//! [`detect`] finds the separator (comma, semicolon or tab) and which column holds what, first
//! by the column names (`lat`/`latitude`/`y`, `lon`/`lng`/`longitude`/`x`, `date`/`event_date`/
//! `timestamp`, `notes`/`description`, `category`/`type`, `title`/`name`, `place`/`location`,
//! `source`, `url`, `id`, `killed`, …), then by the values (a column of dates; a `"lat, lon"`
//! column; two neighbouring columns of decimal degrees). Longitude written where the file says
//! latitude is noticed when the "latitude" values go beyond ±90. [`read_with`] reads the file
//! with a [`CsvMapping`], which the user may also build or correct by column name or number
//! ([`read_with_columns`], the CLI's `--lat COL --lon COL --date COL …`).
//!
//! Day-first or month-first dates (`29/12/2015` or `02/24/2022`) are decided from the whole
//! date column (see [`dates::DateColumn`]). Columns that are not mapped go to `Incident.extra`
//! under their header name, so nothing is lost.
//!
//! The first half of this file is the plumbing the three CSV readers (this one, ACLED and
//! GDELT) share: decoding, records with line numbers, missing-value markers, numbers,
//! coordinates, unique ids and warnings.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use csv::ByteRecord;
use hashbrown::HashTable;

use super::csv_split::RecordFields;
use super::dates::{self, DateCell, DateColumn, DayOrder, NumericDate};
use super::encoding::{self, Encoding};
use super::{Format, FormatError, Loaded, Warning};
use crate::model::hash::IdHash;
use crate::model::{
    Casualties, Dataset, DatePrecision, Day, ExtraBuilder, ExtraKey, Incident, LonLat, SharedStr,
    SmolStr, Source,
};

// ---------------------------------------------------------------------------------------------
// Shared plumbing for the CSV family (also used by `acled` and `gdelt`).
// ---------------------------------------------------------------------------------------------

/// At most this many warnings are listed for one file; the rest are counted in a last one.
pub(crate) const MAX_WARNINGS: usize = 10_000;

/// Warnings of one file, each with the line it concerns (0 for the whole file), listed in line
/// order by [`finish`](Self::finish).
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<(u64, Warning)>,
    dropped: usize,
}

impl Warnings {
    /// A warning about the whole file.
    pub(crate) fn file(&mut self, message: impl Into<String>) {
        self.push(0, "file".to_owned(), message.into());
    }

    /// A warning about the record starting on `line` (1-based).
    pub(crate) fn line(&mut self, line: u64, message: impl Into<String>) {
        if self.list.len() >= MAX_WARNINGS {
            self.dropped += 1;
            return;
        }
        self.push(line, format!("line {line}"), message.into());
    }

    /// A record with `found` fields under a header of `header` columns (read as far as it goes).
    pub(crate) fn ragged(&mut self, line: u64, found: usize, header: usize) {
        if found != header {
            self.line(
                line,
                format!(
                    "{found} fields where the header has {header}; read the fields that are there"
                ),
            );
        }
    }

    fn push(&mut self, line: u64, location: String, message: String) {
        if self.list.len() >= MAX_WARNINGS {
            self.dropped += 1;
            return;
        }
        self.list.push((line, Warning { location, message }));
    }

    /// How many warnings are listed.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Moves the next `count` warnings of `other` here, as if they were added here (the cap
    /// applies): for joining the warnings of the pieces of a file read apart.
    pub(crate) fn take_from(
        &mut self,
        other: &mut impl Iterator<Item = (u64, Warning)>,
        count: usize,
    ) {
        for (line, w) in other.take(count) {
            self.push(line, w.location, w.message);
        }
    }

    /// Puts warnings about lines among those listed, as if each `(place, line, message)` had
    /// been added when the list (without them) was `place` long; `place`s in order. The cap
    /// applies as it would have.
    pub(crate) fn insert_lines(&mut self, warnings: Vec<(usize, u64, String)>) {
        if warnings.is_empty() {
            return;
        }
        let mut old = std::mem::take(&mut self.list).into_iter();
        let mut list = Vec::with_capacity((old.len() + warnings.len()).min(MAX_WARNINGS));
        let mut at = 0;
        for (place, line, message) in warnings {
            list.extend(old.by_ref().take(place.saturating_sub(at)));
            at = at.max(place);
            let location = format!("line {line}");
            list.push((line, Warning { location, message }));
        }
        list.extend(old);
        if list.len() > MAX_WARNINGS {
            self.dropped += list.len() - MAX_WARNINGS;
            list.truncate(MAX_WARNINGS);
        }
        self.list = list;
    }

    /// The warnings listed, in the order they were added, and how many were dropped.
    pub(crate) fn into_parts(self) -> (Vec<(u64, Warning)>, usize) {
        (self.list, self.dropped)
    }

    /// Counts `n` warnings dropped elsewhere (see [`Warnings::into_parts`]).
    pub(crate) fn add_dropped(&mut self, n: usize) {
        self.dropped += n;
    }

    pub(crate) fn finish(mut self) -> Vec<Warning> {
        self.list.sort_by_key(|(line, _)| *line);
        let mut out: Vec<Warning> = self.list.into_iter().map(|(_, w)| w).collect();
        if self.dropped > 0 {
            out.push(Warning {
                location: "file".to_owned(),
                message: format!(
                    "{} more problems not listed (only the first {MAX_WARNINGS} are)",
                    self.dropped
                ),
            });
        }
        out
    }
}

/// The file as text (UTF-8, BOM dropped, or Windows-1252), with a warning for the latter.
pub(crate) fn decode_text<'a>(bytes: &'a [u8], warnings: &mut Warnings) -> Cow<'a, str> {
    let (text, enc) = encoding::decode(bytes);
    if enc == Encoding::Windows1252 {
        warnings.file(
            "the file is not UTF-8; it was read as Windows-1252 (check accented letters and \
             quotation marks)",
        );
    }
    text
}

/// The first line of `text` without its line ending (for sniffing and the separator).
pub(crate) fn first_line(text: &str) -> &str {
    let line = text.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// The separator of a header line: the most frequent of comma, semicolon and tab outside
/// quotes (comma on a tie), or `None` when there is none.
pub(crate) fn detect_delimiter(line: &str) -> Option<u8> {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))?;
    (counts[best] > 0).then_some([b',', b';', b'\t'][best])
}

/// A record (one row, which quoted line breaks may spread over several lines) longer than this
/// is refused: the file is broken (an unclosed quote) or hostile, and the CSV parser would
/// otherwise buffer it whole.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// A single field longer than this is refused.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// A record with more fields than this is refused (Excel's own limit is 16 384 columns).
pub const MAX_FIELDS: usize = 16_384;

/// The text handed to the CSV parser, which cannot read further than `limit` (the start of the
/// current record plus [`MAX_RECORD_BYTES`]): the parser's record buffer stays bounded however
/// long a line is.
struct Capped<'a> {
    text: &'a [u8],
    pos: usize,
    limit: std::rc::Rc<std::cell::Cell<usize>>,
}

/// The marker error [`Capped`] returns at its limit.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for RecordTooLong {}

impl std::io::Read for Capped<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = self.limit.get().min(self.text.len());
        if self.pos >= end {
            return if self.pos < self.text.len() {
                Err(std::io::Error::other(RecordTooLong))
            } else {
                Ok(0)
            };
        }
        let n = buf.len().min(end - self.pos);
        buf[..n].copy_from_slice(&self.text[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The records of a text, each with the physical line it starts on. Rows may have more or
/// fewer fields than the header; the header is read as the first record. A record longer than
/// [`MAX_RECORD_BYTES`], a field longer than [`MAX_FIELD_BYTES`] or a record with more than
/// [`MAX_FIELDS`] fields is an error naming its line.
pub(crate) struct Records<'a> {
    reader: csv::Reader<Capped<'a>>,
    text: &'a [u8],
    /// Byte offset and 1-based line of the last record's start.
    byte: usize,
    line: u64,
    /// Where the parser may read up to (shared with [`Capped`]).
    limit: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<'a> Records<'a> {
    /// `quoting: false` for formats that never quote (GDELT).
    pub(crate) fn new(text: &'a str, delimiter: u8, quoting: bool) -> Self {
        let limit = std::rc::Rc::new(std::cell::Cell::new(MAX_RECORD_BYTES));
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .quoting(quoting)
            .from_reader(Capped {
                text: text.as_bytes(),
                pos: 0,
                limit: limit.clone(),
            });
        Records {
            reader,
            text: text.as_bytes(),
            byte: 0,
            line: 1,
            limit,
        }
    }

    /// A guess at how many records follow, from the average size of the `records` read so
    /// far: for reserving room up front. At most one per 16 bytes left, so an odd start cannot
    /// make it absurd.
    pub(crate) fn estimate_remaining(&self, records: usize) -> usize {
        let read = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
        let left = self.text.len().saturating_sub(read);
        if records == 0 || read == 0 {
            return 0;
        }
        let per_record = (read / records).max(1);
        let estimate = left / per_record;
        // A little slack: the rows read so far may be a little longer than the rest.
        (estimate + estimate / 32).min(left / 16)
    }

    /// Moves the record start to byte `start` (at or after the current one; line breaks at
    /// `start` are skipped) and returns its line.
    fn advance_to(&mut self, start: usize) -> u64 {
        let mut start = start.clamp(self.byte, self.text.len());
        // After a CRLF, csv puts the next record's start on the LF.
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let skipped = self.text.get(self.byte..start).unwrap_or_default();
        self.line += super::csv_split::count_lines(skipped);
        self.byte = start;
        self.line
    }

    /// Reads the next record into `rec`; returns the line it starts on, or `None` at the end.
    /// The line is counted from the record's byte offset: csv's own count is one short after
    /// a line break inside a quoted field of a CRLF file.
    pub(crate) fn next(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, FormatError> {
        let error = |line: u64, message: String| FormatError {
            line: usize::try_from(line).ok(),
            column: None,
            message,
        };
        let before = usize::try_from(self.reader.position().byte()).unwrap_or(self.byte);
        match self.reader.read_byte_record(rec) {
            Ok(true) => {
                let start = rec
                    .position()
                    .and_then(|p| usize::try_from(p.byte()).ok())
                    .unwrap_or(self.byte);
                let line = self.advance_to(start);
                // The next record may read up to its start plus the cap.
                let end = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
                self.limit.set(end.saturating_add(MAX_RECORD_BYTES));
                if rec.len() > MAX_FIELDS {
                    return Err(error(
                        line,
                        format!(
                            "this row has {} fields, more than the {MAX_FIELDS} this program reads",
                            rec.len()
                        ),
                    ));
                }
                if let Some(i) = rec.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
                    return Err(error(
                        line,
                        format!(
                            "field {} is longer than {} MiB; this program \
                             reads fields of at most that length",
                            i + 1,
                            MAX_FIELD_BYTES >> 20
                        ),
                    ));
                }
                Ok(Some(line))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                let too_long = matches!(e.kind(), csv::ErrorKind::Io(io)
                    if io.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>()));
                if too_long {
                    // The record that failed starts where the last one ended.
                    let line = self.advance_to(before);
                    return Err(error(
                        line,
                        format!(
                            "a row longer than {} MiB (an unclosed quote, or not a CSV file); \
                             this program reads rows of at most that length",
                            MAX_RECORD_BYTES >> 20
                        ),
                    ));
                }
                Err(error(
                    self.line,
                    format!("the file cannot be read as CSV: {e}"),
                ))
            }
        }
    }
}

/// Field `i` of `rec`, trimmed; `None` if the record has no such field.
pub(crate) fn raw_cell<'r>(rec: &Fields<'r>, i: usize) -> Option<&'r str> {
    rec.get(i).map(trim)
}

/// The fields of a record as text: a `csv::ByteRecord`, whose bytes are checked to be UTF-8
/// once (with SIMD), not field by field (a third of the work of reading a large ACLED file
/// went into checking its 31 fields one by one; a field of a record read from text is whole
/// characters, since the CSV parser only cuts at and drops ASCII bytes, and a record that is
/// not UTF-8 falls back to checking each field), or the [`RecordFields`] of a piece of text.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'r>(FieldsOf<'r>);

#[derive(Clone, Copy)]
enum FieldsOf<'r> {
    Bytes {
        rec: &'r ByteRecord,
        /// The bytes of all the fields, when they are UTF-8.
        text: Option<&'r str>,
    },
    Text(RecordFields<'r>),
}

impl<'r> Fields<'r> {
    pub(crate) fn new(rec: &'r ByteRecord) -> Fields<'r> {
        Fields(FieldsOf::Bytes {
            rec,
            text: simdutf8::basic::from_utf8(rec.as_slice()).ok(),
        })
    }

    pub(crate) fn text(rec: RecordFields<'r>) -> Fields<'r> {
        Fields(FieldsOf::Text(rec))
    }

    /// How many fields the record has.
    pub(crate) fn len(&self) -> usize {
        match self.0 {
            FieldsOf::Bytes { rec, .. } => rec.len(),
            FieldsOf::Text(rec) => rec.len(),
        }
    }

    /// Field `i`, untrimmed; `None` if the record has no such field or it is not UTF-8.
    pub(crate) fn get(&self, i: usize) -> Option<&'r str> {
        match self.0 {
            FieldsOf::Bytes {
                rec,
                text: Some(text),
            } => text.get(rec.range(i)?),
            FieldsOf::Bytes { rec, text: None } => std::str::from_utf8(rec.get(i)?).ok(),
            FieldsOf::Text(rec) => rec.get(i),
        }
    }
}

/// `s.trim()`, without looking at characters when both ends are visible ASCII (no whitespace
/// is), as nearly every field is.
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Field `i` of `rec`, trimmed; `None` if absent, empty or a missing-value marker.
pub(crate) fn cell<'r>(rec: &Fields<'r>, i: Option<usize>) -> Option<&'r str> {
    raw_cell(rec, i?).filter(|s| !is_missing(s))
}

/// Empty cells and the markers tools write for "no value": `NA`, `N/A`, `#N/A`, `NULL`,
/// `None`, `NaN` (any case). `s` is trimmed already (as [`raw_cell`] gives it).
pub(crate) fn is_missing(s: &str) -> bool {
    const MARKERS: [&str; 6] = ["na", "n/a", "#n/a", "null", "none", "nan"];
    match s.as_bytes() {
        [] => true,
        // Every marker starts with `n` or `#` (a quick no for the short numbers of a CSV).
        [b'n' | b'N' | b'#', ..] if s.len() <= 4 => {
            MARKERS.iter().any(|m| m.eq_ignore_ascii_case(s))
        }
        _ => false,
    }
}

/// A number as spreadsheets write it: `36.2`, `"36.2"`, `36,2` (decimal comma), `36.2N`,
/// `37.1° E`, `-0.5`. Hemisphere letters S and W make it negative.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    // As nearly every cell is: a number as it is (which has nothing to trim).
    if let Ok(x) = s.parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    let s = s.trim().trim_matches('"').trim();
    if let Ok(x) = s.parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    let (body, sign) = match s.as_bytes().last()? {
        b'N' | b'n' | b'E' | b'e' => (&s[..s.len() - 1], 1.0),
        b'S' | b's' | b'W' | b'w' => (&s[..s.len() - 1], -1.0),
        _ => (s, 1.0),
    };
    let body = body.trim().trim_end_matches('°').trim();
    let x = match body.parse::<f64>() {
        Ok(x) => x,
        Err(_) if body.matches(',').count() == 1 && !body.contains('.') => {
            body.replace(',', ".").parse::<f64>().ok()?
        }
        Err(_) => return None,
    };
    (x.is_finite()).then_some(sign * x)
}

/// A count of people: `12`, `12.0`; `None` for anything else (negative, fractional, text).
pub(crate) fn parse_count(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let x: f64 = s.parse().ok()?;
    (x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x)).then_some(x as u32)
}

/// A location from a record's latitude and longitude texts. Coordinates that are missing or
/// not numbers, or out of range, give `None` and a warning on `line`; a pair that is only
/// valid swapped (latitude beyond ±90) is loaded swapped, with a warning.
pub(crate) fn locate(
    lat: Option<&str>,
    lon: Option<&str>,
    line: u64,
    warnings: &mut Warnings,
) -> Option<LonLat> {
    let (lat_s, lon_s) = match (lat, lon) {
        (Some(a), Some(o)) => (a, o),
        (None, None) => {
            warnings.line(line, "no coordinates; loaded without a location");
            return None;
        }
        (Some(_), None) => {
            warnings.line(
                line,
                "latitude without longitude; loaded without a location",
            );
            return None;
        }
        (None, Some(_)) => {
            warnings.line(
                line,
                "longitude without latitude; loaded without a location",
            );
            return None;
        }
    };
    let (Some(lat), Some(lon)) = (parse_number(lat_s), parse_number(lon_s)) else {
        warnings.line(
            line,
            format!("coordinates {lat_s:?}, {lon_s:?} are not numbers; loaded without a location"),
        );
        return None;
    };
    check_position(lat, lon, line, warnings)
}

/// Validates a parsed latitude/longitude pair (see [`locate`]).
pub(crate) fn check_position(
    lat: f64,
    lon: f64,
    line: u64,
    warnings: &mut Warnings,
) -> Option<LonLat> {
    if lat == 0.0 && lon == 0.0 {
        warnings.line(
            line,
            "coordinates 0, 0 (how many tools write a missing location); loaded without a location",
        );
        return None;
    }
    if let Some(p) = LonLat::new(lon, lat) {
        return Some(p);
    }
    if let Some(p) = LonLat::new(lat, lon) {
        warnings.line(
            line,
            format!(
                "latitude {lat} is beyond ±90: latitude and longitude look swapped; loaded as \
                 latitude {lon}, longitude {lat}"
            ),
        );
        return Some(p);
    }
    warnings.line(
        line,
        format!(
            "coordinates latitude {lat}, longitude {lon} are outside WGS84 bounds; loaded \
             without a location"
        ),
    );
    None
}

/// After this many records a reader reserves room for the rest ([`Records::estimate_remaining`]).
pub(crate) const RESERVE_AFTER: usize = 64;

/// Keeps incident ids unique within a file without storing a second copy of each id: a hash
/// table of incident indexes (4 bytes and a control byte a slot), hashed and compared by the
/// id of the incident they point at, so ids that share a hash cost time, never correctness.
///
/// The id being claimed belongs to the incident about to be pushed at `incidents.len()`, so
/// that index stands for the id being claimed until the caller pushes it.
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    /// Index of each incident whose id was claimed, by the hash of that id.
    seen: HashTable<u32>,
    /// Room asked for by [`reserve`](Self::reserve), made at the next claim (growing the table
    /// rehashes it, which needs the incidents).
    reserve: usize,
    /// A repeated id → the next suffix to try for it, so that n repeats of one id cost O(n),
    /// not O(n²).
    next_suffix: HashMap<SmolStr, u64, IdHash>,
}

impl UniqueIds {
    /// The id for the incident about to be pushed at `incidents.len()`: `id` itself, or
    /// `id-2`, `id-3`, … when taken (then the second value is true).
    pub(crate) fn claim(
        &mut self,
        id: impl Into<SmolStr>,
        incidents: &[Incident],
    ) -> (SmolStr, bool) {
        let id: SmolStr = id.into();
        let hash = |s: &str| IdHash::default().hash_one(s);
        // The id at `i`; `None` past the incidents pushed (an index claimed for a row that
        // was then not pushed, which frees its id).
        let id_at = |i: u32| incidents.get(i as usize).map(|inc| inc.id.as_str());
        if self.reserve > 0 {
            let n = std::mem::take(&mut self.reserve);
            self.seen
                .reserve(n, |&i| hash(id_at(i).unwrap_or_default()));
        }
        let at = u32::try_from(incidents.len()).expect("fewer than 2^32 incidents");
        // Growing the table rehashes it: `at` stands for the id it is claimed for.
        let rehash = |i: u32, claimed: &str| {
            hash(if i == at {
                claimed
            } else {
                id_at(i).unwrap_or_default()
            })
        };
        // The usual case, a new id: one hash and one probe.
        let h = hash(&id);
        let entry = self
            .seen
            .entry(h, |&i| id_at(i) == Some(id.as_str()), |&i| rehash(i, &id));
        if let hashbrown::hash_table::Entry::Vacant(e) = entry {
            e.insert(at);
            return (id, false);
        }
        // Taken: the first free one of `id-2`, `id-3`, …
        let taken = |s: &str| (self.seen.find(hash(s), |&i| id_at(i) == Some(s))).is_some();
        let mut k = self.next_suffix.get(id.as_str()).copied().unwrap_or(2);
        let out = loop {
            let out = format!("{id}-{k}");
            if !taken(&out) {
                break out;
            }
            k += 1;
        };
        self.next_suffix.insert(id, k + 1);
        self.seen
            .insert_unique(hash(&out), at, |&i| rehash(i, &out));
        (out.into(), true)
    }

    /// Room for `n` more ids.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.reserve = self.reserve.max(n);
    }
}

/// The host of a URL without `www.` (`https://www.reuters.com/x` → `reuters.com`).
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.') && !host.contains(char::is_whitespace)).then_some(host)
}

/// The less precise of two date precisions.
pub(crate) fn coarser(a: DatePrecision, b: DatePrecision) -> DatePrecision {
    let rank = |p: DatePrecision| DatePrecision::ALL.iter().position(|&q| q == p);
    if rank(a) >= rank(b) { a } else { b }
}

/// Puts a text value into `extra`.
pub(crate) fn put_extra(extra: &mut ExtraBuilder, key: &str, value: &str) {
    extra.push_named(key, value);
}

/// The first `max` characters of `s`, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_owned(),
    }
}

/// A date value that did not resolve in the column's order, as `d/m/y` text.
pub(crate) fn describe_numeric(n: NumericDate, order: DayOrder) -> String {
    let how = match order {
        DayOrder::DayFirst => "day-first",
        DayOrder::MonthFirst => "month-first",
    };
    format!(
        "date {}/{}/{} does not exist when read {how} (as the rest of the column is)",
        n.first, n.second, n.year
    )
}

// ---------------------------------------------------------------------------------------------
// The generic reader.
// ---------------------------------------------------------------------------------------------

/// A role a column can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Lat,
    Lon,
    /// Both coordinates in one field: `"36.2, 37.1"` (or `POINT (37.1 36.2)`).
    LatLon,
    Date,
    DateEnd,
    /// The source text, quoted in the incident's source.
    Text,
    Category,
    Title,
    Place,
    Admin1,
    /// Who published the source text.
    Source,
    Url,
    Id,
    Killed,
    Injured,
}

impl Column {
    pub const ALL: [Column; 15] = [
        Column::Lat,
        Column::Lon,
        Column::LatLon,
        Column::Date,
        Column::DateEnd,
        Column::Text,
        Column::Category,
        Column::Title,
        Column::Place,
        Column::Admin1,
        Column::Source,
        Column::Url,
        Column::Id,
        Column::Killed,
        Column::Injured,
    ];

    /// The role's name, as the CLI flag spells it (`--lat`, `--date-end`, …).
    pub fn name(self) -> &'static str {
        match self {
            Column::Lat => "lat",
            Column::Lon => "lon",
            Column::LatLon => "latlon",
            Column::Date => "date",
            Column::DateEnd => "date-end",
            Column::Text => "text",
            Column::Category => "category",
            Column::Title => "title",
            Column::Place => "place",
            Column::Admin1 => "admin1",
            Column::Source => "source",
            Column::Url => "url",
            Column::Id => "id",
            Column::Killed => "killed",
            Column::Injured => "injured",
        }
    }

    /// The role named `s` (`lat`, `lon`, `latlon`, `date`, …; case-insensitive).
    pub fn from_name(s: &str) -> Option<Column> {
        let s = s.trim().trim_start_matches('-').replace('_', "-");
        Column::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(&s))
    }
}

/// Which column (0-based) holds what. Built by [`detect`], corrected with
/// [`set`](Self::set) / [`column_index`], or written by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvMapping {
    /// `b','`, `b';'` or `b'\t'`.
    pub delimiter: u8,
    pub lat: Option<usize>,
    pub lon: Option<usize>,
    /// One column with both coordinates (used when `lat`/`lon` are not both set).
    pub latlon: Option<usize>,
    /// The file writes longitude first: the `lat` column holds longitudes (and `lon`
    /// latitudes), or `latlon` reads `"lon, lat"`.
    pub swapped: bool,
    pub date: Option<usize>,
    pub date_end: Option<usize>,
    pub text: Option<usize>,
    pub category: Option<usize>,
    pub title: Option<usize>,
    pub place: Option<usize>,
    pub admin1: Option<usize>,
    pub source: Option<usize>,
    pub url: Option<usize>,
    pub id: Option<usize>,
    pub killed: Option<usize>,
    pub injured: Option<usize>,
}

impl Default for CsvMapping {
    fn default() -> Self {
        CsvMapping {
            delimiter: b',',
            lat: None,
            lon: None,
            latlon: None,
            swapped: false,
            date: None,
            date_end: None,
            text: None,
            category: None,
            title: None,
            place: None,
            admin1: None,
            source: None,
            url: None,
            id: None,
            killed: None,
            injured: None,
        }
    }
}

impl CsvMapping {
    /// The column playing `role`.
    pub fn get(&self, role: Column) -> Option<usize> {
        match role {
            Column::Lat => self.lat,
            Column::Lon => self.lon,
            Column::LatLon => self.latlon,
            Column::Date => self.date,
            Column::DateEnd => self.date_end,
            Column::Text => self.text,
            Column::Category => self.category,
            Column::Title => self.title,
            Column::Place => self.place,
            Column::Admin1 => self.admin1,
            Column::Source => self.source,
            Column::Url => self.url,
            Column::Id => self.id,
            Column::Killed => self.killed,
            Column::Injured => self.injured,
        }
    }

    /// Gives `role` to `column`. A column plays one role: any other role it had is cleared.
    /// Choosing `latlon` clears `lat`/`lon` and the other way round; the user's choice of
    /// coordinate columns also resets `swapped`.
    pub fn set(&mut self, role: Column, column: Option<usize>) {
        if column.is_some() {
            for other in Column::ALL {
                if other != role && self.get(other) == column {
                    *self.slot(other) = None;
                }
            }
        }
        match role {
            Column::LatLon => {
                self.lat = None;
                self.lon = None;
                self.swapped = false;
            }
            Column::Lat | Column::Lon => {
                self.latlon = None;
                self.swapped = false;
            }
            _ => {}
        }
        *self.slot(role) = column;
    }

    fn slot(&mut self, role: Column) -> &mut Option<usize> {
        match role {
            Column::Lat => &mut self.lat,
            Column::Lon => &mut self.lon,
            Column::LatLon => &mut self.latlon,
            Column::Date => &mut self.date,
            Column::DateEnd => &mut self.date_end,
            Column::Text => &mut self.text,
            Column::Category => &mut self.category,
            Column::Title => &mut self.title,
            Column::Place => &mut self.place,
            Column::Admin1 => &mut self.admin1,
            Column::Source => &mut self.source,
            Column::Url => &mut self.url,
            Column::Id => &mut self.id,
            Column::Killed => &mut self.killed,
            Column::Injured => &mut self.injured,
        }
    }

    /// Whether the mapping has coordinates (two columns or one) and a date.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.date.is_none() {
            out.push("date column (named e.g. date, event_date, datetime or timestamp)");
        }
        if !(self.lat.is_some() && self.lon.is_some()) && self.latlon.is_none() {
            out.push(
                "coordinate columns (named e.g. latitude and longitude, lat and lon, y and x, \
                 or one \"lat, lon\" column)",
            );
        }
        out
    }
}

/// The column a user means by `name`: a header name (case-insensitive, spaces and
/// underscores ignored when nothing matches exactly) or a 1-based column number.
pub fn column_index(headers: &[String], name: &str) -> Result<usize, FormatError> {
    let name = name.trim();
    if let Some(i) = headers.iter().position(|h| h.eq_ignore_ascii_case(name)) {
        return Ok(i);
    }
    if let Some(i) = headers.iter().position(|h| normalize(h) == normalize(name)) {
        return Ok(i);
    }
    if let Ok(n) = name.parse::<usize>() {
        return match n {
            1.. if n <= headers.len() => Ok(n - 1),
            _ => Err(FormatError::new(format!(
                "column number {n} does not exist: the file has {} columns",
                headers.len()
            ))),
        };
    }
    Err(FormatError::new(format!(
        "no column named {name:?}; the columns are: {}",
        list_columns(headers)
    )))
}

/// Tells whether `bytes` look like a delimited text file with a header (at least two
/// columns); says nothing about which columns.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    if head.contains(&0) {
        return false;
    }
    let (text, _) = encoding::decode(head);
    detect_delimiter(first_line(&text)).is_some()
}

/// Finds the separator, the header and which column holds what. Fails with a message naming
/// what is missing when the file has no header or no date or coordinate column.
pub fn detect(bytes: &[u8]) -> Result<(Vec<String>, CsvMapping), FormatError> {
    let (headers, mapping) = detect_partial(bytes)?;
    let missing = mapping.missing();
    if missing.is_empty() {
        Ok((headers, mapping))
    } else {
        Err(FormatError::new(format!(
            "this CSV has no {}; the columns are: {}. Name them with --lat/--lon/--date",
            missing.join(" and no "),
            list_columns(&headers)
        )))
    }
}

/// [`detect`], then reads the file.
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let (_, mapping) = detect(bytes)?;
    read_with(bytes, &mapping)
}

/// Detects, applies the user's choices (`(Column::Lat, "Y")`, `(Column::Date, "3")`: column
/// names or 1-based numbers), checks that a date and coordinates are known, and reads.
pub fn read_with_columns(bytes: &[u8], choices: &[(Column, &str)]) -> Result<Loaded, FormatError> {
    let (headers, mut mapping) = detect_partial(bytes)?;
    for &(role, name) in choices {
        let i = column_index(&headers, name)
            .map_err(|e| FormatError::new(format!("--{}: {}", role.name(), e.message)))?;
        mapping.set(role, Some(i));
    }
    let missing = mapping.missing();
    if !missing.is_empty() {
        return Err(FormatError::new(format!(
            "still no {}; the columns are: {}",
            missing.join(" and no "),
            list_columns(&headers)
        )));
    }
    read_with(bytes, &mapping)
}

/// Reads the file with the given mapping. Every data record becomes an incident; problems
/// (no date, bad coordinates, ragged rows) are warnings with the line the record starts on.
pub fn read_with(bytes: &[u8], mapping: &CsvMapping) -> Result<Loaded, FormatError> {
    let mut warnings = Warnings::default();
    let text = decode_text(bytes, &mut warnings);
    let mut reader = Records::new(&text, mapping.delimiter, true);
    let mut rec = ByteRecord::new();
    if reader.next(&mut rec)?.is_none() {
        return Err(FormatError::new("the file is empty"));
    }
    let headers = header_names(&rec);
    if mapping.swapped {
        warnings.file(
            "the file writes longitude where it names latitude (values beyond ±90 in the \
             latitude column); the two were read the other way round",
        );
    }
    let mut rows = RowReader::new(&headers, mapping, warnings);
    let mut records = 0usize;
    while let Some(line) = reader.next(&mut rec)? {
        records += 1;
        if records == RESERVE_AFTER {
            let n = reader.estimate_remaining(records);
            rows.incidents.reserve(n + 1);
            rows.ids.reserve(n + 1);
        }
        rows.read(&Fields::new(&rec), line, records);
    }
    let (incidents, warnings) = rows.finish();
    Ok(Loaded {
        dataset: Dataset {
            incidents,
            ..Default::default()
        },
        warnings,
        records,
        format: Format::Csv,
    })
}

/// The column names for an error message: all of them, or the first few hundred characters'
/// worth when there are many.
pub(crate) fn list_columns(names: &[String]) -> String {
    shorten(&names.join(", "), 400)
}

/// Header names, trimmed; empty ones become `column N`, repeated ones `name (2)`.
fn header_names(rec: &ByteRecord) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    // A repeated name → the next number to try for it: n repeats cost O(n), not O(n²).
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rec.len());
    for (i, raw) in rec.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_owned();
        let mut name = if name.is_empty() {
            format!("column {}", i + 1)
        } else {
            name
        };
        if !seen.insert(name.to_lowercase()) {
            let base = name.clone();
            let key = base.to_lowercase();
            let mut k = next.get(&key).copied().unwrap_or(2);
            loop {
                name = format!("{base} ({k})");
                k += 1;
                if seen.insert(name.to_lowercase()) {
                    break;
                }
            }
            next.insert(key, k);
        }
        out.push(name);
    }
    out
}

/// Lower-case letters and digits only, common accents dropped: `Event Date`, `event_date` are
/// both `eventdate`, `Catégorie` is `categorie`.
fn normalize(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Reads the header and a sample of rows and decides the mapping, without requiring a date
/// or coordinates (the user may name them).
/// Like [`detect`], but returns what was found even when the date or coordinates are missing
/// (for an import dialog that lets the user name them).
pub fn detect_partial(bytes: &[u8]) -> Result<(Vec<String>, CsvMapping), FormatError> {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    if head.contains(&0) {
        return Err(FormatError::new(
            "not a CSV file: it contains binary data (NUL bytes)",
        ));
    }
    let mut ignored = Warnings::default();
    let text = decode_text(bytes, &mut ignored);
    if text.trim().is_empty() {
        return Err(FormatError::new("the file is empty"));
    }
    let Some(delimiter) = detect_delimiter(first_line(&text)) else {
        return Err(FormatError {
            line: Some(1),
            column: None,
            message: "not a CSV file: the first line has no comma, semicolon or tab separating \
                      column names"
                .to_owned(),
        });
    };
    let mut reader = Records::new(&text, delimiter, true);
    let mut rec = ByteRecord::new();
    if reader.next(&mut rec)?.is_none() {
        return Err(FormatError::new("the file is empty"));
    }
    let headers = header_names(&rec);
    check_header(&headers)?;
    let stats = sample_stats(&mut reader, headers.len())?;
    Ok((headers.clone(), assign(&headers, &stats, delimiter)))
}

/// Refuses a first line made of values rather than names.
fn check_header(headers: &[String]) -> Result<(), FormatError> {
    let data_like = headers
        .iter()
        .filter(|h| parse_number(h).is_some() || looks_like_date(h))
        .count();
    if data_like * 2 > headers.len() {
        return Err(FormatError {
            line: Some(1),
            column: None,
            message: format!(
                "the first line holds values ({}), not column names: add a header line naming \
                 the columns, e.g. date,latitude,longitude,notes",
                shorten(&headers.join(", "), 80)
            ),
        });
    }
    Ok(())
}

/// Rows looked at to recognise columns by their values.
const SAMPLE_ROWS: usize = 5_000;

/// What the sampled values of one column look like.
#[derive(Clone, Copy, Debug, Default)]
struct ColumnStats {
    filled: usize,
    numbers: usize,
    fractional: usize,
    max_abs: f64,
    dates: usize,
    pairs: usize,
    pair_first_max: f64,
    pair_second_max: f64,
}

fn sample_stats(reader: &mut Records<'_>, columns: usize) -> Result<Vec<ColumnStats>, FormatError> {
    let mut stats = vec![ColumnStats::default(); columns];
    let mut rec = ByteRecord::new();
    for _ in 0..SAMPLE_ROWS {
        if reader.next(&mut rec)?.is_none() {
            break;
        }
        let rec = Fields::new(&rec);
        for (st, i) in stats.iter_mut().zip(0..) {
            let Some(v) = cell(&rec, Some(i)) else {
                continue;
            };
            st.filled += 1;
            if let Some(x) = parse_number(v) {
                st.numbers += 1;
                st.fractional += usize::from(x.fract() != 0.0);
                st.max_abs = st.max_abs.max(x.abs());
            } else if looks_like_date(v) {
                st.dates += 1;
            } else if let Some(p) = split_pair(v) {
                st.pairs += 1;
                st.pair_first_max = st.pair_first_max.max(p.first.abs());
                st.pair_second_max = st.pair_second_max.max(p.second.abs());
            }
        }
    }
    Ok(stats)
}

/// A value that is a date in some order (plain numbers only when written `YYYYMMDD`).
fn looks_like_date(s: &str) -> bool {
    let compact = s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit());
    if !compact && s.trim().parse::<f64>().is_ok() {
        return false;
    }
    dates::parse_date_with(s, DayOrder::DayFirst).is_some()
        || dates::parse_date_with(s, DayOrder::MonthFirst).is_some()
}

/// Two coordinates in one field: `36.2, 37.1`, `36.2 37.1`, `(36.2; 37.1)` in the file's
/// order, or WKT `POINT (37.1 36.2)` (always longitude first).
#[derive(Clone, Copy, Debug)]
struct Pair {
    first: f64,
    second: f64,
    wkt: bool,
}

fn split_pair(s: &str) -> Option<Pair> {
    let s = s.trim();
    let (body, wkt) = match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("point") => (s.get(5..)?, true),
        _ => (s, false),
    };
    let body = body.trim().trim_matches(['(', ')', '[', ']']).trim();
    let (a, b) = if let Some(ab) = body.split_once(',') {
        ab
    } else if let Some(ab) = body.split_once(';') {
        ab
    } else {
        let mut parts = body.split_whitespace();
        let ab = (parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        ab
    };
    Some(Pair {
        first: parse_number(a)?,
        second: parse_number(b)?,
        wkt,
    })
}

/// How well a normalized header name fits a role: 0 not at all, 1 partly, more for an exact
/// name (earlier names in the list score higher).
fn name_score(role: Column, n: &str) -> u32 {
    let has = |parts: &[&str]| parts.iter().any(|p| n.contains(p));
    let latlon_like = has(&[
        "latlon", "latlng", "latlong", "lonlat", "lnglat", "longlat", "coord", "wkt", "geom",
    ]);
    let (exact, partial): (&[&str], bool) = match role {
        Column::Lat => (
            &["latitude", "lat", "y", "latdd", "decimallatitude"],
            !latlon_like && (n.contains("latitude") || n.starts_with("lat") || n.ends_with("lat")),
        ),
        Column::Lon => (
            &[
                "longitude",
                "lon",
                "lng",
                "long",
                "x",
                "londd",
                "decimallongitude",
            ],
            !latlon_like
                && (n.contains("longitude")
                    || ["lon", "lng"].iter().any(|p| n.starts_with(p))
                    || ["lon", "lng", "long"].iter().any(|p| n.ends_with(p))),
        ),
        Column::LatLon => (
            &[
                "latlon",
                "latlng",
                "latlong",
                "coordinates",
                "coords",
                "coord",
                "lonlat",
                "lnglat",
                "geometry",
                "point",
                "wkt",
                "gps",
                "position",
                "location",
                "geo",
                "xy",
            ],
            latlon_like,
        ),
        Column::Date => (
            &[
                "date",
                "eventdate",
                "incidentdate",
                "datetime",
                "timestamp",
                "startdate",
                "datestart",
                "datefrom",
                "day",
                "when",
                "sqldate",
                "time",
                "occurred",
                "fecha",
                "datum",
            ],
            (n.contains("date") || n.contains("time"))
                && !has(&[
                    "end",
                    "update",
                    "added",
                    "modif",
                    "creat",
                    "publish",
                    "precision",
                    "birth",
                ]),
        ),
        Column::DateEnd => (
            &[
                "enddate", "dateend", "dateto", "end", "until", "to", "lastdate",
            ],
            (n.contains("date") || n.contains("day")) && (n.contains("end") || n.contains("until")),
        ),
        Column::Text => (
            &[
                "text",
                "notes",
                "note",
                "description",
                "summary",
                "details",
                "desc",
                "comment",
                "comments",
                "quote",
                "content",
                "narrative",
                "body",
            ],
            has(&[
                "note", "descr", "summar", "text", "comment", "detail", "narrat",
            ]),
        ),
        Column::Category => (
            &[
                "category",
                "eventtype",
                "type",
                "incidenttype",
                "subeventtype",
                "kind",
                "class",
                "classification",
            ],
            n.contains("categor") || (n.contains("type") && !n.contains("precision")),
        ),
        Column::Title => (
            &["title", "name", "headline", "incident", "event"],
            has(&["title", "headline"]),
        ),
        Column::Place => (
            &[
                "place",
                "location",
                "locality",
                "town",
                "city",
                "village",
                "site",
                "placename",
                "locationname",
                "settlement",
                "lieu",
                "localite",
                "lugar",
                "ort",
            ],
            !n.contains("precision") && has(&["place", "locat", "town", "city", "village"]),
        ),
        Column::Admin1 => (
            &[
                "admin1",
                "province",
                "governorate",
                "state",
                "oblast",
                "adm1",
            ],
            has(&["admin1", "province", "governorate", "oblast"]),
        ),
        Column::Source => (
            &[
                "source",
                "sources",
                "publisher",
                "outlet",
                "sourcename",
                "media",
            ],
            (n.contains("source") && !has(&["url", "link", "scale"]))
                || has(&["publisher", "outlet"]),
        ),
        Column::Url => (
            &[
                "url",
                "link",
                "sourceurl",
                "links",
                "href",
                "sourcelink",
                "urls",
            ],
            has(&["url", "link", "href"]),
        ),
        Column::Id => (
            &[
                "id",
                "eventid",
                "eventidcnty",
                "incidentid",
                "uid",
                "uuid",
                "globaleventid",
                "fid",
                "objectid",
                "ref",
                "reference",
            ],
            n.ends_with("id"),
        ),
        Column::Killed => (
            &[
                "killed",
                "fatalities",
                "deaths",
                "dead",
                "deathtoll",
                "numkilled",
            ],
            has(&["killed", "fatalit", "death", "dead"]),
        ),
        Column::Injured => (
            &["injured", "wounded", "injuries", "numinjured"],
            has(&["injur", "wound"]),
        ),
    };
    match exact.iter().position(|e| *e == n) {
        Some(k) => 1000 - k as u32,
        None => u32::from(partial),
    }
}

/// The unused column that best fits `role` by name and passes `accept`.
fn best(
    role: Column,
    names: &[String],
    used: &[bool],
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut found: Option<(u32, usize)> = None;
    for (i, n) in names.iter().enumerate() {
        let score = name_score(role, n);
        if score > 0 && !used[i] && accept(i) && found.is_none_or(|(s, _)| score > s) {
            found = Some((score, i));
        }
    }
    found.map(|(_, i)| i)
}

/// Decides which column plays which role, from the names and the sampled values.
fn assign(headers: &[String], stats: &[ColumnStats], delimiter: u8) -> CsvMapping {
    let names: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut m = CsvMapping {
        delimiter,
        ..Default::default()
    };
    let mut used = vec![false; names.len()];
    fn take(role: Column, m: &mut CsvMapping, used: &mut [bool], i: Option<usize>) {
        if let Some(i) = i {
            used[i] = true;
            m.set(role, Some(i));
        }
    }
    let numeric = |i: usize| stats[i].filled == 0 || stats[i].numbers * 2 >= stats[i].filled;

    // Coordinates: two named columns, else one column of pairs, else two columns of degrees.
    let lat = best(Column::Lat, &names, &used, numeric);
    let lon = lat.and_then(|lat| best(Column::Lon, &names, &used, |i| i != lat && numeric(i)));
    if let (Some(lat), Some(lon)) = (lat, lon) {
        take(Column::Lat, &mut m, &mut used, Some(lat));
        take(Column::Lon, &mut m, &mut used, Some(lon));
        m.swapped = stats[lat].max_abs > 90.0 && stats[lon].max_abs <= 90.0;
    } else if let Some(c) = pair_column(&names, stats, &used) {
        take(Column::LatLon, &mut m, &mut used, Some(c));
        let st = &stats[c];
        let lon_first_name = ["lonlat", "lnglat", "longlat", "xy"]
            .iter()
            .any(|p| names[c].contains(p));
        m.swapped = lon_first_name || (st.pair_first_max > 90.0 && st.pair_second_max <= 90.0);
    } else if let Some((lat, lon)) = degree_columns(stats) {
        take(Column::Lat, &mut m, &mut used, Some(lat));
        take(Column::Lon, &mut m, &mut used, Some(lon));
    }

    let date = best(Column::Date, &names, &used, |_| true).or_else(|| {
        (0..stats.len())
            .find(|&i| !used[i] && stats[i].filled > 0 && stats[i].dates * 5 >= stats[i].filled * 4)
    });
    take(Column::Date, &mut m, &mut used, date);
    for role in [
        Column::DateEnd,
        Column::Id,
        Column::Title,
        Column::Category,
        Column::Text,
        Column::Place,
        Column::Admin1,
        Column::Source,
        Column::Url,
        Column::Killed,
        Column::Injured,
    ] {
        let i = best(role, &names, &used, |_| true);
        take(role, &mut m, &mut used, i);
    }
    m
}

/// A column of `"lat, lon"` pairs: half of its values when its name says so, else 80 %.
fn pair_column(names: &[String], stats: &[ColumnStats], used: &[bool]) -> Option<usize> {
    let share = |i: usize, num: usize, den: usize| {
        stats[i].filled > 0 && stats[i].pairs * den >= stats[i].filled * num
    };
    best(Column::LatLon, names, used, |i| share(i, 1, 2))
        .or_else(|| (0..stats.len()).find(|&i| !used[i] && share(i, 4, 5)))
}

/// Two neighbouring columns of decimal degrees: (latitude column, longitude column).
fn degree_columns(stats: &[ColumnStats]) -> Option<(usize, usize)> {
    let degrees = |s: &ColumnStats| {
        s.filled > 0 && s.numbers == s.filled && s.fractional * 2 >= s.filled && s.max_abs <= 180.0
    };
    let i = (0..stats.len().saturating_sub(1))
        .find(|&i| degrees(&stats[i]) && degrees(&stats[i + 1]))?;
    if stats[i].max_abs > 90.0 && stats[i + 1].max_abs <= 90.0 {
        Some((i + 1, i))
    } else {
        Some((i, i + 1))
    }
}

/// Which date a deferred value belongs to.
#[derive(Clone, Copy, Debug)]
struct DateKey {
    incident: usize,
    line: u64,
    end: bool,
}

/// Turns records into incidents with a mapping.
struct RowReader<'m> {
    mapping: &'m CsvMapping,
    columns: usize,
    date_name: String,
    date_end_name: String,
    /// Columns without a role: kept in `extra` under their header name.
    extra_columns: Vec<(usize, ExtraKey)>,
    /// Builds each row's `extra`.
    extra: ExtraBuilder,
    warnings: Warnings,
    incidents: Vec<Incident>,
    ids: UniqueIds,
    dates: DateColumn<DateKey>,
}

impl<'m> RowReader<'m> {
    fn new(headers: &[String], mapping: &'m CsvMapping, warnings: Warnings) -> Self {
        let roles: Vec<usize> = Column::ALL
            .into_iter()
            .filter_map(|c| mapping.get(c))
            .collect();
        let mut extra = ExtraBuilder::default();
        let name = |i: Option<usize>, default: &str| {
            i.and_then(|i| headers.get(i))
                .cloned()
                .unwrap_or_else(|| default.to_owned())
        };
        RowReader {
            mapping,
            columns: headers.len(),
            date_name: name(mapping.date, "date"),
            date_end_name: name(mapping.date_end, "date_end"),
            extra_columns: headers
                .iter()
                .enumerate()
                .filter(|(i, _)| !roles.contains(i))
                .map(|(i, h)| (i, extra.key(h)))
                .collect(),
            extra,
            warnings,
            incidents: Vec::new(),
            ids: UniqueIds::default(),
            dates: DateColumn::new(),
        }
    }

    /// Reads record number `n` (1-based), which starts on `line`.
    fn read(&mut self, rec: &Fields<'_>, line: u64, n: usize) {
        let m = self.mapping;
        self.warnings.ragged(line, rec.len(), self.columns);
        let mut inc = Incident::default();
        let id = cell(rec, m.id).map_or_else(|| format!("row-{n}"), str::to_owned);
        let (id, renamed) = self.ids.claim(id, &self.incidents);
        if renamed {
            self.warnings
                .line(line, format!("duplicate id; renamed to {id:?}"));
        }
        inc.id = id;
        inc.location = self.location(rec, line);
        let key = DateKey {
            incident: self.incidents.len(),
            line,
            end: false,
        };
        if let Some((d, p)) = self.date(rec, key) {
            inc.date = Some(d);
            inc.date_precision = p;
        }
        inc.date_end = self.date(rec, DateKey { end: true, ..key }).map(|(d, _)| d);
        inc.category = cell(rec, m.category).unwrap_or("Other").into();
        inc.place = cell(rec, m.place).unwrap_or_default().into();
        inc.admin1 = cell(rec, m.admin1).map(SharedStr::from);
        inc.casualties = Casualties {
            killed: self.count(rec, m.killed, "killed", line),
            injured: self.count(rec, m.injured, "injured", line),
            children_killed: None,
        };
        inc.sources = sources(cell(rec, m.text), cell(rec, m.source), cell(rec, m.url)).into();
        inc.title = match cell(rec, m.title) {
            Some(t) => t.into(),
            None => default_title(&inc, cell(rec, m.text)).into(),
        };
        for &(i, key) in &self.extra_columns {
            if let Some(v) = cell(rec, Some(i)) {
                self.extra.push(key, v);
            }
        }
        for i in self.columns..rec.len() {
            if let Some(v) = cell(rec, Some(i)) {
                put_extra(&mut self.extra, &format!("column {}", i + 1), v);
            }
        }
        inc.extra = self.extra.finish();
        self.incidents.push(inc);
    }

    fn location(&mut self, rec: &Fields<'_>, line: u64) -> Option<LonLat> {
        let m = self.mapping;
        if let (Some(la), Some(lo)) = (m.lat, m.lon) {
            let (a, b) = (cell(rec, Some(la)), cell(rec, Some(lo)));
            let (lat, lon) = if m.swapped { (b, a) } else { (a, b) };
            return locate(lat, lon, line, &mut self.warnings);
        }
        let Some(v) = cell(rec, m.latlon) else {
            return locate(None, None, line, &mut self.warnings);
        };
        match split_pair(v) {
            Some(p) if p.wkt || m.swapped => {
                check_position(p.second, p.first, line, &mut self.warnings)
            }
            Some(p) => check_position(p.first, p.second, line, &mut self.warnings),
            None => {
                self.warnings.line(
                    line,
                    format!(
                        "{v:?} is not a \"latitude, longitude\" pair; loaded without a location"
                    ),
                );
                None
            }
        }
    }

    /// The start (or end) date of a record, unless deferred to the column's day order.
    fn date(&mut self, rec: &Fields<'_>, key: DateKey) -> Option<(Day, DatePrecision)> {
        let (col, name) = match key.end {
            false => (self.mapping.date, &self.date_name),
            true => (self.mapping.date_end, &self.date_end_name),
        };
        let Some(s) = cell(rec, col) else {
            if !key.end {
                self.warnings.line(key.line, "no date; listed as undated");
            }
            return None;
        };
        if s.len() >= 9 && s.len() <= 13 && s.bytes().all(|b| b.is_ascii_digit()) {
            return dates::parse_epoch(parse_number(s)?).map(|d| (d, DatePrecision::Day));
        }
        match self.dates.add(key, s) {
            DateCell::Parsed(d, p) => Some((d, p)),
            DateCell::Deferred => None,
            DateCell::Unreadable => {
                self.warnings.line(
                    key.line,
                    format!("{name} {s:?} is not a date this program reads; listed as undated (the text is kept)"),
                );
                put_extra(&mut self.extra, name, s);
                None
            }
        }
    }

    fn count(
        &mut self,
        rec: &Fields<'_>,
        col: Option<usize>,
        what: &str,
        line: u64,
    ) -> Option<u32> {
        let s = cell(rec, col)?;
        let n = parse_count(s);
        if n.is_none() {
            self.warnings.line(
                line,
                format!("{what} {s:?} is not a whole number of people; kept as text"),
            );
            put_extra(&mut self.extra, what, s);
        }
        n
    }

    /// Resolves the deferred dates and hands over the incidents and warnings.
    fn finish(mut self) -> (Vec<Incident>, Vec<Warning>) {
        let out = self.dates.finish();
        let deferred = !out.resolved.is_empty();
        for (key, day) in out.resolved {
            let Some(inc) = self.incidents.get_mut(key.incident) else {
                continue;
            };
            match (day, key.end) {
                (Ok((d, p)), false) => {
                    inc.date = Some(d);
                    inc.date_precision = p;
                }
                (Ok((d, _)), true) => inc.date_end = Some(d),
                (Err(n), end) => {
                    let name = if end {
                        &self.date_end_name
                    } else {
                        &self.date_name
                    };
                    self.warnings.line(
                        key.line,
                        format!("{}; listed as undated", describe_numeric(n, out.order)),
                    );
                    inc.extra.insert(
                        name.clone(),
                        format!("{}/{}/{}", n.first, n.second, n.year).into(),
                    );
                }
            }
        }
        if deferred && out.ambiguous {
            let order = match out.order {
                DayOrder::DayFirst => "day-first (03/04/2016 is 3 April)",
                DayOrder::MonthFirst => "month-first (03/04/2016 is 4 March)",
            };
            self.warnings.file(format!(
                "the dates do not show whether they are day-first or month-first; read {order}"
            ));
        }
        (self.incidents, self.warnings.finish())
    }
}

/// The source of a record: its text, publisher and link(s). Several links in one cell become
/// several sources; the text goes with the first.
fn sources(text: Option<&str>, publisher: Option<&str>, url: Option<&str>) -> Vec<Source> {
    if text.is_none() && publisher.is_none() && url.is_none() {
        return Vec::new();
    }
    let urls: Vec<&str> = match url {
        Some(u) if u.matches("http").count() > 1 => u
            .split(|c: char| c.is_whitespace() || c == ';' || c == ',' || c == '|')
            .filter(|s| !s.is_empty())
            .collect(),
        Some(u) => vec![u],
        None => vec![],
    };
    let mut out = vec![Source {
        publisher: publisher
            .or_else(|| urls.first().and_then(|u| url_host(u)))
            .unwrap_or_default()
            .into(),
        url: urls.first().map(|&u| Box::from(u)),
        quote: text.unwrap_or_default().into(),
        ..Default::default()
    }];
    for u in urls.iter().skip(1) {
        out.push(Source {
            publisher: url_host(u).unwrap_or_default().into(),
            url: Some((*u).into()),
            ..Default::default()
        });
    }
    out
}

/// A title for a record without one: "Shelling in Aleppo", else the start of its text.
fn default_title(inc: &Incident, text: Option<&str>) -> String {
    match (inc.category.as_str(), inc.place.as_str(), text) {
        ("Other", "", Some(t)) => shorten(t, 80),
        (c, "", _) => c.to_owned(),
        (c, p, _) => format!("{c} in {p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_value_markers_in_any_case() {
        for m in [
            "", "NA", "na", "N/A", "#N/A", "#n/a", "NULL", "null", "None", "NaN", "nan",
        ] {
            assert!(is_missing(m), "{m:?}");
        }
        for v in [
            "0", "1", "760", "2024", "N", "Nab", "Nablus", "#1", "none!", "nA/",
        ] {
            assert!(!is_missing(v), "{v:?}");
        }
    }
    use std::collections::HashSet;

    /// Claims each id in turn, as a reader does, and returns the ids given.
    fn claim_all(ids: &mut UniqueIds, names: &[&str]) -> Vec<SmolStr> {
        let mut incidents: Vec<Incident> = Vec::new();
        for name in names {
            let (id, _) = ids.claim(*name, &incidents);
            incidents.push(Incident {
                id,
                ..Default::default()
            });
        }
        incidents.into_iter().map(|inc| inc.id).collect()
    }

    #[test]
    fn repeated_ids_get_suffixes() {
        let got = claim_all(&mut UniqueIds::default(), &["a", "b", "a", "a", "a-2", "b"]);
        assert_eq!(got, ["a", "b", "a-2", "a-3", "a-2-2", "b-2"]);
    }

    #[test]
    fn ids_sharing_a_hash_stay_unique() {
        // Pretend "x" and "y" have the same hash: "y"'s slot already points at "x".
        let mut ids = UniqueIds::default();
        let hash = |s: &str| IdHash::default().hash_one(s);
        let mut incidents = vec![Incident {
            id: "x".into(),
            ..Default::default()
        }];
        let rehash = |_: &u32| hash("x");
        ids.seen.insert_unique(hash("x"), 0, rehash);
        ids.seen.insert_unique(hash("y"), 0, rehash);
        for name in ["y", "y", "x"] {
            let (id, _) = ids.claim(name, &incidents);
            incidents.push(Incident {
                id,
                ..Default::default()
            });
        }
        let got: Vec<&str> = incidents.iter().map(|inc| inc.id.as_str()).collect();
        assert_eq!(got, ["x", "y", "y-2", "x-2"]);
    }

    #[test]
    fn ids_stay_unique_through_reserve_and_growth() {
        // Growing the table rehashes every index by its incident's id, including the one
        // being claimed (not pushed yet); a reserve is made at the next claim.
        let mut ids = UniqueIds::default();
        let mut incidents: Vec<Incident> = Vec::new();
        let mut given = HashSet::new();
        for n in 0..5000 {
            if n == 100 {
                ids.reserve(2000);
            }
            // Every fifth id repeats one seen before.
            let name = if n % 5 == 4 {
                format!("e{}", n / 2)
            } else {
                format!("e{n}")
            };
            let (id, renamed) = ids.claim(name.as_str(), &incidents);
            assert_eq!(renamed, given.contains(&name), "{name}");
            given.insert(id.to_string());
            incidents.push(Incident {
                id,
                ..Default::default()
            });
        }
        let unique: HashSet<&str> = incidents.iter().map(|inc| inc.id.as_str()).collect();
        assert_eq!(unique.len(), incidents.len());
    }

    #[test]
    fn a_claim_not_pushed_frees_its_id() {
        let mut ids = UniqueIds::default();
        let incidents: Vec<Incident> = Vec::new();
        assert_eq!(ids.claim("a", &incidents), ("a".into(), false));
        // The row was dropped: "a" is free again.
        assert_eq!(ids.claim("a", &incidents), ("a".into(), false));
    }

    #[test]
    fn id_hash_tells_padding_apart() {
        let hash = |s: &str| IdHash::default().hash_one(s);
        assert_ne!(hash("a"), hash("a\0"));
        assert_ne!(hash("abcdefgh"), hash("abcdefgh\0"));
    }
}
