//! A front desk's day at the classic backend fd6c529 (API.md §16): the demo hotel's rooms have
//! only `is_occupied` (a room with guests), guests have stay dates, and a room has a
//! `guest_id_pin`. Seeded beside the classic guest chat (`seed_chat.rs`): its five rooms stay
//! occupied, two of them (305 and 310) due out (their guests' `check_out_date` is yesterday), and
//! a few free rooms. The bookings list reads the 2026 day's `room_bookings` (`front_desk.rs`),
//! without rooms. The routes are `api/classic_desk.rs`.

use rusqlite::{params, Connection};

use crate::errors::SandboxError;
use crate::front_desk::hotel_date_in;

/// The tables, made on open.
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS classic_guest_dates (
    guest_id INTEGER PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    check_in_date TEXT NOT NULL, check_out_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS classic_room_pins (
    room_id INTEGER PRIMARY KEY REFERENCES rooms(id), guest_id_pin TEXT NOT NULL
);
"#;

/// The demo rooms due out: their guests' `check_out_date` is yesterday.
pub(crate) const DUE_OUT_ROOMS: [i64; 2] = [305, 310];

/// Free rooms of the demo hotel (no guests).
const FREE_ROOMS: [i64; 5] = [103, 104, 201, 202, 203];

/// Seeds the classic day unless a guest has dates already.
pub(crate) fn seed_if_empty(db: &Connection) -> Result<(), SandboxError> {
    let any: i64 = db.query_row("SELECT COUNT(*) FROM classic_guest_dates", [], |r| r.get(0))?;
    if any > 0 {
        return Ok(());
    }
    for number in FREE_ROOMS {
        db.execute(
            "INSERT INTO rooms (hotel_id, room_number) VALUES (1, ?1)",
            [number],
        )?;
    }
    let guests: Vec<(i64, i64)> = db
        .prepare(
            "SELECT g.id, r.room_number FROM guests g JOIN rooms r ON r.id = g.room_id
             WHERE r.hotel_id = 1 ORDER BY g.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (n, (guest, number)) in guests.into_iter().enumerate() {
        let (check_in, check_out) = if DUE_OUT_ROOMS.contains(&number) {
            (-4, -1)
        } else {
            (-2, i64::try_from(n).unwrap_or(0) + 1)
        };
        db.execute(
            "INSERT INTO classic_guest_dates (guest_id, check_in_date, check_out_date)
             VALUES (?1, ?2, ?3)",
            params![guest, hotel_date_in(check_in), hotel_date_in(check_out)],
        )?;
    }
    let rooms: Vec<i64> = db
        .prepare("SELECT id FROM rooms ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for room in rooms {
        db.execute(
            "INSERT OR IGNORE INTO classic_room_pins (room_id, guest_id_pin) VALUES (?1, ?2)",
            params![room, new_pin(room)],
        )?;
    }
    Ok(())
}

/// A 4-character `guest_id_pin`, different for each `seed`.
pub(crate) fn new_pin(seed: i64) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut x = u64::from(nanos) ^ u64::try_from(seed).unwrap_or(0).wrapping_mul(2_654_435_761);
    (0..4)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let i = usize::try_from(x >> 59).unwrap_or(0) % ALPHABET.len();
            char::from(ALPHABET[i])
        })
        .collect()
}
