//! Contract tests for guest chat (API.md §8, §9.3) and §13 facts 21–24.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::{keys, sorted, start, MESSAGE_KEYS};
use serde_json::{json, Value};

async fn first_conversation(c: &common::Ctx, t: &str) -> Value {
    let (s, v) = c.get("/api/chat/killarney/conversations/", Some(t)).await;
    assert_eq!(s, 200);
    v[0].clone()
}

#[tokio::test]
async fn conversations_are_a_plain_array_newest_first() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    assert_eq!(s, 200);
    let list = v.as_array().expect("plain array");
    assert!(list.len() >= 4);
    for conv in list {
        assert_eq!(
            keys(conv),
            sorted(&[
                "conversation_id",
                "room_number",
                "guest_name",
                "guest_first_name",
                "guest_last_name",
                "last_message",
                "last_message_time",
                "has_unread"
            ])
        );
    }
    let times: Vec<&str> = list
        .iter()
        .map(|c| c["last_message_time"].as_str().unwrap())
        .collect();
    let mut sorted_times = times.clone();
    sorted_times.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted_times);
    let (s, _) = c.get("/api/chat/killarney/conversations/", None).await;
    assert_eq!(s, 401);
    let (s, v) = c.get("/api/chat/killarney/active-rooms/", None).await;
    assert_eq!(s, 200);
    assert_eq!(v.as_array().unwrap().len(), list.len());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_are_oldest_first_with_limit_and_before_id() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    for i in 0..12 {
        let (s, _) = c
            .post(
                &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
                Some(&t),
                json!({"message": format!("m{i}")}),
            )
            .await;
        assert_eq!(s, 200);
    }
    let (s, v) = c
        .get(
            &format!("/api/chat/killarney/conversations/{id}/messages/"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 10);
    assert_eq!(list[9]["message"], "m11");
    assert_eq!(list[0]["message"], "m2");
    for m in list {
        assert_eq!(keys(m), sorted(MESSAGE_KEYS));
    }
    let first_id = list[0]["id"].as_i64().unwrap();
    let (_, older) = c
        .get(
            &format!(
                "/api/chat/killarney/conversations/{id}/messages/?limit=3&before_id={first_id}"
            ),
            None,
        )
        .await;
    let older = older.as_array().unwrap();
    assert_eq!(older.len(), 3);
    assert_eq!(older[2]["message"], "m1");
    assert!(older.iter().all(|m| m["id"].as_i64().unwrap() < first_id));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_of_another_hotels_conversation_are_400() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let (s, v) = c
        .get(
            &format!("/api/chat/galway-bay/conversations/{id}/messages/"),
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"error": "Conversation does not belong to this hotel"})
        )
    );
    let (s, v) = c
        .get("/api/chat/killarney/conversations/99999/messages/", None)
        .await;
    assert_eq!(
        (s, v),
        (
            404,
            json!({"detail": "No Conversation matches the given query."})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn staff_send_is_200_with_staff_info_and_fires_events_in_order() {
    let c = start().await;
    let t = c.token("niamh.kelly").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let room = conv["room_number"].as_i64().unwrap();
    let conv_ch = format!("killarney-conversation-{id}-chat");
    let room_ch = format!("killarney-room-{room}-chat");
    let mut ws = c.ws().await;
    ws.subscribe(&conv_ch).await;
    ws.subscribe(&room_ch).await;
    let (s, v) = c
        .post(
            &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
            Some(&t),
            json!({"message": "  Towels are on the way.  "}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        keys(&v),
        sorted(&["conversation_id", "message", "staff_info"])
    );
    assert_eq!(v["conversation_id"], id);
    let m = &v["message"];
    assert_eq!(m["message"], "Towels are on the way.");
    assert_eq!(m["sender_type"], "staff");
    assert_eq!(m["staff_name"], "Niamh Kelly - Front Office - Receptionist");
    assert_eq!(m["staff_display_name"], "Niamh Kelly");
    assert_eq!(m["room_number"], room);
    assert_eq!(
        v["staff_info"],
        json!({"name": "Niamh Kelly", "role": "Receptionist", "profile_image": null})
    );
    let events = ws.drain(300).await;
    let names: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str()))
        .collect();
    // The seed's handler of the first conversation is not Niamh, so staff-assigned comes first.
    assert_eq!(
        names,
        [
            ("staff-assigned", room_ch.as_str()),
            ("message-delivered", conv_ch.as_str()),
            ("new-staff-message", room_ch.as_str()),
            ("new-message", conv_ch.as_str())
        ]
    );
    assert_eq!(
        events[0].2,
        json!({"staff_name": "Niamh Kelly", "staff_role": "Receptionist", "conversation_id": id})
    );
    assert_eq!(
        keys(&events[1].2),
        sorted(&["message_id", "delivered_at", "status"])
    );
    assert_eq!(events[1].2["status"], "delivered");
    assert_eq!(events[2].2, *m);
    assert_eq!(events[3].2["id"], m["id"]);
    // A second message by the same handler: no staff-assigned.
    c.post(
        &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
        Some(&t),
        json!({"message": "Anything else?"}),
    )
    .await;
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["message-delivered", "new-staff-message", "new-message"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn send_without_a_token_stores_a_guest_message() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{id}-chat"))
        .await;
    let (_, me) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    ws.subscribe(&format!("killarney-staff-{}-chat", me["id"]))
        .await;
    let r = c
        .http
        .post(c.url(&format!(
            "/api/chat/killarney/conversations/{id}/messages/send/"
        )))
        .header("Authorization", format!("Bearer {t}"))
        .json(&json!({"message": "Hello from the guest"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["message"]["sender_type"], "guest");
    assert!(v.get("staff_info").is_none());
    let events = ws.drain(300).await;
    let names: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "message-delivered",
            "conversation-unread",
            "new-guest-message",
            "new-message"
        ]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn send_errors() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let (s, v) = c
        .post(
            &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
            Some(&t),
            json!({"message": "   "}),
        )
        .await;
    assert_eq!((s, v), (400, json!({"error": "Message cannot be empty"})));
    let (s, v) = c
        .post(
            "/api/chat/killarney/conversations/99999/messages/send/",
            Some(&t),
            json!({"message": "x"}),
        )
        .await;
    assert_eq!(
        (s, v),
        (
            404,
            json!({"detail": "No Conversation matches the given query."})
        )
    );
    let (s, v) = c
        .post(
            &format!("/api/chat/killarney/conversations/{id}/messages/send/"),
            Some("1234567890123456789012345678901234567890"),
            json!({"message": "x"}),
        )
        .await;
    assert_eq!((s, v), (401, json!({"detail": "Invalid token."})));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn mark_read_with_a_staff_token_marks_guest_messages() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, list) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    let conv = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["has_unread"] == true)
        .unwrap()
        .clone();
    let id = conv["conversation_id"].as_i64().unwrap();
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{id}-chat"))
        .await;
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/chat/conversations/{id}/mark-read/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["conversation_id", "marked_as_read"]));
    assert!(v["marked_as_read"].as_i64().unwrap() >= 1);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["messages-read-by-staff", "conversation-read"]
    );
    assert_eq!(
        keys(&events[0].2),
        sorted(&["message_ids", "read_at", "staff_name", "conversation_id"])
    );
    assert_eq!(
        events[1].2,
        json!({"conversation_id": id, "room_number": conv["room_number"]})
    );
    let (_, list) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    let after = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["conversation_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(after["has_unread"], false);
    // The slugged staff-zone variant is not a route at fd6c529's legacy mount.
    let (s, _) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/chat/killarney/conversations/{id}/mark-read/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 404);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn assign_staff_takes_over_and_marks_read() {
    let c = start().await;
    let t = c.token("sean.murphy").await;
    let conv = first_conversation(&c, &t).await;
    let id = conv["conversation_id"].as_i64().unwrap();
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/chat/killarney/conversations/{id}/assign-staff/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        keys(&v),
        sorted(&[
            "conversation_id",
            "assigned_staff",
            "sessions_updated",
            "room_number",
            "messages_marked_read"
        ])
    );
    assert_eq!(v["assigned_staff"]["name"], "Seán Murphy");
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/chat/galway-bay/conversations/{id}/assign-staff/"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"error": "Conversation does not belong to this hotel"})
        )
    );
    let (s, _) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/chat/killarney/conversations/{id}/assign-staff/"),
            None,
            None,
        )
        .await;
    assert_eq!(s, 401);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unread_counts_per_room_and_per_conversation() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .get("/api/chat/killarney/conversations/unread-count/", Some(&t))
        .await;
    assert_eq!(s, 200);
    let counts = v["unread_counts"].as_object().unwrap();
    assert!(!counts.is_empty());
    assert!(counts.keys().all(|k| k.parse::<i64>().is_ok()));
    let (_, v) = c
        .get("/api/chat/killarney/conversations/unread-count/", None)
        .await;
    assert_eq!(v, json!({"unread_counts": {}}));
    let (s, v) = c
        .get(
            "/api/chat/hotels/killarney/conversations/unread-count/",
            Some(&t),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["unread_count", "rooms"]));
    let room = &v["rooms"][0];
    assert_eq!(
        keys(room),
        sorted(&[
            "room_id",
            "room_number",
            "conversation_id",
            "unread_count",
            "unread_messages"
        ])
    );
    assert_eq!(
        keys(&room["unread_messages"][0]),
        sorted(&["id", "message", "timestamp"])
    );
    c.sandbox.shutdown().await;
}
