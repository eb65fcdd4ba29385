//! Contract tests for API.md §6 (room types) and §13 facts 13–14.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{jpeg_bytes, keys, sorted, start};
use reqwest::Method;
use serde_json::{json, Value};

const TYPES: &str = "/api/staff/hotel/killarney/room-types/";
const TYPE_KEYS: &[&str] = &[
    "id",
    "code",
    "name",
    "short_description",
    "max_occupancy",
    "bed_setup",
    "photo",
    "photo_url",
    "starting_price_from",
    "currency",
    "booking_code",
    "booking_url",
    "availability_message",
    "sort_order",
    "is_active",
];

#[tokio::test]
async fn room_type_list_is_paginated_with_string_prices() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get(TYPES, Some(&t)).await;
    assert_eq!(s, 200);
    assert!(v["count"].as_u64().unwrap() >= 4);
    for rt in v["results"].as_array().unwrap() {
        assert_eq!(keys(rt), sorted(TYPE_KEYS));
        assert!(rt["starting_price_from"].is_string());
        assert!(rt["photo_url"].as_str().unwrap().starts_with("http://"));
        assert!(rt.get("updated_at").is_none());
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn room_type_crud_fires_no_events() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c.post(TYPES, Some(&t), json!({"name": "Attic Room"})).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"starting_price_from": ["This field is required."]})
    );
    let (s, v) = c
        .post(
            TYPES,
            Some(&t),
            json!({"name": "Attic Room", "starting_price_from": 99}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(v["starting_price_from"], "99.00");
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["max_occupancy"], 2);
    let id = v["id"].as_i64().unwrap();
    let (s, v) = c
        .send(
            Method::PATCH,
            &format!("{TYPES}{id}/"),
            Some(&t),
            Some(json!({"max_occupancy": 3})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["max_occupancy"], 3);
    let (s, _) = c
        .send(Method::DELETE, &format!("{TYPES}{id}/"), Some(&t), None)
        .await;
    assert_eq!(s, 204);
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_image_with_unknown_id_is_500_request_failed() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .multipart(
            Method::POST,
            &format!("{TYPES}99999/upload-image/"),
            Some(&t),
            Some(("photo", jpeg_bytes(), "r.jpg")),
            &[],
        )
        .await;
    assert_eq!(
        (s, v),
        (
            500,
            json!({"error": "Request failed: No RoomType matches the given query."})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_image_file_fires_the_event_with_a_null_timestamp() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, list) = c.get(TYPES, Some(&t)).await;
    let id = list["results"][0]["id"].as_i64().unwrap();
    let path = format!("{TYPES}{id}/upload-image/");
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            Some(("photo", jpeg_bytes(), "r.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["message"], "Image uploaded successfully");
    let url = v["photo_url"].as_str().unwrap().to_string();
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "room-type-image-updated");
    assert_eq!(
        events[0].2,
        json!({"room_type_id": id, "photo_url": url, "timestamp": Value::Null})
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_image_photo_url_string_saves_without_an_event() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let path = format!("{TYPES}1/upload-image/");
    let (s, v) = c
        .post(
            &path,
            Some(&t),
            json!({"photo_url": "https://example.org/room.jpg"}),
        )
        .await;
    assert_eq!(
        (s, v),
        (
            200,
            json!({"message": "Image URL saved successfully", "photo_url": "https://example.org/room.jpg"})
        )
    );
    let (s, v) = c.post(&path, Some(&t), json!({"photo_url": ""})).await;
    assert_eq!((s, v), (400, json!({"error": "photo_url cannot be empty"})));
    let (s, v) = c.post(&path, Some(&t), json!({})).await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"error": "Please provide either a photo file or photo_url"})
        )
    );
    assert!(ws.drain(300).await.is_empty());
    let (_, rt) = c.get(&format!("{TYPES}1/"), Some(&t)).await;
    assert_eq!(rt["photo_url"], "https://example.org/room.jpg");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_of_a_non_image_is_500_upload_failed() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .multipart(
            Method::POST,
            &format!("{TYPES}1/upload-image/"),
            Some(&t),
            Some(("photo", b"text".to_vec(), "r.txt")),
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
async fn room_types_of_another_hotel_are_403() {
    let c = start().await;
    let t = c.token("ciara.walsh").await;
    let (s, v) = c.get(TYPES, Some(&t)).await;
    assert_eq!(
        (s, v),
        (
            403,
            json!({"detail": "You can only access resources from your hotel."})
        )
    );
    let (s, _) = c
        .post(&format!("{TYPES}1/upload-image/"), Some(&t), json!({}))
        .await;
    assert_eq!(s, 403);
    c.sandbox.shutdown().await;
}
