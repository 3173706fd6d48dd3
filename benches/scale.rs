//! Scale benchmark: how loading, stepping and drawing grow with the size of the data.
//!
//! ```sh
//! cargo bench --bench scale -- --rows 100000 [--seed 1] [--frames 20] [--loads 1] [--no-harness] [--no-direct]
//! ```
//!
//! Generates an ACLED CSV of `rows` incidents once into `target/scale/` (cached by generator
//! version, rows and seed), then measures in one run:
//! - the read floor: `std::fs::read` of the file (page cache warm) by a fresh process, as the
//!   app reads into memory it has not used yet (and the kernel's copy alone, into used memory);
//! - the load: `sitview::formats::read_path` (parse) plus `DayIndex::new`, with the peak resident
//!   memory (VmHWM, reset just before the load where the kernel allows it);
//! - a next-day step: `DayIndex::window` for one day in the middle of the data (median), and the
//!   app's own step (`SitviewApp::step` + `visible()`: window, sort, marker items);
//! - the CPU time of a whole egui frame of the real app (layout, map plugins, tessellation; no
//!   GPU) in *this day* and *cumulative* mode at country zoom (7) and city zoom (12), median of
//!   `--frames` frames. Measured twice: through `egui_kittest::Harness` (which always builds the
//!   AccessKit tree and updates kittest's copy of it every step) and directly through
//!   `egui::Context::run_ui` with AccessKit off, as a desktop session without a screen reader
//!   runs. The JSON uses the direct figures.
//!
//! With `--heap` (or `SITVIEW_BENCH_HEAP=1`) a counting global allocator also reports the live
//! heap after the load and the peak live heap during it, so that the memory can be attributed
//! (RSS also holds freed pages the allocator has not returned, and the page tables). Off, it
//! costs one relaxed load per allocation.
//!
//! Memory is in MB of 10^6 bytes, as the file size is.
//!
//! Prints a table, then as its last line one JSON object.

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use sitview::app::{SitviewApp, StartOptions};
use sitview::formats;
use sitview::model::Day;
use sitview::timeline::{DayIndex, WindowMode};
use walkers::lon_lat;

/// The program's allocator (mimalloc, as src/main.rs sets it), counting the bytes allocated
/// when [`COUNTING`] is on.
struct CountingAlloc;

/// Whether [`CountingAlloc`] counts: checked first, so that it costs next to nothing when off.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated and not yet freed, since counting started. Signed: memory allocated before
/// and freed after that counts negative, so only differences between two readings mean much.
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// The highest `LIVE` since the last [`heap_reset_peak`].
static PEAK: AtomicIsize = AtomicIsize::new(0);

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn count(delta: isize) {
    let live = LIVE.fetch_add(delta, Relaxed) + delta;
    if delta > 0 {
        PEAK.fetch_max(live, Relaxed);
    }
}

// SAFETY: every method forwards to `MiMalloc` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds as it does for `MiMalloc`; the counting only reads the layouts and
// touches atomics (it never allocates).
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size), passed on to `MiMalloc`.
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if COUNTING.load(Relaxed) && !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) };
        if COUNTING.load(Relaxed) && !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from this allocator (so from `MiMalloc`)
        // with this layout.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Relaxed) {
            count(-(layout.size() as isize));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `ptr` came from this allocator (so from `MiMalloc`)
        // with `layout`, and a valid `new_size`.
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if COUNTING.load(Relaxed) && !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// The live heap in bytes (relative: see [`LIVE`]), and starts a new peak from it.
fn heap_reset_peak() -> isize {
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    live
}

const WIDTH: f32 = 1440.0;
const HEIGHT: f32 = 900.0;

struct Args {
    rows: u64,
    seed: u64,
    frames: usize,
    /// Loads measured: the first gives the peak memory, the fastest the times.
    loads: usize,
    harness: bool,
    direct: bool,
    /// Count the heap (`--heap`, or `SITVIEW_BENCH_HEAP=1`).
    heap: bool,
}

fn args() -> Args {
    let mut a = Args {
        rows: 100_000,
        seed: sitview::generate::DEFAULT_SEED,
        frames: 20,
        loads: 1,
        harness: true,
        direct: true,
        heap: std::env::var_os("SITVIEW_BENCH_HEAP").is_some_and(|v| v == "1"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> u64 {
            let v = it.next().unwrap_or_else(|| panic!("{name} needs a value"));
            v.replace(['_', ','], "")
                .parse()
                .unwrap_or_else(|_| panic!("{name} {v:?}: not a number"))
        };
        match arg.as_str() {
            "--rows" => a.rows = value("--rows"),
            "--seed" => a.seed = value("--seed"),
            "--frames" => a.frames = value("--frames").max(1) as usize,
            "--loads" => a.loads = value("--loads").max(1) as usize,
            "--no-harness" => a.harness = false,
            "--no-direct" => a.direct = false,
            "--heap" => a.heap = true,
            // cargo bench passes --bench; ignore it and anything else unknown.
            _ => {}
        }
    }
    a
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The cached data file, generated when missing.
fn data_file(rows: u64, seed: u64) -> PathBuf {
    let path = target_dir().join("scale").join(format!(
        "acled-g{}-{rows}-s{seed}.csv",
        sitview::generate::VERSION
    ));
    if !path.exists() {
        let t = Instant::now();
        let bytes = sitview::generate::write_file(&path, rows, seed).expect("generate the data");
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "generated {} ({:.1} MB) in {s:.2} s ({:.0} MB/s, {:.0} krows/s)",
            path.display(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / s,
            rows as f64 / 1e3 / s
        );
    }
    path
}

/// CPU time of the whole process so far (user + system, all threads; Linux, in clock ticks of
/// 10 ms): unlike wall-clock time, it hardly changes when other processes share the cores.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses; utime and stime are the
    // 14th and 15th fields of the line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// A `/proc/self/status` figure in kB (`VmHWM`, `VmRSS`).
fn status_kb(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// A `/proc` figure in kB (KiB, 1024 bytes) as MB (10^6 bytes, as the file size).
fn mb(kb: Option<u64>) -> f64 {
    kb.map_or(f64::NAN, |k| k as f64 * 1024.0 / 1e6)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0); false where that is not allowed.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn median(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The views a frame is measured in.
#[derive(Clone, Copy)]
struct View {
    name: &'static str,
    mode: WindowMode,
    zoom: f64,
    /// lon, lat
    centre: (f64, f64),
}

const COUNTRY: (f64, f64) = (38.4, 35.0);
const ALEPPO: (f64, f64) = (37.16, 36.20);

const VIEWS: [View; 4] = [
    View {
        name: "this day, country z7",
        mode: WindowMode::Day,
        zoom: 7.0,
        centre: COUNTRY,
    },
    View {
        name: "cumulative, country z7",
        mode: WindowMode::Cumulative,
        zoom: 7.0,
        centre: COUNTRY,
    },
    View {
        name: "this day, city z12",
        mode: WindowMode::Day,
        zoom: 12.0,
        centre: ALEPPO,
    },
    View {
        name: "cumulative, city z12",
        mode: WindowMode::Cumulative,
        zoom: 12.0,
        centre: ALEPPO,
    },
];

fn set_view(app: &mut SitviewApp, v: &View, day: Day) {
    app.set_mode(v.mode);
    app.go_to(day);
    let _ = app.map_memory.set_zoom(v.zoom);
    app.map_memory.center_at(lon_lat(v.centre.0, v.centre.1));
}

/// Frame figures for one view.
#[derive(Default, Clone)]
struct FrameFigures {
    /// Median of steady frames (same day): ui + tessellation.
    frame: Duration,
    ui: Duration,
    tessellate: Duration,
    /// Median of frames right after a next-day step (the window changes).
    frame_after_step: Duration,
    /// `SitviewApp::step(1)` + `visible()` (window, sort, marker items), median.
    app_step: Duration,
    visible: usize,
    vertices: usize,
}

/// Drives frames of the app, through the kittest harness or directly.
trait Driver {
    fn app(&mut self) -> &mut SitviewApp;
    /// One frame: (ui time, tessellation time, vertices).
    fn frame(&mut self) -> (Duration, Duration, usize);
}

struct HarnessDriver(Harness<'static, SitviewApp>);

impl Driver for HarnessDriver {
    fn app(&mut self) -> &mut SitviewApp {
        self.0.state_mut()
    }

    fn frame(&mut self) -> (Duration, Duration, usize) {
        let t = Instant::now();
        self.0.step();
        let ui = t.elapsed();
        let out = self.0.output();
        let (shapes, ppp) = (out.shapes.clone(), out.pixels_per_point);
        let t = Instant::now();
        let prims = self.0.ctx.tessellate(shapes, ppp);
        let tess = t.elapsed();
        (ui, tess, vertices(&prims))
    }
}

struct DirectDriver {
    ctx: egui::Context,
    frame: eframe::Frame,
    app: SitviewApp,
    time: f64,
}

/// Time from creating the app on the built-in sample to its first frame tessellated (fonts,
/// embedded basemap, sample parsing and the first layout included), as at start-up.
fn sample_to_first_frame() -> Duration {
    use eframe::App as _;
    let t = Instant::now();
    let ctx = egui::Context::default();
    let cc = eframe::CreationContext::_new_kittest(ctx.clone());
    let mut app = SitviewApp::new(&cc, StartOptions::default());
    let mut frame = eframe::Frame::_new_kittest();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(WIDTH, HEIGHT),
        )),
        ..Default::default()
    };
    let out = ctx.run_ui(input, |ui| {
        app.logic(ui.ctx(), &mut frame);
        app.ui(ui, &mut frame);
    });
    black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
    t.elapsed()
}

impl DirectDriver {
    fn new(options: StartOptions) -> DirectDriver {
        let ctx = egui::Context::default();
        let cc = eframe::CreationContext::_new_kittest(ctx.clone());
        let app = SitviewApp::new(&cc, options);
        let mut d = DirectDriver {
            ctx,
            frame: eframe::Frame::_new_kittest(),
            app,
            time: 0.0,
        };
        // The file opens in the background: run frames until it is in.
        while d.app.is_loading() {
            d.frame();
            std::thread::sleep(Duration::from_millis(5));
        }
        for _ in 0..4 {
            d.frame();
        }
        d
    }

    fn input(&mut self) -> egui::RawInput {
        self.time += 1.0 / 60.0;
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(WIDTH, HEIGHT),
            )),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            ..Default::default()
        };
        if let Some(v) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
            v.native_pixels_per_point = Some(1.0);
        }
        input
    }
}

impl Driver for DirectDriver {
    fn app(&mut self) -> &mut SitviewApp {
        &mut self.app
    }

    fn frame(&mut self) -> (Duration, Duration, usize) {
        use eframe::App as _;
        let input = self.input();
        let t = Instant::now();
        let (app, frame) = (&mut self.app, &mut self.frame);
        let out = self.ctx.run_ui(input, |ui| {
            app.logic(ui.ctx(), frame);
            app.ui(ui, frame);
        });
        let ui = t.elapsed();
        let t = Instant::now();
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        let tess = t.elapsed();
        (ui, tess, vertices(&prims))
    }
}

fn vertices(prims: &[egui::ClippedPrimitive]) -> usize {
    prims
        .iter()
        .map(|p| match &p.primitive {
            egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
            egui::epaint::Primitive::Callback(_) => 0,
        })
        .sum()
}

fn measure_view(d: &mut dyn Driver, v: &View, day: Day, frames: usize) -> FrameFigures {
    set_view(d.app(), v, day);
    for _ in 0..5 {
        d.frame();
    }
    // The view may have been moved by a pending "fit to data": set it again.
    set_view(d.app(), v, day);
    for _ in 0..3 {
        d.frame();
    }
    let mut total = Vec::with_capacity(frames);
    let mut uis = Vec::with_capacity(frames);
    let mut tess = Vec::with_capacity(frames);
    let mut verts = 0;
    for _ in 0..frames {
        let (u, t, n) = d.frame();
        total.push(u + t);
        uis.push(u);
        tess.push(t);
        verts = n;
    }
    let visible = d.app().visible().len();
    // Next-day steps: the app's own step (window + sort + markers), then the frame after it.
    let steps = (frames / 2).max(3);
    let mut app_steps = Vec::with_capacity(steps);
    let mut after = Vec::with_capacity(steps);
    for _ in 0..steps {
        let app = d.app();
        let t = Instant::now();
        app.step(1);
        black_box(app.visible().len());
        app_steps.push(t.elapsed());
        app.step(1);
        let (u, t, _) = d.frame();
        after.push(u + t);
    }
    set_view(d.app(), v, day);
    FrameFigures {
        frame: median(total),
        ui: median(uis),
        tessellate: median(tess),
        frame_after_step: median(after),
        app_step: median(app_steps),
        visible,
        vertices: verts,
    }
}

/// `--read-floor FILE`: this program as the child of [`read_floor_in_child`]: reads FILE with
/// `fs::read` and prints the seconds it took.
fn read_floor_child() -> bool {
    let mut it = std::env::args().skip_while(|a| a != "--read-floor").skip(1);
    let Some(path) = it.next() else {
        return false;
    };
    let t = Instant::now();
    let bytes = std::fs::read(&path).expect("read");
    println!("{}", t.elapsed().as_secs_f64());
    black_box(&bytes);
    true
}

/// The time a fresh process takes to read `path` into memory (see [`read_floor_child`]).
fn read_floor_in_child(path: &Path) -> Duration {
    let exe = std::env::current_exe().expect("the bench's own path");
    let out = std::process::Command::new(exe)
        .arg("--read-floor")
        .arg(path)
        .output()
        .expect("run the read-floor child");
    assert!(out.status.success(), "the read-floor child failed: {out:?}");
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the child prints seconds");
    Duration::from_secs_f64(secs)
}

fn main() {
    if read_floor_child() {
        return;
    }
    let a = args();
    COUNTING.store(a.heap, Relaxed);
    let path = data_file(a.rows, a.seed);
    let file_bytes = std::fs::metadata(&path).expect("data file").len();
    let file_mb = file_bytes as f64 / 1e6;

    // Warm the page cache without holding the file in memory.
    {
        let mut f = std::fs::File::open(&path).expect("open");
        let mut buf = vec![0u8; 1 << 20];
        while f.read(&mut buf).expect("read") > 0 {}
    }

    // Load: parse + day index, with the peak memory of exactly that.
    let rss_before = status_kb("VmRSS");
    let reset = reset_peak();
    let hwm_before = status_kb("VmHWM");
    let heap_before = heap_reset_peak();
    let cpu_before = cpu_time();
    let t = Instant::now();
    let loaded = formats::read_path(&path).expect("load");
    let parse = t.elapsed();
    let heap_parsed = LIVE.load(Relaxed);
    let index = DayIndex::new(&loaded.dataset);
    let load = t.elapsed();
    let load_cpu = cpu_time().zip(cpu_before).map(|(a, b)| a.saturating_sub(b));
    let hwm_after = status_kb("VmHWM");
    let rss_after = status_kb("VmRSS");
    let heap_peak = PEAK.load(Relaxed);
    // Heap figures in MB, relative to before the load; NaN when not counted.
    let heap_mb = |bytes: isize| {
        if a.heap {
            (bytes - heap_before) as f64 / 1e6
        } else {
            f64::NAN
        }
    };
    let (heap_parsed_mb, heap_peak_mb) = (heap_mb(heap_parsed), heap_mb(heap_peak));
    assert_eq!(loaded.dataset.incidents.len() as u64, a.rows);
    assert!(
        loaded.warnings.is_empty(),
        "generated data gave warnings: {:?}",
        &loaded.warnings[..loaded.warnings.len().min(3)]
    );

    // More loads, when asked for: the fastest is reported (the machine may be shared), and the
    // first (the app loads a file into a process that has not loaded one yet).
    let (first_load, first_load_cpu) = (load, load_cpu);
    let (mut parse, mut load, mut load_cpu) = (parse, load, load_cpu);
    for _ in 1..a.loads {
        let cpu_before = cpu_time();
        let t = Instant::now();
        let again = formats::read_path(&path).expect("load");
        let p = t.elapsed();
        let index = DayIndex::new(&again.dataset);
        let l = t.elapsed();
        let cpu = cpu_time().zip(cpu_before).map(|(a, b)| a.saturating_sub(b));
        if l < load {
            (parse, load) = (p, l);
        }
        load_cpu = load_cpu.zip(cpu).map(|(a, b)| a.min(b));
        drop(index);
        drop(again);
    }
    let index_time = load - parse;

    // The floor: reading the bytes, as a fresh process does (`fs::read` into memory it has
    // never used: the page faults are part of reading a file into memory, as they are of
    // loading it). In this process the allocator would hand the read memory the loads freed.
    let read = median((0..3).map(|_| read_floor_in_child(&path)).collect());
    // The kernel's copy alone, into memory used before.
    let mut reads = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let bytes = std::fs::read(&path).expect("read");
        reads.push(t.elapsed());
        black_box(&bytes);
    }
    let read_warm = median(reads);

    // Next-day step through the index, around the middle of the data.
    let (first, last) = index.range().expect("dated data");
    let mid = first.plus((last.0 - first.0) / 2);
    let mut steps = Vec::new();
    let mut visible_day = 0;
    for k in 0..2_000 {
        let day = mid.plus(k % 200);
        let t = Instant::now();
        let v: Vec<usize> = index.window(day, day).collect();
        steps.push(t.elapsed());
        visible_day = visible_day.max(v.len());
        black_box(v);
    }
    let step = median(steps);
    let mut cumulative_steps = Vec::new();
    let mut visible_cumulative = 0;
    for k in 0..5 {
        let day = mid.plus(k);
        let t = Instant::now();
        let v: Vec<usize> = index.window(first, day).collect();
        cumulative_steps.push(t.elapsed());
        visible_cumulative = v.len();
        black_box(v);
    }
    let cumulative_step = median(cumulative_steps);
    drop(index);
    drop(loaded);

    let options = || StartOptions {
        file: Some(path.clone()),
        date: Some(mid),
        mode: Some(WindowMode::Day),
        ..Default::default()
    };
    let mut harness_figures: Vec<FrameFigures> = Vec::new();
    if a.harness {
        let t = Instant::now();
        let opts = options();
        let h = Harness::builder()
            .with_size([WIDTH, HEIGHT])
            .with_max_steps(64)
            .build_eframe(move |cc| SitviewApp::new(cc, opts));
        let mut h = h;
        while h.state().is_loading() {
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!("harness built in {:.2} s", t.elapsed().as_secs_f64());
        let mut d = HarnessDriver(h);
        for v in &VIEWS {
            harness_figures.push(measure_view(&mut d, v, mid, a.frames));
        }
    }
    let sample_first = sample_to_first_frame();
    let mut direct_figures: Vec<FrameFigures> = Vec::new();
    // Moving one incident by hand, and undoing it: each is an edit that re-indexes the file.
    let mut edit: Option<(Duration, Duration)> = None;
    if a.direct {
        let t = Instant::now();
        let mut d = DirectDriver::new(options());
        eprintln!("direct app built in {:.2} s", t.elapsed().as_secs_f64());
        for v in &VIEWS {
            direct_figures.push(measure_view(&mut d, v, mid, a.frames));
        }
        let app = d.app();
        let located = (app.doc.dataset.incidents.iter()).position(|i| i.location.is_some());
        if let Some(i) = located {
            let l = app.doc.dataset.incidents[i].location.unwrap();
            let t = Instant::now();
            app.move_incident(i, l.lon + 0.01, l.lat);
            let moved = t.elapsed();
            assert!(app.doc.dirty(), "the move was applied");
            let t = Instant::now();
            app.undo();
            edit = Some((moved, t.elapsed()));
            assert_eq!(app.doc.dataset.incidents[i].location, Some(l));
        }
    }

    // The table.
    println!();
    println!(
        "scale: {} rows, seed {}, {:.1} MB ({})",
        a.rows,
        a.seed,
        file_mb,
        path.display()
    );
    println!("{:<44} {:>12}", "measure", "value");
    let row = |name: &str, value: String| println!("{name:<44} {value:>12}");
    row(
        "built-in sample: app created to first frame",
        format!("{:.3} s", sample_first.as_secs_f64()),
    );
    row(
        "read floor (fs::read, fresh process)",
        format!("{:.3} s", read.as_secs_f64()),
    );
    row(
        "  the kernel's copy alone (memory used before)",
        format!("{:.3} s", read_warm.as_secs_f64()),
    );
    row(
        "read floor throughput",
        format!("{:.0} MB/s", file_mb / read.as_secs_f64()),
    );
    row(
        "load: parse (read_path)",
        format!("{:.3} s", parse.as_secs_f64()),
    );
    row(
        "load: DayIndex::new",
        format!("{:.3} s", index_time.as_secs_f64()),
    );
    row("load total", format!("{:.3} s", load.as_secs_f64()));
    if let Some(cpu) = load_cpu {
        row(
            "load CPU time (user+sys, all threads)",
            format!("{:.2} s", cpu.as_secs_f64()),
        );
    }
    if a.loads > 1 {
        row(
            "first load (the app's case), CPU time",
            format!(
                "{:.3} s, {:.2} s",
                first_load.as_secs_f64(),
                first_load_cpu.map_or(f64::NAN, |c| c.as_secs_f64())
            ),
        );
    }
    row(
        "load throughput",
        format!("{:.0} MB/s", file_mb / load.as_secs_f64()),
    );
    row(
        "load / read floor",
        format!("{:.1}x", load.as_secs_f64() / read.as_secs_f64()),
    );
    let (peak_mb, before_mb) = (mb(hwm_after), mb(rss_before));
    row("RSS before load", format!("{before_mb:.0} MB"));
    row(
        if reset {
            "peak RSS during load (VmHWM, reset)"
        } else {
            "peak RSS so far (VmHWM, no reset)"
        },
        format!("{peak_mb:.0} MB"),
    );
    row("peak RSS / file size", format!("{:.2}x", peak_mb / file_mb));
    row(
        "peak RSS - RSS before",
        format!("{:.0} MB", peak_mb - before_mb),
    );
    row(
        "(peak RSS - RSS before) / file size",
        format!("{:.2}x", (peak_mb - before_mb) / file_mb),
    );
    row(
        "RSS after load - before (retained)",
        format!("{:.0} MB", mb(rss_after) - before_mb),
    );
    row(
        "  per incident (peak) / size_of::<Incident>()",
        format!(
            "{:.0} B / {} B",
            (peak_mb - before_mb) * 1e6 / a.rows as f64,
            std::mem::size_of::<sitview::model::Incident>()
        ),
    );
    if a.heap {
        row(
            "live heap after parse (retained)",
            format!("{heap_parsed_mb:.1} MB"),
        );
        row(
            "  per incident",
            format!("{:.0} B", heap_parsed_mb * 1e6 / a.rows as f64),
        );
        row(
            "peak live heap during load",
            format!("{heap_peak_mb:.1} MB"),
        );
        row(
            "  per incident",
            format!("{:.0} B", heap_peak_mb * 1e6 / a.rows as f64),
        );
    }
    let _ = hwm_before;
    row(
        "next-day step, index (median)",
        format!("{:.2} us", us(step)),
    );
    row("  incidents on a middle day (max)", visible_day.to_string());
    row(
        "cumulative window collect (median)",
        format!("{:.2} ms", ms(cumulative_step)),
    );
    row(
        "  incidents cumulative to mid",
        visible_cumulative.to_string(),
    );
    for (label, figures) in [("harness", &harness_figures), ("direct", &direct_figures)] {
        for (v, f) in VIEWS.iter().zip(figures.iter()) {
            let name = format!("frame [{label}] {}", v.name);
            row(&name, format!("{:.2} ms", ms(f.frame)));
            row(
                "  ui / tessellate",
                format!("{:.2}/{:.2} ms", ms(f.ui), ms(f.tessellate)),
            );
            row(
                "  frame right after a next-day step",
                format!("{:.2} ms", ms(f.frame_after_step)),
            );
            row(
                "  app step (step + visible)",
                format!("{:.3} ms", ms(f.app_step)),
            );
            row(
                "  visible / vertices",
                format!("{}/{}", f.visible, f.vertices),
            );
        }
    }
    if let Some((moved, undone)) = edit {
        row(
            "edit: move one incident (re-index)",
            format!("{:.1} ms", ms(moved)),
        );
        row("edit: undo it", format!("{:.1} ms", ms(undone)));
    }
    // JSON: direct frames when measured (see the module documentation), else the harness's.
    let figures = if direct_figures.is_empty() {
        &harness_figures
    } else {
        &direct_figures
    };
    let frame = |i: usize| figures.get(i).map_or(f64::NAN, |f| ms(f.frame));
    let json_num = |x: f64, digits: usize| {
        if x.is_finite() {
            format!("{x:.digits$}")
        } else {
            "null".to_owned()
        }
    };
    println!(
        "{{\"rows\":{},\"file_mb\":{},\"read_s\":{},\"load_s\":{},\"first_load_s\":{},\"load_mb_s\":{},\"peak_rss_mb\":{},\"peak_rss_ratio\":{},\"heap_live_mb\":{},\"heap_peak_mb\":{},\"step_us\":{},\"frame_day_ms\":{},\"frame_cumulative_ms\":{}}}",
        a.rows,
        json_num(file_mb, 1),
        json_num(read.as_secs_f64(), 4),
        json_num(load.as_secs_f64(), 4),
        json_num(first_load.as_secs_f64(), 4),
        json_num(file_mb / load.as_secs_f64(), 1),
        json_num(peak_mb, 1),
        json_num(peak_mb / file_mb, 3),
        json_num(heap_parsed_mb, 1),
        json_num(heap_peak_mb, 1),
        json_num(us(step), 2),
        json_num(frame(0), 2),
        json_num(frame(1), 2),
    );
}
