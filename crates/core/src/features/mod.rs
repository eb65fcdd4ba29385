//! One folder per feature, each holding everything about it: its model and views, its
//! [`ResourceSpec`] for the engine (where it lives on the server, how its hotel-channel events
//! read, what it is called, which fields a re-create carries, which fields hold its image, how a
//! colleague's change toasts), and the handle the UI calls through the [`Desk`](crate::Desk).
//! A synced resource is named once, in [`ALL`].

pub mod chat;
pub mod display;
pub mod galleries;
pub mod hotel_images;
pub mod offers;
pub mod pictures;
pub mod room_types;
pub mod team;

use crate::engine::spec::{ResourceSpec, Resources};

/// Every synced resource.
pub static ALL: Resources = &[
    &offers::spec::SPEC,
    &team::spec::SPEC,
    &team::spec::CLOCK_LOGS_SPEC,
    &galleries::spec::SPEC,
    &galleries::spec::IMAGES_SPEC,
    &room_types::spec::SPEC,
    &hotel_images::spec::SETTINGS_SPEC,
    &chat::spec::CONVERSATIONS_SPEC,
];

/// The description of the resource stored as `name`, if the desk syncs it.
pub fn named(name: &str) -> Option<&'static ResourceSpec> {
    crate::engine::spec::spec_named(ALL, name)
}
