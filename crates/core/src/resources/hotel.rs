//! The hotel's own resources the desk keeps on this computer ahead of their screens: room types
//! (API.md §6), the hotel's settings with its hero, landing-page and logo images (§4.1, a
//! single object) and the guest-chat conversations (§8.2, a plain array keyed by
//! `conversation_id`). They are read (and so shown offline once their screens land); they are
//! not edited on the desk yet, so each refuses edits in words.

use serde_json::{Map, Value};

use crate::api::{ApiError, Listing, Mount, Resource};
use crate::events::ResourceKind;
use crate::rules::{invalid, FieldInvalid};
use crate::store::Row;
use crate::sync::live::Hint;
use crate::sync::spec::{no_permanent_failures, FieldImage, ResourceSpec};

/// §6.1: paginated, `upload-image/` with the file part `photo` (§6.2).
pub const ROOM_TYPES: Resource = Resource {
    name: "room_types",
    path: "room-types",
    mount: Mount::StaffHotel,
    listing: Listing::Paginated,
    id_key: "id",
    upload: Some(("upload-image", "photo")),
};

/// §4.1: one object per hotel.
pub const SETTINGS: Resource = Resource {
    name: "settings",
    path: "settings",
    mount: Mount::StaffHotel,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
};

/// §8.2: every conversation, one plain array, newest first.
pub const CONVERSATIONS: Resource = Resource {
    name: "conversations",
    path: "conversations",
    mount: Mount::Chat,
    listing: Listing::PlainArray,
    id_key: "conversation_id",
    upload: None,
};

fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn not_on_the_desk_yet(what: &'static str) -> FieldInvalid {
    invalid(
        "id",
        format!("{what} are not edited on the desk yet; use the hotel's web app."),
    )
}

pub static ROOM_TYPES_SPEC: ResourceSpec = ResourceSpec {
    kind: ResourceKind::RoomTypes,
    api: ROOM_TYPES,
    // Only a photo upload is announced (§9.2): the rest is read every minute.
    broadcast: false,
    interpret: interpret_room_types,
    title: |row| text(row, "name"),
    validate: |_, _, _| Err(not_on_the_desk_yet("Room types")),
    editable: &[],
    image_fields: &["photo_url"],
    field_images: &[],
    toast: |_, _| None,
    permanent_failure: room_type_gone,
    also_changes: &[],
};

/// §4.1 and §13.17: the hotel's three images, each a file part of a settings PATCH.
pub const HOTEL_IMAGES: [FieldImage; 3] = [
    FieldImage {
        file_field: "hero_image",
        shown_field: "hero_image_display",
    },
    FieldImage {
        file_field: "landing_page_image",
        shown_field: "landing_page_image_display",
    },
    FieldImage {
        file_field: "logo",
        shown_field: "logo_display",
    },
];

pub static SETTINGS_SPEC: ResourceSpec = ResourceSpec {
    kind: ResourceKind::Settings,
    api: SETTINGS,
    broadcast: true,
    interpret: |event, _| (event == "settings-updated").then_some(Hint::Reconcile),
    title: |row| text(row, "name_display"),
    validate: |_, _, _| Err(not_on_the_desk_yet("The hotel's settings")),
    editable: &[],
    image_fields: &[
        "hero_image_display",
        "landing_page_image_display",
        "logo_display",
    ],
    field_images: &HOTEL_IMAGES,
    toast: |_, _| None,
    permanent_failure: no_permanent_failures,
    also_changes: &[],
};

pub static CONVERSATIONS_SPEC: ResourceSpec = ResourceSpec {
    kind: ResourceKind::Conversations,
    api: CONVERSATIONS,
    // Announced on chat channels, not the hotel's (§9.3): read every minute until the desk
    // listens there.
    broadcast: false,
    interpret: |_, _| None,
    title: |row| {
        let room = row.get("room_number").map(Value::to_string);
        room.map(|r| format!("Room {}", r.trim_matches('"')))
    },
    validate: |_, _, _| Err(not_on_the_desk_yet("Conversations")),
    editable: &[],
    image_fields: &[],
    field_images: &[],
    toast: |_, _| None,
    permanent_failure: no_permanent_failures,
    also_changes: &[],
};

/// `room-type-image-updated` carries the new photo; its `timestamp` is always null (§9.2).
fn interpret_room_types(event: &str, data: &Value) -> Option<Hint> {
    if event != "room-type-image-updated" {
        return None;
    }
    Some(
        match (
            data.get("room_type_id").and_then(Value::as_i64),
            data.get("photo_url"),
        ) {
            (Some(id), Some(url)) if url.is_string() || url.is_null() => {
                let mut fields = Map::new();
                fields.insert("photo_url".into(), url.clone());
                Hint::Patch {
                    id,
                    fields,
                    action: "image_updated",
                    title: None,
                }
            }
            _ => Hint::Reconcile,
        },
    )
}

/// §6.2 (and §13.13): an upload to a room type that is gone answers 500 "Request failed: No
/// RoomType matches the given query.", not 404. Retrying cannot help.
fn room_type_gone(err: &ApiError) -> Option<String> {
    match err {
        ApiError::Server {
            status: 500,
            message,
        } if message.contains("No RoomType matches") => Some(
            "This room type is no longer on the hotel's server (it may have been deleted), \
                 so its photo cannot be uploaded."
                .to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_room_type_photo_event_patches_the_photo_and_anything_else_is_a_reconcile() {
        let Some(Hint::Patch { id, fields, .. }) = interpret_room_types(
            "room-type-image-updated",
            &json!({"room_type_id": 3, "photo_url": "http://x/r.jpg", "timestamp": null}),
        ) else {
            panic!("not a patch");
        };
        assert_eq!((id, &fields["photo_url"]), (3, &json!("http://x/r.jpg")));
        assert_eq!(
            interpret_room_types("room-type-image-updated", &json!({"room_type_id": "3"})),
            Some(Hint::Reconcile)
        );
        assert_eq!(interpret_room_types("offer-updated", &json!({})), None);
    }

    #[test]
    fn only_the_unknown_room_type_500_is_final() {
        let gone = ApiError::Server {
            status: 500,
            message: "Request failed: No RoomType matches the given query.".into(),
        };
        assert!(room_type_gone(&gone)
            .unwrap()
            .contains("no longer on the hotel's server"));
        let other = ApiError::Server {
            status: 500,
            message: "Internal Server Error".into(),
        };
        assert_eq!(room_type_gone(&other), None, "an ordinary 500 is retried");
    }
}
