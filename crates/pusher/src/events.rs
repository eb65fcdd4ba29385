//! Delivering events to listeners: the whole client, one channel, one event name, or the user channel.
//!
//! Each listener has its own unbounded queue, so a slow listener never makes the connection drop an event
//! for anyone (a bounded broadcast would).

use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde_json::Value;
use tokio::sync::mpsc;

/// The prefix of the server-to-user channel of a signed-in user.
pub const USER_CHANNEL_PREFIX: &str = "#server-to-user-";

/// Not from the server: a frame was dropped because the client does not accept it (larger than
/// its limit, or not a Pusher message). What it said is lost and its channel unknown, so every
/// listener but those of one event name hears of it (with an empty channel) and can read again
/// what it may have missed. `data`: `{"bytes": …, "reason": …}`.
pub const FRAME_DROPPED: &str = "client:frame_dropped";

/// One event on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The channel, e.g. `hotel-killarney`.
    pub channel: String,
    /// The event name, e.g. `offer-updated`, or `pusher:subscription_succeeded`, `pusher:member_added`,
    /// `pusher:member_removed`, `pusher:subscription_error`, `pusher:cache_miss` for the protocol's own.
    pub event: String,
    /// The payload, decoded twice when the server sent it as a JSON string, and decrypted on
    /// encrypted channels.
    pub data: Value,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    All,
    Channel(String),
    ChannelEvent { channel: String, event: String },
    Event(String),
    UserChannel,
}

impl Filter {
    fn matches(&self, event: &Event) -> bool {
        if event.event == FRAME_DROPPED {
            return !matches!(self, Self::Event(_));
        }
        match self {
            Self::All => true,
            Self::Channel(channel) => *channel == event.channel,
            Self::ChannelEvent {
                channel,
                event: name,
            } => *channel == event.channel && *name == event.event,
            Self::Event(name) => *name == event.event,
            Self::UserChannel => event.channel.starts_with(USER_CHANNEL_PREFIX),
        }
    }
}

struct Listener {
    filter: Filter,
    tx: mpsc::UnboundedSender<Event>,
}

/// The listeners of one client.
#[derive(Default)]
pub(crate) struct Listeners {
    list: Mutex<Vec<Listener>>,
}

impl Listeners {
    pub(crate) fn add(&self, filter: Filter) -> EventStream {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut list) = self.list.lock() {
            list.push(Listener { filter, tx });
        }
        EventStream { rx }
    }

    pub(crate) fn dispatch(&self, event: Event) {
        let Ok(mut list) = self.list.lock() else {
            return;
        };
        list.retain(|listener| !listener.tx.is_closed());
        let mut matching = list
            .iter()
            .filter(|listener| listener.filter.matches(&event))
            .peekable();
        while let Some(listener) = matching.next() {
            if matching.peek().is_none() {
                let _ = listener.tx.send(event);
                return;
            }
            let _ = listener.tx.send(event.clone());
        }
    }

    /// Ends every stream (the client shut down).
    pub(crate) fn close(&self) {
        if let Ok(mut list) = self.list.lock() {
            list.clear();
        }
    }
}

/// A stream of events. Ends when the client shuts down. Dropping it unregisters it.
#[derive(Debug)]
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<Event>,
}

impl EventStream {
    /// The next event, or `None` once the client has shut down.
    pub async fn recv(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// An event already queued, without waiting.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.rx.try_recv().ok()
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(channel: &str, name: &str) -> Event {
        Event {
            channel: channel.into(),
            event: name.into(),
            data: Value::Null,
            user_id: None,
        }
    }

    #[test]
    fn each_listener_gets_what_its_filter_matches() {
        let listeners = Listeners::default();
        let mut all = listeners.add(Filter::All);
        let mut channel = listeners.add(Filter::Channel("a".into()));
        let mut bound = listeners.add(Filter::ChannelEvent {
            channel: "a".into(),
            event: "x".into(),
        });
        let mut user = listeners.add(Filter::UserChannel);
        listeners.dispatch(event("a", "x"));
        listeners.dispatch(event("a", "y"));
        listeners.dispatch(event("b", "x"));
        listeners.dispatch(event("#server-to-user-1", "hi"));
        let drain = |stream: &mut EventStream| {
            std::iter::from_fn(|| stream.try_recv())
                .map(|e| format!("{}/{}", e.channel, e.event))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            drain(&mut all),
            ["a/x", "a/y", "b/x", "#server-to-user-1/hi"]
        );
        assert_eq!(drain(&mut channel), ["a/x", "a/y"]);
        assert_eq!(drain(&mut bound), ["a/x"]);
        assert_eq!(drain(&mut user), ["#server-to-user-1/hi"]);
    }

    #[test]
    fn dropped_streams_are_unregistered() {
        let listeners = Listeners::default();
        drop(listeners.add(Filter::All));
        listeners.dispatch(event("a", "x"));
        assert_eq!(listeners.list.lock().unwrap().len(), 0);
    }
}
