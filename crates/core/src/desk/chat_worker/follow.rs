//! The chat channels on the desk's one Pusher connection: every conversation's and room's, mine
//! and the hotel's new conversations, held as conversations come and go; their events applied
//! to the desk's copy; every resubscription catches threads up.

use std::collections::HashSet;
use std::sync::Arc;

use pusher_channels::SubscriptionState;
use serde_json::Value;
use tokio::sync::broadcast;

use super::ChatShared;
use crate::chat::events::{self as chat_events, ChatHint};
use crate::chat::room_label;
use crate::events::{DeskEvent, ResourceKind};
use crate::resources::hotel::CONVERSATIONS;
use crate::store::Row;

/// Holds the chat channels on the desk's Pusher connection and applies their events, until
/// stopped (the task is aborted). Without live updates, threads are caught up whenever the
/// conversation list is read again (every minute).
pub(in crate::desk) async fn follow(chat: Arc<ChatShared>) {
    let mut desk_events = chat.sync.events.subscribe();
    let slug = chat.sync.slug.clone();
    let client = chat.sync.socket_client();
    let mut subscribed: HashSet<String> = HashSet::new();
    let mut stream = client.as_ref().map(pusher_channels::Client::events);
    let mut mine = None;
    if let Some(client) = &client {
        for name in [
            chat_events::staff_channel(&slug, chat.me),
            chat_events::new_conversation_channel(&slug),
        ] {
            match client.subscribe(&name).await {
                Ok(channel) => {
                    if mine.is_none() {
                        mine = Some(channel.state_watch());
                    }
                    subscribed.insert(name);
                }
                Err(err) => {
                    tracing::warn!(error = %err, channel = name, "cannot listen to a chat channel")
                }
            }
        }
        hold_conversation_channels(&chat, client, &mut subscribed).await;
    }
    loop {
        tokio::select! {
            changed = async {
                match mine.as_mut() {
                    Some(watch) => watch.changed().await.map(|()| watch.borrow_and_update().clone()),
                    None => std::future::pending().await,
                }
            } => match changed {
                // Every (re)subscription: what was missed while the socket was down is read.
                Ok(SubscriptionState::Subscribed) => {
                    chat.sync.request_reconcile_of(CONVERSATIONS.name);
                    chat.request_catch_up();
                }
                Ok(_) => {}
                Err(_) => mine = None,
            },
            event = async {
                match stream.as_mut() {
                    Some(stream) => stream.recv().await,
                    None => std::future::pending().await,
                }
            } => match event {
                Some(event) if chat_events::is_chat_channel(&slug, &event.channel) => {
                    apply(&chat, &event.channel, &event.event, &event.data);
                }
                Some(_) => {}
                None => stream = None,
            },
            desk_event = desk_events.recv() => match desk_event {
                Ok(DeskEvent::ResourceChanged { resource: ResourceKind::Conversations })
                | Err(broadcast::error::RecvError::Lagged(_)) => {
                    if let Some(client) = &client {
                        hold_conversation_channels(&chat, client, &mut subscribed).await;
                    }
                    chat.request_catch_up();
                    chat.changed(None);
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

/// Subscribes to the channels of every conversation the desk knows (its own and its room's),
/// and drops those of conversations that are gone.
async fn hold_conversation_channels(
    chat: &ChatShared,
    client: &pusher_channels::Client,
    subscribed: &mut HashSet<String>,
) {
    let slug = &chat.sync.slug;
    let rows = match chat.sync.store.records(CONVERSATIONS.name) {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the conversations to listen to them");
            return;
        }
    };
    let mut wanted: HashSet<String> = [
        chat_events::staff_channel(slug, chat.me),
        chat_events::new_conversation_channel(slug),
    ]
    .into_iter()
    .collect();
    for row in &rows {
        if let Some(id) = row.get("id").and_then(Value::as_i64) {
            wanted.insert(chat_events::conversation_channel(slug, id));
        }
        if let Some(room) = room_label(row.get("room_number")) {
            wanted.insert(chat_events::room_channel(slug, &room));
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

/// Applies one chat event to the desk's copy.
fn apply(chat: &ChatShared, channel: &str, event: &str, data: &Value) {
    let Some(hint) = chat_events::interpret(&chat.sync.slug, channel, event, data) else {
        tracing::debug!(
            event,
            channel,
            "ignored a chat event this desk does not use"
        );
        return;
    };
    let store = &chat.sync.store;
    let applied = match hint {
        ChatHint::Message {
            conversation_id,
            message,
        } => chat
            .take_messages(conversation_id, std::slice::from_ref(&message), true)
            .map(|changed| (changed > 0).then_some(Some(conversation_id))),
        ChatHint::Patch { ids, fields } => store
            .chat_patch_messages(&ids, &fields)
            .map(|changed| (changed > 0).then_some(None)),
        ChatHint::Removed { message_id } => store
            .chat_remove_message(message_id)
            .map(|gone| gone.then_some(None)),
        ChatHint::Unread {
            conversation_id,
            unread,
        } => {
            if unread && chat.viewing() == Some(conversation_id) {
                chat.mark_read(conversation_id).map(|()| None)
            } else {
                let fields: Row = [("has_unread".to_owned(), Value::Bool(unread))]
                    .into_iter()
                    .collect();
                store
                    .patch_record(CONVERSATIONS.name, conversation_id, &fields)
                    .map(|changed| changed.then_some(Some(conversation_id)))
            }
        }
        ChatHint::Handler {
            conversation_id,
            name,
        } => {
            let staff_id = (name == chat.my_name).then_some(chat.me);
            store
                .chat_set_handler(conversation_id, &name, staff_id)
                .map(|changed| changed.then_some(Some(conversation_id)))
        }
        ChatHint::Conversations => {
            chat.sync.request_reconcile_of(CONVERSATIONS.name);
            Ok(None)
        }
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
        Err(err) => {
            tracing::warn!(error = %err, event, "could not apply a chat event; the thread is read again");
            chat.request_catch_up();
        }
    }
}
