//! The 2026 server's lists of cards and their cards as the engine keeps them (API.md §17.5):
//! on that server the Offers screen edits the cards of one list (issue 65 item 5). Both are
//! read when the desk starts, on connect and resume, when the Offers or page screen is opened,
//! and on the timer only while one of them shows (§17.9 item 7: nothing is announced). A card
//! change is checked here as the server would take it; never `hotel`, never a URL in the raw
//! `image` field (§17.1), and a card's list only when it is made (the handle checks it is one
//! of this hotel's, §17.9 item 2).

use serde_json::Value;

use crate::api::{Generation, Listing, Mount, Resource, PAGE_EDITOR};
use crate::engine::spec::{Capabilities, ResourceSpec};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// The longest title or subtitle the server keeps (≤ 255).
pub const MAX_CARD_LINE_CHARS: usize = 255;

/// The longest description the desk sends (a TextField has no limit; the desk bounds it).
pub const MAX_CARD_DESCRIPTION_CHARS: usize = 10_000;

/// The fields a card change may carry; `list_container` only when the card is made.
pub(crate) const CARD_FIELDS: &[&str] =
    &["list_container", "title", "subtitle", "description", "sort_order"];

/// §17.5: the hotel's lists (10 a page, `?section=` ignored: every list of the hotel).
pub const LISTS: Resource = Resource {
    name: "page_lists",
    path: "list-containers",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: Some("sort_order"),
    clipped: &[],
    renamed: &[],
};

/// §17.5: the hotel's cards (10 a page, `?list_container=` ignored), the image through
/// `cards/<id>/upload-image/` with the file part `image`.
pub const CARDS: Resource = Resource {
    name: "page_cards",
    path: "cards",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: Some(("upload-image", "image")),
    order_field: Some("sort_order"),
    clipped: &[],
    renamed: &[],
};

/// Why the fd6c529 server has neither (its offers are edited as offers).
const NOT_CLASSIC: &str = "This HotelMate server has no lists of cards: its offers are edited \
    as offers.";

/// The lists: read for those who may edit the page (§17.1); made through `sections/create/`.
pub(crate) static LISTS_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| line(row, "title"),
    views: &[View::Offers, View::PublicPage],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, super::access::WHO_MAY_EDIT)),
    ..ResourceSpec::base(ResourceKind::PageLists, LISTS)
};

/// The cards: the offers of the 2026 server.
pub(crate) static CARDS_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| line(row, "title"),
    views: &[View::Offers, View::PublicPage],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, super::access::WHO_MAY_EDIT)),
    validate: validate_card,
    editable: CARD_FIELDS,
    image_fields: &["image_url", "image"],
    toasts_from_reconcile: true,
    capabilities: Capabilities {
        change: Some(PAGE_EDITOR),
        photo: Some(PAGE_EDITOR),
    },
    ..ResourceSpec::base(ResourceKind::PageCards, CARDS)
};

fn line(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A card's fields checked as the server takes them (§17.5): `title` not blank and at most
/// [`MAX_CARD_LINE_CHARS`], `subtitle` at most as long, `description` plain text (at most
/// [`MAX_CARD_DESCRIPTION_CHARS`]), `sort_order` a whole number from 0, `image` only `null`
/// (clear; a file goes through the upload action, never a URL), and `list_container` (an id)
/// only on a new card, which must have a title. Anything else is refused, `hotel` first.
pub(crate) fn validate_card(
    changes: &Row,
    _: Option<&Row>,
    creating: bool,
) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        let value = match (key.as_str(), value) {
            ("title", Value::String(t)) => {
                let t = bounded("title", t, MAX_CARD_LINE_CHARS)?;
                if t.is_empty() {
                    return Err(invalid("title", "A card needs a title."));
                }
                Value::from(t)
            }
            ("subtitle", Value::String(t)) => Value::from(bounded("subtitle", t, MAX_CARD_LINE_CHARS)?),
            ("description", Value::String(t)) => {
                Value::from(bounded("description", t, MAX_CARD_DESCRIPTION_CHARS)?)
            }
            ("sort_order", Value::Number(n)) if n.as_u64().is_some_and(|n| n <= i32::MAX as u64) => {
                Value::Number(n.clone())
            }
            ("list_container", Value::Number(n)) if creating && n.as_i64().is_some_and(|n| n > 0) => {
                Value::Number(n.clone())
            }
            ("image", Value::Null) if !creating => Value::Null,
            ("hotel", _) => {
                return Err(invalid("hotel", "A card stays with this hotel; the desk never sends a hotel."))
            }
            ("image", _) => {
                return Err(invalid("image", "A card's picture is uploaded as a file, or removed."))
            }
            ("list_container", _) => {
                return Err(invalid("list_container", "A card stays in the list it was made in."))
            }
            ("title" | "subtitle" | "description", _) => {
                return Err(invalid(field_of(key), "This is text."))
            }
            ("sort_order", _) => {
                return Err(invalid("sort_order", "A card's place is a whole number from 0."))
            }
            _ => return Err(invalid("id", format!("A card's {key} is not changed from the desk."))),
        };
        clean.insert(key.clone(), value);
    }
    if creating && !(clean.contains_key("title") && clean.contains_key("list_container")) {
        return Err(invalid("title", "A new card needs a title and a list."));
    }
    Ok(clean)
}

fn field_of(key: &str) -> &'static str {
    match key {
        "title" => "title",
        "subtitle" => "subtitle",
        _ => "description",
    }
}

/// `text` trimmed, refused when longer than `max` characters.
fn bounded(field: &'static str, text: &str, max: usize) -> Result<String, FieldInvalid> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(invalid(field, format!("At most {max} characters.")));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_card_has_a_title_never_a_hotel_a_url_or_a_new_list() {
        let ok = validate_card(
            &row(json!({"list_container": 5, "title": " Spa ", "subtitle": "", "sort_order": 2})),
            None,
            true,
        )
        .unwrap();
        assert_eq!(ok, row(json!({"list_container": 5, "title": "Spa", "subtitle": "", "sort_order": 2})));
        assert!(validate_card(&row(json!({"image": null})), None, false).is_ok());
        for bad in [
            json!({"title": "  "}),
            json!({"title": "x".repeat(256)}),
            json!({"hotel": 2}),
            json!({"image": "http://x/image/upload/v1/a.jpg"}),
            json!({"list_container": 7}),
            json!({"sort_order": -1}),
            json!({"valid_from": "2026-01-01"}),
            json!({"tag": "Deal"}),
        ] {
            assert!(validate_card(&row(bad.clone()), None, false).is_err(), "{bad}");
        }
        assert!(validate_card(&row(json!({"title": "A"})), None, true).is_err(), "a list");
        assert!(validate_card(&row(json!({"list_container": 5})), None, true).is_err(), "a title");
    }
}
