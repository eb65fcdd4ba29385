//! Where the hotel's public page lives (§4.3: one object, no sign-in needed, read-only) and how
//! the engine keeps it: read again whenever the hotel's settings change (`settings-updated`,
//! §9, is sent for every settings PATCH), never edited on the desk.

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::{no_permanent_failures, Capabilities, Hint, ResourceSpec};
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
    kind: ResourceKind::HotelDetails,
    api: PUBLIC_SETTINGS,
    broadcast: true,
    read_only_while_shown: false,
    interpret: |event, _| (event == "settings-updated").then_some(Hint::Reconcile),
    title: |_| Some("The hotel's public page".to_owned()),
    validate: |_, _, _| {
        Err(invalid(
            "id",
            "The hotel's public page is edited in the hotel's web app, not on the desk.",
        ))
    },
    editable: &[],
    image_fields: &[],
    field_images: &[],
    toast: |_, _| None,
    permanent_failure: no_permanent_failures,
    also_changes: &[],
    toasts_from_reconcile: false,
    copies: &[],
    views: &[View::HotelDetails],
    children: None,
    refetch_follows_row_events: false,
    capabilities: Capabilities::NONE,
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "This HotelMate server has no public page settings: its 2026 version builds the \
             public page from sections.",
    )],
};
