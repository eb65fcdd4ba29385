//! What a front desk does to a stay on the 2026 server (API.md §15.2, §15.6, issue 66.3/66.5):
//! the rooms offered are the server's rooms that fit; an assignment refused for a party not
//! named or a room not ready says the server's words; a move before check-in is refused; each
//! action is sent once and read back; a front desk agent's check-in meets the server's 500 and
//! is told that only a manager may (nothing claimed, the booking read back unchanged) while a
//! manager's works; a check-out drops the room's guest conversations from the desk at once and
//! says so; offline, every action is refused in words with nothing sent. Real sandbox over HTTP
//! and its Pusher-protocol server, real SQLite files; network cuts go through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::chat::ConversationFilter;
use hotelmate_core::features::front_desk::{BookingLine, FrontDesk, FrontDeskDay};
use hotelmate_core::{ConnectionStatus, Desk};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;

const WAIT: Duration = Duration::from_secs(20);

fn day(desk: &Desk, query: &str) -> FrontDeskDay {
    desk.handle::<FrontDesk>().day(query).unwrap()
}

fn action_line(booking: &str, action: &str) -> String {
    format!("POST /api/staff/hotel/killarney/room-bookings/{booking}/{action}/")
}

/// A desk signed in as `who` through `addr`, looking at the front desk with the day read.
async fn desk_of(
    home: &Home,
    server: &SandboxHandle,
    addr: std::net::SocketAddr,
    who: &str,
) -> Desk {
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, server, addr, who).await;
    eventually("the desk is connected", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.looking_at(View::FrontDesk);
    eventually("the day is on the desk", WAIT, || async {
        let today = day(&desk, "");
        today.total_rooms == 40 && today.counts[0] > 0
    })
    .await;
    desk
}

fn arrival(desk: &Desk, name: &str) -> BookingLine {
    day(desk, name).arrivals[0].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn rooms_offered_are_those_that_fit_and_the_servers_refusals_are_said_in_its_words() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("stays-rooms");
    let desk = desk_of(&home, &server, proxy.addr(), "anna.byrne").await;
    let front = desk.handle::<FrontDesk>();
    let seamus = arrival(&desk, "doherty");
    assert_eq!(seamus.room_number, None);

    // The rooms that fit: the server's read, ready and held by no one.
    let fit = front.rooms_that_fit(&seamus.booking_id).await.unwrap();
    assert_eq!(fit.len(), 2, "{fit:?}");
    let ready = day(&desk, "")
        .rooms
        .into_iter()
        .find(|g| g.status == "READY_FOR_GUEST")
        .unwrap();
    assert!(fit.iter().all(|r| ready.rooms.iter().any(|b| b.id == r.id)));

    // A party not named in full: the server's words, sent once.
    let fatima = arrival(&desk, "hassan");
    let refused = front
        .assign_room(&fatima.booking_id, fit[0].id)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Please provide all staying guest names before room assignment."
    );
    assert_eq!(
        server.requests_to(&action_line(&fatima.booking_id, "safe-assign-room")),
        1
    );

    // A room that is not ready (offered by no list of the desk's, sent here to see the words).
    let occupied = day(&desk, "")
        .rooms
        .into_iter()
        .find(|g| g.status == "OCCUPIED")
        .unwrap()
        .rooms[0]
        .clone();
    let refused = front
        .assign_room(&seamus.booking_id, occupied.id)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "Room {} is not bookable (status: OCCUPIED)",
            occupied.room_number
        )
    );

    // A room that fits: assigned, read back, and the list shows it.
    let done = front
        .assign_room(&seamus.booking_id, fit[0].id)
        .await
        .unwrap();
    assert_eq!(done.booking.line.room_number, Some(fit[0].room_number));
    assert!(!done.booking.from_copy, "read back from the server");
    assert!(done.message.contains(&fit[0].room_number.to_string()));
    eventually("the arrivals list shows the room", WAIT, || async {
        arrival(&desk, "doherty").room_number == Some(fit[0].room_number)
    })
    .await;

    // A move before check-in: the server's words.
    let refused = front
        .move_room(&seamus.booking_id, fit[1].id)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Booking must be checked in to move rooms."
    );

    let done = front.unassign_room(&seamus.booking_id).await.unwrap();
    assert_eq!(done.booking.line.room_number, None);
    eventually("the arrivals list shows no room", WAIT, || async {
        arrival(&desk, "doherty").room_number.is_none()
    })
    .await;

    // Offline: every action refused in words, nothing sent.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let sent_before = server.requests_to("POST /api/staff/hotel/killarney/room-bookings/");
    let offline = [
        front.rooms_that_fit(&seamus.booking_id).await.map(|_| ()),
        front
            .assign_room(&seamus.booking_id, fit[0].id)
            .await
            .map(|_| ()),
        front.check_in(&seamus.booking_id).await.map(|_| ()),
        front.check_out(&seamus.booking_id).await.map(|_| ()),
    ];
    for result in offline {
        let err = result.unwrap_err().to_string();
        assert!(err.starts_with("You are offline."), "{err}");
    }
    proxy.restore();
    assert_eq!(
        server.requests_to("POST /api/staff/hotel/killarney/room-bookings/"),
        sent_before
    );
    desk.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agents_check_in_is_told_only_a_manager_may_and_a_managers_check_in_works() {
    let server = sandbox_2026().await;
    let home = Home::new("stays-check-in-agent");
    let agent = desk_of(&home, &server, server.addr(), "anna.byrne").await;
    let aisling = arrival(&agent, "moran");
    let room = aisling.room_number.expect("a ready room is hers");

    let refused = agent
        .handle::<FrontDesk>()
        .check_in(&aisling.booking_id)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("lets only a manager check guests in"),
        "{refused}"
    );
    assert!(refused.to_string().starts_with("Not checked in."));
    assert_eq!(
        server.requests_to(&action_line(&aisling.booking_id, "check-in")),
        1,
        "never sent again: a repeat would not be refused"
    );
    let read = agent
        .handle::<FrontDesk>()
        .booking(&aisling.booking_id)
        .await
        .unwrap();
    assert_eq!(read.line.checked_in_at, None);
    assert_eq!(read.room_status.as_deref(), Some("READY_FOR_GUEST"));

    // The manager's desk checks her in.
    let manager_home = Home::new("stays-check-in-manager");
    let manager = desk_of(&manager_home, &server, server.addr(), "sean.murphy").await;
    let done = manager
        .handle::<FrontDesk>()
        .check_in(&aisling.booking_id)
        .await
        .unwrap();
    assert!(done.booking.line.checked_in_at.is_some());
    assert_eq!(done.booking.room_status.as_deref(), Some("OCCUPIED"));
    assert!(done.message.contains("checked in"), "{}", done.message);
    eventually("she is in house on the manager's desk", WAIT, || async {
        let today = day(&manager, "moran");
        today.arrivals.is_empty() && today.in_house.len() == 1
    })
    .await;
    // The agent's board follows the room through the live event.
    eventually(
        "the agent's board shows the room occupied",
        WAIT,
        || async {
            day(&agent, &room.to_string())
                .rooms
                .iter()
                .any(|g| g.status == "OCCUPIED" && g.rooms.iter().any(|r| r.room_number == room))
        },
    )
    .await;
    agent.shutdown().await;
    manager.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_out_drops_the_rooms_guest_conversations_from_the_desk_and_says_so() {
    let server = sandbox_2026().await;
    let home = Home::new("stays-check-out");
    let desk = desk_of(&home, &server, server.addr(), "anna.byrne").await;
    let rooms_with_chats = |desk: &Desk| -> Vec<String> {
        desk.chat()
            .conversations(ConversationFilter::All, "")
            .unwrap()
            .conversations
            .into_iter()
            .map(|c| c.room_number)
            .collect()
    };
    eventually("the conversations are on the desk", WAIT, || async {
        rooms_with_chats(&desk).contains(&"101".to_owned())
    })
    .await;
    let john = day(&desk, "doe").in_house[0].clone();
    assert_eq!(john.room_number, Some(101));

    let done = desk
        .handle::<FrontDesk>()
        .check_out(&john.booking_id)
        .await
        .unwrap();
    assert_eq!(done.booking.line.status, "COMPLETED");
    assert_eq!(done.dropped_conversations, 1);
    assert!(
        done.message
            .contains("guest conversations and room-service orders"),
        "{}",
        done.message
    );
    // At once, with no read of the chat in between: the server's deletion reaches no socket.
    let left = rooms_with_chats(&desk);
    assert!(!left.contains(&"101".to_owned()), "{left:?}");
    assert!(left.contains(&"102".to_owned()), "other rooms keep theirs");
    eventually("he is out of the in-house list", WAIT, || async {
        day(&desk, "doe").in_house.is_empty()
    })
    .await;

    // Again: the server's words, nothing dropped.
    let again = desk
        .handle::<FrontDesk>()
        .check_out(&john.booking_id)
        .await
        .unwrap_err();
    assert_eq!(again.to_string(), "Booking must be checked in to check out");
    desk.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_out_on_one_desk_shows_on_another_through_the_rooms_channel_alone() {
    let server = sandbox_2026().await;
    let first_home = Home::new("stays-two-desks-first");
    let second_home = Home::new("stays-two-desks-second");
    // Neither desk reads anything on a timer within this test: only the live event can tell.
    let first = desk_of(&first_home, &server, server.addr(), "anna.byrne").await;
    let second = desk_of(&second_home, &server, server.addr(), "niamh.kelly").await;
    let klaus = day(&second, "weber").departures[0].clone();
    let room = klaus.room_number.unwrap();

    first
        .handle::<FrontDesk>()
        .check_out(&klaus.booking_id)
        .await
        .unwrap();
    eventually(
        "the other desk no longer lists him leaving",
        WAIT,
        || async {
            let today = day(&second, "weber");
            today.departures.is_empty() && today.in_house.is_empty()
        },
    )
    .await;
    eventually(
        "the other desk's board shows his room dirty",
        WAIT,
        || async {
            day(&second, &room.to_string()).rooms.iter().any(|g| {
                g.status == "CHECKOUT_DIRTY" && g.rooms.iter().any(|r| r.room_number == room)
            })
        },
    )
    .await;
    first.shutdown().await;
    second.shutdown().await;
}
