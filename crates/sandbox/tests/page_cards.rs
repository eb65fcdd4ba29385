//! The 2026 lists and cards as API.md §17.5 describes them: 10 a page with filters ignored, a
//! blank title refused with DRF's 400, the picture through `cards/<id>/upload-image/` (field
//! `image`) and cleared with JSON null, and a list or a card on a rooms section answered with a
//! bare 500 (§17.9 item 3).

use hotelmate_sandbox::Generation;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{jpeg_bytes, start_generation, Ctx};

const STAFF: &str = "/api/staff/hotel/killarney";

async fn section(c: &Ctx, token: &str, section_type: &str) -> Value {
    let (status, made) = c
        .post(
            &format!("{STAFF}/sections/create/"),
            Some(token),
            json!({"section_type": section_type, "name": "Test", "container_name": "Deals"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    made
}

#[tokio::test]
async fn cards_list_ten_a_page_ignore_filters_and_refuse_a_blank_title() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let admin = c.token("sean.murphy").await;
    let made = section(&c, &admin, "list").await;
    let list = made["section"]["lists"][0]["id"].as_i64().unwrap();
    assert_eq!(made["section"]["lists"][0]["title"], "Deals");
    for n in 0..12 {
        let (status, card) = c
            .post(
                &format!("{STAFF}/cards/"),
                Some(&admin),
                json!({"list_container": list, "title": format!("Card {n}"), "sort_order": n}),
            )
            .await;
        assert_eq!(status, 201, "{card}");
    }
    let (_, first) = c
        .get(
            &format!("{STAFF}/cards/?list_container={list}"),
            Some(&admin),
        )
        .await;
    assert_eq!(first["results"].as_array().unwrap().len(), 10);
    assert_eq!(
        first["count"], 15,
        "the demo list's 3 cards too: the filter is ignored"
    );
    let (status, _) = c.get(&format!("{STAFF}/cards/?page=3"), Some(&admin)).await;
    assert_eq!(status, 404);
    let (status, body) = c
        .post(
            &format!("{STAFF}/cards/"),
            Some(&admin),
            json!({"list_container": list, "title": ""}),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"title": ["This field may not be blank."]}))
    );
}

#[tokio::test]
async fn a_cards_picture_is_uploaded_as_image_and_cleared_with_null() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let admin = c.token("sean.murphy").await;
    let (_, cards) = c.get(&format!("{STAFF}/cards/"), Some(&admin)).await;
    let id = cards["results"][0]["id"].as_i64().unwrap();
    let path = format!("{STAFF}/cards/{id}/upload-image/");
    let (status, body) = c
        .multipart(Method::POST, &path, Some(&admin), None, &[])
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "No image file provided"}))
    );
    let file = Some(("image", jpeg_bytes(), "card.jpg"));
    let (status, card) = c
        .multipart(Method::POST, &path, Some(&admin), file, &[])
        .await;
    assert_eq!(status, 200, "{card}");
    assert!(
        card["image"]
            .as_str()
            .unwrap()
            .starts_with("image/upload/v"),
        "{card}"
    );
    assert!(
        card["image_url"].as_str().unwrap().starts_with("http"),
        "{card}"
    );
    let (status, card) = c
        .send(
            Method::PATCH,
            &format!("{STAFF}/cards/{id}/"),
            Some(&admin),
            Some(json!({"image": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (&card["image"], &card["image_url"]),
        (&Value::Null, &Value::Null)
    );
}

#[tokio::test]
async fn a_list_or_a_card_on_a_rooms_section_answers_a_bare_500() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let admin = c.token("sean.murphy").await;
    // The demo's room types have two prices each, so a rooms section can be made (§17.9 item 1).
    let rooms = section(&c, &admin, "rooms").await["section"]["id"]
        .as_i64()
        .unwrap();
    let (status, body) = c
        .post(
            &format!("{STAFF}/list-containers/"),
            Some(&admin),
            json!({"section": rooms, "title": "Nope"}),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert!(body.as_str().unwrap().contains("Server Error (500)"));
    // A list put on that section by a move of its section id is a card's way there too.
    let made = section(&c, &admin, "list").await;
    let list = made["section"]["lists"][0]["id"].as_i64().unwrap();
    let (status, _) = c
        .send(
            Method::PATCH,
            &format!("{STAFF}/list-containers/{list}/"),
            Some(&admin),
            Some(json!({"section": rooms})),
        )
        .await;
    assert_eq!(status, 500);
    let (status, _) = c
        .post(
            &format!("{STAFF}/cards/"),
            Some(&admin),
            json!({"list_container": list, "title": "Fine"}),
        )
        .await;
    assert_eq!(
        status, 201,
        "the move was refused, so the list is not on the rooms section"
    );
}
