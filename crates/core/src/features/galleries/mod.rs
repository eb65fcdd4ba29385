//! Galleries (API.md §5): the views the Pictures screen draws ([`model`]), galleries and
//! their images as the engine syncs them ([`spec`]), and the gallery actions of
//! `desk.pictures()` ([`desk`]).

pub(crate) mod desk;
pub(crate) mod model;
pub mod spec;

pub use model::*;
