//! The guest chat of a signed-in desk in the background: one task sends what the chat's outbox
//! holds (replies, files, edits, deletes, "mark read"), in order, and catches threads up
//! (`send`, `catch_up`); one task holds the chat channels on the desk's one Pusher connection and
//! applies their events (`follow`). [`ChatShared`] is what they and the Messages handle share.
//!
//! A reply is never sent twice: before a reply whose request may have reached the server is
//! sent again, the thread is read and a message of mine with its text, newer than the thread
//! was when it was written, is taken as it.

mod catch_up;
mod expect;
mod files;
mod follow;
pub(crate) mod remind;
mod send;

use crate::features::chat::store::ChatStore;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tokio::sync::Notify;

use crate::context::lock;
use crate::engine::store::Row;
use crate::engine::SyncShared;
use crate::events::DeskEvent;
use crate::features::chat::spec::CONVERSATIONS;
use crate::features::chat::store::ChatOp;
use crate::features::chat::{room_label, unread_total};

pub use catch_up::BACKGROUND_READS_PER_MINUTE;
pub(crate) use files::{assigned_name, keep_file, remove_file};
pub(crate) use follow::follow;
pub(crate) use send::run;

/// Where files waiting to be sent with a reply are kept, in the media folder.
pub(crate) const FILES_FOLDER: &str = "chat-files";
/// Messages read when a reply's outcome is checked against its thread.
pub(crate) const CHECK_PAGE: usize = 50;
/// The UI hears that the chat changed at most this often: a guest's flood of messages reads
/// the list a few times a second, not once a message (the first change is told at once).
const ANNOUNCE_GAP: std::time::Duration = std::time::Duration::from_millis(200);
/// New guest messages of one thread told together (within [`ANNOUNCE_GAP`]) are told one by
/// one up to this many (the newest); the ones before them are counted with the first
/// (`earlier`), so a flood is a few events a second and one toast that says how many.
const ANNOUNCED_PER_BATCH: usize = 3;

/// A guest message is told with at most this much of its text (a toast shows less).
const TOLD_TEXT_CHARS: usize = 500;

/// How a turn of the sender (sending, then catching up) ended.
pub(crate) enum Turn {
    /// Everything that can be sent was.
    Done,
    /// Everything that can be sent was; threads nobody has open wait for the background pace,
    /// which allows the next read after this long.
    Later(std::time::Duration),
    /// The server could not be reached; try again later.
    Failed,
    /// The server refused the token: the desk signs out.
    Stopped,
}

/// Chat changes not told to the UI yet.
#[derive(Default)]
struct Unannounced {
    any: bool,
    /// A change not about one thread (the list, every open thread).
    all: bool,
    threads: BTreeSet<i64>,
    /// New guest messages, by conversation.
    guests: std::collections::BTreeMap<i64, NewGuestMessages>,
}

/// New guest messages of one thread not told yet: the newest few, and how many came before them.
#[derive(Default)]
struct NewGuestMessages {
    room: String,
    /// The guest's name, when the conversation has one (issue 36.9: the toast names them).
    guest: Option<String>,
    /// `(id, text)`, oldest first.
    newest: Vec<(i64, String)>,
    earlier: u32,
}

/// Starts the guest chat's background work for a signed-in desk: its sender, its channels and
/// what tells the screen. Answers what the Messages handle shares with them, and the tasks
/// (the desk aborts them when it stops).
pub(crate) fn start(
    chat: ChatShared,
    events: &tokio::sync::broadcast::Sender<DeskEvent>,
) -> (Arc<ChatShared>, Vec<tokio::task::JoinHandle<()>>) {
    use crate::engine::supervise::supervised;
    let chat = Arc::new(chat);
    let tasks = vec![
        {
            let chat = chat.clone();
            supervised("sending replies to guests", events.clone(), move || {
                run(chat.clone())
            })
        },
        {
            let chat = chat.clone();
            supervised("following guest conversations", events.clone(), move || {
                follow(chat.clone())
            })
        },
        {
            let chat = chat.clone();
            supervised(
                "telling the screen of guest messages",
                events.clone(),
                move || announce(chat.clone()),
            )
        },
        {
            let chat = chat.clone();
            supervised("reminding of waiting guests", events.clone(), move || {
                remind::remind(chat.clone())
            })
        },
    ];
    (chat, tasks)
}

/// What the chat's tasks and the Messages handle share.
pub(crate) struct ChatShared {
    pub sync: Arc<SyncShared>,
    /// My staff id and name (my own messages never count as unread; "handled by you").
    pub me: i64,
    pub my_name: String,
    /// Where files waiting to be sent are kept.
    pub files: std::path::PathBuf,
    wake: crate::engine::runner::Wake,
    /// The thread in front of the user (visible in a focused window), if any.
    viewing: Mutex<Option<i64>>,
    /// Every thread with activity is compared with the server at the next turn of the worker.
    catch_up: AtomicBool,
    /// Threads to read again from the server (a damaged event named them).
    refetch: Mutex<BTreeSet<i64>>,
    /// News an event announced that has not arrived yet ([`expect`]), and its alarm.
    expected: expect::Expected,
    expected_wake: Notify,
    /// Changes the UI has not heard of yet ([`announce`] tells them).
    unannounced: Mutex<Unannounced>,
    announce_wake: Notify,
    /// What the chat last told of the outbox.
    told_outbox: Mutex<Option<crate::events::OutboxSummary>>,
    /// Threads whose "read" this desk told the server while running, each with the newest
    /// message the desk had before it did (see [`ChatShared::settle_unread`]).
    told_read: Mutex<HashMap<i64, i64>>,
    /// How long a minute of the guest-wait reminder is ([`remind`]).
    reminder_minute: std::time::Duration,
}

impl ChatShared {
    pub(crate) fn new(
        sync: Arc<SyncShared>,
        me: i64,
        my_name: String,
        files: std::path::PathBuf,
    ) -> Self {
        Self {
            sync,
            me,
            my_name,
            files,
            wake: crate::engine::runner::Wake::default(),
            viewing: Mutex::new(None),
            catch_up: AtomicBool::new(true),
            refetch: Mutex::new(BTreeSet::new()),
            expected: expect::Expected::default(),
            expected_wake: Notify::new(),
            unannounced: Mutex::new(Unannounced::default()),
            announce_wake: Notify::new(),
            told_outbox: Mutex::new(None),
            told_read: Mutex::new(HashMap::new()),
            reminder_minute: std::time::Duration::from_secs(60),
        }
    }

    /// With the guest-wait reminder's minute this long (tests shorten it).
    pub(crate) fn with_reminder_minute(mut self, minute: std::time::Duration) -> Self {
        self.reminder_minute = minute;
        self
    }

    /// Something was queued: send it now.
    pub(crate) fn kick(&self) {
        self.wake.notify_one();
    }

    /// The chat channels of this hotel on its server.
    pub(crate) fn channels(&self) -> crate::features::chat::events::Channels {
        crate::features::chat::events::Channels::new(
            &self.sync.slug,
            &self.sync.client.generation().contract().chat.channels,
        )
    }

    /// Why my sent messages cannot be changed or deleted on this server, if they cannot.
    pub(crate) fn changes_refused(&self) -> Option<&'static str> {
        self.sync
            .client
            .generation()
            .contract()
            .chat
            .changes
            .as_ref()
            .err()
            .copied()
    }

    /// The reader of the chat's views (me).
    pub(crate) fn reader(&self) -> crate::features::chat::Reader<'_> {
        crate::features::chat::Reader {
            me: self.me,
            my_name: &self.my_name,
        }
    }

    /// Reads a thread again from the server soon (it is behind, or an event about it could
    /// not be read).
    pub(crate) fn refetch(&self, conversation_id: i64) {
        lock(&self.refetch).insert(conversation_id);
        self.wake.notify_one();
    }

    pub(crate) fn request_catch_up(&self) {
        self.catch_up.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Whether the status bar says the server cannot be reached.
    pub(crate) fn offline(&self) -> bool {
        matches!(
            self.sync.connection_status(),
            crate::events::ConnectionStatus::Offline { .. }
        )
    }

    /// Whether this desk has read a thread from the server (any of its messages, or all of
    /// none): what it can show of it is what it says.
    pub(crate) fn has_any_of(
        &self,
        conversation_id: i64,
    ) -> Result<bool, crate::engine::store::StoreError> {
        let store = &self.sync.store;
        Ok(ChatStore::new(store).count(conversation_id)? > 0
            || ChatStore::new(store).thread_state(conversation_id)?.complete)
    }

    pub(crate) fn viewing(&self) -> Option<i64> {
        *lock(&self.viewing)
    }

    pub(crate) fn set_viewing(&self, conversation_id: Option<i64>) {
        *lock(&self.viewing) = conversation_id;
    }

    /// Tells the UI the chat changed (the list, and the thread when named), with the unread
    /// total for the badge, the tray and the window title: at once, or with the changes that
    /// follow within [`ANNOUNCE_GAP`] (see [`announce`]).
    pub(crate) fn changed(&self, conversation_id: Option<i64>) {
        {
            let mut unannounced = lock(&self.unannounced);
            unannounced.any = true;
            match conversation_id {
                Some(id) => {
                    unannounced.threads.insert(id);
                }
                None => unannounced.all = true,
            }
        }
        self.announce_wake.notify_one();
    }

    /// Tells the UI what changed since it last heard; nothing when nothing did.
    fn announce_now(&self) {
        let Unannounced {
            any,
            all,
            threads,
            guests,
        } = std::mem::take(&mut *lock(&self.unannounced));
        if !any {
            return;
        }
        for (conversation_id, news) in guests {
            for (index, (message_id, text)) in news.newest.into_iter().enumerate() {
                self.sync.emit(DeskEvent::GuestMessage {
                    conversation_id,
                    message_id,
                    room_number: news.room.clone(),
                    guest_name: news.guest.clone(),
                    text,
                    earlier: if index == 0 { news.earlier } else { 0 },
                });
            }
        }
        let total = match self.unread_total() {
            Ok(total) => total,
            Err(err) => {
                tracing::warn!(error = %err, "cannot count the unread guest messages");
                0
            }
        };
        let one = threads
            .first()
            .copied()
            .filter(|_| !all && threads.len() == 1);
        self.sync.emit(DeskEvent::ChatChanged {
            conversation_id: one,
            unread_total: total,
        });
        // A reply queued, sent or refused changes what waits to be sent (told when it did: a
        // guest's flood changes nothing there).
        let summary = self.sync.outbox_summary();
        if lock(&self.told_outbox).replace(summary) != Some(summary) {
            self.sync.emit(DeskEvent::Outbox { summary });
        }
    }

    pub(crate) fn unread_total(&self) -> Result<u32, crate::engine::store::StoreError> {
        let store = &self.sync.store;
        let rows = store.records(CONVERSATIONS.name)?;
        let counts = ChatStore::new(store).unread_counts()?.into_iter().collect();
        Ok(unread_total(&rows, &counts))
    }

    /// Marks a thread's guest messages read here at once and queues telling the server.
    pub(crate) fn mark_read(
        &self,
        conversation_id: i64,
    ) -> Result<(), crate::engine::store::StoreError> {
        let store = &self.sync.store;
        let ids = ChatStore::new(store).unread_ids(conversation_id)?;
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
        ChatStore::new(store).patch_messages(&ids, &read)?;
        let unflag: Row = [("has_unread".to_owned(), Value::Bool(false))]
            .into_iter()
            .collect();
        store.patch_record(CONVERSATIONS.name, conversation_id, &unflag)?;
        ChatStore::new(store).queue(crate::features::chat::store::NewChatEntry {
            op: ChatOp::Read,
            conversation_id,
            message: "",
            reply_to: None,
            file: None,
        })?;
        self.kick();
        self.changed(Some(conversation_id));
        Ok(())
    }

    /// The server took this desk's "read" of a thread whose newest message was `through`.
    pub(crate) fn read_told(&self, conversation_id: i64, through: i64) {
        let mut told = lock(&self.told_read);
        let kept = told.entry(conversation_id).or_insert(through);
        *kept = (*kept).max(through);
    }

    /// Clears the "unread" of a list answer that is older than this desk's own read. The
    /// server may answer the list before it takes the read this desk sent (or still waits to
    /// send); stored as told, that answer would bring the badge back for good: the server's
    /// own "read" event may have come before it, and nothing announces the list again. By
    /// rule, not guess: the list's last message of the thread is the newest this desk has (by
    /// its time and text), every guest message this desk has of it is read here, and this
    /// desk's read covers them (waiting to be sent, or taken by the server when the desk had nothing
    /// newer). A guest message newer than that keeps the thread unread, here as on the server.
    pub(crate) fn settle_unread(&self) -> Result<(), crate::engine::store::StoreError> {
        let store = &self.sync.store;
        let mut covered: HashMap<i64, i64> = lock(&self.told_read).clone();
        for entry in ChatStore::new(store).replies(None)? {
            if entry.op == ChatOp::Read {
                covered.insert(entry.conversation_id, i64::MAX);
            }
        }
        for (conversation_id, through) in covered {
            let Some(row) = store.record(CONVERSATIONS.name, conversation_id)? else {
                continue;
            };
            if row.get("has_unread").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let Some(newest) = ChatStore::new(store).newest_id(conversation_id)? else {
                continue;
            };
            let names_newest = ChatStore::new(store).message(newest)?
                .is_some_and(|message| crate::features::chat::last_message_is(&row, &message));
            if newest > through
                || !names_newest
                || !ChatStore::new(store).unread_ids(conversation_id)?.is_empty()
            {
                continue;
            }
            tracing::info!(
                conversation_id,
                "a list answer older than this desk's read said unread; kept read"
            );
            let read: Row = [("has_unread".to_owned(), Value::Bool(false))]
                .into_iter()
                .collect();
            if store.patch_record(CONVERSATIONS.name, conversation_id, &read)? {
                self.changed(Some(conversation_id));
            }
        }
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
    ) -> Result<usize, crate::engine::store::StoreError> {
        let store = &self.sync.store;
        for message in messages.iter().filter(|m| is_mine(m, self.me)) {
            ChatStore::new(store).adopt_own(conversation_id, message)?;
        }
        let stored = ChatStore::new(store).store_messages(conversation_id, messages)?;
        if stored.changed == 0 {
            return Ok(0);
        }
        self.note_last_message(conversation_id, messages)?;
        if announce {
            // A message can come on several channels at once: each is new once.
            let mut seen = std::collections::HashSet::new();
            let fresh: Vec<&Value> = messages
                .iter()
                .filter(|m| {
                    m.get("id")
                        .and_then(Value::as_i64)
                        .is_some_and(|id| stored.new.contains(&id) && seen.insert(id))
                        && is_unread_guest(m)
                })
                .collect();
            if !fresh.is_empty() {
                if self.viewing() == Some(conversation_id) {
                    self.mark_read(conversation_id)?;
                } else {
                    let row = store.record(CONVERSATIONS.name, conversation_id)?;
                    let room = row
                        .as_ref()
                        .and_then(|row| room_label(row.get("room_number")))
                        .or_else(|| fresh.iter().find_map(|m| room_label(m.get("room_number"))))
                        .unwrap_or_else(|| "?".into());
                    let guest = row
                        .as_ref()
                        .and_then(|row| row.get("guest_name"))
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned);
                    // Told with the next announcement: the newest few one by one, the
                    // earlier ones counted (see `announce_now`).
                    let mut unannounced = lock(&self.unannounced);
                    let thread = unannounced.guests.entry(conversation_id).or_default();
                    thread.room = room;
                    thread.guest = guest;
                    for message in fresh {
                        let id = message.get("id").and_then(Value::as_i64).unwrap_or(0);
                        let text = message
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let text = crate::rules::text::clip(text, TOLD_TEXT_CHARS)
                            .map_or_else(|| text.to_owned(), |(kept, _)| kept);
                        thread.newest.push((id, text));
                    }
                    let over = thread.newest.len().saturating_sub(ANNOUNCED_PER_BATCH);
                    thread.newest.drain(..over);
                    thread.earlier = thread
                        .earlier
                        .saturating_add(u32::try_from(over).unwrap_or(u32::MAX));
                    unannounced.any = true;
                    unannounced.threads.insert(conversation_id);
                    drop(unannounced);
                    self.announce_wake.notify_one();
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
    ) -> Result<(), crate::engine::store::StoreError> {
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
        if newest.get("id").and_then(Value::as_i64) < ChatStore::new(store).newest_id(conversation_id)? {
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
        crate::engine::pull::clip_fields(&mut fields, CONVERSATIONS.clipped);
        if !fields.is_empty() {
            store.patch_record(CONVERSATIONS.name, conversation_id, &fields)?;
        }
        Ok(())
    }
}

/// Tells the UI of the chat's changes until stopped (the task is aborted): a change at once,
/// then at most one telling per [`ANNOUNCE_GAP`] for the changes made meanwhile.
pub(crate) async fn announce(chat: Arc<ChatShared>) {
    loop {
        chat.announce_wake.notified().await;
        chat.announce_now();
        tokio::time::sleep(ANNOUNCE_GAP).await;
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
