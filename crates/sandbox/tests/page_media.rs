//! The page builder's images as API.md §17.3, §17.4 and §17.1 describe them: a hero's two
//! upload actions (file part `image`) and its clear by a JSON `null` (the logo stays); a
//! gallery image posted alone with its container, caption and place; lists of 10 a page
//! whose filters are ignored (`?gallery=`) and whose page out of range is a 404; a bulk upload
//! into another hotel's container taken (§17.9 item 2); and the request log noting a
//! multipart body's text fields, so a test can show which container a photo named.

use serde_json::{json, Value};

use crate::common::{jpeg_bytes, start_generation, Ctx};
use hotelmate_sandbox::Generation;

const STAFF: &str = "/api/staff/hotel/killarney";

async fn start() -> Ctx {
    start_generation(Generation::Hotelmate2026).await
}

#[tokio::test]
async fn a_hero_takes_its_picture_and_logo_by_their_actions_and_a_null_clears_one() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let (_, heroes) = c
        .get(&format!("{STAFF}/hero-sections/"), Some(&admin))
        .await;
    let hero = heroes["results"][0].clone();
    let id = hero["id"].as_i64().unwrap();
    let item = format!("{STAFF}/hero-sections/{id}/");
    let (status, body) = c
        .multipart(
            reqwest::Method::POST,
            &format!("{item}upload-hero-image/"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "No image file provided"}))
    );
    let (status, after) = c
        .multipart(
            reqwest::Method::POST,
            &format!("{item}upload-logo/"),
            Some(&admin),
            Some(("image", jpeg_bytes(), "logo.jpg")),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_ne!(after["hero_logo"], hero["hero_logo"], "a new logo");
    assert!(after["hero_logo"]
        .as_str()
        .unwrap()
        .starts_with("image/upload/v"));
    assert_eq!(after["hero_image"], hero["hero_image"], "the picture stays");
    let (status, cleared) = c
        .send(
            reqwest::Method::PATCH,
            &item,
            Some(&admin),
            Some(json!({"hero_image": null})),
        )
        .await;
    assert_eq!(status, 200, "{cleared}");
    assert!(cleared["hero_image"].is_null() && cleared["hero_image_url"].is_null());
    assert_eq!(cleared["hero_logo"], after["hero_logo"], "the logo stays");
    let (status, body) = c
        .send(
            reqwest::Method::PATCH,
            &item,
            Some(&admin),
            Some(json!({"hero_title": ""})),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"hero_title": ["This field may not be blank."]}))
    );
}

fn ids(list: &Value) -> Vec<i64> {
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn an_image_posted_alone_keeps_its_place_and_caption_and_lists_are_ten_a_page_unfiltered() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let (_, containers) = c
        .get(&format!("{STAFF}/gallery-containers/"), Some(&admin))
        .await;
    let lake = containers["results"][0]["id"].as_i64().unwrap();
    let rooms = containers["results"][1]["id"].as_i64().unwrap();
    for i in 0..6 {
        let (status, image) = c
            .multipart(
                reqwest::Method::POST,
                &format!("{STAFF}/gallery-images/"),
                Some(&admin),
                Some(("image", jpeg_bytes(), "p.jpg")),
                &[
                    ("gallery", &lake.to_string()),
                    ("sort_order", &(10 + i).to_string()),
                    ("caption", "Dusk"),
                ],
            )
            .await;
        assert_eq!(status, 201, "{image}");
        assert_eq!(
            (image["sort_order"].as_i64(), image["caption"].as_str()),
            (Some(10 + i), Some("Dusk"))
        );
        assert!(image["image_url"].as_str().unwrap().starts_with("http"));
    }
    // 6 seeded and 6 new: 12 images, 10 on the first page, `?gallery=` ignored.
    let (_, first) = c
        .get(
            &format!("{STAFF}/gallery-images/?gallery={rooms}"),
            Some(&admin),
        )
        .await;
    assert_eq!(first["count"], 12);
    assert_eq!(ids(&first).len(), 10);
    assert!(first["next"].as_str().unwrap().contains("page=2"));
    let (_, second) = c
        .get(&format!("{STAFF}/gallery-images/?page=2"), Some(&admin))
        .await;
    assert_eq!(ids(&second).len(), 2);
    let (status, body) = c
        .get(&format!("{STAFF}/gallery-images/?page=3"), Some(&admin))
        .await;
    assert_eq!((status, body), (404, json!({"detail": "Invalid page."})));
}

#[tokio::test]
async fn a_bulk_upload_into_another_hotels_container_is_taken_and_the_log_names_it() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    // A gallery section moved to Galway Bay's page by a PATCH of `hotel` (§17.2).
    let (_, made) = c
        .post(
            &format!("{STAFF}/sections/create/"),
            Some(&admin),
            json!({"section_type": "gallery"}),
        )
        .await;
    let theirs = made["section"]["galleries"][0]["id"].as_i64().unwrap();
    let section = made["section"]["id"].as_i64().unwrap();
    let (status, _) = c
        .send(
            reqwest::Method::PATCH,
            &format!("{STAFF}/public-sections/{section}/"),
            Some(&admin),
            Some(json!({"hotel": 2})),
        )
        .await;
    assert_eq!(status, 200);
    let form = reqwest::multipart::Form::new()
        .text("gallery", theirs.to_string())
        .part(
            "images",
            reqwest::multipart::Part::bytes(jpeg_bytes())
                .file_name("stray.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let r = c
        .http
        .post(c.url(&format!("{STAFF}/gallery-images/bulk-upload/")))
        .header("Authorization", format!("Token {admin}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "§17.9 item 2: not checked");
    let (_, galway) = c.get("/api/public/hotel/galway-bay/page/", None).await;
    let images = &galway["sections"][0]["galleries"][0]["images"];
    assert_eq!(images.as_array().map(Vec::len), Some(1), "{galway}");
    let logged = c
        .sandbox
        .request_bodies()
        .into_iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("bulk-upload/"))
        .unwrap();
    assert_eq!(logged["body"]["gallery"], theirs.to_string());
    assert_eq!(
        logged["files"],
        json!([{"part": "images", "name": "stray.jpg"}])
    );
}
