//! Throws malformed bodies of every kind at every write endpoint and checks that each request gets an HTTP
//! answer (a panicking handler would drop the connection instead) and that the server is still serving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::start;

const PATHS: &[(&str, &str)] = &[
    ("POST", "/api/staff/login/"),
    ("POST", "/api/staff/hotel/killarney/offers/"),
    ("PUT", "/api/staff/hotel/killarney/offers/1/"),
    ("PATCH", "/api/staff/hotel/killarney/offers/2/"),
    ("POST", "/api/staff/hotel/killarney/offers/3/upload-image/"),
    ("PATCH", "/api/staff/hotel/killarney/settings/"),
    ("PUT", "/api/staff/hotel/killarney/settings/"),
    ("POST", "/api/staff/hotel/killarney/galleries/"),
    ("PATCH", "/api/staff/hotel/killarney/galleries/1/"),
    (
        "POST",
        "/api/staff/hotel/killarney/galleries/1/upload_image/",
    ),
    (
        "POST",
        "/api/staff/hotel/killarney/galleries/1/reorder_images/",
    ),
    ("PATCH", "/api/staff/hotel/killarney/gallery-images/1/"),
    ("POST", "/api/staff/hotel/killarney/room-types/"),
    ("PATCH", "/api/staff/hotel/killarney/room-types/1/"),
    (
        "POST",
        "/api/staff/hotel/killarney/room-types/1/upload-image/",
    ),
    ("POST", "/api/staff/killarney/clock/"),
    ("POST", "/api/chat/killarney/conversations/1/messages/send/"),
    ("POST", "/api/chat/killarney/conversations/1/assign-staff/"),
    ("POST", "/api/chat/conversations/1/mark-read/"),
    (
        "POST",
        "/api/attendance/clock-logs/face-clock-in/killarney/",
    ),
    ("POST", "/apps/1/events"),
    ("POST", "/apps/1/batch_events"),
];

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/json", b"{".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"{\"title\": 1e999, \"sort_order\": 1e400, \"starting_price_from\": \"NaN\"}".to_vec()),
        ("application/json", br#"{"title": "\ud800", "image_ids": [null, {}, "x", -1, 1e20], "photo_url": [], "message": {}}"#.to_vec()),
        ("application/json", br##"{"primary_color": "#\u00e9\u00e9\u00e9", "amenities": {"a": [1]}, "latitude_override": "inf"}"##.to_vec()),
        ("application/json", vec![0xC3, 0x28, 0xA0, 0xA1]),
        ("application/x-www-form-urlencoded", b"%%%&&&==&title=%FF".to_vec()),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"x\"\r\n\r\n\xff\xd8\xff\r\n--b--\r\n".to_vec()),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--\r\n".to_vec()),
        ("multipart/form-data", b"no boundary".to_vec()),
        ("text/html", b"<html>".to_vec()),
        ("", Vec::new()),
    ]
}

#[tokio::test]
async fn every_write_endpoint_answers_garbage_without_dropping_the_connection() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for (method, path) in PATHS {
        for (ct, body) in bodies() {
            let mut req = c
                .http
                .request(method.parse().unwrap(), c.url(path))
                .header("Authorization", format!("Token {t}"))
                .body(body.clone());
            if !ct.is_empty() {
                req = req.header("Content-Type", ct);
            }
            let r = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path} [{ct}] got no answer: {e}"));
            let status = r.status().as_u16();
            assert!((200..600).contains(&status));
            r.bytes().await.unwrap();
        }
    }
    let (s, _) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(s, 200);
    c.sandbox.shutdown().await;
}
