//! The front desk on the older server fd6c529 (API.md §16, issue 66.7): the desk reads the rooms
//! (occupied or free), the rooms due out and today's bookings into its copy; a room due out is
//! checked out by room once, the rooms and the due-out list are read back (the room free, the
//! list empty of it), the room's guest conversations are dropped from the desk and the person is
//! told; offline, the lists open from the copy and a check-out is refused with the reason and
//! nothing sent. Real classic sandbox over HTTP, real SQLite files; the network cut goes through
//! a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::chat::ConversationFilter;
use hotelmate_core::features::front_desk::{FrontDesk, OlderDeskDay};
use hotelmate_core::{ConnectionStatus, Desk};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::Sandbox;

const WAIT: Duration = Duration::from_secs(20);
const CHECKOUT: &str = "POST /api/rooms/killarney/checkout/";

fn older(desk: &Desk) -> OlderDeskDay {
    desk.handle::<FrontDesk>().older_day().unwrap()
}

fn due_numbers(day: &OlderDeskDay) -> Vec<i64> {
    day.due_out.iter().map(|r| r.room_number).collect()
}

fn rooms_with_chats(desk: &Desk) -> Vec<String> {
    desk.chat()
        .conversations(ConversationFilter::All, "")
        .unwrap()
        .conversations
        .into_iter()
        .map(|c| c.room_number)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_room_due_out_is_checked_out_once_read_back_free_and_its_chats_dropped_and_offline_waits()
{
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("front-desk-older");
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    desk.looking_at(View::FrontDesk);
    eventually("the older day is on the desk", WAIT, || async {
        let day = older(&desk);
        day.rooms.len() == 10 && !day.due_out.is_empty() && !day.arrivals.is_empty()
    })
    .await;
    eventually("the conversations are on the desk", WAIT, || async {
        rooms_with_chats(&desk).contains(&"305".to_owned())
    })
    .await;
    let day = older(&desk);
    assert_eq!(
        due_numbers(&day),
        [305, 310],
        "guests who left before today"
    );
    assert_eq!(day.rooms.iter().filter(|r| r.occupied).count(), 5);
    assert_eq!(
        (day.arrivals.len(), day.departures.len()),
        (12, 12),
        "the seeded day"
    );
    assert!(day.lacks.contains("no room status board"), "{}", day.lacks);
    assert!(day.check_out_deletes.contains("breakfast orders"));
    assert!(day.rooms_as_of.is_some() && day.bookings_as_of.is_some());
    let hannah = day.due_out[0].clone();
    assert_eq!(hannah.guests, ["Hannah Schmidt"]);

    // A room not in this hotel's list is never sent.
    let front = desk.handle::<FrontDesk>();
    assert!(front.check_out_room(999_999).await.is_err());
    assert_eq!(server.requests_to(CHECKOUT), 0);

    let done = front.check_out_room(hannah.id).await.unwrap();
    assert_eq!(server.requests_to(CHECKOUT), 1, "sent once");
    assert_eq!(done.dropped_conversations, 1);
    assert!(
        done.message.starts_with("Room 305 is checked out."),
        "{}",
        done.message
    );
    let left = rooms_with_chats(&desk);
    assert!(!left.contains(&"305".to_owned()), "{left:?}");
    assert!(left.contains(&"101".to_owned()), "other rooms keep theirs");
    eventually(
        "the room is read back free and no longer due out",
        WAIT,
        || async {
            let day = older(&desk);
            due_numbers(&day) == [310]
                && day
                    .rooms
                    .iter()
                    .any(|r| r.room_number == 305 && !r.occupied)
        },
    )
    .await;
    assert_eq!(server.requests_to(CHECKOUT), 1, "never sent again");

    // Offline: the lists open from the copy; a check-out waits with the reason, nothing sent.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let copy = older(&desk);
    assert_eq!(due_numbers(&copy), [310]);
    assert_eq!(copy.rooms.len(), 10);
    let err = front.check_out_room(copy.due_out[0].id).await.unwrap_err();
    assert!(err.to_string().starts_with("You are offline."), "{err}");
    proxy.restore();
    assert_eq!(server.requests_to(CHECKOUT), 1, "nothing sent offline");
    desk.shutdown().await;
}

/// The older server's front desk lines, as the sandbox counts them.
const OLDER_READS: [&str; 3] = [
    "GET /api/rooms/rooms/",
    "GET /api/rooms/killarney/checkout-needed/",
    "GET /api/staff/hotel/killarney/bookings/",
];

/// Requests to the server while `intervals` poll intervals pass: (the front desk's, all).
async fn requests_over(
    server: &hotelmate_sandbox::SandboxHandle,
    poll: Duration,
    intervals: u32,
) -> (u64, u64) {
    let new = requests_during(server, poll * intervals).await;
    for (line, n) in &new {
        println!("  {line}: {n}");
    }
    let desk = OLDER_READS.iter().filter_map(|l| new.get(*l)).sum();
    (desk, new.values().sum())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_older_lists_are_read_each_interval_while_the_screen_shows_and_not_otherwise() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let home = Home::new("front-desk-older-pace");
    // The poll interval short, as if a minute (the app's): this counts the screen's own pace.
    let poll = Duration::from_millis(1500);
    let desk = home.open_with(|options| options.poll_interval = poll);
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("the first read", WAIT, || async {
        older(&desk).rooms.len() == 10 && !older(&desk).arrivals.is_empty()
    })
    .await;
    // The start's one-off reads (the hotel's images among them) are done before counting.
    desk.settled().await;
    desk.looking_at(View::FrontDesk);
    let intervals = 4;
    let (open, open_all) = requests_over(&server, poll, intervals).await;
    desk.looking_away();
    // A read already on its way when the screen closed finishes first (waited for, not slept).
    desk.settled().await;
    let (closed, closed_all) = requests_over(&server, poll, intervals).await;
    let per = |n: u64| n as f64 / f64::from(intervals);
    println!(
        "fd6c529 requests per poll interval (the app's is a minute, so per minute): front desk \
         reads open {:.1}, closed {:.1}; all requests open {:.1}, closed {:.1}",
        per(open),
        per(closed),
        per(open_all),
        per(closed_all)
    );
    assert!(
        open >= u64::from(intervals - 2) * 3,
        "the three reads about once an interval while shown: {open}"
    );
    assert!(per(open) <= 4.0, "one page each, once an interval: {open}");
    assert_eq!(
        closed, 0,
        "nothing of them is read while the screen is closed"
    );
    desk.shutdown().await;
}
