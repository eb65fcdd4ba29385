//! Issue 35.8, light on the hotel's server, against the in-process sandbox (its request
//! counts are the access log): colleagues' changes announced with the row are stored as told,
//! with no read of the list (50 colleague PATCHes made a desk read the offers list 20 times);
//! with live updates what no event announces is read every ten minutes, and at once when the
//! person opens the screen that shows it, if it was not read in the last minute.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::ConnectionStatus;
use reqwest::Method;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);
const OFFERS: &str = "GET /api/staff/hotel/killarney/offers/";
const ROOM_TYPES: &str = "GET /api/staff/hotel/killarney/room-types/";

/// A desk as the app opens it (live: what no event announces is read every ten minutes), with
/// the app's poll interval said here: a screen opened reads again what was read longer ago than
/// this. The test ages the desk's reads past it instead of waiting it out.
const POLL: Duration = Duration::from_secs(60);

fn app_desk(name: &str) -> (hotelmate_core::Desk, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut options =
        hotelmate_core::DeskOptions::new(hotelmate_core::session::config::DataDir::at(dir.path()));
    options.vault = hotelmate_core::session::secrets::TokenVault::with_service(unique(name));
    options.toasts = false;
    options.poll_interval = POLL;
    (hotelmate_core::Desk::open(options).unwrap(), dir)
}

/// Thirty colleagues' changes, one per offer, each announced with its row: none reads the list.
/// (Two changes of one row heard within moments are read once more on purpose, since their
/// events may come in the other order than their writes: `engine/heard.rs`, tested in
/// `offers_sync`. So each change here is of its own row, as a day's changes mostly are.)
#[tokio::test(flavor = "multi_thread")]
async fn colleagues_changes_with_their_rows_are_stored_without_reading_the_list() {
    let server = sandbox().await;
    let tok = token(&server, "anna.byrne").await;
    // Enough offers that each change is of its own row, made before the desk signs in.
    for n in 0..24 {
        rest(
            &server,
            &tok,
            Method::POST,
            "/api/staff/hotel/killarney/offers/",
            Some(json!({ "title": format!("Extra offer {n}"), "short_description": "More" })),
        )
        .await;
    }
    let (desk, _dir) = app_desk("load-events");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the desk is live", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the offers are read", WAIT, || async {
        desk.offers().list().is_ok_and(|offers| offers.len() >= 30)
    })
    .await;
    desk.settled().await;
    let before = server.requests_to(OFFERS);

    let offers = desk.offers().list().unwrap();
    for (n, offer) in offers.iter().take(30).enumerate() {
        rest(
            &server,
            &tok,
            Method::PATCH,
            &format!("/api/staff/hotel/killarney/offers/{}/", offer.id),
            Some(json!({ "tag": format!("Colleague {n}") })),
        )
        .await;
    }
    eventually("every colleague's change is on the desk", WAIT, || async {
        let now = desk.offers().list().unwrap();
        offers.iter().take(30).enumerate().all(|(n, changed)| {
            now.iter()
                .any(|offer| offer.id == changed.id && offer.tag == format!("Colleague {n}"))
        })
    })
    .await;
    desk.settled().await;
    let reads = server.requests_to(OFFERS) - before;
    println!("30 colleague changes of offers: {reads} reads of the offers list");
    assert_eq!(
        reads, 0,
        "the list was read for changes the events carried whole"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_no_event_announces_is_read_when_its_screen_is_opened() {
    let server = sandbox().await;
    let (desk, _dir) = app_desk("load-look");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the desk is live", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the room types are read", WAIT, || async {
        desk.pictures()
            .overview()
            .is_ok_and(|overview| !overview.room_types.is_empty())
    })
    .await;
    desk.settled().await;

    // A colleague renames a room type: no event says so.
    let tok = token(&server, "anna.byrne").await;
    let room = desk.pictures().overview().unwrap().room_types[0].clone();
    rest(
        &server,
        &tok,
        Method::PATCH,
        &format!("/api/staff/hotel/killarney/room-types/{}/", room.id),
        Some(json!({ "name": "Renamed by a colleague" })),
    )
    .await;
    // No event says so: an idle live desk does not read room types again for ten minutes.
    // Opened within the poll interval of the last read, Pictures reads nothing (the app waits
    // on purpose); once the last read is older (the desk's reads are aged by the interval, as
    // if it had passed), the rename is read at once, in one request.
    let before = server.requests_to(ROOM_TYPES);
    desk.looking_at(View::Pictures);
    desk.settled().await;
    assert_eq!(
        server.requests_to(ROOM_TYPES),
        before,
        "read again within the poll interval"
    );
    desk.age_reads_by(POLL + Duration::from_secs(1));
    assert_ne!(
        desk.pictures().overview().unwrap().room_types[0].name,
        "Renamed by a colleague"
    );
    desk.looking_at(View::Pictures);
    eventually("the colleague's rename is on the desk", WAIT, || async {
        desk.pictures()
            .overview()
            .unwrap()
            .room_types
            .iter()
            .any(|r| r.id == room.id && r.name == "Renamed by a colleague")
    })
    .await;
    assert_eq!(server.requests_to(ROOM_TYPES), before + 1);

    // Opened again at once: what was just read is not read again.
    desk.looking_at(View::Pictures);
    desk.settled().await;
    assert_eq!(
        server.requests_to(ROOM_TYPES),
        before + 1,
        "read again at once"
    );
}
