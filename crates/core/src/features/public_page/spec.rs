//! Where the public page lives on the 2026 server and how the engine keeps it. The server
//! announces none of its changes (§17.9 item 7), so both reads are made when the desk starts,
//! on connect and resume, when the page's screen is opened, and on the timer only while it
//! shows (`read_only_while_shown`): an idle desk elsewhere asks nothing of it. The public read
//! is also the lobby display's (issue 65.11), so it is read while the display shows too.

use crate::api::{ApiError, CreateAt, Generation, Listing, Mount, Resource, PAGE_EDITOR};
use crate::engine::spec::{Capabilities, ResourceSpec};
use crate::events::{ResourceKind, View};

pub(crate) use super::access::{NOT_CLASSIC, WHO_MAY_EDIT};
pub use super::cards_spec::{CARDS, LISTS};
pub(crate) use super::cards_spec::{CARDS_SPEC, LISTS_SPEC};
pub(crate) use super::gallery::{GALLERIES_SPEC, GALLERY_IMAGES_SPEC};
pub(crate) use super::hero::HEROES_SPEC;
pub(crate) use super::presets::PRESETS_SPEC;

/// `/api/public/hotel/<slug>/page/` (§17.8): no token needed, one object.
const PUBLIC: Mount = Mount {
    name: "public page (2026)",
    collection: |slug, path, _| format!("api/public/hotel/{slug}/{path}/"),
    item: None,    create: None,
};

/// §17.8: the page as guests see it, stored as one row.
pub const PAGE: Resource = Resource {
    name: "public_page",
    path: "page",
    mount: PUBLIC,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// The staff mount, with new sections made by `POST …/sections/create/` (§17.2): it makes a
/// typed section and takes no `hotel`; a POST to `public-sections/` requires one (§17.9 item
/// 2: the desk never sends it) and makes a section without a type.
const SECTIONS_MOUNT: Mount = Mount {
    name: "staff hotel, sections made by sections/create",
    create: Some(CreateAt {
        path: "sections/create",
        answer_key: "section",
        takes: &["section_type", "name", "position", "container_name"],
        not_read_back: &["section_type", "container_name"],
    }),
    ..Mount::STAFF_HOTEL
};

/// §17.2: every section of the hotel, hidden ones included, by `position` (10 a page).
pub const SECTIONS: Resource = Resource {
    name: "page_sections",
    path: "public-sections",
    mount: SECTIONS_MOUNT,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: Some("position"),
    clipped: &[],
    renamed: &[],
};


/// The public read: the page as published, for everyone.
pub(crate) static SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |_| Some("The public page".to_owned()),
    permanent_failure: page_fails,
    // The lobby shows the published page on this server (issue 65.11).
    views: &[View::PublicPage, View::Display],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    ..ResourceSpec::base(ResourceKind::PublicPage, PAGE)
};

/// The staff list of sections: for those who may edit the page only (§17.1).
pub(crate) static SECTIONS_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| {
        row.get("name")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    },
    // The Offers screen's lists are this hotel's sections' (§17.9 item 2): read while it shows.
    views: &[View::PublicPage, View::Offers],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, WHO_MAY_EDIT)),
    // A section made or deleted makes or drops its lists and their cards (§17.2).
    also_changes: &["page_lists", "page_cards"],
    validate: super::edit::validate,
    editable: super::edit::EDITABLE_FIELDS,
    capabilities: Capabilities {
        change: Some(PAGE_EDITOR),
        photo: None,
    },
    ..ResourceSpec::base(ResourceKind::PageSections, SECTIONS)
};


/// §17.9 item 1: the public read answers a bare 500 when a rooms section lists a room type
/// whose prices are all one. Retrying cannot help until the page or the room types change, so
/// the area says why and is asked again on the usual recheck; the last page read stays shown.
fn page_fails(err: &ApiError) -> Option<String> {
    match err {
        ApiError::Server { status: 500, .. } => Some(
            "The hotel's public page cannot be refreshed: the server fails when it builds it \
             (a rooms section listing a room type with a single price does this). The desk \
             shows the page as it last read it."
                .to_owned(),
        ),
        _ => None,
    }
}
