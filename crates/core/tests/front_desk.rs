//! A front desk's day on the 2026 server (API.md §15): today's arrivals, departures and guests
//! in house with their counts, searched by guest, booking number or room; a booking's detail
//! with who of its party is unnamed; the room board by status, following a room housekeeping
//! marks ready through the live `room_updated` on `<slug>.rooms`; the lists read again while
//! the screen shows and not while it does not; and all of it opening from the desk's copy,
//! searchable, with the network gone. Real sandbox over HTTP and its Pusher-protocol server,
//! real SQLite files; network cuts go through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::front_desk::{FrontDesk, FrontDeskDay, RoomGroup};
use hotelmate_core::{ConnectionStatus, Desk};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;

const WAIT: Duration = Duration::from_secs(20);

fn day(desk: &Desk, query: &str) -> FrontDeskDay {
    desk.handle::<FrontDesk>().day(query).unwrap()
}

fn group<'a>(day: &'a FrontDeskDay, status: &str) -> &'a RoomGroup {
    day.rooms.iter().find(|g| g.status == status).unwrap()
}

/// The status of room `number` on the desk's board.
fn status_of(desk: &Desk, number: i64) -> Option<String> {
    day(desk, "")
        .rooms
        .iter()
        .flat_map(|g| g.rooms.iter())
        .find(|r| r.room_number == number)
        .map(|r| r.status.clone())
}

/// Housekeeping (here the manager, who holds every move) sets a room's status through the
/// server, as their own app would; the server tells `<slug>.rooms`.
async fn housekeeping_sets(server: &SandboxHandle, room_id: i64, to: &str) {
    let tok = token(server, "sean.murphy").await;
    let answer = rest(
        server,
        &tok,
        reqwest::Method::POST,
        &format!("/api/staff/hotel/killarney/housekeeping/rooms/{room_id}/status/"),
        Some(serde_json::json!({"to_status": to})),
    )
    .await;
    assert_eq!(answer["room"]["room_status"], to, "{answer}");
}

async fn online(desk: &Desk) {
    eventually("the desk is connected", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receptionist_finds_an_arrival_sees_a_room_turn_ready_live_and_opens_the_day_offline() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("front-desk-day");
    // Nothing is read again on a timer within this test: what changes on the board arrives
    // by the live event alone.
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    online(&desk).await;
    desk.looking_at(View::FrontDesk);
    eventually("the day is on the desk", WAIT, || async {
        let today = day(&desk, "");
        today.counts == [12, 12, 17] && today.total_rooms == 40
    })
    .await;
    let today = day(&desk, "");
    assert_eq!(
        today.arrivals.len(),
        12,
        "more than a page of ten: every page read"
    );
    assert!(today.lists_as_of.is_some() && today.rooms_as_of.is_some());
    let counted: u32 = today.rooms.iter().map(|g| g.count).sum();
    assert_eq!(counted, 40);
    for g in &today.rooms {
        assert!(
            g.count > 0,
            "every state has rooms in the demo's day: {}",
            g.status
        );
        assert_eq!(g.rooms.len() as u32, g.count, "{}", g.status);
    }
    assert_eq!(group(&today, "OCCUPIED").count, 17);

    // Found by guest, by booking number and by room.
    let found = day(&desk, "moran");
    assert_eq!(found.arrivals.len(), 1);
    let aisling = found.arrivals[0].clone();
    assert_eq!(aisling.guest, "Aisling Moran");
    assert_eq!(found.departures.len() + found.in_house.len(), 0);
    assert_eq!(
        found.counts,
        [12, 12, 17],
        "the counts are the day's, not the search's"
    );
    assert_eq!(
        day(&desk, &aisling.booking_id).arrivals,
        vec![aisling.clone()]
    );
    let room = aisling.room_number.expect("her ready room is assigned");
    assert!(day(&desk, &room.to_string())
        .arrivals
        .iter()
        .any(|b| b.booking_id == aisling.booking_id));

    // A booking's detail: who of the party is still unnamed.
    let fatima = day(&desk, "hassan").arrivals[0].clone();
    assert_eq!(fatima.party_missing, 1);
    let detail = desk
        .handle::<FrontDesk>()
        .booking(&fatima.booking_id)
        .await
        .unwrap();
    assert!(!detail.from_copy);
    assert_eq!(detail.special_requests, "Cot for a baby, please.");
    assert_eq!(detail.party.iter().filter(|g| !g.named).count(), 1);

    // Housekeeping marks a room ready: the board follows live, with no timer to help it.
    let to_inspect = group(&day(&desk, ""), "CLEANED_UNINSPECTED").rooms[0].clone();
    let started = Instant::now();
    housekeeping_sets(&server, to_inspect.id, "READY_FOR_GUEST").await;
    eventually("the room shows ready", WAIT, || async {
        status_of(&desk, to_inspect.room_number).as_deref() == Some("READY_FOR_GUEST")
    })
    .await;
    println!(
        "room {} reached the board as ready in {} ms",
        to_inspect.room_number,
        started.elapsed().as_millis()
    );
    let inspected = day(&desk, &to_inspect.room_number.to_string());
    assert!(group(&inspected, "READY_FOR_GUEST").rooms[0]
        .last_inspected_at
        .is_some());

    // The network goes and the desk restarts: the day opens from the copy, searchable.
    proxy.cut();
    desk.shutdown().await;
    let desk = home.open();
    desk.resume().await.unwrap();
    let copy = day(&desk, "moran");
    assert_eq!(copy.arrivals, vec![aisling.clone()]);
    assert_eq!(copy.counts, [12, 12, 17]);
    assert!(copy.lists_as_of.is_some());
    assert_eq!(
        status_of(&desk, to_inspect.room_number).as_deref(),
        Some("READY_FOR_GUEST")
    );
    let offline = desk
        .handle::<FrontDesk>()
        .booking(&aisling.booking_id)
        .await
        .unwrap();
    assert!(
        offline.from_copy,
        "the detail needs the server: the copy, said so"
    );
    assert_eq!(offline.line, aisling);
    desk.shutdown().await;
    proxy.restore();
}

/// Reads of the bookings lists while `looking` (or not) for `intervals` poll intervals.
async fn list_reads_over(server: &SandboxHandle, poll: Duration, intervals: u32) -> u64 {
    let line = "GET /api/staff/hotel/killarney/room-bookings/";
    let new = requests_during(server, poll * intervals).await;
    new.get(line).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lists_are_read_again_each_interval_while_the_screen_shows_and_not_otherwise() {
    let server = sandbox_2026().await;
    let home = Home::new("front-desk-pace");
    let poll = Duration::from_millis(1500);
    // The poll interval short, as if a minute; what no event announces is otherwise read
    // every ten minutes (kept so here: this counts the screen's own pace).
    let desk = home.open_with(|options| options.poll_interval = poll);
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    online(&desk).await;
    eventually("the first read", WAIT, || async {
        day(&desk, "").counts == [12, 12, 17]
    })
    .await;
    desk.looking_at(View::FrontDesk);
    let intervals = 4;
    let open = list_reads_over(&server, poll, intervals).await;
    desk.looking_away();
    // A read already on its way when the screen closed finishes first (waited for, not slept).
    desk.settled().await;
    let closed = list_reads_over(&server, poll, intervals).await;
    // Each list is one page of ten and one of two (12 rows): two requests per list and read.
    let per_interval = open as f64 / f64::from(intervals);
    println!(
        "bookings-list requests per poll interval (the app's is a minute, so per minute): \
         screen open {per_interval:.1}, closed {:.1}",
        closed as f64 / f64::from(intervals)
    );
    assert!(
        open >= u64::from(intervals - 1) * 3,
        "every list read about once an interval while shown: {open}"
    );
    assert!(
        per_interval <= 8.0,
        "no more than the three lists' pages each interval: {open}"
    );
    assert_eq!(
        closed, 0,
        "nothing of the lists is read while the screen is closed"
    );
    desk.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_front_desk_makes_its_two_room_changes_online_only_and_is_told_why_not_the_others() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("front-desk-rooms");
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    online(&desk).await;
    desk.looking_at(View::FrontDesk);
    eventually("the board is on the desk", WAIT, || async {
        day(&desk, "").total_rooms == 40
    })
    .await;
    let today = day(&desk, "");
    let occupied = group(&today, "OCCUPIED").rooms[0].clone();
    let uninspected = group(&today, "CLEANED_UNINSPECTED").rooms[0].clone();
    let ready = group(&today, "READY_FOR_GUEST").rooms[0].clone();
    assert_eq!(
        occupied
            .front_desk_move
            .as_ref()
            .map(|m| m.to_status.as_str()),
        Some("CHECKOUT_DIRTY")
    );
    assert!(uninspected.front_desk_move.is_none(), "housekeeping's move");
    let status_line =
        |id: i64| format!("POST /api/staff/hotel/killarney/housekeeping/rooms/{id}/status/");

    // A move that is not the front desk's is refused here, in words, with nothing sent.
    let refused = desk
        .handle::<FrontDesk>()
        .set_room_status(uninspected.id, "READY_FOR_GUEST")
        .await
        .unwrap_err();
    assert!(refused
        .to_string()
        .contains("housekeeping makes the other changes"));
    assert_eq!(server.requests_to(&status_line(uninspected.id)), 0);

    // Its own move: sent once, and the board read back.
    desk.handle::<FrontDesk>()
        .set_room_status(occupied.id, "CHECKOUT_DIRTY")
        .await
        .unwrap();
    assert_eq!(server.requests_to(&status_line(occupied.id)), 1);
    eventually("the room shows dirty", WAIT, || async {
        status_of(&desk, occupied.room_number).as_deref() == Some("CHECKOUT_DIRTY")
    })
    .await;

    // Offline: refused in words, nothing sent, nothing kept for later.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let offline = desk
        .handle::<FrontDesk>()
        .set_room_status(ready.id, "MAINTENANCE_REQUIRED")
        .await
        .unwrap_err();
    assert!(offline.to_string().contains("You are offline"), "{offline}");
    proxy.restore();
    online(&desk).await;
    assert_eq!(server.requests_to(&status_line(ready.id)), 0);
    assert_eq!(
        status_of(&desk, ready.room_number).as_deref(),
        Some("READY_FOR_GUEST")
    );
    desk.shutdown().await;
}
