//! Public reads (API.md §3.3, §4.3), the legacy routes that always refuse, the attendance reads (§7.1), and
//! Django's APPEND_SLASH answers for slashless URLs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::{keys, sorted, start};
use serde_json::json;

#[tokio::test]
async fn public_page_has_active_offers_in_the_public_shape() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    c.send(
        reqwest::Method::PATCH,
        "/api/staff/hotel/killarney/offers/1/",
        Some(&t),
        Some(json!({"is_active": false})),
    )
    .await;
    let (s, v) = c.get("/api/hotel/public/page/killarney/", None).await;
    assert_eq!(s, 200);
    for k in [
        "slug",
        "name",
        "tagline",
        "hero_image_url",
        "landing_page_image_url",
        "logo_url",
        "booking_options",
        "public_settings",
        "offers",
        "room_types",
        "leisure_activities",
    ] {
        assert!(v.get(k).is_some(), "page lacks {k}");
    }
    let offers = v["offers"].as_array().unwrap();
    assert!(!offers.is_empty());
    assert!(
        offers.iter().all(|o| o["id"] != 1),
        "inactive offers are hidden"
    );
    for o in offers {
        assert_eq!(
            keys(o),
            sorted(&[
                "id",
                "title",
                "short_description",
                "details_html",
                "valid_from",
                "valid_to",
                "tag",
                "book_now_url",
                "photo_url"
            ])
        );
    }
    for r in v["room_types"].as_array().unwrap() {
        assert_eq!(
            keys(r),
            sorted(&[
                "id",
                "code",
                "name",
                "short_description",
                "max_occupancy",
                "bed_setup",
                "photo_url",
                "starting_price_from",
                "currency",
                "booking_code",
                "booking_url",
                "availability_message"
            ])
        );
    }
    assert_eq!(v["public_settings"].as_object().unwrap().len(), 25);
    let (s, v) = c.get("/api/hotel/public/page/nowhere/", None).await;
    assert_eq!(
        (s, v),
        (404, json!({"detail": "No Hotel matches the given query."}))
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn public_settings_have_the_25_keys() {
    let c = start().await;
    let (s, v) = c.get("/api/hotel/public/killarney/settings/", None).await;
    assert_eq!(s, 200);
    assert_eq!(v.as_object().unwrap().len(), 25);
    assert!(v.get("galleries").is_none());
    assert!(v.get("hero_image_url").is_none());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn legacy_staff_routes_always_answer_403() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for path in [
        "/api/hotel/staff/offers/",
        "/api/hotel/staff/offers/1/",
        "/api/hotel/staff/room-types/",
    ] {
        let (s, v) = c.get(path, Some(&t)).await;
        assert_eq!(
            (s, v),
            (
                403,
                json!({"detail": "You can only access resources from your hotel."})
            ),
            "{path}"
        );
    }
    let (s, v) = c.get("/api/staff/killarney/", Some(&t)).await;
    assert_eq!(
        (s, v),
        (
            403,
            json!({"detail": "You do not have permission to perform this action."})
        )
    );
    let (s, _) = c
        .get("/api/guest/hotels/killarney/site/offers/", None)
        .await;
    assert_eq!(s, 500, "the guest offers view crashes on any active offer");
    let (s, v) = c
        .get("/api/guest/hotels/galway-bay/site/offers/", None)
        .await;
    assert_eq!(s, 500, "{v}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_through_the_staff_zone_wrapper_works_too() {
    let c = start().await;
    let (s, v) = c
        .post(
            "/api/staff/hotel/anything/staff/login/",
            None,
            json!({"username": "anna.byrne", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["hotel_slug"], "killarney");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn attendance_status_and_currently_clocked_in() {
    let c = start().await;
    let t = c.token("niamh.kelly").await;
    let (s, v) = c
        .get(
            "/api/attendance/clock-logs/status/?hotel_slug=killarney",
            Some(&t),
        )
        .await;
    assert_eq!((s, v), (200, json!({"status": "not_clocked_in"})));
    c.send(
        reqwest::Method::POST,
        "/api/staff/killarney/clock/",
        Some(&t),
        None,
    )
    .await;
    let (_, v) = c
        .get(
            "/api/attendance/clock-logs/status/?hotel_slug=killarney",
            Some(&t),
        )
        .await;
    assert_eq!(v["status"], "clocked_in");
    c.send(
        reqwest::Method::POST,
        "/api/staff/killarney/clock/",
        Some(&t),
        None,
    )
    .await;
    let (_, v) = c
        .get(
            "/api/attendance/clock-logs/status/?hotel_slug=killarney",
            Some(&t),
        )
        .await;
    assert_eq!(v["status"], "clocked_out");
    let (s, v) = c.get("/api/attendance/clock-logs/status/", Some(&t)).await;
    assert_eq!((s, v), (400, json!({"error": "Missing staff or hotel."})));
    let (s, v) = c
        .get(
            "/api/attendance/clock-logs/currently-clocked-in/?hotel_slug=killarney",
            Some(&t),
        )
        .await;
    assert_eq!(s, 200);
    let log = &v["results"][0];
    assert_eq!(
        keys(log),
        sorted(&[
            "id",
            "staff",
            "staff_name",
            "hotel",
            "hotel_slug",
            "time_in",
            "time_out",
            "verified_by_face",
            "location_note",
            "auto_clock_out",
            "department"
        ])
    );
    assert_eq!(log["time_out"], serde_json::Value::Null);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn slashless_urls_redirect_on_get_and_crash_on_post() {
    let c = start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .get(c.url("/api/staff/hotel/killarney/offers?page=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(
        r.headers()["location"],
        "/api/staff/hotel/killarney/offers/?page=2"
    );
    let r = http
        .post(c.url("/api/staff/login"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert!(r.text().await.unwrap().contains("APPEND_SLASH"));
    let r = http
        .get(c.url("/api/staff/hotel/killarney/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    c.sandbox.shutdown().await;
}
