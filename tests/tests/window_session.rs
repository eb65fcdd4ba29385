//! The real app window, driven over WebDriver: sign in to the demo hotel, restart signed in,
//! sign out. Screenshots are kept under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_core::session::secrets::TokenVault;
use hotelmate_e2e::{
    click, launch_again, open_screen, screenshot, text_of, type_into, wait_for_text, AppProfile,
    Driver,
};

/// A person first mistypes a password and is told so in plain words; the demo hotel then signs
/// in, stays signed in over a restart, and signing out clears the keyring. (One desk for both:
/// each desk a window test starts costs about 3 s of the suite.)
#[tokio::test(flavor = "multi_thread")]
async fn window_a_wrong_password_is_said_plainly_and_the_demo_survives_a_restart_and_sign_out_clears_the_keyring(
) {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("session");
    let mut driver = Driver::start(&profile);
    // The desk keeps its token in the keyring of its computer (its own session bus); this test
    // looks there. Each test is a process of its own (nextest), so no other test is affected.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", profile.machine.bus_address());
    let vault = TokenVault::with_service(&profile.keyring_service);

    let app = driver.launch().await;
    assert_eq!(
        text_of(&app, "[data-testid=try-demo]").await,
        "Try the demo hotel"
    );
    screenshot(&app, "01-sign-in").await;

    type_into(&app, "[data-testid=server-url]", &server.base_url()).await;
    type_into(&app, "[data-testid=username]", "anna.byrne").await;
    type_into(&app, "[data-testid=password]", "not-her-password").await;
    click(&app, "[data-testid=sign-in]").await;
    wait_for_text(
        &app,
        "[data-testid=sign-in-error]",
        "Wrong username or password.",
    )
    .await;
    screenshot(&app, "05-wrong-password").await;

    click(&app, "[data-testid=try-demo]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(&app, "[data-testid=staff-name]", "Anna Byrne").await;
    wait_for_text(&app, "[data-testid=connection-state]", "Connected").await;
    screenshot(&app, "02-signed-in-demo").await;
    assert!(
        vault.load("demo:anna.byrne").await.unwrap().is_some(),
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
        vault.load("demo:anna.byrne").await.unwrap().is_none(),
        "sign out deletes the keyring entry"
    );
    screenshot(&restarted, "04-signed-out").await;
    restarted.close().await.unwrap();
    server.shutdown().await;
}

/// Whether a window of the app shows the reception display.
async fn display_shown(app: &fantoccini::Client) -> bool {
    let mut shown = false;
    for handle in app.windows().await.unwrap() {
        // The desk window closes once the display shows its first slide.
        if app.switch_to_window(handle).await.is_err() {
            continue;
        }
        let Ok(state) = app
            .execute("return [location.hash, document.visibilityState];", vec![])
            .await
        else {
            continue;
        };
        shown |= state[0] == "#/display" && state[1] == "visible";
    }
    shown
}

/// One desk per data folder: a second launch hands over and ends; `--display` opens the
/// reception display in the running desk.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_second_launch_hands_over_to_the_running_desk() {
    let profile = AppProfile::new("single");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    click(&app, "[data-testid=try-demo]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    open_screen(&app, "settings").await;
    click(&app, "[data-testid=close-to-tray]").await;

    assert!(launch_again(&profile, &[]).success());
    assert!(
        !display_shown(&app).await,
        "the reception display is hidden until asked for"
    );
    assert!(launch_again(&profile, &["--display"]).success());
    let deadline = std::time::Instant::now() + hotelmate_e2e::UI_TIMEOUT;
    loop {
        if display_shown(&app).await {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reception display did not open in the running desk"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Closing the window keeps this desk in the tray (as set above): end it.
    drop(app);
    assert!(
        hotelmate_e2e::kill_app(&profile) >= 1,
        "the desk kept running in the tray"
    );
}

/// Issue 63.20: a keyring that is not running when the desk opens (GNOME Keyring crashed, or is
/// restarting) was not used again until the desk itself restarted. Now the window says it
/// waits for this computer's keyring, signs nobody out for it, and opens signed in by itself
/// once the real keyring is started again, with no restart of the desk.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_desk_opened_while_the_keyring_is_stopped_waits_for_it_and_opens_signed_in() {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut profile = AppProfile::new("keyring-wait");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    hotelmate_e2e::sign_in(&app, &server, "sean.murphy").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    app.close().await.unwrap();

    let gone = hotelmate_e2e::KeyringGone::stop(&mut profile.machine).await;
    let app = driver.launch().await;
    hotelmate_e2e::until("the desk says it waits for the keyring", || async {
        hotelmate_e2e::content_of(&app, "[data-testid=keyring-wait]")
            .await
            .is_some()
    })
    .await;
    let words = text_of(&app, "[data-testid=keyring-wait]").await;
    assert!(words.contains("keyring"), "{words}");
    assert!(words.contains("You are still signed in"), "{words}");
    assert_eq!(
        text_of(&app, "[data-testid=connection-state]").await,
        "Signed in; waiting for this computer's keyring",
        "the status bar says so too, never 'Not signed in'"
    );
    screenshot(&app, "79-waiting-for-the-keyring").await;

    gone.start_again(&mut profile.machine).await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
