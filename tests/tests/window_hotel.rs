//! The Hotel screen in the real window: it shows what the hotel's public page tells guests, and a
//! colleague's edit in the web app shows without a refresh — as text, whatever it holds.
//! Screenshot under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hotelmate_e2e::{
    click, screenshot, sign_in, text_of, token_of, until, wait_for_text, AppProfile, Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

const EDITED: &str = "Céad míle fáilte <img src=x onerror=alert(1)> roimh gach duine!";

#[tokio::test(flavor = "multi_thread")]
async fn window_the_hotel_screen_shows_the_public_page_and_a_colleagues_edit_as_text() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("hotel-details");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=nav-hotel]").await;
    wait_for_text(
        &app,
        "[data-testid=hotel-welcome]",
        "Fáilte! Welcome to Hotel Killarney.",
    )
    .await;
    until("the contact details show the hotel's phone", || async {
        text_of(&app, "[data-testid=hotel-contact]")
            .await
            .contains("Phone +353 64 663 1000")
    })
    .await;

    // A colleague rewrites the welcome in the web app, with markup in it.
    let token = token_of(&server, "sean.murphy").await;
    let answer = reqwest::Client::new()
        .patch(format!(
            "{}/api/staff/hotel/killarney/settings/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .json(&json!({ "welcome_message": EDITED }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    wait_for_text(&app, "[data-testid=hotel-welcome]", EDITED).await;
    let shown_as_markup = app
        .execute(
            "return document.querySelector('[data-testid=hotel-welcome]').children.length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown_as_markup, Value::from(0), "the server's text is text");
    until("the page lists the amenities", || async {
        app.execute(
            "return document.querySelectorAll('[data-testid=hotel-amenities] li').length;",
            vec![],
        )
        .await
        .ok()
        .and_then(|n| n.as_u64())
        .is_some_and(|n| n > 0)
    })
    .await;
    screenshot(&app, "44-hotel-details").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
