//! The hotel's public page as staff read it: text only, each field as the server has it (the
//! screen escapes it), and at most [`MAX_AMENITIES`] amenities, saying how many more there are.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::row::text;

/// Amenities listed; the rest are counted (a hostile or broken answer cannot flood the screen).
pub(crate) const MAX_AMENITIES: usize = 100;

/// What the hotel's public page tells guests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HotelDetails {
    /// The greeting at the top of the page.
    pub welcome_message: String,
    /// The hotel's slogan.
    pub slogan: String,
    /// The short description.
    pub short_description: String,
    /// The long description.
    pub long_description: String,
    /// What the hotel offers ("Spa", "Free Wi-Fi"), in the hotel's order.
    pub amenities: Vec<String>,
    /// Amenities the server listed beyond those shown.
    pub more_amenities: u32,
    /// The contact e-mail address guests see.
    pub contact_email: String,
    /// The contact phone number guests see.
    pub contact_phone: String,
    /// The postal address guests see.
    pub contact_address: String,
    /// The hotel's website, as text (never fetched or opened by the desk from here).
    pub website: String,
    /// The map link guests see, as text.
    pub google_maps_link: String,
}

impl HotelDetails {
    /// The stored row as the screen shows it.
    pub(crate) fn from_row(row: &Row) -> Self {
        let listed: Vec<String> = match row.get("amenities") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let more = listed.len().saturating_sub(MAX_AMENITIES);
        Self {
            welcome_message: text(row, "welcome_message"),
            slogan: text(row, "slogan"),
            short_description: text(row, "short_description"),
            long_description: text(row, "long_description"),
            amenities: listed.into_iter().take(MAX_AMENITIES).collect(),
            more_amenities: u32::try_from(more).unwrap_or(u32::MAX),
            contact_email: text(row, "contact_email"),
            contact_phone: text(row, "contact_phone"),
            contact_address: text(row, "contact_address"),
            website: text(row, "website"),
            google_maps_link: text(row, "google_maps_link"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_amenities_is_counted_not_listed() {
        let many: Vec<String> = (0..250).map(|i| format!("Amenity {i}")).collect();
        let row: Row = serde_json::from_value(serde_json::json!({
            "amenities": many,
            "welcome_message": "  Fáilte!  ",
        }))
        .unwrap();
        let details = HotelDetails::from_row(&row);
        assert_eq!(details.amenities.len(), MAX_AMENITIES);
        assert_eq!(details.more_amenities, 150);
        assert_eq!(details.welcome_message, "Fáilte!");
    }

    #[test]
    fn amenities_that_are_not_text_are_not_shown_as_text() {
        let row: Row = serde_json::from_value(serde_json::json!({
            "amenities": ["Spa", 7, {"x": 1}, "", "Parking"],
        }))
        .unwrap();
        assert_eq!(HotelDetails::from_row(&row).amenities, ["Spa", "Parking"]);
    }
}
