//! The 2026 page builder as API.md §17 describes it: who may use it (§17.1), the demo page, the
//! public read and its 500 (§17.8, §17.9 item 1), bulk numbering (§17.4), parent ids that are
//! not checked (§17.9 item 2), and no events (§17.9 item 7).

use hotelmate_sandbox::Generation;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{jpeg_bytes, start_generation, Ctx};

const STAFF: &str = "/api/staff/hotel/killarney";
const PUBLIC: &str = "/api/public/hotel/killarney/page/";

async fn start() -> Ctx {
    start_generation(Generation::Hotelmate2026).await
}

#[tokio::test]
async fn only_the_hotels_super_staff_admin_with_hotel_info_may_use_the_page_builder() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let agent = c.token("anna.byrne").await;
    let other_hotel = c.token("ciara.walsh").await;
    // The login answer says who may edit (§17.1): the agent has the nav, not the level.
    let login = |user: &'static str| {
        let c = &c;
        async move {
            c.post(
                "/api/staff/login/",
                None,
                json!({"username": user, "password": crate::common::PASSWORD}),
            )
            .await
            .1
        }
    };
    let sean = login("sean.murphy").await;
    assert_eq!(sean["access_level"], "super_staff_admin");
    assert!(sean["allowed_navs"]
        .as_array()
        .unwrap()
        .contains(&json!("hotel_info")));
    let anna = login("anna.byrne").await;
    assert_eq!(anna["access_level"], "regular_staff");
    assert!(anna["allowed_navs"]
        .as_array()
        .unwrap()
        .contains(&json!("hotel_info")));

    for path in [
        "public-sections/",
        "hero-sections/",
        "gallery-containers/",
        "cards/",
        "public-page-builder/",
    ] {
        let path = format!("{STAFF}/{path}");
        assert_eq!(c.get(&path, Some(&admin)).await.0, 200, "{path}");
        let (status, body) = c.get(&path, Some(&agent)).await;
        assert_eq!(status, 403, "{path}: reads are gated too");
        assert_eq!(
            body,
            json!({"detail": "You do not have permission to perform this action."})
        );
        assert_eq!(c.get(&path, Some(&other_hotel)).await.0, 403, "{path}");
        assert_eq!(c.get(&path, None).await.0, 401, "{path}");
    }
    let (status, _) = c
        .send(
            Method::PATCH,
            &format!("{STAFF}/public-sections/1/"),
            Some(&agent),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(status, 403);
    // The admin of one hotel is nobody on another's.
    let (status, _) = c
        .get("/api/staff/hotel/galway-bay/public-sections/", Some(&admin))
        .await;
    assert_eq!(status, 403);
    // Everyone reads the public page, without a token.
    assert_eq!(c.get(PUBLIC, None).await.0, 200);
    // The demo's preset table, read without a token (§17.7): the list and its grouping.
    let (status, presets) = c.get("/api/public/presets/", None).await;
    assert_eq!(status, 200);
    let listed = presets["presets"].as_array().unwrap();
    assert_eq!(listed.len(), 8, "{presets}");
    for key in [
        "id",
        "target_type",
        "section_type",
        "key",
        "name",
        "description",
        "is_default",
        "config",
    ] {
        assert!(listed[0].get(key).is_some(), "{key}: {}", listed[0]);
    }
    assert_eq!(
        presets["grouped"]["section"]["hero"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        presets["grouped"]["card"]["items"][0]["key"],
        "card_picture_top"
    );
    let (_, staff) = c.get(&format!("{STAFF}/presets/"), Some(&agent)).await;
    assert_eq!(
        staff["count"], 8,
        "regular staff with the nav read them too: {staff}"
    );
    assert_eq!(
        c.get(&format!("{STAFF}/presets/grouped/"), Some(&admin))
            .await
            .0,
        500
    );
}

#[tokio::test]
async fn the_demo_page_has_a_hero_two_galleries_and_an_offers_list_of_three_cards() {
    let c = start().await;
    let (status, page) = c.get(PUBLIC, None).await;
    assert_eq!(status, 200, "{page}");
    let sections = page["sections"].as_array().unwrap();
    let types: Vec<&str> = sections
        .iter()
        .map(|s| s["section_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["hero", "gallery", "list"]);
    assert_eq!(sections[0].as_object().unwrap().len(), 15);
    assert!(sections[0]["hero_data"]["hero_image_url"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    let galleries = sections[1]["galleries"].as_array().unwrap();
    assert_eq!(galleries.len(), 2);
    assert_eq!(galleries[0]["images"].as_array().unwrap().len(), 3);
    let cards = sections[2]["lists"][0]["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 3);
    assert_eq!(cards[0]["title"], "Lakeside Spa Retreat");
    assert_eq!(page["hotel"]["preset"], 1);
    // The hidden draft is only in the staff list, which carries no type.
    let admin = c.token("sean.murphy").await;
    let (_, staff) = c
        .get(&format!("{STAFF}/public-sections/"), Some(&admin))
        .await;
    assert_eq!(staff["count"], 4);
    let hidden = &staff["results"][3];
    assert_eq!(
        (hidden["is_active"].clone(), hidden.get("section_type")),
        (json!(false), None)
    );
}

#[tokio::test]
async fn a_rooms_section_listing_a_room_type_of_one_price_makes_the_public_page_answer_500() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let create = format!("{STAFF}/sections/create/");
    let (status, made) = c
        .post(
            &create,
            Some(&admin),
            json!({"section_type": "rooms", "position": 5}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["section"]["section_type"], "rooms");
    assert!(
        made["section"]["rooms_data"]["room_types"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    assert_eq!(
        c.get(PUBLIC, None).await.0,
        200,
        "every room type has two prices"
    );

    c.sandbox.leave_one_rate_plan(1);
    let (status, body) = c.get(PUBLIC, None).await;
    assert_eq!(status, 500);
    assert!(
        body.as_str().unwrap().contains("Server Error (500)"),
        "{body}"
    );
    // A second rooms section fails the same way, after it was saved.
    let (status, _) = c
        .post(&create, Some(&admin), json!({"section_type": "rooms"}))
        .await;
    assert_eq!(status, 500);
    let (_, staff) = c
        .get(&format!("{STAFF}/public-sections/"), Some(&admin))
        .await;
    assert_eq!(staff["count"], 6, "both rooms sections were kept");
    // Hidden, the rooms sections leave the page readable again.
    for section in staff["results"].as_array().unwrap() {
        if section["position"] == 5
            || section["position"] == 0 && section["name"] == "Rooms Section"
        {
            let path = format!("{STAFF}/public-sections/{}/", section["id"]);
            c.send(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({"is_active": false})),
            )
            .await;
        }
    }
    assert_eq!(c.get(PUBLIC, None).await.0, 200);
}

async fn bulk(c: &Ctx, token: &str, gallery: i64, count: usize) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new().text("gallery", gallery.to_string());
    for i in 0..count {
        let part = reqwest::multipart::Part::bytes(jpeg_bytes())
            .file_name(format!("p{i}.jpg"))
            .mime_str("image/jpeg")
            .unwrap();
        form = form.part("images", part);
    }
    let r = c
        .http
        .post(c.url(&format!("{STAFF}/gallery-images/bulk-upload/")))
        .header("Authorization", format!("Token {token}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn orders(v: &Value) -> Vec<i64> {
    v["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sort_order"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn bulk_upload_numbering_restarts_at_zero_when_the_highest_is_zero() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let (_, made) = c
        .post(
            &format!("{STAFF}/sections/create/"),
            Some(&admin),
            json!({"section_type": "gallery"}),
        )
        .await;
    let first = made["section"]["galleries"][0]["id"].as_i64().unwrap();
    let section = made["section"]["id"].as_i64().unwrap();
    assert_eq!(orders(&bulk(&c, &admin, first, 3).await.1), [0, 1, 2]);
    assert_eq!(orders(&bulk(&c, &admin, first, 2).await.1), [3, 4]);
    let (status, second) = c
        .post(
            &format!("{STAFF}/gallery-containers/"),
            Some(&admin),
            json!({"section": section, "name": "More"}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let second = second["id"].as_i64().unwrap();
    assert_eq!(orders(&bulk(&c, &admin, second, 1).await.1), [0]);
    assert_eq!(
        orders(&bulk(&c, &admin, second, 2).await.1),
        [0, 1],
        "two images share 0"
    );
    assert_eq!(orders(&bulk(&c, &admin, second, 1).await.1), [2]);
    let (status, body) = bulk(&c, &admin, second, 21).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"images": ["Ensure this field has no more than 20 elements."]})
        )
    );
}

#[tokio::test]
async fn parent_ids_in_bodies_are_not_checked_against_the_hotel_and_nothing_is_announced() {
    let c = start().await;
    let admin = c.token("sean.murphy").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, made) = c
        .post(
            &format!("{STAFF}/sections/create/"),
            Some(&admin),
            json!({"section_type": "list", "name": "Moved"}),
        )
        .await;
    let section = made["section"]["id"].as_i64().unwrap();
    let list = made["section"]["lists"][0]["id"].as_i64().unwrap();
    // A PATCH of `hotel` moves the section to another hotel's page (§17.2).
    let path = format!("{STAFF}/public-sections/{section}/");
    let (status, _) = c
        .send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"hotel": 2})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        c.get(&path, Some(&admin)).await.0,
        404,
        "now another hotel's"
    );
    let (_, galway) = c.get("/api/public/hotel/galway-bay/page/", None).await;
    assert_eq!(galway["sections"][0]["name"], "Moved");
    // Its list is another hotel's now, yet a card names it and is made there.
    let (status, card) = c
        .post(
            &format!("{STAFF}/cards/"),
            Some(&admin),
            json!({"list_container": list, "title": "Stray"}),
        )
        .await;
    assert_eq!(status, 201, "{card}");
    assert_eq!(galway["sections"][0]["lists"][0]["id"], list);
    let (_, galway) = c.get("/api/public/hotel/galway-bay/page/", None).await;
    assert_eq!(
        galway["sections"][0]["lists"][0]["cards"][0]["title"],
        "Stray"
    );
    // The serializers' rules.
    let (status, body) = c
        .post(
            &format!("{STAFF}/cards/"),
            Some(&admin),
            json!({"list_container": list, "title": " "}),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"title": ["This field may not be blank."]}))
    );
    let (status, body) = c
        .send(
            Method::PATCH,
            &format!("{STAFF}/public-sections/1/"),
            Some(&admin),
            Some(json!({"style_variant": 9})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"style_variant": ["\"9\" is not a valid choice."]})
        )
    );
    let (status, _) = c
        .post(
            &format!("{STAFF}/sections/create/"),
            Some(&admin),
            json!({"section_type": "footer"}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        ws.drain(300).await.is_empty(),
        "the page builder sends no event (§17.9 item 7)"
    );
}
