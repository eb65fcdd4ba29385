//! The hotel's public page as guests see it (read-only).

use hotelmate_core::features::guest_page::{GuestPage, GuestPageHandle};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The page guests see, as this desk keeps it; `null` until read once.
    pub fn guest_page(desk: State<'_, Desk>) -> Result<Option<GuestPage>, UiError> {
        Ok(desk.handle::<GuestPageHandle>().get()?)
    }
}
