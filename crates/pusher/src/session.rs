//! What the owner task does with each command, frame and authorizer answer. Handlers never touch the
//! socket: they queue frames in the outbox, which the session loop writes.

use std::time::Instant;

use serde_json::{json, Value};
use tokio::sync::watch;

use crate::auth::AuthRequest;
use crate::channels::{
    subscription_error_reason, validate_name, ChannelKind, KeyRefresh, Phase, SubscriptionState,
};
use crate::connection::{Command, Connection, Internal, Interrupt};
use crate::encrypted::ChannelKey;
use crate::error::{Error, SubscriptionError};
use crate::events::{Event, USER_CHANNEL_PREFIX};
use crate::noise::{frame_warn, FrameWarning};
use crate::presence::{my_user_id, EarlyChange, Members};
use crate::protocol::{classify, decode_frame, encode, Frame, ServerMessage};

impl Connection {
    /// Handles a command; returns what it means for the connection, if anything.
    pub(crate) fn handle_command(&mut self, command: Command) -> Option<Interrupt> {
        match command {
            Command::Subscribe { name, reply } => {
                let _ = reply.send(self.subscribe(&name));
            }
            Command::Unsubscribe { name, reply } => {
                self.unsubscribe(&name);
                let _ = reply.send(());
            }
            Command::Trigger {
                channel,
                event,
                data,
                reply,
            } => {
                let _ = reply.send(self.trigger(&channel, &event, data));
            }
            Command::Members { channel, reply } => {
                let members = match self.channels.get(&channel) {
                    _ if ChannelKind::of(&channel) != ChannelKind::Presence => {
                        Err(Error::NotPresence(channel))
                    }
                    Some(entry) => Ok(entry.members.clone()),
                    None => Ok(Members::default()),
                };
                let _ = reply.send(members);
            }
            Command::Signin { reply } => {
                if self.config.user_authenticator.is_none() {
                    let _ = reply.send(Err(Error::NoUserAuthenticator));
                } else {
                    let _ = reply.send(Ok(()));
                    if !self.signin.wanted {
                        self.signin.wanted = true;
                        self.start_signin();
                    }
                }
            }
            Command::ReconnectNow => return Some(Interrupt::Reconnect),
            Command::CheckConnection => return Some(Interrupt::Check),
            Command::Reconfigure(config) => {
                self.config = *config;
                self.force_tls = false;
                self.backoff =
                    crate::backoff::Backoff::new(self.config.backoff_base, self.config.backoff_cap);
                return Some(Interrupt::Reconnect);
            }
            Command::Disconnect { reply } => return Some(Interrupt::Disconnect(reply)),
            Command::Shutdown => return Some(Interrupt::Shutdown),
        }
        None
    }

    fn subscribe(&mut self, name: &str) -> Result<watch::Receiver<SubscriptionState>, Error> {
        validate_name(name)?;
        if ChannelKind::of(name).needs_auth() && self.config.authorizer.is_none() {
            return Err(Error::Subscription(SubscriptionError {
                channel: name.to_owned(),
                status: None,
                reason:
                    "private, presence and encrypted channels need an Authorizer: set one with \
                         Config::with_authorizer"
                        .into(),
            }));
        }
        let entry = self.channels.want(name);
        let receiver = entry.state.subscribe();
        if matches!(entry.phase, Phase::Idle | Phase::Failed) {
            entry.set_state(SubscriptionState::Pending);
            self.start_subscription(name);
        }
        Ok(receiver)
    }

    fn unsubscribe(&mut self, name: &str) {
        match self.channels.remove(name) {
            Some(Phase::Sent { .. } | Phase::Subscribed) if self.socket_id.is_some() => {
                self.outbox.push(encode::unsubscribe(name));
            }
            // Authorizing: the answer will find no entry and be dropped.
            _ => {}
        }
    }

    fn trigger(&mut self, channel: &str, event: &str, data: Value) -> Result<(), Error> {
        let refuse = |reason| {
            Err(Error::ClientEvent {
                channel: channel.to_owned(),
                event: event.to_owned(),
                reason,
            })
        };
        if !event.starts_with("client-") {
            return refuse("client event names must start with 'client-'");
        }
        match ChannelKind::of(channel) {
            ChannelKind::Private | ChannelKind::Presence => {}
            ChannelKind::Encrypted => {
                return refuse("client events are not supported on encrypted channels")
            }
            _ => return refuse("client events need a private or presence channel"),
        }
        match self.channels.get(channel) {
            Some(entry) if entry.phase == Phase::Subscribed && self.socket_id.is_some() => {}
            _ => return refuse("the channel is not subscribed on the current connection yet"),
        }
        if !self.bucket.try_take(Instant::now()) {
            return refuse("more than 10 client events per second");
        }
        self.outbox.push(encode::client_event(channel, event, data));
        Ok(())
    }

    /// A new socket: subscribe to every wanted channel again and sign in again.
    pub(crate) fn on_connected(&mut self) {
        for name in self.channels.names() {
            self.start_subscription(&name);
        }
        if self.signin.wanted {
            self.start_signin();
        }
    }

    fn start_subscription(&mut self, name: &str) {
        let Some(socket_id) = self.socket_id.clone() else {
            return;
        };
        let ticket = self.channels.ticket();
        let Some(entry) = self.channels.get_mut(name) else {
            return;
        };
        if entry.kind.needs_auth() {
            entry.phase = Phase::Authorizing { ticket };
            self.authorize(name, socket_id, ticket, false);
        } else {
            entry.mark_sent();
            self.outbox.push(encode::subscribe(name, None, None));
        }
    }

    fn authorize(&self, channel: &str, socket_id: String, ticket: u64, key_refresh: bool) {
        let Some(authorizer) = self.config.authorizer.clone() else {
            return;
        };
        let internal = self.internal_tx.clone();
        let limit = self.config.auth_timeout;
        let channel = channel.to_owned();
        tokio::spawn(async move {
            let request = AuthRequest {
                socket_id: socket_id.clone(),
                channel: channel.clone(),
            };
            let result = match tokio::time::timeout(limit, authorizer.authorize(request)).await {
                Ok(result) => result,
                Err(_) => Err(crate::error::AuthError::new(format!(
                    "the authorizer did not answer within {limit:?}"
                ))),
            };
            let _ = internal.send(Internal::ChannelAuth {
                channel,
                socket_id,
                ticket,
                key_refresh,
                result,
            });
        });
    }

    fn start_signin(&mut self) {
        let (Some(socket_id), Some(authenticator)) = (
            self.socket_id.clone(),
            self.config.user_authenticator.clone(),
        ) else {
            return;
        };
        self.signin.ticket = self.channels.ticket();
        let ticket = self.signin.ticket;
        let internal = self.internal_tx.clone();
        let limit = self.config.auth_timeout;
        tokio::spawn(async move {
            let result =
                match tokio::time::timeout(limit, authenticator.authenticate(socket_id.clone()))
                    .await
                {
                    Ok(result) => result,
                    Err(_) => Err(crate::error::AuthError::new(
                        "the user authenticator did not answer in time",
                    )),
                };
            let _ = internal.send(Internal::UserAuth {
                socket_id,
                ticket,
                result,
            });
        });
    }

    pub(crate) fn on_internal(&mut self, internal: Internal) {
        match internal {
            Internal::ChannelAuth {
                channel,
                socket_id,
                ticket,
                key_refresh,
                result,
            } => {
                if self.socket_id.as_deref() != Some(socket_id.as_str()) {
                    tracing::debug!(%channel, %socket_id, "auth answer for an old socket dropped");
                    return;
                }
                if key_refresh {
                    self.on_key_refresh(&channel, ticket, result);
                    return;
                }
                let Some(entry) = self.channels.get_mut(&channel) else {
                    tracing::debug!(%channel, "auth answer for a cancelled subscription dropped");
                    return;
                };
                if entry.phase != (Phase::Authorizing { ticket }) {
                    tracing::debug!(%channel, "stale auth answer dropped");
                    return;
                }
                let auth = match result {
                    Ok(auth) => auth,
                    Err(error) => {
                        return self.fail_subscription(&channel, error.status, error.message)
                    }
                };
                if entry.kind == ChannelKind::Encrypted {
                    match auth
                        .shared_secret
                        .as_deref()
                        .map(ChannelKey::from_shared_secret)
                    {
                        Some(Ok(key)) => entry.key = Some(key),
                        Some(Err(error)) => {
                            return self.fail_subscription(&channel, None, error.to_string())
                        }
                        None => {
                            let reason =
                                "the authorizer sent no shared_secret for an encrypted channel"
                                    .into();
                            return self.fail_subscription(&channel, None, reason);
                        }
                    }
                }
                if entry.kind == ChannelKind::Presence {
                    entry.members.me = my_user_id(auth.channel_data.as_deref());
                }
                entry.mark_sent();
                self.outbox.push(encode::subscribe(
                    &channel,
                    Some(&auth.auth),
                    auth.channel_data.as_deref(),
                ));
            }
            Internal::UserAuth {
                socket_id,
                ticket,
                result,
            } => {
                if self.socket_id.as_deref() != Some(socket_id.as_str())
                    || ticket != self.signin.ticket
                {
                    tracing::debug!(%socket_id, "sign-in answer for an old socket dropped");
                    return;
                }
                match result {
                    Ok(auth) => self
                        .outbox
                        .push(encode::signin(&auth.auth, &auth.user_data)),
                    Err(error) => tracing::warn!(%error, "user sign-in failed"),
                }
            }
        }
    }

    fn fail_subscription(&mut self, channel: &str, status: Option<u16>, reason: String) {
        frame_warn!(self.frame_warnings, FrameWarning::SubscriptionFailed, %channel, ?status, %reason, "subscription failed");
        if let Some(error) = self.channels.fail(channel, status, reason) {
            self.dispatch(Event {
                channel: channel.to_owned(),
                event: "pusher:subscription_error".into(),
                data: json!({ "status": error.status, "error": error.reason }),
                user_id: None,
            });
        }
    }

    /// Fails subscriptions the server never answered, so no channel waits in `Pending` forever.
    pub(crate) fn expire_unanswered(&mut self) {
        let limit = self.config.subscription_timeout;
        for channel in self.channels.unanswered(limit) {
            self.fail_subscription(
                &channel,
                None,
                format!("the server did not answer within {limit:?}"),
            );
        }
    }

    fn dispatch(&self, event: Event) {
        self.shared.listeners.dispatch(event);
    }

    /// Handles a text frame.
    pub(crate) fn on_text(&mut self, text: &str) {
        let frame = match decode_frame(text, self.config.max_frame_bytes) {
            Ok(frame) => frame,
            Err(error) => {
                frame_warn!(self.frame_warnings, FrameWarning::NotPusher, %error, "dropping a frame that is not a Pusher message");
                self.dispatch(Event {
                    channel: String::new(),
                    event: crate::events::FRAME_DROPPED.into(),
                    data: json!({ "bytes": text.len(), "reason": error.to_string() }),
                    user_id: None,
                });
                return;
            }
        };
        match classify(frame) {
            ServerMessage::ConnectionEstablished { .. } => {
                tracing::debug!("repeated connection_established ignored");
            }
            ServerMessage::Error {
                code,
                message,
                channel,
            } => {
                frame_warn!(self.frame_warnings, FrameWarning::ServerError, ?code, ?channel, %message, "pusher error");
                if let Some(channel) = self.refused_channel(channel, code, &message) {
                    let reason = match code {
                        Some(code) => format!("{message} (code {code})"),
                        None => message,
                    };
                    self.fail_subscription(&channel, None, reason);
                }
            }
            ServerMessage::Ping => self.outbox.push(encode::pong()),
            ServerMessage::Pong => {}
            ServerMessage::SubscriptionSucceeded { channel, data } => {
                self.on_subscribed(channel, data)
            }
            ServerMessage::SubscriptionError { channel, data } => {
                let (status, reason) = subscription_error_reason(&data);
                self.fail_subscription(&channel, status, reason);
            }
            ServerMessage::MemberAdded {
                channel,
                user_id,
                user_info,
            } => self.on_member_added(channel, user_id, user_info),
            ServerMessage::MemberRemoved { channel, user_id } => {
                self.on_member_removed(channel, user_id)
            }
            ServerMessage::SigninSuccess { user_id, .. } => match user_id {
                Some(user_id) => {
                    let channel = format!("{USER_CHANNEL_PREFIX}{user_id}");
                    self.signin.user_id = Some(user_id);
                    let entry = self.channels.want(&channel);
                    if entry.phase == Phase::Idle {
                        entry.mark_sent();
                        self.outbox.push(encode::subscribe(&channel, None, None));
                    }
                }
                None => {
                    let warnings = &mut self.frame_warnings;
                    frame_warn!(
                        warnings,
                        FrameWarning::SigninWithoutUser,
                        "signin_success without a user id"
                    );
                }
            },
            ServerMessage::ChannelEvent(frame) => self.on_channel_event(frame),
            ServerMessage::Unknown(frame) => {
                tracing::debug!(event = %frame.event, "ignoring an unknown frame without a channel");
            }
        }
    }

    /// A member joined a presence channel (kept, and told, before its subscription is done too).
    fn on_member_added(&mut self, channel: String, user_id: String, user_info: Value) {
        let Some(entry) = self.channels.get_mut(&channel) else {
            return;
        };
        if entry.phase != Phase::Subscribed {
            entry
                .early_members
                .push(EarlyChange::Added(user_id.clone(), user_info.clone()));
        }
        entry.members.add(user_id.clone(), user_info.clone());
        self.dispatch(Event {
            channel,
            event: "pusher:member_added".into(),
            data: json!({ "user_id": user_id, "user_info": user_info }),
            user_id: Some(user_id),
        });
    }

    /// A member left a presence channel.
    fn on_member_removed(&mut self, channel: String, user_id: String) {
        let Some(entry) = self.channels.get_mut(&channel) else {
            return;
        };
        if entry.phase != Phase::Subscribed {
            entry
                .early_members
                .push(EarlyChange::Removed(user_id.clone()));
        }
        entry.members.remove(&user_id);
        self.dispatch(Event {
            channel,
            event: "pusher:member_removed".into(),
            data: json!({ "user_id": user_id }),
            user_id: Some(user_id),
        });
    }

    /// The subscription a `pusher:error` refuses, if it is one. Servers report a bad signature this way
    /// (Pusher with no code, sockudo with 4009), often without naming the channel: then it is the
    /// signed subscription the message names, or the only one waiting. pusher-js leaves such a channel
    /// pending forever.
    fn refused_channel(
        &self,
        channel: Option<String>,
        code: Option<u16>,
        message: &str,
    ) -> Option<String> {
        let waiting = self.channels.signed_and_waiting();
        if let Some(channel) = channel {
            return self
                .channels
                .get(&channel)
                .is_some_and(|entry| entry.is_sent())
                .then_some(channel);
        }
        if !matches!(code, None | Some(4009)) {
            return None;
        }
        let named: Vec<&str> = waiting
            .iter()
            .copied()
            .filter(|name| message.contains(name))
            .collect();
        match (named.as_slice(), waiting.as_slice()) {
            ([one], _) | ([], [one]) => Some((*one).to_owned()),
            _ => None,
        }
    }

    fn on_subscribed(&mut self, channel: String, data: Value) {
        let Some(entry) = self.channels.get_mut(&channel) else {
            tracing::debug!(%channel, "subscription_succeeded for a channel no longer wanted");
            return;
        };
        // Failed covers a subscription given up for lack of an answer that then arrives late.
        if !entry.is_sent() && entry.phase != Phase::Failed {
            tracing::debug!(%channel, phase = ?entry.phase, "unexpected subscription_succeeded ignored");
            return;
        }
        entry.phase = Phase::Subscribed;
        let data = if entry.kind == ChannelKind::Presence {
            let me = entry.members.me.take();
            entry.members = Members::from_subscription(&data, me);
            let early = std::mem::take(&mut entry.early_members);
            entry.members.apply_early(early);
            data
        } else {
            Value::Null
        };
        entry.set_state(SubscriptionState::Subscribed);
        self.dispatch(Event {
            channel,
            event: "pusher:subscription_succeeded".into(),
            data,
            user_id: None,
        });
    }

    fn on_channel_event(&mut self, frame: Frame) {
        let Some(channel) = frame.channel.clone() else {
            return;
        };
        let Some(entry) = self.channels.get_mut(&channel) else {
            tracing::debug!(%channel, event = %frame.event, "event for a channel not wanted dropped");
            return;
        };
        if entry.kind == ChannelKind::Encrypted && !frame.event.starts_with("pusher") {
            if let KeyRefresh::Waiting { held, .. } = &mut entry.refresh {
                held.push(frame);
                return;
            }
            let decrypted = entry.key.as_ref().map(|key| key.decrypt(&frame.data));
            match decrypted {
                Some(Ok(data)) => self.dispatch(Event {
                    data,
                    ..event_of(frame)
                }),
                Some(Err(error)) => {
                    tracing::info!(%channel, %error, "cannot decrypt: refreshing the channel key once");
                    let ticket = self.channels.ticket();
                    if let (Some(entry), Some(socket_id)) =
                        (self.channels.get_mut(&channel), self.socket_id.clone())
                    {
                        entry.refresh = KeyRefresh::Waiting {
                            ticket,
                            held: vec![frame],
                        };
                        self.authorize(&channel, socket_id, ticket, true);
                    }
                }
                None => {
                    frame_warn!(self.frame_warnings, FrameWarning::Undecryptable, %channel, "encrypted event before the channel key: dropped");
                }
            }
            return;
        }
        self.dispatch(event_of(frame));
    }

    fn on_key_refresh(
        &mut self,
        channel: &str,
        ticket: u64,
        result: Result<crate::auth::ChannelAuth, crate::error::AuthError>,
    ) {
        let Some(entry) = self.channels.get_mut(channel) else {
            return;
        };
        let held = match std::mem::take(&mut entry.refresh) {
            KeyRefresh::Waiting {
                ticket: waiting,
                held,
            } if waiting == ticket => held,
            other => {
                entry.refresh = other;
                return;
            }
        };
        match result.map(|auth| {
            auth.shared_secret
                .as_deref()
                .map(ChannelKey::from_shared_secret)
        }) {
            Ok(Some(Ok(key))) => entry.key = Some(key),
            _ => tracing::warn!(%channel, "key refresh failed: the held events are dropped"),
        }
        let mut events = Vec::with_capacity(held.len());
        for frame in held {
            match entry.key.as_ref().map(|key| key.decrypt(&frame.data)) {
                Some(Ok(data)) => events.push(Event {
                    data,
                    ..event_of(frame)
                }),
                _ => {
                    frame_warn!(self.frame_warnings, FrameWarning::Undecryptable, %channel, event = %frame.event, "event still does not decrypt: dropped");
                }
            }
        }
        for event in events {
            self.dispatch(event);
        }
    }
}

fn event_of(frame: Frame) -> Event {
    Event {
        channel: frame.channel.unwrap_or_default(),
        event: frame.event,
        data: frame.data,
        user_id: frame.user_id,
    }
}
