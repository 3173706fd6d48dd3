//! Headless exports: the map as an image, with the furniture of a briefing slide, rendered on
//! the CPU (no display, no GPU).

pub mod animation;
pub mod image;
pub mod report;

pub use self::image::{MapImage, encode_png, render_map, view_transform, window_incidents};
