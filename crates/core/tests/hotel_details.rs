//! The hotel's public page as reception reads it (the README's worked example of a synced
//! resource): the desk shows what guests read, follows a colleague's edit in the web app without
//! a refresh, and still shows it after a restart with no network. Real sandbox over HTTP and
//! WebSocket, real SQLite files, the real keyring of the test session; the network cut goes
//! through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::hotel_details::{HotelDetails, HotelDetailsHandle};
use hotelmate_core::Desk;
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn shown(desk: &Desk) -> Option<HotelDetails> {
    desk.handle::<HotelDetailsHandle>().get().unwrap()
}

/// What guests read: the public page as the server answers it to anyone.
async fn public_page(server: &SandboxHandle) -> serde_json::Value {
    reqwest::get(format!(
        "{}/api/hotel/public/killarney/settings/",
        server.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_page_shows_what_guests_read_follows_a_colleague_and_opens_offline() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("hotel-details");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;

    let page = public_page(&server).await;
    let welcome = page["welcome_message"].as_str().unwrap().to_owned();
    assert!(!welcome.is_empty(), "the demo hotel has a welcome: {page}");
    eventually("the desk has read the public page", WAIT, || async {
        shown(&desk).is_some()
    })
    .await;
    let details = shown(&desk).unwrap();
    assert_eq!(details.welcome_message, welcome);
    assert_eq!(
        details.contact_phone,
        page["contact_phone"].as_str().unwrap()
    );
    let amenities: Vec<&str> = page["amenities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(details.amenities, amenities);

    // A colleague rewrites the welcome in the web app: the staff settings PATCH, which the
    // server announces as `settings-updated` on the hotel channel.
    let mut events = desk.subscribe();
    let colleague = token(&server, "sean.murphy").await;
    rest(
        &server,
        &colleague,
        reqwest::Method::PATCH,
        "/api/staff/hotel/killarney/settings/",
        Some(json!({"welcome_message": "Céad míle fáilte <b>roimh</b> gach duine!"})),
    )
    .await;
    eventually(
        "the colleague's words show, without a refresh",
        WAIT,
        || async {
            shown(&desk).unwrap().welcome_message == "Céad míle fáilte <b>roimh</b> gach duine!"
        },
    )
    .await;
    assert!(
        told_of(&mut events, View::HotelDetails).await,
        "the Hotel screen was told to read again"
    );

    // Closed, then opened with the network gone: the page still reads.
    desk.shutdown().await;
    drop(desk);
    proxy.cut();
    let reopened = home.open();
    reopened.resume().await.unwrap().expect("still signed in");
    assert_eq!(
        shown(&reopened).unwrap().welcome_message,
        "Céad míle fáilte <b>roimh</b> gach duine!",
        "kept on this desk, shown with no network"
    );
    reopened.shutdown().await;
    server.shutdown().await;
}
