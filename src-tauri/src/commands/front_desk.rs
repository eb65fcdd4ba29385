//! The front desk: today's arrivals, departures, guests in house and the room board (API.md §15).

use hotelmate_core::features::front_desk::{
    BookingDetail, FittingRoom, FrontDesk, FrontDeskDay, StayAction, StayOutcome,
};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The day as stored on this desk, searched by guest, booking number or room.
    pub fn front_desk_day(desk: State<'_, Desk>, query: String) -> Result<FrontDeskDay, UiError> {
        Ok(desk.handle::<FrontDesk>().day(&query)?)
    }
}

command! {
    /// A booking's detail from the server, or the desk's copy of it when the server cannot be
    /// reached (said in `from_copy`).
    asks: server
    pub async fn front_desk_booking(
        desk: State<'_, Desk>,
        booking_id: String,
    ) -> Result<BookingDetail, UiError> {
        Ok(desk.handle::<FrontDesk>().booking(&booking_id).await?)
    }
}

command! {
    /// Sets a room's status, one of the front desk's two moves (an occupied room to dirty, a
    /// ready one to maintenance); online only, sent once, the board read back.
    asks: server
    pub async fn front_desk_set_room_status(
        desk: State<'_, Desk>,
        room_id: i64,
        to_status: String,
    ) -> Result<(), UiError> {
        Ok(desk.handle::<FrontDesk>().set_room_status(room_id, &to_status).await?)
    }
}

command! {
    /// The rooms that fit a booking: the server's own read of ready rooms no stay holds (API.md
    /// §15.2); online only.
    asks: server
    pub async fn front_desk_rooms_that_fit(
        desk: State<'_, Desk>,
        booking_id: String,
    ) -> Result<Vec<FittingRoom>, UiError> {
        Ok(desk.handle::<FrontDesk>().rooms_that_fit(&booking_id).await?)
    }
}

command! {
    /// Assigns, moves or unassigns a room, checks in or checks out (API.md §15.2): online only,
    /// sent once, never retried, the booking read back from the server; a refusal in the
    /// server's words, a front desk's check-in told that only a manager may on this server.
    asks: server
    pub async fn front_desk_stay(
        desk: State<'_, Desk>,
        booking_id: String,
        action: StayAction,
    ) -> Result<StayOutcome, UiError> {
        Ok(desk.handle::<FrontDesk>().stay(&booking_id, action).await?)
    }
}
