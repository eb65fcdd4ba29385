//! The hotel's image slots (hero, landing page, logo) as the Pictures screen shows them: the
//! image in effect, where it comes from, and whether a replacement waits to be sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;

/// Where the image in effect of a hotel image slot comes from (API.md §4.1–4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImageSource {
    /// The public page's own image (the settings' override, `*_url` or the settings `logo`).
    Override,
    /// The hotel's image (no override set).
    Hotel,
    /// No image at all.
    Missing,
}

/// One of the hotel's image slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HotelImageView {
    pub slot: super::handle::HotelImageSlot,
    /// "Hero image", "Landing page", "Logo".
    pub label: String,
    /// The image in effect (`*_display`), if any.
    pub url: Option<String>,
    /// Where that image comes from.
    pub source: ImageSource,
    /// A replacement is saved here and waits to be sent.
    pub pending: bool,
    /// The shape a new image is cut to (width / height).
    pub aspect: f64,
}

/// Where a slot's image in effect comes from: the settings' override field when it is set
/// (`override_field`: `hero_image_url`, `landing_page_image_url`, `logo`), else the hotel's own
/// image when one shows (`shown_field`), else none.
pub(crate) fn image_source(settings: &Row, override_field: &str, shown_field: &str) -> ImageSource {
    let set = |field: &str| {
        settings
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty())
    };
    if !set(shown_field) {
        ImageSource::Missing
    } else if set(override_field) {
        ImageSource::Override
    } else {
        ImageSource::Hotel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: serde_json::Value) -> Row {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_slot_says_whether_its_image_is_the_public_pages_override_or_the_hotels_own() {
        let both = row(serde_json::json!({
            "hero_image_url": "https://img/settings.jpg",
            "hero_image_display": "https://img/settings.jpg",
            "logo": "", "logo_display": "https://img/hotel-logo.png",
            "landing_page_image_url": null, "landing_page_image_display": null
        }));
        assert_eq!(
            image_source(&both, "hero_image_url", "hero_image_display"),
            ImageSource::Override
        );
        assert_eq!(
            image_source(&both, "logo", "logo_display"),
            ImageSource::Hotel
        );
        assert_eq!(
            image_source(
                &both,
                "landing_page_image_url",
                "landing_page_image_display"
            ),
            ImageSource::Missing
        );
    }
}
