//! Guest chat (API.md §8, legacy mount `/api/chat/`): conversations, messages with `limit`/`before_id`, send
//! (the token decides the sender; success is 200), assign-staff, mark-read and unread counts, with the events
//! and their order of §9.3. `send_message`, the paging, the send body and assign-staff's work are shared with
//! the 2026 views (`chat_2026`), and `send_message` with the simulator too.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

use super::chat_events_2026;
use super::chat_model::{
    conversation_channel, conversation_json, conversations_of, django_encoded, get_conversation,
    guest_message_recipients, hotel_id_of, mark_guest_messages_read, message_for, message_json,
    msg_row, room_channel, store_message, take_over, Conversation, Msg, Sender, Takeover, MSG_COLS,
};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people;
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};
use crate::Generation;

const DEFAULT_MESSAGE_LIMIT: i64 = 10;

/// A message sent by [`send_message`].
pub(crate) struct Sent {
    /// The RoomMessage, in the form of the generation the sandbox plays.
    pub(crate) message: Value,
    /// `staff_info` of a staff sender.
    pub(crate) staff_info: Option<Value>,
    /// How a staff sender came to handle the conversation.
    pub(crate) takeover: Option<Takeover>,
}

/// Stores a message and tells about it as the generation the sandbox plays does: the classic §9.3
/// events in their documented order, or the 2026 ones of [`chat_events_2026`]. On the 2026 backend a
/// staff message that takes the conversation from another staff member is stored but not broadcast
/// (its send view crashes first, §10.3). Shared by both generations' send views and the simulator.
pub(crate) fn send_message(
    state: &AppState,
    c: &Conversation,
    sender: Sender,
    text: &str,
    reply_to: Option<i64>,
) -> Result<Sent, ApiError> {
    let now = now_drf();
    let (stored, message, recipients) = {
        let db = state.db();
        let stored = store_message(&db, state.generation, c, sender, text, reply_to, &now)?;
        let message = message_for(state, &db, c, &stored.message)?;
        let recipients = if stored.staff.is_none() && state.generation == Generation::Classic {
            guest_message_recipients(&db, c.hotel_id)?
        } else {
            Vec::new()
        };
        (stored, message, recipients)
    };
    let staff_info = stored.staff.as_ref().map(|s| match state.generation {
        Generation::Classic => s.chat_info(state),
        Generation::Hotelmate2026 => s.chat_info_2026(state),
    });
    match (state.generation, &stored.staff) {
        (Generation::Classic, _) => publish_classic(state, c, &stored, &message, &recipients),
        (Generation::Hotelmate2026, None) => {
            chat_events_2026::guest_message(state, c, &message)?;
        }
        (Generation::Hotelmate2026, Some(_)) => {
            if !matches!(stored.takeover, Some(Takeover::From(_))) {
                chat_events_2026::staff_message(state, c, &message);
            }
        }
    }
    Ok(Sent {
        message,
        staff_info,
        takeover: stored.takeover,
    })
}

/// The classic events of one message (§9.3), in their documented order.
fn publish_classic(
    state: &AppState,
    c: &Conversation,
    stored: &super::chat_model::Stored,
    message: &Value,
    recipients: &[i64],
) {
    let hub = &state.hub;
    let conv_ch = conversation_channel(c);
    let room_ch = room_channel(c);
    let message_id = message["id"].clone();
    if let (Some(true), Some(staff)) = (stored.takeover.map(Takeover::changed), &stored.staff) {
        hub.publish(
            &room_ch,
            "staff-assigned",
            &json!({"staff_name": staff.full_name(), "staff_role": staff.role.as_ref().map(|r| r.name.clone()), "conversation_id": c.id}),
        );
    }
    hub.publish(
        &conv_ch,
        "message-delivered",
        &json!({"message_id": message_id, "delivered_at": now_isoformat(), "status": "delivered"}),
    );
    match &stored.staff {
        Some(_) => hub.publish(&room_ch, "new-staff-message", message),
        None => {
            hub.publish(
                &conv_ch,
                "conversation-unread",
                &json!({"conversation_id": c.id, "room_number": c.room_number}),
            );
            hub.publish(&room_ch, "new-message", message);
            for staff_id in recipients {
                hub.publish(
                    &format!("{}-staff-{staff_id}-chat", c.hotel_slug),
                    "new-guest-message",
                    message,
                );
            }
        }
    }
    hub.publish(&conv_ch, "new-message", &django_encoded(message.clone()));
}

/// `GET /api/chat/<slug>/conversations/` (IsAuthenticated) and `…/active-rooms/` (AllowAny).
pub(crate) async fn conversations(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require_user()?;
    list_conversations(&state, &slug)
}

pub(crate) async fn active_rooms(
    State(state): State<AppState>,
    _caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    list_conversations(&state, &slug)
}

fn list_conversations(state: &AppState, slug: &str) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let hotel_id = hotel_id_of(&db, slug)?;
    let list = conversations_of(&db, hotel_id)?
        .iter()
        .map(|c| conversation_json(&db, c))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(list)))
}

/// `GET /api/chat/<slug>/conversations/<id>/messages/?limit=&before_id=`.
pub(crate) async fn messages(
    State(state): State<AppState>,
    _caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let c = conversation_of_hotel(&db, &slug, &pk)?;
    let list = page_of_messages(&db, &c, &q)?
        .iter()
        .map(|m| message_json(&state, &db, &c, m))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(list)))
}

/// A conversation of the hotel `slug`; another hotel's is 400 as the messages view answers it.
pub(crate) fn conversation_of_hotel(
    db: &Connection,
    slug: &str,
    pk: &str,
) -> Result<Conversation, ApiError> {
    let c = get_conversation(db, pk)?;
    if c.hotel_slug != slug {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "Conversation does not belong to this hotel",
        ));
    }
    Ok(c)
}

/// The `limit` (default 10) newest messages older than `before_id`, oldest first.
pub(crate) fn page_of_messages(
    db: &Connection,
    c: &Conversation,
    q: &HashMap<String, String>,
) -> rusqlite::Result<Vec<Msg>> {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<i64>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_MESSAGE_LIMIT);
    let before = q
        .get("before_id")
        .and_then(|b| b.parse::<i64>().ok())
        .unwrap_or(i64::MAX);
    let mut stmt = db.prepare(&format!(
        "SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND id < ?2 ORDER BY timestamp DESC, id DESC LIMIT ?3"
    ))?;
    let mut rows: Vec<Msg> = stmt
        .query_map(params![c.id, before, limit], msg_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.reverse();
    Ok(rows)
}

/// `POST /api/chat/<slug>/conversations/<id>/messages/send/` (the slug is not checked).
pub(crate) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path((_slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let c = get_conversation(&state.db(), &pk)?;
    let (text, reply_to) = message_to_send(body).await?;
    let sender = caller
        .staff()
        .map_or(Sender::Guest, |s| Sender::Staff(s.staff_id));
    let sent = send_message(&state, &c, sender, &text, reply_to)?;
    Ok(Json(sent_body(&c, sent)))
}

/// The text (trimmed, not empty) and `reply_to` of a send request.
pub(crate) async fn message_to_send(body: RawBody) -> Result<(String, Option<i64>), ApiError> {
    let data = body.parse().await?;
    let text = data
        .get("message")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    if text.is_empty() {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "Message cannot be empty",
        ));
    }
    let reply_to = match data.get("reply_to") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    Ok((text.to_string(), reply_to))
}

/// The send answer (§8.4): `conversation_id`, `message` and, for staff, `staff_info`.
pub(crate) fn sent_body(c: &Conversation, sent: Sent) -> Value {
    let mut out = json!({"conversation_id": c.id, "message": sent.message});
    if let Some(info) = sent.staff_info {
        out["staff_info"] = info;
    }
    out
}

/// What assigning a staff member to a conversation did.
pub(crate) struct Assigned {
    pub(crate) conversation: Conversation,
    pub(crate) staff: people::Staff,
    /// Whether the handler changed.
    pub(crate) changed: bool,
    /// The guest messages marked read.
    pub(crate) read: Vec<i64>,
    pub(crate) read_at: String,
}

impl Assigned {
    /// The assign-staff answer, with `assigned_staff` as the generation's `staff_info`.
    pub(crate) fn body(&self, assigned_staff: Value) -> Value {
        json!({
            "conversation_id": self.conversation.id,
            "assigned_staff": assigned_staff,
            "sessions_updated": self.changed as i64,
            "room_number": self.conversation.room_number,
            "messages_marked_read": self.read.len(),
        })
    }
}

/// Makes staff member `staff_id` handle conversation `pk` of hotel `slug` and marks its guest
/// messages read (both generations' assign-staff).
pub(crate) fn assign(
    state: &AppState,
    slug: &str,
    pk: &str,
    staff_id: i64,
) -> Result<Assigned, ApiError> {
    let db = state.db();
    let conversation = conversation_of_hotel(&db, slug, pk)?;
    let staff = people::by_id(&db, staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))?;
    let read_at = now_drf();
    let changed = take_over(&db, state.generation, &conversation, &staff, &read_at)?.changed();
    let read = mark_guest_messages_read(&db, &conversation, &read_at)?;
    Ok(Assigned {
        conversation,
        staff,
        changed,
        read,
        read_at,
    })
}

/// `POST /api/chat/<slug>/conversations/<id>/assign-staff/`.
pub(crate) async fn assign_staff(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let Some(me) = &user.staff else {
        return Err(ApiError::error(
            StatusCode::FORBIDDEN,
            "Not authenticated as staff",
        ));
    };
    let done = assign(&state, &slug, &pk, me.staff_id)?;
    let (c, staff) = (&done.conversation, &done.staff);
    if done.changed {
        state.hub.publish(
            &room_channel(c),
            "staff-assigned",
            &json!({"staff_name": staff.full_name(), "staff_role": staff.role.as_ref().map(|r| r.name.clone()), "conversation_id": c.id}),
        );
    }
    if !done.read.is_empty() {
        state.hub.publish(
            &conversation_channel(c),
            "messages-read-by-staff",
            &json!({"message_ids": done.read, "read_at": done.read_at, "staff_name": staff.text_form(), "conversation_id": c.id}),
        );
    }
    Ok(Json(done.body(staff.chat_info(&state))))
}

/// `POST /api/chat/conversations/<id>/mark-read/`: a staff token marks guest messages, anything else the
/// guest variant.
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(pk): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = now_drf();
    let staff = match caller.staff() {
        Some(s) => people::by_id(&state.db(), s.staff_id)?,
        None => None,
    };
    let c = get_conversation(&state.db(), &pk)?;
    let ids = match &staff {
        Some(staff) => {
            let ids = mark_guest_messages_read(&state.db(), &c, &now)?;
            if !ids.is_empty() {
                state.hub.publish(
                    &conversation_channel(&c),
                    "messages-read-by-staff",
                    &json!({"message_ids": ids, "read_at": now, "staff_name": staff.text_form(), "conversation_id": c.id}),
                );
            }
            if c.has_unread {
                state.hub.publish(
                    &conversation_channel(&c),
                    "conversation-read",
                    &json!({"conversation_id": c.id, "room_number": c.room_number}),
                );
            }
            ids
        }
        None => {
            let ids: Vec<i64> = {
                let db = state.db();
                let mut stmt = db.prepare("SELECT id FROM messages WHERE conversation_id = ?1 AND sender_type = 'staff' AND read_by_guest = 0 ORDER BY id")?;
                let ids: Vec<i64> = stmt
                    .query_map([c.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                db.execute(
                    "UPDATE messages SET read_by_guest = 1, guest_read_at = ?1, status = 'read' WHERE conversation_id = ?2 AND sender_type = 'staff' AND read_by_guest = 0",
                    params![now, c.id],
                )?;
                ids
            };
            if !ids.is_empty() {
                state.hub.publish(
                    &conversation_channel(&c),
                    "messages-read-by-guest",
                    &json!({"message_ids": ids, "read_at": now, "room_number": c.room_number}),
                );
            }
            ids
        }
    };
    Ok(Json(
        json!({"conversation_id": c.id, "marked_as_read": ids.len()}),
    ))
}

/// An unread guest message: (id, message, timestamp).
type Unread = (i64, String, String);

/// Unread guest messages per conversation of a hotel.
fn unread_by_conversation(
    db: &Connection,
    hotel_id: i64,
) -> rusqlite::Result<Vec<(Conversation, Vec<Unread>)>> {
    let mut out = Vec::new();
    for c in conversations_of(db, hotel_id)? {
        let mut stmt = db.prepare("SELECT id, message, timestamp FROM messages WHERE conversation_id = ?1 AND sender_type = 'guest' AND read_by_staff = 0 ORDER BY id")?;
        let msgs: Vec<Unread> = stmt
            .query_map([c.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if !msgs.is_empty() {
            out.push((c, msgs));
        }
    }
    Ok(out)
}

/// `GET /api/chat/<slug>/conversations/unread-count/`: `{"unread_counts": {"<room_id>": n}}`, `{}` for non-staff.
pub(crate) async fn unread_counts(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mut counts = Map::new();
    if caller.staff().is_some() {
        let db = state.db();
        let hotel_id = hotel_id_of(&db, &slug)?;
        for (c, msgs) in unread_by_conversation(&db, hotel_id)? {
            counts.insert(c.room_id.to_string(), json!(msgs.len()));
        }
    }
    Ok(Json(json!({"unread_counts": counts})))
}

/// `GET /api/chat/hotels/<slug>/conversations/unread-count/`.
pub(crate) async fn unread_conversations(
    State(state): State<AppState>,
    _caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    let hotel_id = hotel_id_of(&db, &slug)?;
    let rooms: Vec<Value> = unread_by_conversation(&db, hotel_id)?
        .into_iter()
        .map(|(c, msgs)| {
            json!({
                "room_id": c.room_id,
                "room_number": c.room_number,
                "conversation_id": c.id,
                "unread_count": msgs.len(),
                "unread_messages": msgs.iter().map(|(id, m, t)| json!({"id": id, "message": m, "timestamp": t})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({"unread_count": rooms.len(), "rooms": rooms})))
}
