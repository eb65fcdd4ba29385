//! The hotel's public page as guests see it (API.md §3.3): its hero, its booking buttons, the
//! offers it shows and the room types it sells, read-only and kept on the desk, so a manager
//! checks what is published and reception sees what a guest on the phone is looking at. The web
//! app's "Preview Public Page" tab, on the desk. Its typed view ([`model`]), its description for
//! the engine ([`spec`]) and `desk.handle::<GuestPageHandle>()` ([`handle`]).

pub(crate) mod handle;
pub(crate) mod model;
pub mod spec;

pub use handle::GuestPageHandle;
pub use model::{GuestOffer, GuestPage, GuestPageButton, GuestRoomType};

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        GuestPage::decl(),
        GuestPageButton::decl(),
        GuestOffer::decl(),
        GuestRoomType::decl(),
    ]
}
