//! My shifts and my hours (read-only; API.md §14).

use hotelmate_core::features::my_shifts::{MyShifts, MyShiftsHandle};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// My shifts and hours as this desk keeps them ("as of" its last read), offline too.
    pub fn my_shifts(desk: State<'_, Desk>) -> Result<MyShifts, UiError> {
        Ok(desk.handle::<MyShiftsHandle>().view()?)
    }
}

command! {
    /// Reads my shifts and hours from the server now, then answers them.
    asks: server
    pub async fn my_shifts_refresh(desk: State<'_, Desk>) -> Result<MyShifts, UiError> {
        Ok(desk.handle::<MyShiftsHandle>().refresh().await?)
    }
}
