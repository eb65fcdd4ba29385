//! A hero section edited on the desk (issue 65 item 3; API.md §17.3, §17.1): its title and text
//! (never blank), its background picture replaced through the desk's image preparation and its
//! logo removed, all made offline and kept through a restart, reach the server once: the
//! picture by `upload-hero-image/` (file part `image`), the removal as the JSON PATCH
//! `{"hero_logo": null}`, and no raw image field ever written with an address. Real sandbox
//! (2026 generation) over HTTP through a cuttable TCP proxy, real SQLite files, real image
//! preparation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::engine::view::RowSync;
use hotelmate_core::features::public_page::{HeroImage, HeroPatch, PageHero, PublicPageHandle};
use hotelmate_core::Desk;
use hotelmate_sandbox::network::CutProxy;
use serde_json::Value;
use sha2::Digest;

const WAIT: Duration = Duration::from_secs(30);
const HEROES: &str = "/api/staff/hotel/killarney/hero-sections/";

fn hero(desk: &Desk) -> (i64, PageHero) {
    let section = desk
        .handle::<PublicPageHandle>()
        .get()
        .unwrap()
        .and_then(|p| p.sections.into_iter().find(|s| s.name == "Welcome"))
        .expect("the Welcome section");
    (section.id, section.hero.expect("its hero"))
}

/// A camera-sized photo, turned by its EXIF-less pixels only: the desk prepares it (JPEG,
/// at most the desk's edge, no metadata) before it is kept.
fn photo() -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 120])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    png
}

#[tokio::test(flavor = "multi_thread")]
async fn hero_edits_made_offline_reach_the_server_once_after_a_restart() {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("page-hero-restart");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the admin's desk has read the heroes", WAIT, || async {
        server.requests_to(&format!("GET {HEROES}")) > 0
            && desk
                .handle::<PublicPageHandle>()
                .get()
                .ok()
                .flatten()
                .is_some()
    })
    .await;
    let (section, before) = hero(&desk);
    assert!(before.image_url.is_some() && before.logo_url.is_some());

    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        desk.connection_status() != hotelmate_core::ConnectionStatus::Online
    })
    .await;
    let page = desk.handle::<PublicPageHandle>();
    let blank = page.edit_hero(
        section,
        &HeroPatch {
            title: None,
            text: Some("  ".into()),
        },
    );
    assert!(blank.is_err(), "a blank text is refused here, not sent");
    page.edit_hero(
        section,
        &HeroPatch {
            title: Some("Welcome to Killarney".into()),
            text: None,
        },
    )
    .unwrap();
    page.set_hero_image(section, HeroImage::Background, "lake.png".into(), photo())
        .await
        .unwrap();
    page.clear_hero_image(section, HeroImage::Logo).unwrap();
    let (_, waiting) = hero(&desk);
    let prepared = waiting
        .image_waiting
        .clone()
        .and_then(|p| p.strip_prefix("desk-media:").map(str::to_owned))
        .expect("the new picture shows from this computer");
    assert_eq!(waiting.logo_url, None, "the logo is gone at once");
    desk.shutdown().await;
    drop(desk);

    let desk = home.open();
    desk.resume().await.unwrap().unwrap();
    let (_, kept) = hero(&desk);
    assert_eq!(kept.title, "Welcome to Killarney");
    assert_eq!(kept.sync, RowSync::Pending);
    assert!(kept.image_waiting.is_some() && kept.logo_url.is_none());

    proxy.restore();
    eventually("the outbox is empty", WAIT, || async {
        desk.outbox_summary().unwrap().pending == 0
    })
    .await;
    let token = token(&server, "sean.murphy").await;
    let there = server_rows(&server, &token, "hero-sections").await;
    let there = there
        .iter()
        .find(|h| h["section"] == section)
        .expect("the hero on the server");
    assert_eq!(there["hero_title"], "Welcome to Killarney");
    assert_eq!(there["hero_text"], "Lakeside comfort in the heart of Kerry");
    assert!(there["hero_logo"].is_null() && there["hero_logo_url"].is_null());
    let url = there["hero_image_url"].as_str().unwrap();
    let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&bytes)),
        prepared,
        "the prepared picture, as shown"
    );
    let id = there["id"].as_i64().unwrap();
    assert_eq!(
        server.requests_to(&format!("POST {HEROES}{id}/upload-hero-image/")),
        1,
        "the picture sent once"
    );
    let bodies: Vec<Value> = server
        .request_bodies()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with(HEROES))
        .collect();
    let upload = bodies
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("upload-hero-image/"))
        .unwrap();
    assert_eq!(upload["files"][0]["part"], "image", "{upload}");
    for body in &bodies {
        for raw in ["hero_image", "hero_logo"] {
            let value = &body["body"][raw];
            assert!(value.is_null(), "a raw field written with {value}: {body}");
        }
    }
    assert!(
        bodies
            .iter()
            .any(|r| r["method"] == "PATCH" && r["body"].get("hero_logo") == Some(&Value::Null)),
        "the logo removed by a JSON null: {bodies:?}"
    );
    eventually("the desk shows the server's hero", WAIT, || async {
        let (_, shown) = hero(&desk);
        shown.sync == RowSync::Synced && shown.image_waiting.is_none() && shown.image_url.is_some()
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}
