//! `sitview`: the Situation Viewer's command line. With no arguments it opens the viewer on the
//! built-in sample; with a FILE, on that file; `sitview info FILE` summarises a file headlessly
//! and `sitview render FILE --out map.png` draws a map image headlessly.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sitview::app::{SitviewApp, StartOptions};
use sitview::cli;
use sitview::model::Day;
use sitview::timeline::WindowMode;

/// mimalloc rather than the system's allocator: loading a large file makes millions of small
/// allocations on several threads (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sitview",
    version,
    about = "Situation Viewer: incidents on an offline map, day by day, with their sources"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Incident file to open (any readable format); without it, or with `sample`, the
    /// built-in sample opens.
    file: Option<PathBuf>,
    /// Day to show first (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    date: Option<Day>,
    /// Window: `day`, `last:N` or `cumulative`.
    #[arg(long, value_parser = parse_mode)]
    mode: Option<WindowMode>,
    /// Id of the incident to select (and centre the map on).
    #[arg(long)]
    select: Option<String>,
    /// Tile package to show as the basemap (.pmtiles or .mbtiles).
    #[arg(long, value_name = "FILE")]
    basemap: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise an incident file: incidents, days, categories, warnings.
    Info {
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// Convert between formats (by extension: .geojson, .csv as ACLED, .kml, .kmz).
    Convert {
        input: PathBuf,
        output: PathBuf,
        /// Keep only the incidents visible on this day (YYYY-MM-DD) in --mode's window.
        #[arg(long, value_parser = parse_day)]
        on: Option<Day>,
        /// Window for --on: `day`, `last:N` or `cumulative`.
        #[arg(long, value_parser = parse_mode, default_value = "day", requires = "on")]
        mode: WindowMode,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// Draw the map of one day (or window) as a PNG briefing slide, without a display or GPU.
    Render {
        /// Incident file (any readable format), or `sample` for the built-in sample.
        file: PathBuf,
        /// Day to show (YYYY-MM-DD), or the first frame's with --to; defaults to the first
        /// day of the data.
        #[arg(long, alias = "from", value_parser = parse_day)]
        date: Option<Day>,
        /// Window ending on --date: `day`, `last:N` or `cumulative`.
        #[arg(long, value_parser = parse_mode)]
        mode: Option<WindowMode>,
        /// Centre of the view as LAT,LON (degrees).
        #[arg(
            long,
            value_name = "LAT,LON",
            conflicts_with = "fit",
            allow_hyphen_values = true
        )]
        center: Option<String>,
        /// Zoom level (3 shows the Middle East, 12 a town); default 8 with --center.
        #[arg(long, conflicts_with = "fit")]
        zoom: Option<f64>,
        /// Fit the view to the incidents of the window (the default without --center).
        #[arg(long)]
        fit: bool,
        /// Image size in pixels, WIDTHxHEIGHT.
        #[arg(long, value_name = "WxH", default_value = "1600x1000")]
        size: String,
        /// Title on the image; defaults to the file's title.
        #[arg(long)]
        title: Option<String>,
        /// Last day of an animation: one frame per day from --date to this day, as an
        /// animated GIF (--out x.gif) or numbered PNGs (x-0001.png, …).
        #[arg(long, value_parser = parse_day)]
        to: Option<Day>,
        /// PNG file to write (or .gif with --to).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the day report of a time window: Markdown (.md) or HTML (.html), with the map as
    /// a PNG beside it.
    Report {
        /// Incident file (any readable format), or `sample` for the built-in sample.
        file: PathBuf,
        /// Day (YYYY-MM-DD); defaults to the first day of the data.
        #[arg(long, value_parser = parse_day)]
        date: Option<Day>,
        /// Window ending on --date: `day`, `last:N` or `cumulative`.
        #[arg(long, value_parser = parse_mode)]
        mode: Option<WindowMode>,
        /// Title; defaults to the file's title.
        #[arg(long)]
        title: Option<String>,
        /// Report file to write (.md or .html).
        #[arg(long)]
        out: PathBuf,
    },
    /// Propose incidents from the text of a report: geocoded, dated, with figures, claimant and
    /// the sentences quoted verbatim; writes them as GeoJSON for review.
    Extract {
        /// The report as UTF-8 text.
        report: PathBuf,
        /// Publication day of the report (YYYY-MM-DD): "on Monday", "yesterday" count from it.
        #[arg(long, value_parser = parse_day)]
        published: Day,
        /// Publisher, cited in every incident's source.
        #[arg(long, default_value = "")]
        publisher: String,
        /// Address of the report.
        #[arg(long)]
        url: Option<String>,
        /// GeoJSON file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Render the embedded basemap of a region as a tile package (.pmtiles or .mbtiles) for
    /// offline use here or in other tools.
    Tiles {
        /// Region as west,south,east,north in degrees.
        #[arg(long, value_parser = sitview::tiles::generate::parse_bbox, allow_hyphen_values = true)]
        bbox: [f64; 4],
        /// Zoom level or range, e.g. 5-8.
        #[arg(long, value_parser = sitview::tiles::generate::parse_zooms)]
        zoom: std::ops::RangeInclusive<u8>,
        /// Palette: light (the viewer's own) or dark (for a projector in a dim room).
        #[arg(long, default_value = "light", value_parser = sitview::tiles::generate::TileStyle::parse)]
        style: sitview::tiles::generate::TileStyle,
        /// Package to write: FILE.pmtiles or FILE.mbtiles.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write realistic test data: an ACLED CSV export of N incidents around Syrian towns over
    /// ten years (deterministic for a seed).
    Generate {
        /// Number of incidents (rows).
        #[arg(long)]
        rows: u64,
        /// File to write (ACLED CSV).
        #[arg(long)]
        out: PathBuf,
        /// Seed of the random generator.
        #[arg(long, default_value_t = sitview::generate::DEFAULT_SEED)]
        seed: u64,
    },
}

/// Columns of a CSV/TSV input, by header name or 1-based number; the rest is detected.
#[derive(clap::Args)]
struct ColumnArgs {
    /// Latitude column.
    #[arg(long, value_name = "COL")]
    lat: Option<String>,
    /// Longitude column.
    #[arg(long, value_name = "COL")]
    lon: Option<String>,
    /// One column holding "lat, lon".
    #[arg(long, value_name = "COL")]
    latlon: Option<String>,
    /// Date column.
    #[arg(long, value_name = "COL")]
    date: Option<String>,
    /// End-date column, for incidents known only to within a range.
    #[arg(long, value_name = "COL")]
    date_end: Option<String>,
    /// Source-text column.
    #[arg(long, value_name = "COL")]
    text: Option<String>,
    /// Category column.
    #[arg(long, value_name = "COL")]
    category: Option<String>,
    /// Title column.
    #[arg(long, value_name = "COL")]
    title: Option<String>,
    /// Place-name column.
    #[arg(long, value_name = "COL")]
    place: Option<String>,
}

impl ColumnArgs {
    fn choices(self) -> cli::ColumnChoices {
        use sitview::formats::csv_generic::Column;
        [
            (Column::Lat, self.lat),
            (Column::Lon, self.lon),
            (Column::LatLon, self.latlon),
            (Column::Date, self.date),
            (Column::DateEnd, self.date_end),
            (Column::Text, self.text),
            (Column::Category, self.category),
            (Column::Title, self.title),
            (Column::Place, self.place),
        ]
        .into_iter()
        .filter_map(|(c, v)| Some((c, v?)))
        .collect()
    }
}

fn parse_day(s: &str) -> Result<Day, String> {
    s.parse::<Day>().map_err(|e| e.to_string())
}

fn parse_mode(s: &str) -> Result<WindowMode, String> {
    WindowMode::parse(s).ok_or_else(|| format!("{s:?}: expected day, last:N or cumulative"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::Info {
            file,
            json,
            columns,
        }) => cli::info(&file, json, &columns.choices()),
        Some(Command::Convert {
            input,
            output,
            on,
            mode,
            columns,
        }) => cli::convert(&input, &output, &columns.choices(), on.map(|d| (d, mode))),
        Some(Command::Render {
            file,
            date,
            mode,
            center,
            zoom,
            fit,
            size,
            title,
            to,
            out,
        }) => cli::render(&cli::RenderArgs {
            file,
            out,
            date,
            mode,
            center,
            zoom,
            fit,
            size: Some(size),
            title,
            to,
        }),
        Some(Command::Report {
            file,
            date,
            mode,
            title,
            out,
        }) => cli::report(&file, date, mode, title, &out),
        Some(Command::Extract {
            report,
            published,
            publisher,
            url,
            out,
        }) => cli::extract(&report, published, publisher, url, &out),
        Some(Command::Tiles {
            bbox,
            zoom,
            style,
            out,
        }) => sitview::tiles::generate::cli(bbox, zoom, style, &out),
        Some(Command::Generate { rows, out, seed }) => sitview::generate::cli(rows, &out, seed),
        None => run_gui(StartOptions {
            // `sitview sample …` (what "Copy link" writes for the built-in sample).
            file: args
                .file
                .filter(|f| f.as_os_str() != "sample" || f.exists()),
            date: args.date,
            mode: args.mode,
            select: args.select,
            recovery_dir: recovery_dir(),
            basemap: args.basemap,
        }),
    }
}

/// Where unsaved changes are autosaved: `SITVIEW_RECOVERY_DIR`, else `recovery/` in the app's
/// data folder (e.g. ~/.local/share/sitview on Linux).
fn recovery_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("SITVIEW_RECOVERY_DIR")
        .map(Into::into)
        .or_else(|| eframe::storage_dir("sitview").map(|d| d.join("recovery")))
}

fn run_gui(options: StartOptions) -> ExitCode {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Situation Viewer")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    match eframe::run_native(
        "sitview",
        native,
        Box::new(move |cc| Ok(Box::new(SitviewApp::new(cc, options)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sitview: could not open a window: {e}");
            ExitCode::FAILURE
        }
    }
}
