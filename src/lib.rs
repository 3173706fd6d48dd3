//! Situation Viewer: incidents on an offline map, day by day, with the source text behind each.
//!
//! Layers, from the bottom up: [`model`] (pure data) ← [`formats`] (files) ← [`timeline`]
//! (day index) ← [`map`] (walkers plugins) ← [`app`] (the eframe application). [`render`]
//! rasterises egui output on the CPU for image tests and headless export; [`export`] draws the
//! map of a time window as a briefing image with it; [`text`] handles fonts and right-to-left
//! scripts. Beside [`formats`], on [`model`] alone: [`gazetteer`] (embedded places, matched in
//! any spelling) and [`extract`] (a report's text to proposed incidents).
//! scripts; [`tiles`] reads raster tile packages and (only when the user allows it) online tiles,
//! which [`map::tiles`] draws between the embedded basemap and the markers.

pub mod app;
pub mod cli;
pub mod export;
pub mod extract;
pub mod formats;
pub mod gazetteer;
pub mod generate;
pub mod map;
pub mod model;
pub mod render;
pub mod text;
pub mod tiles;
pub mod timeline;
