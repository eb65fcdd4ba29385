//! What the 2026 backend broadcasts about guest chat (API.md §10.2 "Chat events", §10.3 "Guest chat"), and
//! only while the conversation's room has a checked-in booking; without one nothing is sent.
//!
//! - A guest's message: `realtime_event` on the public `<slug>-conversation-<id>-chat` (the envelope
//!   below), and `new-guest-message` on `<slug>.staff-<staff_id>-notifications` for every active staff
//!   member who holds `chat.guest.respond` (all active staff when nobody does).
//! - A staff message: `chat.message.created` on the private `private-hotel-<slug>-guest-chat-booking-<ref>`,
//!   twice, as the real server does; no staff client can join that channel (its auth endpoint refuses
//!   everyone). A staff attachment upload: one `chat.message.created` there (`chat.message.edited` when it
//!   adds files to an existing message).
//! - Staff reading guest messages: `messages-read-by-staff` on the conversation channel, as classic.
//!
//! The envelope: `{category: "guest_chat", type, payload: <2026 RoomMessage>, meta: {hotel_slug, event_id,
//! ts, scope: {conversation_id, booking_id}}}`.

use rand::Rng;
use serde_json::{json, Value};

use super::chat_model::{
    booking_channel, booking_guest_name, conversation_channel, staff_notifications_channel,
    Booking, Conversation,
};
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::now_isoformat;

/// The capability whose holders hear about guest messages.
const GUEST_RESPOND_CAPABILITY: &str = "chat.guest.respond";

/// A fresh event id, in the UUID form the real server's `meta.event_id` has.
fn event_id() -> String {
    let n: u128 = rand::rng().random();
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-4{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The 2026 envelope of a guest-chat event about `message`.
fn envelope(c: &Conversation, booking: &Booking, kind: &str, message: &Value) -> Value {
    json!({
        "category": "guest_chat",
        "type": kind,
        "payload": message,
        "meta": {
            "hotel_slug": c.hotel_slug,
            "event_id": event_id(),
            "ts": now_isoformat(),
            "scope": {"conversation_id": c.id, "booking_id": booking.reference},
        },
    })
}

/// Who is told of a guest message: the active staff of the hotel holding `chat.guest.respond`, or
/// every active staff member when nobody does.
fn guest_message_recipients(state: &AppState, hotel_id: i64) -> rusqlite::Result<Vec<i64>> {
    let active: Vec<Staff> = people::of_hotel(&state.db(), hotel_id)?
        .into_iter()
        .filter(|s| s.is_active)
        .collect();
    let holders: Vec<i64> = active
        .iter()
        .filter(|s| s.capabilities_2026().contains(&GUEST_RESPOND_CAPABILITY))
        .map(|s| s.id)
        .collect();
    if !holders.is_empty() {
        return Ok(holders);
    }
    Ok(active.iter().map(|s| s.id).collect())
}

/// A guest wrote `message` (a 2026 RoomMessage).
pub(crate) fn guest_message(
    state: &AppState,
    c: &Conversation,
    message: &Value,
) -> Result<(), ApiError> {
    let Some(booking) = &c.booking else {
        return Ok(());
    };
    state.hub.publish(
        &conversation_channel(c),
        "realtime_event",
        &envelope(c, booking, "chat.message.created", message),
    );
    let guest_name = booking_guest_name(c);
    let notice = json!({
        "type": "guest_message",
        "message_id": message["id"],
        "conversation_id": c.id,
        "booking_id": booking.reference,
        "room_number": c.room_number,
        "guest_message": message["message"],
        "sender_name": guest_name,
        "guest_name": guest_name,
        "timestamp": message["timestamp"],
    });
    for staff_id in guest_message_recipients(state, c.hotel_id)? {
        state.hub.publish(
            &staff_notifications_channel(&c.hotel_slug, staff_id),
            "new-guest-message",
            &notice,
        );
    }
    Ok(())
}

/// A staff member wrote `message` through send: `chat.message.created` twice on the booking's private
/// channel.
pub(crate) fn staff_message(state: &AppState, c: &Conversation, message: &Value) {
    let Some(booking) = &c.booking else {
        return;
    };
    let event = envelope(c, booking, "chat.message.created", message);
    for _ in 0..2 {
        state.hub.publish(
            &booking_channel(&c.hotel_slug, booking),
            "chat.message.created",
            &event,
        );
    }
}

/// A staff member's attachment upload made (`edited` false) or added files to (`edited` true)
/// `message`: one event on the booking's private channel.
pub(crate) fn staff_upload(state: &AppState, c: &Conversation, message: &Value, edited: bool) {
    let Some(booking) = &c.booking else {
        return;
    };
    let kind = if edited {
        "chat.message.edited"
    } else {
        "chat.message.created"
    };
    state.hub.publish(
        &booking_channel(&c.hotel_slug, booking),
        kind,
        &envelope(c, booking, kind, message),
    );
}

/// Staff read the guest messages `ids` at `read_at`: `messages-read-by-staff` on the conversation
/// channel, with the classic payload.
pub(crate) fn read_by_staff(
    state: &AppState,
    c: &Conversation,
    staff: &Staff,
    ids: &[i64],
    read_at: &str,
) {
    if c.booking.is_none() || ids.is_empty() {
        return;
    }
    state.hub.publish(
        &conversation_channel(c),
        "messages-read-by-staff",
        &json!({"message_ids": ids, "read_at": read_at, "staff_name": staff.text_form(), "conversation_id": c.id}),
    );
}
