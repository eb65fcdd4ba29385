//! Guest-chat attachments (API.md §8.2 upload-attachment, §8.5 attachment JSON, §9.3 events).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common;

use crate::common::{jpeg_bytes, keys, sorted, start};
use serde_json::Value;

async fn upload(
    c: &common::Ctx,
    conv: i64,
    token: Option<&str>,
    files: Vec<(&str, Vec<u8>)>,
    texts: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    for (k, v) in texts {
        form = form.text(k.to_string(), v.to_string());
    }
    let mut req = c
        .http
        .post(c.url(&format!(
            "/api/chat/killarney/conversations/{conv}/upload-attachment/"
        )))
        .multipart(form);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Token {t}"));
    }
    let r = req.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

#[tokio::test]
async fn staff_upload_creates_a_message_with_attachments_and_warnings() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, convs) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    let conv = convs[0]["conversation_id"].as_i64().unwrap();
    let room = convs[0]["room_number"].as_i64().unwrap();
    let mut ws = c.ws().await;
    ws.subscribe(&format!("killarney-conversation-{conv}-chat"))
        .await;
    ws.subscribe(&format!("killarney-room-{room}-chat")).await;
    let (s, v) = upload(
        &c,
        conv,
        Some(&t),
        vec![
            ("map.jpg", jpeg_bytes()),
            ("menu.pdf", b"%PDF-1.4".to_vec()),
            ("virus.exe", b"MZ".to_vec()),
        ],
        &[],
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["success"], true);
    assert_eq!(v["message"]["message"], "[File shared]");
    assert_eq!(v["message"]["has_attachments"], true);
    let atts = v["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2);
    assert_eq!(
        keys(&atts[0]),
        sorted(&[
            "id",
            "file",
            "file_url",
            "file_name",
            "file_type",
            "file_size",
            "file_size_display",
            "mime_type",
            "thumbnail",
            "thumbnail_url",
            "uploaded_at"
        ])
    );
    assert_eq!(atts[0]["file_type"], "image");
    assert_eq!(atts[1]["file_type"], "pdf");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
    let r = c
        .http
        .get(atts[0]["file_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["new-staff-message", "new-message"]
    );
    // Attaching to the existing message fires message-updated.
    let mid = v["message"]["id"].as_i64().unwrap().to_string();
    let (s, v) = upload(
        &c,
        conv,
        Some(&t),
        vec![("list.txt", b"towels".to_vec())],
        &[("message_id", &mid)],
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(v["message"]["attachments"].as_array().unwrap().len(), 3);
    let events = ws.drain(300).await;
    assert_eq!(
        events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["message-updated"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn upload_without_files_is_400_but_the_placeholder_exists() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (_, convs) = c.get("/api/chat/killarney/conversations/", Some(&t)).await;
    let conv = convs[0]["conversation_id"].as_i64().unwrap();
    let (s, v) = upload(&c, conv, Some(&t), vec![], &[("message", "see attached")]).await;
    assert_eq!(
        (s, v),
        (400, serde_json::json!({"error": "No files provided"}))
    );
    let (_, msgs) = c
        .get(
            &format!("/api/chat/killarney/conversations/{conv}/messages/"),
            None,
        )
        .await;
    assert_eq!(
        msgs.as_array().unwrap().last().unwrap()["message"],
        "see attached"
    );
    c.sandbox.shutdown().await;
}
