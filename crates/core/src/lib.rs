//! HotelMate Desk's core: everything that is not drawing a window.
//!
//! The shell (`src-tauri`) calls one facade, [`Desk`]; the UI receives [`DeskEvent`]s. This crate
//! has no Tauri dependency and is tested without a webview.

// Every public item says what it is for, and nothing is `pub` that no other crate can reach
// (issue 37.3: a `pub` item is part of the crate's surface, not a way around a module's walls).
#![deny(missing_docs, unreachable_pub)]
// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

// The internals below are public to the crate's own tests and benches only (its `test-support`
// feature, which the app never turns on); without it they are the crate's own, and their `pub`
// items reach no one (issue 37.3).
#[cfg(feature = "test-support")]
pub mod api;
#[cfg(not(feature = "test-support"))]
#[allow(unreachable_pub)]
pub(crate) mod api;
pub(crate) mod context;
pub mod desk;
#[cfg(feature = "test-support")]
pub mod engine;
#[cfg(not(feature = "test-support"))]
#[allow(unreachable_pub)]
pub(crate) mod engine;
pub mod events;
pub mod features;
pub mod locale;
#[cfg(feature = "test-support")]
pub mod media;
#[cfg(not(feature = "test-support"))]
#[allow(unreachable_pub)]
pub(crate) mod media;
pub mod notify;
pub(crate) mod rules;
pub mod session;
#[cfg(test)]
mod typescript;
pub mod updates;

pub use desk::{
    ConnectionStatus, Desk, DeskError, DeskEvent, DeskOptions, SessionInfo, SignInRequest, UiError,
};
