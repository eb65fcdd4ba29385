//! `desk.handle::<FrontDesk>()`: the day at the front desk from this desk's copy (no network,
//! so it opens and searches offline), and a booking's detail, read from the server when it
//! answers (§15.2), else from the copy, said so.

use std::sync::Arc;

use serde_json::Value;

use super::model::{self, BookingDetail, BookingLine, FrontDeskDay, Stored};
use super::spec::{ARRIVALS, DEPARTURES, IN_HOUSE, ROOM_BOARD};
use crate::api::session::encode_segment;
use crate::api::SINGLETON_ID;
use crate::context::{lock, Context, DeskError, Handle, Parts};
use crate::engine::store::Row;

/// Why a room's status is not offered to the front desk (§15.1).
pub(crate) const NOT_A_FRONT_DESK_MOVE: &str =
    "The front desk may mark an occupied room dirty or a ready room as needing maintenance; \
     housekeeping makes the other changes.";

/// Why a room's status cannot be changed offline.
pub(crate) const ROOM_CHANGE_OFFLINE: &str =
    "You are offline. A room's status is changed on the server only, so the desk does not \
     keep it for later.";

/// The front desk's day.
pub struct FrontDesk<'a> {
    pub(super) cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for FrontDesk<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl FrontDesk<'_> {
    /// Today's arrivals, departures and guests in house, and the room board, as last read
    /// from the server, searched by `query` (guest, booking or confirmation number, room).
    pub fn day(&self, query: &str) -> Result<FrontDeskDay, DeskError> {
        let store = &self.cx.store;
        let stored = Stored {
            arrivals: store.records(ARRIVALS.name)?,
            departures: store.records(DEPARTURES.name)?,
            in_house: store.records(IN_HOUSE.name)?,
            dashboard: store.record(ROOM_BOARD.name, SINGLETON_ID)?,
            lists_as_of: store.reconciled_at(ARRIVALS.name)?,
            rooms_as_of: store.reconciled_at(ROOM_BOARD.name)?,
        };
        let mut day = model::day(stored, query);
        model::show_waiting(&mut day, &self.seen_waiting()?);
        day.today = self.today();
        day.date = day.today.clone();
        Ok(day)
    }

    /// One booking's detail (§15.2: party and who is unnamed, requests, room). Read from the
    /// server; when it cannot be reached (a transient failure: no network, a timeout, a 5xx), the
    /// lists' copy of it, marked `from_copy`. Any other answer (403, 404) is said as the server
    /// said it.
    pub async fn booking(&self, booking_id: &str) -> Result<BookingDetail, DeskError> {
        let running = self.cx.running()?;
        let slug = lock(&running.identity).hotel_slug.clone();
        let path = format!(
            "api/staff/hotel/{}/room-bookings/{}/",
            encode_segment(&slug),
            encode_segment(booking_id)
        );
        match running.client.get::<Value>(&path).await {
            Ok(Value::Object(answer)) => Ok(model::detail(&answer)),
            Ok(_) => self.copy_of(booking_id),
            Err(err) if !err.is_transient() => Err(err.into()),
            Err(err) => {
                tracing::info!(error = %err, "a booking's detail is shown from the copy");
                self.copy_of(booking_id)
            }
        }
    }

    /// Sets room `room_id` to `to_status`, one of the front desk's two moves (§15.1), on the
    /// server: online only (nothing is kept for later: another desk or housekeeping may change
    /// the room meanwhile), sent once, never retried; the board is then read back from the
    /// server at once. Any other move is refused here, in words, before anything is sent; the
    /// server's refusal is said as it gave it.
    pub async fn set_room_status(&self, room_id: i64, to_status: &str) -> Result<(), DeskError> {
        let running = self.cx.running()?;
        let board = self.day("")?;
        let room = board
            .rooms
            .iter()
            .flat_map(|group| group.rooms.iter())
            .find(|room| room.id == room_id)
            .ok_or(DeskError::Missing("room"))?;
        if room
            .front_desk_move
            .as_ref()
            .is_none_or(|allowed| allowed.to_status != to_status)
        {
            return Err(DeskError::NotAllowed(NOT_A_FRONT_DESK_MOVE.to_owned()));
        }
        if matches!(
            running.sync.connection_status(),
            crate::events::ConnectionStatus::Offline { .. }
        ) {
            return Err(DeskError::Unavailable(ROOM_CHANGE_OFFLINE.to_owned()));
        }
        let slug = lock(&running.identity).hotel_slug.clone();
        let path = format!(
            "api/staff/hotel/{}/housekeeping/rooms/{room_id}/status/",
            encode_segment(&slug)
        );
        let body = serde_json::json!({"to_status": to_status, "source": "FRONT_DESK"});
        let sent: Result<Value, _> = running.client.post(&path, &body).await;
        // Read back whatever the answer: a lost answer may hide a change that was made.
        running.sync.request_reconcile_of(ROOM_BOARD.name);
        sent.map(|_| ()).map_err(DeskError::from)
    }

    /// The booking as the lists keep it.
    fn copy_of(&self, booking_id: &str) -> Result<BookingDetail, DeskError> {
        let store = &self.cx.store;
        for name in [ARRIVALS.name, DEPARTURES.name, IN_HOUSE.name] {
            let found: Option<Row> = store
                .records(name)?
                .into_iter()
                .find(|row| row.get("booking_id").and_then(Value::as_str) == Some(booking_id));
            if let Some(row) = found {
                return Ok(BookingDetail {
                    line: BookingLine::from_row(&row),
                    party: Vec::new(),
                    special_requests: String::new(),
                    room_type: None,
                    room_status: None,
                    from_copy: true,
                });
            }
        }
        Err(DeskError::Missing("booking"))
    }
}
