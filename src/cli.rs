//! Headless commands, sharing the GUI's loading code.

use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use crate::formats;
use crate::timeline::DayIndex;

/// `sitview info FILE [--json]`: prints a summary and exits 0, or says what is wrong and where
/// and exits 1.
pub fn info(path: &Path, as_json: bool) -> ExitCode {
    let loaded = match formats::read_path(path) {
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
        "Undated:    {}\nUnlocated:  {}\n",
        s["undated"], s["unlocated"]
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
