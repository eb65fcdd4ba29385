//! Editing and deleting guest-chat messages (API.md §8.2): `PATCH /api/chat/messages/<id>/update/` and
//! `DELETE /api/chat/messages/<id>/delete/[?hard_delete=true]`, the token deciding who acts, with the
//! `message-updated` and `message-deleted` / `message-removed` / `content-deleted` events of §9.3.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::params;
use serde_json::{json, Value};

use super::chat_model::{
    conversation, conversation_channel, get_msg, message_json, room_channel, Conversation, Msg,
};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people;
use crate::state::AppState;
use crate::timefmt::{now_drf, now_isoformat};

const DELETED_TEXT: &str = "[Message deleted]";

/// The message and its conversation, or DRF's 404.
fn load(state: &AppState, pk: &str) -> Result<(Msg, Conversation), ApiError> {
    let db = state.db();
    let id: i64 = pk.parse().map_err(|_| ApiError::no_match("RoomMessage"))?;
    let msg = get_msg(&db, id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
    let conv_id: i64 = db.query_row(
        "SELECT conversation_id FROM messages WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let conv = conversation(&db, conv_id)?.ok_or_else(|| ApiError::no_match("Conversation"))?;
    Ok((msg, conv))
}

/// Whether the caller wrote this message: a staff token its own staff messages, anyone else guest messages.
fn is_author(caller: &Caller, msg: &Msg) -> bool {
    match caller.staff() {
        Some(s) => msg.sender_type == "staff" && msg.staff_id == Some(s.staff_id),
        None => msg.sender_type == "guest",
    }
}

/// `PATCH /api/chat/messages/<id>/update/`.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(pk): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let (msg, conv) = load(&state, &pk)?;
    if !is_author(&caller, &msg) {
        return Err(ApiError::error(
            StatusCode::FORBIDDEN,
            "You can only edit your own messages",
        ));
    }
    if msg.deleted_at.is_some() {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "Cannot edit a deleted message",
        ));
    }
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
    let message = {
        let db = state.db();
        db.execute(
            "UPDATE messages SET message = ?1, edited_at = ?2 WHERE id = ?3",
            params![text, now_drf(), msg.id],
        )?;
        let m = get_msg(&db, msg.id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
        message_json(&state, &db, &conv, &m)?
    };
    state
        .hub
        .publish(&conversation_channel(&conv), "message-updated", &message);
    Ok(Json(json!({"message": message, "success": true})))
}

/// `DELETE /api/chat/messages/<id>/delete/`: staff may delete any message of their hotel, guests their own.
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(pk): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let (msg, conv) = load(&state, &pk)?;
    let staff = match caller.staff() {
        Some(s) => people::by_id(&state.db(), s.staff_id)?,
        None => None,
    };
    let allowed = match &staff {
        Some(s) => s.hotel_slug == conv.hotel_slug,
        None => msg.sender_type == "guest",
    };
    if !allowed {
        return Err(ApiError::error(
            StatusCode::FORBIDDEN,
            "You can only delete your own messages",
        ));
    }
    let hard = q
        .get("hard_delete")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (deleted_by, staff_id, staff_name) = match &staff {
        Some(s) => ("staff", Some(s.id), Some(s.full_name())),
        None => ("guest", None, None),
    };
    let mut payload = json!({
        "message_id": msg.id,
        "hard_delete": hard,
        "soft_delete": !hard,
        "attachment_ids": [],
        "deleted_by": deleted_by,
        "original_sender": msg.sender_type,
        "staff_id": staff_id,
        "staff_name": staff_name,
        "timestamp": now_isoformat(),
    });
    let body = if hard {
        state
            .db()
            .execute("DELETE FROM messages WHERE id = ?1", [msg.id])?;
        json!({"success": true, "hard_delete": true, "message_id": msg.id})
    } else {
        let message = {
            let db = state.db();
            db.execute(
                "UPDATE messages SET message = ?1, deleted_at = ?2 WHERE id = ?3",
                params![DELETED_TEXT, now_drf(), msg.id],
            )?;
            let m = get_msg(&db, msg.id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
            message_json(&state, &db, &conv, &m)?
        };
        payload["message"] = message.clone();
        json!({"success": true, "hard_delete": false, "message": message})
    };
    for channel in [conversation_channel(&conv), room_channel(&conv)] {
        state.hub.publish(&channel, "message-deleted", &payload);
        state.hub.publish(&channel, "message-removed", &payload);
    }
    state.hub.publish(
        &format!("{}-room-{}-deletions", conv.hotel_slug, conv.room_number),
        "content-deleted",
        &payload,
    );
    Ok(Json(body))
}
