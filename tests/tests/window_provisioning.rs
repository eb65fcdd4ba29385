//! A front-desk PC a hotel's IT set up: the system settings file (a temporary one, named by
//! `HOTELMATE_SYSTEM_CONFIG` as the man page says) presets and locks the server and the live
//! updates, so the real window's sign-in form shows them as set by IT and staff type only their
//! name and password. The server is the sandbox over real HTTP and WebSocket.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::{click, screenshot, text_of, type_into, wait_for_text, AppProfile, Driver};

#[tokio::test(flavor = "multi_thread")]
async fn window_on_a_computer_it_set_up_staff_sign_in_with_only_their_name_and_password() {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("desk.toml");
    let addr = server.addr();
    std::fs::write(
        &file,
        format!(
            "[server]\naddress = \"http://{addr}\"\nlocked = true\n\n\
             [live_updates]\nkey = \"{}\"\nhost = \"{}\"\nport = {}\ntls = false\nlocked = true\n",
            server.pusher().key,
            addr.ip(),
            addr.port()
        ),
    )
    .unwrap();
    let profile =
        AppProfile::new("provisioned").with_env("HOTELMATE_SYSTEM_CONFIG", file.to_str().unwrap());
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;

    wait_for_text(
        &app,
        "[data-testid=server-preset]",
        &format!("Set by your IT in {}.", file.display()),
    )
    .await;
    let shown = app
        .execute(
            "const f = document.querySelector('[data-testid=server-url]'); return [f.value, f.readOnly];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        serde_json::json!([format!("{}/", server.base_url()), true])
    );
    assert!(text_of(&app, "[data-testid=pusher-preset]")
        .await
        .contains("Live updates are set by your IT"));
    screenshot(&app, "40-provisioned-sign-in").await;

    type_into(&app, "[data-testid=username]", "anna.byrne").await;
    type_into(&app, "[data-testid=password]", "killarney-demo").await;
    click(&app, "[data-testid=sign-in]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(&app, "[data-testid=connection-state]", "Connected").await;
    screenshot(&app, "41-provisioned-signed-in").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
