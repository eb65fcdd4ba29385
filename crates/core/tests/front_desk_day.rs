//! The rest of a front desk's day on the 2026 server (API.md §15.2, issue 66.1).
//!
//! "Mark seen": a booking marked seen while the
//! server cannot be reached waits in the desk's outbox, survives a restart of the desk, and
//! reaches the server once when the network returns; the lists show it seen (waiting) at
//! once and as the server has it after the read back. Real sandbox over HTTP and its
//! Pusher-protocol server, real SQLite files; the network is cut through a TCP proxy. Also a
//! check-in refused for its date (§15.6 rule 7): the server's words, and which zone applies;
//! and another day's lists (`date_from`/`date_to`), read when asked, searchable, kept for
//! offline with "as of", and a day never read said not to be kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::front_desk::{BookingLine, FrontDesk};
use hotelmate_core::{ConnectionStatus, Desk};
use hotelmate_sandbox::network::CutProxy;

const WAIT: Duration = Duration::from_secs(20);

fn moran(desk: &Desk) -> BookingLine {
    desk.handle::<FrontDesk>().day("moran").unwrap().arrivals[0].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_marked_seen_offline_reaches_the_server_once_after_a_restart() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("front-desk-seen");
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    desk.looking_at(View::FrontDesk);
    eventually("the arrivals are on the desk", WAIT, || async {
        desk.handle::<FrontDesk>()
            .day("moran")
            .unwrap()
            .arrivals
            .len()
            == 1
    })
    .await;
    let booking = moran(&desk);
    assert!(booking.is_new && !booking.seen_waiting, "{booking:?}");
    let line = format!(
        "POST /api/staff/hotel/killarney/room-bookings/{}/mark-seen/",
        booking.booking_id
    );

    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let front = desk.handle::<FrontDesk>();
    assert!(front.mark_seen(&booking.booking_id).unwrap(), "queued");
    assert!(
        !front.mark_seen(&booking.booking_id).unwrap(),
        "the same booking is queued once"
    );
    let waiting = moran(&desk);
    assert!(!waiting.is_new && waiting.seen_waiting, "{waiting:?}");
    desk.shutdown().await;
    drop(desk);

    // The desk starts again, still offline: the mark waits, as the person left it.
    let desk = home.open_with_poll(Duration::from_secs(600));
    desk.resume().await.unwrap().expect("the session is kept");
    desk.looking_at(View::FrontDesk);
    assert!(moran(&desk).seen_waiting, "kept across the restart");
    assert_eq!(server.requests_to(&line), 0);

    proxy.restore();
    eventually(
        "the server has it seen and the desk read it back",
        WAIT,
        || async {
            let read_back = moran(&desk);
            server.requests_to(&line) == 1 && !read_back.seen_waiting && !read_back.is_new
        },
    )
    .await;
    desk.settled().await;
    assert_eq!(server.requests_to(&line), 1, "sent once");
    let tok = token(&server, "anna.byrne").await;
    let detail = rest(
        &server,
        &tok,
        reqwest::Method::GET,
        &format!(
            "/api/staff/hotel/killarney/room-bookings/{}/",
            booking.booking_id
        ),
        None,
    )
    .await;
    assert_eq!(detail["is_new_for_staff"], false, "{detail}");
    desk.shutdown().await;
}

/// §15.2, §15.6 rule 7: a check-in before the arrival date is refused in the server's words,
/// and the desk adds which clock the arrival window runs on, without predicting it.
#[tokio::test(flavor = "multi_thread")]
async fn a_check_in_refused_for_its_date_says_the_servers_words_and_which_zone_applies() {
    let server = sandbox_2026().await;
    let home = Home::new("front-desk-window-zone");
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    desk.looking_at(View::FrontDesk);
    eventually("the board is on the desk", WAIT, || async {
        desk.handle::<FrontDesk>().day("").unwrap().total_rooms == 40
    })
    .await;
    // Tomorrow's arrival, as the server lists it (the desk's lists hold today's).
    let tok = token(&server, "sean.murphy").await;
    let tomorrow = rest(
        &server,
        &tok,
        reqwest::Method::GET,
        "/api/staff/hotel/killarney/room-bookings/?bucket=arrivals&q=hughes\
         &date_from=2000-01-01&date_to=2999-12-31",
        None,
    )
    .await;
    let booking = tomorrow["results"][0]["booking_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let front = desk.handle::<FrontDesk>();
    let fit = front.rooms_that_fit(&booking).await.unwrap();
    front.assign_room(&booking, fit[0].id).await.unwrap();

    let refused = front.check_in(&booking).await.unwrap_err().to_string();
    let arrives = tomorrow["results"][0]["check_in"].as_str().unwrap();
    assert!(
        refused.starts_with(&format!(
            "Check-in not allowed before arrival date {arrives}"
        )),
        "the server's words as given: {refused}"
    );
    assert!(
        refused.contains("check-in policy's own time zone"),
        "which zone applies: {refused}"
    );
    desk.shutdown().await;
}

/// The sandbox hotel's date `days` from today (its `Hotel.timezone`, Europe/Dublin).
fn hotel_date_in(days: i64) -> String {
    let zone = jiff::tz::TimeZone::get("Europe/Dublin").unwrap();
    let today = jiff::Timestamp::now().to_zoned(zone).date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn another_days_lists_are_read_when_asked_and_open_offline_from_the_copy() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("front-desk-another-day");
    let desk = home.open_with_poll(Duration::from_secs(600));
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    desk.looking_at(View::FrontDesk);
    let front = desk.handle::<FrontDesk>();
    eventually(
        "today's lists and the board are on the desk",
        WAIT,
        || async {
            let today = front.day("").unwrap();
            today.counts[0] == 12 && today.counts[2] > 0 && today.total_rooms == 40
        },
    )
    .await;
    let today = front.day("").unwrap();
    assert_eq!(today.date, front.today(), "the lists are the hotel's today");

    // Tomorrow: the three the sandbox has arriving then, searchable.
    let tomorrow = hotel_date_in(1);
    front.read_day(&tomorrow).await.unwrap();
    let other = front.day_on(&tomorrow, "").unwrap();
    assert_eq!(other.date, tomorrow);
    let mut names: Vec<String> = other.arrivals.iter().map(|b| b.guest.clone()).collect();
    names.sort();
    assert_eq!(names, ["Ben Hughes", "Nora Keane", "Ravi Patel"]);
    assert!(other.arrivals.iter().all(|b| b.check_in == tomorrow));
    assert_eq!(other.counts[0], 3);
    assert!(other.lists_as_of.is_some());
    assert_eq!(front.day_on(&tomorrow, "keane").unwrap().arrivals.len(), 1);
    assert_eq!(
        front.day_on(&front.today(), "").unwrap().arrivals,
        front.day("").unwrap().arrivals,
        "'Today' is the lists the desk keeps"
    );

    // Offline: the day read opens from the copy with its "as of"; one never read is not kept.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let said = front.read_day(&tomorrow).await.unwrap_err().to_string();
    assert!(said.contains("copy as of"), "{said}");
    let copy = front.day_on(&tomorrow, "").unwrap();
    assert_eq!(copy.counts[0], 3);
    assert_eq!(copy.lists_as_of, other.lists_as_of);
    let never = hotel_date_in(9);
    for said in [
        front.read_day(&never).await.unwrap_err().to_string(),
        front.day_on(&never, "").unwrap_err().to_string(),
    ] {
        assert!(said.contains("not kept on this desk"), "{said}");
    }
    assert!(front.day_on("tomorrow", "").is_err(), "not a date");
    proxy.restore();
    desk.shutdown().await;
}
