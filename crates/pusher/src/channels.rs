//! The channels the application wants, and where each one is in its subscription on the current socket.
//!
//! An entry exists exactly while the application wants the channel. Each authorization carries a ticket;
//! an answer whose ticket or socket id is not the current one is dropped, so an unsubscribe (or a
//! reconnect) during authorization can never resurrect a channel or subscribe with a stale signature.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;

use crate::encrypted::ChannelKey;
use crate::error::{Error, SubscriptionError};
use crate::events::USER_CHANNEL_PREFIX;
use crate::presence::{EarlyChange, Members};
use crate::protocol::Frame;

/// Pusher's limit on channel names.
pub const MAX_CHANNEL_NAME_CHARS: usize = 200;

/// What a channel name says about the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Anyone may subscribe.
    Public,
    /// `private-`: needs an authorizer.
    Private,
    /// `presence-`: needs an authorizer, has members.
    Presence,
    /// `private-encrypted-`: needs an authorizer, payloads are end-to-end encrypted.
    Encrypted,
    /// `#server-to-user-<id>`: the signed-in user's channel.
    User,
}

impl ChannelKind {
    /// The kind of the channel `name`.
    pub fn of(name: &str) -> Self {
        if name.starts_with("private-encrypted-") {
            Self::Encrypted
        } else if name.starts_with("private-") {
            Self::Private
        } else if name.starts_with("presence-") {
            Self::Presence
        } else if name.starts_with(USER_CHANNEL_PREFIX) {
            Self::User
        } else {
            Self::Public
        }
    }

    pub(crate) fn needs_auth(self) -> bool {
        matches!(self, Self::Private | Self::Presence | Self::Encrypted)
    }
}

/// Checks a channel name an application asked for.
pub(crate) fn validate_name(name: &str) -> Result<(), Error> {
    let invalid = |reason| Error::InvalidChannel {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("the name is empty"));
    }
    if name.chars().count() > MAX_CHANNEL_NAME_CHARS {
        return Err(invalid("the name is longer than 200 characters"));
    }
    if name.starts_with('#') {
        return Err(invalid(
            "names starting with '#' are reserved for the server (sign in for the user channel)",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-=@,.;".contains(c))
    {
        return Err(invalid(
            "only letters, digits and _ - = @ , . ; are allowed",
        ));
    }
    Ok(())
}

/// A subscription as a [`Channel`](crate::Channel) handle sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionState {
    /// Waiting for the connection, the authorizer or the server.
    Pending,
    /// The server confirmed the subscription on the current connection.
    Subscribed,
    /// Refused; tried again after the next reconnect or a new `subscribe`.
    Failed(SubscriptionError),
    /// The application unsubscribed.
    Unsubscribed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Nothing sent on this socket yet.
    Idle,
    /// Waiting for the authorizer's answer carrying this ticket.
    Authorizing {
        ticket: u64,
    },
    /// `pusher:subscribe` sent at this time.
    Sent {
        since: Instant,
    },
    Subscribed,
    Failed,
}

/// Events held while an encrypted channel's key is refreshed after a decrypt failure.
#[derive(Debug, Default)]
pub(crate) enum KeyRefresh {
    #[default]
    Idle,
    Waiting {
        ticket: u64,
        held: Vec<Frame>,
    },
}

pub(crate) struct Entry {
    pub(crate) kind: ChannelKind,
    pub(crate) phase: Phase,
    pub(crate) state: watch::Sender<SubscriptionState>,
    pub(crate) members: Members,
    /// Member events that arrived before this subscription's member list.
    pub(crate) early_members: Vec<EarlyChange>,
    pub(crate) key: Option<ChannelKey>,
    pub(crate) refresh: KeyRefresh,
}

impl Entry {
    fn new(kind: ChannelKind) -> Self {
        Self {
            kind,
            phase: Phase::Idle,
            state: watch::Sender::new(SubscriptionState::Pending),
            members: Members::default(),
            early_members: Vec::new(),
            key: None,
            refresh: KeyRefresh::Idle,
        }
    }

    pub(crate) fn mark_sent(&mut self) {
        self.phase = Phase::Sent {
            since: Instant::now(),
        };
    }

    pub(crate) fn is_sent(&self) -> bool {
        matches!(self.phase, Phase::Sent { .. })
    }

    pub(crate) fn set_state(&self, state: SubscriptionState) {
        self.state.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
    }
}

#[derive(Default)]
pub(crate) struct Channels {
    map: HashMap<String, Entry>,
    next_ticket: u64,
}

impl Channels {
    pub(crate) fn ticket(&mut self) -> u64 {
        self.next_ticket = self.next_ticket.wrapping_add(1);
        self.next_ticket
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Entry> {
        self.map.get(name)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Entry> {
        self.map.get_mut(name)
    }

    /// The entry for `name`, created if the application did not want it yet.
    pub(crate) fn want(&mut self, name: &str) -> &mut Entry {
        self.map
            .entry(name.to_owned())
            .or_insert_with(|| Entry::new(ChannelKind::of(name)))
    }

    /// Forgets `name`; its handles see `Unsubscribed`. Returns the phase it was in.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Phase> {
        let entry = self.map.remove(name)?;
        entry.set_state(SubscriptionState::Unsubscribed);
        Some(entry.phase)
    }

    /// Channels that sent a signed `pusher:subscribe` and have no answer yet.
    pub(crate) fn signed_and_waiting(&self) -> Vec<&str> {
        self.map
            .iter()
            .filter(|(_, entry)| entry.is_sent() && entry.kind.needs_auth())
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// Channels whose `pusher:subscribe` has had no answer for `limit`.
    pub(crate) fn unanswered(&self, limit: Duration) -> Vec<String> {
        self.map
            .iter()
            .filter(|(_, entry)| matches!(entry.phase, Phase::Sent { since } if since.elapsed() >= limit))
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    /// The socket is gone: every subscription starts over on the next one, presence lists are emptied,
    /// keys are forgotten (the next authorization brings them again), and the user channel waits for
    /// the next sign-in.
    pub(crate) fn on_disconnect(&mut self) {
        self.map.retain(|_, entry| entry.kind != ChannelKind::User);
        for entry in self.map.values_mut() {
            entry.phase = Phase::Idle;
            entry.members.clear();
            entry.early_members.clear();
            entry.key = None;
            entry.refresh = KeyRefresh::Idle;
            entry.set_state(SubscriptionState::Pending);
        }
    }

    pub(crate) fn fail(
        &mut self,
        name: &str,
        status: Option<u16>,
        reason: String,
    ) -> Option<SubscriptionError> {
        let entry = self.map.get_mut(name)?;
        let error = SubscriptionError {
            channel: name.to_owned(),
            status,
            reason,
        };
        entry.phase = Phase::Failed;
        entry.set_state(SubscriptionState::Failed(error.clone()));
        Some(error)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// The server's explanation of a `pusher:subscription_error`.
pub(crate) fn subscription_error_reason(data: &Value) -> (Option<u16>, String) {
    let status = data
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|status| u16::try_from(status).ok());
    let reason = data
        .get("error")
        .and_then(Value::as_str)
        .or_else(|| data.get("message").and_then(Value::as_str))
        .map(str::to_owned)
        .unwrap_or_else(|| data.to_string());
    (status, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_prefixes() {
        assert_eq!(ChannelKind::of("hotel-killarney"), ChannelKind::Public);
        assert_eq!(ChannelKind::of("private-a"), ChannelKind::Private);
        assert_eq!(
            ChannelKind::of("private-encrypted-a"),
            ChannelKind::Encrypted
        );
        assert_eq!(ChannelKind::of("presence-a"), ChannelKind::Presence);
        assert_eq!(ChannelKind::of("#server-to-user-1"), ChannelKind::User);
        assert_eq!(ChannelKind::of("cache-a"), ChannelKind::Public);
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("private-cache-a_b=c@d,e.f;g").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("has space").is_err());
        assert!(validate_name("#server-to-user-1").is_err());
        assert!(validate_name(&"a".repeat(201)).is_err());
    }

    #[test]
    fn a_disconnect_resets_every_wanted_channel_and_drops_the_user_channel() {
        let mut channels = Channels::default();
        channels.want("presence-a").phase = Phase::Subscribed;
        channels
            .want("presence-a")
            .members
            .add("1".into(), Value::Null);
        channels.want("#server-to-user-1").phase = Phase::Subscribed;
        let rx = channels.want("presence-a").state.subscribe();
        channels
            .want("presence-a")
            .set_state(SubscriptionState::Subscribed);
        channels.on_disconnect();
        let entry = channels.get("presence-a").unwrap();
        assert_eq!(entry.phase, Phase::Idle);
        assert_eq!(entry.members.count(), 0);
        assert_eq!(*rx.borrow(), SubscriptionState::Pending);
        assert!(channels.get("#server-to-user-1").is_none());
    }

    #[test]
    fn removing_tells_the_handles() {
        let mut channels = Channels::default();
        let rx = channels.want("a").state.subscribe();
        assert_eq!(channels.remove("a"), Some(Phase::Idle));
        assert_eq!(*rx.borrow(), SubscriptionState::Unsubscribed);
        assert_eq!(channels.len(), 0);
    }
}
