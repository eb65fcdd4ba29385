//! Editing the page's galleries on the desk (issue 65 item 4; API.md §17.4): add, rename and
//! delete (with Undo) a gallery container of a gallery section; drop photos into it (each
//! prepared as every photo is, kept here and sent by the one runner, a new container's behind
//! it by identity); edit a photo's caption and alt text; put photos in order by drag or keys;
//! delete a photo with Undo. Only containers of this hotel's sections, and only their images,
//! are shown or used (§17.9 item 2): a container an answer gives for another hotel's section
//! is neither shown nor ever named in a request.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::gallery::{GALLERIES_SPEC, GALLERY_IMAGES_SPEC};
use super::handle::PublicPageHandle;
use super::model::ordered;
use super::spec::SPEC;
use super::sections::SectionUndo;
use super::{PageGallery, PageImage, PublicPage};
use crate::api::SINGLETON_ID;
use crate::context::DeskError;
use crate::engine::store::{EntryState, Op, Row};
use crate::engine::view::{RowSync, ViewRow};
use crate::features::galleries::{UploadState, UploadView, LOCAL_IMAGE_PREFIX};
use crate::rules::row::{id, order, text, url};

/// A photo's caption and alt text as the screen edits them (each separately).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PageImagePatch {
    /// The text shown with the photo (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The text that describes it to those who cannot see it (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
}

impl PublicPageHandle<'_> {
    /// Adds a gallery named `name` (may be empty) to the gallery section `section`, last among
    /// its galleries. The section must be one of this hotel's and on the server already (a new
    /// gallery section comes with its first gallery, §17.2).
    pub fn add_gallery(&self, section: i64, name: &str) -> Result<PublicPage, DeskError> {
        self.add_gallery_as(section, name)?;
        self.page()
    }

    /// [`Self::add_gallery`], answering the new gallery's temporary id (what the older
    /// server's galleries remember they became).
    pub(crate) fn add_gallery_as(&self, section: i64, name: &str) -> Result<i64, DeskError> {
        self.may_change()?;
        let section = self.this_hotels(section)?;
        // The section's galleries as kept, read once (a store error is said, not skipped).
        let last = self
            .containers(&[section])?
            .iter()
            .map(|v| order(&v.row, "sort_order"))
            .max();
        let mut fields = Row::new();
        fields.insert("section".into(), Value::from(section));
        fields.insert("name".into(), Value::from(name));
        fields.insert("sort_order".into(), Value::from(last.map_or(0, |p| p + 1)));
        let fields = (GALLERIES_SPEC.validate)(&fields, None, true)?;
        self.cx.queue_create(&GALLERIES_SPEC, &fields)
    }

    /// Renames gallery `id` (at most 255 characters; empty is allowed).
    pub fn rename_gallery(&self, id: i64, name: &str) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let shown = self.container(id)?;
        let mut changes = Row::new();
        changes.insert("name".into(), Value::from(name));
        let changes = (GALLERIES_SPEC.validate)(&changes, Some(&shown), false)?;
        self.cx.queue_edit(&GALLERIES_SPEC, id, &changes, &shown)?;
        self.page()
    }

    /// Deletes gallery `id` with its photos (the server's delete cascades); until it is sent,
    /// [`Self::undo_delete_gallery`] brings it back.
    pub fn delete_gallery(&self, id: i64) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        self.container(id)?;
        self.cx.queue_delete(&GALLERIES_SPEC, id)?;
        self.page()
    }

    /// Takes back the delete of gallery `id` if it has not reached the server (one on its way
    /// is waited for a moment, as for a section's).
    pub async fn undo_delete_gallery(&self, id: i64) -> Result<SectionUndo, DeskError> {
        self.may_change()?;
        let undone = self.cx.undo_delete(&GALLERIES_SPEC, id).await?;
        let never_sent = self.cx.store.resolve_id(GALLERIES_SPEC.name(), id)? < 0;
        let (undone, message) = super::sections::undo_said(
            undone,
            never_sent,
            "gallery",
            "and its photos are gone from the page.",
        );
        Ok(SectionUndo { undone, message })
    }

    /// Adds a photo (picked or dropped) to gallery `gallery`: prepared like every photo
    /// (resized, turned upright, metadata stripped, colours made sRGB), kept here and uploaded
    /// when its turn comes, after the gallery itself if it is new, also after a restart.
    /// Returns the upload's number (named by `UploadProgress` events).
    pub async fn add_gallery_photo(
        &self,
        gallery: i64,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<i64, DeskError> {
        self.may_change()?;
        // The gallery as found (under its server id once its create was answered).
        let id = crate::rules::row::id(&self.container(gallery)?);
        self.cx.may_queue(&GALLERIES_SPEC, Op::AddChild)?;
        let cached = self
            .cx
            .prepare_image(file_name.clone(), bytes, None)
            .await?;
        self.cx
            .queue_added_child(&GALLERIES_SPEC, id, &cached.image.hash, &file_name)
    }

    /// Changes a photo's caption or alt text: shown at once, merged with the server's photo
    /// when sent (a colleague's change of the same text is a decision for the person).
    pub fn edit_gallery_image(
        &self,
        id: i64,
        patch: &PageImagePatch,
    ) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let mut changes = Row::new();
        for (key, value) in [("caption", &patch.caption), ("alt_text", &patch.alt_text)] {
            if let Some(value) = value {
                changes.insert(key.into(), Value::from(value.as_str()));
            }
        }
        let changes = (GALLERY_IMAGES_SPEC.validate)(&changes, None, false)?;
        let image = self.image(id)?;
        let shown: Row = [("caption", image.caption), ("alt_text", image.alt_text)]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), Value::from(value)))
            .collect();
        self.cx
            .queue_edit(&GALLERY_IMAGES_SPEC, id, &changes, &shown)?;
        self.cx.changed(&GALLERIES_SPEC)?;
        self.page()
    }

    /// Puts gallery `gallery`'s photos in the order `ids` (first to last, every photo it
    /// shows): one PATCH of `sort_order` per photo that moves, when sent.
    pub fn reorder_gallery_images(
        &self,
        gallery: i64,
        ids: &[i64],
    ) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let shown = self.shown_gallery(gallery)?;
        let has: Vec<i64> = shown.images.iter().map(|i| i.id).collect();
        if let Some(stranger) = ids.iter().find(|i| !has.contains(i)) {
            return Err(DeskError::InvalidInput {
                field: "image_ids",
                message: format!("Photo {stranger} is not in this gallery; reload and try again."),
            });
        }
        self.cx
            .queue_children_order(&GALLERIES_SPEC, shown.id, ids)?;
        self.page()
    }

    /// Moves photo `id` of gallery `gallery` one place earlier (`by` < 0) or later (`by` > 0).
    pub fn move_gallery_image(
        &self,
        gallery: i64,
        id: i64,
        by: i64,
    ) -> Result<PublicPage, DeskError> {
        let mut ids: Vec<i64> = self
            .shown_gallery(gallery)?
            .images
            .iter()
            .map(|i| i.id)
            .collect();
        let from = ids
            .iter()
            .position(|shown| *shown == id)
            .ok_or(DeskError::Missing("photo"))?;
        let to = (from as i64 + by.signum()).clamp(0, ids.len() as i64 - 1) as usize;
        if to == from {
            return self.page();
        }
        ids.swap(from, to);
        self.reorder_gallery_images(gallery, &ids)
    }

    /// Deletes photo `id`; until it is sent, [`Self::undo_delete_gallery_image`] brings it back.
    pub fn delete_gallery_image(&self, id: i64) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        self.image(id)?;
        self.cx.queue_delete(&GALLERY_IMAGES_SPEC, id)?;
        self.cx.changed(&GALLERIES_SPEC)?;
        self.page()
    }

    /// Takes back the delete of photo `id` if it has not reached the server (one on its way is
    /// waited for a moment).
    pub async fn undo_delete_gallery_image(&self, id: i64) -> Result<SectionUndo, DeskError> {
        self.may_change()?;
        let undone = self.cx.undo_delete(&GALLERY_IMAGES_SPEC, id).await?;
        // The photos show inside their gallery's rows: the galleries' screen is told too.
        self.cx.changed(&GALLERIES_SPEC)?;
        let never_sent = self.cx.store.resolve_id(GALLERY_IMAGES_SPEC.name(), id)? < 0;
        let (undone, message) =
            super::sections::undo_said(undone, never_sent, "photo", "is gone from the page.");
        Ok(SectionUndo { undone, message })
    }

    /// Gallery `id` as shown on the page (this hotel's only).
    /// (Its create may reach the server as it is looked for: see `Context::find_resolved`.)
    fn shown_gallery(&self, id: i64) -> Result<PageGallery, DeskError> {
        self.cx
            .find_resolved(&GALLERIES_SPEC, id, |id| {
                Ok(self
                    .page()?
                    .sections
                    .into_iter()
                    .flat_map(|s| s.galleries)
                    .find(|g| g.id == id))
            })?
            .ok_or(DeskError::Missing("gallery"))
    }

    /// Container `id` as shown here (this desk's changes folded over it), if it belongs to one
    /// of this hotel's sections (its create may reach the server as it is looked for).
    fn container(&self, id: i64) -> Result<Row, DeskError> {
        self.cx
            .find_resolved(&GALLERIES_SPEC, id, |id| {
                let page = self.page()?;
                if !page.sections.iter().flat_map(|s| &s.galleries).any(|g| g.id == id) {
                    return Ok(None);
                }
                let sections: Vec<i64> = page.sections.iter().map(|s| s.id).collect();
                Ok(self
                    .containers(&sections)?
                    .into_iter()
                    .find(|v| crate::rules::row::id(&v.row) == id)
                    .map(|v| v.row))
            })?
            .ok_or(DeskError::Missing("gallery"))
    }

    /// Photo `id` of one of this hotel's galleries as shown.
    fn image(&self, id: i64) -> Result<PageImage, DeskError> {
        self.page()?
            .sections
            .into_iter()
            .flat_map(|s| s.galleries)
            .flat_map(|g| g.images)
            .find(|image| image.id == id)
            .ok_or(DeskError::Missing("photo"))
    }

    /// The containers of the sections `sections` with this desk's changes folded over them, in
    /// order: the staff list's, or until it has been read once, the public read's (published
    /// sections only) and those made here.
    fn containers(&self, sections: &[i64]) -> Result<Vec<ViewRow>, DeskError> {
        let store = &self.cx.store;
        let mut rows = if store.reconciled_at(GALLERIES_SPEC.name())?.is_some() {
            self.cx.view_rows(&GALLERIES_SPEC)?
        } else {
            let (stored, outbox) = store.rows_and_outbox(GALLERIES_SPEC.name())?;
            let mut records = self.public_containers()?;
            let known: Vec<i64> = records.iter().map(id).collect();
            records.extend(stored.into_iter().filter(|r| !known.contains(&id(r))));
            crate::engine::view::fold(records, &outbox, &GALLERIES_SPEC)
        };
        rows.retain(|v| {
            v.row
                .get("section")
                .and_then(Value::as_i64)
                .is_some_and(|s| sections.contains(&s))
        });
        rows.sort_by_key(|v| (order(&v.row, "sort_order"), id(&v.row)));
        Ok(rows)
    }

    /// The containers the public read nests in its sections, each naming its section.
    fn public_containers(&self) -> Result<Vec<Row>, DeskError> {
        let public = self.cx.store.record(SPEC.name(), SINGLETON_ID)?;
        let mut rows = Vec::new();
        for section in ordered(&public.unwrap_or_default(), "sections", "position") {
            for mut container in ordered(&section, "galleries", "sort_order") {
                container.insert("section".into(), Value::from(id(&section)));
                rows.push(container);
            }
        }
        Ok(rows)
    }

    /// For an editor: each section's galleries as the staff list has them (or, before it is
    /// first read, as the public read has them), with this desk's waiting changes, photos on
    /// their way, and deletes shown at once.
    pub(super) fn show_editor_galleries(&self, page: &mut PublicPage) -> Result<(), DeskError> {
        let sections: Vec<i64> = page.sections.iter().map(|s| s.id).collect();
        let containers = self.containers(&sections)?;
        let store = &self.cx.store;
        if containers.is_empty() && store.outbox_entries(GALLERIES_SPEC.name())?.is_empty() {
            return Ok(());
        }
        let image_entries = store.outbox_entries(GALLERY_IMAGES_SPEC.name())?;
        let nested: Vec<Row> = containers
            .iter()
            .flat_map(|c| ordered(&c.row, "images", "sort_order"))
            .collect();
        let edited: HashMap<i64, ViewRow> =
            crate::engine::view::fold(nested, &image_entries, &GALLERY_IMAGES_SPEC)
                .into_iter()
                .map(|v| (id(&v.row), v))
                .collect();
        let deleted: Vec<i64> = image_entries
            .iter()
            .filter(|e| e.op == Op::Delete && e.state.is_on_its_way())
            .map(|e| e.target.id())
            .collect();
        let uploads = self.waiting_uploads()?;
        let mut by_section: HashMap<i64, Vec<PageGallery>> = HashMap::new();
        for container in &containers {
            let gallery_id = id(&container.row);
            let images = ordered(&container.row, "images", "sort_order")
                .iter()
                .filter(|i| !deleted.contains(&id(i)))
                .map(|i| page_image(edited.get(&id(i)).map_or(i, |v| &v.row), edited.get(&id(i))))
                .collect();
            by_section
                .entry(order(&container.row, "section"))
                .or_default()
                .push(PageGallery {
                    id: gallery_id,
                    name: text(&container.row, "name"),
                    images,
                    uploads: uploads.get(&gallery_id).cloned().unwrap_or_default(),
                    sync: container.sync.clone(),
                });
        }
        for section in &mut page.sections {
            section.galleries = by_section.remove(&section.id).unwrap_or_default();
        }
        Ok(())
    }

    /// Photos added here and not yet on the server, by gallery, in the order they were added.
    fn waiting_uploads(&self) -> Result<HashMap<i64, Vec<UploadView>>, DeskError> {
        let mut uploads: HashMap<i64, Vec<UploadView>> = HashMap::new();
        for entry in self.cx.store.outbox_entries(GALLERIES_SPEC.name())? {
            if entry.op != Op::AddChild {
                continue;
            }
            uploads
                .entry(entry.target.id())
                .or_default()
                .push(UploadView {
                    upload: entry.seq,
                    file_name: entry.added_file().unwrap_or("photo").to_owned(),
                    preview: entry
                        .media
                        .as_deref()
                        .map(|hash| format!("{LOCAL_IMAGE_PREFIX}{hash}")),
                    state: match entry.state {
                        EntryState::Pending => UploadState::Waiting,
                        EntryState::Sending => UploadState::Sending,
                        EntryState::Conflict | EntryState::Rejected => UploadState::Refused,
                    },
                    message: entry.problem.clone(),
                });
        }
        Ok(uploads)
    }
}

/// A photo as shown, with where this desk's change to it stands.
fn page_image(row: &Row, view: Option<&ViewRow>) -> PageImage {
    PageImage {
        id: id(row),
        image_url: url(row, "image_url"),
        caption: text(row, "caption"),
        alt_text: text(row, "alt_text"),
        sync: view.map_or(RowSync::Synced, |v| v.sync.clone()),
    }
}
