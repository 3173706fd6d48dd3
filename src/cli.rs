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
    match run() {
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
