//! What the hotel's public page tells guests (API.md §4.3): its welcome, descriptions,
//! amenities and contact details, read-only on the desk so reception answers a guest with the
//! words the guest reads. The smallest feature, and the README's worked example of adding a
//! synced resource: its typed view ([`model`]), its description for the engine ([`spec`]) and
//! `desk.handle::<HotelDetailsHandle>()` ([`handle`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub use handle::HotelDetailsHandle;
pub use model::HotelDetails;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![HotelDetails::decl()]
}
