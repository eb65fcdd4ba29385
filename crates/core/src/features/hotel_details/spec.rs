//! Where the hotel's public page lives (§4.3: one object, no sign-in needed, read-only) and how
//! the engine keeps it: read again whenever the hotel's settings change (`settings-updated`,
//! §9, is sent for every settings PATCH), never edited on the desk.

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::{Hint, ResourceSpec};
use crate::events::{ResourceKind, View};
use crate::rules::invalid;

/// §4.3: the public settings, one object per hotel.
pub const PUBLIC_SETTINGS: Resource = Resource {
    name: "hotel_details",
    path: "settings",
    mount: Mount::PUBLIC,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

pub(crate) static SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    interpret: |event, _| (event == "settings-updated").then_some(Hint::Reconcile),
    title: |_| Some("The hotel's public page".to_owned()),
    validate: |_, _, _| {
        Err(invalid(
            "id",
            "The hotel's public page is edited in the hotel's web app, not on the desk.",
        ))
    },
    views: &[View::HotelDetails],
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "This HotelMate server has no public page settings: its 2026 version builds the \
             public page from sections.",
    )],
    ..ResourceSpec::base(ResourceKind::HotelDetails, PUBLIC_SETTINGS)
};
