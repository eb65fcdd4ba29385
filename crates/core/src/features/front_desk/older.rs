//! The front desk on the older server fd6c529 (API.md §16), which has bookings without rooms,
//! rooms with only "occupied", a due-out list and check-out by room: what the desk reads there
//! ([`ROOMS_SPEC`], [`DUE_OUT_SPEC`], [`BOOKINGS_SPEC`], each kept in the desk's copy so the
//! screen opens offline with "as of"), and the day made of them ([`OlderDeskDay`]);
//! reading it and check-out by room are `older_desk.rs`. Nothing of it is announced by an event (§16: poll), so each is read once at
//! the start and every minute while the Front desk screen shows. The 2026 server has none of
//! these paths; its desk is `spec.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::text::reveal;

/// Days either side of today the bookings are read for: `start_date` keeps `check_in >= start`
/// and `end_date` keeps `check_out <= end` (§16), so stays longer than this around today are
/// not among them.
pub(crate) const BOOKINGS_SPAN_DAYS: i64 = 31;

/// What the older server does not have, in words, shown on the screen.
pub(crate) const LACKS: &str =
    "This HotelMate server (fd6c529) has no room status board, no room assignment, no check-in \
     on bookings and no live events: the desk shows rooms occupied or free, the rooms due out and \
     today's bookings (without rooms), read every minute while this screen shows.";

/// What a check-out by room deletes on fd6c529 (§16), said before it is sent.
pub(crate) const CHECK_OUT_DELETES: &str =
    "Checking out a room deletes on the server, for good: the room's guests, guest-chat \
     sessions, conversations and messages, and its room-service and breakfast orders. Nobody \
     else is told.";

/// Why the 2026 server has none of these lists (its desk reads the bookings and the board).
const NOT_AT_2026: &[(Generation, &str)] = &[(
    Generation::Hotelmate2026,
    "This HotelMate server keeps the front desk's rooms on its room board.",
)];

fn today_plus(days: i64) -> String {
    let today = jiff::Zoned::now().date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today)
        .to_string()
}

/// §16: `GET /api/rooms/rooms/?page_size=100`, the caller's hotel's rooms, page by page.
pub(crate) const ROOMS: Resource = Resource {
    name: "desk_rooms",
    path: "rooms",
    mount: Mount {
        name: "rooms",
        collection: |_, _, _| "api/rooms/rooms/?page_size=100".to_owned(),
        item: None,
        create: None,
    },
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// §16: `GET /api/rooms/<slug>/checkout-needed/`, a plain array of rooms due out.
pub(crate) const DUE_OUT: Resource = Resource {
    name: "due_out",
    path: "checkout-needed",
    mount: Mount {
        name: "rooms of a hotel",
        collection: |slug, path, _| format!("api/rooms/{slug}/{path}/"),
        item: None,
        create: None,
    },
    listing: Listing::PlainArray,
    id_key: "id",
    ..ROOMS
};

/// §16: `GET /api/staff/hotel/<slug>/bookings/?start_date=&end_date=`, a month either side of
/// this computer's today, a plain array; the day's arrivals and departures are picked here.
pub(crate) const BOOKINGS: Resource = Resource {
    name: "desk_bookings",
    path: "bookings",
    mount: Mount {
        name: "staff hotel bookings",
        collection: |slug, path, _| {
            format!(
                "api/staff/hotel/{slug}/{path}/?start_date={}&end_date={}",
                today_plus(-BOOKINGS_SPAN_DAYS),
                today_plus(BOOKINGS_SPAN_DAYS)
            )
        },
        item: None,
        create: None,
    },
    listing: Listing::PlainArray,
    id_key: "id",
    ..ROOMS
};

const fn older_spec(kind: ResourceKind, api: Resource) -> ResourceSpec {
    ResourceSpec {
        read_only_while_shown: true,
        refresh_while_shown: true,
        views: &[View::FrontDesk],
        absent: NOT_AT_2026,
        ..ResourceSpec::base(kind, api)
    }
}

pub(crate) static ROOMS_SPEC: ResourceSpec = older_spec(ResourceKind::DeskRooms, ROOMS);
pub(crate) static DUE_OUT_SPEC: ResourceSpec = older_spec(ResourceKind::DueOut, DUE_OUT);
pub(crate) static BOOKINGS_SPEC: ResourceSpec = older_spec(ResourceKind::DeskBookings, BOOKINGS);

/// A room on fd6c529: occupied (it has guests) or free; there is no housekeeping status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskRoom {
    /// The room's id on the server (a check-out names it).
    #[ts(type = "number")]
    pub id: i64,
    /// The number guests know it by.
    #[ts(type = "number")]
    pub room_number: i64,
    /// Whether guests are in it.
    pub occupied: bool,
    /// Its guests' names.
    pub guests: Vec<String>,
    /// The earliest of its guests' `check_out_date` (`YYYY-MM-DD`), if any.
    pub check_out_date: Option<String>,
}

/// A booking on fd6c529: no room, no check-in (§16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskBooking {
    /// The booking's number (`BK-…`).
    pub booking_id: String,
    /// The guest's name.
    pub guest: String,
    /// The server's status (`CONFIRMED`, `PENDING_PAYMENT`, …).
    pub status: String,
    /// Arrival and departure dates, `YYYY-MM-DD`.
    pub check_in: String,
    /// See `check_in`.
    pub check_out: String,
    /// Adults and children.
    #[ts(type = "number")]
    pub guests: i64,
    /// The room type sold.
    pub room_type: String,
}

/// The front desk's day on fd6c529, from the desk's copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OlderDeskDay {
    /// Rooms whose guests should have left before today, by number.
    pub due_out: Vec<DeskRoom>,
    /// Every room of the hotel, by number, occupied or free.
    pub rooms: Vec<DeskRoom>,
    /// Today's arrivals (`check_in` today), not cancelled.
    pub arrivals: Vec<DeskBooking>,
    /// Today's departures (`check_out` today), not cancelled.
    pub departures: Vec<DeskBooking>,
    /// When the rooms and the due-out list were last read (UTC), `None` before the first read.
    pub rooms_as_of: Option<String>,
    /// When the bookings were last read (UTC).
    pub bookings_as_of: Option<String>,
    /// Today, `YYYY-MM-DD`.
    pub today: String,
    /// What this server does not have, in a sentence.
    pub lacks: String,
    /// What a check-out deletes, for the confirmation.
    pub check_out_deletes: String,
}

fn text(row: &Row, key: &str) -> String {
    reveal(row.get(key).and_then(Value::as_str).unwrap_or_default())
}

/// A room of the list or the due-out list.
pub(crate) fn room(row: &Row) -> Option<DeskRoom> {
    let guests = row.get("guests_in_room").and_then(Value::as_array);
    let guests = guests.map(Vec::as_slice).unwrap_or_default();
    let names = guests
        .iter()
        .take(20)
        .filter_map(|g| g.get("full_name").and_then(Value::as_str))
        .map(reveal)
        .collect();
    let check_out_date = guests
        .iter()
        .filter_map(|g| g.get("check_out_date").and_then(Value::as_str))
        .min()
        .map(reveal);
    Some(DeskRoom {
        id: row.get("id")?.as_i64()?,
        room_number: row.get("room_number")?.as_i64()?,
        occupied: row.get("is_occupied").and_then(Value::as_bool).unwrap_or(!guests.is_empty()),
        guests: names,
        check_out_date,
    })
}

fn booking(row: &Row) -> DeskBooking {
    let count = |key: &str| row.get(key).and_then(Value::as_i64).unwrap_or(0);
    DeskBooking {
        booking_id: text(row, "booking_id"),
        guest: text(row, "guest_name"),
        status: text(row, "status"),
        check_in: text(row, "check_in"),
        check_out: text(row, "check_out"),
        guests: count("adults").saturating_add(count("children")),
        room_type: text(row, "room_type_name"),
    }
}

/// The rows kept, made into the day of `today`.
pub(crate) fn day(rooms: &[Row], due_out: &[Row], bookings: &[Row], today: &str) -> OlderDeskDay {
    let mut rooms: Vec<DeskRoom> = rooms.iter().filter_map(room).collect();
    rooms.sort_by_key(|r| r.room_number);
    let mut due: Vec<DeskRoom> = due_out.iter().filter_map(room).collect();
    due.sort_by_key(|r| r.room_number);
    let live: Vec<DeskBooking> = bookings
        .iter()
        .map(booking)
        .filter(|b| b.status != "CANCELLED")
        .collect();
    let pick = |on: fn(&DeskBooking) -> &str| {
        let mut list: Vec<DeskBooking> = live.iter().filter(|b| on(b) == today).cloned().collect();
        list.sort_by(|a, b| a.guest.cmp(&b.guest));
        list
    };
    OlderDeskDay {
        arrivals: pick(|b| &b.check_in),
        departures: pick(|b| &b.check_out),
        due_out: due,
        rooms,
        rooms_as_of: None,
        bookings_as_of: None,
        today: today.to_owned(),
        lacks: LACKS.to_owned(),
        check_out_deletes: CHECK_OUT_DELETES.to_owned(),
    }
}
