//! The front desk: today's arrivals, departures, guests in house and the room board (API.md §15).

use hotelmate_core::features::front_desk::{
    BookingDetail, FittingRoom, FrontDesk, FrontDeskDay, OlderDeskDay, RoomCheckOut, StayAction,
    StayOutcome,
};
use hotelmate_core::{Desk, UiError};
use tauri::State;

command! {
    /// The day as stored on this desk, searched by guest, booking number or room: today's, or
    /// the lists of `date` (`YYYY-MM-DD`) as last read by `front_desk_read_day` (a day never
    /// read is said not to be kept).
    pub fn front_desk_day(
        desk: State<'_, Desk>,
        query: String,
        date: Option<String>,
    ) -> Result<FrontDeskDay, UiError> {
        let front = desk.handle::<FrontDesk>();
        Ok(match date {
            Some(date) => front.day_on(&date, &query)?,
            None => front.day(&query)?,
        })
    }
}

command! {
    /// Reads another day's arrivals and departures from the server and keeps them (API.md
    /// §15.2 `date_from`/`date_to`); offline, says the copy's "as of" or that it is not kept.
    asks: server
    pub async fn front_desk_read_day(desk: State<'_, Desk>, date: String) -> Result<(), UiError> {
        Ok(desk.handle::<FrontDesk>().read_day(&date).await?)
    }
}

command! {
    /// Marks a booking seen (API.md §15.2): queued in the desk's outbox, sent when the server
    /// can be reached, once; whether it was queued now.
    pub fn front_desk_mark_seen(desk: State<'_, Desk>, booking_id: String) -> Result<bool, UiError> {
        Ok(desk.handle::<FrontDesk>().mark_seen(&booking_id)?)
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

command! {
    /// The day on the older server fd6c529 (API.md §16) as stored on this desk: rooms occupied or
    /// free, the rooms due out, today's arrivals and departures (without rooms), and what that
    /// server does not have.
    pub fn front_desk_older_day(desk: State<'_, Desk>) -> Result<OlderDeskDay, UiError> {
        Ok(desk.handle::<FrontDesk>().older_day()?)
    }
}

command! {
    /// Checks a room out on the older server (API.md §16): a room of this hotel's list, online
    /// only, sent once, the rooms read back; the room's guest conversations are dropped here.
    asks: server
    pub async fn front_desk_check_out_room(
        desk: State<'_, Desk>,
        room_id: i64,
    ) -> Result<RoomCheckOut, UiError> {
        Ok(desk.handle::<FrontDesk>().check_out_room(room_id).await?)
    }
}
