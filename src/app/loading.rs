//! Opening a file off the UI thread: the bytes are read in chunks (progress in bytes), then
//! parsed and indexed (a large ACLED export is read and parsed piece by piece), while the window stays live and shows a progress bar with Cancel.
//! Cancel stops the reading at once; a parse already running finishes in the background and
//! its result is dropped.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use super::import::Import;
use super::{Document, Origin};
use crate::formats::{self, MAX_FILE_BYTES, OpenError, OpenErrorKind};

/// Bytes read per step, between progress updates and cancel checks.
const CHUNK: usize = 8 << 20;

/// What the worker sends back.
pub enum Outcome {
    Loaded(Box<Document>, Option<Import>),
    Failed(String, Option<Import>),
    Cancelled,
}

/// A file being opened.
pub struct Loading {
    pub path: PathBuf,
    started: Instant,
    total: u64,
    read: Arc<AtomicU64>,
    /// Records made into incidents so far (a large ACLED export, read piece by piece).
    records: Arc<AtomicU64>,
    parsing: Arc<AtomicBool>,
    cancel: Arc<AtomicBool>,
    rx: Receiver<Outcome>,
}

impl Loading {
    /// Starts opening `path` on a worker thread; `ctx` is asked to repaint when it is done.
    pub fn start(path: PathBuf, ctx: &egui::Context) -> Loading {
        let total = std::fs::metadata(&path).map_or(0, |m| m.len());
        let read = Arc::new(AtomicU64::new(0));
        let records = Arc::new(AtomicU64::new(0));
        let parsing = Arc::new(AtomicBool::new(false));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let worker = Worker {
            path: path.clone(),
            read: read.clone(),
            records: records.clone(),
            parsing: parsing.clone(),
            cancel: cancel.clone(),
        };
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let outcome = worker.run();
            let _ = tx.send(outcome);
            ctx.request_repaint();
        });
        Loading {
            path,
            started: Instant::now(),
            total,
            read,
            records,
            parsing,
            cancel,
            rx,
        }
    }

    /// The outcome, once the worker is done.
    pub fn poll(&self) -> Option<Outcome> {
        match self.rx.try_recv() {
            Ok(o) => Some(o),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Outcome::Failed(
                format!("{}: the loader stopped unexpectedly", self.path.display()),
                None,
            )),
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The progress window over the map. Returns true when the user pressed Cancel.
    pub fn ui(&self, ctx: &egui::Context) -> bool {
        let mut cancel = false;
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        egui::Window::new("Opening")
            .title_bar(false)
            .resizable(false)
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.set_width(380.0);
                ui.strong(format!("Opening {name}"));
                let read = self.read.load(Ordering::Relaxed);
                let secs = self.started.elapsed().as_secs_f32();
                if self.parsing.load(Ordering::Relaxed) {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(format!("Reading the records… {secs:.1} s"));
                    });
                } else {
                    let mb = |b: u64| b as f64 / 1e6;
                    let share = if self.total > 0 {
                        read as f32 / self.total as f32
                    } else {
                        0.0
                    };
                    let records = match self.records.load(Ordering::Relaxed) {
                        0 => String::new(),
                        n => format!(" · {} records", grouped(n)),
                    };
                    ui.add(egui::ProgressBar::new(share).text(format!(
                        "{:.0} of {:.0} MB{records}",
                        mb(read),
                        mb(self.total)
                    )));
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
        cancel
    }
}

/// `1234567` as "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Worker {
    path: PathBuf,
    read: Arc<AtomicU64>,
    records: Arc<AtomicU64>,
    parsing: Arc<AtomicBool>,
    cancel: Arc<AtomicBool>,
}

impl Worker {
    fn run(self) -> Outcome {
        // A large ACLED export is read and parsed piece by piece (the progress is in bytes
        // parsed and records made), never whole in memory; other files are read whole, then
        // parsed.
        let pieces = formats::acled::read_path_with_progress(&self.path, &mut |read, records| {
            self.read.store(read, Ordering::Relaxed);
            self.records.store(records, Ordering::Relaxed);
            !self.cancel.load(Ordering::Relaxed)
        });
        if self.cancel.load(Ordering::Relaxed) {
            return Outcome::Cancelled;
        }
        if let Some(loaded) = pieces {
            // An ACLED export has no column choices to offer.
            self.parsing.store(true, Ordering::Relaxed);
            let doc = Document::new(loaded, Origin::File(self.path.clone()));
            return Outcome::Loaded(Box::new(doc), None);
        }
        let bytes = match self.read_file() {
            Ok(Some(b)) => Arc::new(b),
            Ok(None) => return Outcome::Cancelled,
            Err(e) => return Outcome::Failed(e.to_string(), None),
        };
        self.parsing.store(true, Ordering::Relaxed);
        let name = self.path.file_name().and_then(|n| n.to_str());
        let outcome = match formats::read_bytes(&bytes, name) {
            Ok(loaded) => {
                let import = Import::offer(&self.path, bytes.clone(), &loaded);
                let doc = Document::new(loaded, Origin::File(self.path.clone()));
                Outcome::Loaded(Box::new(doc), import)
            }
            Err(e) => Outcome::Failed(
                format!("{}: {e}", self.path.display()),
                Import::rescue(&self.path, bytes.clone(), &e),
            ),
        };
        if self.cancel.load(Ordering::Relaxed) {
            return Outcome::Cancelled;
        }
        outcome
    }

    /// Reads the whole file in chunks, refusing what [`formats::read_file`] refuses; `None` when
    /// cancelled.
    fn read_file(&self) -> Result<Option<Vec<u8>>, OpenError> {
        let err = |kind| OpenError {
            path: self.path.display().to_string(),
            kind,
        };
        let io = |e| err(OpenErrorKind::Io(e));
        let len = std::fs::metadata(&self.path).map_err(io)?.len();
        if len > MAX_FILE_BYTES {
            return Err(err(OpenErrorKind::TooLarge(len)));
        }
        let mut file = std::fs::File::open(&self.path).map_err(io)?;
        let mut bytes = Vec::with_capacity(len as usize);
        let mut chunk = vec![0u8; CHUNK];
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let n = file.read(&mut chunk).map_err(io)?;
            if n == 0 {
                return Ok(Some(bytes));
            }
            bytes.extend_from_slice(&chunk[..n]);
            self.read.store(bytes.len() as u64, Ordering::Relaxed);
        }
    }
}

/// Drops a large document on another thread (freeing a million incidents takes seconds).
pub fn drop_in_background(doc: Document) {
    if doc.dataset.incidents.len() > 10_000 {
        std::thread::spawn(move || drop(doc));
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn record_counts_are_grouped_by_three() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
