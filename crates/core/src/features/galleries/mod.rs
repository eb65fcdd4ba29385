//! Galleries (API.md §5): the views the Pictures screen draws ([`model`]), galleries and
//! their images as the engine syncs them ([`spec`]), and the gallery actions of
//! `desk.pictures()` ([`desk`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        crate::features::galleries::GalleryImageView::decl(),
        crate::features::galleries::UploadState::decl(),
        crate::features::galleries::UploadView::decl(),
        crate::features::galleries::GalleryView::decl(),
        handle::GalleryPatch::decl(),
        handle::ImagePatch::decl(),
    ]
}
