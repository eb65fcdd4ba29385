//! Helpers shared by the sandbox's contract tests: a started sandbox, logins and an HTTP client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};
use serde_json::{json, Value};

pub const PASSWORD: &str = "killarney-demo";

pub struct Ctx {
    pub sandbox: SandboxHandle,
    pub http: reqwest::Client,
    pub base: String,
}

pub async fn start() -> Ctx {
    start_generation(Generation::Classic).await
}

/// A sandbox playing `generation`.
pub async fn start_generation(generation: Generation) -> Ctx {
    let sandbox = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    Ctx {
        sandbox,
        http: reqwest::Client::new(),
        base,
    }
}

impl Ctx {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in and returns the token.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/staff/login/"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login of {username}");
        let v: Value = r.json().await.unwrap();
        v["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Token {t}"));
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let r = self
            .request(method, path, token, body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A request to `path`, with the staff token and the JSON body when given.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Token {t}"));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }
}

/// Sorted keys of a JSON object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

pub fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// A small real JPEG.
pub fn jpeg_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 12, |x, y| {
        image::Rgb([(x * 15) as u8, (y * 20) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut out)
        .encode_image(&img)
        .unwrap();
    out
}

/// A PNG signature followed by junk: enough for the sandbox's format sniffing.
pub fn png_bytes() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0u8; 64]);
    v
}

impl Ctx {
    /// A multipart request with one file part and optional text parts.
    pub async fn multipart(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        file: Option<(&str, Vec<u8>, &str)>,
        texts: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut form = reqwest::multipart::Form::new();
        if let Some((field, bytes, name)) = file {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        for (k, v) in texts {
            form = form.text(k.to_string(), v.to_string());
        }
        let mut req = self.http.request(method, self.url(path)).multipart(form);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Token {t}"));
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn ws(&self) -> Ws {
        Ws::connect(&self.base, "hotelmate-demo-key").await
    }
}

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type WsStream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A bare Pusher protocol client for tests.
pub struct Ws {
    pub stream: WsStream,
    pub socket_id: String,
}

impl Ws {
    pub async fn connect(base: &str, key: &str) -> Ws {
        let url = format!(
            "{}/app/{key}?protocol=7&client=test&version=1.0",
            base.replace("http://", "ws://")
        );
        let (mut stream, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let first = next_frame(&mut stream, 5000)
            .await
            .expect("connection_established");
        assert_eq!(first["event"], "pusher:connection_established");
        let data: Value = serde_json::from_str(first["data"].as_str().unwrap()).unwrap();
        Ws {
            stream,
            socket_id: data["socket_id"].as_str().unwrap().to_string(),
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.stream
            .send(Message::text(v.to_string()))
            .await
            .unwrap();
    }

    /// Subscribes to a public channel and waits for the confirmation.
    pub async fn subscribe(&mut self, channel: &str) {
        self.send(json!({"event": "pusher:subscribe", "data": {"channel": channel}}))
            .await;
        let v = self.next(5000).await.expect("subscription_succeeded");
        assert_eq!(v["event"], "pusher_internal:subscription_succeeded", "{v}");
    }

    /// The next frame within `ms`, or None.
    pub async fn next(&mut self, ms: u64) -> Option<Value> {
        next_frame(&mut self.stream, ms).await
    }

    /// The next frames until `ms` pass without one: (event, channel, parsed data).
    pub async fn drain(&mut self, ms: u64) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        while let Some(v) = self.next(ms).await {
            let data = match &v["data"] {
                Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
                other => other.clone(),
            };
            out.push((
                v["event"].as_str().unwrap_or("").to_string(),
                v["channel"].as_str().unwrap_or("").to_string(),
                data,
            ));
        }
        out
    }
}

async fn next_frame(stream: &mut WsStream, ms: u64) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_millis(ms), stream.next())
            .await
            .ok()??
            .ok()?;
        match msg {
            Message::Text(t) => return Some(serde_json::from_str(t.as_str()).unwrap()),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

/// The keys of a RoomMessage (API.md §8.5); the 2026 backend adds three (§10.2).
pub const MESSAGE_KEYS: &[&str] = &[
    "id",
    "conversation",
    "room",
    "room_number",
    "sender_type",
    "staff",
    "staff_name",
    "guest_name",
    "staff_info",
    "message",
    "timestamp",
    "status",
    "is_read_by_recipient",
    "read_at",
    "read_by_staff",
    "read_by_guest",
    "staff_read_at",
    "guest_read_at",
    "delivered_at",
    "staff_display_name",
    "staff_role_name",
    "is_edited",
    "edited_at",
    "is_deleted",
    "deleted_at",
    "reply_to",
    "reply_to_message",
    "attachments",
    "has_attachments",
];
