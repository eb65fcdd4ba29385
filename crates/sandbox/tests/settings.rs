//! Contract tests for API.md §4.1 (settings) and §13 fact 17, and the `settings-updated` event.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{jpeg_bytes, start};
use reqwest::Method;
use serde_json::{json, Value};

const SETTINGS: &str = "/api/staff/hotel/killarney/settings/";

#[tokio::test]
async fn settings_get_has_every_documented_key() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get(SETTINGS, Some(&t)).await;
    assert_eq!(s, 200);
    for base in [
        "name",
        "tagline",
        "city",
        "country",
        "address_line_1",
        "address_line_2",
        "postal_code",
        "phone",
        "email",
        "website_url",
        "booking_url",
        "latitude",
        "longitude",
    ] {
        assert!(
            v.get(format!("{base}_override")).is_some(),
            "{base}_override"
        );
        assert!(v.get(format!("{base}_display")).is_some(), "{base}_display");
    }
    for k in [
        "short_description",
        "long_description",
        "welcome_message",
        "hero_image",
        "landing_page_image",
        "hero_image_url",
        "landing_page_image_url",
        "hero_image_display",
        "landing_page_image_display",
        "logo",
        "logo_display",
        "galleries",
        "amenities",
        "contact_email",
        "contact_phone",
        "contact_address",
        "website",
        "google_maps_link",
        "favicon",
        "slogan",
        "primary_color",
        "secondary_color",
        "accent_color",
        "background_color",
        "button_color",
        "button_text_color",
        "button_hover_color",
        "text_color",
        "border_color",
        "link_color",
        "link_hover_color",
        "theme_mode",
        "updated_at",
    ] {
        assert!(v.get(k).is_some(), "settings lacks {k}");
    }
    assert!(v.get("gallery").is_none());
    assert_eq!(v["name_display"], "Hotel Killarney");
    assert!(v["latitude_display"].is_number());
    assert!(v["hero_image_display"]
        .as_str()
        .unwrap()
        .starts_with("http://"));
    assert!(v["logo_display"].as_str().unwrap().starts_with("http://"));
    assert!(v["galleries"].as_array().unwrap().len() >= 2);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_patch_saves_text_and_fires_settings_updated() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c.send(Method::PATCH, SETTINGS, Some(&t), Some(json!({"welcome_message": "Hello", "primary_color": "#112233", "name_override": "Killarney Lakes"}))).await;
    assert_eq!(s, 200);
    assert_eq!(v["welcome_message"], "Hello");
    assert_eq!(v["name_display"], "Killarney Lakes");
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "settings-updated");
    let p = &events[0].2;
    assert_eq!(p["welcome_message"], "Hello");
    assert_eq!(p["primary_color"], "#112233");
    assert!(p["galleries"].is_array());
    assert!(p.get("gallery").is_none());
    assert_eq!(p["logo"], p["logo_display"]);
    assert_eq!(p["hero_image"], p["hero_image_url"]);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_invalid_colour_without_files_is_400() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .send(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(json!({"primary_color": "blue"})),
        )
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"primary_color": ["primary_color must be a valid HEX color (e.g., #3B82F6)"]})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_file_upload_returns_200_even_when_text_fields_fail() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, before) = c.get(SETTINGS, Some(&t)).await;
    let (s, v) = c
        .multipart(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(("hero_image", jpeg_bytes(), "hero.jpg")),
            &[
                ("primary_color", "not-a-colour"),
                ("welcome_message", "Not saved"),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_ne!(v["hero_image_display"], before["hero_image_display"]);
    assert_eq!(v["welcome_message"], before["welcome_message"]);
    assert_eq!(v["primary_color"], before["primary_color"]);
    // A hero upload alone also lands on the settings row.
    let (s, v) = c
        .multipart(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(("hero_image", jpeg_bytes(), "hero2.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 200);
    assert!(v["hero_image"]
        .as_str()
        .unwrap()
        .starts_with("image/upload/v"));
    assert_eq!(v["hero_image_display"], v["hero_image_url"]);
    let r = c
        .http
        .get(v["hero_image_display"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_logo_file_goes_to_the_hotel_and_shows_in_logo_display() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, before) = c.get(SETTINGS, Some(&t)).await;
    let (s, v) = c
        .multipart(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(("logo", jpeg_bytes(), "logo.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 200);
    assert_ne!(v["logo_display"], before["logo_display"]);
    assert_eq!(v["logo"], "");
    let (s, v) = c
        .multipart(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(("landing_page_image", jpeg_bytes(), "l.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 200);
    assert_ne!(
        v["landing_page_image_display"],
        before["landing_page_image_display"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_of_another_hotel_are_403() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .get("/api/staff/hotel/galway-bay/settings/", Some(&t))
        .await;
    assert_eq!(
        (s, v),
        (
            403,
            json!({"detail": "You can only access resources from your hotel."})
        )
    );
    let (s, _) = c.get(SETTINGS, None).await;
    assert_eq!(s, 401);
    let galway = c.token("ciara.walsh").await;
    let (s, v) = c
        .get("/api/staff/hotel/galway-bay/settings/", Some(&galway))
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["galleries"], Value::Array(vec![]));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn settings_updated_over_10_kb_is_dropped_like_the_backend_does() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, list) = c
        .get("/api/staff/hotel/killarney/galleries/", Some(&t))
        .await;
    let gallery = list["results"][0]["id"].as_i64().unwrap();
    let caption =
        "A long caption so that the embedded galleries grow quickly past the limit ".repeat(2);
    for _ in 0..30 {
        let (s, _) = c
            .multipart(
                Method::POST,
                &format!("/api/staff/hotel/killarney/galleries/{gallery}/upload_image/"),
                Some(&t),
                Some(("image", jpeg_bytes(), "g.jpg")),
                &[("caption", &caption)],
            )
            .await;
        assert_eq!(s, 201);
    }
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (s, v) = c
        .send(
            Method::PATCH,
            SETTINGS,
            Some(&t),
            Some(json!({"slogan": "Big"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["slogan"], "Big");
    assert!(v.to_string().len() > 10 * 1024);
    assert!(
        ws.drain(300).await.is_empty(),
        "the oversize settings-updated is not delivered"
    );
    c.sandbox.shutdown().await;
}
