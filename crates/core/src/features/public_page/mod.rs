//! The hotel's public page on the 2026 server (API.md §17): its sections in order, each with
//! its type as §17.9 item 4 reads it, hidden ones marked for the staff who may see them, and
//! the hero, gallery and card content. Read from the public read (§17.8) for everyone, and
//! from the staff list of sections for those who may edit it (§17.1: a `super_staff_admin`
//! with the `hotel_info` nav, or a superuser), decided from the login answer, so the desk never
//! asks what the server would refuse. Its typed view ([`model`]), its descriptions for the
//! engine ([`spec`]) and `desk.handle::<PublicPageHandle>()` ([`handle`]), whose section
//! changes ([`sections`], checked by [`edit`]) go through the desk's one outbox.

pub(crate) mod cards;
pub mod cards_spec;
pub(crate) mod access;
pub(crate) mod edit;
pub mod gallery;
pub(crate) mod gallery_edit;
pub(crate) mod handle;
pub mod hero;
pub(crate) mod hero_edit;
pub(crate) mod model;
pub(crate) mod presets;
pub(crate) mod sections;
pub mod spec;

pub use cards::{CardList, CardPatch, CardUndo, OfferCard, OfferCards, PageCards};
pub use edit::{NewSection, MAX_NAME_CHARS, SECTION_TYPES, STYLE_VARIANTS};
pub use handle::PublicPageHandle;
pub use model::{PageCard, PageGallery, PageHero, PageImage, PageSection, PublicPage};
pub use gallery_edit::PageImagePatch;
pub use hero::{HeroImage, HeroPatch};
pub use presets::StyleChoice;
pub use sections::SectionUndo;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        PublicPage::decl(),
        PageSection::decl(),
        StyleChoice::decl(),
        PageHero::decl(),
        PageGallery::decl(),
        PageImage::decl(),
        PageCard::decl(),
        NewSection::decl(),
        SectionUndo::decl(),
        OfferCards::decl(),
        CardList::decl(),
        OfferCard::decl(),
        CardPatch::decl(),
        CardUndo::decl(),
        PageImagePatch::decl(),
        HeroImage::decl(),
        HeroPatch::decl(),
    ]
}
