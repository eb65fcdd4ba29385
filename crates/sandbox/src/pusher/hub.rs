//! Who is connected and subscribed to what, and delivery of events to subscribers. REST writes and the HTTP
//! trigger API both publish through here; the WebSocket tasks own their sockets and receive from here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Pusher's limit on one event's `data`.
pub(crate) const MAX_EVENT_DATA_BYTES: usize = 10 * 1024;

/// What a socket task is asked to send.
#[derive(Debug, Clone)]
pub(crate) enum Outgoing {
    Text(String),
    Close(u16, String),
}

/// A presence-channel member (from the signed `channel_data`).
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub user_id: String,
    pub user_info: Value,
}

#[derive(Default)]
struct Channel {
    /// socket id → presence member (None on public and private channels).
    subscribers: HashMap<String, Option<Member>>,
}

#[derive(Default)]
struct Inner {
    sockets: HashMap<String, mpsc::UnboundedSender<Outgoing>>,
    channels: HashMap<String, Channel>,
}

/// All channels of the one app the sandbox serves.
#[derive(Default)]
pub(crate) struct Hub {
    inner: Mutex<Inner>,
}

/// A frame as the protocol writes it: `data` is always a string.
pub(crate) fn frame(event: &str, channel: Option<&str>, data: &str) -> String {
    match channel {
        Some(c) => json!({"event": event, "channel": c, "data": data}).to_string(),
        None => json!({"event": event, "data": data}).to_string(),
    }
}

impl Hub {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every critical section leaves the maps consistent, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a new socket; the task reads what to send from the receiver.
    pub(crate) fn connect(&self, socket_id: &str) -> mpsc::UnboundedReceiver<Outgoing> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().sockets.insert(socket_id.to_string(), tx);
        rx
    }

    /// Removes a socket from everything (sending `member_removed` where it was the user's last socket).
    pub(crate) fn disconnect(&self, socket_id: &str) {
        let mut inner = self.lock();
        inner.sockets.remove(socket_id);
        let names: Vec<String> = inner
            .channels
            .iter()
            .filter(|(_, c)| c.subscribers.contains_key(socket_id))
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            remove_subscriber(&mut inner, &name, socket_id);
        }
    }

    pub(crate) fn is_subscribed(&self, socket_id: &str, channel: &str) -> bool {
        self.lock()
            .channels
            .get(channel)
            .is_some_and(|c| c.subscribers.contains_key(socket_id))
    }

    /// Subscribes and sends `pusher_internal:subscription_succeeded` (and `member_added` to the others on a
    /// presence channel when this user was not there yet). Subscribing twice is answered again, harmlessly.
    pub(crate) fn subscribe(&self, socket_id: &str, channel: &str, member: Option<Member>) {
        let mut inner = self.lock();
        let ch = inner.channels.entry(channel.to_string()).or_default();
        let new_user = member.as_ref().is_some_and(|m| {
            !ch.subscribers
                .values()
                .flatten()
                .any(|other| other.user_id == m.user_id)
        });
        ch.subscribers.insert(socket_id.to_string(), member.clone());
        let data = if channel.starts_with("presence-") {
            let mut hash = BTreeMap::new();
            for m in ch.subscribers.values().flatten() {
                hash.insert(m.user_id.clone(), m.user_info.clone());
            }
            let ids: Vec<&String> = hash.keys().collect();
            json!({"presence": {"ids": ids, "hash": hash, "count": hash.len()}}).to_string()
        } else {
            "{}".to_string()
        };
        let others: Vec<String> = ch
            .subscribers
            .keys()
            .filter(|s| s.as_str() != socket_id)
            .cloned()
            .collect();
        send_to(
            &inner,
            socket_id,
            frame(
                "pusher_internal:subscription_succeeded",
                Some(channel),
                &data,
            ),
        );
        if let (true, Some(m)) = (new_user, member) {
            let added = json!({"user_id": m.user_id, "user_info": m.user_info}).to_string();
            let text = frame("pusher_internal:member_added", Some(channel), &added);
            for s in others {
                send_to(&inner, &s, text.clone());
            }
        }
    }

    pub(crate) fn unsubscribe(&self, socket_id: &str, channel: &str) {
        let mut inner = self.lock();
        remove_subscriber(&mut inner, channel, socket_id);
    }

    /// Delivers an event whose `data` is already a string, to every subscriber except `except_socket`.
    /// Returns how many sockets it was queued for.
    pub(crate) fn trigger_raw(
        &self,
        channel: &str,
        event: &str,
        data: &str,
        except_socket: Option<&str>,
    ) -> usize {
        self.send_text(channel, frame(event, Some(channel), data), except_socket)
    }

    /// Delivers a complete frame (client events carry an extra `user_id`).
    pub(crate) fn trigger_value(
        &self,
        channel: &str,
        frame: &Value,
        except_socket: Option<&str>,
    ) -> usize {
        self.send_text(channel, frame.to_string(), except_socket)
    }

    fn send_text(&self, channel: &str, text: String, except_socket: Option<&str>) -> usize {
        let inner = self.lock();
        let Some(ch) = inner.channels.get(channel) else {
            return 0;
        };
        let mut n = 0;
        for s in ch.subscribers.keys() {
            if Some(s.as_str()) != except_socket {
                send_to(&inner, s, text.clone());
                n += 1;
            }
        }
        n
    }

    /// What the backend's `pusher_client.trigger(channel, event, payload)` does: `data` JSON-encoded to a string.
    /// Like the Python library, a payload over 10 KB is refused, and the backend only logs that, so the event
    /// is dropped (API.md §9.1, note (a) of §9.2).
    pub(crate) fn publish(&self, channel: &str, event: &str, payload: &Value) {
        let data = payload.to_string();
        if data.len() > MAX_EVENT_DATA_BYTES {
            tracing::warn!(
                channel,
                event,
                bytes = data.len(),
                "event over 10 KB dropped, as the backend's library does"
            );
            return;
        }
        let n = self.trigger_raw(channel, event, &data, None);
        tracing::debug!(channel, event, subscribers = n, "event published");
    }

    /// The presence member a socket subscribed with.
    pub(crate) fn member_of(&self, socket_id: &str, channel: &str) -> Option<Member> {
        self.lock()
            .channels
            .get(channel)
            .and_then(|c| c.subscribers.get(socket_id).cloned().flatten())
    }

    /// Asks every socket to close (server shutdown).
    pub(crate) fn close_all(&self, code: u16, reason: &str) {
        let inner = self.lock();
        for tx in inner.sockets.values() {
            let _ = tx.send(Outgoing::Close(code, reason.to_string()));
        }
    }
}

fn send_to(inner: &Inner, socket_id: &str, text: String) {
    if let Some(tx) = inner.sockets.get(socket_id) {
        // A closed receiver means the socket task is already gone; its disconnect() follows.
        let _ = tx.send(Outgoing::Text(text));
    }
}

fn remove_subscriber(inner: &mut Inner, channel: &str, socket_id: &str) {
    let Some(ch) = inner.channels.get_mut(channel) else {
        return;
    };
    let Some(member) = ch.subscribers.remove(socket_id) else {
        return;
    };
    let still_there = |m: &Member, ch: &Channel| {
        ch.subscribers
            .values()
            .flatten()
            .any(|o| o.user_id == m.user_id)
    };
    let removed = match member {
        Some(m) if !still_there(&m, ch) => Some(m),
        _ => None,
    };
    let others: Vec<String> = ch.subscribers.keys().cloned().collect();
    if ch.subscribers.is_empty() {
        inner.channels.remove(channel);
    }
    if let Some(m) = removed {
        let data = json!({"user_id": m.user_id}).to_string();
        let text = frame("pusher_internal:member_removed", Some(channel), &data);
        for s in others {
            send_to(inner, &s, text.clone());
        }
    }
}
