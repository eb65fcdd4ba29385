//! The 2026 backend's guest chat (API.md §10.2 "Chat paths", §10.3 "Guest chat"), served only when the
//! sandbox plays that backend.
//!
//! Staff, under `/api/staff/hotel/<slug>/chat/`, each needing a staff token of that hotel (none → 401,
//! another hotel's → 403): `conversations/`, `conversations/<id>/messages/` (`limit`, `before_id`),
//! `…/messages/send/` (also `chat.message.send`), `…/mark-read/`, `…/assign-staff/`,
//! `…/upload-attachment/`, `messages/<id>/update/` and `messages/<id>/delete/`. The server's own faults
//! are played as observed: a send that takes the conversation from another staff member is stored and
//! answers 500 without being broadcast; edit and delete always answer 500 and change nothing.
//!
//! Guests: the sandbox's own door `POST /api/guest/hotel/<slug>/chat/conversations/<id>/messages/send/`
//! (no token; the real guest API under that mount is not described in API.md). Pusher auth:
//! `POST /api/notifications/pusher/auth/` refuses everyone. What is broadcast is in
//! [`super::chat_events_2026`].

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::chat::{
    assign, conversation_of_hotel, message_to_send, page_of_messages, send_message, sent_body,
};
use super::chat_attachments::attach;
use super::chat_events_2026;
use super::chat_model::{
    conversation_json_2026, conversations_of, mark_guest_messages_read, message_json_2026, Sender,
    Takeover,
};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::now_drf;

/// The capability a staff member needs to send.
const SEND_CAPABILITY: &str = "chat.message.send";

/// The caller, a staff member of `slug` (`IsAuthenticated`, `IsStaffMember`, `IsSameHotel`).
fn staff_of(state: &AppState, caller: &Caller, slug: &str) -> Result<Staff, ApiError> {
    let staff = caller.require_staff_of(slug)?;
    people::by_id(&state.db(), staff.staff_id)?.ok_or_else(|| ApiError::no_match("Staff"))
}

/// `GET …/chat/conversations/`: a plain array of 2026 Conversations, newest activity first.
pub(crate) async fn conversations(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_of(&state, &caller, &slug)?;
    let db = state.db();
    let list = conversations_of(&db, staff.hotel_id)?
        .iter()
        .map(|c| conversation_json_2026(&db, c))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(list)))
}

/// `GET …/chat/conversations/<id>/messages/?limit=&before_id=`: as classic, in 2026 RoomMessages.
pub(crate) async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    staff_of(&state, &caller, &slug)?;
    let db = state.db();
    let c = conversation_of_hotel(&db, &slug, &pk)?;
    let list = page_of_messages(&db, &c, &q)?
        .iter()
        .map(|m| message_json_2026(&state, &db, &c, m))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(Value::Array(list)))
}

/// `POST …/chat/conversations/<id>/messages/send/`: 200 with the classic body, or 500 after storing
/// the message when the sender took the conversation from another staff member (§10.3).
pub(crate) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_of(&state, &caller, &slug)?;
    if !staff.capabilities_2026().contains(&SEND_CAPABILITY) {
        return Err(ApiError::forbidden(
            "You do not have permission to send guest chat messages.",
        ));
    }
    let c = conversation_of_hotel(&state.db(), &slug, &pk)?;
    let (text, reply_to) = message_to_send(body).await?;
    let sent = send_message(&state, &c, Sender::Staff(staff.id), &text, reply_to)?;
    if let Some(Takeover::From(_)) = sent.takeover {
        return Err(ApiError::server_error(
            "NameError: name 'active_sessions' is not defined",
        ));
    }
    Ok(Json(sent_body(&c, sent)))
}

/// `POST …/chat/conversations/<id>/mark-read/`: marks the guest messages read by staff.
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_of(&state, &caller, &slug)?;
    let now = now_drf();
    let (c, ids) = {
        let db = state.db();
        let c = conversation_of_hotel(&db, &slug, &pk)?;
        let ids = mark_guest_messages_read(&db, &c, &now)?;
        (c, ids)
    };
    chat_events_2026::read_by_staff(&state, &c, &staff, &ids, &now);
    Ok(Json(
        json!({"conversation_id": c.id, "marked_as_read": ids.len()}),
    ))
}

/// `POST …/chat/conversations/<id>/assign-staff/`: the caller takes the conversation (a system
/// message says so when another staff member had it) and its guest messages are marked read.
pub(crate) async fn assign_staff(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let staff = staff_of(&state, &caller, &slug)?;
    let done = assign(&state, &slug, &pk, staff.id)?;
    chat_events_2026::read_by_staff(
        &state,
        &done.conversation,
        &done.staff,
        &done.read,
        &done.read_at,
    );
    Ok(Json(done.body(done.staff.chat_info_2026(&state))))
}

/// `POST …/chat/conversations/<id>/upload-attachment/`: as classic, the caller being the sender.
pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let staff = staff_of(&state, &caller, &slug)?;
    let c = conversation_of_hotel(&state.db(), &slug, &pk)?;
    let data = body.parse().await?;
    attach(&state, &c, Some(staff), &data)
}

/// `PATCH …/chat/messages/<id>/update/`: the view lacks the `hotel_slug` parameter its mount passes,
/// so after the permission checks it crashes, changing nothing.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, _pk)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    crashes_without_slug(&state, &caller, &slug, "update_message")
}

/// `DELETE …/chat/messages/<id>/delete/`: crashes like [`update`].
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, _pk)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    crashes_without_slug(&state, &caller, &slug, "delete_message")
}

/// The 500 of a view `function` called with a `hotel_slug` it does not take, after its checks.
fn crashes_without_slug(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    function: &str,
) -> Result<Response, ApiError> {
    staff_of(state, caller, slug)?;
    Err(ApiError::server_error(&format!(
        "TypeError: {function}() got an unexpected keyword argument 'hotel_slug'"
    )))
}

/// The sandbox's guest door, `POST /api/guest/hotel/<slug>/chat/conversations/<id>/messages/send/`
/// `{"message": …}`: any token is ignored and the message is the guest's; answers as the classic guest
/// send (200 `{conversation_id, message}`), with the 2026 events of a guest message.
pub(crate) async fn guest_send(
    State(state): State<AppState>,
    Path((slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let c = conversation_of_hotel(&state.db(), &slug, &pk)?;
    let (text, reply_to) = message_to_send(body).await?;
    let sent = send_message(&state, &c, Sender::Guest, &text, reply_to)?;
    Ok(Json(sent_body(&c, sent)))
}

/// `POST /api/notifications/pusher/auth/`: the 2026 view turned authentication off, so it never sees
/// a staff member and refuses everyone (§10.2 "Pusher auth", §13 fact 25).
pub(crate) async fn pusher_auth() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "Staff authentication required"})),
    )
        .into_response()
}
