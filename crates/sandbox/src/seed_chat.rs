//! The demo hotel's rooms, guests and guest conversations with some history (part of the seed), plus one
//! conversation of the second hotel for cross-hotel checks, and the checked-in bookings the 2026 backend
//! ties its guest chat to (API.md §10.2): every demo room has one but room 310
//! ([`ROOM_WITHOUT_BOOKING`]), so its conversation shows what a room without a checked-in booking gets on
//! that backend: no chat events at all. Neither has the second hotel's conversation.

use rusqlite::{params, Connection};

use crate::errors::SandboxError;
use crate::timefmt::drf_ago;

/// The demo hotel's one room without a checked-in booking: room 310, conversation 5 (Tom Walsh's
/// Wi-Fi question). On the 2026 backend nothing about its chat is broadcast.
pub const ROOM_WITHOUT_BOOKING: i64 = 310;
/// (sender type, staff id, text).
type SeedMessage<'a> = (&'a str, Option<i64>, &'a str);

pub(crate) fn seed_chat(db: &Connection) -> Result<(), SandboxError> {
    seed_rooms(db)?;
    db.execute(
        "INSERT INTO rooms (hotel_id, room_number) VALUES (2, 12)",
        [],
    )?;
    let galway_room = db.last_insert_rowid();
    let mut minutes_ago = 600i64;
    for (room_id, messages, unread) in demo_threads() {
        seed_thread(db, room_id, messages, unread, &mut minutes_ago)?;
    }
    db.execute(
        "INSERT INTO conversations (hotel_id, room_id, has_unread, created_at, updated_at) VALUES (2, ?1, 0, ?2, ?2)",
        params![galway_room, drf_ago(7200)],
    )?;
    seed_bookings(db)
}

/// The demo hotel's booked rooms and their guests.
fn seed_rooms(db: &Connection) -> Result<(), SandboxError> {
    let rooms = [
        (101, "John", "Doe"),
        (102, "Mary", "O'Brien"),
        (204, "Pierre", "Dubois"),
        (305, "Hannah", "Schmidt"),
        (310, "Tom", "Walsh"),
    ];
    for (room_number, first, last) in rooms {
        db.execute(
            "INSERT INTO rooms (hotel_id, room_number) VALUES (1, ?1)",
            [room_number],
        )?;
        let room_id = db.last_insert_rowid();
        db.execute(
            "INSERT INTO guests (room_id, first_name, last_name) VALUES (?1, ?2, ?3)",
            params![room_id, first, last],
        )?;
    }
    Ok(())
}

/// The demo conversations: (room index, messages, whether the last guest message is unread).
fn demo_threads() -> [(i64, &'static [SeedMessage<'static>], bool); 5] {
    [
        (
            1,
            &[
                ("guest", None, "Hi, could we get extra towels please?"),
                ("staff", Some(1), "Of course, they are on the way."),
                ("guest", None, "Can I get extra towels?"),
            ],
            true,
        ),
        (
            2,
            &[
                ("guest", None, "What time is breakfast served?"),
                (
                    "staff",
                    Some(3),
                    "From 7:00 to 10:30 in the Lakeview restaurant.",
                ),
                ("guest", None, "Lovely, thank you!"),
            ],
            false,
        ),
        (
            3,
            &[
                (
                    "guest",
                    None,
                    "Bonjour, is there a taxi to the Gap of Dunloe in the morning?",
                ),
                ("guest", None, "Around 9 would be ideal."),
            ],
            true,
        ),
        (
            4,
            &[
                ("guest", None, "Is the spa open late tonight?"),
                (
                    "staff",
                    Some(2),
                    "Until 21:00, I have booked you in for 19:00.",
                ),
                ("guest", None, "Perfect, danke!"),
            ],
            false,
        ),
        (
            5,
            &[(
                "guest",
                None,
                "The Wi-Fi password does not seem to work in room 310.",
            )],
            true,
        ),
    ]
}

/// One demo conversation and its messages, `minutes_ago` counting down as they are written.
fn seed_thread(
    db: &Connection,
    room_id: i64,
    messages: &[SeedMessage],
    unread: bool,
    minutes_ago: &mut i64,
) -> Result<(), SandboxError> {
    let created = drf_ago(*minutes_ago * 60);
    db.execute(
        "INSERT INTO conversations (hotel_id, room_id, has_unread, created_at, updated_at) VALUES (1, ?1, ?2, ?3, ?3)",
        params![room_id, unread as i64, created],
    )?;
    let conversation_id = db.last_insert_rowid();
    let count = messages.len();
    for (i, (sender, staff, text)) in messages.iter().enumerate() {
        *minutes_ago -= 7;
        let at = drf_ago(*minutes_ago * 60);
        let is_last_unread = unread && i + 1 == count;
        let (display, role): (Option<String>, Option<String>) = match staff {
            Some(1) => (Some("Anna Byrne".into()), Some("Receptionist".into())),
            Some(2) => (Some("Seán Murphy".into()), Some("Manager".into())),
            Some(3) => (Some("Niamh Kelly".into()), Some("Receptionist".into())),
            _ => (None, None),
        };
        let read_by_staff =
            *sender == "guest" && !is_last_unread && !(unread && i + 2 == count && room_id == 3);
        let status = if *sender == "guest" && !read_by_staff {
            "delivered"
        } else {
            "read"
        };
        db.execute(
            "INSERT INTO messages (conversation_id, sender_type, staff_id, message, timestamp, status, read_by_staff,
                read_by_guest, staff_read_at, guest_read_at, delivered_at, staff_display_name, staff_role_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?5, ?11, ?12)",
            params![conversation_id, sender, staff, text, at, status, read_by_staff as i64,
                (*sender == "staff") as i64, read_by_staff.then(|| at.clone()),
                (*sender == "staff").then(|| at.clone()), display, role],
        )?;
    }
    // Whoever of the staff answered last handles the conversation (the 2026 backend's
    // send fails with a 500 for anyone else, §10.3: room 102 is Niamh's).
    let handler = messages
        .iter()
        .rev()
        .find_map(|(sender, staff, _)| (*sender == "staff").then_some(*staff).flatten());
    db.execute(
        "UPDATE conversations SET updated_at = ?1, handler_staff_id = ?3 WHERE id = ?2",
        params![drf_ago(*minutes_ago * 60), conversation_id, handler],
    )?;
    *minutes_ago -= 30;
    Ok(())
}

/// Checks the guests of the booked demo rooms in (two days ago), and ties their conversations'
/// messages to the booking. Also run on a demo database seeded before bookings existed; a
/// database that has any booking already is left alone.
pub(crate) fn seed_bookings(db: &Connection) -> Result<(), SandboxError> {
    let any: i64 = db.query_row("SELECT COUNT(*) FROM bookings", [], |r| r.get(0))?;
    if any > 0 {
        return Ok(());
    }
    let rooms: Vec<i64> = db
        .prepare("SELECT id FROM rooms WHERE hotel_id = 1 AND room_number != ?1 ORDER BY id")?
        .query_map([ROOM_WITHOUT_BOOKING], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (n, room_id) in rooms.into_iter().enumerate() {
        db.execute(
            "INSERT INTO bookings (hotel_id, room_id, booking_id, guest_id, checked_in_at)
             VALUES (1, ?1, ?2, (SELECT MIN(id) FROM guests WHERE room_id = ?1), ?3)",
            params![
                room_id,
                format!("BK-2026-{:04}", n + 1),
                drf_ago(2 * 24 * 3600)
            ],
        )?;
        let booking = db.last_insert_rowid();
        db.execute(
            "UPDATE messages SET booking_id = ?1 WHERE conversation_id IN
             (SELECT id FROM conversations WHERE room_id = ?2)",
            params![booking, room_id],
        )?;
    }
    Ok(())
}
