//! The on-disk cache of online tiles: one file per tile under the platform cache directory,
//! a size limit enforced by evicting the least recently used files (by modification time, which
//! a read refreshes), and entries that fail their check (truncated, foreign, damaged) ignored
//! and removed. Each entry records when it was fetched, so freshness does not depend on use.
//! The map falls back on it when the network drops.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Marks a cache entry; followed by the fetch time (u64 LE, Unix seconds), the payload length
/// (u32 LE) and the payload.
const MAGIC: &[u8; 4] = b"SVT2";
const HEAD: usize = 16;
/// Default size limit: 200 MB.
pub const DEFAULT_LIMIT: u64 = 200 << 20;

/// A tile cache in one directory.
pub struct DiskCache {
    dir: PathBuf,
    limit: u64,
    /// Bytes in the cache, as far as this process knows.
    used: AtomicU64,
}

/// The platform's cache directory for sitview (`$XDG_CACHE_HOME/sitview`, `~/.cache/sitview`,
/// `%LOCALAPPDATA%\sitview`, `~/Library/Caches/sitview`).
pub fn default_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("sitview").join("tiles"))
}

/// A short stable name for a tile source (its URL template), used as its cache folder.
pub fn source_key(template: &str) -> String {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in template.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl DiskCache {
    /// A cache in `dir` (created when needed) holding at most `limit` bytes.
    pub fn new(dir: PathBuf, limit: u64) -> DiskCache {
        let used = files(&dir).iter().map(|f| f.1).sum();
        DiskCache {
            dir,
            limit,
            used: AtomicU64::new(used),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Bytes the cache holds.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    fn path(&self, source: &str, z: u8, x: u32, y: u32) -> PathBuf {
        self.dir
            .join(source)
            .join(z.to_string())
            .join(x.to_string())
            .join(format!("{y}.tile"))
    }

    /// The cached bytes of a tile and how long ago they were fetched, if there is a sound
    /// entry; marks it as recently used.
    pub fn get(&self, source: &str, z: u8, x: u32, y: u32) -> Option<(Vec<u8>, Duration)> {
        let path = self.path(source, z, x, y);
        let bytes = fs::read(&path).ok()?;
        let word = |at: usize, n: usize| {
            bytes[at..at + n]
                .iter()
                .rev()
                .fold(0u64, |v, b| (v << 8) | u64::from(*b))
        };
        let sound = bytes.len() >= HEAD
            && &bytes[..4] == MAGIC
            && word(12, 4) as usize == bytes.len() - HEAD;
        if !sound {
            if fs::remove_file(&path).is_ok() {
                self.used
                    .fetch_sub((bytes.len() as u64).min(self.used()), Ordering::Relaxed);
            }
            return None;
        }
        if let Ok(f) = fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        let fetched = UNIX_EPOCH + Duration::from_secs(word(4, 8));
        let age = SystemTime::now()
            .duration_since(fetched)
            .unwrap_or(Duration::ZERO);
        Some((bytes[HEAD..].to_vec(), age))
    }

    /// Stores a tile fetched now.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn put(&self, source: &str, z: u8, x: u32, y: u32, data: &[u8]) -> std::io::Result<()> {
        self.put_fetched(source, (z, x, y), data, SystemTime::now())
    }

    /// Stores a tile fetched at `fetched` (written to a temporary file and renamed, so a crash
    /// leaves no half entry), then evicts the least recently used tiles if the cache is over
    /// its limit.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn put_fetched(
        &self,
        source: &str,
        (z, x, y): (u8, u32, u32),
        data: &[u8],
        fetched: SystemTime,
    ) -> std::io::Result<()> {
        let path = self.path(source, z, x, y);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("tmp");
        let mut f = fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        let secs = fetched
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        f.write_all(&secs.to_le_bytes())?;
        f.write_all(&(data.len() as u32).to_le_bytes())?;
        f.write_all(data)?;
        drop(f);
        let old = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        fs::rename(&tmp, &path)?;
        let added = (data.len() + HEAD) as u64;
        let used = self.used.fetch_add(added, Ordering::Relaxed) + added - old.min(self.used());
        self.used.store(used, Ordering::Relaxed);
        if used > self.limit {
            self.evict();
        }
        Ok(())
    }

    /// Removes the least recently used tiles until the cache is at 90 % of its limit.
    pub fn evict(&self) {
        let mut all = files(&self.dir);
        all.sort_by_key(|f| f.2);
        let mut used: u64 = all.iter().map(|f| f.1).sum();
        let target = self.limit / 10 * 9;
        for (path, len, _) in all {
            if used <= target {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                used -= len;
            }
        }
        self.used.store(used, Ordering::Relaxed);
    }
}

/// Every file under `dir`: path, size and modification time.
fn files(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                let t = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                out.push((e.path(), meta.len(), t));
            }
        }
    }
    out
}
