//! The hotel's galleries (API.md §5.1): paginated, each with its images nested as a child
//! collection; an image is added through the gallery's `upload_image/` action (file part
//! `image`, §5.2), so an image added to a gallery created offline waits for that gallery's id
//! like any change to it. Create, update and delete are not announced (§9.2): read every poll
//! interval; `gallery-updated` (and the brief's `gallery-image-uploaded` / `gallery-reordered`,
//! Decision 6) are hints to read them again.

use serde_json::Value;

use crate::api::{ApiError, Generation, Listing, Mount, Resource};
use crate::engine::spec::Hint;
use crate::engine::spec::{AddChild, Children, ChildrenOrder, ResourceSpec};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// §5.1 and §5.2.
pub const GALLERIES: Resource = Resource {
    name: "galleries",
    path: "galleries",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: Some("display_order"),
    clipped: &[],
    renamed: &[],
};

/// §5.4: the hotel's gallery images, one by one: captions, alt text and the featured flag are
/// edited here (no event); the images themselves are shown from their galleries.
pub const GALLERY_IMAGES: Resource = Resource {
    name: "gallery_images",
    path: "gallery-images",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// A gallery's images: added one file at a time (§5.2), put in order as a whole (§5.3), and
/// removed one by one as gallery images (§5.4).
pub static IMAGES: Children = Children {
    list_key: "images",
    file_url: "image_url",
    order_field: "display_order",
    add: AddChild::RowAction("upload_image", "image"),
    reorder: ChildrenOrder::RowAction("reorder_images", "image_ids"),
    resource: GALLERY_IMAGES,
};

/// What an image's edit may change (§5.4's writable fields).
pub(crate) const IMAGE_FIELDS: &[&str] = &["caption", "alt_text", "is_featured", "display_order"];

/// The longest caption and alt text the server keeps.
pub(crate) const MAX_IMAGE_TEXT_CHARS: usize = 255;

pub(crate) static IMAGES_SPEC: ResourceSpec = ResourceSpec {
    interpret: |event, _| (event == "gallery-updated").then_some(Hint::Reconcile),
    title: |row| {
        row.get("caption")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    },
    validate: validate_image,
    editable: IMAGE_FIELDS,
    also_changes: &["galleries"],
    views: &[View::Pictures, View::Display],
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "Gallery photos on this HotelMate server are page-builder sections, which the desk \
             does not edit yet; use the hotel's web app.",
    )],
    ..ResourceSpec::base(ResourceKind::GalleryImages, GALLERY_IMAGES)
};

/// Only §5.4's writable fields; caption and alt text at most 255 characters, kept as typed but
/// for the spaces around them.
fn validate_image(changes: &Row, _: Option<&Row>, _: bool) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        if !IMAGE_FIELDS.contains(&key.as_str()) {
            return Err(invalid(
                "id",
                format!("An image's {key} is not changed from the desk."),
            ));
        }
        let value = match (key.as_str(), value) {
            ("caption" | "alt_text", Value::String(text)) => {
                let text = text.trim();
                if text.chars().count() > MAX_IMAGE_TEXT_CHARS {
                    let what = if key == "caption" {
                        "caption"
                    } else {
                        "alt text"
                    };
                    return Err(invalid(
                        if key == "caption" {
                            "caption"
                        } else {
                            "alt_text"
                        },
                        format!("The {what} can be at most {MAX_IMAGE_TEXT_CHARS} characters."),
                    ));
                }
                Value::from(text)
            }
            _ => value.clone(),
        };
        clean.insert(key.clone(), value);
    }
    Ok(clean)
}

/// How the engine syncs the galleries (API.md §5.1).
pub static SPEC: ResourceSpec = ResourceSpec {
    interpret,
    title: |row| {
        row.get("name")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    },
    validate,
    editable: &[
        "name",
        "category",
        "description",
        "is_active",
        "display_order",
    ],
    toast,
    permanent_failure: duplicate_name,
    toasts_from_reconcile: true,
    views: &[View::Pictures, View::Display],
    children: Some(&IMAGES),
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "Galleries on this HotelMate server are page-builder sections, which the desk does \
             not edit yet; use the hotel's web app.",
    )],
    ..ResourceSpec::base(ResourceKind::Galleries, GALLERIES)
};

/// A colleague's change, in words (found by a reconcile: galleries are not announced row by
/// row).
fn toast(action: &str, title: Option<&str>) -> Option<(String, String)> {
    let name = title.map_or_else(|| "A gallery".to_owned(), |t| format!("The {t} gallery"));
    let body = match action {
        "added" => format!("{name} was added"),
        "removed" => format!("{name} was removed"),
        "images_changed" => format!("{name}: photos added, removed or moved"),
        _ => format!("{name} was changed"),
    };
    Some(("Galleries".to_owned(), body))
}

fn interpret(event: &str, _: &Value) -> Option<Hint> {
    matches!(
        event,
        "gallery-updated" | "gallery-image-uploaded" | "gallery-reordered"
    )
    .then_some(Hint::Reconcile)
}

/// A gallery needs a name (the serializer's one required field).
fn validate(changes: &Row, _: Option<&Row>, creating: bool) -> Result<Row, FieldInvalid> {
    let name = changes.get("name").and_then(Value::as_str).map(str::trim);
    match name {
        Some("") => Err(invalid("name", "A gallery needs a name.")),
        None if creating => Err(invalid("name", "A gallery needs a name.")),
        _ => Ok(changes.clone()),
    }
}

/// §5.1: a second gallery with a name the hotel already uses is a database IntegrityError, which
/// Django answers with a 500. It will never be accepted as it is.
fn duplicate_name(err: &ApiError) -> Option<String> {
    match err {
        ApiError::Server {
            status: 500,
            message,
            ..
        } if message.contains("IntegrityError") || message.contains("UNIQUE constraint") => {
            Some("A gallery with this name exists; choose another name.".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gallery_events_are_hints_to_read_the_galleries_again() {
        for event in [
            "gallery-updated",
            "gallery-image-uploaded",
            "gallery-reordered",
        ] {
            assert_eq!(
                interpret(event, &json!({})),
                Some(Hint::Reconcile),
                "{event}"
            );
        }
        assert_eq!(interpret("offer-updated", &json!({})), None);
    }

    #[test]
    fn a_gallery_needs_a_name() {
        let row = |v: Value| v.as_object().cloned().unwrap();
        assert!(validate(&row(json!({"name": "  "})), None, true).is_err());
        assert!(validate(&row(json!({"category": "rooms"})), None, true).is_err());
        assert!(validate(&row(json!({"category": "rooms"})), None, false).is_ok());
    }
}
