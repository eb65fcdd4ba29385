//! `desk.handle::<FrontDesk>()` on the older server fd6c529 (API.md §16): the day from the
//! desk's copy and check-out by room. What is read and how it is kept is `older.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::actions::server_words;
use super::older::{day, room, OlderDeskDay, BOOKINGS, DUE_OUT, ROOMS};
use crate::api::session::encode_segment;
use crate::api::ApiError;
use crate::context::{lock, DeskError};
use crate::events::ConnectionStatus;

/// What a check-out by room came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomCheckOut {
    /// What happened, in words for the person.
    pub message: String,
    /// Guest conversations of the room this desk dropped (the server deleted them).
    pub dropped_conversations: u32,
}

/// Why a room cannot be checked out offline.
pub(crate) const CHECK_OUT_OFFLINE: &str =
    "You are offline. A room is checked out on the server only, so the desk does not keep it \
     for later.";

impl super::handle::FrontDesk<'_> {
    /// The day on fd6c529 (§16) from this desk's copy: rooms, the rooms due out, and today's
    /// arrivals and departures picked from the bookings kept.
    pub fn older_day(&self) -> Result<OlderDeskDay, DeskError> {
        let store = &self.cx.store;
        let mut day = day(
            &store.records(ROOMS.name)?,
            &store.records(DUE_OUT.name)?,
            &store.records(BOOKINGS.name)?,
            &self.today(),
        );
        day.rooms_as_of = store.reconciled_at(DUE_OUT.name)?;
        day.bookings_as_of = store.reconciled_at(BOOKINGS.name)?;
        Ok(day)
    }

    /// Checks room `room_id` out on fd6c529 (`POST /api/rooms/<slug>/checkout/`, §16): only a
    /// room of this hotel's own room list as kept here (the server checks no hotel), online only,
    /// sent once and never again; whatever the answer, the rooms and the due-out list are read
    /// again. The server deletes the room's guests and guest chat ([`super::older::CHECK_OUT_DELETES`]), so
    /// this desk drops its copy of the room's conversations and says how many. A lost answer is
    /// said as not known, nothing sent again.
    pub async fn check_out_room(&self, room_id: i64) -> Result<RoomCheckOut, DeskError> {
        let running = self.cx.running()?;
        let number = self
            .cx
            .store
            .records(ROOMS.name)?
            .iter()
            .filter_map(room)
            .find(|r| r.id == room_id)
            .map(|r| r.room_number)
            .ok_or(DeskError::Missing("room"))?;
        if matches!(running.sync.connection_status(), ConnectionStatus::Offline { .. }) {
            return Err(DeskError::Unavailable(CHECK_OUT_OFFLINE.to_owned()));
        }
        let slug = lock(&running.identity).hotel_slug.clone();
        let path = format!("api/rooms/{}/checkout/", encode_segment(&slug));
        let body = serde_json::json!({"room_ids": [room_id]});
        let sent: Result<Value, ApiError> = running.client.post(&path, &body).await;
        for name in [ROOMS.name, DUE_OUT.name] {
            running.sync.request_reconcile_of(name);
        }
        match sent {
            Ok(_) => {}
            Err(err) if err.is_transient() => {
                return Err(DeskError::Unavailable(format!(
                    "Whether room {number} was checked out is not known: {err}. Nothing was sent \
                     again; the rooms are read again when the server answers."
                )))
            }
            Err(err) => return Err(DeskError::NotAllowed(server_words(&err))),
        }
        let dropped = self.drop_conversations_of(number)?;
        Ok(RoomCheckOut {
            message: format!(
                "Room {number} is checked out. The server deleted its guests, guest-chat \
                 sessions, conversations, messages, room-service and breakfast orders; \
                 {dropped} conversation(s) were removed from this desk."
            ),
            dropped_conversations: u32::try_from(dropped).unwrap_or(u32::MAX),
        })
    }
}
