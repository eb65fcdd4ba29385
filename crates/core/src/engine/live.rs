//! Live updates: the server's channel (the hotel channel `hotel-<slug>` of API.md Decision 8, or
//! what the server's generation names instead) through `pusher-channels`.
//! Well-formed payloads are applied at once; every event is also a hint for a debounced
//! reconcile, and every (re)subscription reconciles everything. Which events mean what is each
//! resource's business (`ResourceSpec::interpret`); events no resource knows are ignored.

use std::sync::Arc;
use std::time::Instant;

use pusher_channels::{Client, Config, ConnectionState, Event, SubscriptionState};
use serde_json::Value;
use tokio::task::JoinHandle;

use super::link::Socket;
use super::spec::{Hint, ResourceSpec, Resources};
use super::SyncShared;
use crate::events::DeskEvent;
use crate::session::config::PusherEndpoint;

/// Reads an event of the hotel channel with every resource's description: what it means for
/// each resource it concerns (a clock event moves a colleague on the board and closes a clock
/// log); empty when no resource knows it (it is ignored).
pub(crate) fn interpret(
    resources: Resources,
    event: &str,
    data: &Value,
) -> Vec<(&'static ResourceSpec, Hint)> {
    resources
        .iter()
        .filter_map(|spec| (spec.interpret)(event, data).map(|hint| (*spec, hint)))
        .collect()
}

/// After this long without a frame the socket pings the server (Pusher's `pusher:ping`):
/// while events flow nothing extra is sent; idle, one small ping and its pong.
pub(crate) const LIVE_SILENCE: std::time::Duration = std::time::Duration::from_secs(10);
/// A ping unanswered this long means the server stopped answering: with [`LIVE_SILENCE`], a
/// frozen server is noticed within 14 s of its last frame, idle or not (before: about 58 s,
/// the next request plus its timeout, with pusher-js's 120 s and 30 s).
pub(crate) const LIVE_PONG_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

/// The Pusher client settings for an endpoint.
pub(crate) fn pusher_config(endpoint: &PusherEndpoint) -> Config {
    match endpoint {
        PusherEndpoint::Hosted { key, cluster } => Config::hosted(key, cluster),
        PusherEndpoint::SelfHosted {
            key,
            host,
            port,
            tls,
        } => Config::self_hosted(host, *port, *tls, key),
    }
    .with_activity_timeout(LIVE_SILENCE)
    .with_pong_timeout(LIVE_PONG_WAIT)
    .with_backoff(pusher_channels::DEFAULT_BACKOFF_BASE, LIVE_RETRY_CAP)
}

/// The longest wait between attempts of the live socket. While the hotel's server answers
/// requests nothing else tells the desk its live-update server is back (with pusher-js's
/// 60 s, live updates could stay off a minute after it returned); one connection attempt
/// every 15 s at most is nothing to a server.
pub(crate) const LIVE_RETRY_CAP: std::time::Duration = std::time::Duration::from_secs(15);

/// Holds the socket and the tasks that read it.
pub(crate) struct Live {
    client: Client,
    tasks: Vec<JoinHandle<()>>,
}

impl Live {
    pub(crate) fn start(
        endpoint: &PusherEndpoint,
        shared: Arc<SyncShared>,
    ) -> Result<Self, pusher_channels::Error> {
        let client = Client::connect(pusher_config(endpoint))?;
        shared.set_socket_client(Some(client.clone()));
        let channel_name = shared.client.live_channel(&shared.slug);
        let mut tasks = Vec::new();

        let mut states = client.states();
        let state_shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(state) = states.recv().await {
                if let Some(socket) = socket_state(&state) {
                    state_shared.socket_changed(socket);
                }
            }
        }));

        for name in shared.client.also_heard(&shared.slug) {
            tasks.push(tokio::spawn(hear_also(
                client.clone(),
                shared.clone(),
                name,
            )));
        }
        let subscriber = client.clone();
        tasks.push(tokio::spawn(async move {
            let channel = match subscriber.subscribe(&channel_name).await {
                Ok(channel) => channel,
                Err(err) => {
                    tracing::warn!(error = %err, channel = channel_name, "cannot subscribe to live updates");
                    shared.socket_changed(Socket::Off {
                        reason: "The hotel's live-update server refused this desk, so \
                                 colleagues' changes are fetched every minute."
                            .into(),
                    });
                    return;
                }
            };
            // The subscription's state is a watch, so a confirmation that came before this task
            // looked is not missed (an event stream opened after `subscribe` could miss it).
            let mut subscription = channel.state_watch();
            let mut events = channel.events();
            let current = subscription.borrow_and_update().clone();
            subscription_changed(&shared, &current);
            loop {
                tokio::select! {
                    changed = subscription.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let state = subscription.borrow_and_update().clone();
                        subscription_changed(&shared, &state);
                    }
                    event = events.recv() => match event {
                        Some(event) => apply(&shared, &event),
                        None => return,
                    },
                }
            }
        }));
        Ok(Self { client, tasks })
    }

    pub(crate) async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        self.client.shutdown().await;
    }
}

/// Follows one more public channel of the hotel (§15: rooms, bookings): its events are applied
/// as the hotel channel's. What was missed while the socket was down is read again by the
/// hotel channel's resubscription on the same socket (it reconciles everything); the
/// connection's state is that channel's to report, and a refusal here is logged, what it tells
/// of then read on its timers.
async fn hear_also(client: Client, shared: Arc<SyncShared>, name: String) {
    let channel = match client.subscribe(&name).await {
        Ok(channel) => channel,
        Err(err) => {
            tracing::warn!(error = %err, channel = name, "cannot subscribe to a channel");
            return;
        }
    };
    let mut subscription = channel.state_watch();
    let mut events = channel.events();
    loop {
        tokio::select! {
            changed = subscription.changed() => {
                if changed.is_err() {
                    return;
                }
                let state = subscription.borrow_and_update().clone();
                if let SubscriptionState::Failed(err) = state {
                    tracing::warn!(error = %err, channel = name, "a channel refused this desk");
                }
            }
            event = events.recv() => match event {
                Some(event) => apply(&shared, &event),
                None => return,
            },
        }
    }
}

/// The hotel channel was (re)subscribed or lost: every (re)subscription reconciles everything,
/// so nothing is missed while the socket was down.
fn subscription_changed(shared: &SyncShared, state: &SubscriptionState) {
    match state {
        SubscriptionState::Subscribed => {
            shared.socket_changed(Socket::Subscribed);
            shared.request_reconcile(true);
            shared.kick();
        }
        SubscriptionState::Pending => shared.subscription_lost(),
        SubscriptionState::Failed(err) => {
            tracing::warn!(error = %err, "the hotel channel refused this desk");
            shared.socket_changed(Socket::Off {
                reason: "The hotel's live-update server refused this desk, so colleagues' \
                         changes are fetched every minute."
                    .into(),
            });
        }
        SubscriptionState::Unsubscribed => {}
    }
}

/// The socket's state as the link needs it (the subscription is reported by its watch).
fn socket_state(state: &ConnectionState) -> Option<Socket> {
    match state {
        ConnectionState::Connecting { .. } | ConnectionState::Connected { .. } => {
            Some(Socket::Connecting)
        }
        ConnectionState::Unavailable { retry_in, reason } => {
            tracing::info!(%reason, retry_in_ms = retry_in.as_millis() as u64, "live updates lost");
            Some(Socket::Down {
                retry_at: Some(Instant::now() + *retry_in),
                silent: state.server_went_silent(),
            })
        }
        ConnectionState::Failed(reason) => {
            tracing::warn!(
                ?reason,
                "the live-update server refused this desk's settings"
            );
            Some(Socket::Off {
                reason: "The hotel's live-update server refused this desk's settings (check \
                         the Pusher key), so colleagues' changes are fetched every minute."
                    .into(),
            })
        }
        ConnectionState::Initialized | ConnectionState::Disconnected => None,
    }
}

/// Applies one event: fast path into the store, then a reconcile hint.
pub(crate) fn apply(shared: &SyncShared, event: &Event) {
    if event.event == pusher_channels::FRAME_DROPPED {
        // An event too large (or unreadable) to take was dropped: what it said is read again.
        tracing::warn!(data = %event.data, "a live update was dropped; everything is read again");
        shared.request_reconcile(true);
        return;
    }
    if event.event.starts_with("pusher:") || event.event.starts_with("pusher_internal:") {
        // The protocol's own (subscription_succeeded is read from the subscription's state).
        return;
    }
    let meanings = interpret(shared.resources, &event.event, &event.data);
    if meanings.is_empty() {
        tracing::debug!(
            event = event.event,
            channel = event.channel,
            "ignored an event this desk does not use"
        );
        return;
    }
    for (spec, hint) in meanings {
        let heard = shared
            .heard
            .heard(spec.name(), &hint, spec.refetch_follows_row_events);
        // Issue 35.8: an event never reads the list it is in when it says what changed: a
        // whole row, a delete, or the fields that changed are stored as told. Only a bare
        // "refetch" with news in it reads the list (the one the offers' server sends after each
        // row event says nothing new), a change that could not be stored, and a row changed
        // twice within moments, whose events may have come in the other order than its writes
        // (see `heard`).
        let read = (matches!(hint, Hint::Reconcile) && heard.news) || heard.contended;
        if heard.contended {
            tracing::debug!(
                resource = spec.name(),
                "a row changed twice within moments; read again once the burst is over"
            );
        }
        if !apply_hint(shared, spec, hint) || read {
            shared.request_reconcile_of(spec.name());
        }
    }
}

/// What one resource makes of an event, applied to its stored rows; `false` when it could not
/// be stored (a reconcile then puts it right).
fn apply_hint(shared: &SyncShared, spec: &'static ResourceSpec, hint: Hint) -> bool {
    let store = &shared.store;
    let name = spec.name();
    let change = match hint {
        Hint::Upsert { row, action } => {
            if shared.is_own_create(name, &row)
                || (action == "created" && shared.created_here(name, &row))
            {
                // This desk's own new row, announced before the server answered the request
                // (or read just after the answer was stored): the answer stores it (with the
                // temporary id mapped), so nothing to do here.
                return true;
            }
            let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
            let title = (spec.title)(&row);
            shared.saw_row(name, id, &row);
            store
                .upsert_record(name, &row)
                .map(|()| (action, id, title))
        }
        Hint::Patch {
            id,
            fields,
            action,
            title,
        } => {
            shared.saw_row(name, id, &fields);
            store
                .patch_record(name, id, &fields)
                .map(|_| (action, id, title))
        }
        Hint::Delete { id, title } => store
            .delete_record_unless_edited(name, id)
            .map(|_| ("deleted", id, title)),
        Hint::Reconcile => return true,
    };
    match change {
        Ok((action, id, title)) => {
            shared.emit(DeskEvent::ResourceChanged {
                resource: spec.kind,
            });
            if !shared.is_own(name, id) {
                shared.emit(DeskEvent::RemoteChange {
                    resource: spec.kind,
                    action: action.into(),
                    id,
                    title,
                });
            }
            true
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not apply a live update; a reconcile will fix it");
            false
        }
    }
}

/// Follows the hotel channel only to fill `heard`: what a replay run without a whole desk
/// needs (the sync benchmark and the bulk merge-bases test). Returns once subscribed; the
/// task ends when the client is shut down. Test support (feature `test-support`): the app
/// never follows the channel this way.
#[cfg(feature = "test-support")]
pub async fn follow_heard(
    endpoint: &PusherEndpoint,
    slug: &str,
    resources: Resources,
    heard: Arc<super::heard::HeardLog>,
) -> Result<(Client, JoinHandle<()>), pusher_channels::Error> {
    let client = Client::connect(pusher_config(endpoint))?;
    let channel = client.subscribe(&format!("hotel-{slug}")).await?;
    let mut events = channel.events();
    channel.subscribed().await?;
    heard.subscribed(true);
    let task = tokio::spawn(async move {
        let mut state = channel.state_watch();
        state.borrow_and_update();
        loop {
            tokio::select! {
                changed = state.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let live = *state.borrow_and_update() == SubscriptionState::Subscribed;
                    heard.subscribed(live);
                }
                event = events.recv() => match event {
                    Some(event) => {
                        for (spec, hint) in interpret(resources, &event.event, &event.data) {
                            let _ = heard.heard(spec.name(), &hint, spec.refetch_follows_row_events);
                        }
                    }
                    None => break,
                },
            }
        }
        // Nothing more is heard: no later change can be told.
        heard.subscribed(false);
    });
    Ok((client, task))
}
