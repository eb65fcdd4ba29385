//! A front desk's day at the 2026 backend (API.md §15): the demo hotel's rooms with their
//! housekeeping status (§15.1) and its room bookings (§15.2), kept in tables of their own, and a
//! realistic day seeded around the hotel's today: 40 rooms in every status, a dozen arrivals and
//! a dozen departures, a few guests in house, one arriving party not yet named, and a few
//! arrivals tomorrow for the list's date filter. The routes are `api/front_desk.rs`.

use jiff::tz::TimeZone;
use rusqlite::{params, Connection};

use crate::errors::SandboxError;
use crate::timefmt::drf_ago;

/// The demo hotel's `Hotel.timezone`: the bookings list's "today" (§15.2).
pub(crate) const HOTEL_TIME_ZONE: &str = "Europe/Dublin";

/// The tables, made on open.
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS hk_rooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id),
    room_number INTEGER NOT NULL, room_type TEXT NOT NULL, max_occupancy INTEGER NOT NULL DEFAULT 2,
    room_status TEXT NOT NULL, maintenance_required INTEGER NOT NULL DEFAULT 0,
    is_out_of_order INTEGER NOT NULL DEFAULT 0, maintenance_notes TEXT NOT NULL DEFAULT '',
    last_cleaned_at TEXT, last_inspected_at TEXT, cleaned_by TEXT, inspected_by TEXT,
    UNIQUE (hotel_id, room_number)
);
CREATE TABLE IF NOT EXISTS room_bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hotel_id INTEGER NOT NULL REFERENCES hotels(id),
    booking_id TEXT NOT NULL UNIQUE, confirmation_number TEXT NOT NULL, status TEXT NOT NULL,
    check_in TEXT NOT NULL, check_out TEXT NOT NULL, room_number INTEGER,
    checked_in_at TEXT, checked_out_at TEXT, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    email TEXT NOT NULL, adults INTEGER NOT NULL, children INTEGER NOT NULL DEFAULT 0,
    party_missing INTEGER NOT NULL DEFAULT 0, special_requests TEXT NOT NULL DEFAULT '',
    precheckin_submitted_at TEXT, total_amount TEXT NOT NULL, currency TEXT NOT NULL DEFAULT 'EUR',
    staff_seen_at TEXT, created_at TEXT NOT NULL
);
"#;

/// The hotel's date today plus `days`, `YYYY-MM-DD`, in [`HOTEL_TIME_ZONE`].
pub(crate) fn hotel_date_in(days: i64) -> String {
    let zone = TimeZone::get(HOTEL_TIME_ZONE).unwrap_or(TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(zone).date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today)
        .to_string()
}

/// Room types of the demo's rooms, by floor.
const TYPES: [(&str, i64); 4] = [
    ("Standard Double", 2),
    ("Twin Room", 2),
    ("Family Suite", 4),
    ("Lake View Suite", 2),
];

/// The statuses of the rooms nobody sleeps in tonight, in the order they are handed out.
const FREE_STATUSES: [&str; 23] = [
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "READY_FOR_GUEST",
    "CHECKOUT_DIRTY",
    "CHECKOUT_DIRTY",
    "CHECKOUT_DIRTY",
    "CHECKOUT_DIRTY",
    "CHECKOUT_DIRTY",
    "CLEANING_IN_PROGRESS",
    "CLEANING_IN_PROGRESS",
    "CLEANING_IN_PROGRESS",
    "CLEANED_UNINSPECTED",
    "CLEANED_UNINSPECTED",
    "CLEANED_UNINSPECTED",
    "MAINTENANCE_REQUIRED",
    "MAINTENANCE_REQUIRED",
    "OUT_OF_ORDER",
    "OUT_OF_ORDER",
];

/// Guests in house beyond today (the rooms of the seeded guest chat, `seed_chat.rs`).
const STAYING: [(i64, &str, &str); 5] = [
    (101, "John", "Doe"),
    (102, "Mary", "O'Brien"),
    (204, "Pierre", "Dubois"),
    (305, "Hannah", "Schmidt"),
    (310, "Tom", "Walsh"),
];

/// Guests leaving today, each in an occupied room.
const LEAVING: [(&str, &str); 12] = [
    ("Siobhán", "Ní Bhriain"),
    ("Klaus", "Weber"),
    ("Emma", "Collins"),
    ("Luca", "Rossi"),
    ("Grace", "Murphy"),
    ("Oisín", "Kavanagh"),
    ("Sofia", "García"),
    ("Declan", "Ryan"),
    ("Yuki", "Tanaka"),
    ("Ellen", "Fitzgerald"),
    ("Marco", "Bianchi"),
    ("Ruth", "Clarke"),
];

/// Guests arriving today; the first six have a ready room assigned, the third's party is not
/// yet named in full.
const ARRIVING: [(&str, &str, &str); 12] = [
    ("Aisling", "Moran", "Late arrival, around 22:00."),
    ("James", "Whitfield", ""),
    ("Fatima", "Hassan", "Cot for a baby, please."),
    ("Patrick", "Quinn", ""),
    ("Ingrid", "Larsen", "Quiet room away from the lift."),
    ("Colm", "Brennan", ""),
    ("Chloé", "Martin", "Anniversary: flowers in the room."),
    ("Seamus", "Doherty", ""),
    ("Amara", "Okafor", "Gluten-free breakfast."),
    ("Henrik", "Nilsson", ""),
    ("Laura", "Byrne", "Early check-in if possible."),
    ("Tadhg", "Lynch", ""),
];

/// Seeds the demo hotel's day unless its rooms are there already.
pub(crate) fn seed_if_empty(db: &Connection) -> Result<(), SandboxError> {
    let any: i64 = db.query_row("SELECT COUNT(*) FROM hk_rooms", [], |r| r.get(0))?;
    if any > 0 {
        return Ok(());
    }
    let mut occupied: Vec<i64> = STAYING.iter().map(|(n, _, _)| *n).collect();
    let mut numbers: Vec<i64> = (1..=4)
        .flat_map(|floor| (1..=10).map(move |n| floor * 100 + n))
        .filter(|n| !occupied.contains(n))
        .collect();
    let leaving_rooms: Vec<i64> = numbers.drain(..LEAVING.len()).collect();
    occupied.extend(&leaving_rooms);
    for number in &occupied {
        insert_room(db, *number, "OCCUPIED")?;
    }
    for (number, status) in numbers.iter().zip(FREE_STATUSES) {
        insert_room(db, *number, status)?;
    }
    let ready: Vec<i64> = numbers
        .iter()
        .zip(FREE_STATUSES)
        .filter(|(_, status)| *status == "READY_FOR_GUEST")
        .map(|(n, _)| *n)
        .collect();
    seed_bookings(db, &leaving_rooms, &ready)
}

fn insert_room(db: &Connection, number: i64, status: &str) -> Result<(), SandboxError> {
    let (room_type, max) = TYPES[usize::try_from(number / 100 - 1).unwrap_or(0) % TYPES.len()];
    let cleaned = (status != "CHECKOUT_DIRTY").then(|| drf_ago(3600 * (number % 20 + 1)));
    let inspected =
        matches!(status, "READY_FOR_GUEST" | "OCCUPIED").then(|| drf_ago(3600 * (number % 20)));
    db.execute(
        "INSERT INTO hk_rooms (hotel_id, room_number, room_type, max_occupancy, room_status,
             maintenance_required, is_out_of_order, last_cleaned_at, last_inspected_at,
             cleaned_by, inspected_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            number,
            room_type,
            max,
            status,
            status == "MAINTENANCE_REQUIRED",
            status == "OUT_OF_ORDER",
            cleaned,
            inspected,
            cleaned.as_ref().map(|_| "Aoife Doyle"),
            inspected.as_ref().map(|_| "Liam O'Connor"),
        ],
    )?;
    Ok(())
}

/// One booking of the seed.
struct Seeded<'a> {
    first: &'a str,
    last: &'a str,
    check_in: i64,
    check_out: i64,
    room: Option<i64>,
    checked_in: bool,
    missing: i64,
    requests: &'a str,
}

fn seed_bookings(db: &Connection, leaving: &[i64], ready: &[i64]) -> Result<(), SandboxError> {
    let mut all = Vec::new();
    for (n, (number, first, last)) in STAYING.iter().enumerate() {
        let nights = i64::try_from(n).unwrap_or(0) + 2;
        all.push(Seeded {
            first,
            last,
            check_in: -2,
            check_out: nights - 1,
            room: Some(*number),
            checked_in: true,
            missing: 0,
            requests: "",
        });
    }
    for ((first, last), number) in LEAVING.iter().zip(leaving) {
        all.push(Seeded {
            first,
            last,
            check_in: -3,
            check_out: 0,
            room: Some(*number),
            checked_in: true,
            missing: 0,
            requests: "",
        });
    }
    for (n, (first, last, requests)) in ARRIVING.iter().enumerate() {
        all.push(Seeded {
            first,
            last,
            check_in: 0,
            check_out: i64::try_from(n % 4).unwrap_or(0) + 1,
            room: ready.get(n).copied().filter(|_| n < 6),
            checked_in: false,
            missing: i64::from(n == 2),
            requests,
        });
    }
    for (first, last) in [("Ben", "Hughes"), ("Nora", "Keane"), ("Ravi", "Patel")] {
        all.push(Seeded {
            first,
            last,
            check_in: 1,
            check_out: 3,
            room: None,
            checked_in: false,
            missing: 0,
            requests: "",
        });
    }
    for (n, b) in all.iter().enumerate() {
        insert_booking(db, n + 1, b)?;
    }
    Ok(())
}

fn insert_booking(db: &Connection, n: usize, b: &Seeded<'_>) -> Result<(), SandboxError> {
    let nights = b.check_out - b.check_in;
    let email = format!(
        "{}.{}@example.com",
        b.first.to_lowercase(),
        b.last.to_lowercase().replace(['\'', ' '], "")
    );
    db.execute(
        "INSERT INTO room_bookings (hotel_id, booking_id, confirmation_number, status, check_in,
             check_out, room_number, checked_in_at, first_name, last_name, email, adults,
             party_missing, special_requests, precheckin_submitted_at, total_amount, created_at)
         VALUES (1, ?1, ?2, 'CONFIRMED', ?3, ?4, ?5, ?6, ?7, ?8, ?9, 2, ?10, ?11, ?12, ?13, ?14)",
        params![
            format!("RB-2026-{n:04}"),
            format!("KIL-{:06}", 480_000 + n * 37),
            hotel_date_in(b.check_in),
            hotel_date_in(b.check_out),
            b.room,
            b.checked_in
                .then(|| drf_ago(3600 * 24 * -b.check_in.min(0) + 3600)),
            b.first,
            b.last,
            email,
            b.missing,
            b.requests,
            n.is_multiple_of(3).then(|| drf_ago(86_400)),
            format!("{}.00", 129 * nights),
            drf_ago(86_400 * 10 + i64::try_from(n).unwrap_or(0) * 600),
        ],
    )?;
    Ok(())
}
