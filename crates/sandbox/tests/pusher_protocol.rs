//! The Pusher protocol 7 WebSocket server: handshake, ping/pong, subscriptions, private/presence auth,
//! client events and their limits, and error answers to bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{start, Ws};
use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "hotelmate-demo-secret";
const KEY: &str = "hotelmate-demo-key";

fn sign(to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    format!("{KEY}:{}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn connection_established_carries_socket_id_and_activity_timeout() {
    let c = start().await;
    let url = format!(
        "{}/app/{KEY}?protocol=7&client=js&version=8.4.0",
        c.base.replace("http", "ws")
    );
    let (mut s, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let Some(Ok(Message::Text(t))) = s.next().await else {
        panic!("no frame")
    };
    let v: Value = serde_json::from_str(t.as_str()).unwrap();
    assert_eq!(v["event"], "pusher:connection_established");
    let data: Value = serde_json::from_str(v["data"].as_str().expect("data is a string")).unwrap();
    let id = data["socket_id"].as_str().unwrap();
    let (a, b) = id.split_once('.').unwrap();
    assert!(!a.is_empty() && a.chars().all(|c| c.is_ascii_digit()));
    assert!(!b.is_empty() && b.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(data["activity_timeout"], 120);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let c = start().await;
    let mut ws = c.ws().await;
    ws.send(json!({"event": "pusher:ping", "data": {}})).await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher:pong");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_app_key_is_closed_with_4001() {
    let c = start().await;
    let url = format!("{}/app/wrong-key?protocol=7", c.base.replace("http", "ws"));
    let (mut s, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let Some(Ok(Message::Text(t))) = s.next().await else {
        panic!("no error frame")
    };
    let v: Value = serde_json::from_str(t.as_str()).unwrap();
    assert_eq!(v["event"], "pusher:error");
    assert_eq!(v["data"]["code"], 4001);
    let mut code = None;
    while let Some(Ok(m)) = s.next().await {
        if let Message::Close(Some(f)) = m {
            code = Some(f.code);
            break;
        }
    }
    assert_eq!(code, Some(CloseCode::Library(4001)));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unsupported_protocol_version_is_closed_with_4007() {
    let c = start().await;
    let url = format!("{}/app/{KEY}?protocol=2", c.base.replace("http", "ws"));
    let (mut s, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut code = None;
    while let Some(Ok(m)) = s.next().await {
        if let Message::Close(Some(f)) = m {
            code = Some(f.code);
            break;
        }
    }
    assert_eq!(code, Some(CloseCode::Library(4007)));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn non_json_and_malformed_frames_get_pusher_error_and_the_connection_lives_on() {
    let c = start().await;
    let mut ws = c.ws().await;
    for bad in [
        "not json",
        "[1,2,3]",
        "{\"data\": 1}",
        "{\"event\": \"pusher:subscribe\", \"data\": 5}",
        "\u{0}",
    ] {
        ws.stream.send(Message::text(bad)).await.unwrap();
        let v = ws.next(2000).await.unwrap();
        assert_eq!(v["event"], "pusher:error", "{bad}: {v}");
    }
    ws.stream
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert_eq!(ws.next(2000).await.unwrap()["event"], "pusher:error");
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": "bad channel name!"}}))
        .await;
    assert_eq!(ws.next(2000).await.unwrap()["event"], "pusher:error");
    ws.send(json!({"event": "pusher:ping", "data": {}})).await;
    assert_eq!(ws.next(2000).await.unwrap()["event"], "pusher:pong");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn subscribe_accepts_data_as_a_string_and_unsubscribe_stops_delivery() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.send(json!({"event": "pusher:subscribe", "data": "{\"channel\":\"hotel-killarney\"}"}))
        .await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:subscription_succeeded");
    assert_eq!(v["channel"], "hotel-killarney");
    assert!(v["data"].is_string());
    ws.send(json!({"event": "pusher:unsubscribe", "data": {"channel": "hotel-killarney"}}))
        .await;
    // The sandbox handles one socket's frames in order, each to the end before it reads the next, so
    // the pong to a ping sent after the unsubscribe comes once the unsubscribe has taken effect.
    ws.send(json!({"event": "pusher:ping", "data": {}})).await;
    assert_eq!(ws.next(2000).await.unwrap()["event"], "pusher:pong");
    c.send(
        reqwest::Method::DELETE,
        "/api/staff/hotel/killarney/offers/1/",
        Some(&t),
        None,
    )
    .await;
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn private_channel_needs_a_valid_signature() {
    let c = start().await;
    let mut ws = c.ws().await;
    let channel = "private-hotel-killarney-staff";
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": format!("{KEY}:deadbeef")}})).await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher:error");
    assert!(v["data"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Invalid signature"));
    let auth = sign(&format!("{}:{channel}", ws.socket_id));
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}}))
        .await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:subscription_succeeded");
    // A signature for another socket does not work.
    let mut other = c.ws().await;
    other
        .send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}}))
        .await;
    assert_eq!(other.next(2000).await.unwrap()["event"], "pusher:error");
    c.sandbox.shutdown().await;
}

async fn join_presence(ws: &mut Ws, channel: &str, user_id: &str, name: &str) -> Value {
    let channel_data = json!({"user_id": user_id, "user_info": {"name": name}}).to_string();
    let auth = sign(&format!("{}:{channel}:{channel_data}", ws.socket_id));
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth, "channel_data": channel_data}})).await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:subscription_succeeded", "{v}");
    serde_json::from_str(v["data"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn presence_channel_reports_members_added_and_removed() {
    let c = start().await;
    let channel = "presence-hotel-killarney";
    let mut a = c.ws().await;
    let data = join_presence(&mut a, channel, "1", "Anna").await;
    assert_eq!(data["presence"]["count"], 1);
    assert_eq!(data["presence"]["ids"], json!(["1"]));
    assert_eq!(data["presence"]["hash"]["1"], json!({"name": "Anna"}));
    let mut b = c.ws().await;
    let data = join_presence(&mut b, channel, "2", "Seán").await;
    assert_eq!(data["presence"]["count"], 2);
    let v = a.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:member_added");
    let added: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
    assert_eq!(
        added,
        json!({"user_id": "2", "user_info": {"name": "Seán"}})
    );
    b.stream.close(None).await.unwrap();
    let v = a.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher_internal:member_removed");
    let removed: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
    assert_eq!(removed, json!({"user_id": "2"}));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn presence_without_user_id_is_refused() {
    let c = start().await;
    let mut a = c.ws().await;
    let channel = "presence-x";
    let channel_data = json!({"user_info": {}}).to_string();
    let auth = sign(&format!("{}:{channel}:{channel_data}", a.socket_id));
    a.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth, "channel_data": channel_data}})).await;
    assert_eq!(a.next(2000).await.unwrap()["event"], "pusher:error");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn client_events_go_to_others_on_private_channels_only() {
    let c = start().await;
    let channel = "private-desk";
    let mut a = c.ws().await;
    let mut b = c.ws().await;
    for ws in [&mut a, &mut b] {
        let auth = sign(&format!("{}:{channel}", ws.socket_id));
        ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}}))
            .await;
        assert_eq!(
            ws.next(2000).await.unwrap()["event"],
            "pusher_internal:subscription_succeeded"
        );
    }
    a.send(json!({"event": "client-typing", "channel": channel, "data": {"who": "anna"}}))
        .await;
    let v = b.next(2000).await.unwrap();
    assert_eq!(v["event"], "client-typing");
    assert_eq!(v["channel"], channel);
    assert!(
        a.drain(200).await.is_empty(),
        "the sender does not get its own client event"
    );

    a.subscribe("hotel-killarney").await;
    a.send(json!({"event": "client-typing", "channel": "hotel-killarney", "data": {}}))
        .await;
    assert_eq!(a.next(2000).await.unwrap()["event"], "pusher:error");
    a.send(json!({"event": "client-typing", "channel": "private-not-joined", "data": {}}))
        .await;
    assert_eq!(a.next(2000).await.unwrap()["event"], "pusher:error");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn client_events_over_10_per_second_are_rejected() {
    let c = start().await;
    let channel = "private-rate";
    let mut a = c.ws().await;
    let auth = sign(&format!("{}:{channel}", a.socket_id));
    a.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}}))
        .await;
    a.next(2000).await.unwrap();
    for _ in 0..12 {
        a.send(json!({"event": "client-x", "channel": channel, "data": {}}))
            .await;
    }
    let errors = a.drain(300).await;
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| e.0 == "pusher:error" && e.2["code"] == 4301));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_sockets_with_4200() {
    let c = start().await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let stop = tokio::spawn(c.sandbox.shutdown());
    let mut code = None;
    while let Some(Ok(m)) = ws.stream.next().await {
        if let Message::Close(Some(f)) = m {
            code = Some(f.code);
            break;
        }
    }
    assert_eq!(code, Some(CloseCode::Library(4200)));
    stop.await.unwrap();
}

#[tokio::test]
async fn private_channel_signature_that_also_covers_channel_data_is_accepted() {
    let c = start().await;
    let mut ws = c.ws().await;
    let channel = "private-hotel-killarney-guest-chat-booking-7";
    let channel_data = json!({"user_id": "12", "user_info": {"name": "Anna", "hotel": "killarney", "role": "Receptionist"}}).to_string();
    let auth = sign(&format!("{}:{channel}:{channel_data}", ws.socket_id));
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth, "channel_data": channel_data}})).await;
    assert_eq!(
        ws.next(2000).await.unwrap()["event"],
        "pusher_internal:subscription_succeeded"
    );
    c.sandbox.shutdown().await;
}
