//! The features' handles. A handle made from the desk's shared state alone implements
//! [`Handle`] in its feature's folder and is reached as `desk.handle::<H>()`, so a new feature
//! adds nothing here; the named accessors below are shorthand for the features that came first,
//! and for the two whose handles also borrow state the desk keeps for them (chat, display).

use super::{lock, Desk};
use crate::context::{Handle, Parts};
use crate::features::chat::handle::Chat;
use crate::features::display::handle::Display;
use crate::features::hotel_images::handle::HotelImages;
use crate::features::offers::handle::Offers;
use crate::features::pictures::Pictures;
use crate::features::room_types::handle::RoomTypes;
use crate::features::team::handle::Team;

impl Desk {
    /// A feature's handle, by its type (`desk.handle::<H>()`).
    pub fn handle<'a, H: Handle<'a>>(&'a self) -> H {
        H::open(Parts(&self.inner.cx))
    }

    /// The hotel's offers.
    pub fn offers(&self) -> Offers<'_> {
        self.handle()
    }

    /// The Pictures screen: the hotel's images, its galleries and its room types.
    pub fn pictures(&self) -> Pictures<'_> {
        self.handle()
    }

    /// The room types on the Pictures screen: create, edit, reorder, delete, a new photo.
    pub fn room_types(&self) -> RoomTypes<'_> {
        self.handle()
    }

    /// The hotel's three images (hero, landing page, logo), to replace one.
    pub fn hotel_images(&self) -> HotelImages<'_> {
        self.handle()
    }

    /// The hotel's team and my clock.
    pub fn team(&self) -> Team<'_> {
        self.handle()
    }

    /// Guest conversations and their threads.
    pub fn chat(&self) -> Chat<'_> {
        let chat = lock(&self.inner.tasks)
            .as_ref()
            .map(|tasks| tasks.chat.clone());
        Chat::new(&self.inner.cx, chat)
    }

    /// The reception display: what it shows, this computer's settings for it, and leaving it.
    pub fn display(&self) -> Display<'_> {
        Display::new(&self.inner.cx, &self.inner.display)
    }
}
