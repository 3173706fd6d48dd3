//! Unsaved changes are never lost: a few seconds after each change the document is written to
//! a recovery file (GeoJSON, atomically) in the app's data folder, removed again once the
//! changes are saved or discarded. A recovery file left behind by a program that is no longer
//! running (a crash, a power cut) is offered at the next start. Also the prompt that asks
//! before closing or replacing a document with unsaved changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::RichText;
use serde::{Deserialize, Serialize};

use super::{Document, Notice, Origin, SitviewApp};
use crate::formats::{self, Format};

/// Seconds after the last change before the recovery file is written.
const DELAY_S: f64 = 2.0;

/// Documents up to this many incidents are written on the UI thread (a few milliseconds); larger
/// ones are copied and written by a worker, so that the window never stalls (writing 100 000
/// incidents as GeoJSON takes seconds).
const WRITE_HERE_MAX: usize = 5_000;

/// What is written beside the recovery GeoJSON.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecoveryMeta {
    /// The file the changes belong to (`None`: the built-in sample, or a new file).
    pub origin: Option<PathBuf>,
    /// A new file that was never saved.
    #[serde(default)]
    pub untitled: bool,
    /// Whether that file is GeoJSON (Save writes back to it); otherwise Save asks for a name.
    pub saves_in_place: bool,
    /// Seconds since 1970 when it was written.
    pub written: u64,
    pub incidents: usize,
}

/// A recovery file found at start-up.
#[derive(Clone, Debug)]
pub struct Found {
    pub data: PathBuf,
    pub meta_path: PathBuf,
    pub meta: RecoveryMeta,
}

/// The autosave of this process.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Where recovery files live; `None` turns autosave off (tests, no data folder).
    dir: Option<PathBuf>,
    /// When the next autosave is due (egui time in seconds).
    due: Option<f64>,
    /// Recovery files of earlier sessions, offered at start.
    pub found: Vec<Found>,
    /// The last autosave failed with this message (shown once).
    failed: Option<String>,
    /// A copy being written by a worker: its result.
    writing: Option<Receiver<std::io::Result<()>>>,
    /// Changes when the recovery file is removed, so that a worker that finishes after that
    /// removes what it wrote.
    epoch: Arc<AtomicU64>,
}

/// Writes the recovery copy of `dataset` (GeoJSON) and then its description, each atomically.
fn write_copy(
    dir: &Path,
    meta: &RecoveryMeta,
    dataset: &crate::model::Dataset,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let stem = own_stem();
    formats::write_atomic(
        &dir.join(format!("{stem}.geojson")),
        &formats::geojson::write(dataset),
    )?;
    let meta = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
    formats::write_atomic(&dir.join(format!("{stem}.json")), &meta)
}

fn remove_copy(dir: &Path) {
    let stem = own_stem();
    for ext in ["json", "geojson"] {
        let _ = std::fs::remove_file(dir.join(format!("{stem}.{ext}")));
    }
}

fn own_stem() -> String {
    format!("autosave-{}", std::process::id())
}

/// Whether the process `pid` is still running (then its autosave is not ours to take).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        // "pid (comm) state …": a zombie (state Z) has ended, and a process of another
        // program has only been given the same number since.
        let stat = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat"));
        stat.is_ok_and(|s| {
            let (comm, rest) = s
                .split_once(" (")
                .and_then(|(_, r)| r.rsplit_once(") "))
                .unzip();
            comm.is_some_and(|c| c.starts_with("sitview"))
                && !rest.is_some_and(|r| r.starts_with('Z'))
        })
    } else {
        // Elsewhere there is no cheap check: offer it (recovering twice loses nothing).
        false
    }
}

impl Recovery {
    /// Autosave into `dir`, and look there for what earlier sessions left.
    pub fn new(dir: Option<PathBuf>) -> Recovery {
        let mut found = Vec::new();
        if let Some(dir) = &dir
            && let Ok(entries) = std::fs::read_dir(dir)
        {
            for e in entries.flatten() {
                let path = e.path();
                let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                let Some(pid) = (stem.strip_prefix("autosave-")).and_then(|p| p.parse().ok())
                else {
                    continue;
                };
                if path.extension().is_none_or(|x| x != "json") || alive(pid) {
                    continue;
                }
                let data = path.with_extension("geojson");
                let meta = std::fs::read(&path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<RecoveryMeta>(&b).ok());
                if let Some(meta) = meta
                    && data.is_file()
                {
                    found.push(Found {
                        data,
                        meta_path: path,
                        meta,
                    });
                }
            }
            found.sort_by_key(|f| std::cmp::Reverse(f.meta.written));
        }
        Recovery {
            dir,
            found,
            ..Default::default()
        }
    }

    /// The document changed at `now`: write the recovery file a little later.
    pub fn changed(&mut self, now: f64) {
        if self.dir.is_some() {
            self.due = Some(now + DELAY_S);
        }
    }

    /// When the next write is due, to ask egui for a repaint then.
    pub fn due(&self) -> Option<f64> {
        self.due
    }

    /// Writes the recovery file if it is due (or at once with `force`, and then on this thread):
    /// the document when it has unsaved changes, else removes it.
    pub fn poll(&mut self, now: f64, doc: &Document, force: bool) -> Option<Notice> {
        let mut notice = None;
        if let Some(rx) = &self.writing {
            let finished = if force {
                // Never two writers of the same file at once.
                Some(rx.recv().unwrap_or(Ok(())))
            } else {
                match rx.try_recv() {
                    Ok(r) => Some(r),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => Some(Ok(())),
                }
            };
            match finished {
                Some(r) => {
                    self.writing = None;
                    notice = self.report(r);
                }
                None => {
                    if self.due.is_some_and(|d| now >= d) {
                        // Still writing the previous copy: try again shortly.
                        self.due = Some(now + 0.5);
                    }
                    return None;
                }
            }
        }
        if !(force || self.due.is_some_and(|d| now >= d)) {
            return notice;
        }
        self.due = None;
        if !doc.dirty() {
            self.clear();
            return notice;
        }
        let dir = self.dir.clone()?;
        let meta = RecoveryMeta {
            origin: match &doc.origin {
                Origin::File(p) => Some(p.clone()),
                Origin::Sample | Origin::New => None,
            },
            untitled: doc.origin == Origin::New,
            saves_in_place: doc.saves_in_place(),
            written: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            incidents: doc.dataset.incidents.len(),
        };
        if force || doc.dataset.incidents.len() <= WRITE_HERE_MAX {
            return self
                .report(write_copy(&dir, &meta, &doc.dataset))
                .or(notice);
        }
        let dataset = doc.dataset.clone();
        let epoch = Arc::clone(&self.epoch);
        let started = epoch.load(Ordering::SeqCst);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = write_copy(&dir, &meta, &dataset);
            if epoch.load(Ordering::SeqCst) != started {
                // Saved or discarded meanwhile: this copy is not wanted.
                remove_copy(&dir);
            }
            let _ = tx.send(result);
        });
        self.writing = Some(rx);
        notice
    }

    /// The notice for a failed write (once per message), and forgets a failure once one works.
    fn report(&mut self, result: std::io::Result<()>) -> Option<Notice> {
        match result {
            Ok(()) => {
                self.failed = None;
                None
            }
            Err(e) => {
                let dir = self.dir.as_deref().unwrap_or(Path::new("?"));
                let message = format!(
                    "Could not write the recovery copy in {}: {e}. Save your changes.",
                    dir.display()
                );
                let first = self.failed.as_ref() != Some(&message);
                self.failed = Some(message.clone());
                first.then_some(Notice {
                    text: message,
                    error: true,
                })
            }
        }
    }

    /// Removes this session's recovery file (the changes were saved or discarded).
    pub fn clear(&mut self) {
        self.due = None;
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if let Some(dir) = &self.dir {
            remove_copy(dir);
        }
    }

    /// Whether a copy is being written by a worker.
    pub fn is_writing(&self) -> bool {
        self.writing.is_some()
    }

    /// Whether this session has a recovery file on disk now.
    pub fn has_file(&self) -> bool {
        (self.dir.as_ref()).is_some_and(|d| d.join(format!("{}.geojson", own_stem())).is_file())
    }
}

/// What waits for an answer about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Close,
    Open(PathBuf),
    OpenSample,
    New,
}

/// "18 Sep 2026 14:05 UTC" for a time in seconds since 1970.
fn when(secs: u64) -> String {
    let day = crate::model::Day((secs / 86_400) as i32);
    let s = secs % 86_400;
    format!("{} {:02}:{:02} UTC", day.medium(), s / 3600, s / 60 % 60)
}

impl SitviewApp {
    /// Closes, opens or replaces the document — after asking, when it has unsaved changes.
    pub fn request(&mut self, action: Pending) {
        if self.doc.dirty() {
            self.confirm = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Pending) {
        self.confirm = None;
        match action {
            Pending::Close => {
                self.closing = true;
                self.recovery.clear();
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Pending::Open(path) => self.open_path(path),
            Pending::OpenSample => self.set_document(Document::sample()),
            Pending::New => self.set_document(Document::empty()),
        }
    }

    /// Whether the app has agreed to close (nothing unsaved, or the user said so).
    pub fn is_closing(&self) -> bool {
        self.closing
    }

    /// A close request from the window: held back while there are unsaved changes.
    pub(super) fn handle_close_request(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) || self.closing {
            return;
        }
        if self.doc.dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm = Some(Pending::Close);
        } else {
            self.closing = true;
            self.recovery.clear();
        }
    }

    /// The document was saved: what waited for the save can go ahead.
    pub(super) fn saved(&mut self) {
        self.recovery.clear();
        if let Some(next) = self.after_save.take() {
            self.perform(next);
        }
    }

    /// Writes the recovery file now (as the timer would), for tests and before risky work.
    pub fn autosave_now(&mut self) {
        let now = self.ctx.input(|i| i.time);
        if let Some(n) = self.recovery.poll(now, &self.doc, true) {
            self.notice = Some(n);
        }
    }

    pub(super) fn autosave_tick(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if let Some(n) = self.recovery.poll(now, &self.doc, false) {
            self.notice = Some(n);
        }
        if let Some(due) = self.recovery.due() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64((due - now).max(0.05)));
        }
        if self.recovery.is_writing() {
            // Collect the worker's result soon.
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
    }

    /// Whether this session has a recovery file on disk.
    pub fn has_recovery_file(&self) -> bool {
        self.recovery.has_file()
    }

    /// Whether a recovery copy of a large document is being written by a worker.
    pub fn recovery_writing(&self) -> bool {
        self.recovery.is_writing()
    }

    /// Opens the recovery file `k` found at start, as the document with unsaved changes.
    pub fn recover(&mut self, k: usize) {
        if k >= self.recovery.found.len() {
            return;
        }
        let found = self.recovery.found.remove(k);
        let loaded = std::fs::read(&found.data)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                formats::read_bytes(&b, Some("recovery.geojson")).map_err(|e| e.to_string())
            });
        match loaded {
            Ok(mut loaded) => {
                if !found.meta.saves_in_place {
                    // Not GeoJSON at its origin: Save must ask for a name, never overwrite it.
                    loaded.format = Format::Csv;
                }
                let origin = match (&found.meta.origin, found.meta.untitled) {
                    (Some(p), _) => Origin::File(p.clone()),
                    (None, true) => Origin::New,
                    (None, false) => Origin::Sample,
                };
                let mut doc = Document::new(loaded, origin);
                doc.history.mark_untracked();
                self.set_document(doc);
                for p in [&found.data, &found.meta_path] {
                    let _ = std::fs::remove_file(p);
                }
                let now = self.ctx.input(|i| i.time);
                self.recovery.changed(now);
                self.autosave_now();
                self.notice = Some(Notice {
                    text: format!(
                        "Recovered {} incidents with unsaved changes from {}: save them now",
                        found.meta.incidents,
                        when(found.meta.written)
                    ),
                    error: false,
                });
            }
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!(
                        "Could not read the recovery file {}: {e}",
                        found.data.display()
                    ),
                    error: true,
                })
            }
        }
    }

    /// Drops recovery file `k` found at start.
    pub fn discard_recovery(&mut self, k: usize) {
        if k < self.recovery.found.len() {
            let found = self.recovery.found.remove(k);
            for p in [&found.data, &found.meta_path] {
                let _ = std::fs::remove_file(p);
            }
        }
    }

    /// The start-up offer of recovery files, and the unsaved-changes prompt.
    pub(super) fn recovery_ui(&mut self, ctx: &egui::Context) {
        if let Some(found) = self.recovery.found.first().cloned() {
            let name = match (&found.meta.origin, found.meta.untitled) {
                (Some(p), _) => p.display().to_string(),
                (None, true) => "a new file".to_owned(),
                (None, false) => "the built-in sample".to_owned(),
            };
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("recover-modal")).show(ctx, |ui| {
                ui.set_width(460.0);
                ui.label(RichText::new("Recover unsaved changes?").heading());
                ui.label(format!(
                    "Situation Viewer did not close normally. Changes to {name} \
                     ({} incidents) were kept from {}.",
                    found.meta.incidents,
                    when(found.meta.written)
                ));
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Discard them").clicked() {
                        choice = Some(false);
                    }
                });
            });
            match choice {
                Some(true) => self.recover(0),
                Some(false) => self.discard_recovery(0),
                None => {}
            }
            return;
        }
        let Some(pending) = self.confirm.clone() else {
            return;
        };
        let verb = match &pending {
            Pending::Close => "closing",
            Pending::Open(_) | Pending::OpenSample => "opening another file",
            Pending::New => "starting a new file",
        };
        let mut choice = None;
        let modal = egui::Modal::new(egui::Id::unique("unsaved-modal")).show(ctx, |ui| {
            ui.set_width(420.0);
            ui.label(RichText::new("Unsaved changes").heading());
            ui.label(format!(
                "Save the changes to {} before {verb}?",
                self.doc.display_name()
            ));
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    choice = Some(0);
                }
                if ui.button("Don't save").clicked() {
                    choice = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(2);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(2);
        }
        match choice {
            Some(0) => {
                self.confirm = None;
                self.after_save = Some(pending);
                self.save(ctx);
            }
            Some(1) => self.perform(pending),
            Some(_) => self.confirm = None,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_running_sitview_processes_keep_their_recovery_files() {
        assert!(alive(std::process::id()));
        assert!(!alive(4_000_000_000), "no such process");
        if cfg!(target_os = "linux") {
            // Process 1 runs, but it is not this program: its number was reused.
            assert!(!alive(1));
        }
        assert_eq!(when(0), "Thu 1 Jan 1970 00:00 UTC");
        assert_eq!(
            when(1_474_502_400 + 13 * 3600 + 5 * 60),
            "Thu 22 Sep 2016 13:05 UTC"
        );
    }
}
