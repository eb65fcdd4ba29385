//! The reception display in the real window: it shows the hotel's hero image, the offers a
//! guest can book today with their photos, and who is on duty; an offer switched off on the desk
//! leaves the display at once (the time it took is printed); reopened with the server gone, it
//! shows every photo from the desk's own copies. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use hotelmate_e2e::{
    click, describe_display, display_state, on_offer_row, row_titles, screenshot, sign_in,
    switch_to, until, until_explained, AppProfile, Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn window_the_display_shows_todays_offers_with_photos_follows_the_desk_and_survives_an_outage(
) {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("display");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    until("the offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;
    let titles = row_titles(&app).await;

    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until(
        "the display shows offers with their photos and the hero image",
        || async {
            let (count, loaded) = display_state(&app).await;
            count >= 2 && loaded
        },
    )
    .await;
    let (before, _) = display_state(&app).await;
    // The slide fades in over 0.8 s.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    screenshot(&app, "50-reception-display").await;

    // Switched off on the desk: gone from the display within moments, with no reload.
    switch_to(&app, false).await;
    let switched = titles[0].clone();
    let was_on = on_offer_row(
        &app,
        &switched,
        "const box = row.querySelector('[data-testid=offer-active]'); const on = box.checked; box.click(); return on;",
    )
    .await
    .unwrap();
    let clicked = Instant::now();
    switch_to(&app, true).await;
    let expected = if was_on == Value::Bool(true) {
        before - 1
    } else {
        before + 1
    };
    until("the display follows the switch", || async {
        display_state(&app).await.0 == expected
    })
    .await;
    println!(
        "an offer switched on the desk changed the display in {} ms (click to shown)",
        clicked.elapsed().as_millis()
    );

    // Reopened with the server gone: the display shows the same offers, every photo from the
    // desk's own copies.
    app.close().await.unwrap();
    server.shutdown().await;
    let app = driver.launch().await;
    until("the desk reopens signed in", || async {
        app.find(fantoccini::Locator::Css("[data-testid=open-display]"))
            .await
            .is_ok()
    })
    .await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until_explained(
        "the display shows its offers and photos offline",
        || async { display_state(&app).await == (expected, true) },
        || describe_display(&app),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    screenshot(&app, "51-reception-display-offline").await;
    app.close().await.unwrap();
}
