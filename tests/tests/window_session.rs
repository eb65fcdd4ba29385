//! The real app window, driven over WebDriver: sign in to the demo hotel, restart signed in,
//! sign out. Screenshots are kept under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hotelmate_core::secrets::TokenVault;
use hotelmate_e2e::{click, screenshot, text_of, type_into, wait_for_text, AppProfile, Driver};

#[tokio::test(flavor = "multi_thread")]
async fn window_demo_sign_in_survives_a_restart_and_sign_out_clears_the_keyring() {
    let profile = AppProfile::new("session");
    let mut driver = Driver::start(&profile);
    let vault = TokenVault::with_service(&profile.keyring_service);

    let app = driver.launch().await;
    assert_eq!(
        text_of(&app, "[data-testid=try-demo]").await,
        "Try the demo hotel"
    );
    screenshot(&app, "01-sign-in").await;
    click(&app, "[data-testid=try-demo]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(&app, "[data-testid=staff-name]", "Anna Byrne").await;
    wait_for_text(&app, "[data-testid=connection-state]", "Connected").await;
    screenshot(&app, "02-signed-in-demo").await;
    assert!(
        vault.load("demo:anna.byrne").unwrap().is_some(),
        "token saved in the keyring"
    );
    app.close().await.unwrap();

    let restarted = driver.launch().await;
    wait_for_text(&restarted, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(&restarted, "[data-testid=staff-name]", "Anna Byrne").await;
    wait_for_text(&restarted, "[data-testid=connection-state]", "Connected").await;
    screenshot(&restarted, "03-restarted-signed-in").await;

    click(&restarted, "[data-testid=sign-out]").await;
    assert_eq!(
        text_of(&restarted, "[data-testid=try-demo]").await,
        "Try the demo hotel"
    );
    assert!(
        vault.load("demo:anna.byrne").unwrap().is_none(),
        "sign out deletes the keyring entry"
    );
    screenshot(&restarted, "04-signed-out").await;
    restarted.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn window_wrong_password_shows_the_servers_message() {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("wrong-password");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    type_into(&app, "[data-testid=server-url]", &server.base_url()).await;
    type_into(&app, "[data-testid=username]", "anna.byrne").await;
    type_into(&app, "[data-testid=password]", "not-her-password").await;
    click(&app, "[data-testid=sign-in]").await;
    wait_for_text(
        &app,
        "[data-testid=sign-in-error]",
        "Unable to log in with provided credentials.",
    )
    .await;
    screenshot(&app, "05-wrong-password").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
