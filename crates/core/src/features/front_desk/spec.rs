//! Where a front desk's day lives on the 2026 server (API.md §15) and how the engine keeps it:
//! the three lists of `room-bookings/?bucket=` (§15.2; a row's id is its `booking_id` text,
//! the only id the list gives) and the housekeeping dashboard as one object (§15.1, the best
//! single call for the board). All are read-only here and read only while the Front desk screen
//! shows (besides once at the start, so the screen opens offline): most booking events never
//! reach the socket (§15.5), so the lists are read again every minute while the screen shows
//! (§15.6 rule 1); `room_updated` on `<slug>.rooms` reads the board and the lists again at once
//! (rules 1 and 4: another desk's check-in or check-out announces itself only so). fd6c529 (§16) has none of it.

use serde_json::Value;

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::{Hint, ResourceSpec};
use crate::events::{ResourceKind, View};

/// `/api/staff/hotel/<slug>/room-bookings/?bucket=<path>`: one bucket of the bookings list.
const BOOKINGS_MOUNT: Mount = Mount {
    name: "room bookings",
    collection: |slug, path, _| format!("api/staff/hotel/{slug}/room-bookings/?bucket={path}"),
    item: None,    create: None,
};

/// A bucket of today's bookings (§15.2), its rows under their `booking_id`.
const fn bucket(name: &'static str, path: &'static str) -> Resource {
    Resource {
        name,
        path,
        mount: BOOKINGS_MOUNT,
        listing: Listing::Paginated,
        id_key: "booking_id",
        upload: None,
        order_field: None,
        clipped: &[],
        renamed: &[],
    }
}

/// Today's arrivals: not checked in, `CONFIRMED` or `PENDING_APPROVAL`.
pub(crate) const ARRIVALS: Resource = bucket("arrivals", "arrivals");
/// Today's departures: checked in, not out, leaving today.
pub(crate) const DEPARTURES: Resource = bucket("departures", "departures");
/// Guests in house: checked in, not out.
pub(crate) const IN_HOUSE: Resource = bucket("in_house", "in_house");

/// §15.1: `GET housekeeping/dashboard/`, one object.
pub(crate) const ROOM_BOARD: Resource = Resource {
    name: "room_board",
    path: "housekeeping/dashboard",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// §16: the older server has no room status, no buckets and no check-in on bookings.
const NOT_AT_FD6C529: &[(Generation, &str)] = &[(
    Generation::Classic,
    super::older::LACKS,
)];

/// Booking events (the few that arrive, §15.2) are hints to read the lists again, and so are
/// the room events (§15.6 rule 1): a check-in or check-out on another desk sends no booking
/// event that arrives, only `room_updated` (and `room_occupancy_updated` after a check-out).
fn booking_hint(event: &str, data: &Value) -> Option<Hint> {
    let booking = event
        .strip_prefix("booking_")
        .is_some_and(|rest| !rest.starts_with("overstay"));
    (booking || room_hint(event, data).is_some()).then_some(Hint::Reconcile)
}

/// A room changed (§15.1: `room_updated` keyed by number, `room_occupancy_updated`): the board
/// is read again, which maps the number to its room.
fn room_hint(event: &str, _: &Value) -> Option<Hint> {
    matches!(event, "room_updated" | "room_occupancy_updated").then_some(Hint::Reconcile)
}

/// One of the three lists.
const fn list_spec(kind: ResourceKind, api: Resource) -> ResourceSpec {
    ResourceSpec {
        read_only_while_shown: true,
        refresh_while_shown: true,
        interpret: booking_hint,
        views: &[View::FrontDesk],
        absent: NOT_AT_FD6C529,
        ..ResourceSpec::base(kind, api)
    }
}

pub(crate) static ARRIVALS_SPEC: ResourceSpec = list_spec(ResourceKind::Arrivals, ARRIVALS);
pub(crate) static DEPARTURES_SPEC: ResourceSpec =
    list_spec(ResourceKind::Departures, DEPARTURES);
pub(crate) static IN_HOUSE_SPEC: ResourceSpec = list_spec(ResourceKind::InHouse, IN_HOUSE);

pub(crate) use super::older::{BOOKINGS_SPEC, DUE_OUT_SPEC, ROOMS_SPEC};

pub(crate) static ROOM_BOARD_SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    read_only_while_shown: true,
    interpret: room_hint,
    views: &[View::FrontDesk],
    absent: NOT_AT_FD6C529,
    ..ResourceSpec::base(ResourceKind::RoomBoard, ROOM_BOARD)
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn booking_and_room_events_are_hints_to_read_again_and_others_are_not() {
        for event in ["booking_created", "booking_cancelled", "booking_updated"] {
            assert_eq!(booking_hint(event, &json!({})), Some(Hint::Reconcile));
        }
        assert_eq!(booking_hint("booking_overstay_flagged", &json!({})), None);
        assert_eq!(room_hint("room_updated", &json!({})), Some(Hint::Reconcile));
        assert_eq!(room_hint("clock_status_updated", &json!({})), None);
        assert_eq!(
            booking_hint("room_updated", &json!({})),
            Some(Hint::Reconcile),
            "§15.6 rule 1: another desk's check-in or check-out announces itself only so"
        );
        assert_eq!(booking_hint("clock_status_updated", &json!({})), None);
    }
}
