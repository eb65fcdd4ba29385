//! Every resource the desk keeps in sync, each described once for the engine ([`ResourceSpec`]):
//! where it lives on the server, how its hotel-channel events read, what it is called, which
//! fields a re-create carries, which fields hold its image, and how a colleague's change toasts.
//! Adding a resource is adding a module here and naming it in [`ALL`].

pub mod galleries;
pub mod hotel;
pub mod room_types;

use crate::engine::spec::{ResourceSpec, Resources};

/// Every synced resource.
pub static ALL: Resources = &[
    &crate::features::offers::spec::SPEC,
    &crate::features::team::spec::SPEC,
    &crate::features::team::spec::CLOCK_LOGS_SPEC,
    &galleries::SPEC,
    &galleries::IMAGES_SPEC,
    &room_types::SPEC,
    &hotel::SETTINGS_SPEC,
    &crate::features::chat::spec::CONVERSATIONS_SPEC,
];

/// The description of the resource stored as `name`, if the desk syncs it.
pub fn named(name: &str) -> Option<&'static ResourceSpec> {
    crate::engine::spec::spec_named(ALL, name)
}
