//! CPU rasteriser for egui's tessellated meshes.
//!
//! [`CpuRenderer`] turns an egui frame into an [`image::RgbaImage`] without a GPU, so image
//! snapshot tests and the headless `render` command can produce PNGs anywhere. It mirrors what
//! egui's GPU backends do: textures are kept from [`egui::TexturesDelta`]s, every triangle is
//! shaded with its interpolated vertex colour times the texture sample, and the result is blended
//! premultiplied-over onto the framebuffer. Like egui's backends (and egui's own expectations),
//! all arithmetic happens on the gamma-encoded (sRGB) values; no linearisation is done.
//!
//! Anti-aliasing comes from egui's tessellator (feathered edges), so the rasteriser itself is
//! aliased: a pixel is covered when its centre lies inside a triangle, with the top-left fill
//! rule deciding pixel centres that lie exactly on an edge. Vertices are snapped to 1/256 px so
//! shared edges are evaluated exactly and each pixel is drawn by exactly one of two neighbours.

use std::collections::HashMap;
use std::sync::Arc;

use egui::epaint::{Primitive, Vertex};
use egui::{ClippedPrimitive, Color32, ImageData, TextureFilter, TextureId, TextureOptions};
use egui::{TextureWrapMode, TexturesDelta};
use image::RgbaImage;

/// Sub-pixel precision of the vertex snapping (8 bits, like most GPUs).
const SUBPIXEL: f64 = 256.0;

/// Largest image side `render` agrees to allocate.
const MAX_SIDE: f32 = 16_384.0;

/// A texture as uploaded by egui: premultiplied sRGBA texels plus sampler options.
struct Texture {
    width: usize,
    height: usize,
    pixels: Vec<Color32>,
    options: TextureOptions,
}

impl Texture {
    /// Samples at normalised `(u, v)`; returns premultiplied channels in `0.0..=255.0`.
    fn sample(&self, u: f32, v: f32, linear: bool) -> [f32; 4] {
        let (w, h) = (self.width as f32, self.height as f32);
        let texel = |x: f32, y: f32| -> [f32; 4] {
            let x = wrap(x as isize, self.width, self.options.wrap_mode);
            let y = wrap(y as isize, self.height, self.options.wrap_mode);
            self.pixels[y * self.width + x].to_array().map(f32::from)
        };
        if !linear {
            return texel((u * w).floor(), (v * h).floor());
        }
        let (fx, fy) = (u * w - 0.5, v * h - 0.5);
        let (x0, y0) = (fx.floor(), fy.floor());
        let (tx, ty) = (fx - x0, fy - y0);
        let [a, b, c, d] = [
            texel(x0, y0),
            texel(x0 + 1.0, y0),
            texel(x0, y0 + 1.0),
            texel(x0 + 1.0, y0 + 1.0),
        ];
        std::array::from_fn(|i| {
            let top = a[i] + (b[i] - a[i]) * tx;
            let bottom = c[i] + (d[i] - c[i]) * tx;
            top + (bottom - top) * ty
        })
    }
}

/// Maps a texel index onto `0..n` (`n > 0`) according to the wrap mode.
fn wrap(i: isize, n: usize, mode: TextureWrapMode) -> usize {
    let n = n as isize;
    let i = match mode {
        TextureWrapMode::ClampToEdge => i.clamp(0, n - 1),
        TextureWrapMode::Repeat => i.rem_euclid(n),
        TextureWrapMode::MirroredRepeat => {
            let p = i.rem_euclid(2 * n);
            if p < n { p } else { 2 * n - 1 - p }
        }
    };
    i as usize
}

/// Software renderer for egui output; keeps the textures egui uploads.
#[derive(Default)]
pub struct CpuRenderer {
    textures: HashMap<TextureId, Texture>,
    /// Frees from the previous delta, applied at the next [`CpuRenderer::handle_delta`] so
    /// that, like on a GPU backend, they take effect *after* the frame in between is painted.
    pending_free: Vec<TextureId>,
}

/// Runs one egui frame of `w × h` points at one pixel per point (the app's fonts, light visuals)
/// in which `paint` draws, and rasterises it: how a map image is made with no window or GPU.
///
/// # Errors
/// When rasterising fails (see [`CpuRenderer::render`]).
pub fn paint_offscreen(
    w: f32,
    h: f32,
    paint: impl Fn(&egui::Painter),
) -> Result<RgbaImage, String> {
    let ctx = egui::Context::default();
    crate::text::install_fonts(&ctx);
    ctx.set_visuals(egui::Visuals::light());
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h));
    let mut input = egui::RawInput {
        screen_rect: Some(rect),
        ..Default::default()
    };
    input
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .native_pixels_per_point = Some(1.0);
    let mut output = ctx.run_ui(input, |ui| paint(&ui.painter().with_clip_rect(rect)));
    let mut renderer = CpuRenderer::new();
    renderer.handle_delta(&mut output.textures_delta);
    renderer.render(&ctx, &output)
}

impl CpuRenderer {
    /// An empty renderer with no textures.
    pub fn new() -> Self {
        Self::default()
    }

    /// Apply texture uploads/frees (full and partial `ImageDelta` with `pos`), like a GPU backend
    /// would. Call it with each frame's `textures_delta` before painting that frame.
    ///
    /// Like egui's own backends in 0.37 this takes `&mut` and drains the delta: egui panics (in
    /// debug builds) when a non-empty [`TexturesDelta`] is dropped, and an applied one is empty.
    ///
    /// Uploads take effect immediately. Frees are deferred to the next call, i.e. until after the
    /// frame in between has been painted, which is when egui expects them to happen. Partial
    /// updates of unknown textures are ignored; parts outside the texture are cut off.
    pub fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        for id in self.pending_free.drain(..) {
            self.textures.remove(&id);
        }
        for (id, image_deltas) in delta.set.drain() {
            for image_delta in image_deltas {
                let ImageData::Color(image) = image_delta.image;
                let [w, h] = image.size;
                match image_delta.pos {
                    None if w == 0 || h == 0 => {
                        self.textures.remove(&id);
                    }
                    None => {
                        let mut pixels = Arc::unwrap_or_clone(image).pixels;
                        pixels.resize(w * h, Color32::TRANSPARENT);
                        let options = image_delta.options;
                        let texture = Texture {
                            width: w,
                            height: h,
                            pixels,
                            options,
                        };
                        self.textures.insert(id, texture);
                    }
                    Some([px, py]) => {
                        let Some(texture) = self.textures.get_mut(&id) else {
                            continue;
                        };
                        let cols = w.min(texture.width.saturating_sub(px));
                        for row in 0..h.min(texture.height.saturating_sub(py)) {
                            let dst = (py + row) * texture.width + px;
                            let src = &image.pixels[(row * w).min(image.pixels.len())..];
                            let n = cols.min(src.len());
                            texture.pixels[dst..dst + n].copy_from_slice(&src[..n]);
                        }
                    }
                }
            }
        }
        self.pending_free.extend(delta.free.drain());
    }

    /// Tessellate `output.shapes` with `ctx.tessellate(...)` using `output.pixels_per_point`,
    /// then rasterise them onto a background of the context's `visuals.panel_fill`.
    ///
    /// The image covers `ctx.viewport_rect()` (egui 0.37's name for the screen rect) times
    /// `pixels_per_point`, rounded. This only draws: the caller must pass
    /// `&mut output.textures_delta` to [`Self::handle_delta`] first. Paint callbacks are ignored.
    ///
    /// # Errors
    /// If `pixels_per_point` or the resulting image size is not usable.
    pub fn render(
        &mut self,
        ctx: &egui::Context,
        output: &egui::FullOutput,
    ) -> Result<RgbaImage, String> {
        let ppp = output.pixels_per_point;
        if !(ppp.is_finite() && ppp > 0.0) {
            return Err(format!("invalid pixels_per_point {ppp}"));
        }
        let size = (ctx.viewport_rect().size() * ppp).round();
        if !(1.0..=MAX_SIDE).contains(&size.x) || !(1.0..=MAX_SIDE).contains(&size.y) {
            return Err(format!("unusable image size {} x {} px", size.x, size.y));
        }
        let primitives = ctx.tessellate(output.shapes.clone(), ppp);
        let clear = ctx.global_style().visuals.panel_fill;
        Ok(self.paint(&primitives, ppp, [size.x as u32, size.y as u32], clear))
    }

    /// Lower-level: rasterise already tessellated primitives into an image of `size_px`,
    /// clearing it to `clear` (premultiplied, as all [`Color32`]s) first.
    ///
    /// Each primitive is limited to its `clip_rect` (points, scaled by `pixels_per_point` and
    /// rounded like a GPU scissor rect). Meshes using an unknown texture are drawn with a plain
    /// white texture. [`Primitive::Callback`]s are ignored, as are invalid indices and triangles
    /// with non-finite coordinates.
    pub fn paint(
        &self,
        primitives: &[ClippedPrimitive],
        pixels_per_point: f32,
        size_px: [u32; 2],
        clear: Color32,
    ) -> RgbaImage {
        let mut image =
            RgbaImage::from_pixel(size_px[0], size_px[1], image::Rgba(clear.to_array()));
        let mut target = Target {
            data: &mut image,
            width: size_px[0] as usize,
        };
        let (w, h) = (size_px[0] as f32, size_px[1] as f32);
        for ClippedPrimitive {
            clip_rect,
            primitive,
        } in primitives
        {
            let Primitive::Mesh(mesh) = primitive else {
                continue;
            };
            let scissor = |v: f32, max: f32| (v * pixels_per_point).round().clamp(0.0, max) as i64;
            let clip = [
                scissor(clip_rect.min.x, w),
                scissor(clip_rect.min.y, h),
                scissor(clip_rect.max.x, w),
                scissor(clip_rect.max.y, h),
            ];
            if clip[0] >= clip[2] || clip[1] >= clip[3] {
                continue;
            }
            let texture = self.textures.get(&mesh.texture_id);
            for tri in mesh.indices.chunks_exact(3) {
                let vertex = |i: u32| mesh.vertices.get(i as usize);
                if let (Some(a), Some(b), Some(c)) =
                    (vertex(tri[0]), vertex(tri[1]), vertex(tri[2]))
                {
                    target.triangle([a, b, c], f64::from(pixels_per_point), clip, texture);
                }
            }
        }
        image
    }
}

/// The framebuffer being drawn into: tightly packed RGBA8 rows.
struct Target<'a> {
    data: &'a mut [u8],
    width: usize,
}

/// Edge function of the (snapped) edge `a -> b` at `p`; twice the signed area of `a, b, p`.
fn edge(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

impl Target<'_> {
    /// Rasterises one triangle into the pixels of `clip` (`[x0, y0, x1, y1)`, inside the image).
    fn triangle(
        &mut self,
        mut v: [&Vertex; 3],
        ppp: f64,
        clip: [i64; 4],
        texture: Option<&Texture>,
    ) {
        let snap = |v: &Vertex| [v.pos.x, v.pos.y].map(|c| (f64::from(c) * ppp * SUBPIXEL).round());
        let mut p = v.map(snap);
        if p.iter().flatten().any(|c| !c.is_finite())
            || v.iter()
                .any(|v| !(v.uv.x.is_finite() && v.uv.y.is_finite()))
        {
            return;
        }
        let mut area = edge(p[0], p[1], p[2]);
        if area == 0.0 {
            return;
        }
        if area < 0.0 {
            // Accept both windings by normalising to a positive area.
            v.swap(1, 2);
            p.swap(1, 2);
            area = -area;
        }

        // Pixel range whose centres (x + 0.5) can be inside, cut to the clip rect.
        let span = |axis: usize, lo: i64, hi: i64| {
            let min = p.iter().map(|p| p[axis]).fold(f64::INFINITY, f64::min);
            let max = p.iter().map(|p| p[axis]).fold(f64::NEG_INFINITY, f64::max);
            let first = ((min - SUBPIXEL / 2.0) / SUBPIXEL).ceil();
            let last = ((max - SUBPIXEL / 2.0) / SUBPIXEL).floor() + 1.0;
            (
                first.clamp(lo as f64, hi as f64) as i64,
                last.clamp(lo as f64, hi as f64) as i64,
            )
        };
        let (x0, x1) = span(0, clip[0], clip[2]);
        let (y0, y1) = span(1, clip[1], clip[3]);
        if x0 >= x1 || y0 >= y1 {
            return;
        }

        // Edge `i` is opposite vertex `i`, so its value is that vertex's barycentric weight.
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        // Per-pixel steps along x and y, and the top-left rule as a threshold: pixel centres
        // exactly on an edge (value 0) count only for top or left edges. Values are integers
        // (snapped coordinates), so `> -0.5` means `>= 0`.
        let step_x = edges.map(|(a, b)| -(b[1] - a[1]) * SUBPIXEL);
        let step_y = edges.map(|(a, b)| (b[0] - a[0]) * SUBPIXEL);
        let threshold = edges.map(|(a, b)| {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            if dy < 0.0 || (dy == 0.0 && dx > 0.0) {
                -0.5
            } else {
                0.0
            }
        });

        // Vertex attributes: premultiplied colour (0..=255) and uv.
        let attrs = v.map(|v| {
            let [r, g, b, a] = v.color.to_array().map(f32::from);
            [r, g, b, a, v.uv.x, v.uv.y]
        });
        let d1: [f32; 6] = std::array::from_fn(|i| attrs[1][i] - attrs[0][i]);
        let d2: [f32; 6] = std::array::from_fn(|i| attrs[2][i] - attrs[0][i]);
        let const_color = v[0].color == v[1].color && v[0].color == v[2].color;
        let const_uv = v[0].uv == v[1].uv && v[0].uv == v[2].uv;
        let inv_area = 1.0 / area;

        // Minification or magnification, from the uv footprint of one pixel (texels per pixel).
        let linear = texture.is_some_and(|t| {
            let grad = |s: [f64; 3], k: usize| {
                (f64::from(d1[k]) * s[1] + f64::from(d2[k]) * s[2]) * inv_area
            };
            let (w, h) = (t.width as f64, t.height as f64);
            let along_x = (grad(step_x, 4) * w).hypot(grad(step_x, 5) * h);
            let along_y = (grad(step_y, 4) * w).hypot(grad(step_y, 5) * h);
            let filter = if along_x.max(along_y) > 1.0 {
                t.options.minification
            } else {
                t.options.magnification
            };
            filter == TextureFilter::Linear
        });
        let sample = |u: f32, v: f32| texture.map_or([255.0; 4], |t| t.sample(u, v, linear));
        let const_tex = sample(attrs[0][4], attrs[0][5]);

        // `as u8` saturates, which also tames colours that are not properly premultiplied.
        let shade = |color: [f32; 4], tex: [f32; 4]| -> [u8; 4] {
            std::array::from_fn(|k| (color[k] * tex[k] / 255.0 + 0.5) as u8)
        };
        let color0 = [attrs[0][0], attrs[0][1], attrs[0][2], attrs[0][3]];
        let const_src = (const_color && const_uv).then(|| shade(color0, const_tex));

        let centre = |i: i64| (i as f64 * SUBPIXEL) + SUBPIXEL / 2.0;
        let row_len = (x1 - x0) as f64;
        'rows: for y in y0..y1 {
            let start = [centre(x0), centre(y)];
            let w_row = edges.map(|(a, b)| edge(a, b, start));
            // Solve `w_row + step_x * k > threshold` for the pixel offsets `k` of this row,
            // widened by one pixel against rounding; the exact test below has the last word.
            let (mut lo, mut hi) = (0.0, row_len);
            for e in 0..3 {
                let q = (threshold[e] - w_row[e]) / step_x[e];
                match step_x[e] {
                    s if s > 0.0 => lo = q.floor().max(lo),
                    s if s < 0.0 => hi = (q.ceil() + 1.0).min(hi),
                    _ if w_row[e] <= threshold[e] => continue 'rows,
                    _ => {}
                }
            }
            let row = (y as usize * self.width + x0 as usize) * 4;
            for k in lo as usize..hi.max(lo) as usize {
                let kf = k as f64;
                let w: [f64; 3] = std::array::from_fn(|e| w_row[e] + step_x[e] * kf);
                if w[0] <= threshold[0] || w[1] <= threshold[1] || w[2] <= threshold[2] {
                    continue;
                }
                let src = const_src.unwrap_or_else(|| {
                    let (l1, l2) = ((w[1] * inv_area) as f32, (w[2] * inv_area) as f32);
                    let attr = |k: usize| attrs[0][k] + d1[k] * l1 + d2[k] * l2;
                    let tex = if const_uv {
                        const_tex
                    } else {
                        sample(attr(4), attr(5))
                    };
                    let color = if const_color {
                        color0
                    } else {
                        [0, 1, 2, 3].map(attr)
                    };
                    shade(color, tex)
                });
                blend(&mut self.data[row + k * 4..row + k * 4 + 4], src);
            }
        }
    }
}

/// Premultiplied "over": `dst = src + dst * (1 - src_a)`, on 0..=255 values.
#[inline]
fn blend(dst: &mut [u8], src: [u8; 4]) {
    match src[3] {
        255 => dst.copy_from_slice(&src),
        _ if src == [0; 4] => {}
        alpha => {
            let keep = 255 - u32::from(alpha);
            for (d, s) in dst.iter_mut().zip(src) {
                // Rounded `d * keep / 255`, exact over the whole u8 range.
                let x = u32::from(*d) * keep + 128;
                *d = s.saturating_add(((x + (x >> 8)) >> 8) as u8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{ClippedShape, ImageDelta, Tessellator};
    use egui::{ColorImage, Mesh, Pos2, Rect, Shape, pos2, vec2};

    const BG: Color32 = Color32::from_rgb(0, 0, 255);

    /// Tessellates shapes with egui's default feathering.
    fn tessellate(ppp: f32, shapes: Vec<Shape>) -> Vec<ClippedPrimitive> {
        let mut tessellator = Tessellator::new(ppp, Default::default(), [1, 1], vec![]);
        let clipped = shapes
            .into_iter()
            .map(|s| ClippedShape::new(Rect::EVERYTHING, s));
        tessellator.tessellate_shapes(clipped.collect())
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect::from_min_max(pos2(x0, y0), pos2(x1, y1))
    }

    fn pixel(img: &RgbaImage, x: u32, y: u32) -> [u8; 4] {
        img.get_pixel(x, y).0
    }

    #[test]
    fn opaque_rect_covers_exact_pixels_and_is_clipped() {
        let red = Shape::rect_filled(rect(2., 3., 7., 9.), 0, Color32::RED);
        let prims = tessellate(1.0, vec![red.clone()]);
        let img = CpuRenderer::new().paint(&prims, 1.0, [12, 12], BG);
        for y in 0..12 {
            for x in 0..12 {
                let inside = (2..7).contains(&x) && (3..9).contains(&y);
                let want = if inside { Color32::RED } else { BG };
                assert_eq!(pixel(&img, x, y), want.to_array(), "pixel ({x}, {y})");
            }
        }

        // At 2 pixels per point, with a clip rect cutting off everything left of x = 4 and
        // below y = 5 (points).
        let mut prims = tessellate(2.0, vec![red]);
        prims[0].clip_rect = rect(4., 0., 100., 5.);
        let img = CpuRenderer::new().paint(&prims, 2.0, [20, 20], BG);
        for y in 0..20 {
            for x in 0..20 {
                let inside = (8..14).contains(&x) && (6..10).contains(&y);
                let want = if inside { Color32::RED } else { BG };
                assert_eq!(pixel(&img, x, y), want.to_array(), "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn translucent_shape_blends_over_background() {
        let fill = Color32::from_rgba_unmultiplied(255, 0, 0, 128);
        let prims = tessellate(1.0, vec![Shape::rect_filled(rect(0., 0., 4., 4.), 0, fill)]);
        let img = CpuRenderer::new().paint(&prims, 1.0, [6, 6], BG);
        // src = (128, 0, 0, 128) premultiplied; dst = src + (0, 0, 255, 255) * (1 - 128/255).
        // Every pixel is blended exactly once, also those whose centres lie on shared edges.
        for (x, y) in (0..6).flat_map(|y| (0..6).map(move |x| (x, y))) {
            let got = pixel(&img, x, y);
            if x < 4 && y < 4 {
                let close = got
                    .iter()
                    .zip([128, 0, 127, 255])
                    .all(|(g, w)| g.abs_diff(w) <= 1);
                assert!(close, "pixel ({x}, {y}) = {got:?}");
            } else {
                assert_eq!(got, BG.to_array(), "pixel ({x}, {y})");
            }
        }
    }

    /// A mesh with one quad covering `rect` with the whole texture `id`.
    fn textured_quad(id: TextureId, rect: Rect) -> Vec<ClippedPrimitive> {
        let mut mesh = Mesh::with_texture(id);
        let uv = Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0));
        mesh.add_rect_with_uv(rect, uv, Color32::WHITE);
        vec![ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        }]
    }

    #[test]
    fn texture_upload_partial_update_and_filtering() {
        let id = TextureId::User(7);
        let texels = vec![Color32::RED, Color32::GREEN, Color32::BLUE, Color32::YELLOW];
        let mut delta = TexturesDelta::default();
        let checker = ColorImage::new([2, 2], texels.clone());
        delta.push(id, ImageDelta::full(checker, TextureOptions::NEAREST));
        let mut renderer = CpuRenderer::new();
        renderer.handle_delta(&mut delta);

        let prims = textured_quad(id, rect(0., 0., 8., 8.));
        let check = |img: &RgbaImage, texels: &[Color32]| {
            for (x, y) in (0..8).flat_map(|y| (0..8).map(move |x| (x, y))) {
                let want = texels[(y / 4 * 2 + x / 4) as usize];
                assert_eq!(pixel(img, x, y), want.to_array(), "pixel ({x}, {y})");
            }
        };
        check(&renderer.paint(&prims, 1.0, [8, 8], BG), &texels);

        let mut delta = TexturesDelta::default();
        let patch = ColorImage::filled([1, 1], Color32::WHITE);
        delta.push(
            id,
            ImageDelta::partial([1, 0], patch, TextureOptions::NEAREST),
        );
        renderer.handle_delta(&mut delta);
        let patched = [Color32::RED, Color32::WHITE, Color32::BLUE, Color32::YELLOW];
        check(&renderer.paint(&prims, 1.0, [8, 8], BG), &patched);

        // Linear filtering of a black|white texture stretched over 4 pixels (clamped at the ends).
        let mut delta = TexturesDelta::default();
        let ramp = ColorImage::new([2, 1], vec![Color32::BLACK, Color32::WHITE]);
        delta.push(id, ImageDelta::full(ramp, TextureOptions::LINEAR));
        delta.free(id);
        renderer.handle_delta(&mut delta);
        let img = renderer.paint(&textured_quad(id, rect(0., 0., 4., 1.)), 1.0, [4, 1], BG);
        for (x, want) in [0u8, 64, 191, 255].into_iter().enumerate() {
            assert!(pixel(&img, x as u32, 0)[0].abs_diff(want) <= 1, "pixel {x}");
        }

        // The free above happens at the next delta: the texture is gone, so it draws white.
        renderer.handle_delta(&mut TexturesDelta::default());
        let img = renderer.paint(&textured_quad(id, rect(0., 0., 4., 1.)), 1.0, [4, 1], BG);
        assert_eq!(pixel(&img, 0, 0), [255; 4]);
    }

    #[test]
    fn renders_text_of_a_real_frame() {
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(200.0, 100.0))),
            ..Default::default()
        };
        let mut label_rect = Rect::NOTHING;
        let mut output = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| label_rect = ui.label("Hello").rect);
        });
        let mut renderer = CpuRenderer::new();
        renderer.handle_delta(&mut output.textures_delta);
        let img = renderer.render(&ctx, &output).expect("render");
        assert_eq!(img.dimensions(), (200, 100));

        let panel = ctx.global_style().visuals.panel_fill.to_array();
        assert!(
            label_rect.is_positive() && label_rect.max.x < 200.0,
            "{label_rect:?}"
        );
        let (x0, y0) = (label_rect.min.x as u32, label_rect.min.y as u32);
        let (x1, y1) = (
            label_rect.max.x.ceil() as u32,
            label_rect.max.y.ceil() as u32,
        );
        let inked = (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| pixel(&img, x, y) != panel)
            .count();
        assert!(inked > 10, "only {inked} text pixels in {label_rect:?}");
        assert_eq!(pixel(&img, 195, 95), panel);

        // The panel, not the clear colour, fills the frame: paint onto magenta to check.
        let prims = ctx.tessellate(output.shapes, output.pixels_per_point);
        let img = renderer.paint(
            &prims,
            output.pixels_per_point,
            [200, 100],
            Color32::MAGENTA,
        );
        assert_eq!(pixel(&img, 195, 95), panel);
    }
}
