//! HotelMate Desk's core: everything that is not drawing a window.
//!
//! The shell (`src-tauri`) calls one facade, [`Desk`]; the UI receives [`DeskEvent`]s. This crate
//! has no Tauri dependency and is tested without a webview.

// Every public item says what it is for, and nothing is `pub` that no other crate can reach
// (issue 37.3: a `pub` item is part of the crate's surface, not a way around a module's walls).
#![deny(missing_docs, unreachable_pub)]

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
