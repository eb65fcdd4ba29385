//! The public page as the Guest page screen shows it: text as the server has it (the screen
//! escapes it), at most [`MAX_LISTED`] offers and room types each (the rest counted), and each
//! offer's dates judged, since the page shows an active offer whatever its dates say (§3.3).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::row::{count, price_from, text, url};

/// Offers, and room types, listed; the rest are counted (a hostile or broken answer cannot
/// flood the screen).
pub(crate) const MAX_LISTED: usize = 200;

/// The hotel's public page as a guest sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuestPage {
    /// The hotel's name at the top of the page.
    pub name: String,
    /// The line under it.
    pub tagline: String,
    /// The short description.
    pub short_description: String,
    /// The picture across the top (the settings' image, else the hotel's, §4.2).
    pub hero_image_url: Option<String>,
    /// The logo.
    pub logo_url: Option<String>,
    /// The booking buttons ("Book Now", "Call Us"), each with where it leads as text.
    pub buttons: Vec<GuestPageButton>,
    /// The offers guests see, in the page's order: the active ones (§3.3).
    pub offers: Vec<GuestOffer>,
    /// Offers the page lists beyond those shown.
    pub more_offers: u32,
    /// The room types guests can book, in the page's order: the active ones.
    pub room_types: Vec<GuestRoomType>,
    /// Room types the page lists beyond those shown.
    pub more_room_types: u32,
    /// Entries of the page's lists that are not an offer or a room type the desk can read
    /// (not an object, or without an id), and booking options that are not an object: counted
    /// and said, never shown as empty ones.
    pub unreadable: u32,
}

/// One booking button of the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuestPageButton {
    /// Its words ("Book Now").
    pub label: String,
    /// Where it leads: an address or a phone number, as text (the desk never opens it).
    pub target: String,
}

/// An offer as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuestOffer {
    /// The offer's id: the same offer on the Offers screen.
    #[ts(type = "number")]
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its short description.
    pub short_description: String,
    /// Its tag ("Spa"), or empty.
    pub tag: String,
    /// First day (`YYYY-MM-DD`), as the server has it.
    pub valid_from: Option<String>,
    /// Last day (`YYYY-MM-DD`), as the server has it.
    pub valid_to: Option<String>,
    /// Its "Book now" address, as text.
    pub book_now_url: String,
    /// Its photo.
    pub photo_url: Option<String>,
    /// Its last day has passed, yet guests still see it (the page does not check dates).
    pub ended: bool,
    /// Its first day is still to come, yet guests see it already.
    pub not_started: bool,
}

/// A room type as the page sells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuestRoomType {
    /// The room type's id: the same one on the Pictures screen.
    #[ts(type = "number")]
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its short description.
    pub short_description: String,
    /// How many it sleeps.
    pub max_occupancy: Option<u32>,
    /// Its beds ("1 king bed").
    pub bed_setup: String,
    /// "from 189.00 EUR", or empty.
    pub price: String,
    /// What the page says of its availability.
    pub availability_message: String,
    /// Its booking address, as text.
    pub booking_url: String,
    /// Its photo.
    pub photo_url: Option<String>,
}

impl GuestPage {
    /// The stored page as the screen shows it, its offers' dates judged against `today`.
    pub(crate) fn from_row(row: &Row, today: Date) -> Self {
        let mut unreadable = 0;
        let (offers, more_offers) = listed(row, "offers", &mut unreadable, |o| offer(o, today));
        let (room_types, more_room_types) = listed(row, "room_types", &mut unreadable, room_type);
        let options = row.get("booking_options");
        if options.is_some_and(|o| !o.is_object() && !o.is_null()) {
            unreadable += 1;
        }
        Self {
            name: text(row, "name"),
            tagline: text(row, "tagline"),
            short_description: text(row, "short_description"),
            hero_image_url: url(row, "hero_image_url"),
            logo_url: url(row, "logo_url"),
            buttons: buttons(options),
            offers,
            more_offers,
            room_types,
            more_room_types,
            unreadable,
        }
    }
}

/// The entries of the list under `key` that `read` understands, at most [`MAX_LISTED`], and
/// how many more there are; the others are added to `unreadable`.
fn listed<T>(
    row: &Row,
    key: &str,
    unreadable: &mut u32,
    read: impl Fn(&Row) -> Option<T>,
) -> (Vec<T>, u32) {
    let Some(Value::Array(entries)) = row.get(key) else {
        return (Vec::new(), 0);
    };
    let mut shown = Vec::new();
    let mut more: u32 = 0;
    for entry in entries {
        match entry.as_object().and_then(&read) {
            Some(item) if shown.len() < MAX_LISTED => shown.push(item),
            Some(_) => more = more.saturating_add(1),
            None => *unreadable = unreadable.saturating_add(1),
        }
    }
    (shown, more)
}

fn offer(row: &Row, today: Date) -> Option<GuestOffer> {
    let id = row.get("id")?.as_i64()?;
    let day = |key: &str| url(row, key);
    let parsed = |key: &str| day(key).and_then(|d| d.parse::<Date>().ok());
    Some(GuestOffer {
        id,
        title: text(row, "title"),
        short_description: text(row, "short_description"),
        tag: text(row, "tag"),
        valid_from: day("valid_from"),
        valid_to: day("valid_to"),
        book_now_url: text(row, "book_now_url"),
        photo_url: url(row, "photo_url"),
        ended: parsed("valid_to").is_some_and(|last| last < today),
        not_started: parsed("valid_from").is_some_and(|first| first > today),
    })
}

fn room_type(row: &Row) -> Option<GuestRoomType> {
    let id = row.get("id")?.as_i64()?;
    Some(GuestRoomType {
        id,
        name: text(row, "name"),
        short_description: text(row, "short_description"),
        max_occupancy: count(row, "max_occupancy"),
        bed_setup: text(row, "bed_setup"),
        price: price_from(row),
        availability_message: text(row, "availability_message"),
        booking_url: text(row, "booking_url"),
        photo_url: url(row, "photo_url"),
    })
}

/// `booking_options` (§3.3 names it without its keys; the page's two buttons, each a label
/// with an address or a phone number): a button without words is not shown.
fn buttons(options: Option<&Value>) -> Vec<GuestPageButton> {
    let Some(Value::Object(options)) = options else {
        return Vec::new();
    };
    [
        ("primary_cta_label", "primary_cta_url"),
        ("secondary_cta_label", "secondary_cta_phone"),
    ]
    .into_iter()
    .map(|(label, target)| GuestPageButton {
        label: text(options, label),
        target: text(options, target),
    })
    .filter(|button| !button.label.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(value: Value) -> Row {
        serde_json::from_value(value).unwrap()
    }

    const TODAY: Date = jiff::civil::date(2026, 11, 29);

    #[test]
    fn an_offer_past_its_last_day_is_marked_as_still_seen_by_guests() {
        let row = page(json!({"offers": [
            {"id": 1, "title": "Autumn", "valid_to": "2026-11-28"},
            {"id": 2, "title": "Today", "valid_from": "2026-11-29", "valid_to": "2026-11-29"},
            {"id": 3, "title": "Spring", "valid_from": "2027-03-01"},
            {"id": 4, "title": "Odd dates", "valid_from": "soon", "valid_to": "31/12/2026"},
        ]}));
        let offers = GuestPage::from_row(&row, TODAY).offers;
        let flags: Vec<(&str, bool, bool)> = offers
            .iter()
            .map(|o| (o.title.as_str(), o.ended, o.not_started))
            .collect();
        assert_eq!(
            flags,
            [
                ("Autumn", true, false),
                ("Today", false, false),
                ("Spring", false, true),
                ("Odd dates", false, false),
            ]
        );
        // Dates the desk cannot read are shown as the server wrote them, never dropped.
        assert_eq!(offers[3].valid_to.as_deref(), Some("31/12/2026"));
    }

    #[test]
    fn a_flood_of_offers_is_counted_and_broken_entries_are_said_not_hidden() {
        let mut offers: Vec<Value> = (0..250)
            .map(|i| json!({"id": i, "title": format!("Offer {i}")}))
            .collect();
        offers.push(json!("not an offer"));
        offers.push(json!({"title": "no id"}));
        let row = page(json!({
            "offers": offers,
            "room_types": [{"id": 7, "name": "Double", "starting_price_from": 189.5, "currency": "EUR"}, 12],
        }));
        let shown = GuestPage::from_row(&row, TODAY);
        assert_eq!(shown.offers.len(), MAX_LISTED);
        assert_eq!(shown.more_offers, 50);
        assert_eq!(shown.unreadable, 3);
        assert_eq!(shown.room_types[0].price, "from 189.5 EUR");
    }

    #[test]
    fn the_booking_buttons_are_read_from_the_pages_options() {
        let row = page(json!({"booking_options": {
            "primary_cta_label": "Book Now", "primary_cta_url": "https://book.example/k",
            "secondary_cta_label": "", "secondary_cta_phone": "+353 64 663 1000",
        }}));
        assert_eq!(
            GuestPage::from_row(&row, TODAY).buttons,
            [GuestPageButton {
                label: "Book Now".into(),
                target: "https://book.example/k".into()
            }]
        );
        let odd = GuestPage::from_row(&page(json!({"booking_options": ["Book Now"]})), TODAY);
        assert!(odd.buttons.is_empty());
        assert_eq!(odd.unreadable, 1, "said, not shown as a page without buttons");
    }
}
