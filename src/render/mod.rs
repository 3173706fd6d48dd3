//! Turning egui output into pixels without a GPU.

pub mod cpu;
