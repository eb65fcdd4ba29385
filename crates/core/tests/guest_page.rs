//! The page guests see (the public page, API.md §3.3) as a manager checks it on the desk: it
//! shows exactly the offers and room types the server publishes, follows a colleague's offer
//! without a refresh while it is open (and reads nothing for it while it is not), says which
//! shown offer has passed its last day, picks up a room type no event announces when the
//! screen is opened, and still opens after a restart with no network.
//! Real sandbox over HTTP and WebSocket, real SQLite files, the real keyring of the test
//! session; the network cut goes through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::engine::POLL_INTERVAL;
use hotelmate_core::events::View;
use hotelmate_core::features::guest_page::{GuestPage, GuestPageHandle};
use hotelmate_core::Desk;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);
const PAGE: &str = "GET /api/hotel/public/page/killarney/";

fn shown(desk: &Desk) -> Option<GuestPage> {
    desk.handle::<GuestPageHandle>().get().unwrap()
}

fn offer_titles(page: &GuestPage) -> Vec<String> {
    page.offers.iter().map(|o| o.title.clone()).collect()
}

/// What a guest's browser reads: the page as the server answers it to anyone.
async fn public_page(server: &SandboxHandle) -> Value {
    reqwest::get(format!(
        "{}/api/hotel/public/page/killarney/",
        server.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

fn titles_in(page: &Value, list: &str, key: &str) -> Vec<String> {
    page[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guest_page_shows_what_guests_see_follows_colleagues_and_opens_offline() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("guest-page");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;

    // What the desk shows is what a guest's browser gets: the same offers and room types, in
    // the same order, with their photos.
    let page = public_page(&server).await;
    eventually("the desk has read the page guests see", WAIT, || async {
        shown(&desk).is_some()
    })
    .await;
    let first = shown(&desk).unwrap();
    assert_eq!(first.name, page["name"].as_str().unwrap());
    assert_eq!(offer_titles(&first), titles_in(&page, "offers", "title"));
    assert!(!first.offers.is_empty(), "the demo hotel publishes offers");
    assert!(
        first.offers.iter().any(|o| o.photo_url.is_some()),
        "with photos: {:?}",
        first.offers
    );
    let rooms: Vec<String> = first.room_types.iter().map(|r| r.name.clone()).collect();
    assert_eq!(rooms, titles_in(&page, "room_types", "name"));
    assert!(first
        .room_types
        .iter()
        .any(|r| r.price.starts_with("from ")));
    assert!(
        first.buttons.iter().any(|b| b.label == "Book Now"),
        "{:?}",
        first.buttons
    );
    assert_eq!(first.unreadable, 0);

    // The person opens the Guest page. A colleague publishes an offer that ended yesterday
    // (the page does not check dates): it shows without a refresh, marked, and the screen is
    // told to read again.
    desk.looking_at(View::GuestPage);
    let mut events = desk.subscribe();
    let colleague = token(&server, "sean.murphy").await;
    let yesterday = (jiff::Zoned::now().date() - jiff::Span::new().days(1)).to_string();
    let created = rest(
        &server,
        &colleague,
        Method::POST,
        "/api/staff/hotel/killarney/offers/",
        Some(json!({
            "title": "Black Friday <b>Spa</b>",
            "short_description": "Two nights, one price.",
            "valid_to": yesterday,
            "is_active": true,
        })),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    eventually(
        "the colleague's offer shows, marked as ended",
        WAIT,
        || async {
            shown(&desk)
                .unwrap()
                .offers
                .iter()
                .any(|o| o.id == id && o.ended && o.title == "Black Friday <b>Spa</b>")
        },
    )
    .await;
    // The screen is told once the offer is stored, a moment after it shows in the store.
    assert!(
        told_of(&mut events, View::GuestPage).await,
        "the Guest page screen was told to read again"
    );

    // The person moves to a screen that reads nothing of its own. The colleague switches the
    // offer off: the desk does not read the whole page for it (every offer change would cost
    // every desk that read); it is read when the Guest page is opened again, at once, however
    // recent its last read. Switched off, the offer leaves the page guests see (it stays on
    // the Offers screen).
    desk.settled().await;
    desk.looking_away();
    let reads_before = server.requests_to(PAGE);
    rest(
        &server,
        &colleague,
        Method::PATCH,
        &format!("/api/staff/hotel/killarney/offers/{id}/"),
        Some(json!({"is_active": false})),
    )
    .await;
    // A barrier: a second change the desk shows from its own event. The server sends it after
    // the first change's `offers-updated` on the same socket, so once it shows, that event was
    // heard and any read it asked for is due; `settled` waits for such a read.
    let other = first
        .offers
        .iter()
        .map(|o| o.id)
        .find(|o| *o != id)
        .unwrap();
    rest(
        &server,
        &colleague,
        Method::PATCH,
        &format!("/api/staff/hotel/killarney/offers/{other}/"),
        Some(json!({"tag": "Barrier"})),
    )
    .await;
    eventually("the second change is on the desk", WAIT, || async {
        desk.offers()
            .list()
            .unwrap()
            .iter()
            .any(|o| o.id == other && o.tag == "Barrier")
    })
    .await;
    desk.settled().await;
    assert_eq!(
        server.requests_to(PAGE),
        reads_before,
        "read while not shown"
    );
    assert!(
        shown(&desk).unwrap().offers.iter().any(|o| o.id == id),
        "the page as last read, until the screen is opened"
    );
    desk.looking_at(View::GuestPage);
    eventually("the switched-off offer leaves the page", WAIT, || async {
        shown(&desk).unwrap().offers.iter().all(|o| o.id != id)
    })
    .await;
    assert_eq!(offer_titles(&shown(&desk).unwrap()), offer_titles(&first));
    assert_eq!(
        server.requests_to(PAGE),
        reads_before + 1,
        "one read, on opening"
    );

    // A colleague adds a room type: no event says so. Opened within the poll interval of the
    // last read, the screen reads nothing; once that read is older (the desk's reads are aged
    // by the interval, as if it had passed), opening the screen reads the page at once.
    rest(
        &server,
        &colleague,
        Method::POST,
        "/api/staff/hotel/killarney/room-types/",
        Some(
            json!({"code": "LOFT", "name": "Attic Loft", "max_occupancy": 2,
                    "starting_price_from": "189.00", "currency": "EUR"}),
        ),
    )
    .await;
    let has_loft = |page: &GuestPage| page.room_types.iter().any(|r| r.name == "Attic Loft");
    desk.settled().await;
    desk.looking_at(View::GuestPage);
    desk.settled().await;
    assert!(
        !has_loft(&shown(&desk).unwrap()),
        "read within the poll interval"
    );
    desk.age_reads_by(POLL_INTERVAL + Duration::from_secs(1));
    desk.looking_at(View::GuestPage);
    eventually("the new room type is on the page", WAIT, || async {
        has_loft(&shown(&desk).unwrap())
    })
    .await;
    let loft = shown(&desk).unwrap();
    let loft = loft
        .room_types
        .iter()
        .find(|r| r.name == "Attic Loft")
        .unwrap();
    assert_eq!(loft.price, "from 189.00 EUR");
    assert_eq!(loft.max_occupancy, Some(2));

    // Closed, then opened with the network gone: the page still reads, as it was.
    let before = shown(&desk).unwrap();
    desk.shutdown().await;
    drop(desk);
    proxy.cut();
    let reopened = home.open();
    reopened.resume().await.unwrap().expect("still signed in");
    assert_eq!(
        shown(&reopened).unwrap(),
        before,
        "kept on this desk, shown with no network"
    );
    reopened.shutdown().await;
    server.shutdown().await;
}
