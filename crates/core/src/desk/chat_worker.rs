//! The guest chat of a signed-in desk in the background: one task sends what the chat's outbox
//! holds (replies, files, edits, deletes, "mark read"), in order, and catches threads up; one
//! task holds the chat channels on the desk's one Pusher connection and applies their events.
//!
//! A reply is never sent twice: before a reply whose request may have reached the server is
//! sent again, the thread is read and a message of mine with its text, newer than the thread
//! was when it was written, is taken as it.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pusher_channels::SubscriptionState;
use serde_json::{Map, Value};
use tokio::sync::{broadcast, Notify};

use super::lock;
use crate::api::{ApiError, ImageFile, Progress};
use crate::chat::events::{self as chat_events, ChatHint};
use crate::chat::{room_label, unread_total};
use crate::events::{ConnectionStatus, DeskEvent, ResourceKind};
use crate::resources::hotel::CONVERSATIONS;
use crate::store::chat::{ChatOp, QueuedReply, ReplyState};
use crate::store::Row;
use crate::sync::link::plain_reason;
use crate::sync::SyncShared;

/// Where files waiting to be sent with a reply are kept, in the media folder.
pub(super) const FILES_FOLDER: &str = "chat-files";
/// Messages read per request when a thread is caught up or its outcome checked.
pub(super) const CATCH_UP_PAGE: usize = 50;
/// A thread is never read back further than this many pages in one catch-up.
const CATCH_UP_PAGES: usize = 20;
const RETRY_BASE: Duration = Duration::from_secs(1);
const RETRY_CAP: Duration = Duration::from_secs(30);

/// What the chat's tasks and the Messages handle share.
pub(super) struct ChatShared {
    pub sync: Arc<SyncShared>,
    /// My staff id and name (my own messages never count as unread; "handled by you").
    pub me: i64,
    pub my_name: String,
    /// Where files waiting to be sent are kept.
    pub files: std::path::PathBuf,
    wake: Notify,
    /// The thread in front of the user (visible in a focused window), if any.
    viewing: Mutex<Option<i64>>,
    /// Every thread with activity is compared with the server at the next turn of the worker.
    catch_up: AtomicBool,
    /// Threads to read again from the server (a damaged event named them).
    refetch: Mutex<BTreeSet<i64>>,
}

impl ChatShared {
    pub fn new(sync: Arc<SyncShared>, me: i64, my_name: String, files: std::path::PathBuf) -> Self {
        Self {
            sync,
            me,
            my_name,
            files,
            wake: Notify::new(),
            viewing: Mutex::new(None),
            catch_up: AtomicBool::new(true),
            refetch: Mutex::new(BTreeSet::new()),
        }
    }

    /// Something was queued: send it now.
    pub fn kick(&self) {
        self.wake.notify_one();
    }

    /// The reader of the chat's views (me).
    pub fn reader(&self) -> crate::chat::Reader<'_> {
        crate::chat::Reader {
            me: self.me,
            my_name: &self.my_name,
        }
    }

    /// Reads a thread again from the server soon (it is behind, or an event about it could
    /// not be read).
    pub fn refetch(&self, conversation_id: i64) {
        lock(&self.refetch).insert(conversation_id);
        self.wake.notify_one();
    }

    pub fn request_catch_up(&self) {
        self.catch_up.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    pub fn viewing(&self) -> Option<i64> {
        *lock(&self.viewing)
    }

    pub fn set_viewing(&self, conversation_id: Option<i64>) {
        *lock(&self.viewing) = conversation_id;
    }

    /// Tells the UI the chat changed (the list, and the thread when named), with the unread
    /// total for the badge, the tray and the window title.
    pub fn changed(&self, conversation_id: Option<i64>) {
        let total = match self.unread_total() {
            Ok(total) => total,
            Err(err) => {
                tracing::warn!(error = %err, "cannot count the unread guest messages");
                0
            }
        };
        self.sync.emit(DeskEvent::ChatChanged {
            conversation_id,
            unread_total: total,
        });
    }

    pub fn unread_total(&self) -> Result<u32, crate::store::StoreError> {
        let store = &self.sync.store;
        let rows = store.records(CONVERSATIONS.name)?;
        let counts = store.chat_unread_counts()?.into_iter().collect();
        Ok(unread_total(&rows, &counts))
    }

    /// Marks a thread's guest messages read here at once and queues telling the server.
    pub fn mark_read(&self, conversation_id: i64) -> Result<(), crate::store::StoreError> {
        let store = &self.sync.store;
        let ids = store.chat_unread_ids(conversation_id)?;
        let row = store.record(CONVERSATIONS.name, conversation_id)?;
        let flagged = row
            .as_ref()
            .and_then(|r| r.get("has_unread"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if ids.is_empty() && !flagged {
            return Ok(());
        }
        let read: Map<String, Value> = [
            ("read_by_staff".to_owned(), Value::Bool(true)),
            ("status".to_owned(), "read".into()),
        ]
        .into_iter()
        .collect();
        store.chat_patch_messages(&ids, &read)?;
        let unflag: Row = [("has_unread".to_owned(), Value::Bool(false))]
            .into_iter()
            .collect();
        store.patch_record(CONVERSATIONS.name, conversation_id, &unflag)?;
        store.chat_queue(crate::store::chat::NewChatEntry {
            op: ChatOp::Read,
            conversation_id,
            message: "",
            reply_to: None,
            target_id: None,
            file: None,
        })?;
        self.kick();
        self.changed(Some(conversation_id));
        Ok(())
    }

    /// Stores messages the server sent for a thread; a guest message new to this desk is
    /// announced (a toast, a sound) unless the thread is in front of the user, who reads it
    /// there. `announce`: false while a thread is first opened (its history is no news).
    fn take_messages(
        &self,
        conversation_id: i64,
        messages: &[Value],
        announce: bool,
    ) -> Result<usize, crate::store::StoreError> {
        let store = &self.sync.store;
        for message in messages.iter().filter(|m| is_mine(m, self.me)) {
            store.chat_adopt_own(conversation_id, message)?;
        }
        let stored = store.chat_store_messages(conversation_id, messages)?;
        if stored.changed == 0 {
            return Ok(0);
        }
        self.note_last_message(conversation_id, messages)?;
        if announce {
            let fresh: Vec<&Value> = messages
                .iter()
                .filter(|m| {
                    m.get("id")
                        .and_then(Value::as_i64)
                        .is_some_and(|id| stored.new.contains(&id))
                        && is_unread_guest(m)
                })
                .collect();
            if !fresh.is_empty() {
                if self.viewing() == Some(conversation_id) {
                    self.mark_read(conversation_id)?;
                } else {
                    let room = store
                        .record(CONVERSATIONS.name, conversation_id)?
                        .and_then(|row| room_label(row.get("room_number")))
                        .or_else(|| fresh.iter().find_map(|m| room_label(m.get("room_number"))))
                        .unwrap_or_else(|| "?".into());
                    for message in fresh {
                        self.sync.emit(DeskEvent::GuestMessage {
                            conversation_id,
                            message_id: message.get("id").and_then(Value::as_i64).unwrap_or(0),
                            room_number: room.clone(),
                            text: message
                                .get("message")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                        });
                    }
                }
            }
        }
        Ok(stored.changed)
    }

    /// Keeps the conversation's row (the list) current with its newest message.
    fn note_last_message(
        &self,
        conversation_id: i64,
        messages: &[Value],
    ) -> Result<(), crate::store::StoreError> {
        let store = &self.sync.store;
        let Some(newest) = messages
            .iter()
            .filter(|m| {
                !m.get("is_deleted")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            })
            .max_by_key(|m| m.get("id").and_then(Value::as_i64))
        else {
            return Ok(());
        };
        if newest.get("id").and_then(Value::as_i64) < store.chat_newest_id(conversation_id)? {
            return Ok(());
        }
        let Some(row) = store.record(CONVERSATIONS.name, conversation_id)? else {
            // A conversation the list does not have yet: read the list.
            self.sync.request_reconcile_of(CONVERSATIONS.name);
            return Ok(());
        };
        let mut fields = Row::new();
        for (key, from) in [
            ("last_message", "message"),
            ("last_message_time", "timestamp"),
        ] {
            if let Some(value) = newest.get(from).filter(|v| row.get(key) != Some(*v)) {
                fields.insert(key.to_owned(), value.clone());
            }
        }
        if is_unread_guest(newest) && self.viewing() != Some(conversation_id) {
            fields.insert("has_unread".to_owned(), Value::Bool(true));
        }
        if !fields.is_empty() {
            store.patch_record(CONVERSATIONS.name, conversation_id, &fields)?;
        }
        Ok(())
    }
}

fn is_mine(message: &Value, me: i64) -> bool {
    message.get("sender_type").and_then(Value::as_str) == Some("staff")
        && message.get("staff").and_then(Value::as_i64) == Some(me)
}

fn is_unread_guest(message: &Value) -> bool {
    message.get("sender_type").and_then(Value::as_str) == Some("guest")
        && !message
            .get("read_by_staff")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        && !message
            .get("is_deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false)
}

/// Whether a failed request may succeed later (and so waits), or was refused for good.
fn passes(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Server { .. }
    )
}

/// How the sending turn ended.
enum Turn {
    /// Everything that can be sent was.
    Done,
    /// The server could not be reached; try again later.
    Failed,
    /// The server refused the token: the desk signs out.
    Stopped,
}

/// Sends the chat's outbox and catches threads up until stopped (the task is aborted).
pub(super) async fn run(chat: Arc<ChatShared>) {
    let mut events = chat.sync.events.subscribe();
    let mut failures = 0u32;
    loop {
        let mut turn = send_all(&chat).await;
        if matches!(turn, Turn::Done) {
            turn = catch_up_all(&chat).await;
        }
        let retry = match turn {
            Turn::Done => {
                failures = 0;
                None
            }
            Turn::Failed => {
                failures += 1;
                let exponent = failures.saturating_sub(1).min(6);
                Some((RETRY_BASE * 2u32.pow(exponent)).min(RETRY_CAP))
            }
            Turn::Stopped => return,
        };
        tokio::select! {
            () = chat.wake.notified() => {}
            () = async {
                match retry {
                    Some(delay) => tokio::time::sleep(delay).await,
                    None => std::future::pending().await,
                }
            } => {}
            () = back_online(&mut events), if retry.is_some() => {}
        }
    }
}

/// Resolves when the status bar stops saying "offline" (a request reached the server).
async fn back_online(events: &mut broadcast::Receiver<DeskEvent>) {
    loop {
        match events.recv().await {
            Ok(DeskEvent::Connection { status }) => {
                if !matches!(
                    status,
                    ConnectionStatus::Offline { .. } | ConnectionStatus::Unknown
                ) {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => return,
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

async fn send_all(chat: &Arc<ChatShared>) -> Turn {
    let store = &chat.sync.store;
    loop {
        let entry = match store.chat_next_reply() {
            Ok(Some(entry)) => entry,
            Ok(None) => return Turn::Done,
            Err(err) => {
                tracing::error!(error = %err, "cannot read the chat's outbox");
                return Turn::Failed;
            }
        };
        let conversation_id = entry.conversation_id;
        let outcome = send_one(chat, &entry).await;
        let stored = match outcome {
            Ok(message) => {
                chat.sync.came_online();
                after_sent(chat, &entry, message.as_ref())
            }
            Err(ApiError::Unauthorized { message }) => {
                chat.sync.report_unauthorized(message);
                return Turn::Stopped;
            }
            Err(err) if passes(&err) => {
                tracing::info!(error = %err, seq = entry.seq, "a chat message waits for the server");
                // Only a reply that was plainly waiting before this attempt goes back to
                // waiting: one that may have reached the server earlier keeps its check.
                if entry.state == ReplyState::Pending && err.never_reached_server() {
                    if let Err(err) = store.chat_not_sent(entry.seq) {
                        tracing::warn!(error = %err, "cannot mark a chat message as waiting");
                    }
                }
                chat.sync.went_offline(plain_reason(&err));
                chat.changed(Some(conversation_id));
                return Turn::Failed;
            }
            Err(err) => {
                chat.sync.came_online();
                tracing::warn!(error = %err, seq = entry.seq, "the server refused a chat message");
                store.chat_reject_reply(entry.seq, &refusal(&entry, &err))
            }
        };
        if let Err(err) = stored {
            tracing::error!(error = %err, "cannot store what the server answered");
            return Turn::Failed;
        }
        chat.changed(Some(conversation_id));
    }
}

/// The refusal in the user's words.
fn refusal(entry: &QueuedReply, error: &ApiError) -> String {
    let what = match entry.op {
        ChatOp::Send => "The server did not take this message",
        ChatOp::Edit => "The server did not take this change",
        ChatOp::Delete => "The server did not delete this message",
        ChatOp::Read => "The server did not mark this conversation read",
    };
    match error {
        ApiError::NotFound { .. } => format!("{what}: the conversation is no longer there."),
        other => format!("{what}: {other}."),
    }
}

/// Stores what the server answered for an entry, and what that changed.
fn after_sent(
    chat: &ChatShared,
    entry: &QueuedReply,
    message: Option<&Value>,
) -> Result<(), crate::store::StoreError> {
    let store = &chat.sync.store;
    store.chat_reply_sent(entry, message)?;
    if let Some(file) = &entry.file {
        remove_file(&chat.files, &file.key);
    }
    if entry.op == ChatOp::Send {
        if let Some(message) = message {
            // Sending makes me the conversation's handler (§8.4).
            store.chat_set_handler(entry.conversation_id, &chat.my_name, Some(chat.me))?;
            chat.note_last_message(entry.conversation_id, std::slice::from_ref(message))?;
        }
    }
    Ok(())
}

/// One request for an entry; the message it concerns as the server has it now, if any.
async fn send_one(chat: &ChatShared, entry: &QueuedReply) -> Result<Option<Value>, ApiError> {
    let sync = &chat.sync;
    let (client, slug) = (&sync.client, sync.slug.as_str());
    match entry.op {
        ChatOp::Send => {
            if entry.state == ReplyState::Sending {
                if let Some(found) = find_sent(chat, entry).await? {
                    tracing::info!(
                        seq = entry.seq,
                        "a reply had reached the server; not sent again"
                    );
                    return Ok(Some(found));
                }
            }
            let file = match &entry.file {
                Some(file) => Some(ImageFile {
                    name: file.name.clone(),
                    mime: file.mime.clone(),
                    bytes: read_file(&chat.files, &file.key)
                        .map_err(|message| ApiError::Unsupported { message })?
                        .into(),
                }),
                None => None,
            };
            sync.store
                .chat_mark_sending(entry.seq)
                .map_err(|err| ApiError::Unsupported {
                    message: format!("the chat's outbox cannot be written: {err}"),
                })?;
            match file {
                None => client
                    .chat_send(slug, entry.conversation_id, &entry.message, entry.reply_to)
                    .await
                    .map(Some),
                Some(file) => {
                    let events = sync.events.clone();
                    let id = -entry.seq;
                    let progress: Progress = Arc::new(move |sent, total| {
                        let _ = events.send(DeskEvent::UploadProgress {
                            resource: ResourceKind::Conversations,
                            id,
                            sent,
                            total,
                        });
                    });
                    client
                        .chat_upload(
                            slug,
                            entry.conversation_id,
                            file,
                            &entry.message,
                            entry.reply_to,
                            progress,
                        )
                        .await
                        .map(Some)
                }
            }
        }
        ChatOp::Edit => {
            let target = entry.target_id.unwrap_or_default();
            client.chat_edit(target, &entry.message).await.map(Some)
        }
        ChatOp::Delete => {
            let target = entry.target_id.unwrap_or_default();
            match client.chat_delete(target).await {
                Ok(message) => Ok(Some(message)),
                // Already gone: what the user wanted.
                Err(ApiError::NotFound { .. }) => {
                    if let Err(err) = sync.store.chat_remove_message(target) {
                        tracing::warn!(error = %err, "cannot forget a deleted message");
                    }
                    Ok(None)
                }
                Err(err) => Err(err),
            }
        }
        ChatOp::Read => client
            .chat_mark_read(entry.conversation_id)
            .await
            .map(|_| None),
    }
}

/// A reply whose request may have reached the server: the thread's newest messages are read
/// and a message of mine with its text (or file), newer than the thread was when the reply was
/// written, is it.
async fn find_sent(chat: &ChatShared, entry: &QueuedReply) -> Result<Option<Value>, ApiError> {
    let sync = &chat.sync;
    let newest = sync
        .client
        .chat_messages(&sync.slug, entry.conversation_id, CATCH_UP_PAGE, None)
        .await?;
    if let Err(err) = chat.take_messages(entry.conversation_id, &newest, true) {
        tracing::warn!(error = %err, "cannot store a thread's newest messages");
    }
    Ok(newest.into_iter().find(|m| {
        is_mine(m, chat.me)
            && m.get("id").and_then(Value::as_i64) > Some(entry.after_id)
            && match &entry.file {
                None => {
                    m.get("message").and_then(Value::as_str).map(str::trim)
                        == Some(entry.message.trim())
                }
                Some(file) => m
                    .get("attachments")
                    .and_then(Value::as_array)
                    .is_some_and(|list| {
                        list.iter().any(|a| {
                            a.get("file_name").and_then(Value::as_str) == Some(file.name.as_str())
                        })
                    }),
            }
    }))
}

/// Reads the threads that changed on the server since this desk last had them: every thread
/// with a cache whose conversation has a newer last message, every thread with unread guest
/// messages, and any thread a damaged event named.
async fn catch_up_all(chat: &Arc<ChatShared>) -> Turn {
    let named: Vec<i64> = std::mem::take(&mut *lock(&chat.refetch))
        .into_iter()
        .collect();
    if !chat.catch_up.swap(false, Ordering::SeqCst) && named.is_empty() {
        return Turn::Done;
    }
    let behind = match threads_behind(chat, named) {
        Ok(behind) => behind,
        Err(err) => {
            tracing::error!(error = %err, "cannot read the chat's cache to catch it up");
            return Turn::Failed;
        }
    };
    for (conversation_id, newest) in behind {
        match catch_up_thread(chat, conversation_id, newest).await {
            Ok(()) => {}
            Err(ApiError::Unauthorized { message }) => {
                chat.sync.report_unauthorized(message);
                return Turn::Stopped;
            }
            Err(err) if passes(&err) => {
                chat.catch_up.store(true, Ordering::SeqCst);
                chat.sync.went_offline(plain_reason(&err));
                return Turn::Failed;
            }
            Err(err) => {
                // The conversation is gone or not this hotel's: the list's next read says so.
                tracing::warn!(error = %err, conversation_id, "a thread could not be caught up");
            }
        }
    }
    Turn::Done
}

/// The threads to read: `(conversation, newest cached message id)`; `named` are read
/// whatever the list says.
fn threads_behind(
    chat: &ChatShared,
    named: Vec<i64>,
) -> Result<Vec<(i64, Option<i64>)>, crate::store::StoreError> {
    let store = &chat.sync.store;
    let cached: std::collections::HashMap<i64, (i64, Option<String>)> = store
        .chat_newest_of_threads()?
        .into_iter()
        .map(|(conversation, id, at)| (conversation, (id, at)))
        .collect();
    let mut behind: Vec<(i64, Option<i64>)> = named
        .into_iter()
        .map(|id| (id, cached.get(&id).map(|(newest, _)| *newest)))
        .collect();
    for row in store.records(CONVERSATIONS.name)? {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if behind.iter().any(|(c, _)| *c == id) {
            continue;
        }
        match cached.get(&id) {
            Some((newest, at)) if crate::chat::is_behind(&row, at.as_deref()) => {
                behind.push((id, Some(*newest)));
            }
            None if row.get("has_unread").and_then(Value::as_bool) == Some(true) => {
                behind.push((id, None));
            }
            _ => {}
        }
    }
    Ok(behind)
}

/// Reads a thread's newest messages back to the newest this desk has (`None`: one page). A
/// thread the desk had none of is history, not news: nothing in it is announced (its unread
/// messages still count, in the list, the tray and the title).
async fn catch_up_thread(
    chat: &ChatShared,
    conversation_id: i64,
    newest: Option<i64>,
) -> Result<(), ApiError> {
    let sync = &chat.sync;
    let mut before = None;
    let mut changed = 0;
    for _ in 0..CATCH_UP_PAGES {
        let page = sync
            .client
            .chat_messages(&sync.slug, conversation_id, CATCH_UP_PAGE, before)
            .await?;
        sync.came_online();
        changed += chat
            .take_messages(conversation_id, &page, newest.is_some())
            .map_err(|err| ApiError::Unsupported {
                message: format!("the thread cannot be stored: {err}"),
            })?;
        let oldest = page
            .first()
            .and_then(|m| m.get("id"))
            .and_then(Value::as_i64);
        let reached = match (newest, oldest) {
            (Some(newest), Some(oldest)) => oldest <= newest,
            _ => true,
        };
        if reached || page.len() < CATCH_UP_PAGE {
            break;
        }
        before = oldest;
    }
    if changed > 0 {
        chat.changed(Some(conversation_id));
    }
    Ok(())
}

/// Holds the chat channels on the desk's Pusher connection and applies their events, until
/// stopped (the task is aborted). Without live updates, threads are caught up whenever the
/// conversation list is read again (every minute).
pub(super) async fn follow(chat: Arc<ChatShared>) {
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
pub(super) fn apply(chat: &ChatShared, channel: &str, event: &str, data: &Value) {
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

/// Keeps a file to be sent with a reply until it is sent: `<files>/<sha256>`.
pub(super) fn keep_file(folder: &std::path::Path, bytes: &[u8]) -> Result<String, std::io::Error> {
    use sha2::Digest;
    let key = hex::encode(sha2::Sha256::digest(bytes));
    std::fs::create_dir_all(folder)?;
    let path = folder.join(&key);
    if !path.exists() {
        let partial = folder.join(format!("{key}.partial"));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, &path)?;
    }
    Ok(key)
}

fn read_file(folder: &std::path::Path, key: &str) -> Result<Vec<u8>, String> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("a waiting file has a damaged name ({key})"));
    }
    std::fs::read(folder.join(key)).map_err(|err| format!("a waiting file cannot be read: {err}"))
}

pub(super) fn remove_file(folder: &std::path::Path, key: &str) {
    if key.bytes().all(|b| b.is_ascii_hexdigit()) {
        if let Err(err) = std::fs::remove_file(folder.join(key)) {
            tracing::debug!(error = %err, "a sent file was not removed");
        }
    }
}

/// The server's answer to taking a conversation over, as who handles it now.
pub(super) fn assigned_name(answer: &Value) -> Option<String> {
    answer
        .get("assigned_staff")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}
