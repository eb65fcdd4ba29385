//! The Pusher HTTP trigger API (`/apps/<id>/events`, `/apps/<id>/batch_events`) with its signature checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::start;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use serde_json::{json, Value};
use sha2::Sha256;

const SECRET: &str = "hotelmate-demo-secret";
const KEY: &str = "hotelmate-demo-key";

/// Builds the signed query string for a POST to `path` the way the Pusher server libraries do.
fn signed_query(path: &str, body: &str, secret: &str, timestamp: i64) -> String {
    let body_md5 = hex::encode(Md5::digest(body.as_bytes()));
    let params =
        format!("auth_key={KEY}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}");
    let to_sign = format!("POST\n{path}\n{params}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    format!(
        "{params}&auth_signature={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn post(c: &common::Ctx, path: &str, query: &str, body: &str) -> (u16, String) {
    let r = c
        .http
        .post(c.url(&format!("{path}?{query}")))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn signed_trigger_reaches_subscribers_with_data_as_a_string() {
    let c = start().await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let body = json!({"name": "offers-updated", "channels": ["hotel-killarney"], "data": "{\"action\":\"sync\"}"}).to_string();
    let path = "/apps/1/events";
    let (s, text) = post(&c, path, &signed_query(path, &body, SECRET, now()), &body).await;
    assert_eq!(s, 200, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), json!({}));
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "offers-updated");
    assert_eq!(v["channel"], "hotel-killarney");
    assert_eq!(v["data"], "{\"action\":\"sync\"}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn trigger_with_socket_id_excludes_that_socket() {
    let c = start().await;
    let mut a = c.ws().await;
    let mut b = c.ws().await;
    a.subscribe("hotel-killarney").await;
    b.subscribe("hotel-killarney").await;
    let body =
        json!({"name": "x", "channel": "hotel-killarney", "data": "{}", "socket_id": a.socket_id})
            .to_string();
    let path = "/apps/1/events";
    let (s, _) = post(&c, path, &signed_query(path, &body, SECRET, now()), &body).await;
    assert_eq!(s, 200);
    assert_eq!(b.next(2000).await.unwrap()["event"], "x");
    assert!(a.drain(200).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn batch_events_deliver_in_order() {
    let c = start().await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let body = json!({"batch": [
        {"name": "offer-image-updated", "channel": "hotel-killarney", "data": "{\"offer_id\":1}"},
        {"name": "offers-updated", "channel": "hotel-killarney", "data": "{\"action\":\"sync\"}"}
    ]})
    .to_string();
    let path = "/apps/1/batch_events";
    let (s, text) = post(&c, path, &signed_query(path, &body, SECRET, now()), &body).await;
    assert_eq!(s, 200, "{text}");
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["offer-image-updated", "offers-updated"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_signatures_are_401() {
    let c = start().await;
    let path = "/apps/1/events";
    let body = json!({"name": "x", "channel": "c", "data": "{}"}).to_string();
    // Wrong secret.
    let (s, _) = post(
        &c,
        path,
        &signed_query(path, &body, "wrong-secret", now()),
        &body,
    )
    .await;
    assert_eq!(s, 401);
    // Body changed after signing (body_md5 mismatch).
    let q = signed_query(path, &body, SECRET, now());
    let (s, _) = post(&c, path, &q, &body.replace("\"x\"", "\"y\"")).await;
    assert_eq!(s, 401);
    // Stale timestamp.
    let (s, _) = post(
        &c,
        path,
        &signed_query(path, &body, SECRET, now() - 3600),
        &body,
    )
    .await;
    assert_eq!(s, 401);
    // No signature at all.
    let (s, _) = post(&c, path, "", &body).await;
    assert_eq!(s, 401);
    // Signed for another path.
    let (s, _) = post(
        &c,
        path,
        &signed_query("/apps/1/batch_events", &body, SECRET, now()),
        &body,
    )
    .await;
    assert_eq!(s, 401);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_app_is_404_and_bad_bodies_are_400() {
    let c = start().await;
    let body = "{}";
    let (s, _) = post(
        &c,
        "/apps/2/events",
        &signed_query("/apps/2/events", body, SECRET, now()),
        body,
    )
    .await;
    assert_eq!(s, 404);
    let path = "/apps/1/events";
    for bad in ["not json", "{}", "{\"name\":\"x\",\"data\":\"{}\"}"] {
        let (s, _) = post(&c, path, &signed_query(path, bad, SECRET, now()), bad).await;
        assert_eq!(s, 400, "{bad}");
    }
    let big = json!({"name": "x", "channel": "c", "data": "a".repeat(11 * 1024)}).to_string();
    let (s, _) = post(&c, path, &signed_query(path, &big, SECRET, now()), &big).await;
    assert_eq!(s, 413);
    c.sandbox.shutdown().await;
}
