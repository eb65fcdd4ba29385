//! A receptionist's morning in the real window on a 2026 server (API.md §15.2, issue 66.3/66.5):
//! she finds an arrival and assigns one of the ready rooms the server offers; she checks a
//! guest out through the confirmation that names what the server deletes with the stay; she
//! tries to check an arrival in and reads that this server lets only a manager do it, the
//! booking still not checked in. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    click, content_of, open_screen, screenshot, sign_in, text_of, until, AppProfile, Driver,
};
use serde_json::{json, Value};

/// Types `text` into the search box as a person would after clearing it.
async fn search(app: &Client, text: &str) {
    app.execute(
        "const box = document.querySelector('[data-testid=front-desk-search]');
         box.value = arguments[0]; box.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![Value::from(text)],
    )
    .await
    .unwrap();
}

/// Opens the one booking of `list` the search for `name` finds.
async fn open_booking(app: &Client, list: &str, name: &str, guest: &str) {
    click(app, &format!("[data-testid=front-desk-tab-{list}]")).await;
    search(app, name).await;
    until(&format!("the search finds {guest}"), || async {
        app.execute(
            "return [...document.querySelectorAll('[data-testid=front-desk-booking]')].map(b => b.dataset.guest);",
            vec![],
        )
        .await
        .ok()
            == Some(json!([guest]))
    })
    .await;
    click(app, "[data-testid=front-desk-booking]").await;
    until(&format!("{guest}'s booking opens"), || async {
        content_of(app, "[data-testid=front-desk-detail] h3")
            .await
            .is_some_and(|title| title.contains(guest))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_a_receptionist_assigns_a_room_checks_a_guest_out_and_is_told_who_may_check_in() {
    let server = sandbox_2026().await;
    let profile = AppProfile::new("front-desk-stays");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    open_screen(&app, "front_desk").await;
    until("today's lists are counted", || async {
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await == "12"
    })
    .await;

    // An arrival without a room: the rooms the server offers, and one of them assigned.
    open_booking(&app, "arrivals", "Doherty", "Seamus Doherty").await;
    click(&app, "[data-testid=stay-rooms]").await;
    until("the rooms that fit are offered", || async {
        content_of(&app, "[data-testid=stay-room]").await.is_some()
    })
    .await;
    let room: i64 = app
        .execute(
            "return Number(document.querySelector('[data-testid=stay-room]').dataset.room);",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    click(&app, "[data-testid=stay-room]").await;
    until("the server's assignment is shown", || async {
        text_of(&app, "[data-testid=stay-message]")
            .await
            .contains(&format!("room {room}"))
    })
    .await;
    assert!(text_of(&app, "[data-testid=front-desk-detail]")
        .await
        .contains(&format!("Room {room}")));
    until("the arrivals list shows the room", || async {
        text_of(&app, "[data-testid=front-desk-booking]")
            .await
            .contains(&format!("Room {room}"))
    })
    .await;
    screenshot(&app, "66-front-desk-a-room-assigned").await;

    // A guest in house checks out, through the confirmation.
    open_booking(&app, "in_house", "Doe", "John Doe").await;
    click(&app, "[data-testid=stay-check-out]").await;
    let asked = text_of(&app, "[data-testid=check-out-confirm]").await;
    assert!(
        asked.contains("guest conversations") && asked.contains("room-service"),
        "{asked}"
    );
    screenshot(&app, "66-front-desk-check-out-confirmation").await;
    click(&app, "[data-testid=check-out-confirm-yes]").await;
    until("the check-out is told, with what went", || async {
        let told = text_of(&app, "[data-testid=stay-message]").await;
        told.contains("checked out") && told.contains("1 conversation(s) were removed")
    })
    .await;

    // An arrival's check-in as a front desk agent: refused with the reason, never claimed.
    open_booking(&app, "arrivals", "Moran", "Aisling Moran").await;
    click(&app, "[data-testid=stay-check-in]").await;
    until("the refusal is read", || async {
        text_of(&app, "[data-testid=stay-error]")
            .await
            .contains("lets only a manager check guests in")
    })
    .await;
    assert!(
        content_of(&app, "[data-testid=stay-message]")
            .await
            .is_none(),
        "no success is claimed"
    );
    until("the booking read back still offers check-in", || async {
        content_of(&app, "[data-testid=stay-check-in]")
            .await
            .is_some()
    })
    .await;
    screenshot(&app, "66-front-desk-check-in-refused").await;
    assert_eq!(
        server.requests_to(
            &text_of(&app, "[data-testid=front-desk-detail] h3 .muted")
                .await
                .split(' ')
                .next()
                .map(|id| format!("POST /api/staff/hotel/killarney/room-bookings/{id}/check-in/"))
                .unwrap()
        ),
        1,
        "sent once"
    );
}
