//! Animations: one frame per day with the date burnt in, as a looping GIF or numbered PNGs.
//! Used by `sitview render --from D1 --to D2` and File > Export animation.

use std::path::Path;

use super::image::{MapImage, encode_png, render_map, view_transform};
use crate::formats;
use crate::model::{Dataset, Day};
use crate::timeline::WindowMode;

/// One frame per day from `spec.day` to `to`, the date burnt in by the slide's date line; the
/// view stays fixed (fitted to everything the last frame's cumulative window holds, unless a
/// centre was given). `.gif` gives an animated GIF (one second a day), anything else numbered PNGs.
pub fn write(dataset: &Dataset, mut spec: MapImage, to: Day, out: &Path) -> Result<String, String> {
    let from = spec.day;
    if to < from {
        return Err(format!("--to {to} is before the first frame's day {from}"));
    }
    let days = (to.0 - from.0 + 1) as usize;
    if days > 3660 {
        return Err(format!(
            "{days} frames: at most ten years of days (3660) per animation"
        ));
    }
    if spec.fit {
        let all = MapImage {
            day: to,
            mode: WindowMode::Cumulative,
            ..spec.clone()
        };
        let t = view_transform(dataset, &all);
        let (lon, lat) = t.centre_lonlat();
        spec.centre = Some((lat, lon));
        spec.zoom = Some(t.zoom);
        spec.fit = false;
    }
    let gif = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gif"));
    let mut frames = Vec::with_capacity(days);
    let mut written = Vec::new();
    for k in 0..days {
        spec.day = from.plus(k as i32);
        let img = render_map(dataset, &spec)?;
        if gif {
            let delay = image::Delay::from_numer_denom_ms(1000, 1);
            frames.push(image::Frame::from_parts(img, 0, 0, delay));
        } else {
            let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("frame");
            let path = out.with_file_name(format!("{stem}-{:04}.png", k + 1));
            formats::write_atomic(&path, &encode_png(&img)?)
                .map_err(|e| format!("{}: could not write: {e}", path.display()))?;
            written.push(path);
        }
    }
    if gif {
        let mut bytes = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new_with_speed(&mut bytes, 10);
            enc.set_repeat(image::codecs::gif::Repeat::Infinite)
                .map_err(|e| format!("GIF: {e}"))?;
            enc.encode_frames(frames).map_err(|e| format!("GIF: {e}"))?;
        }
        formats::write_atomic(out, &bytes)
            .map_err(|e| format!("{}: could not write: {e}", out.display()))?;
        return Ok(format!(
            "wrote {} ({days} frames, {from} to {to})",
            out.display()
        ));
    }
    Ok(format!(
        "wrote {days} frames, {} to {}",
        written
            .first()
            .map_or(String::new(), |p| p.display().to_string()),
        written
            .last()
            .map_or(String::new(), |p| p.display().to_string())
    ))
}
