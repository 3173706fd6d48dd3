//! Headless commands, sharing the GUI's loading code.

use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use crate::formats::csv_generic::Column;
use crate::formats::export::OutputFormat;
use crate::formats::{self, FormatError, Loaded};
use crate::model::{Dataset, Day};
use crate::timeline::{DayIndex, WindowMode};

/// Columns named on the command line for CSV/TSV files (`--lat COL`, …): a header name or a
/// 1-based column number. Empty means "detect".
pub type ColumnChoices = Vec<(Column, String)>;

/// Reads `path` like the GUI does; with column choices, a CSV/TSV is read with that mapping.
pub fn load(path: &Path, columns: &ColumnChoices) -> Result<Loaded, String> {
    if columns.is_empty() {
        return formats::read_path(path).map_err(|e| e.to_string());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let choices: Vec<(Column, &str)> = columns.iter().map(|(c, s)| (*c, s.as_str())).collect();
    formats::csv_generic::read_with_columns(&bytes, &choices)
        .map_err(|e: FormatError| format!("{}: {e}", path.display()))
}

/// `sitview info FILE [--json]`: prints a summary and exits 0, or says what is wrong and where
/// and exits 1.
pub fn info(path: &Path, as_json: bool, columns: &ColumnChoices) -> ExitCode {
    let loaded = match load(path, columns) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sitview: {e}");
            return ExitCode::FAILURE;
        }
    };
    let summary = summary(path, &loaded);
    if as_json {
        println!("{summary}");
    } else {
        print!("{}", text(&summary));
    }
    ExitCode::SUCCESS
}

/// Keeps only the incidents visible in the time window ending on `day` (the same rule as the
/// viewer's slider: ranges count on every day they cover).
pub fn filter_window(dataset: &mut Dataset, day: Day, mode: WindowMode) {
    let (from, to) = DayIndex::new(dataset).window_days(mode, day);
    dataset.incidents.retain(|i| i.overlaps(from, to));
}

/// `sitview convert IN OUT`: reads any known format, optionally keeps one time window, writes
/// the format OUT's extension names, atomically. Warnings go to stderr.
pub fn convert(
    input: &Path,
    output: &Path,
    columns: &ColumnChoices,
    window: Option<(Day, WindowMode)>,
) -> ExitCode {
    let run = || -> Result<String, String> {
        let format = OutputFormat::for_path(output)?;
        let mut loaded = load(input, columns)?;
        for w in &loaded.warnings {
            eprintln!("sitview: {}: {w}", input.display());
        }
        let total = loaded.dataset.incidents.len();
        if let Some((day, mode)) = window {
            filter_window(&mut loaded.dataset, day, mode);
        }
        let bytes = format
            .write(&loaded.dataset)
            .map_err(|e| format!("{}: {e}", output.display()))?;
        formats::write_atomic(output, &bytes)
            .map_err(|e| format!("{}: could not write: {e}", output.display()))?;
        Ok(format!(
            "wrote {} of {total} incidents to {} ({} warnings)",
            loaded.dataset.incidents.len(),
            output.display(),
            loaded.warnings.len()
        ))
    };
    finish(run())
}

/// The summary of a loaded file as JSON (the `--json` output).
pub fn summary(path: &Path, loaded: &formats::Loaded) -> serde_json::Value {
    let ds = &loaded.dataset;
    let index = DayIndex::new(ds);
    let categories: serde_json::Map<String, serde_json::Value> = ds
        .categories()
        .into_iter()
        .map(|(c, n)| (c, json!(n)))
        .collect();
    let (first, last) = index
        .range()
        .map(|(a, b)| (json!(a.to_string()), json!(b.to_string())))
        .unwrap_or((json!(null), json!(null)));
    json!({
        "file": path.display().to_string(),
        "format": loaded.format.name(),
        "title": ds.title,
        "records": loaded.records,
        "incidents": ds.incidents.len(),
        "first_day": first,
        "last_day": last,
        "days_with_incidents": index.days_with_incidents(),
        "undated": index.undated().len(),
        "unlocated": ds.incidents.iter().filter(|i| i.location.is_none()).count(),
        "overlays": ds.overlays.len(),
        "categories": categories,
        "warnings": loaded.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    })
}

fn text(s: &serde_json::Value) -> String {
    let mut out = String::new();
    let str_of = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    out += &format!(
        "File:       {} ({})\n",
        str_of(&s["file"]),
        str_of(&s["format"])
    );
    if let Some(t) = s["title"].as_str() {
        out += &format!("Title:      {t}\n");
    }
    out += &format!(
        "Incidents:  {} (of {} records)\n",
        s["incidents"], s["records"]
    );
    out += &format!(
        "Days:       {} to {}, {} with incidents\n",
        str_of(&s["first_day"]),
        str_of(&s["last_day"]),
        s["days_with_incidents"]
    );
    out += &format!(
        "Undated:    {}\nUnlocated:  {}\nOverlays:   {} (lines and areas)\n",
        s["undated"], s["unlocated"], s["overlays"]
    );
    out += "Categories:\n";
    if let Some(cats) = s["categories"].as_object() {
        for (c, n) in cats {
            out += &format!("  {:>6}  {c}\n", n.as_u64().unwrap_or(0));
        }
    }
    let warnings = s["warnings"].as_array().map_or(&[][..], Vec::as_slice);
    out += &format!("Warnings:   {}\n", warnings.len());
    for w in warnings {
        out += &format!("  {}\n", str_of(w));
    }
    out
}

/// Options of `sitview render`, as typed: the centre and size are parsed here so that a bad
/// value is reported like any other error (exit status 1).
#[derive(Clone, Debug, Default)]
pub struct RenderArgs {
    /// An incident file, or `sample` for the built-in sample.
    pub file: std::path::PathBuf,
    pub out: std::path::PathBuf,
    /// Defaults to the first day of the data.
    pub date: Option<Day>,
    pub mode: Option<WindowMode>,
    /// `LAT,LON`.
    pub center: Option<String>,
    pub zoom: Option<f64>,
    pub fit: bool,
    /// `WIDTHxHEIGHT`; defaults to 1600x1000.
    pub size: Option<String>,
    pub title: Option<String>,
    /// With `to`: one frame per day from `date` (or the first day) to `to`, written as an
    /// animated GIF (`.gif`) or numbered PNGs (`map-0001.png`, …).
    pub to: Option<Day>,
}

/// `sitview report FILE --out report.md|html`: the day report with the map beside it.
pub fn report(
    file: &Path,
    date: Option<Day>,
    mode: Option<WindowMode>,
    title: Option<String>,
    out: &Path,
) -> ExitCode {
    let run = || -> Result<String, String> {
        let dataset = load_or_sample(file)?;
        let day = match date {
            Some(d) => d,
            None => DayIndex::new(&dataset)
                .range()
                .map(|(a, _)| a)
                .ok_or_else(|| format!("{}: no dated incidents; give --date", file.display()))?,
        };
        let mut spec = crate::export::MapImage::new(day);
        spec.mode = mode.unwrap_or(WindowMode::Day);
        spec.title = title;
        crate::export::report::write_report(&dataset, &spec, out)
    };
    finish(run())
}

/// The dataset of `file`, or the built-in sample for `sample` (when no such file exists).
fn load_or_sample(file: &Path) -> Result<crate::model::Dataset, String> {
    if file.as_os_str() == "sample" && !file.exists() {
        return formats::read_bytes(crate::app::SAMPLE_GEOJSON, Some(crate::app::SAMPLE_NAME))
            .map(|l| l.dataset)
            .map_err(|e| format!("built-in sample: {e}"));
    }
    load(file, &ColumnChoices::new()).map(|l| l.dataset)
}

/// Prints a command's one-line result, or its error on stderr, and gives the exit status.
fn finish(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sitview: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `LAT,LON` (degrees, WGS84).
pub fn parse_centre(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("--center {s:?}: expected LAT,LON in degrees, e.g. 36.2,37.16");
    let (lat, lon) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !(-85.0..=85.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "--center {s:?}: latitude must be within ±85 and longitude within ±180"
        ));
    }
    Ok((lat, lon))
}

/// Parses `WIDTHxHEIGHT` in pixels.
pub fn parse_size(s: &str) -> Result<[u32; 2], String> {
    let bad = || format!("--size {s:?}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080");
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    Ok([
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ])
}

/// `sitview render FILE --out PNG`: draws the map of one time window as a briefing image,
/// without a display or GPU, and writes it atomically.
pub fn render(args: &RenderArgs) -> ExitCode {
    finish(render_to_file(args))
}

fn render_to_file(args: &RenderArgs) -> Result<String, String> {
    use crate::export::{MapImage, encode_png, render_map, window_incidents};
    let centre = args.center.as_deref().map(parse_centre).transpose()?;
    let size = args.size.as_deref().map(parse_size).transpose()?;
    if let Some(z) = args.zoom
        && !(0.0..=20.0).contains(&z)
    {
        return Err(format!("--zoom {z}: expected a zoom level from 0 to 20"));
    }
    let dataset = if args.file.as_os_str() == "sample" && !args.file.exists() {
        formats::read_bytes(crate::app::SAMPLE_GEOJSON, Some(crate::app::SAMPLE_NAME))
            .map_err(|e| format!("built-in sample: {e}"))?
            .dataset
    } else {
        let loaded = load(&args.file, &ColumnChoices::new())?;
        if !loaded.warnings.is_empty() {
            eprintln!(
                "sitview: {}: {} warnings (see `sitview info`)",
                args.file.display(),
                loaded.warnings.len()
            );
        }
        loaded.dataset
    };
    let day = match args.date {
        Some(d) => d,
        None => DayIndex::new(&dataset)
            .range()
            .map(|(a, _)| a)
            .ok_or_else(|| {
                format!(
                    "{}: no dated incidents; give the day with --date YYYY-MM-DD",
                    args.file.display()
                )
            })?,
    };
    let spec = MapImage {
        size: size.unwrap_or([1600, 1000]),
        centre,
        zoom: args.zoom,
        // Fitted by default; a zoom alone keeps the fitted centre.
        fit: args.fit || (centre.is_none() && args.zoom.is_none()),
        day,
        mode: args.mode.unwrap_or(WindowMode::Day),
        title: args.title.clone(),
    };
    if let Some(to) = args.to {
        return crate::export::animation::write(&dataset, spec, to, &args.out);
    }
    let img = render_map(&dataset, &spec)?;
    let shown = window_incidents(&dataset, &spec)
        .into_iter()
        .filter(|&i| dataset.incidents[i].location.is_some())
        .count();
    let bytes = encode_png(&img)?;
    formats::write_atomic(&args.out, &bytes)
        .map_err(|e| format!("{}: could not write: {e}", args.out.display()))?;
    Ok(format!(
        "wrote {} ({}×{}, {shown} incidents)",
        args.out.display(),
        img.width(),
        img.height()
    ))
}

/// `sitview extract REPORT.txt --published DAY --out FILE.geojson`: proposes incidents from a
/// report's text, writes them as GeoJSON (atomically) and prints what was proposed and what was
/// skipped, with reasons. Unreadable, non-UTF-8 or empty input is an error (exit status 1).
pub fn extract(
    report: &Path,
    published: Day,
    publisher: String,
    url: Option<String>,
    out: &Path,
) -> ExitCode {
    let run = || -> Result<String, String> {
        let bytes = std::fs::read(report).map_err(|e| format!("{}: {e}", report.display()))?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 text (invalid byte at offset {}); save the report as UTF-8",
                report.display(),
                e.valid_up_to()
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(format!("{}: the report is empty", report.display()));
        }
        let options = crate::extract::ExtractOptions {
            published,
            publisher,
            url,
        };
        let result = crate::extract::extract(text, &options);
        let title = format!(
            "Proposed from {} (published {published})",
            report.file_name().map_or_else(
                || report.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            )
        );
        let bytes = crate::formats::geojson::write(&result.dataset(Some(title)));
        formats::write_atomic(out, &bytes)
            .map_err(|e| format!("{}: could not write: {e}", out.display()))?;
        print!("{}", extract_summary(&result));
        Ok(format!(
            "wrote {} proposed incidents to {}: review them before use",
            result.candidates.len(),
            out.display()
        ))
    };
    finish(run())
}

/// The text `sitview extract` prints: each candidate, then the skipped sentences that had
/// incident words (with the reason), then a count of the others.
pub fn extract_summary(result: &crate::extract::Extraction) -> String {
    let mut s = format!("Candidates: {}\n", result.candidates.len());
    for c in &result.candidates {
        let i = &c.incident;
        s += &format!(
            "  {} | {} | {} | {}{}\n",
            i.date_text(),
            i.place,
            i.category,
            i.casualties
                .summary()
                .unwrap_or_else(|| "no figures".into()),
            i.sources
                .first()
                .and_then(|src| src.attribution.as_deref())
                .map(|a| format!(" | per {a}"))
                .unwrap_or_default()
        );
        s += &format!("      confidence {}: ", c.confidence.as_str());
        s += &c.why.join("; ");
        s += "\n";
    }
    let worth: Vec<_> = result
        .skipped
        .iter()
        .filter(|k| k.had_incident_words)
        .collect();
    s += &format!("Skipped with incident words: {}\n", worth.len());
    for k in worth {
        let short: String = k.sentence.chars().take(90).collect();
        s += &format!(
            "  \"{short}{}\"\n      {}\n",
            if short.len() < k.sentence.len() {
                "…"
            } else {
                ""
            },
            k.reason
        );
    }
    s += &format!(
        "Skipped without incident words: {}\n",
        result.skipped.len()
            - result
                .skipped
                .iter()
                .filter(|k| k.had_incident_words)
                .count()
    );
    s
}
