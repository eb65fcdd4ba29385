//! The upgrade story in the real window (issue 65 item 10): a desk with three offers and two
//! galleries from the older server (fd6c529) meets the 2026 server at the same address (the
//! old one stopped, the new one started there; the admin signs in again). The Offers screen
//! says what the desk keeps, the export writes one folder with the readable page and every
//! photo, and the admin puts the three offers and two galleries on the public page by clicking
//! one button each, each offer's dates, tag and link said beside it: the server ends with three
//! more cards in the offers list and two more galleries in the gallery section, photos in
//! order. Driven over WebDriver against in-process sandboxes of both generations behind one
//! TCP proxy. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::{
    as_user, click, screenshot, sign_in_through, text_of, token_of, until, until_explained,
    AppProfile, CutProxy, Driver,
};
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};
use reqwest::Method;
use serde_json::Value;

const OFFERS: &str = "/api/staff/hotel/killarney/offers/";

/// Every photo address that `value` names (the fields a desk keeps pictures of).
fn media_in(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| media_in(v, found)),
        Value::Object(map) => {
            for (key, v) in map {
                match v.as_str() {
                    Some(url)
                        if ["photo", "photo_url", "image", "image_url"].contains(&key.as_str())
                            && url.contains("/media/") =>
                    {
                        found.push(url.to_owned());
                    }
                    _ => media_in(v, found),
                }
            }
        }
        _ => {}
    }
}

/// Every row of a 2026 collection of the hotel, by (`sort_order`, id).
async fn rows(server: &SandboxHandle, collection: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1..=20 {
        let body = as_user(
            server,
            "sean.murphy",
            Method::GET,
            &format!("/api/staff/hotel/killarney/{collection}/?page={page}"),
        )
        .await;
        all.extend(body["results"].as_array().cloned().unwrap_or_default());
        if body["next"].is_null() {
            break;
        }
    }
    all.sort_by_key(|r| (r["sort_order"].as_i64(), r["id"].as_i64()));
    all
}

/// The number of kept items of `kind` ("offer", "gallery") whose state reads `words`.
async fn states(app: &Client, kind: &str, words: &str) -> usize {
    app.execute(
        "return [...document.querySelectorAll(`[data-testid=kept-${arguments[0]}] [data-testid=kept-state]`)]
           .filter(s => s.textContent.includes(arguments[1])).length;",
        vec![Value::from(kind), Value::from(words)],
    )
    .await
    .ok()
    .and_then(|v| v.as_u64())
    .unwrap_or(0) as usize
}

/// Clicks the "Put on the public page" button of kept item `n` of `kind`, once no item is
/// on its way in (the buttons wait while one is).
async fn put_on(app: &Client, kind: &str, n: usize) {
    let button = || async {
        app.execute(
            "const b = document.querySelectorAll(`[data-testid=kept-${arguments[0]}]`)[arguments[1]]
               ?.querySelector(`[data-testid=republish-${arguments[0]}]`);
             if (!b || b.disabled) return false;
             b.click();
             return true;",
            vec![Value::from(kind), Value::from(n)],
        )
        .await
        .ok()
            == Some(Value::Bool(true))
    };
    until("the button is clicked", button).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_a_desk_with_3_offers_and_2_galleries_meets_the_2026_server_keeps_exports_and_republishes_them(
) {
    // The hotel on the older server: three offers (each with a photo, dates, a tag and a link)
    // and two galleries of four photos.
    let classic = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = classic.addr();
    let token = token_of(&classic, "sean.murphy").await;
    let http = reqwest::Client::new();
    let offers = as_user(
        &classic,
        "sean.murphy",
        Method::GET,
        &format!("{OFFERS}?page_size=100"),
    )
    .await;
    let offers = offers.get("results").cloned().unwrap_or(offers);
    for offer in offers.as_array().unwrap().iter().skip(3) {
        let answer = http
            .delete(format!("{}{OFFERS}{}/", classic.base_url(), offer["id"]))
            .header("Authorization", format!("Token {token}"))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    }
    let kept_offers: Vec<String> = offers.as_array().unwrap()[..3]
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_owned())
        .collect();
    let mut photos = Vec::new();
    media_in(
        &offers.as_array().unwrap()[..3].to_vec().into(),
        &mut photos,
    );
    let galleries = as_user(
        &classic,
        "sean.murphy",
        Method::GET,
        "/api/staff/hotel/killarney/galleries/",
    )
    .await;
    media_in(&galleries, &mut photos);

    // Downloads is a folder of the test's own (the user-dirs file the desktop reads).
    let config = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("user-dirs.dirs"),
        format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.path().display()),
    )
    .unwrap();
    let proxy = CutProxy::start(addr).await.unwrap();
    let profile = AppProfile::new("older-server-republish")
        .with_env("XDG_CONFIG_HOME", &config.path().display().to_string());
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &classic, proxy.addr(), "sean.murphy").await;
    until("the three offers show", || async {
        let mut shown = hotelmate_e2e::row_titles(&app).await;
        shown.sort();
        let mut kept = kept_offers.clone();
        kept.sort();
        shown == kept
    })
    .await;
    until("the desk has kept every photo", || async {
        let asked = classic.request_counts();
        photos.iter().all(|url| {
            let path = url
                .trim_start_matches(&classic.base_url())
                .split('?')
                .next()
                .unwrap()
                .to_owned();
            asked.contains_key(&format!("GET {path}"))
        })
    })
    .await;

    // The upgrade: the old server stops, the 2026 one starts at the same address and does not
    // know the desk's sign-in; the admin signs in again.
    proxy.cut();
    classic.shutdown().await;
    let server = Sandbox::start_generation(addr, Generation::Hotelmate2026)
        .await
        .unwrap();
    proxy.restore();
    until("the desk asks to sign in again", || async {
        hotelmate_e2e::content_of(&app, "[data-testid=sign-in]")
            .await
            .is_some()
    })
    .await;
    sign_in_through(&app, &server, proxy.addr(), "sean.murphy").await;
    until("the desk says what it keeps", || async {
        text_of(&app, "[data-testid=kept-from-older-server]")
            .await
            .contains("3 offers and 2 galleries (11 photos)")
    })
    .await;

    // The export: one folder with the readable page and every photo.
    click(&app, "[data-testid=export-kept]").await;
    until("the export is written", || async {
        text_of(&app, "[data-testid=export-done]")
            .await
            .contains("11 photos written")
    })
    .await;
    let folder = std::fs::read_dir(downloads.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // The readable page escapes every text (spaces too, `&#32;`).
    let page = std::fs::read_to_string(folder.join("offers-and-galleries.html")).unwrap();
    assert!(
        kept_offers
            .iter()
            .all(|t| page.contains(&t.replace(' ', "&#32;"))),
        "every offer in the page"
    );
    assert_eq!(
        std::fs::read_dir(folder.join("photos")).unwrap().count(),
        11
    );

    // The offers list the desk proposes holds the offers' cards.
    until("the desk proposes the offers list", || async {
        hotelmate_e2e::content_of(&app, "[data-testid=offer-cards-choose]")
            .await
            .is_some()
    })
    .await;
    click(&app, "[data-testid=offer-cards-choose]").await;
    until("the offers list's cards show", || async {
        app.execute(
            "return document.querySelectorAll('[data-testid=offer-card-title]').length;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_u64())
            == Some(3)
    })
    .await;
    until("a gallery section is proposed", || async {
        hotelmate_e2e::content_of(&app, "[data-testid=kept-gallery-section]")
            .await
            .is_some()
    })
    .await;
    let cards_before = rows(&server, "cards").await.len();
    let containers_before = rows(&server, "gallery-containers").await.len();
    let beside = text_of(&app, "[data-testid=kept-offer] [data-testid=kept-beside]").await;
    assert!(
        beside.contains("Valid from")
            && beside.contains("Tag: ")
            && beside.contains("Booking link:"),
        "{beside}"
    );
    screenshot(&app, "65-kept-from-older-server").await;
    // The order the panel lists them in (the desk's order of the kept offers).
    let listed: Vec<String> = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=kept-offer] strong')].map(t => t.textContent.trim());",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    assert_eq!(listed.len(), 3, "{listed:?}");

    for n in 0..3 {
        put_on(&app, "offer", n).await;
        until_explained(
            "the offer is on its way",
            || async { states(&app, "offer", "as the card").await == n + 1 },
            || async { text_of(&app, "[data-testid=kept-items]").await },
        )
        .await;
    }
    for n in 0..2 {
        put_on(&app, "gallery", n).await;
        until_explained(
            "the gallery is on its way",
            || async { states(&app, "gallery", "as the gallery").await == n + 1 },
            || async { text_of(&app, "[data-testid=kept-items]").await },
        )
        .await;
    }
    until_explained(
        "every item says it is on the page",
        || async {
            states(&app, "offer", "On the public page").await == 3
                && states(&app, "gallery", "On the public page").await == 2
        },
        || async {
            format!(
                "{}; the server's writes: {:?}",
                text_of(&app, "[data-testid=kept-from-older-server]").await,
                server
                    .request_counts()
                    .into_iter()
                    .filter(|(line, _)| !line.starts_with("GET"))
                    .collect::<Vec<_>>()
            )
        },
    )
    .await;
    screenshot(&app, "65-republished").await;

    // The server: three more cards, last in the offers list in the kept order, each with a
    // picture; two more galleries, last in the gallery section, photos in order.
    let cards = rows(&server, "cards").await;
    assert_eq!(cards.len(), cards_before + 3);
    let list = cards
        .iter()
        .find(|c| c["title"] == "Lakeside Spa Retreat")
        .unwrap()["list_container"]
        .clone();
    let in_list: Vec<&Value> = cards
        .iter()
        .filter(|c| c["list_container"] == list)
        .collect();
    let new_cards = &in_list[in_list.len() - 3..];
    let titles: Vec<&str> = new_cards
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert_eq!(titles, listed, "last in the offers list, in the kept order");
    assert!(
        new_cards.iter().all(|c| c["image_url"].is_string()),
        "each with its photo"
    );
    let containers = rows(&server, "gallery-containers").await;
    assert_eq!(containers.len(), containers_before + 2);
    let images = rows(&server, "gallery-images").await;
    for name in ["Lake & Grounds", "Rooms & Suites"] {
        let container = containers.iter().find(|c| c["name"] == name).unwrap();
        let photos = images
            .iter()
            .filter(|i| i["gallery"] == container["id"])
            .count();
        assert_eq!(photos, 4, "{name}");
    }
    app.close().await.unwrap();
    server.shutdown().await;
}
