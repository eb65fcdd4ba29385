//! The hotel's own images (`desk.hotel_images()`): hero, landing-page image and logo, each sent
//! alone as a file part of a settings PATCH (API.md §4.1), prepared like every photo (resized,
//! metadata stripped) and queued, so a slot replaced offline reaches the server later.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::SINGLETON_ID;
use crate::context::{Context, DeskError, Handle, Parts};
use crate::engine::spec::FieldImage;
use crate::engine::store::Op;
use crate::features::hotel_images::spec::{HOTEL_IMAGES, SETTINGS_SPEC};

/// One of the hotel's three image slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HotelImageSlot {
    /// The hero image, the hotel's wide main picture (cut to 16:9).
    Hero,
    /// The landing page's image (cut to 16:9).
    LandingPage,
    /// The hotel's logo (square).
    Logo,
}

impl HotelImageSlot {
    /// Every slot, in the order the screen shows them.
    pub(crate) const ALL: [HotelImageSlot; 3] = [Self::Hero, Self::LandingPage, Self::Logo];

    /// Its file part of the settings PATCH and the field that shows it (API.md §4.1).
    pub(crate) fn image(self) -> FieldImage {
        let index = match self {
            Self::Hero => 0,
            Self::LandingPage => 1,
            Self::Logo => 2,
        };
        HOTEL_IMAGES[index]
    }

    /// The settings field that overrides the hotel's own image for the public page (§4.1).
    pub(crate) fn override_field(self) -> &'static str {
        match self {
            Self::Hero => "hero_image_url",
            Self::LandingPage => "landing_page_image_url",
            Self::Logo => "logo",
        }
    }

    /// The shape the slot's image is cut to (width / height): a wide hero and landing-page
    /// image, a square logo. The public page shows them so.
    pub(crate) fn aspect(self) -> f64 {
        match self {
            Self::Hero | Self::LandingPage => 16.0 / 9.0,
            Self::Logo => 1.0,
        }
    }

    /// What staff call it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Hero => "Hero image",
            Self::LandingPage => "Landing page",
            Self::Logo => "Logo",
        }
    }
}

/// The hotel images of a signed-in desk.
pub struct HotelImages<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for HotelImages<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl HotelImages<'_> {
    /// Prepares `bytes` (a dropped, pasted or picked file), cut to `crop` (the slot's shape, as
    /// the user placed it), and queues it for `slot`; a slot replaced again before it was sent
    /// sends only the last image.
    pub async fn set(
        &self,
        slot: HotelImageSlot,
        file_name: String,
        bytes: Vec<u8>,
        crop: Option<crate::media::Crop>,
    ) -> Result<(), DeskError> {
        self.cx.may_queue(&SETTINGS_SPEC, Op::Upload)?;
        let cached = self.cx.prepare_image(file_name, bytes, crop).await?;
        self.cx.queue_field_image(
            &SETTINGS_SPEC,
            SINGLETON_ID,
            slot.image().file_field,
            &cached.image.hash,
        )
    }
}
