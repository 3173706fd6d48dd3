//! The headless map image export (`sitview::export`, `sitview render`): no display, no GPU.
//!
//! The reference image is `tests/snapshots/render_2016-09-19.png`. After an intended visual
//! change, rerun with `SITVIEW_BLESS=1 cargo test --test render` to rewrite it, and look at the
//! new PNG before committing.

use std::path::Path;
use std::process::Command;

use image::RgbaImage;
use sitview::export::{MapImage, render_map, view_transform};
use sitview::formats::geojson;
use sitview::model::{Dataset, Day};

const REFERENCE: &str = "tests/snapshots/render_2016-09-19.png";

fn sample() -> Dataset {
    geojson::read(sitview::app::SAMPLE_GEOJSON)
        .expect("the sample reads")
        .dataset
}

fn spec() -> MapImage {
    MapImage {
        size: [1200, 800],
        ..MapImage::new(Day::from_ymd(2016, 9, 19).unwrap())
    }
}

fn rgb(img: &RgbaImage, x: u32, y: u32) -> [u8; 3] {
    let p = img.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}

fn close(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    (0..3).all(|k| a[k].abs_diff(b[k]) <= tol)
}

/// Share of pixels differing from the reference by more than 16 in some channel.
fn differing_share(a: &RgbaImage, b: &RgbaImage) -> f64 {
    let differ = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| (0..4).any(|k| p.0[k].abs_diff(q.0[k]) > 16))
        .count();
    differ as f64 / f64::from(a.width() * a.height())
}

#[test]
fn sample_on_19_september_renders_as_a_briefing_slide() {
    let ds = sample();
    let spec = spec();
    let img = render_map(&ds, &spec).expect("renders on the CPU");
    assert_eq!(img.dimensions(), (1200, 800));

    // The UN convoy's marker, in the 'Attack on aid' colour, where the view puts the convoy.
    let t = view_transform(&ds, &spec);
    let convoy = &ds.incidents[ds.find("aj-2016-09-19-un-convoy").expect("convoy")];
    assert_eq!(convoy.category, "Attack on aid");
    let aid = sitview::map::known_category_colour("Attack on aid").unwrap();
    let aid = [aid.r(), aid.g(), aid.b()];
    let loc = convoy.location.expect("the convoy is placed");
    let at = t.lonlat(loc.lon, loc.lat);
    assert!(t.rect.shrink(40.0).contains(at), "convoy at {at:?}");
    let hits = (-3..=3)
        .flat_map(|dy| (-3..=3).map(move |dx| (dx, dy)))
        .filter(|&(dx, dy)| {
            let (x, y) = ((at.x as i32 + dx) as u32, (at.y as i32 + dy) as u32);
            close(rgb(&img, x, y), aid, 6)
        })
        .count();
    assert!(
        hits >= 20,
        "only {hits} convoy-coloured pixels around {at:?}"
    );

    // Mostly land (Syria in the focus colour, its neighbours in the plain one).
    let style = sitview::map::basemap::BasemapStyle::default();
    let lands = [style.focus_land, style.land].map(|c| [c.r(), c.g(), c.b()]);
    let land = img
        .pixels()
        .filter(|p| lands.iter().any(|&l| close([p.0[0], p.0[1], p.0[2]], l, 4)))
        .count() as f64
        / f64::from(1200 * 800);
    assert!(land > 0.5, "land covers only {:.0}%", land * 100.0);

    // The title and the date, in dark ink, at the top left.
    let ink = (16..560)
        .flat_map(|x| (16..90).map(move |y| (x, y)))
        .filter(|&(x, y)| rgb(&img, x, y).iter().all(|&c| c < 90))
        .count();
    assert!(ink > 800, "only {ink} dark pixels in the title area");

    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join(REFERENCE);
    if std::env::var_os("SITVIEW_BLESS").is_some() {
        img.save(&reference).expect("writes the reference");
        return;
    }
    let expected = image::open(&reference)
        .unwrap_or_else(|e| panic!("{REFERENCE}: {e} (run with SITVIEW_BLESS=1 to create it)"))
        .to_rgba8();
    assert_eq!(expected.dimensions(), img.dimensions());
    let share = differing_share(&img, &expected);
    if share > 0.005 {
        let failed = std::env::temp_dir().join("render_2016-09-19.new.png");
        let _ = img.save(&failed);
        panic!(
            "{:.2}% of pixels differ from {REFERENCE} (new image: {}); if the change is \
             intended, rerun with SITVIEW_BLESS=1",
            share * 100.0,
            failed.display()
        );
    }
}

#[test]
fn a_cumulative_window_renders_at_a_small_size() {
    let ds = sample();
    let day = sitview::export::window_incidents(&ds, &spec()).len();
    let spec = MapImage {
        size: [640, 400],
        mode: sitview::timeline::WindowMode::Cumulative,
        day: Day::from_ymd(2016, 9, 22).unwrap(),
        title: Some("Aleppo and Idlib".into()),
        ..spec()
    };
    assert!(sitview::export::window_incidents(&ds, &spec).len() >= day);
    let img = render_map(&ds, &spec).expect("renders");
    assert_eq!(img.dimensions(), (640, 400));
}

fn sitview() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sitview"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn cli_render_writes_a_png_of_the_asked_size() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("x.png");
    let out = sitview()
        .args([
            "render",
            "assets/samples/aleppo-2016-09.geojson",
            "--date",
            "2016-09-19",
            "--fit",
            "--size",
            "800x500",
            "--out",
        ])
        .arg(&out_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("wrote ") && stdout.contains("(800×500, "),
        "{stdout}"
    );
    let img = image::open(&out_path).expect("a PNG").to_rgba8();
    assert_eq!(img.dimensions(), (800, 500));
    // Written atomically: no temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn cli_render_defaults_to_the_first_day_and_1600_by_1000() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("sample.png");
    let out = sitview()
        .args(["render", "sample", "--center", "36.2,37.16", "--zoom", "9"])
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::open(&out_path).expect("a PNG").to_rgba8();
    assert_eq!(img.dimensions(), (1600, 1000));
}

#[test]
fn cli_render_reports_bad_input_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("x.png");
    let cases: [(&[&str], &str); 4] = [
        (&["sample", "--center", "north,37"], "--center"),
        (&["sample", "--center", "95,37"], "latitude"),
        (&["sample", "--size", "big"], "--size"),
        (&["no/such/file.geojson"], "no/such/file.geojson"),
    ];
    for (args, expected) in cases {
        let out = sitview()
            .arg("render")
            .args(args)
            .arg("--out")
            .arg(&out_path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("sitview: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }
    assert!(!out_path.exists());
}

#[test]
fn cli_renders_an_animated_gif_with_one_frame_a_day() {
    use image::AnimationDecoder;
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("days.gif");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitview"))
        .args([
            "render",
            "sample",
            "--from",
            "2016-09-19",
            "--to",
            "2016-09-22",
        ])
        .args(["--size", "480x300", "--out"])
        .arg(&gif)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::io::BufReader::new(std::fs::File::open(&gif).unwrap());
    let frames = image::codecs::gif::GifDecoder::new(file)
        .unwrap()
        .into_frames()
        .collect_frames()
        .expect("the GIF decodes");
    assert_eq!(frames.len(), 4, "one frame per day, 19 to 22 Sept");
    // The date is burnt in: the title plate differs from one day to the next.
    let plate = |k: usize| -> Vec<u8> {
        let img = frames[k].buffer();
        (10..60)
            .flat_map(|y| (10..300).map(move |x| (x, y)))
            .flat_map(|(x, y)| img.get_pixel(x, y).0)
            .collect()
    };
    for k in 1..4 {
        assert_ne!(
            plate(k - 1),
            plate(k),
            "frames {} and {} show the same date",
            k - 1,
            k
        );
    }
    // Numbered PNGs without .gif.
    let png = dir.path().join("frame.png");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitview"))
        .args([
            "render",
            "sample",
            "--from",
            "2016-09-19",
            "--to",
            "2016-09-20",
        ])
        .args(["--size", "400x250", "--out"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for k in ["frame-0001.png", "frame-0002.png"] {
        let img = image::open(dir.path().join(k)).expect(k);
        assert_eq!((img.width(), img.height()), (400, 250));
    }
}

#[test]
fn cli_writes_the_day_report_with_its_map() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("day.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitview"))
        .args(["report", "sample", "--date", "2016-09-19", "--out"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<img src=\"day-map.png\""), "{page}");
    assert!(page.contains("deadly air strike on a UN aid convoy"));
    assert!(page.contains("7 incidents"));
    let img = image::open(dir.path().join("day-map.png")).expect("the map beside it");
    assert!(img.width() >= 800);
    // A report needs .md or .html.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitview"))
        .args(["report", "sample", "--out"])
        .arg(dir.path().join("day.pdf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".md (Markdown) or .html"));
}
