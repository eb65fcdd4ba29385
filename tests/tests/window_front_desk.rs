//! The Front desk screen in the real window on a 2026 server (API.md §15): a receptionist sees
//! today's lists with their counts, finds an arrival by name and opens it (the party member
//! not yet named is said), and sees a room turn ready on the board live when housekeeping marks
//! it through the server, as their own app would. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::sandbox_2026;
use std::time::Instant;

use fantoccini::Client;
use hotelmate_e2e::{
    click, content_of, open_screen, screenshot, sign_in, text_of, type_into, until, AppProfile,
    Driver,
};
use hotelmate_sandbox::SandboxHandle;
use serde_json::{json, Value};

/// The status room `number` shows on the board, if it is there.
async fn board_status(app: &Client, number: i64) -> Option<String> {
    app.execute(
        "const room = document.querySelector(`[data-testid=room][data-room='${arguments[0]}']`);
         return room ? room.dataset.status : null;",
        vec![Value::from(number)],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
}

/// Housekeeping (the manager, who holds every move) marks a room through the server.
async fn housekeeping_marks(server: &SandboxHandle, room_id: i64, to: &str) {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&json!({"username": "sean.murphy", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = http
        .post(format!(
            "{}/api/staff/hotel/killarney/housekeeping/rooms/{room_id}/status/",
            server.base_url()
        ))
        .header(
            "Authorization",
            format!("Token {}", login["token"].as_str().unwrap()),
        )
        .json(&json!({"to_status": to}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// A room waiting for inspection, from the server's dashboard: (id, number).
async fn a_room_to_inspect(server: &SandboxHandle) -> (i64, i64) {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&json!({"username": "anna.byrne", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let board: Value = http
        .get(format!(
            "{}/api/staff/hotel/killarney/housekeeping/dashboard/",
            server.base_url()
        ))
        .header(
            "Authorization",
            format!("Token {}", login["token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let room = &board["rooms_by_status"]["CLEANED_UNINSPECTED"][0];
    (
        room["id"].as_i64().unwrap(),
        room["room_number"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn window_a_receptionist_finds_an_arrival_and_sees_a_room_turn_ready_live() {
    let server = sandbox_2026().await;
    let profile = AppProfile::new("front-desk");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;

    open_screen(&app, "front_desk").await;
    until("today's lists are counted", || async {
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await == "12"
            && text_of(&app, "[data-testid=front-desk-count-departures]").await == "12"
            && text_of(&app, "[data-testid=front-desk-count-in_house]").await == "17"
    })
    .await;

    // She finds an arrival by name and opens it: the one of the party not yet named is said.
    type_into(&app, "[data-testid=front-desk-search]", "Hassan").await;
    until("the search finds one arrival", || async {
        app.execute(
            "return [...document.querySelectorAll('[data-testid=front-desk-booking]')].map(b => b.dataset.guest);",
            vec![],
        )
        .await
        .ok()
        == Some(json!(["Fatima Hassan"]))
    })
    .await;
    click(&app, "[data-testid=front-desk-booking]").await;
    until("the booking opens with its party", || async {
        content_of(&app, "[data-testid=front-desk-party]")
            .await
            .is_some_and(|party| party.contains("Fatima Hassan") && party.contains("Not named yet"))
    })
    .await;
    assert!(text_of(&app, "[data-testid=front-desk-requests]")
        .await
        .contains("Cot for a baby"));
    screenshot(&app, "66-front-desk-an-arrival-opened").await;

    // Housekeeping marks a room ready: the board follows live.
    // The search box emptied as a person would (select all, delete): the whole day again.
    app.execute(
        "const box = document.querySelector('[data-testid=front-desk-search]');
         box.value = ''; box.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    let (room_id, number) = a_room_to_inspect(&server).await;
    until("the room shows as to inspect", || async {
        board_status(&app, number).await.as_deref() == Some("CLEANED_UNINSPECTED")
    })
    .await;
    let started = Instant::now();
    housekeeping_marks(&server, room_id, "READY_FOR_GUEST").await;
    until("the room turns ready on the board", || async {
        board_status(&app, number).await.as_deref() == Some("READY_FOR_GUEST")
    })
    .await;
    println!(
        "room {number} turned ready on the board {} ms after housekeeping marked it",
        started.elapsed().as_millis()
    );
    screenshot(&app, "66-front-desk-a-room-turned-ready").await;
}
