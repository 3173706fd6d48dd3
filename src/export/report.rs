//! The day report: the incidents of a time window as Markdown or HTML for a briefing — the
//! map image at the top, totals by category, then each incident with its date, place, category,
//! casualties, the quoted source text, who published it and the link.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::image::{MapImage, encode_png, render_map, window_incidents};
use crate::model::{Dataset, Incident};
use crate::timeline::DayIndex;

/// The incidents of the window, most recent first, then by toll.
fn ordered(dataset: &Dataset, spec: &MapImage) -> Vec<usize> {
    let mut v = window_incidents(dataset, spec);
    v.sort_by(|&a, &b| {
        let (x, y) = (&dataset.incidents[a], &dataset.incidents[b]);
        y.last_day()
            .cmp(&x.last_day())
            .then(y.casualties.killed.cmp(&x.casualties.killed))
            .then(a.cmp(&b))
    });
    v
}

/// "Monday 19 September 2016" or "Tue 20 Sep 2016 – Thu 22 Sep 2016".
fn window_text(dataset: &Dataset, spec: &MapImage) -> String {
    let (from, to) = DayIndex::new(dataset).window_days(spec.mode, spec.day);
    if from == to {
        from.long()
    } else {
        format!("{} – {}", from.medium(), to.medium())
    }
}

/// Per category: incidents and killed (where reported).
fn totals(dataset: &Dataset, items: &[usize]) -> BTreeMap<String, (usize, u64)> {
    let mut t: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for &i in items {
        let inc = &dataset.incidents[i];
        let e = t.entry(inc.category.to_string()).or_default();
        e.0 += 1;
        e.1 += u64::from(inc.casualties.killed.unwrap_or(0));
    }
    t
}

fn facts(inc: &Incident) -> Vec<(&'static str, String)> {
    let mut f = vec![
        (
            "Date",
            format!(
                "{} (known to the {})",
                inc.date_text(),
                inc.date_precision.as_str()
            ),
        ),
        ("Place", {
            let mut p = inc.place.to_string();
            if let Some(l) = &inc.place_local {
                p = format!("{p} ({l})");
            }
            let precision = match inc.location_radius_m {
                Some(r) => format!("{} (±{:.0} m)", inc.location_precision.as_str(), r),
                None => inc.location_precision.as_str().to_owned(),
            };
            format!("{p} — location {precision}")
        }),
        ("Category", inc.category.to_string()),
    ];
    if let Some(c) = inc.casualties.summary() {
        f.push(("Casualties", c));
    }
    f
}

/// The report as Markdown; `image` is the map image's file name, if one was written.
pub fn markdown(dataset: &Dataset, spec: &MapImage, image: Option<&str>) -> String {
    let items = ordered(dataset, spec);
    let title = spec.title.clone().or_else(|| dataset.title.clone());
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", title.as_deref().unwrap_or("Incidents"));
    let _ = writeln!(
        out,
        "**{}** · {} incidents\n",
        window_text(dataset, spec),
        items.len()
    );
    if let Some(img) = image {
        let _ = writeln!(out, "![Map of the incidents]({img})\n");
    }
    let _ = writeln!(
        out,
        "| Category | Incidents | Killed (reported) |\n|---|---:|---:|"
    );
    for (c, (n, k)) in totals(dataset, &items) {
        let _ = writeln!(out, "| {} | {n} | {k} |", c.replace('|', "\\|"));
    }
    for &i in &items {
        let inc = &dataset.incidents[i];
        let _ = writeln!(out, "\n## {}\n", inc.title);
        for (k, v) in facts(inc) {
            let _ = writeln!(out, "- **{k}:** {v}");
        }
        for s in &inc.sources {
            let _ = writeln!(out);
            for line in s.quote.lines() {
                let _ = writeln!(out, "> {line}");
            }
            let mut by = format!("— {}", s.publisher);
            if let Some(d) = s.published {
                let _ = write!(by, ", {}", d.long());
            }
            if let Some(a) = &s.attribution {
                let _ = write!(by, "; attributed to {a}");
            }
            if let Some(u) = &s.url {
                let _ = write!(by, " <{u}>");
            }
            let _ = writeln!(out, "\n{by}");
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as a self-contained HTML page (the map image beside it, by name).
pub fn html(dataset: &Dataset, spec: &MapImage, image: Option<&str>) -> String {
    let items = ordered(dataset, spec);
    let title = spec.title.clone().or_else(|| dataset.title.clone());
    let title = esc(title.as_deref().unwrap_or("Incidents"));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}}\
         blockquote{{border-left:4px solid #99a;margin:0.5rem 0;padding:0.2rem 1rem;background:#f6f5f0}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:0.2rem 0.6rem}}\
         img{{max-width:100%}}</style></head><body>\n<h1>{title}</h1>\n<p><strong>{}</strong> · {} incidents</p>\n",
        esc(&window_text(dataset, spec)),
        items.len()
    );
    if let Some(img) = image {
        let _ = writeln!(
            out,
            "<img src=\"{}\" alt=\"Map of the incidents\">",
            esc(img)
        );
    }
    let _ = writeln!(
        out,
        "<table><tr><th>Category</th><th>Incidents</th><th>Killed (reported)</th></tr>"
    );
    for (c, (n, k)) in totals(dataset, &items) {
        let _ = writeln!(out, "<tr><td>{}</td><td>{n}</td><td>{k}</td></tr>", esc(&c));
    }
    let _ = writeln!(out, "</table>");
    for &i in &items {
        let inc = &dataset.incidents[i];
        let _ = writeln!(out, "<h2>{}</h2>\n<ul>", esc(&inc.title));
        for (k, v) in facts(inc) {
            let _ = writeln!(out, "<li><strong>{k}:</strong> {}</li>", esc(&v));
        }
        let _ = writeln!(out, "</ul>");
        for s in &inc.sources {
            let _ = writeln!(
                out,
                "<blockquote dir=\"auto\">{}</blockquote>",
                esc(&s.quote)
            );
            let mut by = format!("— {}", esc(&s.publisher));
            if let Some(d) = s.published {
                let _ = write!(by, ", {}", d.long());
            }
            if let Some(a) = &s.attribution {
                let _ = write!(by, "; attributed to {}", esc(a));
            }
            if let Some(u) = &s.url {
                let _ = write!(by, " <a href=\"{0}\">{0}</a>", esc(u));
            }
            let _ = writeln!(out, "<p>{by}</p>");
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// Writes the report to `out` (`.md` or `.html`) and the map image beside it
/// (`<name>-map.png`), both atomically. Returns a one-line summary.
pub fn write_report(dataset: &Dataset, spec: &MapImage, out: &Path) -> Result<String, String> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let is_html = match ext.as_deref() {
        Some("html" | "htm") => true,
        Some("md" | "markdown") => false,
        _ => {
            return Err(format!(
                "{}: a report is .md (Markdown) or .html",
                out.display()
            ));
        }
    };
    let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("report");
    let image_name = format!("{stem}-map.png");
    let image_path: PathBuf = out.with_file_name(&image_name);
    let png = encode_png(&render_map(dataset, spec)?)?;
    crate::formats::write_atomic(&image_path, &png)
        .map_err(|e| format!("{}: could not write: {e}", image_path.display()))?;
    let text = if is_html {
        html(dataset, spec, Some(&image_name))
    } else {
        markdown(dataset, spec, Some(&image_name))
    };
    crate::formats::write_atomic(out, text.as_bytes())
        .map_err(|e| format!("{}: could not write: {e}", out.display()))?;
    Ok(format!(
        "wrote {} and {} ({} incidents)",
        out.display(),
        image_path.display(),
        ordered(dataset, spec).len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::WindowMode;

    fn sample() -> Dataset {
        crate::formats::geojson::read(crate::app::SAMPLE_GEOJSON)
            .unwrap()
            .dataset
    }

    #[test]
    fn the_day_report_quotes_every_incident_and_totals_them() {
        let ds = sample();
        let spec = MapImage::new("2016-09-19".parse().unwrap());
        let md = markdown(&ds, &spec, Some("r-map.png"));
        assert!(
            md.contains("**Monday 19 September 2016** · 7 incidents"),
            "{md}"
        );
        assert!(md.contains("![Map of the incidents](r-map.png)"));
        assert!(md.contains("| Air strike | 3 | 12 |"), "{md}");
        assert!(md.contains("> The US blames Russia for carrying out a deadly air strike"));
        assert!(md.contains("attributed to The United States"));
        assert!(md.contains("<https://www.aljazeera.com/news/2016/9/22/"));
        assert_eq!(md.matches("\n## ").count(), 7);

        let mut spec20 = MapImage::new("2016-09-20".parse().unwrap());
        spec20.mode = WindowMode::Day;
        let html = html(&ds, &spec20, None);
        assert!(html.contains("6 incidents"), "{html}");
        assert!(
            !html.contains("UN aid convoy, Urum"),
            "the convoy was on the 19th only"
        );
        assert!(html.contains("Khan Tuman"));
        assert!(html.ends_with("</body></html>\n"));
    }

    #[test]
    fn html_escapes_what_files_contain() {
        let mut ds = sample();
        ds.incidents[0].title = "<script>alert(1)</script> & more".into();
        let spec = MapImage::new("2016-09-19".parse().unwrap());
        let html = html(&ds, &spec, None);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
    }
}
