//! The eframe application: state, menus, shortcuts and the layout of the panels. It owns no
//! parsing (that is [`crate::formats`]) and no geometry (that is [`crate::map`]).

mod basemap_picker;
mod edit;
mod files;
mod filter;
mod import;
mod loading;
mod measure;
mod panels;
mod recovery;
mod report_import;
mod search;
mod timebar;

use std::path::PathBuf;

use egui::{Color32, Key, KeyboardShortcut, Modifiers};
use walkers::{Map, MapMemory, lon_lat};

use crate::formats::export::OutputFormat;
use crate::formats::{self, Format, Loaded, Warning};
use crate::map::basemap::{Basemap, BasemapLayer, BasemapStyle, paint_scale_bar};
use crate::map::markers::{self, ClusterCache, MapEvents, MarkerItem, MarkerLayer, Underlay};
use crate::map::overlays::OverlayShapes;
use crate::map::{ScreenTransform, category_colours};
use crate::model::edit::History;
use crate::model::{Dataset, Day};
use crate::timeline::{DayIndex, WindowMode};

pub use files::SAMPLE_NAME;
pub use recovery::Pending;

/// The built-in sample, embedded in the binary.
pub const SAMPLE_GEOJSON: &[u8] = include_bytes!("../../assets/samples/aleppo-2016-09.geojson");

/// How the app starts: which file, day, mode and selection (the command line's options).
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub file: Option<PathBuf>,
    pub date: Option<Day>,
    pub mode: Option<WindowMode>,
    pub select: Option<String>,
    /// Where unsaved changes are autosaved and looked for at start (`None`: no autosave).
    pub recovery_dir: Option<PathBuf>,
    /// A tile package (.pmtiles or .mbtiles) to show as the basemap.
    pub basemap: Option<PathBuf>,
}

/// Where the dataset came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Sample,
    File(PathBuf),
    /// A new file, not saved yet.
    New,
}

/// A short message shown above the map.
#[derive(Clone, Debug)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The open document: data plus what the UI derives from it.
pub struct Document {
    pub dataset: Dataset,
    pub origin: Origin,
    /// The edits made since the file was opened or saved (Undo/Redo, unsaved changes).
    pub history: History,
    pub warnings: Vec<Warning>,
    pub records: usize,
    /// The format the file was read from.
    pub format: Format,
    pub index: DayIndex,
    pub colours: Vec<(String, Color32)>,
    /// Incidents without a date or a place: listed apart in the side panel.
    pub unplaced: Vec<usize>,
    /// Each incident's category, as an index into `colours`.
    pub category_of: Vec<u16>,
    /// Every incident in list order (most recent first, then most killed, then file order),
    /// with what a time step needs, so that a step reads one compact array in order.
    ranked: Vec<Ranked>,
    /// Each incident's position in `ranked`.
    list_rank: Vec<u32>,
    /// The dated incidents in the day index's order (first day, then file order), with their
    /// markers: a window's markers are gathered from it in one pass, and a step forward in
    /// cumulative mode appends the next days' to them.
    by_day: Vec<Placed>,
    /// Distinct marker positions (see `markers::assign_sites`).
    sites: usize,
    /// The file's lines and areas, ready to paint.
    pub overlays: OverlayShapes,
}

impl Document {
    pub fn new(loaded: Loaded, origin: Origin) -> Document {
        let ds = &loaded.dataset;
        // Two halves that need nothing of each other, on two threads (at a million incidents
        // each takes a sixth of a second): the day index with the markers in its order, and
        // the categories with the list order.
        let ((index, mut by_day, sites), (colours, category_of, list_rank, ranked)) =
            std::thread::scope(|scope| {
                let places = scope.spawn(|| {
                    let index = DayIndex::new(ds);
                    let mut by_day: Vec<Placed> = (index.order().iter())
                        .map(|&k| Placed {
                            rank: 0,
                            category: 0,
                            marker: MarkerItem::new(ds, k as usize, Color32::GRAY),
                        })
                        .collect();
                    let markers = by_day.iter_mut().filter_map(|p| p.marker.as_mut());
                    let sites = markers::assign_sites(markers);
                    (index, by_day, sites)
                });
                let lists = list_tables(ds);
                let places = places
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (places, lists)
            });
        // The list rank, category and colour of each marker, from the other half.
        for (p, &k) in by_day.iter_mut().zip(index.order()) {
            let k = k as usize;
            p.rank = list_rank[k];
            p.category = category_of[k];
            if let Some(m) = &mut p.marker {
                m.colour =
                    (colours.get(usize::from(p.category))).map_or(Color32::GRAY, |(_, c)| *c);
            }
        }
        let unplaced = (loaded.dataset.incidents.iter().enumerate())
            .filter(|(_, i)| i.date.is_none() || i.location.is_none())
            .map(|(k, _)| k)
            .collect();
        Document {
            category_of,
            sites,
            by_day,
            ranked,
            list_rank,
            overlays: OverlayShapes::new(&loaded.dataset.overlays),
            unplaced,
            dataset: loaded.dataset,
            origin,
            history: History::new(),
            warnings: loaded.warnings,
            records: loaded.records,
            format: loaded.format,
            index,
            colours,
        }
    }

    /// Whether the document has changes that are not in its file.
    pub fn dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// Rebuilds what the UI derives from the dataset after it was edited; the history, origin,
    /// format and warnings stay, and categories keep their colours.
    pub fn reindex(&mut self) {
        let loaded = Loaded {
            dataset: std::mem::take(&mut self.dataset),
            warnings: std::mem::take(&mut self.warnings),
            records: self.records,
            format: self.format,
        };
        let mut fresh = Document::new(loaded, self.origin.clone());
        for (category, colour) in &mut fresh.colours {
            if let Some((_, c)) = self.colours.iter().find(|(name, _)| name == category) {
                *colour = *c;
            }
        }
        // Marker colours were taken from the palette order: recolour them the same way.
        for r in &mut fresh.by_day {
            if let (Some(m), Some((_, c))) =
                (&mut r.marker, fresh.colours.get(usize::from(r.category)))
            {
                m.colour = *c;
            }
        }
        fresh.history = std::mem::take(&mut self.history);
        *self = fresh;
    }

    /// "Loaded 5 incidents and 2 lines or areas from 8 records".
    pub fn loaded_summary(&self) -> String {
        let n = self.dataset.incidents.len();
        let o = self.dataset.overlays.len();
        let shapes = if o > 0 {
            format!(" and {o} line{} or area{}", plural(o), plural(o))
        } else {
            String::new()
        };
        format!(
            "Loaded {n} incident{}{shapes} from {} record{}",
            plural(n),
            self.records,
            plural(self.records)
        )
    }

    /// Whether Save may write back to the file it came from: only GeoJSON is written without
    /// loss; an imported CSV or KML is never overwritten in another shape.
    pub fn saves_in_place(&self) -> bool {
        matches!(self.origin, Origin::File(_)) && self.format == Format::GeoJson
    }

    /// An empty file, for File > New.
    pub fn empty() -> Document {
        let loaded = Loaded {
            dataset: Dataset::default(),
            warnings: Vec::new(),
            records: 0,
            format: Format::GeoJson,
        };
        Document::new(loaded, Origin::New)
    }

    pub fn sample() -> Document {
        let loaded = formats::read_bytes(SAMPLE_GEOJSON, Some(SAMPLE_NAME))
            .expect("the built-in sample is valid (tested)");
        Document::new(loaded, Origin::Sample)
    }

    /// The colour of incident `i`'s category.
    pub fn colour_of_incident(&self, i: usize) -> Color32 {
        let k = self.category_of.get(i).copied().unwrap_or(u16::MAX);
        self.colours
            .get(usize::from(k))
            .map_or(Color32::GRAY, |(_, c)| *c)
    }

    pub fn colour_of(&self, category: &str) -> Color32 {
        self.colours
            .iter()
            .find(|(c, _)| c == category)
            .map_or(Color32::GRAY, |(_, col)| *col)
    }

    pub fn display_name(&self) -> String {
        match &self.origin {
            Origin::Sample => format!("{SAMPLE_NAME} (built-in sample)"),
            Origin::New => "Untitled (not saved yet)".to_owned(),
            Origin::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// An incident in list order: see [`Document::ranked`].
struct Ranked {
    index: u32,
    /// First and last day (`Day.0`); an undated incident has `first > last`.
    first: i32,
    last: i32,
    category: u16,
}

/// A dated incident in the day index's order: its place in the list, its category and marker.
struct Placed {
    rank: u32,
    category: u16,
    marker: Option<MarkerItem>,
}

/// The category colours (the file's own winning over the palette), each incident's category
/// (an index into them), each incident's list rank and the list itself.
type ListTables = (Vec<(String, Color32)>, Vec<u16>, Vec<u32>, Vec<Ranked>);

fn list_tables(ds: &Dataset) -> ListTables {
    let mut colours = category_colours(&ds.categories());
    for (category, colour) in &mut colours {
        if let Some([r, g, b]) = ds.category_colours.get(category) {
            *colour = Color32::from_rgb(*r, *g, *b);
        }
    }
    let category_of = category_indices(ds, &colours);
    let list_order = list_order(ds);
    let mut list_rank = vec![0u32; list_order.len()];
    for (r, &k) in list_order.iter().enumerate() {
        list_rank[k as usize] = r as u32;
    }
    let ranked: Vec<Ranked> = (list_order.iter().map(|&k| k as usize))
        .map(|k| {
            let inc = &ds.incidents[k];
            let (first, last) = match (inc.date, inc.last_day()) {
                (Some(a), Some(b)) => (a.0, b.0),
                _ => (i32::MAX, i32::MIN),
            };
            Ranked {
                index: k as u32,
                first,
                last,
                category: category_of[k],
            }
        })
        .collect();
    (colours, category_of, list_rank, ranked)
}

/// Each incident's category as an index into `colours` (which lists every category).
fn category_indices(ds: &Dataset, colours: &[(String, Color32)]) -> Vec<u16> {
    let slot: std::collections::HashMap<&str, u16> = (colours.iter().enumerate())
        .map(|(k, (name, _))| (name.as_str(), k.min(usize::from(u16::MAX)) as u16))
        .collect();
    (ds.incidents.iter())
        .map(|i| slot.get(i.category.as_str()).copied().unwrap_or(u16::MAX))
        .collect()
}

/// Adds the incidents at `positions` of `doc`'s day index that pass the filter (`passing`, by
/// list rank) to a window's `counts` (by category) and `markers`; returns their indices.
fn gather(
    doc: &Document,
    passing: &[bool],
    positions: impl Iterator<Item = usize>,
    counts: &mut [usize],
    markers: &mut Vec<MarkerItem>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for k in positions {
        let p = &doc.by_day[k];
        if !passing[p.rank as usize] {
            continue;
        }
        if let Some(n) = counts.get_mut(usize::from(p.category)) {
            *n += 1;
        }
        if let Some(m) = &p.marker {
            markers.push(m.clone());
        }
        out.push(doc.index.order()[k] as usize);
    }
    out
}

/// All incidents in list order: most recent (last day) first, then most killed, then in file
/// order. Sorted once per document on a packed key.
fn list_order(ds: &Dataset) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = (ds.incidents.iter().enumerate())
        .map(|(k, inc)| {
            // Descending day and killed: invert them in the key.
            let day = inc
                .last_day()
                .map_or(0, |d| (d.0 as i64 + (1 << 31)) as u64);
            let killed = u64::from(inc.casualties.killed.map_or(0, |n| n.saturating_add(1)));
            let key = ((u64::from(u32::MAX) - day) << 32) | (u64::from(u32::MAX) - killed);
            (key, k as u32)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, k)| k).collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The Situation Viewer application.
pub struct SitviewApp {
    pub doc: Document,
    /// The day the slider is on.
    pub current: Day,
    pub mode: WindowMode,
    /// N for the "last N days" mode, remembered while another mode is on.
    pub last_n: u32,
    pub playing: bool,
    /// Playback speed in days per second.
    pub speed: f32,
    play_clock: f64,
    /// Selected incident (index into the dataset).
    pub selected: Option<usize>,
    pub map_memory: MapMemory,
    /// Incidents in the current window, sorted for the list.
    visible: Vec<usize>,
    /// The markers of `visible`, in the day index's order.
    markers: Vec<MarkerItem>,
    /// What `visible` was made for: day, mode, data and filter generation, and the window.
    visible_key: Option<(Day, WindowMode, usize)>,
    visible_window: (Day, Day),
    events: MapEvents,
    fit_pending: bool,
    last_map_rect: Option<egui::Rect>,
    pub show_rings: bool,
    pub show_labels: bool,
    style: BasemapStyle,
    files: files::Files,
    pub notice: Option<Notice>,
    show_warnings: bool,
    show_about: bool,
    /// The import dialog of a file read with guessed columns.
    import: Option<import::Import>,
    /// Scroll the incident list to this incident at the next frame (selected on the map).
    scroll_list_to: Option<usize>,
    /// Marker clusters kept between frames.
    clusters: ClusterCache,
    /// Changes whenever `markers` is rebuilt (not when markers are appended to it).
    markers_generation: u64,
    /// Incidents per category (indices of `doc.colours`) in the current window.
    window_counts: Vec<usize>,
    /// A file being opened in the background.
    loading: Option<loading::Loading>,
    /// Day and selection asked for on the command line, applied once the file is open.
    pending_start: Option<(Option<Day>, Option<String>)>,
    ctx: egui::Context,
    /// The map's screen transform in the last frame (for image export).
    last_transform: Option<ScreenTransform>,
    /// The measuring tool.
    pub measure: measure::Measure,
    /// How each overlay layer is shown (visible, opacity); the Layers window edits it.
    pub layers: crate::map::overlays::LayerStyles,
    show_layers: bool,
    /// Categories, words and tolls filtered by; `passing` (by list rank) and `filtered_per_day`
    /// follow it, and change `filter_generation` when they do.
    pub filter: filter::Filter,
    applied_filter: filter::Filter,
    passing: Vec<bool>,
    filtered_per_day: Option<Vec<u32>>,
    filter_generation: usize,
    /// The document generation the filter was applied to.
    filter_doc: usize,
    /// The file the filter's categories belong to (`file_generation`).
    filter_file: usize,
    title: String,
    /// Changes with every change to the document (a file opened, an edit).
    generation: usize,
    /// Changes when another file is opened.
    file_generation: usize,
    /// The side panel's edit form, when open.
    editing: Option<edit::EditForm>,
    /// A marker being dragged to a new place.
    drag: Option<edit::MarkerDrag>,
    /// The next click on the map adds an incident there.
    pub adding: bool,
    /// Autosave and recovery of unsaved changes.
    recovery: recovery::Recovery,
    /// What waits for an answer about unsaved changes.
    confirm: Option<Pending>,
    /// What follows once the document has been saved.
    after_save: Option<Pending>,
    /// The app has agreed to close.
    closing: bool,
    /// The report import window and its proposals.
    report: report_import::ReportImport,
    /// The place search box over the map.
    pub place_search: search::PlaceSearch,
    /// The basemap picker and the tiles of the chosen background.
    pub basemaps: basemap_picker::Basemaps,
}

impl SitviewApp {
    /// Creates the app; `cc` gives access to persisted settings and the egui context.
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> SitviewApp {
        crate::text::install_fonts(&cc.egui_ctx);
        cc.egui_ctx.set_visuals(egui::Visuals::light());
        let recent = cc
            .storage
            .and_then(|s| eframe::get_value::<Vec<PathBuf>>(s, files::RECENT_KEY))
            .unwrap_or_default();
        let mut app = SitviewApp::with_document(Document::sample());
        app.ctx = cc.egui_ctx.clone();
        app.files.recent = recent;
        app.recovery = recovery::Recovery::new(options.recovery_dir.clone());
        let basemap = cc
            .storage
            .and_then(|s| eframe::get_value(s, crate::tiles::source::STORAGE_KEY));
        app.basemaps = basemap_picker::Basemaps::new(basemap.unwrap_or_default());
        if let Some(path) = options.basemap {
            app.basemaps.choose_package(path);
        }
        if let Some(mode) = options.mode {
            app.set_mode(mode);
        }
        if let Some(path) = &options.file {
            // The day and selection apply to that file, once it is open.
            app.pending_start = Some((options.date, options.select.clone()));
            app.open_path(path.clone());
        } else {
            app.apply_start(options.date, options.select);
        }
        app
    }

    /// Goes to the command line's day and selects its incident.
    fn apply_start(&mut self, date: Option<Day>, select: Option<String>) {
        let app = self;
        if let Some(d) = date {
            app.current = d;
        }
        if let Some(id) = &select {
            match app.doc.dataset.find(id) {
                Some(i) => {
                    app.select(i, true);
                    let _ = app.map_memory.set_zoom(10.0);
                }
                None => {
                    app.notice = Some(Notice {
                        text: format!("No incident with id {id:?} in this file"),
                        error: true,
                    })
                }
            }
        }
    }

    /// The command line that opens this file on the current day and window with incident `i`
    /// selected (the "Copy link" of the detail panel).
    pub fn deep_link(&self, i: usize) -> String {
        let quote = |s: &str| {
            if s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
            {
                s.to_owned()
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        };
        let file = match &self.doc.origin {
            Origin::File(p) => quote(&p.display().to_string()),
            Origin::Sample => "sample".to_owned(),
            Origin::New => "untitled.geojson".to_owned(),
        };
        let mode = match self.mode {
            WindowMode::Day => String::new(),
            WindowMode::LastDays(n) => format!(" --mode last:{n}"),
            WindowMode::Cumulative => " --mode cumulative".to_owned(),
        };
        let id = self
            .doc
            .dataset
            .incidents
            .get(i)
            .map_or("", |inc| inc.id.as_str());
        format!(
            "sitview {file} --date {}{mode} --select {}",
            self.current,
            quote(id)
        )
    }

    /// Names of the file's lines and areas drawn for the current window.
    pub fn overlays_shown(&self) -> Vec<String> {
        let window = self.window();
        (self.doc.overlays.visible_names(window).into_iter())
            .map(str::to_owned)
            .collect()
    }

    /// Incidents per day as the histogram shows them (after the filter).
    pub fn day_counts(&mut self) -> Vec<u32> {
        self.refresh_filter();
        (self.filtered_per_day.clone()).unwrap_or_else(|| self.doc.index.per_day().to_vec())
    }

    /// Where the point (lon, lat) was on screen in the last frame.
    pub fn screen_of(&self, lon: f64, lat: f64) -> Option<egui::Pos2> {
        self.last_transform.map(|t| t.lonlat(lon, lat))
    }

    /// Whether a file is being opened in the background.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    fn with_document(doc: Document) -> SitviewApp {
        let current = doc.index.range().map_or(Day(0), |(a, _)| a);
        SitviewApp {
            doc,
            current,
            mode: WindowMode::Day,
            last_n: 7,
            playing: false,
            speed: 1.0,
            play_clock: 0.0,
            selected: None,
            map_memory: {
                let mut m = MapMemory::default();
                let _ = m.set_zoom(7.0);
                m
            },
            visible: Vec::new(),
            markers: Vec::new(),
            visible_key: None,
            visible_window: (Day(0), Day(0)),
            events: MapEvents::default(),
            fit_pending: true,
            last_map_rect: None,
            show_rings: true,
            show_labels: true,
            style: BasemapStyle::default(),
            files: files::Files::default(),
            notice: None,
            show_warnings: false,
            show_about: false,
            import: None,
            scroll_list_to: None,
            clusters: ClusterCache::default(),
            markers_generation: 0,
            window_counts: Vec::new(),
            loading: None,
            pending_start: None,
            ctx: egui::Context::default(),
            last_transform: None,
            measure: measure::Measure::default(),
            layers: Default::default(),
            show_layers: false,
            filter: filter::Filter::default(),
            applied_filter: filter::Filter::default(),
            passing: Vec::new(),
            filtered_per_day: None,
            filter_generation: 0,
            filter_doc: usize::MAX,
            filter_file: usize::MAX,
            title: String::new(),
            generation: 0,
            file_generation: 0,
            editing: None,
            drag: None,
            adding: false,
            recovery: Default::default(),
            confirm: None,
            after_save: None,
            closing: false,
            report: Default::default(),
            place_search: Default::default(),
            basemaps: Default::default(),
        }
    }

    /// Replaces the document (after opening a file).
    pub fn set_document(&mut self, doc: Document) {
        let warnings = doc.warnings.len();
        let summary = doc.loaded_summary();
        loading::drop_in_background(std::mem::replace(&mut self.doc, doc));
        self.generation += 1;
        self.file_generation += 1;
        self.recovery.clear();
        self.editing = None;
        self.drag = None;
        self.adding = false;
        if let Some((a, _)) = self.doc.index.range() {
            self.current = a;
        }
        self.selected = None;
        self.playing = false;
        self.fit_pending = true;
        self.visible_key = None;
        self.notice = (warnings > 0).then(|| Notice {
            text: format!(
                "{summary}, with {warnings} warning{}",
                if warnings == 1 { "" } else { "s" }
            ),
            error: false,
        });
        self.show_warnings = warnings > 0;
    }

    /// The days the current window covers.
    pub fn window(&self) -> (Day, Day) {
        self.doc.index.window_days(self.mode, self.current)
    }

    pub fn set_mode(&mut self, mode: WindowMode) {
        if let WindowMode::LastDays(n) = mode {
            self.last_n = n;
        }
        self.mode = mode;
    }

    /// Moves the current day by `n` days, within the data's range.
    pub fn step(&mut self, n: i32) {
        if let Some((a, b)) = self.doc.index.range() {
            self.current = self.current.plus(n).clamp(a, b);
        }
    }

    pub fn go_to(&mut self, day: Day) {
        self.current = day;
    }

    /// Selects an incident; `centre` moves the map to it.
    pub fn select(&mut self, index: usize, centre: bool) {
        if self.selected != Some(index) {
            self.scroll_list_to = Some(index);
        }
        self.selected = Some(index);
        if centre && let Some(loc) = self.doc.dataset.incidents[index].location {
            self.map_memory.center_at(lon_lat(loc.lon, loc.lat));
            self.fit_pending = false;
        }
    }

    /// Incidents in the current window, in list order.
    pub fn visible(&mut self) -> &[usize] {
        self.refresh_visible();
        &self.visible
    }

    /// Ids of the incidents in the current window.
    pub fn visible_ids(&mut self) -> Vec<String> {
        self.refresh_visible();
        self.visible
            .iter()
            .map(|&i| self.doc.dataset.incidents[i].id.to_string())
            .collect()
    }

    /// Re-evaluates the filter when it or the document changed: which incidents pass (by list
    /// rank) and the per-day counts of those that do.
    fn refresh_filter(&mut self) {
        let doc = &self.doc;
        if self.filter_file != self.file_generation {
            // Another file: its categories are others.
            self.filter.hidden.clear();
            self.filter_file = self.file_generation;
        }
        self.filter.hidden.resize(doc.colours.len(), false);
        if self.filter == self.applied_filter && self.filter_doc == self.generation {
            return;
        }
        self.filter_doc = self.generation;
        self.passing = (doc.ranked.iter())
            .map(|e| {
                self.filter
                    .passes(&doc.dataset.incidents[e.index as usize], e.category)
            })
            .collect();
        self.filtered_per_day = self.filter.is_active().then(|| {
            let Some((first, last)) = doc.index.range() else {
                return Vec::new();
            };
            let len = (last.0 - first.0 + 1) as usize;
            let mut diff = vec![0i64; len + 1];
            for (e, _) in doc.ranked.iter().zip(&self.passing).filter(|(_, p)| **p) {
                if e.first <= e.last {
                    diff[(e.first - first.0) as usize] += 1;
                    diff[(e.last - first.0 + 1) as usize] -= 1;
                }
            }
            let mut run = 0i64;
            diff[..len]
                .iter()
                .map(|d| {
                    run += d;
                    run as u32
                })
                .collect()
        });
        self.applied_filter = self.filter.clone();
        self.filter_generation += 1;
    }

    fn refresh_visible(&mut self) {
        self.refresh_filter();
        let key = (
            self.current,
            self.mode,
            self.generation + (self.filter_generation << 32),
        );
        if self.visible_key == Some(key) {
            return;
        }
        let (from, to) = self.window();
        match self.visible_key {
            // A step forward in cumulative mode (playback): only the incidents starting on
            // the days stepped over join, at the end of the markers.
            Some((day, WindowMode::Cumulative, data))
                if self.mode == WindowMode::Cumulative
                    && data == key.2
                    && day < self.current
                    && self.visible_window == (from, day) =>
            {
                self.extend_visible(day, to);
            }
            _ => self.rebuild_visible(from, to),
        }
        self.visible_window = (from, to);
        self.visible_key = Some(key);
    }

    /// Makes the visible incidents, their markers and counts for the window `from..=to`.
    fn rebuild_visible(&mut self, from: Day, to: Day) {
        let doc = &self.doc;
        self.window_counts.clear();
        self.window_counts.resize(doc.colours.len(), 0);
        self.markers.clear();
        let positions = doc.index.window_positions(from, to);
        let mut v = gather(
            doc,
            &self.passing,
            positions,
            &mut self.window_counts,
            &mut self.markers,
        );
        // The list shows them in list order.
        if v.len() > doc.ranked.len() / 16 {
            // A large window: one pass over the compact, presorted array beats sorting.
            v.clear();
            for (e, _) in doc.ranked.iter().zip(&self.passing).filter(|(_, p)| **p) {
                if e.first <= to.0 && e.last >= from.0 {
                    v.push(e.index as usize);
                }
            }
        } else {
            v.sort_unstable_by_key(|&k| doc.list_rank[k]);
        }
        self.markers_generation += 1;
        self.visible = v;
    }

    /// Adds to the cumulative window up to `day` the incidents starting after it and by `to`.
    fn extend_visible(&mut self, day: Day, to: Day) {
        let doc = &self.doc;
        let positions = doc.index.starting_between(day, to);
        let mut new = gather(
            doc,
            &self.passing,
            positions,
            &mut self.window_counts,
            &mut self.markers,
        );
        // Into the list, in list order: merged from the back, in place.
        new.sort_unstable_by_key(|&k| doc.list_rank[k]);
        let rank = |k: usize| doc.list_rank[k];
        let v = &mut self.visible;
        let mut old = v.len();
        v.resize(old + new.len(), 0);
        let mut at = v.len();
        while let Some(&n) = new.last() {
            at -= 1;
            if old > 0 && rank(v[old - 1]) > rank(n) {
                old -= 1;
                v[at] = v[old];
            } else {
                v[at] = n;
                new.pop();
            }
        }
    }

    /// Screen position of an incident's marker (or its cluster) in the last frame.
    pub fn marker_screen_pos(&self, index: usize) -> Option<egui::Pos2> {
        self.clusters.screen_pos(index)
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        const SAVE_AS: KeyboardShortcut =
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
        const EXPORT_IMAGE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
        if ctx.input_mut(|i| i.consume_shortcut(&EXPORT_IMAGE)) {
            let stem = self.suggested_name();
            let stem = stem.trim_end_matches(".geojson");
            self.files
                .export_image(ctx, format!("{stem}-map.png"), [1920, 1080]);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE_AS)) {
            self.files.save_as(ctx, self.suggested_name());
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE)) {
            self.save(ctx);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN)) {
            self.files.open_dialog(ctx);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&NEW)) {
            self.request(Pending::New);
        }
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (left, right, home, end, space, escape) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowLeft),
                i.consume_key(Modifiers::NONE, Key::ArrowRight),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
                i.consume_key(Modifiers::NONE, Key::Space),
                i.consume_key(Modifiers::NONE, Key::Escape),
            )
        });
        if left {
            self.step(-1);
        }
        if right {
            self.step(1);
        }
        if let Some((a, b)) = self.doc.index.range() {
            if home {
                self.current = a;
            }
            if end {
                self.current = b;
            }
        }
        if space {
            self.toggle_play();
        }
        if escape {
            if self.adding {
                self.adding = false;
            } else if self.editing.is_some() {
                self.editing = None;
            } else if self.measure.active {
                self.measure = measure::Measure::default();
            } else {
                self.selected = None;
            }
        }
    }

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
        } else if let Some((a, b)) = self.doc.index.range() {
            if self.current >= b {
                self.current = a;
            }
            self.playing = true;
            self.play_clock = 0.0;
        }
    }

    fn advance_playback(&mut self, ctx: &egui::Context) {
        if !self.playing {
            return;
        }
        let dt = ctx.input(|i| i.stable_dt).min(0.25) as f64;
        self.play_clock += dt * self.speed as f64;
        while self.play_clock >= 1.0 {
            self.play_clock -= 1.0;
            match self.doc.index.range() {
                Some((_, b)) if self.current < b => self.current = self.current.plus(1),
                _ => {
                    self.playing = false;
                    break;
                }
            }
        }
        ctx.request_repaint();
    }

    /// Save: back to the file when it is one of ours (GeoJSON), else Save As — an imported
    /// CSV or KML is never overwritten with something else.
    fn save(&mut self, ctx: &egui::Context) {
        match &self.doc.origin {
            Origin::File(path) if self.doc.saves_in_place() => {
                let path = path.clone();
                self.save_to(path);
            }
            _ => self.files.save_as(ctx, self.suggested_name()),
        }
    }

    /// A file name for Save As: the current one with `.geojson`.
    pub(super) fn suggested_name(&self) -> String {
        match &self.doc.origin {
            Origin::File(p) => p.with_extension("geojson").file_name().map_or_else(
                || "incidents.geojson".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Origin::Sample | Origin::New => "incidents.geojson".to_owned(),
        }
    }

    /// Writes the document to `path`, atomically, in the format its extension names. GeoJSON
    /// makes `path` the document's file; other formats are exports and leave it as it was.
    pub fn save_to(&mut self, path: PathBuf) {
        let format = match OutputFormat::for_path(&path) {
            Ok(f) => f,
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("Could not save {e}"),
                    error: true,
                });
                return;
            }
        };
        if format != OutputFormat::GeoJson {
            return self.export_to(path, false);
        }
        let bytes = formats::geojson::write(&self.doc.dataset);
        match formats::write_atomic(&path, &bytes) {
            Ok(()) => {
                self.doc.origin = Origin::File(path.clone());
                self.doc.format = Format::GeoJson;
                self.doc.history.mark_saved();
                self.files.remember(&path);
                self.notice = Some(Notice {
                    text: format!("Saved {}", path.display()),
                    error: false,
                });
                self.saved();
            }
            Err(e) => self.save_failed(&path, &e.to_string()),
        }
    }

    /// Writes everything, or only the incidents in the current time window, to `path` in the
    /// format its extension names. The document itself is unchanged.
    pub fn export_to(&mut self, path: PathBuf, window_only: bool) {
        let filtered: Dataset;
        let data = if window_only {
            let (from, to) = self.window();
            filtered = self.doc.dataset.in_window(from, to);
            &filtered
        } else {
            &self.doc.dataset
        };
        let written = OutputFormat::for_path(&path).and_then(|f| {
            let bytes = f.write(data).map_err(|e| e.to_string())?;
            formats::write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
            Ok(f)
        });
        match written {
            Ok(f) => {
                self.notice = Some(Notice {
                    text: format!(
                        "Exported {} incidents to {} ({})",
                        data.incidents.len(),
                        path.display(),
                        f.label()
                    ),
                    error: false,
                });
            }
            Err(e) => self.save_failed(&path, &e),
        }
    }

    /// An animation of every day of the data (at most ten years), one frame a day in the current
    /// window mode, showing the area on screen: a looping GIF, or numbered PNGs.
    pub fn export_animation(&mut self, path: PathBuf) {
        let Some((first, last)) = self.doc.index.range() else {
            self.notice = Some(Notice {
                text: "No dated incidents to animate".into(),
                error: true,
            });
            return;
        };
        let mut spec = self.view_spec(first, [1280, 800]);
        spec.mode = self.mode;
        match crate::export::animation::write(&self.doc.dataset, spec, last, &path) {
            Ok(msg) => {
                self.notice = Some(Notice {
                    text: format!("Animation: {msg}"),
                    error: false,
                })
            }
            Err(e) => self.save_failed(&path, &e),
        }
    }

    /// A map image of `day` showing the area on screen at `size` pixels.
    fn view_spec(&self, day: Day, size: [u32; 2]) -> crate::export::image::MapImage {
        let mut spec = crate::export::image::MapImage::new(day);
        spec.size = size;
        spec.mode = self.mode;
        if let Some(t) = &self.last_transform {
            let (lon, lat) = t.centre_lonlat();
            let wider = f64::from(size[0]) / f64::from(t.rect.width().max(1.0));
            spec.centre = Some((lat, lon));
            spec.zoom = Some((t.zoom + wider.log2()).clamp(2.0, 17.0));
            spec.fit = false;
        }
        spec
    }

    /// Writes the map as it is on screen (same centre, same area, current window) as a PNG of
    /// `size` pixels, laid out for a slide: title, date, legend, scale bar, north arrow, credits.
    pub fn export_image(&mut self, path: PathBuf, size: [u32; 2]) {
        let spec = self.view_spec(self.current, size);
        let written = crate::export::image::render_map(&self.doc.dataset, &spec)
            .and_then(|img| crate::export::image::encode_png(&img))
            .and_then(|png| formats::write_atomic(&path, &png).map_err(|e| e.to_string()));
        match written {
            Ok(()) => {
                self.notice = Some(Notice {
                    text: format!(
                        "Exported the map to {} ({}×{})",
                        path.display(),
                        size[0],
                        size[1]
                    ),
                    error: false,
                })
            }
            Err(e) => self.save_failed(&path, &e),
        }
    }

    /// Adds the lines and areas of the file at `path` (GeoJSON, KML …) to the document as an
    /// overlay layer named after the file; its points are not added (open the file to see them).
    pub fn add_overlay_layer(&mut self, path: PathBuf) {
        let loaded = match formats::read_path(&path) {
            Ok(l) => l,
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("Could not add the layer {e}"),
                    error: true,
                });
                return;
            }
        };
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut shapes = loaded.dataset.overlays;
        let points = loaded.dataset.incidents.len();
        if shapes.is_empty() {
            self.notice = Some(Notice {
                text: format!("{name} has no lines or areas to add as a layer ({points} points)"),
                error: true,
            });
            return;
        }
        for o in &mut shapes {
            o.properties.insert(
                crate::map::overlays::LAYER_KEY.to_owned(),
                serde_json::Value::String(name.clone()),
            );
        }
        let added = shapes.len();
        self.doc.dataset.overlays.extend(shapes);
        self.doc.overlays = OverlayShapes::new(&self.doc.dataset.overlays);
        self.doc.history.mark_untracked();
        self.layers.entry(name.clone()).or_default();
        self.show_layers = true;
        let skipped = if points > 0 {
            format!("; its {points} points were not added (open the file to see them)")
        } else {
            String::new()
        };
        self.notice = Some(Notice {
            text: format!("Added layer {name}: {added} lines or areas{skipped}"),
            error: false,
        });
    }

    /// The Layers window: each overlay layer's visibility and opacity.
    fn layers_window(&mut self, ctx: &egui::Context) {
        if !self.show_layers {
            return;
        }
        let mut open = true;
        let names = self.doc.overlays.layers();
        egui::Window::new("Overlay layers")
            .open(&mut open)
            .default_width(300.0)
            .show(ctx, |ui| {
                if names.is_empty() {
                    ui.weak("No layers yet: File > Add overlay layer…");
                }
                for name in &names {
                    let style = self.layers.entry(name.clone()).or_default();
                    ui.checkbox(&mut style.visible, name.as_str());
                    ui.horizontal(|ui| {
                        ui.add(egui::Slider::new(&mut style.opacity, 0.0..=1.0).text("opacity"));
                        let mut own = style.colour.is_some();
                        if ui.checkbox(&mut own, "colour").changed() {
                            style.colour = own.then_some(Color32::from_rgb(0x9E, 0x1B, 0x32));
                        }
                        if let Some(c) = &mut style.colour {
                            ui.color_edit_button_srgba(c);
                        }
                    });
                    ui.separator();
                }
                ui.weak(
                    "Lines and areas that came with the incident file itself are always shown.",
                );
            });
        self.show_layers = open;
    }

    /// Writes the day report of the current window (.html or .md) with the map beside it.
    pub fn export_report(&mut self, path: PathBuf) {
        let mut spec = crate::export::image::MapImage::new(self.current);
        spec.mode = self.mode;
        match crate::export::report::write_report(&self.doc.dataset, &spec, &path) {
            Ok(msg) => {
                self.notice = Some(Notice {
                    text: format!("Report: {msg}"),
                    error: false,
                })
            }
            Err(e) => self.save_failed(&path, &e),
        }
    }

    fn save_failed(&mut self, path: &std::path::Path, error: &str) {
        // Whatever was to follow the save (closing, opening another file) must not happen.
        self.after_save = None;
        self.notice = Some(Notice {
            text: format!(
                "Could not save {}: {error}. Nothing was changed on disk; the data is still here.",
                path.display()
            ),
            error: true,
        });
    }

    /// Opens the file at `path`, replacing the current document if it loads. A file read with
    /// guessed columns opens the import dialog too; a CSV whose columns could not be found
    /// opens only the dialog, and the current document stays.
    pub fn open_path(&mut self, path: PathBuf) {
        if let Some(previous) = self.loading.take() {
            previous.cancel();
        }
        self.loading = Some(loading::Loading::start(path, &self.ctx));
    }

    /// Takes the result of a background open, or shows its progress.
    fn loading_ui(&mut self, ctx: &egui::Context) {
        let Some(l) = &self.loading else {
            return;
        };
        let Some(outcome) = l.poll() else {
            if l.ui(ctx) {
                l.cancel();
                let name = l.path.display().to_string();
                self.loading = None;
                self.pending_start = None;
                self.notice = Some(Notice {
                    text: format!("Opening {name} was cancelled"),
                    error: false,
                });
            }
            return;
        };
        let path = l.path.clone();
        self.loading = None;
        match outcome {
            loading::Outcome::Loaded(doc, import) => {
                self.files.remember(&path);
                self.set_document(*doc);
                self.import = import;
                if let Some((date, select)) = self.pending_start.take() {
                    self.apply_start(date, select);
                }
            }
            loading::Outcome::Failed(message, rescue) => {
                self.import = rescue;
                self.pending_start = None;
                self.notice = Some(Notice {
                    text: format!("Could not open {message}"),
                    error: true,
                });
            }
            loading::Outcome::Cancelled => self.pending_start = None,
        }
    }

    /// The import dialog, when open; applying it replaces the document.
    fn import_ui(&mut self, ctx: &egui::Context) {
        let Some(import) = &mut self.import else {
            return;
        };
        let outcome = import.ui(ctx);
        let (open, path) = (import.open, import.path.clone());
        if let import::Outcome::Loaded(loaded) = outcome {
            self.files.remember(&path);
            let keep = self.import.take();
            self.set_document(Document::new(loaded, Origin::File(path)));
            self.import = keep;
        } else if !open {
            self.import = None;
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!(
            "{}{} — Situation Viewer",
            if self.doc.dirty() { "• " } else { "" },
            self.doc.display_name()
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The window title the app last asked for.
    pub fn title(&self) -> &str {
        &self.title
    }

    fn map_ui(&mut self, ui: &mut egui::Ui) {
        self.refresh_visible();
        let rect = ui.available_rect_before_wrap();
        // Fit once the layout has settled (the first frames may still be sizing panels).
        if self.fit_pending && self.last_map_rect == Some(rect) && rect.height() > 100.0 {
            self.fit_to_data(rect);
        }
        self.last_map_rect = Some(rect);
        let dragging = self.marker_drag(ui, rect);
        let mut events = MapEvents::default();
        let basemap = Basemap::embedded();
        let centre = lon_lat(38.5, 35.0);
        // Overlays and labels are painted by the marker layer's underlay, between the basemap
        // and the markers, so that the labels can keep clear of the markers.
        let labels = BasemapLayer {
            basemap,
            style: &self.style,
            show_labels: self.show_labels && self.basemaps.embedded_labels(),
        };
        let overlays = &self.doc.overlays;
        let layer_styles = &self.layers;
        let window = self.doc.index.window_days(self.mode, self.current);
        let underlay: Underlay<'_> = Box::new(
            move |p: &egui::Painter, t: &ScreenTransform, discs: &[(egui::Pos2, f32)]| {
                overlays.paint(p, t, window, layer_styles);
                if labels.show_labels {
                    labels.paint_labels(p, t, discs);
                }
            },
        );
        let tile_opacity = self.basemaps.settings.opacity;
        let t = Map::new(None, &mut self.map_memory, centre)
            .drag_pan_buttons(if dragging {
                egui::DragPanButtons::empty()
            } else {
                egui::DragPanButtons::PRIMARY
            })
            .with_plugin(BasemapLayer {
                basemap,
                style: &self.style,
                show_labels: false,
            })
            .with_plugin(crate::map::tiles::TileLayer {
                view: self.basemaps.view(ui.ctx()),
                opacity: tile_opacity,
            })
            .with_plugin(MarkerLayer {
                dataset: &self.doc.dataset,
                items: &self.markers,
                selected: self.selected,
                show_rings: self.show_rings,
                events: &mut events,
                cache: &mut self.clusters,
                generation: self.markers_generation,
                sites: self.doc.sites,
                underlay: Some(underlay),
            })
            .show(ui, |_ui, _response, projector, _memory| {
                ScreenTransform::new(projector, rect)
            })
            .inner;
        if let Some((text, error)) = self.basemaps.take_notice() {
            self.notice = Some(Notice { text, error });
        }
        self.map_decorations(ui, &t, rect);
        // Left of the zoom buttons (72 points wide, 10 in from the edge).
        if let Some(j) = self.place_search.ui(ui, rect, 92.0) {
            self.map_memory.center_at(lon_lat(j.lon, j.lat));
            let _ = self.map_memory.set_zoom(j.zoom);
        }
        self.last_transform = Some(t);
        if self.adding {
            if let Some((lon, lat)) = events.clicked_at {
                self.add_incident_at(lon, lat);
            }
        } else if self.measure.active {
            if let Some(at) = events.clicked_at {
                self.measure.points.push(at);
            }
        } else if let Some(i) = events.clicked_incident {
            self.select(i, false);
        } else if let Some(members) = &events.clicked_cluster {
            self.zoom_to(members, rect);
        } else if events.clicked_empty {
            self.selected = None;
        }
        self.events = events;
    }

    /// Credits, scale bar, legend and zoom buttons over the map.
    fn map_decorations(&mut self, ui: &mut egui::Ui, t: &ScreenTransform, rect: egui::Rect) {
        let painter = ui.painter().with_clip_rect(rect);
        let credit = painter.layout_no_wrap(
            self.basemaps.attribution(),
            egui::FontId::proportional(10.5),
            Color32::from_gray(60),
        );
        let credit_rect = egui::Rect::from_min_size(
            egui::pos2(rect.min.x + 6.0, rect.max.y - credit.size().y - 4.0),
            credit.size(),
        );
        painter.rect_filled(
            credit_rect.expand(3.0),
            2.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 190),
        );
        painter.galley(credit_rect.min, credit, Color32::from_gray(60));
        paint_scale_bar(
            &painter,
            t,
            egui::pos2(rect.min.x + 10.0, credit_rect.min.y - 8.0),
            120.0,
        );
        self.map_overlay_ui(ui, t, rect);
    }

    /// Legend and zoom buttons floating over the map.
    fn map_overlay_ui(&mut self, ui: &mut egui::Ui, t: &ScreenTransform, rect: egui::Rect) {
        let painter = ui.painter().with_clip_rect(rect);
        let legend_rect =
            egui::Rect::from_min_size(rect.min + egui::vec2(10.0, 10.0), egui::vec2(220.0, 200.0));
        let mut legend_ui = ui.new_child(egui::UiBuilder::new().max_rect(legend_rect));
        egui::Frame::popup(legend_ui.style()).show(&mut legend_ui, |ui| {
            ui.label(egui::RichText::new("Legend").strong());
            // Small files list every category; large ones only those in the window, the
            // most frequent first, so the legend never covers the map.
            const MAX_ROWS: usize = 10;
            let count = |k: usize| self.window_counts.get(k).copied().unwrap_or(0);
            let off = |k: usize| self.filter.hidden.get(k).copied().unwrap_or(false);
            let mut rows: Vec<usize> = (0..self.doc.colours.len()).collect();
            if rows.len() > MAX_ROWS {
                // Categories switched off stay listed, so they can be switched on again.
                rows.retain(|&k| count(k) > 0 || off(k));
                rows.sort_by_key(|&k| std::cmp::Reverse(count(k)));
            }
            let hidden = rows.len().saturating_sub(MAX_ROWS);
            let mut toggled = None;
            for &k in rows.iter().take(MAX_ROWS) {
                let (name, colour) = &self.doc.colours[k];
                ui.horizontal(|ui| {
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    let fill = if off(k) {
                        Color32::TRANSPARENT
                    } else {
                        *colour
                    };
                    ui.painter()
                        .circle(r.center(), 5.5, fill, egui::Stroke::new(1.2, *colour));
                    let mut on = !off(k);
                    if ui
                        .checkbox(&mut on, format!("{name} ({})", count(k)))
                        .on_hover_text("Show or hide this category")
                        .changed()
                    {
                        toggled = Some(k);
                    }
                });
            }
            if let Some(k) = toggled
                && let Some(h) = self.filter.hidden.get_mut(k)
            {
                *h = !*h;
            }
            if hidden > 0 {
                ui.weak(format!("and {hidden} more categories"));
            }
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().circle(
                    r.center(),
                    5.5,
                    Color32::from_rgb(0x2B, 0x2F, 0x36),
                    egui::Stroke::new(1.5, Color32::GRAY),
                );
                ui.label("Cluster (click to zoom)");
            });
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().circle(
                    r.center(),
                    5.5,
                    Color32::from_gray(230),
                    egui::Stroke::new(1.0, Color32::GRAY),
                );
                ui.label("Ring: location uncertainty");
            });
        });
        let zoom_rect = egui::Rect::from_min_size(
            egui::pos2(rect.max.x - 82.0, rect.min.y + 10.0),
            egui::vec2(72.0, 140.0),
        );
        let mut zoom_ui = ui.new_child(egui::UiBuilder::new().max_rect(zoom_rect));
        egui::Frame::popup(zoom_ui.style()).show(&mut zoom_ui, |ui| {
            if ui.button(" + ").on_hover_text("Zoom in").clicked() {
                let _ = self.map_memory.zoom_in();
            }
            if ui.button(" − ").on_hover_text("Zoom out").clicked() {
                let _ = self.map_memory.zoom_out();
            }
            if ui
                .button("Fit")
                .on_hover_text("Fit the map to the data")
                .clicked()
            {
                self.fit_pending = true;
            }
            let label = if self.measure.active { "End" } else { "Ruler" };
            if ui
                .selectable_label(self.measure.active, label)
                .on_hover_text("Measure distances: click points on the map; Esc ends")
                .clicked()
            {
                self.measure.active = !self.measure.active;
                self.measure.points.clear();
            }
        });
        self.measure.paint(&painter, t);
        self.paint_candidates(&painter, t);
        if let Some(d) = self.drag
            && d.moved
            && let Some(l) = self
                .doc
                .dataset
                .incidents
                .get(d.index)
                .and_then(|i| i.location)
        {
            // The marker follows the pointer; a thin line shows where it came from.
            let from = t.lonlat(l.lon, l.lat);
            let colour = self.doc.colour_of_incident(d.index);
            painter.line_segment([from, d.to], egui::Stroke::new(1.5, Color32::from_gray(60)));
            painter.circle(d.to, 7.0, colour, egui::Stroke::new(2.0, Color32::WHITE));
        }
        let banner = if self.adding {
            Some("Click on the map where the incident happened (Esc cancels)".to_owned())
        } else if self.measure.active {
            Some(match self.measure.points.len() {
                0 => "Click on the map to start measuring (Esc ends)".to_owned(),
                1 => "Click the next point".to_owned(),
                n => format!(
                    "Distance: {} over {} legs (geodesic)",
                    measure::format_km(self.measure.total_m()),
                    n - 1
                ),
            })
        } else {
            None
        };
        if let Some(text) = banner {
            if self.adding {
                ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
            }
            let area = egui::Rect::from_center_size(
                egui::pos2(rect.center().x, rect.min.y + 118.0),
                egui::vec2(480.0, 30.0),
            );
            let mut child = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(area)
                    .layout(egui::Layout::top_down(egui::Align::Center)),
            );
            egui::Frame::popup(child.style()).show(&mut child, |ui| {
                ui.label(egui::RichText::new(text).size(14.0));
            });
        }
    }

    /// Centres and zooms the map so that every located incident fits in `rect`.
    fn fit_to_data(&mut self, rect: egui::Rect) {
        let all: Vec<usize> = (0..self.doc.dataset.incidents.len()).collect();
        self.zoom_to(&all, rect);
        self.fit_pending = false;
    }

    fn zoom_to(&mut self, members: &[usize], rect: egui::Rect) {
        let ds = &self.doc.dataset;
        let points: Vec<[f64; 2]> = (members.iter())
            .filter_map(|&i| ds.incidents[i].location)
            .map(|l| crate::map::mercator(l.lon, l.lat))
            .collect();
        // A cluster click always zooms in by at least one level; fitting the whole file need
        // not.
        let zoom_in = members.len() < ds.incidents.len();
        self.fit_points(&points, rect, zoom_in);
    }

    /// Centres the map on `points` (unit-square Mercator) and zooms so that they fit in `rect`.
    pub(super) fn fit_points(&mut self, points: &[[f64; 2]], rect: egui::Rect, zoom_in: bool) {
        let Some(b) = markers::bounds(points.iter().copied()) else {
            return;
        };
        let (w, h) = (rect.width() as f64 - 120.0, rect.height() as f64 - 120.0);
        let dx = (b.width() as f64).max(1e-9);
        let dy = (b.height() as f64).max(1e-9);
        let zoom = ((w.max(50.0) / (dx * 256.0)).min(h.max(50.0) / (dy * 256.0)))
            .log2()
            .clamp(3.0, 14.0);
        let current = self.map_memory.zoom();
        let zoom = if zoom_in {
            zoom.max(current + 1.0).min(16.0)
        } else {
            // A few close points should still show their town.
            zoom.min(12.0)
        };
        let (cx, cy) = crate::map::unmercator([b.center().x as f64, b.center().y as f64]);
        let _ = self.map_memory.set_zoom(zoom.floor().max(3.0));
        self.map_memory.center_at(lon_lat(cx, cy));
    }
}

impl eframe::App for SitviewApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.files.poll(&ctx);
        self.loading_ui(&ctx);
        for action in self.files.take_actions() {
            match action {
                files::Action::Open(p) => self.request(Pending::Open(p)),
                files::Action::SaveTo(p) => self.save_to(p),
                files::Action::ExportTo(p, window_only) => self.export_to(p, window_only),
                files::Action::ExportImage(p, size) => self.export_image(p, size),
                files::Action::ExportReport(p) => self.export_report(p),
                files::Action::AddLayer(p) => self.add_overlay_layer(p),
                files::Action::ExportAnimation(p) => self.export_animation(p),
                files::Action::OpenSample => self.request(Pending::OpenSample),
                files::Action::Notice(n) => self.notice = Some(n),
                files::Action::SaveCancelled => self.after_save = None,
                files::Action::New => self.request(Pending::New),
                files::Action::ImportReport => self.open_report_import(),
                files::Action::ReportText(p) => self.load_report_text(&p),
            }
        }
        self.handle_close_request(&ctx);
        self.edit_shortcuts(&ctx);
        self.handle_shortcuts(&ctx);
        self.advance_playback(&ctx);
        self.autosave_tick(&ctx);
        self.update_title(&ctx);

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("timeline")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 8)),
            )
            .show(ui, |ui| self.timebar_ui(ui));
        egui::Panel::right("incidents")
            .default_size(400.0)
            .size_range(280.0..=700.0)
            .show(ui, |ui| self.side_panel_ui(ui));
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.map_ui(ui);
            self.notice_ui(ui);
        });
        self.files.windows_ui(&ctx);
        self.import_ui(&ctx);
        self.report_import_ui(&ctx);
        self.layers_window(&ctx);
        self.warnings_window(&ctx);
        self.about_window(&ctx);
        self.recovery_ui(&ctx);
        self.basemaps.window(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, files::RECENT_KEY, &self.files.recent);
        eframe::set_value(
            storage,
            crate::tiles::source::STORAGE_KEY,
            &self.basemaps.settings,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app on 3 000 generated ACLED rows (ten years, ranges from `sitview:date_end` tags
    /// included), in cumulative mode.
    fn app() -> SitviewApp {
        let mut csv = Vec::new();
        crate::generate::write_acled(&mut csv, 3_000, 7).expect("generated");
        let loaded = formats::read_bytes(&csv, Some("generated.csv")).expect("read");
        let mut app = SitviewApp::with_document(Document::new(loaded, Origin::Sample));
        app.set_mode(WindowMode::Cumulative);
        app
    }

    /// What a rebuild of the window gives: the list, the markers and the counts.
    fn rebuilt(app: &mut SitviewApp) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
        app.visible_key = None;
        let list = app.visible().to_vec();
        let markers = app.markers.iter().map(|m| m.index).collect();
        (list, markers, app.window_counts.clone())
    }

    #[test]
    fn stepping_forward_in_cumulative_mode_adds_what_a_rebuild_would() {
        let mut app = app();
        let (first, _) = app.doc.index.range().expect("dated");
        // With and without a filter (one category off, so that passing matters).
        for hide in [false, true] {
            app.filter.hidden.resize(app.doc.colours.len(), false);
            app.filter.hidden[0] = hide;
            app.go_to(first.plus(200));
            app.visible();
            let mut generation = app.markers_generation;
            for step in [1, 1, 3, 30, 365, 1] {
                app.step(step);
                let list = app.visible().to_vec();
                let markers: Vec<usize> = app.markers.iter().map(|m| m.index).collect();
                let counts = app.window_counts.clone();
                // Appended to, not rebuilt.
                assert_eq!(app.markers_generation, generation, "step {step}");
                let (l, m, c) = rebuilt(&mut app);
                assert!(!l.is_empty());
                assert_eq!(list, l, "step {step}, filter {hide}");
                assert_eq!(markers, m, "step {step}, filter {hide}");
                assert_eq!(counts, c, "step {step}, filter {hide}");
                generation = app.markers_generation;
            }
            // A step back rebuilds.
            let generation = app.markers_generation;
            app.step(-1);
            app.visible();
            assert_ne!(app.markers_generation, generation);
        }
    }
}
