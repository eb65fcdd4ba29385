//! A computer a hotel's IT set up with the system settings file: the file is a temporary one
//! that `HOTELMATE_SYSTEM_CONFIG` names (as the app reads it at start), the server is the real
//! sandbox over HTTP, the store a real SQLite file. Staff type only their name and password;
//! the display's role and PIN come from the file and cannot be changed on the computer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::support::*;
use hotelmate_core::desk::{hash_new_pin, DisplaySettingsChange, LeaveDisplay, SlideChange};
use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::session::system::{SystemSettings, SYSTEM_SETTINGS_ENV};
use hotelmate_core::{Desk, DeskOptions, SignInRequest};

const IT_PIN: &str = "482915";

/// Writes the fleet's file and reads it as the app does at start.
fn fleet_settings(
    dir: &std::path::Path,
    server: &hotelmate_sandbox::SandboxHandle,
) -> SystemSettings {
    let addr = server.addr();
    let file = dir.join("desk.toml");
    std::fs::write(
        &file,
        format!(
            "[server]\naddress = \"http://{addr}\"\nlocked = true\n\n\
             [live_updates]\nkey = \"{}\"\nhost = \"{}\"\nport = {}\ntls = false\nlocked = true\n\n\
             [display]\nenabled = true\npin_hash = \"{}\"\nslide_change = \"cut\"\nlocked = true\n",
            server.pusher().key,
            addr.ip(),
            addr.port(),
            hash_new_pin(IT_PIN).unwrap()
        ),
    )
    .unwrap();
    // This test binary's only test: nothing else reads the environment meanwhile.
    std::env::set_var(SYSTEM_SETTINGS_ENV, &file);
    let settings = SystemSettings::load().unwrap();
    std::env::remove_var(SYSTEM_SETTINGS_ENV);
    assert_eq!(settings.source.as_deref(), Some(file.to_str().unwrap()));
    settings
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_computer_it_set_up_staff_type_only_their_name_and_password_and_cannot_unlock_the_display_otherwise(
) {
    let server = sandbox().await;
    let files = tempfile::tempdir().unwrap();
    let system = fleet_settings(files.path(), &server);
    let data = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(data.path()));
    options.vault = TokenVault::with_service(unique("provisioned"));
    options.toasts = false;
    options.system = system;
    let desk = Desk::open(options).unwrap();

    // The form's server field and live updates are whatever staff left in them: the file's win.
    let session = desk
        .sign_in(SignInRequest {
            server_url: "https://somewhere-else.example".into(),
            username: "anna.byrne".into(),
            password: PASSWORD.into(),
            pusher: None,
        })
        .await
        .unwrap();
    // No such server answers here: only the file's (the sandbox) could have signed her in.
    assert_eq!(session.hotel_name, "Hotel Killarney");
    assert!(!session.is_demo);
    eventually(
        "live updates flow from the file's Pusher server",
        std::time::Duration::from_secs(20),
        || async {
            matches!(
                desk.connection_status(),
                hotelmate_core::desk::ConnectionStatus::Online
            )
        },
    )
    .await;

    let display = desk.display();
    let settings = display.settings().unwrap();
    assert!(settings.is_display && settings.has_pin, "{settings:?}");
    assert_eq!(settings.from_system, ["is_display", "pin", "slide_change"]);
    // IT chose cuts for this lobby PC: they hold whatever this computer paints with.
    assert_eq!(settings.slide_change, SlideChange::Cut);
    assert!(!settings.fades);
    let refused = display
        .set_settings(&DisplaySettingsChange {
            time_zone: settings.time_zone.clone(),
            rotation_seconds: settings.rotation_seconds,
            is_display: true,
            monitor: None,
            offer_link: None,
            opening_hours: None,
            slide_change: SlideChange::Fade,
        })
        .unwrap_err();
    assert!(refused.to_string().contains("set by your IT"), "{refused}");
    // What the file does not set is still the person's to change.
    let changed = display
        .set_settings(&DisplaySettingsChange {
            time_zone: settings.time_zone.clone(),
            rotation_seconds: 20,
            is_display: true,
            monitor: None,
            offer_link: None,
            opening_hours: None,
            slide_change: SlideChange::Cut,
        })
        .unwrap();
    assert_eq!(changed.rotation_seconds, 20);
    assert_eq!(changed.slide_change, SlideChange::Cut);
    let refused = display
        .set_settings(&DisplaySettingsChange {
            time_zone: settings.time_zone.clone(),
            rotation_seconds: settings.rotation_seconds,
            is_display: false,
            monitor: None,
            offer_link: None,
            opening_hours: None,
            slide_change: SlideChange::Cut,
        })
        .unwrap_err();
    assert!(
        refused.to_string().contains("set by your IT in")
            && refused.to_string().contains("desk.toml"),
        "{refused}"
    );
    let refused = display.set_pin(Some("111111")).unwrap_err();
    assert!(refused.to_string().contains("set by your IT"), "{refused}");

    let with = |pin: &str| LeaveDisplay {
        pin: Some(pin.into()),
        username: None,
        password: None,
    };
    let wrong = display.leave(&with("111111")).await.unwrap_err();
    assert!(wrong.to_string().contains("not right"), "{wrong}");
    display.leave(&with(IT_PIN)).await.unwrap();
    desk.shutdown().await;
    server.shutdown().await;
}
