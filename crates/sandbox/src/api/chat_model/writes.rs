//! Writing guest chat as the backend does: a staff member taking a conversation over, a
//! message stored with its attachments, guest messages marked read, and who is told.

use super::*;

/// How a staff member came to handle a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Takeover {
    /// They handled it already.
    AlreadyTheirs,
    /// Nobody handled it.
    First,
    /// Another staff member (this id) handled it.
    From(i64),
}

impl Takeover {
    /// Whether the handler is someone new.
    pub(crate) fn changed(self) -> bool {
        self != Takeover::AlreadyTheirs
    }
}

/// Makes `staff` the conversation's handler, its most recently joined participant. Taking it from
/// another staff member on the 2026 backend first stores the system message "<First Last> has
/// joined the conversation." (§10.2 "Chat JSON").
pub(crate) fn take_over(
    db: &Connection,
    generation: Generation,
    c: &Conversation,
    staff: &Staff,
    now: &str,
) -> rusqlite::Result<Takeover> {
    let takeover = match c.handler_staff_id {
        Some(id) if id == staff.id => return Ok(Takeover::AlreadyTheirs),
        Some(id) => Takeover::From(id),
        None => Takeover::First,
    };
    if generation == Generation::Hotelmate2026 && matches!(takeover, Takeover::From(_)) {
        db.execute(
            "INSERT INTO messages (conversation_id, sender_type, message, timestamp, status, delivered_at, booking_id)
             VALUES (?1, 'system', ?2, ?3, 'delivered', ?3, ?4)",
            params![
                c.id,
                format!("{} has joined the conversation.", staff.full_name()),
                now,
                c.booking.as_ref().map(|b| b.id),
            ],
        )?;
    }
    db.execute(
        "UPDATE conversations SET handler_staff_id = ?1 WHERE id = ?2",
        params![staff.id, c.id],
    )?;
    Ok(takeover)
}

/// A message just stored.
pub(crate) struct Stored {
    pub(crate) message: Msg,
    /// The sender, when staff.
    pub(crate) staff: Option<Staff>,
    /// How the sender came to handle the conversation, when staff.
    pub(crate) takeover: Option<Takeover>,
}

/// Stores a message of `sender` at `now` (an unknown `reply_to` is ignored) under the room's booking,
/// makes a staff sender the handler, and marks the conversation unread for a guest's.
/// Stores one delivered message of `staff` (a guest's without), tied to the conversation's
/// booking; its id.
pub(crate) fn insert_message(
    db: &Connection,
    c: &Conversation,
    staff: Option<&Staff>,
    text: &str,
    now: &str,
    reply_to: Option<i64>,
) -> rusqlite::Result<i64> {
    db.execute(
        "INSERT INTO messages (conversation_id, sender_type, staff_id, message, timestamp, status, delivered_at,
            staff_display_name, staff_role_name, reply_to, booking_id)
         VALUES (?1, ?2, ?3, ?4, ?5, 'delivered', ?5, ?6, ?7, ?8, ?9)",
        params![
            c.id,
            if staff.is_some() { "staff" } else { "guest" },
            staff.map(|s| s.id),
            text,
            now,
            staff.map(Staff::full_name),
            staff.and_then(|s| s.role.as_ref().map(|r| r.name.clone())),
            reply_to,
            c.booking.as_ref().map(|b| b.id),
        ],
    )?;
    Ok(db.last_insert_rowid())
}

pub(crate) fn store_message(
    db: &Connection,
    generation: Generation,
    c: &Conversation,
    sender: Sender,
    text: &str,
    reply_to: Option<i64>,
    now: &str,
) -> Result<Stored, ApiError> {
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
            Some(people::by_id(db, id)?.ok_or_else(|| ApiError::no_match("Staff"))?)
        }
        Sender::Guest => None,
    };
    let takeover = match &staff {
        Some(s) => Some(take_over(db, generation, c, s, now)?),
        None => None,
    };
    let id = insert_message(db, c, staff.as_ref(), text, now, reply_to)?;
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
    let message = get_msg(db, id)?.ok_or_else(|| ApiError::no_match("RoomMessage"))?;
    Ok(Stored {
        message,
        staff,
        takeover,
    })
}

/// Marks the guest messages of a conversation as read by staff; returns the ids.
pub(crate) fn mark_guest_messages_read(
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
