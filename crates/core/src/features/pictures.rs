//! Everything the Pictures screen shows, from three features: the hotel's image slots
//! ([`super::hotel_images`]), its galleries ([`super::galleries`]) and its room types
//! ([`super::room_types`]), as stored here (no network).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::api::SINGLETON_ID;
use crate::context::{Context, DeskError, Handle, Parts};
use crate::engine::store::{EntryState, Op, Row};
use crate::features::galleries::spec::{IMAGES_SPEC, SPEC as GALLERIES_SPEC};
use crate::features::galleries::{self, GalleryView};
use crate::features::hotel_images::handle::HotelImageSlot;
use crate::features::hotel_images::spec::SETTINGS;
use crate::features::hotel_images::{self, HotelImageView};
use crate::features::room_types::spec::SPEC as ROOM_TYPES_SPEC;
use crate::features::room_types::{self, RoomTypeView};
use crate::rules::row::{order, text};

/// The Pictures screen's handle (`desk.pictures()`); the galleries' actions are in
/// [`crate::features::galleries::handle`].
pub struct Pictures<'a> {
    pub(crate) cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for Pictures<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl Pictures<'_> {
    /// Everything the Pictures screen shows, as stored on this desk with its waiting changes.
    pub fn overview(&self) -> Result<PicturesOverview, DeskError> {
        self.cx.running()?;
        let refused = |capability: Option<&str>, what: &str| match self.cx.may(capability, what) {
            Err(DeskError::NotAllowed(words)) => Some(words),
            _ => None,
        };
        Ok(PicturesOverview {
            hotel_images: self.hotel_images()?,
            galleries: self.galleries()?,
            room_types: self.room_types()?,
            room_types_refused: refused(
                ROOM_TYPES_SPEC.capabilities.change,
                room_types::spec::CHANGE,
            ),
            room_type_photos_refused: refused(
                ROOM_TYPES_SPEC.capabilities.photo,
                room_types::spec::PHOTO,
            ),
            changes_refused: self.cx.refused_changes(&[
                &galleries::spec::SPEC,
                &galleries::spec::IMAGES_SPEC,
                &ROOM_TYPES_SPEC,
                &crate::features::hotel_images::spec::SETTINGS_SPEC,
            ]),
        })
    }

    /// The hotel's image slots, each marked while a new picture for it waits to be sent.
    fn hotel_images(&self) -> Result<Vec<HotelImageView>, DeskError> {
        let store = &self.cx.store;
        let settings = store
            .record(SETTINGS.name, SINGLETON_ID)?
            .unwrap_or_default();
        let waiting: Vec<String> = store
            .outbox_entries(SETTINGS.name)?
            .into_iter()
            .filter(|e| e.op == Op::Upload && e.state.is_on_its_way())
            .filter_map(|e| e.image_field().map(str::to_owned))
            .collect();
        Ok(HotelImageSlot::ALL
            .into_iter()
            .map(|slot| HotelImageView {
                slot,
                label: slot.label().to_owned(),
                url: settings
                    .get(slot.image().shown_field)
                    .and_then(Value::as_str)
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned),
                source: hotel_images::image_source(
                    &settings,
                    slot.override_field(),
                    slot.image().shown_field,
                ),
                pending: waiting.iter().any(|f| f == slot.image().file_field),
                aspect: slot.aspect(),
            })
            .collect())
    }

    /// Galleries as shown: the server's, with this desk's own new, changed and deleted ones,
    /// their photos as edited here, and the photos added here and not yet on the server.
    fn galleries(&self) -> Result<Vec<GalleryView>, DeskError> {
        let mut gallery_views = self.cx.view_rows(&GALLERIES_SPEC)?;
        gallery_views.sort_by_cached_key(|v| hotel_order(&v.row, "display_order"));
        let mut galleries: Vec<_> = gallery_views
            .iter()
            .map(|v| {
                let mut gallery = galleries::gallery(&v.row);
                gallery.sync = v.sync.clone();
                gallery.restored = v.restored;
                gallery
            })
            .collect();
        self.show_image_edits(&gallery_views, &mut galleries)?;
        self.show_waiting_uploads(&mut galleries)?;
        Ok(galleries)
    }

    /// Captions and alt text as edited here (and not yet read back through the galleries), and
    /// photos deleted here gone at once. An image the images list has not brought yet (a first
    /// read still going, a failed one) is folded over its gallery's copy, so an edit of it shows
    /// at once all the same.
    fn show_image_edits(
        &self,
        gallery_views: &[crate::engine::view::ViewRow],
        galleries: &mut [GalleryView],
    ) -> Result<(), DeskError> {
        let store = &self.cx.store;
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
            crate::engine::view::fold(image_rows, &image_entries, &IMAGES_SPEC)
                .into_iter()
                .filter_map(|v| Some((crate::engine::store::records::row_id(&v.row)?, v)))
                .collect();
        for image in galleries.iter_mut().flat_map(|g| g.images.iter_mut()) {
            if let Some(view) = edited.get(&image.id) {
                galleries::overlay(image, view);
            }
        }
        // Images deleted here are gone from view at once, before the server is told, and after
        // (until the galleries, read again at once, no longer list them). A delete the server
        // refused is not one: the photo it still has shows, marked with its words (the fold
        // above marks it), until the person settles it (issue 63.10).
        let deleted: Vec<i64> = image_entries
            .iter()
            .filter(|e| e.op == Op::Delete && e.state.is_on_its_way())
            .map(|e| e.target.id())
            .collect();
        let sync = self.cx.sync()?;
        for gallery in galleries {
            gallery.images.retain(|image| {
                let just_deleted = sync.deleted_here(IMAGES_SPEC.name(), image.id);
                !deleted.contains(&image.id) && !just_deleted
            });
        }
        Ok(())
    }

    /// Images added here and not yet on the server, under their galleries.
    fn show_waiting_uploads(&self, galleries: &mut [GalleryView]) -> Result<(), DeskError> {
        for entry in self.cx.store.outbox_entries(GALLERIES_SPEC.name())? {
            if entry.op != Op::AddChild {
                continue;
            }
            let Some(gallery) = galleries.iter_mut().find(|g| g.id == entry.target.id()) else {
                continue;
            };
            gallery.uploads.push(galleries::UploadView {
                upload: entry.seq,
                file_name: entry.added_file().unwrap_or("image").to_owned(),
                preview: entry
                    .media
                    .as_deref()
                    .map(|hash| format!("{}{hash}", galleries::LOCAL_IMAGE_PREFIX)),
                state: match entry.state {
                    EntryState::Pending => galleries::UploadState::Waiting,
                    EntryState::Sending => galleries::UploadState::Sending,
                    EntryState::Conflict | EntryState::Rejected => galleries::UploadState::Refused,
                },
                message: entry.problem.clone(),
            });
        }
        Ok(())
    }

    /// Room types as shown: the server's, with this desk's changes and waiting photos.
    fn room_types(&self) -> Result<Vec<RoomTypeView>, DeskError> {
        let mut type_views = self.cx.view_rows(&ROOM_TYPES_SPEC)?;
        type_views.sort_by_cached_key(|v| hotel_order(&v.row, "sort_order"));
        Ok(type_views
            .iter()
            .map(|v| {
                let mut room_type = room_types::room_type(&v.row);
                room_type.restored = v.restored;
                room_type.sync = v.sync.clone();
                room_type.photo_pending = v.pending_media.is_some();
                room_type
            })
            .collect())
    }
}

/// Everything the Pictures screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PicturesOverview {
    /// The hotel's three image slots: hero, landing page and logo.
    pub hotel_images: Vec<HotelImageView>,
    /// The galleries, in the hotel's order.
    pub galleries: Vec<GalleryView>,
    /// The room types, in the hotel's order.
    pub room_types: Vec<RoomTypeView>,
    /// Why this person may not create, edit, reorder or delete room types on this server, in
    /// words (the server names the capability and this person lacks it); `None`: they may.
    pub room_types_refused: Option<String>,
    /// Why this person may not change room types' photos here, in words; `None`: they may.
    pub room_type_photos_refused: Option<String>,
    /// The kinds of change to the hotel's pictures this server has refused this account since
    /// the desk started, each in words (a photo's caption, a single photo's delete…).
    pub changes_refused: Vec<String>,
}

/// Where the hotel puts a row (`display_order` / `sort_order`), then by name.
pub(crate) fn hotel_order(row: &Row, key: &str) -> (i64, String) {
    (order(row, key), text(row, "name").to_lowercase())
}

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![PicturesOverview::decl()]
}
