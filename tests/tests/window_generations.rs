//! The desk in the real window on a 2026 HotelMate server (the sandbox playing API.md §10): a
//! regular receptionist signs in, About names the server, the Offers screen says in words that
//! this server has none, room types say she may not change them (before she tries), the team
//! shows, and she clocks in (an unrostered clock-in, pending a
//! manager's approval, as the button says) and out. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    click, content_of, open_screen, screenshot, sign_in, text_of, until, AppProfile, Driver,
};

#[tokio::test(flavor = "multi_thread")]
async fn window_a_receptionist_on_a_2026_server_is_told_what_it_has_not() {
    let server = sandbox_2026().await;
    let profile = AppProfile::new("generation-2026");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "niamh.kelly").await;

    open_screen(&app, "offers").await;
    until(
        "the Offers screen says this server has no offers",
        || async {
            text_of(&app, "[data-testid=area-unavailable]")
                .await
                .contains("This HotelMate server has no offers")
        },
    )
    .await;
    let offer_to_create = app
        .find(fantoccini::Locator::Css("[data-testid=new-offer]"))
        .await
        .is_ok();
    assert!(!offer_to_create, "no New offer on a server without offers");
    screenshot(&app, "45-offers-on-a-2026-server").await;

    open_screen(&app, "team").await;
    until("the team shows", || async {
        app.execute(
            "return document.querySelectorAll('[data-testid=team-member]').length;",
            vec![],
        )
        .await
        .ok()
        .and_then(|n| n.as_u64())
        .is_some_and(|n| n > 1)
    })
    .await;

    // Room types: read, but not changed by a receptionist there: said before any click.
    open_screen(&app, "pictures").await;
    click(&app, "[data-testid=jump-rooms]").await;
    until("the room types say why they cannot be changed", || async {
        content_of(&app, "[data-testid=room-types-refused]")
            .await
            .is_some_and(|words| words.contains("may not change room types"))
    })
    .await;
    let new_disabled = app
        .execute(
            "return document.querySelector('[data-testid=room-type-new]').disabled;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(new_disabled, serde_json::Value::Bool(true));
    let gallery_to_create = app
        .find(fantoccini::Locator::Css("[data-testid=new-gallery-name]"))
        .await
        .is_ok();
    assert!(
        !gallery_to_create,
        "no New gallery on a server whose galleries the desk does not edit"
    );
    // The hotel's images: the server refuses her its settings; said, and no empty slots.
    until("the Pictures screen says what this server and account do not offer", || async {
        let said = app
            .execute(
                "return [...document.querySelectorAll('[data-testid=area-unavailable]')].map(p => p.textContent).join('|');",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        said.contains("may not see the hotel's settings and images") && said.contains("page-builder")
    })
    .await;
    let slots = app
        .execute(
            "return document.querySelectorAll('[data-testid=slot-hero]').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(slots, serde_json::Value::from(0), "no empty image slots");
    screenshot(&app, "47-room-types-on-a-2026-server").await;

    // The clock: in as the 2026 server records it from a desk, then out by that clock-in.
    click(&app, "[data-testid=clock-button]").await;
    until("the clock-in is confirmed in words", || async {
        content_of(&app, "[data-testid=clock-note]")
            .await
            .is_some_and(|note| {
                note.contains("Clocked in at") && note.contains("pending a manager's approval")
            })
    })
    .await;
    screenshot(&app, "46-clock-in-on-a-2026-server").await;
    click(&app, "[data-testid=clock-button]").await;
    click(&app, "[data-testid=clock-out-confirm]").await;
    until("the clock-out is confirmed", || async {
        content_of(&app, "[data-testid=clock-note]")
            .await
            .is_some_and(|note| note.contains("Clocked out at"))
    })
    .await;

    open_screen(&app, "settings").await;
    until("About names the server's generation", || async {
        text_of(&app, "[data-testid=about-server-generation]")
            .await
            .contains("HotelMate 2026")
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}
