//! The Offers screen in the real app window, driven over WebDriver: create an offer with a
//! photo; two desks on one demo hotel see each other's changes live, and only the other desk
//! gets a desktop toast (read from the dbus-monitor log of the test session).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use hotelmate_e2e::{
    artifacts_dir, click, screenshot, text_of, type_into, wait_for_text, AppProfile, CutProxy,
    Driver, UI_TIMEOUT,
};
use hotelmate_sandbox::{Sandbox, SandboxHandle};

/// Waits until `check` holds for the page, polling.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn row_titles(app: &Client) -> Vec<String> {
    let mut titles = Vec::new();
    for element in app
        .find_all(Locator::Css("[data-testid=offer-title]"))
        .await
        .unwrap_or_default()
    {
        titles.push(element.text().await.unwrap_or_default());
    }
    titles
}

fn photo_file() -> std::path::PathBuf {
    let path = artifacts_dir().join("terrace.jpg");
    let picture = image::RgbImage::from_fn(1600, 1000, |x, y| {
        image::Rgb([(200 + x % 55) as u8, (120 + y % 100) as u8, 90])
    });
    image::DynamicImage::ImageRgb8(picture).save(&path).unwrap();
    path
}

async fn new_offer(app: &Client, title: &str, short: &str) {
    click(app, "[data-testid=new-offer]").await;
    type_into(app, "[data-testid=field-title]", title).await;
    type_into(app, "[data-testid=field-short-description]", short).await;
    click(app, "[data-testid=save-offer]").await;
    let wanted = title.to_owned();
    until("the new offer is listed", || async {
        row_titles(app).await.contains(&wanted)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_offer_created_with_a_photo_is_listed_with_its_thumbnail() {
    let profile = AppProfile::new("offers");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    click(&app, "[data-testid=try-demo]").await;
    wait_for_text(&app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    until("the demo offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;

    new_offer(&app, "Sunset Dinner for Two", "Three courses by the lake").await;
    // The editor stays on the saved offer; its photo can be chosen now.
    let input = app
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css("[data-testid=photo-input]"))
        .await
        .unwrap();
    input
        .send_keys(&photo_file().display().to_string())
        .await
        .unwrap();
    until("the new offer shows its thumbnail", || async {
        let rows = app
            .find_all(Locator::Css("[data-testid=offer-row]"))
            .await
            .unwrap_or_default();
        for row in rows {
            let title = row
                .find(Locator::Css("[data-testid=offer-title]"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if title == "Sunset Dinner for Two" {
                if let Ok(img) = row.find(Locator::Css("[data-testid=offer-thumb]")).await {
                    let src = img.attr("src").await.unwrap().unwrap_or_default();
                    let loaded = app
                        .execute(
                            "return arguments[0].complete && arguments[0].naturalWidth > 0;",
                            vec![serde_json::to_value(&img).unwrap()],
                        )
                        .await
                        .unwrap();
                    return src.starts_with("http") && loaded == serde_json::Value::Bool(true);
                }
            }
        }
        false
    })
    .await;
    let shot = screenshot(&app, "06-offers-with-new-photo").await;
    std::fs::copy(
        shot,
        hotelmate_e2e::workspace_root().join("target/e2e/offers-screen.png"),
    )
    .unwrap();
    app.close().await.unwrap();
}

async fn sign_in(app: &Client, server: &SandboxHandle, username: &str) {
    sign_in_through(app, server, server.addr(), username).await;
}

/// Signs in through `addr` (the sandbox, or a proxy in front of it) for REST and live updates.
async fn sign_in_through(
    app: &Client,
    server: &SandboxHandle,
    addr: std::net::SocketAddr,
    username: &str,
) {
    let pusher = server.pusher();
    type_into(app, "[data-testid=server-url]", &format!("http://{addr}")).await;
    type_into(app, "[data-testid=username]", username).await;
    type_into(app, "[data-testid=password]", "killarney-demo").await;
    app.find(Locator::Css("details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(app, "[data-testid=pusher-key]", &pusher.key).await;
    type_into(app, "[data-testid=pusher-host]", &addr.ip().to_string()).await;
    type_into(app, "[data-testid=pusher-port]", &addr.port().to_string()).await;
    click(app, "[data-testid=pusher-tls]").await;
    click(app, "[data-testid=sign-in]").await;
    wait_for_text(app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(app, "[data-testid=connection-state]", "Connected").await;
}

fn notification_log() -> String {
    std::env::var_os("HOTELMATE_NOTIFICATION_LOG")
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn window_two_desks_see_each_others_offers_live_and_only_the_other_gets_a_toast() {
    assert!(
        std::env::var_os("HOTELMATE_NOTIFICATION_LOG").is_some(),
        "run inside the test desktop session (cargo xtask test), which logs notifications"
    );
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let manager = AppProfile::new("manager");
    let reception = AppProfile::new("reception");
    let mut manager_driver = Driver::start(&manager);
    let mut reception_driver = Driver::start(&reception);
    let a = manager_driver.launch().await;
    let b = reception_driver.launch().await;
    sign_in(&a, &server, "sean.murphy").await;
    sign_in(&b, &server, "anna.byrne").await;
    until("desk B lists the offers", || async {
        row_titles(&b).await.len() >= 6
    })
    .await;

    let title = format!("Harbour Brunch {}", std::process::id());
    let started = Instant::now();
    new_offer(&a, &title, "Sundays from eleven").await;
    until("desk B shows the new offer without a refresh", || async {
        row_titles(&b).await.contains(&title)
    })
    .await;
    let seen_after = started.elapsed();
    screenshot(&b, "07-other-desk-sees-new-offer").await;

    let toast = format!("“{title}” was added by a colleague.");
    until(
        "desk B's toast reaches the notification service",
        || async { notification_log().contains(&toast) },
    )
    .await;
    // Grouping waits 1.5 s; give desk A the same time to (wrongly) toast its own change.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        notification_log().matches(&toast).count(),
        1,
        "only the other desk shows a toast"
    );
    eprintln!(
        "the new offer appeared on the other desk {} ms after Save was clicked",
        seen_after.as_millis()
    );
    a.close().await.unwrap();
    b.close().await.unwrap();
    server.shutdown().await;
}

/// Replaces the text of a field.
async fn retype(app: &Client, css: &str, text: &str) {
    let field = app
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn open_offer(app: &Client, title: &str) {
    let rows = app
        .find_all(Locator::Css("[data-testid=offer-row]"))
        .await
        .unwrap();
    for row in rows {
        if row
            .find(Locator::Css("[data-testid=offer-title]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            == title
        {
            row.find(Locator::Css(".row-main"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            return;
        }
    }
    panic!("no offer titled {title}");
}

async fn tag_of(app: &Client, title: &str) -> Option<String> {
    for row in app
        .find_all(Locator::Css("[data-testid=offer-row]"))
        .await
        .unwrap_or_default()
    {
        let Ok(name) = row.find(Locator::Css("[data-testid=offer-title]")).await else {
            continue;
        };
        if name.text().await.unwrap_or_default() == title {
            return match row.find(Locator::Css(".tag")).await {
                Ok(tag) => tag.text().await.ok(),
                Err(_) => Some(String::new()),
            };
        }
    }
    None
}

/// Desk A edits with its network cut (a proxy), a colleague changes the same title meanwhile;
/// after the network returns, A's other change reaches desk B and the conflict is settled in A's
/// window with "keep mine".
#[tokio::test(flavor = "multi_thread")]
async fn window_an_offline_edit_arrives_after_reconnect_and_a_conflict_is_resolved_in_the_ui() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let manager = AppProfile::new("offline-a");
    let reception = AppProfile::new("offline-b");
    let mut a_driver = Driver::start(&manager);
    let mut b_driver = Driver::start(&reception);
    let a = a_driver.launch().await;
    let b = b_driver.launch().await;
    sign_in_through(&a, &server, proxy.addr(), "sean.murphy").await;
    sign_in(&b, &server, "anna.byrne").await;
    until("both desks list the offers", || async {
        row_titles(&a).await.len() >= 6 && row_titles(&b).await.len() >= 6
    })
    .await;
    let title = row_titles(&a).await[0].clone();

    proxy.cut();
    until("desk A notices it is offline", || async {
        text_of(&a, "[data-testid=connection-state]")
            .await
            .contains("ffline")
    })
    .await;
    open_offer(&a, &title).await;
    retype(&a, "[data-testid=field-title]", "Mine: Lakeside Weekend").await;
    retype(&a, "[data-testid=field-tag]", "Edited offline").await;
    click(&a, "[data-testid=save-offer]").await;
    wait_for_text(&a, "[data-testid=pending-count]", "1 pending edit").await;
    screenshot(&a, "08-offline-edit-pending").await;

    // A colleague renames the same offer meanwhile.
    let login: serde_json::Value = reqwest_login(&server).await;
    let token = login["token"].as_str().unwrap().to_owned();
    let id = offer_id(&server, &token, &title).await;
    let url = format!(
        "{}/api/staff/hotel/killarney/offers/{id}/",
        server.base_url()
    );
    let client = reqwest::Client::new();
    client
        .patch(&url)
        .header("Authorization", format!("Token {token}"))
        .json(&serde_json::json!({"title": "Theirs: Lake Weekend"}))
        .send()
        .await
        .unwrap();

    proxy.restore();
    until("desk B shows the offline tag", || async {
        tag_of(&b, "Theirs: Lake Weekend").await.as_deref() == Some("Edited offline")
    })
    .await;
    click(&a, "[data-testid=conflict-count]").await;
    assert_eq!(
        text_of(&a, "[data-testid=mine]").await,
        "Mine: Lakeside Weekend"
    );
    assert_eq!(
        text_of(&a, "[data-testid=theirs]").await,
        "Theirs: Lake Weekend"
    );
    screenshot(&a, "09-conflict-panel").await;
    click(&a, "[data-testid=keep-mine]").await;
    until("desk B shows the kept title", || async {
        row_titles(&b)
            .await
            .iter()
            .any(|t| t == "Mine: Lakeside Weekend")
    })
    .await;
    let on_server: serde_json::Value = client
        .get(&url)
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(on_server["title"], "Mine: Lakeside Weekend");
    assert_eq!(on_server["tag"], "Edited offline");
    a.close().await.unwrap();
    b.close().await.unwrap();
    server.shutdown().await;
}

async fn reqwest_login(server: &SandboxHandle) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&serde_json::json!({"username": "niamh.kelly", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn offer_id(server: &SandboxHandle, token: &str, title: &str) -> i64 {
    let mut page = 1;
    loop {
        let body: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/api/staff/hotel/killarney/offers/?page={page}",
                server.base_url()
            ))
            .header("Authorization", format!("Token {token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(offer) = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["title"] == title)
        {
            return offer["id"].as_i64().unwrap();
        }
        assert!(!body["next"].is_null(), "{title} is not on the server");
        page += 1;
    }
}
