//! Where the hotel's public page lives (§3.3: one object, no sign-in needed, read-only) and how
//! the engine keeps it. It is made from the offers, the room types and the settings, so it is
//! read again when the server announces a change to any of them (`offers-updated` follows every
//! offer event, §9.2); a colleague's new room type reaches no socket, so it is also read on the
//! quiet timer and when the screen is opened after a minute.

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::{Hint, ResourceSpec};
use crate::events::{ResourceKind, View};
use crate::rules::invalid;

/// `/api/hotel/public/page/<slug>/` (§3.3): the slug after the page's name.
const PUBLIC_PAGE: Mount = Mount {
    name: "public page",
    collection: |slug, path, _| format!("api/hotel/public/{path}/{slug}/"),
    item: None,    create: None,
};

/// §3.3: the page, one object per hotel.
pub const PAGE: Resource = Resource {
    name: "guest_page",
    path: "page",
    mount: PUBLIC_PAGE,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// The server's events that change what the page shows.
const CHANGES_THE_PAGE: [&str; 3] = ["offers-updated", "settings-updated", "room-type-image-updated"];

pub(crate) static SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    interpret: |event, _| CHANGES_THE_PAGE.contains(&event).then_some(Hint::Reconcile),
    title: |_| Some("The page guests see".to_owned()),
    validate: |_, _, _| {
        Err(invalid(
            "id",
            "The page guests see is made from the offers, room types and settings; change those.",
        ))
    },
    views: &[View::GuestPage],
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "This HotelMate server has no such page: its 2026 version builds the public page from \
             sections.",
    )],
    ..ResourceSpec::base(ResourceKind::GuestPage, PAGE)
};
