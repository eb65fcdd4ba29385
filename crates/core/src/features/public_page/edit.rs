//! What a section edit may carry, checked as the 2026 server would take it (API.md §17.2):
//! a name of at most 100 characters, the published switch, the place, the style variant (1–5,
//! §17.1 "Presets"), and on a new section its type. Nothing else is ever sent: never `hotel` (a
//! PATCH of it moves the section to another hotel's page, §17.9 item 2), never a preset id the
//! desk does not show.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::{invalid, FieldInvalid};

/// The types `sections/create/` makes (§17.2); anything else (`footer` too) it refuses.
pub const SECTION_TYPES: [&str; 5] = ["hero", "gallery", "list", "news", "rooms"];

/// The longest name the server keeps (`name` ≤ 100; a longer one is a database error, a 500).
pub const MAX_NAME_CHARS: usize = 100;

/// The fields a section edit sends: the only ones the desk writes.
pub(crate) const EDITABLE_FIELDS: &[&str] = &["name", "is_active", "position", "style_variant"];

/// The style variants a section takes (§17.1: `style_variant` is 1–5; anything else is a 400).
pub const STYLE_VARIANTS: std::ops::RangeInclusive<u64> = 1..=5;

/// A new section as the screen asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewSection {
    /// One of [`SECTION_TYPES`].
    pub section_type: String,
    /// Its name; empty: the server's default ("Gallery Section").
    pub name: String,
}

/// A section's fields as the engine keeps them, checked: `name` (≤ [`MAX_NAME_CHARS`]),
/// `is_active` (a bool), `position` (a whole number from 0), `style_variant` (one of
/// [`STYLE_VARIANTS`]) and, creating only,
/// `section_type` (one of [`SECTION_TYPES`]). Any other field is refused, `hotel` first.
pub(crate) fn validate(
    changes: &Row,
    _: Option<&Row>,
    creating: bool,
) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        let value = match (key.as_str(), value) {
            ("name", Value::String(name)) => Value::from(name_of(name)?),
            ("is_active", Value::Bool(on)) => Value::Bool(*on),
            ("position", Value::Number(n)) if n.as_u64().is_some_and(|n| n <= i32::MAX as u64) => {
                Value::Number(n.clone())
            }
            ("position", _) => {
                return Err(invalid("position", "A section's place is a whole number from 0."))
            }
            ("style_variant", Value::Number(n))
                if n.as_u64().is_some_and(|n| STYLE_VARIANTS.contains(&n)) =>
            {
                Value::Number(n.clone())
            }
            ("style_variant", _) => {
                return Err(invalid(
                    "style_variant",
                    "A section's style is one of the server's five (1 to 5).",
                ))
            }
            ("section_type", Value::String(t)) if creating && SECTION_TYPES.contains(&t.as_str()) => {
                Value::from(t.clone())
            }
            // A new list section's first list title (§17.2: `container_name`).
            ("container_name", Value::String(t)) if creating => Value::from(name_of(t)?),
            ("section_type", _) if creating => {
                return Err(invalid(
                    "section_type",
                    "A new section is a hero, a gallery, a list of cards, news or rooms.",
                ))
            }
            ("hotel", _) => {
                return Err(invalid(
                    "hotel",
                    "A section stays on this hotel's page; the desk never moves it to another.",
                ))
            }
            ("name", _) => return Err(invalid("name", "A section's name is text.")),
            ("is_active", _) => {
                return Err(invalid("is_active", "A section is either shown or hidden."))
            }
            _ => {
                return Err(invalid(
                    "id",
                    format!("A section's {key} is not changed from the desk."),
                ))
            }
        };
        clean.insert(key.clone(), value);
    }
    if creating && !clean.contains_key("section_type") {
        return Err(invalid("section_type", "Choose what kind of section to add."));
    }
    Ok(clean)
}

/// A name as the server keeps it: trimmed, at most [`MAX_NAME_CHARS`] characters.
fn name_of(name: &str) -> Result<String, FieldInvalid> {
    let name = name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            "name",
            format!("A section's name is at most {MAX_NAME_CHARS} characters."),
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn only_a_name_the_switch_and_the_place_are_sent_and_never_the_hotel() {
        let ok = validate(
            &row(json!({"name": "  Offers ", "is_active": false, "position": 3})),
            None,
            false,
        )
        .unwrap();
        assert_eq!(ok, row(json!({"name": "Offers", "is_active": false, "position": 3})));
        for bad in [
            json!({"hotel": 2}),
            json!({"layout_preset": 1}),
            json!({"position": -1}),
            json!({"style_variant": 0}),
            json!({"style_variant": 6}),
            json!({"style_variant": "2"}),
            json!({"name": "x".repeat(101)}),
            json!({"section_type": "hero"}),
        ] {
            assert!(validate(&row(bad.clone()), None, false).is_err(), "{bad}");
        }
        assert!(validate(&row(json!({"style_variant": 5})), None, false).is_ok());
        assert!(validate(&row(json!({"section_type": "footer"})), None, true).is_err());
        assert!(validate(&row(json!({"name": "A"})), None, true).is_err());
        assert!(validate(&row(json!({"section_type": "news", "position": 4})), None, true).is_ok());
    }
}
