//! Room types (API.md §6): the view the Pictures screen draws ([`model`]), the resource as
//! the engine syncs it ([`spec`]), and `desk.room_types()` ([`desk`]).

pub mod desk;
pub mod model;
pub mod spec;

pub use model::*;
