//! A hero section's title, text, background image and logo on the 2026 server (issue 65 item
//! 3; API.md §17.3), edited by those who may edit the page (§17.1). The staff list
//! `hero-sections/` is read while the page's screen shows (no events, §17.9 item 7); a title or
//! text edit is a JSON PATCH merged with the server's row when sent; an image goes through the
//! desk's preparation (size, orientation, metadata, colours) and is sent by its own action
//! (`upload-hero-image/`, `upload-logo/`, file part `image`); clearing one is the JSON PATCH
//! `{"hero_image": null}`. The raw fields are only ever written `null`: never a URL (§17.1),
//! and the screen shows the `*_url` companions.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::access::{NOT_CLASSIC, WHO_MAY_EDIT};
use crate::api::{Generation, Listing, Mount, Resource, PAGE_EDITOR};
use crate::engine::spec::{Capabilities, FieldImage, ResourceSpec};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// §17.3: the hotel's heroes, one per hero section, 10 a page.
pub const HEROES: Resource = Resource {
    name: "page_heroes",
    path: "hero-sections",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// The longest title the server keeps (§17.3).
pub const MAX_HERO_TITLE_CHARS: usize = 255;

/// The hero's two images, each sent by its own action with the file part `image`.
pub(crate) const HERO_IMAGES: [FieldImage; 2] = [
    FieldImage {
        file_field: "hero_image",
        shown_field: "hero_image_url",
        action: Some(("upload-hero-image", "image")),
    },
    FieldImage {
        file_field: "hero_logo",
        shown_field: "hero_logo_url",
        action: Some(("upload-logo", "image")),
    },
];

/// The page's heroes, for those who may edit the page.
pub(crate) static HEROES_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    title: |row| {
        row.get("hero_title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    },
    validate,
    editable: &["hero_title", "hero_text"],
    field_images: &HERO_IMAGES,
    views: &[View::PublicPage],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    read_needs: Some((PAGE_EDITOR, WHO_MAY_EDIT)),
    capabilities: Capabilities {
        change: Some(PAGE_EDITOR),
        photo: Some(PAGE_EDITOR),
    },
    ..ResourceSpec::base(ResourceKind::PageHeroes, HEROES)
};

/// Which of the hero's images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HeroImage {
    /// The background picture (`hero_image`).
    Background,
    /// The logo (`hero_logo`).
    Logo,
}

impl HeroImage {
    pub(super) fn image(self) -> FieldImage {
        match self {
            Self::Background => HERO_IMAGES[0],
            Self::Logo => HERO_IMAGES[1],
        }
    }
}

/// A hero's title and text as the screen edits them (each separately; neither may be blank).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HeroPatch {
    /// The title (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The text under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A hero's fields: `hero_title` (≤ 255) and `hero_text`, neither blank; `hero_image` and
/// `hero_logo` only as `null` (a clear: a raw field never takes a URL, §17.1). Nothing else.
pub(crate) fn validate(changes: &Row, _: Option<&Row>, _: bool) -> Result<Row, FieldInvalid> {
    let mut clean = Row::new();
    for (key, value) in changes {
        let value = match (key.as_str(), value) {
            ("hero_title" | "hero_text", Value::String(words)) => {
                let words = words.trim();
                let what = if key == "hero_title" { "title" } else { "text" };
                if words.is_empty() {
                    return Err(invalid(key_of(key), format!("The hero's {what} cannot be empty.")));
                }
                if key == "hero_title" && words.chars().count() > MAX_HERO_TITLE_CHARS {
                    return Err(invalid(
                        "hero_title",
                        format!("The hero's title is at most {MAX_HERO_TITLE_CHARS} characters."),
                    ));
                }
                Value::from(words)
            }
            ("hero_image" | "hero_logo", Value::Null) => Value::Null,
            ("hero_image" | "hero_logo", _) => {
                return Err(invalid(
                    key_of(key),
                    "A hero's picture is uploaded from a file or removed, never set to an address.",
                ))
            }
            _ => {
                return Err(invalid(
                    "id",
                    format!("A hero's {key} is not changed from the desk."),
                ))
            }
        };
        clean.insert(key.clone(), value);
    }
    Ok(clean)
}

/// The field name as the static the errors carry.
fn key_of(key: &str) -> &'static str {
    match key {
        "hero_title" => "hero_title",
        "hero_text" => "hero_text",
        "hero_image" => "hero_image",
        _ => "hero_logo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_hero_sends_a_title_and_text_not_blank_and_clears_a_picture_but_never_sets_an_address() {
        let ok = validate(&row(json!({"hero_title": " Hi ", "hero_image": null})), None, false);
        assert_eq!(ok.unwrap(), row(json!({"hero_title": "Hi", "hero_image": null})));
        for bad in [
            json!({"hero_title": "  "}),
            json!({"hero_text": ""}),
            json!({"hero_title": "x".repeat(256)}),
            json!({"hero_image": "http://x/image/upload/v1/a.jpg"}),
            json!({"hero_logo": "image/upload/v1/a.jpg"}),
            json!({"section": 3}),
            json!({"hotel": 2}),
        ] {
            assert!(validate(&row(bad.clone()), None, false).is_err(), "{bad}");
        }
    }
}
