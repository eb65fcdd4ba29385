//! The hotel's room types (API.md §6): paginated, created, edited, reordered (`sort_order`) and
//! deleted on the desk, validated as `RoomTypeStaffSerializer` validates; a photo goes through
//! `upload-image/` (file part `photo`, §6.2). Only a photo upload is announced
//! (`room-type-image-updated`, §9.2); the rest is read every poll interval.

use serde_json::{Map, Value};

use crate::api::{ApiError, Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::engine::spec::{Capabilities, Hint};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// What changing room types is called in a refusal ("Your account may not …").
pub(crate) const CHANGE: &str = "change room types";
/// What changing their photos is called in a refusal.
pub(crate) const PHOTO: &str = "change room types' photos";

/// §6.1: paginated, `upload-image/` with the file part `photo` (§6.2).
pub const ROOM_TYPES: Resource = Resource {
    name: "room_types",
    path: "room-types",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: Some(("upload-image", "photo")),
    order_field: Some("sort_order"),
    clipped: &[],
    renamed: &[],
};

/// What the desk may change of a room type (the serializer's writable fields but the photo).
pub(crate) const FIELDS: &[&str] = &[
    "code",
    "name",
    "short_description",
    "max_occupancy",
    "bed_setup",
    "starting_price_from",
    "currency",
    "booking_code",
    "booking_url",
    "availability_message",
    "sort_order",
    "is_active",
];

/// How the engine syncs the room types (API.md §6).
pub static SPEC: ResourceSpec = ResourceSpec {
    // Only a photo upload is announced (§9.2): the rest is read every minute.
    interpret: interpret_room_types,
    title,
    validate,
    editable: FIELDS,
    image_fields: &["photo_url"],
    toast,
    permanent_failure: room_type_gone,
    toasts_from_reconcile: true,
    views: &[View::Pictures],
    capabilities: Capabilities {
        change: Some("room.type.manage"),
        photo: Some("room.media.manage"),
    },
    ..ResourceSpec::base(ResourceKind::RoomTypes, ROOM_TYPES)
};

fn title(row: &Row) -> Option<String> {
    row.get("name")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The longest text each field keeps (§6.1).
fn max_chars(field: &str) -> Option<usize> {
    Some(match field {
        "code" | "booking_code" => 50,
        "name" => 200,
        "bed_setup" | "availability_message" => 100,
        "currency" => 3,
        _ => return None,
    })
}

fn label(field: &str) -> &'static str {
    match field {
        "code" => "code",
        "name" => "name",
        "short_description" => "description",
        "max_occupancy" => "number of guests",
        "bed_setup" => "beds",
        "starting_price_from" => "price",
        "currency" => "currency",
        "booking_code" => "booking code",
        "booking_url" => "booking link",
        "availability_message" => "availability note",
        "sort_order" => "place in the order",
        _ => "active switch",
    }
}

fn field_name(field: &str) -> &'static str {
    FIELDS.iter().copied().find(|f| *f == field).unwrap_or("id")
}

/// The price as the server keeps it: a decimal of at most 10 digits, 2 after the point, not
/// negative ("189", "189.5" → "189.00", "189.50").
pub(crate) fn price(text: &str) -> Result<String, FieldInvalid> {
    let text = text.trim().replace(',', ".");
    let bad = || {
        invalid(
            "starting_price_from",
            "The price must be a number such as 149 or 149.50.",
        )
    };
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if !cents.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if cents.len() > 2 {
        return Err(invalid(
            "starting_price_from",
            "The price can have at most 2 decimal places.",
        ));
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if whole.len() > 8 {
        return Err(invalid(
            "starting_price_from",
            "The price can have at most 8 digits before the decimal point.",
        ));
    }
    Ok(format!("{whole}.{cents:0<2}"))
}

/// §6.1's rules: a name (at most 200 characters) and a price are required for a new room type;
/// texts within their lengths; guests and order whole numbers from 0; a currency of up to 3
/// letters; the booking link a web address. Returns the changes as the server will keep them.
pub(crate) fn validate(
    changes: &Row,
    _: Option<&Row>,
    creating: bool,
) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        let field = field_name(key);
        if field == "id" {
            return Err(invalid(
                "id",
                format!("A room type's {key} is not changed from the desk."),
            ));
        }
        let value = match (field, value) {
            ("starting_price_from", Value::String(text)) => Value::from(price(text)?),
            ("starting_price_from", Value::Number(n)) => Value::from(price(&n.to_string())?),
            ("starting_price_from", _) => {
                return Err(invalid(field, "A room type needs a price."));
            }
            ("max_occupancy" | "sort_order", Value::Number(n)) => match n.as_u64() {
                Some(n) if n <= i32::MAX as u64 => Value::from(n),
                _ => {
                    return Err(invalid(
                        field,
                        format!("The {} must be a whole number from 0.", label(field)),
                    ))
                }
            },
            ("max_occupancy" | "sort_order", _) => {
                return Err(invalid(
                    field,
                    format!("The {} must be a whole number from 0.", label(field)),
                ))
            }
            ("is_active", Value::Bool(_)) => value.clone(),
            ("is_active", _) => return Err(invalid(field, "Active is yes or no.")),
            (_, Value::String(text)) => Value::from(text_field(field, text)?),
            (_, _) => {
                return Err(invalid(
                    field,
                    format!("The {} must be text.", label(field)),
                ))
            }
        };
        clean.insert(field.to_owned(), value);
    }
    if creating {
        if !clean.contains_key("name") {
            return Err(invalid("name", "A room type needs a name."));
        }
        if !clean.contains_key("starting_price_from") {
            return Err(invalid("starting_price_from", "A room type needs a price."));
        }
    }
    Ok(clean)
}

/// A text field as the server will keep it: trimmed, within its length, a currency code in
/// capitals, a booking link a web address, a name not empty.
fn text_field(field: &'static str, text: &str) -> Result<String, FieldInvalid> {
    let text = text.trim();
    if let Some(max) = max_chars(field) {
        if text.chars().count() > max {
            return Err(invalid(
                field,
                format!("The {} can be at most {max} characters.", label(field)),
            ));
        }
    }
    if field == "currency" && !text.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(invalid(field, "The currency is a code such as EUR."));
    }
    if field == "booking_url" && !text.is_empty() {
        if let Err(problem) = crate::rules::url::check_url(text) {
            return Err(invalid(field, problem.to_string()));
        }
    }
    if field == "name" && text.is_empty() {
        return Err(invalid(field, "A room type needs a name."));
    }
    Ok(if field == "currency" {
        text.to_ascii_uppercase()
    } else {
        text.to_owned()
    })
}

/// A colleague's change, in words.
fn toast(action: &str, title: Option<&str>) -> Option<(String, String)> {
    let name = title.unwrap_or("A room type");
    let body = match action {
        "added" => format!("{name} was added"),
        "removed" => format!("{name} was removed"),
        "image_updated" => format!("{name} has a new photo"),
        _ => format!("{name} was changed"),
    };
    Some(("Room types".to_owned(), body))
}

/// `room-type-image-updated` carries the new photo; its `timestamp` is always null (§9.2).
fn interpret_room_types(event: &str, data: &Value) -> Option<Hint> {
    if event != "room-type-image-updated" {
        return None;
    }
    Some(
        match (
            data.get("room_type_id").and_then(Value::as_i64),
            data.get("photo_url"),
        ) {
            (Some(id), Some(url)) if url.is_string() || url.is_null() => {
                let mut fields = Map::new();
                fields.insert("photo_url".into(), url.clone());
                Hint::Patch {
                    id,
                    fields,
                    action: "image_updated",
                    title: None,
                }
            }
            _ => Hint::Reconcile,
        },
    )
}

/// §6.2 (and §13.13): an upload to a room type that is gone answers 500 "Request failed: No
/// RoomType matches the given query.", not 404. Retrying cannot help.
fn room_type_gone(err: &ApiError) -> Option<String> {
    match err {
        ApiError::Server {
            status: 500,
            message,
            ..
        } if message.contains("No RoomType matches") => Some(
            "This room type is no longer on the hotel's server (it may have been deleted), \
                 so its photo cannot be uploaded."
                .to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_room_type_photo_event_patches_the_photo_and_anything_else_is_a_reconcile() {
        let Some(Hint::Patch { id, fields, .. }) = interpret_room_types(
            "room-type-image-updated",
            &json!({"room_type_id": 3, "photo_url": "http://x/r.jpg", "timestamp": null}),
        ) else {
            panic!("not a patch");
        };
        assert_eq!((id, &fields["photo_url"]), (3, &json!("http://x/r.jpg")));
        assert_eq!(
            interpret_room_types("room-type-image-updated", &json!({"room_type_id": "3"})),
            Some(Hint::Reconcile)
        );
        assert_eq!(interpret_room_types("offer-updated", &json!({})), None);
    }

    #[test]
    fn only_the_unknown_room_type_500_is_final() {
        let gone = ApiError::Server {
            status: 500,
            message: "Request failed: No RoomType matches the given query.".into(),
            retry_after: None,
        };
        assert!(room_type_gone(&gone)
            .unwrap()
            .contains("no longer on the hotel's server"));
        let other = ApiError::Server {
            status: 500,
            message: "Internal Server Error".into(),
            retry_after: None,
        };
        assert_eq!(room_type_gone(&other), None, "an ordinary 500 is retried");
    }

    fn row(value: Value) -> Row {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_room_type_is_checked_as_the_server_checks_it() {
        let ok = validate(
            &row(json!({"name": " Attic ", "starting_price_from": "189,5", "currency": "eur", "max_occupancy": 3})),
            None,
            true,
        )
        .unwrap();
        assert_eq!(ok["name"], "Attic");
        assert_eq!(ok["starting_price_from"], "189.50");
        assert_eq!(ok["currency"], "EUR");
        let fails = |v: Value, creating: bool| validate(&row(v), None, creating).unwrap_err().field;
        assert_eq!(fails(json!({"starting_price_from": "10"}), true), "name");
        assert_eq!(fails(json!({"name": "A"}), true), "starting_price_from");
        assert_eq!(
            fails(json!({"starting_price_from": "1.999"}), false),
            "starting_price_from"
        );
        assert_eq!(
            fails(json!({"starting_price_from": "123456789"}), false),
            "starting_price_from"
        );
        assert_eq!(
            fails(json!({"starting_price_from": "-4"}), false),
            "starting_price_from"
        );
        assert_eq!(fails(json!({"code": "x".repeat(51)}), false), "code");
        assert_eq!(fails(json!({"max_occupancy": -1}), false), "max_occupancy");
        assert_eq!(fails(json!({"currency": "EURO"}), false), "currency");
        assert_eq!(
            fails(json!({"booking_url": "booking"}), false),
            "booking_url"
        );
        assert_eq!(fails(json!({"photo": "x"}), false), "id");
        assert!(validate(&row(json!({"is_active": false})), None, false).is_ok());
    }
}
