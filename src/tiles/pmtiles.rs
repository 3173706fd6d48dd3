//! PMTiles v3 (<https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md>): a reader for
//! raster packages and a writer for the ones `sitview tiles` makes.
//!
//! A package is a 127-byte header, a root directory, JSON metadata, optional leaf directories
//! and the tile data. Directories are varint-encoded runs of Hilbert-curve tile ids, gzip
//! compressed. The reader keeps the root directory in memory and reads leaves and tiles from
//! the file on demand, so a package of any size opens at once. Every malformed length, offset or
//! varint is an error naming the file, never a panic.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use super::{PackageInfo, TileError, TileFormat, TileSource};

const MAGIC: &[u8; 7] = b"PMTiles";
const HEADER_LEN: usize = 127;
/// The spec asks for header + root directory within the first 16 KiB.
const ROOT_MAX: usize = 16_384 - HEADER_LEN;
/// Directories larger than this (decompressed) are refused: no real package comes near it.
const DIRECTORY_LIMIT: u64 = 64 << 20;
/// Leaf directories are nested at most this deep (the spec's writers use one level).
const MAX_DEPTH: usize = 4;

/// Compression of directories or tiles, as the header codes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codec {
    Unknown,
    None,
    Gzip,
    Other(u8),
}

impl Codec {
    fn from_byte(b: u8) -> Codec {
        match b {
            0 => Codec::Unknown,
            1 => Codec::None,
            2 => Codec::Gzip,
            n => Codec::Other(n),
        }
    }
}

/// The fixed-size header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub root_offset: u64,
    pub root_length: u64,
    pub metadata_offset: u64,
    pub metadata_length: u64,
    pub leaf_offset: u64,
    pub leaf_length: u64,
    pub data_offset: u64,
    pub data_length: u64,
    pub addressed_tiles: u64,
    pub tile_entries: u64,
    pub tile_contents: u64,
    internal_compression: Codec,
    tile_compression: Codec,
    /// 0 unknown, 1 MVT, 2 PNG, 3 JPEG, 4 WebP, 5 AVIF.
    pub tile_type: u8,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
}

impl Header {
    fn parse(b: &[u8], path: &Path) -> Result<Header, TileError> {
        if b.len() < HEADER_LEN {
            return Err(TileError::new(
                path,
                format!(
                    "too short for a PMTiles header ({} bytes, expected at least {HEADER_LEN})",
                    b.len()
                ),
            ));
        }
        if &b[..7] != MAGIC {
            return Err(TileError::new(
                path,
                "not a PMTiles file (no \"PMTiles\" magic at the start)",
            ));
        }
        if b[7] != 3 {
            return Err(TileError::new(
                path,
                format!("PMTiles version {} is not supported (only version 3)", b[7]),
            ));
        }
        let u = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
        let deg = |at: usize| {
            f64::from(i32::from_le_bytes(
                b[at..at + 4].try_into().unwrap_or([0; 4]),
            )) / 1e7
        };
        Ok(Header {
            root_offset: u(8),
            root_length: u(16),
            metadata_offset: u(24),
            metadata_length: u(32),
            leaf_offset: u(40),
            leaf_length: u(48),
            data_offset: u(56),
            data_length: u(64),
            addressed_tiles: u(72),
            tile_entries: u(80),
            tile_contents: u(88),
            internal_compression: Codec::from_byte(b[97]),
            tile_compression: Codec::from_byte(b[98]),
            tile_type: b[99],
            min_zoom: b[100],
            max_zoom: b[101],
            bounds: [deg(102), deg(106), deg(110), deg(114)],
        })
    }

    fn write(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[..7].copy_from_slice(MAGIC);
        b[7] = 3;
        for (i, v) in [
            self.root_offset,
            self.root_length,
            self.metadata_offset,
            self.metadata_length,
            self.leaf_offset,
            self.leaf_length,
            self.data_offset,
            self.data_length,
            self.addressed_tiles,
            self.tile_entries,
            self.tile_contents,
        ]
        .into_iter()
        .enumerate()
        {
            b[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        b[96] = 1; // clustered: tiles are written in tile-id order
        b[97] = 2; // internal compression: gzip
        b[98] = 1; // tile compression: none (PNG is compressed already)
        b[99] = self.tile_type;
        b[100] = self.min_zoom;
        b[101] = self.max_zoom;
        let e7 = |d: f64| ((d * 1e7).round() as i32).to_le_bytes();
        for (i, d) in self.bounds.into_iter().enumerate() {
            b[102 + 4 * i..106 + 4 * i].copy_from_slice(&e7(d));
        }
        b[118] = self.min_zoom;
        let [w, s, e, n] = self.bounds;
        b[119..123].copy_from_slice(&e7((w + e) / 2.0));
        b[123..127].copy_from_slice(&e7((s + n) / 2.0));
        b
    }
}

/// One directory entry: `run_length` consecutive tile ids starting at `tile_id` share the
/// bytes at `offset..offset + length`; a run length of 0 points to a leaf directory instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub tile_id: u64,
    pub offset: u64,
    pub length: u32,
    pub run_length: u32,
}

/// The Hilbert-curve tile id of `z/x/y` (XYZ, y down), as PMTiles numbers tiles.
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    if z == 0 {
        return 0;
    }
    let z = u32::from(z.min(31));
    let acc: u64 = ((1u64 << (2 * z)) - 1) / 3;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    let mut d = 0u64;
    let n = 1u64 << z;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant (over the whole grid, as the reference implementation does).
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    acc + d
}

/// The `(z, x, y)` of a Hilbert tile id (the inverse of [`tile_id`]).
pub fn tile_zxy(id: u64) -> (u8, u32, u32) {
    let mut acc = 0u64;
    for z in 0..32u8 {
        let count = 1u64 << (2 * u32::from(z));
        if id < acc + count {
            let n = 1u64 << z;
            let mut t = id - acc;
            let (mut x, mut y) = (0u64, 0u64);
            let mut s = 1u64;
            while s < n {
                let rx = 1 & (t / 2);
                let ry = 1 & (t ^ rx);
                if ry == 0 {
                    if rx == 1 {
                        x = s - 1 - x;
                        y = s - 1 - y;
                    }
                    std::mem::swap(&mut x, &mut y);
                }
                x += s * rx;
                y += s * ry;
                t /= 4;
                s *= 2;
            }
            return (z, x as u32, y as u32);
        }
        acc += count;
    }
    (31, 0, 0)
}

fn read_varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decodes a (decompressed) directory.
fn parse_directory(b: &[u8]) -> Result<Vec<Entry>, String> {
    let mut pos = 0;
    let bad = |what: &str| format!("damaged directory: {what}");
    let n = read_varint(b, &mut pos).ok_or_else(|| bad("no entry count"))?;
    // Every entry takes at least 4 bytes, which bounds a lying count.
    if n > b.len() as u64 {
        return Err(bad(&format!("{n} entries in {} bytes", b.len())));
    }
    let n = n as usize;
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0
        };
        n
    ];
    let mut last = 0u64;
    for e in &mut entries {
        let delta = read_varint(b, &mut pos).ok_or_else(|| bad("tile ids cut short"))?;
        last = last
            .checked_add(delta)
            .ok_or_else(|| bad("tile id overflows"))?;
        e.tile_id = last;
    }
    for e in &mut entries {
        let v = read_varint(b, &mut pos).ok_or_else(|| bad("run lengths cut short"))?;
        e.run_length = u32::try_from(v).map_err(|_| bad("run length too large"))?;
    }
    for e in &mut entries {
        let v = read_varint(b, &mut pos).ok_or_else(|| bad("lengths cut short"))?;
        e.length = u32::try_from(v).map_err(|_| bad("length too large"))?;
    }
    for i in 0..n {
        let v = read_varint(b, &mut pos).ok_or_else(|| bad("offsets cut short"))?;
        entries[i].offset = if v == 0 && i > 0 {
            entries[i - 1].offset + u64::from(entries[i - 1].length)
        } else {
            v.checked_sub(1).ok_or_else(|| bad("first offset is 0"))?
        };
    }
    Ok(entries)
}

fn serialize_directory(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    write_varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        write_varint(&mut out, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.run_length));
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.length));
    }
    for (i, e) in entries.iter().enumerate() {
        let follows = i > 0 && e.offset == entries[i - 1].offset + u64::from(entries[i - 1].length);
        write_varint(&mut out, if follows { 0 } else { e.offset + 1 });
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn decompress(bytes: &[u8], c: Codec, limit: u64) -> Result<Vec<u8>, String> {
    match c {
        Codec::None => Ok(bytes.to_vec()),
        // Unknown: gzip if the bytes say so.
        Codec::Unknown if !bytes.starts_with(&[0x1f, 0x8b]) => Ok(bytes.to_vec()),
        Codec::Gzip | Codec::Unknown => {
            let mut out = Vec::new();
            GzDecoder::new(bytes)
                .take(limit)
                .read_to_end(&mut out)
                .map_err(|e| format!("gzip data damaged: {e}"))?;
            Ok(out)
        }
        Codec::Other(n) => Err(format!(
            "compression {} is not supported (only none and gzip)",
            match n {
                3 => "brotli".to_owned(),
                4 => "zstd".to_owned(),
                n => format!("code {n}"),
            }
        )),
    }
}

/// The entry that holds tile `id`, if any: the last entry at or before `id`.
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries.partition_point(|e| e.tile_id <= id);
    let e = *entries.get(i.checked_sub(1)?)?;
    if e.run_length == 0 || id < e.tile_id + u64::from(e.run_length) {
        Some(e)
    } else {
        None
    }
}

/// An open PMTiles package.
pub struct PmTiles {
    path: PathBuf,
    file: Mutex<File>,
    file_len: u64,
    header: Header,
    root: Vec<Entry>,
    leaves: Mutex<HashMap<u64, Arc<Vec<Entry>>>>,
    info: PackageInfo,
}

impl PmTiles {
    /// Opens a package: reads and checks the header, the root directory and the metadata.
    ///
    /// # Errors
    /// When the file cannot be read, is not PMTiles v3, is damaged, or holds vector tiles.
    pub fn open(path: &Path) -> Result<PmTiles, TileError> {
        let err = |what: String| TileError::new(path, what);
        let mut file = File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
        let file_len = file
            .metadata()
            .map_err(|e| err(format!("cannot read: {e}")))?
            .len();
        let mut head = vec![0u8; HEADER_LEN.min(file_len as usize)];
        file.read_exact(&mut head)
            .map_err(|e| err(format!("cannot read the header: {e}")))?;
        let header = Header::parse(&head, path)?;
        let tile_type = match header.tile_type {
            2 => TileFormat::Png,
            3 => TileFormat::Jpeg,
            4 => TileFormat::Webp,
            0 => TileFormat::Unknown,
            1 => {
                return Err(err(
                    "holds vector tiles (MVT): only raster packages (PNG, JPEG, WebP) can be shown"
                        .into(),
                ));
            }
            n => {
                return Err(err(format!(
                    "tile type {} is not supported (PNG, JPEG, WebP)",
                    if n == 5 { "AVIF".into() } else { n.to_string() }
                )));
            }
        };
        if header.min_zoom > header.max_zoom || header.max_zoom > 30 {
            return Err(err(format!(
                "zoom range {}–{} in the header is not valid",
                header.min_zoom, header.max_zoom
            )));
        }
        let mut pm = PmTiles {
            path: path.to_owned(),
            file: Mutex::new(file),
            file_len,
            root: Vec::new(),
            leaves: Mutex::new(HashMap::new()),
            info: PackageInfo {
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                attribution: String::new(),
                format: tile_type,
                min_zoom: header.min_zoom,
                max_zoom: header.max_zoom,
                bounds: super::valid_bounds(header.bounds),
            },
            header,
        };
        pm.root = pm.directory(pm.header.root_offset, pm.header.root_length, "root")?;
        if pm.header.metadata_length > 0 {
            let raw = pm.read_at(
                pm.header.metadata_offset,
                pm.header.metadata_length,
                "metadata",
            )?;
            let json = decompress(&raw, pm.header.internal_compression, DIRECTORY_LIMIT)
                .map_err(|e| err(format!("metadata: {e}")))?;
            // Metadata is informative: a package with unreadable metadata still shows.
            if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&json) {
                let text = |k: &str| m.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                if let Some(name) = text("name") {
                    pm.info.name = name;
                }
                pm.info.attribution = text("attribution").unwrap_or_default();
            }
        }
        Ok(pm)
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    fn read_at(&self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, TileError> {
        let end = offset.checked_add(len);
        if end.is_none_or(|end| end > self.file_len) || len > DIRECTORY_LIMIT {
            return Err(TileError::new(
                &self.path,
                format!(
                    "{what} at bytes {offset}+{len} lies beyond the end of the file ({} bytes): \
                     the file is truncated or damaged",
                    self.file_len
                ),
            ));
        }
        let mut buf = vec![0u8; len as usize];
        let mut file = self
            .file
            .lock()
            .map_err(|_| TileError::new(&self.path, "file lock poisoned"))?;
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| TileError::new(&self.path, format!("cannot read {what}: {e}")))?;
        Ok(buf)
    }

    fn directory(&self, offset: u64, len: u64, what: &str) -> Result<Vec<Entry>, TileError> {
        let raw = self.read_at(offset, len, &format!("the {what} directory"))?;
        let bytes = decompress(&raw, self.header.internal_compression, DIRECTORY_LIMIT)
            .and_then(|b| parse_directory(&b))
            .map_err(|e| TileError::new(&self.path, format!("{what} directory: {e}")))?;
        Ok(bytes)
    }

    fn leaf(&self, offset: u64, len: u64) -> Result<Arc<Vec<Entry>>, TileError> {
        let key = offset;
        if let Some(l) = self.leaves.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(l);
        }
        let start = self
            .header
            .leaf_offset
            .checked_add(offset)
            .ok_or_else(|| TileError::new(&self.path, "leaf offset overflows"))?;
        let leaf = Arc::new(self.directory(start, len, "leaf")?);
        if let Ok(mut m) = self.leaves.lock() {
            if m.len() > 256 {
                m.clear();
            }
            m.insert(key, leaf.clone());
        }
        Ok(leaf)
    }
}

impl TileSource for PmTiles {
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        if z > 30 || x >= super::tiles_across(z) || y >= super::tiles_across(z) {
            return Ok(None);
        }
        let id = tile_id(z, x, y);
        let mut entries: Arc<Vec<Entry>> = Arc::new(Vec::new());
        let mut dir: &[Entry] = &self.root;
        for _ in 0..MAX_DEPTH {
            let Some(e) = find(dir, id) else {
                return Ok(None);
            };
            if e.run_length > 0 {
                let start = self
                    .header
                    .data_offset
                    .checked_add(e.offset)
                    .ok_or_else(|| TileError::new(&self.path, "tile offset overflows"))?;
                let raw = self.read_at(start, u64::from(e.length), &format!("tile {z}/{x}/{y}"))?;
                let bytes = decompress(&raw, self.header.tile_compression, DIRECTORY_LIMIT)
                    .map_err(|e| TileError::new(&self.path, format!("tile {z}/{x}/{y}: {e}")))?;
                return Ok(Some(bytes));
            }
            entries = self.leaf(e.offset, u64::from(e.length))?;
            dir = &entries;
        }
        drop(entries);
        Err(TileError::new(
            &self.path,
            format!("leaf directories nested deeper than {MAX_DEPTH} levels"),
        ))
    }

    fn info(&self) -> &PackageInfo {
        &self.info
    }
}

/// What [`write`] records about a package besides its tiles.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    pub name: String,
    pub attribution: String,
    pub description: String,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
}

/// Writes PNG tiles (`((z, x, y), bytes)`, XYZ) as a PMTiles v3 package. Identical tiles
/// (open sea, empty desert) are stored once, and runs of them take one directory entry.
///
/// # Errors
/// When there are no tiles or the file cannot be written.
pub fn write(
    path: &Path,
    tiles: &[super::EncodedTile],
    options: &WriteOptions,
) -> Result<u64, TileError> {
    if tiles.is_empty() {
        return Err(TileError::new(path, "no tiles to write"));
    }
    let mut sorted: Vec<(u64, &[u8])> = tiles
        .iter()
        .map(|((z, x, y), b)| (tile_id(*z, *x, *y), b.as_slice()))
        .collect();
    sorted.sort_by_key(|(id, _)| *id);
    sorted.dedup_by_key(|(id, _)| *id);
    let mut data = Vec::new();
    let mut stored: HashMap<&[u8], (u64, u32)> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    for (id, bytes) in &sorted {
        let (offset, length) = *stored.entry(bytes).or_insert_with(|| {
            let at = data.len() as u64;
            data.extend_from_slice(bytes);
            (at, bytes.len() as u32)
        });
        match entries.last_mut() {
            Some(last)
                if last.offset == offset && last.tile_id + u64::from(last.run_length) == *id =>
            {
                last.run_length += 1;
            }
            _ => entries.push(Entry {
                tile_id: *id,
                offset,
                length,
                run_length: 1,
            }),
        }
    }
    // Root directory, with leaves when it would not fit in the first 16 KiB.
    let mut leaves = Vec::new();
    let mut root = gzip(&serialize_directory(&entries));
    let mut chunk = 4096;
    while root.len() > ROOT_MAX && chunk >= 64 {
        leaves.clear();
        let mut pointers = Vec::new();
        for part in entries.chunks(chunk) {
            let leaf = gzip(&serialize_directory(part));
            pointers.push(Entry {
                tile_id: part[0].tile_id,
                offset: leaves.len() as u64,
                length: leaf.len() as u32,
                run_length: 0,
            });
            leaves.extend_from_slice(&leaf);
        }
        root = gzip(&serialize_directory(&pointers));
        chunk /= 2;
    }
    if root.len() > ROOT_MAX {
        return Err(TileError::new(
            path,
            "too many tiles for one level of leaves",
        ));
    }
    let metadata = gzip(
        serde_json::json!({
            "name": options.name,
            "description": options.description,
            "attribution": options.attribution,
            "format": "png",
            "type": "baselayer",
        })
        .to_string()
        .as_bytes(),
    );
    let (min_zoom, max_zoom) = sorted.iter().fold((u8::MAX, 0), |(lo, hi), (id, _)| {
        let z = tile_zxy(*id).0;
        (lo.min(z), hi.max(z))
    });
    let root_offset = HEADER_LEN as u64;
    let metadata_offset = root_offset + root.len() as u64;
    let leaf_offset = metadata_offset + metadata.len() as u64;
    let data_offset = leaf_offset + leaves.len() as u64;
    let header = Header {
        root_offset,
        root_length: root.len() as u64,
        metadata_offset,
        metadata_length: metadata.len() as u64,
        leaf_offset,
        leaf_length: leaves.len() as u64,
        data_offset,
        data_length: data.len() as u64,
        addressed_tiles: sorted.len() as u64,
        tile_entries: entries.len() as u64,
        tile_contents: stored.len() as u64,
        internal_compression: Codec::Gzip,
        tile_compression: Codec::None,
        tile_type: 2,
        min_zoom,
        max_zoom,
        bounds: options.bounds,
    };
    let mut out = Vec::with_capacity(data_offset as usize + data.len());
    out.extend_from_slice(&header.write());
    out.extend_from_slice(&root);
    out.extend_from_slice(&metadata);
    out.extend_from_slice(&leaves);
    out.extend_from_slice(&data);
    std::fs::write(path, &out).map_err(|e| TileError::new(path, format!("cannot write: {e}")))?;
    Ok(out.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_follow_the_spec() {
        // Values from the PMTiles reference implementations' tests.
        assert_eq!(tile_id(0, 0, 0), 0);
        assert_eq!(tile_id(1, 0, 0), 1);
        assert_eq!(tile_id(1, 0, 1), 2);
        assert_eq!(tile_id(1, 1, 1), 3);
        assert_eq!(tile_id(1, 1, 0), 4);
        assert_eq!(tile_id(2, 0, 0), 5);
        assert_eq!(tile_id(12, 3423, 1763), 19_078_479);
        assert_eq!(tile_zxy(19_078_479), (12, 3423, 1763));
        for z in 0..8u8 {
            for x in 0..(1u32 << z) {
                for y in (0..(1u32 << z)).step_by(3) {
                    assert_eq!(tile_zxy(tile_id(z, x, y)), (z, x, y));
                }
            }
        }
    }

    #[test]
    fn directories_round_trip_and_damage_is_an_error() {
        let entries = vec![
            Entry {
                tile_id: 5,
                offset: 0,
                length: 10,
                run_length: 1,
            },
            Entry {
                tile_id: 6,
                offset: 10,
                length: 7,
                run_length: 3,
            },
            Entry {
                tile_id: 40,
                offset: 0,
                length: 10,
                run_length: 1,
            },
        ];
        let bytes = serialize_directory(&entries);
        assert_eq!(parse_directory(&bytes).unwrap(), entries);
        for cut in 0..bytes.len() {
            assert!(parse_directory(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(find(&entries, 8).map(|e| e.offset), Some(10));
        assert_eq!(find(&entries, 9), None);
        assert_eq!(find(&entries, 4), None);
    }

    #[test]
    fn large_packages_get_leaf_directories_and_read_back() {
        // 30 000 distinct tiles scattered over zoom 12 do not fit a 16 KiB root: leaves.
        let mut seed = 12_345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as u32
        };
        let tiles: Vec<super::super::EncodedTile> = (0..30_000u32)
            .map(|i| {
                let len = 4 + (next() % 40) as usize;
                let bytes = i.to_le_bytes().iter().copied().cycle().take(len).collect();
                ((12, next() % 4096, next() % 4096), bytes)
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let tiles: Vec<_> = tiles.into_iter().filter(|(k, _)| seen.insert(*k)).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pmtiles");
        let options = WriteOptions {
            name: "big".into(),
            attribution: "test".into(),
            description: String::new(),
            bounds: [-180.0, -85.0, 180.0, 85.0],
        };
        write(&path, &tiles, &options).unwrap();
        let p = PmTiles::open(&path).unwrap();
        assert!(p.header().leaf_length > 0, "no leaf directories");
        assert!(p.header().root_length as usize <= ROOT_MAX);
        for ((z, x, y), bytes) in tiles.iter().step_by(97) {
            assert_eq!(p.tile(*z, *x, *y).unwrap().as_ref(), Some(bytes));
        }
        assert_eq!(p.tile(8, 255, 255).unwrap(), None);
    }
}
