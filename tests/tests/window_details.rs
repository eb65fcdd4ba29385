//! Issue 36.11, "what a new user trips over", in the real window: the clock button's tooltip
//! says what the button does now (also right after a click, the pointer still on it) and
//! clocking out asks first; an empty validity date reads as no date and the offer editor's
//! buttons never cover its fields, at the default size and the smallest; the display's PIN is
//! typed twice; the demo's display says which login leaves it and never shows two slides' words
//! over each other. Screenshots under target/e2e/ (70-…).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use hotelmate_e2e::{
    as_user, ask_to_leave, click, colleague_token, content_of, desk_visibility, display_state,
    on_offer_row, open_offer, open_screen, press_leave_keys, retype, row_titles, screenshot,
    server_offers, sign_in, sign_in_demo, switch_to, text_of, type_into, until, until_explained,
    wait_for_text, AppProfile, Driver,
};
use hotelmate_sandbox::{Sandbox, SandboxHandle};
use reqwest::Method;
use serde_json::{json, Value};

/// The smallest window the desk allows (tauri.conf.json).
const MIN_WIDTH: u32 = 900;
const MIN_HEIGHT: u32 = 600;

/// The clock button's words and whether it can be clicked; `None` while it is not there (the
/// header asks "End your shift now?" in its place).
async fn my_button(app: &Client) -> Option<(String, bool)> {
    let value = app
        .execute(
            "const b = document.querySelector('[data-testid=clock-button]');
             return b ? [b.textContent.trim(), b.disabled] : null;",
            vec![],
        )
        .await
        .unwrap();
    value.as_array().map(|pair| {
        (
            pair[0].as_str().unwrap_or_default().to_owned(),
            pair[1].as_bool().unwrap_or_default(),
        )
    })
}

/// `is_on_duty` of `username` as the server has it.
async fn server_duty(server: &SandboxHandle, username: &str) -> bool {
    as_user(server, username, Method::GET, "/api/staff/killarney/me/").await["is_on_duty"]
        .as_bool()
        .unwrap()
}

/// Rests the mouse pointer on the element `css`, as a person about to click it.
async fn point_at(app: &Client, css: &str) {
    let element = app.find(Locator::Css(css)).await.unwrap();
    let rest = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    app.perform_actions(rest).await.unwrap();
}

/// The tooltip of the clock button as it shows on screen ("" while it is not shown).
async fn tooltip_shown(app: &Client) -> String {
    text_of(app, "[data-testid=clock-tooltip]").await
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_clock_tooltip_follows_the_button_and_clocking_out_asks_first() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("clock-details");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    until("Anna's button offers to clock out", || async {
        my_button(&app).await == Some(("Clock out".to_owned(), false))
    })
    .await;

    // Resting on the button, its tooltip says what a click does.
    point_at(&app, "[data-testid=clock-button]").await;
    until_explained(
        "the tooltip says a click clocks out",
        || async { tooltip_shown(&app).await == "Click to clock out (end your shift)" },
        || async { format!("it says {:?}", tooltip_shown(&app).await) },
    )
    .await;

    // Clock out asks first, and nothing reaches the server until it is answered.
    click(&app, "[data-testid=clock-button]").await;
    until("the header asks before clocking out", || async {
        text_of(&app, "[data-testid=clock-out-question]")
            .await
            .starts_with("End your shift now?")
    })
    .await;
    assert_eq!(
        my_button(&app).await,
        None,
        "the question takes the button's place"
    );
    screenshot(&app, "70-clock-out-asks-first").await;
    assert!(
        server_duty(&server, "anna.byrne").await,
        "still on duty on the server"
    );
    click(&app, "[data-testid=clock-out-cancel]").await;
    until(
        "the button is back, still offering to clock out",
        || async { my_button(&app).await == Some(("Clock out".to_owned(), false)) },
    )
    .await;
    assert!(server_duty(&server, "anna.byrne").await, "stayed on duty");

    // Answered "Clock out": off duty, on the server too.
    click(&app, "[data-testid=clock-button]").await;
    click(&app, "[data-testid=clock-out-confirm]").await;
    until("the button offers to clock in", || async {
        my_button(&app).await == Some(("Clock in".to_owned(), false))
    })
    .await;
    until("the server has Anna off duty", || async {
        !server_duty(&server, "anna.byrne").await
    })
    .await;

    // Clocking in is one click; the pointer stays on the button, and its tooltip follows at
    // once (WebKit's own tooltip kept saying "clock in" over a "Clock out" button).
    point_at(&app, "[data-testid=clock-button]").await;
    until("the tooltip says a click clocks in", || async {
        tooltip_shown(&app)
            .await
            .ends_with("Click to clock in (start your shift)")
    })
    .await;
    click(&app, "[data-testid=clock-button]").await;
    until(
        "the button offers to clock out, with no question",
        || async { my_button(&app).await == Some(("Clock out".to_owned(), false)) },
    )
    .await;
    let follows = |shown: &str| {
        shown.starts_with("Clocked in at ")
            && shown.ends_with("Click to clock out (end your shift)")
    };
    until_explained(
        "the tooltip says when I clocked in and that a click clocks out",
        || async {
            content_of(&app, "[data-testid=clock-tooltip]")
                .await
                .is_some_and(|words| follows(&words))
        },
        || async {
            format!(
                "{:?}",
                content_of(&app, "[data-testid=clock-tooltip]").await
            )
        },
    )
    .await;
    point_at(&app, "[data-testid=clock-button]").await;
    until_explained(
        "the pointer on the button shows those words",
        || async { follows(&tooltip_shown(&app).await) },
        || async { format!("it shows {:?}", tooltip_shown(&app).await) },
    )
    .await;
    let note = content_of(&app, "[data-testid=clock-note]").await.unwrap();
    assert!(note.starts_with("Clocked in at "), "{note}");
    screenshot(&app, "71-clock-tooltip-follows").await;
    assert!(server_duty(&server, "anna.byrne").await, "on duty again");
    app.close().await.unwrap();
    server.shutdown().await;
}

/// What the offer editor shows of its two dates: per field, its value, the words shown in it
/// (`null`: none) and whether a clear button is there.
async fn dates_shown(app: &Client) -> Value {
    app.execute(
        "return ['valid-from', 'valid-to'].map(id => ({
            value: document.querySelector(`[data-testid=field-${id}]`)?.value ?? null,
            words: document.querySelector(`[data-testid=${id}-none]`)?.textContent ?? null,
            clear: document.querySelector(`[data-testid=${id}-clear]`) !== null,
         }));",
        vec![],
    )
    .await
    .unwrap()
}

/// Each date field brought to the bottom of what the editor shows (where its buttons are): its
/// id, whether the buttons overlap it, and whether a click at its middle reaches it; and whether
/// Save is inside the window.
async fn editor_fit(app: &Client) -> Value {
    app.execute(
        "const editor = document.querySelector('[data-testid=offer-editor]');
         const footer = editor.querySelector('footer');
         const fields = ['field-valid-from', 'field-valid-to'].map(id => {
           const field = document.querySelector(`[data-testid=${id}]`);
           field.scrollIntoView({ block: 'end' });
           const f = field.getBoundingClientRect();
           const b = footer.getBoundingClientRect();
           const overlaps = f.bottom > b.top && f.top < b.bottom && f.right > b.left && f.left < b.right;
           const hit = document.elementFromPoint(f.left + f.width / 2, f.top + f.height / 2);
           return { id, overlaps, reachable: hit === field };
         });
         const save = document.querySelector('[data-testid=save-offer]').getBoundingClientRect();
         const saveShown = save.right <= innerWidth && save.bottom <= innerHeight && save.top >= 0;
         return { fields, saveShown };",
        vec![],
    )
    .await
    .unwrap()
}

fn fits(fit: &Value) -> bool {
    fit["saveShown"] == Value::Bool(true)
        && fit["fields"].as_array().is_some_and(|fields| {
            fields.len() == 2
                && fields.iter().all(|f| {
                    f["overlaps"] == Value::Bool(false) && f["reachable"] == Value::Bool(true)
                })
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn window_an_empty_end_date_reads_as_none_and_the_editor_buttons_never_cover_the_dates() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // A colleague's offer that ends on a day 40 days ahead.
    let title = format!("Ends Later {}", std::process::id());
    let last_day = (chrono::Local::now() + chrono::Duration::days(40))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/api/staff/hotel/killarney/offers/",
            server.base_url()
        ))
        .header(
            "Authorization",
            format!("Token {}", colleague_token(&server).await),
        )
        .json(&json!({"title": title, "short_description": "Then it ends", "valid_to": last_day}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());

    let profile = AppProfile::new("offer-dates");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    until("the colleague's offer is listed", || async {
        row_titles(&app).await.contains(&title)
    })
    .await;

    // "Active" is said once per offer: by its switch, not again by a badge.
    let badges = on_offer_row(
        &app,
        &title,
        "return [...row.querySelectorAll('.badges > *')].map(b => b.textContent.trim());",
    )
    .await
    .unwrap();
    assert!(
        !badges
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b.as_str() == Some("active")),
        "{badges}"
    );

    // A new offer has no dates, and its fields say so in words, never with a date.
    click(&app, "[data-testid=new-offer]").await;
    until_explained(
        "the empty dates read as none",
        || async {
            dates_shown(&app).await
                == json!([
                    {"value": "", "words": "No start date", "clear": false},
                    {"value": "", "words": "No end date", "clear": false},
                ])
        },
        || async { dates_shown(&app).await.to_string() },
    )
    .await;
    assert_eq!(
        text_of(&app, "[data-testid=valid-to-none]").await,
        "No end date",
        "the words are on screen"
    );
    screenshot(&app, "72-new-offer-no-end-date").await;

    // The colleague's offer shows its last day; cleared, it reads "No end date", and saved,
    // the server has no end date either.
    open_offer(&app, &title).await;
    until("the editor shows the last day", || async {
        dates_shown(&app).await[1]
            == json!({"value": last_day.as_str(), "words": null, "clear": true})
    })
    .await;
    until_explained(
        "at the default size the buttons cover neither date",
        || async { fits(&editor_fit(&app).await) },
        || async { editor_fit(&app).await.to_string() },
    )
    .await;
    click(&app, "[data-testid=valid-to-clear]").await;
    until("the cleared end date reads as none", || async {
        dates_shown(&app).await[1] == json!({"value": "", "words": "No end date", "clear": false})
    })
    .await;
    click(&app, "[data-testid=save-offer]").await;
    until("the server has the offer with no end date", || async {
        server_offers(&server)
            .await
            .iter()
            .any(|o| o["title"] == title.as_str() && o["valid_to"].is_null())
    })
    .await;

    // The smallest window: the buttons still cover nothing, Save is in view.
    app.set_window_size(MIN_WIDTH, MIN_HEIGHT).await.unwrap();
    open_offer(&app, &title).await;
    until_explained(
        "at the smallest size the buttons cover neither date",
        || async { fits(&editor_fit(&app).await) },
        || async { editor_fit(&app).await.to_string() },
    )
    .await;
    screenshot(&app, "73-offer-editor-smallest-window").await;

    // The Hotel screen keeps its words off the side bar.
    open_screen(&app, "hotel").await;
    until_explained(
        "the Hotel screen's heading stands clear of the side bar",
        || async { hotel_margin(&app).await >= 16.0 },
        || async { format!("{} px", hotel_margin(&app).await) },
    )
    .await;
    screenshot(&app, "74-hotel-screen-margin").await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// How far (px) the Hotel screen's heading starts right of the side bar.
async fn hotel_margin(app: &Client) -> f64 {
    app.execute(
        "const nav = document.querySelector('.side-nav')?.getBoundingClientRect();
         const title = document.querySelector('#hotel-details-title')?.getBoundingClientRect();
         return nav && title ? title.left - nav.right : -1;",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_f64())
    .unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_display_pin_is_typed_twice_and_two_that_differ_are_refused_in_words() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("pin-twice");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    open_screen(&app, "settings").await;

    // About: no IT set the update feed on this computer, so nothing says IT manages it and the
    // feed can be typed in.
    until("About says how updates stand", || async {
        app.find(Locator::Css("[data-testid=update-status]"))
            .await
            .is_ok()
    })
    .await;
    let updates = text_of(&app, "[data-testid=updates]").await;
    assert!(!updates.contains("managed by your IT"), "{updates}");
    let feed_readonly = app
        .execute(
            "return document.querySelector('[data-testid=update-feed]').readOnly;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(feed_readonly, Value::Bool(false));

    click(&app, "[data-testid=display-settings] summary").await;
    until("the display settings are read", || async {
        text_of(&app, "[data-testid=display-pin-state]")
            .await
            .contains("No PIN")
    })
    .await;
    type_into(&app, "[data-testid=display-pin]", "246813").await;
    type_into(&app, "[data-testid=display-pin-again]", "246831").await;
    click(&app, "[data-testid=display-pin-save]").await;
    wait_for_text(
        &app,
        "[data-testid=display-settings-error]",
        "The two PINs are not the same. Type the new PIN twice, the same both times.",
    )
    .await;
    screenshot(&app, "75-pin-typed-twice-differently").await;
    assert!(
        text_of(&app, "[data-testid=display-pin-state]")
            .await
            .contains("No PIN"),
        "no PIN was set"
    );

    retype(&app, "[data-testid=display-pin-again]", "246813").await;
    click(&app, "[data-testid=display-pin-save]").await;
    until("the PIN is set", || async {
        text_of(&app, "[data-testid=display-pin-state]")
            .await
            .contains("A PIN is set")
    })
    .await;

    // The PIN typed twice leaves the display; on a real hotel no demo login is offered.
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    ask_to_leave(&app, "leave-pin").await;
    assert!(
        hotelmate_e2e::absent(&app, "[data-testid=leave-demo-hint]").await,
        "no demo login on a real hotel"
    );
    type_into(&app, "[data-testid=leave-pin]", "246813").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("the desk shows again", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Watches the display's stage for `ms` milliseconds, frame by frame: how many slide changes
/// it saw, and the most that the words of both slides were seen at once (the lesser of the two
/// slides' most visible words; 0 when they never overlap).
async fn words_overlap(app: &Client, ms: u64) -> (u64, f64) {
    let seen = app
        .execute_async(
            "const [ms, done] = [arguments[0], arguments[arguments.length - 1]];
             const WORDS = '.rd-offer-text, .rd-dots, .rd-gallery figcaption, .rd-team, .rd-welcome-big';
             const shown = (el, layer) => {
               let opacity = 1;
               for (let e = el; e && e !== layer.parentElement; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
               return opacity;
             };
             const end = performance.now() + ms;
             let changes = 0, worst = 0, live = null;
             const frame = () => {
               const layers = [...document.querySelectorAll('.rd-stage .rd-layer')];
               // A change is a new slide live on the stage. Counted by the live layer, not by
               // two layers at once: a cut (where the CPU paints) can pass between two frames.
               const now = document.querySelector('.rd-stage .rd-layer.live');
               if (live && now && now !== live) changes += 1;
               if (now) live = now;
               if (layers.length === 2) {
                 const most = layers.map(layer => Math.max(0, ...[...layer.querySelectorAll(WORDS)].map(el => shown(el, layer))));
                 worst = Math.max(worst, Math.min(...most));
               }
               if (performance.now() < end) requestAnimationFrame(frame); else done([changes, worst]);
             };
             requestAnimationFrame(frame);",
            vec![Value::from(ms)],
        )
        .await
        .unwrap();
    (
        seen[0].as_u64().unwrap_or(0),
        seen[1].as_f64().unwrap_or(1.0),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_demo_display_says_its_login_and_never_shows_two_slides_words_at_once() {
    let profile = AppProfile::new("demo-display-details");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_demo(&app).await;

    // Five seconds a slide, so a change comes soon.
    open_screen(&app, "settings").await;
    click(&app, "[data-testid=display-settings] summary").await;
    until("the display settings are read", || async {
        app.find(Locator::Css("[data-testid=display-rotation]"))
            .await
            .is_ok()
    })
    .await;
    // Set as a person's finished edit is: the whole value, then the field's change (clearing
    // the field first fires a change of its own, which the screen refuses and puts back).
    app.execute(
        "const field = document.querySelector('[data-testid=display-rotation]');
         field.value = '5';
         field.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();

    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the display shows offers with their photos", || async {
        let (count, loaded) = display_state(&app).await;
        count >= 2 && loaded
    })
    .await;
    until_explained(
        "a slide stays five seconds",
        || async {
            app.execute(
                "return document.querySelector('.rd-progress')?.style.animationDuration ?? null;",
                vec![],
            )
            .await
            .ok()
                == Some(Value::from("5s"))
        },
        || async {
            format!(
                "{:?}",
                app.execute(
                    "return [document.querySelector('.rd-progress')?.style.animationDuration ?? null, document.querySelector('.rd-progress')?.outerHTML ?? null];",
                    vec![],
                )
                .await
            )
        },
    )
    .await;
    let (changes, overlap) = words_overlap(&app, 12_000).await;
    assert!(changes >= 1, "a slide change was seen");
    assert!(
        overlap < 0.05,
        "two slides' words were shown over each other (both at {overlap:.2})"
    );

    // The demo's user never typed a password: the way out says which login works.
    press_leave_keys(&app).await;
    until_explained(
        "the display says the demo's login",
        || async {
            content_of(&app, "[data-testid=leave-demo-hint]")
                .await
                .is_some_and(|hint| hint.contains("anna.byrne") && hint.contains("killarney-demo"))
        },
        || async {
            format!(
                "{:?}",
                content_of(&app, "[data-testid=display-leave]").await
            )
        },
    )
    .await;
    screenshot(&app, "76-demo-display-says-its-login").await;
    type_into(&app, "[data-testid=leave-username]", "anna.byrne").await;
    type_into(&app, "[data-testid=leave-password]", "killarney-demo").await;
    click(&app, "[data-testid=leave-submit]").await;
    until("the desk shows again", || async {
        desk_visibility(&app).await == "visible"
    })
    .await;
    app.close().await.unwrap();
}
