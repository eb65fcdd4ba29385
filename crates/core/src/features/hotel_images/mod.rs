//! The hotel's own images, hero, landing page and logo, in its settings (API.md §4): the
//! slots as the Pictures screen shows them ([`model`]), the settings as the engine syncs them
//! ([`spec`]), and `desk.hotel_images()` ([`desk`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub(crate) use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        handle::HotelImageSlot::decl(),
        crate::features::hotel_images::ImageSource::decl(),
        crate::features::hotel_images::HotelImageView::decl(),
    ]
}
