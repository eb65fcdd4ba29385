//! Contract tests for API.md §3 (offers) and the offer events of §9.2; §13 facts 6–12.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{jpeg_bytes, keys, sorted, start};
use reqwest::Method;
use serde_json::{json, Value};

const OFFERS: &str = "/api/staff/hotel/killarney/offers/";
const OFFER_KEYS: &[&str] = &[
    "id",
    "title",
    "short_description",
    "details_text",
    "details_html",
    "valid_from",
    "valid_to",
    "tag",
    "book_now_url",
    "photo",
    "photo_url",
    "sort_order",
    "is_active",
    "created_at",
];

fn is_storage_path(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() == 4
        && parts[0] == "image"
        && parts[1] == "upload"
        && parts[2].starts_with('v')
        && parts[2][1..].chars().all(|c| c.is_ascii_digit())
        && parts[3].contains('.')
}

#[tokio::test]
async fn offer_list_is_paginated_with_the_serializer_fields_and_model_order() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get(OFFERS, Some(&t)).await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["count", "next", "previous", "results"]));
    let n = v["count"].as_u64().unwrap();
    assert!(n >= 6);
    let results = v["results"].as_array().unwrap();
    for o in results {
        assert_eq!(keys(o), sorted(OFFER_KEYS));
        // §13.12: photo is a storage path, photo_url the absolute URL.
        assert!(
            is_storage_path(o["photo"].as_str().unwrap()),
            "{}",
            o["photo"]
        );
        assert!(o["photo_url"].as_str().unwrap().starts_with(&c.base));
        assert!(o["created_at"].as_str().unwrap().ends_with('Z'));
    }
    let orders: Vec<i64> = results
        .iter()
        .map(|o| o["sort_order"].as_i64().unwrap())
        .collect();
    let mut sorted_orders = orders.clone();
    sorted_orders.sort();
    assert_eq!(orders, sorted_orders);
    // Photos are served.
    let r = c
        .http
        .get(results[0]["photo_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_pages_have_absolute_links_and_out_of_range_is_invalid_page() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for i in 0..6 {
        let (s, _) = c
            .post(
                OFFERS,
                Some(&t),
                json!({"title": format!("Extra {i}"), "short_description": "x", "sort_order": 50}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, first) = c.get(OFFERS, Some(&t)).await;
    let count = first["count"].as_u64().unwrap();
    assert!(count > 10);
    assert_eq!(first["results"].as_array().unwrap().len(), 10);
    assert_eq!(first["previous"], Value::Null);
    let next = first["next"].as_str().unwrap();
    assert!(next.starts_with("http://127.0.0.1:"), "{next}");
    assert!(
        next.ends_with("/api/staff/hotel/killarney/offers/?page=2"),
        "{next}"
    );
    let page2: Value = c
        .http
        .get(next)
        .header("Authorization", format!("Token {t}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page2["next"], Value::Null);
    assert!(page2["previous"]
        .as_str()
        .unwrap()
        .ends_with("/api/staff/hotel/killarney/offers/"));
    assert_eq!(
        page2["results"].as_array().unwrap().len() as u64,
        count - 10
    );
    for bad in ["?page=3", "?page=0", "?page=abc"] {
        let (s, v) = c.get(&format!("{OFFERS}{bad}"), Some(&t)).await;
        assert_eq!((s, v), (404, json!({"detail": "Invalid page."})), "{bad}");
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offers_of_another_hotel_slug_are_403() {
    let c = start().await;
    let anna = c.token("anna.byrne").await;
    let ciara = c.token("ciara.walsh").await;
    let expected = json!({"detail": "You can only access resources from your hotel."});
    let (s, v) = c
        .get("/api/staff/hotel/galway-bay/offers/", Some(&anna))
        .await;
    assert_eq!((s, v), (403, expected.clone()));
    let (s, v) = c.get(OFFERS, Some(&ciara)).await;
    assert_eq!((s, v), (403, expected.clone()));
    let (s, v) = c
        .get("/api/staff/hotel/nowhere/offers/1/", Some(&anna))
        .await;
    assert_eq!((s, v), (403, expected));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offers_without_a_token_are_401() {
    let c = start().await;
    let (s, v) = c.get(OFFERS, None).await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_of_another_hotel_by_id_is_404() {
    let c = start().await;
    let ciara = c.token("ciara.walsh").await;
    let (_, galway) = c
        .get("/api/staff/hotel/galway-bay/offers/", Some(&ciara))
        .await;
    let galway_id = galway["results"][0]["id"].as_i64().unwrap();
    let anna = c.token("anna.byrne").await;
    let expected = json!({"detail": "No Offer matches the given query."});
    for path in [
        format!("{OFFERS}{galway_id}/"),
        format!("{OFFERS}99999/"),
        format!("{OFFERS}abc/"),
    ] {
        let (s, v) = c.get(&path, Some(&anna)).await;
        assert_eq!((s, v), (404, expected.clone()), "{path}");
    }
    let (s, _) = c
        .send(
            Method::DELETE,
            &format!("{OFFERS}{galway_id}/"),
            Some(&anna),
            None,
        )
        .await;
    assert_eq!(s, 404);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_create_validates_required_fields() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.post(OFFERS, Some(&t), json!({})).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"title": ["This field is required."], "short_description": ["This field is required."]})
    );
    let (s, v) = c.post(OFFERS, Some(&t), json!({"title": "", "short_description": "x", "book_now_url": "not a url", "sort_order": -1, "valid_from": "12/01/2025"})).await;
    assert_eq!(s, 400);
    assert_eq!(v["title"], json!(["This field may not be blank."]));
    assert_eq!(v["book_now_url"], json!(["Enter a valid URL."]));
    assert_eq!(
        v["sort_order"],
        json!(["Ensure this value is greater than or equal to 0."])
    );
    assert!(v["valid_from"][0]
        .as_str()
        .unwrap()
        .starts_with("Date has wrong format."));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_crud_fires_the_documented_events_in_order() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;

    let (s, created) = c.post(OFFERS, Some(&t), json!({"title": "Hill Walk", "short_description": "Guided", "valid_from": "2025-12-01"})).await;
    assert_eq!(s, 201);
    assert_eq!(keys(&created), sorted(OFFER_KEYS));
    assert_eq!(created["details_text"], "");
    assert_eq!(created["is_active"], true);
    assert_eq!(created["sort_order"], 0);
    assert_eq!(created["photo"], Value::Null);
    assert_eq!(created["photo_url"], Value::Null);
    let id = created["id"].as_i64().unwrap();
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].0, "offer-created");
    assert_eq!(events[0].1, "hotel-killarney");
    assert_eq!(events[0].2, json!({"action": "created", "offer": created}));
    assert_eq!(events[1].0, "offers-updated");
    assert_eq!(events[1].2, json!({"action": "sync"}));

    let (s, updated) = c
        .send(
            Method::PATCH,
            &format!("{OFFERS}{id}/"),
            Some(&t),
            Some(json!({"tag": "Walks"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(updated["tag"], "Walks");
    assert_eq!(updated["title"], "Hill Walk");
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["offer-updated", "offers-updated"]
    );
    assert_eq!(events[0].2, json!({"action": "updated", "offer": updated}));

    // PUT is a full update: required fields again.
    let (s, v) = c
        .send(
            Method::PUT,
            &format!("{OFFERS}{id}/"),
            Some(&t),
            Some(json!({"tag": "x"})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["title"], json!(["This field is required."]));
    let (s, _) = c
        .send(
            Method::PUT,
            &format!("{OFFERS}{id}/"),
            Some(&t),
            Some(json!({"title": "Hill Walk 2", "short_description": "Guided"})),
        )
        .await;
    assert_eq!(s, 200);
    let _ = ws.drain(300).await;

    let r = c
        .http
        .delete(c.url(&format!("{OFFERS}{id}/")))
        .header("Authorization", format!("Token {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["offer-deleted", "offers-updated"]
    );
    // §13.10: no offer object.
    assert_eq!(
        events[0].2,
        json!({"action": "deleted", "offer_id": id, "offer_title": "Hill Walk 2"})
    );
    let (s, _) = c.get(&format!("{OFFERS}{id}/"), Some(&t)).await;
    assert_eq!(s, 404);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_upload_image_answers_and_fires_image_updated_then_sync() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, list) = c.get(OFFERS, Some(&t)).await;
    let offer = &list["results"][0];
    let id = offer["id"].as_i64().unwrap();
    let path = format!("{OFFERS}{id}/upload-image/");

    // §13.8: no file.
    let (s, v) = c
        .multipart(Method::POST, &path, Some(&t), None, &[("caption", "x")])
        .await;
    assert_eq!((s, v), (400, json!({"error": "No photo file provided"})));
    let (s, v) = c.post(&path, Some(&t), json!({})).await;
    assert_eq!((s, v), (400, json!({"error": "No photo file provided"})));

    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            Some(("photo", jpeg_bytes(), "lake.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["message", "photo_url"]));
    assert_eq!(v["message"], "Image uploaded");
    let photo_url = v["photo_url"].as_str().unwrap().to_string();
    let r = c.http.get(&photo_url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), jpeg_bytes());

    // §13.9: exactly these keys, no timestamp, then the sync.
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].0, "offer-image-updated");
    assert_eq!(
        events[0].2,
        json!({"action": "image-updated", "offer_id": id, "offer_title": offer["title"], "photo_url": photo_url})
    );
    assert_eq!(events[1].0, "offers-updated");
    assert_eq!(events[1].2, json!({"action": "sync"}));

    let (_, after) = c.get(&format!("{OFFERS}{id}/"), Some(&t)).await;
    assert_eq!(after["photo_url"], photo_url);
    assert!(is_storage_path(after["photo"].as_str().unwrap()));
    assert!(photo_url.ends_with(after["photo"].as_str().unwrap()));

    // Unknown id → DRF 404 (get_object is outside the try block).
    let (s, v) = c
        .multipart(
            Method::POST,
            &format!("{OFFERS}99999/upload-image/"),
            Some(&t),
            Some(("photo", jpeg_bytes(), "a.jpg")),
            &[],
        )
        .await;
    assert_eq!(
        (s, v),
        (404, json!({"detail": "No Offer matches the given query."}))
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn offer_upload_of_a_non_image_is_a_500_upload_failed() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .multipart(
            Method::POST,
            &format!("{OFFERS}1/upload-image/"),
            Some(&t),
            Some(("photo", b"%PDF-1.4 not an image".to_vec(), "menu.pdf")),
            &[],
        )
        .await;
    assert_eq!(
        (s, v),
        (500, json!({"error": "Upload failed: Invalid image file"}))
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn multipart_create_with_photo_fires_offer_created_not_image_updated_and_empty_photo_clears()
{
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c
        .multipart(
            Method::POST,
            OFFERS,
            Some(&t),
            Some(("photo", jpeg_bytes(), "x.jpg")),
            &[
                ("title", "Photo offer"),
                ("short_description", "With a photo"),
                ("is_active", "false"),
                ("sort_order", "3"),
            ],
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert!(is_storage_path(v["photo"].as_str().unwrap()));
    assert_eq!(v["is_active"], false);
    assert_eq!(v["sort_order"], 3);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["offer-created", "offers-updated"]
    );
    let id = v["id"].as_i64().unwrap();
    let (s, v) = c
        .multipart(
            Method::PATCH,
            &format!("{OFFERS}{id}/"),
            Some(&t),
            None,
            &[("photo", "")],
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["photo"], Value::Null);
    assert_eq!(v["photo_url"], Value::Null);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["offer-updated", "offers-updated"]
    );
    c.sandbox.shutdown().await;
}
