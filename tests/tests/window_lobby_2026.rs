//! A morning on the 2026 server in the real window: the Overview shows the front desk's day at
//! a glance (issue 66.6: arrivals to come, departures still in house, rooms ready, the next
//! arrival) and a click opens the arrivals; the reception display shows the published public
//! page (issue 65.11): the offers list's cards as its offers. (A card a colleague adds arrives
//! on the public read's timer, a minute while the display shows; the core's test
//! `public_page::the_lobby_on_the_2026_server_…` follows one on a shortened clock.) Screenshots
//! under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    click, content_of, describe_display, display_state, open_screen, screenshot, sign_in,
    switch_to, text_of, until, until_explained, AppProfile, Driver,
};

/// The titles of the offer slides the display has shown so far (it rotates through them).
async fn offer_title(app: &fantoccini::Client) -> Option<String> {
    app.execute(
        "const slide = document.querySelector('[data-testid=display-offer]');
         return slide ? slide.dataset.title : null;",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_overview_glances_at_the_day_and_the_lobby_shows_the_published_page() {
    let server = sandbox_2026().await;
    let profile = AppProfile::new("lobby-2026");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "sean.murphy").await;
    open_screen(&app, "overview").await;

    // The Overview: the seeded day (12 arrivals, 12 departures, 40 rooms).
    until_explained(
        "the Overview shows the front desk's day",
        || async {
            content_of(&app, "[data-testid=overview-arrivals-to-come]")
                .await
                .as_deref()
                == Some("12")
        },
        || async {
            hotelmate_e2e::page_text(
                &app,
                "return document.body.innerText.slice(0, 3000);",
                vec![],
            )
            .await
        },
    )
    .await;
    let departures = text_of(&app, "[data-testid=overview-departures-in-house]").await;
    assert_eq!(departures, "12 departures still in house");
    let ready = text_of(&app, "[data-testid=overview-rooms-ready]").await;
    assert!(ready.ends_with("of 40 rooms ready"), "{ready}");
    let next = text_of(&app, "[data-testid=overview-next-arrival]").await;
    assert!(next.starts_with("next: "), "{next}");
    screenshot(&app, "120-overview-front-desk").await;
    click(&app, "[data-testid=overview-front-desk]").await;
    until("the arrivals open", || async {
        content_of(&app, "[data-testid=front-desk-count-arrivals]")
            .await
            .as_deref()
            == Some("12")
    })
    .await;

    // The lobby: the page's offers list, card by card.
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until_explained(
        "the display shows the page's three cards as its offers",
        || async { display_state(&app).await.0 == 3 },
        || describe_display(&app),
    )
    .await;
    let cards = ["Lakeside Spa Retreat", "Golf Getaway", "Winter Escape"];
    let shown = offer_title(&app).await.unwrap_or_default();
    assert!(cards.contains(&shown.as_str()), "{shown}");
    screenshot(&app, "121-lobby-2026").await;

    app.close().await.unwrap();
}
