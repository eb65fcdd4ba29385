//! Issue 36.8, "shared front desks", and 35.5, "reopen where it was left", in the real window:
//! Anna signs out (discarding a change she made offline) and Seán signs in on the same PC. He
//! finds nothing of hers open, nothing counted as waiting, and the server and live updates
//! filled in, so his name and password are all he types; his desk opens on the Overview, hers
//! where she left it. A desk reopened after a restart shows the screen, and in Pictures the
//! gallery, that was in front of the person. Screenshots under target/e2e/ (77-…).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::{Client, Locator};
use hotelmate_e2e::{
    click, open_offer, open_screen, retype, row_titles, screenshot, server_offers, sign_in,
    sign_in_through, text_of, type_into, until, until_explained, wait_for_text, AppProfile,
    CutProxy, Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

const UNSENT_TAG: &str = "Anna's unsent tag";
const DRAFT_TITLE: &str = "Anna's draft, never saved";

/// The side bar's entry shown as the current screen (`nav-offers`, …).
async fn current_screen(app: &Client) -> Option<String> {
    app.execute(
        "return document.querySelector('.side-nav [aria-current=page]')?.dataset.testid ?? null;",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
}

/// What the sign-in form holds: the server, the person, the password and the live updates.
async fn sign_in_form(app: &Client) -> Value {
    app.execute(
        "const v = id => document.querySelector(`[data-testid=${id}]`)?.value ?? null;
         return {
           server: v('server-url'), username: v('username'), password: v('password'),
           key: v('pusher-key'), host: v('pusher-host'), port: v('pusher-port'),
           tls: document.querySelector('[data-testid=pusher-tls]')?.checked ?? null,
         };",
        vec![],
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_next_person_at_a_shared_desk_starts_clean_with_the_server_filled_in() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("shared-desk");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "anna.byrne").await;
    until("the offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;
    let titles = row_titles(&app).await;

    // Anna changes a tag with no network: it waits on this desk.
    proxy.cut();
    until("the desk notices it is offline", || async {
        text_of(&app, "[data-testid=connection-state]")
            .await
            .contains("Offline")
    })
    .await;
    open_offer(&app, &titles[0]).await;
    retype(&app, "[data-testid=field-tag]", UNSENT_TAG).await;
    click(&app, "[data-testid=save-offer]").await;
    wait_for_text(&app, "[data-testid=pending-count]", "1 waiting to be sent").await;
    // She leaves another offer open, its title half rewritten.
    open_offer(&app, &titles[1]).await;
    retype(&app, "[data-testid=field-title]", DRAFT_TITLE).await;

    // She signs out and chooses to discard the change that could not be sent.
    click(&app, "[data-testid=sign-out]").await;
    click(&app, "[data-testid=discard-and-sign-out]").await;
    until("the sign-in screen shows", || async {
        app.find(Locator::Css("[data-testid=server-url]"))
            .await
            .is_ok()
    })
    .await;
    // Nothing waits any more, and the sign-in screen says so by counting nothing.
    hotelmate_e2e::until_gone(
        &app,
        "[data-testid=pending-count]",
        "nothing is counted as waiting to be sent",
    )
    .await;
    screenshot(&app, "77-signed-out-nothing-waiting").await;

    // The server this computer signed in to, and its live updates, are filled in; the person
    // and the password are not.
    let addr = proxy.addr();
    let expected = json!({
        "server": format!("http://{addr}"), "username": "", "password": "",
        "key": server.pusher().key, "host": addr.ip().to_string(), "port": addr.port().to_string(),
        "tls": false,
    });
    until_explained(
        "the form holds the last server and its live updates",
        || async { sign_in_form(&app).await == expected },
        || async { sign_in_form(&app).await.to_string() },
    )
    .await;
    click(&app, "details summary").await;
    screenshot(&app, "78-sign-in-remembers-the-server").await;

    // Seán types his name and password only; live updates work from what was filled in.
    proxy.restore();
    type_into(&app, "[data-testid=username]", "sean.murphy").await;
    type_into(&app, "[data-testid=password]", "killarney-demo").await;
    click(&app, "[data-testid=sign-in]").await;
    wait_for_text(&app, "[data-testid=staff-name]", "Seán Murphy").await;
    wait_for_text(&app, "[data-testid=connection-state]", "Connected").await;

    // His first time on this desk: the Overview. Nothing of Anna's is open.
    assert_eq!(current_screen(&app).await.as_deref(), Some("nav-overview"));
    open_screen(&app, "offers").await;
    until("the offers are listed for Seán", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;
    assert!(
        hotelmate_e2e::absent(&app, "[data-testid=offer-editor]").await,
        "no offer is open in the editor"
    );
    let drafts = app
        .execute(
            "return [...document.querySelectorAll('input, textarea')].some(f => f.value === arguments[0]);",
            vec![Value::from(DRAFT_TITLE)],
        )
        .await
        .unwrap();
    assert_eq!(drafts, Value::Bool(false), "Anna's draft is nowhere");
    assert!(
        !row_titles(&app).await.iter().any(|t| t == DRAFT_TITLE),
        "her draft was never saved"
    );
    screenshot(&app, "79-next-person-starts-clean").await;
    let discarded = server_offers(&server)
        .await
        .into_iter()
        .any(|o| o["tag"] == UNSENT_TAG);
    assert!(!discarded, "the discarded change never reached the server");
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Pictures' gallery named `name`: how far (px) its card starts below the top of what the
/// screen shows under its sticky bar; `None` until it is there.
async fn gallery_offset(app: &Client, name: &str) -> Option<f64> {
    app.execute(
        "const pane = document.querySelector('.screen');
         const card = [...document.querySelectorAll('[data-testid=gallery-drop]')]
           .find(c => c.getAttribute('aria-label') === arguments[0] + ' gallery');
         if (!pane || !card) return null;
         const bar = pane.querySelector('.pictures-bar')?.offsetHeight ?? 0;
         return card.getBoundingClientRect().top - pane.getBoundingClientRect().top - bar;",
        vec![Value::from(name)],
    )
    .await
    .ok()
    .and_then(|v| v.as_f64())
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_desk_reopens_on_the_screen_and_gallery_the_person_left() {
    const GALLERY: &str = "Rooms & Suites";
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("reopen-where-left");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;

    // Anna works in Pictures, the second gallery at the top of the screen.
    open_screen(&app, "pictures").await;
    until("the galleries are shown", || async {
        gallery_offset(&app, GALLERY).await.is_some()
    })
    .await;
    app.execute(
        "const pane = document.querySelector('.screen');
         const card = [...document.querySelectorAll('[data-testid=gallery-drop]')]
           .find(c => c.getAttribute('aria-label') === arguments[0] + ' gallery');
         const bar = pane.querySelector('.pictures-bar')?.offsetHeight ?? 0;
         pane.scrollTop += card.getBoundingClientRect().top - pane.getBoundingClientRect().top - bar;",
        vec![Value::from(GALLERY)],
    )
    .await
    .unwrap();
    // The screenshot waits for two frames: the desk has noted where she is by then.
    screenshot(&app, "80-pictures-at-a-gallery").await;
    let left_at = gallery_offset(&app, GALLERY).await.unwrap();
    app.close().await.unwrap();

    // Reopened: Pictures, that gallery where it was.
    let app = driver.launch().await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    until("the desk reopens on Pictures", || async {
        current_screen(&app).await.as_deref() == Some("nav-pictures")
    })
    .await;
    until_explained(
        "the gallery she had in front of her is where it was",
        || async {
            gallery_offset(&app, GALLERY)
                .await
                .is_some_and(|at| (at - left_at).abs() < 40.0)
        },
        || async {
            format!(
                "it is {:?} px down, was {left_at} px",
                gallery_offset(&app, GALLERY).await
            )
        },
    )
    .await;
    screenshot(&app, "81-reopened-at-the-gallery").await;

    // Another screen, another restart: the desk opens there.
    open_screen(&app, "team").await;
    screenshot(&app, "82-left-on-team").await;
    app.close().await.unwrap();
    let app = driver.launch().await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    until("the desk reopens on Team", || async {
        current_screen(&app).await.as_deref() == Some("nav-team")
    })
    .await;
    app.close().await.unwrap();
    server.shutdown().await;
}
