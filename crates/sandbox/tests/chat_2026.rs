//! Contract tests for the 2026 backend's guest chat (API.md §10.2 "Chat paths", "Chat JSON", "Chat send
//! bug", "Chat events", "Pusher auth" and §10.3 "Guest chat"), played by `--generation 2026`, and for the
//! classic sandbox not having any of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::{keys, sorted, start, start_generation, Ctx, Ws, MESSAGE_KEYS};
use hmac::{Hmac, Mac};
use hotelmate_sandbox::{Generation, ROOM_WITHOUT_BOOKING};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

const CHAT: &str = "/api/staff/hotel/killarney/chat";
/// Conversation 1 is room 101 (John Doe, booking BK-2026-0001); 5 is room 310, without a booking.
const BOOKED: i64 = 1;
const BOOKED_REFERENCE: &str = "BK-2026-0001";
const UNBOOKED: i64 = 5;
/// The second hotel's conversation.
const OTHER_HOTELS: i64 = 6;
const SERVER_ERROR_PAGE: &str = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n";

fn message_keys() -> Vec<String> {
    let mut all: Vec<&str> = MESSAGE_KEYS.to_vec();
    all.extend(["conversation_id", "booking", "booking_id"]);
    sorted(&all)
}

async fn start_2026() -> Ctx {
    start_generation(Generation::Hotelmate2026).await
}

fn send_path(id: i64) -> String {
    format!("{CHAT}/conversations/{id}/messages/send/")
}

fn booking_channel(reference: &str) -> String {
    format!("private-hotel-killarney-guest-chat-booking-{reference}")
}

/// Subscribes to a private channel with a signature made with the sandbox's secret, as an auth
/// endpoint that let staff in would sign it.
async fn subscribe_private(c: &Ctx, ws: &mut Ws, channel: &str) {
    let pusher = c.sandbox.pusher();
    let mut mac = Hmac::<Sha256>::new_from_slice(pusher.secret.as_bytes()).unwrap();
    mac.update(format!("{}:{channel}", ws.socket_id).as_bytes());
    let auth = format!(
        "{}:{}",
        pusher.key,
        hex::encode(mac.finalize().into_bytes())
    );
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}}))
        .await;
    let v = ws.next(5000).await.expect("subscription answer");
    assert_eq!(v["event"], "pusher_internal:subscription_succeeded", "{v}");
}

/// A guest writes `text` to conversation `id` through the sandbox's guest URL.
async fn guest_writes(c: &Ctx, id: i64, text: &str) -> Value {
    let r = c
        .http
        .post(c.sandbox.guest_send_url(id))
        .json(&json!({"message": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn thread(c: &Ctx, token: &str, id: i64) -> Vec<Value> {
    let (s, v) = c
        .get(
            &format!("{CHAT}/conversations/{id}/messages/?limit=50"),
            Some(token),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    v.as_array().unwrap().clone()
}

/// Status, content type and text of a request.
async fn raw(
    c: &Ctx,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String, String) {
    let r = c.request(method, path, token, body).send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

/// Every staff route, as (method, path).
fn staff_routes() -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("{CHAT}/conversations/")),
        (
            Method::GET,
            format!("{CHAT}/conversations/{BOOKED}/messages/"),
        ),
        (Method::POST, send_path(BOOKED)),
        (
            Method::POST,
            format!("{CHAT}/conversations/{BOOKED}/mark-read/"),
        ),
        (
            Method::POST,
            format!("{CHAT}/conversations/{BOOKED}/assign-staff/"),
        ),
        (
            Method::POST,
            format!("{CHAT}/conversations/{BOOKED}/upload-attachment/"),
        ),
        (Method::PATCH, format!("{CHAT}/messages/1/update/")),
        (Method::DELETE, format!("{CHAT}/messages/1/delete/")),
    ]
}

#[tokio::test]
async fn every_staff_route_needs_a_token_of_a_staff_member_of_that_hotel() {
    let c = start_2026().await;
    let galway = c.token("ciara.walsh").await;
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{BOOKED}-chat"))
        .await;
    for (method, path) in staff_routes() {
        let body = Some(json!({"message": "Hello"}));
        let (s, v) = c.send(method.clone(), &path, None, body.clone()).await;
        assert_eq!(s, 401, "{method} {path}");
        assert_eq!(
            v,
            json!({"detail": "Authentication credentials were not provided."}),
            "{method} {path}"
        );
        let (s, v) = c.send(method.clone(), &path, Some(&galway), body).await;
        assert_eq!(s, 403, "{method} {path}");
        assert_eq!(
            v,
            json!({"detail": "You can only access resources from your hotel."}),
            "{method} {path}"
        );
    }
    let anna = c.token("anna.byrne").await;
    assert_eq!(thread(&c, &anna, BOOKED).await.len(), 3, "nothing was sent");
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn conversations_carry_the_2026_keys_and_the_booked_guest() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get(&format!("{CHAT}/conversations/"), Some(&t)).await;
    assert_eq!(s, 200);
    let list = v.as_array().expect("a plain array");
    assert_eq!(list.len(), 5, "the demo hotel's conversations only");
    let by_id = |id: i64| {
        list.iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("conversation {id} in {v}"))
            .clone()
    };
    let booked = by_id(BOOKED);
    assert_eq!(
        keys(&booked),
        sorted(&[
            "conversation_id",
            "room_number",
            "guest_name",
            "guest_first_name",
            "guest_last_name",
            "last_message",
            "last_message_time",
            "has_unread",
            "id",
            "roomNumber",
            "guest_id",
            "guestId",
            "guestName",
            "lastMessage",
            "unread_count",
            "unreadCountForStaff",
            "unreadCountForGuest",
        ])
    );
    assert_eq!(booked["conversation_id"], BOOKED);
    assert_eq!(booked["room_number"], 101);
    assert_eq!(booked["roomNumber"], 101);
    assert_eq!(booked["guest_name"], "John Doe");
    assert_eq!(booked["guestName"], "John Doe");
    assert_eq!(booked["guest_first_name"], "John");
    assert!(booked["guest_id"].is_i64());
    assert_eq!(booked["guestId"], booked["guest_id"]);
    assert_eq!(booked["lastMessage"], "Can I get extra towels?");
    assert_eq!(booked["lastMessage"], booked["last_message"]);
    assert_eq!(booked["unread_count"], 1);
    assert_eq!(booked["unreadCountForStaff"], 1);
    assert_eq!(booked["unreadCountForGuest"], 0);
    let unbooked = by_id(UNBOOKED);
    assert_eq!(unbooked["room_number"], ROOM_WITHOUT_BOOKING);
    for key in ["guest_name", "guestName", "guest_id", "guestId"] {
        assert_eq!(unbooked[key], Value::Null, "{key}: no checked-in guest");
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_page_as_classic_in_the_2026_shape() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    let path = format!("{CHAT}/conversations/{BOOKED}/messages/");
    let (s, v) = c.get(&format!("{path}?limit=2"), Some(&t)).await;
    assert_eq!(s, 200);
    let newest = v.as_array().unwrap();
    assert_eq!(newest.len(), 2);
    assert_eq!(keys(&newest[0]), message_keys());
    let staff = &newest[0];
    assert_eq!(staff["sender_type"], "staff");
    assert_eq!(staff["staff_name"], "Anna Byrne");
    assert_eq!(staff["conversation_id"], BOOKED);
    assert!(staff["booking"].is_i64());
    assert_eq!(staff["booking_id"], BOOKED_REFERENCE);
    assert_eq!(staff["staff_info"]["department"], "Front Office");
    assert_eq!(
        keys(&staff["staff_info"]),
        sorted(&["name", "role", "profile_image", "department"])
    );
    let guest = &newest[1];
    assert_eq!(guest["sender_type"], "guest");
    assert_eq!(guest["staff_name"], Value::Null);
    assert_eq!(guest["staff_info"], Value::Null);
    assert_eq!(guest["guest_name"], "John Doe");
    let before = newest[0]["id"].as_i64().unwrap();
    let (_, older) = c
        .get(&format!("{path}?limit=10&before_id={before}"), Some(&t))
        .await;
    assert_eq!(older.as_array().unwrap().len(), 1);
    assert!(older[0]["id"].as_i64().unwrap() < before);
    let (s, v) = c
        .get(
            &format!("{CHAT}/conversations/{OTHER_HOTELS}/messages/"),
            Some(&t),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"error": "Conversation does not belong to this hotel"})
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_staff_send_answers_200_and_is_broadcast_twice_on_the_private_booking_channel_only() {
    let c = start_2026().await;
    // Anna answered room 101 last in the seed: she handles it.
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    let private = booking_channel(BOOKED_REFERENCE);
    subscribe_private(&c, &mut ws, &private).await;
    ws.subscribe(&format!("killarney-conversation-{BOOKED}-chat"))
        .await;
    ws.subscribe("killarney-room-101-chat").await;
    ws.subscribe("killarney.staff-3-notifications").await;
    let (s, v) = c
        .post(
            &send_path(BOOKED),
            Some(&t),
            json!({"message": "  Towels are on the way.  "}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        keys(&v),
        sorted(&["conversation_id", "message", "staff_info"])
    );
    assert_eq!(v["conversation_id"], BOOKED);
    let m = &v["message"];
    assert_eq!(keys(m), message_keys());
    assert_eq!(m["message"], "Towels are on the way.");
    assert_eq!(m["sender_type"], "staff");
    assert_eq!(m["staff_name"], "Anna Byrne");
    assert_eq!(m["booking_id"], BOOKED_REFERENCE);
    assert_eq!(
        keys(&v["staff_info"]),
        sorted(&["name", "role", "profile_image", "department"])
    );
    assert_eq!(v["staff_info"]["name"], "Anna Byrne");
    assert_eq!(v["staff_info"]["role"], "Receptionist");
    assert_eq!(v["staff_info"]["department"], "Front Office");
    assert!(v["staff_info"]["profile_image"].is_string());
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 2, "{events:?}");
    for (event, channel, data) in &events {
        assert_eq!(event, "chat.message.created");
        assert_eq!(channel, &private);
        assert_eq!(data["category"], "guest_chat");
        assert_eq!(data["type"], "chat.message.created");
        assert_eq!(data["payload"], *m);
        assert_eq!(
            data["meta"]["scope"],
            json!({"conversation_id": BOOKED, "booking_id": BOOKED_REFERENCE})
        );
    }
    let (s, v) = c
        .post(&send_path(BOOKED), Some(&t), json!({"message": " "}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v, json!({"error": "Message cannot be empty"}));
    let (s, v) = c
        .post(&send_path(999), Some(&t), json!({"message": "Hello"}))
        .await;
    assert_eq!(s, 404);
    assert_eq!(
        v,
        json!({"detail": "No Conversation matches the given query."})
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_send_taking_the_conversation_from_a_colleague_is_saved_but_answers_500_and_is_not_broadcast(
) {
    let c = start_2026().await;
    let anna = c.token("anna.byrne").await;
    let sean = c.token("sean.murphy").await;
    let (s, _) = c
        .post(
            &send_path(BOOKED),
            Some(&anna),
            json!({"message": "Anna here."}),
        )
        .await;
    assert_eq!(
        s, 200,
        "Anna handles room 101 (she answered last in the seed)"
    );
    let mut ws = c.ws().await;
    subscribe_private(&c, &mut ws, &booking_channel(BOOKED_REFERENCE)).await;
    ws.subscribe(&format!("killarney-conversation-{BOOKED}-chat"))
        .await;
    let (status, kind, body) = raw(
        &c,
        Method::POST,
        &send_path(BOOKED),
        Some(&sean),
        Some(json!({"message": "Seán taking over."})),
    )
    .await;
    assert_eq!(status, 500);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert_eq!(body, SERVER_ERROR_PAGE);
    assert!(ws.drain(300).await.is_empty(), "nothing is broadcast");
    let messages = thread(&c, &sean, BOOKED).await;
    let n = messages.len();
    let system = &messages[n - 2];
    assert_eq!(system["sender_type"], "system");
    assert_eq!(
        system["message"],
        "Seán Murphy has joined the conversation."
    );
    assert_eq!(system["staff"], Value::Null);
    assert_eq!(system["staff_name"], Value::Null);
    assert_eq!(system["staff_info"], Value::Null);
    assert_eq!(messages[n - 1]["message"], "Seán taking over.");
    assert_eq!(messages[n - 1]["staff_name"], "Seán Murphy");
    // Seán handles it now: her next message goes through.
    let (s, _) = c
        .post(
            &send_path(BOOKED),
            Some(&sean),
            json!({"message": "All sorted."}),
        )
        .await;
    assert_eq!(s, 200);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["chat.message.created", "chat.message.created"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn assign_staff_takes_over_with_a_system_message_and_marks_guest_messages_read() {
    let c = start_2026().await;
    let anna = c.token("anna.byrne").await;
    let sean = c.token("sean.murphy").await;
    let mut ws = c.ws().await;
    let conv_ch = format!("killarney-conversation-{BOOKED}-chat");
    ws.subscribe(&conv_ch).await;
    ws.subscribe("killarney-room-101-chat").await;
    let assign = format!("{CHAT}/conversations/{BOOKED}/assign-staff/");
    let (s, v) = c.post(&assign, Some(&anna), json!({})).await;
    assert_eq!(s, 200, "{v}");
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
    assert_eq!(v["messages_marked_read"], 1);
    assert_eq!(v["sessions_updated"], 0, "it was Anna's already");
    assert_eq!(v["assigned_staff"]["department"], "Front Office");
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "messages-read-by-staff");
    assert_eq!(events[0].1, conv_ch);
    assert_eq!(
        keys(&events[0].2),
        sorted(&["message_ids", "read_at", "staff_name", "conversation_id"])
    );
    assert_eq!(
        events[0].2["staff_name"],
        "Anna Byrne - Front Office - Receptionist"
    );
    assert!(
        thread(&c, &anna, BOOKED)
            .await
            .iter()
            .all(|m| m["sender_type"] != "system"),
        "Anna handles room 101 (she answered last in the seed)"
    );
    let (s, v) = c.post(&assign, Some(&sean), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(v["messages_marked_read"], 0);
    assert!(ws.drain(300).await.is_empty(), "nothing left to read");
    let last = thread(&c, &sean, BOOKED).await.pop().unwrap();
    assert_eq!(last["sender_type"], "system");
    assert_eq!(last["message"], "Seán Murphy has joined the conversation.");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn mark_read_marks_guest_messages_and_tells_the_conversation_channel() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    // Conversation 3 (room 204) has two unread guest messages.
    let mut ws = c.ws().await;
    ws.subscribe("killarney-conversation-3-chat").await;
    let path = format!("{CHAT}/conversations/3/mark-read/");
    let (s, v) = c.post(&path, Some(&t), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(v, json!({"conversation_id": 3, "marked_as_read": 2}));
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1, "no conversation-read: {events:?}");
    assert_eq!(events[0].0, "messages-read-by-staff");
    assert_eq!(events[0].2["message_ids"].as_array().unwrap().len(), 2);
    let (_, list) = c.get(&format!("{CHAT}/conversations/"), Some(&t)).await;
    let conv = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == 3)
        .unwrap()
        .clone();
    assert_eq!(conv["unread_count"], 0);
    assert_eq!(conv["has_unread"], false);
    let (s, v) = c.post(&path, Some(&t), json!({})).await;
    assert_eq!((s, &v["marked_as_read"]), (200, &json!(0)));
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn edit_and_delete_answer_500_and_change_nothing() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    subscribe_private(&c, &mut ws, &booking_channel(BOOKED_REFERENCE)).await;
    ws.subscribe(&format!("killarney-conversation-{BOOKED}-chat"))
        .await;
    let before = thread(&c, &t, BOOKED).await;
    let mine = before
        .iter()
        .find(|m| m["staff_name"] == "Anna Byrne")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("{CHAT}/messages/{mine}/update/"),
            Some(json!({"message": "Edited"})),
        ),
        (
            Method::DELETE,
            format!("{CHAT}/messages/{mine}/delete/"),
            None,
        ),
        (
            Method::DELETE,
            format!("{CHAT}/messages/{mine}/delete/?hard_delete=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("{CHAT}/messages/99999/update/"),
            None,
        ),
    ] {
        let (status, kind, text) = raw(&c, method.clone(), &path, Some(&t), body).await;
        assert_eq!(status, 500, "{method} {path}");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert_eq!(text, SERVER_ERROR_PAGE);
    }
    assert_eq!(thread(&c, &t, BOOKED).await, before);
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_attachment_works_as_classic_with_the_2026_message() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    let private = booking_channel(BOOKED_REFERENCE);
    subscribe_private(&c, &mut ws, &private).await;
    let path = format!("{CHAT}/conversations/{BOOKED}/upload-attachment/");
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            Some(("files", common::jpeg_bytes(), "towels.jpg")),
            &[("message", "Here is the map")],
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["success"], true);
    assert_eq!(keys(&v["message"]), message_keys());
    assert_eq!(v["message"]["message"], "Here is the map");
    assert_eq!(v["message"]["sender_type"], "staff");
    assert_eq!(v["message"]["booking_id"], BOOKED_REFERENCE);
    assert_eq!(v["attachments"][0]["file_name"], "towels.jpg");
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "chat.message.created");
    assert_eq!(events[0].2["payload"], v["message"]);
    let (s, v) = c
        .multipart(
            Method::POST,
            &path,
            Some(&t),
            None,
            &[("message", "see attached")],
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v, json!({"error": "No files provided"}));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_guest_message_is_heard_on_the_conversation_channel_and_by_every_staff_member() {
    let c = start_2026().await;
    let mut ws = c.ws().await;
    let conv_ch = format!("killarney-conversation-{BOOKED}-chat");
    ws.subscribe(&conv_ch).await;
    // Staff 1–5 are the demo hotel's (all active, all holding chat.guest.respond); 6 is Galway's.
    for staff_id in 1..=6 {
        ws.subscribe(&format!("killarney.staff-{staff_id}-notifications"))
            .await;
    }
    ws.subscribe("killarney-room-101-chat").await;
    ws.subscribe("killarney-staff-1-chat").await;
    let v = guest_writes(&c, BOOKED, "  Could we have more towels?  ").await;
    assert_eq!(keys(&v), sorted(&["conversation_id", "message"]));
    let m = &v["message"];
    assert_eq!(keys(m), message_keys());
    assert_eq!(m["sender_type"], "guest");
    assert_eq!(m["message"], "Could we have more towels?");
    assert_eq!(m["booking_id"], BOOKED_REFERENCE);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 6, "{events:?}");
    let (event, channel, envelope) = &events[0];
    assert_eq!(event, "realtime_event");
    assert_eq!(channel, &conv_ch);
    assert_eq!(
        keys(envelope),
        sorted(&["category", "type", "payload", "meta"])
    );
    assert_eq!(envelope["category"], "guest_chat");
    assert_eq!(envelope["type"], "chat.message.created");
    assert_eq!(envelope["payload"], *m);
    assert_eq!(
        keys(&envelope["meta"]),
        sorted(&["hotel_slug", "event_id", "ts", "scope"])
    );
    assert_eq!(envelope["meta"]["hotel_slug"], "killarney");
    assert!(!envelope["meta"]["event_id"].as_str().unwrap().is_empty());
    assert!(envelope["meta"]["ts"].as_str().unwrap().ends_with("+00:00"));
    assert_eq!(
        envelope["meta"]["scope"],
        json!({"conversation_id": BOOKED, "booking_id": BOOKED_REFERENCE})
    );
    let notified: Vec<&str> = events[1..].iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        notified,
        (1..=5)
            .map(|id| format!("killarney.staff-{id}-notifications"))
            .collect::<Vec<_>>()
    );
    for (event, _, notice) in &events[1..] {
        assert_eq!(event, "new-guest-message");
        assert_eq!(
            *notice,
            json!({
                "type": "guest_message",
                "message_id": m["id"],
                "conversation_id": BOOKED,
                "booking_id": BOOKED_REFERENCE,
                "room_number": 101,
                "guest_message": "Could we have more towels?",
                "sender_name": "John Doe",
                "guest_name": "John Doe",
                "timestamp": m["timestamp"],
            })
        );
    }
    let (s, v) = c
        .post(
            &format!("/api/guest/hotel/killarney/chat/conversations/{BOOKED}/messages/send/"),
            None,
            json!({"message": ""}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v, json!({"error": "Message cannot be empty"}));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn nothing_is_broadcast_for_the_room_without_a_booking() {
    let c = start_2026().await;
    let sean = c.token("sean.murphy").await;
    let anna = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{UNBOOKED}-chat"))
        .await;
    ws.subscribe(&format!("killarney-room-{ROOM_WITHOUT_BOOKING}-chat"))
        .await;
    for staff_id in 1..=5 {
        ws.subscribe(&format!("killarney.staff-{staff_id}-notifications"))
            .await;
    }
    let v = guest_writes(&c, UNBOOKED, "Still no Wi-Fi.").await;
    assert_eq!(v["message"]["booking"], Value::Null);
    assert_eq!(v["message"]["booking_id"], Value::Null);
    assert_eq!(v["message"]["guest_name"], Value::Null);
    let (s, _) = c
        .post(
            &send_path(UNBOOKED),
            Some(&sean),
            json!({"message": "On it."}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = c
        .post(
            &format!("{CHAT}/conversations/{UNBOOKED}/mark-read/"),
            Some(&anna),
            json!({}),
        )
        .await;
    assert_eq!((s, &v["marked_as_read"]), (200, &json!(2)));
    assert!(ws.drain(300).await.is_empty());
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn staff_cannot_join_private_channels_the_pusher_auth_endpoint_refuses_everyone() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    let mut ws = c.ws().await;
    let channel = booking_channel(BOOKED_REFERENCE);
    let body = json!({"socket_id": ws.socket_id, "channel_name": channel});
    for token in [Some(t.as_str()), None] {
        let (s, v) = c
            .post("/api/notifications/pusher/auth/", token, body.clone())
            .await;
        assert_eq!(s, 401);
        assert_eq!(v, json!({"error": "Staff authentication required"}));
    }
    ws.send(json!({"event": "pusher:subscribe", "data": {"channel": channel}}))
        .await;
    let v = ws.next(2000).await.unwrap();
    assert_eq!(v["event"], "pusher:error", "{v}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_classic_chat_paths_are_gone_in_2026() {
    let c = start_2026().await;
    let t = c.token("anna.byrne").await;
    for (method, path) in [
        (
            Method::GET,
            "/api/chat/killarney/conversations/".to_string(),
        ),
        (
            Method::GET,
            format!("/api/chat/killarney/conversations/{BOOKED}/messages/"),
        ),
        (
            Method::POST,
            format!("/api/chat/killarney/conversations/{BOOKED}/messages/send/"),
        ),
        (
            Method::POST,
            format!("/api/chat/conversations/{BOOKED}/mark-read/"),
        ),
        (Method::PATCH, "/api/chat/messages/1/update/".to_string()),
    ] {
        let (s, v) = c
            .send(
                method.clone(),
                &path,
                Some(&t),
                Some(json!({"message": "Hi"})),
            )
            .await;
        assert_eq!(s, 404, "{method} {path}");
        assert_eq!(v, json!({"detail": "Not found."}), "{method} {path}");
    }
    assert_eq!(
        c.sandbox.guest_send_url(BOOKED),
        c.url(&format!(
            "/api/guest/hotel/killarney/chat/conversations/{BOOKED}/messages/send/"
        ))
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_classic_sandbox_has_none_of_the_2026_chat() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let mut paths: Vec<(Method, String)> = staff_routes();
    paths.push((
        Method::POST,
        format!("/api/guest/hotel/killarney/chat/conversations/{BOOKED}/messages/send/"),
    ));
    paths.push((Method::POST, "/api/notifications/pusher/auth/".to_string()));
    for (method, path) in paths {
        let (status, kind, body) = raw(&c, method.clone(), &path, Some(&t), None).await;
        assert_eq!(status, 404, "{method} {path}");
        assert!(kind.starts_with("text/html"), "{method} {path}: {kind}");
        assert!(body.contains("Page not found"), "{method} {path}");
    }
    // The classic guest writes through the classic send.
    assert_eq!(
        c.sandbox.guest_send_url(BOOKED),
        c.url(&format!(
            "/api/chat/killarney/conversations/{BOOKED}/messages/send/"
        ))
    );
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{BOOKED}-chat"))
        .await;
    let v = guest_writes(&c, BOOKED, "Hello from the guest").await;
    assert_eq!(v["message"]["sender_type"], "guest");
    assert!(v["message"].get("booking_id").is_none());
    assert_eq!(
        ws.drain(300)
            .await
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>(),
        ["message-delivered", "conversation-unread", "new-message"]
    );
    c.sandbox.shutdown().await;
}
