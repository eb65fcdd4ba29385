//! The reception display in the real window: it shows the hotel's hero image, the offers a
//! guest can book today with their photos, and who is on duty; an offer switched off on the desk
//! leaves the display at once (the time it took is printed); reopened with the server gone, it
//! shows every photo from the desk's own copies. With no PIN set and the server gone, the staff
//! member who signed in on this computer leaves the display with their password, and a wrong
//! one is refused in words (issue 25.1). Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Instant;

use fantoccini::Locator;
use hotelmate_e2e::{
    ask_to_leave, click, describe_display, desk_visibility, display_header_settled, display_motion,
    display_state, leave_as, resize_display, row_titles, screenshot, server_offers,
    shift_page_clock, sign_in, switch_to, text_of, type_into, until, until_explained, until_some,
    AppProfile, Driver, ScreenSaverStandIn,
};
use hotelmate_sandbox::Sandbox;
use serde_json::Value;

/// A desk signed in to a new sandbox as Anna, its offers listed: where each display story
/// begins. The profile and the driver are handed back to be kept for the story's length.
/// Waits until one slide is on the stage, faded in whole (a screenshot then shows it, not a
/// cross-fade).
async fn slide_settled(app: &fantoccini::Client) {
    until("the slide on screen has faded in whole", || async {
        app.execute(
            "const layers = document.querySelectorAll('.rd-stage > .rd-layer');
             return layers.length === 1 && layers[0].getAnimations({ subtree: true }).every(a => a.playState === 'finished')
                 && getComputedStyle(layers[0]).opacity === '1';",
            vec![],
        )
        .await
        .is_ok_and(|v| v == Value::Bool(true))
    })
    .await;
}

/// A colleague's browser changes `fields` of the row at `path`.
async fn as_user_patch(server: &hotelmate_sandbox::SandboxHandle, path: &str, fields: Value) {
    let token = hotelmate_e2e::colleague_token(server).await;
    let answer = reqwest::Client::new()
        .patch(format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Token {token}"))
        .json(&fields)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
}

async fn signed_in_with_offers(
    name: &str,
) -> (
    hotelmate_sandbox::SandboxHandle,
    AppProfile,
    Driver,
    fantoccini::Client,
) {
    signed_in_with_offers_as(name, "anna.byrne").await
}

async fn signed_in_with_offers_as(
    name: &str,
    username: &str,
) -> (
    hotelmate_sandbox::SandboxHandle,
    AppProfile,
    Driver,
    fantoccini::Client,
) {
    signed_in_on(AppProfile::new(name), username).await
}

/// As [`signed_in_with_offers`], on a computer whose IT trusts the hotel's own site for the
/// display's codes (the system settings file's `booking_site`, issue 63.3).
async fn signed_in_where_it_trusts_the_hotels_site(
    name: &str,
) -> (
    hotelmate_sandbox::SandboxHandle,
    AppProfile,
    Driver,
    fantoccini::Client,
    tempfile::TempDir,
) {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("desk.toml");
    std::fs::write(
        &file,
        "[display]\nbooking_site = \"https://hotelkillarney.example\"\n",
    )
    .unwrap();
    let profile = AppProfile::new(name).with_env("HOTELMATE_SYSTEM_CONFIG", file.to_str().unwrap());
    let (server, profile, driver, app) = signed_in_on(profile, "anna.byrne").await;
    (server, profile, driver, app, files)
}

async fn signed_in_on(
    profile: AppProfile,
    username: &str,
) -> (
    hotelmate_sandbox::SandboxHandle,
    AppProfile,
    Driver,
    fantoccini::Client,
) {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, username).await;
    until("the offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;
    (server, profile, driver, app)
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_display_shows_todays_offers_with_photos_follows_the_desk_and_survives_an_outage(
) {
    let (server, _profile, mut driver, app) = signed_in_with_offers("display").await;
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
    slide_settled(&app).await;
    screenshot(&app, "50-reception-display").await;

    // Switched off by a colleague (this computer's desk is set aside behind the kiosk): gone
    // from the display within moments, with no reload.
    let switched = server_offers(&server)
        .await
        .into_iter()
        .find(|offer| offer["title"] == titles[0].as_str())
        .expect("the first listed offer is on the server");
    let was_on = switched["is_active"] == Value::Bool(true);
    let clicked = Instant::now();
    as_user_patch(
        &server,
        &format!("/api/staff/hotel/killarney/offers/{}/", switched["id"]),
        serde_json::json!({ "is_active": !was_on }),
    )
    .await;
    let expected = if was_on { before - 1 } else { before + 1 };
    until("the display follows the switch", || async {
        display_state(&app).await.0 == expected
    })
    .await;
    println!(
        "an offer a colleague switched changed the display in {} ms (saved to shown)",
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
    slide_settled(&app).await;
    screenshot(&app, "51-reception-display-offline").await;
    app.close().await.unwrap();
}

/// Issue 25.1: no PIN is set (the default) and the server is gone; the display is still left
/// by the staff member who signed in on this computer, with their password.
#[tokio::test(flavor = "multi_thread")]
async fn window_with_no_pin_and_no_server_staff_who_signed_in_here_leave_the_display() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("display-outage");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the desk window is hidden behind the display", || async {
        desk_visibility(&app).await == "hidden"
    })
    .await;

    server.shutdown().await;
    switch_to(&app, true).await;
    ask_to_leave(&app, "leave-username").await;
    assert!(
        hotelmate_e2e::absent(&app, "[data-testid=leave-pin]").await,
        "no PIN is set, so none is asked for"
    );
    leave_as(&app, "anna.byrne", "not-her-password").await;
    until("a wrong password is refused in words", || async {
        text_of(&app, "[data-testid=leave-error]").await
            == "That password is not right for anna.byrne."
    })
    .await;
    screenshot(&app, "52-display-leave-offline-wrong-password").await;
    assert_eq!(desk_visibility(&app).await, "hidden", "still the display");

    switch_to(&app, true).await;
    type_into(&app, "[data-testid=leave-password]", "killarney-demo").await;
    let asked = Instant::now();
    click(&app, "[data-testid=leave-submit]").await;
    until("her password shows the desk again, offline", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    println!(
        "leaving the display offline with a kept sign-in took {} ms",
        asked.elapsed().as_millis()
    );
    app.close().await.unwrap();
}

/// Issue 36.2: after the server refused the token (an administrator removed it) the display
/// stayed up with nobody signed in behind it, and any name and password left it. Now leaving
/// still needs the PIN or the password of staff who signed in on this computer: "nobody" / "x"
/// is refused in words, Anna's own password leaves.
#[tokio::test(flavor = "multi_thread")]
async fn window_with_the_sign_in_refused_behind_it_the_display_still_needs_a_kept_password() {
    let (server, _profile, _driver, app) = signed_in_with_offers("display-no-session").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the desk window is hidden behind the display", || async {
        desk_visibility(&app).await == "hidden"
    })
    .await;

    // The token is removed on the server; the server's "read the offers again" makes the desk
    // ask (a colleague's change that carries its row is stored as told, with no request), and
    // its sign-in ends (the desk behind the display is back at its sign-in screen).
    server.revoke_token("anna.byrne");
    server.publish_to_hotel(
        "killarney",
        "offers-updated",
        &serde_json::json!({"action": "sync"}),
    );
    switch_to(&app, true).await;
    until_explained(
        "the display says the desk behind it is signed out",
        || async {
            app.find(Locator::Css("[data-testid=display-signed-out]"))
                .await
                .is_ok()
        },
        || async {
            app.execute(
                "return location.hash + ' ' + document.body.innerHTML.slice(0, 1500);",
                vec![],
            )
            .await
            .map(|v| v.to_string())
            .unwrap_or_default()
        },
    )
    .await;

    ask_to_leave(&app, "leave-username").await;
    leave_as(&app, "nobody", "x").await;
    until_explained(
        "any name and password are refused in words",
        || async {
            text_of(&app, "[data-testid=leave-error]")
                .await
                .contains("Nobody is signed in on this desk")
        },
        || async { text_of(&app, "[data-testid=leave-error]").await },
    )
    .await;
    screenshot(&app, "53-display-no-session-refuses-a-stranger").await;
    assert_eq!(desk_visibility(&app).await, "hidden", "still the display");

    // The name typed again, as a person selects it and types over it.
    switch_to(&app, true).await;
    app.execute(
        "const name = document.querySelector('[data-testid=leave-username]');
         name.value = 'anna.byrne';
         name.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    type_into(&app, "[data-testid=leave-password]", "killarney-demo").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("her own password shows the desk again", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    until("the desk asks for a sign-in", || async {
        app.find(Locator::Css("[data-testid=sign-in]"))
            .await
            .is_ok()
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// The QR codes in a screenshot of the window, inside the element `css` (cropped to it, in
/// the screenshot's pixels): what each says.
async fn codes_in(app: &fantoccini::Client, css: &str, name: &str) -> Vec<String> {
    let rect = app
        .execute(
            &format!(
                "const e = document.querySelector('{css}'); if (!e) return null;
                 const r = e.getBoundingClientRect(); const s = window.devicePixelRatio;
                 return [r.left * s, r.top * s, r.width * s, r.height * s];"
            ),
            vec![],
        )
        .await
        .unwrap();
    let Some(rect) = rect.as_array() else {
        return Vec::new();
    };
    let n = |i: usize| rect[i].as_f64().unwrap().max(0.0) as u32;
    let png = std::fs::read(screenshot(app, name).await).unwrap();
    let shot = image::load_from_memory(&png).unwrap().to_luma8();
    let (x, y) = (n(0).min(shot.width()), n(1).min(shot.height()));
    let (w, h) = (n(2).min(shot.width() - x), n(3).min(shot.height() - y));
    let cropped = image::imageops::crop_imm(&shot, x, y, w, h).to_image();
    let mut prepared = rqrr::PreparedImage::prepare(cropped);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Issue 39.1: each offer slide carries a code a guest's phone reads, opening the offer on the
/// hotel's own site, with the offer's last day beside it. Read back from a real screenshot of
/// the window with a QR decoder (rqrr), and its size checked: about a third of the screen's
/// height (19 cm on a 43" 1080p screen, read from 2 m). Issue 63.3: codes open only on a site
/// IT set or a manager confirmed; Settings says which site waits, and the manager trusts it.
/// Tried: the seeded offers' "book now" site waiting, trusted by the manager; then a template
/// set in Settings by the manager, each offer its own page.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_guest_scans_an_offer_on_the_display_and_the_code_opens_the_hotels_own_page() {
    let (server, _profile, _driver, app) =
        signed_in_with_offers_as("display-scan", "sean.murphy").await;
    click(&app, "[data-testid=nav-settings]").await;
    click(&app, "[data-testid=display-settings] summary").await;
    until("the hotel's site waits for the manager", || async {
        text_of(&app, "[data-testid=display-scan-waiting]")
            .await
            .contains("https://hotelkillarney.example")
    })
    .await;
    screenshot(&app, "63-display-scan-site-waiting").await;
    click(&app, "[data-testid=display-scan-confirm]").await;
    until("the manager trusts it", || async {
        text_of(&app, "[data-testid=display-scan-trusted]")
            .await
            .contains("Seán Murphy, a manager")
    })
    .await;
    until(
        "the display settings are read and can be typed in",
        || async {
            app.execute(
                "const e = document.querySelector('[data-testid=display-offer-link]');
             if (!e || e.disabled) return false; e.scrollIntoView(); return true;",
                vec![],
            )
            .await
            .is_ok_and(|v| v == Value::Bool(true))
        },
    )
    .await;
    type_into(
        &app,
        "[data-testid=display-offer-link]",
        "https://hotelkillarney.example/offers/{id}",
    )
    .await;
    app.execute(
        "document.querySelector('[data-testid=display-offer-link]').dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    // The display may draw the offers before the new address is saved: it follows the change.
    let (address, codes, share) =
        until_some_display(&app, "https://hotelkillarney.example/offers/").await;
    assert!(
        address.starts_with("https://hotelkillarney.example/offers/"),
        "{address}"
    );
    assert_eq!(
        codes,
        std::slice::from_ref(&address),
        "the code in the screenshot says {codes:?}"
    );
    assert!(
        share >= 0.33,
        "the code is {share:.2} of the screen's height"
    );
    println!("scan to book: {address} read from the screenshot; the code is {share:.2} of the screen's height");
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Waits for an offer slide with its code for an address beginning with `prefix`, fully drawn,
/// and reads it: the address the slide says, what the screenshot's code says, and the code's
/// share of the screen's height.
async fn until_some_display(app: &fantoccini::Client, prefix: &str) -> (String, Vec<String>, f64) {
    let deadline = Instant::now() + hotelmate_e2e::UI_TIMEOUT;
    let mut shot = 0;
    loop {
        let state = app
            .execute(
                "const code = document.querySelector('[data-testid=display-scan]');
                 if (!code) return null;
                 const opaque = (e) => !e || getComputedStyle(e).opacity === '1';
                 if (!opaque(code) || !opaque(code.closest('.rd-layer'))) return null;
                 const r = code.getBoundingClientRect();
                 const whole = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
                 return [code.dataset.address, code.querySelector('svg').getBoundingClientRect().height / innerHeight, whole];",
                vec![],
            )
            .await
            .unwrap();
        let state = state.as_array().map(Vec::as_slice).filter(|state| {
            state
                .first()
                .and_then(Value::as_str)
                .is_some_and(|address| address.starts_with(prefix))
        });
        if let Some([address, share, whole]) = state {
            assert_eq!(
                whole,
                &Value::Bool(true),
                "the code and its caption are on the screen, whole"
            );
            shot += 1;
            let codes = codes_in(
                app,
                "[data-testid=display-scan] svg",
                &format!("95-display-scan-{shot}"),
            )
            .await;
            if !codes.is_empty() {
                return (
                    address.as_str().unwrap().to_owned(),
                    codes,
                    share.as_f64().unwrap(),
                );
            }
        }
        assert!(
            Instant::now() < deadline,
            "no offer slide with a readable code ({shot} tried)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Sets a control of the display settings as a person's pick does (a time or a zone chosen in
/// the browser's own picker, which WebDriver cannot drive): its value, then its change.
async fn pick(app: &fantoccini::Client, testid: &str, value: &str) {
    app.execute(
        &format!(
            "const e = document.querySelector('[data-testid={testid}]'); e.scrollIntoView();
             e.value = '{value}'; e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ),
        vec![],
    )
    .await
    .unwrap();
}

/// Issue 39.2: a display with opening hours is black outside them, says on the desk's Overview
/// until when it sleeps, and the PIN wakes it for half an hour. Tried: hours that begin two
/// hours from now in the hotel's zone (UTC here), the Overview, the display opened asleep (the
/// screenshot is black), the desk asked for and a lone Shift (still black: issue 63.4), a key
/// (the leave box, as the desk was asked for), Escape, a key (the wake box, plainly another),
/// a wrong PIN, the right one.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_display_outside_its_hours_is_black_and_the_pin_wakes_it() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("display-hours");
    let screensaver = ScreenSaverStandIn::start(&profile).await;
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    hotelmate_e2e::set_display_pin(&app, "246813").await;
    let hhmm = |minutes: i64| {
        (chrono::Utc::now() + chrono::Duration::minutes(minutes))
            .format("%H:%M")
            .to_string()
    };
    let (opens, closes) = (hhmm(120), hhmm(180));
    pick(&app, "display-time-zone", "UTC").await;
    until("the zone is kept", || async {
        app.execute(
            "return document.querySelector('[data-testid=display-time-zone]').value;",
            vec![],
        )
        .await
        .is_ok_and(|v| v == "UTC")
    })
    .await;
    click(&app, "[data-testid=display-hours-on]").await;
    until("the hours can be set", || async {
        app.find(Locator::Css("[data-testid=display-opens]"))
            .await
            .is_ok()
    })
    .await;
    pick(&app, "display-opens", &opens).await;
    until("the opening time is kept", || async {
        app.execute(
            "return document.querySelector('[data-testid=display-opens]').value;",
            vec![],
        )
        .await
        .is_ok_and(|v| v == opens.as_str())
    })
    .await;
    pick(&app, "display-closes", &closes).await;
    click(&app, "[data-testid=nav-overview]").await;
    until(
        "the Overview says the display sleeps, and until when",
        || async {
            text_of(&app, "[data-testid=overview-display-hours]")
                .await
                .contains(&format!("asleep until {opens}"))
        },
    )
    .await;

    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the display sleeps", || async {
        app.execute(
            "const a = document.querySelector('[data-testid=display-asleep]');
             return a ? a.dataset.until : null;",
            vec![],
        )
        .await
        .is_ok_and(|v| v == opens.as_str())
            && hotelmate_e2e::absent(&app, "[data-testid=display-offers]").await
    })
    .await;
    let png = std::fs::read(screenshot(&app, "96-display-asleep").await).unwrap();
    let shot = image::load_from_memory(&png).unwrap().to_luma8();
    let brightest = shot.pixels().map(|p| p.0[0]).max().unwrap();
    assert!(
        brightest < 8,
        "asleep, the screen is black (brightest pixel {brightest})"
    );

    // Asleep from the start: the screensaver was never held off, so the desktop may blank
    // the screen by its own settings.
    assert_eq!(
        screensaver.calls(),
        Vec::<String>::new(),
        "asleep, the screen may blank"
    );

    // Issue 63.4: asleep means asleep. The desk asked for (a second launch, as the tray's
    // Open does) and a modifier key pressed alone show nothing on the black screen; the first
    // real key asks who is leaving, in a box that says so; the next one asks to wake it, in a
    // box that looks and reads otherwise.
    assert!(hotelmate_e2e::launch_again(&profile, &[]).success());
    until("the display hears that the desk was asked for", || async {
        app.execute(
            "const a = document.querySelector('[data-testid=display-asleep]');
             return a ? a.dataset.leaveWanted : null;",
            vec![],
        )
        .await
        .is_ok_and(|v| v == "true")
    })
    .await;
    hotelmate_e2e::press(&app, "\u{E008}").await; // Shift alone
                                                  // (The screenshot is taken two frames on: what the key did is painted by then.)
    let png = std::fs::read(screenshot(&app, "96-display-asleep-asked-for").await).unwrap();
    for dialog in ["display-leave", "display-wake"] {
        assert!(
            hotelmate_e2e::absent(&app, &format!("[data-testid={dialog}]")).await,
            "nothing shows on a sleeping display: {dialog}"
        );
    }
    let shot = image::load_from_memory(&png).unwrap().to_luma8();
    assert!(
        shot.pixels().map(|p| p.0[0]).max().unwrap() < 8,
        "still black after the desk was asked for"
    );
    hotelmate_e2e::press(&app, "a").await;
    until(
        "a key asks who is leaving, since the desk was asked for",
        || async {
            text_of(&app, "[data-testid=display-leave]")
                .await
                .contains("Leave the display")
        },
    )
    .await;
    let leave = text_of(&app, "[data-testid=display-leave]").await;
    assert!(
        leave.contains("the desk opens") && !leave.contains("Wake"),
        "{leave}"
    );
    screenshot(&app, "97-display-asleep-leave-box").await;
    hotelmate_e2e::press(&app, "\u{E00C}").await; // Escape
    until("the leave box closes", || async {
        hotelmate_e2e::absent(&app, "[data-testid=display-leave]").await
    })
    .await;

    hotelmate_e2e::press(&app, "a").await;
    until("a key asks for the PIN to wake it", || async {
        text_of(&app, "[data-testid=display-wake]")
            .await
            .contains("Wake the display")
    })
    .await;
    let typed = app
        .execute(
            "return document.querySelector('[data-testid=leave-pin]').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        typed, "",
        "the key that woke the screen is not typed into the PIN"
    );
    let wake = text_of(&app, "[data-testid=display-wake]").await;
    assert!(
        wake.contains(&format!("wakes by itself at {opens}"))
            && wake.contains("Wake for 30 minutes")
            && !wake.contains("Leave"),
        "{wake}"
    );
    screenshot(&app, "98-display-asleep-wake-box").await;
    type_into(&app, "[data-testid=leave-pin]", "135790").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("a wrong PIN is refused", || async {
        !text_of(&app, "[data-testid=leave-error]").await.is_empty()
    })
    .await;
    type_into(&app, "[data-testid=leave-pin]", "246813").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("the right one wakes it: the offers show", || async {
        app.find(Locator::Css("[data-testid=display-offers]"))
            .await
            .is_ok()
    })
    .await;
    until("awake, the screen is kept on again", || async {
        screensaver.calls() == ["Inhibit 1"]
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// What is wrong with the display's layout as drawn now: elements off the screen, text cut by
/// its box, and the smallest text's height as a share of the screen's height.
async fn layout_problems(app: &fantoccini::Client) -> (Vec<String>, f64) {
    let found = app
        .execute(
            "const root = document.querySelector('[data-testid=display]');
             const problems = []; let smallest = Infinity;
             const name = (e) => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className.split(' ').join('.') : '')
                 + ' \"' + (e.textContent || '').trim().slice(0, 30) + '\"';
             for (const e of root.querySelectorAll('*')) {
               if (e.closest('.rd-layer:not(.live)') || e.closest('[aria-hidden=true]') || e.closest('.rd-hint')
                   || e.closest('.rd-hero-frame')) continue;
               const r = e.getBoundingClientRect();
               if (r.width === 0 || r.height === 0) continue;
               const cs = getComputedStyle(e);
               if (cs.visibility === 'hidden' || cs.opacity === '0') continue;
               if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
                 problems.push('off the screen: ' + name(e));
               const text = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
               if (!text) continue;
               smallest = Math.min(smallest, parseFloat(cs.fontSize));
               if (cs.overflow !== 'visible' && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
                 problems.push('text cut: ' + name(e));
             }
             return [problems, smallest / innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let problems = found[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    (problems, found[1].as_f64().unwrap())
}

/// Issue 39.3: the display fits any screen from 1280×720 to 3840×2160, landscape or portrait:
/// the header, the welcome line and an offer slide with its photo, words and code, with nothing
/// off the screen, no text cut, and the smallest text at least 1.2% of the screen's height.
/// Screenshots of each. Tried: eight window sizes (the desktop session's screen is 3840×3840, so
/// a portrait 4K fits).
#[tokio::test(flavor = "multi_thread")]
async fn window_the_display_fits_every_screen_landscape_and_portrait() {
    let (server, _profile, _driver, app, _files) =
        signed_in_where_it_trusts_the_hotels_site("display-sizes").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    let sizes = [
        (1280, 720),
        (1920, 1080),
        (2560, 1440),
        (3840, 2160),
        (720, 1280),
        (1080, 1920),
        (1440, 2560),
        (2160, 3840),
    ];
    for (width, height) in sizes {
        resize_display(&app, width, height).await;
        let what = format!("{width}×{height}");
        until(
            &format!("an offer slide with its code is drawn whole at {what}"),
            || async {
                app.execute(
                    &format!(
                        "const code = document.querySelector('[data-testid=display-scan]');
                     const opaque = (e) => !e || getComputedStyle(e).opacity === '1';
                     return innerWidth === {width} && innerHeight === {height} && !!code
                         && opaque(code) && opaque(code.closest('.rd-layer'));"
                    ),
                    vec![],
                )
                .await
                .is_ok_and(|v| v == Value::Bool(true))
            },
        )
        .await;
        // A slide that has just cut in is laid out over a frame or two: the test waits for a
        // layout with nothing off the screen, no text cut and no text too small to read from
        // afar, and fails with what it last saw.
        let readable =
            |(problems, smallest): &(Vec<String>, f64)| problems.is_empty() && *smallest >= 0.012;
        until_explained(
            &format!("the display at {what} has nothing off the screen, cut or too small"),
            || async { readable(&layout_problems(&app).await) },
            || async {
                let (problems, smallest) = layout_problems(&app).await;
                format!("{problems:#?}; the smallest text is {smallest:.4} of the height")
            },
        )
        .await;
        // The window's new size is drawn a moment after the page has it: the screenshot is
        // taken again until its far corner is painted (the display's veil is never black).
        until(&format!("the window is painted at {what}"), || async {
            let png =
                std::fs::read(screenshot(&app, &format!("97-display-{width}x{height}")).await)
                    .unwrap();
            let shot = image::load_from_memory(&png).unwrap().to_rgb8();
            let corner = shot.get_pixel(shot.width() - 5, shot.height() - 5).0;
            shot.width() == width && corner.iter().any(|c| *c > 0)
        })
        .await;
        let (_, smallest) = layout_problems(&app).await;
        println!(
            "any screen: {what} whole, smallest text {:.1}% of the height",
            smallest * 100.0
        );
    }
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Issue 39.3, burn-in care over time: the fixed parts (the hotel's name in the header, the hero
/// photo's frame) move by a step too small to see every five minutes, along a small square
/// that comes round within the hour, so nothing stays on the same pixels for hours. Driven by
/// the page's clock, moved ahead five minutes at a time (13 times: a whole round and one more).
/// Tried: each step's size against the screen's height, every step moving something, the same
/// point of the round always in the same place, and the whole round's extent.
#[tokio::test(flavor = "multi_thread")]
async fn window_the_displays_fixed_parts_drift_a_step_too_small_to_see_and_come_round_within_the_hour(
) {
    const STEP_MS: u64 = 5 * 60_000;
    let (_server, _profile, _driver, app) = signed_in_with_offers("display-drift").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    resize_display(&app, 1920, 1080).await;
    until("the display shows its offers", || async {
        app.find(Locator::Css("[data-testid=display-offers]"))
            .await
            .is_ok()
    })
    .await;
    display_header_settled(&app).await;
    // [point of the round, name x, name y, frame x, frame y, screen height, clock text]
    // Read as the next frame shows it: a display that animates nothing applies its new place
    // (set as the clock ticks) in the frame after.
    let read = || async {
        app.execute_async(
            "const done = arguments[0];
             requestAnimationFrame(() => requestAnimationFrame(() => {
               const name = document.querySelector('.rd-brand h1').getBoundingClientRect();
               const frame = document.querySelector('.rd-hero-frame').getBoundingClientRect();
               done([Number(document.querySelector('[data-testid=display-layout]').dataset.driftStep), name.left, name.top, frame.left,
                     frame.top, innerHeight,
                     document.querySelector('[data-testid=display-clock]').textContent]);
             }));",
            vec![],
        )
        .await
        .unwrap()
    };
    // The page's time starts in the middle of a five-minute step, so that the real clock,
    // which moves on while the test reads, never carries it over a step's edge. Shifted from
    // the real time as it was, a step crossed midway skipped a point of the round, and 13
    // steps then saw 11 of the 12 points (CI, once; about 1 run in 30).
    let real_ms = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let to_middle = STEP_MS - real_ms % STEP_MS + STEP_MS / 2;
    // The clock as it was before the first move (that move is of 2.5 to 7.5 minutes, so the
    // clock's text changes with it too).
    let unshifted = read().await;
    let mut seen: Vec<Value> = Vec::new();
    for step in 0..=13u64 {
        let before = seen.last().unwrap_or(&unshifted).clone();
        shift_page_clock(&app, to_middle + step * STEP_MS).await;
        // The display's "now" (which the drift follows) ticked with the moved time: its clock
        // and its point of the round both changed. The clock alone once changed with the real
        // minute before the page had taken the move (under load), and the point read then was
        // the previous one: 12 of the 13 moves looked like steps.
        until(
            &format!("the display's clock and drift moved on at step {step}"),
            || async {
                let now = read().await;
                now[6] != before[6] && now[0] != before[0]
            },
        )
        .await;
        // The drift follows the same tick as the clock: read it once the clock shows it.
        seen.push(read().await);
    }
    shift_page_clock(&app, 0).await;
    let number = |v: &Value, i: usize| v[i].as_f64().unwrap();
    let height = number(&seen[0], 5);
    let step_most = height * 0.0025 + 0.5;
    let mut places = std::collections::HashMap::new();
    // Two readings a point apart are one step (a pair further apart would be a step the
    // display skipped, and is left out of the step checks; the count below must still be met).
    let mut steps = 0;
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (from, to) = (a[0].as_u64().unwrap(), b[0].as_u64().unwrap());
        if to != (from + 1) % 12 {
            continue;
        }
        steps += 1;
        let moves: Vec<f64> = (1..=4)
            .map(|i| (number(b, i) - number(a, i)).abs())
            .collect();
        assert!(
            moves.iter().all(|m| *m <= step_most),
            "a step of the drift is too large to be unseen: {moves:?} px on a {height} px screen ({a} → {b})"
        );
        assert!(
            moves.iter().any(|m| *m > 0.5),
            "five minutes on, the fixed parts moved ({a} → {b})"
        );
    }
    assert_eq!(steps, 13, "each of the 13 moves was one step of the round");
    for place in &seen {
        let point = place[0].as_u64().unwrap();
        let at: Vec<f64> = (1..=4).map(|i| number(place, i)).collect();
        let first = places.entry(point).or_insert_with(|| at.clone());
        assert!(
            first.iter().zip(&at).all(|(x, y)| (x - y).abs() <= 0.5),
            "the round's point {point} is always in the same place: {first:?} and {at:?}"
        );
    }
    let extent = |i: usize| {
        let values: Vec<f64> = seen.iter().map(|s| number(s, i)).collect();
        values.iter().cloned().fold(f64::MIN, f64::max)
            - values.iter().cloned().fold(f64::MAX, f64::min)
    };
    for i in 1..=4 {
        assert!(
            extent(i) > 0.5 && extent(i) <= height * 0.0065 + 0.5,
            "the whole round spans {} px of a {height} px screen",
            extent(i)
        );
    }
    assert!(
        places.len() >= 12,
        "thirteen steps of five minutes cover the whole round: {} points",
        places.len()
    );
    app.close().await.unwrap();
}

/// The display's "Between slides" setting, as Settings shows it on this computer (empty while
/// the display's settings are not shown).
async fn slide_change_here(app: &fantoccini::Client) -> String {
    hotelmate_e2e::page_text(app, "return document.querySelector('[data-testid=display-slide-change-here]')?.textContent ?? '';", vec![]).await
}

/// What the display's part of Settings shows: open or not, and any error it says (for a
/// wait's failure; seen once in CI: the settings never showed, with no word why).
async fn display_settings_state(app: &fantoccini::Client) -> String {
    let state = app
        .execute(
            "const d = document.querySelector('[data-testid=display-settings]');
             return {found: !!d, open: d?.open ?? null,
                     error: document.querySelector('[data-testid=display-settings-error]')?.textContent ?? null,
                     screen: document.querySelector('[aria-current=page]')?.dataset.testid ?? null};",
            vec![],
        )
        .await;
    format!("the display settings: {state:?}")
}

/// Opens the display from the desk and waits for its first slide.
async fn open_display(app: &fantoccini::Client) {
    click(app, "[data-testid=open-display]").await;
    switch_to(app, true).await;
    until("the display shows a slide", || async {
        !display_motion(app).await["panel"].is_null()
    })
    .await;
}

/// Issue 39.4: a cross-fade painted on the CPU kept a core about 12 % busy. Where the CPU
/// paints (the test says so to the app, as its start does where /dev/dri has no render node or
/// WebKit's DMA-BUF renderer is off) slides cut: the next one replaces the last at once, alone on
/// the stage, and the progress bar still steps. A hotel that chooses "Fade" gets cross-fades,
/// two slides on the stage while one fades over the other.
#[tokio::test(flavor = "multi_thread")]
async fn window_on_a_cpu_painted_screen_slides_cut_and_fade_again_when_the_hotel_chooses() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("display-cuts").with_env("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=nav-settings]").await;
    click(&app, "[data-testid=display-settings] summary").await;
    until_explained(
        "the settings say slides cut on this computer",
        || async { slide_change_here(&app).await.starts_with("Slides cut here") },
        || display_settings_state(&app),
    )
    .await;

    open_display(&app).await;
    let motion = display_motion(&app).await;
    assert!(
        motion["fade"].as_f64().is_some_and(|s| s < 0.01),
        "slides cut: {motion}"
    );
    assert_eq!(motion["reduce"], Value::Bool(false), "{motion}");
    assert_eq!(
        motion["progress"],
        Value::Bool(true),
        "the bar still steps: {motion}"
    );
    let first = motion["slide"].clone();
    until(
        "the next slide replaces the last, alone on the stage",
        || async {
            let now = display_motion(&app).await;
            !now["slide"].is_null() && now["slide"] != first && now["layers"] == 1
        },
    )
    .await;
    screenshot(&app, "100-display-cut").await;

    // Anna leaves the display with her password and chooses fades.
    ask_to_leave(&app, "leave-username").await;
    leave_as(&app, "anna.byrne", "killarney-demo").await;
    until("the desk is back", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    switch_to(&app, false).await;
    click(&app, "[data-testid=nav-settings]").await;
    click(&app, "[data-testid=display-settings] summary").await;
    until("the setting can be changed", || async {
        app.find(Locator::Css(
            "[data-testid=display-slide-change]:not([disabled])",
        ))
        .await
        .is_ok()
    })
    .await;
    pick(&app, "display-slide-change", "fade").await;
    until_explained(
        "the settings say slides fade",
        || async { slide_change_here(&app).await == "Slides fade into each other." },
        || display_settings_state(&app),
    )
    .await;

    open_display(&app).await;
    let motion = display_motion(&app).await;
    assert!(
        motion["fade"].as_f64().is_some_and(|s| s > 1.0),
        "slides fade: {motion}"
    );
    // The next slide fades in too (its own fade, not the first one's): read from the slide
    // that replaced the first, whenever the poll sees it.
    let first = motion["slide"].clone();
    let next = until_some("the next slide comes up", || async {
        let now = display_motion(&app).await;
        (!now["slide"].is_null() && now["slide"] != first).then_some(now)
    })
    .await;
    assert!(
        next["fade"].as_f64().is_some_and(|s| s > 1.0),
        "the next slide fades in: {next}"
    );
    app.close().await.unwrap();
    server.shutdown().await;
}

/// The titles of the windows this desk's computer shows (its X display, as a window manager
/// and the task bar read them), from `xwininfo`.
fn window_titles(profile: &AppProfile) -> Vec<String> {
    let out = profile
        .machine
        .command("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo runs (cargo xtask setup installs x11-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once(" \"")?;
            let (title, _) = rest.split_once("\":")?;
            Some(title.to_owned())
        })
        .collect()
}

/// Issue 63.20: while the display shows, the desk window is closed, and it is made again when
/// the display is left. It came back titled "HotelMate Desk" (the unread count gone from the
/// task bar until the next guest message) and without the offer that was open in its editor.
/// Now its title counts the unread messages at once, and the offer is open again with what was
/// typed in it and not saved.
#[tokio::test(flavor = "multi_thread")]
async fn window_the_desk_made_again_after_the_display_has_its_unread_title_and_its_open_offer() {
    let (_server, profile, _driver, app) = signed_in_with_offers("display-comes-back").await;
    until("the window's title counts the unread messages", || async {
        app.title().await.unwrap_or_default().starts_with('(')
    })
    .await;
    let title = app.title().await.unwrap();
    until("the task bar's title counts them too", || async {
        window_titles(&profile).contains(&title)
    })
    .await;
    hotelmate_e2e::set_display_pin(&app, "246802").await;
    hotelmate_e2e::open_screen(&app, "offers").await;
    let offer = row_titles(&app).await[0].clone();
    hotelmate_e2e::open_offer(&app, &offer).await;
    hotelmate_e2e::retype(&app, "[data-testid=field-tag]", "Typed before the display").await;
    until("the editor keeps what is typed", || async {
        hotelmate_e2e::content_of(&app, "[data-testid=offer-unsaved]")
            .await
            .is_some()
    })
    .await;

    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the desk window is closed behind the display", || async {
        app.windows().await.map(|w| w.len()).unwrap_or(0) == 1
    })
    .await;
    ask_to_leave(&app, "leave-pin").await;
    type_into(&app, "[data-testid=leave-pin]", "246802").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("the desk window is made again and shown", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    until_explained(
        "the task bar's title counts the unread messages at once",
        || async { window_titles(&profile).contains(&title) },
        || async { format!("{:?}", window_titles(&profile)) },
    )
    .await;
    until("the page's title counts them", || async {
        app.title().await.unwrap_or_default() == title
    })
    .await;
    let field = |name: &'static str| {
        let app = app.clone();
        async move {
            app.execute(
                &format!("return document.querySelector('[data-testid={name}]')?.value ?? null;"),
                vec![],
            )
            .await
            .unwrap_or(Value::Null)
        }
    };
    until("the offer is open again, as it was typed", || async {
        field("field-title").await == offer.as_str()
            && field("field-tag").await == "Typed before the display"
    })
    .await;
    assert!(
        hotelmate_e2e::content_of(&app, "[data-testid=offer-restored]")
            .await
            .is_some(),
        "the editor says what was typed is back and not saved"
    );
    screenshot(&app, "53-desk-after-the-display").await;
    app.close().await.unwrap();
}
