//! Contract tests for editing and deleting guest-chat messages (API.md §8.2) and their events (§9.3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::start;
use serde_json::{json, Value};

async fn first_conversation(c: &common::Ctx, t: &str) -> Value {
    let (s, v) = c.get("/api/chat/killarney/conversations/", Some(t)).await;
    assert_eq!(s, 200);
    v[0].clone()
}

#[tokio::test]
async fn edit_own_message_fires_message_updated_and_others_are_403() {
    let c = start().await;
    let anna = c.token("anna.byrne").await;
    let niamh = c.token("niamh.kelly").await;
    let conv = first_conversation(&c, &anna).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let (_, sent) = c
        .post(
            &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
            Some(&anna),
            json!({"message": "Typo hre"}),
        )
        .await;
    let mid = sent["message"]["id"].as_i64().unwrap();
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{id}-chat"))
        .await;
    let path = format!("/api/chat/messages/{mid}/update/");
    let (s, v) = c
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&niamh),
            Some(json!({"message": "x"})),
        )
        .await;
    assert_eq!(
        (s, v),
        (403, json!({"error": "You can only edit your own messages"}))
    );
    let (s, v) = c
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&anna),
            Some(json!({"message": " "})),
        )
        .await;
    assert_eq!((s, v), (400, json!({"error": "Message cannot be empty"})));
    let (s, v) = c
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&anna),
            Some(json!({"message": "Typo here"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["success"], true);
    assert_eq!(v["message"]["message"], "Typo here");
    assert_eq!(v["message"]["is_edited"], true);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "message-updated");
    assert_eq!(events[0].2, v["message"]);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn soft_and_hard_delete_fire_deleted_then_removed() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let room = conv["room_number"].as_i64().unwrap();
    let send = |text: &'static str| {
        let c = &c;
        let t = t.clone();
        async move {
            c.post(
                &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
                Some(&t),
                json!({"message": text}),
            )
            .await
            .1["message"]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let soft_id = send("to be hidden").await;
    let hard_id = send("to be removed").await;
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{id}-chat"))
        .await;
    ws.subscribe(&format!("killarney-room-{room}-deletions"))
        .await;
    let (s, v) = c
        .send(
            reqwest::Method::DELETE,
            &format!("/api/chat/messages/{soft_id}/delete/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["hard_delete"], false);
    assert_eq!(v["message"]["is_deleted"], true);
    assert_eq!(v["message"]["message"], "[Message deleted]");
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["message-deleted", "message-removed", "content-deleted"]
    );
    assert_eq!(events[0].2["soft_delete"], true);
    assert_eq!(events[0].2["message_id"], soft_id);
    let (s, v) = c
        .send(
            reqwest::Method::PATCH,
            &format!("/api/chat/messages/{soft_id}/update/"),
            Some(&t),
            Some(json!({"message": "back"})),
        )
        .await;
    assert_eq!(
        (s, v),
        (400, json!({"error": "Cannot edit a deleted message"}))
    );
    let (s, v) = c
        .send(
            reqwest::Method::DELETE,
            &format!("/api/chat/messages/{hard_id}/delete/?hard_delete=true"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (
            200,
            json!({"success": true, "hard_delete": true, "message_id": hard_id})
        )
    );
    let events = ws.drain(300).await;
    assert!(events[0].2.get("message").is_none());
    assert_eq!(events[0].2["hard_delete"], true);
    let (s, _) = c
        .send(
            reqwest::Method::DELETE,
            &format!("/api/chat/messages/{hard_id}/delete/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 404);
    // A guest (no token) cannot delete staff messages.
    let other = send("staff words").await;
    let (s, _) = c
        .send(
            reqwest::Method::DELETE,
            &format!("/api/chat/messages/{other}/delete/"),
            None,
            None,
        )
        .await;
    assert_eq!(s, 403);
    c.sandbox.shutdown().await;
}
