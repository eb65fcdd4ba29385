//! The hotel's room types on the Pictures screen (`desk.room_types()`): create, edit, reorder,
//! delete and a new photo, each shown at once and sent through the outbox like an offer's edit
//! (merged field by field with a colleague's, kept across restarts).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::context::{Context, DeskError, Handle, Parts};
use crate::engine::store::{Op, Row};
use crate::features::pictures::{Pictures, PicturesOverview};
use crate::features::room_types::spec::SPEC;
use crate::media::Crop;

/// A room type's fields as the editor sends them (only those that changed; a new room type
/// needs a name and a price).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomTypePatch {
    /// A short code for the room type ("DBL"), at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The room type's name, at most 200 characters; required on a new room type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The room type's description for guests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_description: Option<String>,
    /// How many guests it sleeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_occupancy: Option<u32>,
    /// Its beds, in words, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bed_setup: Option<String>,
    /// As typed ("149", "149.50").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_price_from: Option<String>,
    /// The price's currency, up to 3 letters ("EUR").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Its booking code, at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_code: Option<String>,
    /// Where guests book it (a web address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_url: Option<String>,
    /// A note on availability, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_message: Option<String>,
    /// Whether guests see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

impl RoomTypePatch {
    fn to_row(&self) -> Row {
        match serde_json::to_value(self) {
            Ok(Value::Object(row)) => row,
            _ => Row::new(),
        }
    }
}

pub struct RoomTypes<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for RoomTypes<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl RoomTypes<'_> {
    fn may_change(&self) -> Result<(), DeskError> {
        self.cx.may(SPEC.capabilities.change, super::spec::CHANGE)
    }

    fn pictures(&self) -> Result<PicturesOverview, DeskError> {
        Pictures::open(Parts(self.cx)).overview()
    }

    /// A new room type, placed last: shown at once under a temporary id, created on the server
    /// when it can be reached.
    pub fn create(&self, fields: &RoomTypePatch) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.may_change()?;
        let mut fields = (SPEC.validate)(&fields.to_row(), None, true)?;
        let last = self
            .cx
            .view_rows(&SPEC)?
            .iter()
            .filter_map(|v| v.row.get("sort_order").and_then(Value::as_i64))
            .max();
        fields.insert("sort_order".into(), Value::from(last.map_or(0, |n| n + 1)));
        self.cx.queue_create(&SPEC, &fields)?;
        self.pictures()
    }

    /// Changes the fields the editor sent.
    pub fn update(&self, id: i64, changes: &RoomTypePatch) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.may_change()?;
        let current = self.cx.view_row(&SPEC, id, "room type")?.row;
        let changes = (SPEC.validate)(&changes.to_row(), Some(&current), false)?;
        self.cx.queue_edit(&SPEC, id, &changes, &current)?;
        self.pictures()
    }

    /// The room types in a new order (ids first to last), as one change (`sort_order`).
    pub fn reorder(&self, ids: &[i64]) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.may_change()?;
        for id in ids {
            self.cx.view_row(&SPEC, *id, "room type")?;
        }
        self.cx.queue_reorder(&SPEC, ids)?;
        self.pictures()
    }

    /// Deletes a room type (the screen offers an undo before calling this).
    pub fn delete(&self, id: i64) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.may_change()?;
        self.cx.view_row(&SPEC, id, "room type")?;
        self.cx.queue_delete(&SPEC, id)?;
        self.pictures()
    }

    /// A new photo (dropped or picked), cut to `crop`, prepared like every photo and uploaded
    /// through `upload-image/` when the server can be reached.
    pub async fn set_photo(
        &self,
        id: i64,
        file_name: String,
        bytes: Vec<u8>,
        crop: Option<Crop>,
    ) -> Result<PicturesOverview, DeskError> {
        self.cx.sync()?;
        self.cx.may(SPEC.capabilities.photo, super::spec::PHOTO)?;
        self.cx.view_row(&SPEC, id, "room type")?;
        self.cx.may_queue(&SPEC, Op::Upload)?;
        let cached = self.cx.prepare_image(file_name, bytes, crop).await?;
        self.cx.queue_image(&SPEC, id, Some(&cached.image.hash))?;
        self.pictures()
    }
}
