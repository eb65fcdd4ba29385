//! The rest of the front desk's day in the real window on a 2026 server (API.md §15.2, issue
//! 66): the manager checks in the arrival the agent could not (this server lets only a manager),
//! and marks a new booking seen; offline, the lists open from the desk's copy and are searched,
//! every action waits with the reason, another day never read is said not to be kept, and a
//! booking marked seen offline reaches the server once the network returns. Screenshots under
//! target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    click, content_of, open_screen, screenshot, sign_in, sign_in_through, text_of, until,
    AppProfile, Driver,
};
use hotelmate_sandbox::network::CutProxy;
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

/// The guests the open list shows.
async fn guests(app: &Client) -> Value {
    app.execute(
        "return [...document.querySelectorAll('[data-testid=front-desk-booking]')].map(b => b.dataset.guest);",
        vec![],
    )
    .await
    .unwrap_or(Value::Null)
}

/// Opens the one booking of `list` the search for `name` finds.
async fn open_booking(app: &Client, list: &str, name: &str, guest: &str) {
    click(app, &format!("[data-testid=front-desk-tab-{list}]")).await;
    search(app, name).await;
    until(&format!("the search finds {guest}"), || async {
        guests(app).await == json!([guest])
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

/// Whether every element `selector` finds is disabled (and there is one).
async fn all_disabled(app: &Client, selector: &str) -> bool {
    app.execute(
        "const found = [...document.querySelectorAll(arguments[0])];
         return found.length > 0 && found.every(b => b.disabled);",
        vec![Value::from(selector)],
    )
    .await
    .ok()
        == Some(json!(true))
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_manager_checks_in_the_arrival_the_agent_could_not_and_marks_one_seen() {
    let server = sandbox_2026().await;
    let profile = AppProfile::new("front-desk-manager");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "sean.murphy").await;
    open_screen(&app, "front_desk").await;
    until("today's lists are counted", || async {
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await == "12"
    })
    .await;
    assert!(text_of(&app, "[data-testid=front-desk-zone]")
        .await
        .contains("check-in policy's own time zone"));

    open_booking(&app, "arrivals", "Moran", "Aisling Moran").await;
    let id = text_of(&app, "[data-testid=front-desk-detail] h3 .muted")
        .await
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    click(&app, "[data-testid=front-desk-mark-seen]").await;
    until("the mark is told", || async {
        text_of(&app, "[data-testid=front-desk-seen-message]")
            .await
            .starts_with("Marked seen")
    })
    .await;
    until("the list no longer marks her new", || async {
        !text_of(&app, "[data-testid=front-desk-booking]")
            .await
            .contains("New")
    })
    .await;
    let seen = format!("POST /api/staff/hotel/killarney/room-bookings/{id}/mark-seen/");
    assert_eq!(server.requests_to(&seen), 1);

    click(&app, "[data-testid=stay-check-in]").await;
    until("the manager's check-in is told", || async {
        text_of(&app, "[data-testid=stay-message]")
            .await
            .contains("Aisling Moran is checked in")
    })
    .await;
    assert!(content_of(&app, "[data-testid=stay-error]").await.is_none());
    screenshot(&app, "66-front-desk-manager-checked-in").await;
    click(&app, "[data-testid=front-desk-tab-in_house]").await;
    until("she is in house", || async {
        guests(&app).await == json!(["Aisling Moran"])
    })
    .await;
    assert_eq!(
        server.requests_to(&format!(
            "POST /api/staff/hotel/killarney/room-bookings/{id}/check-in/"
        )),
        1,
        "sent once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn window_offline_the_lists_open_from_the_copy_and_actions_wait_with_the_reason() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("front-desk-offline");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    open_screen(&app, "front_desk").await;
    until("today's lists are counted", || async {
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await == "12"
    })
    .await;
    open_booking(&app, "arrivals", "Moran", "Aisling Moran").await;
    let id = text_of(&app, "[data-testid=front-desk-detail] h3 .muted")
        .await
        .split(' ')
        .next()
        .unwrap()
        .to_owned();

    proxy.cut();
    until("the actions wait, with the reason", || async {
        content_of(&app, "[data-testid=stay-offline]")
            .await
            .is_some()
            && all_disabled(&app, "[data-testid=stay-actions] button").await
    })
    .await;
    assert!(text_of(&app, "[data-testid=stay-offline]")
        .await
        .contains("on the server only"));
    // The board's moves too (the whole board: the search also filters its rooms).
    search(&app, "").await;
    until("the board's moves wait", || async {
        all_disabled(&app, "[data-testid=room-move]").await
    })
    .await;
    assert!(text_of(&app, "[data-testid=room-moves-offline]")
        .await
        .starts_with("You are offline"));

    // The lists from the copy, searched offline.
    assert_eq!(
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await,
        "12"
    );
    search(&app, "Doherty").await;
    until("the copy is searched", || async {
        guests(&app).await == json!(["Seamus Doherty"])
    })
    .await;
    search(&app, "Moran").await;
    until("she is found again", || async {
        guests(&app).await == json!(["Aisling Moran"])
    })
    .await;

    // Marked seen offline: shown as waiting.
    click(&app, "[data-testid=front-desk-mark-seen]").await;
    until("the mark waits to be sent", || async {
        content_of(&app, "[data-testid=front-desk-seen-waiting]")
            .await
            .is_some()
    })
    .await;
    screenshot(&app, "66-front-desk-offline").await;

    // Another day never read: said not kept; "Today" brings the day back.
    app.execute(
        "const box = document.querySelector('[data-testid=front-desk-date]');
         box.value = '2099-01-05'; box.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    until("another day is said not to be kept", || async {
        text_of(&app, "[data-testid=front-desk-day-note]")
            .await
            .contains("not kept on this desk")
    })
    .await;
    click(&app, "[data-testid=front-desk-today]").await;
    until("today's lists are back", || async {
        text_of(&app, "[data-testid=front-desk-count-arrivals]").await == "12"
    })
    .await;

    let seen = format!("POST /api/staff/hotel/killarney/room-bookings/{id}/mark-seen/");
    assert_eq!(server.requests_to(&seen), 0);
    proxy.restore();
    until("the mark reaches the server and is read back", || async {
        server.requests_to(&seen) == 1
            && content_of(&app, "[data-testid=front-desk-seen-waiting]")
                .await
                .is_none()
    })
    .await;
    assert_eq!(server.requests_to(&seen), 1, "sent once");
}
