//! Tile packages: the PMTiles and MBTiles fixtures (rendered from the embedded layers by
//! `sitview tiles`) open and decode at two zoom levels; damaged files are clear errors, never
//! panics; the online-tile disk cache keeps to its size limit.

use std::path::{Path, PathBuf};

use sitview::map::basemap::BasemapStyle;
use sitview::tiles::cache::DiskCache;
use sitview::tiles::generate::TileStyle;
use sitview::tiles::mbtiles::MbTiles;
use sitview::tiles::pmtiles::PmTiles;
use sitview::tiles::{TileFormat, TileSource, open_package, tile_of};

const ALEPPO: (f64, f64) = (37.16, 36.20);
const LATAKIA_SEA: (f64, f64) = (35.60, 35.52);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tiles")
        .join(name)
}

fn pm() -> PathBuf {
    fixture("syria-z5-7.pmtiles")
}

fn mb() -> PathBuf {
    fixture("aleppo-idlib-z7-8.mbtiles")
}

/// Share of pixels within a few levels of `colour`.
fn share_of(img: &image::RgbaImage, colour: egui::Color32) -> f64 {
    let near = |a: u8, b: u8| a.abs_diff(b) <= 6;
    let hits = img
        .pixels()
        .filter(|p| near(p[0], colour.r()) && near(p[1], colour.g()) && near(p[2], colour.b()))
        .count();
    hits as f64 / f64::from(img.width() * img.height())
}

/// Decodes the tile holding `at` at zoom `z`: it must exist and be a real 256 × 256 image.
fn decode_at(src: &dyn TileSource, at: (f64, f64), z: u8) -> image::RgbaImage {
    let (x, y) = tile_of(at.0, at.1, z);
    let bytes = src
        .tile(z, x, y)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no tile {z}/{x}/{y}"));
    let img = image::load_from_memory(&bytes)
        .unwrap_or_else(|e| panic!("tile {z}/{x}/{y} does not decode: {e}"))
        .to_rgba8();
    assert_eq!(img.dimensions(), (256, 256), "tile {z}/{x}/{y}");
    img
}

fn assert_land_around_aleppo(src: &dyn TileSource, z: u8) {
    assert_land_in(src, z, &BasemapStyle::default());
}

fn assert_land_in(src: &dyn TileSource, z: u8, style: &BasemapStyle) {
    let img = decode_at(src, ALEPPO, z);
    let land = share_of(&img, style.focus_land) + share_of(&img, style.land);
    assert!(
        land > 0.3,
        "zoom {z}: only {land:.2} of the Aleppo tile is land"
    );
    let sea = decode_at(src, LATAKIA_SEA, z);
    let water = share_of(&sea, style.sea);
    assert!(
        water > 0.03,
        "zoom {z}: only {water:.2} of the coast tile is sea"
    );
    // Not a flat colour: borders, roads of text, places.
    let mut colours: Vec<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 20, "zoom {z}: {} colours", colours.len());
}

#[test]
fn the_pmtiles_fixture_decodes_at_two_zooms() {
    let p = PmTiles::open(&pm()).unwrap_or_else(|e| panic!("{e}"));
    let info = p.info();
    assert_eq!((info.min_zoom, info.max_zoom), (5, 7));
    assert_eq!(info.format, TileFormat::Png);
    assert!(info.attribution.contains("Natural Earth"), "{info:?}");
    assert_eq!(p.header().addressed_tiles, 17);
    for z in [5, 7] {
        assert_land_around_aleppo(&p, z);
    }
}

#[test]
fn the_mbtiles_fixture_decodes_at_two_zooms_with_rows_flipped() {
    let m = MbTiles::open(&mb()).unwrap_or_else(|e| panic!("{e}"));
    let info = m.info();
    assert_eq!((info.min_zoom, info.max_zoom), (7, 8));
    assert_eq!(info.format, TileFormat::Png);
    assert!(info.attribution.contains("GeoNames"));
    let b = info.bounds.expect("the fixture has bounds");
    assert!(b[0] < ALEPPO.0 && ALEPPO.0 < b[2] && b[1] < ALEPPO.1 && ALEPPO.1 < b[3]);
    // Aleppo's tile exists at its XYZ row only if the TMS flip is right.
    for z in [7, 8] {
        assert_land_around_aleppo(&m, z);
    }
}

#[test]
fn missing_tiles_are_none() {
    for src in [open_package(&pm()).unwrap(), open_package(&mb()).unwrap()] {
        // Over the Atlantic, beyond the packages' zooms, and off the grid.
        let (x, y) = tile_of(-30.0, 40.0, 7);
        assert_eq!(src.tile(7, x, y).unwrap(), None);
        let (x, y) = tile_of(ALEPPO.0, ALEPPO.1, 12);
        assert_eq!(src.tile(12, x, y).unwrap(), None);
        assert_eq!(src.tile(3, 8, 0).unwrap(), None);
        assert_eq!(src.tile(40, 0, 0).unwrap(), None);
    }
}

#[test]
fn damaged_packages_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(pm()).unwrap();
    // Cut anywhere: in the header, the root directory, the metadata or the tile data.
    for cut in [0, 5, 100, 130, 200, 300, 500, 20_000, bytes.len() - 1] {
        let path = dir.path().join(format!("cut-{cut}.pmtiles"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        match PmTiles::open(&path) {
            Err(e) => {
                let text = e.to_string();
                assert!(text.contains(&format!("cut-{cut}.pmtiles")), "{text}");
            }
            Ok(p) => {
                // The directories survived; then a tile beyond the cut must fail cleanly.
                let mut failed = 0;
                for z in 5..=7 {
                    let (x0, y0) = tile_of(35.5, 37.4, z);
                    let (x1, y1) = tile_of(42.5, 32.2, z);
                    for x in x0..=x1 {
                        for y in y0..=y1 {
                            if let Err(e) = p.tile(z, x, y) {
                                assert!(e.to_string().contains("truncated"), "{e}");
                                failed += 1;
                            }
                        }
                    }
                }
                assert!(failed > 0, "cut at {cut}: every tile still read");
            }
        }
    }
    // Damage inside the root directory: flipped bytes in the gzip stream.
    let mut bad = bytes.clone();
    for b in &mut bad[140..160] {
        *b ^= 0x5a;
    }
    let path = dir.path().join("flipped.pmtiles");
    std::fs::write(&path, &bad).unwrap();
    let e = PmTiles::open(&path)
        .err()
        .expect("a damaged root is an error");
    assert!(e.to_string().contains("root directory"), "{e}");

    let junk = dir.path().join("junk.pmtiles");
    std::fs::write(&junk, b"this is not a tile package at all, just some text.").unwrap();
    let e = open_package(&junk).err().expect("junk is an error");
    assert!(e.to_string().contains("junk.pmtiles"), "{e}");
    let junk = dir.path().join("junk.mbtiles");
    std::fs::write(&junk, vec![7u8; 5000]).unwrap();
    let e = open_package(&junk).err().expect("junk is an error");
    assert!(
        e.to_string().contains("junk.mbtiles") && e.to_string().contains("MBTiles"),
        "{e}"
    );
    // A cut MBTiles: SQLite notices, reading fails with the file named.
    let mbytes = std::fs::read(mb()).unwrap();
    let cut = dir.path().join("cut.mbtiles");
    std::fs::write(&cut, &mbytes[..mbytes.len() / 3]).unwrap();
    let outcome = open_package(&cut).and_then(|m| {
        (7..=8).try_for_each(|z| {
            let (x, y) = tile_of(ALEPPO.0, ALEPPO.1, z);
            m.tile(z, x, y).map(|_| ())
        })
    });
    if let Err(e) = outcome {
        assert!(e.to_string().contains("cut.mbtiles"), "{e}");
    }
    let e = open_package(&dir.path().join("missing.mbtiles"))
        .err()
        .unwrap();
    assert!(e.to_string().contains("missing.mbtiles"), "{e}");
    let e = open_package(&dir.path().join("map.png")).err().unwrap();
    assert!(e.to_string().contains(".pmtiles or .mbtiles"), "{e}");
}

#[test]
fn a_generated_package_reads_back_tile_for_tile() {
    let dir = tempfile::tempdir().unwrap();
    let bbox = [36.0, 35.5, 37.5, 36.5];
    let tiles =
        sitview::tiles::generate::render_tiles(bbox, 6..=7, &BasemapStyle::default()).unwrap();
    assert!(tiles.len() >= 3);
    for ext in ["pmtiles", "mbtiles"] {
        let path = dir.path().join(format!("small.{ext}"));
        let (n, size) =
            sitview::tiles::generate::make_package(bbox, 6..=7, TileStyle::Light, &path).unwrap();
        assert_eq!(n, tiles.len());
        assert_eq!(size, std::fs::metadata(&path).unwrap().len());
        let src = open_package(&path).unwrap();
        for ((z, x, y), bytes) in &tiles {
            assert_eq!(
                src.tile(*z, *x, *y).unwrap().as_deref(),
                Some(bytes.as_slice()),
                "{ext} {z}/{x}/{y}"
            );
        }
    }
}

#[test]
fn the_tile_cache_keeps_to_its_limit_and_drops_damaged_entries() {
    let dir = tempfile::tempdir().unwrap();
    let cache = DiskCache::new(dir.path().to_owned(), 10_000);
    let payload = |i: u32| vec![(i % 251) as u8; 1000];
    for i in 0..30u32 {
        cache.put("src", 9, i, 0, &payload(i)).unwrap();
        // Tile 0 is used all the time: it must survive eviction.
        assert!(cache.get("src", 9, 0, 0).is_some(), "after {i}");
        std::thread::sleep(std::time::Duration::from_millis(3));
    }
    assert!(cache.used() <= 10_000, "{} bytes", cache.used());
    let on_disk: u64 = walk(dir.path())
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .sum();
    assert!(on_disk <= 10_000, "{on_disk} bytes on disk");
    let bytes = |c: &DiskCache, x: u32| c.get("src", 9, x, 0).map(|(b, _)| b);
    assert_eq!(bytes(&cache, 0), Some(payload(0)));
    assert_eq!(bytes(&cache, 29), Some(payload(29)));
    assert_eq!(bytes(&cache, 1), None, "the oldest was evicted");
    // A damaged entry is ignored and removed.
    let path = dir.path().join("src/9/29/0.tile");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(500);
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(cache.get("src", 9, 29, 0), None);
    assert!(!path.exists());
    // A new cache on the same folder counts what is there.
    let again = DiskCache::new(dir.path().to_owned(), 10_000);
    assert_eq!(again.used(), on_disk - 1016);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn online_tiles_use_the_cache_and_fall_back_on_it_when_the_server_is_unreachable() {
    use sitview::tiles::cache::source_key;
    use sitview::tiles::online::{OnlineTiles, clients_created, requests_sent};
    use sitview::tiles::source::CustomSource;
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on the discard port of this machine: every request fails at once.
    let server = CustomSource {
        name: "unreachable".into(),
        url_template: "http://127.0.0.1:9/{z}/{x}/{y}.png".into(),
        attribution: "test".into(),
        tms: false,
    };
    let key = source_key(&server.url_template);
    let cache = DiskCache::new(dir.path().to_owned(), 1 << 20);
    cache.put(&key, 7, 1, 2, b"fresh tile").unwrap();
    let month_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(30 * 24 * 3600);
    cache
        .put_fetched(&key, (7, 1, 3), b"old tile", month_ago)
        .unwrap();
    let clients = clients_created();
    let online = OnlineTiles::new(server, Some(cache)).unwrap();
    assert_eq!(clients_created(), clients + 1, "the client is counted");
    let sent = requests_sent();
    // Fresh in the cache: served without asking the server.
    assert_eq!(
        online.tile(7, 1, 2).unwrap().as_deref(),
        Some(&b"fresh tile"[..])
    );
    assert_eq!(requests_sent(), sent);
    // Stale: the server is asked, fails, and the old copy is used.
    assert_eq!(
        online.tile(7, 1, 3).unwrap().as_deref(),
        Some(&b"old tile"[..])
    );
    assert_eq!(requests_sent(), sent + 1);
    // Reading it did not make it fresh: the server is asked again next time.
    assert_eq!(
        online.tile(7, 1, 3).unwrap().as_deref(),
        Some(&b"old tile"[..])
    );
    assert_eq!(requests_sent(), sent + 2);
    // Not cached and unreachable: an error naming the URL, no panic.
    let e = online
        .tile(7, 1, 4)
        .expect_err("unreachable and not cached");
    assert!(e.to_string().contains("127.0.0.1:9/7/1/4.png"), "{e}");
}

#[test]
fn the_tiles_command_writes_a_package_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("region.pmtiles");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sitview"))
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&[
        "tiles",
        "--bbox",
        "36.5,35.8,37.5,36.5",
        "--zoom",
        "6-7",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("tiles,"));
    let p = PmTiles::open(&out).unwrap();
    assert_eq!((p.info().min_zoom, p.info().max_zoom), (6, 7));
    assert_land_around_aleppo(&p, 7);
    // The dark palette, for a dim room: dark land, and no light land anywhere near Aleppo.
    let dark = dir.path().join("dark.mbtiles");
    let ok = run(&[
        "tiles",
        "--bbox",
        "36.5,35.8,37.5,36.5",
        "--zoom",
        "7",
        "--style",
        "dark",
        "--out",
        dark.to_str().unwrap(),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let m = MbTiles::open(&dark).unwrap();
    assert_land_in(&m, 7, &BasemapStyle::dark());
    let light = BasemapStyle::default();
    let img = decode_at(&m, ALEPPO, 7);
    assert!(share_of(&img, light.focus_land) + share_of(&img, light.land) < 0.01);
    assert!(
        !run(&[
            "tiles",
            "--bbox",
            "36,35,37,36",
            "--zoom",
            "7",
            "--style",
            "sepia",
            "--out",
            "x.pmtiles"
        ])
        .status
        .success()
    );
    let bad = run(&[
        "tiles",
        "--bbox",
        "37,36,36,35",
        "--zoom",
        "6",
        "--out",
        "x.pmtiles",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("west < east"));
    let png = dir.path().join("x.png");
    let bad = run(&[
        "tiles",
        "--bbox",
        "36,35,37,36",
        "--zoom",
        "6",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".pmtiles or .mbtiles"));
}

/// Runs `view` in a headless egui frame of 800 × 600 centred on Aleppo at `zoom` until its
/// tiles have loaded; returns the textured meshes painted.
fn paint_headless(
    ctx: &egui::Context,
    view: &mut sitview::map::tiles::TileView,
    zoom: f64,
    opacity: f32,
) -> Vec<egui::Mesh> {
    use egui::{Pos2, Rect, vec2};
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
    let scale = 256.0 * 2f64.powf(zoom);
    let [mx, my] = sitview::map::mercator(ALEPPO.0, ALEPPO.1);
    let t = sitview::map::ScreenTransform {
        scale,
        offset: [400.0 - mx * scale, 300.0 - my * scale],
        rect,
        zoom,
    };
    for _ in 0..500 {
        let input = egui::RawInput {
            screen_rect: Some(rect),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| view.paint(ui.painter(), &t, opacity));
        out.textures_delta.clear();
        if view.drawn > 0 && !view.busy() {
            return out
                .shapes
                .into_iter()
                .filter_map(|c| match c.shape {
                    egui::Shape::Mesh(m) if m.texture_id != egui::TextureId::default() => {
                        Some(std::sync::Arc::unwrap_or_clone(m))
                    }
                    _ => None,
                })
                .collect();
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the tiles did not load within 2.5 s");
}

#[test]
fn the_tile_layer_paints_package_tiles_at_the_chosen_opacity_and_beyond_max_zoom() {
    use sitview::map::tiles::TileView;
    let ctx = egui::Context::default();
    let mut view = TileView::new(open_package(&pm()).unwrap(), 1, &ctx);
    let meshes = paint_headless(&ctx, &mut view, 7.0, 0.5);
    // 800 × 600 px at zoom 7 spans parts of 4 to 12 tiles of 256 px.
    assert!((4..=12).contains(&meshes.len()), "{} tiles", meshes.len());
    assert_eq!(meshes.len(), view.drawn);
    let half = egui::Color32::from_white_alpha(128);
    assert!(
        meshes
            .iter()
            .flat_map(|m| &m.vertices)
            .all(|v| v.color == half)
    );
    // Zoom 9 is beyond the package (5–7): its zoom-7 tiles are scaled up, 4× on screen.
    let meshes = paint_headless(&ctx, &mut view, 9.0, 1.0);
    assert!(
        !meshes.is_empty() && meshes.len() <= 4,
        "{} tiles",
        meshes.len()
    );
    let side = meshes[0].calc_bounds().width();
    assert!((side - 1024.0).abs() < 1.0, "a tile is {side} px wide");
    assert!(view.last_error.is_none(), "{:?}", view.last_error);
}
