//! `sitview`: the Situation Viewer's command line. With no arguments it opens the viewer on the
//! built-in sample; with a FILE, on that file; `sitview info FILE` summarises a file headlessly.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sitview::app::{SitviewApp, StartOptions};
use sitview::cli;
use sitview::model::Day;
use sitview::timeline::WindowMode;

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
    /// Incident file to open (GeoJSON); without it the built-in sample opens.
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
}

#[derive(Subcommand)]
enum Command {
    /// Summarise an incident file: incidents, days, categories, warnings.
    Info {
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
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
        Some(Command::Info { file, json }) => cli::info(&file, json),
        None => run_gui(StartOptions {
            file: args.file,
            date: args.date,
            mode: args.mode,
            select: args.select,
        }),
    }
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
