//! The team (API.md §7): who is on duty, clocking in and out ([`model`]), the staff and clock
//! logs as the engine syncs them ([`spec`]), and the handle the UI calls, `desk.team()`
//! ([`desk`]).

pub(crate) mod desk;
pub(crate) mod model;
pub(crate) mod spec;

pub use model::*;
