//! The hotel's pictures as the Pictures screen shows them, built from stored rows: the three
//! hotel image slots (the image in effect, and whether a replacement waits to be sent), every
//! gallery with its images in order, and every room type with its photo. Pure: the desk reads
//! the rows and the outbox.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;

/// Where the image in effect of a hotel image slot comes from (API.md §4.1–4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImageSource {
    /// The public page's own image (the settings' override, `*_url` or the settings `logo`).
    Override,
    /// The hotel's image (no override set).
    Hotel,
    /// No image at all.
    Missing,
}

/// One of the hotel's image slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HotelImageView {
    pub slot: crate::desk::HotelImageSlot,
    /// "Hero image", "Landing page", "Logo".
    pub label: String,
    /// The image in effect (`*_display`), if any.
    pub url: Option<String>,
    /// Where that image comes from.
    pub source: ImageSource,
    /// A replacement is saved here and waits to be sent.
    pub pending: bool,
    /// The shape a new image is cut to (width / height).
    pub aspect: f64,
}

/// Where a slot's image in effect comes from: the settings' override field when it is set
/// (`override_field`: `hero_image_url`, `landing_page_image_url`, `logo`), else the hotel's own
/// image when one shows (`shown_field`), else none.
pub fn image_source(settings: &Row, override_field: &str, shown_field: &str) -> ImageSource {
    let set = |field: &str| {
        settings
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty())
    };
    if !set(shown_field) {
        ImageSource::Missing
    } else if set(override_field) {
        ImageSource::Override
    } else {
        ImageSource::Hotel
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GalleryImageView {
    #[ts(type = "number")]
    pub id: i64,
    pub url: Option<String>,
    pub caption: String,
    pub alt_text: String,
    pub is_featured: bool,
    /// An edit of its caption or alt text waits to be sent (or for the user's decision).
    pub sync: crate::engine::view::RowSync,
}

/// Where an image added to a gallery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    /// Prepared and kept here; sent when its turn comes and the server can be reached.
    Waiting,
    /// On its way (progress comes as `UploadProgress` events naming `upload`).
    Sending,
    /// The server refused it, or it cannot be sent; `message` says why. Retry or cancel.
    Refused,
}

/// An image added to a gallery that the server does not have yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UploadView {
    /// Names the upload (to cancel or retry it, and in `UploadProgress`).
    #[ts(type = "number")]
    pub upload: i64,
    pub file_name: String,
    /// The prepared image, from this computer (load it through `shownImage`).
    pub preview: Option<String>,
    pub state: UploadState,
    pub message: Option<String>,
}

/// How the UI asks for an image kept in the desk's own media cache (an upload not sent yet).
pub const LOCAL_IMAGE_PREFIX: &str = "desk-media:";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GalleryView {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub category: String,
    pub description: String,
    pub is_active: bool,
    pub images: Vec<GalleryImageView>,
    /// Images added here that the server does not have yet, oldest first.
    pub uploads: Vec<UploadView>,
    /// A change made here waits to be sent (or for the user's decision).
    pub sync: crate::engine::view::RowSync,
    /// Brought back by this desk after a colleague deleted it: a new gallery ("Restored").
    pub restored: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomTypeView {
    #[ts(type = "number")]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_description: String,
    pub max_occupancy: Option<u32>,
    pub bed_setup: String,
    /// "from 189.00 EUR", or empty.
    pub price: String,
    /// The price as the server keeps it ("189.00"), for the editor.
    pub starting_price_from: String,
    pub currency: String,
    pub booking_code: String,
    pub booking_url: String,
    pub availability_message: String,
    pub is_active: bool,
    pub photo_url: Option<String>,
    /// A new photo is kept here and waits to be sent.
    pub photo_pending: bool,
    /// A change made here waits to be sent (or for the user's decision).
    pub sync: crate::engine::view::RowSync,
    /// Brought back by this desk after a colleague deleted it: a new room type ("Restored").
    pub restored: bool,
}

/// Everything the Pictures screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PicturesOverview {
    pub hotel_images: Vec<HotelImageView>,
    pub galleries: Vec<GalleryView>,
    pub room_types: Vec<RoomTypeView>,
}

fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn url(row: &Row, key: &str) -> Option<String> {
    Some(text(row, key)).filter(|u| !u.is_empty())
}

fn order(row: &Row, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn id(row: &Row) -> i64 {
    row.get("id").and_then(Value::as_i64).unwrap_or(0)
}

pub fn gallery(row: &Row) -> GalleryView {
    let mut images: Vec<&Row> = row
        .get("images")
        .and_then(Value::as_array)
        .map(|images| images.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    images.sort_by_key(|image| (order(image, "display_order"), text(image, "uploaded_at")));
    GalleryView {
        sync: crate::engine::view::RowSync::Synced,
        restored: false,
        uploads: Vec::new(),
        id: id(row),
        name: text(row, "name"),
        category: text(row, "category"),
        description: text(row, "description"),
        is_active: row
            .get("is_active")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        images: images
            .into_iter()
            .map(|image| GalleryImageView {
                id: id(image),
                url: url(image, "image_url"),
                caption: text(image, "caption"),
                alt_text: text(image, "alt_text"),
                is_featured: image
                    .get("is_featured")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                sync: crate::engine::view::RowSync::Synced,
            })
            .collect(),
    }
}

pub fn room_type(row: &Row) -> RoomTypeView {
    let price = text(row, "starting_price_from");
    RoomTypeView {
        id: id(row),
        code: text(row, "code"),
        name: text(row, "name"),
        short_description: text(row, "short_description"),
        max_occupancy: row
            .get("max_occupancy")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        bed_setup: text(row, "bed_setup"),
        price: if price.is_empty() {
            String::new()
        } else {
            format!("from {price} {}", text(row, "currency"))
                .trim()
                .to_owned()
        },
        starting_price_from: price,
        currency: text(row, "currency"),
        booking_code: text(row, "booking_code"),
        booking_url: text(row, "booking_url"),
        availability_message: text(row, "availability_message"),
        is_active: row
            .get("is_active")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        photo_url: url(row, "photo_url"),
        photo_pending: false,
        sync: crate::engine::view::RowSync::Synced,
        restored: false,
    }
}

/// An image's caption and alt text as the image itself says (`gallery-images`, with this desk's
/// own edits applied): fresher than its gallery's copy right after an edit was sent.
pub fn overlay(image: &mut GalleryImageView, edited: &crate::engine::view::ViewRow) {
    if edited.row.contains_key("caption") {
        image.caption = text(&edited.row, "caption");
    }
    if edited.row.contains_key("alt_text") {
        image.alt_text = text(&edited.row, "alt_text");
    }
    image.sync = edited.sync.clone();
}

/// Where the hotel puts a row (`display_order` / `sort_order`), then by name.
pub fn hotel_order(row: &Row, key: &str) -> (i64, String) {
    (order(row, key), text(row, "name").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_gallery_lists_its_images_in_their_order_and_a_room_type_says_its_price() {
        let row = json!({"id": 3, "name": "Lake", "category": "exterior", "description": "",
            "is_active": true, "images": [
                {"id": 9, "image_url": "http://x/b.jpg", "caption": "B", "alt_text": "", "display_order": 1, "is_featured": false},
                {"id": 8, "image_url": "http://x/a.jpg", "caption": "A", "alt_text": "a", "display_order": 0, "is_featured": true}]});
        let view = gallery(row.as_object().unwrap());
        assert_eq!(
            view.images.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec![8, 9]
        );
        assert!(view.images[0].is_featured);
        let room = json!({"id": 1, "code": "DBL", "name": "Double", "max_occupancy": 2,
            "starting_price_from": "149.00", "currency": "EUR", "photo_url": null, "is_active": true});
        let view = room_type(room.as_object().unwrap());
        assert_eq!(view.price, "from 149.00 EUR");
        assert_eq!((view.max_occupancy, view.photo_url), (Some(2), None));
    }

    fn row(value: serde_json::Value) -> Row {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_slot_says_whether_its_image_is_the_public_pages_override_or_the_hotels_own() {
        let both = row(serde_json::json!({
            "hero_image_url": "https://img/settings.jpg",
            "hero_image_display": "https://img/settings.jpg",
            "logo": "", "logo_display": "https://img/hotel-logo.png",
            "landing_page_image_url": null, "landing_page_image_display": null
        }));
        assert_eq!(
            image_source(&both, "hero_image_url", "hero_image_display"),
            ImageSource::Override
        );
        assert_eq!(
            image_source(&both, "logo", "logo_display"),
            ImageSource::Hotel
        );
        assert_eq!(
            image_source(
                &both,
                "landing_page_image_url",
                "landing_page_image_display"
            ),
            ImageSource::Missing
        );
    }
}
