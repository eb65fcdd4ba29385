//! The Hotel screen in the real window: it shows what the hotel's public page tells guests, and a
//! colleague's edit in the web app shows without a refresh — as text, whatever it holds. Then,
//! on the same desk (one start for both), the Guest page: the offers and rooms guests see, with
//! their photos, and a colleague's new offer that has already ended, marked as still shown.
//! Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::{
    click, screenshot, sign_in, text_of, token_of, until, wait_for_text, AppProfile, Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

const EDITED: &str = "Céad míle fáilte <img src=x onerror=alert(1)> roimh gach duine!";
const OFFER: &str = "Black Friday <img src=x onerror=alert(2)> Spa";

#[tokio::test(flavor = "multi_thread")]
async fn window_the_hotel_and_guest_page_screens_show_the_public_page_and_a_colleagues_edits_as_text(
) {
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

    // The Guest page: every offer a guest's browser gets, with its photo.
    let page: Value = reqwest::get(format!(
        "{}/api/hotel/public/page/killarney/",
        server.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let published = page["offers"].as_array().unwrap().len();
    assert!(published > 0, "{page}");
    click(&app, "[data-testid=nav-guest_page]").await;
    until("the Guest page shows every published offer, photos loaded", || async {
        let loaded = app
            .execute(
                "const offers = document.querySelectorAll('[data-testid=guest-offer]');
                 const photos = [...document.querySelectorAll('[data-testid=guest-offer-photo]')];
                 return [offers.length, photos.length, photos.filter(p => p.complete && p.naturalWidth > 0).length];",
                vec![],
            )
            .await
            .unwrap();
        loaded[0].as_u64() == u64::try_from(published).ok() && loaded[1].as_u64() > Some(0) && loaded[1] == loaded[2]
    })
    .await;

    // A colleague publishes an offer that ended last year, with markup in its title: it shows
    // without a refresh, as text, marked as still seen by guests.
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/api/staff/hotel/killarney/offers/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .json(&json!({ "title": OFFER, "short_description": "Two nights.", "valid_to": "2025-11-30" }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    until(
        "the ended offer shows, marked, with the page's warning",
        || async {
            let titles = app
                .execute(
                    "return [...document.querySelectorAll('[data-testid=guest-offer]')]
                   .filter(o => o.querySelector('[data-testid=guest-offer-ended]'))
                   .map(o => o.querySelector('[data-testid=guest-offer-title]').textContent);",
                    vec![],
                )
                .await
                .unwrap();
            titles == json!([OFFER])
                && app
                    .execute(
                        "return document.querySelector('[data-testid=guest-page-ended]') !== null;",
                        vec![],
                    )
                    .await
                    .unwrap()
                    == Value::Bool(true)
        },
    )
    .await;
    let markup = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=guest-offer-title]')]
               .reduce((n, t) => n + t.children.length, 0);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(markup, Value::from(0), "the server's text is text");
    screenshot(&app, "45-guest-page").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
