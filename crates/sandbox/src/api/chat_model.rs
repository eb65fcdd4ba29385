//! Guest-chat rows (conversations, messages) and their JSON: `ConversationSerializer` (API.md §8.3) and
//! `RoomMessageSerializer` (§8.5), plus the channel names of §9.3.

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::to_django_json;

/// `str()` of a bound method on `None`: what DRF 3.16 makes of `staff_name` for guest messages (API.md §8.5).
pub(crate) const GUEST_STAFF_NAME: &str =
    "<built-in method __str__ of NoneType object at 0x7f3a2c1e5b40>";

/// Who sends a message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sender {
    Staff(i64),
    Guest,
}

#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub(crate) id: i64,
    pub(crate) hotel_id: i64,
    pub(crate) hotel_slug: String,
    pub(crate) room_id: i64,
    pub(crate) room_number: i64,
    pub(crate) has_unread: bool,
    pub(crate) handler_staff_id: Option<i64>,
    pub(crate) guest: Option<(String, String)>,
}

pub(crate) const CONV_SELECT: &str =
    "SELECT c.id, c.hotel_id, h.slug, c.room_id, r.room_number, c.has_unread, c.handler_staff_id,
    c.updated_at, g.first_name, g.last_name
    FROM conversations c JOIN hotels h ON h.id = c.hotel_id JOIN rooms r ON r.id = c.room_id
    LEFT JOIN guests g ON g.id = (SELECT MIN(id) FROM guests WHERE room_id = c.room_id)";

pub(crate) fn conv_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
    let first: Option<String> = r.get(8)?;
    let last: Option<String> = r.get(9)?;
    Ok(Conversation {
        id: r.get(0)?,
        hotel_id: r.get(1)?,
        hotel_slug: r.get(2)?,
        room_id: r.get(3)?,
        room_number: r.get(4)?,
        has_unread: r.get::<_, i64>(5)? != 0,
        handler_staff_id: r.get(6)?,
        guest: first.zip(last),
    })
}

pub(crate) fn conversation(db: &Connection, id: i64) -> rusqlite::Result<Option<Conversation>> {
    db.query_row(&format!("{CONV_SELECT} WHERE c.id = ?1"), [id], conv_row)
        .optional()
}

pub(crate) fn get_conversation(db: &Connection, pk: &str) -> Result<Conversation, ApiError> {
    let id: i64 = pk.parse().map_err(|_| ApiError::no_match("Conversation"))?;
    conversation(db, id)?.ok_or_else(|| ApiError::no_match("Conversation"))
}

/// Conversations of a hotel, newest activity first (the simulator picks from these too).
pub(crate) fn conversations_of(
    db: &Connection,
    hotel_id: i64,
) -> rusqlite::Result<Vec<Conversation>> {
    let mut stmt = db.prepare(&format!(
        "{CONV_SELECT} WHERE c.hotel_id = ?1 ORDER BY c.updated_at DESC, c.id DESC"
    ))?;
    let rows = stmt.query_map([hotel_id], conv_row)?;
    rows.collect()
}

pub(crate) fn hotel_id_of(db: &Connection, slug: &str) -> Result<i64, ApiError> {
    db.query_row("SELECT id FROM hotels WHERE slug = ?1", [slug], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| ApiError::no_match("Hotel"))
}

pub(crate) fn conversation_channel(c: &Conversation) -> String {
    format!("{}-conversation-{}-chat", c.hotel_slug, c.id)
}

pub(crate) fn room_channel(c: &Conversation) -> String {
    format!("{}-room-{}-chat", c.hotel_slug, c.room_number)
}

#[derive(Debug, Clone)]
pub(crate) struct Msg {
    pub(crate) id: i64,
    pub(crate) sender_type: String,
    pub(crate) staff_id: Option<i64>,
    pub(crate) message: String,
    pub(crate) timestamp: String,
    pub(crate) status: String,
    pub(crate) read_by_staff: bool,
    pub(crate) read_by_guest: bool,
    pub(crate) staff_read_at: Option<String>,
    pub(crate) guest_read_at: Option<String>,
    pub(crate) delivered_at: Option<String>,
    pub(crate) staff_display_name: Option<String>,
    pub(crate) staff_role_name: Option<String>,
    pub(crate) reply_to: Option<i64>,
    pub(crate) edited_at: Option<String>,
    pub(crate) deleted_at: Option<String>,
}

pub(crate) const MSG_COLS: &str =
    "id, sender_type, staff_id, message, timestamp, status, read_by_staff, read_by_guest,
    staff_read_at, guest_read_at, delivered_at, staff_display_name, staff_role_name, reply_to,
    edited_at, deleted_at";

pub(crate) fn msg_row(r: &Row<'_>) -> rusqlite::Result<Msg> {
    Ok(Msg {
        id: r.get(0)?,
        sender_type: r.get(1)?,
        staff_id: r.get(2)?,
        message: r.get(3)?,
        timestamp: r.get(4)?,
        status: r.get(5)?,
        read_by_staff: r.get::<_, i64>(6)? != 0,
        read_by_guest: r.get::<_, i64>(7)? != 0,
        staff_read_at: r.get(8)?,
        guest_read_at: r.get(9)?,
        delivered_at: r.get(10)?,
        staff_display_name: r.get(11)?,
        staff_role_name: r.get(12)?,
        reply_to: r.get(13)?,
        edited_at: r.get(14)?,
        deleted_at: r.get(15)?,
    })
}

pub(crate) fn get_msg(db: &Connection, id: i64) -> rusqlite::Result<Option<Msg>> {
    db.query_row(
        &format!("SELECT {MSG_COLS} FROM messages WHERE id = ?1"),
        [id],
        msg_row,
    )
    .optional()
}

pub(crate) fn guest_name(c: &Conversation) -> Option<String> {
    c.guest.as_ref().map(|(f, l)| format!("{f} {l}"))
}

/// `RoomMessageSerializer`.
pub(crate) fn message_json(
    state: &AppState,
    db: &Connection,
    c: &Conversation,
    m: &Msg,
) -> rusqlite::Result<Value> {
    let staff: Option<Staff> = match m.staff_id {
        Some(id) => people::by_id(db, id)?,
        None => None,
    };
    let is_guest = m.sender_type == "guest";
    let reply_attachments = match m.reply_to {
        Some(id) => attachments_json(state, db, id)?,
        None => Vec::new(),
    };
    let attachments = attachments_json(state, db, m.id)?;
    let reply = match m.reply_to {
        Some(id) => get_msg(db, id)?.map(|r| {
            let sender_name = if r.sender_type == "guest" {
                guest_name(c)
            } else {
                r.staff_display_name.clone()
            };
            json!({
                "id": r.id,
                "message": r.message.chars().take(100).collect::<String>(),
                "sender_type": r.sender_type,
                "sender_name": sender_name,
                "timestamp": r.timestamp,
                "has_attachments": !reply_attachments.is_empty(),
                "attachments": reply_attachments.iter().take(3).map(attachment_preview).collect::<Vec<_>>(),
                "attachment_count": reply_attachments.len(),
            })
        }),
        None => None,
    };
    Ok(json!({
        "id": m.id,
        "conversation": c.id,
        "room": c.room_id,
        "room_number": c.room_number,
        "sender_type": m.sender_type,
        "staff": m.staff_id,
        "staff_name": staff.as_ref().map_or_else(|| GUEST_STAFF_NAME.to_string(), Staff::text_form),
        "guest_name": guest_name(c),
        "staff_info": staff.as_ref().map(|s| s.chat_info(state)),
        "message": m.message,
        "timestamp": m.timestamp,
        "status": m.status,
        "is_read_by_recipient": if is_guest { m.read_by_staff } else { m.read_by_guest },
        "read_at": if is_guest { &m.staff_read_at } else { &m.guest_read_at },
        "read_by_staff": m.read_by_staff,
        "read_by_guest": m.read_by_guest,
        "staff_read_at": m.staff_read_at,
        "guest_read_at": m.guest_read_at,
        "delivered_at": m.delivered_at,
        "staff_display_name": m.staff_display_name,
        "staff_role_name": m.staff_role_name,
        "is_edited": m.edited_at.is_some(),
        "edited_at": m.edited_at,
        "is_deleted": m.deleted_at.is_some(),
        "deleted_at": m.deleted_at,
        "reply_to": m.reply_to,
        "reply_to_message": reply,
        "has_attachments": !attachments.is_empty(),
        "attachments": attachments,
    }))
}

/// The RoomMessage as `DjangoJSONEncoder` re-encodes it for `new-message` (millisecond timestamps).
pub(crate) fn django_encoded(mut v: Value) -> Value {
    for k in [
        "timestamp",
        "delivered_at",
        "staff_read_at",
        "guest_read_at",
        "read_at",
    ] {
        if let Some(Value::String(s)) = v.get(k) {
            let t = to_django_json(s);
            v[k] = Value::String(t);
        }
    }
    v
}

/// `ConversationSerializer`.
pub(crate) fn conversation_json(db: &Connection, c: &Conversation) -> rusqlite::Result<Value> {
    let last: Option<(String, String)> = db
        .query_row(
            "SELECT message, timestamp FROM messages WHERE conversation_id = ?1 ORDER BY timestamp DESC, id DESC LIMIT 1",
            [c.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(json!({
        "conversation_id": c.id,
        "room_number": c.room_number,
        "guest_name": guest_name(c),
        "guest_first_name": c.guest.as_ref().map(|g| g.0.clone()),
        "guest_last_name": c.guest.as_ref().map(|g| g.1.clone()),
        "last_message": last.as_ref().map(|l| l.0.clone()),
        "last_message_time": last.map(|l| l.1),
        "has_unread": c.has_unread,
    }))
}

/// Receptionists of the hotel, or the front office when there is none.
pub(crate) fn guest_message_recipients(
    db: &Connection,
    hotel_id: i64,
) -> rusqlite::Result<Vec<i64>> {
    let staff = people::of_hotel(db, hotel_id)?;
    let receptionists: Vec<i64> = staff
        .iter()
        .filter(|s| s.role.as_ref().is_some_and(|r| r.slug == "receptionist"))
        .map(|s| s.id)
        .collect();
    if !receptionists.is_empty() {
        return Ok(receptionists);
    }
    Ok(staff
        .iter()
        .filter(|s| {
            s.department
                .as_ref()
                .is_some_and(|d| d.slug == "front-office")
        })
        .map(|s| s.id)
        .collect())
}

/// An attachment's size as the serializer shows it ("1.5 KB").
fn size_display(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// An attachment row as `MessageAttachmentSerializer` answers it (API.md §8.2).
fn attachment_row(state: &AppState, r: &Row<'_>) -> rusqlite::Result<Value> {
    let file: String = r.get(1)?;
    let file_type: String = r.get(3)?;
    let size: i64 = r.get(4)?;
    let url = state.media_url(&file);
    let thumb = (file_type == "image").then(|| url.clone());
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "file": file,
        "file_url": url,
        "file_name": r.get::<_, String>(2)?,
        "file_type": file_type,
        "file_size": size,
        "file_size_display": size_display(size),
        "mime_type": r.get::<_, String>(5)?,
        "thumbnail": null,
        "thumbnail_url": thumb,
        "uploaded_at": r.get::<_, String>(6)?,
    }))
}

/// The attachments of a message, oldest first.
pub(crate) fn attachments_json(
    state: &AppState,
    db: &Connection,
    message_id: i64,
) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = db.prepare(
        "SELECT id, file, file_name, file_type, file_size, mime_type, uploaded_at FROM attachments
         WHERE message_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([message_id], |r| attachment_row(state, r))?;
    rows.collect()
}

/// The short form used in `reply_to_message.attachments`.
pub(crate) fn attachment_preview(a: &Value) -> Value {
    json!({
        "id": a["id"], "file_name": a["file_name"], "file_type": a["file_type"], "file_url": a["file_url"],
        "thumbnail_url": a["thumbnail_url"], "mime_type": a["mime_type"],
    })
}
