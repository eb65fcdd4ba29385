//! Room types (API.md §6): the view the Pictures screen draws ([`model`]), the resource as
//! the engine syncs it ([`spec`]), and `desk.room_types()` ([`desk`]).

pub(crate) mod desk;
pub(crate) mod model;
pub mod spec;

pub(crate) use model::*;
