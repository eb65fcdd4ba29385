//! The About box of a desk whose IT points it at the hotel's own update feed (the system
//! settings file, named by `HOTELMATE_SYSTEM_CONFIG`, with the feed and the key that verifies
//! it): the real window shows "Version X is available" with its notes and, since this desk was
//! not installed from a package it may upgrade (a cargo build), says what to ask IT. The feed is
//! served over real HTTP on 127.0.0.1 and signed with a key pair made here; no private key is
//! kept. The signature check itself (a tampered file refused, another key refused, a silent feed
//! given up calmly) is tested in the shell against the same plugin (`src-tauri/src/updates.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use base64::Engine;
use hotelmate_e2e::{click, open_screen, screenshot, text_of, wait_for_text, AppProfile, Driver};

const VERSION: &str = "99.0.0";
const FILE: &str = "hotelmate-desk_99.0.0_amd64.deb";

/// Serves a feed offering [`VERSION`] and its signed file; returns the feed's address and the
/// public key (base64, as the system file takes it).
async fn signed_feed() -> (String, String) {
    let bytes: Vec<u8> = (0..32 * 1024).map(|i| (i % 251) as u8).collect();
    let keys = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let comment = format!("timestamp:1700000000\tfile:{FILE}\tversion:{VERSION}");
    let signature =
        minisign::sign(Some(&keys.pk), &keys.sk, &bytes[..], Some(&comment), None).unwrap();
    let b64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    let pubkey = b64(keys.pk.to_box().unwrap().to_string());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let manifest = serde_json::json!({
        "version": VERSION,
        "notes": "Room types can be copied.",
        "pub_date": "2026-05-01T09:00:00Z",
        "platforms": {
            "linux-x86_64": {
                "url": format!("http://{address}/files/{FILE}"),
                "signature": b64(signature.to_string()),
            }
        }
    });
    let router = axum::Router::new()
        .route(
            "/feed.json",
            axum::routing::get(move || async move { axum::Json(manifest) }),
        )
        .route(
            &format!("/files/{FILE}"),
            axum::routing::get(move || async move { bytes }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}/feed.json"), pubkey)
}

#[tokio::test(flavor = "multi_thread")]
async fn window_about_shows_the_hotels_update_with_its_notes_and_what_to_ask_it() {
    let (feed, pubkey) = signed_feed().await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("desk.toml");
    std::fs::write(
        &file,
        format!("[updates]\nfeed = \"{feed}\"\npubkey = \"{pubkey}\"\nlocked = true\n"),
    )
    .unwrap();
    let profile =
        AppProfile::new("updates").with_env("HOTELMATE_SYSTEM_CONFIG", file.to_str().unwrap());
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;

    click(&app, "[data-testid=try-demo]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    open_screen(&app, "settings").await;
    wait_for_text(
        &app,
        "[data-testid=update-status]",
        &format!("Version {VERSION} is available."),
    )
    .await;
    assert_eq!(
        text_of(&app, "[data-testid=update-notes]").await,
        "Room types can be copied."
    );
    assert_eq!(
        text_of(&app, "[data-testid=update-ask-it]").await,
        format!("Ask your IT to install version {VERSION} ({FILE}).")
    );
    assert!(text_of(&app, "[data-testid=updates]")
        .await
        .contains(&format!("Updates come from {feed}, set by your IT.")));
    // Issue 35.4: About says the desk looks by itself, once a day at this computer's time.
    let daily = text_of(&app, "[data-testid=update-daily]").await;
    assert!(
        daily.starts_with("The desk looks for updates by itself once a day, at ")
            && daily.ends_with("it installs nothing unasked."),
        "{daily}"
    );
    screenshot(&app, "42-about-update-available").await;
    app.close().await.unwrap();
}
