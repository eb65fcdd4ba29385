//! Room types as the Pictures screen shows them, each with its photo and price.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::row::{count, id, price_from, text, url};

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

pub(crate) fn room_type(row: &Row) -> RoomTypeView {
    let price = text(row, "starting_price_from");
    RoomTypeView {
        id: id(row),
        code: text(row, "code"),
        name: text(row, "name"),
        short_description: text(row, "short_description"),
        max_occupancy: count(row, "max_occupancy"),
        bed_setup: text(row, "bed_setup"),
        price: price_from(row),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_room_type_says_its_price() {
        let room = json!({"id": 1, "code": "DBL", "name": "Double", "max_occupancy": 2,
            "starting_price_from": "149.00", "currency": "EUR", "photo_url": null, "is_active": true});
        let view = room_type(room.as_object().unwrap());
        assert_eq!(view.price, "from 149.00 EUR");
        assert_eq!((view.max_occupancy, view.photo_url), (Some(2), None));
    }
}
