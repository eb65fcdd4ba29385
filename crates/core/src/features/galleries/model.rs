//! Galleries as the Pictures screen shows them, built from stored rows: every gallery with its
//! images in order, and images added here that the server does not have yet.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::row::{id, order, text, url};

/// One image of a gallery, as the Pictures screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GalleryImageView {
    /// The image's id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Where the image is (`None` when the server gave no address).
    pub url: Option<String>,
    /// The text shown with the image (`""`: none).
    pub caption: String,
    /// The text that describes the image to those who cannot see it (`""`: none).
    pub alt_text: String,
    /// Whether the gallery puts it forward.
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
    /// The name of the file the user chose.
    pub file_name: String,
    /// The prepared image, from this computer (load it through `shownImage`).
    pub preview: Option<String>,
    /// Where it stands.
    pub state: UploadState,
    /// Why it was refused or cannot be sent, for [`UploadState::Refused`].
    pub message: Option<String>,
}

/// How the UI asks for an image kept in the desk's own media cache (an upload not sent yet).
pub(crate) const LOCAL_IMAGE_PREFIX: &str = "desk-media:";

/// A gallery as the Pictures screen shows it, its images in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GalleryView {
    /// The gallery's id on the server (negative while it exists only on this desk).
    #[ts(type = "number")]
    pub id: i64,
    /// The gallery's name (unique in the hotel).
    pub name: String,
    /// Its kind (`rooms`, `facilities`, `dining`, …) (API.md §5).
    pub category: String,
    /// Its description (`""`: none).
    pub description: String,
    /// Whether guests see it.
    pub is_active: bool,
    /// Its images on the server, in their order.
    pub images: Vec<GalleryImageView>,
    /// Images added here that the server does not have yet, oldest first.
    pub uploads: Vec<UploadView>,
    /// A change made here waits to be sent (or for the user's decision).
    pub sync: crate::engine::view::RowSync,
    /// Brought back by this desk after a colleague deleted it: a new gallery ("Restored").
    pub restored: bool,
}

pub(crate) fn gallery(row: &Row) -> GalleryView {
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

/// An image's caption and alt text as the image itself says (`gallery-images`, with this desk's
/// own edits applied): fresher than its gallery's copy right after an edit was sent.
pub(crate) fn overlay(image: &mut GalleryImageView, edited: &crate::engine::view::ViewRow) {
    if edited.row.contains_key("caption") {
        image.caption = text(&edited.row, "caption");
    }
    if edited.row.contains_key("alt_text") {
        image.alt_text = text(&edited.row, "alt_text");
    }
    image.sync = edited.sync.clone();
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
    }
}
