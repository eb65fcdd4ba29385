//! Tauri commands, one file per area; each is a few lines that call the core.

pub mod display;
pub mod offers;
pub mod pictures;
pub mod session;
pub mod settings;
pub mod team;
