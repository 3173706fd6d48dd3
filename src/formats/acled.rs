//! ACLED (Armed Conflict Location & Event Data) CSV exports: the current 31-column export
//! (`event_id_cnty, event_date, year, time_precision, disorder_type, …, tags, timestamp`) and
//! the legacy one (upper-case headers, `GWNO, EVENT_ID_CNTY, …, ALLY_ACTOR_1, …`). Columns are
//! found by name, in any order and any case.
//!
//! How an ACLED row becomes an incident:
//!
//! | ACLED                      | incident                                                    |
//! |----------------------------|-------------------------------------------------------------|
//! | `event_id_cnty`            | `id` (a repeated id gets `-2`, `-3`, … and a warning)        |
//! | `event_date`               | `date` (ISO, `19 September 2016`, `19-September-2016`, `19/09/2016` day-first) |
//! | `time_precision` 1/2/3     | `date_precision` day/week/month                             |
//! | `sub_event_type`           | `category` (`Air/drone strike`); legacy files, which have none, use `event_type` |
//! | `event_type`               | kept in `extra` (when `sub_event_type` is the category)     |
//! | `location`, `admin1`       | `place`, `admin1`                                           |
//! | `latitude`, `longitude`    | `location`                                                  |
//! | `geo_precision` 1/2/3      | exact / near, radius [`NEAR_RADIUS_M`] / approximate, radius [`APPROXIMATE_RADIUS_M`] |
//! | `source`, `notes`          | one source: publisher = `source` as written (`"SOHR; Step News"` is kept as one string: the notes are ACLED's one summary of all of them, not a quote from each), quote = `notes`; publisher `ACLED` when only notes are given |
//! | `fatalities`               | `casualties.killed` (ACLED's `0` is read as 0 killed)       |
//! | `tags` entries `sitview:date_end=…`, `sitview:radius_m=…`, `sitview:url=…` | `date_end`, `location_radius_m`, the source's `url` (written by [`write`] for what ACLED has no column for; other tags are kept as text) |
//! | everything else            | `extra`, under the current lower-case column name           |
//!
//! The title is made up: `"Air/drone strike in Aleppo"`. `NA`, `NULL`, `None`, `N/A` and empty
//! cells are missing values. A value that cannot be read (a bad date, bad coordinates) is kept
//! as text in `extra` under its column name, with a warning, and written back unchanged.
//!
//! [`write`] produces the current 31-column export (see its documentation for what cannot be
//! expressed in it). ACLED → [`read`] → [`write`] → [`read`] gives the same incidents.

use std::borrow::Cow;

use csv::ByteRecord;

use super::csv_generic::{
    Fields, RESERVE_AFTER, Records, UniqueIds, Warnings, cell, coarser, decode_text,
    describe_numeric, detect_delimiter, first_line, list_columns, locate, parse_count, put_extra,
};
use super::csv_split::{self, Split, TextBatch, count_lines};
use super::dates::{DateCell, DateColumn, DayOrder};
use super::{Format, FormatError, Loaded, encoding};
use crate::model::hash::IdHash;
use crate::model::{
    Dataset, DatePrecision, ExtraBuilder, ExtraKey, Incident, Interner, LocationPrecision,
    SharedStr, Source,
};

/// The columns of the current ACLED export, in its order.
pub const COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// Legacy column names and the current names they are read (and kept in `extra`) as.
const ALIASES: [(&str, &str); 2] = [
    ("ally_actor_1", "assoc_actor_1"),
    ("ally_actor_2", "assoc_actor_2"),
];

/// Radius for `geo_precision` 2 (the event was near a named town, or in a part of a region
/// whose town is used): 5 km.
pub const NEAR_RADIUS_M: f64 = 5_000.0;

/// Radius for `geo_precision` 3 (only a larger region is known; its centre or capital is
/// used): 25 km.
pub const APPROXIMATE_RADIUS_M: f64 = 25_000.0;

/// Publisher given to a row that has notes but no `source`.
const ACLED: &str = "ACLED";

/// Whether `bytes` start with an ACLED header (current or legacy): a first line naming
/// `event_id_cnty` and `event_date`, in any case.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(8 * 1024)).unwrap_or(bytes);
    let (text, _) = encoding::decode(head);
    let line = first_line(&text).to_ascii_lowercase();
    line.contains("event_id_cnty") && line.contains("event_date")
}

/// Reads an ACLED export. Fails only when the file has no header naming `event_date`,
/// `latitude` and `longitude`; every data record becomes an incident.
pub fn read(bytes: &[u8]) -> Result<Loaded, FormatError> {
    let mut warnings = Warnings::default();
    let text = decode_text(bytes, &mut warnings);
    if text.trim().is_empty() {
        return Err(FormatError::new("the file is empty"));
    }
    let delimiter = detect_delimiter(first_line(&text)).ok_or_else(|| FormatError {
        line: Some(1),
        column: None,
        message: "not an ACLED export: the first line is not a list of column names separated \
                  by commas"
            .to_owned(),
    })?;
    let mut reader = Records::new(&text, delimiter, true);
    let mut rec = ByteRecord::new();
    if reader.next(&mut rec)?.is_none() {
        return Err(FormatError::new("the file is empty"));
    }
    let mut rows = RowBuilder::new(Columns::from_header(&Fields::new(&rec))?);
    let mut file = Assembly::new(warnings);
    let mut built = Built::default();
    let mut records = 0usize;
    while let Some(line) = reader.next(&mut rec)? {
        records += 1;
        if records == RESERVE_AFTER {
            file.reserve(reader.estimate_remaining(records) + 1);
        }
        rows.read(&Fields::new(&rec), line, &mut built);
        if built.incidents.len() == BATCH_RECORDS {
            file.add(&mut built);
        }
    }
    file.add(&mut built);
    Ok(file.finish(records))
}

/// [`read_path`] reads a file in pieces of about this size.
const PIECE_BYTES: usize = 4 << 20;

/// Reads the ACLED export at `path` as [`read`] would, without ever holding the whole file in
/// memory: piece by piece, each piece ending where a record ends (a record cut by the end of a
/// piece, perhaps in a quoted line break, is read again from the start of the next).
///
/// `None` when this route does not take the file and the caller should read it whole and call
/// [`super::read_bytes`]: a small file, one that is not an ACLED export (or that `read_bytes`
/// would try as another format first, by its name or its first bytes), not UTF-8 (or starts
/// with a byte-order mark), too large to open, or anything odd (a read error, a CSV error), so
/// that such files get the usual result and messages.
pub fn read_path(path: &std::path::Path) -> Option<Loaded> {
    read_pieces(path, PIECE_BYTES, BATCH_RECORDS, &mut |_, _| true)
}

/// As [`read_path`], telling `progress` how many bytes are read (and parsed) and how many
/// records are made into incidents, after each batch; `progress` returning false stops the
/// reading (and gives `None`).
pub fn read_path_with_progress(
    path: &std::path::Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Option<Loaded> {
    read_pieces(path, PIECE_BYTES, BATCH_RECORDS, progress)
}

/// Records handed from the thread that reads and splits the file to a thread that makes
/// incidents of them.
enum Batch {
    /// Records of one piece, and how many bytes of the file are read up to the end of the
    /// last.
    Records { batch: TextBatch, read: usize },
    /// The file is read to its end.
    End,
    /// The file is not one [`read_path`] takes, or reading it failed.
    Odd,
}

/// What a builder thread hands on for one [`Batch`].
enum Made {
    Incidents { built: Box<Built>, read: usize },
    End,
    Odd,
}

/// Records per [`Batch`]: enough to keep the handing over cheap, few enough that the batches
/// in flight hold little memory.
const BATCH_RECORDS: usize = 1024;

/// Batches waiting for each builder thread (and made batches waiting for the joining one).
const QUEUE: usize = 2;

/// Makes incidents of the records of `batch`, adding them to `built`.
fn build(rows: &mut RowBuilder, batch: &TextBatch, built: &mut Built) {
    for r in 0..batch.len() {
        if let Some((rec, line)) = batch.record(r) {
            rows.read(&Fields::text(rec), line, built);
        }
    }
}

/// Reads pieces of `piece` bytes and hands on batches of `batch` records.
fn read_pieces(
    path: &std::path::Path,
    piece: usize,
    batch: usize,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Option<Loaded> {
    use std::sync::mpsc::{channel, sync_channel};
    // A name that says another format leaves the file to `read_bytes`, which tries that first.
    let ext = (path.extension().and_then(|e| e.to_str())).map(str::to_ascii_lowercase);
    let other = [
        "geojson", "json", "geojsonl", "geojsons", "ndjson", "jsonl", "kml", "kmz",
    ];
    if ext.is_some_and(|e| other.contains(&e.as_str())) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len < piece as u64 || len > super::MAX_FILE_BYTES {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    // One thread reads the file and splits it into records; builder threads make incidents of
    // the batches of records in turn (most of the work: interning, dates, extras); this one
    // takes the made batches back in order and joins them (unique ids, warnings, the column's
    // day order). Batch 0, which holds the header, is made here.
    let builders = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let (mut to_builders, mut batch_queues) = (Vec::new(), Vec::new());
    let (mut to_joiner, mut made_queues) = (Vec::new(), Vec::new());
    for _ in 0..builders {
        let (tx, rx) = sync_channel::<Batch>(QUEUE);
        to_builders.push(tx);
        batch_queues.push(Some(rx));
        let (tx, rx) = sync_channel::<Made>(QUEUE);
        to_joiner.push(Some(tx));
        made_queues.push(rx);
    }
    let (to_splitter, spent) = channel();
    // `move`: the queues belong to this closure, so that leaving it early (cancelled, an odd
    // file) drops them, which stops the other threads before the scope waits for them.
    std::thread::scope(move |scope| {
        // Named, so that a profiler or debugger tells the threads apart.
        let thread = |name: &str| std::thread::Builder::new().name(name.to_owned());
        let splitter = thread("sitview-split").spawn_scoped(scope, move || {
            let mut turn = 0;
            let mut send = |batch: Batch| {
                let sent = to_builders[turn % to_builders.len()].send(batch).ok();
                turn += 1;
                sent
            };
            if split_records(file, piece, batch, &mut send, &spent).is_none() {
                let _ = send(Batch::Odd);
            }
        });
        splitter.ok()?;
        // Batch 0: the header and the first records.
        let Batch::Records { batch: first, read } = batch_queues[0].as_ref()?.recv().ok()? else {
            return None;
        };
        let (header, _) = first.record(0)?;
        let cols = Columns::from_header(&Fields::text(header)).ok()?;
        let mut rows = RowBuilder::new(cols.clone());
        let mut built = Built::default();
        for r in 1..first.len() {
            let (rec, line) = first.record(r)?;
            rows.read(&Fields::text(rec), line, &mut built);
        }
        drop(rows);
        let _ = to_splitter.send(first);
        let mut count = built.incidents.len();
        let mut file = Assembly::new(Warnings::default());
        file.add(&mut built);
        if !progress(read as u64, count as u64) {
            return None;
        }
        for (batches, made) in batch_queues.iter_mut().zip(&mut to_joiner) {
            let (batches, made) = (batches.take()?, made.take()?);
            let (cols, to_splitter) = (cols.clone(), to_splitter.clone());
            let builder = thread("sitview-build").spawn_scoped(scope, move || {
                let mut rows = RowBuilder::new(cols);
                for batch in batches {
                    let out = match batch {
                        Batch::Records { batch, read } => {
                            let mut built = Box::new(Built::with_capacity(batch.len()));
                            build(&mut rows, &batch, &mut built);
                            // Hand the batch (and its piece, with the last batch of it) back
                            // to be filled again.
                            let _ = to_splitter.send(batch);
                            Made::Incidents { built, read }
                        }
                        Batch::End => Made::End,
                        Batch::Odd => Made::Odd,
                    };
                    if made.send(out).is_err() {
                        break;
                    }
                }
            });
            builder.ok()?;
        }
        drop(to_splitter);
        // The made batches, in the order the records were read: batch `b` from builder
        // `b % builders`. A builder that stops without saying why (it panicked) fails the
        // route, so the file is read again the usual way.
        for b in 1.. {
            match made_queues[b % builders].recv().ok()? {
                Made::Incidents { mut built, read } => {
                    count += built.incidents.len();
                    if count >= RESERVE_AFTER && file.incidents.capacity() < count + batch {
                        // Room for the rest (before the next batch would make the list grow),
                        // estimated from the size of the records so far.
                        let per_record = (read / count).max(1);
                        let left = len.saturating_sub(read) / per_record;
                        file.reserve(left + left / 32 + 1);
                    }
                    file.add(&mut built);
                    if !progress(read as u64, count as u64) {
                        // Dropping the queues stops the builders and the splitter.
                        return None;
                    }
                }
                Made::End => break,
                Made::Odd => return None,
            }
        }
        Some(file.finish(count))
    })
}

/// The start of the last character of `bytes` if it is cut short (its first bytes are there,
/// not all of them), else `None`. Bytes that are not UTF-8 are left for the check of the text.
fn cut_character(bytes: &[u8]) -> Option<usize> {
    let back = bytes.len().min(4);
    let tail = &bytes[bytes.len() - back..];
    // The last byte that starts a character (not 0b10xx_xxxx), and how long that is.
    let at = tail.iter().rposition(|&b| b & 0xC0 != 0x80)?;
    let need = match tail[at] {
        b if b < 0x80 => 1,
        b if b >> 5 == 0b110 => 2,
        b if b >> 4 == 0b1110 => 3,
        b if b >> 3 == 0b1_1110 => 4,
        _ => return None,
    };
    (back - at < need).then(|| bytes.len() - back + at)
}

/// Reads `file` piece by piece and sends its records (the header first) in batches, then
/// [`Batch::End`]; `None` when the file is not one [`read_path`] takes or reading it fails,
/// and when the receiver is gone. A batch holds records of one piece; batches handed back on
/// `spent` are filled again, and their piece with them once no other batch holds it.
fn split_records(
    mut file: std::fs::File,
    piece: usize,
    batch_records: usize,
    send: &mut dyn FnMut(Batch) -> Option<()>,
    spent: &std::sync::mpsc::Receiver<TextBatch>,
) -> Option<()> {
    use std::io::Read as _;
    use std::sync::Arc;
    let mut at_end = false;
    let mut delimiter = None;
    let mut ends = None;
    // Pieces no batch holds any more, to read into again.
    let mut free: Vec<String> = Vec::new();
    let mut spent_batches: Vec<TextBatch> = Vec::new();
    let empty = Arc::new(String::new());
    let take_spent = |free: &mut Vec<String>, spent_batches: &mut Vec<TextBatch>| {
        while let Ok(mut b) = spent.try_recv() {
            if let Some(text) = Arc::into_inner(std::mem::replace(&mut b.piece, empty.clone())) {
                free.push(text);
            }
            spent_batches.push(b);
        }
    };
    // What is left of the last piece after its last whole record.
    let mut carry: Vec<u8> = Vec::new();
    // The line the carried text starts on, and how many bytes before it were read.
    let mut line = 1u64;
    let mut read = 0usize;
    loop {
        take_spent(&mut free, &mut spent_batches);
        let mut buf = free.pop().map(String::into_bytes).unwrap_or_default();
        buf.clear();
        buf.reserve(carry.len() + piece + 8);
        buf.append(&mut carry);
        // A piece beyond what was carried over (the first holds what `sniff` looks at).
        let want = buf.len()
            + if delimiter.is_none() {
                piece.max(8 << 10)
            } else {
                piece
            };
        while !at_end && buf.len() < want {
            let room = (want - buf.len()) as u64;
            let n = (&mut file).take(room).read_to_end(&mut buf).ok()?;
            at_end = n == 0;
        }
        // A character cut by the end of the piece is read with the next.
        if !at_end && let Some(cut) = cut_character(&buf) {
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
        }
        let text = Arc::new(String::from_utf8(buf).ok()?);
        let delimiter = match delimiter {
            Some(d) => d,
            None => {
                // What `read_bytes` would take for another format is left to it.
                let first = text.bytes().find(|b| !b.is_ascii_whitespace());
                if !sniff(text.as_bytes())
                    || text.starts_with('\u{feff}')
                    || matches!(first, Some(b'{' | b'[' | 0x1E))
                    || super::kml::sniff(text.as_bytes())
                {
                    return None;
                }
                *delimiter.insert(detect_delimiter(first_line(&text))?)
            }
        };
        let ends = ends.get_or_insert_with(|| csv_split::FieldEnds::new(delimiter));
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut batch = spent_batches.pop().unwrap_or_default();
        batch.clear(text.clone());
        loop {
            let first = u32::try_from(batch.fields.len()).ok()?;
            let (fields, unescaped) = (&mut batch.fields, &mut batch.unescaped);
            match csv_split::next_record(&text, pos, at_end, delimiter, ends, fields, unescaped) {
                Split::Record { start, end } => {
                    line += count_lines(&bytes[pos..start]);
                    batch.records.push((first, line));
                    line += count_lines(&bytes[start..end]);
                    pos = end;
                }
                Split::End => {
                    pos = bytes.len();
                    break;
                }
                Split::More { start } => {
                    // This record may go on in the next piece: read it again from there.
                    line += count_lines(&bytes[pos..start]);
                    pos = start;
                    break;
                }
                Split::Odd => return None,
            }
            if batch.len() == batch_records {
                take_spent(&mut free, &mut spent_batches);
                let mut next = spent_batches.pop().unwrap_or_default();
                next.clear(text.clone());
                let full = std::mem::replace(&mut batch, next);
                send(Batch::Records {
                    batch: full,
                    read: read + pos,
                })?;
            }
        }
        read += pos;
        // The rest of the piece goes before the next (a whole piece, when a record is longer).
        let mut rest = std::mem::take(&mut carry);
        carry.extend_from_slice(&bytes[pos..]);
        carry.append(&mut rest);
        if batch.len() > 0 {
            send(Batch::Records { batch, read })?;
        } else {
            spent_batches.push(batch);
        }
        if at_end {
            break;
        }
    }
    send(Batch::End)
}

/// Where the columns this reader interprets are; the others go to `extra`.
#[derive(Clone, Debug, Default)]
struct Columns {
    count: usize,
    id: Option<usize>,
    date: Option<usize>,
    time_precision: Option<usize>,
    event_type: Option<usize>,
    sub_event_type: Option<usize>,
    location: Option<usize>,
    admin1: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    geo_precision: Option<usize>,
    source: Option<usize>,
    notes: Option<usize>,
    fatalities: Option<usize>,
    tags: Option<usize>,
    /// Other columns with the (current, lower-case) name they are kept under.
    extra: Vec<(usize, String)>,
}

impl Columns {
    fn from_header(rec: &Fields<'_>) -> Result<Columns, FormatError> {
        let mut c = Columns {
            count: rec.len(),
            ..Default::default()
        };
        let mut names = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            let lower = rec.get(i).unwrap_or_default().trim().to_ascii_lowercase();
            let name = ALIASES
                .iter()
                .find(|(old, _)| *old == lower)
                .map_or(lower, |(_, new)| (*new).to_owned());
            let slot = match name.as_str() {
                "event_id_cnty" => &mut c.id,
                "event_date" => &mut c.date,
                "time_precision" => &mut c.time_precision,
                "event_type" => &mut c.event_type,
                "sub_event_type" => &mut c.sub_event_type,
                "location" => &mut c.location,
                "admin1" => &mut c.admin1,
                "latitude" => &mut c.lat,
                "longitude" => &mut c.lon,
                "geo_precision" => &mut c.geo_precision,
                "source" => &mut c.source,
                "notes" => &mut c.notes,
                "fatalities" => &mut c.fatalities,
                "tags" => &mut c.tags,
                "" => {
                    c.extra.push((i, format!("column {}", i + 1)));
                    continue;
                }
                _ => {
                    c.extra.push((i, name.clone()));
                    names.push(name);
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            } else {
                c.extra.push((i, format!("{name} ({})", i + 1)));
            }
            names.push(name);
        }
        let missing: Vec<&str> = [
            ("event_date", c.date),
            ("latitude", c.lat),
            ("longitude", c.lon),
        ]
        .into_iter()
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            return Err(FormatError {
                line: Some(1),
                column: None,
                message: format!(
                    "not an ACLED export: the header has no {} column (columns: {})",
                    missing.join(", no "),
                    list_columns(&names)
                ),
            });
        }
        Ok(c)
    }
}

/// One [`Interner`] for each column kept as a [`SharedStr`](crate::model::SharedStr), so that
/// the rows share its repeated values.
#[derive(Debug, Default)]
struct SharedColumns {
    place: Interner,
    admin1: Interner,
    category: Interner,
    /// Titles ("{category} in {place}"), made in `scratch`, when the category or the place has
    /// no number (see `titles`).
    title: Interner,
    /// Titles by the numbers their category and place have in `category` and `place`
    /// (category in the high half): most rows find theirs here, without making its text.
    titles: std::collections::HashMap<u64, SharedStr, IdHash>,
    publisher: Interner,
    scratch: String,
}

/// Makes incidents of ACLED records, each from its record alone: its id as written (made
/// unique by [`Assembly`]) and `01/02/2016`-style dates left for the whole column to decide.
/// One per thread that reads records.
struct RowBuilder {
    cols: Columns,
    /// The key each column in `cols.extra` is kept under.
    extra_keys: Vec<(usize, ExtraKey)>,
    /// Builds each row's `extra`.
    extra: ExtraBuilder,
    /// Shares the repeated values of the columns kept as [`SharedStr`](crate::model::SharedStr)s.
    shared: SharedColumns,
}

/// The incidents a [`RowBuilder`] made of a run of consecutive records, and what the rest of
/// the file has a say in.
#[derive(Default)]
struct Built {
    incidents: Vec<Incident>,
    /// The hash of each incident's id as read ([`id_hash`]).
    id_hashes: Vec<u64>,
    /// The line each incident's record starts on.
    lines: Vec<u64>,
    /// For each incident, how many of `warnings` come before the one about its id being
    /// taken, if it is (so that the warnings keep the order of a reading in one go).
    claims: Vec<usize>,
    warnings: Warnings,
    /// `event_date` values like `01/02/2016`, keyed by (index in `incidents`, line).
    dates: DateColumn<(usize, u64)>,
}

impl Built {
    /// Room for `n` incidents: grown one by one, the list of a batch was copied ten times.
    fn with_capacity(n: usize) -> Built {
        Built {
            incidents: Vec::with_capacity(n),
            id_hashes: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
            claims: Vec::with_capacity(n),
            ..Default::default()
        }
    }
}

/// The hash the ids of a file are checked for repeats by ([`Assembly::unique_ids`]).
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher as _;
    IdHash::default().hash_one(id)
}

/// Joins the [`Built`] runs of a file, in order, into its incidents: ids made unique, the
/// warnings in order, the day order of `01/02/2016`-style dates decided by the whole column.
///
/// Ids are made unique at the end ([`unique_ids`](Self::unique_ids)): nearly every file has
/// none repeated, which the hashes of its ids show at the cost of sorting them, where a table
/// of the ids claimed one by one (as [`UniqueIds`] keeps) cost a random probe of a large table
/// for every row on the one thread that joins. Enough is kept to claim them one by one, as a
/// reading in one go does, when some hash repeats: where each incident's warning would go, and
/// its line.
struct Assembly {
    incidents: Vec<Incident>,
    /// The hash of each incident's id, in order.
    id_hashes: Vec<u64>,
    /// Where in `warnings` a warning about an incident's id would go, as runs: (the first
    /// incident of the run, the place), the runs in order.
    claim_at: Vec<(usize, usize)>,
    /// The line of each incident's record, as runs of incidents on consecutive lines: (the
    /// first incident of the run, its line).
    lines: Vec<(usize, u64)>,
    /// The line after the last incident's, if its record is on one line.
    next_line: u64,
    warnings: Warnings,
    /// Keyed by (index in `incidents`, line).
    dates: DateColumn<(usize, u64)>,
}

impl Assembly {
    fn new(warnings: Warnings) -> Assembly {
        Assembly {
            incidents: Vec::new(),
            id_hashes: Vec::new(),
            claim_at: Vec::new(),
            lines: Vec::new(),
            next_line: 0,
            warnings,
            dates: DateColumn::new(),
        }
    }

    /// Room for `n` more incidents.
    fn reserve(&mut self, n: usize) {
        self.incidents.reserve_exact(n);
        self.id_hashes.reserve_exact(n);
    }

    /// Moves the incidents of `built` (the run after those added so far) here, leaving it
    /// empty.
    fn add(&mut self, built: &mut Built) {
        let offset = self.incidents.len();
        let dates = std::mem::take(&mut built.dates);
        self.dates.append(dates, |(i, line)| (offset + i, line));
        let (list, dropped) = std::mem::take(&mut built.warnings).into_parts();
        let mut list = list.into_iter();
        let mut taken = 0;
        for (k, (&claim, &line)) in built.claims.iter().zip(&built.lines).enumerate() {
            if claim != taken || k == 0 {
                self.warnings.take_from(&mut list, claim - taken);
                taken = claim;
                let at = self.warnings.len();
                if self.claim_at.last().is_none_or(|&(_, last)| last != at) {
                    self.claim_at.push((offset + k, at));
                }
            }
            if line != self.next_line {
                self.lines.push((offset + k, line));
            }
            self.next_line = line + 1;
        }
        self.warnings.take_from(&mut list, usize::MAX);
        self.warnings.add_dropped(dropped);
        self.incidents.append(&mut built.incidents);
        self.id_hashes.append(&mut built.id_hashes);
        built.lines.clear();
        built.claims.clear();
    }

    /// Makes the ids unique as a reading that claims them one by one does: the first incident
    /// with an id keeps it, a later one becomes `id-2`, `id-3`, … (the first of them not
    /// taken), with a warning in its place among the others.
    fn unique_ids(&mut self) {
        let mut hashes = std::mem::take(&mut self.id_hashes);
        if !repeats(&mut hashes) {
            return;
        }
        drop(hashes);
        let mut ids = UniqueIds::default();
        ids.reserve(self.incidents.len());
        let mut renamed = Vec::new();
        for i in 0..self.incidents.len() {
            let id = std::mem::take(&mut self.incidents[i].id);
            let (id, new) = ids.claim(id, &self.incidents[..i]);
            if new {
                let at = run_of(&self.claim_at, i).map_or(0, |&(_, at)| at);
                let line =
                    run_of(&self.lines, i).map_or(0, |&(first, line)| line + (i - first) as u64);
                let message = format!("duplicate event_id_cnty; renamed to {id:?}");
                renamed.push((at, line, message));
            }
            self.incidents[i].id = id;
        }
        self.warnings.insert_lines(renamed);
    }
}

/// The run incident `i` is in, of runs `(first incident, value)` in order.
fn run_of<T>(runs: &[(usize, T)], i: usize) -> Option<&(usize, T)> {
    let after = runs.partition_point(|&(first, _)| first <= i);
    runs.get(after.checked_sub(1)?)
}

/// Whether a value repeats in `hashes` (which this sorts), on two threads for a large file.
fn repeats(hashes: &mut [u64]) -> bool {
    let adjacent = |h: &[u64]| h.windows(2).any(|w| w[0] == w[1]);
    if hashes.len() < 1 << 16 {
        hashes.sort_unstable();
        return adjacent(hashes);
    }
    let (a, b) = hashes.split_at_mut(hashes.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| a.sort_unstable());
        b.sort_unstable();
        let _ = other.join();
    });
    if adjacent(a) || adjacent(b) {
        return true;
    }
    // Both halves sorted: a value in both is found walking them together.
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

impl RowBuilder {
    fn new(cols: Columns) -> RowBuilder {
        let mut extra = ExtraBuilder::default();
        let extra_keys = (cols.extra.iter())
            .map(|(i, name)| (*i, extra.key(name)))
            .collect();
        RowBuilder {
            cols,
            extra_keys,
            extra,
            shared: SharedColumns::default(),
        }
    }

    /// Makes an incident of the record starting on `line` and adds it to `out`.
    fn read(&mut self, rec: &Fields<'_>, line: u64, out: &mut Built) {
        let c = &self.cols;
        let w = &mut out.warnings;
        let x = &mut self.extra;
        w.ragged(line, rec.len(), c.count);
        let id = match cell(rec, c.id) {
            // Inline up to 23 bytes: no allocation.
            Some(id) => id.into(),
            None => {
                let id = format!("acled-line-{line}");
                w.line(line, format!("no event_id_cnty; given the id {id:?}"));
                id.into()
            }
        };
        let mut inc = Incident {
            id,
            ..Default::default()
        };
        out.claims.push(w.len());
        out.id_hashes.push(id_hash(&inc.id));

        inc.date_precision = time_precision(rec, c.time_precision, line, w, x);
        match cell(rec, c.date) {
            None => w.line(line, "no event_date; listed as undated"),
            Some(s) => {
                match out.dates.add((out.incidents.len(), line), s) {
                    DateCell::Parsed(d, p) => {
                        inc.date = Some(d);
                        inc.date_precision = coarser(inc.date_precision, p);
                    }
                    DateCell::Deferred => {}
                    DateCell::Unreadable => {
                        w.line(
                        line,
                        format!("event_date {s:?} is not a date; listed as undated (the text is kept)"),
                    );
                        put_extra(x, "event_date", s);
                    }
                }
            }
        }

        let (lat, lon) = (cell(rec, c.lat), cell(rec, c.lon));
        inc.location = locate(lat, lon, line, w);
        if inc.location.is_none() {
            for (key, v) in [("latitude", lat), ("longitude", lon)] {
                if let Some(v) = v {
                    put_extra(x, key, v);
                }
            }
        }
        (inc.location_precision, inc.location_radius_m) =
            geo_precision(rec, c.geo_precision, line, w, x);

        let sh = &mut self.shared;
        let place = cell(rec, c.location).unwrap_or_default();
        let place_number;
        (inc.place, place_number) = sh.place.get_numbered(place);
        inc.admin1 = cell(rec, c.admin1).map(|a| sh.admin1.get(a));
        let event_type = cell(rec, c.event_type);
        let category = match (cell(rec, c.sub_event_type), event_type) {
            (Some(sub), et) => {
                if let Some(et) = et {
                    put_extra(x, "event_type", et);
                }
                sub
            }
            (None, Some(et)) => et,
            (None, None) => "Other",
        };
        let category_number;
        (inc.category, category_number) = sh.category.get_numbered(category);
        let title = |t: &mut String| {
            t.clear();
            t.push_str(category);
            t.push_str(" in ");
            t.push_str(place);
        };
        inc.title = match (place, category_number.zip(place_number)) {
            ("", _) => inc.category.clone(),
            // Found by the numbers of its category and place, without making its text.
            (_, Some((c, p))) => {
                let key = u64::from(c) << 32 | u64::from(p);
                match sh.titles.get(&key) {
                    Some(t) => t.clone(),
                    None => {
                        // A new pair of numbers is a new title: nothing to look up by text.
                        title(&mut sh.scratch);
                        let t = SharedStr::from(sh.scratch.as_str());
                        if sh.titles.len() < Interner::<SharedStr>::MAX {
                            sh.titles.insert(key, t.clone());
                        }
                        t
                    }
                }
            }
            (_, None) => {
                title(&mut sh.scratch);
                sh.title.get(&sh.scratch)
            }
        };
        if let Some(s) = cell(rec, c.fatalities) {
            inc.casualties.killed = parse_count(s);
            if inc.casualties.killed.is_none() {
                w.line(
                    line,
                    format!("fatalities {s:?} is not a whole number; kept as text"),
                );
                put_extra(x, "fatalities", s);
            }
        }
        let (publisher, notes) = (cell(rec, c.source), cell(rec, c.notes));
        if publisher.is_some() || notes.is_some() {
            inc.sources = Source {
                publisher: self.shared.publisher.get(publisher.unwrap_or(ACLED)),
                quote: notes.unwrap_or_default().into(),
                ..Default::default()
            }
            .into();
        }
        if let Some(tags) = cell(rec, c.tags) {
            read_tags(tags, &mut inc, x, line, w);
        }
        for &(i, key) in &self.extra_keys {
            if let Some(v) = cell(rec, Some(i)) {
                x.push(key, v);
            }
        }
        for i in c.count..rec.len() {
            if let Some(v) = cell(rec, Some(i)) {
                put_extra(x, &format!("column {}", i + 1), v);
            }
        }
        inc.extra = x.finish();
        out.incidents.push(inc);
        out.lines.push(line);
    }
}

impl Assembly {
    /// Resolves `01/02/2016`-style dates (day-first, as ACLED writes them, unless the column
    /// proves month-first) and hands over the file of `records` data records.
    fn finish(mut self, records: usize) -> Loaded {
        self.unique_ids();
        let out = self.dates.finish();
        if out.ambiguous && out.order == DayOrder::MonthFirst {
            self.warnings.file(
                "event_date mixes day-first and month-first dates; most are month-first (as a \
                 US spreadsheet writes them), so all were read month-first",
            );
        }
        for ((i, line), day) in out.resolved {
            let Some(inc) = self.incidents.get_mut(i) else {
                continue;
            };
            match day {
                Ok((d, p)) => {
                    inc.date = Some(d);
                    inc.date_precision = coarser(inc.date_precision, p);
                }
                Err(n) => {
                    self.warnings.line(
                        line,
                        format!(
                            "event_date: {}; listed as undated",
                            describe_numeric(n, out.order)
                        ),
                    );
                    let text = format!("{:02}/{:02}/{}", n.first, n.second, n.year);
                    inc.extra.insert("event_date".to_owned(), text.into());
                }
            }
        }
        Loaded {
            dataset: Dataset {
                incidents: self.incidents,
                ..Default::default()
            },
            warnings: self.warnings.finish(),
            records,
            format: Format::Acled,
        }
    }
}

/// `time_precision` 1/2/3 → day/week/month; missing → day.
fn time_precision(
    rec: &Fields<'_>,
    col: Option<usize>,
    line: u64,
    w: &mut Warnings,
    extra: &mut ExtraBuilder,
) -> DatePrecision {
    match cell(rec, col) {
        None | Some("1") => DatePrecision::Day,
        Some("2") => DatePrecision::Week,
        Some("3") => DatePrecision::Month,
        Some(other) => {
            w.line(
                line,
                format!("time_precision {other:?} is not 1, 2 or 3; the date is taken as exact (the text is kept)"),
            );
            put_extra(extra, "time_precision", other);
            DatePrecision::Day
        }
    }
}

/// `geo_precision` 1/2/3 → exact / near / approximate with the radius documented above.
fn geo_precision(
    rec: &Fields<'_>,
    col: Option<usize>,
    line: u64,
    w: &mut Warnings,
    extra: &mut ExtraBuilder,
) -> (LocationPrecision, Option<f64>) {
    match cell(rec, col) {
        None | Some("1") => (LocationPrecision::Exact, None),
        Some("2") => (LocationPrecision::Near, Some(NEAR_RADIUS_M)),
        Some("3") => (LocationPrecision::Approximate, Some(APPROXIMATE_RADIUS_M)),
        Some(other) => {
            w.line(
                line,
                format!("geo_precision {other:?} is not 1, 2 or 3; the location is taken as exact (the text is kept)"),
            );
            put_extra(extra, "geo_precision", other);
            (LocationPrecision::Exact, None)
        }
    }
}

/// Writes the dataset as a current 31-column ACLED export (UTF-8, `\n` line ends, header
/// first).
///
/// - `event_date` is ISO `YYYY-MM-DD`; `year` is the date's year; `time_precision` is 1/2/3
///   for day/week/month, and 3 for year-precise dates (ACLED has nothing coarser).
/// - `geo_precision` is 1/2/3 for exact/near/approximate.
/// - `source` is the sources' distinct publishers joined with `"; "`, `notes` their quotes
///   joined with a blank line (so several sources come back as one); attributions, publication dates and
///   the analyst's notes are not written.
/// - What ACLED has no column for but [`read`] restores goes in `tags`, after any tags the
///   incident had: `sitview:date_end=2016-09-22` (the end of a date range),
///   `sitview:radius_m=500` (a radius other than the one `geo_precision` implies) and
///   `sitview:url=…` (each distinct link of the sources, in order), separated by `"; "`.
/// - `fatalities` is the number killed, left empty when not reported (not ACLED's `0`, which
///   would claim that nobody died).
/// - `sub_event_type` is the category when `extra` holds an `event_type`; otherwise the
///   category is written as `event_type`.
/// - Other columns come from `extra` fields of the same name; `extra` fields that are not
///   ACLED columns are not written. Values a reader could not interpret (kept as text in
///   `extra`) are written back as they were.
pub fn write(dataset: &Dataset) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(COLUMNS);
    let mut row: Vec<Cow<'_, str>> = Vec::with_capacity(COLUMNS.len());
    for inc in &dataset.incidents {
        row.clear();
        row.extend(COLUMNS.iter().map(|col| value(inc, col)));
        let _ = w.write_record(row.iter().map(|v| v.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}

/// The text of one ACLED column for an incident.
fn value<'a>(inc: &'a Incident, col: &str) -> Cow<'a, str> {
    let extra = || extra_text(inc, col).unwrap_or_default();
    let has_event_type = inc.extra.contains_key("event_type");
    match col {
        "event_id_cnty" => Cow::Borrowed(&inc.id),
        "event_date" => inc.date.map_or_else(extra, |d| d.to_string().into()),
        "year" => inc
            .date
            .map_or_else(extra, |d| d.ymd().0.to_string().into()),
        "time_precision" => {
            extra_text(inc, col).unwrap_or(Cow::Borrowed(match inc.date_precision {
                DatePrecision::Day => "1",
                DatePrecision::Week => "2",
                DatePrecision::Month | DatePrecision::Year => "3",
            }))
        }
        "event_type" if !has_event_type => Cow::Borrowed(&inc.category),
        "sub_event_type" if has_event_type => Cow::Borrowed(&inc.category),
        "sub_event_type" => Cow::Borrowed(""),
        "admin1" => inc.admin1.as_deref().map_or_else(extra, Cow::Borrowed),
        "location" => Cow::Borrowed(&inc.place),
        "latitude" => inc
            .location
            .map_or_else(extra, |p| p.lat.to_string().into()),
        "longitude" => inc
            .location
            .map_or_else(extra, |p| p.lon.to_string().into()),
        "geo_precision" => {
            extra_text(inc, col).unwrap_or(Cow::Borrowed(match inc.location_precision {
                LocationPrecision::Exact => "1",
                LocationPrecision::Near => "2",
                LocationPrecision::Approximate => "3",
            }))
        }
        "source" => join(
            distinct(inc.sources.iter().map(|s| s.publisher.as_str())),
            "; ",
        ),
        "notes" => join(inc.sources.iter().map(|s| s.quote.as_ref()), "\n\n"),
        "fatalities" => inc
            .casualties
            .killed
            .map_or_else(extra, |k| k.to_string().into()),
        "tags" => tags(inc),
        _ => extra(),
    }
}

/// The prefix of the `tags` entries this program writes and reads back.
const TAG: &str = "sitview:";

/// The `tags` cell: the incident's own tags, then `sitview:` entries for what ACLED has no
/// column for (see [`write`]).
fn tags(inc: &Incident) -> Cow<'_, str> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(own) = extra_text(inc, "tags") {
        parts.push(own.into_owned());
    }
    if let Some(end) = inc.date_end {
        parts.push(format!("{TAG}date_end={end}"));
    }
    let implied = match inc.location_precision {
        LocationPrecision::Exact => None,
        LocationPrecision::Near => Some(NEAR_RADIUS_M),
        LocationPrecision::Approximate => Some(APPROXIMATE_RADIUS_M),
    };
    if let Some(r) = inc.location_radius_m.filter(|&r| Some(r) != implied) {
        parts.push(format!("{TAG}radius_m={r}"));
    }
    for url in distinct(inc.sources.iter().filter_map(|s| s.url.as_deref())) {
        // `;` separates tags: a URL holding one is written percent-encoded.
        parts.push(format!("{TAG}url={}", url.trim().replace(';', "%3B")));
    }
    match parts.len() {
        0 => Cow::Borrowed(""),
        _ => Cow::Owned(parts.join("; ")),
    }
}

/// Reads the `sitview:` entries of a `tags` cell into the incident (see [`write`]); the other
/// tags are kept as text in `extra`.
fn read_tags(tags: &str, inc: &mut Incident, x: &mut ExtraBuilder, line: u64, w: &mut Warnings) {
    let mut own: Vec<&str> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    for part in tags.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.strip_prefix(TAG).and_then(|kv| kv.split_once('=')) else {
            own.push(part);
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "date_end" => match value.parse::<crate::model::Day>() {
                Ok(d) if inc.date.is_none_or(|start| d >= start) => inc.date_end = Some(d),
                _ => {
                    w.line(
                        line,
                        format!(
                            "tags: {part:?} is not an end date after event_date; kept as a tag"
                        ),
                    );
                    own.push(part);
                }
            },
            "radius_m" => match value.parse::<f64>() {
                Ok(r) if r.is_finite() && r >= 0.0 => inc.location_radius_m = Some(r),
                _ => {
                    w.line(
                        line,
                        format!("tags: {part:?} is not a radius in metres; kept as a tag"),
                    );
                    own.push(part);
                }
            },
            "url" if !value.is_empty() => urls.push(value.replace("%3B", ";")),
            _ => own.push(part),
        }
    }
    // The first link is the (one) source's; more links are more sources, named by their host.
    let mut urls = urls.into_iter();
    if let Some(s) = inc.sources.first_mut() {
        s.url = urls.next().map(Box::from);
    }
    for url in urls {
        inc.push_source(Source {
            publisher: super::csv_generic::url_host(&url)
                .unwrap_or_default()
                .into(),
            url: Some(url.into()),
            ..Default::default()
        });
    }
    if own.len() == tags.split(';').filter(|p| !p.trim().is_empty()).count() {
        // No `sitview:` entry: the file's own tags, exactly as written.
        put_extra(x, "tags", tags);
    } else if !own.is_empty() {
        put_extra(x, "tags", &own.join("; "));
    }
}

/// The parts without repeats (trimmed), in order of first appearance.
fn distinct<'a>(parts: impl Iterator<Item = &'a str>) -> std::vec::IntoIter<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for p in parts.map(str::trim) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.into_iter()
}

/// The non-empty parts joined with `sep`.
fn join<'a>(parts: impl Iterator<Item = &'a str>, sep: &str) -> Cow<'a, str> {
    let parts: Vec<&str> = parts.filter(|p| !p.trim().is_empty()).collect();
    match parts.as_slice() {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(sep)),
    }
}

/// An `extra` value as text (numbers and JSON values as JSON).
fn extra_text<'a>(inc: &'a Incident, key: &str) -> Option<Cow<'a, str>> {
    inc.extra.get(key)?.to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_files_read_in_pieces_as_read_whole_or_not_at_all() {
        // A valid export with bytes changed at random into what matters to a CSV reader
        // (quotes, separators, line breaks, a byte that is not UTF-8, a stray letter): the piece
        // route never panics, and a file it takes gives what reading it whole gives.
        let mut text = format!("{HEADER}\n");
        for i in 0..40 {
            text.push_str(&format!(
                "SYR{i},{d:02}/09/2016,2016,1,Political violence,Battles,Armed clash,A,,1,B,,7,17,,\
                 760,Middle East,Syria,Aleppo,Jebel Saman,Aleppo,Aleppo,36.2,37.1,1,SOHR,National,\
                 \"Clashes; \"\"heavy\"\"\nnear the citadel\",{i},,{t}\r\n",
                d = 1 + i % 28,
                t = 1_600_000_000 + i,
            ));
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.csv");
        let mut taken = 0;
        for round in 0..200 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..1 + next(4) {
                let at = HEADER.len() + 1 + next(bytes.len() - HEADER.len() - 1);
                bytes[at] = [b'"', b',', b'\n', b'\r', 0xff, b'x'][next(6)];
            }
            std::fs::write(&path, &bytes).unwrap();
            let piece = [7, 64, 500][round % 3];
            let batch = [1, 3, BATCH_RECORDS][round % 3];
            if let Some(pieces) = read_pieces(&path, piece, batch, &mut |_, _| true) {
                let whole = read(&bytes).expect("a file the piece route takes reads whole");
                assert_eq!(pieces.dataset, whole.dataset, "round {round}");
                assert_eq!(pieces.warnings, whole.warnings, "round {round}");
                taken += 1;
            }
        }
        assert!(
            taken > 50,
            "only {taken} of 200 damaged files taken by the piece route"
        );
    }

    #[test]
    fn read_in_pieces_as_read_whole() {
        // Quoted line breaks (LF and CRLF), multi-byte characters, a short row, a bad date,
        // repeated ids and a day-first column: wherever the pieces end, the result is the same.
        let mut text = format!("{HEADER}\r\n");
        for i in 0..60 {
            let notes = match i % 4 {
                0 => "\"Shelling of the \r\nold city; \"\"heavy\"\"\"".to_owned(),
                1 => "\"Ḥalab — al-Ḥamdāniyya\n\nsecond paragraph\"".to_owned(),
                2 => "Airstrike near Ar-Raqqa".to_owned(),
                _ => String::new(),
            };
            let date = match i % 7 {
                3 => "2016-09-31".to_owned(),
                _ => format!("{:02}/09/2016", 1 + i % 28),
            };
            let id = if i % 11 == 5 {
                "SYR5".to_owned()
            } else {
                format!("SYR{i}")
            };
            let row = format!(
                "{id},{date},2016,1,Political violence,Battles,Armed clash,Actor {a},,1,\
                 Civilians (Syria),,7,17,,760,Middle East,Syria,Aleppo,Jebel Saman,Aleppo,\
                 Aleppo - Bustan al-Qasr,36.{i:02},37.1,{g},SOHR,National,{notes},{f},,{t}",
                a = i % 3,
                g = 1 + i % 3,
                f = i % 5,
                t = 1_600_000_000 + i,
            );
            if i == 17 {
                text.push_str("SYR17,2016-09-02,2016\r\n");
            } else {
                text.push_str(&row);
                text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
            }
        }
        let whole = read(text.as_bytes()).unwrap();
        assert!(!whole.warnings.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acled.csv");
        std::fs::write(&path, &text).unwrap();
        // Batches of 1 and 2 records go round the builder threads, so that repeated ids,
        // warnings and day-first dates are joined across them.
        for piece in [1, 2, 3, 7, 64, 333, 1000, text.len()] {
            for batch in [1, 2, 7, BATCH_RECORDS] {
                let pieces =
                    read_pieces(&path, piece, batch, &mut |_, _| true).expect("read in pieces");
                let what = format!("pieces of {piece} bytes, batches of {batch} records");
                assert_eq!(pieces.dataset, whole.dataset, "{what}");
                assert_eq!(pieces.warnings, whole.warnings, "{what}");
                assert_eq!(pieces.records, whole.records);
            }
        }
        // Progress: bytes and records grow with each batch, up to the whole file.
        let mut seen: Vec<(u64, u64)> = Vec::new();
        read_pieces(&path, 333, 7, &mut |bytes, records| {
            seen.push((bytes, records));
            true
        })
        .expect("read in pieces");
        assert!(seen.len() > 3, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        assert_eq!(seen.last().map(|s| s.1), Some(whole.records as u64));
        // Not taken: smaller than a piece, not UTF-8, not ACLED.
        assert!(read_pieces(&path, text.len() + 1, BATCH_RECORDS, &mut |_, _| true).is_none());
        let mut calls = 0;
        let stop = read_pieces(&path, 1000, BATCH_RECORDS, &mut |_, _| {
            calls += 1;
            false
        });
        assert!(stop.is_none() && calls == 1, "{calls}");
        // Cancelled while the splitter still has batches to hand on and the queues are full:
        // the threads stop (a hang here would be a deadlock).
        let (done, finished) = std::sync::mpsc::channel();
        let cancelled = path.clone();
        std::thread::spawn(move || {
            let stop = read_pieces(&cancelled, 64, 1, &mut |_, _| false);
            let _ = done.send(stop.is_none());
        });
        let stopped = finished.recv_timeout(std::time::Duration::from_secs(30));
        assert_eq!(stopped, Ok(true), "a cancelled load must end");
        let mut latin1 = text.clone().into_bytes();
        let at = latin1.len() - 10;
        latin1[at] = 0xe9;
        std::fs::write(&path, &latin1).unwrap();
        assert!(read_pieces(&path, 64, BATCH_RECORDS, &mut |_, _| true).is_none());
        std::fs::write(&path, text.replace("event_id_cnty", "id")).unwrap();
        assert!(read_pieces(&path, 64, BATCH_RECORDS, &mut |_, _| true).is_none());
        let json = dir.path().join("acled.json");
        std::fs::write(&json, &text).unwrap();
        assert!(read_pieces(&json, 64, BATCH_RECORDS, &mut |_, _| true).is_none());
    }

    #[test]
    fn a_character_cut_by_the_end_of_a_piece_is_found() {
        let text = "a,é,—,😀";
        for end in 0..=text.len() {
            let cut = cut_character(&text.as_bytes()[..end]);
            let expected = (!text.is_char_boundary(end)).then(|| {
                (0..end)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0)
            });
            assert_eq!(cut, expected, "{end}");
        }
        // Not UTF-8 at all: left for the check of the text.
        assert_eq!(cut_character(b"ab\xff"), None);
        assert_eq!(cut_character(b""), None);
    }

    #[test]
    fn repeated_ids_are_renamed_in_order_with_their_warnings_in_place() {
        // Rows 3-7 (lines 4-8): a repeat, a literal `SYR1-2` that the repeat took, a short row
        // (its warning comes before the rename's, as a reading in one go gives them), a row
        // with no id, and a literal id equal to the one that row was given.
        let row = |id: &str, date: &str| {
            format!("{id},{date},2016,1,,,,,,,,,,,,,,,,,,Aleppo,36.2,37.1,1,SOHR,,note,0,,1")
        };
        let mut text = format!("{HEADER}\n");
        for line in [
            row("SYR1", "2016-09-19"),
            row("SYR2", "2016-09-19"),
            row("SYR1", "2016-09-20"),
            row("SYR1-2", "2016-09-21"),
            "SYR1,2016-09-22,2016".to_owned(),
            row("", "2016-09-23"),
            row("acled-line-7", "2016-09-24"),
        ] {
            text.push_str(&line);
            text.push('\n');
        }
        let l = read(text.as_bytes()).unwrap();
        let ids: Vec<&str> = l.dataset.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "SYR1",
                "SYR2",
                "SYR1-2",
                "SYR1-2-2",
                "SYR1-3",
                "acled-line-7",
                "acled-line-7-2"
            ]
        );
        let warnings: Vec<String> = (l.warnings.iter())
            .map(|w| format!("{}: {}", w.location, w.message))
            .collect();
        assert_eq!(
            warnings,
            [
                "line 4: duplicate event_id_cnty; renamed to \"SYR1-2\"",
                "line 5: duplicate event_id_cnty; renamed to \"SYR1-2-2\"",
                "line 6: 3 fields where the header has 31; read the fields that are there",
                "line 6: duplicate event_id_cnty; renamed to \"SYR1-3\"",
                "line 6: no coordinates; loaded without a location",
                "line 7: no event_id_cnty; given the id \"acled-line-7\"",
                "line 8: duplicate event_id_cnty; renamed to \"acled-line-7-2\"",
            ]
        );
    }

    #[test]
    fn renames_count_towards_the_cap_on_warnings() {
        // A bad date on every row, and one repeated id early on: its warning is listed in its
        // place, and the last warning of the rows no longer is.
        use super::super::csv_generic::MAX_WARNINGS;
        let mut text = format!("{HEADER}\n");
        let rows = MAX_WARNINGS + 5;
        for i in 0..rows {
            let id = if i == 2 {
                "SYR0".to_owned()
            } else {
                format!("SYR{i}")
            };
            text.push_str(&format!(
                "{id},2016-09-31,2016,1,,,,,,,,,,,,,,,,,,Aleppo,36.2,37.1,1,,,,,,\n"
            ));
        }
        let l = read(text.as_bytes()).unwrap();
        assert_eq!(l.dataset.incidents[2].id, "SYR0-2");
        assert_eq!(l.warnings.len(), MAX_WARNINGS + 1);
        let text_of = |i: usize| format!("{}: {}", l.warnings[i].location, l.warnings[i].message);
        assert_eq!(
            text_of(2),
            "line 4: duplicate event_id_cnty; renamed to \"SYR0-2\""
        );
        assert!(text_of(3).starts_with("line 4: event_date \"2016-09-31\" is not a date"));
        assert!(
            text_of(MAX_WARNINGS - 1).starts_with(&format!("line {}: event_date", MAX_WARNINGS))
        );
        assert_eq!(
            l.warnings[MAX_WARNINGS].message,
            format!(
                "{} more problems not listed (only the first {MAX_WARNINGS} are)",
                rows + 1 - MAX_WARNINGS
            )
        );
    }

    const HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

    #[test]
    fn reads_one_current_row() {
        let text = format!(
            "{HEADER}\nSYR1,2016-09-19,2016,2,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,8,Civilians (Syria),,7,78,Civilian targeting,760,Middle East,Syria,Aleppo,Jebel Saman,Urm al-Kubra,Urm al-Kubra,36.1447,36.9431,2,SARC; Reuters,Other-National,\"Airstrike hit a convoy, 20 killed.\",20,,1618581234\n"
        );
        let l = read(text.as_bytes()).unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let inc = &l.dataset.incidents[0];
        assert_eq!(inc.id, "SYR1");
        assert_eq!(inc.title, "Air/drone strike in Urm al-Kubra");
        assert_eq!(inc.date_precision, DatePrecision::Week);
        assert_eq!(inc.location_precision, LocationPrecision::Near);
        assert_eq!(inc.sources[0].publisher, "SARC; Reuters");
        assert_eq!(inc.extra["event_type"], "Explosions/Remote violence");
        assert_eq!(inc.extra["actor1"], "Military Forces of Russia (2000-)");
        assert!(
            !inc.extra.contains_key("assoc_actor_1"),
            "empty cells are not kept"
        );
        let again = read(&write(&l.dataset)).unwrap();
        assert_eq!(again.dataset, l.dataset);
    }

    #[test]
    fn sniffs_current_and_legacy_headers() {
        assert!(sniff(format!("\u{feff}{HEADER}\n").as_bytes()));
        assert!(sniff(
            b"GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR\r\n"
        ));
        assert!(!sniff(b"date,latitude,longitude\n"));
        assert!(!sniff(b""));
    }

    #[test]
    fn missing_columns_are_named() {
        let e = read(b"event_id_cnty,event_date,lat\nX,2016-01-01,3\n").unwrap_err();
        assert!(
            e.message.contains("no latitude, no longitude column"),
            "{e}"
        );
    }
}
