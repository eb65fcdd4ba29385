//! Room types (API.md §6): the view the Pictures screen draws ([`model`]), the resource as
//! the engine syncs it ([`spec`]), and `desk.room_types()` ([`desk`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub(crate) use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        crate::features::room_types::RoomTypeView::decl(),
        handle::RoomTypePatch::decl(),
    ]
}
