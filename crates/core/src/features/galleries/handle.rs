//! The galleries on the Pictures screen (`desk.pictures()`): create, edit, reorder and delete
//! galleries, add, edit, reorder and delete their images; each shown at once and sent through
//! the outbox.

use serde_json::Value;

use super::spec::{IMAGES_SPEC, SPEC as GALLERIES_SPEC};
use crate::context::DeskError;
use crate::engine::store::{Cancelled, Op};
use crate::features::pictures::{Pictures, PicturesOverview};

impl Pictures<'_> {
    /// Changes a gallery image's caption and alt text: shown at once, sent when the server can
    /// be reached (merged with a colleague's change like any edit).
    pub fn edit_image(&self, id: i64, patch: &ImagePatch) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        let mut changes = crate::engine::store::Row::new();
        if let Some(caption) = &patch.caption {
            changes.insert("caption".into(), Value::from(caption.as_str()));
        }
        if let Some(alt_text) = &patch.alt_text {
            changes.insert("alt_text".into(), Value::from(alt_text.as_str()));
        }
        if let Some(featured) = patch.is_featured {
            changes.insert("is_featured".into(), Value::from(featured));
        }
        let changes = (IMAGES_SPEC.validate)(&changes, None, false)?;
        let current = self
            .overview()?
            .galleries
            .into_iter()
            .flat_map(|g| g.images)
            .find(|image| image.id == id)
            .ok_or(DeskError::Missing("image"))?;
        let mut shown = crate::engine::store::Row::new();
        shown.insert("caption".into(), Value::from(current.caption));
        shown.insert("alt_text".into(), Value::from(current.alt_text));
        shown.insert("is_featured".into(), Value::from(current.is_featured));
        self.cx.queue_edit(&IMAGES_SPEC, id, &changes, &shown)?;
        self.overview()
    }
}

impl Pictures<'_> {
    /// Deletes a gallery image: gone from view at once, deleted on the server when it can be
    /// reached. (The screen waits a few seconds before calling this, for an undo.)
    pub fn delete_image(&self, id: i64) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        let known = self
            .overview()?
            .galleries
            .iter()
            .flat_map(|g| &g.images)
            .any(|image| image.id == id);
        if !known {
            return Err(DeskError::Missing("image"));
        }
        self.cx.queue_delete(&IMAGES_SPEC, id)?;
        self.overview()
    }
}

/// A gallery's own fields as the editor sends them (a new gallery needs a name).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GalleryPatch {
    /// The gallery's name, unique in the hotel; required on a new gallery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its kind (`rooms`, `facilities`, `dining`, …) (API.md §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether guests see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

impl GalleryPatch {
    fn to_row(&self) -> crate::engine::store::Row {
        match serde_json::to_value(self) {
            Ok(Value::Object(row)) => row,
            _ => crate::engine::store::Row::new(),
        }
    }
}

impl Pictures<'_> {
    /// A new gallery: shown at once (under a temporary id), created on the server when it can
    /// be reached; images added to it meanwhile follow it.
    pub fn create_gallery(&self, fields: &GalleryPatch) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        let fields = (GALLERIES_SPEC.validate)(&fields.to_row(), None, true)?;
        self.cx.queue_create(&GALLERIES_SPEC, &fields)?;
        self.overview()
    }

    /// Renames, recategorises, describes, shows or hides a gallery.
    pub fn update_gallery(
        &self,
        id: i64,
        changes: &GalleryPatch,
    ) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        let current = self.cx.view_row(&GALLERIES_SPEC, id, "gallery")?.row;
        let changes = (GALLERIES_SPEC.validate)(&changes.to_row(), Some(&current), false)?;
        self.cx
            .queue_edit(&GALLERIES_SPEC, id, &changes, &current)?;
        self.overview()
    }

    /// Deletes a gallery with its images (the screen offers an undo before calling this).
    pub fn delete_gallery(&self, id: i64) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.cx.view_row(&GALLERIES_SPEC, id, "gallery")?;
        self.cx.queue_delete(&GALLERIES_SPEC, id)?;
        self.overview()
    }
}

/// A gallery image's own fields as the screen edits them (each separately).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ImagePatch {
    /// The text shown with the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The text that describes the image to those who cannot see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// Whether the gallery puts it forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_featured: Option<bool>,
}

impl Pictures<'_> {
    /// Adds a file (picked or dropped) to a gallery: prepared like every photo (resized,
    /// metadata stripped), kept here and uploaded when its turn comes, a few at a time, also
    /// after a restart. Returns the upload's number (see `UploadView`).
    pub async fn add_image(
        &self,
        gallery: i64,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<i64, DeskError> {
        self.cx.sync()?;
        let gallery = self.cx.view_row(&GALLERIES_SPEC, gallery, "gallery")?;
        let id = gallery.row.get("id").and_then(Value::as_i64).unwrap_or(0);
        let shown_name = file_name.clone();
        self.cx.may_queue(&GALLERIES_SPEC, Op::AddChild)?;
        let cached = self.cx.prepare_image(file_name, bytes, None).await?;
        self.cx
            .queue_added_child(&GALLERIES_SPEC, id, &cached.image.hash, &shown_name)
    }

    /// Stops an upload: one waiting is dropped; one on its way is taken out of the gallery again
    /// as soon as the server answers. Returns false when it had already finished.
    pub fn cancel_upload(&self, upload: i64) -> Result<bool, DeskError> {
        self.cx.sync()?;
        let cancelled = self.cx.store.cancel_upload(upload)?;
        // What became of it, for the hotel's IT (and what a test waits for).
        match cancelled {
            Cancelled::BeforeSending => {
                tracing::info!(upload, "an upload was cancelled before it was sent");
            }
            Cancelled::OnItsWay => tracing::info!(
                upload,
                "an upload was cancelled on its way; what the server keeps of it is taken out \
                 when it answers"
            ),
            Cancelled::AlreadyDone => {}
        }
        self.cx.changed(&GALLERIES_SPEC)?;
        Ok(cancelled != Cancelled::AlreadyDone)
    }

    /// Sends a refused upload again (nothing else is sent again: a file the gallery already has
    /// is recognised and not uploaded twice).
    pub fn retry_upload(&self, upload: i64) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.cx.store.retry_entry(upload)?;
        self.cx.changed(&GALLERIES_SPEC)?;
        self.overview()
    }

    /// A gallery's images in a new order (ids first to last): shown at once, sent as one
    /// `reorder_images` call; if the server refuses it, the gallery shows the server's order
    /// again and the refusal is listed with the other changes that need the user.
    pub fn reorder_images(&self, gallery: i64, ids: &[i64]) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        let shown = self.cx.view_row(&GALLERIES_SPEC, gallery, "gallery")?;
        let id = shown
            .row
            .get("id")
            .and_then(Value::as_i64)
            .unwrap_or(gallery);
        let has: Vec<i64> = super::gallery(&shown.row)
            .images
            .iter()
            .map(|image| image.id)
            .collect();
        if let Some(stranger) = ids.iter().find(|i| !has.contains(i)) {
            return Err(DeskError::InvalidInput {
                field: "image_ids",
                message: format!("Image {stranger} is not in this gallery; reload and try again."),
            });
        }
        self.cx.queue_children_order(&GALLERIES_SPEC, id, ids)?;
        self.overview()
    }

    /// The galleries in a new order (ids first to last), as one change.
    pub fn reorder_galleries(&self, ids: &[i64]) -> Result<PicturesOverview, DeskError> {
        self.cx.queue_reorder(&GALLERIES_SPEC, ids)?;
        self.overview()
    }
}
