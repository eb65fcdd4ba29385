//! Contract tests for API.md §5 (galleries, upload_image, reorder_images, gallery-images) and §13 facts 15–16.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{jpeg_bytes, keys, sorted, start};
use reqwest::Method;
use serde_json::{json, Value};

const GALLERIES: &str = "/api/staff/hotel/killarney/galleries/";
const IMAGES: &str = "/api/staff/hotel/killarney/gallery-images/";
const IMAGE_KEYS: &[&str] = &[
    "id",
    "image",
    "image_url",
    "caption",
    "alt_text",
    "display_order",
    "is_featured",
    "uploaded_at",
];

#[tokio::test]
async fn gallery_list_is_paginated_with_nested_images() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get(GALLERIES, Some(&t)).await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["count", "next", "previous", "results"]));
    assert!(v["count"].as_u64().unwrap() >= 2);
    for g in v["results"].as_array().unwrap() {
        assert_eq!(
            keys(g),
            sorted(&[
                "id",
                "hotel",
                "hotel_slug",
                "name",
                "category",
                "description",
                "is_active",
                "display_order",
                "image_count",
                "images",
                "created_at",
                "updated_at"
            ])
        );
        assert_eq!(g["hotel_slug"], "killarney");
        let images = g["images"].as_array().unwrap();
        assert!(!images.is_empty());
        assert_eq!(g["image_count"].as_u64().unwrap() as usize, images.len());
        for i in images {
            assert_eq!(keys(i), sorted(IMAGE_KEYS));
            assert!(i["image"].as_str().unwrap().starts_with("image/upload/v"));
            assert!(i["image_url"].as_str().unwrap().starts_with("http://"));
        }
    }
    let id = v["results"][0]["id"].as_i64().unwrap();
    let (s, one) = c.get(&format!("{GALLERIES}{id}/"), Some(&t)).await;
    assert_eq!(s, 200);
    assert_eq!(one, v["results"][0]);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn gallery_crud_answers_the_write_shape_and_fires_nothing() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c
        .post(
            GALLERIES,
            Some(&t),
            json!({"name": "Spa", "category": "spa"}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        keys(&v),
        sorted(&[
            "id",
            "name",
            "category",
            "description",
            "is_active",
            "display_order"
        ])
    );
    let id = v["id"].as_i64().unwrap();
    let (s, v) = c
        .send(
            Method::PATCH,
            &format!("{GALLERIES}{id}/"),
            Some(&t),
            Some(json!({"description": "Calm"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["description"], "Calm");
    let (s, v) = c
        .post(GALLERIES, Some(&t), json!({"category": "nope"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["name"], json!(["This field is required."]));
    assert_eq!(v["category"], json!(["\"nope\" is not a valid choice."]));
    // A duplicate name is an IntegrityError → 500.
    let (s, _) = c.post(GALLERIES, Some(&t), json!({"name": "Spa"})).await;
    assert_eq!(s, 500);
    let (s, _) = c
        .send(Method::DELETE, &format!("{GALLERIES}{id}/"), Some(&t), None)
        .await;
    assert_eq!(s, 204);
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_image_is_201_without_image_url_and_fires_image_added() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, list) = c.get(GALLERIES, Some(&t)).await;
    let g = &list["results"][0];
    let id = g["id"].as_i64().unwrap();
    let before = g["image_count"].as_i64().unwrap();
    let path = format!("{GALLERIES}{id}/upload_image/");
    let (s, v) = c
        .multipart(Method::POST, &path, Some(&t), None, &[("caption", "x")])
        .await;
    assert_eq!((s, v), (400, json!({"error": "No image file provided"})));
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            Some(("image", jpeg_bytes(), "a.jpg")),
            &[
                ("caption", "Boat house"),
                ("display_order", "7"),
                ("is_featured", "true"),
            ],
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        keys(&v),
        sorted(&[
            "id",
            "image",
            "caption",
            "alt_text",
            "display_order",
            "is_featured"
        ])
    );
    assert_eq!(v["caption"], "Boat house");
    assert_eq!(v["display_order"], 7);
    assert_eq!(v["is_featured"], true);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "gallery-updated");
    assert_eq!(
        events[0].2,
        json!({"gallery_id": id, "gallery_name": g["name"], "action": "image_added", "image_count": before + 1})
    );
    // Non-image → field error.
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            Some(("image", b"hello".to_vec(), "a.txt")),
            &[],
        )
        .await;
    assert_eq!(s, 400);
    assert!(v["image"].is_array());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn reorder_sets_zero_based_order_ignores_foreign_ids_and_needs_a_json_list() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, list) = c.get(GALLERIES, Some(&t)).await;
    let g = &list["results"][0];
    let other = &list["results"][1];
    let id = g["id"].as_i64().unwrap();
    let mut ids: Vec<i64> = g["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    ids.reverse();
    let foreign = other["images"][0]["id"].as_i64().unwrap();
    let foreign_order = other["images"][0]["display_order"].clone();
    let mut body = ids.clone();
    body.insert(1, foreign);
    let path = format!("{GALLERIES}{id}/reorder_images/");
    let (s, v) = c.post(&path, Some(&t), json!({"image_ids": body})).await;
    assert_eq!(
        (s, v),
        (200, json!({"message": "Images reordered successfully"}))
    );
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].2,
        json!({"gallery_id": id, "gallery_name": g["name"], "action": "images_reordered"})
    );
    let (_, after) = c.get(&format!("{GALLERIES}{id}/"), Some(&t)).await;
    let order: Vec<i64> = after["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, ids);
    let (_, img) = c.get(&format!("{IMAGES}{}/", ids[1]), Some(&t)).await;
    assert_eq!(
        img["display_order"], 2,
        "index in the sent list, foreign id included"
    );
    let (_, foreign_after) = c.get(&format!("{IMAGES}{foreign}/"), Some(&t)).await;
    assert_eq!(foreign_after["display_order"], foreign_order);
    for bad in [json!({"image_ids": "1,2"}), json!({})] {
        let (s, v) = c.post(&path, Some(&t), bad).await;
        assert_eq!((s, v), (400, json!({"error": "image_ids must be a list"})));
    }
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            None,
            &[("image_ids", "[1,2]")],
        )
        .await;
    assert_eq!((s, v), (400, json!({"error": "image_ids must be a list"})));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn gallery_images_list_patch_and_delete() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c.get(IMAGES, Some(&t)).await;
    assert_eq!(s, 200);
    assert!(v["count"].as_u64().unwrap() >= 8);
    let first = &v["results"][0];
    assert_eq!(keys(first), sorted(IMAGE_KEYS));
    let id = first["id"].as_i64().unwrap();
    let (s, v) = c
        .send(
            Method::PATCH,
            &format!("{IMAGES}{id}/"),
            Some(&t),
            Some(json!({"caption": "New", "is_featured": false})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        keys(&v),
        sorted(&["id", "caption", "alt_text", "display_order", "is_featured"])
    );
    assert_eq!(v["caption"], "New");
    assert!(ws.drain(300).await.is_empty(), "PATCH fires no event");
    let (_, galleries) = c.get(GALLERIES, Some(&t)).await;
    let g = galleries["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["images"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == id)
        })
        .unwrap()
        .clone();
    let (s, _) = c
        .send(Method::DELETE, &format!("{IMAGES}{id}/"), Some(&t), None)
        .await;
    assert_eq!(s, 204);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].2,
        json!({"gallery_id": g["id"], "gallery_name": g["name"], "action": "image_removed", "image_count": g["image_count"].as_i64().unwrap() - 1})
    );
    let (s, v) = c.get(&format!("{IMAGES}{id}/"), Some(&t)).await;
    assert_eq!(
        (s, v),
        (
            404,
            json!({"detail": "No GalleryImage matches the given query."})
        )
    );
    // POST on gallery-images has no gallery: 500.
    let (s, _) = c.post(IMAGES, Some(&t), json!({"caption": "x"})).await;
    assert_eq!(s, 500);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn galleries_of_another_hotel_are_403_and_the_old_routes_are_404() {
    let c = start().await;
    let t = c.token("ciara.walsh").await;
    let (s, v) = c.get(GALLERIES, Some(&t)).await;
    assert_eq!(
        (s, v),
        (
            403,
            json!({"detail": "You can only access resources from your hotel."})
        )
    );
    let anna = c.token("anna.byrne").await;
    for path in [
        "/api/staff/hotel/killarney/settings/gallery/upload/",
        "/api/staff/hotel/killarney/settings/gallery/reorder/",
    ] {
        let (s, v) = c.post(path, Some(&anna), json!({})).await;
        assert_eq!(s, 404);
        assert!(v.as_str().unwrap().contains("Page not found"));
    }
    let (s, _) = c.get(&format!("{GALLERIES}99999/"), Some(&anna)).await;
    assert_eq!(s, 404);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn gallery_pagination_has_no_next_for_two_galleries() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, v) = c.get(GALLERIES, Some(&t)).await;
    assert_eq!(v["next"], Value::Null);
    assert_eq!(v["previous"], Value::Null);
    c.sandbox.shutdown().await;
}
