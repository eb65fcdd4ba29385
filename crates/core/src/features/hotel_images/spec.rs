//! The hotel's settings with its hero, landing-page and logo images (§4.1, a single object; the
//! images are replaced as file parts, the text is not edited on the desk yet). Row edits are
//! refused in words.

use serde_json::Value;

use crate::api::{Listing, Mount, Resource};
use crate::engine::spec::Hint;
use crate::engine::spec::{FieldImage, ResourceSpec};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::not_on_the_desk_yet;

/// §4.1: one object per hotel.
pub const SETTINGS: Resource = Resource {
    name: "settings",
    path: "settings",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    // §10.2: the 2026 settings object gives the images' full addresses under their own names
    // and the hotel's name as `name`.
    renamed: &[
        ("hero_image_display", "hero_image"),
        ("landing_page_image_display", "landing_page_image"),
        ("logo_display", "logo"),
        ("name_display", "name"),
    ],
};

fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// §4.1 and §13.17: the hotel's three images, each a file part of a settings PATCH.
pub(crate) const HOTEL_IMAGES: [FieldImage; 3] = [
    FieldImage {
        file_field: "hero_image",
        shown_field: "hero_image_display",
        action: None,
    },
    FieldImage {
        file_field: "landing_page_image",
        shown_field: "landing_page_image_display",
        action: None,
    },
    FieldImage {
        file_field: "logo",
        shown_field: "logo_display",
        action: None,
    },
];

pub(crate) static SETTINGS_SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    interpret: |event, _| (event == "settings-updated").then_some(Hint::Reconcile),
    title: |row| text(row, "name_display"),
    validate: |_, _, _| Err(not_on_the_desk_yet("The hotel's settings")),
    image_fields: &[
        "hero_image_display",
        "landing_page_image_display",
        "logo_display",
    ],
    field_images: &HOTEL_IMAGES,
    toast: |action, _| {
        let body = if action == "images_changed" {
            "The hotel's hero, landing-page image or logo was replaced"
        } else {
            "The hotel's settings were changed"
        };
        Some(("Hotel images".to_owned(), body.to_owned()))
    },
    toasts_from_reconcile: true,
    copies: &["galleries"],
    views: &[View::Pictures, View::Display],
    ..ResourceSpec::base(ResourceKind::Settings, SETTINGS)
};
