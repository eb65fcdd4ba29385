//! The hotel's public page (read-only).

use hotelmate_core::features::hotel_details::{HotelDetails, HotelDetailsHandle};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// What the hotel's public page tells guests, as this desk keeps it; `null` until read once.
    pub fn hotel_details(desk: State<'_, Desk>) -> Result<Option<HotelDetails>, UiError> {
        Ok(desk.handle::<HotelDetailsHandle>().get()?)
    }
}
