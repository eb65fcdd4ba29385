//! The Pictures screen's data (`desk.pictures()`): the hotel's image slots, galleries and room
//! types as stored here (no network), and replacing a hotel image (`desk.hotel_images()`).

use serde_json::Value;

use super::{Desk, DeskError, HotelImageSlot};
use crate::api::SINGLETON_ID;
use crate::pictures::{self, HotelImageView, PicturesOverview};
use crate::resources::galleries::{IMAGES_SPEC, SPEC as GALLERIES_SPEC};
use crate::resources::hotel::{ROOM_TYPES, SETTINGS};
use crate::store::{EntryState, Op, IMAGE_FIELD};

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
            })
            .collect();
        // Galleries as shown: the server's, with this desk's own new, changed and deleted ones.
        let mut gallery_views = self.desk.view_rows(&GALLERIES_SPEC)?;
        gallery_views.sort_by_cached_key(|v| pictures::hotel_order(&v.row, "display_order"));
        let mut type_rows = store.records(ROOM_TYPES.name)?;
        type_rows.sort_by_cached_key(|row| pictures::hotel_order(row, "sort_order"));
        let mut galleries: Vec<_> = gallery_views
            .iter()
            .map(|v| {
                let mut gallery = pictures::gallery(&v.row);
                gallery.sync = v.sync.clone();
                gallery
            })
            .collect();
        // Captions and alt text as edited here (and not yet read back through the galleries).
        let edited: std::collections::HashMap<i64, crate::sync::view::ViewRow> = self
            .desk
            .view_rows(&IMAGES_SPEC)?
            .into_iter()
            .filter_map(|v| Some((v.row.get("id").and_then(Value::as_i64)?, v)))
            .collect();
        for image in galleries.iter_mut().flat_map(|g| g.images.iter_mut()) {
            if let Some(view) = edited.get(&image.id) {
                pictures::overlay(image, view);
            }
        }
        // Images deleted here are gone from view at once, before the server is told, and after
        // (until the galleries, read again at once, no longer list them).
        let deleted: Vec<i64> = store
            .outbox_entries(IMAGES_SPEC.name())?
            .into_iter()
            .filter(|e| e.op == Op::Delete)
            .map(|e| e.target)
            .collect();
        let sync = self.desk.sync()?;
        for gallery in &mut galleries {
            gallery.images.retain(|image| {
                let just_deleted =
                    !edited.contains_key(&image.id) && sync.is_own(IMAGES_SPEC.name(), image.id);
                !deleted.contains(&image.id) && !just_deleted
            });
        }
        let room_types = type_rows.iter().map(pictures::room_type).collect();
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
    pub fn edit_image(
        &self,
        id: i64,
        caption: &str,
        alt_text: &str,
    ) -> Result<PicturesOverview, DeskError> {
        self.desk.sync()?;
        let mut changes = crate::store::Row::new();
        changes.insert("caption".into(), Value::from(caption));
        changes.insert("alt_text".into(), Value::from(alt_text));
        let changes = (IMAGES_SPEC.validate)(&changes, None, false)?;
        let current = self
            .overview()?
            .galleries
            .into_iter()
            .flat_map(|g| g.images)
            .find(|image| image.id == id)
            .ok_or(DeskError::Missing("image"))?;
        let mut shown = crate::store::Row::new();
        shown.insert("caption".into(), Value::from(current.caption));
        shown.insert("alt_text".into(), Value::from(current.alt_text));
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
    fn to_row(&self) -> crate::store::Row {
        match serde_json::to_value(self) {
            Ok(Value::Object(row)) => row,
            _ => crate::store::Row::new(),
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
