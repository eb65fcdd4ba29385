//! The features' handles, one accessor each: `desk.offers()`, `desk.pictures()`, … Each handle
//! borrows the desk's [`Context`](crate::context::Context) and, where a feature keeps state of
//! its own beside it, that state.

use super::{lock, Desk};
use crate::features::chat::handle::Chat;
use crate::features::display::handle::Display;
use crate::features::hotel_details::handle::HotelDetailsHandle;
use crate::features::hotel_images::handle::HotelImages;
use crate::features::offers::handle::Offers;
use crate::features::pictures::Pictures;
use crate::features::room_types::handle::RoomTypes;
use crate::features::team::handle::Team;

impl Desk {
    /// The hotel's offers.
    pub fn offers(&self) -> Offers<'_> {
        Offers::new(&self.inner.cx)
    }

    /// The Pictures screen: the hotel's images, its galleries and its room types.
    pub fn pictures(&self) -> Pictures<'_> {
        Pictures::new(&self.inner.cx)
    }

    /// The room types on the Pictures screen: create, edit, reorder, delete, a new photo.
    pub fn room_types(&self) -> RoomTypes<'_> {
        RoomTypes::new(&self.inner.cx)
    }

    /// The hotel's three images (hero, landing page, logo), to replace one.
    pub fn hotel_images(&self) -> HotelImages<'_> {
        HotelImages::new(&self.inner.cx)
    }

    /// The hotel's team and my clock.
    pub fn team(&self) -> Team<'_> {
        Team::new(&self.inner.cx)
    }

    /// Guest conversations and their threads.
    pub fn chat(&self) -> Chat<'_> {
        let chat = lock(&self.inner.tasks)
            .as_ref()
            .map(|tasks| tasks.chat.clone());
        Chat::new(&self.inner.cx, chat)
    }

    /// What the hotel's public page tells guests (read-only).
    pub fn hotel_details(&self) -> HotelDetailsHandle<'_> {
        HotelDetailsHandle::new(&self.inner.cx)
    }

    /// The reception display: what it shows, this computer's settings for it, and leaving it.
    pub fn display(&self) -> Display<'_> {
        Display::new(&self.inner.cx, &self.inner.display)
    }
}
