//! The page's gallery containers and their images on the 2026 server (API.md §17.4; issue 65
//! item 4), as the engine keeps them: `gallery-containers/` with each container's images
//! nested as a child collection, and `gallery-images/` for an image's caption, alt text and
//! delete. Read only by those who may edit the page (§17.1), and only while its screen shows
//! (no events, §17.9 item 7).
//!
//! A photo is added by the per-image `POST …/gallery-images/` (multipart `gallery`, `image`,
//! `sort_order`), not `bulk-upload/`: the engine sends each photo on its own (a few at once),
//! so each has its own progress, its own place chosen as it starts, and its own recovery when
//! the answer is lost (looked for by its bytes, never sent twice); the bulk upload would tie
//! 20 photos to one answer and number them by its quirk (§17.9 item 5). An order is sent as
//! one PATCH of `sort_order` per moved image (§17.9 item 6), which also numbers apart images
//! sharing a place.

use serde_json::Value;

use super::access::{NOT_CLASSIC, WHO_MAY_EDIT};
use crate::api::{Generation, Listing, Mount, Resource, PAGE_EDITOR};
use crate::engine::spec::{AddChild, Capabilities, Children, ChildrenOrder, ResourceSpec};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// §17.4: the hotel's gallery containers, by `sort_order`, 10 a page, each with its images.
pub const CONTAINERS: Resource = Resource {
    name: "page_galleries",
    path: "gallery-containers",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: Some("sort_order"),
    clipped: &[],
    renamed: &[],
};

/// §17.4: the hotel's gallery images one by one (caption, alt text, place, delete).
pub const IMAGES: Resource = Resource {
    name: "page_gallery_images",
    path: "gallery-images",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// A container's images: each added by its own POST naming the container (`gallery`), put in
/// order by one PATCH of `sort_order` per moved image.
pub static CONTAINER_IMAGES: Children = Children {
    list_key: "images",
    file_url: "image_url",
    order_field: "sort_order",
    add: AddChild::Collection {
        parent_field: "gallery",
        file_field: "image",
    },
    reorder: ChildrenOrder::PatchEach,
    resource: IMAGES,
};

/// The longest container name, caption and alt text the server keeps (§17.4).
pub const MAX_GALLERY_TEXT_CHARS: usize = 255;

/// What a container's edit sends; `section` only when it is made.
pub(crate) const CONTAINER_FIELDS: &[&str] = &["name", "sort_order"];

/// What an image's edit sends.
pub(crate) const IMAGE_FIELDS: &[&str] = &["caption", "alt_text"];

/// The page's gallery containers, for those who may edit the page.
pub(crate) static GALLERIES_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| {
        row.get("name")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    },
    validate: validate_container,
    editable: CONTAINER_FIELDS,
    views: &[View::PublicPage],
    children: Some(&CONTAINER_IMAGES),
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, WHO_MAY_EDIT)),
    capabilities: Capabilities {
        change: Some(PAGE_EDITOR),
        photo: Some(PAGE_EDITOR),
    },
    ..ResourceSpec::base(ResourceKind::PageGalleries, CONTAINERS)
};

/// The page's gallery images one by one, for those who may edit the page.
pub(crate) static GALLERY_IMAGES_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| {
        row.get("caption")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    },
    validate: validate_image,
    editable: IMAGE_FIELDS,
    also_changes: &["page_galleries"],
    // No view: its list (every photo of the hotel, 10 a page) is read once when the desk
    // starts, never on the page screen's timer; the screen shows the photos nested in their
    // galleries, read again after each photo's change is sent.
    views: &[],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, WHO_MAY_EDIT)),
    capabilities: Capabilities {
        change: Some(PAGE_EDITOR),
        photo: Some(PAGE_EDITOR),
    },
    ..ResourceSpec::base(ResourceKind::PageGalleryImages, IMAGES)
};

/// Text as the server keeps it: trimmed, at most [`MAX_GALLERY_TEXT_CHARS`] characters.
fn short_text(field: &'static str, what: &str, value: &Value) -> Result<Value, FieldInvalid> {
    let Value::String(text) = value else {
        return Err(invalid(field, format!("The {what} is text.")));
    };
    let text = text.trim();
    if text.chars().count() > MAX_GALLERY_TEXT_CHARS {
        return Err(invalid(
            field,
            format!("The {what} can be at most {MAX_GALLERY_TEXT_CHARS} characters."),
        ));
    }
    Ok(Value::from(text))
}

/// A place: a whole number from 0.
fn place(field: &'static str, value: &Value) -> Result<Value, FieldInvalid> {
    match value.as_u64() {
        Some(n) if n <= i32::MAX as u64 => Ok(Value::from(n)),
        _ => Err(invalid(field, "A place is a whole number from 0.")),
    }
}

/// A container's fields: `name` (may be blank), `sort_order`, and when it is made its
/// `section` (the handle checks it is one of this hotel's). Never `hotel` (§17.9 item 2).
pub(crate) fn validate_container(
    changes: &Row,
    _: Option<&Row>,
    creating: bool,
) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        let value = match key.as_str() {
            "name" => short_text("name", "gallery's name", value)?,
            "sort_order" => place("sort_order", value)?,
            "section" if creating && value.as_i64().is_some_and(|id| id > 0) => value.clone(),
            "section" if creating => {
                return Err(invalid("section", "A gallery is added to a saved section."))
            }
            _ => {
                return Err(invalid(
                    "id",
                    format!("A gallery's {key} is not changed from the desk."),
                ))
            }
        };
        clean.insert(key.clone(), value);
    }
    if creating && !clean.contains_key("section") {
        return Err(invalid("section", "Choose the section the gallery goes in."));
    }
    Ok(clean)
}

/// An image's caption and alt text, nothing else (its place goes with its container's order).
pub(crate) fn validate_image(
    changes: &Row,
    _: Option<&Row>,
    creating: bool,
) -> Result<Row, FieldInvalid> {
    if creating {
        // A photo is added only with its file (`POST gallery-images/`, multipart): one a
        // colleague deleted cannot be made again from its caption (a POST without a file and a
        // gallery is refused, §17.4).
        return Err(invalid(
            "image",
            "A photo is added with its file: one deleted by a colleague cannot be brought back \
             from here. Drop it into the gallery again if it should stay.",
        ));
    }
    let mut clean = Row::new();
    for (key, value) in changes {
        let value = match key.as_str() {
            "caption" => short_text("caption", "caption", value)?,
            "alt_text" => short_text("alt_text", "alt text", value)?,
            _ => {
                return Err(invalid(
                    "id",
                    format!("An image's {key} is not changed from the desk."),
                ))
            }
        };
        clean.insert(key.clone(), value);
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_gallery_sends_its_name_place_and_new_section_and_never_the_hotel() {
        let made = validate_container(&row(json!({"section": 4, "name": " Spa "})), None, true);
        assert_eq!(made.unwrap(), row(json!({"section": 4, "name": "Spa"})));
        for bad in [
            json!({"hotel": 2}),
            json!({"section": 4}),
            json!({"sort_order": -1}),
            json!({"name": "x".repeat(256)}),
        ] {
            assert!(validate_container(&row(bad.clone()), None, false).is_err(), "{bad}");
        }
        assert!(validate_container(&row(json!({"section": -3})), None, true).is_err());
        assert!(validate_container(&row(json!({"name": "A"})), None, true).is_err());
    }

    #[test]
    fn an_image_sends_its_caption_and_alt_text_only() {
        let ok = validate_image(&row(json!({"caption": " Pool ", "alt_text": ""})), None, false);
        assert_eq!(ok.unwrap(), row(json!({"caption": "Pool", "alt_text": ""})));
        for bad in [
            json!({"gallery": 9}),
            json!({"sort_order": 1}),
            json!({"caption": "x".repeat(256)}),
        ] {
            assert!(validate_image(&row(bad.clone()), None, false).is_err(), "{bad}");
        }
    }
}
