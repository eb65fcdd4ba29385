//! A corpus of bad input: malformed bodies, wrong content types, oversize uploads, odd auth headers, unknown
//! ids and paths. Each gets the answer API.md (or DRF/Django) gives, and the server keeps serving.
//!
//! Oversize bodies (over the 50 MB `DATA_UPLOAD_MAX_MEMORY_SIZE`) are answered 413 with a JSON `detail`: the
//! sandbox's choice where Django would raise `RequestDataTooBig` (a 400 page); clients treat both as "too big".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::{start, PASSWORD};
use serde_json::{json, Value};

async fn raw(
    c: &common::Ctx,
    method: reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    token: Option<&str>,
) -> (u16, String) {
    let mut req = c.http.request(method, c.url(path)).body(body);
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    if let Some(t) = token {
        req = req.header("Authorization", format!("Token {t}"));
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::String(s.to_string()))
}

#[tokio::test]
async fn malformed_json_is_a_drf_parse_error() {
    let c = start().await;
    for body in ["{", "{\"username\": }", "nul", "\u{feff}{}", "{\"a\":1}}"] {
        let (s, text) = raw(
            &c,
            reqwest::Method::POST,
            "/api/staff/login/",
            Some("application/json"),
            body.as_bytes().to_vec(),
            None,
        )
        .await;
        assert_eq!(s, 400, "{body}");
        assert!(
            json_of(&text)["detail"]
                .as_str()
                .unwrap()
                .starts_with("JSON parse error - "),
            "{text}"
        );
    }
    let (s, text) = raw(
        &c,
        reqwest::Method::POST,
        "/api/staff/login/",
        Some("application/json"),
        vec![0xff, 0xfe, 0x00],
        None,
    )
    .await;
    assert_eq!(s, 400, "{text}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn json_that_is_not_an_object_is_a_non_field_error() {
    let c = start().await;
    let (s, v) = c
        .post("/api/staff/login/", None, json!(["anna.byrne", PASSWORD]))
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
        )
    );
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .post(
            "/api/staff/hotel/killarney/offers/",
            Some(&t),
            json!("text"),
        )
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_content_types_are_415() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for ct in ["text/plain", "application/xml", "image/jpeg"] {
        let (s, text) = raw(
            &c,
            reqwest::Method::POST,
            "/api/staff/login/",
            Some(ct),
            b"username=anna".to_vec(),
            None,
        )
        .await;
        assert_eq!(s, 415, "{ct}");
        assert_eq!(
            json_of(&text),
            json!({"detail": format!("Unsupported media type \"{ct}\" in request.")})
        );
    }
    let (s, _) = raw(
        &c,
        reqwest::Method::PATCH,
        "/api/staff/hotel/killarney/offers/1/",
        Some("text/csv"),
        b"a,b".to_vec(),
        Some(&t),
    )
    .await;
    assert_eq!(s, 415);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn broken_multipart_is_400() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, text) = raw(
        &c,
        reqwest::Method::POST,
        "/api/staff/hotel/killarney/offers/1/upload-image/",
        Some("multipart/form-data"),
        b"--x\r\n".to_vec(),
        Some(&t),
    )
    .await;
    assert_eq!(s, 400, "{text}");
    assert!(json_of(&text)["detail"]
        .as_str()
        .unwrap()
        .starts_with("Multipart form parse error"));
    let (s, text) = raw(
        &c,
        reqwest::Method::POST,
        "/api/staff/hotel/killarney/offers/1/upload-image/",
        Some("multipart/form-data; boundary=xyz"),
        b"--xyz\r\ngarbage".to_vec(),
        Some(&t),
    )
    .await;
    assert_eq!(s, 400, "{text}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn uploads_over_50_mb_are_413() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut big = vec![0xFFu8, 0xD8, 0xFF];
    big.resize(50 * 1024 * 1024 + 1024, 0);
    let (s, v) = c
        .multipart(
            reqwest::Method::POST,
            "/api/staff/hotel/killarney/offers/1/upload-image/",
            Some(&t),
            Some(("photo", big, "huge.jpg")),
            &[],
        )
        .await;
    assert_eq!(s, 413);
    assert_eq!(
        v,
        json!({"detail": "Request body is larger than the 50 MB upload limit."})
    );
    // Still serving.
    let (s, _) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(s, 200);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn odd_authorization_headers() {
    let c = start().await;
    let cases = [
        (
            "Token",
            401,
            Some("Invalid token header. No credentials provided."),
        ),
        (
            "Token a b",
            401,
            Some("Invalid token header. Token string should not contain spaces."),
        ),
        (
            "token 0000000000000000000000000000000000000000",
            401,
            Some("Invalid token."),
        ),
        (
            "Basic YW5uYTp4",
            401,
            Some("Authentication credentials were not provided."),
        ),
        (
            "",
            401,
            Some("Authentication credentials were not provided."),
        ),
    ];
    for (header, status, detail) in cases {
        let r = c
            .http
            .get(c.url("/api/staff/killarney/me/"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{header:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["detail"].as_str(), detail, "{header:?}");
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_ids_and_paths() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for (path, detail) in [
        (
            "/api/staff/hotel/killarney/offers/0/",
            "No Offer matches the given query.",
        ),
        (
            "/api/staff/hotel/killarney/offers/-1/",
            "No Offer matches the given query.",
        ),
        (
            "/api/staff/hotel/killarney/offers/99999999999999999999999/",
            "No Offer matches the given query.",
        ),
        (
            "/api/staff/hotel/killarney/galleries/x/",
            "No Gallery matches the given query.",
        ),
        (
            "/api/staff/hotel/killarney/room-types/1.5/",
            "No RoomType matches the given query.",
        ),
        (
            "/api/staff/hotel/killarney/gallery-images/%00/",
            "No GalleryImage matches the given query.",
        ),
    ] {
        let (s, v) = c.get(path, Some(&t)).await;
        assert_eq!((s, v), (404, json!({"detail": detail})), "{path}");
    }
    for path in [
        "/media/../sandbox.sqlite3",
        "/media/image/upload/v1/none.jpg",
        "/api/",
        "/",
    ] {
        let r = c.http.get(c.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_field_types_are_field_errors() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .post("/api/staff/hotel/killarney/offers/", Some(&t), json!({"title": ["a"], "short_description": {"x": 1}, "is_active": "maybe", "sort_order": "ten"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["title"], json!(["Not a valid string."]));
    assert_eq!(v["short_description"], json!(["Not a valid string."]));
    assert_eq!(v["is_active"], json!(["Must be a valid boolean."]));
    assert_eq!(v["sort_order"], json!(["A valid integer is required."]));
    let (s, v) = c
        .post(
            "/api/staff/login/",
            None,
            json!({"username": null, "password": 5}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["username"], json!(["This field may not be null."]));
    c.sandbox.shutdown().await;
}
