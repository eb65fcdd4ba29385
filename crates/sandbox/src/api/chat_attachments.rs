//! Guest-chat attachments (API.md §8.2): `POST /api/chat/<slug>/conversations/<id>/upload-attachment/` with
//! repeatable `files` parts, and the attachment JSON inside RoomMessage. Files that break the rules (50 MB,
//! allowed extensions) are skipped with a warning; with no files at all the placeholder message is still
//! created before the 400, as the reference does. The sandbox answers success with 201. The 2026
//! backend's upload (staff only) shares [`attach`]: its message is the 2026 RoomMessage and it is told on
//! the booking's private channel instead of the classic channels.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use rusqlite::params;
use serde_json::{json, Value};

use super::chat_events_2026;
use super::chat_model::{
    attachments_json, conversation_channel, get_conversation, get_msg, guest_message_recipients,
    message_for, room_channel, Conversation,
};
use crate::auth::Caller;
use crate::body::{RawBody, RequestData};
use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::now_drf;
use crate::Generation;

const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;
const ALLOWED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "bmp", "pdf", "doc", "docx", "xls", "xlsx", "txt", "csv",
];
const PLACEHOLDER_TEXT: &str = "[File shared]";

fn kind_and_mime(ext: &str) -> (&'static str, &'static str) {
    match ext {
        "jpg" | "jpeg" => ("image", "image/jpeg"),
        "png" => ("image", "image/png"),
        "gif" => ("image", "image/gif"),
        "webp" => ("image", "image/webp"),
        "bmp" => ("image", "image/bmp"),
        "pdf" => ("pdf", "application/pdf"),
        "doc" => ("document", "application/msword"),
        "docx" => (
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xls" => ("document", "application/vnd.ms-excel"),
        "xlsx" => (
            "document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "txt" => ("document", "text/plain"),
        "csv" => ("document", "text/csv"),
        _ => ("other", "application/octet-stream"),
    }
}

fn store_file(state: &AppState, file_name: &str, bytes: &[u8]) -> std::io::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let folder: String = (0..10)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = format!("raw/upload/chat/{folder}/{safe}");
    crate::media::write(&state.media_dir, &path, bytes)?;
    Ok(path)
}

/// `POST /api/chat/<slug>/conversations/<id>/upload-attachment/`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path((_slug, pk)): Path<(String, String)>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let conv = get_conversation(&state.db(), &pk)?;
    let data = body.parse().await?;
    let staff = match caller.staff() {
        Some(s) => people::by_id(&state.db(), s.staff_id)?,
        None => None,
    };
    attach(&state, &conv, staff, &data)
}

/// Stores the upload `data` of `staff` (a guest when `None`) in `conv` and tells about it as the
/// generation the sandbox plays does.
pub(crate) fn attach(
    state: &AppState,
    conv: &Conversation,
    staff: Option<Staff>,
    data: &RequestData,
) -> Result<Response, ApiError> {
    let now = now_drf();
    let (message_id, existing) = message_of_upload(state, conv, staff.as_ref(), data, &now)?;
    let warnings = store_attachments(state, message_id, data, &now)?;
    let (message, attachments, recipients) = {
        let db = state.db();
        db.execute(
            "UPDATE conversations SET updated_at = ?1 WHERE id = ?2",
            params![now, conv.id],
        )?;
        let m = get_msg(&db, message_id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
        let recipients = if staff.is_none() {
            guest_message_recipients(&db, conv.hotel_id)?
        } else {
            Vec::new()
        };
        (
            message_for(state, &db, conv, &m)?,
            attachments_json(state, &db, message_id)?,
            recipients,
        )
    };
    tell_upload(
        state,
        conv,
        &message,
        existing.is_some(),
        staff.is_some(),
        recipients,
    );
    let mut out = json!({"message": message, "attachments": attachments, "success": true});
    if !warnings.is_empty() {
        out["warnings"] = json!(warnings);
    }
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// The message an upload belongs to: the one it names (`message_id`), or a new one with its
/// text (a placeholder when it has none). Also whether it named one.
fn message_of_upload(
    state: &AppState,
    conv: &Conversation,
    staff: Option<&Staff>,
    data: &RequestData,
    now: &str,
) -> Result<(i64, Option<i64>), ApiError> {
    let existing = match data.get("message_id").and_then(|v| {
        v.as_str()
            .map(str::to_string)
            .or_else(|| v.as_i64().map(|n| n.to_string()))
    }) {
        Some(id) => {
            let id: i64 = id.parse().map_err(|_| ApiError::no_match("RoomMessage"))?;
            let m = get_msg(&state.db(), id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
            Some(m.id)
        }
        None => None,
    };
    let message_id = match existing {
        Some(id) => id,
        None => {
            let text = data
                .get("message")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or(PLACEHOLDER_TEXT);
            let reply_to = data.get("reply_to").and_then(|v| {
                v.as_str()
                    .and_then(|s| s.parse::<i64>().ok())
                    .or_else(|| v.as_i64())
            });
            let db = state.db();
            super::chat_model::insert_message(&db, conv, staff, text, now, reply_to)?
        }
    };
    Ok((message_id, existing))
}

/// Stores each file of an upload whose type and size the server takes; the others are named in
/// the warnings it answers with. None at all is refused.
fn store_attachments(
    state: &AppState,
    message_id: i64,
    data: &RequestData,
    now: &str,
) -> Result<Vec<String>, ApiError> {
    let files: Vec<_> = data
        .file_list
        .iter()
        .filter(|(name, _)| name == "files")
        .collect();
    if files.is_empty() {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "No files provided",
        ));
    }
    let mut warnings = Vec::new();
    for (_, f) in files {
        let ext = f
            .file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !ALLOWED_EXTENSIONS.contains(&ext.as_str()) {
            warnings.push(format!("{}: file type .{ext} is not allowed", f.file_name));
            continue;
        }
        if f.bytes.len() > MAX_ATTACHMENT_BYTES {
            warnings.push(format!("{}: file is larger than 50 MB", f.file_name));
            continue;
        }
        let path = store_file(state, &f.file_name, &f.bytes)
            .map_err(|e| ApiError::crash("OSError", &e.to_string()))?;
        let (kind, mime) = kind_and_mime(&ext);
        state.db().execute(
            "INSERT INTO attachments (message_id, file, file_name, file_type, file_size, mime_type, uploaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![message_id, path, f.file_name, kind, f.bytes.len() as i64, mime, now],
        )?;
    }
    Ok(warnings)
}

/// Tells about an upload as the generation the sandbox plays does.
fn tell_upload(
    state: &AppState,
    conv: &Conversation,
    message: &Value,
    existing: bool,
    by_staff: bool,
    recipients: Vec<i64>,
) {
    let hub = &state.hub;
    if state.generation == Generation::Hotelmate2026 {
        chat_events_2026::staff_upload(state, conv, message, existing);
    } else if existing {
        hub.publish(&conversation_channel(conv), "message-updated", message);
    } else {
        if by_staff {
            hub.publish(&room_channel(conv), "new-staff-message", message);
        } else {
            for id in recipients {
                hub.publish(
                    &format!("{}-staff-{id}-chat", conv.hotel_slug),
                    "new-guest-message",
                    message,
                );
            }
        }
        hub.publish(&conversation_channel(conv), "new-message", message);
    }
}
