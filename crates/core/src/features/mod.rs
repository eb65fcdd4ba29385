//! One folder per feature, each holding everything about it: its model and views, its
//! [`ResourceSpec`](crate::engine::spec::ResourceSpec) for the engine, and the handle the UI
//! calls through the [`Desk`](crate::Desk).

pub mod chat;
pub mod display;
pub mod offers;
pub mod team;
