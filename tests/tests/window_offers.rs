//! The Offers screen in the real app window, driven over WebDriver: create an offer with a
//! photo; two desks on one demo hotel see each other's changes live, and only the other desk
//! gets a desktop toast (read from the dbus-monitor log of the test session).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use hotelmate_e2e::{
    artifacts_dir, click, screenshot, type_into, wait_for_text, AppProfile, Driver, UI_TIMEOUT,
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
    let pusher = server.pusher();
    type_into(app, "[data-testid=server-url]", &server.base_url()).await;
    type_into(app, "[data-testid=username]", username).await;
    type_into(app, "[data-testid=password]", "killarney-demo").await;
    app.find(Locator::Css("details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(app, "[data-testid=pusher-key]", &pusher.key).await;
    type_into(app, "[data-testid=pusher-host]", &pusher.host).await;
    type_into(app, "[data-testid=pusher-port]", &pusher.port.to_string()).await;
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
