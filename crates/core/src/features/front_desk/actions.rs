//! What the front desk does to a stay on the 2026 server (API.md §15.2, §15.6 rules 1–4):
//! the rooms that fit a booking, assigning, moving and unassigning a room, check-in and
//! check-out. Every action is online only (nothing is kept for later: a colleague may act on the
//! same booking meanwhile), sent once and never retried, and never shown as done before the
//! server says so; whatever the answer, the booking is read back from the server and the lists
//! and the board are read again. When the answer is lost (a transient failure, a 5xx), the
//! read-back decides what happened. A check-out drops this desk's copy of the room's guest
//! conversations, which the server deletes with it and announces to no one (Decision 12).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::handle::FrontDesk;
use super::model::BookingDetail;
use super::spec::{ARRIVALS, DEPARTURES, IN_HOUSE, ROOM_BOARD};
use crate::api::session::encode_segment;
use crate::api::ApiError;
use crate::context::{lock, DeskError};
use crate::events::{ConnectionStatus, DeskEvent, ResourceKind};
use crate::features::chat::store::ChatStore;
use crate::features::chat::spec::CONVERSATIONS;

/// Why a stay cannot be changed offline.
pub(crate) const STAY_OFFLINE: &str =
    "You are offline. Rooms, check-in and check-out are changed on the server only, so the \
     desk does not keep them for later.";

/// What the desk says when this server refuses a front desk's check-in (§15.2, §15.5).
pub(crate) const ONLY_A_MANAGER_CHECKS_IN: &str =
    "Not checked in. This HotelMate server lets only a manager check guests in: it failed \
     (HTTP 500) and saved nothing. Ask a manager to check the guest in.";

/// Said after the server's own words when it refuses a check-in for the arrival window
/// (`CHECKIN_WRONG_DATE`, `CHECKIN_TOO_EARLY`, `CHECKIN_TOO_LATE`, §15.2, §15.6 rule 7): which
/// clock applies, never a prediction of it.
pub(crate) const ARRIVAL_WINDOW_ZONE: &str =
    "The arrival window runs on the check-in policy's own time zone, set on the server, which      can differ from the hotel's day that the lists follow.";

/// Rooms offered at most (a hostile answer cannot flood the list).
const MAX_ROOMS: usize = 500;

/// A room that fits a booking: the server's `available-rooms` (§15.2: ready, held by no stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FittingRoom {
    /// The room's id on the server (the assignment names it).
    #[ts(type = "number")]
    pub id: i64,
    /// The number guests know it by.
    #[ts(type = "number")]
    pub room_number: i64,
    /// Its type's name.
    pub room_type: String,
}

/// What an action on a stay came to, read back from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StayOutcome {
    /// The booking as the server shows it after the action.
    pub booking: BookingDetail,
    /// What happened, in words for the person.
    pub message: String,
    /// Guest conversations of the room this desk dropped (a check-out deletes them).
    pub dropped_conversations: u32,
}

/// An action on a stay (§15.2), as the screen asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StayAction {
    /// Assign room `room_id` (one of the rooms that fit) to a booking not checked in.
    Assign {
        /// The room's id on the server.
        #[ts(type = "number")]
        room_id: i64,
    },
    /// Move a guest in house to room `room_id`.
    Move {
        /// The room's id on the server.
        #[ts(type = "number")]
        room_id: i64,
    },
    /// Take the booking's room back (before check-in).
    Unassign,
    /// Check the guest in.
    CheckIn,
    /// Check the guest out (the server deletes the room's chats and orders with it).
    CheckOut,
}

use StayAction as Action;

impl Action {
    fn path(self) -> &'static str {
        match self {
            Self::Assign { .. } => "safe-assign-room",
            Self::Move { .. } => "move-room",
            Self::Unassign => "unassign-room",
            Self::CheckIn => "check-in",
            Self::CheckOut => "check-out",
        }
    }

    fn body(self) -> Value {
        match self {
            Self::Assign { room_id } => json!({"room_id": room_id}),
            Self::Move { room_id } => json!({"to_room_id": room_id}),
            _ => json!({}),
        }
    }

    /// What the person is told once the server has done it.
    fn done(self, booking: &BookingDetail) -> String {
        let room = booking
            .line
            .room_number
            .map_or_else(String::new, |n| format!(" room {n}"));
        let guest = &booking.line.guest;
        match self {
            Self::Assign { .. } => format!("{guest} has{room}."),
            Self::Move { .. } => format!("{guest} moved to{room}."),
            Self::Unassign => format!("{guest} has no room assigned now."),
            Self::CheckIn => format!("{guest} is checked in{room}."),
            Self::CheckOut => format!("{guest} is checked out."),
        }
    }

    /// Whether the booking read back shows the action done (for a lost answer).
    fn shows_done(self, booking: &BookingDetail, room_number: Option<i64>) -> bool {
        let line = &booking.line;
        match self {
            Self::Assign { .. } | Self::Move { .. } => {
                room_number.is_some() && line.room_number == room_number
            }
            Self::Unassign => line.room_number.is_none(),
            Self::CheckIn => line.checked_in_at.is_some() && line.status != "COMPLETED",
            Self::CheckOut => line.status == "COMPLETED",
        }
    }
}

/// The server's words in a refusal: the check-in's `{"error": <code>, "detail"}`, the
/// assignment's `{"code", "message"}` and the nested `{"error": {"code", "message"}}`, DRF's
/// `non_field_errors`; else the error as the desk words it.
pub(crate) fn server_words(err: &ApiError) -> String {
    let fields = match err {
        ApiError::Validation { fields } => fields,
        ApiError::Conflict { message }
        | ApiError::Forbidden { message }
        | ApiError::NotFound { message } => return message.clone(),
        _ => return err.to_string(),
    };
    let first = |key: &str| fields.get(key).and_then(|m| m.first()).cloned();
    first("detail")
        .or_else(|| first("message"))
        .or_else(|| {
            first("error")
                .and_then(|e| serde_json::from_str::<Value>(&e).ok())
                .and_then(|e| e.get("message").and_then(Value::as_str).map(str::to_owned))
        })
        .or_else(|| first("non_field_errors"))
        .map_or_else(|| err.to_string(), |w| crate::rules::text::shorten(&w, 300))
}

/// Whether the server refused a check-in for its arrival window (`{"error": "CHECKIN_…"}`).
fn refused_for_arrival_window(err: &ApiError) -> bool {
    let ApiError::Validation { fields } = err else {
        return false;
    };
    fields
        .get("error")
        .and_then(|codes| codes.first())
        .is_some_and(|code| code.starts_with("CHECKIN_"))
}

impl FrontDesk<'_> {
    /// The rooms that fit booking `booking_id`: the server's own `available-rooms` read
    /// (§15.2: ready rooms no stay holds), by number. Online only (what fits changes by the
    /// minute); refusals in the server's words.
    pub async fn rooms_that_fit(&self, booking_id: &str) -> Result<Vec<FittingRoom>, DeskError> {
        let running = self.cx.running()?;
        if is_offline(&running.sync.connection_status()) {
            return Err(DeskError::Unavailable(STAY_OFFLINE.to_owned()));
        }
        let path = format!("{}available-rooms/", self.booking_path(booking_id)?);
        let answer: Value = running.client.get(&path).await?;
        let mut rooms: Vec<FittingRoom> = answer
            .get("available_rooms")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(MAX_ROOMS)
            .filter(|r| r.get("is_bookable").and_then(Value::as_bool) != Some(false))
            .filter_map(|r| {
                Some(FittingRoom {
                    id: r.get("id")?.as_i64()?,
                    room_number: r.get("room_number")?.as_i64()?,
                    room_type: crate::rules::text::reveal(
                        r.get("room_type").and_then(Value::as_str).unwrap_or_default(),
                    ),
                })
            })
            .collect();
        rooms.sort_by_key(|r| r.room_number);
        Ok(rooms)
    }

    /// Assigns room `room_id` (one of [`Self::rooms_that_fit`]) to a booking not checked in.
    pub async fn assign_room(&self, booking_id: &str, room_id: i64) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, Action::Assign { room_id }).await
    }

    /// Moves a guest in house to room `room_id` (the server leaves the old one dirty).
    pub async fn move_room(&self, booking_id: &str, room_id: i64) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, Action::Move { room_id }).await
    }

    /// Takes a booking's room back (before check-in).
    pub async fn unassign_room(&self, booking_id: &str) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, Action::Unassign).await
    }

    /// Checks a guest in. At 12e538a anyone below a manager gets a 500 and nothing is saved
    /// (§15.2): the booking is read back and the person told that only a manager may.
    pub async fn check_in(&self, booking_id: &str) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, Action::CheckIn).await
    }

    /// Checks a guest out. The server deletes the room's guest conversations and room-service
    /// orders with it (Decision 12); this desk drops its copy of those conversations and says
    /// how many.
    pub async fn check_out(&self, booking_id: &str) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, Action::CheckOut).await
    }

    fn booking_path(&self, booking_id: &str) -> Result<String, DeskError> {
        let running = self.cx.running()?;
        let slug = lock(&running.identity).hotel_slug.clone();
        Ok(format!(
            "api/staff/hotel/{}/room-bookings/{}/",
            encode_segment(&slug),
            encode_segment(booking_id)
        ))
    }

    /// Does `action` to booking `booking_id`: sent once, read back, said (each action's own
    /// method above says what it does).
    pub async fn stay(&self, booking_id: &str, action: StayAction) -> Result<StayOutcome, DeskError> {
        self.act(booking_id, action).await
    }

    /// Sends `action` once, reads the booking back and says what came of it.
    async fn act(&self, booking_id: &str, action: Action) -> Result<StayOutcome, DeskError> {
        let running = self.cx.running()?;
        if is_offline(&running.sync.connection_status()) {
            return Err(DeskError::Unavailable(STAY_OFFLINE.to_owned()));
        }
        let before = self.booking(booking_id).await?;
        let room_before = before.line.room_number;
        let wanted_room = match action {
            Action::Assign { room_id } | Action::Move { room_id } => self.room_number_of(room_id),
            _ => None,
        };
        let path = format!("{}{}/", self.booking_path(booking_id)?, action.path());
        let sent: Result<Value, ApiError> = running.client.post(&path, &action.body()).await;
        // Whatever the answer, the lists and the board are read again (§15.6 rule 1).
        for name in [ARRIVALS.name, DEPARTURES.name, IN_HOUSE.name, ROOM_BOARD.name] {
            running.sync.request_reconcile_of(name);
        }
        let after = self.booking(booking_id).await;
        let lost = sent.as_ref().err().is_some_and(ApiError::is_transient);
        let done = match (&sent, &after) {
            (Ok(_), _) => true,
            // Only a change since the booking was read before sending counts as this one's.
            (Err(_), Ok(read)) if !read.from_copy => {
                !action.shows_done(&before, wanted_room) && action.shows_done(read, wanted_room)
            }
            _ => false,
        };
        if !done {
            return Err(self.not_done(action, &sent, &after, lost));
        }
        let booking = match after {
            Ok(read) if !read.from_copy => read,
            _ => before,
        };
        let dropped = match (action, room_before.or(booking.line.room_number)) {
            (Action::CheckOut, Some(room)) => self.drop_conversations_of(room)?,
            _ => 0,
        };
        let mut message = action.done(&booking);
        if sent.is_err() {
            message = format!("{message} (The server's answer was lost; reading the booking back shows it done.)");
        }
        if action == Action::CheckOut {
            message = format!(
                "{message} The server deleted room {}'s guest conversations and room-service \
                 orders with the stay; {dropped} conversation(s) were removed from this desk.",
                booking.line.room_number.map_or_else(|| "?".to_owned(), |n| n.to_string())
            );
        }
        Ok(StayOutcome {
            booking,
            message,
            dropped_conversations: u32::try_from(dropped).unwrap_or(u32::MAX),
        })
    }

    /// The words for an action the server did not do (or may not have done).
    fn not_done(
        &self,
        action: Action,
        sent: &Result<Value, ApiError>,
        after: &Result<BookingDetail, DeskError>,
        lost: bool,
    ) -> DeskError {
        let read_back = matches!(after, Ok(read) if !read.from_copy);
        let Err(err) = sent else {
            return DeskError::Unavailable("the server's answer could not be read".to_owned());
        };
        let server_error = matches!(err, ApiError::Server { status, .. } if *status >= 500);
        match action {
            Action::CheckIn if server_error && read_back => {
                DeskError::NotAllowed(ONLY_A_MANAGER_CHECKS_IN.to_owned())
            }
            _ if lost && read_back => DeskError::Unavailable(format!(
                "Not done: {err}. The booking was read back from the server and shows it \
                 unchanged; nothing was sent again."
            )),
            _ if lost => DeskError::Unavailable(format!(
                "Whether it was done is not known: {err}, and the booking could not be read \
                 back. Nothing was sent again; open the booking when the server answers."
            )),
            _ if refused_for_arrival_window(err) => DeskError::NotAllowed(format!(
                "{} {ARRIVAL_WINDOW_ZONE}",
                server_words(err)
            )),
            _ => DeskError::NotAllowed(server_words(err)),
        }
    }

    /// The number of room `room_id`, from the board this desk keeps (to recognise a lost
    /// assignment on the read-back).
    fn room_number_of(&self, room_id: i64) -> Option<i64> {
        self.day("")
            .ok()?
            .rooms
            .iter()
            .flat_map(|g| g.rooms.iter())
            .find(|r| r.id == room_id)
            .map(|r| r.room_number)
    }

    /// Drops this desk's guest conversations of room `number`, their messages and anything
    /// waiting to be sent in them, as the server deleted them; the chat is told.
    pub(super) fn drop_conversations_of(&self, number: i64) -> Result<usize, DeskError> {
        let running = self.cx.running()?;
        let store = &self.cx.store;
        let ids: Vec<i64> = store
            .records(CONVERSATIONS.name)?
            .iter()
            .filter(|row| room_of(row.get("room_number")) == Some(number))
            .filter_map(|row| row.get("conversation_id").and_then(Value::as_i64))
            .collect();
        let gone = ChatStore::new(store).forget_conversations(&ids)?;
        if gone > 0 {
            running.sync.emit(DeskEvent::ResourceChanged {
                resource: ResourceKind::Conversations,
            });
        }
        running.sync.request_reconcile_of(CONVERSATIONS.name);
        Ok(gone)
    }
}

/// A room number as a row holds it (a number, or its text).
fn room_of(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_offline(status: &ConnectionStatus) -> bool {
    matches!(status, ConnectionStatus::Offline { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn refusal(fields: &[(&str, &str)]) -> ApiError {
        ApiError::Validation {
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), vec![(*v).to_owned()]))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn each_refusal_shape_of_section_15_2_is_said_in_the_servers_words() {
        let party = refusal(&[
            ("code", "PARTY_INCOMPLETE"),
            ("message", "Please provide all staying guest names before room assignment."),
        ]);
        assert_eq!(
            server_words(&party),
            "Please provide all staying guest names before room assignment."
        );
        let room = refusal(&[(
            "error",
            r#"{"code":"ROOM_NOT_BOOKABLE","message":"Room 102 is not bookable (status: OCCUPIED)","details":{}}"#,
        )]);
        assert_eq!(server_words(&room), "Room 102 is not bookable (status: OCCUPIED)");
        let check_in = refusal(&[
            ("error", "BOOKING_NOT_ELIGIBLE"),
            ("detail", "No room assigned to booking"),
        ]);
        assert_eq!(server_words(&check_in), "No room assigned to booking");
    }
}
