//! The Pusher protocol 7 WebSocket server at `/app/<key>`: connection handshake, ping/pong and activity
//! timeout, subscriptions (public, private, presence with signed auth), client events with their rules, and
//! the protocol's error events and close codes. Bad input gets a `pusher:error`, never a panic.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use serde_json::{json, Value};

use super::hub::{frame, Member, Outgoing, MAX_EVENT_DATA_BYTES};
use super::signing;
use super::Endpoint;

/// What the server announces in `pusher:connection_established`.
const ACTIVITY_TIMEOUT_SECS: u64 = 120;
/// How long a client has to answer our `pusher:ping`.
const PONG_TIMEOUT: Duration = Duration::from_secs(30);
/// Client events allowed per connection and second.
const CLIENT_EVENTS_PER_SEC: u32 = 10;
const MAX_CHANNEL_NAME_LEN: usize = 164;

/// `GET /app/<key>?protocol=7&client=…&version=…`.
pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<Endpoint>,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let protocol = query.get("protocol").cloned();
    ws.max_message_size(1024 * 1024)
        .on_upgrade(move |socket| run(socket, state, key, protocol))
}

fn error_frame(code: Option<u16>, message: &str) -> String {
    json!({"event": "pusher:error", "data": {"code": code, "message": message}}).to_string()
}

async fn refuse(mut socket: WebSocket, code: u16, message: &str) {
    let _ = socket
        .send(Message::Text(error_frame(Some(code), message).into()))
        .await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(message.to_string()),
        })))
        .await;
}

fn new_socket_id() -> String {
    let mut rng = rand::rng();
    format!(
        "{}.{}",
        rng.random_range(100_000..1_000_000_000u64),
        rng.random_range(100_000..1_000_000_000u64)
    )
}

async fn run(socket: WebSocket, state: Endpoint, key: String, protocol: Option<String>) {
    if key != state.pusher.key {
        let msg =
            format!("App key {key} not in this cluster. Did you forget to specify the cluster?");
        return refuse(socket, 4001, &msg).await;
    }
    match protocol.as_deref().map(str::parse::<u32>) {
        None | Some(Err(_)) => {
            return refuse(socket, 4006, "Invalid version string format").await;
        }
        Some(Ok(v)) if !(4..=7).contains(&v) => {
            return refuse(socket, 4007, &format!("Unsupported protocol version {v}")).await;
        }
        Some(Ok(_)) => {}
    }
    let socket_id = new_socket_id();
    let rx = state.hub.connect(&socket_id);
    let mut conn = Connection {
        state: state.clone(),
        socket_id: socket_id.clone(),
        window_start: Instant::now(),
        events_in_window: 0,
    };
    conn.serve(socket, rx).await;
    state.hub.disconnect(&socket_id);
}

/// One client connection; owns its socket for its whole life.
struct Connection {
    state: Endpoint,
    socket_id: String,
    window_start: Instant,
    events_in_window: u32,
}

impl Connection {
    async fn serve(
        &mut self,
        socket: WebSocket,
        mut rx: tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
    ) {
        let (mut sink, mut stream) = socket.split();
        let established =
            json!({"socket_id": self.socket_id, "activity_timeout": ACTIVITY_TIMEOUT_SECS})
                .to_string();
        if sink
            .send(Message::Text(
                frame("pusher:connection_established", None, &established).into(),
            ))
            .await
            .is_err()
        {
            return;
        }
        let activity = Duration::from_secs(ACTIVITY_TIMEOUT_SECS);
        let mut last_seen = Instant::now();
        let mut ping_sent: Option<Instant> = None;
        loop {
            let deadline = match ping_sent {
                Some(at) => at + PONG_TIMEOUT,
                None => last_seen + activity,
            };
            tokio::select! {
                incoming = stream.next() => {
                    let Some(Ok(msg)) = incoming else { return };
                    last_seen = Instant::now();
                    ping_sent = None;
                    let replies = match msg {
                        Message::Text(t) => self.handle_text(t.as_str()),
                        Message::Binary(_) => vec![error_frame(None, "Binary frames are not supported; send JSON text")],
                        Message::Close(_) => return,
                        Message::Ping(_) | Message::Pong(_) => Vec::new(),
                    };
                    for r in replies {
                        if sink.send(Message::Text(r.into())).await.is_err() {
                            return;
                        }
                    }
                }
                out = rx.recv() => {
                    match out {
                        Some(Outgoing::Text(t)) => {
                            if sink.send(Message::Text(t.into())).await.is_err() {
                                return;
                            }
                        }
                        Some(Outgoing::Close(code, reason)) => {
                            let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                            return;
                        }
                        None => return,
                    }
                }
                _ = tokio::time::sleep_until(deadline.into()) => {
                    if ping_sent.is_some() {
                        let _ = sink.send(Message::Close(Some(CloseFrame {
                            code: 4201,
                            reason: "Pong reply not received".into(),
                        }))).await;
                        return;
                    }
                    if sink.send(Message::Text(frame("pusher:ping", None, "{}").into())).await.is_err() {
                        return;
                    }
                    ping_sent = Some(Instant::now());
                }
            }
        }
    }

    /// Answers one text frame; returns the frames to send back to this client.
    fn handle_text(&mut self, text: &str) -> Vec<String> {
        let Ok(msg) = serde_json::from_str::<Value>(text) else {
            return vec![error_frame(
                None,
                "Invalid JSON: the message must be a JSON object",
            )];
        };
        let Some(event) = msg.get("event").and_then(Value::as_str) else {
            return vec![error_frame(None, "Invalid message: missing 'event'")];
        };
        // `data` may come as an object or as a JSON string holding one.
        let data = match msg.get("data") {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
            Some(v) => v.clone(),
            None => Value::Null,
        };
        match event {
            "pusher:ping" => vec![frame("pusher:pong", None, "{}")],
            "pusher:pong" => Vec::new(),
            "pusher:subscribe" => self.subscribe(&data),
            "pusher:unsubscribe" => {
                if let Some(channel) = data.get("channel").and_then(Value::as_str) {
                    self.state.hub.unsubscribe(&self.socket_id, channel);
                }
                Vec::new()
            }
            e if e.starts_with("client-") => self.client_event(e, &msg),
            other => vec![error_frame(None, &format!("Unsupported event '{other}'"))],
        }
    }

    fn subscribe(&mut self, data: &Value) -> Vec<String> {
        let Some(channel) = data.get("channel").and_then(Value::as_str) else {
            return vec![error_frame(None, "Invalid subscribe: missing 'channel'")];
        };
        if !valid_channel_name(channel) {
            return vec![error_frame(
                None,
                &format!("Invalid channel name '{channel}'"),
            )];
        }
        let hub = &self.state.hub;
        let is_presence = channel.starts_with("presence-");
        if !(is_presence || channel.starts_with("private-")) {
            hub.subscribe(&self.socket_id, channel, None);
            return Vec::new();
        }
        let auth = data.get("auth").and_then(Value::as_str).unwrap_or("");
        let channel_data = data.get("channel_data").and_then(Value::as_str);
        let (key, sig) = auth.split_once(':').unwrap_or(("", ""));
        let secret = &self.state.pusher.secret;
        let expected = signing::channel_string(
            &self.socket_id,
            channel,
            if is_presence { channel_data } else { None },
        );
        // A private-channel signature that also covers channel_data is accepted too (API.md §12).
        let ok = key == self.state.pusher.key
            && (signing::verify_hex(secret, &expected, sig)
                || (!is_presence
                    && channel_data.is_some_and(|d| {
                        signing::verify_hex(
                            secret,
                            &signing::channel_string(&self.socket_id, channel, Some(d)),
                            sig,
                        )
                    })));
        if !ok {
            return vec![error_frame(
                None,
                &format!("Invalid signature: Expected HMAC SHA256 hex digest of {expected}, but got {auth}"),
            )];
        }
        let member = if is_presence {
            let parsed = channel_data.and_then(|d| serde_json::from_str::<Value>(d).ok());
            let user_id = parsed.as_ref().and_then(|v| match v.get("user_id") {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            });
            let Some(user_id) = user_id else {
                return vec![error_frame(
                    None,
                    "Invalid presence channel_data: a user_id is required",
                )];
            };
            let user_info = parsed
                .and_then(|v| v.get("user_info").cloned())
                .unwrap_or(Value::Null);
            Some(Member { user_id, user_info })
        } else {
            None
        };
        hub.subscribe(&self.socket_id, channel, member);
        Vec::new()
    }

    fn client_event(&mut self, event: &str, msg: &Value) -> Vec<String> {
        let channel = msg.get("channel").and_then(Value::as_str).unwrap_or("");
        if !(channel.starts_with("private-") || channel.starts_with("presence-")) {
            return vec![error_frame(
                None,
                "Client event rejected - only supported on private and presence channels",
            )];
        }
        if !self.state.hub.is_subscribed(&self.socket_id, channel) {
            return vec![error_frame(
                None,
                &format!("Client event rejected - not subscribed to channel {channel}"),
            )];
        }
        if self.window_start.elapsed() >= Duration::from_secs(1) {
            self.window_start = Instant::now();
            self.events_in_window = 0;
        }
        self.events_in_window += 1;
        if self.events_in_window > CLIENT_EVENTS_PER_SEC {
            return vec![error_frame(
                Some(4301),
                "Client event rejected due to rate limit",
            )];
        }
        let data = match msg.get("data") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "{}".to_string(),
        };
        if data.len() > MAX_EVENT_DATA_BYTES {
            return vec![error_frame(
                None,
                "Client event rejected - payload over 10 KB",
            )];
        }
        let mut out = json!({"event": event, "channel": channel, "data": data});
        if let Some(m) = self.state.hub.member_of(&self.socket_id, channel) {
            out["user_id"] = Value::String(m.user_id);
        }
        self.state
            .hub
            .trigger_value(channel, &out, Some(&self.socket_id));
        Vec::new()
    }
}

fn valid_channel_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_CHANNEL_NAME_LEN
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-=@,.;".contains(c))
}
