//! The Pictures screen's data (`desk.pictures()`): the hotel's image slots, galleries and room
//! types as stored here (no network), and replacing a hotel image (`desk.hotel_images()`).

use serde_json::Value;

use super::{Desk, DeskError, HotelImageSlot};
use crate::api::SINGLETON_ID;
use crate::engine::store::{adds_image, EntryState, Op, ADDED_FILE, IMAGE_FIELD};
use crate::pictures::{self, HotelImageView, PicturesOverview};
use crate::resources::galleries::{IMAGES_SPEC, SPEC as GALLERIES_SPEC};
use crate::resources::hotel::SETTINGS;
use crate::resources::room_types::SPEC as ROOM_TYPES_SPEC;

pub struct Pictures<'a> {
    desk: &'a Desk,
}

impl Desk {
    pub fn pictures(&self) -> Pictures<'_> {
        Pictures { desk: self }
    }
}

impl Pictures<'_> {
    pub fn overview(&self) -> Result<PicturesOverview, DeskError> {
        self.desk.running()?;
        let store = &self.desk.inner.store;
        let settings = store
            .record(SETTINGS.name, SINGLETON_ID)?
            .unwrap_or_default();
        let waiting: Vec<String> = store
            .outbox_entries(SETTINGS.name)?
            .into_iter()
            .filter(|e| {
                e.op == Op::Upload && matches!(e.state, EntryState::Pending | EntryState::Sending)
            })
            .filter_map(|e| {
                e.fields
                    .get(IMAGE_FIELD)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let hotel_images = HotelImageSlot::ALL
            .into_iter()
            .map(|slot| HotelImageView {
                slot,
                label: slot.label().to_owned(),
                url: settings
                    .get(slot.image().shown_field)
                    .and_then(Value::as_str)
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned),
                source: pictures::image_source(
                    &settings,
                    slot.override_field(),
                    slot.image().shown_field,
                ),
                pending: waiting.iter().any(|f| f == slot.image().file_field),
                aspect: slot.aspect(),
            })
            .collect();
        // Galleries as shown: the server's, with this desk's own new, changed and deleted ones.
        let mut gallery_views = self.desk.view_rows(&GALLERIES_SPEC)?;
        gallery_views.sort_by_cached_key(|v| pictures::hotel_order(&v.row, "display_order"));
        let mut type_views = self.desk.view_rows(&ROOM_TYPES_SPEC)?;
        type_views.sort_by_cached_key(|v| pictures::hotel_order(&v.row, "sort_order"));
        let mut galleries: Vec<_> = gallery_views
            .iter()
            .map(|v| {
                let mut gallery = pictures::gallery(&v.row);
                gallery.sync = v.sync.clone();
                gallery.restored = v.restored;
                gallery
            })
            .collect();
        // Captions and alt text as edited here (and not yet read back through the galleries).
        // An image the images list has not brought yet (a first read still going, a failed one)
        // is folded over its gallery's copy, so an edit of it shows at once all the same.
        let listed_images = store.records(IMAGES_SPEC.name())?;
        let listed: std::collections::HashSet<i64> = listed_images
            .iter()
            .filter_map(crate::engine::store::records::row_id)
            .collect();
        let mut image_rows = listed_images;
        image_rows.extend(
            gallery_views
                .iter()
                .filter_map(|v| v.row.get("images").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_object)
                .filter(|image| {
                    crate::engine::store::records::row_id(image)
                        .is_some_and(|id| !listed.contains(&id))
                })
                .cloned(),
        );
        let image_entries = store.outbox_entries(IMAGES_SPEC.name())?;
        let edited: std::collections::HashMap<i64, crate::engine::view::ViewRow> =
            crate::engine::view::fold(
                image_rows,
                &image_entries,
                IMAGES_SPEC.image_fields,
                IMAGES_SPEC.api.order_field,
            )
            .into_iter()
            .filter_map(|v| Some((crate::engine::store::records::row_id(&v.row)?, v)))
            .collect();
        for image in galleries.iter_mut().flat_map(|g| g.images.iter_mut()) {
            if let Some(view) = edited.get(&image.id) {
                pictures::overlay(image, view);
            }
        }
        // Images deleted here are gone from view at once, before the server is told, and after
        // (until the galleries, read again at once, no longer list them).
        let deleted: Vec<i64> = image_entries
            .iter()
            .filter(|e| e.op == Op::Delete)
            .map(|e| e.target)
            .collect();
        let sync = self.desk.sync()?;
        for gallery in &mut galleries {
            gallery.images.retain(|image| {
                let just_deleted = sync.deleted_here(IMAGES_SPEC.name(), image.id);
                !deleted.contains(&image.id) && !just_deleted
            });
        }
        // Images added here and not yet on the server, under their galleries.
        for entry in store.outbox_entries(GALLERIES_SPEC.name())? {
            if !adds_image(&entry) {
                continue;
            }
            let Some(gallery) = galleries.iter_mut().find(|g| g.id == entry.target) else {
                continue;
            };
            gallery.uploads.push(pictures::UploadView {
                upload: entry.seq,
                file_name: entry
                    .fields
                    .get(ADDED_FILE)
                    .and_then(Value::as_str)
                    .unwrap_or("image")
                    .to_owned(),
                preview: entry
                    .media
                    .as_deref()
                    .map(|hash| format!("{}{hash}", pictures::LOCAL_IMAGE_PREFIX)),
                state: match entry.state {
                    EntryState::Pending => pictures::UploadState::Waiting,
                    EntryState::Sending => pictures::UploadState::Sending,
                    EntryState::Conflict | EntryState::Rejected => pictures::UploadState::Refused,
                },
                message: entry.problem.clone(),
            });
        }
        let room_types = type_views
            .iter()
            .map(|v| {
                let mut room_type = pictures::room_type(&v.row);
                room_type.restored = v.restored;
                room_type.sync = v.sync.clone();
                room_type.photo_pending = v.pending_media.is_some();
                room_type
            })
            .collect();
        Ok(PicturesOverview {
            hotel_images,
            galleries,
            room_types,
        })
    }
}

impl Pictures<'_> {
    /// Changes a gallery image's caption and alt text: shown at once, sent when the server can
    /// be reached (merged with a colleague's change like any edit).
    pub fn edit_image(&self, id: i64, patch: &ImagePatch) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
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
        self.desk.queue_edit(&IMAGES_SPEC, id, &changes, &shown)?;
        self.overview()
    }
}

impl Pictures<'_> {
    /// Deletes a gallery image: gone from view at once, deleted on the server when it can be
    /// reached. (The screen waits a few seconds before calling this, for an undo.)
    pub fn delete_image(&self, id: i64) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        let known = self
            .overview()?
            .galleries
            .iter()
            .flat_map(|g| &g.images)
            .any(|image| image.id == id);
        if !known {
            return Err(DeskError::Missing("image"));
        }
        self.desk.inner.store.queue_delete(IMAGES_SPEC.name(), id)?;
        self.desk.changed(&IMAGES_SPEC)?;
        self.overview()
    }
}

/// A gallery's own fields as the editor sends them (a new gallery needs a name).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GalleryPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
        self.desk.sync()?;
        let fields = (GALLERIES_SPEC.validate)(&fields.to_row(), None, true)?;
        self.desk
            .inner
            .store
            .queue_create(GALLERIES_SPEC.name(), &fields)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        self.overview()
    }

    /// Renames, recategorises, describes, shows or hides a gallery.
    pub fn update_gallery(
        &self,
        id: i64,
        changes: &GalleryPatch,
    ) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        let current = self.desk.view_row(&GALLERIES_SPEC, id, "gallery")?.row;
        let changes = (GALLERIES_SPEC.validate)(&changes.to_row(), Some(&current), false)?;
        self.desk
            .queue_edit(&GALLERIES_SPEC, id, &changes, &current)?;
        self.overview()
    }

    /// Deletes a gallery with its images (the screen offers an undo before calling this).
    pub fn delete_gallery(&self, id: i64) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        self.desk.view_row(&GALLERIES_SPEC, id, "gallery")?;
        self.desk
            .inner
            .store
            .queue_delete(GALLERIES_SPEC.name(), id)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        self.overview()
    }
}

/// A gallery image's own fields as the screen edits them (each separately).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ImagePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
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
        self.desk.sync()?;
        let gallery = self.desk.view_row(&GALLERIES_SPEC, gallery, "gallery")?;
        let id = gallery.row.get("id").and_then(Value::as_i64).unwrap_or(0);
        let shown_name = file_name.clone();
        let cached = self.desk.prepare_image(file_name, bytes, None).await?;
        let seq = self.desk.inner.store.queue_added_image(
            GALLERIES_SPEC.name(),
            id,
            &cached.image.hash,
            &shown_name,
        )?;
        self.desk.changed(&GALLERIES_SPEC)?;
        Ok(seq)
    }

    /// Stops an upload: one waiting is dropped; one on its way is taken out of the gallery again
    /// as soon as the server answers. Returns false when it had already finished.
    pub fn cancel_upload(&self, upload: i64) -> Result<bool, DeskError> {
        self.desk.sync()?;
        let cancelled = self.desk.inner.store.cancel_upload(upload)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        Ok(cancelled)
    }

    /// Sends a refused upload again (nothing else is sent again: a file the gallery already has
    /// is recognised and not uploaded twice).
    pub fn retry_upload(&self, upload: i64) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        self.desk.inner.store.retry_entry(upload)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        self.overview()
    }

    /// A gallery's images in a new order (ids first to last): shown at once, sent as one
    /// `reorder_images` call; if the server refuses it, the gallery shows the server's order
    /// again and the refusal is listed with the other changes that need the user.
    pub fn reorder_images(&self, gallery: i64, ids: &[i64]) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        let shown = self.desk.view_row(&GALLERIES_SPEC, gallery, "gallery")?;
        let id = shown
            .row
            .get("id")
            .and_then(Value::as_i64)
            .unwrap_or(gallery);
        let has: Vec<i64> = pictures::gallery(&shown.row)
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
        self.desk
            .inner
            .store
            .queue_images_order(GALLERIES_SPEC.name(), id, ids)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        self.overview()
    }

    /// The galleries in a new order (ids first to last), as one change.
    pub fn reorder_galleries(&self, ids: &[i64]) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        self.desk
            .inner
            .store
            .queue_reorder(GALLERIES_SPEC.name(), ids)?;
        self.desk.changed(&GALLERIES_SPEC)?;
        self.overview()
    }
}
