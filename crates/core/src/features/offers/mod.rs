//! Offers (API.md §3): the typed offer the UI draws with its validation and sanitizing
//! ([`model`]), the engine's description of the resource ([`spec`]), and the handle the UI
//! calls, `desk.offers()` ([`desk`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        crate::features::offers::Offer::decl(),
        crate::features::offers::OfferPatch::decl(),
    ]
}
