//! A small coverage-less mutation fuzzer for the readers, on stable Rust (cargo-fuzz needs
//! nightly). Used by `examples/fuzz.rs` (minutes per reader, release build) and
//! `tests/fuzz_smoke.rs` (a few hundred inputs per reader, every `cargo test`).
//!
//! Each [`Target`] is one entry point that takes untrusted bytes. [`run`] starts from a corpus
//! (the test fixtures), mutates inputs with a deterministic xorshift generator (bit flips, byte
//! insertion and deletion, chunk duplication, splicing two inputs, truncation, interesting
//! tokens: quotes, separators, `<`, `&`, brackets, huge numbers, `NaN`, a BOM, invalid UTF-8,
//! NUL), runs the target under [`std::panic::catch_unwind`], and reports panics and the
//! slowest inputs. Nothing here is used by the program itself.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{acled, csv_generic, gdelt, geojson, kml, read_bytes, timemap};

/// One reader entry point.
#[derive(Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    /// Runs the reader on the input; the result is dropped (only panics and time matter).
    pub run: fn(&[u8]),
    /// Fixture folders (under `tests/fixtures`) whose files are preferred as seeds.
    pub seeds: &'static [&'static str],
}

macro_rules! target {
    ($name:expr, $f:expr, $seeds:expr) => {
        Target {
            name: $name,
            run: |b| {
                let _ = $f(b);
            },
            seeds: $seeds,
        }
    };
}

/// Every reader, and [`read_bytes`] once per file extension it routes on.
pub fn targets() -> Vec<Target> {
    vec![
        target!("acled", acled::read, &["acled"]),
        target!("gdelt", gdelt::read, &["gdelt"]),
        target!("csv_generic", csv_generic::read, &["csv", "acled"]),
        target!("kml", kml::read, &["kml"]),
        target!("kmz", kml::read_kmz, &["kml"]),
        target!("geojson", geojson::read, &["geojson"]),
        target!("timemap", timemap::read, &["timemap"]),
        target!(
            "read_bytes.geojson",
            |b| read_bytes(b, Some("x.geojson")),
            &["geojson", "timemap"]
        ),
        target!(
            "read_bytes.json",
            |b| read_bytes(b, Some("x.json")),
            &["timemap", "geojson"]
        ),
        target!(
            "read_bytes.csv",
            |b| read_bytes(b, Some("x.csv")),
            &["csv", "acled", "gdelt"]
        ),
        target!(
            "read_bytes.tsv",
            |b| read_bytes(b, Some("x.tsv")),
            &["csv", "gdelt"]
        ),
        target!("read_bytes.kml", |b| read_bytes(b, Some("x.kml")), &["kml"]),
        target!("read_bytes.kmz", |b| read_bytes(b, Some("x.kmz")), &["kml"]),
        target!(
            "read_bytes.none",
            |b| read_bytes(b, None),
            &["acled", "csv", "gdelt", "geojson", "kml", "timemap"]
        ),
    ]
}

/// A deterministic xorshift64* generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Tokens that tend to reach the corners of text parsers.
pub const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x10FFFF;",
    b"&#99999999999;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"<?xml",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"true",
    b"\\u0000",
    b"\\ud800",
    b"1e999",
    b"-1e309",
    b"99999999999999999999999999",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"4294967296",
    b"NaN",
    b"inf",
    b"-0",
    b"0.000000000000000000001",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xC3",
    b"\xED\xA0\x80",
    b"\xF4\x90\x80\x80",
    b"\x00",
    b"\x1E",
    b"\xE2\x80\x8F",
    b"PK\x03\x04",
    b"<kml>",
    b"<Placemark>",
    b"<coordinates>",
    b"{\"type\":\"FeatureCollection\",\"features\":[",
    b"\"coordinates\":[",
    b"\"geometry\":",
    b"\"date\":",
    b"9999-12-31",
    b"0000-00-00",
    b"2016-02-30",
    b"31/12/2016",
    b"12/31/2016",
    b"-2147483648",
    b"29 February 2017",
    b"99999999999",
    b"POINT (",
    b"-180.0000001",
    b"90.0000001",
];

/// Inputs grow no larger than this (keeps each run fast).
pub const MAX_INPUT: usize = 256 * 1024;

/// Applies 1 to 8 random mutations to `input`, sometimes splicing from `corpus`.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(11) {
            // Bit flip.
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            // Random byte replaced.
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next_u64() as u8;
            }
            // Random byte inserted.
            2 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next_u64() as u8);
            }
            // Range deleted.
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                input.drain(i..i + n);
            }
            // Chunk duplicated (sometimes many times).
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                let chunk = input[i..i + n].to_vec();
                let times = if rng.chance(8) { 1 + rng.below(64) } else { 1 };
                let at = rng.below(input.len() + 1);
                let mut ins = Vec::with_capacity(chunk.len() * times);
                for _ in 0..times {
                    ins.extend_from_slice(&chunk);
                }
                input.splice(at..at, ins);
            }
            // Splice: the head of this input, the tail of another.
            5 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(input.len() + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            // Truncation.
            6 if len > 0 => input.truncate(rng.below(len)),
            // Interesting token inserted or written over.
            7 | 8 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                if rng.chance(2) || i + t.len() > len {
                    input.splice(i..i, t.iter().copied());
                } else {
                    input[i..i + t.len()].copy_from_slice(t);
                }
            }
            // A run of one byte (long lines, deep nesting).
            9 => {
                let b = [b'[', b'{', b'<', b'a', b'"', b',', b'\n', b'9'][rng.below(8)];
                let max = if rng.chance(4) { 4096 } else { 64 };
                let n = 1 + rng.below(max);
                let i = rng.below(len + 1);
                input.splice(i..i, std::iter::repeat_n(b, n));
            }
            // ASCII digit or sign swapped in place (numbers, dates).
            _ if len > 0 => {
                let i = rng.below(len);
                input[i] = b"0123456789-+.eE"[rng.below(15)];
            }
            _ => {}
        }
    }
    input.truncate(MAX_INPUT);
}

/// How long to fuzz one target.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    Iterations(u64),
    Time(Duration),
}

/// One panicking input.
#[derive(Clone, Debug)]
pub struct Crash {
    pub input: Vec<u8>,
    /// The panic message with its source location.
    pub message: String,
}

/// What fuzzing one target found.
#[derive(Clone, Debug)]
pub struct Report {
    pub target: &'static str,
    pub iterations: u64,
    pub elapsed: Duration,
    pub crashes: Vec<Crash>,
    /// The slowest input and how long it took.
    pub slowest: (Duration, Vec<u8>),
    /// Inputs that took longer than [`run`]'s `slow` threshold (at most 16 kept).
    pub slow: Vec<(Duration, Vec<u8>)>,
}

std::thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Replaces the panic hook with one that records the message and location for this thread
/// instead of printing it.
fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let msg = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_owned(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "(non-text panic)".to_owned()),
        };
        let at = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg} at {at}")));
    }));
}

/// Runs `target` once on `input`: `Err(message)` if it panicked.
pub fn run_one(target: &Target, input: &[u8]) -> Result<(), String> {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))).map_err(|payload| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(panic)".to_owned())
    })
}

/// Fuzzes `target` from `corpus` (its preferred seeds first) for `budget`, with a
/// deterministic `seed`. Inputs slower than `slow` are listed. Panics are caught and
/// recorded, not printed (the panic hook is replaced while this runs and restored after).
pub fn run(
    target: &Target,
    seeds: &[Vec<u8>],
    corpus: &[Vec<u8>],
    budget: Budget,
    seed: u64,
    slow: Duration,
) -> Report {
    run_watched(target, seeds, corpus, budget, seed, slow, None)
}

/// The input being run and when it started, for a watchdog thread that saves an input the
/// reader hangs on.
pub type InFlight = std::sync::Mutex<(Instant, Vec<u8>)>;

/// [`run`], publishing each input in `in_flight` before running it.
pub fn run_watched(
    target: &Target,
    seeds: &[Vec<u8>],
    corpus: &[Vec<u8>],
    budget: Budget,
    seed: u64,
    slow: Duration,
    in_flight: Option<&InFlight>,
) -> Report {
    let previous = panic::take_hook();
    quiet_panics();
    let mut rng = Rng::new(seed);
    let start = Instant::now();
    let mut report = Report {
        target: target.name,
        iterations: 0,
        elapsed: Duration::ZERO,
        crashes: Vec::new(),
        slowest: (Duration::ZERO, Vec::new()),
        slow: Vec::new(),
    };
    let pool: &[Vec<u8>] = if seeds.is_empty() { corpus } else { seeds };
    let mut input = Vec::new();
    loop {
        match budget {
            Budget::Iterations(n) if report.iterations >= n => break,
            Budget::Time(d) if start.elapsed() >= d => break,
            _ => {}
        }
        // The unmutated seeds first, then mutants of a random seed (now and then of any file).
        let i = report.iterations as usize;
        input.clear();
        if i < pool.len() {
            input.extend_from_slice(&pool[i]);
        } else {
            let from = if pool.is_empty() || rng.chance(8) {
                corpus
            } else {
                pool
            };
            if !from.is_empty() {
                input.extend_from_slice(&from[rng.below(from.len())]);
            }
            mutate(&mut rng, &mut input, corpus);
        }
        if let Some(f) = in_flight {
            let mut f = f.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f.0 = Instant::now();
            f.1.clone_from(&input);
        }
        let t = Instant::now();
        let result = run_one(target, &input);
        let took = t.elapsed();
        report.iterations += 1;
        if let Err(message) = result {
            report.crashes.push(Crash {
                input: input.clone(),
                message,
            });
        }
        if took > report.slowest.0 {
            report.slowest = (took, input.clone());
        }
        if took > slow && report.slow.len() < 16 {
            report.slow.push((took, input.clone()));
        }
    }
    report.elapsed = start.elapsed();
    panic::set_hook(previous);
    report
}

/// The files under `dir` (recursively), sorted by path, with the name of the folder directly
/// below `dir` each is in.
pub fn load_corpus(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let folder = p
                .strip_prefix(dir)
                .ok()?
                .components()
                .next()?
                .as_os_str()
                .to_string_lossy()
                .into_owned();
            Some((folder, std::fs::read(&p).ok()?))
        })
        .collect()
}

/// The seeds for `target` from a corpus loaded with [`load_corpus`].
pub fn seeds_for(target: &Target, corpus: &[(String, Vec<u8>)]) -> Vec<Vec<u8>> {
    corpus
        .iter()
        .filter(|(folder, _)| target.seeds.contains(&folder.as_str()))
        .map(|(_, b)| b.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_is_deterministic_and_bounded() {
        let corpus = vec![b"a,b\n1,2\n".to_vec()];
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let (mut x, mut y) = (corpus[0].clone(), corpus[0].clone());
        for _ in 0..1000 {
            mutate(&mut a, &mut x, &corpus);
            mutate(&mut b, &mut y, &corpus);
            assert!(x.len() <= MAX_INPUT);
        }
        assert_eq!(x, y);
    }

    #[test]
    fn panics_are_caught_with_their_location() {
        let t = Target {
            name: "boom",
            run: |b| assert!(b.is_empty(), "not empty"),
            seeds: &[],
        };
        let r = run(
            &t,
            &[],
            &[b"x".to_vec()],
            Budget::Iterations(3),
            1,
            Duration::from_secs(1),
        );
        assert_eq!(r.iterations, 3);
        assert!(!r.crashes.is_empty());
        assert!(
            r.crashes[0].message.contains("not empty"),
            "{:?}",
            r.crashes
        );
        assert!(r.crashes[0].message.contains("fuzz.rs"), "{:?}", r.crashes);
    }
}
