//! Guest messages (`desk.chat()`): the conversation list and threads from the local store
//! (they read with no network), replies, files, edits and deletes queued in the chat's outbox
//! (sent in order when the server can be reached, never twice), read state only while a thread
//! is in front of the user, and taking a conversation over as an explicit action.

use crate::features::chat::store::ChatStore;
use std::sync::Arc;

use serde_json::Value;

use crate::context::saved_files::{free_path, safe_file_name};
use super::worker::{self as chat_worker, ChatShared};
use crate::api::ApiError;
use crate::context::{Context, DeskError};
use crate::features::chat::spec::{CONVERSATIONS, REPLY};
use crate::features::chat::store::{ChatOp, NewChatEntry, QueuedFile};
use crate::features::chat::{
    self, ConversationFilter, ConversationList, ConversationSort, ThreadView,
};

/// A thread read from the server when the desk has fewer messages than asked: at least this
/// many at a time, so scrolling back costs few requests.
const MIN_PAGE: usize = 20;
const MAX_PAGE: usize = 100;
/// How long a thread's view waits for a page of its history from the server before showing
/// what the desk has (the page then comes in the background): issue 63.19, a thread never read
/// here took a reply only after 15–30 s while the server did not answer (the request's
/// timeout), "Reading the conversation…" all the while.
const HISTORY_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);
/// The server's limit for one attachment (§8.2).
pub(crate) const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;
/// What the server accepts as an attachment (§8.2), with the type it is sent as.
const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
];
/// Photos are made smaller and stripped of their metadata (no GPS leaves the desk); GIFs are
/// sent as they are (they may move).
const PREPARED_IMAGE_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "bmp"];
/// A reply's text, as the server stores it (a `TextField`; this keeps a paste sane): what the
/// desk keeps of any message, so a reply of mine is never kept clipped.
const MAX_MESSAGE_CHARS: usize = crate::features::chat::store::MESSAGE_CHARS;

/// The guest chat of a signed-in desk.
pub struct Chat<'a> {
    pub(super) cx: &'a Arc<Context>,
    /// The signed-in session's chat; `None` when signed out.
    shared: Option<Arc<ChatShared>>,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(cx: &'a Arc<Context>, shared: Option<Arc<ChatShared>>) -> Self {
        Self { cx, shared }
    }

    pub(super) fn chat(&self) -> Result<Arc<ChatShared>, DeskError> {
        self.cx.running()?;
        self.shared.clone().ok_or(DeskError::NotSignedIn)
    }
}

impl Chat<'_> {
    /// The conversation list as stored here, filtered and searched (room or guest).
    pub fn conversations(
        &self,
        filter: ConversationFilter,
        query: &str,
    ) -> Result<ConversationList, DeskError> {
        self.conversations_sorted(filter, query, ConversationSort::Newest, None)
    }

    /// As [`Chat::conversations`], in the order asked (newest, or who has waited longest), and
    /// one `room`'s only when given.
    pub fn conversations_sorted(
        &self,
        filter: ConversationFilter,
        query: &str,
        sort: ConversationSort,
        room: Option<&str>,
    ) -> Result<ConversationList, DeskError> {
        let chat = self.chat()?;
        let store = &self.cx.store;
        Ok(chat::read_conversations(
            store,
            chat.reader(),
            (filter, sort),
            (query, room),
        )?)
    }

    /// A thread's newest `limit` messages (oldest first) and my waiting replies, from this
    /// desk's copy at once. A thread the server has newer messages of is caught up in the
    /// background (the screen hears of it). When the desk has fewer than `limit` messages and
    /// the server has more, they are read from it first; with no network, what the desk has is
    /// shown at once (a thread never read here is then empty, `has_older`, and read when the
    /// server answers again: the screen hears of it); a server that has not answered within
    /// [`HISTORY_WAIT`] is not waited for either (the page is read in the background).
    pub async fn thread(
        &self,
        conversation_id: i64,
        limit: usize,
    ) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        let store = &self.cx.store;
        let limit = limit.clamp(1, 10_000);
        let newest = ChatStore::new(store).newest_of_thread(conversation_id)?;
        if let Some((_, at)) = &newest {
            let behind = store
                .record(CONVERSATIONS.name, conversation_id)?
                .is_some_and(|row| chat::is_behind(&row, at.as_deref()));
            if behind {
                chat.refetch(conversation_id);
            }
        }
        let state = ChatStore::new(store).thread_state(conversation_id)?;
        let cached = ChatStore::new(store).count(conversation_id)?;
        // Known offline, the server is not asked: the person would look at "Reading…" for a
        // request's whole timeout (issue 36.9).
        if cached < limit && !state.complete && !chat.offline() {
            let cached_ids: Vec<i64> = ChatStore::new(store).thread(conversation_id, None, limit)?
                .iter()
                .filter_map(|m| m.get("id").and_then(Value::as_i64))
                .collect();
            let oldest = chat::page_back_from(&cached_ids);
            let want = (limit - cached).clamp(MIN_PAGE, MAX_PAGE);
            let sync = &chat.sync;
            let read = sync
                .client
                .chat_messages(&sync.slug, conversation_id, want, oldest);
            let Ok(answer) = tokio::time::timeout(HISTORY_WAIT, read).await else {
                // The server is slow or hung and the desk does not know it yet: what it has is
                // shown now, and the thread is read in the background (the screen hears of it,
                // and of the server gone silent when the read times out).
                chat.refetch(conversation_id);
                return self.view(&chat, conversation_id, limit);
            };
            match answer {
                Ok(page) => {
                    sync.came_online();
                    // History is no news: nothing in it toasts.
                    ChatStore::new(store).store_messages(conversation_id, &page)?;
                    if page.len() < want {
                        ChatStore::new(store).set_complete(conversation_id)?;
                    }
                }
                Err(err) => self.offline_or(err, &chat)?,
            }
        }
        self.view(&chat, conversation_id, limit)
    }

    /// A failure that passes (no network) leaves the thread as the desk has it; any other is
    /// the user's to see.
    fn offline_or(&self, err: ApiError, chat: &ChatShared) -> Result<(), DeskError> {
        match err {
            ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Server { .. } => {
                chat.sync.went_offline(&err);
                Ok(())
            }
            ApiError::Unauthorized { message } => {
                chat.sync.report_unauthorized(message.clone());
                Err(ApiError::Unauthorized { message }.into())
            }
            other => Err(other.into()),
        }
    }

    fn view(
        &self,
        chat: &ChatShared,
        conversation_id: i64,
        limit: usize,
    ) -> Result<ThreadView, DeskError> {
        let mut view = chat::read_thread(&self.cx.store, chat.reader(), conversation_id, limit)?;
        view.reply_refused = self.may_reply().err().map(|refused| refused.to_string());
        view.changes_refused = chat.changes_refused().map(str::to_owned);
        Ok(view)
    }

    /// Whether this person may reply to guests on this server (§10.3: a capability).
    fn may_reply(&self) -> Result<(), DeskError> {
        self.cx.may(Some(REPLY.0), REPLY.1)
    }

    /// Why my sent messages cannot be changed here, as an error, if they cannot.
    fn may_change(&self, chat: &ChatShared) -> Result<(), DeskError> {
        match chat.changes_refused() {
            Some(why) => Err(DeskError::NotAllowed(why.to_owned())),
            None => Ok(()),
        }
    }

    fn queued(&self, chat: &ChatShared, entry: NewChatEntry<'_>) -> Result<ThreadView, DeskError> {
        ChatStore::new(&self.cx.store).queue(entry)?;
        if entry.op == ChatOp::Send && !entry.message.is_empty() {
            // What was typed went with it: the draft is done.
            ChatStore::new(&self.cx.store).draft_sent(entry.conversation_id, entry.message)?;
        }
        chat.kick();
        chat.changed(Some(entry.conversation_id));
        let shown = ChatStore::new(&self.cx.store).count(entry.conversation_id)?;
        self.view(chat, entry.conversation_id, shown.max(50))
    }

    /// Queues a reply: shown at once as waiting, sent when the server can be reached.
    pub fn send(
        &self,
        conversation_id: i64,
        message: &str,
        reply_to: Option<i64>,
    ) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        self.may_reply()?;
        let message = checked_text(message)?;
        self.queued(
            &chat,
            NewChatEntry {
                op: ChatOp::Send,
                conversation_id,
                message: &message,
                reply_to,
                file: None,
            },
        )
    }

    /// Queues a file with a caption. Photos are made smaller and stripped of their metadata
    /// first; other files go as they are. Refused here, with the reason, when the server would
    /// refuse it (type, size).
    pub async fn attach(
        &self,
        conversation_id: i64,
        file_name: &str,
        bytes: Vec<u8>,
        message: &str,
    ) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        self.may_reply()?;
        let name = file_name.trim();
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((_, mime)) = ATTACHMENT_TYPES.iter().find(|(ext, _)| *ext == extension) else {
            return Err(DeskError::InvalidInput {
                field: "file",
                message: format!(
                    "'{name}' cannot be sent: guests can receive photos (JPG, PNG, GIF, WebP, \
                     BMP), PDF, Word, Excel, text and CSV files"
                ),
            });
        };
        if bytes.is_empty() {
            return Err(DeskError::InvalidInput {
                field: "file",
                message: format!("'{name}' is empty"),
            });
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(DeskError::InvalidInput {
                field: "file",
                message: format!(
                    "'{name}' is {} MB; a file sent to a guest can be at most 50 MB",
                    bytes.len() / (1024 * 1024)
                ),
            });
        }
        let (bytes, name, mime) = if PREPARED_IMAGE_TYPES.contains(&extension.as_str()) {
            let owned = name.to_owned();
            let prepared = tokio::task::spawn_blocking(move || {
                crate::media::prepare(&owned, &bytes, &crate::media::ImagePolicy::default())
            })
            .await
            .map_err(|err| DeskError::Interrupted(format!("preparing the photo: {err}")))??;
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            (
                prepared.image.bytes.clone(),
                format!("{stem}.{}", prepared.image.extension()),
                prepared.image.mime().to_owned(),
            )
        } else {
            (bytes, name.to_owned(), (*mime).to_owned())
        };
        let folder = chat.files.clone();
        let key = tokio::task::spawn_blocking(move || chat_worker::keep_file(&folder, &bytes))
            .await
            .map_err(|err| DeskError::Interrupted(format!("keeping the file: {err}")))?
            .map_err(|err| DeskError::InvalidInput {
                field: "file",
                message: format!("'{name}' cannot be kept on this computer to be sent: {err}"),
            })?;
        let file = QueuedFile { key, name, mime };
        let caption = message.trim();
        self.queued(
            &chat,
            NewChatEntry {
                op: ChatOp::Send,
                conversation_id,
                message: caption,
                reply_to: None,
                file: Some(&file),
            },
        )
    }

    /// One of my sent messages, or why it cannot be changed.
    fn my_message(&self, chat: &ChatShared, message_id: i64) -> Result<(i64, Value), DeskError> {
        let message = ChatStore::new(&self.cx.store).message(message_id)?
            .ok_or(DeskError::Missing("message"))?;
        let mine = message.get("sender_type").and_then(Value::as_str) == Some("staff")
            && message.get("staff").and_then(Value::as_i64) == Some(chat.me);
        if !mine {
            return Err(DeskError::InvalidInput {
                field: "message",
                message: "You can change only your own messages".into(),
            });
        }
        let delete_waits = ChatStore::new(&self.cx.store).replies(message.get("conversation").and_then(Value::as_i64))?
            .iter()
            .any(|e| e.op == ChatOp::Delete { target: message_id });
        if delete_waits || message.get("is_deleted").and_then(Value::as_bool) == Some(true) {
            return Err(DeskError::InvalidInput {
                field: "message",
                message: "This message was deleted".into(),
            });
        }
        let conversation_id = message
            .get("conversation")
            .and_then(Value::as_i64)
            .ok_or(DeskError::Missing("conversation"))?;
        Ok((conversation_id, message))
    }

    /// Queues a new text for one of my messages.
    pub fn edit(&self, message_id: i64, message: &str) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        self.may_change(&chat)?;
        let (conversation_id, current) = self.my_message(&chat, message_id)?;
        // Editing starts from the text: the desk has only the start of a clipped one.
        if current
            .get(crate::features::chat::store::CLIPPED_KEY)
            .is_some()
        {
            return Err(DeskError::InvalidInput {
                field: "message",
                message: "This message is longer than the desk keeps, so it can be changed \
                          only in the hotel's web app"
                    .into(),
            });
        }
        let message = checked_text(message)?;
        self.queued(
            &chat,
            NewChatEntry {
                op: ChatOp::Edit { target: message_id },
                conversation_id,
                message: &message,
                reply_to: None,
                file: None,
            },
        )
    }

    /// Queues deleting one of my messages.
    pub fn delete(&self, message_id: i64) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        self.may_change(&chat)?;
        let (conversation_id, _) = self.my_message(&chat, message_id)?;
        self.queued(
            &chat,
            NewChatEntry {
                op: ChatOp::Delete { target: message_id },
                conversation_id,
                message: "",
                reply_to: None,
                file: None,
            },
        )
    }

    /// Which thread is in front of the user (visible in a focused window; `None`: none). It is
    /// marked read now and as its guests write; no toast is shown for it meanwhile. A thread
    /// this desk has none of the messages of (never read here, the server unreachable) is not
    /// marked read: nobody has seen what it says (issue 36.9).
    pub fn viewing(&self, conversation_id: Option<i64>) -> Result<(), DeskError> {
        let chat = self.chat()?;
        chat.set_viewing(conversation_id);
        if let Some(id) = conversation_id {
            if chat.has_any_of(id)? {
                chat.mark_read(id)?;
            }
        }
        Ok(())
    }

    /// The person says they have read this conversation (the E key): its guest messages are
    /// marked read, here and on the server, as being on screen in a focused window marks them.
    /// False, and nothing marked, for a thread this desk holds none of the messages of: nobody
    /// has seen what it says.
    pub fn mark_read(&self, conversation_id: i64) -> Result<bool, DeskError> {
        let chat = self.chat()?;
        if !chat.has_any_of(conversation_id)? {
            return Ok(false);
        }
        chat.mark_read(conversation_id)?;
        Ok(true)
    }

    /// Takes the conversation over (the guest's messages go to me). Needs the server: whom a
    /// guest is talking to is not decided offline.
    pub async fn claim(&self, conversation_id: i64) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        let sync = &chat.sync;
        let answer = match sync.client.chat_assign(&sync.slug, conversation_id).await {
            Ok(answer) => answer,
            Err(err @ (ApiError::Network { .. } | ApiError::Timeout { .. })) => {
                sync.went_offline(&err);
                return Err(DeskError::ChatOffline);
            }
            Err(ApiError::Unauthorized { message }) => {
                sync.report_unauthorized(message.clone());
                return Err(ApiError::Unauthorized { message }.into());
            }
            Err(err) => return Err(err.into()),
        };
        sync.came_online();
        let name = chat_worker::assigned_name(&answer).unwrap_or_else(|| chat.my_name.clone());
        let store = &self.cx.store;
        ChatStore::new(store).set_handler(conversation_id, &name, Some(chat.me))?;
        // Taking it over also marked its guest messages read on the server.
        chat.mark_read(conversation_id)?;
        chat.changed(Some(conversation_id));
        let shown = ChatStore::new(store).count(conversation_id)?;
        self.view(&chat, conversation_id, shown.max(50))
    }

    /// Sends a refused entry again.
    pub fn retry(&self, seq: i64) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        let store = &self.cx.store;
        let entry = ChatStore::new(store).replies(None)?
            .into_iter()
            .find(|e| e.seq == seq)
            .ok_or(DeskError::Missing("message"))?;
        ChatStore::new(store).retry_reply(seq)?;
        chat.kick();
        chat.changed(Some(entry.conversation_id));
        self.view(
            &chat,
            entry.conversation_id,
            ChatStore::new(store).count(entry.conversation_id)?.max(50),
        )
    }

    /// Drops a refused entry.
    pub fn discard(&self, seq: i64) -> Result<ThreadView, DeskError> {
        let chat = self.chat()?;
        let store = &self.cx.store;
        let entry = ChatStore::new(store).discard_reply(seq)?
            .ok_or(DeskError::Missing("message"))?;
        if let Some(file) = &entry.file {
            chat_worker::remove_file(&chat.files, &file.key);
        }
        chat.changed(Some(entry.conversation_id));
        self.view(
            &chat,
            entry.conversation_id,
            ChatStore::new(store).count(entry.conversation_id)?.max(50),
        )
    }

    /// Saves an attachment into the user's Downloads folder (or the home folder) and says
    /// where. The name is the server's, made safe for a file name; an existing file is never
    /// overwritten.
    pub async fn save_attachment(&self, url: &str, name: &str) -> Result<String, DeskError> {
        let chat = self.chat()?;
        let link = chat::safe_link(url).ok_or(DeskError::InvalidInput {
            field: "url",
            message: "This attachment has no web address the desk can fetch".into(),
        })?;
        let folder = crate::context::saved_files::downloads_folder("url")?;
        let path = free_path(&folder, &safe_file_name(name));
        // Streamed to disk, at most what the server accepts for a guest's file.
        chat.sync
            .client
            .download_to_file(&link, crate::api::MAX_ATTACHMENT_BYTES, &path)
            .await?;
        Ok(path.display().to_string())
    }

    /// The whole text of a message the desk keeps only the start of (a guest wrote more than
    /// [`crate::features::chat::store::MESSAGE_CHARS`] characters), read from the server for the person
    /// who asked; it is shown, never stored. Needs the server.
    pub async fn whole_message(
        &self,
        conversation_id: i64,
        message_id: i64,
    ) -> Result<Vec<chat::TextPart>, DeskError> {
        let chat = self.chat()?;
        let sync = &chat.sync;
        // The newest message older than the next id is this one, if the server still has it.
        let page = match sync
            .client
            .chat_messages(
                &sync.slug,
                conversation_id,
                1,
                Some(message_id.saturating_add(1)),
            )
            .await
        {
            Ok(page) => page,
            Err(err) => {
                if err.is_transient() {
                    sync.went_offline(&err);
                } else if let ApiError::Unauthorized { message } = &err {
                    sync.report_unauthorized(message.clone());
                }
                return Err(err.into());
            }
        };
        sync.came_online();
        let message = page
            .iter()
            .find(|m| m.get("id").and_then(Value::as_i64) == Some(message_id))
            .ok_or(DeskError::Missing("message"))?;
        chat::whole_text(message).ok_or(DeskError::Missing("message"))
    }

    /// The unread total, for the badge, the tray and the window title.
    pub fn unread_total(&self) -> Result<u32, DeskError> {
        Ok(self.chat()?.unread_total()?)
    }
}

fn checked_text(message: &str) -> Result<String, DeskError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(DeskError::InvalidInput {
            field: "message",
            message: "Write a message first".into(),
        });
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DeskError::InvalidInput {
            field: "message",
            message: format!("A message can be at most {MAX_MESSAGE_CHARS} characters"),
        });
    }
    Ok(message.to_owned())
}
