//! Guest-chat rows (conversations, messages, the checked-in booking of a room) and their JSON:
//! `ConversationSerializer` (API.md §8.3) and `RoomMessageSerializer` (§8.5), each also in its 2026 form
//! (§10.2 "Chat JSON"), plus the channel names of §9.3 and §10.2. Storing a message and taking a
//! conversation over are here too, since both generations' handlers and the simulator do them.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::people::{self, Staff};
use crate::state::AppState;
use crate::timefmt::to_django_json;
use crate::Generation;

mod writes;
pub(crate) use writes::*;

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
    /// The most recently joined staff participant: who handles the conversation now.
    pub(crate) handler_staff_id: Option<i64>,
    pub(crate) guest: Option<(String, String)>,
    /// The room's checked-in, not checked-out booking: the 2026 backend's guest chat hangs on it.
    pub(crate) booking: Option<Booking>,
}

/// A room's checked-in booking (2026).
#[derive(Debug, Clone)]
pub(crate) struct Booking {
    pub(crate) id: i64,
    /// The reference guests and channels name it by: `BK-2026-0001`.
    pub(crate) reference: String,
    pub(crate) guest_id: Option<i64>,
    pub(crate) guest: Option<(String, String)>,
}

pub(crate) const CONV_SELECT: &str =
    "SELECT c.id, c.hotel_id, h.slug, c.room_id, r.room_number, c.has_unread, c.handler_staff_id,
    c.updated_at, g.first_name, g.last_name, b.id, b.booking_id, b.guest_id, bg.first_name, bg.last_name
    FROM conversations c JOIN hotels h ON h.id = c.hotel_id JOIN rooms r ON r.id = c.room_id
    LEFT JOIN guests g ON g.id = (SELECT MIN(id) FROM guests WHERE room_id = c.room_id)
    LEFT JOIN bookings b ON b.id = (SELECT MAX(id) FROM bookings WHERE room_id = c.room_id
        AND checked_in_at IS NOT NULL AND checked_out_at IS NULL)
    LEFT JOIN guests bg ON bg.id = b.guest_id";

pub(crate) fn conv_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
    let first: Option<String> = r.get(8)?;
    let last: Option<String> = r.get(9)?;
    let booking = match r.get::<_, Option<i64>>(10)? {
        Some(id) => {
            let first: Option<String> = r.get(13)?;
            let last: Option<String> = r.get(14)?;
            Some(Booking {
                id,
                reference: r.get(11)?,
                guest_id: r.get(12)?,
                guest: first.zip(last),
            })
        }
        None => None,
    };
    Ok(Conversation {
        id: r.get(0)?,
        hotel_id: r.get(1)?,
        hotel_slug: r.get(2)?,
        room_id: r.get(3)?,
        room_number: r.get(4)?,
        has_unread: r.get::<_, i64>(5)? != 0,
        handler_staff_id: r.get(6)?,
        guest: first.zip(last),
        booking,
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

/// The 2026 private channel of a booking's guest chat (§10.2 "Chat events").
pub(crate) fn booking_channel(slug: &str, booking: &Booking) -> String {
    format!(
        "private-hotel-{slug}-guest-chat-booking-{}",
        booking.reference
    )
}

/// The 2026 channel of one staff member's notifications (§10.2 "Chat events").
pub(crate) fn staff_notifications_channel(slug: &str, staff_id: i64) -> String {
    format!("{slug}.staff-{staff_id}-notifications")
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
    /// The booking the message was written under (2026): its id and reference.
    pub(crate) booking: Option<(i64, String)>,
}

pub(crate) const MSG_COLS: &str =
    "id, sender_type, staff_id, message, timestamp, status, read_by_staff, read_by_guest,
    staff_read_at, guest_read_at, delivered_at, staff_display_name, staff_role_name, reply_to,
    edited_at, deleted_at, booking_id,
    (SELECT b.booking_id FROM bookings b WHERE b.id = messages.booking_id)";

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
        booking: r.get::<_, Option<i64>>(16)?.zip(r.get(17)?),
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

/// The 2026 `RoomMessageSerializer` (§10.2 "Chat JSON"): the classic keys plus `conversation_id`,
/// `booking` (the booking's id) and `booking_id` (its reference); `staff_name` is "First Last" (null
/// for guests and the system), `staff_info` carries the department, and the guest is the booking's.
pub(crate) fn message_json_2026(
    state: &AppState,
    db: &Connection,
    c: &Conversation,
    m: &Msg,
) -> rusqlite::Result<Value> {
    let mut v = message_json(state, db, c, m)?;
    let staff: Option<Staff> = match m.staff_id {
        Some(id) => people::by_id(db, id)?,
        None => None,
    };
    v["conversation_id"] = json!(c.id);
    v["booking"] = json!(m.booking.as_ref().map(|b| b.0));
    v["booking_id"] = json!(m.booking.as_ref().map(|b| b.1.clone()));
    v["staff_name"] = json!(staff.as_ref().map(Staff::full_name));
    v["staff_info"] = json!(staff.as_ref().map(|s| s.chat_info_2026(state)));
    v["guest_name"] = json!(booking_guest_name(c));
    Ok(v)
}

/// The RoomMessage of the generation the sandbox plays.
pub(crate) fn message_for(
    state: &AppState,
    db: &Connection,
    c: &Conversation,
    m: &Msg,
) -> rusqlite::Result<Value> {
    match state.generation {
        Generation::Classic => message_json(state, db, c, m),
        Generation::Hotelmate2026 => message_json_2026(state, db, c, m),
    }
}

/// The checked-in guest's name (2026 takes guest names from the booking).
pub(crate) fn booking_guest_name(c: &Conversation) -> Option<String> {
    c.booking
        .as_ref()
        .and_then(|b| b.guest.as_ref())
        .map(|(f, l)| format!("{f} {l}"))
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

/// The 2026 `ConversationSerializer`: every classic key (guest names from the checked-in booking) plus
/// `id`, `roomNumber`, `guest_id`, `guestId`, `guestName`, `lastMessage`, `unread_count` (=
/// `unreadCountForStaff`, guest messages staff have not read) and `unreadCountForGuest`.
pub(crate) fn conversation_json_2026(db: &Connection, c: &Conversation) -> rusqlite::Result<Value> {
    let mut v = conversation_json(db, c)?;
    let unread = |sender: &str, flag: &str| -> rusqlite::Result<i64> {
        db.query_row(
            &format!(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sender_type = ?2 AND {flag} = 0"
            ),
            params![c.id, sender],
            |r| r.get(0),
        )
    };
    let for_staff = unread("guest", "read_by_staff")?;
    let for_guest = unread("staff", "read_by_guest")?;
    let guest = c.booking.as_ref().and_then(|b| b.guest.clone());
    let guest_id = c.booking.as_ref().and_then(|b| b.guest_id);
    let name = booking_guest_name(c);
    v["guest_name"] = json!(name);
    v["guest_first_name"] = json!(guest.as_ref().map(|g| g.0.clone()));
    v["guest_last_name"] = json!(guest.as_ref().map(|g| g.1.clone()));
    v["id"] = json!(c.id);
    v["roomNumber"] = json!(c.room_number);
    v["guest_id"] = json!(guest_id);
    v["guestId"] = json!(guest_id);
    v["guestName"] = json!(name);
    v["lastMessage"] = v["last_message"].clone();
    v["unread_count"] = json!(for_staff);
    v["unreadCountForStaff"] = json!(for_staff);
    v["unreadCountForGuest"] = json!(for_guest);
    Ok(v)
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
