//! HotelMate Desk's core: everything that is not drawing a window.
//!
//! The shell (`src-tauri`) calls one facade, [`Desk`]; the UI receives [`DeskEvent`]s. This crate
//! has no Tauri dependency and is tested without a webview.

#![warn(missing_docs)]

pub mod api;
pub(crate) mod context;
pub mod desk;
pub mod engine;
pub mod events;
pub mod features;
pub mod locale;
pub mod media;
pub mod notify;
pub(crate) mod rules;
pub mod session;
#[cfg(test)]
mod typescript;
pub mod updates;

pub use desk::{
    ConnectionStatus, Desk, DeskError, DeskEvent, DeskOptions, SessionInfo, SignInRequest, UiError,
};
