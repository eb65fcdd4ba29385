//! The Pictures screen's data (`desk.pictures()`): the hotel's image slots, galleries and room
//! types as stored here (no network), and replacing a hotel image (`desk.hotel_images()`).

use serde_json::Value;

use super::{Desk, DeskError, HotelImageSlot};
use crate::api::SINGLETON_ID;
use crate::pictures::{self, HotelImageView, PicturesOverview};
use crate::resources::galleries::GALLERIES;
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
        let hotel_images = [
            (HotelImageSlot::Hero, "Hero image", "hero_image_display"),
            (
                HotelImageSlot::LandingPage,
                "Landing page",
                "landing_page_image_display",
            ),
            (HotelImageSlot::Logo, "Logo", "logo_display"),
        ]
        .into_iter()
        .map(|(slot, label, shown)| HotelImageView {
            slot,
            label: label.to_owned(),
            url: settings
                .get(shown)
                .and_then(Value::as_str)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            pending: waiting.iter().any(|f| f == slot.file_field()),
        })
        .collect();
        let gallery_rows = store.records(GALLERIES.name)?;
        let type_rows = store.records(ROOM_TYPES.name)?;
        let mut galleries: Vec<_> = gallery_rows.iter().map(pictures::gallery).collect();
        let mut room_types: Vec<_> = type_rows.iter().map(pictures::room_type).collect();
        pictures::sort(&mut galleries, &gallery_rows, &mut room_types, &type_rows);
        Ok(PicturesOverview {
            hotel_images,
            galleries,
            room_types,
        })
    }
}
