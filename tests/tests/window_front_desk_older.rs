//! A receptionist's morning in the real window on the older server fd6c529 (API.md §16, issue
//! 66.7): the Front desk screen says what that server lacks, shows the rooms due out, rooms
//! occupied and free and today's arrivals and departures from bookings; she checks room 305 out
//! through the confirmation that names what the server deletes, is told, and the room leaves
//! the due-out list. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::{click, open_screen, screenshot, sign_in, text_of, until, AppProfile, Driver};
use hotelmate_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread")]
async fn window_on_the_older_server_a_receptionist_checks_a_room_due_out_out() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("front-desk-older");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    open_screen(&app, "front_desk").await;
    until("the rooms due out are shown", || async {
        let due = text_of(&app, "[data-testid=older-desk-due-out]").await;
        due.contains("Room 305") && due.contains("Room 310")
    })
    .await;
    assert!(text_of(&app, "[data-testid=older-desk-lacks]")
        .await
        .contains("no room status board"));
    until("today's arrivals are shown", || async {
        text_of(&app, "[data-testid=older-desk-arrivals]")
            .await
            .contains("Aisling Moran")
    })
    .await;
    assert!(text_of(&app, "[data-testid=older-desk-rooms]")
        .await
        .contains("Free (5)"));
    screenshot(&app, "66-older-front-desk").await;

    click(&app, "[data-room='305'] [data-testid=older-desk-check-out]").await;
    let asked = text_of(&app, "[data-testid=older-desk-confirm]").await;
    assert!(
        asked.contains("guest-chat") && asked.contains("breakfast orders"),
        "{asked}"
    );
    screenshot(&app, "66-older-front-desk-check-out-confirmation").await;
    click(&app, "[data-testid=older-desk-confirm-yes]").await;
    until("the check-out is told", || async {
        text_of(&app, "[data-testid=older-desk-outcome]")
            .await
            .contains("Room 305 is checked out")
    })
    .await;
    until("room 305 leaves the due-out list", || async {
        !text_of(&app, "[data-testid=older-desk-due-out]")
            .await
            .contains("Room 305")
    })
    .await;
    assert_eq!(server.requests_to("POST /api/rooms/killarney/checkout/"), 1);
}
