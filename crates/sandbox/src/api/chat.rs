//! Guest chat (API.md §8, legacy mount `/api/chat/`): conversations, messages with `limit`/`before_id`, send
//! (the token decides the sender; success is 200), assign-staff, mark-read and unread counts, with the events
//! and their order of §9.3. `send_message` is shared with the simulator.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

use super::chat_model::{
    conversation_channel, conversation_json, conversations_of, django_encoded, get_conversation,
    get_msg, guest_message_recipients, hotel_id_of, message_json, msg_row, room_channel,
    Conversation, Msg, Sender, MSG_COLS,
};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

const DEFAULT_MESSAGE_LIMIT: i64 = 10;

/// Stores a message and fires the §9.3 events in their documented order. Returns the RoomMessage and, for
/// staff, `staff_info`.
pub(crate) fn send_message(
    state: &AppState,
    c: &Conversation,
    sender: Sender,
    text: &str,
    reply_to: Option<i64>,
) -> Result<(Value, Option<Value>), ApiError> {
    let hub = &state.hub;
    let now = now_drf();
    let (message, staff_info, handler_changed, recipients) = {
        let db = state.db();
        // An unknown reply_to is ignored.
        let reply_to = match reply_to {
            Some(id) => db
                .query_row(
                    "SELECT id FROM messages WHERE id = ?1 AND conversation_id = ?2",
                    params![id, c.id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?,
            None => None,
        };
        let staff = match sender {
            Sender::Staff(id) => {
                Some(people::by_id(&db, id)?.ok_or_else(|| ApiError::no_match("Staff"))?)
            }
            Sender::Guest => None,
        };
        db.execute(
            "INSERT INTO messages (conversation_id, sender_type, staff_id, message, timestamp, status, delivered_at,
                staff_display_name, staff_role_name, reply_to) VALUES (?1, ?2, ?3, ?4, ?5, 'delivered', ?5, ?6, ?7, ?8)",
            params![
                c.id,
                if staff.is_some() { "staff" } else { "guest" },
                staff.as_ref().map(|s| s.id),
                text,
                now,
                staff.as_ref().map(Staff::full_name),
                staff.as_ref().and_then(|s| s.role.as_ref().map(|r| r.name.clone())),
                reply_to,
            ],
        )?;
        let id = db.last_insert_rowid();
        let handler_changed = match &staff {
            Some(s) if c.handler_staff_id != Some(s.id) => {
                db.execute(
                    "UPDATE conversations SET handler_staff_id = ?1 WHERE id = ?2",
                    params![s.id, c.id],
                )?;
                true
            }
            _ => false,
        };
        if staff.is_none() {
            db.execute(
                "UPDATE conversations SET has_unread = 1, updated_at = ?1 WHERE id = ?2",
                params![now, c.id],
            )?;
        } else {
            db.execute(
                "UPDATE conversations SET updated_at = ?1 WHERE id = ?2",
                params![now, c.id],
            )?;
        }
        let m = get_msg(&db, id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
        let message = message_json(state, &db, c, &m)?;
        let recipients = if staff.is_none() {
            guest_message_recipients(&db, c.hotel_id)?
        } else {
            Vec::new()
        };
        (
            message,
            staff.map(|s| (s.chat_info(state), s.full_name(), s.role.map(|r| r.name))),
            handler_changed,
            recipients,
        )
    };
    let conv_ch = conversation_channel(c);
    let room_ch = room_channel(c);
    let message_id = message["id"].clone();
    if let (true, Some((_, name, role))) = (handler_changed, &staff_info) {
        hub.publish(
            &room_ch,
            "staff-assigned",
            &json!({"staff_name": name, "staff_role": role, "conversation_id": c.id}),
        );
    }
    hub.publish(
        &conv_ch,
        "message-delivered",
        &json!({"message_id": message_id, "delivered_at": now_isoformat(), "status": "delivered"}),
    );
    match &staff_info {
        Some(_) => hub.publish(&room_ch, "new-staff-message", &message),
        None => {
            hub.publish(
                &conv_ch,
                "conversation-unread",
                &json!({"conversation_id": c.id, "room_number": c.room_number}),
            );
            hub.publish(&room_ch, "new-message", &message);
            for staff_id in recipients {
                hub.publish(
                    &format!("{}-staff-{staff_id}-chat", c.hotel_slug),
                    "new-guest-message",
                    &message,
                );
            }
        }
    }
    hub.publish(&conv_ch, "new-message", &django_encoded(message.clone()));
    Ok((message, staff_info.map(|s| s.0)))
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
    let c = get_conversation(&db, &pk)?;
    if c.hotel_slug != slug {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "Conversation does not belong to this hotel",
        ));
    }
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
    let list = rows
        .iter()
        .map(|m| message_json(&state, &db, &c, m))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(list)))
}

/// `POST /api/chat/<slug>/conversations/<id>/messages/send/` (the slug is not checked).
pub(crate) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path((_slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let c = get_conversation(&state.db(), &pk)?;
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
    let sender = caller
        .staff()
        .map_or(Sender::Guest, |s| Sender::Staff(s.staff_id));
    let (message, staff_info) = send_message(&state, &c, sender, text, reply_to)?;
    let mut out = json!({"conversation_id": c.id, "message": message});
    if let Some(info) = staff_info {
        out["staff_info"] = info;
    }
    Ok(Json(out))
}

/// Marks the guest messages of a conversation as read by staff; returns the ids.
fn mark_guest_messages_read(
    db: &Connection,
    c: &Conversation,
    now: &str,
) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = db.prepare("SELECT id FROM messages WHERE conversation_id = ?1 AND sender_type = 'guest' AND read_by_staff = 0 ORDER BY id")?;
    let ids: Vec<i64> = stmt
        .query_map([c.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    db.execute(
        "UPDATE messages SET read_by_staff = 1, staff_read_at = ?1, status = 'read' WHERE conversation_id = ?2 AND sender_type = 'guest' AND read_by_staff = 0",
        params![now, c.id],
    )?;
    db.execute(
        "UPDATE conversations SET has_unread = 0 WHERE id = ?1",
        [c.id],
    )?;
    Ok(ids)
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
    let (c, staff, ids, changed, now) = {
        let db = state.db();
        let c = get_conversation(&db, &pk)?;
        if c.hotel_slug != slug {
            return Err(ApiError::error(
                StatusCode::BAD_REQUEST,
                "Conversation does not belong to this hotel",
            ));
        }
        let staff = people::by_id(&db, me.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))?;
        let changed = c.handler_staff_id != Some(staff.id);
        if changed {
            db.execute(
                "UPDATE conversations SET handler_staff_id = ?1 WHERE id = ?2",
                params![staff.id, c.id],
            )?;
        }
        let now = now_drf();
        let ids = mark_guest_messages_read(&db, &c, &now)?;
        (c, staff, ids, changed, now)
    };
    if changed {
        state.hub.publish(
            &room_channel(&c),
            "staff-assigned",
            &json!({"staff_name": staff.full_name(), "staff_role": staff.role.as_ref().map(|r| r.name.clone()), "conversation_id": c.id}),
        );
    }
    if !ids.is_empty() {
        state.hub.publish(
            &conversation_channel(&c),
            "messages-read-by-staff",
            &json!({"message_ids": ids, "read_at": now, "staff_name": staff.text_form(), "conversation_id": c.id}),
        );
    }
    Ok(Json(json!({
        "conversation_id": c.id,
        "assigned_staff": staff.chat_info(&state),
        "sessions_updated": changed as i64,
        "room_number": c.room_number,
        "messages_marked_read": ids.len(),
    })))
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
