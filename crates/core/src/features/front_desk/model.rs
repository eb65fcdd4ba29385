//! The front desk's day as the screen shows it: the three lists of bookings and the room board,
//! built from the stored rows, searched here (offline too) by guest, booking number or room.
//! Every text is the server's, shown as text (the screen escapes it); counts and lists are
//! bounded by what the store holds.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::row::text;
use crate::rules::search::Query;

/// One booking in a list (§15.2's list item, the part the desk shows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BookingLine {
    /// The server's booking number ("RB-2026-0042"): the key of its detail.
    pub booking_id: String,
    /// The confirmation number the guest was given.
    pub confirmation_number: String,
    /// Who the booking is for, as the server names them.
    pub guest: String,
    /// Arrival date, `YYYY-MM-DD` (the hotel's calendar).
    pub check_in: String,
    /// Departure date, `YYYY-MM-DD`.
    pub check_out: String,
    /// Nights booked.
    pub nights: u32,
    /// The room assigned, if any.
    #[ts(type = "number | null")]
    pub room_number: Option<i64>,
    /// People in the party.
    pub party_total: u32,
    /// People of the party not named yet (a room is assigned only when all are named).
    pub party_missing: u32,
    /// When the guest was checked in (UTC, ISO 8601), if they were.
    pub checked_in_at: Option<String>,
    /// Whether the guest sent the pre-check-in form.
    pub precheckin_done: bool,
    /// Whether no one at the hotel has marked it seen yet.
    pub is_new: bool,
    /// Whether it was marked seen on this desk and that waits to reach the server.
    pub seen_waiting: bool,
    /// The booking's status as the server gives it (`CONFIRMED`, …).
    pub status: String,
    /// The amount, as the server writes it ("387.00"), with its currency.
    pub amount: String,
}

/// A room on the board (§15.1's dashboard room).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomLine {
    /// The room's id on the server (a status change names it).
    #[ts(type = "number")]
    pub id: i64,
    /// The number guests know it by.
    #[ts(type = "number")]
    pub room_number: i64,
    /// Its type's name.
    pub room_type: String,
    /// Its status (`READY_FOR_GUEST`, …).
    pub status: String,
    /// Whether maintenance is flagged.
    pub maintenance_required: bool,
    /// Last cleaned (UTC, ISO 8601), and by whom.
    pub last_cleaned_at: Option<String>,
    /// Who cleaned it last, if the server says.
    pub cleaned_by: Option<String>,
    /// Last inspected (UTC, ISO 8601).
    pub last_inspected_at: Option<String>,
    /// The one status a front desk may set from this one (§15.1: an occupied room to dirty, a
    /// ready one to maintenance), with its words; `None` where housekeeping makes the change.
    pub front_desk_move: Option<RoomMove>,
}

/// A status change the front desk may make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomMove {
    /// The status it sets.
    pub to_status: String,
    /// What the button says.
    pub label: String,
}

/// §15.1: the front desk's two moves, each (from, to, words).
pub(crate) const FRONT_DESK_MOVES: [(&str, &str, &str); 2] = [
    ("OCCUPIED", "CHECKOUT_DIRTY", "Mark dirty"),
    ("READY_FOR_GUEST", "MAINTENANCE_REQUIRED", "Needs maintenance"),
];

/// The front desk's move from `status`, if it has one.
pub(crate) fn front_desk_move(status: &str) -> Option<RoomMove> {
    FRONT_DESK_MOVES
        .iter()
        .find(|(from, _, _)| *from == status)
        .map(|(_, to, label)| RoomMove {
            to_status: (*to).to_owned(),
            label: (*label).to_owned(),
        })
}

/// The rooms of one status, with their count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomGroup {
    /// The status (`READY_FOR_GUEST`, …).
    pub status: String,
    /// What staff call it ("Ready").
    pub label: String,
    /// Rooms in it (the server's count; 0 where the server lists none, §15.6 rule 5).
    pub count: u32,
    /// Its rooms that match the search, by number.
    pub rooms: Vec<RoomLine>,
}

/// The day at the front desk, as this desk keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FrontDeskDay {
    /// Today's arrivals not checked in yet, matching the search.
    pub arrivals: Vec<BookingLine>,
    /// Today's departures still in house, matching the search.
    pub departures: Vec<BookingLine>,
    /// Guests in house, matching the search.
    pub in_house: Vec<BookingLine>,
    /// How many of each there are in all (the search aside): arrivals, departures, in house.
    pub counts: [u32; 3],
    /// Every status of the board, in the order staff work through them, with its rooms.
    pub rooms: Vec<RoomGroup>,
    /// Rooms on the board.
    pub total_rooms: u32,
    /// When the lists were last read from the server (UTC), `None` before the first read.
    pub lists_as_of: Option<String>,
    /// When the board was last read from the server (UTC).
    pub rooms_as_of: Option<String>,
    /// The day the arrivals and departures are of (`YYYY-MM-DD`, the hotel's).
    pub date: String,
    /// The hotel's date today as this desk knows it (`YYYY-MM-DD`); empty where not asked.
    pub today: String,
}

/// One person of a booking's party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PartyGuest {
    /// Their name, empty while unnamed.
    pub name: String,
    /// Whether they are named.
    pub named: bool,
}

/// A booking opened (§15.2's detail), read from the server when it answers, else the list's
/// copy (`from_copy`), without what only the detail holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BookingDetail {
    /// The booking as the lists show it.
    pub line: BookingLine,
    /// The party, primary guest first (empty from the copy).
    pub party: Vec<PartyGuest>,
    /// What the guest asked for.
    pub special_requests: String,
    /// The room's type and status, when one is assigned and the detail says.
    pub room_type: Option<String>,
    /// The assigned room's status.
    pub room_status: Option<String>,
    /// Whether this is the desk's copy (the server could not be asked).
    pub from_copy: bool,
}

/// The board's statuses in the order staff work through them, each with its word (§15.1).
pub(crate) const STATUSES: [(&str, &str); 7] = [
    ("READY_FOR_GUEST", "Ready"),
    ("CHECKOUT_DIRTY", "Dirty"),
    ("CLEANING_IN_PROGRESS", "Cleaning"),
    ("CLEANED_UNINSPECTED", "To inspect"),
    ("MAINTENANCE_REQUIRED", "Maintenance"),
    ("OUT_OF_ORDER", "Out of order"),
    ("OCCUPIED", "Occupied"),
];

/// Rooms listed per status at most (a hostile answer cannot flood the screen).
pub(crate) const MAX_ROOMS_PER_STATUS: usize = 2000;

fn small(row: &Row, key: &str) -> u32 {
    row.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

fn optional_text(row: &Row, key: &str) -> Option<String> {
    Some(text(row, key)).filter(|t| !t.is_empty())
}

impl BookingLine {
    /// A stored list row as the screen shows it.
    pub(crate) fn from_row(row: &Row) -> Self {
        let guest = [
            "guest_display_name",
            "party_primary_full_name",
            "booker_summary",
        ]
        .iter()
        .map(|key| text(row, key))
        .find(|name| !name.is_empty())
        .unwrap_or_default();
        Self {
            booking_id: text(row, "booking_id"),
            confirmation_number: text(row, "confirmation_number"),
            guest: crate::rules::text::reveal(&guest),
            check_in: text(row, "check_in"),
            check_out: text(row, "check_out"),
            nights: small(row, "nights"),
            room_number: row
                .get("assigned_room_number")
                .or_else(|| row.get("room_number"))
                .and_then(Value::as_i64),
            party_total: small(row, "party_total_count"),
            party_missing: small(row, "party_missing_count"),
            checked_in_at: optional_text(row, "checked_in_at"),
            precheckin_done: optional_text(row, "precheckin_submitted_at").is_some(),
            is_new: row
                .get("is_new_for_staff")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            seen_waiting: false,
            status: text(row, "status"),
            amount: format!("{} {}", text(row, "total_amount"), text(row, "currency"))
                .trim()
                .to_owned(),
        }
    }

    /// Whether it matches what was typed: the guest, the booking or confirmation number, or
    /// the room.
    fn matches(&self, query: &Query) -> bool {
        let room = self.room_number.map(|n| n.to_string()).unwrap_or_default();
        query
            .rank(&[
                &self.guest,
                &self.booking_id,
                &self.confirmation_number,
                &room,
            ])
            .is_some()
    }
}

impl RoomLine {
    fn from_value(value: &Value, status: &str) -> Option<Self> {
        let row = value.as_object()?;
        Some(Self {
            id: row.get("id").and_then(Value::as_i64)?,
            room_number: row.get("room_number").and_then(Value::as_i64)?,
            room_type: text(row, "room_type"),
            status: status.to_owned(),
            maintenance_required: row
                .get("maintenance_required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            last_cleaned_at: optional_text(row, "last_cleaned_at"),
            cleaned_by: optional_text(row, "cleaned_by_staff_name"),
            last_inspected_at: optional_text(row, "last_inspected_at"),
            front_desk_move: front_desk_move(status),
        })
    }
}

/// One list, searched, in arrival order then by guest.
fn list(rows: &[Row], query: &Query) -> (Vec<BookingLine>, u32) {
    let all: Vec<BookingLine> = rows.iter().map(BookingLine::from_row).collect();
    let total = u32::try_from(all.len()).unwrap_or(u32::MAX);
    let mut shown: Vec<BookingLine> = all.into_iter().filter(|b| b.matches(query)).collect();
    shown.sort_by(|a, b| {
        a.check_in
            .cmp(&b.check_in)
            .then_with(|| a.guest.to_lowercase().cmp(&b.guest.to_lowercase()))
    });
    (shown, total)
}

/// The board from the stored dashboard: every status, its count, its rooms matching the search
/// (a room is found by its number or type).
fn board(dashboard: Option<&Row>, query: &Query) -> (Vec<RoomGroup>, u32) {
    let counts = dashboard.and_then(|d| d.get("counts"));
    let by_status = dashboard.and_then(|d| d.get("rooms_by_status"));
    let groups = STATUSES
        .iter()
        .map(|(status, label)| {
            let rooms: Vec<RoomLine> = by_status
                .and_then(|s| s.get(*status))
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .take(MAX_ROOMS_PER_STATUS)
                        .filter_map(|room| RoomLine::from_value(room, status))
                        .collect()
                })
                .unwrap_or_default();
            let count = counts
                .and_then(|c| c.get(*status))
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or_else(|| u32::try_from(rooms.len()).unwrap_or(u32::MAX));
            let mut rooms: Vec<RoomLine> = rooms
                .into_iter()
                .filter(|room| {
                    query
                        .rank(&[&room.room_number.to_string(), &room.room_type])
                        .is_some()
                })
                .collect();
            rooms.sort_by_key(|room| room.room_number);
            RoomGroup {
                status: (*status).to_owned(),
                label: (*label).to_owned(),
                count,
                rooms,
            }
        })
        .collect();
    let total = dashboard.map_or(0, |d| small(d, "total_rooms"));
    (groups, total)
}

/// The stored rows a day is built from.
pub(crate) struct Stored {
    pub arrivals: Vec<Row>,
    pub departures: Vec<Row>,
    pub in_house: Vec<Row>,
    pub dashboard: Option<Row>,
    pub lists_as_of: Option<String>,
    pub rooms_as_of: Option<String>,
}

/// The day as the screen shows it, searched by `typed`.
pub(crate) fn day(stored: Stored, typed: &str) -> FrontDeskDay {
    let query = Query::new(typed);
    let (arrivals, a) = list(&stored.arrivals, &query);
    let (departures, d) = list(&stored.departures, &query);
    let (in_house, h) = list(&stored.in_house, &query);
    let (rooms, total_rooms) = board(stored.dashboard.as_ref(), &query);
    FrontDeskDay {
        arrivals,
        departures,
        in_house,
        counts: [a, d, h],
        rooms,
        total_rooms,
        lists_as_of: stored.lists_as_of,
        rooms_as_of: stored.rooms_as_of,
        date: String::new(),
        today: String::new(),
    }
}

/// A booking's detail answer (§15.2) as the screen shows it.
pub(crate) fn detail(answer: &Row) -> BookingDetail {
    let party = answer
        .get("party")
        .and_then(|p| p.get("guests"))
        .and_then(Value::as_array)
        .map(|guests| {
            guests
                .iter()
                .take(50)
                .map(|guest| {
                    let name = guest
                        .get("full_name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .trim()
                        .to_owned();
                    PartyGuest {
                        named: !name.is_empty(),
                        name: crate::rules::text::reveal(&name),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let room = answer.get("room").and_then(Value::as_object);
    BookingDetail {
        line: BookingLine::from_row(answer),
        party,
        special_requests: crate::rules::text::reveal(&text(answer, "special_requests")),
        room_type: room.and_then(|r| optional_text(r, "room_type")),
        room_status: room.and_then(|r| optional_text(r, "room_status")),
        from_copy: false,
    }
}

/// Shows the bookings marked seen here, waiting to be sent, as seen (waiting).
pub(crate) fn show_waiting(day: &mut FrontDeskDay, waiting: &std::collections::HashSet<String>) {
    if waiting.is_empty() {
        return;
    }
    for line in day
        .arrivals
        .iter_mut()
        .chain(day.departures.iter_mut())
        .chain(day.in_house.iter_mut())
    {
        if waiting.contains(&line.booking_id) {
            line.is_new = false;
            line.seen_waiting = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Row {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_missing_status_counts_nought_and_every_status_is_on_the_board() {
        let dashboard = row(json!({
            "counts": {"READY_FOR_GUEST": 1},
            "rooms_by_status": {"READY_FOR_GUEST": [{"id": 7, "room_number": 104, "room_type": "Twin"}]},
            "total_rooms": 1,
        }));
        let (groups, total) = board(Some(&dashboard), &Query::new(""));
        assert_eq!(groups.len(), 7);
        assert_eq!(total, 1);
        assert_eq!((groups[0].count, groups[0].rooms[0].room_number), (1, 104));
        assert!(groups[1..].iter().all(|g| g.count == 0 && g.rooms.is_empty()));
    }

    #[test]
    fn a_booking_is_found_by_guest_number_or_room() {
        let rows = vec![
            row(json!({"booking_id": "RB-2026-0001", "confirmation_number": "KIL-480037",
                       "guest_display_name": "Aisling Moran", "assigned_room_number": 203})),
            row(json!({"booking_id": "RB-2026-0002", "confirmation_number": "KIL-480074",
                       "guest_display_name": "Tadhg Lynch", "assigned_room_number": null})),
        ];
        for (typed, found) in [
            ("aisling", "Aisling Moran"),
            ("0002", "Tadhg Lynch"),
            ("203", "Aisling Moran"),
            ("KIL-480074", "Tadhg Lynch"),
        ] {
            let (shown, total) = list(&rows, &Query::new(typed));
            assert_eq!(total, 2);
            assert_eq!(
                shown.iter().map(|b| b.guest.as_str()).collect::<Vec<_>>(),
                [found],
                "{typed}"
            );
        }
    }
}
