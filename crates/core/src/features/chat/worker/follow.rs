//! The chat channels on the desk's one Pusher connection: every conversation's and room's, mine
//! and the hotel's new conversations, held as conversations come and go; their events applied
//! to the desk's copy; every resubscription catches threads up.

use crate::features::chat::store::ChatStore;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pusher_channels::{ConnectionState, SubscriptionState};
use serde_json::Value;
use tokio::sync::broadcast;

use super::ChatShared;
use crate::engine::store::Row;
use crate::events::{DeskEvent, ResourceKind};
use crate::features::chat::events::{self as chat_events, ChatHint};
use crate::features::chat::room_label;
use crate::features::chat::spec::CONVERSATIONS;

/// Holds the chat channels on the desk's Pusher connection and applies their events, until
/// stopped (the task is aborted). Without live updates, threads are caught up whenever the
/// conversation list is read again (every minute).
pub(crate) async fn follow(chat: Arc<ChatShared>) {
    let mut desk_events = chat.sync.events.subscribe();
    let channels = chat.channels();
    let client = chat.sync.socket_client();
    let mut subscribed: HashSet<String> = HashSet::new();
    let mut stream = client.as_ref().map(pusher_channels::Client::events);
    let mut mine = None;
    let mut poll = viewed_thread_poll(&chat);
    // Whether my channel's latest confirmation has been answered (the reads asked).
    let answered = Arc::new(AtomicBool::new(false));
    if let Some(client) = &client {
        mine = subscribe_mine(&chat, &channels, client, &mut subscribed).await;
        if let Some(state) = &mine {
            hold_while_unanswered(&chat, client, state.clone(), answered.clone());
        }
        hold_conversation_channels(&chat, &channels, client, &mut subscribed).await;
    }
    loop {
        tokio::select! {
            changed = async {
                match mine.as_mut() {
                    Some(watch) => watch.changed().await.map(|()| watch.borrow_and_update().clone()),
                    None => std::future::pending().await,
                }
            } => match changed {
                Ok(state) => answer_mine(&chat, &state, &answered),
                Err(_) => {
                    mine = None;
                    chat.sync.activity.hold(FOLLOWER, || true);
                }
            },
            event = async {
                match stream.as_mut() {
                    Some(stream) => stream.recv().await,
                    None => std::future::pending().await,
                }
            } => match event {
                Some(event) => {
                    if let Some(stream) = stream.as_mut() {
                        apply_batch(&chat, &channels, &subscribed, stream, event);
                    }
                }
                None => stream = None,
            },
            () = async {
                match chat.next_promise_due() {
                    Some(due) => tokio::time::sleep_until(due).await,
                    // Woken when a promise is made.
                    None => chat.expected_wake.notified().await,
                }
            } => chat.keep_due_promises(),
            () = async {
                match poll.as_mut() {
                    Some(ticks) => drop(ticks.tick().await),
                    None => std::future::pending().await,
                }
            } => {
                if let Some(conversation_id) = chat.viewing() {
                    chat.refetch(conversation_id);
                }
            }
            desk_event = desk_events.recv() => match desk_event {
                Ok(DeskEvent::ResourceChanged { resource: ResourceKind::Conversations })
                | Err(broadcast::error::RecvError::Lagged(_)) => {
                    if let Some(client) = &client {
                        hold_conversation_channels(&chat, &channels, client, &mut subscribed).await;
                    }
                    if let Err(err) = chat.settle_unread() {
                        tracing::warn!(error = %err, "could not compare the list with this desk's reads");
                    }
                    chat.request_catch_up();
                    chat.changed(None);
                }
                Ok(DeskEvent::Storage { full_since: None }) => chat.read_what_was_not_kept(),
                Ok(_) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

/// My channel's state changed. Every (re)subscription: what was missed while the socket was down
/// is read (the conversation list, and threads caught up); `answered` says so, for
/// [`hold_while_unanswered`].
fn answer_mine(chat: &ChatShared, state: &SubscriptionState, answered: &AtomicBool) {
    let subscribed = *state == SubscriptionState::Subscribed;
    if subscribed {
        chat.sync.request_reconcile_of(CONVERSATIONS.name);
        chat.request_catch_up();
    }
    answered.store(subscribed, Ordering::SeqCst);
    chat.sync.activity.touch();
}

/// The follower, as it holds the desk unsettled.
const FOLLOWER: &str = "following guest conversations";

/// Holds the desk unsettled (for tests that wait for it to settle) while my channel's
/// confirmation, whose answer is reading the conversation list and catching threads up, is on
/// its way: the socket is connected and the channel not yet confirmed, or confirmed and not
/// answered yet. Asked of the socket's and the channel's states as they are, not as this task
/// last saw them, so that no moment between the socket connecting and this task waking reads
/// as settled.
fn hold_while_unanswered(
    chat: &ChatShared,
    client: &pusher_channels::Client,
    mine: tokio::sync::watch::Receiver<SubscriptionState>,
    answered: Arc<AtomicBool>,
) {
    let connection = client.state_watch();
    chat.sync.activity.hold(FOLLOWER, move || {
        let connected = matches!(*connection.borrow(), ConnectionState::Connected { .. });
        match *mine.borrow() {
            SubscriptionState::Pending => !connected,
            SubscriptionState::Subscribed => answered.load(Ordering::SeqCst),
            SubscriptionState::Failed(_) | SubscriptionState::Unsubscribed => true,
        }
    });
}

/// Where colleagues' replies are not announced, the open thread is read every few seconds.
fn viewed_thread_poll(chat: &ChatShared) -> Option<tokio::time::Interval> {
    chat.sync
        .client
        .generation()
        .contract()
        .chat
        .poll_viewed
        .map(|every| {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks
        })
}

/// Subscribes to my own channel first (its state tells every (re)subscription) and to the
/// new-conversation channels; answers my channel's state.
async fn subscribe_mine(
    chat: &ChatShared,
    channels: &chat_events::Channels,
    client: &pusher_channels::Client,
    subscribed: &mut HashSet<String>,
) -> Option<tokio::sync::watch::Receiver<SubscriptionState>> {
    let mut mine = None;
    for name in std::iter::once(channels.mine(chat.me)).chain(channels.new_conversations()) {
        match client.subscribe(&name).await {
            Ok(channel) => {
                if mine.is_none() {
                    // Its state as it is now is answered too (confirmed already, or not yet).
                    let mut state = channel.state_watch();
                    // Each confirmation reads the conversations: the engine's reads after an
                    // outage wait for it, so they read the list once (issue 63.14).
                    chat.sync.follow_subscription(FOLLOWER, state.clone());
                    state.mark_changed();
                    mine = Some(state);
                }
                subscribed.insert(name);
            }
            Err(err) => {
                tracing::warn!(error = %err, channel = name, "cannot listen to a chat channel")
            }
        }
    }
    mine
}

/// Applies `first` with whatever else has arrived: a guest's flood is stored a batch per
/// transaction and told once, not a message at a time.
fn apply_batch(
    chat: &ChatShared,
    channels: &chat_events::Channels,
    subscribed: &HashSet<String>,
    stream: &mut pusher_channels::EventStream,
    first: pusher_channels::Event,
) {
    let mut batch = vec![first];
    while batch.len() < FOLLOW_BATCH {
        match stream.try_recv() {
            Some(event) => batch.push(event),
            None => break,
        }
    }
    if batch
        .iter()
        .any(|e| e.event == pusher_channels::FRAME_DROPPED)
    {
        // A message too large to take live (a guest's megabyte) was dropped: the threads are
        // read from the server, where it is.
        chat.sync.request_reconcile_of(CONVERSATIONS.name);
        chat.request_catch_up();
    }
    let hints = batch
        .iter()
        .filter(|e| subscribed.contains(&e.channel))
        .filter_map(|e| interpret(channels, &e.channel, &e.event, &e.data));
    apply_all(chat, hints);
}

/// Subscribes to the channels of every conversation the desk knows (its own and its room's),
/// and drops those of conversations that are gone.
async fn hold_conversation_channels(
    chat: &ChatShared,
    channels: &chat_events::Channels,
    client: &pusher_channels::Client,
    subscribed: &mut HashSet<String>,
) {
    let rows = match chat.sync.store.records(CONVERSATIONS.name) {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the conversations to listen to them");
            return;
        }
    };
    let mut wanted: HashSet<String> = std::iter::once(channels.mine(chat.me))
        .chain(channels.new_conversations())
        .collect();
    for row in &rows {
        if let Some(id) = row.get("id").and_then(Value::as_i64) {
            wanted.insert(channels.conversation(id));
        }
        if let Some(room) = room_label(row.get("room_number")) {
            wanted.extend(channels.room(&room));
        }
    }
    for name in wanted.difference(&subscribed.clone()) {
        match client.subscribe(name).await {
            Ok(_) => {
                subscribed.insert(name.clone());
            }
            Err(err) => {
                tracing::warn!(error = %err, channel = name, "cannot listen to a chat channel")
            }
        }
    }
    let gone: Vec<String> = subscribed.difference(&wanted).cloned().collect();
    for name in gone {
        if let Err(err) = client.unsubscribe(&name).await {
            tracing::debug!(error = %err, channel = name, "cannot stop listening to a chat channel");
        }
        subscribed.remove(&name);
    }
}

/// Chat events applied together at most (what arrived while the last batch was applied).
const FOLLOW_BATCH: usize = 500;

/// What a chat event says, if the desk uses it.
fn interpret(
    channels: &chat_events::Channels,
    channel: &str,
    event: &str,
    data: &Value,
) -> Option<ChatHint> {
    let hint = chat_events::interpret(channels, channel, event, data);
    if hint.is_none() {
        tracing::debug!(
            event,
            channel,
            "ignored a chat event this desk does not use"
        );
    }
    hint
}

/// Applies chat events in order; the messages among them are stored a thread at a time, each
/// run of them in one transaction.
fn apply_all(chat: &ChatShared, hints: impl Iterator<Item = ChatHint>) {
    let mut messages: Vec<(i64, Vec<Value>)> = Vec::new();
    for hint in hints {
        match hint {
            ChatHint::Message {
                conversation_id,
                message,
            } => match messages.iter_mut().find(|(id, _)| *id == conversation_id) {
                Some((_, run)) => run.push(message),
                None => messages.push((conversation_id, vec![message])),
            },
            other => {
                store_messages(chat, std::mem::take(&mut messages));
                apply(chat, other);
            }
        }
    }
    store_messages(chat, messages);
}

/// Stores messages announced live, a thread at a time.
fn store_messages(chat: &ChatShared, threads: Vec<(i64, Vec<Value>)>) {
    for (conversation_id, messages) in threads {
        match chat.take_messages(conversation_id, &messages, true) {
            Ok(0) => {}
            Ok(_) => chat.changed(Some(conversation_id)),
            Err(err) if chat.keep_when_there_is_room(Some(conversation_id), &err) => {}
            Err(err) => {
                tracing::warn!(error = %err, conversation_id, "could not store messages announced live; the thread is read again");
                chat.refetch(conversation_id);
            }
        }
    }
}

/// Applies one chat event (other than a message) to the desk's copy.
fn apply(chat: &ChatShared, hint: ChatHint) {
    let event = match &hint {
        ChatHint::Message { .. } => "message",
        ChatHint::Patch { .. } => "read",
        ChatHint::Delivered { .. } => "delivered",
        ChatHint::Removed { .. } => "message deleted",
        ChatHint::Unread { .. } => "unread",
        ChatHint::Handler { .. } => "handler",
        ChatHint::Conversations => "new conversation",
        ChatHint::Refetch { .. } => "unreadable",
        ChatHint::Named { .. } => "message named",
    };
    let store = &chat.sync.store;
    let applied = match hint {
        ChatHint::Message {
            conversation_id,
            message,
        } => chat
            .take_messages(conversation_id, std::slice::from_ref(&message), true)
            .map(|changed| (changed > 0).then_some(Some(conversation_id))),
        ChatHint::Patch { ids, fields } => ChatStore::new(store).patch_messages(&ids, &fields)
            .map(|changed| (changed > 0).then_some(None)),
        ChatHint::Delivered {
            conversation_id,
            message_id,
            fields,
        } => ChatStore::new(store).patch_messages(&[message_id], &fields).map(|changed| {
            if changed == 0 {
                // Its own event comes next, if it comes at all (issue 63.7).
                if let Some(conversation_id) = conversation_id {
                    chat.expect(conversation_id, Some(message_id));
                }
            }
            (changed > 0).then_some(None)
        }),
        ChatHint::Removed { message_id } => ChatStore::new(store).remove_message(message_id)
            .map(|gone| gone.then_some(None)),
        ChatHint::Unread {
            conversation_id,
            unread,
        } => apply_unread(chat, conversation_id, unread),
        ChatHint::Handler {
            conversation_id,
            name,
        } => {
            let staff_id = (name == chat.my_name).then_some(chat.me);
            ChatStore::new(store).set_handler(conversation_id, &name, staff_id)
                .map(|changed| changed.then_some(Some(conversation_id)))
        }
        ChatHint::Conversations => {
            chat.sync.request_reconcile_of(CONVERSATIONS.name);
            Ok(None)
        }
        ChatHint::Named {
            conversation_id,
            message_id,
        } => ChatStore::new(store).message(message_id).map(|known| {
            if known.is_none() {
                chat.refetch(conversation_id);
            }
            None
        }),
        ChatHint::Refetch { conversation_id } => {
            match conversation_id {
                Some(id) => chat.refetch(id),
                None => chat.request_catch_up(),
            }
            Ok(None)
        }
    };
    match applied {
        Ok(Some(conversation_id)) => chat.changed(conversation_id),
        Ok(None) => {}
        Err(err) if chat.keep_when_there_is_room(None, &err) => {}
        Err(err) => {
            tracing::warn!(error = %err, event, "could not apply a chat event; the thread is read again");
            chat.request_catch_up();
        }
    }
}

/// Whether a conversation has unread guest messages, as an event says: a thread in front of
/// the person is read there instead, once the desk has something of it to show (else nobody
/// has seen what it says). `Some(conversation)` when the list changed.
fn apply_unread(
    chat: &ChatShared,
    conversation_id: i64,
    unread: bool,
) -> Result<Option<Option<i64>>, crate::engine::store::StoreError> {
    if unread {
        // A guest wrote: their message's own event comes next, if it comes at all (63.7).
        chat.expect(conversation_id, None);
    }
    if unread && chat.viewing() == Some(conversation_id) && chat.has_any_of(conversation_id)? {
        chat.mark_read(conversation_id)?;
        return Ok(None);
    }
    let fields: Row = [("has_unread".to_owned(), Value::Bool(unread))]
        .into_iter()
        .collect();
    let changed = chat
        .sync
        .store
        .patch_record(CONVERSATIONS.name, conversation_id, &fields)?;
    Ok(changed.then_some(Some(conversation_id)))
}
