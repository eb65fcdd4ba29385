//! Changing a hero section on the desk (issue 65 item 3; API.md §17.3): its title and text, its
//! background picture and logo set from a file (prepared as every photo is) or removed. Each
//! change is kept here first and sent by the desk's one runner; only this hotel's sections'
//! heroes are changed.

use serde_json::Value;

use super::handle::PublicPageHandle;
use super::hero::{HeroImage, HeroPatch, HEROES_SPEC, HERO_IMAGES};
use super::spec::SPEC;
use super::{PageHero, PublicPage};
use crate::api::SINGLETON_ID;
use crate::context::DeskError;
use crate::engine::spec::FieldImage;
use crate::engine::store::{Op, Row};
use crate::engine::view::ViewRow;
use crate::features::galleries::LOCAL_IMAGE_PREFIX;
use crate::rules::row::{id, text, url};

impl PublicPageHandle<'_> {
    /// Changes the hero of section `section`: its title or text (neither blank), shown at once
    /// and merged with the server's hero when sent.
    pub fn edit_hero(&self, section: i64, patch: &HeroPatch) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let hero = self.hero_of(section)?;
        let mut changes = Row::new();
        for (key, value) in [("hero_title", &patch.title), ("hero_text", &patch.text)] {
            if let Some(value) = value {
                changes.insert(key.into(), Value::from(value.as_str()));
            }
        }
        let changes = (HEROES_SPEC.validate)(&changes, Some(&hero.row), false)?;
        self.cx
            .queue_edit(&HEROES_SPEC, id(&hero.row), &changes, &hero.row)?;
        self.page()
    }

    /// Sets (or replaces) the hero's background picture or logo from a file: prepared like every
    /// photo, kept here and sent by its own upload action when the server can be reached.
    pub async fn set_hero_image(
        &self,
        section: i64,
        which: HeroImage,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let hero = self.hero_of(section)?;
        let cached = self.cx.prepare_image(file_name, bytes, None).await?;
        self.cx.queue_field_image(
            &HEROES_SPEC,
            id(&hero.row),
            which.image().file_field,
            &cached.image.hash,
        )?;
        self.page()
    }

    /// Removes the hero's background picture or logo (the JSON PATCH `{"hero_image": null}`;
    /// the other image stays).
    pub fn clear_hero_image(&self, section: i64, which: HeroImage) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let hero = self.hero_of(section)?;
        let mut changes = Row::new();
        changes.insert(which.image().file_field.into(), Value::Null);
        let changes = (HEROES_SPEC.validate)(&changes, Some(&hero.row), false)?;
        self.cx
            .queue_edit(&HEROES_SPEC, id(&hero.row), &changes, &hero.row)?;
        self.page()
    }

    /// The stored hero (this desk's changes folded over it) of this hotel's section `section`.
    fn hero_of(&self, section: i64) -> Result<ViewRow, DeskError> {
        let section = self.this_hotels(section)?;
        let stored = self
            .cx
            .view_rows(&HEROES_SPEC)?
            .into_iter()
            .find(|v| v.row.get("section").and_then(Value::as_i64) == Some(section));
        if let Some(stored) = stored {
            return Ok(stored);
        }
        // Before the staff list is first read: the hero as the public read has it.
        let public = self.cx.store.record(SPEC.name(), SINGLETON_ID)?;
        public
            .as_ref()
            .and_then(|page| page.get("sections"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|s| s.get("id").and_then(Value::as_i64) == Some(section))
            .and_then(|s| s.get("hero_data"))
            .and_then(Value::as_object)
            .filter(|hero| hero.get("id").and_then(Value::as_i64).is_some())
            .map(|hero| ViewRow {
                row: hero.clone(),
                sync: crate::engine::view::RowSync::Synced,
                pending_media: None,
                restored: false,
            })
            .ok_or(DeskError::Missing("hero"))
    }

    /// For an editor: each hero section's hero as the staff list has it, with this desk's
    /// waiting changes (a picture waiting to be sent shows from this computer; one removed
    /// shows as none).
    pub(super) fn show_editor_heroes(&self, page: &mut PublicPage) -> Result<(), DeskError> {
        let heroes = self.cx.view_rows(&HEROES_SPEC)?;
        let uploads = self.cx.store.outbox_entries(HEROES_SPEC.name())?;
        for section in &mut page.sections {
            let Some(hero) = heroes
                .iter()
                .find(|v| v.row.get("section").and_then(Value::as_i64) == Some(section.id))
            else {
                continue;
            };
            let waiting = |image: FieldImage| {
                uploads
                    .iter()
                    .filter(|e| e.op == Op::Upload && e.target.id() == id(&hero.row))
                    .filter(|e| e.image_field() == Some(image.file_field))
                    .filter_map(|e| e.media.as_deref())
                    .next_back()
                    .map(|hash| format!("{LOCAL_IMAGE_PREFIX}{hash}"))
            };
            let mut shown = hero_view(hero);
            shown.image_waiting = waiting(HERO_IMAGES[0]);
            shown.logo_waiting = waiting(HERO_IMAGES[1]);
            section.hero = Some(shown);
        }
        Ok(())
    }
}

/// A hero as shown: a raw field cleared here shows no picture.
fn hero_view(hero: &ViewRow) -> PageHero {
    let shown = |image: FieldImage| {
        if hero.row.get(image.file_field) == Some(&Value::Null) {
            return None;
        }
        url(&hero.row, image.shown_field)
    };
    PageHero {
        title: text(&hero.row, "hero_title"),
        text: text(&hero.row, "hero_text"),
        image_url: shown(HERO_IMAGES[0]),
        logo_url: shown(HERO_IMAGES[1]),
        image_waiting: None,
        logo_waiting: None,
        sync: hero.sync.clone(),
    }
}

