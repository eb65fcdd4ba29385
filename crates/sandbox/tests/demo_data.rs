//! The seeded demo hotel is alive: offers with photos, two galleries with images, room types with photos,
//! hero/landing/logo images, conversations with history; images are real JPEG illustrations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::start;

async fn fetch_jpeg(c: &common::Ctx, url: &str) -> image::RgbImage {
    let r = c.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let bytes = r.bytes().await.unwrap();
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8()
}

#[tokio::test]
async fn demo_hotel_has_illustrated_offers_galleries_room_types_and_hotel_images() {
    let c = start().await;
    let t = c.token(hotelmate_sandbox::DEMO_LOGINS[0].username).await;
    let (_, offers) = c.get("/api/staff/hotel/killarney/offers/", Some(&t)).await;
    let offers = offers["results"].as_array().unwrap();
    assert!(offers.len() >= 6);
    assert!(offers.iter().all(|o| o["photo_url"].is_string()));
    let img = fetch_jpeg(&c, offers[0]["photo_url"].as_str().unwrap()).await;
    assert!(img.width() >= 320 && img.height() >= 200);
    // An illustration, not a flat fill: many distinct colours.
    let mut colours: Vec<[u8; 3]> = img
        .pixels()
        .step_by(37)
        .map(|p| [p[0] / 8, p[1] / 8, p[2] / 8])
        .collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 40, "{} colours", colours.len());

    let (_, galleries) = c
        .get("/api/staff/hotel/killarney/galleries/", Some(&t))
        .await;
    let galleries = galleries["results"].as_array().unwrap();
    assert!(galleries.len() >= 2);
    assert!(galleries
        .iter()
        .all(|g| g["image_count"].as_u64().unwrap() >= 2));

    let (_, types) = c
        .get("/api/staff/hotel/killarney/room-types/", Some(&t))
        .await;
    assert!(types["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["photo_url"].is_string()));

    let (_, settings) = c
        .get("/api/staff/hotel/killarney/settings/", Some(&t))
        .await;
    for k in [
        "hero_image_display",
        "landing_page_image_display",
        "logo_display",
    ] {
        fetch_jpeg(&c, settings[k].as_str().unwrap()).await;
    }

    let (_, convs) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    let convs = convs.as_array().unwrap();
    assert!(convs.len() >= 3);
    assert!(convs.iter().any(|c| c["has_unread"] == true));
    let id = convs[0]["conversation_id"].as_i64().unwrap();
    let (_, msgs) = c
        .get(
            &format!("/api/chat/killarney/conversations/{id}/messages/"),
            None,
        )
        .await;
    assert!(!msgs.as_array().unwrap().is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn every_demo_login_works_and_the_second_hotel_exists() {
    let c = start().await;
    assert_eq!(hotelmate_sandbox::DEMO_LOGINS[0].username, "anna.byrne");
    for l in hotelmate_sandbox::DEMO_LOGINS {
        let t = c.token(l.username).await;
        let (_, me) = c.get("/api/staff/killarney/me/", Some(&t)).await;
        assert_eq!(me["first_name"], l.first_name);
        assert_eq!(me["last_name"], l.last_name);
        assert_eq!(me["role_detail"]["name"], l.role);
    }
    let t = c.token("ciara.walsh").await;
    let (s, me) = c.get("/api/staff/galway-bay/me/", Some(&t)).await;
    assert_eq!(s, 200);
    assert_eq!(me["hotel_slug"], "galway-bay");
    let p = c.sandbox.pusher();
    assert_eq!(
        (p.app_id.as_str(), p.key.as_str(), p.tls),
        ("1", "hotelmate-demo-key", false)
    );
    assert_eq!(p.port, c.sandbox.addr().port());
    assert_eq!(c.sandbox.hotel_slug(), "killarney");
    assert!(!c.sandbox.base_url().ends_with('/'));
    c.sandbox.shutdown().await;
}
